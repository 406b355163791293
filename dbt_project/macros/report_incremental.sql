{# Incremental by report. A model built from the segmented lake tables keeps, on each row,
   `lake_key`: the lake segment(s) that held its report's rows when they were built. The lake's
   manifests (_current/<table>.parquet) name each current report's segment, so comparing the
   two tells the work without any record of earlier builds:
   - rows whose (report_id, lake_key) is no longer current are deleted (pre-hook
     delete_stale_reports): a removed file, a report now a duplicate, a re-parsed or
     re-extracted report (new segment) all leave;
   - reports whose current key has no rows are built (reports_to_build) and delete+inserted
     by report_id.
   Keys come from the manifests, not from upstream tables, so an incremental build is only
   correct from a warehouse that a whole build of the same dbt project made: the dbt step
   runs --full-refresh otherwise (orchestration/defs/dbt.py). #}

{% macro lake_manifest(table_name) -%}
    {%- set lake_dir = env_var('FAZHI_LAKE_DIR', '../warehouse/lake') -%}
    read_parquet('{{ (lake_dir ~ "/_current/" ~ table_name ~ ".parquet") | replace("'", "''") }}')
{%- endmacro %}


{# (report_id, lake_key) of every current report of `tables`, the first table's reports only;
   a report missing from a later table gets '' for it. A name ending in ? is an optional table
   (the watcher's), left out when the lake has none. #}
{% macro lake_report_keys(optional_tables) -%}
    {%- set tables = [] -%}
    {%- for t in optional_tables -%}
        {%- if not t.endswith('?') -%}
            {%- do tables.append(t) -%}
        {%- elif lake_table_present(t[:-1]) -%}
            {%- do tables.append(t[:-1]) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if tables | length == 1 -%}
        (
            select distinct
                report_id,
                segment as lake_key
            from {{ lake_manifest(tables[0]) }}
            where status = 'ok' and segment is not null
        )
    {%- else -%}
        (
            select
                t0.report_id,
                concat_ws('/', t0.segment
                {%- for t in tables[1:] %}, coalesce(t{{ loop.index }}.segment, ''){% endfor -%}
                ) as lake_key
            {%- for t in tables %}
                {% if not loop.first %}left join{% else %}from{% endif %} (
                    select
                        report_id,
                        string_agg(distinct segment, ',' order by segment) as segment
                    from {{ lake_manifest(t) }}
                    where status = 'ok' and segment is not null
                    group by report_id
                ) as t{{ loop.index0 }}
                {%- if not loop.first %} on t{{ loop.index0 }}.report_id = t0.report_id{% endif %}
            {%- endfor %}
        )
    {%- endif -%}
{%- endmacro %}


{# Pre-hook: drop the rows of reports that left the lake or whose rows were made again. #}
{% macro delete_stale_reports(tables) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where (report_id, lake_key) not in (select report_id, lake_key from {{ lake_report_keys(tables) }})
    {%- endif -%}
{%- endmacro %}


{# The reports an incremental build must (re)build: current, but without rows here. #}
{% macro reports_to_build(tables) -%}
    (
        select wanted.report_id
        from {{ lake_report_keys(tables) }} as wanted
        where not exists (
            select 1 from {{ this }} as built
            where built.report_id = wanted.report_id and built.lake_key = wanted.lake_key
        )
    )
{%- endmacro %}


{# The config every report-incremental model shares. #}
{% macro report_incremental(tables) -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='report_id',
        pre_hook=["{{ delete_stale_reports(" ~ tables ~ ") }}"],
    ) }}
{%- endmacro %}


{# For a model copying the rows of an incremental model (`upstream`, lake_key included), as the
   fact tables copy int_report_metrics__enriched: the work is found from the two tables' keys,
   report by report, without the manifests or a row-by-row comparison (O(reports), not O(rows)). #}
{% macro report_copy_incremental(upstream) -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='report_id',
        pre_hook=["{{ delete_stale_copies(ref('" ~ upstream ~ "')) }}"],
    ) }}
{%- endmacro %}


{# Pre-hook: drop the rows of reports whose key upstream changed or is gone. #}
{% macro delete_stale_copies(upstream) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where report_id in (
            select report_id from (
                select distinct report_id, lake_key from {{ this }}
                except
                select distinct report_id, lake_key from {{ upstream }}
            )
        )
    {%- endif -%}
{%- endmacro %}


{# The reports among `upstream`'s rows (those matching `where`) that this model does not hold. #}
{% macro reports_not_copied(upstream, where='true') -%}
    (
        select report_id from (
            select distinct report_id, lake_key from {{ upstream }} where {{ where }}
            except
            select distinct report_id, lake_key from {{ this }}
        )
    )
{%- endmacro %}
