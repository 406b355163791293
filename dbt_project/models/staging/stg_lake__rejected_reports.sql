{% for stage_table in ['rejected_at_read', 'rejected_at_parse', 'rejected_at_extract'] %}
    select
        path,
        file_name,
        report_id,
        stage,
        reason,
        duplicate_of
    from {{ lake_source(stage_table, stage_table.split('_')[-1] ~ '.parquet', 'rejected_reports') }}
    {% if not loop.last %}union all{% endif %}
{% endfor %}
