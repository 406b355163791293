with report_counts as (
    select
        admin_code,
        count(*) as reports
    from {{ ref('stg_lake__parsed_reports') }}
    group by admin_code
)

select
    g.admin_code,
    g.name,
    g.level,
    g.province,
    g.city,
    g.county,
    g.parent_code,
    g.status,
    coalesce(c.reports, 0) as reports
from {{ ref('int_regions__by_code') }} as g
left join report_counts as c using (admin_code)
