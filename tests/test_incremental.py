"""The build does only new work: unchanged files are not read again, removed files' facts
leave, and a change to the extractor or its vocabulary re-extracts without re-reading."""

import shutil

import dagster as dg
import pytest

from orchestration import lake, stages, versions
from orchestration.settings import REPO_ROOT

SEEDS = REPO_ROOT / "seeds"
DEV = REPO_ROOT / "tests" / "fixtures" / "dev" / "texts"


TWO = stages.Workers(processes=2)


def run(inbox, lake_dir, workers=TWO):
    return (stages.load_raw(inbox, lake_dir, workers), stages.parse_raw(lake_dir, workers),
            stages.extract_parsed(lake_dir, workers))


def facts_by_file(lake_dir):
    return {row["file"] for row in lake.read_rows(lake_dir, "report_metrics")}


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for sample in sorted(SEEDS.glob("*.txt"))[:3]:
        shutil.copy(sample, folder)
    return folder


def test_a_second_run_with_nothing_changed_processes_nothing_and_says_so(inbox, tmp_path):
    lake_dir = tmp_path / "lake"
    first = run(inbox, lake_dir)
    assert [s.done for s in first] == [3, 3, 3]
    facts = list(lake.read_rows(lake_dir, "report_metrics"))
    again = run(inbox, lake_dir)
    assert [s.done for s in again] == [0, 0, 0] and [s.reused for s in again] == [3, 3, 3]
    assert all(s.summary("reports").startswith("nothing changed") for s in again)
    assert list(lake.read_rows(lake_dir, "report_metrics")) == facts
    assert lake.state(lake_dir) == lake.state(lake_dir)  # what the dbt step compares


def test_only_a_new_file_is_processed_and_a_removed_files_facts_leave(inbox, tmp_path):
    lake_dir = tmp_path / "lake"
    run(inbox, lake_dir)
    before = lake.state(lake_dir)
    new = sorted(SEEDS.glob("*.txt"))[3]
    shutil.copy(new, inbox)
    added = run(inbox, lake_dir)
    assert [s.done for s in added] == [1, 1, 1] and [s.reused for s in added] == [3, 3, 3]
    assert new.name in facts_by_file(lake_dir) and lake.state(lake_dir) != before

    (inbox / new.name).unlink()
    removed = run(inbox, lake_dir)
    assert [s.retired for s in removed] == [1, 1, 1] and [s.done for s in removed] == [0, 0, 0]
    assert new.name not in facts_by_file(lake_dir)
    assert new.name not in {r["file_name"] for r in lake.read_rows(lake_dir, "parsed_reports")}
    # Only the segments the manifests name are kept: a removed report's rows do not linger on disk.
    for table in lake.SEGMENTED:
        live = set(lake.read_current(lake_dir, table, stages.MANIFESTS[table]).get_column("segment").drop_nulls())
        assert {p.stem for p in (lake_dir / table).glob("*.parquet")} <= live | {None}


def test_a_rewritten_file_replaces_its_old_facts(inbox, tmp_path):
    lake_dir = tmp_path / "lake"
    run(inbox, lake_dir)
    target = sorted(inbox.glob("*.txt"))[0]
    old_ids = {r["report_id"] for r in lake.read_rows(lake_dir, "report_metrics") if r["file"] == target.name}
    target.write_text(target.read_text(encoding="utf-8") + "\n全年办理行政复议案件12345件。\n", encoding="utf-8")
    changed = run(inbox, lake_dir)
    assert [s.done for s in changed] == [1, 1, 1] and [s.retired for s in changed] == [0, 1, 1]
    rows = [r for r in lake.read_rows(lake_dir, "report_metrics") if r["file"] == target.name]
    assert {r["report_id"] for r in rows}.isdisjoint(old_ids)
    assert 12345 in {r["value"] for r in rows}


def test_a_new_extractor_version_re_extracts_without_reading_or_parsing_again(inbox, tmp_path, monkeypatch):
    lake_dir = tmp_path / "lake"
    run(inbox, lake_dir)
    real = versions.stage_version
    monkeypatch.setattr(stages, "stage_version", lambda stage: "edited" if stage == "extract" else real(stage))
    after = run(inbox, lake_dir)
    assert [s.done for s in after] == [0, 0, 3]


def test_editing_a_cue_word_changes_the_extractors_version_only(tmp_path, monkeypatch):
    """What marks report_metrics stale in the UI (its code version) when measures.csv is edited."""
    seeds = tmp_path / "seeds"
    shutil.copytree(versions.settings.VOCABULARY_DIR, seeds)
    monkeypatch.setattr(versions.settings, "VOCABULARY_DIR", seeds)
    versions._files_hash.cache_clear()
    before = {stage: versions.stage_version(stage) for stage in ("read", "parse", "extract")}
    with (seeds / "measures.csv").open("a", encoding="utf-8") as file:
        file.write("\n")
    versions._files_hash.cache_clear()
    after = {stage: versions.stage_version(stage) for stage in ("read", "parse", "extract")}
    versions._files_hash.cache_clear()
    assert after["extract"] != before["extract"] and after["read"] == before["read"]


def test_the_assets_show_the_stage_versions_as_code_versions():
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    for asset, stage in (("raw_reports", "read"), ("parsed_reports", "parse"), ("report_metrics", "extract")):
        assert graph.get(dg.AssetKey(asset)).code_version == versions.stage_version(stage)


def test_when_the_kept_copy_of_a_report_leaves_its_duplicate_takes_its_place(tmp_path):
    """The same report as .txt and .html: one is kept; removing it brings the other in."""
    inbox, lake_dir = tmp_path / "in", tmp_path / "lake"
    inbox.mkdir()
    report = sorted(SEEDS.glob("*.txt"))[0]
    shutil.copy(report, inbox / "a.txt")
    shutil.copy(report, inbox / "b.txt")  # the same bytes
    first = run(inbox, lake_dir)
    assert first[0].written == 1 and first[0].rejected == 1
    assert {r["file_name"] for r in lake.read_rows(lake_dir, "parsed_reports")} == {"a.txt"}
    (inbox / "a.txt").unlink()
    second = run(inbox, lake_dir)
    assert second[0].written == 1 and second[0].rejected == 0
    assert {r["file_name"] for r in lake.read_rows(lake_dir, "parsed_reports")} == {"b.txt"}
    assert facts_by_file(lake_dir) == {"b.txt"}


def test_a_report_over_its_time_budget_is_rejected_with_the_reason_and_the_run_goes_on(inbox, tmp_path):
    from orchestration.workers import Budget

    lake_dir = tmp_path / "lake"
    stages.load_raw(inbox, lake_dir, TWO)
    stages.parse_raw(lake_dir, TWO)
    # Extracting a whole report takes tens of milliseconds: none fits in a millisecond.
    stats = stages.extract_parsed(lake_dir, stages.Workers(processes=1, budget=Budget(seconds=0.001)))
    assert stats.written == 0 and stats.rejected == 3
    assert all(reason.startswith("took longer than") for reason in stats.reasons), stats.reasons
    rejected = [r for r in lake.read_rows(lake_dir, "rejected_reports") if r["stage"] == "extract"]
    assert len(rejected) == 3 and rejected[0]["reason"].startswith("took longer than")
    # Over budget is not remembered as bad: the next run, with a budget it can meet, extracts them.
    again = stages.extract_parsed(lake_dir, TWO)
    assert again.done == 3 and again.written > 0 and again.rejected == 0
