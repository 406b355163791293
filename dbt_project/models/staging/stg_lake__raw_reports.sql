select
    report_id,
    path,
    file_name,
    size_bytes,
    format,
    encoding,
    length(text) as text_chars
from {{ source('lake', 'raw_reports') }}
