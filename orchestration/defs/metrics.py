"""Report metrics: parsed reports -> lake/report_metrics, one row per extracted fact."""

import dagster as dg

from orchestration import stages
from orchestration.defs.reports import stage_results, stage_specs, start_stage
from orchestration.resources import WarehouseResource, WorkersResource


@dg.multi_asset(specs=stage_specs(
    "report_metrics", "extract", "metrics", deps=["parsed_reports"],
    description="Every numeric fact in the reports' prose: domain, measure, kind, value, unit, year, "
    "scope, and the exact quote with its character offsets into the parsed text. The code version "
    "covers the extractor and its vocabulary: editing a cue word marks this asset stale."))
def report_metrics(context: dg.AssetExecutionContext, warehouse: WarehouseResource, workers: WorkersResource):
    start_stage(context, warehouse)
    context.log.info("extracting facts from new reports (all, if the extractor or its vocabulary changed)")
    stats = stages.extract_parsed(warehouse.lake(), workers.workers())
    yield from stage_results(context, stats, "report_metrics", "extract", warehouse.lake())
