"""Raw and parsed reports: input folder -> lake/raw_reports -> lake/parsed_reports."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from pydantic import Field

from orchestration import batch, settings


class ReportsConfig(dg.Config):
    input_dir: str | None = Field(
        default=None,
        description="Folder of reports to load (all files below it). "
        "Default: $FAZHI_INPUT_DIR, else the bundled samples in seeds/.",
    )


def stats_metadata(stats: batch.StageStats, table: str) -> dict:
    return {
        "rows": stats.written,
        "rejected": stats.rejected,
        "rejection_reasons": dg.MetadataValue.json(stats.reasons),
        "path": dg.MetadataValue.path(str(settings.lake_dir() / table)),
    }


@dg.asset(group_name="reports", kinds={"python", "parquet"})
def raw_reports(context: dg.AssetExecutionContext, config: ReportsConfig) -> dg.MaterializeResult:
    """One row per input file: path, content hash, size, format, detected encoding, decoded text.
    Unusable files (empty, binary, unsupported, duplicate...) go to rejected_reports instead."""
    input_dir = Path(config.input_dir).resolve() if config.input_dir else settings.input_dir()
    if not input_dir.is_dir():
        raise dg.Failure(f"input folder {input_dir} does not exist")
    context.log.info(f"reading reports below {input_dir}")
    stats = batch.load_raw(input_dir, settings.lake_dir())
    return dg.MaterializeResult(
        metadata={**stats_metadata(stats, "raw_reports"), "input_dir": dg.MetadataValue.path(str(input_dir))}
    )


@dg.asset(group_name="reports", kinds={"python", "parquet"}, deps=[raw_reports])
def parsed_reports() -> dg.MaterializeResult:
    """Clean text, metadata (title, issuer, region, year, dates, 文号), section tree and sentences."""
    stats = batch.parse_raw(settings.lake_dir())
    return dg.MaterializeResult(metadata=stats_metadata(stats, "parsed_reports"))
