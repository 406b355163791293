{{ report_incremental(['raw_reports']) }}

select
    report_id,
    path,
    file_name,
    size_bytes,
    format,
    encoding,
    length(text) as text_chars,
    lake_segment as lake_key
from {{ lake_source('raw_reports', new_only=true) }}
