-- Changes a report states against the previous year (同比增长21.3%, 较上年增加130件),
-- one per region x measure x scope x year x change unit: the latest report's first mention.
with candidates as (
    select
        *,
        coalesce(scope, '') as scope_key,
        row_number() over (
            partition by admin_code, domain, measure, coalesce(scope, ''), year, unit
            order by report_year desc, start_offset asc
        ) as preference
    from {{ ref('int_report_metrics__enriched') }}
    where
        kind = 'change'
        and measure != 'other'
        and not in_plan
        and admin_code is not null
        and year is not null
)

select
    admin_code,
    domain,
    measure,
    scope_key,
    year,
    unit as change_unit,
    value as change_value,
    fact_id
from candidates
where preference = 1
