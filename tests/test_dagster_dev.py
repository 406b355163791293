"""`dagster dev` from the repo root loads the code location and serves the asset graph,
started as a user would: the venv not activated, so `dbt` is not on PATH."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import duckdb
import pytest

from orchestration import settings

QUERY = "{ assetNodes { assetKey { path } groupName } }"
AUTOMATION_QUERY = """{ repositoriesOrError { ... on RepositoryConnection { nodes {
  sensors { name } schedules { name } jobs { name } } } } }"""
CHECKS_QUERY = """{ assetNodeOrError(assetKey: {path: ["dim_report"]}) { ... on AssetNode {
  assetChecksOrError { ... on AssetChecks { checks { name description } } } } } }"""
# What a shell without the venv activated has: no .venv/bin, so no `dbt` and no `dagster`.
BARE_PATH = os.pathsep.join(p for p in ("/usr/local/bin", "/usr/bin", "/bin") if Path(p).is_dir())


def user_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAZHI_", "DBT_", "VIRTUAL_ENV"))}
    return {**env, "PATH": BARE_PATH, **extra}


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
    env = user_env(DAGSTER_HOME=str(tmp_path / "home"), FAZHI_WAREHOUSE_DIR=str(tmp_path / "wh"),
                   FAZHI_INPUT_DIR=str(tmp_path / "no reports yet"))
    assert shutil.which("dbt", path=env["PATH"]) is None
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


@pytest.mark.slow
def test_dagster_dev_serves_the_asset_graph(dagster_dev):
    port, proc, log = dagster_dev
    nodes = wait_for_assets(port, proc, log)
    groups = {"/".join(n["assetKey"]["path"]): n["groupName"] for n in nodes}
    assert groups["raw_reports"] == "reports"
    assert groups["parsed_reports"] == "reports"
    assert groups["report_metrics"] == "metrics"
    assert groups["fact_reconsideration"] == "marts"
    assert groups["stg_lake__report_metrics"] == "staging"
    repo = graphql(port, AUTOMATION_QUERY)["data"]["repositoriesOrError"]["nodes"][0]
    assert {s["name"] for s in repo["sensors"]} == {"new_reports_sensor"}
    assert {s["name"] for s in repo["schedules"]} == {"reporting_season_watch", "reporting_season_schedule"}
    assert "build_warehouse" in {j["name"] for j in repo["jobs"]}
    checks = graphql(port, CHECKS_QUERY)["data"]["assetNodeOrError"]["assetChecksOrError"]["checks"]
    quote_check = {c["name"]: c["description"] for c in checks}["assert_quotes_match_report_text"]
    assert "quote" in quote_check


@pytest.mark.slow
def test_definitions_load_without_the_venv_on_path(tmp_path):
    """What `dagster dev` does at load time, in a shell where `dbt` is not on PATH: under
    DAGSTER_IS_DEV_CLI the dbt manifest is rebuilt with the venv's dbt, found by path."""
    dagster = Path(sys.executable).with_name("dagster")
    env = user_env(DAGSTER_HOME=str(tmp_path), DAGSTER_IS_DEV_CLI="1")
    result = subprocess.run(
        [str(dagster), "definitions", "validate", "-m", "orchestration.definitions"],
        cwd=settings.REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "not found on PATH" not in result.stderr
    # Loading changed nothing in the environment dbt or the stages read.
    probe = subprocess.run(
        [sys.executable, "-c", "import os, orchestration.definitions; "
         "print(sorted(k for k in os.environ if k.startswith('FAZHI_')), os.environ['PATH'])"],
        cwd=settings.REPO_ROOT, env=user_env(), capture_output=True, text=True, timeout=300)
    assert probe.returncode == 0, probe.stderr[-2000:]
    assert probe.stdout.split() == ["[]", BARE_PATH]


CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT_DIR = settings.REPO_ROOT / "warehouse"  # git-ignored
MART = "fact_reconsideration"
LOCATION_QUERY = "{ repositoriesOrError { ... on RepositoryConnection { nodes { name location { name } } } } }"
LAUNCH = """mutation Launch($params: ExecutionParams!) { launchRun(executionParams: $params) {
  __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message }
  ... on RunConfigValidationInvalid { errors { message } } } }"""
RUN_QUERY = 'query Run($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }'


def graphql_vars(port: int, query: str, variables: dict) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql", data=json.dumps({"query": query, "variables": variables}).encode(),
        headers={"Content-Type": "application/json"},
    )
    # A launch builds the run's plan (each stage is plan + 8 bucket steps + finish) in the
    # webserver: seconds on a loaded machine, so a generous timeout.
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def materialise_warehouse(port: int, log: Path, timeout: float = 120) -> None:
    """Launch `build_warehouse` over the bundled samples as the UI's launchpad would, and wait."""
    repo = graphql(port, LOCATION_QUERY)["data"]["repositoriesOrError"]["nodes"][0]
    params = {
        "selector": {"repositoryLocationName": repo["location"]["name"], "repositoryName": repo["name"],
                     "jobName": "build_warehouse"},
        "runConfigData": {"ops": {"raw_reports": {"config": {"input_dir": str(settings.REPO_ROOT / "seeds")}}}},
    }
    launched = graphql_vars(port, LAUNCH, {"params": params})["data"]["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    run_id = launched["run"]["runId"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = graphql_vars(port, RUN_QUERY, {"id": run_id})["data"]["runOrError"]["status"]
        if status in ("SUCCESS", "FAILURE", "CANCELED"):
            assert status == "SUCCESS", log.read_text()[-3000:]
            return
        time.sleep(1)
    raise AssertionError(f"run {run_id} not done after {timeout}s:\n{log.read_text()[-3000:]}")


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is absent (apt-get install chromium; .ci/run does)")
def test_screenshots_of_the_catalogue_and_a_mart(dagster_dev, tmp_path):
    """After a materialisation from the UI's API, headless Debian Chromium shows the asset
    catalogue and a mart's page with its row count, preview and checks; PNGs in warehouse/."""
    playwright = pytest.importorskip("playwright.sync_api")
    port, proc, log = dagster_dev
    wait_for_assets(port, proc, log)
    materialise_warehouse(port, log)
    graphql(port, "mutation { setNuxSeen }")  # no community pop-up over the page
    SCREENSHOT_DIR.mkdir(exist_ok=True)
    shots = {view: SCREENSHOT_DIR / f"ui_{name}.png" for view, name in (
        ("catalogue", "asset_catalogue"), ("overview", MART), ("events", f"{MART}_preview"),
        ("checks", f"{MART}_checks"))}
    base = f"http://127.0.0.1:{port}"
    loaded = "() => !document.body.innerText.includes('Loading')"
    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1200})
            page.goto(f"{base}/assets", wait_until="networkidle")
            page.get_by_text(MART, exact=True).first.wait_for(timeout=30_000)
            page.wait_for_function(loaded, timeout=30_000)
            page.screenshot(path=str(shots["catalogue"]))
            catalogue = page.inner_text("body")

            page.goto(f"{base}/assets/{MART}", wait_until="networkidle")
            page.get_by_text("Row count").first.wait_for(timeout=30_000)
            page.screenshot(path=str(shots["overview"]))
            overview = page.inner_text("body")

            page.goto(f"{base}/assets/{MART}?view=events", wait_until="networkidle")
            page.get_by_text("[Show Markdown]").first.click(timeout=30_000)  # the preview's table
            dialog = page.get_by_role("dialog")
            dialog.get_by_text("fact_id").first.wait_for(timeout=30_000)
            page.screenshot(path=str(shots["events"]))
            events = dialog.inner_text()

            page.goto(f"{base}/assets/{MART}?view=checks", wait_until="networkidle")
            page.get_by_text("Passed").first.wait_for(timeout=30_000)
            page.wait_for_function(loaded, timeout=30_000)
            page.screenshot(path=str(shots["checks"]))
            checks = page.inner_text("body")
        finally:
            browser.close()
    assert "Materialized" in catalogue or "ago" in catalogue
    with duckdb.connect(str(tmp_path / "wh" / "fazhi.duckdb"), read_only=True) as con:
        rows = con.execute(f"select count(*) from {MART}").fetchone()[0]  # the page shows the mart's count
    assert "Row count" in overview and str(rows) in overview
    assert "report_id" in events and "measure" in events
    assert "Passed" in checks
    for png in shots.values():
        assert png.stat().st_size > 20_000, png


SEASON_QUERY = """{ repositoriesOrError { ... on RepositoryConnection { nodes {
  sensors { name minIntervalSeconds targets { pipelineName } sensorState { status } }
  schedules { name pipelineName cronSchedule executionTimezone scheduleState { status } } } } } }"""


@pytest.mark.slow
def test_the_inbox_sensor_and_the_season_schedules_are_in_the_ui(dagster_dev):
    """What the UI's Automation page lists, through the webserver's GraphQL API: the inbox sensor
    running, the reporting-season schedules stopped until turned on, with their cron and zone."""
    port, proc, log = dagster_dev
    wait_for_assets(port, proc, log)
    repo = graphql(port, SEASON_QUERY)["data"]["repositoriesOrError"]["nodes"][0]
    sensors = {s["name"]: s for s in repo["sensors"]}
    sensor = sensors["new_reports_sensor"]
    assert sensor["sensorState"]["status"] == "RUNNING"
    assert [t["pipelineName"] for t in sensor["targets"]] == ["build_warehouse"]
    schedules = {s["name"]: s for s in repo["schedules"]}
    assert {name: (s["pipelineName"], s["cronSchedule"], s["executionTimezone"], s["scheduleState"]["status"])
            for name, s in schedules.items()} == {
        "reporting_season_watch": ("watch_publications", "0 2 * 1-4 *", "Asia/Shanghai", "STOPPED"),
        "reporting_season_schedule": ("build_warehouse", "0 3 * 1-4 *", "Asia/Shanghai", "STOPPED"),
    }
