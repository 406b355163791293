"""A deterministic synthetic corpus for SPEED measurements only, never for extraction quality.

    python benchmarks/corpus.py --n 1000 --out DIR [--seed 0]

Report i is made from the paragraphs of the five bundled sample reports (seeds/*.txt, read as
plain text): an opening paragraph, then the four parts every annual report has (举措和成效, 不足,
主要负责人履职, 下一步安排), each under a heading borrowed from one sample and holding paragraphs
drawn from all samples' same part. It gets another issuer (a city or county of
dbt_project/seeds/regions.csv and one of a few kinds of body), another year (2015-2024: the
samples' years shift with it) and perturbed Arabic numbers, so every file has its own content
hash, text and (issuer, year, title): the parser's duplicate checks drop none of them.

The text is plausible at a glance and wrong in every detail (a county's report quotes another
county's measures, numbers are random): measure speed and memory with it, NOT recall or
precision. Use the gold set in tests/fixtures/gold for quality.

Determinism: report i depends only on (i, seed), never on --n, so a corpus of n reports is the
first n of a larger one and report n is a new report for an n-report folder. The same n and seed
give byte-identical files (random.Random seeded with a string, which PYTHONHASHSEED does not touch;
the samples and regions.csv as they are in the repository).
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLES_DIR = REPO_ROOT / "seeds"
REGIONS_CSV = REPO_ROOT / "dbt_project" / "seeds" / "regions.csv"
NOTICE = "synthetic corpus for speed benchmarks only: its facts are meaningless, do not measure quality with it"

YEARS = tuple(range(2015, 2025))
# The issuing bodies: the government, and departments the gazetteer of departments knows.
BODIES = ("人民政府", "司法局", "市场监督管理局", "行政审批服务局", "生态环境局", "应急管理局")
PARTS = ("achievements", "shortcomings", "leaders", "plan")
PART_OF_HEADING = (("不足", "shortcomings"), ("负责人", "leaders"), ("安排", "plan"), ("", "achievements"))
NUMERALS = "一二三四五六七八九十"

# Each sample's own region names (parent, self, short forms of self), replaced by the new issuer's.
# A sample not listed here is still used, without name replacement.
SAMPLE_REGIONS = {
    "000": ("威海市", "文登区", ("文登",)),
    "001": ("枣庄市", "峄城区", ("峰城区", "峄城", "峰城")),  # the sample has the OCR slip 峰城
    "002": ("台州市", "临海市", ("临海",)),
    "003": ("朔州市", "朔城区", ("朔城",)),
    "004": ("威海市", "环翠区", ("环翠",)),
}

TOP_HEADING_RE = re.compile(r"^(?:#+\s*)?(?:\*\*)?\s*([一二三四五六七八九十]+)、\s*(.*?)\s*(?:\*\*)?$")
MARKUP_RE = re.compile(r"^#+\s*|\*\*")
YEAR_RE = re.compile(r"(?<!\d)(20[0-3]\d)(?=\s*(?:年|[-—–~至〕）)]))|(?<=[〔（(])(20[0-3]\d)(?!\d)")
NUMBER_RE = re.compile(r"(?<![\d.])(\d+)(?:\.(\d+))?(?![\d.])")
DATE_PART_RE = re.compile(r"\s*(?:月|日|号|时|:|：|-|/|年)")  # a month, a day, a time: left as is


@dataclass
class Sample:
    name: str
    base_year: int
    opening: list[str] = field(default_factory=list)  # paragraphs before the first part
    headings: dict[str, str] = field(default_factory=dict)  # part -> heading text, without its numeral
    paragraphs: dict[str, list[str]] = field(default_factory=dict)  # part -> paragraphs


@dataclass(frozen=True)
class Issuer:
    province: str
    parent: str  # the city of a county, the province of a city
    name: str  # the region's full name: 文登区, 临海市, 威海市
    short: str
    level: str  # city | county
    body: str

    @property
    def full(self) -> str:
        prefix = "" if self.parent == self.name else self.parent
        return f"{prefix}{self.name}{self.body}"


def _part(heading: str) -> str:
    return next(part for word, part in PART_OF_HEADING if word in heading)


def _is_prose(line: str) -> bool:
    """A paragraph of the report's body, not a title, salutation, signature or page furniture."""
    return len(line) > 40 and any(ch in line for ch in "。；，,")


@cache
def samples(folder: Path = SAMPLES_DIR) -> tuple[Sample, ...]:
    """The samples' paragraphs by part, read as plain UTF-8 text."""
    found = []
    for path in sorted(folder.glob("*.txt")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        years = [int(y) for y in re.findall(r"(20[12]\d)\s*年", "\n".join(lines))]
        sample = Sample(path.name, max(set(years), key=years.count) if years else 2023)
        part = None
        for line in lines:
            heading = TOP_HEADING_RE.match(line)
            if heading and len(line) < 80:
                part = _part(heading.group(2))
                sample.headings.setdefault(part, MARKUP_RE.sub("", heading.group(2)))
                continue
            if not _is_prose(line):
                continue
            text = MARKUP_RE.sub("", line)
            if part is None:
                sample.opening.append(text)
            else:
                sample.paragraphs.setdefault(part, []).append(text)
        found.append(sample)
    if not found:
        raise SystemExit(f"no sample reports in {folder}")
    return tuple(found)


@cache
def issuers(regions_csv: Path = REGIONS_CSV) -> tuple[Issuer, ...]:
    """Every current city and county with every kind of body, in the file's order."""
    rows = []
    with regions_csv.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["status"] != "current" or row["level"] not in ("city", "county"):
                continue
            parent = row["province"] if row["level"] == "city" else row["city"] or row["province"]
            rows.append((row["province"], parent, row["name"], row["short_name"] or row["name"], row["level"]))
    return tuple(Issuer(*row, body) for row in rows for body in BODIES)


@cache
def _slots(seed: int) -> list[tuple[int, int]]:
    """(issuer index, year) pairs in a seeded order: report i takes pair i, so no two reports
    share an issuer and a year (hence a title)."""
    order = [(who, year) for who in range(len(issuers())) for year in YEARS]
    random.Random(f"fazhi-bench-slots:{seed}").shuffle(order)
    return order


def capacity(seed: int = 0) -> int:
    return len(_slots(seed))


def _perturb_numbers(text: str, rng: random.Random) -> str:
    def replace(match: re.Match) -> str:
        decimals = match.group(2)
        after = text[match.end(): match.end() + 2]
        before = text[max(0, match.start() - 1): match.start()]
        if DATE_PART_RE.match(after) or before in ("〔", "["):  # a date, a time or a document number
            return match.group(0)
        value = float(match.group(0)) * rng.uniform(0.6, 1.4)
        if after.startswith(("%", "％")):
            value = min(value, 100.0)
        if decimals:
            return f"{value:.{len(decimals)}f}"
        return str(max(1, round(value)))

    return NUMBER_RE.sub(replace, text)


def _transform(text: str, sample: Sample, issuer: Issuer, year: int, rng: random.Random) -> str:
    """A sample's paragraph told by another issuer about another year, with other numbers."""
    names = SAMPLE_REGIONS.get(sample.name[:3])
    if names:
        parent, own, shorts = names
        own_short = issuer.short
        text = text.replace(parent, issuer.parent if issuer.level == "county" else issuer.province)
        text = text.replace(own, issuer.name)
        for short in shorts:
            text = text.replace(short, issuer.name if short.endswith(("区", "市", "县")) else own_short)
    shift = year - sample.base_year
    text = YEAR_RE.sub(lambda m: str(int(m.group(1) or m.group(2)) + shift), text)
    # Other numbers change; the month and day after a year (2023年7月24日) are left alone.
    return _perturb_numbers(text, rng)


def report(i: int, seed: int = 0) -> tuple[str, str, dict]:
    """Report i: (file name, text, what the parser should find)."""
    slots = _slots(seed)
    if not 0 <= i < len(slots):
        raise ValueError(f"report {i}: this generator makes at most {len(slots)} distinct reports")
    who, year = slots[i]
    issuer = issuers()[who]
    rng = random.Random(f"fazhi-bench-report:{seed}:{i}")
    pool = samples()
    markdown = rng.random() < 0.4  # some reports as Markdown, like two of the samples

    def heading(level: int, text: str) -> str:
        return f"{'#' * level} {text}" if markdown else text

    lines = [heading(1, issuer.full) if markdown else issuer.full, "",
             heading(2, f"关于{year}年法治政府建设情况的报告"), ""]
    opener = rng.choice([s for s in pool if s.opening] or pool)
    lines += [_transform(p, opener, issuer, year, rng) for p in opener.opening[:2]]
    for number, part in zip(NUMERALS, PARTS, strict=False):
        with_part = [s for s in pool if s.paragraphs.get(part)]
        if not with_part:
            continue
        source = rng.choice([s for s in with_part if part in s.headings] or with_part)
        title = source.headings.get(part, part)
        lines += ["", heading(3, f"{number}、{_transform(title, source, issuer, year, rng)}")]
        # Paragraphs of this part from all samples, about as many as one sample has.
        candidates = [(s, p) for s in with_part for p in s.paragraphs[part]]
        typical = max(1, round(len(candidates) / len(with_part)))
        count = min(len(candidates), rng.randint(max(1, typical // 2), typical + typical // 2))
        for s, paragraph in rng.sample(candidates, count):
            lines.append(_transform(paragraph, s, issuer, year, rng))
    month, day = rng.randint(1, 3), rng.randint(1, 28)
    lines += ["", issuer.full, f"{year + 1}年{month}月{day}日", ""]
    # What the parser should find (ParsedReport's field names): the year and the issuer's region.
    expected = {"report_year": year, "province": issuer.province, issuer.level: issuer.name}
    return f"bench_{seed}_{i:06d}.txt", "\n".join(lines), expected


def write_corpus(out: Path, n: int, seed: int = 0, start: int = 0) -> int:
    """Write reports start .. start+n-1 into `out`; returns the bytes written."""
    out.mkdir(parents=True, exist_ok=True)
    total = 0
    for i in range(start, start + n):
        name, text, _ = report(i, seed)
        data = text.encode("utf-8")
        (out / name).write_bytes(data)
        total += len(data)
    return total


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, required=True, help="number of reports")
    ap.add_argument("--out", type=Path, required=True, help="folder to write them into (created)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--start", type=int, default=0, help="index of the first report (default 0)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    size = write_corpus(args.out, args.n, args.seed, args.start)
    print(f"{NOTICE}\nwrote {args.n} reports ({size / 1e6:.1f} MB) to {args.out} "
          f"in {time.perf_counter() - t0:.1f} s (seed {args.seed})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
