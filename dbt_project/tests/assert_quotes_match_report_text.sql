-- Every number is traceable: its quote is exactly the report's text at its offsets.
select
    f.fact_id,
    f.quote,
    substr(r.text, f.start_offset + 1, f.end_offset - f.start_offset) as text_at_offsets
from {{ ref('stg_lake__report_metrics') }} as f
inner join {{ ref('stg_lake__parsed_reports') }} as r using (report_id)
where f.quote != substr(r.text, f.start_offset + 1, f.end_offset - f.start_offset)
