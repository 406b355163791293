"""Facts: one number from a report, in a domain and measure, traceable to its quote."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from orchestration.reports.parsed import ParsedReport

KINDS = ("value", "change", "target")


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

    def as_row(self) -> dict:
        return asdict(self)


def extract_facts(report: ParsedReport) -> list[Fact]:
    """Every numeric fact in the report's prose, in text order."""
    raise NotImplementedError
