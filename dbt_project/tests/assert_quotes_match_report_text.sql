-- sqlfluff:templater:jinja:context:invocation_id:lint
-- Every number is traceable: its quote is exactly the report's text at its offsets, and it lies
-- inside its sentence, which is the report's text at the sentence's offsets.
-- Shown in Dagster as an asset check on dim_report, whose text the offsets point into.
-- An incremental build (var new_rows_only) checks only the facts it built: the others passed
-- when the published warehouse was built, and a fact's text is its own report's. Each check
-- takes a substring of a long text (12 s of a 29 s dbt run at 10k reports).
{{ config(meta={'dagster': {'ref': {'name': 'dim_report'}}}) }}

select
    f.fact_id,
    f.report_id,
    f.quote,
    substr(r.text, f.start_offset + 1, f.end_offset - f.start_offset) as text_at_offsets
from {{ ref('int_report_metrics__enriched') }} as f
inner join {{ ref('dim_report') }} as r using (report_id)
where
    {% if var('new_rows_only', false) %}
        f.built_by = '{{ invocation_id }}'
    {% else %}
        true
    {% endif %}
    and (
        f.quote is distinct from substr(r.text, f.start_offset + 1, f.end_offset - f.start_offset)
        or f.sentence is distinct from substr(r.text, f.sentence_start + 1, f.sentence_end - f.sentence_start)
        or f.start_offset < f.sentence_start
        or f.end_offset > f.sentence_end
    )
