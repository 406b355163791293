"""The section tree of a report: its numbered headings, how they nest, and the outline part of each.

Headings are numbered as 一、 / （一） / 1. 1、 / （1） / ① at a line's start, or led by 一是 inside a
paragraph (after sentence punctuation); a Markdown '#' line is a heading too. Nesting is read from the
numbering, not from fixed levels: a numbering style seen for the first time opens a level below the
current heading, and a number that continues a sequence closes everything opened since. So a report
that puts 一是 straight under 一、 gets 一是 at level 2, and `level` is always the depth in the tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The outline every report follows; a section belongs to one of these parts.
OUTLINE_PARTS = ("achievements", "shortcomings", "leaders_duties", "plan")

# The outline part a heading names, checked in this order: "党政主要负责人履行...第一责任人职责...情况"
# speaks of leaders' duties although it also says 情况.
OUTLINE_CUES = (
    ("leaders_duties", "第一责任人|主要负责人|党政负责人"),
    ("shortcomings", "不足|问题|差距|短板|薄弱|困难"),
    ("plan", "安排|打算|计划|思路|下一步|下一年度|明年|今后|展望|努力方向"),
    ("achievements", "举措|成效|成绩|做法|进展|工作情况|开展情况|完成情况|落实情况|建设情况|主要工作|亮点|经验"),
)

# A top-level heading may name two parts joined by one of these: 存在的问题和下一步工作安排, 不足及下一步打算.
# Its sub-sections then take the part their own heading names; one that names neither takes the later
# part once a sub-section before it has named a part, or the heading's own paragraphs have got to the
# later part (…。下一步，我们将：), else the earlier part.
PART_JOINERS = r"以及|和|及|与|暨|、|，|,|；|;"
# When no top-level heading names a part, a sub-section naming it takes it, but only under a top-level
# heading that names one of these parts (or none): the duties are often told among the achievements,
# while a 计划 or 问题 there is work done (落实年度立法计划, 问题整改), never next year's plan.
LOOK_DOWN_PARTS = {
    "achievements": ("leaders_duties",),
    "shortcomings": ("plan",),
    "leaders_duties": ("plan",),
    "plan": (),
}
# A year in a sub-heading of a combined heading, later than any year the headings before it name,
# is next year's: （二）2024年重点工作.
HEADING_YEAR = r"((?:19|20)\d{2})\s*年"

_CN = "一二三四五六七八九十"
# Numbering at the start of a line: style -> pattern whose group 1 is the number.
LINE_STYLES = {
    "chinese": rf"([{_CN}]{{1,3}})[、.．]",  # 一、
    "paren_chinese": rf"[（(]([{_CN}]{{1,3}})[）)]",  # （一）
    "arabic": r"(\d{1,2})(?:[、．]|\.(?!\d))",  # 1. 1、 (not 1.5万)
    "paren_arabic": r"[（(](\d{1,2})[）)]",  # （1）
    "circled": r"([①-⑳])",
}
# 一是 / 二是 leading a sentence: at a line's start or after sentence punctuation.
SHI_STYLE = rf"(?:^|(?<=[。；;！？!?：:]))([{_CN}]{{1,3}})是(?=[^，,。；;、\s])"
HEADING_MAX_LEN = 60  # a heading runs to its first full stop, at most this far

# All line styles in one pattern, tried in the dict's order: one call per line instead of one per style.
# Each style's pattern has one group, so the group that took part (lastindex) tells the style.
_LINE_STYLE_NAMES = tuple(LINE_STYLES)
_LINE_RE = re.compile("|".join(f"(?:{pattern})" for pattern in LINE_STYLES.values()))
assert _LINE_RE.groups == len(LINE_STYLES), "each line style has exactly one group: its number"
_SHI_RE = re.compile(SHI_STYLE, re.MULTILINE)
# What any 一是 holds; it starts with a character class, so a line without one is passed over at C speed.
_SHI_HINT_RE = re.compile(rf"[{_CN}]是")
_STARTS_NUMBERED_RE = re.compile("|".join([*LINE_STYLES.values(), rf"[{_CN}]{{1,3}}是"]))
_HEADING_END_RE = re.compile(r"[。；;！？!?\n]")
_CUE_RES = [(part, re.compile(cues)) for part, cues in OUTLINE_CUES]
_JOINER_RE = re.compile(PART_JOINERS)
_HEADING_YEAR_RE = re.compile(HEADING_YEAR)


@dataclass(frozen=True)
class Section:
    section_id: int  # position in document order, from 0
    parent_id: int | None
    level: int  # depth in the tree: 1 for a top-level heading (usually 一、), 2 for its children ...
    number: str  # the numbering as written: "一", "（二）", "3.", "一是"; "" for a Markdown heading
    heading: str
    start: int  # span in ParsedReport.text, heading included
    end: int
    outline_part: str | None  # one of OUTLINE_PARTS, None for the preamble


def starts_with_heading_number(line: str) -> bool:
    return bool(_STARTS_NUMBERED_RE.match(line))


def outline_cue(heading: str) -> str | None:
    return next((part for part, cue in _CUE_RES if cue.search(heading)), None)


def outline_cues(heading: str) -> tuple[str, ...]:
    """The parts a heading names: one, or two in outline order for a heading that joins two parts
    (存在的问题和下一步工作安排 -> shortcomings, plan); () if it names none."""
    named = [part for piece in _JOINER_RE.split(heading) if (part := outline_cue(piece))]
    first, last = (named[0], named[-1]) if named else (None, None)
    if first and last and OUTLINE_PARTS.index(first) < OUTLINE_PARTS.index(last):
        return first, last
    part = outline_cue(heading)
    return (part,) if part else ()


@dataclass
class _Heading:
    start: int
    style: str
    value: int
    number: str
    heading: str
    heading_end: int  # after the heading's own text and its full stop


def find_sections(text: str, body_start: int = 0, body_end: int | None = None,
                  markdown_headings: dict[int, int] | None = None) -> list[Section]:
    """Sections between `body_start` (after the title block) and `body_end` (before the signature)."""
    body_end = len(text) if body_end is None else body_end
    headings = _headings(text, body_start, body_end, markdown_headings or {})
    parents, levels = _nest(text, headings)
    ends = _ends(text, levels, headings, body_end)
    parts = _outline_parts(text, headings, parents, levels)
    return [
        Section(section_id=i, parent_id=parents[i], level=levels[i], number=h.number, heading=h.heading,
                start=h.start, end=ends[i], outline_part=parts[i])
        for i, h in enumerate(headings)
    ]


def _number_value(token: str) -> int:
    if "①" <= token <= "⑳":
        return ord(token) - ord("①") + 1
    if token.isdecimal():
        return int(token)
    digits = [_CN.index(ch) + 1 for ch in token]  # 十 is 10
    if len(digits) == 1:
        return digits[0]
    if digits[0] == 10:  # 十二
        return 10 + digits[1]
    return digits[0] * 10 + (digits[2] if len(digits) > 2 else 0)  # 二十, 二十三


def _heading_text(text: str, start: int, line_end: int) -> tuple[str, int]:
    m = _HEADING_END_RE.search(text, start, min(line_end, start + HEADING_MAX_LEN))
    end = m.end() if m else min(line_end, start + HEADING_MAX_LEN)
    return text[start:end].strip(" \u3000\t：:。；;！？!?"), end


def _headings(text: str, body_start: int, body_end: int, markdown: dict[int, int]) -> list[_Heading]:
    found: list[_Heading] = []
    line_start = body_start
    while line_start < body_end:
        line_end = text.find("\n", line_start, body_end)
        line_end = body_end if line_end < 0 else line_end
        if m := _LINE_RE.match(text, line_start, line_end):
            heading, heading_end = _heading_text(text, m.end(), line_end)
            style, number = _LINE_STYLE_NAMES[m.lastindex - 1], m.group(m.lastindex)
            found.append(_Heading(line_start, style, _number_value(number), m.group(0).rstrip("、"), heading, heading_end))
        if line_start in markdown and not _STARTS_NUMBERED_RE.match(text, line_start, line_end):
            heading, heading_end = _heading_text(text, line_start, line_end)
            found.append(_Heading(line_start, "#" * markdown[line_start], 1, "", heading, heading_end))
        shi = _SHI_RE.finditer(text, line_start, line_end) if _SHI_HINT_RE.search(text, line_start, line_end) else ()
        for m in shi:
            heading, heading_end = _heading_text(text, m.end(), line_end)
            found.append(_Heading(m.start(), "shi", _number_value(m.group(1)), m.group(0), heading, heading_end))
        line_start = line_end + 1
    return found


def _nest(text: str, headings: list[_Heading]) -> tuple[list[int | None], list[int]]:
    """Parent and depth of each heading, from how its numbering relates to the open headings."""
    parents: list[int | None] = []
    levels: list[int] = []
    stack: list[int] = []  # indexes of open headings, outermost first
    for i, h in enumerate(headings):
        follows = next((d for d in range(len(stack) - 1, -1, -1)
                        if headings[stack[d]].style == h.style and headings[stack[d]].value + 1 == h.value), None)
        if follows is not None:
            del stack[follows:]  # the next number of an open sequence: its sibling
        else:
            same = [d for d, j in enumerate(stack) if headings[j].style == h.style]
            top = headings[stack[-1]] if stack else None
            # A list starting right under its parent's heading (八是…。一是…) nests; any other restart
            # or gap in the numbering (an OCR slip, a lost heading) stays at the same level.
            nested = h.value == 1 and top is not None and not text[top.heading_end:h.start].strip()
            if same and not nested:
                del stack[same[-1]:]
        parents.append(stack[-1] if stack else None)
        levels.append(len(stack) + 1)
        stack.append(i)
    return parents, levels


def _ends(text: str, levels: list[int], headings: list[_Heading], body_end: int) -> list[int]:
    """A section runs to the next heading of the same or a higher level, trailing space left out."""
    ends = [body_end] * len(headings)
    open_: list[int] = []
    for i, h in enumerate(headings):
        while open_ and levels[open_[-1]] >= levels[i]:
            ends[open_.pop()] = h.start
        open_.append(i)
    for i, end in enumerate(ends):
        while end > headings[i].start and text[end - 1].isspace():
            end -= 1
        ends[i] = end
    return ends


def _outline_parts(text: str, headings: list[_Heading], parents: list[int | None],
                   levels: list[int]) -> list[str | None]:
    """The part of each section: named by its top-level heading; a top-level heading naming no part
    continues the part before it (the first ones are achievements). A top-level heading naming two parts
    leaves them to its sub-sections (see PART_JOINERS). A part that no top-level heading names is looked
    for one level down (a 第一责任人职责 sub-section of the achievements, as LOOK_DOWN_PARTS allows), and
    that sub-section's subtree takes it."""
    own: list[str | None] = [None] * len(headings)
    top: list[int] = []  # the top-level heading each section sits under
    names: dict[int, tuple[str, ...]] = {}  # what each top-level heading names
    previous = "achievements"
    for i, h in enumerate(headings):
        parent = parents[i]
        top.append(i if parent is None else top[parent])
        if levels[i] == 1:
            names[i] = outline_cues(h.heading)
            own[i] = names[i][0] if names[i] else previous
            previous = names[i][-1] if names[i] else previous
    for i, named in names.items():
        if len(named) == 2:
            _split_combined(text, headings, parents, i, named, own)
    cues: list[str | None] | None = None  # what each level-2 and -3 heading names, read once for all parts
    for part in OUTLINE_PARTS:
        if part in own:
            continue
        if cues is None:
            cues = [outline_cue(h.heading) if levels[i] in (2, 3) else None for i, h in enumerate(headings)]
        for level in (2, 3):
            i = next((i for i in range(len(headings)) if levels[i] == level and cues[i] == part
                      and (not names[top[i]] or any(part in LOOK_DOWN_PARTS[n] for n in names[top[i]]))), None)
            if i is not None:
                own[i] = part
                break
    parts: list[str | None] = []
    for i in range(len(headings)):
        j: int | None = i
        while j is not None and own[j] is None:
            j = parents[j]
        parts.append(own[j] if j is not None else None)
    return parts


def _split_combined(text: str, headings: list[_Heading], parents: list[int | None], i: int,
                    named: tuple[str, ...], own: list[str | None]) -> None:
    """The parts of the sub-sections of top-level heading `i`, which names two parts (`named`): each takes
    the one its own heading names; one naming neither takes the earlier part until a sub-section naming
    a part has been seen, or the heading's own paragraphs have got to the later part, and the later after."""
    earlier, later = named
    children = [j for j in range(i + 1, len(headings)) if parents[j] == i]
    if not children:
        return
    years = [int(y) for h in headings[:i] for y in _HEADING_YEAR_RE.findall(h.heading)]
    intro = text[headings[i].heading_end:headings[children[0]].start]
    current = later if _last_cue(intro, named) == later else earlier  # 存在以下问题： / …。下一步，我们将：
    for j in children:
        part = outline_cue(headings[j].heading)
        if part not in named and later == "plan" and years and any(
                int(y) > max(years) for y in _HEADING_YEAR_RE.findall(headings[j].heading)):
            part = later
        if part in named:
            own[j] = part
            current = later
        else:
            own[j] = current


def _last_cue(text: str, parts: tuple[str, ...]) -> str | None:
    """Which of `parts` the words of `text` name last."""
    found = [(m.end(), part) for part, cue in _CUE_RES if part in parts for m in cue.finditer(text)]
    return max(found)[1] if found else None
