"""What runs are configured with, as Dagster resources: where the warehouse lives, and how
the per-report work runs. Set in the UI's launchpad or in run config; a field left empty
falls back to the FAZHI_* environment variables (orchestration.settings), read when the run
starts, never at import."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
from pydantic import Field

from orchestration import settings, stages
from orchestration.workers import Budget


def _path(value: str | None, default: Path) -> Path:
    return Path(value).expanduser().resolve() if value else default


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse: its folder, the DuckDB file users query, and the lake of Parquet files
    the Python stages write and dbt reads."""

    warehouse_dir: str | None = Field(default=None, description="Default: $FAZHI_WAREHOUSE_DIR, else warehouse/.")
    duckdb_path: str | None = Field(default=None, description="Default: $FAZHI_DUCKDB_PATH, else <warehouse>/fazhi.duckdb.")
    lake_dir: str | None = Field(default=None, description="Default: $FAZHI_LAKE_DIR, else <warehouse>/lake.")
    duckdb_memory_limit: str = Field(default="1GB", description="Memory DuckDB may use while dbt builds "
                                     "(it spills to disk past it), e.g. 1GB, 4GB.")

    def folder(self) -> Path:
        return _path(self.warehouse_dir, settings.warehouse_dir())

    def database(self) -> Path:
        default = self.folder() / "fazhi.duckdb" if self.warehouse_dir else settings.duckdb_path()
        return _path(self.duckdb_path, default)

    def lake(self) -> Path:
        default = self.folder() / "lake" if self.warehouse_dir else settings.lake_dir()
        return _path(self.lake_dir, default)

    def dbt_env(self, database: Path) -> dict[str, str]:
        """What dbt's profile and sources read. The lake's path is a pattern to DuckDB's
        read_parquet, so one with [ ] * ? in it (a checkout under "reports [2024]") is given
        relative to dbt's working folder, the dbt project, where those characters rarely are."""
        lake = self.lake()
        if any(c in str(lake) for c in "[]*?"):
            lake = Path(os.path.relpath(lake, settings.DBT_PROJECT_DIR))
        return {"FAZHI_DUCKDB_PATH": str(database), "FAZHI_LAKE_DIR": str(lake),
                "FAZHI_DUCKDB_MEMORY_LIMIT": self.duckdb_memory_limit}


class WorkersResource(dg.ConfigurableResource):
    """How reading, parsing and extracting run: worker processes, each file within a budget,
    so one hostile file costs a rejection, not the run."""

    processes: int = Field(default=os.cpu_count() or 1, ge=0,
                           description="Worker processes (default: one per core; 0 runs in the step's process "
                           "without budgets, for debugging).")
    seconds_per_file: float = Field(default=120.0, gt=0, description="Wall time one file may take in one stage.")
    memory_mb_per_file: int = Field(default=2048, ge=256, description="Memory a worker may use for one file.")

    def workers(self) -> stages.Workers:
        return stages.Workers(self.processes, Budget(self.seconds_per_file, self.memory_mb_per_file))
