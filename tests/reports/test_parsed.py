"""The parsed stage end to end on the sample reports: gold metadata, spans, clean text, sentences."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import re
from pathlib import Path

import pytest

from orchestration import settings
from orchestration.reports.parsed import ParsedReport, parse_report
from orchestration.reports.raw import RawReport
from orchestration.reports.rejection import RejectedReport

SEEDS = settings.REPO_ROOT / "seeds"
GOLD = Path(__file__).parents[1] / "fixtures" / "gold"


def raw_report(text: str, name: str = "report.txt") -> RawReport:
    data = text.encode("utf-8")
    return RawReport(report_id=hashlib.sha256(data).hexdigest(), path=f"/in/{name}", file_name=name,
                     size_bytes=len(data), format="txt", encoding="utf-8", text=text)


@pytest.fixture(scope="module")
def parsed() -> dict[str, tuple[RawReport, ParsedReport]]:
    reports = {}
    for path in sorted(SEEDS.glob("*.txt")):
        raw = raw_report(path.read_text(encoding="utf-8"), path.name)
        reports[path.name] = (raw, parse_report(raw))
    return reports


def test_metadata_matches_the_gold_labels(parsed):
    spec = importlib.util.spec_from_file_location("gold_score", GOLD / "score.py")
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    with (GOLD / "reports.csv").open(encoding="utf-8", newline="") as fh:
        gold = list(csv.DictReader(fh))
    pred = [report.metadata() for _, report in parsed.values()]
    assert score.score_reports(gold, pred, verbose=True).splitlines()[-1] == "reports: 50/50 fields right (1.000)"


def test_every_field_found_says_how(parsed):
    for _, report in parsed.values():
        for name in ParsedReport.METADATA_FIELDS:
            if getattr(report, name) is not None:
                assert report.provenance[name]


def test_spans_lie_in_the_text_and_sentences_in_their_sections(parsed):
    for _, report in parsed.values():
        n = len(report.text)
        for section in report.sections:
            assert 0 <= section.start < section.end <= n
        previous_end = 0
        for i, sentence in enumerate(report.sentences):
            assert sentence.index == i and previous_end <= sentence.start < sentence.end <= n
            assert report.text[sentence.start:sentence.end].strip() == report.text[sentence.start:sentence.end]
            section = report.section_at(sentence.start)
            assert sentence.section_id == (section.section_id if section else None)
            previous_end = sentence.end


def test_sentences_cover_the_prose_and_split_where_they_should(parsed):
    _, report = parsed["001_adafdf633ac46994.txt"]
    sentences = [report.text[s.start:s.end] for s in report.sentences]
    assert "一是持续深化行政审批制度改革。" in sentences
    # a full stop inside quotes or brackets does not end the sentence around it
    assert any(s.startswith("印发《关于建立镇（街道）行政规范性文件") and s.endswith("进行合法性审查。") for s in sentences)
    kept = re.sub(r"\s", "", "".join(sentences))
    assert kept == re.sub(r"\s", "", report.text)


def test_clean_text_holds_no_chrome_placeholder_or_markdown(parsed):
    markers = re.compile(r"\[image:|\*\*|^#|进入老年模式|当前位置|索引号|浏览次数|打印\s*关闭|•", re.MULTILINE)
    for _, report in parsed.values():
        assert not markers.search(report.text)


def test_a_sentence_broken_by_blank_lines_is_rejoined(parsed):
    raw, report = parsed["004_6f29544b54a0b4f7.txt"]
    assert "区\n\n行政审批服务局党组" in raw.text
    assert "2023年7月24日，区行政审批服务局党组理论学习中心组开展专题学习" in report.text


def test_a_quote_maps_back_to_the_raw_text(parsed):
    raw, report = parsed["001_adafdf633ac46994.txt"]
    quote = "共收到行政复议申请 39 件"
    start = report.text.index(quote)
    a, b = report.raw_span(start, start + len(quote))
    assert raw.text[a:b] == quote
    quote = "充实调整了区政府行政复议委员会"  # re-joined across a blank line
    start = report.text.index(quote)
    a, b = report.raw_span(start, start + len(quote))
    assert raw.text[a:b].replace("\n", "") == quote


def test_a_file_without_text_is_rejected():
    with pytest.raises(RejectedReport) as error:
        parse_report(raw_report("[image: image1]\n\n进入老年模式 退出老年模式\n打印 关闭\n- 1 -\n"))
    assert error.value.stage == "parse"
