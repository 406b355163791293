select
    path,
    file_name,
    report_id,
    stage,
    reason,
    duplicate_of
from {{ ref('stg_lake__rejected_reports') }}
