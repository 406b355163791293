"""The dbt models as Dagster assets: one asset per model and seed, dbt tests as asset checks.

dbt builds into a staged copy of the warehouse; only when every model and test passed is
it swapped in (orchestration.publish), so the warehouse is always one whole build.

The large models are incremental by report (dbt_project/macros/report_incremental.sql): a
build starts from the previous warehouse (publish's spare, else a copy) and only new,
changed and removed reports' rows change. It is a full refresh, from an empty file, when
there is no warehouse a whole build made, or the dbt project changed since it was made
(`.published.json` says which), or only some models are selected.
"""


import contextlib
import json
import os
import shutil
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration import lake, publish
from orchestration.dbt_project import (
    BUILD_TARGET,
    dbt_cli,
    dbt_project,
    prepare_if_needed,
    project_fingerprint,
)
from orchestration.resources import WarehouseResource

prepare_if_needed()  # the manifest must exist before @dbt_assets reads it below

PREVIEW_ROWS = 5
PREVIEW_CELL_CHARS = 40

# What each generic dbt test proves, for the check's description in the UI.
TEST_MEANINGS = {
    "unique": "no two rows share a value in `{column}`",
    "not_null": "every row has a value in `{column}`",
    "accepted_values": "`{column}` holds only the documented values",
    "relationships": "every `{column}` exists in the table it refers to",
}


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

    def get_description(self, dbt_resource_props: Mapping[str, Any]) -> str:
        # The model's own words; never its SQL (Jinja such as {{ domain_facts(...) }} means nothing in the UI).
        return (dbt_resource_props.get("description") or
                f"dbt {dbt_resource_props['resource_type']} {dbt_resource_props['name']}").strip()

    def get_asset_check_spec(self, asset_spec, manifest, unique_id, project):
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None:
            return None
        test = manifest["nodes"][unique_id]
        return spec._replace(description=check_description(test, asset_spec.key.to_user_string()))


def check_description(test: Mapping[str, Any], table: str) -> str:
    if test.get("description"):
        return test["description"].strip()
    metadata = test.get("test_metadata") or {}
    column = test.get("column_name") or metadata.get("kwargs", {}).get("column_name")
    meaning = TEST_MEANINGS.get(metadata.get("name", ""))
    if meaning and column:
        return f"{table}: {meaning.format(column=column)} (dbt test {metadata['name']})"
    return f"dbt test {test['name']} on {table}"


def full_selection(context: dg.AssetExecutionContext) -> bool:
    return set(context.selected_asset_keys) >= set(dbt_models.keys)


@contextlib.contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """Set variables for the dbt process this step starts; restored after (at run time, never at import)."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def prune_targets() -> None:
    """dagster-dbt's default is a new target folder per invocation, kept forever: remove them."""
    target = dbt_project.project_dir / dbt_project.target_path
    for folder in target.glob("*-*-*"):
        if folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)


PUBLISHED = ".published.json"  # what the published warehouse was built from


def built_from(warehouse: WarehouseResource) -> dict[str, str]:
    return {"lake": lake.state(warehouse.lake()), "dbt": project_fingerprint()}


def published_record(warehouse: WarehouseResource) -> dict[str, str]:
    """What the published warehouse was built from; {} when unknown (none, or a partial build)."""
    try:
        record = json.loads((warehouse.folder() / PUBLISHED).read_text())
    except (OSError, ValueError):
        return {}
    return record if warehouse.database().exists() and isinstance(record, dict) else {}


def unchanged_since_published(warehouse: WarehouseResource) -> bool:
    return published_record(warehouse) == built_from(warehouse)


def record_published(warehouse: WarehouseResource) -> None:
    record = warehouse.folder() / PUBLISHED
    tmp = record.with_name(f"{record.name}.tmp")
    tmp.write_text(json.dumps(built_from(warehouse)))
    os.replace(tmp, record)


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, dagster_dbt_translator=LayerTranslator())
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    database = warehouse.database()
    publish.hold(warehouse.folder(), f"run {context.run_id[:8]}")
    publish.check_writable(database)
    if full_selection(context) and unchanged_since_published(warehouse):
        # No report, rejection or model changed since the warehouse was built: it is current.
        context.log.info("nothing changed since the warehouse was built (same lake, same dbt project): "
                         f"dbt not run, {database} left as it is")
        return
    prune_targets()
    full = full_selection(context)
    fingerprint = project_fingerprint()
    # Incremental only on top of a whole build by this same dbt project: the incremental
    # models' keys are the lake's, so anything else could hold rows no key marks as stale.
    incremental = full and published_record(warehouse).get("dbt") == fingerprint
    clock = Clock()
    staged = publish.staged_database(database, start_from_current=incremental or not full,
                                     spare_tag=fingerprint if incremental else None)
    clock.lap("starting file")
    # The seeds are part of the project's fingerprint: unchanged in an incremental build, so
    # not loaded and tested again (29 of some 210 dbt nodes); a full refresh loads them. The
    # quote check looks at this build's facts only (new_rows_only): the published ones passed it.
    args = (["build", "--exclude", "resource_type:seed", "--vars", '{"new_rows_only": true}'] if incremental
            else ["build", "--full-refresh"])
    context.log.info(f"dbt {' '.join(args)}: " + (
        "incremental, only new, changed and removed reports" if incremental else
        "the selected models rebuilt whole" if not full else
        "a full refresh (no warehouse built by this dbt project yet)"))
    try:
        with environment(warehouse.dbt_env(staged)):
            invocation = dbt.cli(args, context=context, target_path=BUILD_TARGET, raise_on_error=False)
            events = list(invocation.stream())  # kept until the build is known good
        clock.lap("dbt")
        if not invocation.is_successful():
            # The checks' results are shown (a failed test says which rows), the models' are
            # not: nothing of this build was published.
            yield from (e for e in events if isinstance(e, dg.AssetCheckResult | dg.AssetCheckEvaluation))
            raise dg.Failure(f"dbt build failed ({failures(invocation)}); the warehouse was left as it was. "
                             "See this step's log for dbt's messages.")
        built = {context.asset_key_for_output(e.output_name).path[-1] for e in events if isinstance(e, dg.Output)}
        tables = table_metadata(staged, built)
        clock.lap("table metadata")
        # The replaced warehouse is the next build's spare if a whole build of this project made it.
        previous = published_record(warehouse).get("dbt")
        publish.publish(staged, database, keep_spare_tag=previous if full and previous == fingerprint else None)
        if full:
            record_published(warehouse)
        else:
            (warehouse.folder() / PUBLISHED).unlink(missing_ok=True)
        clock.lap("publish")
    finally:
        publish.discard(staged)
    for event in events:
        if isinstance(event, dg.Output):
            name = context.asset_key_for_output(event.output_name).path[-1]
            if name in tables:
                event = event.with_metadata({**event.metadata, **tables[name]})
        yield event
    clock.lap(f"{len(events)} events recorded")
    context.log.info(f"dbt step: {clock}")


class Clock:
    """Seconds per part of the dbt step, for its log (where a build's time goes)."""

    def __init__(self) -> None:
        self.last, self.laps = time.monotonic(), []

    def lap(self, what: str) -> None:
        now = time.monotonic()
        self.laps.append(f"{what} {now - self.last:.1f} s")
        self.last = now

    def __str__(self) -> str:
        return ", ".join(self.laps)


def failures(invocation) -> str:
    try:
        results = invocation.get_artifact("run_results.json")["results"]
    except Exception:  # no run results: dbt failed before running anything
        return "see the log"
    failed = [r["unique_id"].split(".")[-1] if r["unique_id"].startswith("model") else r["unique_id"].split(".")[2]
              for r in results if r["status"] in ("error", "fail")]
    return "failed: " + ", ".join(failed[:8]) + (" ..." if len(failed) > 8 else "") if failed else "see the log"


def table_metadata(database: Path, names: set[str] | None = None) -> dict[str, dict[str, Any]]:
    """Row count, column types and the first rows of the tables dbt built (`names`; default
    all), for the UI."""
    out: dict[str, dict[str, Any]] = {}
    with duckdb.connect(str(database), read_only=True) as con:
        tables = con.execute(
            "select schema_name, table_name, estimated_size from duckdb_tables() where not internal").fetchall()
        for schema, table, _ in tables:
            if names is not None and table not in names:
                continue
            relation = f'"{schema}"."{table}"'  # names come from the catalogue, quoted
            rows = con.execute(f"select count(*) from {relation}").fetchone()[0]
            columns = con.execute(
                "select column_name, data_type, comment from duckdb_columns() "
                "where schema_name = ? and table_name = ? order by column_index", [schema, table]).fetchall()
            preview_columns = [c for c, _, _ in columns if c != "text"]  # a report's whole text is no preview
            head = con.execute(
                f"select {', '.join(f'{chr(34)}{c}{chr(34)}' for c in preview_columns)} from {relation} "
                f"limit {PREVIEW_ROWS}").fetchall()
            out[table] = {
                "dagster/row_count": dg.MetadataValue.int(rows),
                "dagster/column_schema": dg.TableSchema(columns=[
                    dg.TableColumn(name, data_type, description=comment) for name, data_type, comment in columns]),
                "dagster/relation_identifier": f"{schema}.{table}",
                "preview": dg.MetadataValue.md(markdown_table(preview_columns, head)),
            }
    return out


def markdown_table(columns: list[str], rows: list[tuple]) -> str:
    def cell(value) -> str:
        text = "" if value is None else str(value).replace("\n", " ").replace("|", "\\|")
        return text if len(text) <= PREVIEW_CELL_CHARS else text[:PREVIEW_CELL_CHARS - 1] + "…"

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def dbt_resource() -> DbtCliResource:
    """The dbt next to this interpreter: works whether or not the venv is activated."""
    return dbt_cli()
