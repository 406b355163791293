"""What the second core gives: read+parse+extract per report through orchestration.workers.

    .venv/bin/python benchmarks/workers.py [--input DIR] [--copies 3]   throughput, workers 0, 1, 2
    .venv/bin/python benchmarks/workers.py --startup                    pool start-up per start method
    .venv/bin/python benchmarks/workers.py --status                     a worker's memory after real work

Throughput: every .txt under --input (default: the development corpus, 195 texts), --copies
times, each item a path that a worker reads, parses and extracts facts from (the real per-report
work), with workers=0 (inline, no process), 1 and 2; prints items/s and the 2-against-1 ratio.
The wall times include starting the pool and each worker's warm-up (the initializer extracts one
report: jieba's dictionary and the vocabularies load once per worker). The machine's load average
is printed too: on a shared machine the second core may not be free, so the CPU time per report
(in the workers, and in this process besides) is printed as well, and from it the rate that two
free cores would give.

Measured 2026-12-01 on the 2-core machine while other sessions' builds held it at a load average
of 6-8, so the wall-clock figures are noise: over 15 runs in a row workers=2 against workers=1 went from
0.34x to 1.94x. The CPU-time figures hold: per report a worker spends the same CPU as inline
(4.3 ms on the development texts, 22 ms on the seeds x40) and this process about 0.5-0.9 ms
besides, so two free cores give at most 1.5-1.8x inline on the small development texts and 1.86x
on the seeds (17 KB each); the heavier the report, the nearer 2x.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from orchestration import workers as W
from orchestration.workers import Budget, Failed, run_all

DEFAULT_INPUT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "dev" / "texts"


def extract_one(path: str) -> int:
    from orchestration.metrics.facts import extract_facts
    from orchestration.reports.parsed import parse_report
    from orchestration.reports.raw import read_report

    return len(extract_facts(parse_report(read_report(path))))


def warm_up(path: str) -> None:
    """Once per worker (the initializer): jieba's dictionary and the vocabularies load here, not
    in the first report's time."""
    extract_one(path)


def extract_timed(path: str) -> tuple[int, float]:
    """The facts, and the CPU seconds this process spent on them (not the wall time, which
    other jobs on a shared machine stretch)."""
    t0 = time.process_time()
    facts = extract_one(path)
    return facts, time.process_time() - t0


def status(path: str) -> dict[str, str]:
    """The real work on one file, then this worker's memory as /proc/self/status tells it."""
    extract_one(path)
    wanted = ("VmPeak", "VmSize", "VmData", "VmHWM", "VmRSS", "Threads")
    with open("/proc/self/status") as f:
        fields = dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
    return {k: fields[k].strip() for k in wanted} | {"pid": str(os.getpid())}


def import_batch() -> None:
    """What a worker holds when its function lives in orchestration.batch (polars, pyarrow)."""
    import orchestration.batch  # noqa: F401


def probe(_x: int) -> int:
    import orchestration.metrics.facts  # noqa: F401
    import orchestration.reports.raw  # noqa: F401

    return os.getpid()


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def throughput(paths: list[str]) -> None:
    budget = Budget()
    rates, cpu = {}, {}
    for n in (0, 1, 2):
        t0, c0 = time.perf_counter(), time.process_time()
        facts = failed = 0
        work = 0.0
        for _, result in run_all(
            extract_timed, paths, workers=n, budget=budget, initializer=warm_up, initargs=(paths[0],)
        ):
            if isinstance(result, Failed):
                failed += 1
            else:
                facts += result[0]
                work += result[1]
        seconds = time.perf_counter() - t0
        here = time.process_time() - c0 - (work if n == 0 else 0.0)
        rates[n] = len(paths) / seconds
        cpu[n] = (work / len(paths), here / len(paths))
        print(
            f"workers={n}: {len(paths)} reports in {seconds:6.2f} s  {rates[n]:6.1f} reports/s"
            f"  CPU per report: {1000 * cpu[n][0]:5.1f} ms of work, {1000 * cpu[n][1]:4.1f} ms here besides"
            f"  ({facts} facts, {failed} failed; load average {load()})",
            flush=True,
        )
    print(
        f"workers=2 against workers=1: {rates[2] / rates[1]:.2f}x   against inline: {rates[2] / rates[0]:.2f}x"
    )
    # What 2 free cores would give, from CPU time alone: the two workers share the work, and this
    # process (dispatch, pickling, pebble's threads) shares the cores with them.
    work, here = cpu[2]
    ideal = 2 / (work + here)
    print(
        f"from CPU time, on 2 free cores: workers=2 at most {ideal:.1f} reports/s, {ideal * cpu[0][0]:.2f}x inline"
    )


def startup_one(method: str) -> None:
    """In a fresh process: the parent has the extractor imported, as the pipeline's has."""
    import orchestration.metrics.facts  # noqa: F401
    import orchestration.reports.raw  # noqa: F401

    W.START_METHOD = method
    t0 = time.perf_counter()
    pids = {r for _, r in run_all(probe, range(2 * W.IN_FLIGHT_PER_WORKER), workers=2, budget=Budget())}
    print(
        f"{method:10s} {time.perf_counter() - t0:5.2f} s to run 8 items on a new pool of 2 ({len(pids)} pids)"
    )


def startup() -> None:
    print(f"load average {load()}")
    for method in ("fork", "forkserver", "spawn"):
        for _ in range(2):
            subprocess.run([sys.executable, __file__, "--startup-one", method], check=True)


def show_status(paths: list[str]) -> None:
    for label, init in (
        ("worker importing facts+raw", None),
        ("worker importing orchestration.batch", import_batch),
    ):
        seen = {}
        for _, result in run_all(status, paths, workers=2, budget=Budget(), initializer=init):
            if not isinstance(result, Failed):
                seen[result["pid"]] = result  # the last status of each worker
        for s in seen.values():
            print(f"{label}: " + "  ".join(f"{k} {v}" for k, v in s.items() if k != "pid"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", type=Path, default=DEFAULT_INPUT)
    ap.add_argument("--copies", type=int, default=3)
    ap.add_argument("--startup", action="store_true")
    ap.add_argument("--startup-one", help=argparse.SUPPRESS)
    ap.add_argument("--status", action="store_true")
    args = ap.parse_args()
    paths = [str(p) for p in sorted(args.input.rglob("*.txt"))]
    if args.startup_one:
        startup_one(args.startup_one)
    elif args.startup:
        startup()
    elif args.status:
        show_status(paths)
    else:
        throughput(paths * args.copies)


if __name__ == "__main__":
    main()
