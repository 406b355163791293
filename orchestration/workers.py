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

Start method: forkserver. Pebble runs three threads in the parent, and the pipeline runs inside
Dagster (more threads, and polars and DuckDB pools): forking such a process to start a worker, as
pebble does again after every killed worker, can copy a lock some other thread held and hang the
child. The fork server is a single-threaded process started once, from which each worker is
forked. Measured on the 2-core machine (benchmarks/workers.py --startup), pool of 2 up to the first
result of a function in orchestration.metrics.facts: fork 0.03 s, forkserver 2.0 s, spawn 2.1 s.
Nearly all of forkserver's and spawn's time is each worker importing the function's module
(1.4 s for metrics.facts): paid once per worker at start and again after each killed worker,
which is small next to a 60 s budget.

Memory: RLIMIT_DATA in each worker (set in its initializer), not RLIMIT_AS. RLIMIT_AS counts
address space that is reserved but never used: a worker that has imported polars and pyarrow
(what orchestration.batch imports) holds 0.8 GB of address space for 0.17 GB resident, and after
one polars write 1.9 GB, where 2048 MB of RLIMIT_AS would leave a file almost nothing. RLIMIT_DATA
counts private writable memory (the heap, malloc's mmaps, thread stacks): what an allocation
actually asks for. See the measurements in benchmarks/workers.py --status.
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


def _new_pool(workers: int, budget: Budget, initializer, initargs) -> ProcessPool:
    return ProcessPool(
        max_workers=workers,
        initializer=_worker_init,
        initargs=(budget.memory_mb, initializer, initargs),
        context=multiprocessing.get_context(START_METHOD),
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
    except BaseException as error:  # e.g. a result that could not be pickled back
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
