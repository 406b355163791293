"""Bytes -> str for the text formats, with the encoding detected rather than assumed.

Order: byte-order mark, BOM-less UTF-16, strict UTF-8, a charset the file declares
(HTML meta), then charset-normalizer limited to the GB family. Text is returned as
decoded (BOM dropped, nothing else changed) so later offsets point into what a user sees.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from orchestration.reports.rejection import RejectedReport

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),  # the utf-16 codec reads the BOM for byte order and drops it
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
# GB2312 and GBK are subsets of GB18030, so decoding with it never loses a character they have.
_GB_FAMILY = ("gb18030", "gbk", "gb2312")
# Control characters no report contains; tab, newlines and form feed (page breaks) are text.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
# Real text has almost none of these; binaries and mis-decoded text have plenty.
_MAX_BINARY_BYTE_SHARE = 0.01
_MAX_BAD_CHAR_SHARE = 0.10

BINARY = "binary content, not text"
UNDECODABLE = "cannot decode as UTF-8, GB18030 or UTF-16"


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Return (text, encoding name) for `data`; `declared` is a charset the file names itself.

    Raises RejectedReport("decode", ...) when no encoding fits.
    """
    for bom, encoding, label in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                raise RejectedReport(
                    "decode", f"has a {label} byte-order mark but is not valid {label}"
                ) from None
    candidates = (_utf16_byte_order(data), "utf-8", _usable_declared(declared))
    for encoding in dict.fromkeys(filter(None, candidates)):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            pass
    if charset_normalizer.from_bytes(data, cp_isolation=list(_GB_FAMILY)).best() is not None:
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            pass  # charset-normalizer only samples very large files; the full decode is the judge
    binary_bytes = len(data) - len(data.translate(None, _CONTROL_BYTES))
    raise RejectedReport(
        "decode", BINARY if binary_bytes > len(data) * _MAX_BINARY_BYTE_SHARE else UNDECODABLE
    )


def check_is_text(text: str) -> None:
    """Reject text that is mostly control or replacement characters (binary, broken PDF fonts)."""
    if len(_BAD_CHARS.findall(text)) > len(text) * _MAX_BAD_CHAR_SHARE:
        raise RejectedReport("decode", f"{BINARY}: too many control or replacement characters")


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _utf16_byte_order(data: bytes) -> str | None:
    """utf-16-le/be for BOM-less UTF-16: ASCII (digits, newlines) puts its zero byte on one side.

    The other side gets a few too (一 is U+4E00); binary data has them on both sides alike.
    """
    if b"\x00" not in data or len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    units = len(data) // 2
    if odd >= units * 0.01 and odd >= 3 * even:
        return "utf-16-le"
    if even >= units * 0.01 and even >= 3 * odd:
        return "utf-16-be"
    return None


def _usable_declared(declared: str | None) -> str | None:
    encoding = _normalise_label(declared) if declared else None
    # A declaration readable as ASCII proves the file is not UTF-16/32 (as browsers reason).
    if encoding is None or encoding.startswith(("utf-16", "utf-32")):
        return None
    return encoding


def _normalise_label(name: str) -> str | None:
    """Python's name for a charset label ("GB2312", "x-gbk" -> "gb18030"), None if unknown."""
    try:
        # "x-" labels (x-gbk) are common on Chinese sites and unknown to Python.
        name = codecs.lookup(name.strip().lower().removeprefix("x-")).name
    except LookupError:
        return None
    return "gb18030" if name in _GB_FAMILY else name
