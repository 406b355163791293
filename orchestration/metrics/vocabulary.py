"""The extraction vocabulary: dbt seed CSVs read once per process, and the jieba tokenizer built from them.

The same CSVs drive the dbt marts (accepted values, labels), so a new measure or cue word is a new
row there, never a code change.

- domains.csv: domain -> cue words that put a clause in the domain
- measures.csv: (domain, measure) -> usual unit and cue words; the `other` row's cues force `other`;
  single_total: true where a report states one total of the measure per year and scope, so that a later,
  smaller count of it in the same section (a campaign's, a kind of penalty's) is a part of that total,
  unless that total is cumulative (累计, 以来) or the later count names its own body (系统, 局)
- units.csv: measure word -> unit and scale (万元 -> yuan x 10000)
- qualifiers.csv: grammar words by role (approx_before, approx_inner, approx_after, change (value = sign),
  target (value = verb / bound / noun: how far it reaches), target_link (words between a target and its
  number: 目标值为), prior_year (较上年: a year-on-year baseline), zero, light_verb, classifier, not_counted,
  filler, subset, issuer, counted_noun (value = unit), generic_object (案件: an object that names nothing),
  passive (被), rate_suffix (率), enumeration_end (等), particle (了), respectively (分别),
  comparison (较, 相比) and degree (大幅, 继续): the words a change may carry besides its change word)
"""

from __future__ import annotations

import csv
import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jieba

from orchestration import settings
from orchestration.metrics.segment import Segmenter


@dataclass(frozen=True, eq=False)  # hashed by identity: one per process, a cache key
class Vocabulary:
    domain_cues: dict[str, str]  # cue word -> domain
    measure_cues: dict[str, dict[str, str]]  # domain -> cue word -> measure
    measure_units: dict[tuple[str, str], str]  # (domain, measure) -> usual unit
    units: dict[str, tuple[str, float]]  # measure word -> (unit, scale)
    roles: dict[str, dict[str, str]]  # role -> word -> value
    single_totals: frozenset[tuple[str, str]] = frozenset()  # (domain, measure) stated once per year

    def words(self, role: str) -> dict[str, str]:
        return self.roles.get(role, {})

    def all_words(self) -> set[str]:
        """Every word the tokenizer must keep whole."""
        words = set(self.domain_cues) | set(self.units)
        for cues in self.measure_cues.values():
            words |= set(cues)
        for table in self.roles.values():
            words |= set(table)
        return {w for w in words if len(w) > 1}


def alternation(words) -> str:
    """A regex alternative of the words, longest first (so 人次 wins over 人)."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _rows(name: str, directory: Path) -> list[dict[str, str]]:
    with open(directory / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _split(cues: str) -> list[str]:
    return [c.strip() for c in cues.split("|") if c.strip()]


def load_vocabulary(directory: Path) -> Vocabulary:
    domain_cues: dict[str, str] = {}
    for row in _rows("domains.csv", directory):
        for cue in _split(row["cues"]):
            if domain_cues.setdefault(cue, row["domain"]) != row["domain"]:
                raise ValueError(f"domain cue {cue!r} is listed for two domains")
    measure_cues: dict[str, dict[str, str]] = defaultdict(dict)
    measure_units: dict[tuple[str, str], str] = {}
    single_totals: set[tuple[str, str]] = set()
    for row in _rows("measures.csv", directory):
        domain, measure = row["domain"], row["measure"]
        if domain not in set(domain_cues.values()):
            raise ValueError(f"measure {domain}.{measure}: unknown domain")
        measure_units[(domain, measure)] = row["unit"]
        if row.get("single_total", "").strip().lower() == "true":
            single_totals.add((domain, measure))
        for cue in _split(row["cues"]):
            if measure_cues[domain].setdefault(cue, measure) != measure:
                raise ValueError(f"measure cue {cue!r} is listed twice in {domain}")
    units = {row["word"]: (row["unit"], float(row["scale"])) for row in _rows("units.csv", directory)}
    roles: dict[str, dict[str, str]] = defaultdict(dict)
    for row in _rows("qualifiers.csv", directory):
        roles[row["role"]][row["word"]] = row["value"]
    return Vocabulary(domain_cues, dict(measure_cues), measure_units, units, dict(roles), frozenset(single_totals))


@cache
def vocabulary() -> Vocabulary:
    return load_vocabulary(settings.VOCABULARY_DIR)


@cache
def tokenizer() -> jieba.Tokenizer:
    """One jieba tokenizer per process, with every vocabulary word forced to stay whole."""
    logging.getLogger("jieba").setLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    for word in sorted(vocabulary().all_words()):
        tk.suggest_freq(word, tune=True)
    return tk


@cache
def segmenter() -> Segmenter:
    """The tokenizer's words, cut by the faster equivalent of its `cut(text, HMM=False)`."""
    return Segmenter(tokenizer())
