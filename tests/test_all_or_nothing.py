"""A build publishes a whole new warehouse or leaves the previous one as it was:
killed in any stage, refused because another build or a writer holds the warehouse,
or given an empty folder. Readers keep their view; the file alone is the warehouse."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from orchestration import publish
from orchestration.settings import DBT_PROJECT_DIR, REPO_ROOT

pytestmark = pytest.mark.slow

SAMPLES = REPO_ROOT / "seeds"
FAZHI = str(Path(sys.executable).with_name("fazhi"))
TABLES = ("dim_report", "fact_reconsideration", "fact_enforcement", "yoy_measures", "rejected_reports")
# The log line each stage starts with (orchestration/defs): where a kill lands.
STAGE_STARTS = {
    "raw": "reading new and changed reports below",
    "parsed": "parsing new reports",
    "metrics": "extracting facts from new reports",
    "dbt": "Running dbt command",
}


def env_for(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAZHI_")}
    return {**env, "FAZHI_WAREHOUSE_DIR": str(root / "warehouse"), "DAGSTER_HOME": str(root / "dagster_home")}


def offline() -> list[str]:
    """A prefix that runs a command with no network at all (an empty network namespace), if allowed here."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        return [unshare, "-n"]
    return []


def build(root: Path, input_dir: Path, timeout: float = 600, prefix: list[str] = ()) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, FAZHI, "build", "--input", str(input_dir)], env=env_for(root),
                          capture_output=True, text=True, timeout=timeout)


def start_build(root: Path, input_dir: Path) -> subprocess.Popen:
    return subprocess.Popen([FAZHI, "build", "--input", str(input_dir)], env=env_for(root), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)


def kill_when(proc: subprocess.Popen, marker: str, timeout: float = 300) -> str:
    """SIGKILL the build (and its dbt child) as soon as its log shows `marker`."""
    seen, deadline = [], time.monotonic() + timeout
    for line in proc.stdout:
        seen.append(line)
        if marker in line:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=60)
            return "".join(seen)
        assert time.monotonic() < deadline, "".join(seen)[-3000:]
    raise AssertionError(f"build ended before {marker!r}:\n{''.join(seen)[-3000:]}")


def snapshot(database: Path) -> dict[str, list]:
    with duckdb.connect(str(database), read_only=True) as con:
        return {t: con.execute(f"select * exclude (text) from {t} order by all" if t == "dim_report"
                               else f"select * from {t} order by all").fetchall() for t in TABLES}


def orphan_facts(database: Path) -> int:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute("select count(*) from fact_enforcement f anti join dim_report using (report_id)"
                           ).fetchone()[0]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A warehouse built from the five samples (with no network, where the machine allows an
    empty network namespace: a build needs none), and a folder with a sixth report in it."""
    root = tmp_path_factory.mktemp("aon")
    first = root / "first"
    shutil.copytree(SAMPLES, first)
    result = build(root, first, prefix=offline())
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    # dbt's own log is kept in a file, not poured onto the terminal (fazhi build -v shows it).
    assert "Running with dbt=" not in result.stdout + result.stderr
    assert "Running with dbt=" in (root / "warehouse" / "dbt_build.log").read_text(encoding="utf-8")
    assert "make sql" in result.stdout
    second = root / "second"
    shutil.copytree(SAMPLES, second)
    sample = (SAMPLES / "000_243677528e629ced.txt").read_text(encoding="utf-8")
    (second / "another year.txt").write_text(sample.replace("关于2023年", "关于2019年", 1), encoding="utf-8")
    return root, first, second, root / "warehouse" / "fazhi.duckdb"


@pytest.mark.parametrize("stage", list(STAGE_STARTS))
def test_a_build_killed_in_any_stage_leaves_the_previous_warehouse_whole(world, stage):
    root, _, second, database = world
    before = snapshot(database)
    kill_when(start_build(root, second), STAGE_STARTS[stage])
    assert snapshot(database) == before
    assert len(before["dim_report"]) == 5
    assert orphan_facts(database) == 0


def test_another_build_is_refused_at_once_with_who_holds_the_lock(world):
    root, first, _, database = world
    before = snapshot(database)
    holder = start_build(root, first)
    try:
        lock = root / "warehouse" / publish.LOCK_NAME
        deadline = time.monotonic() + 120
        while publish.holder(root / "warehouse") is None:
            assert time.monotonic() < deadline and holder.poll() is None, "first build never took the lock"
            time.sleep(0.2)
        started = time.monotonic()
        second = build(root, first, timeout=120)
        assert second.returncode == 1
        assert time.monotonic() - started < 60
        assert "another build is writing" in second.stderr and f"pid {holder.pid}" in second.stderr
        assert "Traceback" not in second.stderr
        assert lock.exists()
    finally:
        os.killpg(holder.pid, signal.SIGKILL)
        holder.wait(timeout=60)
    assert snapshot(database) == before


def test_a_writer_on_the_duckdb_file_stops_the_build_before_any_stage(world):
    root, first, _, database = world
    raw = root / "warehouse" / "lake" / "_current" / "raw_reports.parquet"  # the read stage's manifest
    raw_mtime = raw.stat().st_mtime_ns
    held = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); "
                             "print('open', flush=True); time.sleep(600)", str(database)],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert held.stdout.readline().strip() == "open"
        result = build(root, first, timeout=120)
    finally:
        held.kill()
        held.wait()
    assert result.returncode == 1
    assert f"open for writing in process {held.pid}" in result.stderr
    assert raw.stat().st_mtime_ns == raw_mtime  # no stage ran


@pytest.mark.parametrize("problem", ["empty", "missing", "only hidden files"])
def test_an_empty_or_missing_input_folder_refuses_to_build(world, tmp_path, problem):
    root, _, _, database = world
    before = snapshot(database)
    folder = tmp_path / "reports"
    if problem != "missing":
        folder.mkdir()
    if problem == "only hidden files":
        (folder / ".DS_Store").write_bytes(b"x")
    result = build(root, folder, timeout=120)
    assert result.returncode == 2
    assert str(folder) in result.stderr and "nothing was built" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert snapshot(database) == before


def test_next_build_needs_no_cleanup_publishes_and_readers_keep_their_view(world):
    """Runs after the kills above: their leftovers must not matter."""
    root, _, second, database = world
    reader = duckdb.connect(str(database), read_only=True)
    try:
        assert reader.execute("select count(*) from dim_report").fetchone()[0] == 5
        result = build(root, second)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        # The open connection still reads the file it opened, whole.
        assert reader.execute("select count(*) from dim_report").fetchone()[0] == 5
        assert reader.execute("select count(*) from fact_enforcement f anti join dim_report using (report_id)"
                              ).fetchone()[0] == 0
    finally:
        reader.close()
    assert len(snapshot(database)["dim_report"]) == 6
    assert orphan_facts(database) == 0
    warehouse = root / "warehouse"
    assert not (warehouse / publish.STAGING_NAME).exists()
    # The killed builds' runs are closed, not left STARTED in the run history.
    import dagster as dg
    from dagster._core.instance.ref import InstanceRef

    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(root / "dagster_home"))) as instance:
        statuses = [r.status for r in instance.get_runs()]
    assert dg.DagsterRunStatus.STARTED not in statuses
    assert statuses.count(dg.DagsterRunStatus.FAILURE) >= 4
    assert not list((warehouse / "lake").glob("*/.*.tmp"))


def test_the_duckdb_file_alone_is_the_warehouse(world, tmp_path):
    """Copied elsewhere, with the lake gone, every table and view still answers."""
    _, _, _, database = world
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(database, copy)
    lake = database.parent / "lake"
    moved = database.parent / "lake-away"
    lake.rename(moved)
    try:
        with duckdb.connect(str(copy), read_only=True) as con:
            relations = con.execute("select schema_name, table_name from duckdb_tables() union all "
                                    "select schema_name, view_name from duckdb_views() where not internal"
                                    ).fetchall()
            assert len(relations) > 20
            for schema, name in relations:
                con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()
    finally:
        moved.rename(lake)


def test_dbt_target_folder_does_not_grow_per_build(world):
    target = DBT_PROJECT_DIR / "target"
    assert not [p for p in target.glob("*-*-*") if p.is_dir()], "per-invocation dbt target folders left behind"
