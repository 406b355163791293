-- sqlfluff:templater:jinja:context:run_query:none
{#- The lake table is absent in a lake written before the watcher existed, or by hand:
    then this model is empty, with its columns.
    run_query looks for the manifest when dbt builds (sqlfluff, which lints
    without dbt, is given a name that is no function by the first line). -#}
{%- set declared = source('lake', 'report_sources') -%}
{%- set lake_dir = env_var('FAZHI_LAKE_DIR', '../warehouse/lake') -%}
{%- set current = (lake_dir ~ '/_current/report_sources.parquet') | replace("'", "''") -%}
{%- set present = namespace(value=false) -%}
{%- if execute and run_query is callable -%}
    {%- set found = run_query("select count(*) from glob('" ~ current ~ "')") -%}
    {%- set present.value = found.columns[0].values()[0] > 0 -%}
{%- endif -%}

{% if present.value %}
    select
        report_id,
        path,
        source_url,
        final_url,
        listing_url,
        also_from,
        channel,
        issuer,
        fetched_at,
        http_status,
        size_bytes,
        etag,
        last_modified,
        previous_report_id,
        superseded_by,
        superseded_at
    from {{ lake_source('report_sources') }}
{% else %}
    select
        cast(null as varchar) as report_id,
        cast(null as varchar) as path,
        cast(null as varchar) as source_url,
        cast(null as varchar) as final_url,
        cast(null as varchar) as listing_url,
        cast(null as varchar[]) as also_from,
        cast(null as varchar) as channel,
        cast(null as varchar) as issuer,
        cast(null as timestamp) as fetched_at,
        cast(null as integer) as http_status,
        cast(null as bigint) as size_bytes,
        cast(null as varchar) as etag,
        cast(null as varchar) as last_modified,
        cast(null as varchar) as previous_report_id,
        cast(null as varchar) as superseded_by,
        cast(null as timestamp) as superseded_at
    where false
{% endif %}
