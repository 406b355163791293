"""The one error a report can fail with: a file we cannot use, with the stage and a plain reason."""

from __future__ import annotations

import os


class RejectedReport(Exception):
    """Raised for a file that cannot become a report. The batch records it and goes on.

    `stage` is where it failed ("read", "decode", "parse"); `reason` is a sentence a
    user can act on ("empty file", "PDF has no text layer", ...).
    """

    def __init__(self, stage: str, reason: str):
        super().__init__(f"{stage}: {reason}")
        self.stage = stage
        self.reason = reason


# Bounds on the work one file may cause, so one hostile or absurd file costs a rejection,
# not the machine. A report is tens of thousands of characters; these are far above that.
# Each can be raised with the environment variable of the same name.
_DEFAULT_LIMITS = {
    "FAZHI_MAX_FILE_MB": 64,  # bytes on disk, any format (PDFs with scans are the big ones)
    "FAZHI_MAX_TEXT_FILE_MB": 16,  # txt, md, html: decoded whole, so kept smaller
    "FAZHI_MAX_UNPACKED_MB": 64,  # a .docx unpacked (it is a zip): a zip bomb stops here
    "FAZHI_MAX_DOCX_XML_MB": 16,  # of which XML, which python-docx parses into memory
    "FAZHI_MAX_PDF_PAGES": 2000,
    "FAZHI_MAX_REPORT_CHARS": 4_000_000,  # characters of text, after extraction
}


def limit(name: str) -> int:
    """The bound `name` (a key of _DEFAULT_LIMITS), from the environment if set there."""
    value = os.environ.get(name)
    try:
        return int(value) if value else _DEFAULT_LIMITS[name]
    except ValueError:
        return _DEFAULT_LIMITS[name]


def over_limit(what: str, amount: str, name: str, unit: str = "") -> RejectedReport:
    return RejectedReport(
        "read", f"{what} is {amount}, over the limit of {limit(name):,}{unit} (raise {name} to allow it)")
