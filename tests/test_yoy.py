"""Year-over-year views on a multi-year fixture: three years of one region, one year of another."""

from __future__ import annotations

import dagster as dg
import duckdb
import pytest

from orchestration import lake, settings
from orchestration.resources import WarehouseResource

COUNTY = dict(province="山东省", city="威海市", county="文登区", admin_code="371003", issuer="威海市文登区人民政府")
CITY = dict(province="浙江省", city="台州市", county="临海市", admin_code="331082", issuer="临海市人民政府")
# A department of the same city: same region code, other things counted.
CITY_BUREAU = {**CITY, "issuer": "临海市市场监督管理局", "issuer_kind": "department"}

# (region, report_year, facts); a fact: (domain, measure, kind, value, unit, year, scope, outline_part)
REPORTS = [
    (COUNTY, 2021, [("reconsideration", "cases_accepted", "value", 50, "case", 2021, None, "achievements")]),
    (COUNTY, 2022, [
        ("reconsideration", "cases_accepted", "value", 60, "case", 2022, None, "achievements"),
        ("enforcement", "penalty_cases", "value", 10, "case", 2022, "区海洋发展局", "achievements"),
    ]),
    (COUNTY, 2023, [
        ("reconsideration", "cases_accepted", "value", 90, "case", 2023, None, "achievements"),
        # A later report quoting an earlier year loses to that year's own report.
        ("reconsideration", "cases_accepted", "value", 58, "case", 2022, None, "achievements"),
        ("enforcement", "penalty_cases", "value", 15, "case", 2023, "区海洋发展局", "achievements"),
        # Plan numbers are targets, never results.
        ("reconsideration", "cases_accepted", "target", 100, "case", 2024, None, "plan"),
        ("reconsideration", "cases_accepted", "value", 120, "case", 2024, None, "plan"),
    ]),
    (CITY, 2023, [
        ("mediation", "success_rate", "value", 99.5, "percent", 2023, None, "achievements"),
        ("mediation", "success_rate", "change", 0.5, "percentage_point", 2023, None, "achievements"),
        ("licensing", "applications_received", "value", 1200, "case", 2023, None, "achievements"),
        ("licensing", "applications_received", "change", 20, "percent", 2023, None, "achievements"),
        ("reconsideration", "cases_closed", "value", 250, "case", 2023, None, "achievements"),
        ("reconsideration", "cases_closed", "value", 200, "case", 2022, None, "achievements"),
        ("reconsideration", "applications_received", "value", 300, "case", 2023, None, "achievements"),
        ("reconsideration", "applications_received", "change", -30, "case", 2023, None, "achievements"),
    ]),
    (CITY_BUREAU, 2023, [
        ("reconsideration", "cases_closed", "value", 9, "case", 2023, None, "achievements"),
        ("mediation", "success_rate", "change", 5, "percentage_point", 2023, None, "achievements"),
    ]),
]


def write_lake(lake_dir):
    text = "。".join(f"数字{i}" for i in range(40))
    raw, parsed, metrics = [], [], []
    for n, (region, year, facts) in enumerate(REPORTS):
        report_id = f"report{n}"
        raw.append(dict(report_id=report_id, path=f"/in/{n}.txt", file_name=f"{n}.txt", size_bytes=1,
                        format="txt", encoding="utf-8", text=text))
        parsed.append(dict(report_id=report_id, path=f"/in/{n}.txt", file_name=f"{n}.txt", text=text,
                           title=None, report_year=year, publish_date=None, doc_number=None,
                           provenance=[], sections=[], sentences=[], offset_map=[],
                           **{"issuer_kind": "government", **region}))
        for i, (domain, measure, kind, value, unit, fact_year, scope, part) in enumerate(facts):
            start = text.index(f"数字{i}。")
            metrics.append(dict(
                report_id=report_id, file=f"{n}.txt", domain=domain, measure=measure, kind=kind,
                value=value, unit=unit, approx=False, year=fact_year, scope=scope,
                quote=text[start:start + 3], start=start, end=start + 3, section_id=None,
                outline_part=part, rule="fixture", domain_source="sentence", year_source="sentence"))
    lake.replace_table(lake_dir, "raw_reports", raw)
    lake.replace_table(lake_dir, "parsed_reports", parsed)
    lake.replace_table(lake_dir, "report_metrics", metrics)
    for stage in ("read", "parse", "extract"):
        with lake.TableWriter(lake_dir, "rejected_reports", part=stage):
            pass


@pytest.fixture(scope="module")
def dbt_run(module_warehouse):
    from orchestration.defs.dbt import dbt_models, dbt_resource

    write_lake(settings.lake_dir())
    result = dg.materialize([dbt_models], resources={"dbt": dbt_resource(), "warehouse": WarehouseResource()})
    assert result.success
    return result


@pytest.fixture(scope="module")
def yoy(dbt_run):
    with duckdb.connect(str(settings.duckdb_path()), read_only=True) as con:
        rows = con.execute("select * from yoy_measures").fetchall()
        names = [d[0] for d in con.description]
    return [dict(zip(names, row, strict=True)) for row in rows]


def test_each_mart_shows_its_row_count_columns_and_first_rows(dbt_run, yoy):
    """What the UI shows on a mart's page after a build."""
    (materialization,) = [m for m in dbt_run.get_asset_materialization_events()
                          if m.asset_key == dg.AssetKey("yoy_measures")]
    metadata = materialization.materialization.metadata
    assert metadata["dagster/row_count"].value == len(yoy)
    columns = {c.name: c.type for c in metadata["dagster/column_schema"].schema.columns}
    assert columns["previous_value"] == "DOUBLE" and columns["year"] == "INTEGER"
    preview = metadata["preview"].value
    assert preview.startswith("| admin_code | region_name |") and preview.count("\n") >= 2


def test_the_traceability_check_passes_and_is_an_asset_check(dbt_run):
    (check,) = [e for e in dbt_run.get_asset_check_evaluations()
                if e.check_name == "assert_quotes_match_report_text"]
    assert check.asset_key == dg.AssetKey("dim_report") and check.passed


def test_a_quote_that_is_not_the_text_fails_the_check_and_nothing_is_published(private_warehouse):
    from orchestration.defs.dbt import dbt_models, dbt_resource

    write_lake(settings.lake_dir())
    facts = list(lake.read_rows(settings.lake_dir(), "report_metrics"))
    facts[0]["quote"] = "不是原文"  # the offsets point at other text
    lake.replace_table(settings.lake_dir(), "report_metrics", facts)
    result = dg.materialize([dbt_models], resources={"dbt": dbt_resource(), "warehouse": WarehouseResource()}, raise_on_error=False)
    assert not result.success
    (check,) = [e for e in result.get_asset_check_evaluations()
                if e.check_name == "assert_quotes_match_report_text"]
    assert not check.passed and check.metadata["dagster_dbt/failed_row_count"].value == 1
    (failure,) = [e for e in result.all_events if e.is_step_failure]
    message = failure.step_failure_data.error.message
    assert "assert_quotes_match_report_text" in message and "left as it was" in message
    assert not settings.duckdb_path().exists()  # the first build failed: no half warehouse


def row(rows, admin_code, measure, year, scope=None, domain=None, issuer_kind="government"):
    (found,) = [r for r in rows if (r["admin_code"], r["measure"], r["year"], r["scope"])
                == (admin_code, measure, year, scope) and domain in (None, r["domain"])
                and r["issuer_kind"] == issuer_kind]
    return found


def test_previous_year_comes_from_that_years_report(yoy):
    r = row(yoy, "371003", "cases_accepted", 2023)
    assert (r["value"], r["previous_value"], r["previous_value_source"]) == (90, 60, "report")
    assert r["absolute_change"] == 30
    assert r["percent_change"] == 50.0
    assert row(yoy, "371003", "cases_accepted", 2022)["previous_value"] == 50


def test_first_year_has_no_previous_value(yoy):
    r = row(yoy, "371003", "cases_accepted", 2021)
    assert r["previous_value"] is None and r["absolute_change"] is None


def test_scoped_numbers_compare_with_the_same_scope_only(yoy):
    r = row(yoy, "371003", "penalty_cases", 2023, scope="区海洋发展局")
    assert (r["value"], r["previous_value"]) == (15, 10)


def test_plan_numbers_are_left_out(yoy):
    assert not [r for r in yoy if r["year"] == 2024]


def test_earlier_value_quoted_in_a_later_report_serves_when_no_report_of_that_year(yoy):
    r = row(yoy, "331082", "cases_closed", 2023)
    assert (r["previous_value"], r["previous_value_source"]) == (200, "stated_in_later_report")


@pytest.mark.parametrize(
    ("domain", "measure", "previous"),
    [("mediation", "success_rate", 99.0), ("licensing", "applications_received", 1000.0)],
)
def test_previous_value_derived_from_a_stated_change(yoy, domain, measure, previous):
    r = row(yoy, "331082", measure, 2023, domain=domain)
    assert r["previous_value"] == pytest.approx(previous)
    assert r["previous_value_source"] == "derived_from_stated_change"


def test_absolute_stated_change_in_the_measures_unit(yoy):
    r = row(yoy, "331082", "applications_received", 2023, domain="reconsideration")
    assert (r["previous_value"], r["stated_change"]) == (330, -30)


def test_a_department_and_its_government_are_compared_separately(yoy):
    government = row(yoy, "331082", "cases_closed", 2023)
    bureau = row(yoy, "331082", "cases_closed", 2023, issuer_kind="department")
    assert (government["value"], government["previous_value"]) == (250, 200)
    assert (bureau["value"], bureau["previous_value"]) == (9, None)
    # The bureau's stated change does not move the government's rate.
    assert row(yoy, "331082", "success_rate", 2023)["previous_value"] == pytest.approx(99.0)
