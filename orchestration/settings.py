"""Where things live. Every path can be overridden by an environment variable (see README)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
# dbt seeds that the Python code reads too: the measure vocabulary and the region gazetteer.
VOCABULARY_DIR = DBT_PROJECT_DIR / "seeds"


def _path_from_env(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def input_dir() -> Path:
    """The folder of reports to load: the bundled samples unless FAZHI_INPUT_DIR says otherwise."""
    return _path_from_env("FAZHI_INPUT_DIR", REPO_ROOT / "seeds")


def warehouse_dir() -> Path:
    return _path_from_env("FAZHI_WAREHOUSE_DIR", REPO_ROOT / "warehouse")


def duckdb_path() -> Path:
    return _path_from_env("FAZHI_DUCKDB_PATH", warehouse_dir() / "fazhi.duckdb")


def lake_dir() -> Path:
    """Parquet files the Python assets write and dbt reads (one writer per file, no DuckDB lock)."""
    return _path_from_env("FAZHI_LAKE_DIR", warehouse_dir() / "lake")


def export_env() -> None:
    """Put the resolved absolute paths in the environment, where dbt's profile reads them."""
    os.environ["FAZHI_DUCKDB_PATH"] = str(duckdb_path())
    os.environ["FAZHI_LAKE_DIR"] = str(lake_dir())
    # dagster-dbt's manifest preparer runs `dbt` from PATH: make it this venv's.
    venv_bin = str(Path(sys.executable).parent)
    if venv_bin not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = venv_bin + os.pathsep + os.environ.get("PATH", "")
