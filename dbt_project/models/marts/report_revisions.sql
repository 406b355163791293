-- What changed when a report was republished: the facts of each earlier version (extracted
-- from the watcher's superseded/ copy) against those of the version that replaced it. The
-- replacement's facts are the ones in the fact tables; this lists the difference only.
-- Facts are matched on domain, measure, kind, year, scope and unit; the same key stated more
-- than once in a report is matched in order of first appearance (the same value twice counts once).
with sources as (
    select * from {{ ref('stg_lake__report_sources') }}
),

revisions as (
    select
        old.report_id as old_report_id,
        old.superseded_by as new_report_id,
        old.superseded_at as revised_at,
        coalesce(new.path, cur.path) as path,
        new.source_url
    from sources as old
    left join sources as new on old.superseded_by = new.report_id
    left join {{ ref('stg_lake__raw_reports') }} as cur on old.superseded_by = cur.report_id
    where old.superseded_by is not null
),

all_facts as (
    select
        report_id,
        domain,
        measure,
        kind,
        year,
        scope,
        unit,
        value,
        quote,
        start_offset
    from {{ ref('stg_lake__report_metrics') }}
    union all
    select
        report_id,
        domain,
        measure,
        kind,
        year,
        scope,
        unit,
        value,
        quote,
        start_offset
    from {{ ref('stg_lake__superseded_report_metrics') }}
),

distinct_values as (
    select
        report_id,
        domain,
        measure,
        kind,
        year,
        coalesce(scope, '') as scope_key,
        unit,
        value,
        min(start_offset) as first_offset,
        arg_min(quote, start_offset) as quote
    from all_facts
    where
        report_id in (
            select old_report_id from revisions
            union all
            select new_report_id from revisions
        )
    group by all
),

numbered as (
    select
        *,
        row_number() over (
            partition by report_id, domain, measure, kind, year, scope_key, unit
            order by first_offset, value
        ) as occurrence
    from distinct_values
),

old_facts as (
    select
        r.*,
        f.domain,
        f.measure,
        f.kind,
        f.year,
        f.scope_key,
        f.unit,
        f.occurrence,
        f.value,
        f.quote
    from revisions as r
    inner join numbered as f on r.old_report_id = f.report_id
),

new_facts as (
    select
        r.*,
        f.domain,
        f.measure,
        f.kind,
        f.year,
        f.scope_key,
        f.unit,
        f.occurrence,
        f.value,
        f.quote
    from revisions as r
    inner join numbered as f on r.new_report_id = f.report_id
),

compared as (
    select
        coalesce(n.path, o.path) as path,
        coalesce(n.source_url, o.source_url) as source_url,
        coalesce(n.old_report_id, o.old_report_id) as old_report_id,
        coalesce(n.new_report_id, o.new_report_id) as new_report_id,
        coalesce(n.revised_at, o.revised_at) as revised_at,
        coalesce(n.domain, o.domain) as domain,
        coalesce(n.measure, o.measure) as measure,
        coalesce(n.kind, o.kind) as kind,
        coalesce(n.year, o.year) as year,
        nullif(coalesce(n.scope_key, o.scope_key), '') as scope,
        coalesce(n.unit, o.unit) as unit,
        o.value as old_value,
        n.value as new_value,
        o.quote as old_quote,
        n.quote as new_quote,
        case
            when o.old_report_id is null then 'added'
            when n.new_report_id is null then 'removed'
            when o.value != n.value then 'changed'
        end as change
    from old_facts as o
    full outer join new_facts as n
        on
            o.old_report_id = n.old_report_id
            and o.new_report_id = n.new_report_id
            and o.domain = n.domain
            and o.measure = n.measure
            and o.kind = n.kind
            and o.year is not distinct from n.year
            and o.scope_key = n.scope_key
            and o.unit = n.unit
            and o.occurrence = n.occurrence
)

select * from compared
where change is not null
