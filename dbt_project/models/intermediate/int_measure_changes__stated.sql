-- Changes a report states against the previous year (同比增长21.3%, 较上年增加130件),
-- one per report x measure x scope x year x change unit: the first mention.
-- Joined only to a value from the same report, so value and change describe one thing.
with candidates as (
    select
        *,
        coalesce(scope, '') as scope_key,
        row_number() over (
            partition by report_id, domain, measure, coalesce(scope, ''), year, unit
            order by start_offset asc
        ) as preference
    from {{ ref('int_report_metrics__enriched') }}
    where
        kind = 'change'
        and measure != 'other'
        and not in_plan
        and year is not null
)

select
    report_id,
    domain,
    measure,
    scope_key,
    year,
    unit as change_unit,
    value as change_value,
    fact_id
from candidates
where preference = 1
