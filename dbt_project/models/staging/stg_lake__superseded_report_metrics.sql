-- sqlfluff:templater:jinja:context:run_query:none
{#- Absent in a lake written before the watcher existed, or by hand: then empty, with its columns.
    run_query looks for the manifest when dbt builds (sqlfluff, which lints
    without dbt, is given a name that is no function by the first line). -#}
{%- set declared = source('lake', 'superseded_report_metrics') -%}
{%- set lake_dir = env_var('FAZHI_LAKE_DIR', '../warehouse/lake') -%}
{%- set current = (lake_dir ~ '/_current/superseded_report_metrics.parquet') | replace("'", "''") -%}
{%- set present = namespace(value=false) -%}
{%- if execute and run_query is callable -%}
    {%- set found = run_query("select count(*) from glob('" ~ current ~ "')") -%}
    {%- set present.value = found.columns[0].values()[0] > 0 -%}
{%- endif -%}

{% if present.value %}
    select
        report_id,
        domain,
        measure,
        kind,
        value,
        unit,
        year,
        nullif(trim(scope), '') as scope,
        quote,
        start as start_offset
    from {{ lake_source('superseded_report_metrics') }}
{% else %}
    select
        cast(null as varchar) as report_id,
        cast(null as varchar) as domain,
        cast(null as varchar) as measure,
        cast(null as varchar) as kind,
        cast(null as double) as value,
        cast(null as varchar) as unit,
        cast(null as integer) as year,
        cast(null as varchar) as scope,
        cast(null as varchar) as quote,
        cast(null as integer) as start_offset
    where false
{% endif %}
