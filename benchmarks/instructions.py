"""Instructions per round of parse and of extract, counted by valgrind: a figure the machine's load
does not move, for comparing two commits on a shared machine (CPU medians move by 20-30% there).

    .venv/bin/python benchmarks/instructions.py [--checkout DIR] [--input DIR] [--stride 3]

Needs valgrind (`apt-get install valgrind`). Runs three processes under `valgrind --tool=callgrind`,
each reading every --stride-th text of --input (default: the dev corpus) with the code of
--checkout (default: this one) first on the path: parse once and extract once, parse once and
extract twice, parse twice and extract twice. The differences are one steady round of extract and
of parse, start-up and first-use loading (jieba's dictionary, the vocabulary, the patterns) left
out. Slow: about 50x the plain run, a few minutes with the default stride.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def child(input_dir: Path, stride: int, parses: int, extracts: int) -> None:
    from orchestration.metrics import classify
    from orchestration.metrics.facts import extract_facts
    from orchestration.reports.parsed import parse_report
    from orchestration.reports.raw import read_report

    raws = [read_report(p) for p in sorted(input_dir.glob("*.txt"))][::stride]
    reports = []
    for _ in range(parses):
        reports = [parse_report(r) for r in raws]
    for _ in range(extracts):
        getattr(classify, "forget_cuts", lambda: None)()  # text never seen (older checkouts: no cache)
        for report in reports:
            extract_facts(report)


def count(checkout: Path, input_dir: Path, stride: int, parses: int, extracts: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/callgrind.out",
             sys.executable, __file__, "--child", str(parses), str(extracts),
             "--input", str(input_dir), "--stride", str(stride)],
            env={**os.environ, "PYTHONPATH": str(checkout), "PYTHONHASHSEED": "0"},
            capture_output=True, text=True, check=True,
        )
    return int(re.search(r"Collected : (\d+)", out.stderr)[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkout", type=Path, default=REPO, help="the code to measure (a git checkout)")
    ap.add_argument("--input", type=Path, default=REPO / "tests" / "fixtures" / "dev" / "texts")
    ap.add_argument("--stride", type=int, default=3, help="read every k-th text")
    ap.add_argument("--child", nargs=2, type=int, metavar=("PARSES", "EXTRACTS"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.input, args.stride, *args.child)
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (apt-get install valgrind)")
    one_one, one_two, two_two = (count(args.checkout, args.input, args.stride, p, e) for p, e in ((1, 1), (1, 2), (2, 2)))
    texts = len(sorted(args.input.glob("*.txt"))[:: args.stride])
    parse, extract = two_two - one_two, one_two - one_one
    print(f"checkout {args.checkout}: {texts} texts (every {args.stride}th of {args.input})")
    print(f"parse    {parse / 1e6:10.1f} M instructions per round")
    print(f"extract  {extract / 1e6:10.1f} M instructions per round")
    print(f"together {(parse + extract) / 1e6:10.1f} M")


if __name__ == "__main__":
    main()
