{{ report_incremental(['report_metrics']) }}

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
    rule,
    sentence,
    sentence_start,
    sentence_end,
    domain_source,
    year_source,
    lake_segment as lake_key
from {{ lake_source('report_metrics', new_only=true, has_rows='coalesce(facts, 1) > 0') }}
