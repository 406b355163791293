"""The SQL the explorer's pages run, and nothing of Streamlit: each function takes an open
read-only connection and returns a pandas DataFrame (or plain Python values).

`connect()` opens the warehouse read-only for one page's queries and closes it after, so a
build can take the write lock in between. DuckDB refuses a read-only open while another
process holds the write lock (a build's dbt step): `connect` retries for a moment, then
raises `WarehouseBusy` with a message the page shows.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from orchestration import settings
from orchestration.summary import FACT_TABLES

DOMAINS = tuple(t.removeprefix("fact_") for t in FACT_TABLES)
CORE_DOMAINS = DOMAINS[:4]  # licensing, reconsideration, mediation, enforcement
# Columns every fact table has (README: "Every fact table has the same columns").
FACT_COLUMNS = (
    "fact_id", "report_id", "file_name", "admin_code", "region_name", "issuer", "issuer_kind",
    "report_year", "year", "measure", "measure_label_zh", "kind", "value", "unit", "approx", "scope",
    "in_plan", "quote", "start_offset", "end_offset", "section_id", "outline_part", "rule",
)
# Added later to the fact tables (the whole sentence a fact came from); used when present.
SENTENCE_COLUMNS = ("sentence", "sentence_start", "sentence_end")
COUNT_UNITS = ("case", "item", "person", "person_time", "times", "org", "document")


class WarehouseMissing(RuntimeError):
    """No DuckDB file where the settings point."""


class WarehouseBusy(RuntimeError):
    """Another process holds the DuckDB file's write lock (a build is writing it)."""


def database_path() -> Path:
    return settings.duckdb_path()


def stamp(path: Path | None = None) -> tuple[str, int, int, int]:
    """What changes when the warehouse is rebuilt (in place, or a new file renamed over it):
    a cache key for the pages' results."""
    path = path or database_path()
    try:
        info = path.stat()
    except FileNotFoundError:
        return (str(path), 0, 0, 0)
    return (str(path), info.st_ino, info.st_mtime_ns, info.st_size)


def _is_lock_error(err: Exception) -> bool:
    return "lock" in str(err).lower()


@contextmanager
def connect(path: Path | None = None, attempts: int = 6, wait: float = 0.5) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection for one page's queries; never writes, never holds the file long."""
    path = Path(path or database_path())
    if not path.exists():
        raise WarehouseMissing(f"No warehouse at {path}. Build it first: `make warehouse` (or `fazhi build`).")
    for attempt in range(attempts):
        try:
            con = duckdb.connect(str(path), read_only=True)
            break
        except duckdb.IOException as err:
            if not _is_lock_error(err):
                raise
            if attempt == attempts - 1:
                raise WarehouseBusy(
                    f"The warehouse {path} is being written by another process (a build, or a DuckDB shell "
                    "opened without -readonly). DuckDB lets no reader in while a writer holds the file; "
                    "the page tries again by itself, and shows the new tables when the build is done."
                ) from err
            time.sleep(wait)
    try:
        yield con
    finally:
        con.close()


def _df(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence | dict | None = None) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


def columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = con.execute(
        "select column_name from duckdb_columns() where schema_name = 'main' and table_name = ? order by column_index",
        [table],
    ).fetchall()
    return [name for (name,) in rows]


def has_sentences(con: duckdb.DuckDBPyConnection) -> bool:
    """True once the fact tables carry each fact's whole sentence."""
    return all(set(SENTENCE_COLUMNS) <= set(columns(con, t)) for t in FACT_TABLES)


def _facts_union(con: duckdb.DuckDBPyConnection) -> str:
    """All fact tables as one relation with a `domain` column (table names are constants)."""
    extra = SENTENCE_COLUMNS if has_sentences(con) else ()
    cols = ", ".join((*FACT_COLUMNS, *extra))
    return " union all ".join(
        f"select '{domain}' as domain, {cols} from main.fact_{domain}" for domain in DOMAINS
    )


# --- Trends -----------------------------------------------------------------------------


def domains(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The domains in reading order, with their Chinese label and how many facts each has."""
    counts = " union all ".join(
        f"select '{d}' as domain, count(*) as facts from main.fact_{d}" for d in DOMAINS
    )
    df = _df(con, f"""
        with labels as (select distinct domain, domain_label_zh from main.dim_measure)
        select c.domain, l.domain_label_zh, c.facts
        from ({counts}) as c left join labels as l using (domain)
    """)
    df["order"] = df["domain"].map({d: i for i, d in enumerate(DOMAINS)})
    return df.sort_values("order").drop(columns="order").reset_index(drop=True)


def measures(con: duckdb.DuckDBPyConnection, domain: str) -> pd.DataFrame:
    """The domain's measures that have year-over-year rows, the most common first."""
    return _df(con, """
        select m.measure, m.label_zh, m.label_en, count(*) as values_
        from main.dim_measure as m join main.yoy_measures as y using (domain, measure)
        where m.domain = ?
        group by all order by values_ desc, m.measure
    """, [domain])


def series_options(con: duckdb.DuckDBPyConnection, domain: str, measure: str) -> pd.DataFrame:
    """Issuers with values of the measure: one row per issuer x scope x unit, with its years."""
    return _df(con, """
        select issuer, issuer_kind, region_name, admin_code, scope, unit,
               count(distinct year) as years, min(year) as first_year, max(year) as last_year
        from main.yoy_measures
        where domain = ? and measure = ?
        group by all
        order by years desc, issuer_kind, region_name, issuer, scope nulls first, unit
    """, [domain, measure])


def trend(con: duckdb.DuckDBPyConnection, domain: str, measure: str, issuers: Sequence[str],
          scope: str | None, unit: str) -> pd.DataFrame:
    """One point per issuer and year. `source` says where each value came from: the year's own
    report, a later report quoting it, or derived from a change a later report states (only
    where no report gives that year's value)."""
    return _df(con, """
        with picked as (
            select * from main.yoy_measures
            where domain = $domain and measure = $measure and list_contains($issuers, issuer)
              and scope is not distinct from $scope and unit = $unit
        )
        select issuer, issuer_kind, region_name, year, value, approx, value_source as source, report_id, fact_id
        from picked
        union all
        select issuer, issuer_kind, region_name, year - 1, previous_value, false,
               'derived_from_stated_change', report_id, null
        from picked as cur
        where previous_value_source = 'derived_from_stated_change'
          and not exists (select 1 from picked as p where p.issuer = cur.issuer and p.year = cur.year - 1)
        order by issuer, year
    """, {"domain": domain, "measure": measure, "issuers": list(issuers), "scope": scope, "unit": unit})


def yoy_rows(con: duckdb.DuckDBPyConnection, domain: str, measure: str, issuers: Sequence[str],
             scope: str | None, unit: str) -> pd.DataFrame:
    return _df(con, """
        select y.region_name, y.issuer, y.issuer_kind, y.scope, y.year, y.value, y.unit, y.approx,
               y.value_source, y.previous_value, y.previous_value_source, y.absolute_change,
               y.percent_change, y.stated_change, y.stated_change_unit, y.values_in_report,
               r.file_name, y.report_id, y.fact_id
        from main.yoy_measures as y left join main.dim_report as r using (report_id)
        where y.domain = $domain and y.measure = $measure and list_contains($issuers, y.issuer)
          and y.scope is not distinct from $scope and y.unit = $unit
        order by y.issuer, y.year
    """, {"domain": domain, "measure": measure, "issuers": list(issuers), "scope": scope, "unit": unit})


# --- Compare ----------------------------------------------------------------------------


def compare_options(con: duckdb.DuckDBPyConnection, domain: str, measure: str) -> pd.DataFrame:
    """Year x unit combinations of a measure, with how many issuers give a value."""
    return _df(con, """
        select year, unit, count(distinct issuer) as issuers
        from main.yoy_measures
        where domain = ? and measure = ? and scope is null
        group by all order by issuers desc, year desc, unit
    """, [domain, measure])


def compare(con: duckdb.DuckDBPyConnection, domain: str, measure: str, year: int, unit: str,
            issuer_kinds: Sequence[str]) -> pd.DataFrame:
    """One measure in one year across regions (the issuers' own totals), largest first."""
    return _df(con, """
        select y.region_name, y.issuer, y.issuer_kind, y.value, y.unit, y.approx, y.value_source,
               r.report_year, r.title, r.file_name, y.report_id, y.fact_id
        from main.yoy_measures as y left join main.dim_report as r using (report_id)
        where y.domain = $domain and y.measure = $measure and y.year = $year and y.unit = $unit
          and y.scope is null and list_contains($kinds, y.issuer_kind)
        order by y.value desc, y.region_name, y.issuer
    """, {"domain": domain, "measure": measure, "year": year, "unit": unit, "kinds": list(issuer_kinds)})


# --- Report -----------------------------------------------------------------------------


def reports(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return _df(con, """
        select report_id, file_name, title, issuer, issuer_kind, region_name, report_year, facts
        from main.dim_report
        order by region_name nulls last, issuer, report_year, file_name
    """)


def report(con: duckdb.DuckDBPyConnection, report_id: str) -> dict | None:
    """One report's metadata and clean text; `provenance` as a dict (field -> how it was found)."""
    cur = con.execute("select * from main.dim_report where report_id = ?", [report_id])
    row = cur.fetchone()
    if row is None:
        return None
    out = dict(zip([d[0] for d in cur.description], row, strict=True))
    out["provenance"] = dict(out.get("provenance") or {})
    return out


def report_facts(con: duckdb.DuckDBPyConnection, report_id: str) -> pd.DataFrame:
    """The report's facts in text order, with the measure's English label."""
    return _df(con, f"""
        select f.*, m.label_en as measure_label_en
        from ({_facts_union(con)}) as f
        left join main.dim_measure as m using (domain, measure)
        where f.report_id = ?
        order by f.start_offset, f.end_offset desc, f.fact_id
    """, [report_id])


def coverage(con: duckdb.DuckDBPyConnection, report_id: str) -> pd.DataFrame:
    """Per domain: facts found, how many ended as measure `other`, whether it is a core domain."""
    df = _df(con, f"""
        with labels as (select distinct domain, domain_label_zh from main.dim_measure),
        facts as (select domain, measure, in_plan from ({_facts_union(con)}) where report_id = ?)
        select l.domain, l.domain_label_zh,
               count(f.domain) as facts,
               count(f.domain) filter (where f.measure = 'other') as other,
               count(f.domain) filter (where f.in_plan) as in_plan
        from labels as l left join facts as f using (domain)
        group by all
    """, [report_id])
    df["core"] = df["domain"].isin(CORE_DOMAINS)
    df["has_facts"] = df["facts"] > 0
    df["order"] = df["domain"].map({d: i for i, d in enumerate(DOMAINS)})
    return df.sort_values("order").drop(columns="order").reset_index(drop=True)


def provenance_table(meta: dict) -> pd.DataFrame:
    """The metadata fields a reader cites, each with its value and how it was found."""
    fields = ("title", "issuer", "issuer_kind", "province", "city", "county", "admin_code", "region_name",
              "report_year", "publish_date", "doc_number", "format", "encoding", "size_bytes", "text_chars",
              "facts", "file_name", "path")
    prov = meta.get("provenance") or {}
    return pd.DataFrame([
        {"field": f, "value": None if meta.get(f) is None else str(meta.get(f)), "how found": prov.get(f)}
        for f in fields
    ])


# --- Quality ----------------------------------------------------------------------------


def rejected(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return _df(con, """
        select r.file_name, r.stage, r.reason, d.file_name as duplicate_of_file, r.path
        from main.rejected_reports as r left join main.dim_report as d on d.report_id = r.duplicate_of
        order by r.stage, r.file_name
    """)


def incomplete_reports(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Reports whose region or year was not found (their facts cannot be compared)."""
    return _df(con, """
        select file_name, title, issuer, region_name, admin_code, report_year, facts,
               concat_ws(', ', case when admin_code is null then 'no region' end,
                         case when report_year is null then 'no year' end,
                         case when facts = 0 then 'no facts' end) as problem
        from main.dim_report
        where admin_code is null or report_year is null or facts = 0
        order by file_name
    """)


def out_of_range(con: duckdb.DuckDBPyConnection, far: float = 50.0) -> pd.DataFrame:
    """Values that look wrong: rates outside 0-100, negative or fractional counts, years far from
    the report's, and values more than `far` times above or below the median of the same measure
    and unit in other reports."""
    return _df(con, f"""
        with facts as (
            select * from ({_facts_union(con)}) where kind = 'value' and measure != 'other'
        ),
        medians as (
            select domain, measure, unit, median(value) as median_value, count(*) as n
            from facts group by all
        ),
        flagged as (
            select f.*, m.median_value,
                case
                    when f.unit = 'percent' and (f.value < 0 or f.value > 100) then 'rate outside 0-100'
                    when f.value < 0 then 'negative value'
                    when list_contains($counts, f.unit) and f.value != round(f.value) then 'fractional count'
                    when f.year is not null and f.report_year is not null
                         and (f.year > f.report_year + 1 or f.year < f.report_year - 10)
                        then 'year far from the report''s'
                    when m.n >= 3 and m.median_value > 0 and f.value > 0
                         and (f.value > $far * m.median_value or f.value * $far < m.median_value)
                        then 'far from the median of other reports'
                end as problem
            from facts as f join medians as m using (domain, measure, unit)
        )
        select problem, domain, measure, value, unit, median_value, year, report_year, region_name, issuer,
               scope, quote, rule, file_name, report_id, fact_id
        from flagged where problem is not null
        order by problem, domain, measure, value desc
    """, {"counts": list(COUNT_UNITS), "far": far})


# --- Export -----------------------------------------------------------------------------


def tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables users query (the marts in the main schema), catalogue order first."""
    rows = con.execute("""
        select table_name from duckdb_tables() where schema_name = 'main'
        union select view_name from duckdb_views() where schema_name = 'main' and not internal
    """).fetchall()
    names = {n for (n,) in rows}
    first = [t for t in (*FACT_TABLES, "yoy_measures", "dim_report", "dim_region", "dim_measure",
                         "report_sections", "rejected_reports") if t in names]
    return first + sorted(names - set(first))


def table(con: duckdb.DuckDBPyConnection, name: str, limit: int | None = None) -> pd.DataFrame:
    if name not in tables(con):  # the name goes into SQL: only known tables
        raise ValueError(f"unknown table {name!r}")
    sql = f'select * from main."{name}"'
    return _df(con, sql + (f" limit {int(limit)}" if limit else ""))


def row_count(con: duckdb.DuckDBPyConnection, name: str) -> int:
    if name not in tables(con):
        raise ValueError(f"unknown table {name!r}")
    return con.execute(f'select count(*) from main."{name}"').fetchone()[0]
