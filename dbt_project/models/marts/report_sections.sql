{{ report_incremental(['parsed_reports']) }}

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
from {{ ref('stg_lake__report_sections') }} as s
where {{ not_built_yet('s') }}
