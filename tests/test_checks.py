"""The checks on the Python stages' output flag what a user would call a wrong number."""

import pytest

from orchestration import lake
from orchestration.defs.checks import facts_are_unique, facts_values_in_range, reports_have_region_and_year
from orchestration.resources import WarehouseResource


def fact(**changes):
    row = dict(report_id="r1", file="a.txt", domain="litigation", measure="other", kind="value", value=12.0,
               unit="case", approx=False, year=2023, scope=None, quote="12件", start=5, end=8, section_id=None,
               outline_part=None, rule="test", sentence="", sentence_start=None, sentence_end=None)
    return {**row, **changes}


@pytest.fixture
def warehouse(tmp_path):
    return WarehouseResource(lake_dir=str(tmp_path / "lake"))


def test_possible_values_pass(warehouse):
    lake.replace_table(warehouse.lake(), "report_metrics", [fact(), fact(unit="percent", value=99.5, start=20, end=25)])
    assert facts_values_in_range(warehouse=warehouse).passed
    assert facts_are_unique(warehouse=warehouse).passed


@pytest.mark.parametrize("bad", [
    dict(unit="percent", value=507.7),  # 增长…分别为507.7%: an increase read as a rate
    dict(unit="case", value=-3.0),
    dict(year=1024),
])
def test_an_impossible_value_fails_with_its_quote(warehouse, bad):
    lake.replace_table(warehouse.lake(), "report_metrics", [fact(), fact(start=30, end=35, quote="坏的", **bad)])
    result = facts_values_in_range(warehouse=warehouse)
    assert not result.passed and result.metadata["facts_out_of_range"].value == 1
    assert result.metadata["examples"].value[0]["quote"] == "坏的"


def test_a_percent_change_over_100_is_possible(warehouse):
    lake.replace_table(warehouse.lake(), "report_metrics", [fact(kind="change", unit="percent", value=276.25)])
    assert facts_values_in_range(warehouse=warehouse).passed


def test_the_same_fact_twice_fails(warehouse):
    lake.replace_table(warehouse.lake(), "report_metrics", [fact(), fact()])
    result = facts_are_unique(warehouse=warehouse)
    assert not result.passed and result.metadata["duplicated_facts"].value == 2


def test_a_report_without_region_or_year_is_a_warning_naming_it(warehouse):
    base = dict(path="/in/a.txt", text="文本", title="t", issuer="某部", issuer_kind="department", province=None,
                city=None, county=None, publish_date=None, doc_number=None, issuer_department=None,
                provenance=[], sections=[], sentences=[], offset_map=[])
    lake.replace_table(warehouse.lake(), "parsed_reports", [
        dict(base, report_id="r1", file_name="a.txt", admin_code="110000", report_year=2023),
        dict(base, report_id="r2", file_name="b.txt", admin_code=None, report_year=2023),
    ])
    result = reports_have_region_and_year(warehouse=warehouse)
    assert not result.passed and result.severity.value == "WARN"
    assert result.metadata["without_region"].value == 1
    assert [e["file_name"] for e in result.metadata["examples"].value] == ["b.txt"]
