"""Clean a decoded report into the text that is stored: one paragraph a line.

Dropped: web-page furniture (breadcrumbs, 打印 关闭, view counts; the page's information table is kept
aside as `page_fields` for the metadata), image placeholders, Markdown markup and blank lines. A line
that a page break or a blank line cut off mid-sentence is re-joined to the line that continues it.
Characters are never converted (no width folding), so every clean character is one the reader sees
in the original, and `offset_map` leads from any clean offset back to the raw text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from operator import itemgetter

from orchestration.reports.sections import starts_with_heading_number

# Labels of a government web page's information table ("索引号: ... 公开方式: 主动公开") and what
# their value tells the metadata (None: nothing we use).
PAGE_FIELDS: dict[str, str | None] = {
    "索引号": None, "公开方式": None, "公开范围": None, "公开时限": None, "主题分类": None,
    "体裁分类": None, "组配分类": None, "信息分类": None, "服务对象": None, "有效性": None,
    "成文日期": "written_date", "发文日期": "written_date", "印发日期": "written_date",
    "发布日期": "page_date", "发布时间": "page_date", "公开日期": "page_date", "日期": "page_date",
    "时间": "page_date",
    "发文机关": "org", "发布机构": "org", "发文单位": "org", "发布单位": "org", "信息来源": "org",
    "来源": "org",
    "发文字号": "doc_number", "文号": "doc_number",
    "标题": "title", "文件名称": "title", "名称": "title",
}
# Other lines of page furniture, matched at the start of a short line.
CHROME_LINES = (
    r"(进入|退出|切换)?(老年|长者|关怀|适老化?|无障碍)(模式|版|浏览)",
    r"您?(当前|现在)?的?(所在)?位置\s*[:：]",
    r"首页\s*[>›»]",
    r"[>›»].*[>›»]",  # a breadcrumb's continuation: > 政务公开 > 信息公开目录 > ...
    r"[\[【]?\s*(打印|关闭)(本页|窗口|此页)?\s*[\]】]?(\s*[\[【]?\s*(打印|关闭|收藏|返回顶部)(本页|窗口|此页)?\s*[\]】]?)*$",
    r"分享到", r"扫一扫", r"[\[【]?\s*字[号体]\s*[:：]", r"[上下]一篇\s*[:：]",
    r"(浏览|阅读|访问|点击)(次数|量|数)\s*[:：]", r"网站(标识码|地图)", r".{0,40}ICP备", r".{0,40}公网安备",
    r"版权所有", r"(主办|承办)单位\s*[:：]", r"技术支持\s*[:：]", r"相关(附件|链接|文章|阅读)\s*[:：]?$",
    r"第\s*\d{1,4}\s*页(\s*[,，/]?\s*共\s*\d{1,4}\s*页)?$",
    # A PDF page number: - 3 -, —3—. A bare number on a line is kept: in a table copied as text
    # (one cell a line) it is a cell, and losing a cell is worse than keeping a page number.
    r"[-—－–]+\s*\d{1,3}\s*[-—－–]+$",
)
CHROME_MAX_LEN = 150  # furniture lines are short; a longer line is prose whatever it starts with
# Spans removed inside a line; for a link only the brackets and the address go, its words stay.
# Every alternative starts with a literal character (no class), so the regex engine gathers them
# into one set and skips at C speed to where a span can start, instead of trying each alternative
# at every position of every line.
INLINE_MARKUP = (
    r"\[image:[^\]\n]{0,200}\]",  # [image: image1]
    r"!\[[^\]\n]{0,200}\]\([^)\n]{0,1000}\)",  # Markdown image
    r"<img\b[^>\n]{0,1000}>",
    r"\[(?:图片|图像)[^\]\n]{0,50}\]",
    r"\*\*|__",  # bold
    r"\u200b|\u200c|\u200d|\u2060|\ufeff",  # zero-width characters
    r"\\(?=[\\`*_{}\[\]()#+\-.!|>])",  # Markdown escapes: 1\. -> 1.
    # Pinyin a converter left after a character, 復(fù)議: a reading aid, not text. A tone mark is
    # required, so a bracketed Latin word (a), (PDF) stays. The bracket comes first and the character
    # before it is looked back at after: tried at every position, this fails at once on all but brackets.
    *(rf"{bracket}(?<=[\u4e00-\u9fff].)[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*[)）]" for bracket in (r"\(", "（")),
)
_LINK_RE = re.compile(r"\[([^\[\]\n]{1,200})\]\((?:https?://|/|\./)[^)\s]{0,1000}\)")
# A line ending in one of these is complete: a sentence, or an addressee or lead-in before a colon.
SENTENCE_END = "。！？!?；;：:…"
CLOSERS = "”’\"'）)】》」』"
# Lines that stand alone and are never joined to a neighbour: a date, a document number, a
# "签发人：XX" field, an organisation's name (a signature).
STANDALONE_LINES = (
    r".{0,40}?([12]\d{3}|[〇○零Ｏ一二三四五六七八九]{4})\s*年\s*\S{1,3}\s*月\s*\S{1,3}\s*日\s*[)）]?$",
    r"\S{1,12}\s*[〔\[［【(（]\s*[12]\d{3}\s*[〕\]］】)）]\s*\d{1,4}\s*号",
    r"[\u4e00-\u9fff]{2,6}\s*[:：]\s*[^，。；,;]{1,30}$",
    r"[\u4e00-\u9fff（）()\s]{2,30}(人民政府|政府|委员会|委|局|厅|办公室|中心|院)$",
    r"[表图]\s*[0-9一二三四五六七八九十]{1,3}\s*[:：、.]",  # a table's caption: 表1:省直部门…情况
    r".*\|.*\|",  # a table row: two bars anywhere (单位 | 2019受理量 | ...), not only a leading one
)
# An unpunctuated line shorter than this is a title, a heading or a name, not prose cut by a page break.
PROSE_LINE_LEN = 40
# Text from a PDF keeps the page's line wraps: most prose lines then share one length (28 characters
# on an official A4 page). That length is the wrap width when at least this share of lines has it;
# a line that long (less the slack for half-width digits) is cut by the wrap, whatever it ends with.
WRAP_SHARE = 0.2
WRAP_MIN_LINES = 5
WRAP_SLACK = 2
_PROSE_PUNCT_RE = re.compile(r"[，,、；;。：:]")
_TITLE_END_RE = re.compile(r"(报告|总结|汇报)\s*([（(][^）)]{0,12}[）)])?$")

_SPACE = " \t\u3000\xa0"
_FIELD_LABEL = "|".join(r"\s*".join(label) for label in sorted(PAGE_FIELDS, key=len, reverse=True))
_FIELD_LINE_RE = re.compile(rf"[•·●▪\-*\s]*({_FIELD_LABEL})\s*[:：]")
_FIELD_RE = re.compile(rf"({_FIELD_LABEL})\s*[:：]\s*")
_CHROME_RE = re.compile(r"[•·●▪\s]*(?:" + "|".join(CHROME_LINES) + ")")
_INLINE_RE = re.compile("|".join(INLINE_MARKUP))
_MD_HEADING_RE = re.compile(r"(#{1,6})(?!#)\s*")
_MD_LIST_RE = re.compile(r"[-*+]\s+")
_MD_RULE_RE = re.compile(r"([-*_]\s*){3,}$")
_SPACES_RE = re.compile(r"\s+")
_MD_STARTS = "#-*_+"  # the first characters of the three patterns above
_MD_TABLE_RULE_RE = re.compile(r"[|:\-\s]+")
_STANDALONE_RE = re.compile("|".join(f"(?:{p})" for p in STANDALONE_LINES))


@dataclass
class _Line:
    pieces: list[tuple[int, int]]  # raw spans whose concatenation is the line
    text: str
    md_level: int  # number of '#' of a Markdown heading, else 0
    newline_at: int  # raw offset of the line break after it


@dataclass(frozen=True)
class CleanText:
    text: str
    # (clean_start, raw_start, length): clean text[clean_start:+length] == raw[raw_start:+length],
    # except that a line break may stand for raw line breaks or a space for a joined line break.
    offset_map: tuple[tuple[int, int, int], ...]
    markdown_headings: dict[int, int] = field(default_factory=dict)  # line start -> number of '#'
    page_fields: dict[str, str] = field(default_factory=dict)  # label -> value, first seen


def raw_span(offset_map: tuple[tuple[int, int, int], ...] | list, start: int, end: int) -> tuple[int, int]:
    """Where clean text[start:end] lies in the raw text."""

    def raw_at(offset: int) -> int:
        i = max(bisect_right(offset_map, (offset, float("inf"))) - 1, 0)
        clean_start, raw_start, _ = offset_map[i]
        return raw_start + offset - clean_start

    if not offset_map:
        return 0, 0
    return (raw_at(start), raw_at(end - 1) + 1) if end > start else (raw_at(start), raw_at(start))


def clean_text(raw: str) -> CleanText:
    page_fields: dict[str, str] = {}
    lines = []
    start = 0
    # Most texts hold no inline markup at all: one scan of the whole text tells, where a scan of each
    # line costs a call per line. (A span found in a line is also found in the whole text.)
    markup = bool(_INLINE_RE.search(raw) or _LINK_RE.search(raw))
    for line in raw.splitlines(keepends=True):
        end = start + len(line.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"))
        if (cleaned := _clean_line(raw, start, end, page_fields, markup)) is not None:
            lines.append(cleaned)
        start += len(line)
    return _assemble(raw, lines, page_fields)


def _clean_line(raw: str, start: int, end: int, page_fields: dict[str, str], markup: bool = True) -> _Line | None:
    md_level = 0
    while start < end and raw[start] in _SPACE:
        start += 1
    if start == end or raw[start] not in _MD_STARTS:
        pass  # most lines: no Markdown heading, rule or list item to try
    elif m := _MD_HEADING_RE.match(raw, start, end):
        md_level, start = len(m.group(1)), m.end()
    elif _MD_RULE_RE.match(raw, start, end):
        return None
    elif m := _MD_LIST_RE.match(raw, start, end):
        start = m.end()
    cut = []
    if markup:  # False: the text has none (see clean_text)
        cut = [m.span() for m in _INLINE_RE.finditer(raw, start, end)]
        for m in _LINK_RE.finditer(raw, start, end):
            cut += [(m.start(), m.start(1)), (m.end(1), m.end())]
    if cut:
        pieces, at = [], start
        for a, b in sorted(cut):
            if a > at:
                pieces.append((at, a))
            at = max(at, b)
        if at < end:
            pieces.append((at, end))
        pieces = _trim(raw, pieces)
    else:  # most lines: one piece, trimmed as _trim would
        a, b = start, end
        while a < b and raw[a] in _SPACE:
            a += 1
        while b > a and raw[b - 1] in _SPACE:
            b -= 1
        pieces = [(a, b)] if a < b else []
    if not pieces:
        return None
    text = raw[pieces[0][0]: pieces[0][1]] if len(pieces) == 1 else "".join(raw[a:b] for a, b in pieces)
    if text.startswith("|") and _MD_TABLE_RULE_RE.fullmatch(text):
        return None
    # A web page's information table arrives as Markdown table rows: | 索引号: | LH331082-001 | ...
    bare = text.replace("|", " ").strip(_SPACE) if text.startswith("|") else text
    if len(bare) <= CHROME_MAX_LEN and _is_chrome(bare, page_fields):
        return None
    return _Line(pieces, text, md_level, end)


def _trim(raw: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Drop whitespace at the line's two ends, and pieces left empty."""
    pieces = [(a, b) for a, b in pieces if a < b]
    while pieces:
        a, b = pieces[0]
        while a < b and raw[a] in _SPACE:
            a += 1
        if a < b:
            pieces[0] = (a, b)
            break
        pieces.pop(0)
    while pieces:
        a, b = pieces[-1]
        while b > a and raw[b - 1] in _SPACE:
            b -= 1
        if b > a:
            pieces[-1] = (a, b)
            break
        pieces.pop()
    return pieces


def _is_chrome(text: str, page_fields: dict[str, str]) -> bool:
    if _FIELD_LINE_RE.match(text):
        labels = list(_FIELD_RE.finditer(text))
        for m, nxt in zip(labels, labels[1:] + [None], strict=True):
            label = _SPACES_RE.sub("", m.group(1))
            value = text[m.end(): nxt.start() if nxt else len(text)].strip(_SPACE + "•·")
            if value:
                page_fields.setdefault(label, value)
        return True
    return bool(_CHROME_RE.match(text))


def _ends_sentence(text: str) -> bool:
    stripped = text.rstrip(CLOSERS)
    return not stripped or stripped[-1] in SENTENCE_END


def _wrap_width(lines: list[_Line]) -> int | None:
    """The width a PDF's lines were wrapped at, or None for text with a paragraph a line."""
    sizes = [size for line in lines if (size := len(line.text)) >= 10]
    if len(sizes) < WRAP_MIN_LINES:  # no length can be shared by enough lines
        return None
    # The first most common length, as Counter.most_common(1) gives it.
    width, count = max(Counter(sizes).items(), key=itemgetter(1))
    return width if count >= WRAP_MIN_LINES and count >= WRAP_SHARE * len(sizes) else None


def _continues(prev: _Line, nxt: _Line, wrap: int | None) -> bool:
    """Is `nxt` the rest of a sentence that `prev` leaves unfinished?"""
    a, b = prev.text, nxt.text
    if prev.md_level or nxt.md_level:
        return False
    wrapped = wrap is not None and len(a) >= wrap - WRAP_SLACK
    if _ends_sentence(a) and not wrapped:  # a full-width line may end in 。 and still be cut by the wrap
        return False
    if not (wrapped or _PROSE_PUNCT_RE.search(a) or len(a) >= PROSE_LINE_LEN) or _TITLE_END_RE.search(a):
        return False
    if starts_with_heading_number(a) and "。" not in a and not wrapped:  # a heading on a line of its own
        return False
    return not (_STANDALONE_RE.match(a) or _STANDALONE_RE.match(b) or starts_with_heading_number(b))


def _assemble(raw: str, lines: list[_Line], page_fields: dict[str, str]) -> CleanText:
    out: list[str] = []
    segments: list[list[int]] = []
    headings: dict[int, int] = {}
    size = 0

    def emit(text: str, raw_start: int) -> None:
        nonlocal size
        out.append(text)
        last = segments[-1] if segments else None
        if last and last[0] + last[2] == size and last[1] + last[2] == raw_start:
            last[2] += len(text)
        else:
            segments.append([size, raw_start, len(text)])
        size += len(text)

    wrap = _wrap_width(lines)
    for i, line in enumerate(lines):
        if i:
            prev = lines[i - 1]
            if not _continues(prev, line, wrap):
                emit("\n", prev.newline_at)
            elif prev.text[-1].isascii() and prev.text[-1].isalpha() and line.text[0].isascii() \
                    and line.text[0].isalpha():
                emit(" ", prev.newline_at)  # Latin words cut apart stay apart; a number cut by a wrap is one
        if line.md_level:
            headings[size] = line.md_level
        for a, b in line.pieces:
            emit(raw[a:b], a)
    return CleanText("".join(out), tuple(tuple(s) for s in segments), headings, page_fields)
