"""A file's bytes -> its text, per format: txt/md decoded, HTML main text, PDF text layer, DOCX body."""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Iterator
from contextlib import closing

import docx
import lxml.etree
import lxml.html
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import trafilatura
from docx.table import Table

from orchestration.reports.encodings import decode_text
from orchestration.reports.rejection import RejectedReport, limit, over_limit

FORMATS = {".txt": "txt", ".md": "md", ".html": "html", ".htm": "html", ".pdf": "pdf", ".docx": "docx"}

# <meta charset=gb2312>, <meta content="text/html; charset=gbk">, <?xml encoding="gb2312"?>
_DECLARED_CHARSET = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_CHARSET_SNIFF_BYTES = 4096
# libxml2 stops at a NUL and rejects other XML-invalid controls; they carry no text.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
# A text PDF carries hundreds of characters a page; a scan has at most a stamp or page number.
_MIN_CHARS_PER_PDF_PAGE = 10
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .doc


def format_of(file_name: str) -> str:
    """The format of a file by its extension, case-insensitive. Raises RejectedReport("read")."""
    extension = os.path.splitext(file_name)[1]
    fmt = FORMATS.get(extension.lower())
    if fmt is None:
        raise RejectedReport(
            "read", f"unsupported file type {extension or '(no extension)'}; expected {', '.join(FORMATS)}"
        )
    return fmt


def extract_text(data: bytes, fmt: str) -> tuple[str, str | None]:
    """(text, encoding) of a file's bytes; encoding is None for pdf and docx.

    Raises RejectedReport when the file has no usable text.
    """
    if fmt == "html":
        return html_text(data)
    if fmt == "pdf":
        return pdf_text(data), None
    if fmt == "docx":
        return docx_text(data), None
    text, encoding = decode_text(data)
    if not text.strip():
        raise RejectedReport("read", "empty file")
    return text, encoding


# A site's name follows the page title after one of these.
_TITLE_SEPARATORS = re.compile(r"\s*(?:_|\||｜|\s-\s|——)\s*")
_TITLE_SEARCH_CHARS = 300


def html_text(data: bytes) -> tuple[str, str]:
    """Main text of a page (no navigation, header, footer, scripts), one paragraph a line."""
    declared = _DECLARED_CHARSET.search(data[:_CHARSET_SNIFF_BYTES])
    html, encoding = decode_text(data, declared and declared.group(1).decode("ascii"))
    # Parse ourselves, re-encoded as UTF-8 with the encoding forced: the declared charset is
    # already applied, and a saved fragment (no <html>) still parses, unlike trafilatura's loader.
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)
    try:
        tree = lxml.html.document_fromstring(_XML_INVALID.sub("", html).encode("utf-8"), parser=parser)
    except lxml.etree.ParserError:  # nothing but whitespace or comments
        tree = None
    text = ""
    if tree is not None:
        text = (
            trafilatura.extract(tree, include_comments=False, include_tables=True)
            # Too little text for the main-text heuristics: take all of it, still without scripts.
            or trafilatura.html2txt(tree)
        )
    if not text.strip():
        raise RejectedReport("decode", "HTML page has no text once tags, scripts and styles are removed")
    title = _page_title(tree)
    if title and title not in text[:_TITLE_SEARCH_CHARS]:
        # Main-text extraction leaves out the page's <h1>/<title>, where the report's title often is.
        text = f"{title}\n{text}"
    return text, encoding


def _page_title(tree) -> str | None:
    """The page's title without the site name a <title> usually carries (报告_某某市人民政府网)."""
    title = trafilatura.extract_metadata(tree).title if tree is not None else None
    if not title:
        return None
    parts = [part.strip() for part in _TITLE_SEPARATORS.split(title) if part.strip()]
    return max(parts, key=len) if parts else None


def pdf_text(data: bytes) -> str:
    """The text layer, pages joined by a blank line. The document is closed before returning."""
    try:
        with pdfium.PdfDocument(data) as pdf:
            if len(pdf) > limit("FAZHI_MAX_PDF_PAGES"):
                raise over_limit("PDF", f"{len(pdf):,} pages", "FAZHI_MAX_PDF_PAGES", " pages")
            pages = [_pdf_page_text(pdf, index) for index in range(len(pdf))]
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_raw.FPDF_ERR_PASSWORD:
            raise RejectedReport("decode", "PDF is password-protected; remove the password first") from None
        raise RejectedReport("decode", f"cannot open PDF, the file may be damaged ({exc})") from None
    text = "\n\n".join(page for page in pages if page.strip())
    if len("".join(text.split())) < _MIN_CHARS_PER_PDF_PAGE * max(len(pages), 1):
        raise RejectedReport("decode", "PDF has no text layer (scanned image?); OCR it first")
    return text


def _pdf_page_text(pdf: pdfium.PdfDocument, index: int) -> str:
    with closing(pdf[index]) as page, closing(page.get_textpage()) as textpage:
        # get_text_bounded, unlike get_text_range, keeps characters beyond the BMP
        # (rare CJK in place and person names). Only edge newlines go: indents are text.
        return textpage.get_text_bounded().strip("\r\n")


def docx_text(data: bytes) -> str:
    """Paragraphs and tables in document order; a table row is one line of tab-separated cells."""
    if data.startswith(_OLE_MAGIC):
        raise RejectedReport(
            "decode", "this is a legacy .doc file named .docx; save it as .docx in Word first"
        )
    check_docx_size(data)
    try:
        text = "\n".join(_docx_blocks(docx.Document(io.BytesIO(data))))
    # A damaged file can fail anywhere in zipfile, lxml or python-docx; the caller only takes RejectedReport.
    except Exception as exc:
        raise RejectedReport(
            "decode", f"cannot read Word document, the file may be damaged ({exc})"
        ) from None
    if not text.strip():
        raise RejectedReport("decode", "Word document has no text")
    return text


_MAX_ZIP_ENTRIES = 10_000


def check_docx_size(data: bytes) -> None:
    """Reject a .docx that would unpack to more than the limits, before unpacking anything:
    a 700 KB file can hold a 200 MB document.xml. zipfile reads no more than the sizes the
    directory declares (a lie ends in a CRC error), so checking them bounds the work."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise RejectedReport("decode", f"cannot read Word document, the file may be damaged ({exc})") from None
    if len(entries) > _MAX_ZIP_ENTRIES:
        raise RejectedReport("read", f"Word document holds {len(entries):,} parts, over the limit of {_MAX_ZIP_ENTRIES:,}")
    unpacked = sum(e.file_size for e in entries)
    xml = sum(e.file_size for e in entries if e.filename.endswith((".xml", ".rels")))
    if xml > limit("FAZHI_MAX_DOCX_XML_MB") * 2**20:
        raise over_limit("Word document's text markup (XML) unpacked", f"{xml / 2**20:,.0f} MB",
                         "FAZHI_MAX_DOCX_XML_MB", " MB")
    if unpacked > limit("FAZHI_MAX_UNPACKED_MB") * 2**20:
        raise over_limit("Word document unpacked", f"{unpacked / 2**20:,.0f} MB", "FAZHI_MAX_UNPACKED_MB", " MB")


def _docx_blocks(container) -> Iterator[str]:
    for block in container.iter_inner_content():
        if isinstance(block, Table):
            yield from _docx_rows(block)
        else:
            yield block.text


def _docx_rows(table: Table) -> Iterator[str]:
    seen = set()  # python-docx returns a merged cell once per grid column and row it spans
    for row in table.rows:
        cells = []
        for cell in row.cells:
            if cell._tc not in seen:
                seen.add(cell._tc)
                # A cell's own paragraphs keep their line breaks: some reports lay the whole body out in a table.
                cells.append("\n".join(_docx_blocks(cell)))
        yield "\t".join(cells)
