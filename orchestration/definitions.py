"""The Dagster code location: `dagster dev` from the repo root loads this module."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from orchestration import settings
from orchestration.defs import automation, dbt, metrics, reports, warehouse

settings.export_env()

defs = dg.Definitions(
    assets=[reports.raw_reports, reports.parsed_reports, metrics.report_metrics, dbt.dbt_models,
            warehouse.warehouse_summary],
    jobs=[automation.warehouse_job],
    sensors=[automation.new_reports_sensor],
    schedules=[automation.reporting_season_schedule],
    resources={
        "dbt": dbt.dbt_resource(),
        # Read when a run starts, so FAZHI_DUCKDB_PATH set after import still counts.
        "duckdb": DuckDBResource(database=dg.EnvVar("FAZHI_DUCKDB_PATH")),
    },
)
