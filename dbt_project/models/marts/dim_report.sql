{#- Incremental by report (report_incremental.sql): a report's row is made again when its
    parsed, raw, facts or (with the watcher) source rows are. -#}
{%- set key_tables = ['parsed_reports', 'raw_reports', 'report_metrics', 'report_sources?'] -%}
{{ report_incremental(key_tables) }}

with fact_counts as (
    select
        report_id,
        count(*) as facts
    from {{ ref('stg_lake__report_metrics') }}
    {% if is_incremental() %}
        where report_id in {{ reports_to_build(key_tables) }}
    {% endif %}
    group by report_id
)

select
    r.report_id,
    r.file_name,
    r.path,
    r.title,
    r.issuer,
    r.issuer_kind,
    r.issuer_department,
    r.province,
    r.city,
    r.county,
    r.admin_code,
    coalesce(g.name, r.county, r.city, r.province) as region_name,
    r.report_year,
    r.publish_date,
    r.doc_number,
    r.provenance,
    raw.format,
    raw.encoding,
    raw.size_bytes,
    length(r.text) as text_chars,
    coalesce(f.facts, 0) as facts,
    src.source_url,
    src.listing_url,
    src.fetched_at,
    r.text,
    k.lake_key
from {{ ref('stg_lake__parsed_reports') }} as r
inner join {{ lake_report_keys(key_tables) }} as k using (report_id)
left join {{ ref('stg_lake__raw_reports') }} as raw using (report_id)
left join {{ ref('int_regions__by_code') }} as g on r.admin_code = g.admin_code
left join fact_counts as f using (report_id)
left join {{ ref('stg_lake__report_sources') }} as src using (report_id)
{% if is_incremental() %}
    where r.report_id in {{ reports_to_build(key_tables) }}
{% endif %}
