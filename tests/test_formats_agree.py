"""The same report gives the same metadata and facts whatever format it arrives in."""

from __future__ import annotations

import html

import docx
import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate

from orchestration.metrics.facts import extract_facts
from orchestration.reports.parsed import parse_report
from orchestration.reports.raw import read_report
from orchestration.settings import REPO_ROOT

SAMPLE = REPO_ROOT / "seeds" / "000_243677528e629ced.txt"


def paragraphs() -> list[str]:
    # The sample's paragraphs without its image placeholders, as a publisher would lay them out.
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("[image")]


def write_txt(path):
    path.write_text("\n".join(paragraphs()), encoding="utf-8")


def write_html(path):
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs())
    path.write_text(
        "<html><head><meta charset='gbk'><title>报告</title><script>var x = '受理行政许可999件';</script></head>"
        "<body><nav><ul><li>首页</li><li>政务公开</li><li>联系我们</li></ul></nav>"
        f"<div class='article'>{body}</div>"
        "<footer>版权所有 网站标识码 3710030001</footer></body></html>",
        encoding="gbk",
    )


def write_docx(path):
    document = docx.Document()
    for p in paragraphs():
        document.add_paragraph(p)
    document.save(path)


def write_pdf(path):
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("body", fontName="STSong-Light", fontSize=10.5, leading=16, wordWrap="CJK")
    SimpleDocTemplate(str(path)).build([Paragraph(html.escape(p), style) for p in paragraphs()])


def comparable(path):
    report = parse_report(read_report(path))
    facts = sorted((f.domain, f.measure, f.kind, f.value, f.unit, f.year, f.scope or "")
                   for f in extract_facts(report))
    for fact in extract_facts(report):
        assert report.text[fact.start:fact.end] == fact.quote
    return report.metadata() | {"file": None}, facts


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    path = tmp_path_factory.mktemp("txt") / "report.txt"
    write_txt(path)
    return comparable(path)


@pytest.mark.parametrize("suffix, write", [(".html", write_html), (".docx", write_docx), (".pdf", write_pdf)])
def test_same_metadata_and_facts_as_plain_text(tmp_path, plain, suffix, write):
    path = tmp_path / f"report{suffix}"
    write(path)
    metadata, facts = comparable(path)
    assert metadata == plain[0]
    assert facts == plain[1]
    assert len(facts) > 20


def test_a_web_page_title_outside_the_article_is_kept(tmp_path, plain):
    title, *body = paragraphs()[:2], *paragraphs()[2:]
    page = (
        f"<html><head><title>{''.join(title)}_威海市文登区人民政府网</title></head><body>"
        "<nav>首页 | 政务公开 | 联系我们</nav><div class='article'>"
        + "".join(f"<p>{html.escape(p)}</p>" for p in body)
        + "</div></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    metadata, _ = comparable(path)
    assert metadata["title"] == plain[0]["title"]
