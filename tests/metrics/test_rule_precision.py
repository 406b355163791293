"""A precision figure per rule on the development corpus: which patterns and cascade steps to distrust.

Every fact names the rule that produced it. Scored against the dev gold (the scorer's matching: same
file, domain, measure, kind and value), each pattern of the grammar file that fires on at least a few
scored facts must be right more often than not; the table printed on failure shows them all.
"""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from orchestration import batch
from orchestration.metrics import patterns as pt
from orchestration.metrics.facts import extract_facts

DEV = Path(__file__).parents[1] / "fixtures" / "dev"
MIN_FACTS = 3
MIN_PRECISION = 0.6



def _key(row: dict) -> tuple:
    return (Path(row["file"]).name, row["domain"], row["measure"], row.get("kind") or "value", round(float(row["value"]), 2))


@pytest.fixture(scope="module")
def figures(scorer) -> dict[str, tuple[int, int]]:
    paths = sorted((DEV / "texts").glob("*.txt"))
    reports = [r for r in batch.parse_all(batch.read_all(paths)) if not isinstance(r, dict)]
    gold = collections.Counter(_key(g) for g in scorer.load_rows(str(DEV / "facts.jsonl")) if scorer.scored(g))
    hits, total = collections.Counter(), collections.Counter()
    for report in reports:
        for f in extract_facts(report):
            row = f.as_row()
            if not scorer.scored(row):
                continue
            rule = f.rule.split("/")[0]
            total[rule] += 1
            if gold[_key(row)] > 0:
                gold[_key(row)] -= 1
                hits[rule] += 1
    return {rule: (hits[rule], n) for rule, n in total.items()}


def test_every_busy_pattern_is_right_more_often_than_not(figures):
    table = "\n".join(f"{rule:28s} {h:4d}/{n:4d} {h / n:.2f}" for rule, (h, n) in sorted(figures.items(), key=lambda x: -x[1][1]))
    weak = [p.id for p in pt.patterns() if figures.get(p.id, (0, 0))[1] >= MIN_FACTS
            and figures[p.id][0] / figures[p.id][1] < MIN_PRECISION]
    assert not weak, f"patterns below {MIN_PRECISION} precision on the dev corpus: {weak}\n{table}"
