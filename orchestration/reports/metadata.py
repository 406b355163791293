"""Report metadata from the clean text: title, issuer and its region, year, date, document number.

Where each field comes from, most trusted first (the source is recorded in `provenance`):
- title: the head block (the lines before the salutation or the first paragraph): the line ending in
  报告/总结/汇报/情况/计划, joined with the lines of the title above it; else the page's 标题 field.
- issuer: the organisation opening the title (the government of a joint party-government title);
  else the signature above the closing date; else an organisation line of the head block; else the
  page's 发文机关; else the body's own words (区政府, 全区) with the region the text names most.
  Its region comes from the gazetteer, which also mends a one-character OCR slip (峰城区 -> 峄城区).
- report_year: the title's year; else the body (现将2023年度…报告如下, outline headings, the
  opening "2023年，…"); else the year before the publishing date.
- publish_date: the signature date; else a date line of the head block; else the page's dates.
- doc_number: a 文号 in the head block; else the page's 发文字号.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import NamedTuple

from orchestration.reports.clean import PAGE_FIELDS as PAGE_FIELD_ROLES
from orchestration.reports.departments import vocabulary
from orchestration.reports.regions import MENTION_SCAN_CHARS, ZONE_WORDS, Gazetteer, Match, Region, gazetteer
from orchestration.reports.sections import outline_cue, starts_with_heading_number

HEAD_MAX_LINES = 30  # the title block is never further down than this
TAIL_MAX_LINES = 8  # nor the signature further up from the end
SHORT_LINE_LEN = 80  # title, signature and date lines are short; longer lines are prose

# A year as reports write it: 2023, ２０２３ or 二〇二三; month and day: 1, 01 or 十二.
_YEAR = r"(?:(?:19|20|１９|２０)\d{2}|二[〇○零Ｏ一二三四五六七八九]{3})"
_NUM = r"(\d{1,2}|[一二三四五六七八九十]{1,3})"
_CN_DIGIT = {ch: i for i, ch in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0, "Ｏ": 0, "O": 0}

# The words of titles and page chrome (metadata_words.csv beside this module): how a title ends, what
# it is about, which labels of a page's information block give its date.
WORDS_FILE = Path(__file__).with_name("metadata_words.csv")


def _load_words(path: Path = WORDS_FILE) -> dict[str, list[str]]:
    words: dict[str, list[str]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            words.setdefault(row["role"], []).append(row["word"])
    return words


WORDS = _load_words()


def _alternatives(*roles: str) -> str:
    return "|".join(re.escape(w) for w in sorted((w for r in roles for w in WORDS[r]), key=len, reverse=True))


TITLE_TOPIC_RE = re.compile(_alternatives("title_topic"))
TITLE_END_RE = re.compile(rf"({_alternatives('title_end_strong', 'title_end')})\s*([（(][^）)]{{0,12}}[）)])?$")
TITLE_STRONG_END_RE = re.compile(rf"({_alternatives('title_end_strong')})\s*([（(][^）)]{{0,12}}[）)])?$")
# A title inside a line of chrome or run into the body (…www.example.com湖北省人民政府关于2023年度…的报告2023年，…).
EMBEDDED_TITLE_RE = re.compile(
    rf"(?:^|(?<=[A-Za-z0-9】\]>/—.\s]))(?![现将公布]{{2}})(?:[\u4e00-\u9fff]{{2,30}}?)?(?:关于)?\s*{_YEAR}\s*年[^。，,：:；;!?！？\n【】\[\]]{{2,80}}"
    rf"(?:{_alternatives('title_end_strong', 'title_end')})")
# Not part of a title: a tag before it ([权威发布], 【复议、应诉】), table rules, a listing's date after it.
TITLE_TAG_RE = re.compile(r"^\s*(?:[\[【][^\]】]{1,12}[\]】]\s*)+")
TITLE_TRAILING_DATE_RE = re.compile(r"\s*[（(]\s*((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*[)）]\s*$")
CONTENTS_RE = re.compile(r"目\s*录$")
LATIN_WORD_RE = re.compile(r"[A-Za-z]{3}")  # a mirror's chrome (www.example.com) before the title
LAST_SENTENCE_RE = re.compile(r"[.!?•](?=[^.!?•]*$)")
HTML_ARTEFACT_RE = re.compile(r"(?<=[\u4e00-\u9fff])br(?=[\u4e00-\u9fff])")
# Pinyin a converter left after a character, also with a space inside (会(huì )议): no part of a name.
# The bracket comes first and the character before it is looked back at after, so a search skips at
# C speed from bracket to bracket instead of trying the lookbehind at every position.
PINYIN_RE = re.compile(r"[(（](?<=[\u4e00-\u9fff].)[a-zü\u00e0-\u01dc\s]*[\u00e0-\u01dc][a-zü\u00e0-\u01dc\s]*[)）]")
OUTLINE_PART_RE = re.compile(r"第[一二三四五六七八九十\d]{1,3}部分")  # 第一部分 …: a table of contents
# Where a title starts afresh rather than continuing the line above: a year, 关于, a tag.
TITLE_START_RE = re.compile(rf"^(?:关于|{_YEAR}\s*年|[\[【])")
BODY_TITLE_LINES = 12  # a title below a covering letter or run into chrome: within the body's first lines
TITLE_LEAD_RE = re.compile(rf"^(关于)?\s*({_YEAR}\s*年度?)?\s*")
# Where the organisation at a title's start ends.
TITLE_ORG_END_RE = re.compile(rf"关于|\s*{_YEAR}\s*年|法治政府|依法行政|法治建设")
ORG_END = r"(人民政府|政府|委员会|委|会|局|厅|办公室|办事处|办|中心|院|署|所|队|站|部)"
# A township's or a street office's name after its county's: 白鹤街道办事处, 聚奎镇人民政府, 人民政府金龙街道办事处.
TOWNSHIP_RE = re.compile(r"(人民政府)?[\u4e00-\u9fff]{1,12}?(街道|镇|乡)(办事处|人民政府|政府)?$")
# An opening that starts with a township's name (坪地街道全面贯彻…, 棣棠乡在县委…): (the name before the level).
TOWNSHIP_START_RE = re.compile(r"(?![全我本])([\u4e00-\u9fff]{2,8}?)(?:街道办事处|街道|镇人民政府|乡人民政府|镇|乡)(?![政府党委村])")
# A development zone's body (高新区综合治理局, 经济开发区管委会): no division, so no code; named after its city.
ZONE_START_RE = re.compile(rf"[\u4e00-\u9fff]{{0,8}}?(?:{'|'.join(ZONE_WORDS)})")
TOWNSHIP_CORE_RE = re.compile(r"(?:人民政府)?([\u4e00-\u9fff]{2,12}?(?:街道|镇|乡))")  # 石门镇人民政府 -> 石门镇
TOWNSHIP_SHORT_RE = re.compile(r"[\u4e00-\u9fff]{2,8}?(?:街道|镇|乡)")
DEPARTMENT_SCAN_CHARS = 20_000  # where a department report names itself, if it does
ORG_LINE_RE = re.compile(rf"[\u4e00-\u9fff（）()\s]{{2,40}}{ORG_END}")
ORG_END_RE = re.compile(f"{ORG_END}$")
# A government's name ends so, be it a region's, a township's (XX镇人民政府) or one the gazetteer lacks.
GOVERNMENT_NAME_RE = re.compile(r"政府$")
# A party committee before the government of a joint report: 中共XX区委 XX区人民政府.
PARTY_COMMITTEE_RE = re.compile(r"(中共|中国共产党)?[^\s、，,]{1,20}?委(员会)?[\s、和与及暨]*")
RED_HEADER_RE = re.compile(r"(.{2,40}?)\s*文\s*件$")  # XX市人民政府文件
SALUTATION_RE = re.compile(r"[^，。；,;\d]{2,24}[:：]")  # 市政府：, 威海市行政审批服务局：
PROSE_PUNCT_RE = re.compile(r"[。，,；;：:]")
# The title endings hold no sentence punctuation, so neither does an embedded title (see _title).
_EMBEDDED_TITLE_UNPUNCTUATED = not any(PROSE_PUNCT_RE.search(w) for w in WORDS["title_end_strong"] + WORDS["title_end"])
TAIL_NOTE_RE = re.compile(r"[（(]?\s*(此件|此页|本件|此文|抄送|附件|联系人|联系电话|信息公开|公开属性|主动公开)")
# How a report names itself in the body: 全区, 我县, 区政府 -> a district, a county ...; groups: the
# level after 全/我/本, the level before 政府. Both forms start with the one class, and which form it is
# is read by looking back at it: a pattern starting with a class is skipped along at C speed.
SELF_REFERENCE_RE = re.compile(r"[全我本区县市旗省州盟](?:(?<=[全我本])([区县市旗省州盟])|(?<=([区县市旗省州盟]))(?:人民)?政府)")
# Each alternative starts with a literal character, so a search skips at C speed to where one can start.
DEPARTMENT_VOICE_RE = re.compile(r"我局|本局|局(?=党组|领导)|我委|本委|我办|本办|我厅|本厅|厅(?=党组)")
# The opening sentence: its lead (2021年，/ 2021年以来，) and the clauses naming who leads it (在市委、
# 市政府的坚强领导下), which are never the subject.
OPENING_LEAD_RE = re.compile(rf"^[\s•·]*(?:{_YEAR}\s*年(?:度|以来)?\s*[，,]?\s*)?")
UNDER_CLAUSE_RE = re.compile(r"(领导|指导|支持|监督|关心|帮助|部署|带领)下$")
# 现将市民政局2021年度法治政府建设情况报告如下: the organisation between 现将 and the year.
REPORTING_ORG_RE = re.compile(rf"现将\s*(?![我本])([^，。,；;《》\d\s]{{2,30}}?)\s*(?:{_YEAR}\s*年|关于|法治|工作)")
LEVEL_WORD = "区县市旗省州盟"
VOICE_ENDINGS = {"委": ("委", "委员会"), "办": ("办", "办公室")}  # 我委 is a 委员会
OPENING_CHARS = 400  # the opening paragraph, where a report says who speaks

# How far each piece of evidence is trusted, as the confidence of the fields it decides.
SOURCE_CONFIDENCE = {"title": 0.95, "signature": 0.9, "header": 0.85, "opening": 0.8, "page": 0.7,
                     "body": 0.6, "mentions": 0.5}
FIELD_CONFIDENCE = {
    "title": {"header": 0.9, "body": 0.75, "page": 0.7},
    "report_year": {"title": 0.95, "body": 0.85, "heading": 0.8, "opening": 0.65, "publish_date": 0.5},
    "publish_date": {"signature": 0.9, "page": 0.85, "cover_letter": 0.8, "header": 0.75, "listing": 0.7},
    "doc_number": {"header": 0.9, "page": 0.85},
}

DATE_RE = re.compile(rf"({_YEAR})\s*年\s*{_NUM}\s*月\s*{_NUM}\s*日")
DATE_LINE_RE = re.compile(rf"(.{{0,40}}?)\s*[（(]?\s*{DATE_RE.pattern}\s*[)）]?")
ISO_DATE_RE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_CLOCK = r"(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?|\s*\d{1,2}\s*时\s*\d{1,2}\s*分)"
_ISO = r"((?:19|20)\d{2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})"
ISO_DATE_LINE_RE = re.compile(rf"(.{{0,40}}?)\s*[（(]?\s*{_ISO}{_CLOCK}?\s*[)）]?")
# A line that starts with the page's date and time (2019-09-06 15:46 来源: …; 2021年12月22日 04时21分).
LEADING_DATE_RE = re.compile(rf"\s*(?:{_ISO}|({_YEAR})\s*年\s*{_NUM}\s*月\s*{_NUM}\s*日(?={_CLOCK}))")
# Labels of the page's dates, best first (metadata_words.csv: page_date, then written_date);
# not_a_date labels (更新时间, 今天是) are matched only so that they are passed over.
DATE_LABEL_RANK = {w: i for i, w in enumerate(WORDS["page_date"] + WORDS["written_date"])}
_DATE_LABELS = "|".join(r"\s*".join(map(re.escape, w))
                        for w in sorted(DATE_LABEL_RANK.keys() | set(WORDS["not_a_date"]), key=len, reverse=True))
LABELLED_DATE_RE = re.compile(
    rf"({_DATE_LABELS})"
    rf"\s*[\]】]?\s*[:：|]?\s*[\[【]?\s*(?:{_ISO}|({_YEAR})\s*年\s*{_NUM}\s*月\s*{_NUM}\s*日)")
CHROME_SCAN_CHARS = 1500  # a page's information block is near its top
DATE_BODY_LINES = 3  # a date line glued to the first lines of the body by the cleaning
TOP_HEADING_RE = re.compile(r"[一二三四五六七八九十]{1,2}、")
YEAR_RE = re.compile(rf"({_YEAR})\s*年")
REPORTED_YEAR_RE = re.compile(rf"现将[^，。,；;：:\d]{{0,20}}?({_YEAR})\s*年")  # 现将市民政局2021年度…
# Any year in the opening, but not a day (2021年8月2日) unless a period starts there (自2023年1月1日至…).
OPENING_ANY_YEAR_RE = re.compile(rf"({_YEAR})\s*年(?!\s*(?:[2-9]|1[0-2]|[二三四五六七八九十])\s*月|\s*1\s*月\s*(?:[2-9]|[1-3]\d)\s*日)")
CITED_RE = re.compile(r"《[^》]{0,80}》")  # a document cited by name: its year is not the report's
OPENING_YEAR_RE = re.compile(rf"({_YEAR})\s*年(?:度|以来)?\s*[，,]")
# Compiled once rather than looked up in re's cache at each call.
COMMITTEE_END_RE = re.compile(r"委(员会)?$")  # 中共XX县委 above a title
SENTENCE_END_RE = re.compile(r"[。\n]")
CLAUSE_END_RE = re.compile(r"[，,；;]")
SHORT_GOVERNMENT_RE = re.compile(r"(?<!人民)政府$")
SHORT_STREET_OFFICE_RE = re.compile(r"街道(办)?$")
BARE_TOWNSHIP_RE = re.compile(r"(?<=[镇乡])$")
PARTY_PREFIX_RE = re.compile(r"^(中共|中国共产党)")
_SPACES_RE = re.compile(r"\s+")
_PROVENANCE_SOURCE_END_RE = re.compile(r"[,:+]")
DOC_NUMBER_RE = re.compile(r"[\u4e00-\u9fff]{1,12}\s*[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*第?\s*\d{1,5}\s*号")


class _Line(NamedTuple):  # one per line of the text: a tuple is quicker to build than a frozen dataclass
    start: int
    text: str


@dataclass
class Metadata:
    title: str | None = None
    issuer: str | None = None
    issuer_kind: str | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    admin_code: str | None = None
    report_year: int | None = None
    publish_date: str | None = None
    doc_number: str | None = None
    department: str | None = None  # the issuer's kind of department (departments seed key): justice, government ...
    provenance: dict[str, str] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)  # field -> 0..1, from what decided it
    body_start: int = 0  # after the title block
    body_end: int = 0  # before the signature


@dataclass(frozen=True)
class _Issuer:
    name: str | None  # None until the region is known (区行政审批服务局)
    suffix: str  # the name after the region: 人民政府, 行政审批服务局
    region: Region | None
    fixes: tuple[tuple[str, str], ...]
    source: str
    implied: bool = False  # the name gives only a region (福建省2021年度…报告): its government is implied
    lead: str = ""  # a name without its region starts with its level: 区司法局 -> 区
    voice: str | None = None  # no name, but the text speaks as a department (我局)

    @property
    def kind(self) -> str | None:
        """A government by its name (XX县人民政府, XX镇人民政府, a street office), whether or not its
        region is known; a department by any other organisation's name; None when nothing names the
        issuer (我局 alone)."""
        if not self.suffix:
            return self.voice
        if GOVERNMENT_NAME_RE.search(self.suffix):
            return "government"
        written = vocabulary().canonical(self.suffix)
        return written.department.issuer_kind if written else "department"

    @property
    def department(self) -> str | None:
        """The department kind's key (justice, market_regulation, government ...), None if unknown."""
        if not self.suffix:
            return None
        written = vocabulary().canonical(self.suffix)
        return written.department.key if written else None

    @property
    def zone(self) -> bool:
        return bool(ZONE_START_RE.match(self.suffix))

    @property
    def township(self) -> bool:
        """A township's or street office's government: below the county, so without a code of its own."""
        return bool(TOWNSHIP_RE.match(self.suffix))


def extract_metadata(text: str, page_fields: dict[str, str] | None = None) -> Metadata:
    page_fields = page_fields or {}
    lines = _lines(text)
    head, body_start = _head_block(lines)
    signature_orgs, signature_date, body_end = _signature(lines, body_start, len(text))
    meta = Metadata(body_start=body_start, body_end=body_end)
    prov = meta.provenance

    g = gazetteer()
    context = g.mentions(text)
    body_lines = [line for line in lines if line.start >= body_start]
    title, title_source, listed_date = _title(head, body_lines, g)
    if title is None and (page_title := _page_field(page_fields, "title")):
        title, title_source = page_title, "page"

    issuer, conflicts = _find_issuer(g, context, text, title, signature_orgs, head, page_fields, body_start)
    if conflicts:
        prov["conflicts"] = ";".join(conflicts)
    if issuer:
        meta.issuer, meta.issuer_kind, meta.department = issuer.name, issuer.kind, issuer.department
        fixes = [f"ocr_fix:{_slip(wrong, right)}" for wrong, right in issuer.fixes]
        how = ",".join([issuer.source, *(["gazetteer"] if issuer.region else []), *fixes])
        prov["issuer"] = prov["issuer_kind"] = how
        if meta.department:
            prov["issuer_department"] = "departments"  # the seed's kind of the issuer's name
        # The weakest piece of evidence that went into it (opening+body: the body's), less for a mended
        # slip or a conflict.
        confidence = min(SOURCE_CONFIDENCE.get(part, 0.5) for part in issuer.source.split("+")) \
            - 0.2 * bool(fixes) - 0.2 * bool(conflicts)
        meta.confidence["issuer"] = meta.confidence["issuer_kind"] = round(confidence, 2)
        if issuer.region:
            r = issuer.region
            # A municipality's districts have no city (province 北京市, city empty); a township or
            # street office has no code of its own: its county's fields, no admin_code.
            meta.province = r.province
            meta.city = r.city if r.city and r.city != r.province else None
            meta.county = r.county or None
            meta.admin_code = None if issuer.township or issuer.zone else r.code
            for name in ("province", "city", "county", "admin_code"):
                prov[name] = how
                meta.confidence[name] = meta.confidence["issuer"]
        if title:
            for wrong, right in issuer.fixes:
                if wrong in title:
                    title = title.replace(wrong, right)
                    title_source += f",ocr_fix:{_slip(wrong, right)}"
    if title:
        meta.title, prov["title"] = title, title_source

    cover = _cover_date(lines, body_start, title) if title_source == "body" else None
    meta.publish_date, prov["publish_date"] = _publish_date(signature_date, text, head, body_lines, page_fields,
                                                            listed_date, cover)
    meta.report_year, prov["report_year"] = _report_year(title, text, lines, body_start, meta.publish_date)
    meta.doc_number, prov["doc_number"] = _doc_number(head, page_fields)
    meta.provenance = {k: v for k, v in prov.items() if v}
    for name, how in meta.provenance.items():
        if name in FIELD_CONFIDENCE and name not in meta.confidence:
            meta.confidence[name] = FIELD_CONFIDENCE[name].get(_PROVENANCE_SOURCE_END_RE.split(how)[0], 0.5)
    return meta


# -- layout ---------------------------------------------------------------------------------------
def _lines(text: str) -> list[_Line]:
    lines, start = [], 0
    for part in text.split("\n"):
        lines.append(_Line(start, part))
        start += len(part) + 1
    return lines


def _is_prose(text: str) -> bool:
    return "。" in text or starts_with_heading_number(text) or (len(text) > 60 and bool(PROSE_PUNCT_RE.search(text)))


def _head_block(lines: list[_Line]) -> tuple[list[_Line], int]:
    """The lines before the first paragraph (or after the salutation that opens it), and where the body starts."""
    for i, line in enumerate(lines[:HEAD_MAX_LINES]):
        if _is_prose(line.text):
            return lines[:i], line.start
        if SALUTATION_RE.fullmatch(line.text) and i + 1 < len(lines):
            return lines[: i + 1], lines[i + 1].start
    for i, line in enumerate(lines[:HEAD_MAX_LINES]):  # a page of tables: the head ends at the first one
        if line.text.count("|") >= 2 and i:
            return lines[:i], line.start
    return [], 0


def _signature(lines: list[_Line], body_start: int, text_end: int) -> tuple[list[str], date | None, int]:
    """Organisation lines and date of the closing signature, and where the body ends."""
    tail = [line for line in lines[-TAIL_MAX_LINES:] if line.start >= body_start and line.text]
    while tail and len(tail[-1].text) <= SHORT_LINE_LEN and TAIL_NOTE_RE.match(tail[-1].text):
        tail.pop()
    dated = _date_line(tail[-1].text) if tail else None
    if dated is None:
        return [], None, text_end
    org, signed = dated
    first, orgs = tail[-1], [org] if org else []
    for line in reversed(tail[:-1][-3:]):
        if len(line.text) > SHORT_LINE_LEN or not ORG_LINE_RE.fullmatch(line.text):
            break
        orgs.insert(0, line.text)
        first = line
    return orgs, signed, first.start


# -- title and issuer -----------------------------------------------------------------------------
def _starts_with_org(line: str, g: Gazetteer) -> bool:
    return line.startswith(("中共", "中国共产党")) or bool(g.name_at(line)[1])


def _title(head: list[_Line], body: list[_Line], g: Gazetteer) -> tuple[str | None, str, date | None]:
    """The title, where it was found, and a listing's date written after it (标题 (2015-04-23))."""
    texts = [_title_text(line.text) for line in head]
    for i, text in enumerate(texts):
        if PROSE_PUNCT_RE.search(text) or not TITLE_END_RE.search(text):
            continue
        first = i
        # Title lines above: a line continuing it (…案件 / 统计分析报告), or the organisation above a
        # title that starts afresh (中共XX县委 / XX县人民政府 / 关于…; 大同镇人民政府 / 2024年度…报告).
        while first > 0 and _title_fragment(texts[first - 1]) and (
            (not TITLE_START_RE.match(texts[first]) and not _starts_with_org(texts[first], g))
            or (ORG_LINE_RE.fullmatch(texts[first - 1]) and not _starts_with_org(texts[first], g))
            or COMMITTEE_END_RE.search(texts[first - 1])
        ):
            first -= 1
        title = "".join(texts[first: i + 1])
        if not _title_shape(title):
            continue
        if listed := TITLE_TRAILING_DATE_RE.search(head[i].text):  # a listing's entry: the title again follows
            later, where, _ = _title(head[i + 1:], [], g)
            return (later or title), where or "header", _parse_date(*listed.groups())
        return title, "header", None
    # A title below a covering letter, or run together with chrome or the first sentence.
    for line in body[:BODY_TITLE_LINES]:
        plain = _plain(line.text)
        # _title_of_plain only drops characters, so the strong ending a title needs here is made of
        # the line's own: most prose lines lack them and are not made into a title at all.
        if any(all(ch in plain for ch in word) for word in WORDS["title_end_strong"]):
            text = _title_of_plain(plain)
            if _title_shape(text) and TITLE_STRONG_END_RE.search(text) and len(text) <= SHORT_LINE_LEN:
                return text, "body", None
        # Inside prose (after a 。，：…) 现将2022年…情况报告如下 names the report, it is no title. An
        # embedded title holds no such mark, so one before that mark ends before it: scan only up to it.
        prose = PROSE_PUNCT_RE.search(plain) if _EMBEDDED_TITLE_UNPUNCTUATED else None
        for m in EMBEDDED_TITLE_RE.finditer(plain, 0, prose.start() if prose else len(plain)):
            if PROSE_PUNCT_RE.search(plain, 0, m.start()):
                break
            if _title_shape(found := _title_text(m.group())):
                return found, "body", None
    return None, "", None


# The patterns below have no literal start, so the regex engine tries them at every position of a
# long line; a substring test rules most lines out at C speed first (each test is a necessary
# condition of a match, so the result is the same).
def _plain(text: str) -> str:
    if "br" in text:
        text = HTML_ARTEFACT_RE.sub("", text)
    return PINYIN_RE.sub("", text) if "(" in text or "（" in text else text


def _title_text(text: str) -> str:
    """A line as a title: tags, table rules, a listing's date, a mirror's chrome and artefacts dropped."""
    return _title_of_plain(_plain(text))


def _title_of_plain(text: str) -> str:
    """_title_text of a line _plain has already been applied to."""
    text = text.strip(" \t|")
    if text.rstrip().endswith((")", "）")):  # the listing's date ends in a bracket
        text = TITLE_TRAILING_DATE_RE.sub("", text)
    if "录" in text:
        text = CONTENTS_RE.sub("", text)  # 市商务局2020年度行政执法统计年报 目录: the contents follow
    text = LAST_SENTENCE_RE.split(text)[-1] if LATIN_WORD_RE.search(text) else text
    text = TITLE_TAG_RE.sub("", text)
    return (HTML_ARTEFACT_RE.sub("", text) if "br" in text else text).strip()


def _title_shape(text: str) -> bool:
    """A report's title: short, no sentence punctuation, ending as titles end, about what reports are."""
    if not (6 <= len(text) <= 120) or PROSE_PUNCT_RE.search(text) or not TITLE_END_RE.search(text):
        return False
    return bool(TITLE_TOPIC_RE.search(text) or (TITLE_STRONG_END_RE.search(text) and YEAR_RE.search(text)))


def _title_fragment(text: str) -> bool:
    return (len(text) <= 40 and not PROSE_PUNCT_RE.search(text) and not TITLE_END_RE.search(text)
            and "|" not in text and not OUTLINE_PART_RE.match(text)
            and not _doc_number_in(text) and not DATE_RE.search(text) and not RED_HEADER_RE.search(text))


def _find_issuer(g: Gazetteer, context: Counter, text: str, title: str | None, signature_orgs: list[str],
                 head: list[_Line], page_fields: dict[str, str], body_start: int) -> tuple[_Issuer | None, list[str]]:
    """Who wrote the report, and the conflicts between the pieces of evidence (title 福州市 vs signature
    泉州市). Evidence, most trusted first: the title's organisation, the signature, an organisation line
    of the head block (a byline), the subject of the opening sentence (2021年，绍兴市司法局坚持…) or of
    现将…报告如下, the page's 发布机构/来源; else the body's own voice (全区, 我局) and the regions it names."""
    candidates: list[tuple[str, str]] = []
    subject = TITLE_LEAD_RE.sub("", title or "")  # 关于XX县… / 2022年度XX区… name the subject after a lead
    end = m.start() if (m := TITLE_ORG_END_RE.search(subject)) else len(subject)
    if m and end >= 2:
        candidates.append((subject[:end], "title"))
    if (topic := TITLE_TOPIC_RE.search(subject, 0, end)) and topic.start() >= 2:
        # 上海市政府信息公开工作年度报告: what precedes the topic, if the longer subject is no name
        candidates.append((subject[: topic.start()], "title"))
    if signature_orgs:
        candidates.append((" ".join(signature_orgs), "signature"))
    for line in head:
        org = m.group(1) if (m := RED_HEADER_RE.fullmatch(line.text)) else line.text
        if ORG_LINE_RE.fullmatch(org):
            candidates.append((org, "header"))
    candidates += [(org, "opening") for org in _opening_orgs(g, context, text, body_start)]
    candidates += [(value, "page") for value in _page_fields(page_fields, "org") + _table_fields(head, "org")]
    resolved = [issuer for org, source in candidates if (issuer := _resolve_org(g, context, org, source))]
    conflicts = _conflicts(g, resolved)
    opening = text[body_start: body_start + OPENING_CHARS]
    department_voice = m.group() if (m := DEPARTMENT_VOICE_RE.search(opening)) else ""  # 我局 …

    # The page's 发布机构/来源 is who posted the page, often the justice bureau posting its government's
    # report: the text's own evidence comes first, even without its region (县政府坚持… on a page
    # posted by 苍南县司法局 is 苍南县人民政府), and the page only when the text names nobody.
    own = [issuer for issuer in resolved if issuer.source != "page"] or resolved
    named = next((issuer for issuer in own if issuer.region and issuer.name), None)
    if named is None:
        named = next((issuer for issuer in own if issuer.name or issuer.suffix), None) or next(iter(own), None)
    if named is not None and named.implied:
        # A title that names only its region (宁国市2022年…统计分析报告) says what the report is about;
        # a byline, signature or opening naming one of that region's bodies says who wrote it.
        for other in resolved:
            if other.implied or other.kind is None or (other.source == "page" and not department_voice):
                continue
            if (other.kind == "department" or other.township) and (
                    other.region is None or _same_or_below(g, other.region, named.region)):
                named = _within(other, named.region) if other.region is None else other
                break
    if named is not None and named.implied and department_voice and (
            mentioned := _mentioned_department(g, context, text, department_voice[-1])) and (
            _same_or_below(g, mentioned.region, named.region)):
        named = mentioned  # 2020年度湖北省行政复议…统计 by a 厅 that says 我厅 and names itself 湖北省司法厅
    if named is not None and named.name is None and named.region is None:
        # 区司法局, 坪地街道: the region is another candidate's (the title's) or the body's.
        lead = named.lead
        for other in resolved:
            if other.region and (not lead or other.region.name.endswith(lead)) and (
                    other.region.level == "county" or not named.township):
                named = replace(_within(named, other.region), source=f"{named.source}+{other.source}")
                break
    if named is None or named.name is None:  # nobody named, or a name without its region (区司法局)
        found = _issuer_from_body(g, context, text, named, department_voice)
        if department_voice and (found is None or found.name is None) and (named is None or not named.suffix) and (
                mentioned := _mentioned_department(g, context, text, department_voice[-1])) and (
                found is None or found.region is None or _same_or_below(g, mentioned.region, found.region)):
            found = mentioned  # 我局, and the body names 汕尾市医疗保障局
        if found is None and named is None and department_voice:  # 我局, and nothing names it
            found = _Issuer(None, "", None, (), "body", voice="department")
        named = found or named
    if named is not None and named.name is None and named.region is None and named.suffix:
        named = replace(named, name=named.lead + named.suffix)  # 区司法局: kept as written, its region unknown
    return named, conflicts


def _same_or_below(g: Gazetteer, region: Region, ancestor: Region | None) -> bool:
    return ancestor is None or region.code == ancestor.code or g.within(region, ancestor)


def _within(issuer: _Issuer, region: Region | None) -> _Issuer:
    """A name without its region (区司法局, 坪地街道办事处) placed in `region`."""
    if region is None:
        return issuer
    return replace(issuer, name=region.prefix + issuer.suffix, region=region)


def _conflicts(g: Gazetteer, resolved: list[_Issuer]) -> list[str]:
    """Pieces of evidence naming regions that cannot both be right (neither holds the other)."""
    placed = [i for i in resolved if i.region]
    out = []
    for i, a in enumerate(placed):
        for b in placed[i + 1:]:
            if not (_same_or_below(g, a.region, b.region) or _same_or_below(g, b.region, a.region)):
                out.append(f"{a.source}:{a.region.name}|{b.source}:{b.region.name}")
    return out


def _opening_orgs(g: Gazetteer, context: Counter, text: str, body_start: int) -> list[str]:
    """The organisation the opening sentence is about (2021年，在市委的领导下，绍兴市司法局坚持…;
    乃东区坚持…; 坪地街道全面贯彻…) and the one 现将…报告如下 names."""
    found = []
    opening = text[body_start: body_start + OPENING_CHARS]
    sentence = OPENING_LEAD_RE.sub("", SENTENCE_END_RE.split(opening.lstrip(), maxsplit=1)[0], count=1)
    for clause in CLAUSE_END_RE.split(sentence):
        clause = clause.strip()
        if UNDER_CLAUSE_RE.search(clause):  # 在市委的领导下; 伊犁州水利局在州党委的领导下 -> 伊犁州水利局
            clause = clause[: clause.find("在")] if clause.find("在") > 0 else ""
            if not clause:
                continue
        if org := _org_at_start(g, context, clause):
            found.append(org)
        break
    if m := REPORTING_ORG_RE.search(opening):
        found.append(m.group(1))
    return found


def _org_at_start(g: Gazetteer, context: Counter, clause: str) -> str | None:
    for start, end, _ in vocabulary().find(clause, 0, 40):
        prefix = clause[:start]
        if _region_prefix(g, context, prefix) or TOWNSHIP_SHORT_RE.fullmatch(prefix) or ZONE_START_RE.fullmatch(prefix):
            return clause[:end]  # 绍兴市司法局, 县司法局, 渝中区政府, 东城街道, 白鹤街道综合行政执法队
        break
    if (m := TOWNSHIP_START_RE.match(clause)) and not g.by_name.get(m.group(1)):
        return m.group()  # 棣棠乡在县委…, 聚奎镇全面…
    match = g.resolve(clause, context)
    if match and match.end >= 2 and not vocabulary().canonical(clause[match.end: match.end + 1]):
        return clause[: match.end]  # a region that speaks for itself: its government
    return None


def _region_prefix(g: Gazetteer, context: Counter, prefix: str) -> bool:
    """Whether `prefix` is all region: 绍兴市, 市, 上海市, 伊犁州 (a bare 司法局 or 局党组 is not)."""
    if prefix in set(LEVEL_WORD) or prefix == "自治区":
        return True
    match = g.resolve(prefix, context) if prefix else None
    return bool(match and match.end == len(prefix))


def _written_with_county(g: Gazetteer, context: Counter, text: str, suffix: str) -> Region | None:
    """The county a township's name is written after somewhere in the text: 桐乡市石门镇 -> 桐乡市."""
    core = TOWNSHIP_CORE_RE.match(suffix)
    if core is None:
        return None
    for m in re.finditer(re.escape(core.group(1)), text[:MENTION_SCAN_CHARS]):
        for k in range(min(m.start(), g.max_len + 4), 1, -1):
            if not g.may_start_name(text, m.start() - k):
                continue  # no match without a slip starts there
            found = g.resolve(text[m.start() - k: m.start()], context)
            if found and found.end == k and not found.fixes and found.region.level == "county":
                return found.region
    return None


def _mentioned_department(g: Gazetteer, context: Counter, text: str, voice: str) -> _Issuer | None:
    """A department report that only says 我局: the department named with its region most often
    (《桃源县人力资源和社会保障局行政执法公示制度》), first named among equals."""
    counts: Counter = Counter()
    first: dict[str, _Issuer] = {}
    for start, _, written in vocabulary().find(text, 0, DEPARTMENT_SCAN_CHARS):
        if written.department.issuer_kind != "department" or not written.official.endswith(
                VOICE_ENDINGS.get(voice, voice)):
            continue  # 我局 is a 局, not the 省厅 it names
        for k in range(min(start, g.max_len + 4), 1, -1):
            if g.may_start_name(text, start - k) and (m := g.resolve(text[start - k: start], context)) \
                    and m.end == k and not m.fixes:
                issuer = _Issuer(m.region.prefix + written.official, written.official, m.region, (), "mentions")
                counts[issuer.name] += 1
                first.setdefault(issuer.name, issuer)
                break
    if not counts:
        return None
    best = max(counts.values())
    return next(issuer for name, issuer in first.items() if counts[name] == best)


def _resolve_org(g: Gazetteer, context: Counter, org: str, source: str) -> _Issuer | None:
    """The official name and region of an organisation as written; None if it is no organisation."""
    org = org.strip()
    party = PARTY_COMMITTEE_RE.match(org)
    if party and "政府" in org[party.end():]:  # a joint report: the government speaks
        party_name, name = org[: party.end()], org[party.end():]
    else:
        party_name, name = "", org
    name = SHORT_GOVERNMENT_RE.sub("人民政府", _SPACES_RE.sub("", name))  # 区政府 -> 区人民政府
    name = SHORT_STREET_OFFICE_RE.sub("街道办事处", BARE_TOWNSHIP_RE.sub("人民政府", name))  # 坪地街道 -> …办事处
    if match := g.resolve(name, context):
        suffix = name[match.end:]
        if suffix and not ORG_END_RE.search(suffix):
            return None
        implied = not suffix
        suffix = vocabulary().official(suffix) if suffix else "人民政府"  # a region as its report's subject
        return _Issuer(_mend(match.region.prefix + suffix, match), suffix, match.region, match.fixes, source,
                       implied)
    if not ORG_END_RE.search(name):
        return None
    end, shared = g.name_at(name)
    if shared:  # a name several regions share, and the text does not say which: keep it as written
        return _Issuer(name, name[end:], None, (), source)
    # A region inside the name (国家税务总局威海市税务局) gives the region; the name stays as written.
    inside = next((m for i in range(1, len(name) - 2)
                   if g.may_start_name(name, i) and (m := g.resolve(name[i:], context)) and not m.fixes), None)
    if inside:
        return _Issuer(name, name, inside.region, (), source)
    lead = 1 if name[0] in LEVEL_WORD else 0  # 区人民政府: the region is in the party committee or the body
    match = g.resolve(PARTY_PREFIX_RE.sub("", party_name), context) if lead else None
    suffix = vocabulary().official(name[lead:])
    if match and match.region.name.endswith(name[0]):
        return _Issuer(match.region.prefix + suffix, suffix, match.region, match.fixes, source)
    return _Issuer(None, suffix, None, (), source, lead=name[0] if lead else "")


def _mend(name: str, match: Match) -> str:
    for wrong, right in match.fixes:
        name = name.replace(wrong, right)
    return name


def _issuer_from_body(g: Gazetteer, context: Counter, text: str, named: _Issuer | None,
                      department_voice: bool) -> _Issuer | None:
    """Who speaks, from how the body names itself (全区, 区政府) and the region it mentions most."""
    # 我市, 全区 say who speaks; 市政府 may be the speaker's or another's (黑龙江省人民政府): it counts
    # only where the text has no 我X/全X.
    said = SELF_REFERENCE_RE.findall(text, 0, MENTION_SCAN_CHARS)
    voices = Counter(a for a, _ in said if a) or Counter(b for _, b in said if b)
    ending = named.lead if named is not None and named.lead else None
    if ending is None and voices:
        ending = voices.most_common(1)[0][0]
    region = g.infer(context, ending) if ending else None
    if named is not None and named.zone and (city := g.infer(context, "市")) and city.level == "city":
        # 高新区综治局 in a text about 珠海: the zone is named after its city (珠海高新区)
        return replace(named, name=(city.short_name or city.name) + named.suffix, region=city,
                       source=f"{named.source}+body")
    if named is not None and named.township:
        # A township's county: where the text writes the township with its county (桐乡市石门镇), else
        # how it speaks of the county (区委、区政府) and the county it names.
        region = _written_with_county(g, context, text, named.suffix)
        endings = Counter(a or b for a, b in said)
        region = region or next((r for v, _ in endings.most_common() if v in "区县市旗"
                                 and (r := g.infer(context, v)) and r.level == "county"), None)
    if region is None:
        return None
    # Nothing names the issuer: its government, unless the opening speaks as a bureau (我局).
    suffix = named.suffix if named is not None else "" if department_voice else "人民政府"
    source = f"{named.source}+body" if named is not None else "body"  # 区司法局 in the opening, 蒙城县 in the body
    return _Issuer(region.prefix + suffix if suffix else None, suffix, region, (), source,
                   voice="department" if department_voice and not suffix else None)


def _slip(wrong: str, right: str) -> str:
    return ",".join(f"{a}->{b}" for a, b in zip(wrong, right, strict=True) if a != b)


# -- dates, year, document number -----------------------------------------------------------------
def _cn_number(token: str) -> int:
    if token.isdigit():
        return int(token)
    if all(ch in _CN_DIGIT for ch in token):  # 二〇二四
        return int("".join(str(_CN_DIGIT[ch]) for ch in token))
    tens, _, ones = token.partition("十")  # 十二, 二十, 二十六
    if "十" not in token:
        return _CN_DIGIT.get(token, 0)
    return (_CN_DIGIT.get(tens, 1) if tens else 1) * 10 + (_CN_DIGIT.get(ones, 0) if ones else 0)


def _parse_date(year: str, month: str, day: str) -> date | None:
    try:
        return date(_cn_number(year), _cn_number(month), _cn_number(day))
    except ValueError:
        return None


def _publish_date(signed: date | None, text: str, head: list[_Line], body: list[_Line],
                  page_fields: dict[str, str], listed: date | None, cover: date | None) -> tuple[str | None, str]:
    """The signature's date; else the page's labelled dates (发布日期 before 成文日期; never 更新时间 or a
    banner's 今天是); else a date line at the head (2022-03-29 17:13 来源: …); else the date a listing
    gives after the title, or the covering letter's."""
    if signed:
        return signed.isoformat(), "signature"
    if found := _labelled_date(text[:CHROME_SCAN_CHARS], page_fields):
        return found
    for line in [*head, *body[:DATE_BODY_LINES]]:
        if (dated := _date_line(line.text)) and (not dated[0] or not PROSE_PUNCT_RE.search(dated[0])):
            return dated[1].isoformat(), "header"
        if (m := LEADING_DATE_RE.match(line.text)) and (
                found := _parse_date(*(m.group(1, 2, 3) if m.group(1) else m.group(4, 5, 6)))):
            return found.isoformat(), "header"
    for value in _page_fields(page_fields, "page_date") + _page_fields(page_fields, "written_date"):
        m = ISO_DATE_RE.search(value) or DATE_RE.search(value)
        if m and (found := _parse_date(m.group(1), m.group(2), m.group(3))):
            return found.isoformat(), "page"
    if listed:
        return listed.isoformat(), "listing"
    if cover:
        return cover.isoformat(), "cover_letter"
    return None, ""


def _cover_date(lines: list[_Line], body_start: int, title: str | None) -> date | None:
    """The date a covering letter is signed with, on the lines just above the report's title."""
    before = []
    for line in lines:
        if line.start >= body_start and title and _title_text(line.text) == title:
            break
        if line.start >= body_start:
            before.append(line)
    else:
        return None
    for line in reversed(before[-3:]):
        if dated := _date_line(line.text):
            return dated[1]
    return None


def _labelled_date(chrome: str, page_fields: dict[str, str]) -> tuple[str, str] | None:
    """The best date the page's information block gives: (ISO date, "page:<label>")."""
    found: dict[str, date] = {}
    for label, value in page_fields.items():  # the lines the cleaning took out as the page's fields
        m = ISO_DATE_RE.search(value) or DATE_RE.search(value)
        if label in DATE_LABEL_RANK and m and (day := _parse_date(m.group(1), m.group(2), m.group(3))):
            found[label] = day
    for m in LABELLED_DATE_RE.finditer(chrome):
        label = _SPACES_RE.sub("", m.group(1))
        if label in DATE_LABEL_RANK and label not in found and (
                day := _parse_date(*(m.group(2, 3, 4) if m.group(2) else m.group(5, 6, 7)))):
            found[label] = day
    if not found:
        return None
    label = min(found, key=DATE_LABEL_RANK.__getitem__)
    return found[label].isoformat(), f"page:{label}"


def _date_line(text: str) -> tuple[str, date] | None:
    """A line that is a date, maybe after an organisation's name: (the name, the date)."""
    if len(text) > SHORT_LINE_LEN:
        return None
    m = DATE_LINE_RE.fullmatch(text) if "日" in text else None  # tried only where they can match
    if m is None and ("20" in text or "19" in text):
        m = ISO_DATE_LINE_RE.fullmatch(text)
    if m is None:
        return None
    found = _parse_date(m.group(2), m.group(3), m.group(4))
    return (m.group(1).strip(), found) if found else None


def _report_year(title: str | None, text: str, lines: list[_Line], body_start: int,
                 published: str | None) -> tuple[int | None, str]:
    if title and (m := YEAR_RE.search(title)):
        return _cn_number(m.group(1)), "title"
    if m := REPORTED_YEAR_RE.search(text, 0, MENTION_SCAN_CHARS):
        return _cn_number(m.group(1)), "body"
    # The outline's headings: 一、2023年推进法治政府建设的主要举措和成效 / 四、2024年…的主要安排.
    for line in lines:
        if line.start >= body_start and len(line.text) <= SHORT_LINE_LEN and TOP_HEADING_RE.match(line.text) \
                and (m := YEAR_RE.search(line.text)):
            return _cn_number(m.group(1)) - (outline_cue(line.text) == "plan"), "heading"
    body = text[body_start: body_start + OPENING_CHARS]
    if m := OPENING_YEAR_RE.match(body):
        return _cn_number(m.group(1)), "body"
    if m := OPENING_ANY_YEAR_RE.search(CITED_RE.sub(lambda c: "_" * len(c.group()), body)):
        return _cn_number(m.group(1)), "opening"
    if published:
        return int(published[:4]) - (published[5:7] < "10"), "publish_date"  # reports come out early next year
    return None, ""


def _doc_number(head: list[_Line], page_fields: dict[str, str]) -> tuple[str | None, str]:
    for line in head:
        if m := _doc_number_in(line.text):
            return _SPACES_RE.sub("", m.group()), "header"
    for value in _page_fields(page_fields, "doc_number"):
        if m := _doc_number_in(value):
            return _SPACES_RE.sub("", m.group()), "page"
    return None, ""


def _doc_number_in(text: str) -> re.Match | None:
    return DOC_NUMBER_RE.search(text) if "号" in text else None  # the pattern tries every character


def _page_fields(page_fields: dict[str, str], role: str) -> list[str]:
    """Values of the page's information table that give `role`, in the order PAGE_FIELDS lists them."""
    return [page_fields[label] for label in _ROLE_LABELS.get(role, ()) if label in page_fields]


_ROLE_LABELS: dict[str, list[str]] = {}  # role -> its labels in PAGE_FIELDS order, to look up only those
for _label, _role in PAGE_FIELD_ROLES.items():
    _ROLE_LABELS.setdefault(_role, []).append(_label)


def _table_fields(head: list[_Line], role: str) -> list[str]:
    """Values of an information block laid out as a table (发布机构 | 区司法局 | 成文日期 | 2024-01-19)."""
    values = []
    for line in head:
        if "|" not in line.text:
            continue  # one cell: no label with a value after it
        cells = [_SPACES_RE.sub("", c) for c in line.text.split("|")]
        values += [cells[i + 1] for i in range(len(cells) - 1)
                   if PAGE_FIELD_ROLES.get(cells[i]) == role and cells[i + 1]]
    return values


def _page_field(page_fields: dict[str, str], role: str) -> str | None:
    return next(iter(_page_fields(page_fields, role)), None)
