"""`fazhi build`: materialise every asset through Dagster and say what the warehouse holds."""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import sys
from pathlib import Path

import dagster as dg
import duckdb

from orchestration import batch, publish, settings, stages
from orchestration.summary import summarize


def dagster_home() -> Path:
    """$DAGSTER_HOME, by default warehouse/dagster_home, made with our instance settings.
    `fazhi build` and `fazhi dev` share it, so command-line builds show in the UI's runs."""
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(settings.warehouse_dir() / "dagster_home")))
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        shutil.copy(Path(__file__).with_name("dagster_instance.yaml"), config)
    return home


WAREHOUSE_TAG = "fazhi/warehouse"


def close_dead_runs(instance: dg.DagsterInstance, tags: dict[str, str]) -> None:
    """A `fazhi build` that was killed leaves its run STARTED in the history for ever. We hold
    this warehouse's build lock, so no build of it is running: mark such runs failed."""
    dead = instance.get_runs(filters=dg.RunsFilter(
        job_name="build_warehouse", tags=tags,
        statuses=[dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING]))
    for run in dead:
        instance.report_run_failed(run, message="The build process stopped (killed?) before it finished; "
                                   "the warehouse was left as it was before this run.")


def error(message: str) -> None:
    print(f"fazhi build: {message}", file=sys.stderr, flush=True)


def build_warehouse(input_dir: Path | None = None, verbose: bool = True) -> int:
    """Build the warehouse from `input_dir` (default: settings.input_dir()). 0 on success;
    otherwise one line on stderr says why, and the previous warehouse is left as it was.
    Without `verbose`, dbt's own log goes to <warehouse>/dbt_build.log instead of the terminal."""
    input_dir = Path(input_dir).resolve() if input_dir is not None else settings.input_dir()
    problem = batch.input_problem(input_dir)
    if problem:
        error(f"{problem}; nothing was built")
        return 2
    try:
        with publish.build_lock(settings.warehouse_dir(), "fazhi build"):
            # Before any stage runs: a `duckdb` shell writing to the file would fail the build at its very end.
            publish.check_writable(settings.duckdb_path())
            return _build(input_dir, verbose)
    except publish.WarehouseBusy as err:
        error(str(err))
        return 1


def _build(input_dir: Path, verbose: bool) -> int:
    from orchestration.dbt_project import prepare_if_stale

    prepare_if_stale()  # the asset graph must match the models as they are now
    from orchestration.definitions import defs  # reads the manifest just written

    job = defs.resolve_job_def("build_warehouse")
    dagster_home()
    dbt_log = settings.warehouse_dir() / "dbt_build.log"
    tags = {WAREHOUSE_TAG: str(settings.warehouse_dir())}
    with (
        dg.DagsterInstance.get() as instance,
        _dbt_output(dbt_log, verbose),
        stages.progress_bars(sys.stderr.isatty()),  # a terminal's user sees counts; a log file does not
    ):
        close_dead_runs(instance, tags)
        result = job.execute_in_process(
            instance=instance, raise_on_error=False, tags=tags,
            run_config={
                "ops": {"raw_reports": {"config": {"input_dir": str(input_dir)}}},
                # Progress, not every step event; the UI's run page has the full log.
                "loggers": {"console": {"config": {"log_level": "INFO"}}},
            },
        )
    if not result.success:
        failed = [e for e in result.all_events if e.is_step_failure]
        reason = failed[0].step_failure_data.error.message.strip().splitlines()[0] if failed else "a step failed"
        error(f"build failed in {', '.join(e.step_key for e in failed) or 'a step'}: {reason}")
        if not verbose:
            error(f"dbt's log: {dbt_log}")
        return 1
    print_work(result)
    print_summary(settings.duckdb_path())
    return 0


def print_work(result) -> None:
    """What this build did: only new or changed reports are processed."""
    done = {m.asset_key.path[-1]: m.materialization.metadata
            for m in result.get_asset_materialization_events()}
    for table, unit in (("raw_reports", "files"), ("report_metrics", "reports")):
        meta = done.get(table, {})
        if "processed" in meta:
            counts = {k: meta[k].value for k in ("processed", "unchanged", "removed")}
            what = "read" if table == "raw_reports" else "extracted"
            print(f"{unit} {what}: {counts['processed']} new or changed, {counts['unchanged']} unchanged "
                  f"(not processed again), {counts['removed']} removed", file=sys.stderr)
    if "dim_report" not in done:
        print("nothing changed since the last build: the warehouse was left as it is", file=sys.stderr)


@contextlib.contextmanager
def _dbt_output(log: Path, verbose: bool):
    """dagster-dbt echoes every dbt log line to stdout: into a file unless asked for.
    Dagster's own progress lines go to stderr and stay on the terminal."""
    if verbose:
        yield
        return
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as file, contextlib.redirect_stdout(file):
        yield


def print_summary(database: Path) -> None:
    with duckdb.connect(str(database), read_only=True) as con:
        counts = summarize(con)
    print(f"\nWarehouse: {database}")
    print(f"  reports read: {counts.pop('dim_report')}   rejected: {counts.pop('rejected_reports')}")
    for table, rows in counts.items():
        print(f"  {table:<28}{rows:>8} rows")
    duckdb_cli = Path(sys.executable).with_name("duckdb")
    print(f"Open it with:  make sql     (or: {shlex.quote(str(duckdb_cli))} -readonly {shlex.quote(str(database))})")
