{{ report_incremental(['parsed_reports']) }}

with sections as (
    select
        report_id,
        lake_segment,
        unnest(sections) as section
    from {{ lake_source('parsed_reports', new_only=true) }}
)

select
    report_id,
    section.section_id,
    section.parent_id,
    section.level,
    section.number,
    section.heading,
    section.start as start_offset,
    section.end as end_offset,
    section.outline_part,
    lake_segment as lake_key
from sections
