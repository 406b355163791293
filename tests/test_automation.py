"""Runs start by themselves when reports are added, changed or removed."""

from __future__ import annotations

import dagster as dg
import pytest

from orchestration import settings
from orchestration.defs.automation import new_reports_sensor
from orchestration.resources import WarehouseResource


@pytest.fixture
def inbox(tmp_path, monkeypatch):
    folder = tmp_path / "inbox"
    folder.mkdir()
    monkeypatch.setenv("FAZHI_INPUT_DIR", str(folder))
    monkeypatch.setenv("FAZHI_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    monkeypatch.delenv("FAZHI_DUCKDB_PATH", raising=False)
    (folder / "a.txt").write_text("报告", encoding="utf-8")
    return folder


def tick(cursor):
    context = dg.build_sensor_context(cursor=cursor, resources={"warehouse": WarehouseResource()})
    result = new_reports_sensor(context)
    return result, context.cursor


def test_new_changed_and_removed_reports_start_a_run(inbox):
    first, cursor = tick(None)
    assert isinstance(first, dg.RunRequest)
    quiet, same = tick(cursor)
    assert isinstance(quiet, dg.SkipReason) and same == cursor

    (inbox / "b.txt").write_text("新报告", encoding="utf-8")
    added, after_add = tick(cursor)
    assert isinstance(added, dg.RunRequest)

    (inbox / "b.txt").unlink()  # back to the first state: must still rebuild
    removed, after_remove = tick(after_add)
    assert isinstance(removed, dg.RunRequest)
    assert after_remove == cursor


def test_an_existing_warehouse_is_not_rebuilt_on_the_first_look(inbox):
    settings.duckdb_path().parent.mkdir(parents=True)
    settings.duckdb_path().touch()
    result, cursor = tick(None)
    assert isinstance(result, dg.SkipReason) and cursor
