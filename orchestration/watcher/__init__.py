"""The publication watcher: new 法治政府建设年度报告 from government sites into the inbox.

    from orchestration.watcher import load_config, watch
    result = watch(load_config("config/channels.yaml"), "/data/reports")

config   the channel file (config/channels.example.yaml documents it)
links    listing page -> report links, next page
fetch    HTTP with robots.txt, pacing, timeouts, retries, conditional requests, size cap, redirects
inbox    downloaded files, sidecars, state, failures (in <inbox>/.watcher/)
runner   one run over every channel; failures are outcomes, never a stop

Knows nothing of Dagster: orchestration/defs and the CLI call `watch`.
"""

from orchestration.watcher.config import Config, ConfigError
from orchestration.watcher.config import load as load_config
from orchestration.watcher.inbox import InboxBusy, InboxError
from orchestration.watcher.runner import Outcome, RunResult, watch

__all__ = ["Config", "ConfigError", "InboxBusy", "InboxError", "Outcome", "RunResult", "load_config", "watch"]
