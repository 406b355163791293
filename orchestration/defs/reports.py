"""Raw and parsed reports: input folder -> lake/raw_reports -> lake/parsed_reports.

Each stage is a multi-asset: the table it makes, and the files it rejected with reasons
(rejected_at_<stage>), so rejections are visible in the asset graph and never lost."""

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


def stage_specs(table: str, stage: str, group: str, description: str, deps: list[str]) -> list[dg.AssetSpec]:
    kinds = {"python", "parquet"}
    return [
        dg.AssetSpec(table, group_name=group, kinds=kinds, description=description, deps=deps),
        dg.AssetSpec(f"rejected_at_{stage}", group_name=group, kinds=kinds, deps=deps,
                     description=f"Files rejected at the {stage} stage, with the reason."),
    ]


def stage_results(stats: batch.StageStats, table: str, stage: str, **extra) -> list[dg.MaterializeResult]:
    return [
        dg.MaterializeResult(asset_key=table, metadata={
            "rows": stats.written, "path": dg.MetadataValue.path(str(settings.lake_dir() / table)), **extra}),
        dg.MaterializeResult(asset_key=f"rejected_at_{stage}", metadata={
            "rows": stats.rejected, "reasons": dg.MetadataValue.json(stats.reasons)}),
    ]


@dg.multi_asset(specs=stage_specs(
    "raw_reports", "read", "reports", deps=[],
    description="One row per input file: path, content hash, size, format, detected encoding, decoded text."))
def raw_reports(context: dg.AssetExecutionContext, config: ReportsConfig):
    input_dir = Path(config.input_dir).resolve() if config.input_dir else settings.input_dir()
    if not input_dir.is_dir():
        raise dg.Failure(f"input folder {input_dir} does not exist")
    context.log.info(f"reading reports below {input_dir}")
    stats = batch.load_raw(input_dir, settings.lake_dir())
    yield from stage_results(stats, "raw_reports", "read", input_dir=dg.MetadataValue.path(str(input_dir)))


@dg.multi_asset(specs=stage_specs(
    "parsed_reports", "parse", "reports", deps=["raw_reports"],
    description="Clean text, metadata (title, issuer, region, year, dates, 文号), section tree and sentences."))
def parsed_reports():
    yield from stage_results(batch.parse_raw(settings.lake_dir()), "parsed_reports", "parse")
