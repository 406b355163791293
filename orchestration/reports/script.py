"""Traditional characters read as simplified ones, one character for one, so offsets stay exact.

Some reports (Hong Kong and Taiwan reprints, the State Council's traditional-script pages) are in
traditional characters. Readers of the text (metadata, extraction) work on `simplified(text)`, which
has the same length as `text`: a position found there is the same position in the text as written,
so quotes stay as the report wrote them. OpenCC's phrase tables may change a text's length, so its
character table is applied alone, through a translation table built once per process.
"""

from __future__ import annotations

import re
from functools import cache

import opencc

# CJK Unified Ideographs with Extension A, and the compatibility ideographs.
_BLOCKS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))


@cache
def _table() -> dict[int, str]:
    chars = [chr(c) for a, b in _BLOCKS for c in range(a, b + 1)]
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # a phrase joined or split lines: fall back to one by one
        converter = opencc.OpenCC("t2s")
        converted = [converter.convert(ch) for ch in chars]
    return {ord(ch): out for ch, out in zip(chars, converted, strict=True) if len(out) == 1 and out != ch}


@cache
def _traditional() -> re.Pattern:
    # A character class of every traditional character: most reports have none, and a regex scan
    # finds that at C speed (5x faster than str.translate with a 4,000-entry table).
    return re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_table())) + "]")


@cache
def _codepoints() -> list[int]:
    # _table() as a list indexed by code point, every other character mapped to itself: str.translate
    # looks a list up 3x faster than a dict, which it misses for nearly every character. A character
    # past its end raises IndexError, a LookupError, which str.translate reads as "unchanged".
    table = _table()
    points = list(range(max(table, default=0) + 1))
    for c, out in table.items():
        points[c] = ord(out)
    return points


def simplified(text: str) -> str:
    """`text` with every traditional character replaced by its simplified form; same length."""
    if _traditional().search(text) is None:
        return text
    return text.translate(_codepoints())  # one C pass, not a Python call per traditional character
