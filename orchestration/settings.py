"""Where things live. Every path can be overridden by an environment variable (see README)."""

from __future__ import annotations

import os
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


def channels_file() -> Path:
    """The publication watcher's channel file (config/channels.example.yaml shows the format)."""
    return _path_from_env("FAZHI_CHANNELS_FILE", REPO_ROOT / "config" / "channels.yaml")


def dbt_env(database: Path) -> dict[str, str]:
    """What dbt's profile and sources read: absolute paths, so dbt's working folder never matters."""
    return {"FAZHI_DUCKDB_PATH": str(database), "FAZHI_LAKE_DIR": str(lake_dir())}
