"""Numbers: spans of the text that state a quantity -> value, unit, approx.

A quantity needs a measure word (件, 项, 人次, 万元, ...) or a percent; bare numbers (years, dates,
document numbers, list markers, phone numbers, "1+1+6" names) are never quantities.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

import cn2an

from orchestration.metrics.grammar import NUMBERS
from orchestration.metrics.vocabulary import Vocabulary, alternation
from orchestration.reports.script import simplified

# Same-length mapping, so offsets into the normalised text are offsets into the report text.
_FULLWIDTH = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
        **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
        "％": "%", "．": ".", "，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "！": "!",
        "？": "?", "～": "~", "－": "-", "—": "-", "–": "-", "＋": "+", "／": "/", "\u3000": " ",
    }
)
_FULLWIDTH_CHARS = re.compile("[" + "".join(re.escape(chr(c)) for c in _FULLWIDTH) + "]")

_CN_DIGITS = NUMBERS["cn_digits"]
# Atomic: nothing that may follow a number (a measure word, an approx word, a range mark, 万) starts
# with a digit, a comma or a point, so giving digits back never makes a match; without it a digit
# run that is no quantity (2019年) is retried at every shorter length.
_ARABIC = r"(?>\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?)"
_MULTIPLIERS = {k: float(v) for k, v in NUMBERS["multipliers"].items()}
_MULT = "".join(_MULTIPLIERS)
_PERCENT_WORD = NUMBERS["percent_word"]  # 百分之
# Characters that make a digit run part of a code, a date, a formula or an ordinal, not a count.
_GLUED_BEFORE = set(NUMBERS["glued_before"])
_BROKEN = re.compile(r"\d[·・]?\d*[ \t]+\Z|\d[·・]\Z")
_CLAUSE_END = set(",;:.!?、。)\"”’ \t\n")


def normalise(text: str) -> str:
    """Full-width digits, letters and punctuation -> ASCII, traditional characters -> simplified;
    same length as `text`."""
    # A dict-based str.translate costs a lookup per character of the text; a regex scan finds the
    # few mapped characters present at C speed, and str.replace swaps each of them (8x faster).
    for ch in set(_FULLWIDTH_CHARS.findall(text)):
        text = text.replace(ch, _FULLWIDTH[ord(ch)])
    return simplified(text)


class Quantity(NamedTuple):
    """Immutable like a frozen dataclass, and built at a quarter of its cost (a tuple, not a
    __setattr__ a field): find_quantities makes one for every number of every report."""

    start: int  # span in the text, approx words and 百分之 included
    end: int
    num_start: int  # the digits alone
    num_end: int
    value: float  # normalised: 万/亿 multiplied out, money in yuan, percent as 0-100
    unit: str
    word: str  # the measure word as written
    generic: bool  # 件/个/项: the counted noun or the measure may name the unit
    approx: bool  # 余, 多, 近, 约, 以上, ... or a range (3-5次 is 3, approx)


@cache
def _grammar(vocab: Vocabulary) -> tuple[re.Pattern, dict[str, tuple[str, ...]]]:
    """The quantity pattern (a number needs a measure word after it, or 百分之 before it) and the
    approx words that may precede a number, by their last character, longest first."""
    num = rf"(?:{_ARABIC}|[{_CN_DIGITS}]+)"
    # After the digits, a measure word at least: a lookahead for what may follow them lets a number
    # that is no quantity (一 in 进一步) fail at once rather than through every optional part.
    follows = {" ", "\t", *NUMBERS["inner_approx"], *_MULT, *NUMBERS["range_marks"],
               *(w[0] for w in vocab.words("approx_inner")), *(w[0] for w in vocab.units)}
    follow = "".join(re.escape(c) for c in sorted(follows))
    # (A lookahead for the characters a quantity can start with first: re then skips other
    # positions at C speed instead of trying every alternative at each.)
    pattern = re.compile(
        rf"(?=[\d{_CN_DIGITS}{re.escape(_PERCENT_WORD[0])}])(?:{_PERCENT_WORD}(?P<pnum>{num})"
        rf"|(?P<num>{num})(?=[{follow}])(?:(?P<inner0>[{NUMBERS['inner_approx']}])?[ \t]*(?P<mult>[{_MULT}])(?![{_CN_DIGITS}]))?"
        rf"(?:[ \t]*[{NUMBERS['range_marks']}][ \t]*(?P<num2>{num})(?:[ \t]*[{_MULT}])?)?"
        rf"[ \t]*(?P<inner>{alternation(vocab.words('approx_inner'))})?"
        rf"[ \t]*(?P<unit>{alternation(vocab.units)})(?!{alternation(vocab.words('not_counted'))})"
        rf"(?P<after>[ \t]*(?:{alternation(vocab.words('approx_after'))}))?)"
    )  # not_counted: 3个工作日, 2个月 are durations
    approx_before: dict[str, tuple[str, ...]] = {}
    for w in sorted(vocab.words("approx_before"), key=len, reverse=True):
        approx_before[w[-1]] = (*approx_before.get(w[-1], ()), w)
    return pattern, approx_before


def _number(text: str, percent: bool) -> float | None:
    if text[0].isdigit():
        return float(text.replace(",", ""))
    if percent and text == NUMBERS["percent_whole"]:
        return 100.0  # 百分之百
    if not re.search(f"[{NUMBERS['counting_digits']}]", text):
        return None  # 万家, 千家万户: idiom, not a count
    try:
        return float(cn2an.cn2an(text, "normal"))
    except ValueError:
        return None


def find_quantities(text: str, vocab: Vocabulary) -> list[Quantity]:
    """Every quantity of the text, in order."""
    pattern, approx_before = _grammar(vocab)
    classifiers = vocab.words("classifier")
    found = []
    for m in pattern.finditer(text):
        pnum, num, inner0, mult, num2, inner, word, after = m.group(
            "pnum", "num", "inner0", "mult", "num2", "inner", "unit", "after")
        pct = pnum is not None
        digits = pnum if pct else num
        ns, ne = m.span("pnum" if pct else "num")
        before = text[ns - 1:ns]
        if before in _GLUED_BEFORE:
            continue
        if before == ":" and text[ns - 2:ns - 1].isdigit():
            continue  # 14:30 is a time; after 审结: (no digit before the colon) a count follows
        if _BROKEN.search(text, max(0, ns - 4), ns):
            continue  # 99·5 9%: the tail of a number the conversion broke apart; unreadable
        s, e = m.span()
        spoken = not (digits[0].isdigit() or pct or inner or inner0 or text[e:e + 1] in _CLAUSE_END)
        if spoken and (len(digits) == 1 or (_number(digits, pct) or 0) <= 10):
            continue  # 三项制度, 一次办, 两个确立: names; a small Chinese count stands at the clause end
        value = _number(digits, pct)
        if value is None:
            continue
        if mult:
            value *= _MULTIPLIERS[mult]
        unit, scale = vocab.units[word] if word else vocab.units["%"]
        approx = bool(inner or inner0 or after or num2)  # 50多万 / 1.2万余
        for w in approx_before.get(text[s - 1:s], ()):
            if text.endswith(w, 0, s):
                s, approx = s - len(w), True
                break
        found.append(
            Quantity(  # positional: half the cost of keywords
                s, e, ns, ne, round(value * scale, 6), unit, word or _PERCENT_WORD, word in classifiers, approx,
            )
        )
    return found
