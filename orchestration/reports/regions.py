"""The region gazetteer (dbt_project/seeds/regions.csv) and a resolver for region names as reports write them.

The seed is built by scripts/build_region_seed.py; here it is read once per process into dicts.
A name is resolved against the whole country, so a name that several divisions share (朝阳区,
鼓楼区, 城区) is decided by the regions the report mentions, nearest evidence first: the division
itself, then its city, then its province. A name that matches nothing is tried as an OCR slip of one
character (峰城区 -> 峄城区), accepted only when the report names that division's city; between two
such look-alikes (薛城区 is as near) the one whose changed character is nearer in Unicode's CJK block
wins, because that block is ordered by radical and stroke count, so 峰 and 峄 (both 山) sit close.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from orchestration.settings import VOCABULARY_DIR

SEED = VOCABULARY_DIR / "regions.csv"
# Last characters of a division's full name; an OCR-slipped name is looked for only up to one of them.
NAME_ENDINGS = frozenset("省市区县旗盟州")
# Shorter names give too many look-alikes to mend a slip (城区 -> 郊区, 矿区 ...).
MIN_FUZZY_LEN = 3
# Zones that issue reports but are no division: never mended into a district that looks alike.
# What follows a township's name: the name before it is no county or city even if one is so called.
SUB_COUNTY_WORDS = ("镇", "乡", "街道", "村", "社区", "路")
# A division's level as written after its short name: 黔西南州, 伊犁州, 锡林郭勒盟.
LEVEL_WORDS = frozenset("省市区县旗盟州")
ZONE_WORDS = ("开发区", "高新区", "经开区", "新区", "保税区", "示范区", "试验区", "管理区", "合作区", "园区", "景区")
# Names counted as mentions in a report's text: full names of three or more characters (two-character
# ones such as 城区, 矿区 are ordinary words) and short names of provinces and cities (枣庄, 山东);
# a county's short name (朝阳, 和平, 新华) is too often an ordinary word.
MIN_MENTION_LEN = 3
# Full names are found by looking back from their last character, far quicker than matching every name
# at every position; a short name followed by 省/市/盟 is counted as the full name instead.
_NAME_END_RE = re.compile(f"[{''.join(sorted(NAME_ENDINGS))}]")
# Mentions are counted in the first characters only: enough for any report, bounded for a huge file.
MENTION_SCAN_CHARS = 100_000


@dataclass(frozen=True)
class Region:
    code: str  # GB/T 2260, 6 digits
    name: str
    short_name: str  # 临海 for 临海市; empty when it would be a single character
    level: str  # province | city | county
    province: str
    city: str  # empty for a province, and for a county directly under a province (仙桃市)
    county: str
    parent_code: str
    current: bool  # False for a division since renamed, merged or abolished (kept for old reports)

    @property
    def prefix(self) -> str:
        """The region as it starts an official name: a district carries its city (威海市文登区),
        a county or county-level city does not (临海市)."""
        if self.level == "county" and self.name.endswith("区") and self.city:
            return self.city + self.name
        return self.name


@dataclass(frozen=True)
class Match:
    region: Region
    end: int  # where the region's name ends in the string resolved
    fixes: tuple[tuple[str, str], ...] = ()  # OCR slips mended: (as written, official name)


def _wildcards(name: str) -> list[str]:
    """The name with each character but the last (the 区/县/市 ending) replaced by '?'."""
    return [name[:i] + "?" + name[i + 1:] for i in range(len(name) - 1)]


def trie_pattern(words: list[str]) -> str:
    """One regex for many literal words, nested by shared prefix so a scan is a dispatch per character."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def render(node: dict) -> str:
        branches = [re.escape(ch) + render(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return render(trie)


class Gazetteer:
    def __init__(self, regions: list[Region]):
        self.by_code: dict[str, Region] = {}
        self.by_name: dict[str, list[Region]] = {}
        self.by_short: dict[str, list[Region]] = {}
        self.by_wildcard: dict[str, list[Region]] = {}
        self._fuzzy_shapes: set[tuple[int, str, int, str]] = set()
        for region in sorted(regions, key=lambda r: not r.current):  # current rows first
            self.by_code.setdefault(region.code, region)
            if region.level == "city" and region.name == region.province:
                continue  # 北京市's city row: the name means the province row
            self.by_name.setdefault(region.name, []).append(region)
            if region.short_name:
                self.by_short.setdefault(region.short_name, []).append(region)
            if len(region.name) >= MIN_FUZZY_LEN:
                for key in _wildcards(region.name):
                    self.by_wildcard.setdefault(key, []).append(region)
                # A name one slip away keeps its length, its ending and its first or second character.
                self._fuzzy_shapes.add((0, region.name[0], len(region.name), region.name[-1]))
                self._fuzzy_shapes.add((1, region.name[1], len(region.name), region.name[-1]))
        self.max_len = max(map(len, self.by_name))
        self._full_codes = {name: tuple(r.code for r in found)
                            for name, found in self.by_name.items() if len(name) >= MIN_MENTION_LEN}
        # The lengths of the full names by their last two characters, longest first: at each name
        # ending mentions() tries only those, none at all after most characters (市场, 城区 are no names).
        lengths: dict[str, set[int]] = {}
        for name in self._full_codes:
            lengths.setdefault(name[-2:], set()).add(len(name))
        self._full_lengths = {ending: sorted(found, reverse=True) for ending, found in lengths.items()}
        # mentions() skips, inside the regex, a name ending after a character no full name has before
        # its ending: a class test there rather than a turn of the Python loop (4 endings in 10 go).
        before = "".join(sorted({ending[0] for ending in self._full_lengths}))
        self._name_end_re = re.compile(f"{_NAME_END_RE.pattern}(?<=[{re.escape(before)}].)")
        # The lengths of the names (full and short) by their first two characters, longest first:
        # name_at() tries only those, and none at all where no name starts (most places).
        starts: dict[str, set[int]] = {}
        for name in (n for n in [*self.by_name, *self.by_short] if 2 <= len(n) <= self.max_len):
            starts.setdefault(name[:2], set()).add(len(name))
        self._name_lengths = {start: sorted(found, reverse=True) for start, found in starts.items()}
        self._short_codes = {short: codes for short, found in self.by_short.items()
                             if (codes := tuple(r.code for r in found if r.level != "county"))}
        # Short names start at a tenth of the places their first character does: a regex finds the
        # places where the first two characters may start one (both in a class, one test each), and only
        # there are the names tried, longest first, as name_at() does. One regex of all the names costs
        # more: at each first character it tries each of hundreds of alternatives in turn.
        shorts: dict[str, set[int]] = {}
        for short in self._short_codes:  # two characters at least: a single one is no short name
            shorts.setdefault(short[:2], set()).add(len(short))
        self._short_lengths = {start: sorted(found, reverse=True) for start, found in shorts.items()}
        firsts, seconds = ("".join(sorted({start[i] for start in shorts})) for i in (0, 1))
        self._short_start_re = re.compile(f"[{re.escape(firsts)}](?=[{re.escape(seconds)}])")

    # -- the tree ---------------------------------------------------------------------------------
    def ancestors(self, region: Region) -> list[Region]:
        chain, code = [], region.parent_code
        while code and code in self.by_code:
            parent = self.by_code[code]
            chain.append(parent)
            code = parent.parent_code
        return chain

    def within(self, region: Region, ancestor: Region) -> bool:
        return any(a.code == ancestor.code for a in self.ancestors(region))

    # -- evidence from the text -------------------------------------------------------------------
    def mentions(self, text: str) -> Counter:
        """How often the text names each region (code -> count); a shared name counts for each."""
        found: list[str] = []  # counted at the end, in one call
        for m in self._name_end_re.finditer(text, 0, MENTION_SCAN_CHARS):
            end = m.end()
            for length in self._full_lengths.get(text[end - 2:end], ()):  # longest first
                if length > end:
                    continue
                codes = self._full_codes.get(text[end - length:end])
                if codes:
                    found += codes
                    break
        # Short names not followed by 省/市/盟, longest first, none overlapping another: the first
        # found is kept and the scan goes on after it.
        limit, after = min(len(text), MENTION_SCAN_CHARS), 0
        for m in self._short_start_re.finditer(text, 0, limit):
            start = m.start()
            if start < after:
                continue
            for length in self._short_lengths.get(text[start:start + 2], ()):
                end = start + length
                if end <= limit and (codes := self._short_codes.get(text[start:end])) and (
                        end == limit or text[end] not in "省市盟"):
                    found += codes
                    after = end
                    break
        return Counter(found)

    def _evidence(self, region: Region, context: Counter) -> tuple[int, int, int]:
        """Mentions of the region itself, of its city, of its province."""
        city = province = 0
        for a in self.ancestors(region):
            if a.level == "city":
                city = context[a.code]
            elif a.level == "province":
                province = context[a.code]
        return context[region.code], city, province

    def pick(self, candidates: list[Region], context: Counter, need_anchor: bool = False,
             distance: dict[str, int] | None = None) -> Region | None:
        """The one candidate the evidence points to, or None when it cannot tell them apart.
        `need_anchor`: accept only a candidate whose own name or city the text mentions.
        `distance`: code -> how unlike the written name it is; nearer wins between equal evidence."""
        if len(candidates) == 1 and not need_anchor:
            return candidates[0]
        distance = distance or {}
        ranked = sorted(((self._evidence(r, context), -distance.get(r.code, 0), r.current, r) for r in candidates),
                        key=lambda t: t[:3], reverse=True)
        (evidence, nearness, current, region), rest = ranked[0], ranked[1:]
        if need_anchor and evidence[0] + evidence[1] == 0:
            return None
        if rest and rest[0][:2] == (evidence, nearness) and not (current and not rest[0][2]):
            return None  # a tie, unless only the best is a current division
        return region

    def infer(self, context: Counter, ending: str) -> Region | None:
        """The division a report speaks for when it never names itself in a title or signature:
        the most mentioned county- or city-level region whose name ends as the report calls
        itself (全区, 区政府 -> a district)."""
        levels = {"市": ("county", "city"), "省": ("province",), "州": ("city",), "盟": ("city",)}.get(ending, ("county",))
        candidates = [r for code in context if (r := self.by_code.get(code)) and r.level in levels
                      and r.name.endswith(ending) and len(r.name) >= MIN_MENTION_LEN]
        return self.pick(candidates, context, need_anchor=True) if candidates else None

    # -- resolving a name -------------------------------------------------------------------------
    def resolve(self, text: str, context: Counter | None = None) -> Match | None:
        """The most specific region named at the start of `text`, following province > city > county
        as far as they are written: 威海市环翠区行政审批服务局 -> 环翠区, 山东省司法厅 -> 山东省."""
        context = context if context is not None else Counter()
        pos, found, fixes = 0, None, []
        while pos < len(text) and (found is None or found.level != "county"):
            step = self._exact(text, pos, found, context)
            if step is None:
                step = self._fuzzy(text, pos, found, context)
            if not step:  # None: nothing there; False: a name several regions share, undecided
                break
            found, end, fix = step
            if fix:
                fixes.append(fix)
            pos = end
        return Match(found, pos, tuple(fixes)) if found else None

    def may_start_name(self, text: str, pos: int = 0) -> bool:
        """Whether a region's name may start at text[pos]: a test cheaper than resolve(), whose
        match can have no mended slip where this is False (its first step finds no exact name)."""
        return text[pos:pos + 2] in self._name_lengths

    def name_at(self, text: str, pos: int = 0, parent: Region | None = None) -> tuple[int, list[Region]]:
        """The longest region name starting at `pos` (below `parent`, if given): its end and the
        regions so named, several for a shared name; (pos, []) when none starts there."""
        room = len(text) - pos
        for length in self._name_lengths.get(text[pos:pos + 2], ()):  # longest first
            if length > room:
                continue
            end = pos + length
            piece = text[pos:end]
            if piece not in self.by_name and piece not in self.by_short:
                continue  # no name of that length starts here: nothing below can find one
            candidates = list(self.by_name.get(piece, ()))
            following = text[end: end + 2]
            if not candidates and following.startswith(SUB_COUNTY_WORDS):
                continue  # 大同镇, 长安街道: a township named like a division, not the division
            # A county's short name only when nothing follows it (临海, but not 公安 in 公安局).
            shorts = [r for r in self.by_short.get(piece, ()) if r.level != "county" or end == len(text)
                      or following[:1] in LEVEL_WORDS]
            if shorts and following[:1] in LEVEL_WORDS:
                # 黔西南州, 伊犁州, 海西州: a short name with its level word is the same division.
                end += 1 if shorts[0].name.endswith(following[0]) or following[0] in "州盟" else 0
            candidates += shorts
            if parent is not None:
                candidates = [r for r in candidates if self.within(r, parent)]
            if candidates:
                return end, candidates
        return pos, []

    def _exact(self, text: str, pos: int, parent: Region | None, context: Counter):
        end, candidates = self.name_at(text, pos, parent)
        if not candidates:
            return None
        region = self.pick(candidates, context)
        return (region, end, None) if region else False

    def _fuzzy(self, text: str, pos: int, parent: Region | None, context: Counter):
        # Only the name endings in reach, in order: most lengths end in no 省/市/区... at all.
        for ending in _NAME_END_RE.finditer(text, pos + MIN_FUZZY_LEN - 1, min(len(text), pos + self.max_len)):
            end = ending.end()
            piece = text[pos:end]
            if piece.endswith(ZONE_WORDS):
                continue
            shapes, size, last = self._fuzzy_shapes, len(piece), piece[-1]
            if (0, piece[0], size, last) not in shapes and (1, piece[1], size, last) not in shapes:
                continue  # no name is one slip away from it: no candidates
            candidates = {r.code: r for key in _wildcards(piece) for r in self.by_wildcard.get(key, ())}
            found = [r for r in candidates.values() if parent is None or self.within(r, parent)]
            distance = {r.code: sum(abs(ord(a) - ord(b)) for a, b in zip(piece, r.name, strict=True))
                        for r in found}
            region = self.pick(found, context, need_anchor=parent is None, distance=distance) if found else None
            if region:
                return region, end, (piece, region.name)
        return None


def load_regions(path: Path = SEED) -> list[Region]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            Region(code=row["admin_code"], name=row["name"], short_name=row["short_name"], level=row["level"],
                   province=row["province"], city=row["city"], county=row["county"],
                   parent_code=row["parent_code"], current=row["status"] == "current")
            for row in csv.DictReader(fh)
        ]


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    return Gazetteer(load_regions())


def resolve(name: str, context_text: str = "") -> Region | None:
    """The region an organisation or place name denotes, using `context_text` to break ties."""
    g = gazetteer()
    match = g.resolve(name, g.mentions(context_text) if context_text else None)
    return match.region if match else None
