"""Runs that start by themselves: when the input folder changes, and through reporting season."""

import hashlib

import dagster as dg

from orchestration import batch, publish, settings
from orchestration.resources import WarehouseResource

# Everything: raw -> parsed -> metrics -> dbt models and tests -> summary. Not the watcher
# (group inbox): a build never fetches from the web; watch_publications does.
warehouse_job = dg.define_asset_job("build_warehouse", selection=dg.AssetSelection.all() - dg.AssetSelection.groups("inbox"))


def input_fingerprint() -> str:
    """Changes when a file below the input folder is added, removed or rewritten."""
    digest = hashlib.sha256()
    for path in batch.discover(settings.input_dir()):
        try:
            stat = path.lstat()
        except OSError:  # gone between listing and looking: the next tick sees the change
            continue
        # surrogateescape: a file name that is not UTF-8 (from a Windows archive) is still a name.
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


@dg.sensor(job=warehouse_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def new_reports_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
    """Rebuilds the warehouse when reports are added to, changed in or removed from the input folder."""
    if not settings.input_dir().is_dir():
        return dg.SkipReason(f"input folder {settings.input_dir()} does not exist")
    busy = publish.holder(warehouse.folder())
    if busy:  # wait, cursor unchanged: the change is picked up once that build is done
        return dg.SkipReason(f"a build is running ({busy}); waiting for it")
    fingerprint = input_fingerprint()
    if fingerprint == context.cursor:
        return dg.SkipReason("no new or changed reports")
    first_look, warehouse_built = context.cursor is None, warehouse.database().exists()
    context.update_cursor(fingerprint)
    if first_look and warehouse_built:
        # Don't overwrite a warehouse `fazhi build --input ...` made from another folder.
        return dg.SkipReason("a warehouse exists: watching the input folder for changes from now on")
    # No run_key: a folder can return to an earlier state (a file added, then removed), and
    # Dagster would skip a run key it has seen. The cursor already limits runs to changes.
    return dg.RunRequest()


# Reports on year N must be published by the end of March of year N+1: check nightly
# through February-April even if the sensor is off (e.g. the folder is a network mount).
reporting_season_schedule = dg.ScheduleDefinition(
    name="reporting_season_schedule", job=warehouse_job, cron_schedule="0 3 * 2-4 *", execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.STOPPED,
)
