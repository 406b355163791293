"""A full materialisation into a temporary warehouse: the path a user's first command takes."""

from __future__ import annotations

import contextlib
import io

import duckdb
import pytest

from orchestration import settings
from orchestration.build import build_warehouse
from orchestration.summary import FACT_TABLES

CORE_FACT_TABLES = FACT_TABLES[:4]


def snapshot(database) -> dict[str, list[tuple]]:
    with duckdb.connect(str(database), read_only=True) as con:
        return {t: con.execute(f"select * from main.{t} order by all").fetchall()
                for t in (*FACT_TABLES, "dim_report", "rejected_reports")}


@pytest.fixture(scope="module")
def built(module_warehouse, sample_dir):
    (sample_dir / "empty.txt").write_bytes(b"")
    (sample_dir / "copy of 000.txt").write_bytes((sample_dir / "000_243677528e629ced.txt").read_bytes())
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert build_warehouse(input_dir=sample_dir) == 0
    return sample_dir, out.getvalue()


def test_build_prints_where_the_warehouse_is_and_what_it_holds(built):
    _, out = built
    assert str(settings.duckdb_path()) in out
    assert "reports read: 5" in out
    for table in FACT_TABLES:
        assert table in out


def test_core_fact_tables_have_rows_from_the_samples(built):
    with duckdb.connect(str(settings.duckdb_path()), read_only=True) as con:
        for table in CORE_FACT_TABLES:
            assert con.execute(f"select count(*) from {table}").fetchone()[0] > 0, table


def test_every_quote_is_the_text_at_its_offsets(built):
    with duckdb.connect(str(settings.duckdb_path()), read_only=True) as con:
        rows = con.execute(
            "select f.quote, r.text, f.start_offset, f.end_offset "
            "from fact_reconsideration f join dim_report r using (report_id) "
            "union all select f.quote, r.text, f.start_offset, f.end_offset "
            "from fact_enforcement f join dim_report r using (report_id)"
        ).fetchall()
    assert rows
    for quote, text, start, end in rows:
        assert text[start:end] == quote  # Python offsets, as users of the JSON output see them


def test_bad_files_are_recorded_not_fatal(built):
    with duckdb.connect(str(settings.duckdb_path()), read_only=True) as con:
        rejected = dict(con.execute("select file_name, reason from rejected_reports").fetchall())
        original = con.execute(
            "select report_id from dim_report where file_name = '000_243677528e629ced.txt'").fetchone()[0]
        duplicate_of = con.execute(
            "select duplicate_of from rejected_reports where file_name = 'copy of 000.txt'").fetchone()[0]
    assert "empty" in rejected["empty.txt"]
    assert "duplicate" in rejected["copy of 000.txt"]
    assert duplicate_of == original


def test_building_again_with_nothing_changed_does_nothing_and_says_so(built, capsys):
    sample_dir, _ = built
    first = snapshot(settings.duckdb_path())
    published = settings.duckdb_path().stat().st_mtime_ns
    assert build_warehouse(input_dir=sample_dir) == 0
    err = capsys.readouterr().err
    assert "nothing changed since the last build" in err and "0 new or changed" in err
    assert settings.duckdb_path().stat().st_mtime_ns == published  # dbt did not rebuild it
    assert snapshot(settings.duckdb_path()) == first


@pytest.mark.slow
def test_a_new_report_reaches_the_marts_and_a_removed_one_leaves_them(built, capsys):
    sample_dir, _ = built
    new = sample_dir / "new_report.txt"
    new.write_bytes((settings.REPO_ROOT / "tests/fixtures/dev/texts/DA001.txt").read_bytes())

    def facts_of_new() -> int:
        with duckdb.connect(str(settings.duckdb_path()), read_only=True) as con:
            return sum(con.execute(f"select count(*) from main.{t} where file_name = 'new_report.txt'").fetchone()[0]
                       for t in FACT_TABLES)

    assert build_warehouse(input_dir=sample_dir) == 0
    assert "files read: 1 new or changed" in capsys.readouterr().err
    assert facts_of_new() > 0
    new.unlink()
    assert build_warehouse(input_dir=sample_dir) == 0
    assert "1 removed" in capsys.readouterr().err
    assert facts_of_new() == 0
