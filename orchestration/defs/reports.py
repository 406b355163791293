"""Raw and parsed reports: input folder -> lake/raw_reports -> lake/parsed_reports.

Each stage is a multi-asset: the table it makes, and the files it rejected with reasons
(rejected_at_<stage>), so rejections are visible in the asset graph and never lost. Each is
incremental (orchestration.stages): only new or changed files, or all when the stage's code
version changed, are processed; the code version shown in the UI is that stage version.
Each is a graph of steps, plan -> buckets -> finish (orchestration.defs.fanout), so its work
can run on several machines; the steps that read or change manifests take the warehouse's
build lock first (orchestration.publish): one build at a time.
"""

from pathlib import Path

import dagster as dg
from pydantic import Field

from orchestration import batch, lake, settings, stages
from orchestration.defs.fanout import spread, stage_asset, start_stage
from orchestration.resources import WarehouseResource

__all__ = ["ReportsConfig", "parsed_reports", "raw_reports", "start_stage"]


class ReportsConfig(dg.Config):
    input_dir: str | None = Field(
        default=None,
        description="Folder of reports to load (all files below it). "
        "Default: $FAZHI_INPUT_DIR, else the bundled samples in seeds/.",
    )


@dg.op
def read_plan(context: dg.OpExecutionContext, config: ReportsConfig, warehouse: WarehouseResource) -> stages.Plan:
    input_dir = Path(config.input_dir).expanduser().resolve() if config.input_dir else settings.input_dir()
    problem = batch.input_problem(input_dir)
    if problem:
        raise dg.Failure(f"{problem}; nothing was built and the warehouse was left as it was")
    start_stage(context, warehouse)
    if removed := lake.clean_stale(warehouse.lake()):
        context.log.info(f"removed {removed} temporary lake files a stopped build left")
    context.log.info(f"reading new and changed reports below {input_dir}")
    return spread(stages.plan_read(input_dir, warehouse.lake()))


def _some_read(plan: stages.Plan, stats: stages.StageStats) -> None:
    if stats.written == 0:
        raise dg.Failure(
            f"no usable report in {plan.input_dir} ({stats.rejected} files rejected: "
            f"{', '.join(stats.reasons) or 'none'}); the warehouse was left as it was")


# The asset keeps the config it had as one step: ops: raw_reports: config: input_dir.
raw_reports = stage_asset(
    "raw_reports", "read", "reports",
    "One row per input file: path, content hash, size, format, detected encoding, decoded text.",
    read_plan, stages.read_bucket, stages.finish_read, unit="files", check=_some_read,
    config=dg.ConfigMapping(config_fn=lambda config: {"read_plan": {"config": config}},
                            config_schema=ReportsConfig.to_config_schema()))


@dg.op(ins={"start": dg.In(dg.Nothing)})
def parse_plan(context: dg.OpExecutionContext, warehouse: WarehouseResource) -> stages.Plan:
    start_stage(context, warehouse)
    context.log.info("parsing new reports: clean text, metadata, sections")
    return spread(stages.plan_stage(warehouse.lake(), "parse"))


def _some_parsed(plan: stages.Plan, stats: stages.StageStats) -> None:
    if stats.written == 0:
        raise dg.Failure(
            f"no report could be parsed ({stats.rejected} rejected: {', '.join(stats.reasons) or 'none'}); "
            "the warehouse was left as it was")


parsed_reports = stage_asset(
    "parsed_reports", "parse", "reports",
    "Clean text, metadata (title, issuer, region, year, dates, 文号), section tree and sentences.",
    parse_plan, stages.stage_bucket, stages.finish_stage, upstream="raw_reports", check=_some_parsed)
