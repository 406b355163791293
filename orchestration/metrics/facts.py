"""Facts: one number from a report, in a domain and measure, traceable to its quote."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import asdict, dataclass, replace

from orchestration import settings
from orchestration.metrics import clauses
from orchestration.metrics.classify import Context, classify_sentence
from orchestration.metrics.cues import OTHER
from orchestration.metrics.grammar import rx
from orchestration.metrics.numbers import find_quantities, normalise
from orchestration.metrics.scope import ScopeReader
from orchestration.metrics.tables import Table, find_tables, table_reader
from orchestration.metrics.vocabulary import alternation, vocabulary
from orchestration.reports.parsed import ParsedReport

KINDS = ("value", "change", "target")
_RATES = ("percent", "percentage_point")
_HEADING_YEAR = rx("heading_year")
# The year a text without a known report year covers: the first year it names that is not a span.
_COVERED_YEAR = rx("covered_year")


@dataclass(frozen=True)
class Fact:
    report_id: str
    file: str
    domain: str  # licensing, reconsideration, ... (dbt_project/seeds/domains.csv)
    measure: str  # applications_received, ... or "other" (dbt_project/seeds/measures.csv)
    kind: str  # value | change | target
    value: float  # normalised: 万/亿 multiplied out, money in yuan, percent as 0-100
    unit: str  # case, item, yuan, percent, percentage_point, person, person_time, times, org, document
    approx: bool  # 余, 多, 近, 约, 超, 以上, 左右 ...
    year: int | None  # the calendar year the number describes
    scope: str | None  # the sub-unit the number is about; None for the issuer's own total
    quote: str  # == ParsedReport.text[start:end]
    start: int
    end: int
    section_id: int | None
    outline_part: str | None
    rule: str  # which rule produced it, so a user can judge it
    # The whole sentence (a table's row) the quote is in, so a table of facts reads on its own.
    sentence: str = ""  # == ParsedReport.text[sentence_start:sentence_end]
    sentence_start: int | None = None
    sentence_end: int | None = None
    # Where the domain and the year came from, one of classify.SOURCES: clause, sentence, paragraph,
    # heading, pattern, series, previous_year, plan_section, report_year, covered_year, table_row,
    # table_header, table_caption; year_source is None when the year is unknown.
    domain_source: str | None = None
    year_source: str | None = None

    def as_row(self) -> dict:
        return asdict(self)


def _plan(report: ParsedReport) -> list[tuple[int, int, int | None]]:
    """The plan part's sections, each with the year its goals are for: the year its heading names
    (四、2024年推进法治政府建设的主要安排), else the year after the report's."""
    following = report.report_year + 1 if report.report_year else None
    spans = []
    for section in report.sections:
        if section.outline_part == "plan":
            named = _HEADING_YEAR.search(section.heading)
            spans.append((section.start, section.end, int(named[1]) if named else following))
    return spans


class _SectionAt:
    """report.section_at, asked again only when an offset leaves the stretch between two section
    boundaries the last answer held for (every sentence and fact asks, and it scans every section)."""

    def __init__(self, report: ParsedReport):
        self.report = report
        self.points = sorted({s.start for s in report.sections} | {s.end for s in report.sections})
        self.stretch, self.section = (0, -1), None

    def __call__(self, offset: int):
        lo, hi = self.stretch
        if not lo <= offset < hi:
            k = bisect_right(self.points, offset)
            self.stretch = (self.points[k - 1] if k else 0, self.points[k] if k < len(self.points) else len(self.report.text) + 1)
            self.section = self.report.section_at(offset)
        return self.section


def extract_facts(report: ParsedReport) -> list[Fact]:
    """Every numeric fact in the report's prose, in text order.

    A specific measure stated twice with the same value, year and scope (a summary repeating the
    body) is one fact: the first mention.
    """
    vocab = vocabulary()
    text = normalise(report.text)
    scope = ScopeReader(vocab, report.issuer, (report.county, report.city))
    year, year_source = report.report_year, "report_year"
    if year is None:  # news and excerpts: the year the text first names is the year it covers
        first = _COVERED_YEAR.search(text)
        year, year_source = (int(first[1]), "covered_year") if first else (None, None)
    ctx = Context(report_year=year, scope=scope, plan=_plan(report), year_known=report.report_year is not None)
    section_at = _SectionAt(report)

    # Table cells are read by the table reader; the prose engine reads what is outside them.
    tables = find_tables(text)
    quantities = [q for q in find_quantities(text, vocab) if not _in_tables(q.start, tables)]
    starts = [q.start for q in quantities]
    subset = re.compile(alternation(vocab.words("subset")))
    facts, seen = [], {}  # seen: a fact's key -> the sentence it was first stated in
    # Measures a report states once per year and scope (measures.csv single_total): the first count
    # stated in a section is the total, a smaller one in a later sentence of it (a campaign's) a part
    # of it; not a count over years (累计, 以来), nor a later count that names its own body (系统, 局).
    cumulative, own_body = rx("cumulative"), rx("own_body")
    grand: dict[tuple, tuple[float, int]] = {}
    grand_section: int | None = None  # the section `grand` holds the totals of
    parted: tuple | None = None  # (sentence start, domain, measure) of the last count made a part
    for start, end, paragraph in clauses.sentences(text):
        if paragraph != ctx.paragraph:
            ctx.paragraph, ctx.subject, ctx.subject_domain, ctx.paragraph_year = paragraph, None, None, None
            ctx.last_measures, ctx.paragraph_domain = {}, None
            totals: dict[tuple, tuple[float, int]] = {}
        section = section_at(start)
        if (section.section_id if section else None) != grand_section:
            grand, grand_section = {}, section.section_id if section else None
        inside = quantities[bisect_left(starts, start):bisect_left(starts, end)]
        for f in classify_sentence(text, (start, end), inside, vocab, ctx):
            if f.measure != OTHER and f.kind == "value" and f.unit not in _RATES:
                # 调解组织3.1万个,其中村级调委会2.6万个: a smaller count of the same measure, year and
                # scope after a subset word (其中, 含) later in the paragraph is a part of the total.
                series = (f.domain, f.measure, f.year, f.scope, f.unit)
                total, at = totals.get(series, (None, 0))
                if total is not None and f.value < total and subset.search(text, at, f.quote[0]):
                    f = replace(f, measure=OTHER, rule=f"part-of-total/{f.rule}")
                elif total is None or f.value >= total:
                    totals[series] = (f.value, f.quote[1])
                if f.measure != OTHER and (f.domain, f.measure) in vocab.single_totals:
                    first, said = grand.get(series, (None, start))
                    if first is None:
                        if f.year is not None and not cumulative.search(text, start, f.quote[1]):
                            grand[series] = (f.value, start)
                    # (a list of bodies in one sentence, A办结案件10宗、B办结案件3宗, is no such part)
                    elif (f.value < first and said != start and not _restated(f.value, first)
                          and not own_body.search(text, start, f.quote[0])):
                        parted = (start, f.domain, f.measure)
                        f = replace(f, measure=OTHER, rule=f"part-of-total/{f.rule}")
            elif f.kind == "change" and parted == (start, f.domain, f.measure):
                f = replace(f, measure=OTHER, rule=f"part-of-total/{f.rule}")  # the change of that part
            key = (f.domain, f.measure, f.kind, f.value, f.year, f.scope)
            # (a second cue word with the same number in the same sentence, 废止3件、失效3件, is a second fact)
            if f.measure != OTHER and seen.get(key, start) != start:
                continue
            seen.setdefault(key, start)
            qs, qe = f.quote
            section = section_at(qs)
            facts.append(
                Fact(
                    report_id=report.report_id, file=report.file, domain=f.domain, measure=f.measure,
                    kind=f.kind, value=f.value, unit=f.unit, approx=f.quantity.approx, year=f.year,
                    scope=f.scope, quote=report.text[qs:qe], start=qs, end=qe,
                    section_id=section.section_id if section else None,
                    outline_part=section.outline_part if section else None, rule=f.rule,
                    sentence=report.text[start:end], sentence_start=start, sentence_end=end,
                    domain_source=f.domain_source, year_source=f.year_source,
                )
            )
    facts.extend(_table_facts(report, text, tables, year, facts, year_source))
    return sorted(facts, key=lambda f: f.start)


def _restated(value: float, total: float) -> bool:
    """13.28万 after 132818: the total again, rounded, not a part of it."""
    return total - value <= 0.005 * total


def _in_tables(pos: int, tables: list[Table]) -> bool:
    return any(t.start <= pos < t.end for t in tables)


def _table_facts(
    report: ParsedReport, text: str, tables: list[Table], year: int | None, prose: list[Fact],
    year_source: str | None = "report_year",
):
    """Facts of the table cells. A cell that restates a number of the prose is that fact, not a second
    one: a body's row when the prose gives the body the same number, a total row (no scope) when the
    prose gives the same number to anyone (the sentence before a table often states its total)."""
    if not tables:
        return
    reader = table_reader(vocabulary(), settings.VOCABULARY_DIR / "table_words.csv")
    stated = {(f.domain, f.measure, f.kind, f.value, f.year, f.scope) for f in prose if f.measure != OTHER}
    totals = {key[:5] for key in stated}
    for table in tables:
        for c in reader.read(text, table, year, year_source):
            key = (c.domain, c.measure, c.kind, c.value, c.year, c.scope)
            if c.measure != OTHER and (key in stated or c.scope is None and key[:5] in totals):
                continue
            stated.add(key)
            section = report.section_at(c.start)
            yield Fact(
                report_id=report.report_id, file=report.file, domain=c.domain, measure=c.measure, kind=c.kind,
                value=c.value, unit=c.unit, approx=False, year=c.year, scope=c.scope,
                quote=report.text[c.start:c.end], start=c.start, end=c.end,
                section_id=section.section_id if section else None,
                outline_part=section.outline_part if section else None, rule="table",
                sentence=report.text[c.row_start:c.row_end], sentence_start=c.row_start, sentence_end=c.row_end,
                domain_source=c.domain_source, year_source=c.year_source,
            )


def read_phrase(label: str, value: str, year: int | None, domain: str | None = None) -> Fact | None:
    """What a short phrase states: a table cell handed over as its row label (and column header, joined)
    and its value text, e.g. read_phrase("受理行政复议案件", "75件", 2023) or, with the table's caption
    giving the domain, read_phrase("作出维持决定", "12", 2023, "reconsideration"). The engine reads
    `label + value` as one sentence of a report whose year is `year` (a column's year), under a topic
    heading of `domain`; the fact's offsets and quote are within that phrase, to be mapped back onto the
    cell by the caller. A bare number (12) is read as a count of cases; None when nothing is stated."""
    vocab = vocabulary()
    numeric = re.fullmatch(r"[ \t]*[\d.,]+[ \t]*", value)
    count_word = next(iter(vocab.words("classifier")), "")  # the first classifier (件) counts a bare number
    text = normalise(f"{label}{value}{count_word if numeric else ''}")
    ctx = Context(report_year=year, scope=ScopeReader(vocab, None), topic=domain)
    quantities = [q for q in find_quantities(text, vocab) if q.num_start >= len(label)]  # the value's own
    found = classify_sentence(text, (0, len(text)), quantities, vocab, ctx)
    f = next(iter(found), None)
    if f is None:
        return None
    qs, qe = f.quote
    return Fact(
        report_id="", file="", domain=f.domain, measure=f.measure, kind=f.kind, value=f.value,
        unit=f.unit, approx=f.quantity.approx, year=f.year, scope=f.scope, quote=text[qs:qe],
        start=qs, end=qe, section_id=None, outline_part=None, rule=f.rule,
        domain_source=f.domain_source, year_source=f.year_source,
    )
