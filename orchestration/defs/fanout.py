"""A Python stage as a graph-backed multi-asset: plan -> BUCKETS bucket steps -> finish.

    <stage>_plan        takes the build lock, reads the manifests, decides what to do
    <stage>_bucket_<k>  does the work on bucket k (orchestration.stages.bucket_of) into a
                        segment of its own; never changes a manifest
    <stage>_finish      takes the build lock, makes the buckets' segments current in one
                        manifest swap (the only step that prunes segments), writes rejections

In the run's own process (the default executor) bucket 0 does all the work with the run's
worker processes, as `fazhi build` always did, and the other buckets have none. On dask
(orchestration.defs.distributed) the work is spread over all buckets, which run on whichever
workers are free. The assets, their code versions (the stage versions) and checks are the same.
"""

import multiprocessing
import os
import socket
import time
from collections.abc import Callable
from pathlib import Path

import dagster as dg

from orchestration import publish, stages
from orchestration.defs.distributed import on_dask_worker
from orchestration.resources import WarehouseResource, WorkersResource
from orchestration.versions import stage_version

Work = Callable[[stages.Plan, Path, list[str], stages.Workers], list[dict]]
Finish = Callable[[stages.Plan, Path, list[list[dict]]], stages.StageStats]


# On dask, two steps of one run that both take the lock may run at once on two workers
# (report_sources and parsed_reports' plan both follow raw_reports): the later one waits for the
# earlier to let go, as they would have run one after the other in one process.
_SAME_RUN_WAIT_S = 600


def start_stage(context: dg.OpExecutionContext, warehouse: WarehouseResource) -> None:
    """The build lock for this run, and a writable warehouse, before the manifests are read or
    changed. (On a dask worker the lock is let go when the step ends: orchestration.defs.distributed.)"""
    label = f"run {context.run_id[:8]}"
    deadline = time.monotonic() + (_SAME_RUN_WAIT_S if on_dask_worker() else 0)
    try:
        while True:
            try:
                publish.hold(warehouse.folder(), label)
                break
            except publish.WarehouseBusy:
                if label not in (publish.holder(warehouse.folder()) or "") or time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        publish.check_writable(warehouse.database())
    except publish.WarehouseBusy as err:
        raise dg.Failure(str(err)) from None


def spread(plan: stages.Plan) -> stages.Plan:
    """All BUCKETS buckets when the steps run on dask; else bucket 0 does the work, with one pool
    of worker processes for the stage (a pool per bucket would start its workers 8 times)."""
    plan.buckets = stages.BUCKETS if on_dask_worker() else 1
    return plan


def bucket_op(stage: str, index: int, work: Work) -> dg.OpDefinition:
    @dg.op(name=f"{stage}_bucket_{index}", out=dg.Out(list))
    def bucket(context: dg.OpExecutionContext, plan: stages.Plan, warehouse: WarehouseResource,
               workers: WorkersResource):
        todo = plan.bucket(index)
        config = workers.workers()
        if todo and config.processes and multiprocessing.current_process().daemon:
            raise dg.Failure("this step runs in a daemonic process, which cannot start the worker processes "
                             "that keep each file within its budget: start dask workers with "
                             "DASK_DISTRIBUTED__WORKER__DAEMON=False (docs/distributed.md)")
        rows = work(plan, warehouse.lake(), todo, config)
        where = f"{socket.gethostname()} pid {os.getpid()}"
        context.log.info(f"{stage} bucket {index}: {len(todo)} of {len(plan.todo)} on {where}")
        # Where it ran, so a run's page (and the distributed test) shows the spread over workers.
        yield dg.Output(rows, metadata={"items": len(todo), "worker": where})

    return bucket


def finish_op(stage: str, table: str, finish: Finish, unit: str,
              check: Callable[[stages.Plan, stages.StageStats], None] | None) -> dg.OpDefinition:
    # One input per bucket, not a fan-in list: a step run alone (as on dask) loads a fan-in's
    # sources only if it saw them produced, which it never does, so it would get [].
    names = [f"bucket_{k}" for k in range(stages.BUCKETS)]

    @dg.op(name=f"{stage}_finish", ins={"plan": dg.In(), **{name: dg.In(list) for name in names}},
           out={"table": dg.Out(dg.Nothing), "rejected": dg.Out(dg.Nothing)})
    def finish_stage(context: dg.OpExecutionContext, plan: stages.Plan, warehouse: WarehouseResource, **buckets):
        start_stage(context, warehouse)
        lake_dir = warehouse.lake()
        stats = finish(plan, lake_dir, [buckets[name] for name in names])
        context.log.info(f"{stage}: {stats.summary(unit)}")
        if check is not None:
            check(plan, stats)
        work = {"processed": stats.done, "unchanged": stats.reused, "removed": stats.retired}
        extra = {"input_dir": dg.MetadataValue.path(plan.input_dir)} if plan.input_dir else {}
        yield dg.Output(None, "table", metadata={
            "dagster/row_count": stats.written, "path": dg.MetadataValue.path(str(lake_dir / table)),
            **{k: dg.MetadataValue.int(v) for k, v in work.items()}, **extra})
        yield dg.Output(None, "rejected", metadata={
            "dagster/row_count": stats.rejected, "reasons": dg.MetadataValue.json(stats.reasons)})

    return finish_stage


def stage_asset(table: str, stage: str, group: str, description: str, plan: dg.OpDefinition, work: Work,
                finish: Finish, upstream: str | None = None, unit: str = "reports",
                check: Callable[[stages.Plan, stages.StageStats], None] | None = None,
                config: dg.ConfigMapping | None = None) -> dg.AssetsDefinition:
    """The stage's two assets (its table and rejected_at_<stage>), with the stage version as
    their code version. `plan` is an op taking a Nothing input `start` (the upstream asset)."""
    version, kinds = stage_version(stage), {"python", "parquet"}
    outs = {
        table: dg.AssetOut(description=description, code_version=version, kinds=kinds, dagster_type=dg.Nothing),
        f"rejected_at_{stage}": dg.AssetOut(
            description=f"Files rejected at the {stage} stage, with the reason.", code_version=version,
            kinds=kinds, dagster_type=dg.Nothing),
    }
    buckets = [bucket_op(stage, k, work) for k in range(stages.BUCKETS)]
    done = finish_op(stage, table, finish, unit, check)

    def compose_from(planned):
        made, rejected = done(planned, **{f"bucket_{k}": bucket(planned) for k, bucket in enumerate(buckets)})
        return {table: made, f"rejected_at_{stage}": rejected}

    decorate = dg.graph_multi_asset(
        name=table, outs=outs, group_name=group, config=config,
        ins={"upstream": dg.AssetIn(key=upstream, dagster_type=dg.Nothing)} if upstream else None)
    if upstream:
        def compose(upstream):
            return compose_from(plan(start=upstream))
    else:
        def compose():
            return compose_from(plan())
    compose.__name__ = table
    return decorate(compose)
