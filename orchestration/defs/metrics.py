"""Report metrics: parsed reports -> lake/report_metrics, one row per extracted fact."""

from __future__ import annotations

import dagster as dg

from orchestration import batch, settings
from orchestration.defs.reports import parsed_reports, stats_metadata


@dg.asset(group_name="metrics", kinds={"python", "parquet"}, deps=[parsed_reports])
def report_metrics() -> dg.MaterializeResult:
    """Every numeric fact in the reports' prose: domain, measure, kind, value, unit, year,
    scope, and the exact quote with its character offsets into the parsed text."""
    stats = batch.extract_parsed(settings.lake_dir())
    return dg.MaterializeResult(metadata=stats_metadata(stats, "report_metrics"))
