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
import dataclasses
import hashlib
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
#
# Each stage is three parts: `plan_*` decides what to do from the manifests, `*_bucket` does the
# work on some of it and writes it to a segment of its own, `finish_*` makes the result current.
# The functions below run all the work as one bucket in this process's workers; the Dagster
# assets (orchestration.defs.fanout) run it as BUCKETS steps, which an executor such as dask can
# place on other machines. Both go through the same three parts.

# How many steps a stage's work is split into in Dagster: fixed, because a step fan-out that
# depends on the data (DynamicOut) is not run correctly by the dask executor (dagster#9785),
# and 8 keeps a few machines busy while a small build stays a few steps.
BUCKETS = 8


def bucket_of(key: str, buckets: int = BUCKETS) -> int:
    """A report's (or file's) bucket: stable across runs and machines, unlike hash()."""
    digest = hashlib.blake2b(key.encode("utf-8", "surrogateescape"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % buckets


@dataclass
class Plan:
    """What a stage will do: the manifest rows it keeps, and the keys to process (paths for
    reading, report ids after that), in order. Passed to every bucket step (pickled by the I/O
    manager): about 40 MB for 100k files, so only what the buckets and finish need."""

    stage: str
    table: str
    version: str
    reusable: pl.DataFrame
    todo: list[str]
    stats: StageStats
    # Reading only: the input folder, the files as looked at (paths, sizes, times), and their
    # real paths where those differ from the paths shown (names that are not UTF-8).
    input_dir: str = ""
    files: pl.DataFrame | None = None
    real: dict[str, str] = field(default_factory=dict)
    # How many buckets the work is spread over: 1 (bucket 0 does it all, one pool of worker
    # processes for the stage) unless the steps run on several machines.
    buckets: int = 1

    def bucket(self, index: int, buckets: int | None = None) -> list[str]:
        buckets = buckets or self.buckets
        return [key for key in self.todo if bucket_of(key, buckets) == index]

    def stored(self) -> set[str]:
        """Report ids whose text is kept: a file read with the same bytes is a duplicate."""
        return set(self.reusable.filter(pl.col("segment").is_not_null()).get_column("report_id").to_list())


def plan_read(input_dir: Path, lake_dir: Path) -> Plan:
    table, version, stats = "raw_reports", stage_version("read"), StageStats()
    old = lake.read_current(lake_dir, table, MANIFESTS[table])
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
    real = {shown: path for shown, path in real.items() if shown != path}  # the plan goes to every bucket
    return Plan("read", table, version, reusable, todo, stats, str(input_dir), files, real)


def read_bucket(plan: Plan, lake_dir: Path, todo: list[str], workers: Workers = Workers()) -> list[dict]:
    """Read `todo` (paths of the plan) into a new segment; the manifest rows of what was read."""
    segment, rows = lake.new_segment(), []
    if not todo:
        return rows
    stored = plan.stored()
    with lake.TableWriter(lake_dir, plan.table, part=segment) as out:
        items = ((plan.real.get(p, p), plan.input_dir) for p in todo)
        results = run_all(read_one, items, workers=workers.processes, budget=workers.budget)
        for (path, _), result in _tracked(results, "read", len(todo), "file"):
            row = {"path": batch.displayable(path), "version": plan.version}
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
    return rows


def finish_read(plan: Plan, lake_dir: Path, buckets: Iterable[list[dict]]) -> StageStats:
    rows = _in_plan_order(plan, buckets, "path")
    # Files with the same bytes read in different buckets: the first in the plan's order is
    # stored, the others are duplicates, as when one bucket reads them all.
    stored = plan.stored()
    for row in rows:
        if row["status"] == OK and row["report_id"] in stored:
            row.update(status=DUPLICATE, segment=None)
        elif row["status"] == OK:
            stored.add(row["report_id"])
    schema = MANIFESTS[plan.table]
    # Sizes and times as looked at before reading: a file rewritten meanwhile is read again next run.
    new = pl.DataFrame(rows, schema=schema).drop("size", "mtime_ns").join(plan.files, on="path", how="left")
    new = new.select(list(schema))
    manifest = _name_raw_duplicates(pl.concat([plan.reusable, new]))
    return _finish(lake_dir, plan, manifest, rows)


def plan_stage(lake_dir: Path, stage: str) -> Plan:
    """Parsing or extracting: keep what is current and of this version, do the rest, retire
    what is no longer upstream."""
    table, upstream_table = STAGE_TABLES[stage]
    version, stats = stage_version(stage), StageStats()
    upstream = _current(lake_dir, upstream_table)
    old = lake.read_current(lake_dir, table, MANIFESTS[table])
    # Reused: the same report at the same path (a moved file's rows must name its new path).
    key = ["report_id", "path"]
    reusable = old.filter((pl.col("version") == version) & (pl.col("status") != FAILED)) \
        .join(upstream, on=key, how="semi")
    todo = sorted(set(upstream.join(reusable, on=key, how="anti").get_column("report_id").to_list()))
    stats.reused, stats.retired = reusable.height, old.join(upstream, on=key, how="anti").height
    return Plan(stage, table, version, reusable, todo, stats)


def stage_bucket(plan: Plan, lake_dir: Path, todo: list[str], workers: Workers = Workers()) -> list[dict]:
    """Parse or extract the reports `todo` into a new segment; their manifest rows."""
    rows: list[dict] = []
    if not todo:
        return rows
    work, chunk_rows = (_parse, 256) if plan.stage == "parse" else (_extract, 4096)
    segment = lake.new_segment()
    with lake.TableWriter(lake_dir, plan.table, part=segment, chunk_rows=chunk_rows) as out:
        inputs = lake.read_rows(lake_dir, STAGE_TABLES[plan.stage][1], only=set(todo))
        rows += _tracked(work(inputs, out, segment, plan.version, workers), plan.stage, len(todo), "report")
    return rows


def finish_stage(plan: Plan, lake_dir: Path, buckets: Iterable[list[dict]]) -> StageStats:
    rows = _in_plan_order(plan, buckets, "report_id")
    manifest = pl.concat([plan.reusable, pl.DataFrame(rows, schema=MANIFESTS[plan.table])])
    if plan.stage == "parse":
        manifest = _name_parsed_duplicates(manifest)
    return _finish(lake_dir, plan, manifest, rows)


def _parse(rows: Iterable[dict], out: lake.TableWriter, segment: str, version: str,
           workers: Workers) -> Iterator[dict]:
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


def _extract(rows: Iterable[dict], out: lake.TableWriter, segment: str, version: str,
             workers: Workers) -> Iterator[dict]:
    results = run_all(extract_one, rows, workers=workers.processes, budget=workers.budget, initializer=warm_up)
    for parsed, result in results:
        base = {"report_id": parsed["report_id"], "path": parsed["path"], "version": version}
        if isinstance(result, Failed):
            yield {**base, "status": FAILED, "stage": "extract", "reason": result.reason}
            continue
        for fact in result:
            out.write(fact)
        yield {**base, "segment": segment, "status": OK, "facts": len(result)}


STAGE_TABLES = {"parse": ("parsed_reports", "raw_reports"), "extract": ("report_metrics", "parsed_reports")}


def load_raw(input_dir: Path, lake_dir: Path, workers: Workers = Workers()) -> StageStats:
    """Read the files below `input_dir` that are new or changed since the last run."""
    plan = plan_read(input_dir, lake_dir)
    return finish_read(plan, lake_dir, [read_bucket(plan, lake_dir, plan.todo, workers)])


def parse_raw(lake_dir: Path, workers: Workers = Workers()) -> StageStats:
    """Parse the reports that are new, or all of them when the parser changed."""
    plan = plan_stage(lake_dir, "parse")
    return finish_stage(plan, lake_dir, [stage_bucket(plan, lake_dir, plan.todo, workers)])


def extract_parsed(lake_dir: Path, workers: Workers = Workers()) -> StageStats:
    """Extract facts from the reports that are new, or from all when the extractor or its
    vocabulary changed."""
    plan = plan_stage(lake_dir, "extract")
    return finish_stage(plan, lake_dir, [stage_bucket(plan, lake_dir, plan.todo, workers)])


def _in_plan_order(plan: Plan, buckets: Iterable[list[dict]], key: str) -> list[dict]:
    order = {k: i for i, k in enumerate(plan.todo)}
    return sorted((row for bucket in buckets for row in bucket), key=lambda row: order[row[key]])


def _finish(lake_dir: Path, plan: Plan, manifest: pl.DataFrame, new: list[dict]) -> StageStats:
    """Swap in the manifest (the stage's result becomes current in one rename), write the
    stage's rejections, and count. The only place a stage prunes segments (lake.write_current):
    the buckets' new segments are named by the manifest before anything is pruned."""
    table, stage = plan.table, plan.stage
    folder = Path(lake_dir) / table
    missing = sorted({r["segment"] for r in new if r.get("segment") and not (folder / f"{r['segment']}.parquet").exists()})
    if missing:  # pruned by a build that ran between this one's steps without the lock: never swap it in
        raise RuntimeError(f"{table}: segments {missing[:3]} are gone (another build changed the lake "
                           "during this one); the lake was left as it was, build again")
    stats = dataclasses.replace(plan.stats, done=len(new))
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
