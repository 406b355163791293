-- Every report should name its region and the year it is about; without them its facts
-- cannot be compared across regions and years. Warns, naming the reports.
{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'dim_report'}}}) }}

select
    report_id,
    file_name,
    admin_code,
    report_year
from {{ ref('dim_report') }}
where admin_code is null or report_year is null
