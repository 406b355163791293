"""The lake: one folder of Parquet files per table, written by the Python stages, read by dbt.

Why Parquet and not tables in the DuckDB file: DuckDB allows one writing process per
file, so Python stages writing into it would queue behind each other and behind dbt.
Each stage here writes its own files and dbt is the only writer of `fazhi.duckdb`.
A table's files are written into a temporary folder and swapped in whole, so a failed
or concurrent run never leaves a half-written table for dbt to read.

Incremental by content: raw_reports, parsed_reports and report_metrics are kept as segments
(one Parquet file per run that had work) plus a manifest, `_current/<table>.parquet`, saying
which segment holds each report's current rows, with the stage version that made them. A run
writes only the reports that are new or whose stage version changed, then swaps the manifest;
segments no manifest row points to are deleted. Readers (dbt's staging models, `read_rows`)
take only the rows the manifest names, so a removed or replaced file's rows drop out at once.
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

SECTION = pl.Struct(
    {
        "section_id": pl.Int32, "parent_id": pl.Int32, "level": pl.Int8, "number": pl.String,
        "heading": pl.String, "start": pl.Int32, "end": pl.Int32, "outline_part": pl.String,
    }
)
SENTENCE = pl.Struct({"index": pl.Int32, "start": pl.Int32, "end": pl.Int32, "section_id": pl.Int32})
OFFSET_RUN = pl.Struct({"clean_start": pl.Int32, "raw_start": pl.Int32, "length": pl.Int32})

SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "raw_reports": {
        "report_id": pl.String, "path": pl.String, "file_name": pl.String, "size_bytes": pl.Int64,
        "format": pl.String, "encoding": pl.String, "text": pl.String,
    },
    "parsed_reports": {
        "report_id": pl.String, "path": pl.String, "file_name": pl.String, "text": pl.String,
        "title": pl.String, "issuer": pl.String, "issuer_kind": pl.String, "province": pl.String,
        "city": pl.String, "county": pl.String, "admin_code": pl.String, "report_year": pl.Int32,
        "publish_date": pl.String, "doc_number": pl.String, "issuer_department": pl.String,
        "provenance": pl.List(pl.Struct({"field": pl.String, "method": pl.String})),
        "sections": pl.List(SECTION), "sentences": pl.List(SENTENCE),
        # Runs leading from the clean text back to the raw text (ParsedReport.raw_span).
        "offset_map": pl.List(OFFSET_RUN),
    },
    "report_metrics": {
        "report_id": pl.String, "file": pl.String, "domain": pl.String, "measure": pl.String,
        "kind": pl.String, "value": pl.Float64, "unit": pl.String, "approx": pl.Boolean,
        "year": pl.Int32, "scope": pl.String, "quote": pl.String, "start": pl.Int32, "end": pl.Int32,
        "section_id": pl.Int32, "outline_part": pl.String, "rule": pl.String,
        "sentence": pl.String, "sentence_start": pl.Int32, "sentence_end": pl.Int32,
        "domain_source": pl.String, "year_source": pl.String,
    },
    # Files that could not become reports, from any stage: never silently dropped.
    "rejected_reports": {
        "path": pl.String, "file_name": pl.String, "report_id": pl.String, "stage": pl.String,
        "reason": pl.String, "duplicate_of": pl.String,
    },
    # Where each downloaded report came from: one row per watcher sidecar (orchestration.revisions).
    "report_sources": {
        "report_id": pl.String, "path": pl.String, "source_url": pl.String, "final_url": pl.String,
        "listing_url": pl.String, "also_from": pl.List(pl.String), "channel": pl.String, "issuer": pl.String,
        "fetched_at": pl.Datetime("us"), "http_status": pl.Int32, "size_bytes": pl.Int64, "etag": pl.String,
        "last_modified": pl.String, "previous_report_id": pl.String, "superseded_by": pl.String,
        "superseded_at": pl.Datetime("us"),
    },
}
# Facts of the earlier versions of republished reports: the columns of report_metrics.
SCHEMAS["superseded_report_metrics"] = SCHEMAS["report_metrics"]


class TableWriter:
    """Streams rows into one Parquet file of a lake table, a row group per `chunk_rows`.

    Use as a context manager; the file appears under `<lake>/<table>/` only on success.
    Several writers may write parts of one table (e.g. rejections from each stage): each
    owns the part named by `part`.
    """

    def __init__(self, lake_dir: Path, table: str, part: str = "all", chunk_rows: int = 256):
        self.schema = SCHEMAS[table]
        self.final = Path(lake_dir) / table / f"{part}.parquet"
        self.tmp = self.final.with_name(f".{part}.{uuid.uuid4().hex}.tmp")
        self.chunk_rows = chunk_rows
        self.rows: list[dict] = []
        self.count = 0
        self._writer: pq.ParquetWriter | None = None

    def __enter__(self) -> TableWriter:
        self.final.parent.mkdir(parents=True, exist_ok=True)
        return self

    def write(self, row: dict) -> None:
        self.rows.append(row)
        self.count += 1
        if len(self.rows) >= self.chunk_rows:
            self._flush()

    def _flush(self) -> None:
        frame = pl.DataFrame(self.rows, schema=self.schema).to_arrow()
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.tmp, frame.schema, compression="zstd")
        self._writer.write_table(frame)
        self.rows = []

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self._flush()  # also writes an empty file with the schema, so dbt can read it
        if self._writer is not None:
            self._writer.close()
        if exc_type is None:
            os.replace(self.tmp, self.final)
        else:
            self.tmp.unlink(missing_ok=True)


def read_rows(lake_dir: Path, table: str, batch_rows: int = 256, only: set[str] | None = None) -> Iterator[dict]:
    """Current rows of a lake table (those its manifest names, for a segmented table), a batch
    at a time, so a national corpus never sits in memory. With `only`, rows of those reports."""
    live = current_segments(lake_dir, table)
    for path in sorted((Path(lake_dir) / table).glob("*.parquet")):
        wanted = None if live is None else live.get(path.stem, set())
        if only is not None:
            wanted = only if wanted is None else wanted & only
        if wanted is not None and not wanted:
            continue
        # Built once per file, not per batch: at 100k reports the set is large.
        keep = None if wanted is None else pl.Series(list(wanted), dtype=pl.String)
        parquet = pq.ParquetFile(path)
        for batch in parquet.iter_batches(batch_size=batch_rows):
            frame = pl.from_arrow(batch)
            if keep is not None:
                frame = frame.filter(pl.col("report_id").is_in(keep))
            yield from frame.iter_rows(named=True)


def count_rows(lake_dir: Path, table: str) -> int:
    """Rows in the table's files (for a segmented table, stale rows of replaced reports too)."""
    return sum(pq.ParquetFile(p).metadata.num_rows for p in (Path(lake_dir) / table).glob("*.parquet"))


def clean_stale(lake_dir: Path) -> int:
    """Remove the temporary files a killed build left (`.<part>.<uuid>.tmp`). Call it only
    while holding the build lock: another build's files in progress look the same."""
    removed = 0
    for tmp in Path(lake_dir).glob("*/.*.tmp"):
        tmp.unlink(missing_ok=True)
        removed += 1
    return removed


# --- segments and manifests (incremental tables) ---------------------------------------------

CURRENT_DIR = "_current"
SEGMENTED = ("raw_reports", "parsed_reports", "report_metrics")


def new_segment() -> str:
    """A segment name that sorts by creation time: a run's files for one table."""
    return f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"


def current_path(lake_dir: Path, table: str) -> Path:
    return Path(lake_dir) / CURRENT_DIR / f"{table}.parquet"


def read_current(lake_dir: Path, table: str, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """The table's manifest (empty, with `schema`, before the first build)."""
    path = current_path(lake_dir, table)
    if not path.exists():
        return pl.DataFrame(schema=schema)
    frame = pl.read_parquet(path, glob=False)  # a checkout path may hold [ or *: never a pattern
    # A manifest from an older release may lack a column: add it empty rather than fail.
    missing = [pl.lit(None, dtype).alias(name) for name, dtype in schema.items() if name not in frame.columns]
    return frame.with_columns(missing).select(list(schema)) if missing else frame.select(list(schema))


def write_current(lake_dir: Path, table: str, frame: pl.DataFrame) -> None:
    """Swap in the table's new manifest (one rename), then delete segments it no longer names.
    Call it only while holding the build lock: another build's new segment looks unreferenced."""
    path = current_path(lake_dir, table)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    frame.write_parquet(tmp, compression="zstd")
    os.replace(tmp, path)
    live = set(frame.get_column("segment").drop_nulls().unique().to_list())
    folder = Path(lake_dir) / table
    for segment in folder.glob("*.parquet"):
        if segment.stem not in live:
            segment.unlink(missing_ok=True)
    if not live:  # every report rejected: an empty file, so the table still has its columns for dbt
        with TableWriter(lake_dir, table, part=new_segment()):
            pass


def current_segments(lake_dir: Path, table: str) -> dict[str, set[str]] | None:
    """segment -> the report ids whose current rows it holds; None for a table without a manifest."""
    path = current_path(lake_dir, table)
    if not path.exists():
        return None
    frame = pl.read_parquet(path, columns=["report_id", "segment", "status"], glob=False)
    frame = frame.filter(pl.col("segment").is_not_null() & (pl.col("status") == "ok"))
    return {seg: set(ids) for seg, ids in frame.group_by("segment").agg(pl.col("report_id")).iter_rows()}


def state(lake_dir: Path) -> str:
    """A hash of what the lake says is current (the manifests and the rejections): equal when a
    run changed nothing, so dbt has nothing to rebuild."""
    digest = hashlib.sha256()
    for path in sorted([*(Path(lake_dir) / CURRENT_DIR).glob("*.parquet"),
                        *(Path(lake_dir) / "rejected_reports").glob("*.parquet")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def replace_table(lake_dir: Path, table: str, rows: list[dict]) -> None:
    """Make `rows` the whole current content of a segmented table, every report in it current.
    For tools and tests that write a lake directly; the stages keep richer manifests."""
    segment = new_segment()
    with TableWriter(lake_dir, table, part=segment) as out:
        for row in rows:
            out.write(row)
    ids = sorted({row["report_id"] for row in rows})
    write_current(lake_dir, table, pl.DataFrame(
        {"report_id": ids, "segment": [segment] * len(ids), "status": ["ok"] * len(ids)},
        schema={"report_id": pl.String, "segment": pl.String, "status": pl.String}))


def scan_current(lake_dir: Path, table: str) -> pl.LazyFrame:
    """The current rows of a segmented table as a lazy polars frame (for checks over all of it)."""
    files = sorted((Path(lake_dir) / table).glob("*.parquet"))
    if not files:
        return pl.DataFrame(schema=SCHEMAS[table]).lazy()
    rows = pl.scan_parquet(files, glob=False, missing_columns="insert", include_file_paths="_file")
    live = pl.scan_parquet(current_path(lake_dir, table), glob=False).filter(pl.col("status") == "ok")
    rows = rows.with_columns(_segment=pl.col("_file").str.extract(r"([^/]+)\.parquet$"))
    return rows.join(live.select("report_id", _segment="segment"), on=["report_id", "_segment"], how="semi") \
        .drop("_file", "_segment")
