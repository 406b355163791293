"""Sentences, clauses and list items of the normalised text, as (start, end) spans.

A sentence ends at 。!? or a line break; a clause at , ; : (outside quotes, titles and brackets);
a list item at 、 when the piece before it holds a quantity (决定维持5件、撤销2件), so that noun lists
(查处网络谣言、违规信息和账号等案件10余件) stay whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from orchestration.metrics.grammar import rx

Span = tuple[int, int]

_SENTENCE_END = re.compile(r"[。!?\n]")
_CLAUSE_END = re.compile(r"[,:;]")
_THOUSANDS = re.compile(r",\d{3}(?!\d)")
_LABEL_VALUE = re.compile(r":[ \t]*\d")
_ITEM_END = re.compile("、")
_LEADING = " \t*#>·•"  # Markdown and bullet marks before a sentence
_PAIRS = {"《": "》", "“": "”", "(": ")", "「": "」", "〈": "〉", "‘": "’"}
_MARKS = re.compile("[" + re.escape("".join(_PAIRS) + "".join(_PAIRS.values())) + "]")
# A sentence that opens a topic: 一是 / (一) / 一、 / 1. headings (use with .match at the sentence start).
TOPIC = rx("topic")


def sentences(text: str) -> list[tuple[int, int, int]]:
    """(start, end, paragraph) of every non-empty sentence, terminator excluded."""
    found, pos, paragraph = [], 0, 0
    for m in [*_SENTENCE_END.finditer(text), None]:
        end = m.start() if m else len(text)
        start = pos
        while start < end and text[start] in _LEADING:
            start += 1
        stop = end
        while stop > start and text[stop - 1] in _LEADING:
            stop -= 1
        if stop > start:
            found.append((start, stop, paragraph))
        if m is None:
            break
        pos = m.end()
        paragraph += m.group() == "\n"
    return found


def brackets(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """(start, end, opening mark) of the outermost quoted, titled or bracketed spans in a sentence."""
    found, opened = [], None
    for m in _MARKS.finditer(text, start, end):
        i, ch = m.start(), m.group()
        if opened is None and ch in _PAIRS:
            opened = (i, ch)
        elif opened is not None and ch == _PAIRS[opened[1]]:
            found.append((opened[0], i + 1, opened[1]))
            opened = None
    return found


def _inside(pos: int, spans: list[tuple[int, int, str]]) -> bool:
    return any(s < pos < e for s, e, _ in spans)


def clauses(text: str, start: int, end: int, spans: list[tuple[int, int, str]]) -> list[Span]:
    cuts = [m.start() for m in _CLAUSE_END.finditer(text, start, end) if not spans or not _inside(m.start(), spans)]
    # A thousands separator (23,876) is not a clause break.
    cuts = [c for c in cuts if not (text[c - 1].isdigit() and _THOUSANDS.match(text, c, c + 5))]
    # A label before its value (审结:115件) is one clause with it, so the label stays the number's cue.
    cuts = [c for c in cuts if not (text[c] == ":" and _LABEL_VALUE.match(text, c, c + 3))]
    bounds = [start, *cuts, end]
    return [(bounds[i] + (i > 0), bounds[i + 1]) for i in range(len(bounds) - 1) if bounds[i + 1] > bounds[i] + (i > 0)]


def items(text: str, clause: Span, spans, has_quantity: Callable[[int, int], bool]) -> list[Span]:
    """List items of a clause; a piece without a quantity joins the next one (or the last)."""
    start, end = clause
    cuts = [m.start() for m in _ITEM_END.finditer(text, start, end) if not _inside(m.start(), spans)]
    pieces = [(s + (k > 0), e) for k, (s, e) in enumerate(zip([start, *cuts], [*cuts, end], strict=True))]
    merged: list[Span] = []
    pending = None
    for s, e in pieces:
        s = pending if pending is not None else s
        if has_quantity(s, e):
            merged.append((s, e))
            pending = None
        else:
            pending = s
    if pending is not None:
        if merged:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((pending, end))
    return merged
