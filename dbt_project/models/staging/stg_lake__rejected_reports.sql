{% for stage_table in ['rejected_at_read', 'rejected_at_parse', 'rejected_at_extract'] %}
    select
        path,
        file_name,
        report_id,
        stage,
        reason,
        duplicate_of
    from {{ source('lake', stage_table) }}
    {% if not loop.last %}union all{% endif %}
{% endfor %}
