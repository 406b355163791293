"""Raw stage: one input file -> its bytes' hash, format, encoding and decoded text."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from orchestration.reports.encodings import check_is_text, normalise_newlines
from orchestration.reports.formats import extract_text, format_of
from orchestration.reports.rejection import RejectedReport, limit, over_limit


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


TEXT_FORMATS = ("txt", "md", "html")


def read_report(path: str | Path, root: str | Path | None = None) -> RawReport:
    """Read one file. Raises RejectedReport (never anything else) for a file we cannot use.

    With `root` (the input folder), a symbolic link is read only if it points to a file
    inside that folder: a link must not pull /etc/passwd into the warehouse."""
    absolute = os.path.abspath(path)
    fmt = format_of(absolute)
    data = _read_bytes(absolute, root, fmt)
    if not data.strip():
        raise RejectedReport("read", "empty file")
    text, encoding = extract_text(data, fmt)
    text = normalise_newlines(text)
    if len(text) > limit("FAZHI_MAX_REPORT_CHARS"):
        raise over_limit("its text", f"{len(text):,} characters", "FAZHI_MAX_REPORT_CHARS", " characters")
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


def _read_bytes(path: str, root: str | Path | None, fmt: str) -> bytes:
    try:
        target = _link_target(path, root)
        # O_NONBLOCK: opening a FIFO never waits for a writer; O_NOFOLLOW: the file checked is the file read.
        fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as file:
            info = os.fstat(file.fileno())
            # Only regular files: reading a FIFO or /dev/zero would hang or never end.
            if not stat.S_ISREG(info.st_mode):
                kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file (device, pipe or socket)"
                raise RejectedReport("read", f"cannot read file: it is {kind}")
            cap_mb = limit("FAZHI_MAX_TEXT_FILE_MB" if fmt in TEXT_FORMATS else "FAZHI_MAX_FILE_MB")
            if info.st_size > cap_mb * 2**20:
                raise RejectedReport("read", f"file is {info.st_size / 2**20:,.0f} MB, over the limit of "
                                     f"{cap_mb} MB for .{fmt} (raise {_size_limit_name(fmt)} to allow it)")
            return file.read(cap_mb * 2**20 + 1)
    except FileNotFoundError:
        raise RejectedReport("read", "file not found (deleted or moved before it could be read)") from None
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK):
            raise RejectedReport("read", "symbolic link loop; not read") from None
        if exc.errno == errno.EISDIR:
            raise RejectedReport("read", "cannot read file: it is a directory") from None
        raise RejectedReport("read", f"cannot read file: {(exc.strerror or str(exc)).lower()}") from None
    except ValueError as exc:  # a NUL in the path
        raise RejectedReport("read", f"cannot read file: {exc}") from None


def _size_limit_name(fmt: str) -> str:
    return "FAZHI_MAX_TEXT_FILE_MB" if fmt in TEXT_FORMATS else "FAZHI_MAX_FILE_MB"


def _link_target(path: str, root: str | Path | None) -> str:
    """`path`, or for a symbolic link the file it points to, checked against `root`."""
    if not os.path.islink(path):
        return path
    target = os.path.realpath(path)
    if not os.path.lexists(target) or not os.path.exists(target):
        raise RejectedReport("read", f"broken symbolic link (points to {os.readlink(path)}, which does not exist)")
    if root is not None:
        inside = os.path.realpath(root)
        if os.path.commonpath([inside, target]) != inside:
            raise RejectedReport("read", "symbolic link to a file outside the input folder; not read")
    return target
