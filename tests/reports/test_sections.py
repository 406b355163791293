"""The section tree: heading levels from the numbering, spans, and the outline part of each section."""

from __future__ import annotations

import pytest

from orchestration import settings
from orchestration.reports.clean import clean_text
from orchestration.reports.metadata import extract_metadata
from orchestration.reports.sections import OUTLINE_PARTS, find_sections, outline_cue

SEEDS = settings.REPO_ROOT / "seeds"


def sections_of(prefix: str):
    cleaned = clean_text(next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8"))
    meta = extract_metadata(cleaned.text, cleaned.page_fields)
    return cleaned.text, find_sections(cleaned.text, meta.body_start, meta.body_end, cleaned.markdown_headings)


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
