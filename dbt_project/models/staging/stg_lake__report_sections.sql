with sections as (
    select
        report_id,
        unnest(sections) as section
    from {{ lake_source('parsed_reports') }}
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
    section.outline_part
from sections
