"""The watcher in Dagster and on the command line: the `watched_reports` asset and the
`watch_publications` job (not part of build_warehouse), and `fazhi watch`."""

from __future__ import annotations

import json

import dagster as dg
import yaml

from orchestration import cli
from orchestration.definitions import defs
from orchestration.defs.watcher import PublicationWatcher, watched_reports


def channel_file(tmp_path, site) -> str:
    path = tmp_path / "channels.yaml"
    path.write_text(yaml.safe_dump({
        "defaults": {"min_interval": 0, "retries": 0, "connect_timeout": 2, "read_timeout": 2},
        "channels": [{"name": "column", "issuer": "某市司法局", "listing": site.url("/col/list_1.html"),
                      "link_text": None, "link_pattern": "/col/att/|/missing"}],
    }, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_the_watcher_is_an_asset_outside_the_build():
    graph = defs.resolve_asset_graph()
    assert graph.get(dg.AssetKey("watched_reports")).group_name == "inbox"
    assert defs.resolve_job_def("watch_publications").asset_layer.executable_asset_keys == {
        dg.AssetKey("watched_reports")}
    assert dg.AssetKey("watched_reports") not in defs.resolve_job_def("build_warehouse").asset_layer.executable_asset_keys


def test_materializing_the_asset_downloads_into_the_inbox(site, tmp_path):
    inbox = tmp_path / "inbox"
    result = dg.materialize([watched_reports], resources={"watcher": PublicationWatcher(
        channels_file=channel_file(tmp_path, site), inbox_dir=str(inbox))})
    assert result.success
    metadata = result.asset_materializations_for_node("watched_reports")[0].metadata
    assert metadata["new"].value == 1 and metadata["failed"].value == 0
    assert [row["path"] for row in metadata["downloaded"].value] == [f"127.0.0.1_{site.port}/a.pdf"]


def test_fazhi_watch(site, tmp_path, capsys):
    inbox = tmp_path / "inbox"
    args = ["watch", "--config", channel_file(tmp_path, site), "--inbox", str(inbox)]
    assert cli.main(args) == 0
    assert capsys.readouterr().out.startswith("new\t")
    assert cli.main(args) == 0 and capsys.readouterr().out == ""  # the second run: nothing new
    site.resources["/col/list_1.html"].body += b'<a href="/missing.pdf">x</a>'
    assert cli.main(args) == 1  # a 404: reported, the rest done
    failure = json.loads((inbox / ".watcher" / "failures.jsonl").read_text().splitlines()[-1])
    assert failure["reason"].startswith("HTTP 404")
    assert cli.main(["watch", "--config", str(tmp_path / "none.yaml"), "--inbox", str(inbox)]) == 2
