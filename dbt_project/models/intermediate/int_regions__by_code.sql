-- One region per code. The gazetteer keeps former names under the same code (桥东区
-- became 襄都区) so old reports still resolve; here the current name wins.
select
    admin_code,
    name,
    short_name,
    level,
    province,
    city,
    county,
    parent_code,
    status
from {{ ref('regions') }}
qualify row_number() over (
    partition by admin_code
    order by (status = 'current') desc, name asc
) = 1
