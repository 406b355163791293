"""Reports one at a time, streamed: read, parse, extract; one bad file never stops the others.

`fazhi parse` / `fazhi extract` chain these directly; the build runs them per file in worker
processes, incrementally (orchestration.stages). Rows to and from the lake's tables are here too.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from orchestration import lake
from orchestration.reports.parsed import ParsedReport, Section, Sentence, parse_report
from orchestration.reports.raw import RawReport, read_report
from orchestration.reports.rejection import RejectedReport

log = logging.getLogger(__name__)


def discover(input_dir: Path) -> Iterator[Path]:
    """Every entry below the input folder that is not a folder, in a stable order: files, and
    also symbolic links, pipes and devices, so each of those gets a rejection row with its
    reason instead of vanishing. Links to folders are not followed. Hidden files and folders
    (.DS_Store, .git) are skipped."""
    for folder, subfolders, files in os.walk(input_dir, followlinks=False):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        links = [d for d in subfolders if os.path.islink(os.path.join(folder, d))]
        subfolders[:] = [d for d in subfolders if d not in links]
        for name in sorted([*files, *links]):
            if not name.startswith("."):
                yield Path(folder) / name


def input_problem(input_dir: Path) -> str | None:
    """Why a folder cannot be built from (missing, not a folder, no files), or None.
    An empty or unmounted folder must never replace a warehouse with an empty one."""
    input_dir = Path(input_dir)
    if not input_dir.exists():
        return f"input folder {input_dir} does not exist"
    if not input_dir.is_dir():
        return f"{input_dir} is not a folder"
    if next(iter(discover(input_dir)), None) is None:
        return f"input folder {input_dir} holds no report files (is it mounted?)"
    return None


def displayable(path: str) -> str:
    """A path that UTF-8 can store. File names that are not UTF-8 (GBK names from Windows
    archives) decode with surrogates, which would fail the Parquet write for the batch."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def storable(text: str) -> str:
    """Text that UTF-8 can store: a damaged PDF's text layer can hold lone surrogates."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


def rejection(path: str, stage: str, reason: str, report_id: str | None = None, duplicate_of=None) -> dict:
    path = displayable(path)
    return {
        "path": path, "file_name": Path(path).name, "report_id": report_id,
        "stage": stage, "reason": displayable(reason), "duplicate_of": duplicate_of,
    }


def read_all(paths: Iterable[Path], root: Path | None = None) -> Iterator[RawReport | dict]:
    """RawReports, or rejection rows for files that cannot be used (duplicates included).
    With `root`, symbolic links are read only when they point inside it."""
    seen: dict[str, str] = {}  # report_id -> path of the first file with that content
    for path in paths:
        try:
            raw = read_report(path, root)
        except RejectedReport as err:
            yield rejection(os.path.abspath(path), err.stage, err.reason)
            continue
        except Exception as err:  # a reader bug must cost one file, not the batch
            log.exception("reading %s failed", displayable(str(path)))
            yield rejection(os.path.abspath(path), "read", f"unexpected error: {err!r}")
            continue
        if raw.report_id in seen:
            yield rejection(raw.path, "read", f"duplicate of {seen[raw.report_id]}", raw.report_id, raw.report_id)
            continue
        seen[raw.report_id] = raw.path
        yield dataclasses.replace(
            raw, path=displayable(raw.path), file_name=displayable(raw.file_name), text=storable(raw.text))


def parse_all(raws: Iterable[RawReport], check_duplicates: bool = True) -> Iterator[ParsedReport | dict]:
    """ParsedReports, or rejection rows. The same report published twice (a web page and its
    PDF) has other bytes but the same issuer, year and title: the second is a duplicate, or
    every fact of it would be counted twice. (The incremental build decides duplicates over
    the whole lake instead: orchestration.stages.)"""
    seen: dict[tuple, tuple[str, str]] = {}  # key -> (path, report_id): small, even for 100k reports
    seen_text: dict[str, tuple[str, str]] = {}  # the text's fingerprint -> (path, report_id)
    for raw in raws:
        try:
            report = parse_report(raw)
        except RejectedReport as err:
            yield rejection(raw.path, err.stage, err.reason, raw.report_id)
            continue
        except Exception as err:
            log.exception("parsing %s failed", raw.path)
            yield rejection(raw.path, "parse", f"unexpected error: {err!r}", raw.report_id)
            continue
        if not check_duplicates:
            yield report
            continue
        key = (report.issuer, report.report_year, report.title)
        fingerprint = text_fingerprint(report.text)
        if None not in key and key in seen:
            first_path, first_id = seen[key]
            yield rejection(raw.path, "parse", f"same issuer, year and title as {first_path}", raw.report_id, first_id)
        elif fingerprint in seen_text:
            # No title to compare (or another one given): the same words and numbers are the same report.
            first_path, first_id = seen_text[fingerprint]
            yield rejection(raw.path, "parse", f"same text as {first_path}", raw.report_id, first_id)
        else:
            if None not in key:
                seen[key] = (raw.path, raw.report_id)
            seen_text[fingerprint] = (raw.path, raw.report_id)
            yield report


_NOT_WORDS = re.compile(r"[^\u4e00-\u9fff0-9]+")


def text_fingerprint(text: str) -> str:
    """The report's Chinese characters and digits, hashed: the same report as .txt and as a
    web page or PDF differs in spacing, punctuation and markup, not in these."""
    return hashlib.sha256(_NOT_WORDS.sub("", text).encode("utf-8")).hexdigest()


def raw_to_row(raw: RawReport) -> dict:
    return dataclasses.asdict(raw)


def parsed_to_row(report: ParsedReport) -> dict:
    row = {name: getattr(report, name) for name in lake.SCHEMAS["parsed_reports"]
           if name not in ("file_name", "provenance", "sections", "sentences", "offset_map")}
    row["file_name"] = report.file
    row["provenance"] = [{"field": k, "method": v} for k, v in report.provenance.items()]
    row["sections"] = [dataclasses.asdict(s) for s in report.sections]
    row["sentences"] = [dataclasses.asdict(s) for s in report.sentences]
    row["offset_map"] = [dict(zip(("clean_start", "raw_start", "length"), run, strict=True))
                         for run in report.offset_map]
    return row


def row_to_parsed(row: dict) -> ParsedReport:
    fields = {name: row[name] for name in ParsedReport.METADATA_FIELDS}
    return ParsedReport(
        report_id=row["report_id"], file=row["file_name"], path=row["path"], text=row["text"], **fields,
        provenance={p["field"]: p["method"] for p in row["provenance"] or []},
        sections=[Section(**s) for s in row["sections"] or []],
        sentences=[Sentence(**s) for s in row["sentences"] or []],
        offset_map=[(r["clean_start"], r["raw_start"], r["length"]) for r in row["offset_map"] or []],
    )
