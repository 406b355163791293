"""The raw stage: every supported format and encoding becomes text; unusable files are rejected with a reason."""

from __future__ import annotations

import codecs
import hashlib
import os
import random

import docx
import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from orchestration.reports.raw import read_report
from orchestration.reports.rejection import RejectedReport

SENTENCES = [
    "2023年，全区共收到行政复议申请39件，受理27件。",
    "全年共办理行政诉讼案件52件，行政机关负责人出庭应诉率100%。",
    "一、主要成效",
    "（一）深入学习贯彻习近平法治思想，区政府常务会议专题学法4次。",
    "（二）严格规范公正文明执法，全年开展行政执法检查1200余次，办理行政处罚案件856件。",
    "（三）推进政务公开，主动公开政府信息3217条，办理依申请公开132件。",
    "二、存在的不足",
    "一是法治宣传教育的针对性有待加强；二是基层执法人员素质仍需提升。",
]
TEXT = "\n".join(SENTENCES) + "\n"


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def rejected(path) -> RejectedReport:
    with pytest.raises(RejectedReport) as info:
        read_report(path)
    return info.value


def squeeze(text: str) -> str:
    return "".join(text.split())


# --- text files and their encodings -------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("gbk"), "gb18030"),
        (TEXT.encode("gb2312"), "gb18030"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
    ],
    ids=["utf-8", "utf-8-bom", "gbk", "gb2312", "utf-16-le-bom", "utf-16-be-bom", "utf-16-le", "utf-16-be"],
)
def test_text_file_is_decoded_exactly_with_its_encoding_recorded(tmp_path, data, encoding):
    report = read_report(write(tmp_path, "报告.txt", data))
    assert report.text == TEXT  # BOM gone, nothing else changed
    assert (report.format, report.encoding) == ("txt", encoding)


def test_gb18030_only_characters_survive(tmp_path):
    text = "刘䶮任区司法局局长。" + TEXT  # 䶮 is in GB18030 but not in GBK
    report = read_report(write(tmp_path, "报告.txt", text.encode("gb18030")))
    assert (report.text, report.encoding) == (text, "gb18030")


def test_newlines_are_normalised_and_nothing_else_changes(tmp_path):
    text = "　　2023年，全区共收到行政复议申请３９件。\r\n受理27件。\r（一）ＡＢＣ\t<script>x</script>\n"
    report = read_report(write(tmp_path, "报告.txt", text.encode("utf-8")))
    assert (
        report.text
        == "　　2023年，全区共收到行政复议申请３９件。\n受理27件。\n（一）ＡＢＣ\t<script>x</script>\n"
    )


def test_markdown_is_read_as_text(tmp_path):
    text = "# 某区2023年法治政府建设年度报告\n\n" + TEXT
    report = read_report(write(tmp_path, "report.MD", text.encode("utf-8")))
    assert (report.format, report.encoding, report.text) == ("md", "utf-8", text)


# --- HTML ---------------------------------------------------------------------------------------

NAV_AND_FURNITURE = ["首页", "互动交流", "门户网站", "版权所有", "网站标识码", "脚本里的文字", "color:red"]


def gov_page(charset: str = "utf-8", meta: str = '<meta charset="{}">') -> str:
    paragraphs = "".join(f"<p>{sentence}</p>\n" for sentence in SENTENCES)
    return f"""<!DOCTYPE html>
<html><head>{meta.format(charset)}<title>某区2023年法治政府建设年度报告</title>
<style>.nav {{ color:red }}</style>
<script>var banner = "脚本里的文字不应出现";</script></head>
<body><header><div class="logo">某区人民政府门户网站</div></header>
<nav><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li><li><a href="/hd">互动交流</a></li></ul></nav>
<div class="main"><h1>某区2023年法治政府建设年度报告</h1>
<div class="TRS_Editor">{paragraphs}
<table><tr><td>指标</td><td>数量</td></tr><tr><td>行政复议申请</td><td>39件</td></tr></table></div></div>
<footer><p>版权所有：某区人民政府 网站标识码：1234567890 京ICP备12345678号</p></footer>
<script>document.write("脚本里的文字");</script></body></html>"""


def assert_body_only(text: str):
    lines = text.splitlines()
    assert all(sentence in lines for sentence in SENTENCES)  # one paragraph a line
    assert "39件" in text  # table cells are kept
    assert not [word for word in NAV_AND_FURNITURE if word in text]


def test_html_gives_the_article_without_navigation_footer_or_scripts(tmp_path):
    report = read_report(write(tmp_path, "report.html", gov_page().encode("utf-8")))
    assert (report.format, report.encoding) == ("html", "utf-8")
    assert_body_only(report.text)


@pytest.mark.parametrize(
    "meta",
    ['<meta charset="{}">', '<meta http-equiv="Content-Type" content="text/html; charset={}">'],
    ids=["meta-charset", "http-equiv"],
)
@pytest.mark.parametrize("charset", ["gb2312", "GBK"])
def test_html_in_a_declared_gb_charset_is_decoded_as_gb18030(tmp_path, meta, charset):
    page = gov_page(charset, meta).encode("gb18030")
    report = read_report(write(tmp_path, "report.HTM", page))
    assert report.encoding == "gb18030"
    assert_body_only(report.text)


def test_html_declaring_gb2312_but_saved_as_utf8_is_read_as_utf8(tmp_path):
    report = read_report(write(tmp_path, "report.html", gov_page("gb2312").encode("utf-8")))
    assert report.encoding == "utf-8"
    assert_body_only(report.text)


def test_html_fragment_without_html_tag_is_read(tmp_path):
    fragment = "".join(f"<p>{sentence}</p>" for sentence in SENTENCES)
    report = read_report(write(tmp_path, "body.html", fragment.encode("utf-8")))
    assert all(sentence in report.text.splitlines() for sentence in SENTENCES)


def test_html_with_only_scripts_and_styles_is_rejected(tmp_path):
    page = "<html><head><style>p{}</style><script>alert('脚本')</script></head><body></body></html>"
    error = rejected(write(tmp_path, "empty.html", page.encode("utf-8")))
    assert error.stage == "decode" and "no text" in error.reason


# --- PDF ----------------------------------------------------------------------------------------


def make_pdf(path, pages: list[list[str]]):
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))  # built in: no font file needed
    pdf = canvas.Canvas(str(path))
    for lines in pages:
        pdf.setFont("STSong-Light", 12)
        for row, line in enumerate(lines):
            pdf.drawString(72, 760 - 20 * row, line)
        if not lines:
            pdf.rect(72, 500, 300, 200, fill=1)  # a scan is a picture: no text
        pdf.showPage()
    pdf.save()
    return path


def test_pdf_text_layer_is_extracted_with_a_blank_line_between_pages(tmp_path):
    report = read_report(make_pdf(tmp_path / "report.pdf", [SENTENCES[:2], SENTENCES[2:]]))
    assert (report.format, report.encoding) == ("pdf", None)
    first, second = report.text.split("\n\n")
    assert squeeze(first) == squeeze("".join(SENTENCES[:2]))
    assert squeeze(second) == squeeze("".join(SENTENCES[2:]))


def test_password_protected_pdf_is_rejected(tmp_path):
    pdf = canvas.Canvas(str(tmp_path / "locked.pdf"), encrypt="secret")
    pdf.drawString(72, 760, "Annual report on building a law-based government")
    pdf.save()
    error = rejected(tmp_path / "locked.pdf")
    assert error.stage == "decode" and "password" in error.reason


def test_pdf_without_text_layer_is_rejected(tmp_path):
    error = rejected(make_pdf(tmp_path / "scan.pdf", [[], []]))
    assert error.stage == "decode" and "text layer" in error.reason


# --- DOCX ---------------------------------------------------------------------------------------


def make_docx(path):
    document = docx.Document()
    document.add_paragraph(SENTENCES[0])
    table = document.add_table(rows=3, cols=3)
    for row, cells in enumerate([["指标", "2022年", "2023年"], ["行政复议申请", "31件", "39件"]]):
        for column, value in enumerate(cells):
            table.cell(row, column).text = value
    table.cell(2, 0).merge(table.cell(2, 2)).text = "合计增长25.8%"
    document.add_paragraph(SENTENCES[1])
    document.save(path)
    return path


def test_docx_gives_paragraphs_and_table_cells_in_document_order(tmp_path):
    report = read_report(make_docx(tmp_path / "report.docx"))
    assert (report.format, report.encoding) == ("docx", None)
    assert report.text.splitlines() == [
        SENTENCES[0],
        "指标\t2022年\t2023年",
        "行政复议申请\t31件\t39件",
        "合计增长25.8%",  # a merged cell once, so its number is not counted twice
        SENTENCES[1],
    ]


# --- files we cannot use ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("empty.txt", b""),
        ("blank.txt", b" \r\n\t \n"),
        ("bom-only.txt", codecs.BOM_UTF8),
        ("utf16-blank.txt", codecs.BOM_UTF16_LE + "　\n ".encode("utf-16-le")),
        ("empty.pdf", b""),
        ("empty.docx", b""),
        ("empty.html", b"  \n"),
    ],
)
def test_empty_file_is_rejected(tmp_path, name, data):
    error = rejected(write(tmp_path, name, data))
    assert (error.stage, error.reason) == ("read", "empty file")


@pytest.mark.parametrize("name", ["random.txt", "random.md", "random.html"])
def test_random_bytes_are_rejected_as_binary(tmp_path, name):
    error = rejected(write(tmp_path, name, random.Random(0).randbytes(4096)))
    assert error.stage == "decode" and "binary" in error.reason


@pytest.mark.parametrize(
    "data",
    [bytes(1000) + TEXT.encode("utf-8"), ("\ufffd" * 100 + TEXT).encode("utf-8")],
    ids=["nul-heavy", "replacement-characters"],
)
def test_text_that_is_mostly_control_or_replacement_characters_is_rejected(tmp_path, data):
    error = rejected(write(tmp_path, "report.txt", data))
    assert error.stage == "decode" and "binary" in error.reason


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (("Café résumé, naïve déjà vu. " * 20).encode("cp1252"), "cannot decode as UTF-8, GB18030 or UTF-16"),
        (codecs.BOM_UTF8 + "受理27件".encode("gbk"), "has a UTF-8 byte-order mark but is not valid UTF-8"),
    ],
    ids=["cp1252", "false-bom"],
)
def test_text_in_an_unexpected_encoding_is_rejected_not_garbled(tmp_path, data, reason):
    error = rejected(write(tmp_path, "report.txt", data))
    assert (error.stage, error.reason) == ("decode", reason)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("damaged.pdf", b"%PDF-1.7\n" + TEXT.encode("utf-8")),
        ("damaged.docx", b"PK\x03\x04" + TEXT.encode("utf-8")),
        ("legacy.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)),
        ("text.docx", TEXT.encode("utf-8")),
    ],
)
def test_damaged_pdf_or_word_file_is_rejected(tmp_path, name, data):
    error = rejected(write(tmp_path, name, data))
    assert error.stage == "decode" and error.reason


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_truncated_pdf_or_word_file_is_rejected(tmp_path, fmt):
    whole = make_pdf(tmp_path / "a.pdf", [SENTENCES]) if fmt == "pdf" else make_docx(tmp_path / "a.docx")
    data = whole.read_bytes()
    error = rejected(write(tmp_path, f"truncated.{fmt}", data[: len(data) // 3]))
    assert error.stage == "decode"


@pytest.mark.parametrize("name", ["report.xls", "report.doc", "report", "report.txt.exe", "report.pdf.zip"])
def test_unsupported_file_type_is_rejected_without_reading(tmp_path, name):
    error = rejected(tmp_path / name)  # need not exist: the extension decides
    assert error.stage == "read" and error.reason.startswith("unsupported file type")


def test_missing_file_and_directory_are_rejected_with_the_os_error(tmp_path):
    missing = rejected(tmp_path / "missing.txt")
    (tmp_path / "folder.txt").mkdir()
    folder = rejected(tmp_path / "folder.txt")
    assert (missing.stage, missing.reason) == ("read", "file not found (deleted or moved before it could be read)")
    assert (folder.stage, folder.reason) == ("read", "cannot read file: it is a directory")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_is_rejected_with_the_os_error(tmp_path):
    path = write(tmp_path, "locked.txt", TEXT.encode("utf-8"))
    path.chmod(0)
    error = rejected(path)
    assert (error.stage, error.reason) == ("read", "cannot read file: permission denied")


# --- identity and hostile input -----------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "2023 年度 报告.txt",
        'it\'s "quoted".txt',
        "a;b;c.txt",
        "某区2023年法治政府建设年度报告.TXT",
        "x'; DROP TABLE x;--.txt",
        "$(touch pwned) `id`.txt",
    ],
)
def test_hostile_file_names_are_read_like_any_other(tmp_path, name):
    report = read_report(write(tmp_path, name, TEXT.encode("utf-8")))
    assert (report.file_name, report.path, report.text) == (name, str(tmp_path / name), TEXT)
    assert not (tmp_path / "pwned").exists()


def test_relative_path_is_recorded_absolute(tmp_path, monkeypatch):
    write(tmp_path, "report.txt", TEXT.encode("utf-8"))
    monkeypatch.chdir(tmp_path)
    report = read_report("report.txt")
    assert (report.path, report.file_name) == (str(tmp_path / "report.txt"), "report.txt")


def test_report_id_is_the_hash_of_the_bytes(tmp_path):
    utf8 = TEXT.encode("utf-8")
    first = read_report(write(tmp_path, "a.txt", utf8))
    renamed = read_report(write(tmp_path, "b.md", utf8))
    as_gbk = read_report(write(tmp_path, "c.txt", TEXT.encode("gbk")))
    as_html = read_report(write(tmp_path, "d.html", f"<html><body><pre>{TEXT}</pre></body></html>".encode()))
    assert first.report_id == renamed.report_id == hashlib.sha256(utf8).hexdigest()
    assert first.size_bytes == len(utf8)
    assert first.text == as_gbk.text and len({first.report_id, as_gbk.report_id, as_html.report_id}) == 3


@pytest.mark.parametrize("name", ["huge.txt", "huge.html"])
def test_a_single_huge_line_is_read(tmp_path, name):
    line = SENTENCES[0] * 80_000  # about 5 MB in UTF-8 with no newline
    data = f"<html><body><p>{line}</p></body></html>" if name.endswith("html") else line
    report = read_report(write(tmp_path, name, data.encode("utf-8")))
    assert report.text.strip() == line
