"""Where reports came from, and what changed when one was republished: the watcher's records
(orchestration.watcher.inbox) into the lake.

sources:     <inbox>/.watcher/sidecars/*.json        -> lake/report_sources
superseded:  <inbox>/.watcher/superseded/<sha><ext>  -> lake/superseded_report_metrics

A sidecar is named by the sha256 of the file it describes, which is the report_id the build
gives that file, so dim_report joins its source URL, listing URL and fetch time on report_id.

On republication (same URL, new bytes) the watcher puts the new bytes at the report's path and
moves the old ones to superseded/, their sidecar naming the new sha256 (superseded_by). The
build sees one changed file: the incremental stages read it again and the new version's facts
replace the old version's in every fact table. The old version's facts are gone from those
tables, so they are extracted here from the superseded bytes, with the build's own functions
(batch.read_all, batch.parse_all, metrics.facts.extract_facts), once per sha256 and stage
versions, and the mart report_revisions lists the facts that were added, removed or changed.

Both tables are segmented (a segment plus a manifest in lake/_current/, as the stages' tables),
so the dbt step sees them change (lake.state) and is skipped when they did not. Without
sidecars they cost nothing: the first run writes the two empty tables dbt reads, later runs
look for the sidecar folder and write nothing. With sidecars, they are read again only when
one was added, changed or removed (names, sizes and times are compared), one at a time into
the table (100k sidecars are never all in memory).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from orchestration import batch, lake
from orchestration.versions import stage_version
from orchestration.workers import Failed, run_all

META, SIDECARS, SUPERSEDED = ".watcher", "sidecars", "superseded"
SOURCES, SUPERSEDED_FACTS = "report_sources", "superseded_report_metrics"
S, I32 = pl.String, pl.Int32
SUPERSEDED_MANIFEST = {"report_id": S, "path": S, "segment": S, "version": S, "status": S, "reason": S,
                       "facts": I32}


@dataclass
class SourceStats:
    sidecars: int = 0  # sidecars in the inbox now
    rewritten: bool = False  # False: the sidecars were as at the last build, nothing was read
    superseded: int = 0  # earlier versions of republished reports known now
    extracted: int = 0  # of those, extracted in this run (the rest were cached)
    failed: int = 0  # could not be read, parsed or extracted (no facts to compare)

    def summary(self) -> str:
        sources = f"{self.sidecars} sidecars " + ("read" if self.rewritten else "unchanged, not read again")
        return (f"{sources}; {self.superseded} superseded versions, {self.extracted} extracted now, "
                f"{self.superseded - self.extracted} cached, {self.failed} without facts")


def sidecar_dir(inbox: Path) -> Path:
    return Path(inbox) / META / SIDECARS


def _listing(inbox: Path) -> list[tuple[str, int, int]]:
    folder = sidecar_dir(inbox)
    if not folder.is_dir():
        return []
    out = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.endswith(".json") and entry.is_file():
                info = entry.stat()
                out.append((entry.name, info.st_size, info.st_mtime_ns))
    return sorted(out)


def _when(value) -> datetime | None:
    """An ISO time from a sidecar as UTC without a zone (the lake's and DuckDB's timestamp); None if absent or odd."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None


def sidecar_row(data: dict, name: str) -> dict | None:
    """One lake row from one sidecar's JSON; None when it is not a sidecar (no sha256 of 64 hex digits)."""
    sha = data.get("sha256") or name.removesuffix(".json")
    if not (isinstance(sha, str) and len(sha) == 64 and all(c in "0123456789abcdef" for c in sha)):
        return None
    headers = data.get("headers") if isinstance(data.get("headers"), dict) else {}
    status, size = data.get("http_status"), data.get("size")
    also = data.get("also_from")
    return {
        "report_id": sha, "path": _text(data.get("path")), "source_url": _text(data.get("source_url")),
        "final_url": _text(data.get("final_url")), "listing_url": _text(data.get("listing_url")),
        "also_from": [u for u in also if isinstance(u, str)] if isinstance(also, list) else [],
        "channel": _text(data.get("channel")), "issuer": _text(data.get("issuer")),
        "fetched_at": _when(data.get("fetched_at")),
        "http_status": status if isinstance(status, int) else None,
        "size_bytes": size if isinstance(size, int) else None,
        "etag": _text(headers.get("etag")), "last_modified": _text(headers.get("last-modified")),
        "previous_report_id": _text(data.get("previous_sha256")), "superseded_by": _text(data.get("superseded_by")),
        "superseded_at": _when(data.get("superseded_at")),
    }


def read_sidecars(inbox: Path) -> Iterator[dict]:
    """The inbox's sidecars as lake rows, one file at a time (100k sidecars are never all in
    memory). A sidecar that cannot be read or is not one is skipped: it says where a report came
    from, and the report itself is built whatever its sidecar holds."""
    folder = sidecar_dir(inbox)
    for name, _, _ in _listing(inbox):
        try:
            data = json.loads((folder / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and (row := sidecar_row(data, name)):
            yield row


def load_sources(inbox: Path, lake_dir: Path) -> tuple[int, bool]:
    """Sidecars -> lake/report_sources, only when they changed since the last run (their names,
    sizes and times are compared). Returns (sidecars, rewritten)."""
    listing = _listing(inbox)
    digest = hashlib.sha256(repr(listing).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    segment = f"sidecars-{digest}" if listing else None
    manifest_schema = {"report_id": S, "segment": S, "status": S}
    current = lake.current_path(lake_dir, SOURCES)
    if current.exists():
        old = lake.read_current(lake_dir, SOURCES, manifest_schema)
        old_segments = set(old.get_column("segment").drop_nulls().to_list())
        if (segment is None and old.is_empty()) or (segment is not None and old_segments == {segment}
                                                     and (Path(lake_dir) / SOURCES / f"{segment}.parquet").exists()):
            return len(listing), False
    ids: list[str] = []
    if segment is not None:
        with lake.TableWriter(lake_dir, SOURCES, part=segment, chunk_rows=4096) as out:
            seen: set[str] = set()
            for row in read_sidecars(inbox):
                if row["report_id"] not in seen:  # one row per report, as dim_report joins
                    seen.add(row["report_id"])
                    out.write(row)
                    ids.append(row["report_id"])
    lake.write_current(lake_dir, SOURCES, pl.DataFrame(
        {"report_id": sorted(ids), "segment": [segment] * len(ids), "status": ["ok"] * len(ids)},
        schema=manifest_schema))
    return len(listing), True


# --- the facts of superseded versions ------------------------------------------------------

def facts_version() -> str:
    """The reader's, parser's and extractor's versions: the old facts are extracted again when
    any of them changes, so both sides of a comparison come from the same code."""
    return "-".join(stage_version(s) for s in ("read", "parse", "extract"))


def facts_of(item: tuple[str, str]) -> list[dict] | dict:
    """The facts of one file, as the build would extract them (run in a worker process), or a
    rejection row saying why there are none."""
    from orchestration.metrics.facts import extract_facts

    path, report_id = item
    (raw,) = batch.read_all([Path(path)])
    if isinstance(raw, dict):
        return raw
    (parsed,) = batch.parse_all([raw], check_duplicates=False)
    if isinstance(parsed, dict):
        return parsed
    # The report_id is the sha256 the watcher named the version by (the same bytes' hash).
    return [{**fact.as_row(), "report_id": report_id} for fact in extract_facts(parsed)]


def superseded_versions(lake_dir: Path) -> pl.DataFrame:
    """report_id and path (relative to the inbox) of every version a republication replaced."""
    rows = [(r["report_id"], r["path"]) for r in lake.read_rows(lake_dir, SOURCES, batch_rows=4096)
            if r["superseded_by"] and r["path"]]
    return pl.DataFrame(rows, schema={"report_id": S, "path": S}, orient="row")


def load_superseded(inbox: Path, lake_dir: Path, processes: int = 0, budget=None) -> SourceStats:
    """Extract the facts of superseded versions not extracted before (by sha256 and versions);
    a version whose sidecar is gone leaves the table."""
    from orchestration.stages import warm_up
    from orchestration.workers import Budget

    stats, version = SourceStats(), facts_version()
    wanted = superseded_versions(lake_dir) if lake.current_path(lake_dir, SOURCES).exists() else \
        pl.DataFrame(schema={"report_id": S, "path": S})
    stats.superseded = wanted.height
    current = lake.current_path(lake_dir, SUPERSEDED_FACTS)
    old = lake.read_current(lake_dir, SUPERSEDED_FACTS, SUPERSEDED_MANIFEST)
    kept = old.filter((pl.col("version") == version) & (pl.col("status") != "failed")) \
        .join(wanted, on="report_id", how="semi")
    todo = wanted.join(kept, on="report_id", how="anti")
    if current.exists() and todo.is_empty() and kept.height == old.height:
        stats.failed = kept.filter(pl.col("status") != "ok").height
        return stats  # nothing new, nothing gone: the table is left as it is
    segment, rows = lake.new_segment(), []
    with lake.TableWriter(lake_dir, SUPERSEDED_FACTS, part=segment, chunk_rows=4096) as out:
        items = [(str(Path(inbox) / path), report_id) for report_id, path in todo.iter_rows()]
        results = run_all(facts_of, items, workers=processes if items else 0, budget=budget or Budget(), initializer=warm_up)
        for (path, report_id), result in results:
            stats.extracted += 1
            row = {"report_id": report_id, "path": batch.displayable(path), "version": version}
            if isinstance(result, Failed):
                rows.append({**row, "status": "failed", "reason": result.reason})
            elif isinstance(result, dict):
                rows.append({**row, "status": "rejected", "reason": result["reason"]})
            else:
                for fact in result:
                    out.write(fact)
                rows.append({**row, "segment": segment, "status": "ok", "facts": len(result)})
    manifest = pl.concat([kept, pl.DataFrame(rows, schema=SUPERSEDED_MANIFEST)]).sort("report_id")
    lake.write_current(lake_dir, SUPERSEDED_FACTS, manifest)
    stats.failed = manifest.filter(pl.col("status") != "ok").height
    return stats


def load(inbox: Path, lake_dir: Path, processes: int = 0, budget=None) -> SourceStats:
    """Both tables, as the report_sources asset makes them."""
    sidecars, rewritten = load_sources(inbox, lake_dir)
    stats = load_superseded(inbox, lake_dir, processes, budget)
    stats.sidecars, stats.rewritten = sidecars, rewritten
    return stats
