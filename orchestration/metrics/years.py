"""Years: which calendar year a number describes, when the text names one.

2019年27%: a year before the number in its clause; 2023年,新收…: a year opening an earlier clause;
较2022年的420件: the baseline of a change; 2019年至2021年…分别为 and 近三年…分别为: a list of years.
Spans (2019年至2021年), 以来 and 较/比/自 years describe no single number.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import cn2an

_YEAR = re.compile(r"((?:19|20)\d{2})[ \t]*年(?!以来|以前|前|起|至今)")
_YEAR_RANGE = re.compile(r"((?:19|20)\d{2})[ \t]*年?[ \t]*[-~至到][ \t]*((?:19|20)\d{2})[ \t]*年")
_OPENING_YEAR = re.compile(r"(?:截至|截止到?|到|在|于)?[ \t]*((?:19|20)\d{2})[ \t]*年(?!以来|以前|前|起|至今)")
_RECENT_YEARS = re.compile(r"(?:近|连续|最近)([2-9二三四五六七八九两])年")
_SPAN_BEFORE = re.compile(r"(?:19|20)\d{2}[ \t]*年?[ \t]*[-~至到][ \t]*$")
_SPAN_AFTER = re.compile(r"[ \t]*[-~至到][ \t]*(?:19|20)\d{2}")
_BASELINE = re.compile(r"(?:较|比)[ \t]*(?:((?:19|20)\d{2})[ \t]*年度?|上年|去年|上一年)(?:同期)?的?[ \t]*$")


def baseline_year(before: str, report_year: int | None) -> tuple[bool, int | None]:
    """较2022年的 / 较上年 right before a number: it is the earlier value, of that year."""
    m = _BASELINE.search(before)
    if not m:
        return False, None
    return True, int(m[1]) if m[1] else (report_year - 1 if report_year else None)


class YearReader:
    def __init__(self, text: str, start: int, end: int, in_title: Callable[[int], bool]):
        self.text, self.s, self.e, self.in_title = text, start, end, in_title

    def _describes(self, m: re.Match) -> bool:
        start = m.start(1)
        before = self.text[max(self.s, start - 8):start]
        in_span = _SPAN_BEFORE.search(before) or _SPAN_AFTER.match(self.text, m.end(), self.e)
        return not (self.in_title(start) or in_span or before[-1:] in ("较", "比", "自"))

    def stated(self, clauses: list[tuple[int, int]], clause: int, pos: int) -> int | None:
        """The year named for a number at `pos`: in its clause before it, else opening an earlier clause."""
        a, _ = clauses[clause]
        mentions = [m for m in _YEAR.finditer(self.text, a, pos) if self._describes(m)]
        if mentions:
            return int(mentions[-1][1])
        for ca, _ in reversed(clauses[:clause]):
            m = _OPENING_YEAR.match(self.text, ca)
            if m and self._describes(m):
                return int(m[1])
        return None

    def listed(self, pos: int, report_year: int | None) -> list[int]:
        """The years a 分别 list at `pos` runs over: 2019年至2021年, 2019、2020年, 近三年."""
        spans = list(_YEAR_RANGE.finditer(self.text, self.s, pos))
        if spans:
            first, last = int(spans[-1][1]), int(spans[-1][2])
            return list(range(first, last + 1)) if 0 < last - first < 20 else []
        years = [int(y[1]) for y in _YEAR.finditer(self.text, self.s, pos) if not self.in_title(y.start())]
        recent = _RECENT_YEARS.search(self.text, self.s, pos)
        if not years and recent and report_year:
            n = int(recent[1]) if recent[1].isdigit() else int(cn2an.cn2an(recent[1], "normal"))
            years = list(range(report_year - n + 1, report_year + 1))
        return years
