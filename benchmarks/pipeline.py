"""Throughput and memory of the Python stages on a synthetic corpus made from the samples.

    .venv/bin/python benchmarks/pipeline.py [--copies 200] [--input DIR]

Each sample is copied --copies times with a distinct trailing line (so none is a
duplicate); the stages then run exactly as in a build (worker processes, --processes),
into a temporary lake. Peak RSS is this process's; the workers' are not included. Prints
per-stage seconds, reports/s and MB/s, the median per-report parse and extract time,
and the peak RSS, which should stay flat as --copies grows (the stages stream).
For whole-process figures use /usr/bin/time -v on this script.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

from orchestration import settings, stages
from orchestration.metrics.facts import extract_facts
from orchestration.reports.parsed import parse_report
from orchestration.reports.raw import read_report


def make_corpus(source: Path, target: Path, copies: int) -> int:
    total = 0
    for path in sorted(source.glob("*.txt")):
        data = path.read_bytes()
        for n in range(copies):
            out = target / f"{path.stem}_{n:05d}.txt"
            out.write_bytes(data + f"\n（副本 {n}）\n".encode())
            total += out.stat().st_size
    return total


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def per_report_ms(paths: list[Path], repeats: int) -> tuple[float, float]:
    """Median milliseconds per report for parse and for extract, after a warm-up."""
    raws = [read_report(p) for p in paths]
    for raw in raws:  # warm-up: gazetteer, vocabulary and jieba load once per process
        extract_facts(parse_report(raw))
    parse_ms, extract_ms = [], []
    for _ in range(repeats):
        for raw in raws:
            t0 = time.perf_counter()
            report = parse_report(raw)
            t1 = time.perf_counter()
            extract_facts(report)
            t2 = time.perf_counter()
            parse_ms.append((t1 - t0) * 1000)
            extract_ms.append((t2 - t1) * 1000)
    return statistics.median(parse_ms), statistics.median(extract_ms)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=200)
    parser.add_argument("--input", type=Path, default=settings.REPO_ROOT / "seeds")
    parser.add_argument("--processes", type=int, default=stages.Workers().processes,
                        help="worker processes (default: one per core; 0: this process only)")
    args = parser.parse_args()
    workers = stages.Workers(processes=args.processes)

    parse_median, extract_median = per_report_ms(sorted(args.input.glob("*.txt")), repeats=5)
    print(f"per report (median of samples x5): parse {parse_median:.1f} ms, extract {extract_median:.1f} ms")

    with tempfile.TemporaryDirectory() as tmp:
        corpus, lake_dir = Path(tmp) / "corpus", Path(tmp) / "lake"
        corpus.mkdir()
        size = make_corpus(args.input, corpus, args.copies)
        reports = len(list(corpus.iterdir()))
        print(f"corpus: {reports} reports, {size / 1e6:.1f} MB")
        print(f"{'stage':<10}{'seconds':>10}{'reports/s':>12}{'MB/s':>8}{'peak RSS MB':>14}")
        for name, run in (
            ("raw", lambda: stages.load_raw(corpus, lake_dir, workers)),
            ("parsed", lambda: stages.parse_raw(lake_dir, workers)),
            ("metrics", lambda: stages.extract_parsed(lake_dir, workers)),
        ):
            t0 = time.perf_counter()
            stats = run()
            seconds = time.perf_counter() - t0
            print(f"{name:<10}{seconds:>10.2f}{reports / seconds:>12.0f}{size / 1e6 / seconds:>8.2f}"
                  f"{peak_rss_mb():>14.0f}   ({stats.written} rows, {stats.rejected} rejected)")


if __name__ == "__main__":
    main()
