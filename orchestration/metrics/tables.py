"""Tables in a report's text: their cells, and what each number cell states.

Two shapes are read: a row a line, its cells cut at bars (`单位 | 2019受理量 | 2020受理量 |`: Markdown
or a web page's table flattened), tabs (a Word table) or runs of spaces (aligned columns); and one cell a line (a PDF's or a web page's table copied as text, blank lines
between cells). A number cell's meaning comes from its row label, its column header, the table's
caption and the text before the table, in that order: the row label names a measure (作出维持决定)
or a body (市场监管局, 广东), the column names a measure, a year (2019受理量), a share (占比) or a
change (同比); the caption names the domain and often the measure (受理行政复议案件情况).

Which words do what lives in `table_words.csv` (totals, shares, changes, row numbers, body columns
and body suffixes); the domain and measure cues are the extraction vocabulary's.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from orchestration.metrics.vocabulary import Vocabulary

# A number cell: digits, a percent sign or a short measure word (75件), never a date (2019年, 12月).
_NUMBER = re.compile(r"([-+]?)(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)[ \t]*(%?)([万亿])?(?:(?![年月日])[\u4e00-\u9fff]{1,2})?")
_MULTIPLIERS = {"万": 1e4, "亿": 1e8}
_YEAR = re.compile(r"((?:19|20)\d{2})[ \t]*年?(?!\d)")
_BASELINE_MARKS = set("比较与从由自")
_TABS = re.compile(r"[ \u3000]*\t[ \t\u3000]*")
_ALIGNED = re.compile(r"(?<=\S)[ \u3000]{2,}(?=\S)")
# What _ALIGNED needs, found by str's own search: the regex, led by a lookbehind, tries every position.
_SPACE_PAIRS = [a + b for a in " \u3000" for b in " \u3000"]
_SEPARATOR_ROW = re.compile(r"^[\s|:\-]+$")
# A line of a cell-a-line table: short, and no sentence punctuation inside.
_CELL_LINE = re.compile(r"^[^,;:。!?]{1,30}$")
_SPACE = " \t\u3000"
MIN_CELL_RUN = 8  # fewer lines than this are a list or a signature, not a table
CONTEXT_BEFORE = 300  # characters before a table searched for its domain


@dataclass(frozen=True)
class Cell:
    start: int
    end: int
    text: str  # stripped; start/end bound it in the report text


@dataclass(frozen=True)
class Table:
    start: int
    end: int
    caption: Cell | None  # the line before the table (表1:…), when it is not part of it
    header: list[Cell]  # the column labels of one row group
    rows: list[list[Cell]]  # each row: its label cell(s) first, then one cell per value column
    label_header: str  # the header of the label column ('' when the header names values only)
    joined_labels: bool  # a row's label may span several cells (one cell a line)


@dataclass(frozen=True)
class CellFact:
    domain: str
    measure: str
    kind: str  # value | change
    value: float
    unit: str
    year: int | None
    scope: str | None
    start: int  # the quote: the row label and the cell when adjacent on a line, else the cell
    end: int
    row_start: int = 0  # the whole row, label to last cell: the cell's "sentence"
    row_end: int = 0
    # Where the domain and the year came from (classify.SOURCES): table_row (the row label),
    # table_header (the column header), table_caption, paragraph (the text before the table), or the
    # report's year (`year_source` handed to read).
    domain_source: str | None = None
    year_source: str | None = None


@dataclass(frozen=True)
class TableWords:
    roles: dict[str, tuple[str, ...]]

    def has(self, role: str, text: str) -> bool:
        return any(w in text for w in self.roles.get(role, ()))

    def ends(self, role: str, text: str) -> bool:
        return any(text.endswith(w) for w in self.roles.get(role, ()))


@cache
def table_reader(vocab: Vocabulary, words_file: Path) -> TableReader:
    """One reader per process and vocabulary."""
    return TableReader(vocab, load_table_words(words_file))


def load_table_words(path: Path) -> TableWords:
    roles: dict[str, list[str]] = defaultdict(list)
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            roles[row["role"]].append(row["word"])
    return TableWords({role: tuple(sorted(words, key=len, reverse=True)) for role, words in roles.items()})


def number(cell: str) -> tuple[float, bool] | None:
    """(value, is_percent) of a cell that holds a number and nothing else."""
    m = _NUMBER.fullmatch(cell)
    if not m:
        return None
    value = float(m[2].replace(",", "")) * _MULTIPLIERS.get(m[4], 1)
    return (-value if m[1] == "-" else value), bool(m[3])


def _lines(text: str, start: int = 0, end: int | None = None):
    end = len(text) if end is None else end
    pos = start
    while pos < end:
        stop = text.find("\n", pos, end)
        stop = end if stop < 0 else stop
        yield pos, stop
        pos = stop + 1


def _strip(text: str, a: int, b: int) -> Cell:
    line = text[a:b]
    kept = line.lstrip(_SPACE)
    a += len(line) - len(kept)
    kept = kept.rstrip(_SPACE)
    return Cell(a, a + len(kept), kept)


def _row_cells(text: str, a: int, b: int) -> list[Cell] | None:
    """The cells of a table row: cut at bars (Markdown, flattened web tables), tabs (Word tables) or
    runs of two or more spaces (aligned columns); None for a line that is no row."""
    line = text[a:b]
    if line.count("|") >= 2:
        cuts = [(i, i + 1) for i in range(a, b) if text[i] == "|"]
    elif "\t" in line:
        cuts = [(m.start(), m.end()) for m in _TABS.finditer(text, a, b)]
    else:
        cuts = [(m.start(), m.end()) for m in _ALIGNED.finditer(text, a, b)]
        if len(cuts) < 2:
            return None
    bounds = [(a, a), *cuts, (b, b)]
    cells = [_strip(text, bounds[i][1], bounds[i + 1][0]) for i in range(len(bounds) - 1)]
    if cells and not cells[0].text:
        cells = cells[1:]
    if cells and not cells[-1].text:
        cells = cells[:-1]
    return cells if len(cells) >= 2 else None


def _period(header: list[str]) -> int:
    """The length of a header that repeats (省份 | 数量 | 省份 | 数量): several row groups a line."""
    for p in range(1, len(header)):
        if len(header) % p == 0 and all(header[i] == header[i % p] for i in range(len(header))):
            return p
    return len(header)


def _caption(text: str, start: int) -> Cell | None:
    if start == 0:
        return None
    for a, b in reversed(list(_lines(text, max(0, text.rfind("\n", 0, max(0, start - 1)) + 1), start - 1))):
        cell = _strip(text, a, b)
        if cell.text:
            return cell
    return None


def _row_tables(text: str) -> list[Table]:
    if "|" not in text and "\t" not in text and not (any(p in text for p in _SPACE_PAIRS) and _ALIGNED.search(text)):
        return []  # no line can be a row (_row_cells): most reports are prose alone
    tables, run = [], []
    for a, b in [*_lines(text), (len(text) + 1, len(text) + 1)]:
        if b <= len(text) and _SEPARATOR_ROW.match(text[a:b]) and "|" in text[a:b]:
            continue  # |---|---|
        cells = _row_cells(text, a, b) if b <= len(text) else None
        if cells:
            run.append((a, cells))
            continue
        if len(run) >= 2:
            tables.extend(_row_table(text, run))
        run = []
    return tables


def _row_table(text: str, run: list[tuple[int, list[Cell]]]) -> list[Table]:
    rows = [cells for _, cells in run]
    header_row = rows[0]
    if any(number(c.text) for c in header_row) or not any(number(c.text) for row in rows for c in row):
        return []  # no header: what the numbers are is not said; no number: nothing to read
    names = [c.text for c in header_row]
    p = _period(names)
    header = header_row[:p]
    body: list[list[Cell]] = []
    for cells in rows[1:]:
        if [c.text for c in cells[:len(names)]] == names:
            continue  # the header repeated inside the table
        for g in range(0, len(cells), p):
            group = cells[g:g + p]
            if any(c.text for c in group):
                body.append(group)
    label_is_column = not any(number(c.text) for row in body for c in row[:1])
    return [Table(
        start=run[0][0], end=rows[-1][-1].end, caption=_caption(text, run[0][0]), header=header, rows=body,
        label_header=header[0].text if label_is_column else "", joined_labels=False,
    )]


def _cell_tables(text: str) -> list[Table]:
    if text.count("\n") + 1 < MIN_CELL_RUN:
        return []
    tables, run = [], []
    for a, b in [*_lines(text), (len(text) + 1, len(text) + 1)]:
        if b <= len(text):
            kept = text[a:b].strip(_SPACE)  # a Cell only for a cell line: most lines are prose
            if not kept:
                continue  # blank lines between cells
            if _CELL_LINE.match(kept) and "|" not in kept:
                run.append(_strip(text, a, b))
                continue
        if len(run) >= MIN_CELL_RUN:
            table = _cell_table(text, run)
            if table:
                tables.append(table)
        run = []  # a line that is no cell, or the end, ends the run
    return tables


def _cell_table(text: str, run: list[Cell]) -> Table | None:
    k = next((i for i, c in enumerate(run) if number(c.text)), len(run))
    if sum(1 for c in run[k:] if number(c.text)) < 3:
        return None
    # The caption may be a short line of the run itself (2014年复议案件审结情况(件), then 序号 …), and
    # the last word before the first number may be the first row's label (收案数 | 受理数 | 省人社厅 | 132).
    # Of the readings that fit, the one that explains the most cells.
    found = []
    for head_end in (k, k - 1):
        for skip in range(0, max(0, head_end - 2) + 1):
            caption = _caption(text, run[0].start)
            if skip:  # the short lines before the header belong to the caption (表一:… / (单位:件))
                first = caption or run[0]
                caption = Cell(first.start, run[skip - 1].end, "".join(c.text for c in [caption, *run[:skip]] if c))
            table = _cell_table_from(run[skip:head_end], run[head_end:], caption)
            if table:
                found.append((sum(len(row) for row in table.rows), -skip, table))
    return max(found, key=lambda f: f[:2])[2] if found else None


def _cell_table_from(header: list[Cell], body: list[Cell], caption: Cell | None) -> Table | None:
    k = len(header)
    if k < 2:
        return None
    pattern = [bool(number(c.text)) for c in body[:k]]
    chunks = [body[i:i + k] for i in range(0, len(body) - len(body) % k, k)]
    if len(chunks) >= 2 and not all(pattern) and all([bool(number(c.text)) for c in ch] == pattern for ch in chunks):
        # One row a header's width: 序号 | 处理方式 | 数量 | 比例, then 1 | 作出维持决定 | 3509 | 74.7%.
        at = pattern.index(False)
        rows = [chunk[at:] for chunk in chunks]
        return Table(header[0].start, rows[-1][-1].end, caption, header[at:], rows, header[at].text, False)
    # A label (perhaps over several lines) and then one number per value column: 省人社厅 | 132 | 118.
    p = _period([c.text for c in header])
    rows, label, values = [], [], []
    for cell in body:
        if number(cell.text) and not label and not values and number(cell.text) == (len(rows) + 1, False):
            continue  # the row's number (序号: 1, 2, 3 …) before its label
        if number(cell.text):
            values.append(cell)
            if len(values) == p and label:
                rows.append([*label, *values])
                label, values = [], []
            elif len(values) > p or not label:
                break
        else:
            if values:
                break
            label.append(cell)
    if len(rows) < 2:
        return None
    return Table(header[0].start, rows[-1][-1].end, caption, header[:p], rows, "", True)


def find_tables(text: str) -> list[Table]:
    """Every table of the text, in text order; `text` is the normalised report text."""
    return sorted(_row_tables(text) + _cell_tables(text), key=lambda t: t.start)


class TableReader:
    """Reads the number cells of a report's tables against the vocabulary."""

    def __init__(self, vocab: Vocabulary, words: TableWords):
        self.vocab, self.words = vocab, words
        self.domain_cues = sorted(vocab.domain_cues, key=len, reverse=True)

    def _domain(self, *texts: str) -> tuple[str | None, int]:
        """The domain the first of `texts` naming one names, and which of them it was."""
        for k, text in enumerate(texts):
            hits = [(text.rfind(cue), -len(cue), cue) for cue in self.domain_cues if cue in text]
            if hits:
                return self.vocab.domain_cues[max(hits)[2]], k
        return None, -1

    def _measure(self, domain: str, text: str) -> str | None:
        cues = self.vocab.measure_cues.get(domain, {})
        found = [(text.rfind(cue), len(cue), measure) for cue, measure in cues.items() if cue in text]
        return max(found)[2] if found else None

    def read(self, text: str, table: Table, report_year: int | None, year_source: str | None = "report_year") -> list[CellFact]:
        caption = table.caption.text if table.caption else ""
        before = text[max(0, table.start - CONTEXT_BEFORE):table.start]
        caption_year = next((int(m[1]) for m in _YEAR.finditer(caption)), None)
        n_values = len(table.header) - (1 if table.label_header else 0)
        columns = table.header[len(table.header) - n_values:]
        body_column = self.words.has("body_column", table.label_header)
        facts = []
        for row in table.rows:
            labels, cells = row[:len(row) - n_values], row[len(row) - n_values:]
            label = "".join(c.text for c in labels)
            if not label or len(cells) != n_values:
                continue
            row_facts: list[CellFact] = []
            for column, cell in zip(columns, cells, strict=True):
                read = number(cell.text)
                if read is None or self.words.has("row_number", column.text):
                    continue
                fact = self._cell(label, column.text, caption, before, read, caption_year, report_year,
                                  body_column, row_facts, year_source)
                if fact:
                    # The row label with the cell when they are adjacent, else the cell alone.
                    adjacent = cell is cells[0] and "\n" not in text[labels[-1].end:cell.start]
                    quote_start = labels[0].start if adjacent else cell.start
                    fact = CellFact(**{**fact.__dict__, "start": quote_start, "end": cell.end,
                                       "row_start": labels[0].start, "row_end": cells[-1].end})
                    row_facts.append(fact)
            facts.extend(row_facts)
        return facts

    def _cell(self, label, column, caption, before, read, caption_year, report_year, body_column, done,
              year_source="report_year"):
        # The last year the text before the table states for its numbers (not a baseline: 比2019年).
        context_year = next((int(m[1]) for m in reversed(list(_YEAR.finditer(before)))
                             if before[m.start() - 1:m.start()] not in _BASELINE_MARKS), None)
        value, percent = read
        # A column may name a category (行政处罚 among the matters a reconsideration is about): the
        # caption speaks for the table before a column does.
        domain, where = self._domain(label, caption, column, before)
        if domain is None:
            return None
        domain_source = ("table_row", "table_caption", "table_header", "paragraph")[where]
        year = next((int(m[1]) for m in _YEAR.finditer(column)), None)
        kind, measure, scope = "value", None, None
        if self.words.has("change", column):
            # 同比2019年 after 2020受理量: the change of the number before it, in that number's year.
            base = next((f for f in reversed(done) if f.kind == "value" and f.measure != "other"), None)
            if base is None:
                return None
            kind, measure, year, scope = "change", base.measure, base.year, base.scope
            unit = "percent" if percent else self.vocab.measure_units.get((domain, measure), "case")
            return CellFact(domain, measure, kind, value, unit, year, scope, 0, 0,
                            domain_source=domain_source, year_source=base.year_source)
        row_measure = self._measure(domain, label)
        if self.words.has("total", label) or row_measure:
            measure = row_measure or self._measure(domain, column) or self._measure(domain, caption)
        elif body_column or self.words.ends("body_suffix", label):
            measure, scope = self._measure(domain, column) or self._measure(domain, caption), label
        else:
            measure = "other"  # a category of a breakdown: a part, never a total
        if self.words.has("share", column) or self.words.has("share", label) or measure is None \
                or self.words.has("sum_column", column):  # a 总计 column adds other columns up: no measure's value
            measure = "other"
        unit = self.vocab.measure_units.get((domain, measure), "case")
        if percent and unit != "percent":
            measure, unit = "other", "percent"
        if value < 0:
            return None
        sources = [(year, "table_header"), (caption_year, "table_caption"), (report_year, year_source),
                   (context_year, "paragraph")]
        year, source = next(((y, s) for y, s in sources if y), (None, None))
        return CellFact(domain, measure, kind, value, unit, year, scope, 0, 0,
                        domain_source=domain_source, year_source=source)
