"""Runs per-report work (read, parse, extract) in worker processes with a budget per item.

    for item, result in run_all(fn, items, workers=2, budget=Budget(seconds=60, memory_mb=2048)):
        if isinstance(result, Failed):
            ...  # result.reason: why this one item failed; the loop goes on

A hostile file costs that file only: an item that runs past its time has its worker killed
(pebble's per-task timeout) and a fresh worker takes over; an item that needs more memory than
the limit gets a MemoryError inside its worker; a worker that dies (killed by the kernel, a crash
in C code, os._exit) fails only the item it was running. Every outcome is a value: fn's
exceptions come back as Failed, never raised to the caller.

Results come back in input order, streamed: at most workers*4 items are in flight, so a
generator of 100k paths is never held in memory.

fn, the initializer and the items must be picklable: fn and the initializer module-level
functions, imported by name in the workers.

Start method: forkserver. Pebble runs three threads in this process, and the pipeline runs inside
Dagster (more threads, and polars' and DuckDB's pools): forking such a process, as pebble does
again to replace every killed worker, can copy a lock that another thread held and hang the child
(Python 3.12 warns about it; 3.14 makes forkserver the default). The fork server is a
single-threaded process, started once per parent process, that forks each worker. Its price is
start-up: each worker imports fn's module itself (orchestration.metrics.facts: 1.4 s on an idle
core), where a forked worker inherits it. Measured with benchmarks/workers.py --startup (a new pool
of 2 running 8 items, the parent having imported the extractor) on the 2-core machine while other
jobs held it at a load average of 5-6: fork 0.17 s, forkserver 6.7-8.3 s, spawn 3.1-7.5 s. That is
paid once per pool and once more per killed worker, next to a 60 s budget per file.

Memory: RLIMIT_DATA in each worker (set in its initializer), not RLIMIT_AS. RLIMIT_AS counts
address space that is reserved but never used: a worker whose function lives in orchestration.batch
imports polars and pyarrow and holds 849 MB of address space (VmSize) for 236 MB resident (VmRSS)
and 290 MB of data (VmData) after real work; after one polars write in the same process VmSize
reaches 1.9 GB, where 2048 MB of RLIMIT_AS would leave a file nothing. A worker with only
orchestration.metrics.facts and orchestration.reports.raw imported, after reading, parsing and
extracting the 195 development texts: VmSize 172 MB, VmRSS 155 MB, VmData 138 MB. RLIMIT_DATA
counts private writable memory (the heap, malloc's mmaps, thread stacks), what an allocation
actually asks for, so the default 2048 MB leaves a file about 1.75-1.9 GB. (benchmarks/workers.py
--status measures these.) Memory that C code cannot get may end the worker instead of raising
MemoryError: that item then fails as "worker process died (...)".

Known limit: a worker that exits with status 0 in the middle of an item (os._exit(0)) is taken by
pebble for a clean exit; that item fails only when its time budget runs out, with the time reason
(with seconds=None it would wait for ever). sys.exit(0) is an exception, and fails as one.
"""

from __future__ import annotations

import logging
import multiprocessing
import pickle
import resource
import signal
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pebble import ProcessExpired, ProcessPool

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

START_METHOD = "forkserver"
IN_FLIGHT_PER_WORKER = 4
_DETAIL_CHARS = 4000  # the tail of a traceback kept in Failed.detail


@dataclass(frozen=True)
class Budget:
    seconds: float | None = 60.0  # wall time per item, from when a worker starts it
    memory_mb: int | None = 2048  # memory per worker process (RLIMIT_DATA)


@dataclass(frozen=True)
class Failed:
    reason: str  # one line, for a rejection row: why this item failed
    detail: str = field(default="", compare=False, repr=False)  # the traceback, where there is one


def time_reason(seconds: float) -> str:
    return f"took longer than {seconds:g} s (limit per file)"


def memory_reason(memory_mb: int | None) -> str:
    if memory_mb is None:
        return "ran out of memory"
    return f"needed more than {memory_mb} MB (limit per file)"


def died_reason(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = "unknown"
        return f"worker process died (signal {-exitcode}, {name})"
    return f"worker process died (exit code {exitcode})"


def _unexpected(error: BaseException) -> str:
    return f"unexpected error: {error!r}"


def _tail(text: str) -> str:
    return text[-_DETAIL_CHARS:]


def run_all(
    fn: Callable[[T], R],
    items: Iterable[T],
    *,
    workers: int,
    budget: Budget,
    initializer: Callable[..., Any] | None = None,
    initargs: tuple = (),
) -> Iterator[tuple[T, R | Failed]]:
    """fn(item) for every item, as (item, result or Failed), in input order.

    workers >= 1: that many worker processes, each item within `budget`.
    workers == 0: inline in this process, no budget (for debugging: pdb and plain tracebacks
    work; fn's exceptions still come back as Failed, with the traceback in Failed.detail).
    The initializer (with initargs) runs once in each worker process, or once here inline."""
    if workers < 0:
        raise ValueError(f"workers must be 0 (inline) or more, not {workers}")
    if workers == 0:
        return _run_inline(fn, items, initializer, initargs)
    return _run_pool(fn, items, workers, budget, initializer, initargs)


def _run_inline(fn, items, initializer, initargs) -> Iterator:
    if initializer is not None:
        initializer(*initargs)
    for item in items:
        try:
            result = fn(item)
        except Exception as error:
            result = Failed(_unexpected(error), _tail(traceback.format_exc()))
        yield item, result


# In each worker process ------------------------------------------------------------------

_init_failure: Failed | None = None


def _worker_init(memory_mb: int | None, initializer, initargs) -> None:
    """Runs once in each worker: the memory limit, then the caller's initializer. Never raises:
    pebble would restart a worker whose initializer fails again and again, so a failure is kept
    and every item of this worker reports it."""
    global _init_failure
    try:
        if memory_mb is not None:
            limit = memory_mb * 2**20
            _, hard = resource.getrlimit(resource.RLIMIT_DATA)
            if hard != resource.RLIM_INFINITY:
                limit = min(limit, hard)
            resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
        if initializer is not None:
            initializer(*initargs)
    except BaseException as error:
        _init_failure = Failed(f"worker initializer failed: {error!r}", _tail(traceback.format_exc()))


def _call(fn, item, memory_mb: int | None) -> Failed | bytes:
    """fn(item) in a worker: its result pickled here, so that one that cannot be pickled (or that
    runs out of memory being pickled) fails as this item's Failed instead of killing the worker."""
    if _init_failure is not None:
        return _init_failure
    try:
        return pickle.dumps(fn(item), protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        failed = Failed(memory_reason(memory_mb))
    except BaseException as error:
        return Failed(_unexpected(error), _tail(traceback.format_exc()))
    # Built out here, once the traceback and what its frames held are freed.
    return failed


# In this process --------------------------------------------------------------------------


_preload: list[str] = []


def preload(*modules: str) -> None:
    """Modules the fork server imports once, before it forks any worker: each new worker then
    starts with them loaded instead of importing them itself (seconds each, per pool). A
    module may warm caches on import (a vocabulary, a dictionary) for the same reason. Takes
    effect for the fork server this process starts next (the first pool)."""
    for module in modules:
        if module not in _preload:
            _preload.append(module)


def _new_pool(workers: int, budget: Budget, initializer, initargs) -> ProcessPool:
    context = multiprocessing.get_context(START_METHOD)
    if _preload:
        context.set_forkserver_preload(list(_preload))
    return ProcessPool(
        max_workers=workers,
        initializer=_worker_init,
        initargs=(budget.memory_mb, initializer, initargs),
        context=context,
    )


def _outcome(future, budget: Budget):
    try:
        outcome = future.result()
    except FutureTimeout:
        return Failed(time_reason(budget.seconds or 0))
    except ProcessExpired as error:
        return Failed(died_reason(error.exitcode))
    except BrokenProcessPool:
        raise
    except Exception as error:  # e.g. pebble's own errors; Ctrl-C here still stops the caller
        return Failed(_unexpected(error), getattr(error, "traceback", ""))
    return outcome if isinstance(outcome, Failed) else pickle.loads(outcome)


def _lost(future) -> bool:
    """Not finished, or finished by the pool breaking: to run again."""
    return not future.done() or future.cancelled() or isinstance(future.exception(), BrokenProcessPool)


def _run_pool(fn, items, workers, budget, initializer, initargs) -> Iterator:
    window = workers * IN_FLIGHT_PER_WORKER
    pool = _new_pool(workers, budget, initializer, initargs)
    pending: deque[list] = deque()  # [item, future, attempts], in input order
    source = iter(items)

    def submit(entry: list) -> None:
        entry[1] = pool.schedule(_call, args=(fn, entry[0], budget.memory_mb), timeout=budget.seconds)
        entry[2] += 1

    try:
        exhausted = False
        while True:
            while not exhausted and len(pending) < window:
                try:
                    item = next(source)
                except StopIteration:
                    exhausted = True
                    break
                entry = [item, None, 0]
                submit(entry)
                pending.append(entry)
            if not pending:
                break
            entry = pending[0]
            try:
                result = _outcome(entry[1], budget)
            except BrokenProcessPool as error:
                # The pool as a whole gave up (a worker died with no item on it). Start a fresh
                # one and run again what was in flight; an item caught in this twice fails.
                log.warning("worker pool broke (%r): restarting it", error)
                again = [e for e in pending if _lost(e[1])]
                pool.stop()
                pool.join()
                pool = _new_pool(workers, budget, initializer, initargs)
                for other in again:
                    if other[2] >= 2:
                        other[1] = Future()
                        other[1].set_result(Failed(f"worker pool broke: {error!r}"))
                    else:
                        submit(other)
                continue
            pending.popleft()
            yield entry[0], result
    finally:
        pool.stop()
        pool.join()
