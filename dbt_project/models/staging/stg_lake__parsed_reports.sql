{{ report_incremental(['parsed_reports']) }}

select
    report_id,
    path,
    file_name,
    text,
    nullif(trim(title), '') as title,
    issuer,
    issuer_kind,
    issuer_department,
    province,
    city,
    county,
    admin_code,
    report_year,
    try_cast(publish_date as date) as publish_date,
    doc_number,
    map_from_entries(
        list_transform(provenance, p -> struct_pack(k := p.field, v := p.method))
    ) as provenance,
    lake_segment as lake_key
from {{ lake_source('parsed_reports', new_only=true) }}
