{# Whether the lake has a manifest for `table_name`: optional tables (the watcher's) are absent
   from a lake written before the watcher existed, or by hand; their models are then empty.
   run_query runs only when dbt builds; sqlfluff lints without dbt (models that call this
   give it a stand-in on their first line). #}
{% macro lake_table_present(table_name) -%}
    {%- set lake_dir = env_var('FAZHI_LAKE_DIR', '../warehouse/lake') -%}
    {%- set current = (lake_dir ~ '/_current/' ~ table_name ~ '.parquet') | replace("'", "''") -%}
    {%- if execute and run_query is callable -%}
        {%- set found = run_query("select count(*) from glob('" ~ current ~ "')") -%}
        {{- return(found.columns[0].values()[0] > 0) -}}
    {%- endif -%}
    {{- return(false) -}}
{%- endmacro %}
