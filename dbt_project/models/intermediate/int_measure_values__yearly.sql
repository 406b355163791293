-- One value per issuer x measure x scope x unit x year, for year-over-year comparison.
-- The issuer is part of the key: a department's report shares its region's code with the
-- government's report but counts other things. A year's own report wins over an
-- earlier-year value quoted in a later report; among several, the latest report, then
-- the first mention in its text. Plan-section numbers (targets) and measure "other"
-- (not comparable) are left out.
with candidates as (
    select
        *,
        coalesce(scope, '') as scope_key,
        case when year = report_year then 'report' else 'stated_in_later_report' end as value_source,
        count(*) over (
            partition by admin_code, issuer, domain, measure, coalesce(scope, ''), unit, year, report_id
        ) as values_in_report,
        row_number() over (
            partition by admin_code, issuer, domain, measure, coalesce(scope, ''), unit, year
            order by (year = report_year) desc, report_year desc, report_id asc, start_offset asc
        ) as preference
    from {{ ref('int_report_metrics__enriched') }}
    where
        kind = 'value'
        and measure != 'other'
        and not in_plan
        and admin_code is not null
        and year is not null
)

select
    admin_code,
    region_name,
    issuer,
    issuer_kind,
    domain,
    measure,
    measure_label_zh,
    scope_key,
    unit,
    year,
    value,
    approx,
    value_source,
    values_in_report,
    fact_id,
    report_id
from candidates
where preference = 1
