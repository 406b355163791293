"""Parsed stage: decoded text -> clean text, metadata, section tree and sentences.

Every offset (sections, sentences and, downstream, facts) indexes `ParsedReport.text`,
the clean text that is stored in the warehouse, so a user can check any quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from orchestration.reports.clean import clean_text, raw_span
from orchestration.reports.metadata import extract_metadata
from orchestration.reports.raw import RawReport
from orchestration.reports.rejection import RejectedReport
from orchestration.reports.script import simplified
from orchestration.reports.sections import OUTLINE_PARTS, Section, find_sections
from orchestration.reports.sentences import Sentence, split_sentences

__all__ = ["OUTLINE_PARTS", "ParsedReport", "Section", "Sentence", "parse_report"]

# Fewer Chinese characters than this after cleaning: a page without the report (a link list, an
# attachment notice, a scan without text), not worth storing.
MIN_CHINESE_CHARS = 50
_CHINESE_RE = re.compile(r"[\u4e00-\u9fff]")
# Enough of them, tested in one regex call that stops at the last one needed.
_ENOUGH_CHINESE_RE = re.compile(rf"(?:[^\u4e00-\u9fff]*[\u4e00-\u9fff]){{{MIN_CHINESE_CHARS}}}")


@dataclass
class ParsedReport:
    report_id: str
    file: str  # file name as given
    path: str
    text: str  # clean text; all offsets point into it
    title: str | None = None
    issuer: str | None = None
    issuer_kind: str | None = None  # government | department
    province: str | None = None
    city: str | None = None
    county: str | None = None
    admin_code: str | None = None  # 6-digit GB/T 2260
    report_year: int | None = None  # the year reported on
    publish_date: str | None = None  # ISO date
    doc_number: str | None = None  # 文号
    # The issuer's kind of body, a key of the departments seed: justice, market_regulation, government ...
    issuer_department: str | None = None
    # How each metadata field was found: "title", "header", "signature", "body", ...; also
    # "confidence.<field>" (0-1, from the evidence that decided it) and "conflicts" (evidence that
    # named regions that cannot both be right, e.g. "title:长兴县|signature:临海市").
    provenance: dict[str, str] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    # (clean_start, raw_start, length) runs leading from `text` back to RawReport.text.
    offset_map: list[tuple[int, int, int]] = field(default_factory=list)

    METADATA_FIELDS = (
        "title", "issuer", "issuer_kind", "province", "city", "county",
        "admin_code", "report_year", "publish_date", "doc_number", "issuer_department",
    )

    def metadata(self) -> dict:
        """The report's row as `fazhi parse` prints it (keys of the gold reports.csv)."""
        return {"file": self.file, **{name: getattr(self, name) for name in self.METADATA_FIELDS}}

    def section_at(self, offset: int) -> Section | None:
        """The innermost section holding `offset`."""
        found = None
        for section in self.sections:
            if section.start <= offset < section.end and (found is None or section.level >= found.level):
                found = section
        return found

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Where text[start:end] lies in RawReport.text, to show a quote in the original file."""
        return raw_span(self.offset_map, start, end)


def parse_report(raw: RawReport) -> ParsedReport:
    """Clean the text and find metadata, sections and sentences. Raises RejectedReport."""
    cleaned = clean_text(raw.text)
    if not _ENOUGH_CHINESE_RE.match(cleaned.text):
        chinese = len(_CHINESE_RE.findall(cleaned.text))
        raise RejectedReport("parse", f"no usable text after cleaning ({chinese} Chinese characters left)")
    # Metadata is read from the simplified text (same length), so 復議 names what 复议 does.
    meta = extract_metadata(simplified(cleaned.text), cleaned.page_fields)
    sections = find_sections(cleaned.text, meta.body_start, meta.body_end, cleaned.markdown_headings)
    return ParsedReport(
        report_id=raw.report_id, file=raw.file_name, path=raw.path, text=cleaned.text,
        **{name: getattr(meta, name) for name in ParsedReport.METADATA_FIELDS if name != "issuer_department"},
        issuer_department=meta.department,
        provenance={**meta.provenance, **{f"confidence.{k}": f"{v:.2f}" for k, v in meta.confidence.items()}},
        sections=sections,
        sentences=split_sentences(cleaned.text, sections),
        offset_map=list(cleaned.offset_map),
    )
