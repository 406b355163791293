"""The dbt project as Dagster sees it, and the dbt command that serves it.

A module of its own so that the manifest can be written before the code location loads:
`make` does it in setup (`python -m orchestration.dbt_project`). Nothing here needs `dbt`
on PATH: the dbt used is always the one installed next to this interpreter, so the code
location loads the same under `make dev`, a bare `dagster dev`, or an IDE.
"""

from __future__ import annotations

import hashlib
import sys
from functools import cached_property
from importlib import metadata
from pathlib import Path

from dagster._utils import run_with_concurrent_update_guard
from dagster_dbt import DbtCliResource, DbtProject
from dagster_dbt.dbt_project import DagsterDbtProjectPreparer, using_dagster_dev
from packaging import version

from orchestration.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)

# One fixed target folder for builds (overwritten each time, so it never grows) and one
# for parsing; dagster-dbt's default is a new folder per invocation, kept forever.
BUILD_TARGET = DBT_PROJECT_DIR / "target" / "build"


def dbt_executable() -> str:
    """The dbt next to this interpreter (`.venv/bin/dbt`), whether or not the venv is on PATH."""
    return str(Path(sys.executable).with_name("dbt"))


class FazhiDbtCli(DbtCliResource):
    """DbtCliResource with the venv's dbt and no `dbt --version` per invocation (which
    starts a process and asks PyPI for the latest release); the installed dbt-core is the one."""

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(metadata.version("dbt-core"))


def dbt_cli() -> FazhiDbtCli:
    return FazhiDbtCli(project_dir=dbt_project, dbt_executable=dbt_executable())


def prepare_manifest() -> None:
    """Write target/manifest.json from the models as they are now (`dbt parse`).
    Safe when several processes start at once (dagster dev's webserver and daemon)."""
    run_with_concurrent_update_guard(dbt_project.manifest_path, _parse)


def _parse() -> None:
    dbt_cli().cli(["parse", "--quiet"], target_path=dbt_project.target_path).wait()
    # As dagster-dbt's own preparer does: seeds re-parsed if the checkout moved.
    DagsterDbtProjectPreparer()._invalidate_seeds_in_partial_parse(dbt_project)


def project_files() -> list[Path]:
    """Every file dbt parses (models, macros, seeds, tests, settings)."""
    project = dbt_project.project_dir
    files = [project / "dbt_project.yml", project / "profiles.yml"]
    for folder in ("models", "macros", "seeds", "tests"):
        files += sorted(p for p in (project / folder).rglob("*") if p.is_file())
    return [p for p in files if p.exists()]


def project_fingerprint() -> str:
    """Changes when any file dbt parses changes: with the lake's state, whether a build has anything to do."""
    digest = hashlib.sha256()
    for path in project_files():
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def manifest_is_fresh() -> bool:
    """The manifest is newer than every file dbt parses."""
    manifest = dbt_project.manifest_path
    if not manifest.exists():
        return False
    built = manifest.stat().st_mtime
    return all(p.stat().st_mtime < built for p in project_files())


def prepare_if_stale() -> None:
    """`dbt parse` only when a dbt file changed since the manifest was written (saves ~10 s a build)."""
    if not manifest_is_fresh():
        prepare_manifest()


def prepare_if_needed() -> None:
    """Under `dagster dev` the manifest follows edits to the models; elsewhere it is written
    once in setup, and only written here when it is missing (a fresh clone)."""
    if using_dagster_dev() or not dbt_project.manifest_path.exists():
        prepare_manifest()


if __name__ == "__main__":
    prepare_manifest()
    print(f"dbt manifest written: {dbt_project.manifest_path}")
