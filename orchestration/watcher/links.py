"""A listing page -> the links on it that lead to reports, and the link to its next page."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from orchestration.watcher.config import Channel, Paging

# What a link's path ends in -> the kind of report it leads to. Pages of a CMS (.jsp, no
# suffix, ...) count as HTML; images, spreadsheets and archives are never reports.
SUFFIX_KINDS = {".pdf": "pdf", ".doc": "doc", ".docx": "docx", ".wps": "doc",
                ".html": "html", ".htm": "html", ".shtml": "html", ".xhtml": "html", ".jhtml": "html",
                ".jsp": "html", ".asp": "html", ".aspx": "html", ".php": "html", ".do": "html", "": "html"}
CONTENT_TYPE_KINDS = {"application/pdf": "pdf", "application/msword": "doc",
                      "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
                      "text/html": "html", "application/xhtml+xml": "html"}
KIND_SUFFIX = {"pdf": ".pdf", "doc": ".doc", "docx": ".docx", "html": ".html"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.I)


@dataclass(frozen=True)
class Link:
    url: str
    text: str
    kind: str  # guessed from the URL; the response's Content-Type decides the file's suffix


def decode_page(body: bytes, content_type: str | None) -> str:
    """Listing pages of Chinese government sites are UTF-8 or GB2312/GBK, not always declared."""
    declared = None
    if content_type and "charset=" in content_type.lower():
        declared = content_type.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'")
    if declared is None and (found := _META_CHARSET.search(body[:4096])):
        declared = found.group(1).decode("ascii", "replace").lower()
    candidates = [declared] if declared else []
    candidates += ["utf-8", "gb18030"]
    for encoding in candidates:
        if encoding in ("gb2312", "gbk"):
            encoding = "gb18030"  # a superset: pages labelled GB2312 use GBK characters
        try:
            codecs.lookup(encoding)
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", "replace")


def kind_of(url: str) -> str | None:
    suffix = PurePosixPath(unquote(urlsplit(url).path)).suffix.lower()
    return SUFFIX_KINDS.get(suffix)


def kind_from_content_type(content_type: str | None) -> str | None:
    return CONTENT_TYPE_KINDS.get((content_type or "").split(";")[0].strip().lower())


def _base(tree: LexborHTMLParser, page_url: str) -> str:
    base = tree.css_first("base[href]")
    return urljoin(page_url, base.attributes.get("href") or "") if base else page_url


def _anchors(tree: LexborHTMLParser, page_url: str):
    base = _base(tree, page_url)
    for node in tree.css("a[href]"):
        href = (node.attributes.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        url = urldefrag(urljoin(base, href)).url
        if urlsplit(url).scheme not in ("http", "https"):
            continue
        text = " ".join((node.text(deep=True) or "").split()) or (node.attributes.get("title") or "").strip()
        yield node, url, text


def report_links(html: str, page_url: str, channel: Channel) -> list[Link]:
    """Links on the page that match the channel (link pattern on the URL, link text on the
    text or title) and lead to a kind of report the channel wants; each URL once."""
    tree = LexborHTMLParser(html)
    found: dict[str, Link] = {}
    for node, url, text in _anchors(tree, page_url):
        kind = kind_of(url)
        if kind is None or kind not in channel.kinds or url in found:
            continue
        title = (node.attributes.get("title") or "").strip()
        if channel.link_pattern and not channel.link_pattern.search(url):
            continue
        if channel.link_text and not (channel.link_text.search(text) or channel.link_text.search(title)):
            continue
        found[url] = Link(url, text or title, kind)
    return list(found.values())


def attachment_links(html: str, page_url: str, kinds: tuple[str, ...]) -> list[Link]:
    """The document files (PDF, DOC, DOCX) an HTML report page links to, whatever their text
    (附件1, the file's name)."""
    tree = LexborHTMLParser(html)
    found: dict[str, Link] = {}
    for _, url, text in _anchors(tree, page_url):
        kind = kind_of(url)
        if kind in ("pdf", "doc", "docx") and kind in kinds and url != page_url:
            found.setdefault(url, Link(url, text, kind))
    return list(found.values())


def next_page(html: str, page_url: str, paging: Paging) -> str | None:
    """The next listing page's URL: the first match of the `next` selector, else the first
    link whose whole text is one of `next_text` (下一页)."""
    tree = LexborHTMLParser(html)
    if paging.next:
        node = tree.css_first(paging.next)
        if node is None:
            return None
        href = (node.attributes.get("href") or "").strip()
        return urldefrag(urljoin(_base(tree, page_url), href)).url if href and not href.startswith(
            ("#", "javascript:")) else None
    words = {w.lower() for w in paging.next_text}
    for _, url, text in _anchors(tree, page_url):
        if text.lower().strip(" >»›") in words or text.lower() in words:
            return url
    return None


def template_pages(paging: Paging) -> list[str]:
    if not paging.template:
        return []
    return [paging.template.format(page=number) for number in range(paging.first, paging.first + paging.pages)]
