"""Cue words found in a sentence: the vocabulary compiled into indexes, matched against jieba tokens."""

from __future__ import annotations

import re
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
    """Leftmost-longest matches of a word list. Given token boundaries (`bounds`: any container of
    positions, tokens.Tokens for a sentence), a match must start or end on one: 查处 in 立案查处 and
    化解 in 化解矛盾 count, 化解 in 多元化解决 and 调结 in 民调结果 do not."""

    def __init__(self, words: dict[str, str]):
        self.words = words
        # The lengths of the words of each first character, longest first: `at` tries a slice of
        # each length rather than every word sharing the character.
        self.lengths: dict[str, list[int]] = {}
        for w in words:
            self.lengths.setdefault(w[0], []).append(len(w))
        for c, lengths in self.lengths.items():
            self.lengths[c] = sorted(set(lengths), reverse=True)
        # The longest word at the leftmost place any word starts: a plain alternation (longest
        # first) of literals, which re scans for by their first characters at C speed.
        self.starts = re.compile(alternation(words)) if words else None
        # The words of each last character, longest first: few words end where a span ends.
        self.by_last: dict[str, list[str]] = {}
        for w in sorted(words, key=len, reverse=True):
            self.by_last.setdefault(w[-1], []).append(w)

    def at(self, text: str, i: int, end: int, bounds=None) -> Cue | None:
        end = min(end, len(text))  # a slice past the text would be shorter than its length
        for n in self.lengths.get(text[i], ()):
            j = i + n
            if j <= end and (w := text[i:j]) in self.words and (bounds is None or i in bounds or j in bounds):
                return Cue(i, j, self.words[w])
        return None

    def find(self, text: str, start: int, end: int, bounds=None, hidden=None) -> list[Cue]:
        found, i = [], start
        search = self.starts.search if self.starts else None
        while search and (m := search(text, i, end)):
            p = m.start()
            if hidden and hidden(p):
                i = p + 1
                continue
            j = m.end()
            if bounds is None or p in bounds or j in bounds:  # the longest word there fits: the cue
                cue = Cue(p, j, self.words[m.group()])
            else:
                cue = self.at(text, p, end, bounds)
            if cue:
                found.append(cue)
                i = cue.end
            else:
                i = p + 1
        return found

    def longest_ending(self, text: str, start: int, stop: int) -> str | None:
        """The longest word that text[start:stop] ends with."""
        words = self.by_last.get(text[stop - 1], ()) if stop > start else ()
        return next((w for w in words if text.endswith(w, start, stop)), None)

    def ending(self, text: str, start: int, stop: int, bounds=None, hidden=None) -> Cue | None:
        """The cue find() reads in text[start:stop] that ends at `stop`, if any. Only a word ending
        there can be one: the last character spares the scan for most spans."""
        if self.longest_ending(text, start, stop) is None:
            return None
        return next((c for c in self.find(text, start, stop, bounds, hidden) if c.end == stop), None)


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
