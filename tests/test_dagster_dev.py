"""`dagster dev` from the repo root loads the code location and serves the asset graph."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from orchestration import settings

QUERY = "{ assetNodes { assetKey { path } groupName } }"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql", data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


@pytest.fixture
def dagster_dev(tmp_path):
    port = free_port()
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "home"), "FAZHI_WAREHOUSE_DIR": str(tmp_path / "wh")}
    env.pop("FAZHI_DUCKDB_PATH", None)
    env.pop("FAZHI_LAKE_DIR", None)
    (tmp_path / "home").mkdir()
    dagster = Path(sys.executable).with_name("dagster")
    log = (tmp_path / "dagster.log").open("w")
    proc = subprocess.Popen(
        [str(dagster), "dev", "-h", "127.0.0.1", "-p", str(port)],
        cwd=settings.REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        yield port, proc, tmp_path / "dagster.log"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def wait_for_assets(port: int, proc: subprocess.Popen, log: Path, timeout: float = 180) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()[-3000:]
        try:
            nodes = graphql(port, QUERY).get("data", {}).get("assetNodes")
            if nodes:
                return nodes
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(1)
    raise AssertionError(f"no asset graph after {timeout}s:\n{log.read_text()[-3000:]}")


def test_dagster_dev_serves_the_asset_graph(dagster_dev):
    port, proc, log = dagster_dev
    nodes = wait_for_assets(port, proc, log)
    groups = {"/".join(n["assetKey"]["path"]): n["groupName"] for n in nodes}
    assert groups["raw_reports"] == "reports"
    assert groups["parsed_reports"] == "reports"
    assert groups["report_metrics"] == "metrics"
    assert groups["fact_reconsideration"] == "marts"
    assert groups["stg_lake__report_metrics"] == "staging"
