"""Parse+extract throughput against a bare regex pass for numbers over the same text.

    .venv/bin/python benchmarks/extraction.py [--input DIR] [--copies 10] [--runs 5]

Reads every .txt under --input (default: the development corpus in tests/fixtures/dev/texts),
decodes them once, then times, in one process and on the same texts, --runs rounds of
  - a bare pass: one regular expression for a number and its measure word, over every text;
  - parse+extract: clean text, metadata, sections, sentences, then facts, for every text.
Prints the median of each, MB/s and the ratio (how many times slower the extractor is than the
bare pass); the issue's yardstick is that ratio, which does not depend on the machine's speed.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from pathlib import Path

from orchestration import settings
from orchestration.metrics.facts import extract_facts
from orchestration.reports.parsed import parse_report
from orchestration.reports.raw import read_report

BARE = re.compile(r"\d+(?:\.\d+)?\s*(?:万|亿)?\s*(?:件|项|个|人次|人|次|万元|元|%|家|起|宗)")


def timed(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", type=Path, default=settings.REPO_ROOT / "tests" / "fixtures" / "dev" / "texts")
    ap.add_argument("--copies", type=int, default=10, help="rounds over the corpus inside one timed run")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    raws = [read_report(p) for p in sorted(args.input.rglob("*.txt"))] * args.copies
    megabytes = sum(len(r.text.encode()) for r in raws) / 1e6
    for raw in raws[: len(raws) // args.copies]:  # warm-up: vocabulary, gazetteer, jieba load once
        extract_facts(parse_report(raw))

    def bare() -> int:
        return sum(len(BARE.findall(r.text)) for r in raws)

    def full() -> int:
        return sum(len(extract_facts(parse_report(r))) for r in raws)

    bare_s = statistics.median(timed(bare, args.runs))
    full_s = statistics.median(timed(full, args.runs))
    print(f"texts: {len(raws)} ({len(raws) // args.copies} x {args.copies}), {megabytes:.2f} MB, medians of {args.runs} runs")
    print(f"bare regex pass   {bare_s:8.3f} s  {megabytes / bare_s:8.2f} MB/s")
    print(f"parse+extract     {full_s:8.3f} s  {megabytes / full_s:8.2f} MB/s")
    print(f"ratio: parse+extract is {full_s / bare_s:.1f}x slower than the bare pass")


if __name__ == "__main__":
    main()
