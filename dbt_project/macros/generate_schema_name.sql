{# Use the layer's schema name as written (staging, intermediate, main), not dbt's
   default "<target>_<custom>", so users query marts as plain table names. #}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name | trim if custom_schema_name else target.schema }}
{%- endmacro %}
