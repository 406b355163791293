-- sqlfluff:templater:jinja:context:invocation_id:lint
-- Each fact with the report it came from, the report's region and the measure's labels.
{{ report_incremental(['report_metrics', 'parsed_reports']) }}

select
    f.fact_id,
    f.report_id,
    r.file_name,
    r.admin_code,
    coalesce(g.name, r.county, r.city, r.province) as region_name,
    r.province,
    r.city,
    r.county,
    r.issuer,
    r.issuer_kind,
    r.report_year,
    f.year,
    f.domain,
    f.measure,
    m.label_zh as measure_label_zh,
    f.kind,
    f.value,
    f.unit,
    f.approx,
    f.scope,
    f.quote,
    f.start_offset,
    f.end_offset,
    f.section_id,
    f.outline_part,
    coalesce(f.outline_part = 'plan', false) as in_plan,
    f.rule,
    f.sentence,
    f.sentence_start,
    f.sentence_end,
    f.domain_source,
    f.year_source,
    k.lake_key,
    '{{ invocation_id }}' as built_by
from {{ ref('stg_lake__report_metrics') }} as f
inner join {{ ref('stg_lake__parsed_reports') }} as r using (report_id)
inner join {{ lake_report_keys(['report_metrics', 'parsed_reports']) }} as k using (report_id)
left join {{ ref('int_regions__by_code') }} as g on r.admin_code = g.admin_code
left join {{ ref('measures') }} as m on m.domain = f.domain and m.measure = f.measure
{% if is_incremental() %}
    where f.report_id in {{ reports_to_build(['report_metrics', 'parsed_reports']) }}
{% endif %}
