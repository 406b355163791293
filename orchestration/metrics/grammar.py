"""The grammar's regular expressions and number words, read from data/grammar.yaml.

The engines (years, scope, clauses, classify, facts, numbers) hold no Chinese word: how a year, a
span, a baseline, a place or a topic heading is written lives in the data file, each with what it
matches. `rx(name)` compiles one; `source(name)` gives its text (for a template such as the
department pattern, filled per report); `NUMBERS` holds the number words.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

GRAMMAR_FILE = Path(__file__).parent / "data" / "grammar.yaml"


@cache
def _load() -> tuple[dict[str, str], dict]:
    data = yaml.safe_load(GRAMMAR_FILE.read_text(encoding="utf-8"))
    return {row["name"]: row["regex"] for row in data["regexes"]}, data["numbers"]


def source(name: str) -> str:
    return _load()[0][name]


@cache
def rx(name: str) -> re.Pattern:
    return re.compile(source(name))


NUMBERS: dict = _load()[1]
