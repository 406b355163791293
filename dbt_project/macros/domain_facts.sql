{# The rows of one domain's fact table: every domain table has the same columns. Incremental
   by report like the table it copies (report_incremental.sql). #}
{% macro domain_facts(domain) %}
{{ report_copy_incremental('int_report_metrics__enriched') }}

select
    fact_id,
    report_id,
    file_name,
    admin_code,
    region_name,
    province,
    city,
    county,
    issuer,
    issuer_kind,
    report_year,
    year,
    measure,
    measure_label_zh,
    kind,
    value,
    unit,
    approx,
    scope,
    in_plan,
    quote,
    start_offset,
    end_offset,
    section_id,
    outline_part,
    rule,
    domain_source,
    year_source,
    sentence,
    sentence_start,
    sentence_end,
    lake_key
from {{ ref('int_report_metrics__enriched') }}
where
    domain = '{{ domain }}'
    {% if is_incremental() %}
        and report_id in {{ reports_not_copied(ref('int_report_metrics__enriched'), "domain = '" ~ domain ~ "'") }}
    {% endif %}
{% endmacro %}
