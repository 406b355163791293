"""The spare (orchestration/publish.py): the file a publish replaced is where the next
incremental build starts, never the published file itself, and never a file someone reads."""

from __future__ import annotations

import os

import duckdb

from orchestration import publish


def make(path, value: int) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("create or replace table t as select ? as v", [value])


def value(path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select v from t").fetchone()[0]


def publish_build(database, value_: int, tag: str | None, spare_tag: str | None = None) -> None:
    staged = publish.staged_database(database, start_from_current=True, spare_tag=spare_tag)
    make(staged, value_)
    publish.publish(staged, database, keep_spare_tag=tag)


def spare(database):
    return publish.spare_dir(database) / database.name


def test_the_replaced_file_becomes_the_spare_and_the_next_build_starts_from_it(tmp_path):
    database = tmp_path / "fazhi.duckdb"
    make(database, 1)
    publish_build(database, 2, tag="project")
    assert value(database) == 2 and value(spare(database)) == 1
    assert not os.path.samestat(os.stat(database), os.stat(spare(database)))

    staged = publish.staged_database(database, start_from_current=True, spare_tag="project")
    assert value(staged) == 1  # the spare, moved: one build behind
    assert not publish.spare_dir(database).exists()
    make(staged, 3)
    publish.publish(staged, database, keep_spare_tag="project")
    assert value(database) == 3 and value(spare(database)) == 2


def test_a_spare_of_another_project_or_one_being_read_is_not_used(tmp_path):
    database = tmp_path / "fazhi.duckdb"
    make(database, 1)
    publish_build(database, 2, tag="old project")
    staged = publish.staged_database(database, start_from_current=True, spare_tag="new project")
    assert value(staged) == 2  # a copy of the warehouse
    publish.discard(staged)

    publish_build(database, 3, tag="project")
    reader = duckdb.connect(str(spare(database)), read_only=True)  # opened the warehouse before the swap
    try:
        staged = publish.staged_database(database, start_from_current=True, spare_tag="project")
        assert value(staged) == 3
        assert reader.execute("select v from t").fetchone()[0] == 2
    finally:
        reader.close()
        publish.discard(staged)


def test_a_failed_build_leaves_the_warehouse_and_drops_the_spare_it_used(tmp_path):
    database = tmp_path / "fazhi.duckdb"
    make(database, 1)
    publish_build(database, 2, tag="project")
    staged = publish.staged_database(database, start_from_current=True, spare_tag="project")
    make(staged, 99)  # the build writes, then fails
    publish.discard(staged)
    assert value(database) == 2
    staged = publish.staged_database(database, start_from_current=True, spare_tag="project")
    assert value(staged) == 2  # no spare left: a copy
    publish.discard(staged)


def test_a_publish_without_a_tag_keeps_no_spare(tmp_path):
    database = tmp_path / "fazhi.duckdb"
    make(database, 1)
    publish_build(database, 2, tag=None)
    assert not publish.spare_dir(database).exists()
