"""Checks on the Python stages' output, shown beside the assets in the UI. They run after the
stage in the same build and do not stop it (dbt's tests guard what is published); a failed
check lists the offending facts so they can be traced to their sentence."""

import datetime

import dagster as dg
import polars as pl

from orchestration import lake
from orchestration.resources import WarehouseResource

COUNTED_UNITS = ["case", "item", "person", "person_time", "times", "org", "document"]
SAMPLE = 10  # offending rows shown in the check's metadata
_FACT_KEY = ["report_id", "start", "end", "domain", "measure", "kind", "year"]


def _examples(rows: pl.DataFrame, columns: list[str]) -> dg.MetadataValue:
    return dg.MetadataValue.json(rows.head(SAMPLE).select(columns).to_dicts())


@dg.asset_check(asset="report_metrics", description=(
    "Every fact's value is possible: a rate stated as a value lies between 0 and 100 percent, a count "
    "is not negative, a year is between 1949 and two years from now. A failure is an extraction "
    "error (an increase read as a rate, a part read as a year); the metadata shows the quotes."))
def facts_values_in_range(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    facts = lake.scan_current(warehouse.lake(), "report_metrics")
    value = (pl.col("kind") == "value")
    bad = facts.filter(
        value & (pl.col("unit") == "percent") & ~pl.col("value").is_between(0, 100)
        | value & pl.col("unit").is_in(COUNTED_UNITS) & (pl.col("value") < 0)
        | ~pl.col("year").is_between(1949, datetime.date.today().year + 2)
    ).collect()
    return dg.AssetCheckResult(
        passed=bad.height == 0, severity=dg.AssetCheckSeverity.ERROR,
        metadata={"facts_out_of_range": bad.height,
                  "examples": _examples(bad, ["file", "quote", "value", "unit", "kind", "year", "start"])})


@dg.asset_check(asset="report_metrics", description=(
    "No fact twice: one report, one quote (offsets), one domain, measure, kind and year."))
def facts_are_unique(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    facts = lake.scan_current(warehouse.lake(), "report_metrics")
    twice = facts.filter(pl.len().over(_FACT_KEY) > 1).collect()
    return dg.AssetCheckResult(
        passed=twice.height == 0, severity=dg.AssetCheckSeverity.ERROR,
        metadata={"duplicated_facts": twice.height,
                  "examples": _examples(twice, ["file", "quote", "domain", "measure", "year", "start"])})


@dg.asset_check(asset="parsed_reports", description=(
    "Every report has a region (administrative code) and a report year, so its facts can be compared "
    "across regions and years. A warning, not an error: a ministry's report has no region, and some "
    "pages never say their year; the metadata lists the files."))
def reports_have_region_and_year(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    reports = lake.scan_current(warehouse.lake(), "parsed_reports").select(
        "file_name", "title", "issuer", "admin_code", "report_year")
    missing = reports.filter(pl.col("admin_code").is_null() | pl.col("report_year").is_null()).collect()
    return dg.AssetCheckResult(
        passed=missing.height == 0, severity=dg.AssetCheckSeverity.WARN,
        metadata={"without_region": missing.filter(pl.col("admin_code").is_null()).height,
                  "without_year": missing.filter(pl.col("report_year").is_null()).height,
                  "examples": _examples(missing, ["file_name", "title", "issuer", "admin_code", "report_year"])})


CHECKS = [facts_values_in_range, facts_are_unique, reports_have_region_and_year]
