"""Numbers: which spans are quantities, and their value, unit and approx flag."""

from __future__ import annotations

import re

import pytest

from orchestration.metrics import numbers
from orchestration.metrics.grammar import NUMBERS
from orchestration.metrics.numbers import find_quantities, normalise
from orchestration.metrics.vocabulary import vocabulary


def quantities(text: str) -> list[tuple]:
    norm = normalise(text)
    return [(q.value, q.unit, q.approx, text[q.start:q.end]) for q in find_quantities(norm, vocabulary())]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("受理26918件", [(26918, "case", False, "26918件")]),
        ("受理２６９１８件", [(26918, "case", False, "２６９１８件")]),
        ("受理23,876件", [(23876, "case", False, "23,876件")]),
        ("受理23，876件", [(23876, "case", False, "23，876件")]),
        ("纠错率4.5%", [(4.5, "percent", False, "4.5%")]),
        ("纠错率４．５％", [(4.5, "percent", False, "４．５％")]),
        ("出庭率达到百分之九十五", [(95, "percent", False, "百分之九十五")]),
        ("提高3.1个百分点", [(3.1, "percentage_point", False, "3.1个百分点")]),
        ("审结十二件。", [(12, "case", False, "十二件")]),
        ("法律援助案件三千五百件", [(3500, "case", False, "三千五百件")]),
        ("败诉两起。", [(2, "case", False, "两起")]),
        ("讨论十余次", [(10, "times", True, "十余次")]),
        ("处置事件1.7万余起", [(17000, "case", True, "1.7万余起")]),
        ("涉及金额2800余万元", [(28000000, "yuan", True, "2800余万元")]),
        ("罚款32万余元", [(320000, "yuan", True, "32万余元")]),
        ("罚款88.9万元", [(889000, "yuan", False, "88.9万元")]),
        ("涉案金额约3.2亿元", [(320000000, "yuan", True, "约3.2亿元")]),
        ("观看企业近24万家", [(240000, "org", True, "近24万家")]),
        ("罚款超过500万元", [(5000000, "yuan", True, "超过500万元")]),
        ("接待逾200人次", [(200, "person_time", True, "逾200人次")]),
        ("咨询1600多人次", [(1600, "person_time", True, "1600多人次")]),
        ("满意率95%以上", [(95, "percent", True, "95%以上")]),
        ("办理1500件左右", [(1500, "case", True, "1500件左右")]),
        ("每年检查3-5次", [(3, "times", True, "3-5次")]),
        ("检查渔船9731艘次、车辆870辆次、渔港1053个次", [
            (9731, "times", False, "9731艘次"), (870, "times", False, "870辆次"),
            (1053, "times", False, "1053个次"),
        ]),
        ("接访156批次567人次", [(156, "times", False, "156批次"), (567, "person_time", False, "567人次")]),
        ("发放资料8000多份", [(8000, "document", True, "8000多份")]),
        ("检查医疗机构400余家、商户36户", [(400, "org", True, "400余家"), (36, "org", False, "36户")]),
        ("收缴网具354套", [(354, "item", False, "354套")]),
        ("持证执法人员487人、律师10位、学生30名", [
            (487, "person", False, "487人"), (10, "person", False, "10位"), (30, "person", False, "30名"),
        ]),
        ("清单事项4592项、举措20条、组织7个", [
            (4592, "item", False, "4592项"), (20, "item", False, "20条"), (7, "item", False, "7个"),
        ]),
        ("减免罚款0.85万元", [(8500, "yuan", False, "0.85万元")]),
        ("审结：115件；纠错率:9.6%", [(115, "case", False, "115件"), (9.6, "percent", False, "9.6%")]),
    ],
)
def test_quantities(text, expected):
    assert quantities(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2023年7月24日召开会议",
        "威文政发〔2024〕2号",
        "依据第二十八条第一款",
        "第19次常务会议",
        "联系电话0631-8451234，12345热线",
        "构建“1+1+6”工作体系和“5+8”一件事",
        "落实行政执法三项制度，坚持两个确立",
        "推进一件事一次办，一窗受理",
        "压缩至15个工作日，每两个月一期",
        "法润万家，千家万户",
        "索引号LH331082-001/2024-131251",
        "近五年历史新低，连续三年",
        "5A景区，12.4宪法宣传周",
        "14:30人",
    ],
)
def test_not_quantities(text):
    assert quantities(text) == []


def test_normalise_keeps_offsets():
    text = "受理２３，８７６件，纠错率４．５％（全年）：ＡＢ　"
    norm = normalise(text)
    assert len(norm) == len(text)
    assert norm == "受理23,876件,纠错率4.5%(全年):AB "


def test_normalise_maps_every_fullwidth_character():
    # normalise replaces only the characters it finds; all of the table, repeated, must still go.
    table = numbers._FULLWIDTH
    text = "".join(chr(c) for c in table) * 2 + "受理"
    assert normalise(text) == text.translate(table)


def test_nothing_that_follows_a_number_starts_like_one():
    # The digits of a number are matched atomically (numbers._ARABIC): right only while no word
    # that may follow them starts with a digit, a comma or a point.
    vocab = vocabulary()
    followers = [*vocab.units, *vocab.words("approx_inner"), *vocab.words("approx_after"),
                 *NUMBERS["range_marks"], *NUMBERS["multipliers"], *NUMBERS["inner_approx"]]
    assert [w for w in followers if w[0].isdecimal() or w[0] in ",."] == []


@pytest.mark.parametrize(
    "text",
    ["1234,567件", "1,234,5678件", "12,34件", "2019年12月3.5万元", "3.5.6件", "1,234.5%", "12 345 件", "3-5次"],
)
def test_atomic_digits_match_as_backtracking_ones(text):
    pattern = numbers._grammar(vocabulary())[0]
    plain = re.compile(pattern.pattern.replace("(?>", "(?:"))
    assert [m.groupdict() | {"span": m.span()} for m in pattern.finditer(text)] == \
        [m.groupdict() | {"span": m.span()} for m in plain.finditer(text)]
