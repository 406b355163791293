"""Report metrics: parsed reports -> lake/report_metrics, one row per extracted fact."""

import dagster as dg

from orchestration import batch, settings
from orchestration.defs.reports import stage_results, stage_specs, start_stage


@dg.multi_asset(specs=stage_specs(
    "report_metrics", "extract", "metrics", deps=["parsed_reports"],
    description="Every numeric fact in the reports' prose: domain, measure, kind, value, unit, year, "
    "scope, and the exact quote with its character offsets into the parsed text."))
def report_metrics(context: dg.AssetExecutionContext):
    start_stage(context)
    context.log.info("extracting facts from the parsed reports")
    yield from stage_results(batch.extract_parsed(settings.lake_dir()), "report_metrics", "extract")
