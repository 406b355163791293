"""The Dagster code location: `dagster dev` from the repo root loads this module.

Loading it changes nothing in the environment: paths are read when a run starts
(orchestration.settings), and the dbt used is the venv's, found next to this interpreter.
"""

import dagster as dg

from orchestration.defs import (
    automation,
    checks,
    dbt,
    distributed,
    metrics,
    reports,
    sources,
    warehouse,
    watcher,
)
from orchestration.resources import WarehouseResource, WorkersResource

defs = dg.Definitions(
    # The hooks let a dask worker's step drop the build lock when it ends (defs/distributed.py).
    assets=[asset.with_hooks(distributed.RELEASE_LOCK) for asset in (
        reports.raw_reports, reports.parsed_reports, metrics.report_metrics, dbt.dbt_models,
        warehouse.warehouse_summary, watcher.watched_reports, sources.report_sources)],
    asset_checks=checks.CHECKS,
    jobs=[automation.warehouse_job, watcher.watch_publications_job],
    sensors=[automation.new_reports_sensor],
    schedules=[automation.reporting_season_watch, automation.reporting_season_schedule],
    # By default one process per run, not one per step: a small build takes seconds, and the run
    # holds the warehouse's build lock from its first step to its last. Run config can send the
    # steps to a dask cluster instead (execution: config: dask: ..., docs/distributed.md).
    executor=distributed.in_process_or_dask,
    # Paths and worker settings are resources, so the launchpad can set them per run; empty
    # fields fall back to the FAZHI_* variables when a run starts.
    resources={"dbt": dbt.dbt_resource(), "watcher": watcher.PublicationWatcher(),
               "warehouse": WarehouseResource(), "workers": WorkersResource()},
)
