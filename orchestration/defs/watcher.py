"""The publication watcher as an asset: government sites -> new or changed reports in the
input folder. The work is orchestration.watcher's; this module only wires it to Dagster.

Not part of build_warehouse: materialize `watched_reports` (or launch the
`watch_publications` job) to fetch; new files in the input folder then start a build
through new_reports_sensor. Through reporting season the schedule reporting_season_watch
(orchestration.defs.automation; off until turned on in the UI) runs the job every day.
"""

from pathlib import Path

import dagster as dg
from pydantic import Field

from orchestration import settings
from orchestration.watcher import ConfigError, InboxError, load_config, watch


class PublicationWatcher(dg.ConfigurableResource):
    """Where the channel file is and where downloads go."""

    channels_file: str | None = Field(
        default=None, description="The channel file (YAML, see config/channels.example.yaml). "
        "Default: $FAZHI_CHANNELS_FILE, else config/channels.yaml.")
    inbox_dir: str | None = Field(
        default=None, description="Folder the reports are downloaded into. Default: $FAZHI_INPUT_DIR "
        "(never the bundled samples).")

    def channels_path(self) -> Path:
        return Path(self.channels_file).expanduser().resolve() if self.channels_file else settings.channels_file()

    def inbox_path(self) -> Path:
        if self.inbox_dir:
            return Path(self.inbox_dir).expanduser().resolve()
        if settings.input_dir() == settings.REPO_ROOT / "seeds":
            raise dg.Failure("set FAZHI_INPUT_DIR (or the resource's inbox_dir) to the folder downloads go to; "
                             "the watcher does not write into the bundled samples in seeds/")
        return settings.input_dir()


@dg.asset(
    group_name="inbox", kinds={"python"},
    description="Reports fetched from the government sites of the channel file into the input folder: "
    "new ones, and new versions of republished ones, each with a sidecar (source URL, listing URL, "
    "issuer, fetch time, response headers, sha256) in <input>/.watcher/.",
)
def watched_reports(context: dg.AssetExecutionContext, watcher: PublicationWatcher) -> dg.MaterializeResult:
    channels, inbox = watcher.channels_path(), watcher.inbox_path()
    try:
        config = load_config(channels)
    except ConfigError as err:
        raise dg.Failure(str(err)) from None
    inbox.mkdir(parents=True, exist_ok=True)
    context.log.info(f"watching {len(config.channels)} channels from {channels} into {inbox}")
    try:
        result = watch(config, inbox, logger=context.log)
    except InboxError as err:
        raise dg.Failure(str(err)) from None
    failures = [{"channel": o.channel, "url": o.url, "stage": o.stage, "reason": o.reason} for o in result.failures]
    metadata = {
        "new": len(result.by("new")), "changed": len(result.by("changed")),
        "unchanged": len(result.by("unchanged")), "failed": len(failures),
        "downloaded": dg.MetadataValue.json([{"path": o.path, "url": o.url, "outcome": o.outcome}
                                             for o in result.downloaded]),
        "failures": dg.MetadataValue.json(failures),
        "inbox": dg.MetadataValue.path(str(inbox)), "channels_file": dg.MetadataValue.path(str(channels)),
        "summary": result.summary(),
    }
    if failures and len(failures) == len(result.outcomes):
        raise dg.Failure(f"every URL failed: {result.summary()}", metadata=metadata)
    return dg.MaterializeResult(metadata=metadata)


watch_publications_job = dg.define_asset_job(
    "watch_publications", selection=dg.AssetSelection.assets(watched_reports),
    description="Fetch new and republished reports from the channel file's sites into the input folder.")
