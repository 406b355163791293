"""Patterns: the grammar of how reports state a number, as data (orchestration/metrics/data/patterns.yaml).

A pattern says what a number means from the words around it: `before` (a regex that must end right
at the number), `after` (one that must start right after it) and `sentence` (one found anywhere in
the sentence), for numbers of the given domains and units. A matching pattern assigns the domain,
measure, kind and scope; the highest priority wins, and the fact's `rule` is the pattern's id.
Every pattern carries example sentences with the facts they must give, and sentences where it must
not fire; tests/metrics/test_patterns.py runs them all.

The regexes may use macros filled from the vocabulary seeds, so no Chinese word lives in Python:
  {DOMAIN}            any domain cue; {DOMAIN:litigation} the cues of one domain
  {MEASURE:d.m}       the cues of one measure
  {ROLE:filler}       the qualifiers of one role (qualifiers.csv)
  {HAN}               one Chinese character
  {NAME}              a short run of Chinese characters and brackets: a body, a place, a category

What a pattern assigns:
  (conditions) domains: the domains the number may have so far, `none` for a sentence naming none;
              units: its units; kinds: its kind so far (value, change, target);
              follows: the patterns that gave the sentence's previous number;
              bare: true for a number with no measure word of its domain before it;
              approx: true (false) for a number that is (is not) qualified as approximate (超过40件);
              older: true for a change measured against a period other than the previous year
              (比2020年提高: years.py reads the baseline); above: a value the number exceeds;
              domain_from: where its domain came from (classify.SOURCES: clause, sentence…);
              later: true for a number whose year is after the report's (the metadata's) year;
              governed: true for a number a target word of its clause takes (a verb, 力争 / 确保,
              rules the rest of the clause; a bound or noun, 控制在 / 不低于 / 目标为, stands right
              before it, with only years, fillers and link words between: classify._governs);
              plan: true for a number in the plan part of a report; stated_past: true for one whose
              clause states a year up to the report's;
              negation: true for a zero stated by a negation (未有败诉案件: the "number" is the
              negation word, the words it negates follow it); a negation is read by these rows
              only, and one that no row reads gives no fact;
              paired: `count` for a change listed after 分别 whose counts stand before it (受理…
              69件,结案61件,同比分别上升76.9%和60.5%: the k-th change, the k-th count), `measure`
              for a number listed after 分别 whose measure the list names (受理、审结…分别为30件、
              28件) or whose list's first number has one (败诉率分别为12.5%、10.2%);
              own (`tier: cue`, asked after the early rows): the measure words of the number's
              domain in its own zone (its list item up to the number, outside brackets when any
              stands outside them); the row holds for a number with any, and the dict names more:
                fits: true when one fits the number's unit (classify._fits), taken in this order:
                an object word that is no measure's (二审 in 审结二审行政案件: its measure is other,
                which fits every unit), else the verbs (受理, 审结), else the object words that name
                a measure (行政复议案件), each the last first;
                foreign: true when the one taken (never an object word no measure has) is a word
                several domains share (受理, 办结), in a clause that names no domain, with an object
                of its own that names none (受理群众来电1200件: classify._foreign_object);
              late: true for a row asked only at the end of the cascade, for a number that no
              measure word of its own, no list paired by 分别 and no earlier row decided (the
              conditions below are read only there):
                compares: true for a change or the baseline a change is measured from (较2022年的
                420件); baseline: true for such a baseline;
                preceding: the sentence's previous number, of the same domain, exists: `named`
                (it has a measure other than other), `same_item` (it stands in the number's list
                item), `same_word` (the same unit word), `continues` (the number's own head noun
                ends the previous number's words too: 政府规范性文件1件、部门规范性文件4件);
                own_noun: true for a number whose own words, beyond change, baseline and
                comparison words, name a noun of their own (批次同比下降36%);
                pending: true for a number whose clause names its domain, after clauses without a
                number that named one of its measures (开展专项清理…,梳理出规范性文件84件)
              distinct: named groups of `before` that must name cues of different domains
              (行政复议、行政诉讼案件: two domains joined);
              lead: the first number of the number's clause (or `within: sentence`), when it is
              not the number itself: `rule_not` (its rule is none of these), `measure` (it has
              this measure), `same_domain: true` (it has the number's domain)
  within:  the span `before` reads back over: item, clause, sentence, or zone (the number's own
           words: its list item, or from the previous number on); a list means any of them
  domain:  a domain id, or `paragraph` (the domain of the last count in the paragraph, else the
           domain the number already has)
  measure: a measure id, `other`, `@count` (a change paired with a count: the count's measure, and its
           domain; the list's first change gives its kind), `@paired` (the measure the 分别 list
           gives), `@preceding` (the previous number's, see preceding), `@pending`
           (the measure the earlier clauses named, see pending), `none` (no fact at all: the number states no measure, as a
           rate above 100% stated as a value), `previous` (the measure a `cue` group names, as in a share after
           the part, 占收到申请总数的1%; else the last total or sibling part of the domain in the
           sentence, else in the paragraph: a part scoped to a body repeats the measure of the total
           it breaks down), `@own` (the measure of the word `own` took, quoted with the number), or
           `@cue` (the measure the word in the group `cue` names in the number's domain; {CUES} is
           every measure word, {VERBS} those that name no domain's object)
  domain (alone, `@source`): a domain row, asked before anything else is known of the number, in
           priority order; the first whose conditions hold and whose source has a domain gives it.
           Sources (classify._domain_of): @before / @after (the nearest domain word before, else the
           first after, the number in its clause), @earlier / @later (the last domain word of the
           clauses before it; the first of those after, clauses without a number first), @last-count
           (the domain of the paragraph's last count), @subject (what the previous sentences said of
           the department they were about, when this sentence names no subject of its own),
           @paragraph (the paragraph's domain), @heading (the last topic heading's)
  kind:    value | change | target (default: the kind the number already has). A row that assigns
           a kind and no measure amends: it is asked after the measure and the year are known (the
           first that holds sets the kind; the fact's rule stays the measure's), or, with `tier:
           kind`, when the kind is read, before the measure (for a number that is no change and no
           baseline)
  tier:    a row that assigns a measure is an early row, or `late: true`, or `tier: cue` (it reads
           `own`); the tiers of measure rows are asked in the order early, cue, late, and a number
           that no row of them reads gives no fact (a negation: the cue and late rows read none)
  scope:   a template over the named groups of `before`, e.g. "{body}（被申请人）"
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import yaml

from orchestration.metrics.vocabulary import Vocabulary, alternation, vocabulary

PATTERN_FILE = Path(__file__).parent / "data" / "patterns.yaml"
WITHIN = ("zone", "item", "clause", "sentence")
KINDS = ("value", "change", "target")
DROP = "none"  # `measure: none`: the number gives no fact
DOMAIN_SOURCES = ("@before", "@after", "@earlier", "@later", "@last-count", "@subject", "@paragraph", "@heading")
NO_DOMAIN = "none"  # in `domains`: a number whose sentence names no domain
_MACRO = re.compile(r"\{([A-Z]+)(?::([\w.]+))?\}")
_HAN = r"[\u4e00-\u9fff]"
_NAME = r"[\u4e00-\u9fff()（）]{2,16}?"


@dataclass(frozen=True)
class Pattern:
    id: str
    priority: int
    before: re.Pattern | None
    after: re.Pattern | None
    sentence: re.Pattern | None
    within: tuple[str, ...]
    domains: frozenset[str]
    units: frozenset[str]
    assigns: dict[str, str]
    anchored: bool = False  # `before` starts with ^: it must cover its whole span up to the number
    follows: frozenset[str] = frozenset()  # the sentence's previous number must come from one of these
    bare: bool = False  # only for a number with no measure word of its domain before it
    approx: bool | None = None  # only for a number that is (True) or is not (False) approximate
    kinds: frozenset[str] = frozenset()
    older: bool | None = None  # only for a change against an older period (True) or not (False)
    above: float | None = None  # only for a number above this value
    domain_from: frozenset[str] = frozenset()
    lead: dict | None = None  # conditions on the first number of the clause (or sentence)
    distinct: tuple[str, ...] = ()  # groups of `before` that must name different domains
    negation: bool = False  # only for a zero stated by a negation (and only such rows for one)
    later: bool | None = None  # only for a number of a year after the report's
    governed: bool | None = None
    plan: bool | None = None
    stated_past: bool | None = None
    amends: bool = False  # assigns a kind and no measure: asked once the measure and year are known
    late: bool = False  # asked at the end of the cascade, for a number nothing else decided
    own: dict | None = None  # conditions on the measure words of its own zone (tier cue)
    compares: bool | None = None
    baseline: bool | None = None
    preceding: dict | None = None
    own_noun: bool | None = None
    pending: bool | None = None
    paired: str | None = None
    tier: str = "early"  # domain, kind, early, cue, late or amend: when the cascade asks the row
    plain: bool = False  # no condition and no regex: it holds for every number it is a candidate for
    # matches(text, spans, n, brackets) -> Match | None: the row alone as a matcher (_matcher), set by
    # load_patterns
    matches: Callable | None = field(default=None, compare=False, repr=False)
    description: str = ""
    examples: list[dict] = field(default_factory=list, compare=False)
    counterexamples: list[str] = field(default_factory=list, compare=False)


@dataclass(frozen=True)
class Lead:
    """The first number of a clause or sentence, as already read."""

    rule: str
    measure: str | None
    domain: str | None


@dataclass(frozen=True)
class Preceding:
    """The sentence's previous number, when it has the number's domain."""

    measure: str
    same_item: bool
    same_word: bool
    continues: bool | Callable[[], bool]  # (a test, made only if a row asks: it cuts the text)


@dataclass(frozen=True)
class Own:
    """The measure words of a number's own zone, as the cue tier reads them (see the docstring)."""

    fits: bool
    foreign: bool


@dataclass(slots=True)
class Number:
    """What is known of a number when the patterns are asked (not frozen: one is built per number
    and tier, and a frozen dataclass's fields cost a setattr each)."""

    start: int
    end: int
    domain: str | None
    unit: str
    value: float = 0.0
    kind: str = "value"
    approx: bool = False
    bare: bool = True  # no measure word of its domain before it
    older: bool = False  # a change against a period other than the previous year
    negation: bool = False  # a zero stated by a negation word: start and end are the word's
    later: bool = False  # its year is after the report's year (known from the metadata)
    # Known at the kind tier only:
    governed: bool = False  # a target word of its clause takes it
    plan: bool = False  # it stands in the plan part of the report
    stated_past: bool = False  # its clause states a year up to the report's
    # Known at the late tier only (see the module docstring):
    compares: bool = False
    baseline: bool = False
    preceding: Preceding | None = None
    own_noun: bool | Callable[[], bool] = False  # (a test, made only if a row asks)
    pending: str | None = None  # the measure the clauses before named
    domain_source: str | None = None
    paired: str | None = None  # "count" or "measure": what the list paired by 分别 gives it
    own: Own | None = None  # known at the cue tier only: its own measure words, if any
    previous_rule: str | None = None  # the rule of the sentence's previous number
    leads: dict[str, Lead] = field(default_factory=dict)  # "clause" / "sentence": its first number


@dataclass(frozen=True)
class Match:
    pattern: Pattern
    groups: dict[str, str]
    end: int | None = None  # where `after` ended: the quote reaches the verb after the number

    def cue(self) -> str | None:
        """The measure word a `cue` group (or `cue2`, `cue3`… for alternatives) caught."""
        return next((v for k, v in sorted(self.groups.items()) if k.startswith("cue")), None)

    def scope(self) -> str | None:
        template = self.pattern.assigns.get("scope")
        return template.format_map(defaultdict(str, self.groups)) if template else None


def _expand(source: str, vocab: Vocabulary) -> str:
    def macro(m: re.Match) -> str:
        name, arg = m[1], m[2]
        if name == "HAN":
            return _HAN
        if name == "NAME":
            return _NAME
        if name == "CUES":  # every measure word of every domain (what a `cue` group may name)
            words = [w for cues in vocab.measure_cues.values() for w in cues]
        elif name == "VERBS":  # the measure words that name no domain's object (结案, 化解; not 许可事项)
            objects = [d for d in vocab.domain_cues]
            words = [w for cues in vocab.measure_cues.values() for w in cues if not any(d in w for d in objects)]
        elif name == "DOMAIN":
            words = [w for w, d in vocab.domain_cues.items() if arg is None or d == arg]
        elif name == "MEASURE":
            domain, measure = arg.split(".")
            words = [w for w, m_ in vocab.measure_cues.get(domain, {}).items() if m_ == measure]
        elif name == "ROLE":
            words = list(vocab.words(arg))
        else:
            raise ValueError(f"unknown macro {m.group()!r}")
        if not words:
            raise ValueError(f"macro {m.group()!r} names no words")
        return f"(?:{alternation(words)})"

    return _MACRO.sub(macro, source)


def _compile(source: str | None, vocab: Vocabulary, suffix: str = "") -> re.Pattern | None:
    return re.compile(f"(?:{_expand(source, vocab)}){suffix}") if source else None


class _StrictLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice in one mapping (YAML would keep the last)."""

    def construct_mapping(self, node, deep=False):
        keys = [self.construct_object(k, deep=deep) for k, _ in node.value]
        twice = {k for k in keys if keys.count(k) > 1}
        if twice:
            raise ValueError(f"{node.start_mark}: key given twice: {sorted(twice)}")
        return super().construct_mapping(node, deep=deep)


def load_patterns(path: Path, vocab: Vocabulary) -> list[Pattern]:
    rows = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # noqa: S506 (a safe loader)
    patterns, ids = [], set()
    measures = {m for _, m in vocab.measure_units} | {
        "other", DROP, "previous", "@cue", "@preceding", "@pending", "@count", "@paired", "@own"}
    domains = {d for d, _ in vocab.measure_units}
    for row in rows:
        pid = row["id"]
        if pid in ids:
            raise ValueError(f"pattern {pid}: id used twice")
        ids.add(pid)
        assigns = dict(row.get("assigns") or {})
        domain_row = set(assigns) == {"domain"} and str(assigns["domain"]).startswith("@")
        if domain_row and assigns["domain"] not in DOMAIN_SOURCES:
            raise ValueError(f"pattern {pid}: unknown domain source {assigns['domain']!r}")
        amends = "measure" not in assigns and not domain_row
        if amends and set(assigns) != {"kind"}:
            raise ValueError(f"pattern {pid}: a row without a measure amends the kind only")
        tier = row.get("tier")
        if tier not in (None, "kind", "amend", "cue") or (tier in ("kind", "amend") and not amends):
            raise ValueError(f"pattern {pid}: only a row that assigns a kind alone names its tier (kind or amend)")
        if tier == "cue" and (amends or domain_row or row.get("late")):
            raise ValueError(f"pattern {pid}: a cue row assigns a measure")
        if ("own" in row) != (tier == "cue"):  # (classify asks the cue tier only of a number with own words)
            raise ValueError(f"pattern {pid}: own is known at the cue tier only, and every cue row reads it")
        if assigns.get("measure") == "@own" and not (row.get("own") or {}).get("fits"):
            raise ValueError(f"pattern {pid}: @own needs a word that fits (own: {{fits: true}})")
        if not set(row.get("own") or {}) <= {"fits", "foreign"}:
            raise ValueError(f"pattern {pid}: unknown own condition {row['own']!r}")
        kind_only = [k for k in ("governed", "plan", "stated_past") if k in row]
        if kind_only and row.get("tier") != "kind":
            raise ValueError(f"pattern {pid}: {kind_only} are known at the kind tier only (tier: kind)")
        if assigns.get("kind") not in (None, *KINDS):
            raise ValueError(f"pattern {pid}: unknown kind {assigns.get('kind')!r}")
        if not amends and not domain_row and assigns.get("measure") not in measures:
            raise ValueError(f"pattern {pid}: unknown measure {assigns.get('measure')!r}")
        if not domain_row and assigns.get("domain") not in (None, "paragraph", *domains):
            raise ValueError(f"pattern {pid}: unknown domain {assigns.get('domain')!r}")
        within = row.get("within", "item")
        within = tuple(within) if isinstance(within, list) else (within,)
        if not within or any(w not in WITHIN for w in within):
            raise ValueError(f"pattern {pid}: within must be one of {WITHIN}, or a list of them")
        if any(k not in KINDS for k in row.get("kinds") or ()):
            raise ValueError(f"pattern {pid}: kinds must be among {KINDS}")
        late_only = [k for k in ("compares", "baseline", "preceding", "own_noun", "pending") if k in row]
        if late_only and not row.get("late"):
            raise ValueError(f"pattern {pid}: {late_only} are known at the late tier only (late: true)")
        if not set(row.get("preceding") or {}) <= {"named", "same_item", "same_word", "continues"}:
            raise ValueError(f"pattern {pid}: unknown preceding condition {row['preceding']!r}")
        if row.get("paired") not in (None, "count", "measure"):
            raise ValueError(f"pattern {pid}: paired must be count or measure")
        lead = row.get("lead")
        if lead is not None and (not set(lead) <= {"within", "rule_not", "measure", "same_domain"}
                                 or lead.get("within", "clause") not in ("clause", "sentence")):
            raise ValueError(f"pattern {pid}: unknown lead condition {lead!r}")
        if not row.get("examples"):
            raise ValueError(f"pattern {pid}: needs at least one example")
        before = row.get("before")
        anchored = bool(before) and before.startswith("^")
        if anchored:
            before = before[1:]
        if assigns.get("unit") not in (None, *{u for u, _ in vocab.units.values()}):
            raise ValueError(f"pattern {pid}: unknown unit {assigns.get('unit')!r}")
        patterns.append(
            Pattern(
                id=pid,
                priority=int(row.get("priority", 0)),
                before=_compile(before, vocab, "" if anchored else r"\Z"),
                anchored=anchored,
                follows=frozenset(row.get("follows") or ()),
                bare=bool(row.get("bare")),
                approx=row.get("approx"),
                kinds=frozenset(row.get("kinds") or ()),
                older=row.get("older"),
                above=row.get("above"),
                domain_from=frozenset(row.get("domain_from") or ()),
                lead=lead,
                distinct=tuple(row.get("distinct") or ()),
                negation=bool(row.get("negation")),
                later=row.get("later"),
                governed=row.get("governed"),
                plan=row.get("plan"),
                stated_past=row.get("stated_past"),
                amends=amends,
                late=bool(row.get("late")),
                compares=row.get("compares"),
                baseline=row.get("baseline"),
                preceding=row.get("preceding"),
                own_noun=row.get("own_noun"),
                pending=row.get("pending"),
                paired=row.get("paired"),
                own=row.get("own"),
                tier="domain" if domain_row else (tier or "amend") if amends
                else "late" if row.get("late") else tier or "early",
                description=row.get("description", ""),
                after=_compile(row.get("after"), vocab),
                sentence=_compile(row.get("sentence"), vocab),
                within=within,
                domains=frozenset(row.get("domains") or ()),
                units=frozenset(row.get("units") or ()),
                assigns=assigns,
                examples=row.get("examples") or [],
                counterexamples=row.get("counterexamples") or [],
            )
        )
    patterns = [replace(p, plain=not (_conditions(p) or p.before or p.after or p.sentence or p.distinct)) for p in patterns]
    patterns = [replace(p, matches=_matcher([p])) for p in patterns]
    return sorted(patterns, key=lambda p: -p.priority)


@cache
def patterns() -> list[Pattern]:
    return load_patterns(PATTERN_FILE, vocabulary())


@cache
def candidates(tier: str, domain: str | None, unit: str, negation: bool, kind: str = "value",
               later: bool = False) -> list[Pattern]:
    """The patterns of one tier (domain, kind, early, cue, late, amend), by priority, that may hold for a number
    of this domain (None: none yet), unit and kind, of a year after the report's or not, stated by a
    number or by a negation (which only rows for one read, but for the domain rows, which read every
    number). These conditions sort the rows once; the matcher tests the others per number."""
    return [p for p in patterns() if p.tier == tier and (p.negation == negation or tier == "domain")
            and (not p.domains or (domain or NO_DOMAIN) in p.domains) and (not p.units or unit in p.units)
            and (not p.kinds or kind in p.kinds) and (p.later is None or p.later == later)]


@cache
def plan(*key) -> tuple[Callable | None, bool]:
    """The candidates (same arguments) as one matcher (see _matcher; None: there are none), and
    whether any asks about the first number of a clause or sentence: one lookup per number and tier."""
    rows = candidates(*key)
    return _shared_matcher(tuple(p.id for p in rows)) if rows else None, any(p.lead is not None for p in rows)


@cache
def _shared_matcher(ids: tuple[str, ...]) -> Callable:
    """One matcher per list of rows: many keys of plan() share theirs."""
    by_id = {p.id: p for p in patterns()}
    return _matcher([by_id[i] for i in ids])


@cache
def domain_patterns() -> list[Pattern]:
    """Patterns that may give a number a domain where the sentence names none."""
    return [p for p in patterns() if p.tier == "early" and p.assigns.get("domain") not in (None, "paragraph")
            and (not p.domains or NO_DOMAIN in p.domains)]


def may_hold(p: Pattern, text: str, start: int, num: tuple[int, int]) -> bool:
    """A quick test, before the sentence is read: could `p` hold for the number (from `start` on)?"""
    return (p.before is None or p.before.search(text, start, num[0]) is not None) and (
        p.after is None or p.after.match(text, num[1]) is not None
    )


def _lead_holds(cond: dict, n: Number) -> bool:
    lead = n.leads.get(cond.get("within", "clause"))
    if lead is None:  # the number is the first of its span
        return False
    if lead.rule in cond.get("rule_not", ()):
        return False
    if "measure" in cond and lead.measure != cond["measure"]:
        return False
    return not cond.get("same_domain") or lead.domain == n.domain


def _conditions(p: Pattern, row: str = "p") -> list[str]:
    """The row's conditions on what is known of a number (`n`), as Python expressions over the row
    (named `row`), only those it sets: domains, units and negation sort the rows beforehand
    (candidates)."""
    conds = []
    if p.follows:
        conds.append(f"n.previous_rule in {row}.follows")
    if p.bare:
        conds.append("n.bare")
    if p.domain_from:
        conds.append(f"n.domain_source in {row}.domain_from")
    if p.above is not None:
        conds.append(f"n.value > {row}.above")
    if p.lead is not None:
        conds.append(f"_lead_holds({row}.lead, n)")
    if p.preceding is not None:
        conds.append(f"_preceding_holds({row}.preceding, n.preceding)")
    if p.pending is not None:
        conds.append(f"{row}.pending == (n.pending is not None)")
    if p.own is not None:
        conds.append(f"n.own is not None and all(getattr(n.own, k) == v for k, v in {row}.own.items())")
    for flag in ("approx", "older", "governed", "plan", "stated_past", "compares", "baseline", "paired"):
        if getattr(p, flag) is not None:
            conds.append(f"n.{flag} == {row}.{flag}")
    if p.own_noun is not None:
        conds.append(f"_now(n.own_noun) == {row}.own_noun")
    return conds


def _matcher(rows: list[Pattern]) -> Callable:
    """The first of `rows` (by priority: see candidates()) that holds for a number, as one function
    generated from the rows: matcher(text, spans, n, brackets) -> Match | None, where `spans` gives the
    zone, item, clause and sentence around the number as (start, end), `n` is what is known of it
    (Number) and `brackets` the sentence's (words in brackets only explain). A row's conditions on
    `n` are tested first, inline, then its regexes; the common `before` (one span, not anchored) is
    searched in place, the rest in _before and _finish. (The early tier tries some twenty rows per
    number, and a call per row and per condition was most of its cost.)"""
    env = {"Match": Match, "_before": _before, "_finish": _finish, "_lead_holds": _lead_holds,
           "_preceding_holds": _preceding_holds, "_now": _now}
    code = ["def matcher(text, spans, n, brackets):"]
    for i, p in enumerate(rows):
        env[f"p{i}"], env[f"b{i}"] = p, p.before
        if p.plain:
            code.append(f"    return Match(p{i}, {{}}, None)")  # the rows after it are never asked
            break
        conds = _conditions(p, f"p{i}")
        pad = "        " if conds else "    "
        if conds:
            code.append(f"    if {' and '.join(f'({c})' for c in conds)}:")
        if p.before is None:
            code.append(f"{pad}m = None")
        elif len(p.within) == 1 and not p.anchored:
            code.append(f"{pad}m = b{i}.search(text, spans[{p.within[0]!r}][0], n.start)")
        else:
            code.append(f"{pad}m = _before(p{i}, text, spans, n.start)")
        code.append(f"{pad}hit = _finish(p{i}, m, text, spans, n, brackets)" + (" if m is not None else None" if p.before else ""))
        code.append(f"{pad}if hit is not None:")
        code.append(f"{pad}    return hit")
    code.append("    return None")
    exec("\n".join(code), env)  # noqa: S102 (our own text, from the loaded rows)
    return env["matcher"]


def _now(value):
    """A value given as a test to make only when asked (Number.own_noun, Preceding.continues)."""
    return value() if callable(value) else value


def _preceding_holds(cond: dict, prev: Preceding | None) -> bool:
    return prev is not None and not (
        (cond.get("named") and prev.measure == "other")
        or (cond.get("same_item") and not prev.same_item)
        or (cond.get("same_word") and not prev.same_word)
        or (cond.get("continues") and not _now(prev.continues))
    )


def _before(p: Pattern, text: str, spans: dict[str, tuple[int, int]], start: int) -> re.Match | None:
    for within in p.within:
        a = spans[within][0]
        while p.anchored and a < start and not ("\u4e00" <= text[a] <= "\u9fff" or text[a].isdigit()):
            a += 1  # marks and spaces before the span's first word
        m = p.before.fullmatch(text, a, start) if p.anchored else p.before.search(text, a, start)
        if m is not None:
            return m
    return None


def _finish(
    p: Pattern, m: re.Match | None, text: str, spans: dict[str, tuple[int, int]], n: Number,
    brackets: list[tuple[int, int]],
) -> Match | None:
    """The rest of a row, once its conditions hold and its `before` matched (`m`, if it has one)."""
    groups: dict[str, str] = {}
    after_end = None
    if m is not None:
        if p.distinct:
            cues = vocabulary().domain_cues
            named = [cues.get(m.group(g)) for g in p.distinct]
            if None in named or len(set(named)) < len(named):
                return None
        groups.update({k: v for k, v in m.groupdict().items() if v})
    if p.after is not None:
        m = p.after.match(text, n.end, spans["sentence"][1])
        if m is None:
            return None
        groups.update({k: v for k, v in m.groupdict().items() if v})
        after_end = m.end()
    if p.sentence is not None and not any(
        not any(a < m.start() < b for a, b in brackets) for m in p.sentence.finditer(text, *spans["sentence"])
    ):
        return None  # (words in brackets only explain: they are not what the sentence states)
    return Match(p, groups, after_end)
