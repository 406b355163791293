-- The domain's facts (macro domain_facts) with where each fact's domain and year came from.
with facts as (
{{ domain_facts('mediation') }}
)
select
    facts.*,
    e.domain_source,
    e.year_source
from facts
inner join {{ ref('int_report_metrics__enriched') }} as e using (fact_id)
