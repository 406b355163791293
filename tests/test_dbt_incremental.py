"""The incremental dbt build (dbt_project/macros/report_incremental.sql) gives the same
warehouse as a build from scratch: after reports are added, removed, rewritten, replaced by
their duplicate and re-extracted under a new extractor version."""

from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration import publish, settings, stages, versions
from orchestration.build import build_warehouse

pytestmark = pytest.mark.slow

SAMPLES = settings.REPO_ROOT / "seeds"
DEV = settings.REPO_ROOT / "tests" / "fixtures" / "dev" / "texts"


def build(root: Path, inbox: Path, monkeypatch) -> Path:
    """A build of `inbox` into the warehouse under `root` (as conftest.use_private_warehouse)."""
    monkeypatch.setenv("FAZHI_WAREHOUSE_DIR", str(root / "warehouse"))
    monkeypatch.setenv("DAGSTER_HOME", str(root / "dagster_home"))
    for name in ("FAZHI_DUCKDB_PATH", "FAZHI_LAKE_DIR", "FAZHI_INPUT_DIR"):
        monkeypatch.delenv(name, raising=False)
    with contextlib.redirect_stdout(io.StringIO()):
        assert build_warehouse(input_dir=inbox, verbose=False) == 0
    return settings.duckdb_path()


def contents(database: Path) -> dict[str, list[tuple]]:
    """Every table and view dbt built, sorted, without `lake_key` (segment names differ
    between two lakes holding the same reports) and `built_by` (the dbt invocation)."""
    with duckdb.connect(str(database), read_only=True) as con:
        relations = con.execute(
            "select schema_name, table_name from duckdb_tables() where not internal "
            "union all select schema_name, view_name from duckdb_views() where not internal "
            "order by all").fetchall()
        out = {}
        for schema, table in relations:
            columns = [c for (c,) in con.execute(
                "select column_name from duckdb_columns() where schema_name = ? and table_name = ? "
                "and column_name not in ('lake_key', 'built_by') order by column_index", [schema, table]).fetchall()]
            listed = ", ".join(f'"{c}"' for c in columns)
            out[f"{schema}.{table}"] = con.execute(
                f'select {listed} from "{schema}"."{table}" order by all').fetchall()
    return out


def assert_same(incremental: Path, scratch: Path) -> None:
    got, want = contents(incremental), contents(scratch)
    assert sorted(got) == sorted(want)
    for relation in want:
        assert got[relation] == want[relation], relation


@pytest.fixture
def starts(monkeypatch):
    """How each dbt step started: incremental (from the spare or a copy) or a full refresh."""
    seen = []
    real = publish.staged_database

    def spy(database, *, start_from_current, spare_tag=None):
        seen.append("incremental" if spare_tag else "full" if not start_from_current else "partial")
        return real(database, start_from_current=start_from_current, spare_tag=spare_tag)

    monkeypatch.setattr(publish, "staged_database", spy)
    return seen


def test_an_incremental_build_equals_a_build_from_scratch(tmp_path, monkeypatch, starts):
    inbox = tmp_path / "in"
    inbox.mkdir()
    samples = sorted(SAMPLES.glob("*.txt"))
    dev = sorted(DEV.glob("*.txt"))
    for path in [*samples[:4], *dev[:3]]:
        shutil.copy(path, inbox)
    shutil.copy(samples[0], inbox / "zz copy.txt")  # a duplicate: rejected while the first is kept

    live = build(tmp_path / "live", inbox, monkeypatch)

    # One added, one removed, one rewritten, and the kept copy of the duplicate removed, so
    # the duplicate becomes the report.
    shutil.copy(samples[4], inbox)
    (inbox / dev[0].name).unlink()
    rewritten = inbox / dev[1].name
    rewritten.write_text(rewritten.read_text(encoding="utf-8") + "\n全年办理行政复议案件12345件。\n", encoding="utf-8")
    (inbox / samples[0].name).unlink()
    build(tmp_path / "live", inbox, monkeypatch)
    assert_same(live, build(tmp_path / "scratch1", inbox, monkeypatch))

    # A new extractor version: every report re-extracted into a new segment.
    real = versions.stage_version
    monkeypatch.setattr(stages, "stage_version", lambda stage: "edited" if stage == "extract" else real(stage))
    build(tmp_path / "live", inbox, monkeypatch)
    assert_same(live, build(tmp_path / "scratch2", inbox, monkeypatch))

    # The live warehouse's later builds were incremental (from the spare after the first), the others full.
    assert starts == ["full", "incremental", "full", "incremental", "full"]
    with duckdb.connect(str(live), read_only=True) as con:
        assert con.execute("select count(*) from dim_report where file_name = 'zz copy.txt'").fetchone()[0] == 1
        assert con.execute("select count(*) from fact_reconsideration where value = 12345").fetchone()[0] >= 1
