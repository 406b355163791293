"""Sentence spans of the clean text, each with the innermost section it lies in."""

from __future__ import annotations

import re
from dataclasses import dataclass

from orchestration.reports.sections import Section

# Punctuation that ends a sentence; a line break always does.
SENTENCE_ENDS = "。！？!?；;"
# Quotes and brackets: a sentence end inside them (“……。”) does not end the sentence around them.
PAIRS = {"“": "”", "‘": "’", "《": "》", "（": "）", "(": ")", "「": "」", "『": "』", "【": "】"}
# Closing marks right after a sentence end belong to that sentence: 。” ends it.
TRAILING_CLOSERS = "”’」』）)】》"
# An opening quote never closed (an OCR slip) stops shielding sentence ends after this many characters.
MAX_QUOTE_LEN = 200

_MARK_RE = re.compile("[" + re.escape(SENTENCE_ENDS + "\n" + "".join(PAIRS) + "".join(PAIRS.values())) + "]")
_CLOSERS = frozenset(PAIRS.values())
_new = object.__new__


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    section_id: int | None


def split_sentences(text: str, sections: list[Section]) -> list[Sentence]:
    spans = _spans(text)
    section_ids = _innermost_sections([start for start, _ in spans], sections)
    # The same objects Sentence(...) makes, built without its __init__: a frozen dataclass sets each
    # field by a call of object.__setattr__, filling the new instance's __dict__ at once costs half.
    sentences = []
    for i, ((start, end), sid) in enumerate(zip(spans, section_ids, strict=True)):
        sentence = _new(Sentence)
        sentence.__dict__.update(index=i, start=start, end=end, section_id=sid)
        sentences.append(sentence)
    return sentences


def _spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start, size = 0, len(text)
    open_quotes: list[tuple[str, int]] = []  # (expected closer, where it opened)
    for m in _MARK_RE.finditer(text):
        ch = m.group()
        if ch in PAIRS:
            open_quotes.append((PAIRS[ch], m.start()))
        elif ch in _CLOSERS:
            if open_quotes and open_quotes[-1][0] == ch:
                open_quotes.pop()
        elif ch == "\n" or not open_quotes or m.start() - open_quotes[-1][1] > MAX_QUOTE_LEN:
            end = m.end()
            if ch != "\n":
                while end < size and text[end] in TRAILING_CLOSERS:
                    end += 1
            _close(text, start, end, spans)
            start = end
            open_quotes.clear()
    _close(text, start, size, spans)
    return spans


def _close(text: str, a: int, b: int, spans: list[tuple[int, int]]) -> None:
    """Add text[a:b] without the whitespace at its ends, unless nothing is left."""
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if a < b:
        spans.append((a, b))


def _innermost_sections(starts: list[int], sections: list[Section]) -> list[int | None]:
    """For offsets in increasing order, the innermost section holding each (sections nest, in order)."""
    found: list[int | None] = []
    stack: list[Section] = []
    k = 0
    for offset in starts:
        while k < len(sections) and sections[k].start <= offset:
            while stack and stack[-1].end <= sections[k].start:
                stack.pop()
            stack.append(sections[k])
            k += 1
        while stack and stack[-1].end <= offset:
            stack.pop()
        found.append(stack[-1].section_id if stack else None)
    return found
