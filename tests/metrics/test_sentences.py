"""The sentence table: every fact of every sentence, nothing more."""

from __future__ import annotations

import pytest

from orchestration.metrics.facts import extract_facts
from orchestration.metrics.vocabulary import vocabulary
from orchestration.reports.parsed import ParsedReport
from tests.metrics.sentence_cases import CASES

YEAR = 2023


def parse_expected(spec: str) -> tuple:
    name, value, unit, *flags = spec.split()
    domain, measure = name.split(".")
    kind, year, scope, approx = "value", YEAR, None, False
    for flag in flags:
        if flag == "~":
            approx = True
        elif flag in ("change", "target"):
            kind = flag
        elif flag.startswith("y"):
            year = int(flag[1:])
        elif flag.startswith("@"):
            scope = flag[1:]
        else:
            raise ValueError(f"unknown flag {flag!r} in {spec!r}")
    return domain, measure, kind, round(float(value), 6), unit, approx, year, scope


def facts_of(text: str, **fields) -> list:
    report = ParsedReport(report_id="t", file="t.txt", path="t.txt", text=text, report_year=YEAR, **fields)
    return extract_facts(report)


def as_tuple(f) -> tuple:
    return f.domain, f.measure, f.kind, round(f.value, 6), f.unit, f.approx, f.year, f.scope


def test_the_table_covers_the_vocabulary():
    assert len(CASES) >= 80
    assert len({text for text, _ in CASES}) == len(CASES)
    expected = [parse_expected(spec) for _, specs in CASES for spec in specs]
    assert {(d, m) for d, m, *_ in expected} == set(vocabulary().measure_units)
    assert {unit for *_, unit, _, _, _ in expected} == {unit for unit, _ in vocabulary().units.values()}
    assert {kind for _, _, kind, *_ in expected} == {"value", "change", "target"}


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[f"case{i:03d}" for i in range(len(CASES))])
def test_sentence(text, expected):
    facts = facts_of(text)
    assert sorted(map(as_tuple, facts), key=repr) == sorted(map(parse_expected, expected), key=repr)
    for f in facts:
        assert text[f.start:f.end] == f.quote and f.rule
