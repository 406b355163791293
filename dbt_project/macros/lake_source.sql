{# A lake table (Parquet files the Python stages wrote) as a relation dbt can select from.
   `source()` is called so dbt and Dagster see the dependency; the path is quoted here, not
   formatted by dbt-duckdb's external_location, so a checkout under a folder named with
   ' or { still builds. The lake is read once, while building: staging models are tables.
   The incremental tables (raw_reports, parsed_reports, report_metrics) are segments plus a
   manifest, _current/<table>.parquet, naming the segment that holds each report's current
   rows: only those are read, so a removed or re-processed report's old rows never count.
   union_by_name: segments written before a column was added read it as null.
   new_only (an incremental model's build): only the reports whose current segment has no rows
   in the model yet (see report_incremental.sql), reading only the files that hold them; each
   row has `lake_segment`, the file it came from. has_rows: a manifest condition true for a report
   with rows in the table (else a report with none would be looked for again each build). #}
{% macro lake_source(table_name, file=none, folder=none, new_only=false, has_rows='true') -%}
    {%- set declared = source('lake', table_name) -%}
    {%- set lake_dir = env_var('FAZHI_LAKE_DIR', '../warehouse/lake') -%}
    {%- if file is none -%}
        {%- set files = "'" ~ ((lake_dir ~ '/' ~ table_name ~ '/*.parquet') | replace("'", "''")) ~ "'" -%}
        {%- set current = (lake_dir ~ '/_current/' ~ table_name ~ '.parquet') | replace("'", "''") -%}
        {%- set wanted -%}
            select report_id || '/' || segment
            from read_parquet('{{ current }}') as m
            where status = 'ok'
            {%- if new_only and is_incremental() %}
                and {{ has_rows }}
                and not exists (
                    select 1 from {{ this }} as t
                    where t.report_id = m.report_id and t.lake_key = m.segment
                )
            {%- endif %}
        {%- endset -%}
        {%- if new_only and is_incremental() and execute and run_query is callable -%}
            {#- The segment files holding wanted rows, newest first; none wanted: the newest
                file alone (it has every column), every row filtered out. -#}
            {%- set segments = run_query(
                "select distinct split_part(w, '/', 2) as s from (" ~ wanted ~ ") as x(w) order by s desc"
            ).columns[0].values() | list -%}
            {%- if not segments -%}
                {%- set newest = run_query(
                    "select max(segment) from read_parquet('" ~ current ~ "') where status = 'ok'"
                ).columns[0].values()[0] -%}
                {%- set segments = [newest] if newest else [] -%}
            {%- endif -%}
            {%- if segments -%}
                {%- set paths = [] -%}
                {%- for s in segments -%}
                    {%- do paths.append("'" ~ ((lake_dir ~ '/' ~ table_name ~ '/' ~ s ~ '.parquet') | replace("'", "''")) ~ "'") -%}
                {%- endfor -%}
                {%- set files = '[' ~ paths | join(', ') ~ ']' -%}
            {%- endif -%}
        {%- endif -%}
        (
            select
                * exclude (filename),
                parse_filename(filename, true) as lake_segment
            from read_parquet({{ files }}, filename = true, union_by_name = true)
            where report_id || '/' || parse_filename(filename, true) in ({{ wanted }})
        )
    {%- else -%}
        {%- set location = lake_dir ~ '/' ~ (folder or table_name) ~ '/' ~ file -%}
        read_parquet('{{ location | replace("'", "''") }}')
    {%- endif -%}
{%- endmacro %}
