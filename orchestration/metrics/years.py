"""Years: which calendar year a number describes, when the text names one.

2019年27%: a year before the number in its clause; 2023年,新收…: a year opening an earlier clause;
较2022年的420件: the baseline of a change; 2019年至2021年…分别为 and 近三年…分别为: a list of years.
Spans (2019年至2021年), 以来 and 较/比/自 years describe no single number.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import cn2an

from orchestration.metrics.grammar import NUMBERS, rx

_YEAR = rx("year")
_YEAR_RANGE = rx("year_range")
_OPENING_YEAR = rx("opening_year")
_TOPIC_MARK = rx("topic_mark")
_RECENT_YEARS = rx("recent_years")
_SPAN_BEFORE = rx("span_before")
_SPAN_AFTER = rx("span_after")
# 较2022年的 / 比上年 / 由2022年的 / 从上年的: the earlier value of a change ("from A to B" states A as
# the baseline and B, after 降至/提升至, as the report year's value unless B names a year of its own).
_BASELINE = rx("baseline")
# A year after 由/从 that only introduces its baseline number (由2022年的5.2%) says nothing of later numbers.
_BASELINE_NUMBER = rx("baseline_number")


# What a change is measured against: 较上年 / 比2020年 right before the change word, or a 与…相比 clause.
_COMPARED_DIRECT = rx("compared_direct")
_COMPARED_WITH = rx("compared_with")
# A baseline that is a period, not a comparison of degree (较大幅度): a year, a named plan period
# ("十三五"末), or a point in time (年初, 改革前, 基期).
_PERIOD = rx("period")
_YEAR_IN = rx("year_in")
# A year right after these describes no number of its own: 由/从 (a from-to baseline), 较/比/自.
_FROM, _AGAINST = set(NUMBERS["baseline_from"]), set(NUMBERS["compared_against"])


def older_baseline(before: str, report_year: int | None, prior_words) -> bool:
    """True when the change stated after `before` is measured against a period other than the previous
    year (比2020年提高, 较"十三五"末增长): not a year-on-year change. 同比 / 较上年 / no baseline: False."""
    m = _COMPARED_DIRECT.search(before)
    if m is None:
        found = list(_COMPARED_WITH.finditer(before))
        m = found[-1] if found else None
    if m is None:
        return False
    base = m["base"].strip(" \t")
    if not base or any(base.startswith(w) for w in prior_words):
        return False  # 同比 (the base is empty), 较上年同期, 比去年
    year = _YEAR_IN.match(base)
    if year and report_year:
        return int(year[1]) != report_year - 1
    return _PERIOD.search(base) is not None


def baseline_year(before: str, report_year: int | None) -> tuple[bool, int | None]:
    """较2022年的 / 较上年 right before a number: it is the earlier value, of that year."""
    return baseline_where(before, report_year)[:2]


def baseline_where(before: str, report_year: int | None) -> tuple[bool, int | None, str | None]:
    """`baseline_year` with where the year came from: "clause" (较2022年的) or "previous_year" (较上年)."""
    m = _BASELINE.search(before)
    if not m:
        return False, None, None
    if m[1]:
        return True, int(m[1]), "clause"
    return True, (report_year - 1 if report_year else None), ("previous_year" if report_year else None)


class YearReader:
    def __init__(self, text: str, start: int, end: int, in_title: Callable[[int], bool]):
        self.text, self.s, self.e, self.in_title = text, start, end, in_title

    def _describes(self, m: re.Match) -> bool:
        start = m.start(1)
        before = self.text[max(self.s, start - 8):start]
        in_span = _SPAN_BEFORE.search(before) or _SPAN_AFTER.match(self.text, m.end(), self.e)
        baseline = before[-1:] in _FROM and _BASELINE_NUMBER.match(self.text, m.end(), self.e)
        return not (self.in_title(start) or in_span or baseline or before[-1:] in _AGAINST)

    def stated(self, clauses: list[tuple[int, int]], clause: int, pos: int) -> int | None:
        """The year named for a number at `pos`: in its clause before it, else opening an earlier clause."""
        return self.stated_where(clauses, clause, pos)[0]

    def stated_where(self, clauses: list[tuple[int, int]], clause: int, pos: int) -> tuple[int | None, str | None]:
        """The year `stated` gives, with where it was named: "clause" or "sentence" (an earlier clause)."""
        a, _ = clauses[clause]
        mentions = [m for m in _YEAR.finditer(self.text, a, pos) if self._describes(m)]
        if mentions:
            return int(mentions[-1][1]), "clause"
        for ca, _ in reversed(clauses[:clause]):
            m = _OPENING_YEAR.match(self.text, ca)
            if m and self._describes(m):
                return int(m[1]), "sentence"
        return None, None

    def opening(self, pos: int) -> int | None:
        """The year that opens the sentence at `pos` (2022年,全区… / (一)2023年…), if any."""
        while pos < self.e and not ("\u4e00" <= self.text[pos] <= "\u9fff" or self.text[pos].isdigit()):
            pos += 1
        topic = _TOPIC_MARK.match(self.text, pos, self.e)
        m = _OPENING_YEAR.match(self.text, topic.end() if topic else pos, self.e)
        return int(m[1]) if m and self._describes(m) else None

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
