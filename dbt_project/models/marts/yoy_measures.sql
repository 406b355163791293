-- Year over year per issuer x measure x scope: the value, the previous year's value and
-- the change. Where no report gives the previous year's value, it is derived from a
-- change the current report states, and previous_value_source says so.
with current_year as (
    select * from {{ ref('int_measure_values__yearly') }}
),

changes as (
    select * from {{ ref('int_measure_changes__stated') }}
),

joined as (
    select
        cur.*,
        prev.value as reported_previous_value,
        prev.value_source as reported_previous_source,
        -- The measure's own unit: an absolute change (较上年增加130件).
        case
            when abs_change.change_value is not null then cur.value - abs_change.change_value
            -- Percentage points on a rate (提高3.1个百分点).
            when pp_change.change_value is not null and cur.unit = 'percent'
                then cur.value - pp_change.change_value
            -- A relative change on a count or amount (同比增长21.3%).
            when rel_change.change_value is not null and cur.unit != 'percent'
                then cur.value / (1 + rel_change.change_value / 100)
        end as derived_previous_value,
        coalesce(abs_change.change_value, pp_change.change_value, rel_change.change_value) as stated_change,
        coalesce(abs_change.change_unit, pp_change.change_unit, rel_change.change_unit) as stated_change_unit
    from current_year as cur
    left join current_year as prev
        on
            prev.admin_code = cur.admin_code
            and prev.issuer is not distinct from cur.issuer
            and prev.domain = cur.domain
            and prev.measure = cur.measure
            and prev.scope_key = cur.scope_key
            and prev.unit = cur.unit
            and prev.year = cur.year - 1
    left join changes as abs_change
        on
            abs_change.report_id = cur.report_id and abs_change.domain = cur.domain
            and abs_change.measure = cur.measure and abs_change.scope_key = cur.scope_key
            and abs_change.year = cur.year and abs_change.change_unit = cur.unit
            and cur.unit != 'percent'
    left join changes as pp_change
        on
            pp_change.report_id = cur.report_id and pp_change.domain = cur.domain
            and pp_change.measure = cur.measure and pp_change.scope_key = cur.scope_key
            and pp_change.year = cur.year and pp_change.change_unit = 'percentage_point'
    left join changes as rel_change
        on
            rel_change.report_id = cur.report_id and rel_change.domain = cur.domain
            and rel_change.measure = cur.measure and rel_change.scope_key = cur.scope_key
            and rel_change.year = cur.year and rel_change.change_unit = 'percent'
),

compared as (
    select
        *,
        coalesce(reported_previous_value, derived_previous_value) as previous_value,
        case
            when reported_previous_value is not null then reported_previous_source
            when derived_previous_value is not null then 'derived_from_stated_change'
        end as previous_value_source
    from joined
)

select
    admin_code,
    region_name,
    issuer,
    issuer_kind,
    domain,
    measure,
    measure_label_zh,
    nullif(scope_key, '') as scope,
    unit,
    year,
    value,
    approx,
    value_source,
    previous_value,
    previous_value_source,
    value - previous_value as absolute_change,
    round(100 * (value - previous_value) / nullif(previous_value, 0), 2) as percent_change,
    stated_change,
    stated_change_unit,
    values_in_report,
    fact_id,
    report_id
from compared
