"""The words of titles and page chrome (orchestration/reports/metadata_words.csv): every row's example
is read the way its role says."""

from __future__ import annotations

import csv

import pytest

from orchestration.reports import metadata

with metadata.WORDS_FILE.open(encoding="utf-8", newline="") as fh:
    ROWS = list(csv.DictReader(fh))


def test_roles_are_known():
    assert {r["role"] for r in ROWS} <= {"title_end_strong", "title_end", "title_topic", "page_date",
                                         "written_date", "not_a_date"}


@pytest.mark.parametrize("row", [r for r in ROWS if r["role"].startswith("title")], ids=lambda r: r["word"])
def test_title_examples_are_titles(row):
    assert row["word"] in row["example"]
    assert metadata._title_shape(metadata._title_text(row["example"]))


@pytest.mark.parametrize("row", [r for r in ROWS if r["role"] in ("page_date", "written_date")],
                         ids=lambda r: r["word"])
def test_date_label_examples_give_their_date(row):
    found = metadata._labelled_date(row["example"], {})
    assert found is not None and found[1] == f"page:{row['word']}"


@pytest.mark.parametrize("row", [r for r in ROWS if r["role"] == "not_a_date"], ids=lambda r: r["word"])
def test_not_a_date_examples_give_none(row):
    assert metadata._labelled_date(row["example"], {}) is None
