"""Parse+extract throughput against a bare regex pass for numbers over the same text.

    .venv/bin/python benchmarks/extraction.py [--input DIR] [--copies 10] [--runs 5]

Reads every .txt under --input (default: the development corpus in tests/fixtures/dev/texts),
decodes them once, then times, in one process and on the same texts, --runs rounds of
  - a bare pass: one regular expression for a number and its measure word, over every text;
  - parse+extract: clean text, metadata, sections, sentences, then facts, for every text.
A round reads the texts --copies times; jieba's segmentation cache is emptied before each copy,
so every copy costs what text never seen costs (the region patterns stay compiled, as in a worker
that has read other reports of the same regions). Prints the medians of wall and CPU seconds,
MB/s, parse and extract apart, and the ratio (how many times slower parse+extract is than the
bare pass): the issue's yardstick, which does not depend on the machine's speed. On a shared
machine the CPU figures are the steadier ones.

To compare two commits, run this script from one checkout with the other's code first on the path,
alternating runs: `PYTHONPATH=/path/to/other/checkout .venv/bin/python benchmarks/extraction.py`.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from pathlib import Path

from orchestration import settings
from orchestration.metrics import classify
from orchestration.metrics.facts import extract_facts
from orchestration.reports.parsed import parse_report
from orchestration.reports.raw import read_report

BARE = re.compile(r"\d+(?:\.\d+)?\s*(?:万|亿)?\s*(?:件|项|个|人次|人|次|万元|元|%|家|起|宗)")


def forget() -> None:
    """Empty the per-text caches (older checkouts have none)."""
    getattr(classify, "forget_cuts", lambda: None)()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", type=Path, default=settings.REPO_ROOT / "tests" / "fixtures" / "dev" / "texts")
    ap.add_argument("--copies", type=int, default=10, help="reads of the corpus inside one timed round")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    raws = [read_report(p) for p in sorted(args.input.rglob("*.txt"))]
    megabytes = sum(len(r.text.encode()) for r in raws) * args.copies / 1e6
    for raw in raws:  # warm-up: vocabulary, gazetteer, jieba and the patterns load once
        extract_facts(parse_report(raw))

    bare_wall, bare_cpu, wall, cpu, parse_cpu, extract_cpu = [], [], [], [], [], []
    for _ in range(args.runs):
        w0, c0 = time.perf_counter(), time.process_time()
        for _ in range(args.copies):
            sum(len(BARE.findall(r.text)) for r in raws)
        bare_wall.append(time.perf_counter() - w0)
        bare_cpu.append(time.process_time() - c0)

        p_cpu = e_cpu = 0.0
        w0, c0 = time.perf_counter(), time.process_time()
        for _ in range(args.copies):
            forget()
            for raw in raws:
                t0 = time.process_time()
                report = parse_report(raw)
                t1 = time.process_time()
                extract_facts(report)
                p_cpu, e_cpu = p_cpu + t1 - t0, e_cpu + time.process_time() - t1
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
        parse_cpu.append(p_cpu)
        extract_cpu.append(e_cpu)

    med = statistics.median
    print(f"texts: {len(raws)} x {args.copies} copies, {megabytes:.2f} MB, medians of {args.runs} runs")
    print(f"bare regex pass   {med(bare_wall):8.3f} s wall {med(bare_cpu):8.3f} s CPU  {megabytes / med(bare_cpu):8.2f} MB per CPU-s")
    print(f"parse+extract     {med(wall):8.3f} s wall {med(cpu):8.3f} s CPU  {megabytes / med(cpu):8.2f} MB per CPU-s")
    print(f"  parse {med(parse_cpu):.3f} CPU-s, extract {med(extract_cpu):.3f} CPU-s "
          f"({1000 * med(cpu) / (len(raws) * args.copies):.2f} ms CPU per report)")
    print(f"ratio: parse+extract is {med(cpu) / med(bare_cpu):.1f}x slower than the bare pass "
          f"(CPU; {med(wall) / med(bare_wall):.1f}x by wall time)")


if __name__ == "__main__":
    main()
