"""Traditional characters are read as simplified ones without moving any offset."""

from __future__ import annotations

from orchestration.reports.script import simplified


def test_traditional_text_reads_as_simplified_with_the_same_length():
    text = "依法辦理行政復議案件25.7萬件,審結22.4萬件,糾錯率達15.1%。"
    out = simplified(text)
    assert out == "依法办理行政复议案件25.7万件,审结22.4万件,纠错率达15.1%。"
    assert len(out) == len(text)
    start = out.index("审结")
    assert text[start:start + 2] == "審結"  # a span found in the simplified text quotes the original


def test_simplified_text_and_other_characters_stay_as_they_are():
    text = "全年共受理行政复议案件45件(含上年结转3件),ABC 123 ％ 。\n"
    assert simplified(text) == text
