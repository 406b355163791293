"""The section tree: heading levels from the numbering, spans, and the outline part of each section."""

from __future__ import annotations

import hashlib

import pytest

from orchestration import settings
from orchestration.reports.clean import clean_text
from orchestration.reports.metadata import extract_metadata
from orchestration.reports.parsed import parse_report
from orchestration.reports.raw import RawReport
from orchestration.reports.sections import OUTLINE_PARTS, find_sections, outline_cue, outline_cues

SEEDS = settings.REPO_ROOT / "seeds"


def sections_of(prefix: str):
    cleaned = clean_text(next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8"))
    meta = extract_metadata(cleaned.text, cleaned.page_fields)
    return cleaned.text, find_sections(cleaned.text, meta.body_start, meta.body_end, cleaned.markdown_headings)


def parse_text(text: str):
    data = text.encode("utf-8")
    raw = RawReport(report_id=hashlib.sha256(data).hexdigest(), path="/in/report.txt", file_name="report.txt",
                    size_bytes=len(data), format="txt", encoding="utf-8", text=text)
    return parse_report(raw).sections


def parts_by_heading(sections) -> dict[str, str | None]:
    return {s.heading: s.outline_part for s in sections}


TITLE = "某区人民政府关于2023年法治政府建设情况的报告\n"
ACHIEVEMENTS = ("一、2023年法治政府建设主要举措和成效\n"
                "（一）落实年度立法计划和普法计划。全区共审查规范性文件45件。\n"
                "（二）深化行政执法改革。全年办理行政处罚案件120件。\n")


def outline(sections) -> list[tuple[int, str, str | None]]:
    return [(s.level, s.number, s.outline_part) for s in sections if s.level == 1]


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_every_sample_has_the_four_outline_parts(prefix):
    _, sections = sections_of(prefix)
    assert {s.outline_part for s in sections} == set(OUTLINE_PARTS)


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_sections_nest_inside_their_parents_and_the_text(prefix):
    text, sections = sections_of(prefix)
    for s in sections:
        assert 0 <= s.start < s.end <= len(text)
        assert text[s.start:s.end].startswith(s.number)
        if s.parent_id is not None:
            parent = sections[s.parent_id]
            assert parent.start <= s.start and s.end <= parent.end and s.level == parent.level + 1
        else:
            assert s.level == 1


def test_levels_follow_the_numbering():
    _, sections = sections_of("000")  # 一、 > （一） > 一是
    assert [(s.level, s.number) for s in sections[:3]] == [(1, "一"), (2, "（一）"), (3, "一是")]
    assert sections[2].heading == "深化法治政府示范创建"
    assert outline(sections) == [(1, "一", "achievements"), (1, "二", "shortcomings"),
                                 (1, "三", "leaders_duties"), (1, "四", "plan")]

    _, sections = sections_of("001")  # 一是 straight under 一、; an inline list under 八是
    eight = next(s for s in sections if s.number == "八是")
    nested = [s for s in sections if s.parent_id == eight.section_id]
    assert eight.level == 2 and [s.number for s in nested] == ["一是", "二是", "三是", "四是"]
    assert all(s.level == 3 for s in nested)
    nine = next(s for s in sections if s.number == "九是")
    assert nine.level == 2 and nine.parent_id == eight.parent_id

    _, sections = sections_of("004")  # （二） > 1. and 2. > 一是
    first = next(s for s in sections if s.number == "1.")
    assert first.level == 3 and sections[first.parent_id].number == "（二）"
    shi = next(s for s in sections if s.number == "一是")
    assert shi.level == 4 and sections[shi.parent_id].number == "2."


def test_a_section_ends_at_the_next_heading_of_its_level():
    text, sections = sections_of("002")
    one, two = (s for s in sections if s.number in ("一", "二"))
    assert one.end <= two.start and text[one.end:two.start].strip() == ""
    assert text[sections[-1].start:sections[-1].end].endswith("等工作平台。")  # the signature is no part of it


def test_duties_inside_the_achievements_take_their_own_part():
    # 003 has no top-level 第一责任人 heading: its (一) under 一、 reports the duties.
    _, sections = sections_of("003")
    assert outline(sections) == [(1, "一", "achievements"), (1, "二", "shortcomings"), (1, "三", "plan")]
    duties = next(s for s in sections if s.outline_part == "leaders_duties")
    assert duties.level == 2 and "第一责任人" in duties.heading
    assert sections[duties.parent_id].outline_part == "achievements"


def test_a_lost_heading_number_keeps_the_level():
    # 003 lost its "(二)": the 一是 after it restarts at the level of the 一是 before it.
    _, sections = sections_of("003")
    restarted = [s for s in sections if s.number == "一是" and s.parent_id == 1]
    assert len(restarted) == 2 and {s.level for s in restarted} == {3}


def test_a_combined_top_heading_leaves_the_plan_to_its_sub_section():
    text = ("一、主要工作情况\n（一）推进依法行政。全年办结复议案件5件。\n二、存在的问题和下一步打算\n"
            "（一）存在的问题。法治意识不强。\n（二）下一步打算。加强学习。\n三、党政主要负责人履行第一责任人职责情况\n认真履职。\n")
    sections = find_sections(text)
    assert [s.outline_part for s in sections] == ["achievements", "achievements", "shortcomings",
                                                  "shortcomings", "plan", "leaders_duties"]


def test_a_problems_and_next_steps_heading_is_split_by_its_sub_headings():
    sections = parse_text(TITLE + ACHIEVEMENTS + "二、存在的问题和下一步工作安排\n"
                          "（一）存在的问题。基层执法力量不足。\n（二）2024年工作安排。力争复议纠错率下降。\n")
    assert parts_by_heading(sections) == {
        "2023年法治政府建设主要举措和成效": "achievements",
        "落实年度立法计划和普法计划": "achievements",  # work done, not next year's plan
        "深化行政执法改革": "achievements",
        "存在的问题和下一步工作安排": "shortcomings",
        "存在的问题": "shortcomings",
        "2024年工作安排": "plan",
    }


@pytest.mark.parametrize(("part_two", "parts"), [
    # a sub-heading naming nothing after the problems: the later part of the heading
    ("二、存在的不足及下一步打算\n（一）存在的不足。法治意识不强。\n（二）加强学习培训。组织专题培训。\n"
     "（三）规范行政执法。开展案卷评查。\n", ["shortcomings", "shortcomings", "plan", "plan"]),
    # a sub-heading naming only a later year than the report's
    ("二、存在问题和工作打算\n（一）执法力量薄弱。人员不足。\n（二）2024年重点工作。推进执法改革。\n",
     ["shortcomings", "shortcomings", "plan"]),
    # the problems told in the heading's own paragraphs, then the plan's items
    ("二、存在的问题和下一步工作安排\n我区还存在法治意识不强等问题。下一步，我区将做好以下工作：\n"
     "（一）加强学习培训。组织专题培训。\n（二）规范行政执法。开展案卷评查。\n", ["shortcomings", "plan", "plan"]),
    # items listing the problems after a lead-in that says so stay problems
    ("二、存在的问题和下一步工作安排\n主要存在以下问题：\n（一）法治意识不强。\n（二）执法不够规范。\n"
     "（三）下一步工作安排。加强学习。\n", ["shortcomings", "shortcomings", "shortcomings", "plan"]),
])
def test_sub_sections_of_a_combined_heading_naming_nothing(part_two, parts):
    sections = parse_text(TITLE + ACHIEVEMENTS + part_two)
    assert [s.outline_part for s in sections if s.start >= sections[3].start] == parts


def test_a_plan_word_under_the_achievements_is_never_the_plan():
    # No top-level heading names the plan: the look-down still leaves the achievements alone.
    sections = parse_text(TITLE + ACHIEVEMENTS + "二、存在的不足和原因\n（一）执法力量薄弱。人员不足。\n")
    assert "plan" not in {s.outline_part for s in sections}
    assert parts_by_heading(sections)["落实年度立法计划和普法计划"] == "achievements"


def test_the_look_down_names_parts_under_top_headings_that_name_none():
    sections = parse_text(TITLE + "一、坚持党的领导\n（一）全面加强法治建设。办结案件5件。\n"
                          "（二）下一步打算。加强学习。\n")
    assert [s.outline_part for s in sections] == ["achievements", "achievements", "plan"]


@pytest.mark.parametrize(("heading", "parts"), [
    ("存在的问题和下一步工作安排", ("shortcomings", "plan")),
    ("2023年法治政府建设存在的不足及2024年工作打算", ("shortcomings", "plan")),
    ("主要举措和成效", ("achievements",)),
    ("存在的不足和原因", ("shortcomings",)),
    ("党政主要负责人履行推进法治建设第一责任人职责，加强法治政府建设工作情况", ("leaders_duties",)),
    ("加强党的领导", ()),
])
def test_outline_cues_of_a_heading_joining_two_parts(heading, parts):
    assert outline_cues(heading) == parts


@pytest.mark.parametrize(("heading", "part"), [
    ("2023年推进法治政府建设的主要举措和成效", "achievements"),
    ("2021 年度法治政府建设工作情况", "achievements"),
    ("推进法治政府建设存在的不足和原因", "shortcomings"),
    ("党政主要负责人履行推进法治建设第一责任人职责，加强法治政府建设的情况", "leaders_duties"),
    ("2024年推进法治政府建设的主要安排", "plan"),
    ("下一步工作打算", "plan"),
])
def test_outline_cues(heading, part):
    assert outline_cue(heading) == part


def test_numbering_styles():
    text = "一、甲\n（一）乙\n1.丙\n（1）丁\n①戊\n二、己\n(一)庚\n1、辛\n1.5万件不是标题。\n"
    sections = find_sections(text)
    assert [(s.number, s.level) for s in sections] == [
        ("一", 1), ("（一）", 2), ("1.", 3), ("（1）", 4), ("①", 5), ("二", 1), ("(一)", 2), ("1", 3)]
