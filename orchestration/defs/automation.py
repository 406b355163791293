"""Runs that start by themselves: when the input folder changes, and through reporting season.

new_reports_sensor (on by default) starts build_warehouse when files below the input folder
are added, changed or removed; each tick says how many, in its skip reason or in the run's tags.
The reporting-season schedules (off by default; turn them on in the UI under Automation, or
with `dagster schedule start`) run the publication watcher and then the build every day from
January to April, Beijing time. Their cron strings are read when the code location loads:

  FAZHI_WATCH_CRON   default "0 2 * 1-4 *"  (watch_publications, 02:00 Asia/Shanghai)
  FAZHI_BUILD_CRON   default "0 3 * 1-4 *"  (build_warehouse,    03:00 Asia/Shanghai)

Set them in the environment `dagster dev` (or the daemon) starts in, then reload the code
location; an invalid cron string stops the code location from loading, with the variable named.
"""

import hashlib
import os

import dagster as dg
from dagster._utils.schedules import is_valid_cron_string  # what ScheduleDefinition itself checks

from orchestration import batch, lake, publish, settings, stages
from orchestration.defs.watcher import watch_publications_job
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


def pending_changes(input_dir, lake_dir) -> dict[str, int]:
    """The files below the input folder against what the last build read (the raw_reports
    manifest: path, size, modification time), as the build will compare them."""
    # stages.look is the build's own listing, so the counts are what the run will process.
    files, _ = stages.look(input_dir)
    built = lake.read_current(lake_dir, "raw_reports", stages.MANIFESTS["raw_reports"]).select(
        "path", "size", "mtime_ns")
    same = files.join(built, on=["path", "size", "mtime_ns"], how="semi").height
    new = files.join(built, on="path", how="anti").height
    return {"new": new, "changed": files.height - same - new, "unchanged": same,
            "removed": built.join(files.select("path"), on="path", how="anti").height}


def describe(counts: dict[str, int]) -> str:
    return (f"{counts['new']} new, {counts['changed']} changed, {counts['removed']} removed "
            f"({counts['unchanged']} unchanged) since the last build")


@dg.sensor(job=warehouse_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def new_reports_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
    """Rebuilds the warehouse when reports are added to, changed in or removed from the input folder.
    The cursor is a fingerprint of the folder (names, sizes, times); each tick's skip reason or run
    request says how many files are new, changed and removed against the last build, and the run
    carries them as tags (fazhi/new_files, fazhi/changed_files, fazhi/removed_files,
    fazhi/unchanged_files). The run reads only those files (orchestration.stages)."""
    if not settings.input_dir().is_dir():
        return dg.SkipReason(f"input folder {settings.input_dir()} does not exist")
    busy = publish.holder(warehouse.folder())
    if busy:  # wait, cursor unchanged: the change is picked up once that build is done
        return dg.SkipReason(f"a build is running ({busy}); waiting for it")
    fingerprint = input_fingerprint()
    if fingerprint == context.cursor:
        return dg.SkipReason("no new or changed reports")
    first_look, warehouse_built = context.cursor is None, warehouse.database().exists()
    counts = pending_changes(settings.input_dir(), warehouse.lake())
    found = describe(counts)
    context.update_cursor(fingerprint)
    if first_look and warehouse_built:
        # Don't overwrite a warehouse `fazhi build --input ...` made from another folder.
        return dg.SkipReason(f"a warehouse exists: watching the input folder for changes from now on ({found})")
    if not (counts["new"] or counts["changed"] or counts["removed"]):
        # Touched, or renamed back: the build would find nothing to do (it compares the same way).
        return dg.SkipReason(f"the folder changed but no file differs from the last build: {found}")
    context.log.info(f"starting a build: {found}")
    # No run_key: a folder can return to an earlier state (a file added, then removed), and
    # Dagster would skip a run key it has seen. The cursor already limits runs to changes.
    return dg.RunRequest(tags={f"fazhi/{name}_files": str(n) for name, n in counts.items()})


# Reports on year N must be published by the end of March of year N+1 (a few come later):
# fetch, then build, daily through January-April, even if the sensor is off (e.g. the folder
# is a network mount). Off until turned on in the UI.
DEFAULT_WATCH_CRON, DEFAULT_BUILD_CRON = "0 2 * 1-4 *", "0 3 * 1-4 *"
SEASON_TIMEZONE = "Asia/Shanghai"


def season_cron(variable: str, default: str) -> str:
    """The cron string from `variable` (read when the code location loads), else `default`."""
    cron = os.environ.get(variable, "").strip() or default
    if not is_valid_cron_string(cron):
        raise ValueError(f"{variable}={cron!r} is not a cron string (five fields, e.g. {default!r})")
    return cron


reporting_season_watch = dg.ScheduleDefinition(
    name="reporting_season_watch", job=watch_publications_job,
    cron_schedule=season_cron("FAZHI_WATCH_CRON", DEFAULT_WATCH_CRON), execution_timezone=SEASON_TIMEZONE,
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Reporting season: fetch new and republished reports from the channel file's sites. "
    f"Cron from $FAZHI_WATCH_CRON (default {DEFAULT_WATCH_CRON!r}), {SEASON_TIMEZONE}.")

reporting_season_schedule = dg.ScheduleDefinition(
    name="reporting_season_schedule", job=warehouse_job,
    cron_schedule=season_cron("FAZHI_BUILD_CRON", DEFAULT_BUILD_CRON), execution_timezone=SEASON_TIMEZONE,
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Reporting season: build the warehouse from what is new or changed in the input folder. "
    f"Cron from $FAZHI_BUILD_CRON (default {DEFAULT_BUILD_CRON!r}), {SEASON_TIMEZONE}.")
