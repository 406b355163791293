-- Every number is traceable: its quote is exactly the report's text at its offsets, and it lies
-- inside its sentence, which is the report's text at the sentence's offsets.
-- Shown in Dagster as an asset check on dim_report, whose text the offsets point into.
{{ config(meta={'dagster': {'ref': {'name': 'dim_report'}}}) }}

select
    f.fact_id,
    f.report_id,
    f.quote,
    substr(r.text, f.start_offset + 1, f.end_offset - f.start_offset) as text_at_offsets
from {{ ref('int_report_metrics__enriched') }} as f
inner join {{ ref('dim_report') }} as r using (report_id)
where
    f.quote is distinct from substr(r.text, f.start_offset + 1, f.end_offset - f.start_offset)
    or f.sentence is distinct from substr(r.text, f.sentence_start + 1, f.sentence_end - f.sentence_start)
    or f.start_offset < f.sentence_start
    or f.end_offset > f.sentence_end
