select
    g.admin_code,
    g.name,
    g.level,
    g.province,
    g.city,
    g.county,
    g.parent_code,
    count(r.report_id) as reports
from {{ ref('regions') }} as g
left join {{ ref('stg_lake__parsed_reports') }} as r on r.admin_code = g.admin_code
group by all
