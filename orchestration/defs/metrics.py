"""Report metrics: parsed reports -> lake/report_metrics, one row per extracted fact."""

import dagster as dg

from orchestration import stages
from orchestration.defs.fanout import spread, stage_asset, start_stage
from orchestration.resources import WarehouseResource


@dg.op(ins={"start": dg.In(dg.Nothing)})
def extract_plan(context: dg.OpExecutionContext, warehouse: WarehouseResource) -> stages.Plan:
    start_stage(context, warehouse)
    context.log.info("extracting facts from new reports (all, if the extractor or its vocabulary changed)")
    return spread(stages.plan_stage(warehouse.lake(), "extract"))


report_metrics = stage_asset(
    "report_metrics", "extract", "metrics",
    "Every numeric fact in the reports' prose: domain, measure, kind, value, unit, year, "
    "scope, and the exact quote with its character offsets into the parsed text. The code version "
    "covers the extractor and its vocabulary: editing a cue word marks this asset stale.",
    extract_plan, stages.stage_bucket, stages.finish_stage, upstream="parsed_reports")
