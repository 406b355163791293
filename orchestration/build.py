"""`fazhi build`: materialise every asset through Dagster and say what the warehouse holds."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import dagster as dg
import duckdb

from orchestration import settings
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


def build_warehouse(input_dir: Path | None = None) -> int:
    if input_dir is not None:
        os.environ["FAZHI_INPUT_DIR"] = str(input_dir)
    settings.export_env()
    from orchestration.dbt_project import prepare_manifest

    prepare_manifest()  # the asset graph must match the models as they are now
    from orchestration.definitions import defs  # after the environment is set and the manifest written

    job = defs.resolve_job_def("build_warehouse")
    dagster_home()
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance, raise_on_error=False,
            # Progress, not every step event; the UI's run page has the full log.
            run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
        )
    if not result.success:
        failed = [e.step_key for e in result.all_events if e.is_step_failure]
        print(f"build failed in {', '.join(failed) or 'a step'}; see the log above", flush=True)
        return 1
    print_summary(settings.duckdb_path())
    return 0


def print_summary(database: Path) -> None:
    with duckdb.connect(str(database), read_only=True) as con:
        counts = summarize(con)
    print(f"\nWarehouse: {database}")
    print(f"  reports read: {counts.pop('dim_report')}   rejected: {counts.pop('rejected_reports')}")
    for table, rows in counts.items():
        print(f"  {table:<28}{rows:>8} rows")
    print(f"Open it with:  duckdb -readonly {database}")
