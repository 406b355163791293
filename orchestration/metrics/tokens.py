"""Token boundaries of a sentence's clauses: where a cue word may start or end.

Cue words must start or end on a jieba token boundary (cues.CueIndex), and jieba is the slow step of
extraction. So numbers are cut out first (jieba would split 23.4% or 23,876), and each stretch of
text between them is segmented only when a cue is asked about a position inside it: most stretches
(the words after a clause's last number, a list's filler) never are. Each stretch is cut on its own,
so the boundaries are the same whether it is cut early, late or never asked about.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from orchestration.metrics.vocabulary import segmenter

_NUMBERISH = re.compile(r"[\d.,%]+")

# jieba's segmentation of a stretch of text, by the text: the tokenizer's dictionary is fixed once
# loaded, so a stretch seen before (boilerplate, a report read again) is cut once. Bounded: cleared
# when full, so a large batch does not grow it without end.
_CUTS: dict[str, tuple[str, ...]] = {}
_CUTS_MAX = 20_000  # short stretches between numbers: a few MB per worker


def forget_cuts() -> None:
    """Empty the segmentation cache: a benchmark that reads the same texts again calls it, so that
    it measures text never seen before."""
    _CUTS.clear()


def _cut(segment: str) -> tuple[str, ...]:
    tokens = _CUTS.get(segment)
    if tokens is None:
        if len(_CUTS) >= _CUTS_MAX:
            _CUTS.clear()
        tokens = _CUTS[segment] = tuple(segmenter().cut(segment))
    return tokens


class Tokens:
    """The token boundaries of the given clauses (`pos in tokens`); outside them every position counts.

    A boundary is a clause's start or end, a number's start or end, or a token end inside a stretch
    between numbers; inside a token of the vocabulary (人民调解|调解组织) every position is one too, as
    cues may overlap there, while inside any other word a cue is an accident (化解 in 多元化解决)."""

    def __init__(self, text: str, spans: list[tuple[int, int]], vocab_words: frozenset[str]):
        self.text, self.vocab_words = text, vocab_words
        self.ranges = spans
        self.points: set[int] = set()
        self.ends: set[int] = set()  # the token ends (a clause's start is a boundary but ends none)
        self._stretches: list[tuple[int, int] | None] = []  # stretches of two characters or more; None once cut
        for s, e in spans:
            self.points.update((s, e))
            pos = s
            for m in [*_NUMBERISH.finditer(text, s, e), None]:
                a, b = (m.start(), m.end()) if m else (e, e)
                if a - pos >= 2:  # (one character has no inside: its end, a, is a boundary anyway)
                    self._stretches.append((pos, a))
                self.ends.update((a, b))
                pos = b
        self.points |= self.ends
        self._starts = [a for a, _ in self._stretches]
        self._stops = [b for _, b in self._stretches]

    def __contains__(self, pos: int) -> bool:
        if pos in self.points:
            return True
        k = bisect_right(self._starts, pos) - 1
        if k >= 0 and pos < self._stops[k]:  # inside a stretch: a boundary only where jieba cuts it
            if self._stretches[k] is None:
                return False
            self._segment(k)
            return pos in self.points
        return not any(a < pos < b for a, b in self.ranges)

    def _segment(self, k: int) -> None:
        pos, a = self._stretches[k]
        self._stretches[k] = None  # cut once
        i = pos
        for token in _cut(self.text[pos:a]):
            if token in self.vocab_words:
                self.points.update(range(i + 1, i + len(token)))
            i += len(token)
            self.ends.add(i)
            self.points.add(i)

    def last(self, start: int, end: int) -> str:
        """The last token of text[start:end] (all of it when no boundary falls inside)."""
        k = bisect_left(self._starts, end) - 1  # the stretch that `end` may cut into (or close)
        if k >= 0 and self._stretches[k] is not None and end <= self._stops[k]:
            self._segment(k)  # (the stretches before it end on boundaries known without jieba)
        before = max((x for x in self.ends if x < end), default=start)
        return self.text[max(start, before):end]
