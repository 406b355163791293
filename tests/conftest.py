"""Shared fixtures. The dbt manifest is written once, before any test module imports
the Dagster definitions (which read it at import time)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from orchestration import settings

SAMPLES = settings.REPO_ROOT / "seeds"
GOLD = Path(__file__).parent / "fixtures" / "gold"


def pytest_configure(config):
    settings.export_env()
    from orchestration.dbt_project import prepare_manifest

    prepare_manifest()


@pytest.fixture
def warehouse(tmp_path, monkeypatch) -> Path:
    """A private warehouse folder: tests never touch warehouse/ in the repo."""
    root = tmp_path / "warehouse"
    monkeypatch.setenv("FAZHI_WAREHOUSE_DIR", str(root))
    monkeypatch.delenv("FAZHI_DUCKDB_PATH", raising=False)
    monkeypatch.delenv("FAZHI_LAKE_DIR", raising=False)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    settings.export_env()
    return root


@pytest.fixture
def sample_dir(tmp_path) -> Path:
    """A copy of the bundled samples that a test may add files to."""
    folder = tmp_path / "input"
    shutil.copytree(SAMPLES, folder)
    return folder
