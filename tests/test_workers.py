"""orchestration.workers: order, budgets (time, memory), dead workers, errors, streaming, inline."""

from __future__ import annotations

import os
import resource
import signal
import time

from orchestration.workers import Budget, Failed, run_all

BUDGET = Budget(seconds=1.0, memory_mb=512)


# Module-level so that the worker processes can import them by name.
def square(x: int) -> int:
    return x * x


def misbehave(x: str):
    if x == "sleep":
        time.sleep(30)
    if x == "spin":
        while True:
            pass
    if x == "allocate":
        return len(bytearray(600 * 2**20))  # over the 512 MB limit
    if x == "allocate-some":
        return len(bytearray(200 * 2**20))  # within it
    if x == "exit":
        os._exit(3)
    if x == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    if x == "raise":
        raise ValueError("bad input")
    return x.upper()


def remember_pid(_x) -> int:
    return os.getpid()


def set_marker(value: str) -> None:
    global _marker
    _marker = value


_marker = "unset"


def read_marker(_x) -> tuple[str, int]:
    return _marker, os.getpid()


def fail_init() -> None:
    raise RuntimeError("no vocabulary")


def unpicklable(_x):
    return lambda: None


def test_order_kept_and_results_correct():
    items = list(range(50))
    out = list(run_all(square, items, workers=2, budget=BUDGET))
    assert out == [(i, i * i) for i in items]


def test_a_slow_item_fails_with_the_time_reason_and_the_next_ones_succeed():
    t0 = time.monotonic()
    out = dict(run_all(misbehave, ["a", "sleep", "b", "spin", "c"], workers=2, budget=BUDGET))
    assert out["sleep"] == Failed("took longer than 1 s (limit per file)")
    assert out["spin"] == Failed("took longer than 1 s (limit per file)")
    assert (out["a"], out["b"], out["c"]) == ("A", "B", "C")
    assert time.monotonic() - t0 < 10


def test_an_item_over_the_memory_limit_fails_with_the_memory_reason():
    items = ["allocate", "a", "allocate-some", "allocate", "b"]
    out = list(run_all(misbehave, items, workers=1, budget=BUDGET))
    assert out == [
        ("allocate", Failed("needed more than 512 MB (limit per file)")),
        ("a", "A"),
        ("allocate-some", 200 * 2**20),
        ("allocate", Failed("needed more than 512 MB (limit per file)")),
        ("b", "B"),
    ]


def data_limit(_x) -> int:
    return resource.getrlimit(resource.RLIMIT_DATA)[0]


def test_memory_none_sets_no_limit():
    ((_, limited),) = run_all(data_limit, [1], workers=1, budget=BUDGET)
    ((_, unlimited),) = run_all(data_limit, [1], workers=1, budget=Budget(seconds=5, memory_mb=None))
    assert limited == 512 * 2**20
    assert unlimited == resource.getrlimit(resource.RLIMIT_DATA)[0]


def test_a_worker_that_dies_fails_its_item_only_and_a_fresh_worker_goes_on():
    items = ["a", "exit", "b", "kill", "c", "d"]
    out = dict(run_all(misbehave, items, workers=1, budget=BUDGET))
    assert out["exit"] == Failed("worker process died (exit code 3)")
    assert out["kill"] == Failed("worker process died (signal 9, SIGKILL)")
    assert [out[k] for k in "abcd"] == ["A", "B", "C", "D"]


def test_an_exception_becomes_failed_and_the_loop_goes_on():
    out = list(run_all(misbehave, ["raise", "a"], workers=2, budget=BUDGET))
    (item, failed), second = out
    assert item == "raise" and failed == Failed("unexpected error: ValueError('bad input')")
    assert "Traceback" in failed.detail and "misbehave" in failed.detail
    assert second == ("a", "A")


def test_a_result_that_cannot_be_sent_back_is_failed():
    ((_, failed),) = run_all(unpicklable, [1], workers=1, budget=BUDGET)
    assert isinstance(failed, Failed) and failed.reason.startswith("unexpected error:")


def test_streaming_pulls_a_bounded_number_ahead():
    pulled = 0

    def counting():
        nonlocal pulled
        for i in range(10_000):
            pulled += 1
            yield i

    results = run_all(square, counting(), workers=2, budget=BUDGET)
    ahead = []
    for n, (i, result) in enumerate(results, start=1):
        assert result == i * i
        ahead.append(pulled - n)
        if n == 1_000:
            break
    results.close()
    assert max(ahead) <= 2 * 4  # workers * 4 in flight
    assert pulled <= 1_000 + 2 * 4


def test_stopping_early_stops_the_pool():
    results = run_all(square, range(10**9), workers=2, budget=BUDGET)
    assert next(results) == (0, 0)
    results.close()  # the caller breaks out of its loop: no hang, workers stopped


def test_the_initializer_runs_once_per_worker():
    out = [
        r
        for _, r in run_all(
            read_marker, range(40), workers=2, budget=BUDGET, initializer=set_marker, initargs=("vocabulary",)
        )
    ]
    assert {marker for marker, _ in out} == {"vocabulary"}
    assert len({pid for _, pid in out}) <= 2


def test_a_failing_initializer_fails_every_item_with_its_reason():
    out = list(run_all(square, [1, 2, 3], workers=1, budget=BUDGET, initializer=fail_init))
    assert [r for _, r in out] == [Failed("worker initializer failed: RuntimeError('no vocabulary')")] * 3


def test_workers_1_runs_in_another_process_and_workers_0_inline():
    ((_, pid),) = run_all(remember_pid, [1], workers=1, budget=BUDGET)
    assert pid != os.getpid()
    out = list(run_all(remember_pid, [1, 2], workers=0, budget=BUDGET))
    assert out == [(1, os.getpid()), (2, os.getpid())]


def test_inline_turns_exceptions_into_failed_with_the_traceback():
    def local(x):  # inline needs no pickling: a closure is fine
        if x == 2:
            raise KeyError(x)
        return x

    out = list(
        run_all(local, [1, 2, 3], workers=0, budget=BUDGET, initializer=set_marker, initargs=("here",))
    )
    assert out[0] == (1, 1) and out[2] == (3, 3)
    assert out[1][1] == Failed("unexpected error: KeyError(2)")
    assert "KeyError" in out[1][1].detail
    assert _marker == "here"


def test_negative_workers_is_an_error():
    import pytest  # here, not at the top: every worker process imports this module

    with pytest.raises(ValueError):
        run_all(square, [1], workers=-1, budget=BUDGET)


def exit_at_start() -> None:
    os._exit(1)


def test_a_pool_that_breaks_is_restarted_once_then_its_items_fail():
    out = list(run_all(square, [1, 2, 3], workers=1, budget=BUDGET, initializer=exit_at_start))
    assert [r.reason.startswith("worker pool broke") for _, r in out] == [True] * 3
