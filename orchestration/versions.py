"""What each Python stage's output depends on, as a version: its code and the data files it reads.

A report is processed again only when its content or its stage's version changed. The same
strings are the assets' code versions, so the Dagster UI marks exactly the affected assets
stale when a cue word in measures.csv or a pattern in patterns.yaml is edited.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from orchestration import settings
from orchestration.reports.rejection import _DEFAULT_LIMITS, limit

PACKAGE = Path(__file__).resolve().parent
_SOURCES = {
    # Reading a file: the readers, and the limits a file is checked against.
    "read": ["reports/raw.py", "reports/formats.py", "reports/encodings.py", "reports/rejection.py", "batch.py"],
    # Parsing: the whole reports package and the gazetteers and word lists it is handed.
    "parse": ["reports", "batch.py"],
    # Extracting: the metrics package (engines, patterns, grammar) and the vocabulary seeds.
    "extract": ["metrics", "reports/parsed.py", "batch.py"],
}
_SEEDS = {"read": False, "parse": True, "extract": True}


def _files(stage: str) -> list[Path]:
    files: list[Path] = []
    for entry in _SOURCES[stage]:
        path = PACKAGE / entry
        files += sorted(p for p in path.rglob("*") if p.suffix in (".py", ".yaml", ".csv")) if path.is_dir() else [path]
    if _SEEDS[stage]:
        files += sorted(settings.VOCABULARY_DIR.glob("*.csv"))
    return files


@functools.cache
def _files_hash(stage: str) -> str:
    digest = hashlib.sha256()
    for path in _files(stage):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def stage_version(stage: str) -> str:
    """12 hex digits of a hash over the stage's files (and, for reading, the limits in force:
    a file rejected as too large is read again once its limit is raised)."""
    digest = hashlib.sha256(_files_hash(stage).encode())
    if stage == "read":
        digest.update(repr(sorted((name, limit(name)) for name in _DEFAULT_LIMITS)).encode())
    return digest.hexdigest()[:12]
