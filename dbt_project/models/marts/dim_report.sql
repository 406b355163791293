with fact_counts as (
    select
        report_id,
        count(*) as facts
    from {{ ref('stg_lake__report_metrics') }}
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
    r.text
from {{ ref('stg_lake__parsed_reports') }} as r
left join {{ ref('stg_lake__raw_reports') }} as raw using (report_id)
left join {{ ref('int_regions__by_code') }} as g on r.admin_code = g.admin_code
left join fact_counts as f using (report_id)
left join {{ ref('stg_lake__report_sources') }} as src using (report_id)
