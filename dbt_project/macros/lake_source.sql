{# A lake table (Parquet files the Python stages wrote) as a relation dbt can select from.
   `source()` is called so dbt and Dagster see the dependency; the path is quoted here, not
   formatted by dbt-duckdb's external_location, so a checkout under a folder named with
   ' or { still builds. The lake is read once, while building: staging models are tables. #}
{% macro lake_source(table_name, file='all.parquet', folder=none) -%}
    {%- set declared = source('lake', table_name) -%}
    {%- set lake_dir = env_var('FAZHI_LAKE_DIR', '../warehouse/lake') -%}
    {%- set location = lake_dir ~ '/' ~ (folder or table_name) ~ '/' ~ file -%}
    read_parquet('{{ location | replace("'", "''") }}')
{%- endmacro %}
