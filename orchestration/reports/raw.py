"""Raw stage: one input file -> its bytes' hash, format, encoding and decoded text."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from orchestration.reports.rejection import RejectedReport


@dataclass(frozen=True)
class RawReport:
    report_id: str  # sha256 of the file's bytes: the same content is the same report
    path: str  # absolute path of the input file
    file_name: str
    size_bytes: int
    format: str  # txt | md | html | pdf | docx
    encoding: str | None  # detected text encoding; None for pdf/docx
    text: str  # decoded text, before cleaning


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_report(path: str | Path) -> RawReport:
    """Read one file. Raises RejectedReport (never anything else) for a file we cannot use."""
    raise NotImplementedError
