with sections as (
    select
        report_id,
        unnest(sections) as section
    from {{ source('lake', 'parsed_reports') }}
)

select
    report_id,
    section.section_id as section_id,
    section.parent_id as parent_id,
    section.level as level,
    section.number as number,
    section.heading as heading,
    section.start as start_offset,
    section.end as end_offset,
    section.outline_part as outline_part
from sections
