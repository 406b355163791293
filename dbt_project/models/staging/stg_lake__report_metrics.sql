select
    md5(concat_ws('|', report_id, start, "end", domain, measure, kind, year)) as fact_id,
    report_id,
    domain,
    measure,
    kind,
    value,
    unit,
    approx,
    year,
    nullif(trim(scope), '') as scope,
    quote,
    start as start_offset,
    "end" as end_offset,
    section_id,
    outline_part,
    rule
from {{ lake_source('report_metrics') }}
