"""Where a run's steps execute, chosen by run config: in the run's own process (the default),
or on a dask cluster (docs/distributed.md):

    execution:
      config:
        dask:
          cluster:
            existing:
              address: tcp://scheduler-host:8786

dagster-dask's executor does the work; each stage is a static fan-out of buckets
(orchestration.defs.fanout), so the buckets of a stage run on different dask workers.
"""

import sys
from unittest import mock

import dagster as dg
from dagster._core.definitions.executor_definition import IN_PROC_CONFIG, _core_in_process_executor_creation

from orchestration import publish

# The cluster kinds of dagster_dask.dask_executor, whose config this repeats: importing
# dagster_dask (it imports dask.dataframe and distributed) takes seconds, which every process
# that loads the code location would pay; only a run on dask imports it.
CLUSTERS = ("existing", "local", "yarn", "ssh", "pbs", "moab", "sge", "lsf", "slurm", "oar", "kube")
DASK_CONFIG = dg.Field({"cluster": dg.Field(dg.Selector({
    name: dg.Field({"address": dg.StringSource}, description="Connect to an existing scheduler.")
    if name == "existing" else dg.Field(dg.Permissive(), is_required=False,
                                        description=f"dagster-dask's {name} cluster configuration.")
    for name in CLUSTERS}))})


@dg.executor(
    name="in_process_or_dask",
    config_schema=dg.Field(dg.Selector({"in_process": IN_PROC_CONFIG, "dask": DASK_CONFIG}),
                           default_value={"in_process": {}}),
    # Steps on dask workers are started from the code location's module, and read and write
    # the run's events and outputs through the instance: both must be on disk, not in memory.
    requirements=lambda config: dg.multiple_process_executor_requirements() if "dask" in config else [],
)
def in_process_or_dask(init_context: dg.InitExecutorContext) -> dg.Executor:
    config = init_context.executor_config
    if "dask" in config:
        ((cluster_type, cluster_config),) = config["dask"]["cluster"].items()
        return dask_executor(cluster_type, cluster_config)
    return _core_in_process_executor_creation(config["in_process"])


def run_step_after_upstream(dependencies, *args):
    """What a dask task runs: the step, unless a step it depends on failed or did not run.
    `dependencies` are those steps' events. The stock executor would run it anyway when the
    dependency is an order only (a Nothing input, as between stages and before dbt): a failed
    stage would be followed by the next ones and by dbt publishing the warehouse."""
    for events in dependencies:
        if not events or any(event.is_step_failure for event in events):
            return []  # not run: its own dependents skip in turn; the run fails with the failed step
    return _stock_step(dependencies, *args)


def _stock_step(dependencies, *args):
    from dagster_dask.executor import query_on_dask_worker

    return query_on_dask_worker(dependencies, *args)


def dask_executor(cluster_type: str, cluster_config: dict) -> dg.Executor:
    """dagster-dask's executor, submitting run_step_after_upstream instead of its own step function."""
    import dagster_dask.executor

    class DaskExecutor(dagster_dask.executor.DaskExecutor):
        def execute(self, plan_context, execution_plan):
            # The stock executor submits its module's function by name; this run submits ours.
            with mock.patch.object(dagster_dask.executor, "query_on_dask_worker", run_step_after_upstream):
                yield from super().execute(plan_context, execution_plan)

    return DaskExecutor(cluster_type, cluster_config)


def on_dask_worker() -> bool:
    if "distributed" not in sys.modules:  # not imported: not a dask worker (and importing it takes seconds)
        return False
    from distributed import get_worker

    try:
        get_worker()
    except ValueError:
        return False
    return True


# The build lock (orchestration.publish) is held by a process until it ends: right for a run's
# own process, wrong for a dask worker, which outlives the run and would keep every other
# worker's step out. So a step that ran on a dask worker lets the lock go when it ends. Across
# runs, the instance's run queue (max_concurrent_runs: 1) keeps builds from overlapping.
def _let_go(context: dg.HookContext) -> None:
    if on_dask_worker():
        publish.release(context.resources.warehouse.folder())


@dg.success_hook(name="release_lock_after_dask_step", required_resource_keys={"warehouse"})
def release_after_success(context: dg.HookContext) -> None:
    _let_go(context)


@dg.failure_hook(name="release_lock_after_failed_dask_step", required_resource_keys={"warehouse"})
def release_after_failure(context: dg.HookContext) -> None:
    _let_go(context)


RELEASE_LOCK = {release_after_success, release_after_failure}
