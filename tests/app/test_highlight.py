"""The report page's highlighting and the exports, without a browser or a warehouse."""

from __future__ import annotations

import io
import zipfile
from html.parser import HTMLParser

import pandas as pd
import pyarrow.parquet as pq

from orchestration.app import export, highlight


class Marks(HTMLParser):
    """Text per fact id, across nested marks and split segments, in document order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[str | None] = []
        self.text: dict[str, str] = {}
        self.tips: dict[str, str] = {}
        self.all_text = []
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "style":
            self.in_style = True
        if tag == "mark":
            fid = attrs["data-fact"]
            self.open.append(fid)
            self.text.setdefault(fid, "")
            self.tips[fid] = attrs["data-tip"]

    def handle_endtag(self, tag):
        if tag == "style":
            self.in_style = False
        if tag == "mark":
            self.open.pop()

    def handle_data(self, data):
        if self.in_style:
            return
        self.all_text.append(data)
        for fid in self.open:
            self.text[fid] += data


def fact(fid, start, end, **kw):
    return {"fact_id": fid, "start_offset": start, "end_offset": end, "domain": "mediation", "measure": "cases",
            "kind": "value", "value": 12.0, "unit": "case", "year": 2023, "scope": None, "rule": "cue", **kw}


def parse(text, facts):
    out = Marks()
    out.feed(highlight.highlight(text, facts))
    return out


def test_each_mark_reads_as_its_quote_nested_crossing_and_identical():
    text = "甲<乙>&丙\r丁戊己庚辛壬癸"
    facts = [fact("a", 0, 6), fact("b", 2, 4), fact("c", 5, 9), fact("d", 5, 9), fact("e", 10, 12)]
    out = parse(text, facts)
    assert "".join(out.all_text) == text  # the whole text, once, escaped and unescaped back
    assert out.text == {f["fact_id"]: text[f["start_offset"]:f["end_offset"]] for f in facts}


def test_facts_outside_the_text_are_left_out():
    out = parse("一二三", [fact("a", 1, 3), fact("b", 2, 9), fact("c", 2, 2)])
    assert out.text == {"a": "二三"}


def test_tooltip_names_what_was_read():
    tip = parse("调解案件12件", [fact("a", 4, 7, scope="某街道", measure_label_zh="调解案件")]).tips["a"]
    for line in ("domain: mediation", "measure: cases (调解案件)", "kind: value", "value: 12", "unit: case",
                 "year: 2023", "scope: 某街道", "rule: cue"):
        assert line in tip


def test_exports_hold_the_rows_and_nested_values():
    df = pd.DataFrame({"region": ["文登区", "临海市"], "value": [1.5, 2.0],
                       "provenance": [{"title": "header"}, {}], "text": ["长" * 40_000, "短"]})
    csv = pd.read_csv(io.BytesIO(export.to_bytes(df, "csv")), encoding="utf-8-sig")
    assert csv["region"].tolist() == ["文登区", "临海市"]
    assert csv["provenance"][0] == '{"title": "header"}'
    table = pq.read_table(io.BytesIO(export.to_bytes(df, "parquet")))
    assert table.num_rows == 2 and len(table.column("text")[0].as_py()) == 40_000
    with zipfile.ZipFile(io.BytesIO(export.to_bytes(df, "xlsx"))) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("<row ") == 3  # header and two rows
    assert export.file_name("compare_licensing_2023", "xlsx") == "compare_licensing_2023.xlsx"
