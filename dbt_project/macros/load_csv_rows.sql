{# dbt-duckdb's fast seed load, with the seed file's path quoted: the original breaks when
   the checkout's path holds a single quote. #}
{% macro duckdb__load_csv_rows(model, agate_table) %}
    {% if config.get('fast', true) %}
        {% set seed_file_path = adapter.get_seed_file_path(model) | replace("'", "''") %}
        {% set delimiter = config.get('delimiter', ',') | replace("'", "''") %}
        {% set sql %}
          copy {{ this.render() }} from '{{ seed_file_path }}' (format csv, header true, delimiter '{{ delimiter }}')
        {% endset %}
        {% do adapter.add_query(sql, abridge_sql_log=True) %}
        {{ return(sql) }}
    {% endif %}
    {{ return(default__load_csv_rows(model, agate_table)) }}
{% endmacro %}
