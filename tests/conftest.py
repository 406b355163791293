"""Shared fixtures. The dbt manifest is written once, before any test module imports
the Dagster definitions (which read it at import time)."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from orchestration import settings

SAMPLES = settings.REPO_ROOT / "seeds"
GOLD = Path(__file__).parent / "fixtures" / "gold"


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: end-to-end (a build, a server, subprocesses); deselect with -m 'not slow'")
    from orchestration.dbt_project import prepare_manifest

    prepare_manifest()


def use_private_warehouse(root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every path at `root`: tests never touch warehouse/ in the repo."""
    monkeypatch.setenv("FAZHI_WAREHOUSE_DIR", str(root / "warehouse"))
    monkeypatch.delenv("FAZHI_DUCKDB_PATH", raising=False)
    monkeypatch.delenv("FAZHI_LAKE_DIR", raising=False)
    monkeypatch.delenv("FAZHI_INPUT_DIR", raising=False)  # restored after `fazhi build --input`
    monkeypatch.setenv("DAGSTER_HOME", str(root / "dagster_home"))
    return root / "warehouse"


@pytest.fixture(scope="module")
def module_warehouse(tmp_path_factory) -> Path:
    """A private warehouse shared by one module's tests (a dbt build takes tens of seconds)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        yield use_private_warehouse(tmp_path_factory.mktemp("wh"), monkeypatch)


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory) -> Path:
    """A copy of the bundled samples that a test module may add files to."""
    folder = tmp_path_factory.mktemp("input") / "reports"
    shutil.copytree(SAMPLES, folder)
    return folder


@pytest.fixture
def private_warehouse(tmp_path, monkeypatch) -> Path:
    """A private warehouse for one test."""
    return use_private_warehouse(tmp_path, monkeypatch)


@pytest.fixture(scope="session")
def scorer():
    """The gold scorer (tests/fixtures/gold/score.py, standard library only), loaded once."""
    spec = importlib.util.spec_from_file_location("gold_score", GOLD / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
