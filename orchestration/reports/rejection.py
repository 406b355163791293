"""The one error a report can fail with: a file we cannot use, with the stage and a plain reason."""

from __future__ import annotations


class RejectedReport(Exception):
    """Raised for a file that cannot become a report. The batch records it and goes on.

    `stage` is where it failed ("read", "decode", "parse"); `reason` is a sentence a
    user can act on ("empty file", "PDF has no text layer", ...).
    """

    def __init__(self, stage: str, reason: str):
        super().__init__(f"{stage}: {reason}")
        self.stage = stage
        self.reason = reason
