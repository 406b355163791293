"""New reports arrive by themselves (issue 11): the inbox sensor says what each tick found and
starts a run that processes only that; the reporting-season schedules; and the acceptance
test: one new report dropped into a 1,000-report inbox."""

from __future__ import annotations

import dagster as dg
import duckdb
import pytest

from orchestration import publish, settings
from orchestration.defs import automation
from orchestration.defs.automation import new_reports_sensor
from orchestration.resources import WarehouseResource
from orchestration.summary import FACT_TABLES

DEV_TEXTS = settings.REPO_ROOT / "tests" / "fixtures" / "dev" / "texts"
SAMPLES = settings.REPO_ROOT / "seeds"


def tick(cursor):
    context = dg.build_sensor_context(cursor=cursor, resources={"warehouse": WarehouseResource()})
    return new_reports_sensor(context), context.cursor


def test_the_sensor_says_how_many_files_changed(tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    monkeypatch.setenv("FAZHI_INPUT_DIR", str(inbox))
    monkeypatch.setenv("FAZHI_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    monkeypatch.delenv("FAZHI_LAKE_DIR", raising=False)
    monkeypatch.delenv("FAZHI_DUCKDB_PATH", raising=False)
    for name in ("a.txt", "b.txt"):
        (inbox / name).write_text(f"报告{name}", encoding="utf-8")
    run, cursor = tick(None)
    assert isinstance(run, dg.RunRequest)  # nothing built yet: both are new
    assert run.tags == {"fazhi/new_files": "2", "fazhi/changed_files": "0", "fazhi/removed_files": "0",
                        "fazhi/unchanged_files": "0"}
    quiet, _ = tick(cursor)
    assert isinstance(quiet, dg.SkipReason) and "no new or changed" in quiet.skip_message


def test_the_season_schedules_are_off_by_default_daily_january_to_april_in_beijing_time():
    schedules = {s.name: s for s in (automation.reporting_season_watch, automation.reporting_season_schedule)}
    assert schedules["reporting_season_watch"].job_name == "watch_publications"
    assert schedules["reporting_season_schedule"].job_name == "build_warehouse"
    for schedule in schedules.values():
        assert schedule.execution_timezone == "Asia/Shanghai"
        assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED
        minute, hour, day, month, weekday = schedule.cron_schedule.split()
        assert (day, month, weekday) == ("*", "1-4", "*")


def test_the_season_cron_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("FAZHI_BUILD_CRON", "30 6 * 1-3 *")
    assert automation.season_cron("FAZHI_BUILD_CRON", "0 3 * 1-4 *") == "30 6 * 1-3 *"
    monkeypatch.setenv("FAZHI_BUILD_CRON", "every day")
    with pytest.raises(ValueError, match="FAZHI_BUILD_CRON"):
        automation.season_cron("FAZHI_BUILD_CRON", "0 3 * 1-4 *")
    monkeypatch.delenv("FAZHI_BUILD_CRON")
    assert automation.season_cron("FAZHI_BUILD_CRON", "0 3 * 1-4 *") == "0 3 * 1-4 *"


# --- acceptance: one new report in a 1,000-report inbox ---------------------------------------

def make_inbox(folder, copies: int = 5) -> int:
    """The dev texts and the samples (200 files), each `copies` times with a distinct last line
    (as benchmarks/pipeline.py does): 1,000 distinct files."""
    folder.mkdir(parents=True)
    count = 0
    for path in sorted([*DEV_TEXTS.glob("*.txt"), *SAMPLES.glob("*.txt")]):
        data = path.read_bytes()
        for n in range(copies):
            (folder / f"{path.stem}_{n:03d}.txt").write_bytes(data + f"\n（副本 {n}）\n".encode())
            count += 1
    return count


def run_build(request: dg.RunRequest):
    """build_warehouse as the sensor's run request starts it (the daemon would launch it the same way)."""
    from orchestration.definitions import defs

    job = defs.resolve_job_def("build_warehouse")
    with publish.build_lock(settings.warehouse_dir(), "test_arrival"), dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(instance=instance, run_config=request.run_config or {}, tags=request.tags)
    assert result.success
    done = {m.asset_key.path[-1]: m.materialization.metadata for m in result.get_asset_materialization_events()}
    return {table: {k: done[table][k].value for k in ("processed", "unchanged", "removed")}
            for table in ("raw_reports", "parsed_reports", "report_metrics")}


def facts_of(report_id: str) -> dict[str, int]:
    with duckdb.connect(str(settings.duckdb_path()), read_only=True) as con:
        return {t: con.execute(f"select count(*) from {t} where report_id = ?", [report_id]).fetchone()[0]
                for t in (*FACT_TABLES, "dim_report", "yoy_measures")}


@pytest.mark.slow
def test_one_new_report_in_a_thousand_is_the_only_one_processed_and_leaves_when_removed(
        private_warehouse, tmp_path, monkeypatch):
    import hashlib

    from orchestration.build import build_warehouse

    inbox = tmp_path / "inbox"
    assert make_inbox(inbox) == 1000
    monkeypatch.setenv("FAZHI_INPUT_DIR", str(inbox))  # the folder the sensor watches
    assert build_warehouse(input_dir=inbox, verbose=False) == 0
    first, cursor = tick(None)
    assert isinstance(first, dg.SkipReason)  # a warehouse exists: watch from now on
    assert "0 new, 0 changed, 0 removed (1000 unchanged)" in first.skip_message

    # A report nobody has seen: another year of a sample, so neither the same bytes nor the same
    # issuer, year and title as one already built.
    new = (SAMPLES / "000_243677528e629ced.txt").read_bytes().replace(b"2023", b"2031")
    report_id = hashlib.sha256(new).hexdigest()
    (inbox / "new_2031.txt").write_bytes(new)
    request, cursor = tick(cursor)
    assert isinstance(request, dg.RunRequest)
    assert request.tags["fazhi/new_files"] == "1" and request.tags["fazhi/unchanged_files"] == "1000"
    work = run_build(request)
    assert work["raw_reports"] == {"processed": 1, "unchanged": 1000, "removed": 0}
    assert work["report_metrics"]["processed"] == 1
    facts = facts_of(report_id)
    assert facts["dim_report"] == 1
    assert sum(facts[t] for t in FACT_TABLES) > 0 and facts["yoy_measures"] > 0, facts

    (inbox / "new_2031.txt").unlink()
    request, cursor = tick(cursor)
    assert isinstance(request, dg.RunRequest) and request.tags["fazhi/removed_files"] == "1"
    work = run_build(request)
    assert work["raw_reports"] == {"processed": 0, "unchanged": 1000, "removed": 1}
    assert set(facts_of(report_id).values()) == {0}
