-- sqlfluff:templater:jinja:context:run_query:none
{#- The lake table is absent in a lake written before the watcher existed, or by hand:
    then this model is empty, with its columns (macro lake_table_present). -#}
{%- set declared = source('lake', 'report_sources') -%}

{% if lake_table_present('report_sources') %}
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
