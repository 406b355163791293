-- A rate stated as a value is a percentage between 0 and 100; outside that range the
-- number was misread (a count taken for a rate, a decimal point lost). Warns, naming the facts.
{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'int_report_metrics__enriched'}}}) }}

select
    fact_id,
    report_id,
    measure,
    value,
    quote
from {{ ref('int_report_metrics__enriched') }}
where
    unit = 'percent'
    and kind in ('value', 'target')
    and (value < 0 or value > 100)
