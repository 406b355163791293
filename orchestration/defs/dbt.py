"""The dbt models as Dagster assets: one asset per model and seed, dbt tests as asset checks."""

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.dbt_project import dbt_project


class LayerTranslator(DagsterDbtTranslator):
    """Keys dbt assets by model name (the default would prefix the schema, which is the
    layer) and groups them by layer (staging, intermediate, marts; seeds as vocabulary)."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] in ("model", "seed"):
            return dg.AssetKey(dbt_resource_props["name"])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "vocabulary"
        fqn = dbt_resource_props["fqn"]  # ["fazhi", "<layer>", ..., "<model>"]
        return fqn[1] if len(fqn) > 2 else "marts"


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, dagster_dbt_translator=LayerTranslator())
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    yield from dbt.cli(["build"], context=context).stream()


def dbt_resource() -> DbtCliResource:
    # The dbt next to this interpreter: works whether or not the venv is activated.
    return DbtCliResource(project_dir=dbt_project, dbt_executable=str(Path(sys.executable).with_name("dbt")))
