"""Where reports came from, and what republication changed: the watcher's sidecars into the lake
(orchestration.revisions). Part of build_warehouse, after raw_reports, before dbt.

What happens on republication: the watcher puts the new version at the report's path (the old
bytes go to <inbox>/.watcher/superseded/). The build sees one changed file, so the new version's
facts replace the old version's in every fact table, dim_report and yoy_measures. This asset
extracts the old version's facts from the superseded bytes (once per sha256) and the mart
report_revisions lists, per republication, the facts that were added, removed or changed.
"""

from pathlib import Path

import dagster as dg
from pydantic import Field

from orchestration import revisions, settings
from orchestration.defs.reports import start_stage
from orchestration.resources import WarehouseResource, WorkersResource


class SourcesConfig(dg.Config):
    input_dir: str | None = Field(
        default=None,
        description="The inbox whose .watcher/ records to read. Default: the folder raw_reports reads in "
        "this run (its input_dir), else $FAZHI_INPUT_DIR, else seeds/ (which has none).")


def inbox_of(context: dg.AssetExecutionContext, config: SourcesConfig) -> Path:
    """This asset's own setting, else the folder raw_reports was told to read in this run."""
    chosen = config.input_dir
    if not chosen:
        ops = (context.run.run_config or {}).get("ops", {})
        chosen = ((ops.get("raw_reports") or {}).get("config") or {}).get("input_dir")
    return Path(chosen).expanduser().resolve() if chosen else settings.input_dir()


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            revisions.SOURCES, group_name="reports", kinds={"python", "parquet"}, deps=["raw_reports"],
            description="Where each downloaded report came from, one row per watcher sidecar "
            "(<input>/.watcher/sidecars/<sha256>.json): source URL, listing URL, fetch time, response "
            "validators, and for a republished report's earlier version the sha256 that replaced it. "
            "Empty when the input folder was not filled by the watcher."),
        dg.AssetSpec(
            revisions.SUPERSEDED_FACTS, group_name="reports", kinds={"python", "parquet"},
            deps=[revisions.SOURCES],
            description="Facts of the earlier versions of republished reports, extracted from "
            "<input>/.watcher/superseded/ with the build's reader, parser and extractor, once per "
            "version: what report_revisions compares the current facts with."),
    ],
)
def report_sources(context: dg.AssetExecutionContext, config: SourcesConfig,
                   warehouse: WarehouseResource, workers: WorkersResource):
    start_stage(context, warehouse)
    inbox, lake_dir = inbox_of(context, config), warehouse.lake()
    pool = workers.workers()
    stats = revisions.load(inbox, lake_dir, processes=pool.processes, budget=pool.budget)
    context.log.info(f"sources in {inbox}: {stats.summary()}")
    yield dg.MaterializeResult(asset_key=revisions.SOURCES, metadata={
        "sidecars": dg.MetadataValue.int(stats.sidecars), "read_again": stats.rewritten,
        "path": dg.MetadataValue.path(str(lake_dir / revisions.SOURCES)), "inbox": dg.MetadataValue.path(str(inbox))})
    yield dg.MaterializeResult(asset_key=revisions.SUPERSEDED_FACTS, metadata={
        "superseded_versions": dg.MetadataValue.int(stats.superseded),
        "extracted_now": dg.MetadataValue.int(stats.extracted),
        "without_facts": dg.MetadataValue.int(stats.failed),
        "path": dg.MetadataValue.path(str(lake_dir / revisions.SUPERSEDED_FACTS))})
