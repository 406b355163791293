"""Instructions per round of parse and of extract, counted by valgrind: a figure the machine's load
does not move, for comparing two commits on a shared machine (CPU medians move by 20-30% there).

    .venv/bin/python benchmarks/instructions.py [--checkout DIR] [--input DIR] [--stride 3] [--rounds 2]

Needs valgrind (`apt-get install valgrind`). Runs two processes under `valgrind --tool=callgrind`,
one per stage, each with the code of --checkout (default: this one) first on the path, over every
--stride-th text of --input (default: the dev corpus). Each parses and extracts the texts once to
load everything (jieba's dictionary, the vocabulary, the patterns, the compiled rows), collects
garbage and turns the collector off (a collection lands in one round or another and moved the
figures by tens of millions), then runs --rounds rounds of its stage inside functools.reduce, the
only function callgrind counts (--toggle-collect). Prints instructions per round. Slow: about 50x
the plain run, a few minutes with the default stride.
"""

from __future__ import annotations

import argparse
import functools
import gc
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STAGES = ("parse", "extract")


def child(input_dir: Path, stride: int, stage: str, rounds: int) -> None:
    from orchestration.metrics import classify
    from orchestration.metrics.facts import extract_facts
    from orchestration.reports.parsed import parse_report
    from orchestration.reports.raw import read_report

    raws = [read_report(p) for p in sorted(input_dir.glob("*.txt"))][::stride]
    reports = [parse_report(r) for r in raws]
    for report in reports:
        extract_facts(report)
    gc.collect()
    gc.disable()

    def parse(_, __) -> None:
        for raw in raws:
            parse_report(raw)

    def extract(_, __) -> None:
        getattr(classify, "forget_cuts", lambda: None)()  # text never seen (older checkouts: no cache)
        for report in reports:
            extract_facts(report)

    functools.reduce(parse if stage == "parse" else extract, range(rounds + 1))  # (rounds calls)


def count(checkout: Path, input_dir: Path, stride: int, stage: str, rounds: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            ["valgrind", "--tool=callgrind", "--collect-atstart=no", "--toggle-collect=functools_reduce",
             f"--callgrind-out-file={tmp}/callgrind.out",
             sys.executable, __file__, "--child", stage, str(rounds), "--input", str(input_dir), "--stride", str(stride)],
            env={**os.environ, "PYTHONPATH": str(checkout), "PYTHONHASHSEED": "0"},
            capture_output=True, text=True, check=True,
        )
    return int(re.search(r"Collected : (\d+)", out.stderr)[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkout", type=Path, default=REPO, help="the code to measure (a git checkout)")
    ap.add_argument("--input", type=Path, default=REPO / "tests" / "fixtures" / "dev" / "texts")
    ap.add_argument("--stride", type=int, default=3, help="read every k-th text")
    ap.add_argument("--rounds", type=int, default=2, help="rounds of each stage counted")
    ap.add_argument("--child", nargs=2, metavar=("STAGE", "ROUNDS"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.input, args.stride, args.child[0], int(args.child[1]))
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (apt-get install valgrind)")
    with ThreadPoolExecutor(max_workers=len(STAGES)) as pool:  # each stage is one slow process
        parse, extract = pool.map(lambda s: count(args.checkout, args.input, args.stride, s, args.rounds) / args.rounds, STAGES)
    texts = len(sorted(args.input.glob("*.txt"))[:: args.stride])
    print(f"checkout {args.checkout}: {texts} texts (every {args.stride}th of {args.input})")
    print(f"parse    {parse / 1e6:10.1f} M instructions per round")
    print(f"extract  {extract / 1e6:10.1f} M instructions per round")
    print(f"together {(parse + extract) / 1e6:10.1f} M")


if __name__ == "__main__":
    main()
