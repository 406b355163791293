"""The same build on a dask cluster (issue 10): a stage's work split into buckets gives the lake
one bucket gives, and a run whose executor is set to dask by run config alone, with a scheduler
and two worker processes on 127.0.0.1, builds the same lake and marts as `fazhi build`, with
its buckets run by both workers."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import yaml

from orchestration import lake, publish, settings, stages
from orchestration.build import build_warehouse
from orchestration.summary import FACT_TABLES

SEEDS = settings.REPO_ROOT / "seeds"
DEV = settings.REPO_ROOT / "tests" / "fixtures" / "dev" / "texts"
BIN = Path(sys.executable).parent
IN_PROCESS = stages.Workers(processes=0)  # no worker processes: the comparison is about buckets


def lake_contents(lake_dir: Path) -> dict[str, list]:
    """What each table holds now, whatever segments it is in: sorted rows, and the manifests
    without their segment names (new names every run)."""
    out: dict[str, list] = {}
    for table in (*lake.SEGMENTED, "rejected_reports"):
        out[table] = sorted(json.dumps(row, sort_keys=True, default=str) for row in lake.read_rows(lake_dir, table))
    for table in lake.SEGMENTED:
        manifest = lake.read_current(lake_dir, table, stages.MANIFESTS[table]).drop("segment")
        out[f"manifest {table}"] = sorted(json.dumps(row, sort_keys=True) for row in manifest.iter_rows(named=True))
    return out


def build_in_buckets(inbox: Path, lake_dir: Path, buckets: int) -> None:
    plan = stages.plan_read(inbox, lake_dir)
    parts = [stages.read_bucket(plan, lake_dir, plan.bucket(k, buckets), IN_PROCESS) for k in range(buckets)]
    stages.finish_read(plan, lake_dir, parts)
    for stage in ("parse", "extract"):
        plan = stages.plan_stage(lake_dir, stage)
        parts = [stages.stage_bucket(plan, lake_dir, plan.bucket(k, buckets), IN_PROCESS) for k in range(buckets)]
        stages.finish_stage(plan, lake_dir, parts)


def test_a_stage_split_into_buckets_makes_the_lake_one_bucket_makes(tmp_path):
    inbox = tmp_path / "in"
    shutil.copytree(SEEDS, inbox)
    original = inbox / "000_243677528e629ced.txt"
    buckets = 4
    # A copy of a report, in another bucket than the original: which one is kept as the
    # report, and which is its duplicate, must not depend on which bucket finished first.
    for i in range(50):
        copy = inbox / f"copy {i}.txt"
        shutil.copy(original, copy)
        keys = {stages.bucket_of(path, buckets) for path in stages.look(inbox)[0].get_column("path")
                if Path(path).name in (original.name, copy.name)}
        if len(keys) == 2:
            break
        copy.unlink()
    (inbox / "empty.txt").write_bytes(b"")
    whole, split = tmp_path / "whole", tmp_path / "split"
    stages.load_raw(inbox, whole, IN_PROCESS)
    stages.parse_raw(whole, IN_PROCESS)
    stages.extract_parsed(whole, IN_PROCESS)
    build_in_buckets(inbox, split, buckets)
    expected = lake_contents(whole)
    assert expected["report_metrics"] and len(expected["rejected_reports"]) == 2  # the empty file, the copy
    assert lake_contents(split) == expected
    # Each bucket that had work wrote a segment of its own, all of them current.
    live = lake.current_segments(split, "parsed_reports")
    assert len(live) > 1 and {p.stem for p in (split / "parsed_reports").glob("*.parquet")} == set(live)


# --- on a dask cluster ---------------------------------------------------------------------------

def marts(database: Path) -> dict[str, list[tuple]]:
    """The marts' rows, sorted, without `lake_key` (segment names: one per bucket on dask) and
    `built_by` (the dbt invocation)."""
    with duckdb.connect(str(database), read_only=True) as con:
        out = {}
        for t in (*FACT_TABLES, "dim_report", "rejected_reports"):
            columns = [c for (c,) in con.execute(
                "select column_name from duckdb_columns() where schema_name = 'main' and table_name = ? "
                "and column_name not in ('lake_key', 'built_by') order by column_index", [t]).fetchall()]
            listed = ", ".join(f'"{c}"' for c in columns)
            out[t] = con.execute(f"select {listed} from main.{t} order by all").fetchall()
        return out


def clean_env(**extra: str) -> dict[str, str]:
    """No FAZHI_* paths: the run config alone says where the warehouse is."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAZHI_", "DAGSTER_HOME"))}
    return {**env, "PYTHONPATH": str(settings.REPO_ROOT), **extra}


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def dask_cluster(tmp_path):
    """A dask scheduler on 127.0.0.1 (a free port) and two worker processes, as on a cluster:
    each its own `dask worker`, started from the repository with the venv's Python."""
    from distributed import Client

    scheduler_file = tmp_path / "scheduler.json"
    logs = tmp_path / "dask-logs"
    logs.mkdir()
    processes = []
    try:
        processes.append(subprocess.Popen(
            [BIN / "dask", "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", scheduler_file], env=clean_env(), cwd=settings.REPO_ROOT,
            stdout=(logs / "scheduler.log").open("w"), stderr=subprocess.STDOUT))
        deadline = time.monotonic() + 60
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        for name in ("w1", "w2"):
            processes.append(subprocess.Popen(
                [BIN / "dask", "worker", "--scheduler-file", scheduler_file, "--name", name, "--host", "127.0.0.1",
                 "--nworkers", "1", "--nthreads", "1", "--no-dashboard"],
                # The stage's own worker processes (a budget per file) cannot start from a daemon.
                env=clean_env(DASK_DISTRIBUTED__WORKER__DAEMON="False"), cwd=settings.REPO_ROOT,
                stdout=(logs / f"{name}.log").open("w"), stderr=subprocess.STDOUT))
        with Client(scheduler_file=str(scheduler_file), timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
            address = client.scheduler.address
            pids = client.run(os.getpid)  # worker address -> the process its tasks run in
            yield address, pids
    finally:
        for process in reversed(processes):
            stop(process)


@pytest.mark.slow
def test_a_build_on_two_dask_workers_equals_a_single_process_build(tmp_path, monkeypatch, dask_cluster):
    address, worker_pids = dask_cluster
    inbox = tmp_path / "in"
    shutil.copytree(SEEDS, inbox)
    for text in sorted(DEV.glob("*.txt"))[:12]:
        shutil.copy(text, inbox)

    # The reference: `fazhi build`, every step in this process.
    single = tmp_path / "single"
    monkeypatch.setenv("FAZHI_WAREHOUSE_DIR", str(single))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home_single"))
    for name in ("FAZHI_DUCKDB_PATH", "FAZHI_LAKE_DIR", "FAZHI_INPUT_DIR"):
        monkeypatch.delenv(name, raising=False)
    assert build_warehouse(input_dir=inbox, verbose=False) == 0

    # The same job on dask, chosen by run config only.
    spread = tmp_path / "spread"
    home = tmp_path / "dagster_home"
    home.mkdir()
    run_config = {
        "execution": {"config": {"dask": {"cluster": {"existing": {"address": address}}}}},
        "ops": {"raw_reports": {"config": {"input_dir": str(inbox)}}},
        "resources": {"warehouse": {"config": {"warehouse_dir": str(spread)}},
                      "workers": {"config": {"processes": 1}}},
    }
    config_file = tmp_path / "run.yaml"
    config_file.write_text(yaml.safe_dump(run_config), encoding="utf-8")
    run = subprocess.run(
        [BIN / "dagster", "job", "execute", "-m", "orchestration.definitions", "-j", "build_warehouse",
         "-c", config_file],
        env=clean_env(DAGSTER_HOME=str(home)), cwd=settings.REPO_ROOT, capture_output=True, text=True,
        timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]

    assert lake_contents(spread / "lake") == lake_contents(single / "lake")
    assert marts(spread / "fazhi.duckdb") == marts(single / "fazhi.duckdb")
    assert marts(spread / "fazhi.duckdb")["dim_report"]

    # Both workers ran buckets: each bucket step records the process it ran in.
    with dg.DagsterInstance.from_config(str(home)) as instance:
        (record,) = instance.get_run_records()
        assert record.dagster_run.status == dg.DagsterRunStatus.SUCCESS
        outputs = instance.get_records_for_run(record.dagster_run.run_id,
                                               of_type=dg.DagsterEventType.STEP_OUTPUT).records
    where = {e.event_log_entry.dagster_event.step_key: e.event_log_entry.dagster_event.event_specific_data
             .metadata["worker"].value for e in outputs if "_bucket_" in e.event_log_entry.dagster_event.step_key}
    assert len(where) == 3 * stages.BUCKETS
    pids = {int(w.rsplit(" pid ", 1)[1]) for w in where.values()}
    assert pids == set(worker_pids.values()), (where, worker_pids)
    # And no worker kept the build lock after its step (the workers outlive the run).
    assert publish.holder(spread) is None


class _Event:
    def __init__(self, failed: bool):
        self.is_step_failure = failed


def test_on_dask_a_step_runs_only_after_the_steps_it_depends_on_succeeded(monkeypatch):
    """The stock dask executor runs a step whose order-only dependency (a stage before it, the
    stages before dbt) failed; ours does not, so a failed stage publishes nothing."""
    from orchestration.defs import distributed

    ran = []
    monkeypatch.setattr(distributed, "_stock_step", lambda dependencies, *args: ran.append(args) or ["events"])
    ok, failed = [_Event(False)], [_Event(False), _Event(True)]
    assert distributed.run_step_after_upstream([ok, ok], "job") == ["events"] and len(ran) == 1
    assert distributed.run_step_after_upstream([ok, failed], "job") == [] and len(ran) == 1
    assert distributed.run_step_after_upstream([[]], "job") == [] and len(ran) == 1  # upstream not run
    assert distributed.run_step_after_upstream([], "job") == ["events"]  # a first step
