select
    m.domain,
    d.label_zh as domain_label_zh,
    m.measure,
    m.label_zh,
    m.label_en,
    m.description,
    m.unit
from {{ ref('measures') }} as m
inner join {{ ref('domains') }} as d using (domain)
