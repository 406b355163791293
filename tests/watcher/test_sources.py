"""The watcher's records in the warehouse: sidecars -> report_sources -> dim_report, and a
republished report's changed facts -> report_revisions."""

from __future__ import annotations

import shutil

import duckdb
import polars as pl
import pytest

from orchestration import lake, revisions, settings
from orchestration.watcher.inbox import Inbox

SAMPLE = settings.REPO_ROOT / "seeds" / "000_243677528e629ced.txt"
OTHER = settings.REPO_ROOT / "seeds" / "001_adafdf633ac46994.txt"
URL, LISTING = "https://gov.example/fzzf/2024/report.html", "https://gov.example/fzzf/index.html"
V1 = SAMPLE.read_bytes()
V2 = V1.replace("受理各类行政许可26918件".encode(), "受理各类行政许可27000件".encode())  # one number revised


def fetch(inbox: Inbox, body: bytes, at: str):
    return inbox.store(url=URL, final_url=URL, body=body, headers={"etag": f'"{len(body)}"'}, kind="html",
                       channel="gov", issuer="示例县人民政府", listing_url=LISTING, fetched_at=at, status=200)


@pytest.fixture
def republished(tmp_path):
    """An inbox where the watcher fetched a report, then a new version of it; and a file put there by hand."""
    root = tmp_path / "inbox"
    inbox = Inbox(root)
    first = fetch(inbox, V1, "2025-02-01T08:00:00+00:00")
    second = fetch(inbox, V2, "2025-02-03T09:30:00+08:00")
    inbox.save()
    assert (first.outcome, second.outcome) == ("new", "changed")
    shutil.copy(OTHER, root / OTHER.name)
    return root, first.sha256, second.sha256


def test_sidecars_are_read_as_rows(republished):
    root, old, new = republished
    (root / ".watcher" / "sidecars" / "notes.json").write_text("not json", encoding="utf-8")
    rows = {r["report_id"]: r for r in revisions.read_sidecars(root)}
    assert set(rows) == {old, new}
    assert rows[new]["source_url"] == URL and rows[new]["listing_url"] == LISTING
    assert rows[new]["fetched_at"].isoformat() == "2025-02-03T01:30:00"  # UTC
    assert rows[new]["path"] == "gov.example/report.html" and rows[new]["previous_report_id"] == old
    assert rows[old]["superseded_by"] == new and rows[old]["path"] == f".watcher/superseded/{old}.html"


def test_sidecars_are_loaded_once_and_cost_nothing_without_any(republished, tmp_path):
    root, old, new = republished
    lake_dir = tmp_path / "lake"
    assert revisions.load_sources(root, lake_dir) == (2, True)
    assert revisions.load_sources(root, lake_dir) == (2, False)  # unchanged: not read again
    assert {r["report_id"] for r in lake.read_rows(lake_dir, "report_sources")} == {old, new}

    bare, bare_lake = tmp_path / "bare", tmp_path / "bare_lake"
    bare.mkdir()
    assert revisions.load_sources(bare, bare_lake) == (0, True)  # the empty table dbt reads, once
    state = lake.state(bare_lake)
    assert revisions.load_sources(bare, bare_lake) == (0, False)
    assert lake.state(bare_lake) == state


def test_superseded_facts_are_extracted_once(republished, tmp_path):
    root, old, _ = republished
    lake_dir = tmp_path / "lake"
    stats = revisions.load(root, lake_dir, processes=0)
    assert (stats.superseded, stats.extracted, stats.failed) == (1, 1, 0)
    facts = pl.DataFrame(list(lake.read_rows(lake_dir, "superseded_report_metrics")))
    assert set(facts.get_column("report_id")) == {old}
    assert 26918.0 in facts.filter(pl.col("measure") == "applications_received").get_column("value").to_list()
    state = lake.state(lake_dir)
    again = revisions.load(root, lake_dir, processes=0)
    assert (again.extracted, again.rewritten) == (0, False) and lake.state(lake_dir) == state


@pytest.mark.slow
def test_dim_report_has_the_source_and_report_revisions_the_changed_fact(republished, private_warehouse):
    from orchestration.build import build_warehouse

    root, old, new = republished
    assert build_warehouse(input_dir=root, verbose=False) == 0
    with duckdb.connect(str(settings.duckdb_path()), read_only=True) as con:
        sources = con.execute("select report_id, source_url, listing_url, fetched_at::varchar from dim_report "
                              "order by source_url nulls last").fetchall()
        revised = con.execute("select path, old_report_id, new_report_id, domain, measure, kind, year, scope, "
                              "old_value, new_value, change from report_revisions").fetchall()
        current = con.execute("select value from fact_licensing where report_id = ? "
                              "and measure = 'applications_received'", [new]).fetchall()
    assert sources == [(new, URL, LISTING, "2025-02-03 01:30:00"), (sources[1][0], None, None, None)]
    assert revised == [("gov.example/report.html", old, new, "licensing", "applications_received", "value",
                        2023, None, 26918.0, 27000.0, "changed")]
    assert current == [(27000.0,)]  # the new version's facts replaced the old one's
