"""The lake: one folder of Parquet files per table, written by the Python stages, read by dbt.

Why Parquet and not tables in the DuckDB file: DuckDB allows one writing process per
file, so Python stages writing into it would queue behind each other and behind dbt.
Each stage here writes its own files and dbt is the only writer of `fazhi.duckdb`.
A table's files are written into a temporary folder and swapped in whole, so a failed
or concurrent run never leaves a half-written table for dbt to read.
"""

from __future__ import annotations

import os
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
}


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


def read_rows(lake_dir: Path, table: str, batch_rows: int = 256) -> Iterator[dict]:
    """Rows of a lake table, a batch at a time, so a national corpus never sits in memory."""
    for path in sorted((Path(lake_dir) / table).glob("*.parquet")):
        parquet = pq.ParquetFile(path)
        for batch in parquet.iter_batches(batch_size=batch_rows):
            yield from pl.from_arrow(batch).iter_rows(named=True)


def count_rows(lake_dir: Path, table: str) -> int:
    return sum(pq.ParquetFile(p).metadata.num_rows for p in (Path(lake_dir) / table).glob("*.parquet"))


def clean_stale(lake_dir: Path) -> int:
    """Remove the temporary files a killed build left (`.<part>.<uuid>.tmp`). Call it only
    while holding the build lock: another build's files in progress look the same."""
    removed = 0
    for tmp in Path(lake_dir).glob("*/.*.tmp"):
        tmp.unlink(missing_ok=True)
        removed += 1
    return removed
