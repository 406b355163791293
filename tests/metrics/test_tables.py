"""Tables: found in each shape reports publish them in, and each number cell read from its row label,
column header and caption, never as the report year's total when its row is a part or a body."""

from __future__ import annotations

import csv
import re

import pytest

from orchestration import settings
from orchestration.metrics.tables import TableReader, find_tables, load_table_words, number
from orchestration.metrics.vocabulary import vocabulary

WORDS_FILE = settings.VOCABULARY_DIR / "table_words.csv"


@pytest.fixture(scope="module")
def reader() -> TableReader:
    return TableReader(vocabulary(), load_table_words(WORDS_FILE))


def read(reader: TableReader, text: str, report_year: int | None = 2020):
    tables = find_tables(text)
    return tables, [f for t in tables for f in reader.read(text, t, report_year)]


def facts_by(facts, **want):
    return [f for f in facts if all(getattr(f, k) == v for k, v in want.items())]


def test_numbers_in_cells():
    assert number("3,509") == (3509.0, False)
    assert number("-30.0%") == (-30.0, True)
    assert number("0") == (0.0, False)
    assert number("-") is None and number("省人社厅") is None and number("2020受理量") is None


def test_pipe_table_with_year_columns_share_and_change(reader):
    text = (
        "表一:2020年度行政复议案件受理情况统计表\n"
        "单位 | 2019受理量 | 2020受理量 | 占比 | 同比2019年 |\n"
        "市场监管局 | 30 | 21 | 35.6% | -30.0% |\n"
        "公安分局 | 6 | 13 | 22.0% | 116.7% |\n"
        "合计 | 36 | 34 | 100.0% | -5.6% |\n"
    )
    tables, facts = read(reader, text)
    assert len(tables) == 1 and tables[0].caption.text.startswith("表一")
    accepted = facts_by(facts, measure="cases_accepted", kind="value", scope="市场监管局")
    assert {(f.year, f.value) for f in accepted} == {(2019, 30), (2020, 21)}
    change = facts_by(facts, kind="change", scope="公安分局")
    assert [(c.measure, c.value, c.unit, c.year) for c in change] == [("cases_accepted", 116.7, "percent", 2020)]
    assert all(f.measure == "other" for f in facts if f.value in (35.6, 22.0))  # shares are parts
    assert facts_by(facts, measure="cases_accepted", value=34, year=2020)[0].scope is None  # the total row
    for f in facts:  # the quote ends with the cell that holds the number
        assert number(re.split(r"[|\n]", text[f.start:f.end])[-1].strip())[0] == f.value


def test_repeated_header_pairs_and_word_tables(reader):
    text = (
        "表1:省区市受理行政复议案件情况\n"
        "省份\t数量\t省份\t数量\n"
        "广东\t31392\t河北\t7040\n"
        "上海\t14847\t浙江\t6859\n"
    )
    _, facts = read(reader, text, report_year=2019)
    assert {(f.scope, f.value) for f in facts} == {("广东", 31392), ("河北", 7040), ("上海", 14847), ("浙江", 6859)}
    assert all(f.measure == "cases_accepted" and f.year == 2019 for f in facts)


def test_one_cell_a_line_with_row_numbers_and_caption_inside(reader):
    cells = ["2014年复议案件审结情况(件)", "序号", "处理方式", "数量", "比例",
             "1", "作出维持决定", "3509", "74.7%", "2", "驳回复议申请", "295", "6.3%",
             "3", "变更", "0", "0%", "4", "合计", "3804", "100%"]
    text = "二、复议审理情况\n" + "\n\n".join(cells) + "\n三、下一步工作\n"
    _, facts = read(reader, text, report_year=None)
    values = {(f.measure, f.value) for f in facts if f.unit == "case"}
    assert {("cases_upheld", 3509), ("cases_rejected", 295), ("cases_altered", 0)} <= values
    assert not any(f.value in (1, 2, 3, 4) and f.unit == "case" for f in facts)  # row numbers are no facts
    assert all(f.year == 2014 for f in facts)
    assert all(f.measure == "other" for f in facts if f.unit == "percent")


def test_label_over_two_lines_and_header_without_label_column(reader):
    cells = ["收案数", "受理数", "收案数", "受理数", "省人社厅", "132", "118",
             "市场监督", "管理局", "33", "23", "合计", "165", "141"]
    text = "2020年全省行政复议情况如下。\n表1:省直部门行政复议案件情况\n" + "\n".join(cells) + "\n"
    _, facts = read(reader, text, report_year=None)
    assert {(f.scope, f.measure, f.value) for f in facts if f.scope} == {
        ("省人社厅", "applications_received", 132), ("省人社厅", "cases_accepted", 118),
        ("市场监督管理局", "applications_received", 33), ("市场监督管理局", "cases_accepted", 23),
    }
    assert all(f.year == 2020 for f in facts)


def test_numbered_rows_and_a_sum_column(reader):
    cells = ["序号", "法院", "旧存", "新收", "总计", "2021年同期新收",
             "1", "中院", "41", "85", "126", "159", "2", "文峰", "35", "152", "187", "150",
             "3", "北关", "10", "59", "69", "74"]
    text = "表一:2022年全市法院新收一审行政案件情况\n" + "\n".join(cells) + "\n"
    _, facts = read(reader, text, report_year=2022)
    cases = {(f.scope, f.year, f.value) for f in facts if f.measure == "cases"}
    assert {("文峰", 2022, 152), ("文峰", 2021, 150), ("北关", 2021, 74)} <= cases
    assert not any(f.value in (126, 187, 69) and f.measure != "other" for f in facts)  # 总计 adds columns up
    assert not any(f.value in (1, 2, 3) for f in facts)  # row numbers


def test_a_breakdown_by_category_is_a_part(reader):
    text = "行政复议案件类型如下:\n类别 | 受理数 |\n治安管理类 | 13 |\n投诉举报类 | 21 |\n"
    _, facts = read(reader, text)
    assert facts and all(f.measure == "other" for f in facts)


def test_prose_and_page_furniture_are_no_tables(reader):
    text = "索引号 | 11/2023-00047 | 主题分类 | 其他 |\n发布机构 | 某某区司法局 | 成文日期 | 2023-03-01 |\n"
    assert read(reader, text)[1] == []
    prose = "2023年,全区受理行政复议案件45件,审结40件。\n其中维持30件,撤销5件。\n"
    assert find_tables(prose) == []


def test_every_table_word_has_an_example_that_uses_it():
    roles = {"total", "sum_column", "share", "change", "row_number", "body_column", "body_suffix"}
    with open(WORDS_FILE, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["role"] for r in rows} == roles
    for row in rows:
        assert row["word"] in row["example"], row


def test_a_word_table_is_read_through_the_whole_reader(tmp_path):
    import docx

    from orchestration.metrics.facts import extract_facts
    from orchestration.reports.parsed import parse_report
    from orchestration.reports.raw import read_report

    document = docx.Document()
    document.add_paragraph("某某县司法局2023年法治政府建设年度报告")
    document.add_paragraph("2023年,我县行政复议工作稳步推进,全年共收到行政复议申请45件,具体情况如下表。")
    document.add_paragraph("表1:2023年行政复议案件审结情况")
    table = document.add_table(rows=4, cols=3)
    for r, row in enumerate([("处理方式", "数量", "比例"), ("维持", "20", "50.0%"), ("驳回", "12", "30.0%"),
                             ("撤销", "8", "20.0%")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("二、存在的不足。一些行政机关负责人出庭应诉的意识仍需加强。")
    path = tmp_path / "report.docx"
    document.save(path)
    report = parse_report(read_report(path))
    facts = {(f.measure, f.value, f.year) for f in extract_facts(report) if f.rule == "table"}
    assert {("cases_upheld", 20, 2023), ("cases_rejected", 12, 2023), ("cases_revoked", 8, 2023)} <= facts


def test_a_cell_records_where_its_domain_and_year_came_from(reader):
    text = (
        "表一:2020年度行政复议案件受理情况统计表\n"
        "单位 | 2019受理量 | 2020受理量 | 同比2019年 |\n"
        "市场监管局 | 30 | 21 | -30.0% |\n"
    )
    _, facts = read(reader, text, report_year=2021)
    by_value = {f.value: f for f in facts}
    assert {f.domain_source for f in facts} == {"table_caption"}  # 行政复议 is named in the caption
    assert by_value[30].year_source == "table_header" and by_value[30].year == 2019
    assert by_value[-30.0].year_source == "table_header"  # a change takes the year of its number


def test_a_table_without_years_takes_the_report_year(reader):
    text = (
        "单位 | 受理行政复议案件 | 审结行政复议案件 |\n"
        "市场监管局 | 30 | 21 |\n"
        "公安分局 | 6 | 13 |\n"
    )
    _, facts = read(reader, text, report_year=2021)
    assert facts and {(f.year, f.year_source, f.domain_source) for f in facts} == {(2021, "report_year", "table_header")}
