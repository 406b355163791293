"""Raw stage: one input file -> its bytes' hash, format, encoding and decoded text."""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from orchestration.reports.encodings import check_is_text, normalise_newlines
from orchestration.reports.formats import extract_text, format_of
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
    absolute = os.path.abspath(path)
    fmt = format_of(absolute)
    data = _read_bytes(absolute)
    if not data.strip():
        raise RejectedReport("read", "empty file")
    text, encoding = extract_text(data, fmt)
    text = normalise_newlines(text)
    check_is_text(text)
    return RawReport(
        report_id=content_hash(data),
        path=absolute,
        file_name=os.path.basename(absolute),
        size_bytes=len(data),
        format=fmt,
        encoding=encoding,
        text=text,
    )


def _read_bytes(path: str) -> bytes:
    try:
        mode = os.stat(path).st_mode
        # Only regular files: reading a FIFO or /dev/zero would hang or never end.
        if stat.S_ISREG(mode):
            with open(path, "rb") as file:
                return file.read()
    except OSError as exc:
        raise RejectedReport("read", f"cannot read file: {(exc.strerror or str(exc)).lower()}") from None
    except ValueError as exc:  # a NUL in the path
        raise RejectedReport("read", f"cannot read file: {exc}") from None
    kind = "a directory" if stat.S_ISDIR(mode) else "not a regular file (device, pipe or socket)"
    raise RejectedReport("read", f"cannot read file: it is {kind}")
