"""The vocabulary of department kinds (dbt_project/seeds/departments.csv): an issuer's name after its
region (司法局, 文广旅局, 街道办事处) -> its official form and an English key, so that users can compare
the reports of like departments across regions.

The seed holds the words; this module only matches them: `canonical` gives the official form of a
name as written (文广旅局 -> 文化广电和旅游局, key culture_tourism), `find` the department names a
text mentions, with where each starts.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from orchestration.reports.regions import trie_pattern
from orchestration.settings import VOCABULARY_DIR

SEED = VOCABULARY_DIR / "departments.csv"


@dataclass(frozen=True)
class Department:
    key: str  # English key: justice, market_regulation ...
    name: str  # official name at city and county level: 市场监督管理局
    issuer_kind: str  # government | department


@dataclass(frozen=True)
class Written:
    """A department's name as written, and what it stands for."""

    text: str  # as written: 文广旅局
    official: str  # its official form: 文化广电和旅游局
    department: Department


def load_departments(path: Path = SEED) -> list[tuple[Department, list[str], list[str]]]:
    """Each kind with its official names (the first is `name`) and its short forms."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for row in rows:
        split = [w for w in row["other_names"].split("|") if w]
        shorts = [w for w in row["short_forms"].split("|") if w]
        out.append((Department(row["key"], row["name"], row["issuer_kind"]), [row["name"], *split], shorts))
    return out


class Vocabulary:
    def __init__(self, rows: list[tuple[Department, list[str], list[str]]]):
        self.words: dict[str, Written] = {}
        for department, names, shorts in rows:
            for name in names:
                self.words.setdefault(name, Written(name, name, department))
            for short in shorts:
                official = department.name
                if short.endswith("厅") and official.endswith("局"):  # 人社厅: a province's 厅
                    official = official[:-1] + "厅"
                self.words.setdefault(short, Written(short, official, department))
        # The words nested by shared prefix: the longest word at each place, as an alternation of
        # the words longest first would find, with one dispatch per character instead of one per word.
        words = trie_pattern(sorted(self.words))
        self._re = re.compile(f"(?:{words})")
        self._end_re = re.compile(f"(?:{words})$")

    def canonical(self, suffix: str) -> Written | None:
        """What an issuer's name after its region stands for: 文广旅局 -> 文化广电和旅游局; None if
        it names no known kind. A longer name that ends in a known one (区人民政府行政复议办公室) is
        matched by its end."""
        if suffix in self.words:
            return self.words[suffix]
        if m := self._end_re.search(suffix):
            written = self.words[m.group()]
            return Written(suffix, suffix[: m.start()] + written.official, written.department)
        return None

    def official(self, suffix: str) -> str:
        written = self.canonical(suffix)
        return written.official if written else suffix

    def find(self, text: str, start: int = 0, end: int | None = None):
        """The department names in text[start:end], longest first at each place: (start, end, Written)."""
        for m in self._re.finditer(text, start, len(text) if end is None else end):
            yield m.start(), m.end(), self.words[m.group()]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    return Vocabulary(load_departments())
