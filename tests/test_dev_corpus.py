"""The development corpus of real report excerpts (tests/fixtures/dev) holds its figures.

195 excerpts of real pages with hand-made facts and metadata, scored by the same scorer as the
samples. The floors live in tests/fixtures/dev/floors.json; a change that drops precision, recall
or the metadata figure by more than 0.01 below them fails here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from orchestration import batch
from orchestration.metrics.facts import extract_facts

DEV = Path(__file__).parent / "fixtures" / "dev"
FLOORS = json.loads((DEV / "floors.json").read_text(encoding="utf-8"))
SLACK = 0.01



@pytest.fixture(scope="module")
def parsed():
    paths = sorted((DEV / "texts").glob("*.txt"))
    reports = [r for r in batch.parse_all(batch.read_all(paths)) if not isinstance(r, dict)]
    assert len(reports) == len(paths), "every dev text must parse"
    return reports


def test_corpus_is_complete():
    index = [json.loads(line) for line in (DEV / "index.jsonl").read_text(encoding="utf-8").splitlines() if line]
    texts = {p.stem for p in (DEV / "texts").glob("*.txt")}
    assert {row["id"] for row in index} == texts, "index.jsonl names every text and only those"


def test_facts_hold_their_floor(parsed, scorer):
    pred = [f.as_row() for report in parsed for f in extract_facts(report)]
    gold = scorer.load_rows(str(DEV / "facts.jsonl"))
    files = {p.name for p in (DEV / "texts").glob("*.txt")}
    out = scorer.score_facts(gold, pred, files, verbose=False)
    figures = re.search(r"precision=([\d.]+) recall=([\d.]+)", out)
    precision, recall = float(figures[1]), float(figures[2])
    assert precision >= FLOORS["facts_precision"] - SLACK, out
    assert recall >= FLOORS["facts_recall"] - SLACK, out


def test_every_fact_reads_on_its_own(parsed):
    """The quote is the text at its offsets and lies inside its sentence, the text at the sentence's."""
    for report in parsed:
        for f in extract_facts(report):
            assert report.text[f.start:f.end] == f.quote, f
            assert report.text[f.sentence_start:f.sentence_end] == f.sentence, f
            assert f.sentence_start <= f.start and f.end <= f.sentence_end, f


def test_metadata_holds_its_floor(parsed, scorer):
    pred = [report.metadata() for report in parsed]
    gold = scorer.load_rows(str(DEV / "reports.csv"))
    out = scorer.score_reports(gold, pred, verbose=False)
    right = float(re.search(r"fields right \(([\d.]+)\)", out)[1])
    assert right >= FLOORS["reports_fields"] - SLACK, out
