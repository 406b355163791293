"""The three Python stages over a folder of reports, incremental by content.

raw:     input folder   -> lake/raw_reports    (+ rejected_reports/read.parquet)
parsed:  raw_reports    -> lake/parsed_reports (+ rejected_reports/parse.parquet)
metrics: parsed_reports -> lake/report_metrics (+ rejected_reports/extract.parquet)

Each stage keeps a manifest (lake.read_current) of what it made from what, with its stage
version (orchestration.versions). A run does only the work whose input or version changed:
a file is read again when its size or modification time changed, a report is parsed again
when its content or the parser changed, extracted again when the extractor or its vocabulary
changed. Reports whose files are gone leave every table. The work itself runs in worker
processes (orchestration.workers), each file within a time and memory budget, so one hostile
file costs a rejection and both cores are busy.

The Dagster assets and `fazhi build` both call these functions.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from orchestration import batch, lake
from orchestration.metrics.facts import extract_facts
from orchestration.versions import stage_version
from orchestration.workers import Budget, Failed, preload, run_all

preload("orchestration.warm")  # workers start with the code, vocabulary and jieba loaded

S, I64, I32 = pl.String, pl.Int64, pl.Int32
_COMMON = {"report_id": S, "path": S, "segment": S, "version": S, "status": S, "stage": S, "reason": S,
           "duplicate_of": S}
MANIFESTS: dict[str, dict[str, pl.DataType]] = {
    # One row per input file (path), so a file that is unchanged is not even opened again.
    "raw_reports": {**_COMMON, "size": I64, "mtime_ns": I64},
    # One row per report; what the duplicate check compares.
    "parsed_reports": {**_COMMON, "issuer": S, "report_year": I32, "title": S, "fingerprint": S},
    # One row per report, with how many facts it gave (0 is an answer too).
    "report_metrics": {**_COMMON, "facts": I32},
}
OK, DUPLICATE, REJECTED = "ok", "duplicate", "rejected"
# Over its time or memory budget, or its worker died: rejected this run, tried again next run
# (the machine may have been busy, or the budget raised since), unlike a file that cannot be read.
FAILED = "failed"


@dataclass(frozen=True)
class Workers:
    """How the per-report work runs: `processes` worker processes (0: in this process, no
    budget, for debugging), each file within `budget`."""

    processes: int = os.cpu_count() or 1
    budget: Budget = field(default_factory=Budget)


@dataclass
class StageStats:
    done: int = 0  # files or reports processed in this run
    reused: int = 0  # unchanged since the last run, with the same stage version: not touched
    retired: int = 0  # gone from the input (or from the stage before): their rows left the table
    written: int = 0  # rows of the stage's table now (reports; facts for the metrics stage)
    rejected: int = 0  # files or reports rejected now, with reasons
    reasons: dict[str, int] = field(default_factory=dict)

    def summary(self, unit: str) -> str:
        if not self.done and not self.retired:
            return f"nothing changed: {self.reused} {unit} unchanged and not processed again"
        return f"{self.done} {unit} processed, {self.reused} unchanged, {self.retired} removed"


# --- progress bars ----------------------------------------------------------------------

# Only when `fazhi build` runs in a terminal: it turns them on around its in-process run.
# Runs from the UI or the sensor never do, so their logs stay clean.
_progress = False


@contextlib.contextmanager
def progress_bars(enabled: bool) -> Iterator[None]:
    global _progress
    previous, _progress = _progress, enabled
    try:
        yield
    finally:
        _progress = previous


def _tracked(items: Iterable, desc: str, total: int, unit: str) -> Iterable:
    if not _progress or not total:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=desc, total=total, unit=unit, dynamic_ncols=True, leave=True)


# --- the work on one file or report, run in a worker process ----------------------------

def read_one(item: tuple[str, str]) -> dict:
    path, root = item
    (result,) = batch.read_all([Path(path)], root=Path(root))
    return result if isinstance(result, dict) else batch.raw_to_row(result)


def parse_one(raw_row: dict) -> dict:
    (result,) = batch.parse_all([batch.RawReport(**raw_row)], check_duplicates=False)
    if isinstance(result, dict):
        return result
    return {"row": batch.parsed_to_row(result), "fingerprint": batch.text_fingerprint(result.text)}


def extract_one(parsed_row: dict) -> list[dict]:
    return [fact.as_row() for fact in extract_facts(batch.row_to_parsed(parsed_row))]


def warm_up() -> None:
    """Load the vocabulary and jieba's dictionary once per worker, not once per report."""
    from orchestration.metrics.vocabulary import vocabulary

    vocabulary()
    with contextlib.suppress(Exception):
        import jieba

        jieba.initialize()


# --- the stages ----------------------------------------------------------------------------

def load_raw(input_dir: Path, lake_dir: Path, workers: Workers = Workers()) -> StageStats:
    """Read the files below `input_dir` that are new or changed since the last run."""
    table, version, stats = "raw_reports", stage_version("read"), StageStats()
    schema = MANIFESTS[table]
    old = lake.read_current(lake_dir, table, schema)
    files, real = look(input_dir)
    # Reused: same path, size, modification time and reader. A duplicate (same bytes as a file
    # whose text is stored) is reused while that file is; when it leaves, the duplicate is read.
    unchanged = old.filter(pl.col("version") == version).join(files, on=["path", "size", "mtime_ns"], how="semi")
    kept_ids = unchanged.filter(pl.col("segment").is_not_null()).select("report_id")
    reusable = pl.concat([
        unchanged.filter(~pl.col("status").is_in([DUPLICATE, FAILED])),
        unchanged.filter(pl.col("status") == DUPLICATE).join(kept_ids, on="report_id", how="semi"),
    ])
    todo = files.join(reusable, on="path", how="anti").get_column("path").to_list()
    stats.reused, stats.retired = reusable.height, old.join(files, on="path", how="anti").height
    stored = set(reusable.filter(pl.col("segment").is_not_null()).get_column("report_id").to_list())

    segment, rows = lake.new_segment(), []
    with lake.TableWriter(lake_dir, table, part=segment) as out:
        items = ((real[p], str(input_dir)) for p in todo)
        results = run_all(read_one, items, workers=workers.processes, budget=workers.budget)
        for (path, _), result in _tracked(results, "read", len(todo), "file"):
            stats.done += 1
            row = {"path": batch.displayable(path), "version": version}
            if isinstance(result, Failed):
                rows.append({**row, "status": FAILED, "stage": "read", "reason": result.reason})
            elif "reason" in result:  # a rejection row
                rows.append({**row, "status": REJECTED, "stage": result["stage"], "reason": result["reason"]})
            elif result["report_id"] in stored:  # the same bytes as a file already stored
                rows.append({**row, "report_id": result["report_id"], "status": DUPLICATE})
            else:
                out.write(result)
                stored.add(result["report_id"])
                rows.append({**row, "report_id": result["report_id"], "segment": segment, "status": OK})
    # Sizes and times as looked at before reading: a file rewritten meanwhile is read again next run.
    new = pl.DataFrame(rows, schema=schema).drop("size", "mtime_ns").join(files, on="path", how="left")
    new = new.select(list(schema))
    manifest = _name_raw_duplicates(pl.concat([reusable, new]))
    return _finish(lake_dir, table, "read", manifest, stats)


def parse_raw(lake_dir: Path, workers: Workers = Workers()) -> StageStats:
    """Parse the reports that are new, or all of them when the parser changed."""
    version = stage_version("parse")
    upstream = _current(lake_dir, "raw_reports")

    def parse(rows: Iterable[dict], out: lake.TableWriter, segment: str) -> Iterator[dict]:
        results = run_all(parse_one, rows, workers=workers.processes, budget=workers.budget, initializer=warm_up)
        for raw, result in results:
            base = {"report_id": raw["report_id"], "path": raw["path"], "version": version}
            if isinstance(result, Failed):
                yield {**base, "status": FAILED, "stage": "parse", "reason": result.reason}
                continue
            if "reason" in result:
                yield {**base, "status": REJECTED, "stage": result["stage"], "reason": result["reason"]}
                continue
            row = result["row"]
            out.write(row)
            yield {**base, "segment": segment, "status": OK, "issuer": row["issuer"],
                   "report_year": row["report_year"], "title": row["title"], "fingerprint": result["fingerprint"]}

    return _incremental(lake_dir, "parsed_reports", "parse", "raw_reports", upstream, version, parse,
                        after=_name_parsed_duplicates)


def extract_parsed(lake_dir: Path, workers: Workers = Workers()) -> StageStats:
    """Extract facts from the reports that are new, or from all when the extractor or its
    vocabulary changed."""
    version = stage_version("extract")
    upstream = _current(lake_dir, "parsed_reports")

    def extract(rows: Iterable[dict], out: lake.TableWriter, segment: str) -> Iterator[dict]:
        results = run_all(extract_one, rows, workers=workers.processes, budget=workers.budget, initializer=warm_up)
        for parsed, result in results:
            base = {"report_id": parsed["report_id"], "path": parsed["path"], "version": version}
            if isinstance(result, Failed):
                yield {**base, "status": FAILED, "stage": "extract", "reason": result.reason}
                continue
            for fact in result:
                out.write(fact)
            yield {**base, "segment": segment, "status": OK, "facts": len(result)}

    return _incremental(lake_dir, "report_metrics", "extract", "parsed_reports", upstream, version, extract,
                        chunk_rows=4096)


def _incremental(lake_dir, table, stage, upstream_table, upstream, version, work, after=None, chunk_rows=256):
    """The shape of the parse and extract stages: keep what is current and of this version,
    do the rest through `work`, retire what is no longer upstream."""
    schema = MANIFESTS[table]
    old = lake.read_current(lake_dir, table, schema)
    stats = StageStats()
    # Reused: the same report at the same path (a moved file's rows must name its new path).
    key = ["report_id", "path"]
    reusable = old.filter((pl.col("version") == version) & (pl.col("status") != FAILED)) \
        .join(upstream, on=key, how="semi")
    todo = set(upstream.join(reusable, on=key, how="anti").get_column("report_id").to_list())
    stats.reused, stats.retired = reusable.height, old.join(upstream, on=key, how="anti").height
    segment, rows = lake.new_segment(), []
    if todo:
        with lake.TableWriter(lake_dir, table, part=segment, chunk_rows=chunk_rows) as out:
            inputs = lake.read_rows(lake_dir, upstream_table, only=todo)
            for row in _tracked(work(inputs, out, segment), stage, len(todo), "report"):
                stats.done += 1
                rows.append(row)
    manifest = pl.concat([reusable, pl.DataFrame(rows, schema=schema)])
    if after is not None:
        manifest = after(manifest)
    return _finish(lake_dir, table, stage, manifest, stats)


def _finish(lake_dir: Path, table: str, stage: str, manifest: pl.DataFrame, stats: StageStats) -> StageStats:
    """Swap in the manifest (the stage's result becomes current in one rename), write the
    stage's rejections, and count."""
    # Sorted, so an unchanged lake is byte for byte the same (what the dbt step compares).
    manifest = manifest.sort("path", "report_id", nulls_last=True, maintain_order=True)
    lake.write_current(lake_dir, table, manifest)
    with lake.TableWriter(lake_dir, "rejected_reports", part=stage) as out:
        for row in manifest.filter(pl.col("status") != OK).sort("path").iter_rows(named=True):
            out.write(batch.rejection(row["path"], row["stage"] or stage, row["reason"] or "", row["report_id"],
                                      row["duplicate_of"]))
    ok = manifest.filter(pl.col("status") == OK)
    stats.written = int(ok.get_column("facts").sum() or 0) if table == "report_metrics" else ok.height
    rejected = manifest.filter(pl.col("status") != OK)
    stats.rejected = rejected.height
    stats.reasons = dict(rejected.group_by("reason").len().iter_rows())
    return stats


def _current(lake_dir: Path, table: str) -> pl.DataFrame:
    manifest = lake.read_current(lake_dir, table, MANIFESTS[table])
    return manifest.filter(pl.col("status") == OK).select("report_id", "path")


def look(input_dir: Path) -> tuple[pl.DataFrame, dict[str, str]]:
    """Every file below the folder with its size and modification time (None when it cannot
    be looked at: a broken link, a file gone since listing; those are always read again)."""
    rows, real = [], {}
    for path in batch.discover(input_dir):
        display = batch.displayable(str(path))
        try:
            info = path.stat() if path.is_symlink() else path.lstat()  # a link changes when its target does
            size, mtime = info.st_size, info.st_mtime_ns
        except OSError:
            size = mtime = None
        rows.append((display, size, mtime))
        real[display] = str(path)
    return pl.DataFrame(rows, schema={"path": S, "size": I64, "mtime_ns": I64}, orient="row"), real


def _name_raw_duplicates(manifest: pl.DataFrame) -> pl.DataFrame:
    """A file with the same bytes as a stored one is a duplicate of it (its facts would count twice)."""
    stored = manifest.filter(pl.col("segment").is_not_null()).select("report_id", first=pl.col("path"))
    return (manifest.join(stored, on="report_id", how="left")
            .with_columns(
                reason=pl.when(pl.col("status") == DUPLICATE).then(pl.lit("duplicate of ") + pl.col("first"))
                .otherwise(pl.col("reason")),
                duplicate_of=pl.when(pl.col("status") == DUPLICATE).then(pl.col("report_id"))
                .otherwise(pl.col("duplicate_of")))
            .select(list(MANIFESTS["raw_reports"])))


def _name_parsed_duplicates(manifest: pl.DataFrame) -> pl.DataFrame:
    """The same report published twice (a web page and its PDF) has other bytes but the same
    issuer, year and title, or the same words and numbers: the first by path is kept, the
    others are duplicates. Decided over all current reports each run, so when the kept one
    leaves, its duplicate takes its place."""
    schema = list(MANIFESTS["parsed_reports"])
    parsed = manifest.with_columns(
        status=pl.when(pl.col("status") == DUPLICATE).then(pl.lit(OK)).otherwise(pl.col("status")),
        reason=pl.when(pl.col("status") == DUPLICATE).then(None).otherwise(pl.col("reason")),
        duplicate_of=pl.when(pl.col("status") == DUPLICATE).then(None).otherwise(pl.col("duplicate_of")),
    ).sort("path")
    key = ["issuer", "report_year", "title"]
    complete = pl.all_horizontal(pl.col(k).is_not_null() for k in key) & (pl.col("status") == OK)
    first = lambda over: dict(  # noqa: E731
        first_path=pl.col("path").first().over(over), first_id=pl.col("report_id").first().over(over))
    by_key = parsed.filter(complete).with_columns(**first(key))
    key_dups = by_key.filter(pl.col("report_id") != pl.col("first_id")).with_columns(
        reason=pl.lit("same issuer, year and title as ") + pl.col("first_path"))
    rest = parsed.filter(pl.col("status") == OK).join(key_dups, on="report_id", how="anti")
    text_dups = rest.with_columns(**first("fingerprint")).filter(pl.col("report_id") != pl.col("first_id")) \
        .with_columns(reason=pl.lit("same text as ") + pl.col("first_path"))
    dups = pl.concat([key_dups, text_dups]).select(
        "report_id", new_reason="reason", first_id="first_id")
    return (parsed.join(dups, on="report_id", how="left")
            .with_columns(
                status=pl.when(pl.col("first_id").is_not_null()).then(pl.lit(DUPLICATE)).otherwise(pl.col("status")),
                reason=pl.coalesce("new_reason", "reason"),
                duplicate_of=pl.coalesce("first_id", "duplicate_of"))
            .select(schema))
