select
    report_id,
    section_id,
    parent_id,
    level,
    number,
    heading,
    start_offset,
    end_offset,
    outline_part
from {{ ref('stg_lake__report_sections') }}
