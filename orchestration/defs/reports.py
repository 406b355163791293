"""Raw and parsed reports: input folder -> lake/raw_reports -> lake/parsed_reports.

Each stage is a multi-asset: the table it makes, and the files it rejected with reasons
(rejected_at_<stage>), so rejections are visible in the asset graph and never lost. Each is
incremental (orchestration.stages): only new or changed files, or all when the stage's code
version changed, are processed; the code version shown in the UI is that stage version.
Every stage takes the warehouse's build lock first (orchestration.publish): one build at a time.
"""

from pathlib import Path

import dagster as dg
from pydantic import Field

from orchestration import batch, lake, publish, settings, stages
from orchestration.resources import WarehouseResource, WorkersResource
from orchestration.versions import stage_version


class ReportsConfig(dg.Config):
    input_dir: str | None = Field(
        default=None,
        description="Folder of reports to load (all files below it). "
        "Default: $FAZHI_INPUT_DIR, else the bundled samples in seeds/.",
    )


def stage_specs(table: str, stage: str, group: str, description: str, deps: list[str]) -> list[dg.AssetSpec]:
    kinds = {"python", "parquet"}
    version = stage_version(stage)
    return [
        dg.AssetSpec(table, group_name=group, kinds=kinds, description=description, deps=deps, code_version=version),
        dg.AssetSpec(f"rejected_at_{stage}", group_name=group, kinds=kinds, deps=deps, code_version=version,
                     description=f"Files rejected at the {stage} stage, with the reason."),
    ]


def stage_results(context: dg.AssetExecutionContext, stats: stages.StageStats, table: str, stage: str,
                  lake_dir: Path, unit: str = "reports", **extra) -> list[dg.MaterializeResult]:
    context.log.info(f"{stage}: {stats.summary(unit)}")
    work = {"processed": stats.done, "unchanged": stats.reused, "removed": stats.retired}
    return [
        dg.MaterializeResult(asset_key=table, metadata={
            "dagster/row_count": stats.written, "path": dg.MetadataValue.path(str(lake_dir / table)),
            **{k: dg.MetadataValue.int(v) for k, v in work.items()}, **extra}),
        dg.MaterializeResult(asset_key=f"rejected_at_{stage}", metadata={
            "dagster/row_count": stats.rejected, "reasons": dg.MetadataValue.json(stats.reasons)}),
    ]


def start_stage(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> None:
    """The build lock for this run, and a writable warehouse, before any work is done."""
    try:
        publish.hold(warehouse.folder(), f"run {context.run_id[:8]}")
        publish.check_writable(warehouse.database())
    except publish.WarehouseBusy as err:
        raise dg.Failure(str(err)) from None


@dg.multi_asset(specs=stage_specs(
    "raw_reports", "read", "reports", deps=[],
    description="One row per input file: path, content hash, size, format, detected encoding, decoded text."))
def raw_reports(context: dg.AssetExecutionContext, config: ReportsConfig,
                warehouse: WarehouseResource, workers: WorkersResource):
    input_dir = Path(config.input_dir).expanduser().resolve() if config.input_dir else settings.input_dir()
    problem = batch.input_problem(input_dir)
    if problem:
        raise dg.Failure(f"{problem}; nothing was built and the warehouse was left as it was")
    start_stage(context, warehouse)
    if removed := lake.clean_stale(warehouse.lake()):
        context.log.info(f"removed {removed} temporary lake files a stopped build left")
    context.log.info(f"reading new and changed reports below {input_dir}")
    stats = stages.load_raw(input_dir, warehouse.lake(), workers.workers())
    if stats.written == 0:
        raise dg.Failure(
            f"no usable report in {input_dir} ({stats.rejected} files rejected: "
            f"{', '.join(stats.reasons) or 'none'}); the warehouse was left as it was")
    yield from stage_results(context, stats, "raw_reports", "read", warehouse.lake(), "files",
                             input_dir=dg.MetadataValue.path(str(input_dir)))


@dg.multi_asset(specs=stage_specs(
    "parsed_reports", "parse", "reports", deps=["raw_reports"],
    description="Clean text, metadata (title, issuer, region, year, dates, 文号), section tree and sentences."))
def parsed_reports(context: dg.AssetExecutionContext, warehouse: WarehouseResource, workers: WorkersResource):
    start_stage(context, warehouse)
    context.log.info("parsing new reports: clean text, metadata, sections")
    stats = stages.parse_raw(warehouse.lake(), workers.workers())
    if stats.written == 0:
        raise dg.Failure(
            f"no report could be parsed ({stats.rejected} rejected: {', '.join(stats.reasons) or 'none'}); "
            "the warehouse was left as it was")
    yield from stage_results(context, stats, "parsed_reports", "parse", warehouse.lake())
