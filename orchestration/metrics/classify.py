"""Classify the quantities of one sentence: domain, measure, kind, year and scope, with the evidence.

The decisions are rows of the grammar file (data/patterns.yaml, run by patterns.py); this module reads
what their conditions need and applies what they assign. The rows come in tiers, asked in this order:

- domain rows: where the number's domain comes from, in priority order (a domain word before it in its
  clause, after it, in the clauses before, in a later clause, the total a 其中 sentence breaks down, the
  department the paragraph is about, the paragraph, the last topic heading);
- kind rows: whether a number that is no change and no baseline is a goal (a target word that takes it,
  the plan part of the report); changes and baselines are read here (_kind_word, _listed_change,
  years.baseline_where);
- early rows: what the words around the number say (scopes, parts, 其中 subsets, negations stating
  zero, older baselines, rates above 100%, and, below all of them, the lists paired by 分别 that _pairs
  lines up);
- cue rows, for a number with measure words of its domain in its own zone (its list item up to the
  number): _own takes the one that fits its unit (an object word no measure has, else verbs before
  object words) and tells whether a verb shared by several domains counts an object of its own; the
  rows say what that makes the number (cue, foreign-object, cue-unit);
- late rows, for a number without one: what the numbers and clauses before it say (same-item, change,
  baseline, change-of-other, pending, parallel); anything else is `other` (no-cue);
- amending rows, once the year is known (goal-for-later-year).

No measure is decided in Python: this module finds the words, numbers and clauses the conditions name,
and a number that no row of the measure tiers reads (a negation the early rows do not read) gives no
fact. The fact's `rule` is the row that gave its measure. A wrong number costs more than a missing
one, so every doubt ends in `other`.

Each fact says where its domain and its year came from (SOURCES): `clause` (a word in the number's own
clause), `sentence` (another clause of its sentence), `paragraph` (an earlier sentence of the paragraph:
its count's domain, the department it was about, the year that opened it), `heading` (the last topic
heading), `pattern` (a grammar pattern that knows the domain from the words around the number), `series`
(a list of years paired by 分别), `previous_year` (上年 / 去年 as a baseline), `plan_section` (the year a
plan part is for), `report_year` (the report's metadata) or `covered_year` (the first year a text
without metadata names); tables add `table_row`, `table_header` and `table_caption` (tables.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from orchestration.metrics import clauses as cl
from orchestration.metrics import patterns as pt
from orchestration.metrics.cues import OTHER, Cue, indexes
from orchestration.metrics.grammar import rx
from orchestration.metrics.numbers import Quantity
from orchestration.metrics.scope import Event, ScopeReader
from orchestration.metrics.tokens import Tokens, forget_cuts  # noqa: F401 (benchmarks empty the cache)
from orchestration.metrics.vocabulary import Vocabulary
from orchestration.metrics.years import YearReader, baseline_where, older_baseline

# A year, or a deadline, between a target word and what it governs: 力争到2025年底,…
_TARGET_YEAR = rx("target_year")
_YEAR_WORD = rx("year_word")
_HAN = re.compile(r"[\u4e00-\u9fff]")
# Where the noun a number counts ends: 22项事项下放至镇街 counts 事项, not 镇街.
_NOUN_END = rx("noun_end")
# Units a measure of the given usual unit may also be counted in (检查医疗机构400家 counts inspections).
_ALSO_FITS = {"times": {"org", "person_time", "person"}}
# 个 of no particular noun may count organisations (调解组织439个), 件 documents (备案32件); otherwise
# 件 counts cases and 项 items (办理政务服务事项1.7万件 are applications, not catalogue items).
_GENERIC_FITS = {"item": {"org"}, "case": {"document"}}


@dataclass
class Context:
    """What a sentence inherits from the sentences before it in the same report."""

    report_year: int | None  # the report's year, else the first year the text names
    scope: ScopeReader
    # The plan part's spans, each with the year its goals are for (四、2024年工作安排).
    plan: list[tuple[int, int, int | None]] = field(default_factory=list)
    paragraph: int = -1
    subject: str | None = None  # a department the previous sentences were about
    subject_domain: str | None = None  # what they said about it (区应急管理局开展执法行动。共检查企业560家)
    topic: str | None = None  # domain of the last topic heading
    last_count_domain: str | None = None  # for a sentence opening with 其中
    year_known: bool = True  # report_year comes from the metadata, not from the first year named
    paragraph_year: int | None = None  # a year that opened an earlier sentence of the paragraph
    # The last count's measure per domain in the paragraph, and its domain: what a part repeats.
    last_measures: dict[str, str] = field(default_factory=dict)
    paragraph_domain: str | None = None


SOURCES = (
    "clause", "sentence", "paragraph", "heading", "pattern", "series", "previous_year", "plan_section",
    "report_year", "covered_year", "table_row", "table_header", "table_caption",
)


@dataclass(slots=True)  # (not frozen: one is made per number, and a frozen one sets each field by a call)
class Found:
    quantity: Quantity
    domain: str
    measure: str
    kind: str
    value: float
    unit: str
    year: int | None
    scope: str | None
    quote: tuple[int, int]
    rule: str
    domain_source: str | None = None  # one of SOURCES
    year_source: str | None = None  # one of SOURCES; None when the year is unknown


@dataclass(slots=True)
class _Work:
    """One quantity while its sentence is being read."""

    q: Quantity
    clause: int
    item: int
    zone: tuple[int, int]  # its own text: list item start (or the previous number) up to the number
    spans: dict[str, tuple[int, int]]  # zone, item, clause and sentence, each up to its clause's end (patterns)
    domain: str | None = None
    measure: str | None = None
    unit: str | None = None
    generic: bool = False  # a unit the measure may still name (件 of no particular noun)
    cue: Cue | None = None  # the measure cue quoted
    cue_after: Cue | None = None  # a cue after the number (对7个文件进行合法性审查)
    domain_cue: Cue | None = None
    rule: str = ""
    kind: str = "value"
    sign: int = 1
    baseline: bool = False  # 较2022年的420件: the earlier value a change is measured from
    older: bool = False  # a change against a period other than the previous year (比2020年提高)
    year: int | None = None
    item_start: int = 0  # where its list item starts
    scope: str | None = None  # set by a pattern (以县政府为被申请人的…)
    scoped: bool = False
    domain_source: str | None = None
    year_source: str | None = None


def _han_end(text: str, start: int, stop: int) -> int:
    """`stop` moved back over trailing marks and digits to the last Chinese character after `start`."""
    while stop > start and not _HAN.match(text[stop - 1]):
        stop -= 1
    return stop


def _fits(unit: str, generic: bool, measure_unit: str, kind: str) -> bool:
    if kind == "change" and unit in ("percent", "percentage_point"):
        return unit == "percent" or measure_unit == "percent"
    if unit == measure_unit or unit in _ALSO_FITS.get(measure_unit, ()):
        return True
    return generic and measure_unit in _GENERIC_FITS.get(unit, ())


class _once:  # noqa: N801 (used as a decorator, as functools.cached_property)
    """functools.cached_property without its lock (Python 3.11 takes one at every first read, and a
    sentence reads five such values)."""

    def __init__(self, read):
        self.read, self.name = read, read.__name__

    def __get__(self, sentence, owner=None):
        if sentence is None:
            return self
        value = sentence.__dict__[self.name] = self.read(sentence)  # later reads find it there
        return value


class _Sentence:
    def __init__(self, text: str, span: tuple[int, int], quantities, vocab: Vocabulary, ctx: Context):
        self.text, (self.s, self.e) = text, span
        self.quantities = quantities
        self.vocab, self.ix, self.ctx = vocab, indexes(vocab), ctx
        # Numbers in the plan part are goals, for the year the plan is about.
        self.plan = next(((year,) for a, b, year in ctx.plan if a <= self.s < b), None)
        self.years = YearReader(text, self.s, self.e, self.in_title)
        self._domains: list[Cue] | None = None

    # (Read on first use: most sentences hold no number, and for them little asks.)
    @_once
    def marks(self) -> list[tuple[int, int, str]]:
        return cl.brackets(self.text, self.s, self.e)

    @_once
    def titles(self) -> list[tuple[int, int]]:
        return [(a, b) for a, b, k in self.marks if k == "《"]

    @_once
    def quoted(self) -> list[tuple[int, int]]:
        return [(a, b) for a, b, k in self.marks if k != "("]

    @_once
    def parens(self) -> list[tuple[int, int]]:
        return [(a, b) for a, b, k in self.marks if k == "("]

    @_once
    def clause_spans(self) -> list[tuple[int, int]]:
        return cl.clauses(self.text, self.s, self.e, self.marks)

    def in_title(self, pos: int) -> bool:
        return bool(self.titles) and any(a <= pos < b for a, b in self.titles)

    def in_quote(self, pos: int) -> bool:
        return bool(self.quoted) and any(a <= pos < b for a, b in self.quoted)

    # -- tokens -----------------------------------------------------------------------------------

    def tokenise(self, spans: list[tuple[int, int]]) -> None:
        """Token boundaries of the given clauses (jieba cuts them as cues are asked about them)."""
        self.bounds = Tokens(self.text, spans, self.ix.vocab_words)

    def last_token(self, start: int, end: int) -> str:
        return self.bounds.last(start, end)

    def cues(self, role: str, start: int, end: int) -> list[Cue]:
        return self.ix.role(role).find(self.text, start, end, self.bounds, self.in_title)

    def measure_cues(self, domain: str) -> list[Cue]:
        if domain not in self._measure_cues:
            index = self.ix.measures.get(domain)
            found = index.find(self.text, self.s, self.e, self.bounds, self.in_title) if index else []
            self._measure_cues[domain] = found
        return self._measure_cues[domain]

    # -- reading ----------------------------------------------------------------------------------

    def read(self) -> list[Found]:
        text, ctx = self.text, self.ctx
        quantities = [q for q in self.quantities if not self.in_quote(q.num_start)]
        topic = cl.TOPIC.match(text, self.s) is not None and self.e - self.s <= 40
        if topic:
            domains = {c.label for c in self._domain_words()}
            ctx.topic = domains.pop() if len(domains) == 1 else None
            ctx.subject, ctx.paragraph_domain = None, None
        self._works: list[_Work] = []
        self.domain_hits: list[Cue] | None = None
        self.first_number = min((q.start for q in quantities), default=self.e)
        zeros = [m.start() for m in self.ix.zero_pattern.finditer(text, self.s, self.e)] if self.ix.zero_pattern else []
        if quantities or zeros:
            # Domain cues need no token alignment: they are specific, and often sit inside a longer
            # vocabulary token (行政诉讼 in 行政诉讼案件).
            self.domain_hits = self._domain_words()
            inherited = (
                ctx.topic or (ctx.subject and ctx.subject_domain) or (self._opens_with("subset") and ctx.last_count_domain)
                or (ctx.paragraph_domain if self._names_a_measure(ctx.paragraph_domain) else None)
            )
            assigning = not (self.domain_hits or inherited) and any(
                pt.may_hold(p, text, self.s, (q.start, q.end)) for p in pt.domain_patterns() for q in quantities
            )
            if self.domain_hits or inherited or assigning:  # jieba, the slow step, only where a fact may be
                marks = [q.start for q in quantities] + zeros
                self.tokenise([(a, b) for a, b in self.clause_spans if any(a <= p < b for p in marks)])
                self._measure_cues: dict[str, list[Cue]] = {}
                self._works = self._place(sorted(quantities + self._zeros(), key=lambda q: q.start))
        events = self._subject_events()
        opening = self.years.opening(self.s)
        if not self._works:
            if opening:
                ctx.paragraph_year = opening
            return []
        pairs = self._pairs(self._works)
        done: list[_Work] = []
        for w in self._works:
            if not (pairs.get(id(w)) and pairs[id(w)][2] is w and w.domain):
                self._domain(w)
            if w.domain is None:  # 共检查企业560家次: a pattern may know the domain without a domain word
                self._pattern(w, done)
            if w.domain is None:
                continue
            self._kind(w)
            self._measure(w, done, pairs.get(id(w)))
            if w.measure is None:
                continue
            self._year(w, pairs.get(id(w)))
            amend = self._pattern(w, done, tier="amend")  # now the year is known (goal-for-later-year)
            if amend:
                w.kind = amend.pattern.assigns["kind"]
            done.append(w)
        if opening:  # 2022年,全区…: later sentences of the paragraph are about that year too
            ctx.paragraph_year = opening
        counts = [w for w in done if w.unit not in ("percent", "percentage_point")]
        for w in counts:
            if self._total(w):
                ctx.last_measures[w.domain] = w.measure
        if counts:
            ctx.paragraph_domain = counts[-1].domain
        elif done and not ctx.paragraph_domain:  # 纠错率10.77%。以调解、和解等方式结案N件: a rate names the topic too
            ctx.paragraph_domain = done[-1].domain
        if counts:
            ctx.last_count_domain = counts[-1].domain
        return [self._found(w, events) for w in done]

    def _domain_words(self) -> list[Cue]:
        """The sentence's domain words, found once (a topic sentence, its numbers and its subject ask)."""
        if self._domains is None:
            self._domains = self.ix.domains.find(self.text, self.s, self.e, None, self.in_title)
        return self._domains

    def _names_a_measure(self, domain: str | None) -> bool:
        """A sentence without a domain word reads on in the paragraph's domain only where it names one
        of that domain's measures (纠错86件 after a sentence on 行政复议); else jieba is spared."""
        index = self.ix.measures.get(domain) if domain else None
        return bool(index and index.starts and index.starts.search(self.text, self.s, self.e))

    def _zeros(self) -> list[Quantity]:
        """未有败诉案件, 零败诉, 无一例纠错: a negation before a count cue states zero."""
        found = []
        for neg in self.cues("zero", self.s, self.e):
            passive = self.ix.role("passive").at(self.text, neg.end, self.e)  # 无一例被纠错
            at = passive.end if passive else neg.end
            cue = self.ix.zero_cues.at(self.text, at, self.e, self.bounds) if at < self.e else None
            if cue and not self.ix.role("rate_suffix").at(self.text, cue.end, self.e):
                found.append(Quantity(start=neg.start, end=cue.end, num_start=neg.start, num_end=neg.end, value=0.0,
                                      unit="", word="", generic=False, approx=False))
        return found

    def _place(self, quantities: list[Quantity]) -> list[_Work]:
        works = []
        for ci, (a, b) in enumerate(self.clause_spans):
            inside = [q for q in quantities if a <= q.start < b]
            if not inside:
                continue
            spans = cl.items(self.text, (a, b), self.marks, lambda s, e, qs=inside: any(s <= q.start < e for q in qs))
            for ii, (s, e) in enumerate(spans):
                prev_end = s
                for q in (q for q in inside if s <= q.start < e):
                    spans = {"zone": (prev_end, b), "item": (s, b), "clause": (a, b), "sentence": (self.s, self.e)}
                    works.append(_Work(q, ci, ii, (prev_end, q.start), spans, item_start=s))
                    prev_end = q.end
        return works

    # -- domain -----------------------------------------------------------------------------------

    def _domain(self, w: _Work) -> None:
        """The first domain row (patterns.yaml) that holds and whose source has a domain gives it."""
        a, b = self.clause_spans[w.clause]
        number = None
        for row in pt.candidates("domain", None, w.q.unit, not w.q.word):
            if not row.plain:  # a row with conditions: read the number once, for those only
                if number is None:
                    number = pt.Number(w.q.start, w.q.end if w.q.word else w.q.num_end, None, w.q.unit,
                                       value=w.q.value, approx=w.q.approx, negation=not w.q.word)
                if row.matches(self.text, w.spans, number, self.parens) is None:
                    continue
            found = self._domain_of(w, row.assigns["domain"], a, b)
            if found:
                w.domain, w.domain_source = found
                return
        w.domain, w.domain_source = None, None

    def _domain_of(self, w: _Work, source: str, a: int, b: int) -> tuple[str, str] | None:
        """A domain source of the domain rows (patterns.py lists them), with where it came from."""
        ctx = self.ctx
        if source == "@before":
            before = [h for h in self.domain_hits if a <= h.start < b and h.end <= w.q.end]
            if before:
                w.domain_cue = before[-1]
                return before[-1].label, "clause"
        elif source == "@after":
            after = [h for h in self.domain_hits if a <= h.start < b and h.start >= w.q.end]
            return (after[0].label, "clause") if after else None
        elif source == "@earlier":
            earlier = [h for h in self.domain_hits if h.end <= a]
            return (earlier[-1].label, "sentence") if earlier else None
        elif source == "@later":  # clauses without a number first (the sentence's topic), then any
            numbered = {x for x in range(len(self.clause_spans)) if self._has_quantity_in(x)}
            later = [h for h in self.domain_hits if h.start >= b]
            later = [h for h in later if self._clause_of(h.start) not in numbered] or later
            return (later[0].label, "sentence") if later else None
        elif source == "@last-count":
            return (ctx.last_count_domain, "paragraph") if ctx.last_count_domain else None
        elif source == "@subject":
            return (ctx.subject_domain, "paragraph") if self.carried_subject and ctx.subject_domain else None
        elif source == "@paragraph":
            return (ctx.paragraph_domain, "paragraph") if ctx.paragraph_domain else None
        elif source == "@heading":
            return (ctx.topic, "heading") if ctx.topic else None
        return None

    def _has_quantity_in(self, clause: int) -> bool:
        a, b = self.clause_spans[clause]
        return any(a <= w.q.start < b for w in self._works)

    def _clause_of(self, pos: int) -> int:
        return next(i for i, (a, b) in enumerate(self.clause_spans) if pos < b or i == len(self.clause_spans) - 1)

    def _opens_with(self, role: str, start: int | None = None) -> Cue | None:
        return self.ix.role(role).at(self.text, self.s if start is None else start, self.e)

    # -- measure ----------------------------------------------------------------------------------

    def _measure(self, w: _Work, done: list[_Work], pair: tuple | None) -> None:
        units = self.vocab.measure_units
        cues = self.measure_cues(w.domain)
        za, zb = w.zone
        own = [c for c in cues if za <= c.start and c.end <= (zb if w.q.word else w.q.end)]
        # 结案(包括上年受理后结转)68件: words in brackets explain; the cue outside them is the measure.
        outside = [c for c in own if not any(a < c.start < b for a, b in self.parens)]
        own = outside or own
        self._refine_unit(w, own, done)

        def fits(measure: str) -> bool:
            return measure == OTHER or _fits(w.unit, w.generic, units[(w.domain, measure)], w.kind)

        if pair and pair[3] is not None and pair[2] is not w:  # a change listed after 分别 reads as the first
            w.kind, w.sign, w.older = pair[2].kind, pair[2].sign, pair[2].older
        # The tiers of measure rows in turn: early, cue (every cue row reads own words: only a number
        # with some is asked), late (the numbers and clauses before; no-cue closes it).
        hit, taken = self._pattern(w, done, bare=not own, pair=pair), None
        if hit is None and own:
            taken, found = self._own(w, own, fits)
            hit = self._pattern(w, done, tier="cue", own=found)
        if hit is None:
            hit = self._pattern(w, done, tier="late")
        if hit is None:  # no row reads the number (a negation only the early rows read): no fact
            w.measure, w.rule = None, ""
            return None
        return self._apply(w, hit, done, fits, pair, taken)

    def _own(self, w: _Work, own: list[Cue], fits) -> tuple[Cue | None, pt.Own]:
        """What the cue rows read of the measure words in the number's own zone: the one it takes, the
        first that fits of an object word no measure has (二审 in 审结二审行政案件339件: its measure,
        other, fits any unit), the verbs, then the object words, each the last first (审结 before
        行政案件: a verb says what is done, the object only what is counted); and whether that one is
        a shared verb counting a foreign object (never asked of an object word no measure has)."""
        objects = self.ix.object_cues.get(w.domain, set())
        verbs = [c for c in own if self.text[c.start:c.end] not in objects]
        nouns = [c for c in own if c not in verbs]
        narrow = [c for c in nouns if c.label == OTHER]
        taken = next((c for c in [*reversed(narrow), *reversed(verbs), *reversed(nouns)] if fits(c.label)), None)
        foreign = taken is not None and not narrow and self._foreign_object(w, taken, own)
        return taken, pt.Own(fits=taken is not None, foreign=foreign)

    def _apply(self, w: _Work, hit: pt.Match, done: list[_Work], fits, pair: tuple | None = None,
               taken: Cue | None = None) -> None:
        """What a pattern assigns, on the number (`taken`: the own word a cue row read)."""
        a = hit.pattern.assigns
        w.rule = hit.pattern.id
        if a["measure"] == pt.DROP:  # the number states no measure at all: no fact
            w.measure = None
            return
        if a.get("unit"):
            w.unit, w.generic = a["unit"], False
        measure = a["measure"]
        if measure == "previous":
            named = self.vocab.measure_cues.get(w.domain, {}).get(hit.cue() or "")
            # the total the share after the part names (占收到申请总数的1%), else the last total
            # of the sentence or a sibling part's, else the paragraph's
            totals = [d.measure for d in done if d.domain == w.domain and (
                self._total(d) or d.scoped and d.measure not in (None, OTHER))]
            measure = named or (totals[-1] if totals else self.ctx.last_measures.get(w.domain, OTHER))
        elif measure == "@count":  # a change listed after 分别, of the k-th count before
            count = pair[3]
            if count.domain and count.measure:  # 行政复议…120件、行政诉讼…80件,同比分别增长20%和15%: each its count's domain
                w.domain, w.domain_source = count.domain, count.domain_source
            measure = count.measure or OTHER
        elif measure == "@paired":  # the list's measures, else its first number's: 败诉率分别为12.5%、10.2%
            measure = pair[0] or pair[2].measure
        elif measure == "@preceding":
            measure = done[-1].measure
        elif measure == "@pending":
            measure = self._pending(w, done)
        elif measure == "@own":  # the own measure word it took, quoted
            measure, w.cue = taken.label, taken
        elif measure == "@cue" and not w.q.word:  # a negation: the word it negates, inside the quote
            measure = self.vocab.measure_cues[w.domain][hit.cue()]
            w.cue = Cue(hit.end - len(hit.cue()), hit.end, measure)
        elif measure == "@cue":
            measure = self.vocab.measure_cues[w.domain][hit.cue()]
            w.cue_after = Cue(w.q.end, hit.end, measure)  # quoted with the verb after the number
        w.kind = a.get("kind", w.kind)
        scope = hit.scope()
        if scope:
            w.scope, w.scoped = scope, True
        w.measure = measure if fits(measure) else OTHER if w.q.word else None

    @staticmethod
    def _total(w: _Work) -> bool:
        """A count of the issuer's own total: what a breakdown into parts repeats the measure of."""
        return w.measure not in (None, OTHER) and w.kind == "value" and not w.scoped and w.unit not in ("percent", "percentage_point")

    def _pattern(self, w: _Work, done: list[_Work], bare: bool = True, tier: str = "early",
                 pair: tuple | None = None, own: pt.Own | None = None) -> pt.Match | None:
        """The grammar file's verdict on a number, if a row of the tier (kind, early, cue, late, amend:
        see the module docstring) holds for it (`own`: what the cue rows read, _own); an early row may
        change its domain. Reads only what the tier's conditions need."""
        ctx = self.ctx
        later = bool(w.year and ctx.year_known and ctx.report_year and w.year > ctx.report_year)
        key = (tier, w.domain, w.q.unit, not w.q.word, w.kind, later)
        matcher, reads_leads = pt.plan(*key)
        if matcher is None:
            return None
        leads = {}
        if reads_leads:
            for within, first in (("clause", next(d for d in self._works if d.clause == w.clause)), ("sentence", self._works[0])):
                if first is not w:
                    leads[within] = pt.Lead(first.rule, first.measure, first.domain)
        extra = {}
        if tier == "late":  # what the numbers and clauses before say of a number without a measure word
            prev = done[-1] if done and done[-1].domain == w.domain else None
            extra = dict(
                compares=w.kind == "change" or w.baseline, baseline=w.baseline, pending=self._pending(w, done),
                preceding=prev and pt.Preceding(
                    prev.measure, prev.clause == w.clause and prev.item == w.item, prev.q.word == w.q.word,
                    lambda: self._parallel(prev, w)),
                own_noun=(w.kind == "change" or w.baseline) and (lambda: self._names_another(w)),
            )
        if tier == "kind":  # what makes a number a goal
            stated = self.years.stated(self.clause_spans, w.clause, w.q.start) if self.plan else None
            extra = dict(
                governed=any(self._governs(t, w) for t in self.cues("target", w.spans["clause"][0], w.zone[1])),
                plan=bool(self.plan), stated_past=bool(stated and ctx.report_year and stated <= ctx.report_year),
            )
        number = pt.Number(  # a negation ends at its word: what it negates follows (未有|败诉案件)
            w.q.start, w.q.end if w.q.word else w.q.num_end, w.domain, w.q.unit, value=w.q.value, kind=w.kind,
            approx=w.q.approx, bare=bare, older=w.older, negation=not w.q.word, paired=self._paired(w, pair),
            later=later, own=own,
            domain_source=w.domain_source, previous_rule=done[-1].rule if done else None, leads=leads, **extra,
        )
        hit = matcher(self.text, w.spans, number, self.parens)
        if hit is None or tier in ("amend", "kind"):
            return hit
        if hit.pattern.assigns["measure"] == "@cue" and hit.cue() not in self.vocab.measure_cues.get(w.domain, {}):
            return None  # the word after names no measure of this domain
        domain = hit.pattern.assigns.get("domain")
        source = "pattern"
        if domain == "paragraph":
            counts = [d.domain for d in done if d.unit not in ("percent", "percentage_point")]
            domain, source = (counts[-1], "sentence") if counts else (self.ctx.paragraph_domain, "paragraph")
        if domain and domain != w.domain:
            w.domain, w.domain_source = domain, source
            self._refine_unit(w, [], [])
        return hit

    @staticmethod
    def _paired(w: _Work, pair: tuple | None) -> str | None:
        """What the list paired by 分别 gives the number: its count (for a change), or a measure."""
        if not pair:
            return None
        if pair[3] is not None:
            return "count"
        return "measure" if pair[0] or (pair[2] is not w and pair[2].measure) else None

    def _refine_unit(self, w: _Work, own: list[Cue], done: list[_Work]) -> None:
        """件/个/项 count whatever noun they go with: 规范性文件72件 are documents, 调解组织439个 organisations."""
        w.unit, w.generic = w.q.unit, w.q.generic
        if not w.q.generic:
            return
        nouns = self.ix.roles.get("counted_noun")
        if nouns is None:
            return
        text = self.text
        if w.q.end < self.e and _HAN.match(text[w.q.end]):  # 7个政府规范性文件: the noun follows
            stop = _NOUN_END.search(text, w.q.end, min(w.q.end + 8, self.e))
            stop = stop.start() if stop else min(w.q.end + 8, self.e)
            verbs = self.cues("light_verb", w.q.end, stop)
            stop = verbs[0].start if verbs else stop
            for i in range(w.q.end, stop):
                cue = nouns.at(text, i, stop, None)
                if cue:
                    w.unit, w.generic = cue.label, False
                    return
        za, zb = w.zone
        stop = zb
        fillers = self.ix.roles.get("filler")
        while True:  # strip trailing marks, fillers and cue words: 行政规范性文件审查44件
            stop = _han_end(text, za, stop)
            filler = fillers.ending(text, za, stop) if fillers else None
            tail = [c for c in own if c.end == stop] + ([filler] if filler else [])
            if not tail:
                break
            stop = min(c.start for c in tail)
        noun = nouns.longest_ending(text, za, stop)
        if noun:
            w.unit, w.generic = nouns.words[noun], False
            return
        if self._elliptical(w, own):
            prev = next((d for d in reversed(done) if d.q.word == w.q.word), None)
            if prev:
                w.unit, w.generic = prev.unit, prev.generic

    def _elliptical(self, w: _Work, own: list[Cue]) -> bool:
        """No object of its own (备案32件, 已结案69件): it counts the previous number's object."""
        za, zb = w.zone
        covered = set()
        for c in own + [h for h in self.domain_hits if za <= h.start < zb] + self.cues("filler", za, zb):
            covered.update(range(c.start, c.end))
        rest = [ch for i, ch in enumerate(self.text[za:zb], za) if i not in covered and _HAN.match(ch)]
        return len(rest) <= 1

    def _names_another(self, w: _Work) -> bool:
        """A change whose own words, beyond comparison, baseline and change words, name a noun of their
        own (批次, 人次 of petitions after a mediation rate) is not the change of the number before."""
        za, zb = w.zone
        covered = set()
        roles = ("filler", "change", "prior_year", "comparison", "degree", "particle", "issuer")
        cues = [c for r in roles for c in self.cues(r, za, zb)] + [h for h in self.domain_hits if za <= h.start < zb]
        for c in cues + [c for c in self.measure_cues(w.domain) if za <= c.start < zb]:
            covered.update(range(c.start, c.end))
        for m in _YEAR_WORD.finditer(self.text, za, zb):  # 较2022年的
            covered.update(range(m.start(), m.end()))
        for s, e, _ in self.marks:
            covered.update(range(s, e))
        rest = [i for i in range(za, zb) if i not in covered and _HAN.match(self.text[i])]
        return len(rest) >= 2

    def _foreign_object(self, w: _Work, cue: Cue, own: list[Cue]) -> bool:
        """受理群众来电1200件 in a clause that only inherits its domain: a verb shared by several domains
        with an object of its own that names no domain counts something else."""
        a, b = self.clause_spans[w.clause]
        if self.text[cue.start:cue.end] not in self.ix.shared_cues or any(a <= h.start < b for h in self.domain_hits):
            return False
        covered = set()
        # Fillers, the generic objects (案件), change and baseline words and brackets name no object.
        roles = ("filler", "generic_object", "change", "prior_year")
        for c in own + [c for r in roles for c in self.cues(r, cue.end, w.q.start)]:
            covered.update(range(c.start, c.end))
        for s, e, _ in self.marks:
            covered.update(range(s, e))
        rest = [i for i in range(cue.end, w.q.start) if i not in covered and _HAN.match(self.text[i])]
        return len(rest) >= 2

    def _pending(self, w: _Work, done: list[_Work]) -> str | None:
        """开展专项清理…, 梳理出规范性文件84件: a measure named in a clause without a number, for the next
        number of the same domain whose clause names the domain itself."""
        if w.domain_cue is None:
            return None
        a = self.clause_spans[w.clause][0]
        last = max((self.clause_spans[d.clause][1] for d in done), default=self.s)
        if any(d.clause == w.clause for d in done):
            return None
        cues = [c for c in self.measure_cues(w.domain) if last <= c.start and c.end <= a and c.label != OTHER]
        return cues[-1].label if cues else None

    def _parallel(self, prev: _Work, w: _Work) -> bool:
        """部门规范性文件4件 after 政府规范性文件1件: the same head noun continues the list."""
        za, zb = w.zone
        stop = _han_end(self.text, za, zb)
        head = self.last_token(za, stop)
        if len(head) < 2 or not _HAN.match(head[0]) or head in self.vocab.words("generic_object"):
            return False  # 案件 is every count's noun: 食品安全案件 after 环境案件 continues no list
        pa, pb = prev.zone
        return self.text.endswith(head, pa, _han_end(self.text, pa, pb))

    def _pairs(self, works: list[_Work]) -> dict[int, tuple]:
        """受理、审结…分别为30件、28件 / 2019年至2021年…分别为…: lists paired by position."""
        pairs: dict[int, tuple] = {}
        for ci, (a, b) in enumerate(self.clause_spans):
            marker = self.ix.role("respectively").find(self.text, a, b)
            if not marker:
                # 案件11316宗,案值2.22亿元,同比增长8.47%和276.25%: rates joined by 和/、 after one change
                # word are paired with the counts before them as if 分别 stood there
                rates = [w for w in works if w.clause == ci and w.q.unit in ("percent", "percentage_point")]
                joined = len(rates) >= 2 and all(
                    rx("list_joint").fullmatch(self.text, x.q.end, y.q.start) for x, y in zip(rates[:-1], rates[1:], strict=True))
                if joined:
                    pairs.update(self._changes_of_counts(works, ci, rates, []))
                continue
            p = marker[0].start
            listed = [w for w in works if w.clause == ci and w.q.start > p]
            if len(listed) < 2:
                continue
            years = self.years.listed(p, self.ctx.report_year)
            domains = [h for h in self.domain_hits if a <= h.start and h.end <= p]
            if len(domains) == len(listed) and len({h.label for h in domains}) == len(domains):
                # 行政复议和行政诉讼案件分别为45件和23件: each number its own domain and that domain's cue
                for k, (w, hit) in enumerate(zip(listed, domains, strict=True)):
                    w.domain, w.domain_source = hit.label, "clause"
                    cues = [c.label for c in self.measure_cues(hit.label) if a <= c.start and c.end <= p]
                    pairs[id(w)] = (cues[0] if len(cues) == 1 else OTHER, years[k] if len(years) == len(listed) else None, w, None)
                continue
            measures = []
            self._domain(listed[0])
            if listed[0].domain:
                cues = [c for c in self.measure_cues(listed[0].domain) if a <= c.start and c.end <= p]
                objects = self.ix.object_cues.get(listed[0].domain, set())
                verbs = [c for c in cues if self.text[c.start:c.end] not in objects]
                measures = [c.label for c in (cues if len(cues) == len(listed) else verbs)]
            counts = self._counts_before(works, ci, listed, measures)
            for k, w in enumerate(listed):
                pairs[id(w)] = (
                    measures[k] if len(measures) == len(listed) else None,
                    years[k] if len(years) == len(listed) else None,
                    listed[0],
                    counts[k] if counts else None,
                )
        return pairs

    def _counts_before(self, works: list[_Work], ci: int, listed: list[_Work], measures: list[str]) -> list[_Work]:
        """受理…69件,结案61件,同比分别上升76.9%和60.5%: changes of the counts before, in order (or none)."""
        rates = ("percent", "percentage_point")
        before = [x for x in works if x.clause < ci and not any(s < x.q.start < e for s, e in self.parens)]
        counts = before[-len(listed):]
        follows = (
            not measures and all(x.q.unit in rates for x in listed) and len(counts) == len(listed)
            and all(x.q.unit not in rates and x.q.word for x in counts) and self._kind_word(listed[0]) is not None
        )
        return counts if follows else []

    def _changes_of_counts(self, works: list[_Work], ci: int, listed: list[_Work], measures: list[str]) -> dict[int, tuple]:
        counts = self._counts_before(works, ci, listed, measures)
        return {id(w): (None, None, listed[0], counts[k]) for k, w in enumerate(listed)} if counts else {}

    # -- kind and year ----------------------------------------------------------------------------

    def _strip_particles(self, start: int, stop: int) -> int:
        """`stop` moved back over spaces and particles (增长了21.3%)."""
        particles = self.ix.role("particle")
        while stop > start:
            if self.text[stop - 1] in " \t":
                stop -= 1
                continue
            hit = particles.ending(self.text, start, stop)
            if hit is None:
                return stop
            stop = hit.start
        return stop

    def _kind_word(self, w: _Work, stop: int | None = None) -> Cue | None:
        """The change word right before the number (增长21.3%), if any (`stop`: the zone's end already
        moved back over particles)."""
        za, zb = w.zone
        if stop is None:
            stop = self._strip_particles(za, zb)
        return self.ix.role("change").ending(self.text, za, stop, self.bounds, self.in_title)

    def _kind(self, w: _Work) -> None:
        za, zb = w.zone
        stop = zb
        stop = self._strip_particles(za, stop)
        cue = self._kind_word(w, stop)
        if cue is not None:
            w.kind, w.sign = "change", int(self.vocab.words("change")[self.text[cue.start:cue.end]])
            w.older = self._older_baseline(w, cue.start)
            return
        listed = self._listed_change(w)
        if listed is not None:
            w.kind, (w.sign, w.older) = "change", listed
            return
        w.baseline, year, source = baseline_where(self.text[za:stop], self.ctx.report_year)
        if w.baseline:  # 较2022年的 names its year; 较上年 is the report year minus one
            w.year, w.year_source = year, source
            return
        hit = self._pattern(w, [], tier="kind")  # target-word, plan-goal
        if hit:
            w.kind = hit.pattern.assigns["kind"]

    def _listed_change(self, w: _Work) -> tuple[int, bool] | None:
        """A rate a change word reaches through a list is a change too: joined to a change by 和 or 、
        (同比增长8.47%和276.25%), or listed by 分别为 right after a change word (增长较快,分别为507.7%、
        245.8%; 增幅分别为15%). Gives the sign and whether the baseline is an older period."""
        if w.q.unit not in ("percent", "percentage_point"):
            return None
        k = next(i for i, x in enumerate(self._works) if x is w)
        prev = self._works[k - 1] if k else None
        if (prev and prev.kind == "change" and prev.clause == w.clause and prev.q.unit == w.q.unit
                and rx("list_joint").fullmatch(self.text, prev.q.end, w.q.start)):
            return prev.sign, prev.older
        lead = rx("respectively_after_change").search(self.text, self.s, w.zone[1])
        if lead is None or lead.start() < self.s:
            return None
        stop = self._strip_particles(self.s, lead.start())
        cue = self.ix.role("change").ending(self.text, self.s, stop)
        if cue is None:
            return None
        return int(self.vocab.words("change")[self.text[cue.start:cue.end]]), self._older_baseline(w, cue.start)

    def _governs(self, t: Cue, w: _Work) -> bool:
        """A target word sets the number only when it takes it. A bound or a noun (控制在15%, 不低于95%,
        目标为100%) stands right before the number; a verb (力争调解…100件, 确保出庭应诉率达到100%) rules
        the rest of its clause. 按照考核目标要求全区调解5600件 only names a goal set elsewhere."""
        if t.label == "verb":
            return True
        pos, end = t.end, w.q.start
        skip = ("filler", "issuer", "target", "target_link")
        while pos < end:
            year = _TARGET_YEAR.match(self.text, pos, end)
            if year and year.end() > pos:
                pos = year.end()
                continue
            cue = next((c for r in skip if (c := self.ix.role(r).at(self.text, pos, end))), None)
            if cue is None:
                return False
            pos = cue.end
        return True

    def _older_baseline(self, w: _Work, at: int) -> bool:
        """Consumers read every change as year-on-year; one against 2020 or "十三五"末 is not."""
        k = next(i for i, x in enumerate(self._works) if x is w)
        prev = self._works[k - 1] if k else None
        if prev and prev.baseline and prev.clause == w.clause:  # 较2020年的420件增加130件
            return prev.year is not None and self.ctx.report_year is not None and prev.year != self.ctx.report_year - 1
        start = prev.q.end if prev else self.s
        return older_baseline(self.text[start:at], self.ctx.report_year, self.vocab.words("prior_year"))

    def _year(self, w: _Work, pair: tuple | None) -> None:
        if pair and pair[1]:
            w.year, w.year_source = pair[1], "series"
        elif not w.baseline:
            w.year, w.year_source = self.years.stated_where(self.clause_spans, w.clause, w.q.start)
            if w.year is None:
                if self.plan:
                    w.year, w.year_source = self.plan[0], "plan_section"
                elif self.ctx.paragraph_year:
                    w.year, w.year_source = self.ctx.paragraph_year, "paragraph"
                else:
                    w.year = self.ctx.report_year
                    w.year_source = "report_year" if self.ctx.year_known else "covered_year"
            if w.year is None:
                w.year_source = None

    # -- scope ------------------------------------------------------------------------------------

    def _subject_events(self) -> list[Event]:
        """Where the sentence names what its numbers are about; carries a subject to the next sentences
        that name none (区卫生健康局开展…。今年以来,共检查…); a location never leaves its sentence."""
        if self._works or self.ctx.scope.mentions(self.text, self.s, self.e):
            subjects, places = self.ctx.scope.events(
                self.text, self.clause_spans, self.first_number, bool(self._works), self.in_title
            )
        else:  # (most sentences name no body: their clauses are not even cut)
            subjects, places = [], []
        events = sorted(subjects + places, key=lambda ev: ev[0])
        ctx = self.ctx
        self.carried_subject = None if any(p < self.first_number for p, _ in events) else ctx.subject
        if subjects and subjects[0][0] < self.first_number:
            ctx.subject = subjects[0][1]
        if ctx.subject and (self.carried_subject or subjects):
            hits = self.domain_hits
            if hits is None:
                hits = self._domain_words()
            if hits:
                ctx.subject_domain = hits[-1].label
        elif not ctx.subject:
            ctx.subject_domain = None
        return events

    def _found(self, w: _Work, events: list[Event]) -> Found:
        scope = self.carried_subject
        for pos, name in events:
            if pos <= w.q.start:
                scope = name
        if w.scoped:
            scope = w.scope
        unit = w.unit
        if w.measure != OTHER and w.generic:
            measure_unit = self.vocab.measure_units[(w.domain, w.measure)]
            unit = measure_unit if measure_unit in _GENERIC_FITS.get(unit, ()) else unit
        value = w.q.value * (w.sign if w.kind == "change" else 1)
        return Found(
            quantity=w.q, domain=w.domain, measure=w.measure, kind=w.kind, value=value, unit=unit,
            year=w.year, scope=scope, quote=self._quote(w), rule=w.rule,
            domain_source=w.domain_source, year_source=w.year_source,
        )

    def _quote(self, w: _Work) -> tuple[int, int]:
        """The shortest span holding the cue words and the number with its unit."""
        za, zb = w.zone
        if w.cue_after:
            return w.q.start, w.cue_after.end
        starts = [c.start for c in (w.cue, w.domain_cue) if c and za <= c.start]
        if starts:
            start = min(starts)
        else:
            start = za
            while start < w.q.start and not (_HAN.match(self.text[start]) or self.text[start].isdigit()):
                start += 1
        return min(start, w.q.start), max(w.q.end, w.cue.end if w.cue else w.q.end)


def classify_sentence(
    text: str,
    span: tuple[int, int],
    quantities: list[Quantity],
    vocab: Vocabulary,
    ctx: Context,
) -> list[Found]:
    """Facts of one sentence of the normalised text, given its quantities; `ctx` carries state on."""
    return _Sentence(text, span, quantities, vocab, ctx).read()
