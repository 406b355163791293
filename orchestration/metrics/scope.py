"""Scope: the department or place a number is about, when it is not the issuer's own total.

A department that opens a clause is its subject (区海洋发展局加大执法力度, …); one after 在/由 is a
location (在江南街道建立…). The issuer's own words (全区, 我局, 区政府) and the issuer's own name
clear the scope.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache

from orchestration.metrics import clauses as cl
from orchestration.metrics.cues import CueIndex
from orchestration.metrics.grammar import rx, source
from orchestration.metrics.vocabulary import Vocabulary, alternation

# 区海洋发展局, 市调委会 (or, with the report's own region, 文登区市场监督管理局): a department.
_DEPARTMENT = source("department")
# 江南街道, 杜桥镇: a place below the issuer (镇(街道) and 镇级 are no names).
_PLACE = rx("place")
# Words and function characters that make a match a phrase (深化乡镇, 每个乡镇, 于建立镇), not a name.
_NOT_IN_NAME = rx("not_in_name")
_LOCATIVE = rx("locative")
_HAN = re.compile(r"[\u4e00-\u9fff]")
# Time words that may open a clause before its subject (2023年全市受理…, 今年以来区卫健局…).
_OPENING_TIME = rx("opening_time")

Event = tuple[int, str | None]  # (position, scope from there on; None for the issuer itself)


@cache
def _issuer_words(vocab: Vocabulary) -> tuple[CueIndex, str]:
    words = vocab.words("issuer")
    return CueIndex(words), alternation(words)


@lru_cache(maxsize=4096)
def _department(regions: tuple[str, ...]) -> re.Pattern:
    """The department pattern with the report's own region names; compiled once per region, not
    once per report (compiling was a sixth of extraction's time)."""
    return re.compile(_DEPARTMENT.format(regions="".join(f"{re.escape(r)}|" for r in regions)))


@cache
def _hints(vocab: Vocabulary) -> tuple[re.Pattern, ...]:
    """Prefilters: anything in a sentence that may name a subject or the issuer. A department named
    with its region (文登区市场监督管理局) holds one without (区市场监督管理局), so no region is needed.
    Separate patterns, tried in turn: re skips to the first characters of the first two, while one
    alternation of all three was tried in full at every position; the place comes last, as it has no
    such characters (it opens with any two Han ones)."""
    return _department(()), re.compile(_issuer_words(vocab)[1]), _PLACE


class ScopeReader:
    """Reads the scope of a report's sentences; made once per report, it knows the issuer."""

    def __init__(self, vocab: Vocabulary, issuer: str | None, regions: tuple[str | None, ...] = ()):
        self.issuer = issuer or ""
        self.issuer_words, _ = _issuer_words(vocab)
        self.department = _department(tuple(r for r in regions if r))
        self.hints = _hints(vocab)

    def _name_at(self, text: str, pos: int, end: int) -> str | None:
        for pattern in (self.department, _PLACE):
            m = pattern.match(text, pos, end)
            if m and not _NOT_IN_NAME.search(m.group()):
                return m.group()
        return None

    def scope_of(self, name: str) -> str | None:
        if self.issuer_words.at(name, 0, len(name)) or (self.issuer and name[1:] in self.issuer):
            return None
        return name

    def mentions(self, text: str, start: int, end: int) -> bool:
        """Whether text[start:end] may name a subject or a place at all (events finds none else)."""
        department, issuer, place = self.hints
        return bool(department.search(text, start, end) or issuer.search(text, start, end)
                    or place.search(text, start, end))

    def events(
        self, text: str, clauses: list[tuple[int, int]], first_number: int, locations: bool,
        in_title: Callable[[int], bool],
    ) -> tuple[list[Event], list[Event]]:
        """(subjects, locations) of a sentence. Without `locations` only its first subject is sought."""
        subjects: list[Event] = []
        places: list[Event] = []
        if not clauses or not self.mentions(text, clauses[0][0], clauses[-1][1]):
            return subjects, places
        for a, b in clauses:
            if not locations and (subjects or a >= first_number):
                break
            start = a
            topic = cl.TOPIC.match(text, start, b)
            start = topic.end() if topic else start
            while start < b and not (_HAN.match(text[start]) or text[start].isdigit()):
                start += 1
            time = _OPENING_TIME.match(text, start, b)
            start = time.end() if time else start
            if start >= b:
                pass  # nothing but marks: no subject
            elif self.issuer_words.at(text, start, b):
                subjects.append((start, None))
            else:
                name = self._name_at(text, start, b)
                if name:
                    subjects.append((start, self.scope_of(name)))
            for m in _LOCATIVE.finditer(text, a, b) if locations else ():
                name = self._name_at(text, m.end(), b)
                if name and not in_title(m.start()):
                    places.append((m.end(), self.scope_of(name)))
        return subjects, places
