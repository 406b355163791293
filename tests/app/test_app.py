"""The explorer end to end: a warehouse built from reports with three years of one region,
the app started as `python -m orchestration.app` on a free loopback port, driven in headless
Chromium (Debian's package, through Playwright's executable_path; no browser download).

Screenshots of every page go to warehouse/app_screenshots/ (git-ignored).
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections import defaultdict
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from orchestration import settings
from orchestration.summary import FACT_TABLES
from tests.conftest import SAMPLES, use_private_warehouse

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "fixtures" / "reports"
# Three years of one region: the fixtures' 2021 and 2022 reports and the 2023 sample; another
# government and a department for Compare.
SAMPLE_FILES = ("000_243677528e629ced.txt", "002_25e9d93095fbb1aa.txt", "004_6f29544b54a0b4f7.txt")
ISSUER = "威海市文登区人民政府"
SCREENSHOTS = settings.REPO_ROOT / "warehouse" / "app_screenshots"
BUILT: dict[Path, int] = {}  # the warehouse file's mtime after the build: the app must not change it
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def chromium() -> str | None:
    found = os.environ.get("FAZHI_CHROMIUM") or next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)
    return found if found and Path(found).exists() else None


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def chromium_path() -> str:
    path = chromium()
    if path is None:
        pytest.skip("no chromium on this machine (apt-get install -y chromium fonts-noto-cjk); "
                    "the app test drives Debian's chromium and never downloads a browser")
    return path


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, chromium_path) -> Path:
    from orchestration.build import build_warehouse

    root = tmp_path_factory.mktemp("app")
    reports = root / "reports"
    reports.mkdir()
    for path in [*FIXTURES.glob("*.txt"), *(SAMPLES / name for name in SAMPLE_FILES)]:
        shutil.copy(path, reports / path.name)
    (reports / "empty.txt").write_bytes(b"")  # a file the Quality page lists as not loaded
    with pytest.MonkeyPatch.context() as monkeypatch:
        use_private_warehouse(root, monkeypatch)
        with contextlib.redirect_stdout(io.StringIO()):
            assert build_warehouse(input_dir=reports) == 0
        BUILT[settings.duckdb_path()] = settings.duckdb_path().stat().st_mtime_ns
        yield settings.duckdb_path()


@contextlib.contextmanager
def running_app(database: Path, log: Path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAZHI_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "orchestration.app", "--port", str(port), "--database", str(database)],
        cwd=settings.REPO_ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, log.read_text()[-3000:]
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            assert time.monotonic() < deadline, f"app did not start:\n{log.read_text()[-3000:]}"
            time.sleep(0.3)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def app(warehouse, tmp_path_factory):
    with running_app(warehouse, tmp_path_factory.mktemp("log") / "app.log") as base:
        yield base


@pytest.fixture(scope="module")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        chrome = pw.chromium.launch(executable_path=chromium_path, args=["--no-sandbox", "--disable-gpu"])
        yield chrome
        chrome.close()


@pytest.fixture(scope="module")
def requests_seen():
    return []


@pytest.fixture
def page(browser, requests_seen):
    context = browser.new_context(viewport={"width": 1500, "height": 1100}, accept_downloads=True)
    tab = context.new_page()
    tab.on("request", lambda request: requests_seen.append(request.url))
    yield tab
    context.close()


def shoot(page, name: str) -> None:
    """The whole page: Streamlit scrolls inside its main block, so the window grows to fit it."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight || 0")
    page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), 6000)})
    page.wait_for_timeout(500)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    page.set_viewport_size(size)


def settle(page) -> None:
    """Wait until Streamlit has finished running the page's script."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator(
        '[data-testid="stException"]').first.inner_text()


def read_only(database: Path):
    return duckdb.connect(str(database), read_only=True)


def test_trends_chart_has_one_point_per_year(app, warehouse, page):
    with read_only(warehouse) as con:
        years = [y for (y,) in con.execute(
            "select distinct year from yoy_measures where issuer = ? and domain = 'licensing' "
            "and measure = 'applications_received' and scope is null order by year", [ISSUER]).fetchall()]
    assert years == [2021, 2022, 2023]  # the fixture: two fixture reports and a sample
    query = urllib.parse.urlencode({"domain": "licensing", "measure": "applications_received", "issuer": ISSUER})
    page.goto(f"{app}/?{query}")
    page.wait_for_selector('[aria-roledescription="point"]', timeout=60_000)
    settle(page)
    labels = page.eval_on_selector_all('[aria-roledescription="point"]', "els => els.map(e => e.getAttribute('aria-label'))")
    shown = sorted(int(label.split("year: ")[1].split(";")[0]) for label in labels)
    assert shown == years
    assert all(ISSUER in label for label in labels)
    # The year-over-year table under the chart: one row per year.
    assert page.locator('[data-testid="stDataFrame"] [aria-rowcount]').first.get_attribute("aria-rowcount") == str(
        len(years) + 1)
    shoot(page, "trends")


def test_report_highlights_every_fact_as_its_quote(app, warehouse, page):
    union = " union all ".join(f"select report_id, fact_id, quote from {t}" for t in FACT_TABLES)
    with read_only(warehouse) as con:
        report_id, title = con.execute(
            "select report_id, title from dim_report where issuer = ? order by facts desc limit 1",
            [ISSUER]).fetchone()
        quotes = dict(con.execute(f"select fact_id, quote from ({union}) where report_id = ?", [report_id]).fetchall())
    assert len(quotes) > 10
    page.goto(f"{app}/report?report={report_id}")
    page.wait_for_selector("mark.fact", timeout=60_000)
    settle(page)
    segments = page.eval_on_selector_all(
        "mark.fact", "els => els.map(e => [e.dataset.fact, +e.dataset.segment, e.textContent, e.dataset.tip])")
    marked: dict[str, list] = defaultdict(list)
    for fact_id, segment, text, _ in segments:
        marked[fact_id].append((segment, text))
    assert len(marked) == len(quotes)
    assert {fid: "".join(t for _, t in sorted(parts)) for fid, parts in marked.items()} == quotes
    tip = segments[0][3]
    for field in ("domain:", "measure:", "kind:", "value:", "unit:", "year:", "scope:", "rule:"):
        assert field in tip
    assert page.get_by_role("heading", name=title).count() == 1
    assert page.get_by_text("how each field was found").count() == 1  # metadata with provenance
    assert page.get_by_text("Coverage").count() == 1
    # Hover a number in the middle of the text: its tooltip shows in the screenshot.
    target = page.locator("mark.fact").nth(len(segments) // 3)
    target.scroll_into_view_if_needed()
    target.hover()
    page.wait_for_timeout(300)
    page.screenshot(path=str(SCREENSHOTS / "report_hover.png"))
    page.mouse.move(0, 0)
    shoot(page, "report")


def test_export_downloads_the_rows_shown(app, warehouse, page, tmp_path):
    with read_only(warehouse) as con:
        expected = con.execute(
            "select region_name, issuer, issuer_kind, value from yoy_measures where domain = 'licensing' "
            "and measure = 'listed_items' and year = 2023 and unit = 'item' and scope is null "
            "order by value desc").fetchall()
    assert {kind for *_, kind, _ in expected} == {"government", "department"}
    query = urllib.parse.urlencode({"domain": "licensing", "measure": "listed_items"})
    page.goto(f"{app}/compare?{query}")
    page.wait_for_selector(".st-key-compare-rows-csv", timeout=60_000)
    settle(page)
    shown_rows = int(page.locator('[data-testid="stDataFrame"] [aria-rowcount]').first.get_attribute(
        "aria-rowcount")) - 1
    assert shown_rows == len(expected)
    assert f"{shown_rows} rows" in page.locator('[data-testid="stCaptionContainer"]').all_inner_texts()[-1]
    shoot(page, "compare")
    files = {}
    for fmt in ("csv", "xlsx", "parquet"):
        with page.expect_download() as download:
            page.locator(f".st-key-compare-rows-{fmt}").get_by_role("button").first.click()
        files[fmt] = tmp_path / download.value.suggested_filename
        download.value.save_as(files[fmt])
    csv = pd.read_csv(files["csv"], encoding="utf-8-sig")
    assert list(csv[["region_name", "issuer", "issuer_kind", "value"]].itertuples(index=False, name=None)) == expected
    assert pq.read_table(files["parquet"]).num_rows == len(expected)
    with zipfile.ZipFile(files["xlsx"]) as book:
        assert book.read("xl/worksheets/sheet1.xml").decode().count("<row ") == len(expected) + 1


def test_quality_and_export_pages(app, page):
    page.goto(f"{app}/quality")
    page.wait_for_selector(".st-key-quality-range-csv", timeout=60_000)
    settle(page)
    assert page.get_by_text("Files not loaded").count() == 1
    rejected = page.locator('[data-testid="stDataFrame"] [aria-rowcount]').first
    assert rejected.get_attribute("aria-rowcount") == "2"  # header and empty.txt
    shoot(page, "quality")
    page.goto(f"{app}/export?table=fact_reconsideration")
    page.wait_for_selector(".st-key-export-rows-csv", timeout=60_000)
    settle(page)
    shoot(page, "export")


def test_no_request_leaves_the_machine_and_nothing_is_written(app, warehouse, requests_seen):
    assert requests_seen  # the tests above ran in this module
    local = (app, "data:", "blob:", "about:")
    assert [url for url in requests_seen if not url.startswith(local)] == []
    assert warehouse.stat().st_mtime_ns == BUILT[warehouse]


def test_app_starts_while_a_build_holds_the_warehouse(warehouse, page, tmp_path):
    """A build's dbt step holds DuckDB's write lock: the app starts, says so, and shows the
    tables once the lock is released. The app itself never writes."""
    writer = duckdb.connect(str(warehouse))  # what dbt does during a build
    try:
        with running_app(warehouse, tmp_path / "app.log") as base:
            page.goto(f"{base}/quality")
            page.get_by_text("being written by another process").first.wait_for(timeout=60_000)
            shoot(page, "busy")
            writer.close()
            writer = None
            page.get_by_text("Files not loaded").wait_for(timeout=60_000)
    finally:
        if writer is not None:
            writer.close()


def test_facts_show_their_sentence_and_fall_back_to_the_quote(warehouse, tmp_path):
    """The fact tables carry `sentence`, `sentence_start`, `sentence_end`: the Report page's facts
    show them, each sentence holding its quote; a warehouse built before them shows the quote alone."""
    from orchestration.app import queries

    with queries.connect(warehouse) as con:
        assert queries.has_sentences(con)
        report_id = con.execute("select report_id from dim_report order by facts desc limit 1").fetchone()[0]
        facts = queries.report_facts(con, report_id)
    assert len(facts) and all(q in s for q, s in zip(facts["quote"], facts["sentence"], strict=True))
    older = tmp_path / "without_sentences.duckdb"
    shutil.copy(warehouse, older)
    with duckdb.connect(str(older)) as con:
        for table in FACT_TABLES:
            for column in ("sentence", "sentence_start", "sentence_end"):
                con.execute(f"alter table {table} drop column {column}")
    with queries.connect(older) as con:
        assert not queries.has_sentences(con)
        assert "sentence" not in queries.report_facts(con, report_id).columns
