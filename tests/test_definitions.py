"""The code location `dagster dev` loads: every stage is an asset, dbt tests are checks."""

from __future__ import annotations

import dagster as dg

from orchestration.definitions import defs
from orchestration.summary import FACT_TABLES

PYTHON_ASSETS = {"raw_reports", "parsed_reports", "report_metrics", "warehouse_summary"}
MARTS = {*FACT_TABLES, "yoy_measures", "dim_report", "dim_region", "dim_measure", "rejected_reports"}


def asset_graph():
    return defs.resolve_asset_graph()


def test_every_stage_is_an_asset():
    keys = {key.to_user_string() for key in asset_graph().get_all_asset_keys()}
    assert PYTHON_ASSETS | MARTS | {"stg_lake__report_metrics", "measures", "regions"} <= keys


def test_dbt_models_sit_downstream_of_the_python_assets():
    graph = asset_graph()
    upstream = graph.get(dg.AssetKey("stg_lake__report_metrics")).parent_keys
    assert dg.AssetKey("report_metrics") in upstream
    assert dg.AssetKey("parsed_reports") in graph.get(dg.AssetKey("stg_lake__parsed_reports")).parent_keys


def test_models_are_grouped_by_layer():
    graph = asset_graph()
    group = {key.to_user_string(): graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert group["stg_lake__report_metrics"] == "staging"
    assert group["int_report_metrics__enriched"] == "intermediate"
    assert group["fact_reconsideration"] == "marts"
    assert group["measures"] == "vocabulary"
    assert group["raw_reports"] == "reports"


def test_dbt_tests_are_asset_checks():
    checked = {check.asset_key.to_user_string() for check in asset_graph().asset_check_keys}
    assert {"fact_licensing", "dim_report", "stg_lake__report_metrics"} <= checked


def test_automation_is_defined():
    assert defs.resolve_sensor_def("new_reports_sensor").job_name == "build_warehouse"
    assert defs.resolve_schedule_def("reporting_season_schedule").cron_schedule == "0 3 * 1-4 *"


def test_descriptions_are_words_not_code():
    graph = asset_graph()
    for key in graph.get_all_asset_keys():
        description = graph.get(key).description or ""
        assert "{{" not in description and "```" not in description, key


def test_every_check_says_what_it_proves():
    graph = asset_graph()
    checks = [graph.get_check_spec(key) for key in graph.asset_check_keys]
    assert len(checks) > 50
    for check in checks:
        assert check.description, check.key
    quote = [c for c in checks if c.name == "assert_quotes_match_report_text"]
    assert quote and quote[0].asset_key == dg.AssetKey("dim_report")
    assert "quote" in quote[0].description


def test_facts_and_reports_have_plausibility_checks():
    graph = asset_graph()
    checks = {key.name: key.asset_key.to_user_string() for key in graph.asset_check_keys}
    assert checks["assert_percentages_are_between_0_and_100"] == "int_report_metrics__enriched"
    assert checks["assert_reports_have_a_region_and_a_year"] == "dim_report"
