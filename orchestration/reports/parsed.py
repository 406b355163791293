"""Parsed stage: decoded text -> clean text, metadata, section tree and sentences.

Every offset (sections, sentences and, downstream, facts) indexes `ParsedReport.text`,
the clean text that is stored in the warehouse, so a user can check any quote.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from orchestration.reports.raw import RawReport

# The outline every report follows; a section belongs to one of these parts.
OUTLINE_PARTS = ("achievements", "shortcomings", "leaders_duties", "plan")


@dataclass(frozen=True)
class Section:
    section_id: int  # position in document order, from 0
    parent_id: int | None
    level: int  # 1 for 一、, 2 for （一）, 3 for 一是 / 1. ...
    number: str  # the numbering as written: "一", "（二）", "3."
    heading: str
    start: int  # span in ParsedReport.text, heading included
    end: int
    outline_part: str | None  # one of OUTLINE_PARTS, None for the preamble


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    section_id: int | None


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
    # How each metadata field was found: "title", "header", "signature", "body", ...
    provenance: dict[str, str] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)

    METADATA_FIELDS = (
        "title", "issuer", "issuer_kind", "province", "city", "county",
        "admin_code", "report_year", "publish_date", "doc_number",
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


def parse_report(raw: RawReport) -> ParsedReport:
    """Clean the text and find metadata, sections and sentences. Raises RejectedReport."""
    raise NotImplementedError
