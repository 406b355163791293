"""Every pattern of the grammar file (orchestration/metrics/data/patterns.yaml) gives the facts its
examples name, and stays silent on its counterexamples."""

from __future__ import annotations

import re

import pytest

from orchestration.metrics import patterns as pt
from orchestration.metrics.vocabulary import vocabulary
from orchestration.reports.parsed import Section
from tests.metrics.test_sentences import as_tuple, facts_of, parse_expected

PATTERNS = pt.patterns()
EXAMPLES = [(p.id, ex["text"], ex["facts"], ex.get("dropped", []) + ex.get("gives", []), ex.get("plan"))
            for p in PATTERNS for ex in p.examples]
# A counterexample is a sentence, or {text, facts}: a sentence and facts it gives instead.
COUNTER = [(p.id, c, [], None) if isinstance(c, str) else (p.id, c["text"], c["facts"], c.get("plan"))
           for p in PATTERNS for c in p.counterexamples]


def _facts(text: str, plan: str | None) -> list:
    """The facts of an example; `plan` marks where the report's plan part starts."""
    if plan is None:
        return facts_of(text)
    at = text.index(plan)
    heading = text[at:].split("\n", 1)[0]
    sections = [
        Section(0, None, 1, "一", "", 0, at, "achievements"),
        Section(1, None, 1, plan.rstrip("、"), heading[len(plan):], at, len(text), "plan"),
    ]
    return facts_of(text, sections=sections)


def test_the_file_loads_and_every_pattern_has_examples():
    assert PATTERNS, "the pattern file is empty"
    assert all(p.examples for p in PATTERNS)
    assert len({p.id for p in PATTERNS}) == len(PATTERNS)


def test_a_pattern_names_only_known_words(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: x\n  before: '{MEASURE:reconsideration.nothing}'\n  assigns: {measure: other}\n"
                   "  examples: [{text: a, facts: []}]\n", encoding="utf-8")
    with pytest.raises(ValueError):
        pt.load_patterns(bad, vocabulary())


def test_a_pattern_that_drops_numbers_or_amends_kinds_shows_which():
    for p in PATTERNS:
        if p.tier in ("amend", "kind", "domain"):
            assert all(ex.get("gives") for ex in p.examples), p.id
        elif p.assigns["measure"] == pt.DROP:
            assert all(ex.get("dropped") for ex in p.examples), p.id


@pytest.mark.parametrize(("pid", "text", "expected", "more", "plan"), EXAMPLES, ids=[f"{p}-{i}" for i, (p, *_) in enumerate(EXAMPLES)])
def test_example(pid, text, expected, more, plan):
    """`more`: numbers as written that must give no fact (dropped), or facts the sentence must give
    (gives, for a row that amends a kind or gives a domain, and names no fact's rule)."""
    facts = _facts(text, plan)
    produced = [as_tuple(f) for f in facts if f.rule == pid]
    assert sorted(produced, key=repr) == sorted(map(parse_expected, expected), key=repr), [
        (as_tuple(f), f.rule) for f in facts
    ]
    for f in facts:
        assert text[f.start:f.end] == f.quote
    for item in more:
        if " " in item:  # a fact
            assert parse_expected(item) in [as_tuple(f) for f in facts], [(as_tuple(f), f.rule) for f in facts]
        else:  # a number that gives none
            assert item in text and not [f for f in facts if item in f.quote], item


@pytest.mark.parametrize(("pid", "text", "instead", "plan"), COUNTER, ids=[f"{p}-not{i}" for i, (p, *_) in enumerate(COUNTER)])
def test_counterexample(pid, text, instead, plan):
    facts = _facts(text, plan)
    assert not [f for f in facts if f.rule == pid]
    produced = [as_tuple(f) for f in facts]
    for spec in instead:
        assert parse_expected(spec) in produced, [(as_tuple(f), f.rule) for f in facts]


def test_a_key_given_twice_is_refused(tmp_path):
    bad = tmp_path / "twice.yaml"
    bad.write_text("- id: x\n  assigns: {measure: other}\n  examples: [{text: a, facts: []}]\n  id: y\n", encoding="utf-8")
    with pytest.raises(ValueError, match="twice"):
        pt.load_patterns(bad, vocabulary())


def test_every_grammar_regex_compiles():
    from orchestration.metrics import grammar

    names = [row for row in grammar._load()[0]]
    assert "year" in names and "department" in names
    for name in names:
        source = grammar.source(name)
        re.compile(source.format(regions="") if name == "department" else source)


@pytest.mark.parametrize("row", [
    "  kinds: [goal]\n  assigns: {measure: other}\n",  # no such kind
    "  preceding: {}\n  assigns: {measure: other}\n",  # known at the late tier only
    "  late: true\n  preceding: {same_clause: true}\n  assigns: {measure: other}\n",
    "  lead: {rule: cue}\n  assigns: {measure: other}\n",
    "  paired: list\n  assigns: {measure: other}\n",
    "  within: [item, paragraph]\n  assigns: {measure: other}\n",
    "  assigns: {kind: target, scope: x}\n",  # a row without a measure amends the kind only
    "  own: {fits: true}\n  assigns: {measure: other}\n",  # known at the cue tier only
    "  tier: cue\n  assigns: {measure: other}\n",  # a cue row reads own
    "  tier: cue\n  own: {}\n  assigns: {measure: \"@own\"}\n",  # @own takes a word that fits
    "  tier: cue\n  own: {narrow: true}\n  assigns: {measure: other}\n",
], ids=["kind", "late-only", "preceding", "lead", "paired", "within", "amend", "own-tier", "cue-own", "own-fits", "own"])
def test_a_row_with_an_unknown_condition_is_refused(tmp_path, row):
    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: x\n" + row + "  examples: [{text: a, facts: []}]\n", encoding="utf-8")
    with pytest.raises(ValueError):
        pt.load_patterns(bad, vocabulary())


def test_tiers():
    tiers = {p.id: p.tier for p in PATTERNS}
    assert tiers["zero"] == "early" and tiers["parallel"] == "late" and tiers["goal-for-later-year"] == "amend"
    assert tiers["cue"] == tiers["cue-unit"] == tiers["foreign-object"] == "cue" and tiers["no-cue"] == "late"
