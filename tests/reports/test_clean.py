"""Cleaning: page chrome, placeholders and Markdown go; broken sentences are re-joined; offsets lead back."""

from __future__ import annotations

import pytest

from orchestration import settings
from orchestration.reports.clean import clean_text, raw_span

SEEDS = settings.REPO_ROOT / "seeds"


def seed_text(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


@pytest.fixture(scope="module", params=["000", "001", "002", "003", "004"])
def sample(request):
    raw = seed_text(request.param)
    return raw, clean_text(raw)


def test_offset_map_leads_back_to_the_same_characters(sample):
    raw, cleaned = sample
    covered = 0
    for clean_start, raw_start, length in cleaned.offset_map:
        assert clean_start == covered  # the runs cover the clean text without gaps
        got, want = cleaned.text[clean_start:clean_start + length], raw[raw_start:raw_start + length]
        assert all(a == b or (a in "\n " and b in "\n\r") for a, b in zip(got, want, strict=True))
        covered += length
    assert covered == len(cleaned.text)


def test_a_quote_is_found_at_its_raw_span(sample):
    raw, cleaned = sample
    for line in cleaned.text.split("\n"):
        start = cleaned.text.index(line)
        a, b = raw_span(cleaned.offset_map, start, start + len(line))
        assert raw[a:b].replace("\n", "").replace("**", "").startswith(line[:10])


def test_web_page_chrome_is_dropped_and_its_fields_kept():
    cleaned = clean_text(seed_text("002"))
    for chrome in ("老年模式", "当前位置", "政务公开 >", "索引号", "发布单位", "浏览次数", "打印", "关闭", "•"):
        assert chrome not in cleaned.text
    assert cleaned.text.startswith("临海市人民政府关于2023年法治政府建设年度报告\n")
    assert cleaned.page_fields["成文日期"] == "2024-01-31"
    assert cleaned.page_fields["索引号"] == "LH331082-001/2024-131251"
    assert cleaned.page_fields["日期"] == "2024-01-31 16:18"


def test_image_placeholders_and_markdown_are_removed():
    text = clean_text(seed_text("000")).text + clean_text(seed_text("001")).text + clean_text(seed_text("004")).text
    assert "[image" not in text and "**" not in text and "#" not in text


def test_markdown_headings_are_remembered():
    cleaned = clean_text(seed_text("001"))
    headings = {cleaned.text[start:cleaned.text.index("\n", start)]: level
                for start, level in cleaned.markdown_headings.items()}
    assert headings["二、推进法治政府建设存在的不足"] == 2
    assert headings["六是全面提升政府工作人员法治思维和依法行政能力。"] == 4


@pytest.mark.parametrize(("prefix", "joined"), [
    ("004", "2023年7月24日，区行政审批服务局党组理论学习中心组"),
    ("004", "三要坚持管得住是硬道理"),
    ("004", "进一步改进、扩展，普法内容与形式"),
    ("004", "做好行政执法人员的培训"),
    ("001", "印发《关于建立镇（街道）"),
    ("001", "考核和 2021年度工作计划"),
    ("001", "全国政协副主席刘新成予以批示肯定"),
])
def test_sentences_cut_by_blank_lines_are_rejoined(prefix, joined):
    assert joined in clean_text(seed_text(prefix)).text


def test_headings_title_and_signature_keep_their_own_lines():
    lines = clean_text(seed_text("000")).text.split("\n")
    assert lines[:4] == ["威海市文登区人民政府", "关于2023年法治政府建设情况的报告", "威文政发〔2024〕2号", "市政府："]
    assert "一、2023年推进法治政府建设的主要举措和成效" in lines
    lines = clean_text(seed_text("002")).text.split("\n")
    assert lines[-2:] == ["临海市人民政府", "2024 年1月26日"]
    lines = clean_text(seed_text("004")).text.split("\n")
    assert lines[-3:] == ["威海市环翠区行政审批服务局", "2023年12月12日", "（此件主动公开）"]


def test_character_width_is_never_converted():
    assert "(一)深化执法改革,全面提升依法履职效能。" in clean_text(seed_text("002")).text
    assert "（一）政府职能依法全面履行。" in clean_text(seed_text("000")).text


def test_pdf_line_wraps_and_page_numbers_are_undone():
    paragraph = ("全年共受理各类行政许可26918件，办结26894件，" * 3 + "推行告知承诺制度深化放管服改革优化营商环境提升服务质效"
                 + "，审批时限压缩百分之六十以上。")
    wrapped = []
    for number in range(1, 4):
        wrapped += [paragraph[i:i + 28] for i in range(0, len(paragraph), 28)] + ["", f"— {number} —", ""]
    cleaned = clean_text("\n".join(wrapped)).text
    assert cleaned.split("\n") == [paragraph] * 3


def test_invisible_characters_and_surrounding_space_go():
    cleaned = clean_text("\ufeff  一、主要\u200b成效 \n\n\u3000\u3000全年办结案件12件。\n")
    assert cleaned.text == "一、主要成效\n全年办结案件12件。"
