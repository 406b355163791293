-- sqlfluff:templater:jinja:context:run_query:none
{#- Absent in a lake written before the watcher existed, or by hand: then empty, with its
    columns (macro lake_table_present). -#}
{%- set declared = source('lake', 'superseded_report_metrics') -%}

{% if lake_table_present('superseded_report_metrics') %}
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
