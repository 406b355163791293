"""Cue words found in a sentence: the vocabulary compiled into indexes, matched against jieba tokens."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from orchestration.metrics.vocabulary import Vocabulary, alternation

OTHER = "other"


class Cue(NamedTuple):  # (a tuple: made for every word found, and a frozen dataclass is slow to make)
    start: int
    end: int
    label: str


class CueIndex:
    """Leftmost-longest matches of a word list. Given token boundaries, a match must start or end on
    one: 查处 in 立案查处 and 化解 in 化解矛盾 count, 调处 in 协调处理 and 结案 in 终结案件 do not."""

    def __init__(self, words: dict[str, str]):
        self.words = words
        self.by_first: dict[str, list[str]] = defaultdict(list)
        for w in sorted(words, key=len, reverse=True):
            self.by_first[w[0]].append(w)
        # Where any word starts (overlapping), so the scan skips everything else at C speed; the
        # class of first characters goes first, as re tries every word at every position otherwise.
        firsts = re.escape("".join(sorted(self.by_first)))
        self.starts = re.compile(f"(?=[{firsts}])(?=(?:{alternation(words)}))") if words else None

    def at(self, text: str, i: int, end: int, bounds=None) -> Cue | None:
        for w in self.by_first.get(text[i], ()):
            j = i + len(w)
            if j <= end and text.startswith(w, i) and (bounds is None or i in bounds or j in bounds):
                return Cue(i, j, self.words[w])
        return None

    def find(self, text: str, start: int, end: int, bounds=None, hidden=None) -> list[Cue]:
        found, i = [], start
        for m in self.starts.finditer(text, start, end) if self.starts else ():
            p = m.start()
            if p < i or (hidden and hidden(p)):
                continue
            cue = self.at(text, p, end, bounds)
            if cue:
                found.append(cue)
                i = cue.end
        return found


class Bounds:
    """Token boundaries of the clauses that were segmented; elsewhere every position counts."""

    def __init__(self):
        self.points: set[int] = set()
        self.ranges: list[tuple[int, int]] = []

    def __contains__(self, pos: int) -> bool:
        return pos in self.points or not any(a < pos < b for a, b in self.ranges)


@dataclass(frozen=True, eq=False)
class Indexes:
    domains: CueIndex
    measures: dict[str, CueIndex]
    roles: dict[str, CueIndex]
    zero_cues: CueIndex  # cues of count measures a negation can state as zero (未有败诉)
    zero_pattern: re.Pattern | None  # prefilter: a negation word right before such a cue
    # Measure cues that name the domain's object (行政诉讼案件, 法律援助): weaker than a verb (审结).
    object_cues: dict[str, set[str]]
    shared_cues: frozenset[str]  # measure cues of several domains (受理, 办结, 化解): they say little alone
    vocab_words: frozenset[str]

    def role(self, role: str) -> CueIndex:
        return self.roles.get(role) or CueIndex({})


@cache
def indexes(vocab: Vocabulary) -> Indexes:
    zero_cues = {
        cue: cue
        for domain, cues in vocab.measure_cues.items()
        for cue, measure in cues.items()
        if vocab.measure_units[(domain, measure)] == "case" and measure != OTHER
    }
    negations = vocab.words("zero")
    passive = alternation(vocab.words("passive"))  # 无一例被纠错
    zero_pattern = (
        re.compile(f"(?:{alternation(negations)})(?:{passive})?(?:{alternation(zero_cues)})") if negations else None
    )
    all_cues = [c for cues in vocab.measure_cues.values() for c in cues]
    return Indexes(
        domains=CueIndex(vocab.domain_cues),
        measures={d: CueIndex(cues) for d, cues in vocab.measure_cues.items()},
        roles={role: CueIndex(words) for role, words in vocab.roles.items()},
        zero_cues=CueIndex(zero_cues),
        zero_pattern=zero_pattern,
        object_cues={
            d: {cue for cue in cues if any(dc in cue for dc, dd in vocab.domain_cues.items() if dd == d)}
            for d, cues in vocab.measure_cues.items()
        },
        shared_cues=frozenset(c for c in all_cues if all_cues.count(c) > 1),
        vocab_words=frozenset(vocab.all_words()),
    )
