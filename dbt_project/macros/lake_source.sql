{# A lake table (Parquet files the Python stages wrote) as a relation dbt can select from.
   `source()` is called so dbt and Dagster see the dependency; the path is quoted here, not
   formatted by dbt-duckdb's external_location, so a checkout under a folder named with
   ' or { still builds. The lake is read once, while building: staging models are tables.
   The incremental tables (raw_reports, parsed_reports, report_metrics) are segments plus a
   manifest, _current/<table>.parquet, naming the segment that holds each report's current
   rows: only those are read, so a removed or re-processed report's old rows never count.
   union_by_name: segments written before a column was added read it as null. #}
{% macro lake_source(table_name, file=none, folder=none) -%}
    {%- set declared = source('lake', table_name) -%}
    {%- set lake_dir = env_var('FAZHI_LAKE_DIR', '../warehouse/lake') -%}
    {%- if file is none -%}
        {%- set files = (lake_dir ~ '/' ~ table_name ~ '/*.parquet') | replace("'", "''") -%}
        {%- set current = (lake_dir ~ '/_current/' ~ table_name ~ '.parquet') | replace("'", "''") -%}
        (
            select * exclude (filename)
            from read_parquet('{{ files }}', filename = true, union_by_name = true)
            where report_id || '/' || parse_filename(filename, true) in (
                select report_id || '/' || segment
                from read_parquet('{{ current }}')
                where status = 'ok'
            )
        )
    {%- else -%}
        {%- set location = lake_dir ~ '/' ~ (folder or table_name) ~ '/' ~ file -%}
        read_parquet('{{ location | replace("'", "''") }}')
    {%- endif -%}
{%- endmacro %}
