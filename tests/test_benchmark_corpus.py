"""The benchmark corpus generator: deterministic, every report distinct, and parseable into the
year and region it was given, with facts. No timing here: benchmarks/scale.py measures speed."""

from __future__ import annotations

import hashlib
import sys

import pytest

from orchestration import batch, settings
from orchestration.metrics.facts import extract_facts
from orchestration.reports.raw import read_report

sys.path.insert(0, str(settings.REPO_ROOT))
from benchmarks import corpus  # noqa: E402  (benchmarks/ is a folder of scripts, not an installed package)


def digests(folder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_same_n_and_seed_give_byte_identical_files(tmp_path):
    corpus.write_corpus(tmp_path / "a", 30, seed=7)
    corpus.write_corpus(tmp_path / "b", 30, seed=7)
    assert digests(tmp_path / "a") == digests(tmp_path / "b")
    corpus.write_corpus(tmp_path / "c", 30, seed=8)
    assert set(digests(tmp_path / "c").values()).isdisjoint(digests(tmp_path / "a").values())


def test_a_smaller_corpus_is_the_start_of_a_larger_one(tmp_path):
    corpus.write_corpus(tmp_path / "small", 10)
    corpus.write_corpus(tmp_path / "large", 25)
    large = digests(tmp_path / "large")
    assert digests(tmp_path / "small").items() <= large.items()


def test_every_report_is_distinct_in_bytes_text_and_title(tmp_path):
    n = 300
    corpus.write_corpus(tmp_path, n)
    assert len(set(digests(tmp_path).values())) == n
    raws = list(batch.read_all(batch.discover(tmp_path)))
    kept = [item for item in batch.parse_all(raws) if not isinstance(item, dict)]
    assert len(kept) == n  # neither duplicate check (same issuer, year and title; same text) drops any


def test_the_generator_refuses_more_reports_than_it_can_make_distinct():
    with pytest.raises(ValueError):
        corpus.report(corpus.capacity(), seed=0)
    assert corpus.capacity() >= 100_000  # the benchmark's largest size


@pytest.mark.parametrize("i", [0, 1, 2, 3, 57, 1234, 99_999])
def test_a_generated_report_parses_with_its_year_and_region_and_yields_facts(tmp_path, i):
    name, text, expected = corpus.report(i)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    [report] = [item for item in batch.parse_all([read_report(path)]) if not isinstance(item, dict)]
    assert {field: getattr(report, field) for field in expected} == expected
    assert extract_facts(report)
