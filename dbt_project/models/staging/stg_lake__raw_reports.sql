select
    report_id,
    path,
    file_name,
    size_bytes,
    format,
    encoding,
    length(text) as text_chars
from {{ lake_source('raw_reports') }}
