{{ report_copy_incremental('stg_lake__report_sections') }}

select
    report_id,
    section_id,
    parent_id,
    level,
    number,
    heading,
    start_offset,
    end_offset,
    outline_part,
    lake_key
from {{ ref('stg_lake__report_sections') }}
{% if is_incremental() %}
    where report_id in {{ reports_not_copied(ref('stg_lake__report_sections')) }}
{% endif %}
