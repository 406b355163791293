"""A report's clean text as HTML with every fact highlighted in place.

Each fact becomes a `<mark class="fact" data-fact="<fact_id>">` around the text at its offsets,
so the marked text is the fact's quote. Facts inside another fact's quote nest. Where two
quotes cross (one starts inside the other and ends after it), the later one is split into
segments with the same `data-fact`: its segments, read in order, are its quote. Hovering
a mark shows the fact's domain, measure, kind, value, unit, year, scope and rule.
Nothing of Streamlit here: the page passes the HTML to `st.html`.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Background per domain (light, so the text stays readable; nested marks darken).
DOMAIN_COLOURS = {
    "licensing": "#cfe8ff", "reconsideration": "#ffe0b3", "mediation": "#d4f5d0",
    "enforcement": "#ffd1dc", "litigation": "#e6d9ff", "legal_aid": "#fff3b0",
    "normative_documents": "#d9f2f2", "petitions": "#eeeeee",
}

STYLE = """<style>
.fazhi-report { white-space: pre-wrap; line-height: 1.9; font-size: 1rem; }
.fazhi-report mark.fact { border-radius: 3px; padding: 0 1px; position: relative; cursor: help;
  border-bottom: 2px solid rgba(0,0,0,.35); color: inherit; }
.fazhi-report mark.fact.other { border-bottom-style: dotted; }
.fazhi-report mark.fact.plan { border-bottom-style: dashed; }
.fazhi-report mark.fact:hover { outline: 2px solid #d33; }
.fazhi-report mark.fact:hover:not(:has(mark.fact:hover))::after {
  content: attr(data-tip); position: absolute; left: 0; top: 1.7em; z-index: 10; min-width: 18em;
  white-space: pre; background: #222; color: #fff; padding: .4em .6em; border-radius: 4px;
  font-size: .8rem; line-height: 1.5; box-shadow: 0 2px 6px rgba(0,0,0,.3); pointer-events: none; }
.fazhi-legend span { display: inline-block; margin: 0 .6em .3em 0; padding: 0 .4em; border-radius: 3px;
  font-size: .85rem; }
</style>"""


@dataclass(frozen=True)
class Mark:
    fact_id: str
    start: int
    end: int
    css_class: str
    colour: str
    tip: str


def _format_value(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    number = float(value)
    return f"{number:,.0f}" if number == int(number) else f"{number:,.4g}"


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


def tooltip(fact: Mapping) -> str:
    """The hover text: one `label: value` line per field a reader checks."""
    measure = fact.get("measure") or ""
    labels = [x for x in (fact.get("measure_label_zh"), fact.get("measure_label_en")) if not _blank(x)]
    lines = [
        ("domain", fact.get("domain")),
        ("measure", f"{measure} ({' / '.join(labels)})" if labels else measure),
        ("kind", fact.get("kind")),
        ("value", _format_value(fact.get("value")) + ("  (approx.)" if fact.get("approx") is True else "")),
        ("unit", fact.get("unit")),
        ("year", None if _blank(fact.get("year")) else int(fact["year"])),
        ("scope", None if _blank(fact.get("scope")) else fact["scope"]),
        ("rule", fact.get("rule")),
    ]
    if fact.get("in_plan") is True:
        lines.append(("in plan", "yes (a target, not a result)"))
    return "\n".join(f"{k}: {'—' if _blank(v) else v}" for k, v in lines)


def marks(facts: Iterable[Mapping]) -> list[Mark]:
    out = []
    for f in facts:
        classes = ["fact", str(f.get("domain") or "")]
        if f.get("measure") == "other":
            classes.append("other")
        if f.get("in_plan") is True:
            classes.append("plan")
        out.append(Mark(str(f["fact_id"]), int(f["start_offset"]), int(f["end_offset"]), " ".join(classes),
                        DOMAIN_COLOURS.get(str(f.get("domain")), "#eeeeee"), tooltip(f)))
    return out


def _escape(text: str) -> str:
    # A literal CR would be folded into LF by the HTML parser; a character reference is not.
    return html.escape(text, quote=False).replace("\r", "&#13;")


def _open(mark: Mark, segment: int) -> str:
    return (f'<mark class="{html.escape(mark.css_class)}" data-fact="{html.escape(mark.fact_id)}" '
            f'data-segment="{segment}" style="background:{mark.colour}" '
            f'data-tip="{html.escape(mark.tip)}" aria-label="{html.escape(mark.tip)}">')


def highlight(text: str, facts: Iterable[Mapping]) -> str:
    """`text` as HTML with a mark per fact (see the module's docstring). Facts whose offsets are
    outside the text, or empty, are left out (the facts table still lists them)."""
    items = [m for m in marks(facts) if 0 <= m.start < m.end <= len(text)]
    # Outer marks first: by start, then the longer one.
    items.sort(key=lambda m: (m.start, -m.end, m.fact_id))
    boundaries = sorted({0, len(text), *(m.start for m in items), *(m.end for m in items)})
    starting: dict[int, list[Mark]] = {}
    for m in items:
        starting.setdefault(m.start, []).append(m)
    segments: dict[str, int] = {}
    stack: list[Mark] = []
    parts: list[str] = []
    for i, pos in enumerate(boundaries):
        # Close what ends here; a mark ending below others closes them and reopens them after.
        ending = [m for m in stack if m.end == pos]
        if ending:
            lowest = min(stack.index(m) for m in ending)
            reopen = [m for m in stack[lowest:] if m.end != pos]
            parts.append("</mark>" * (len(stack) - lowest))
            del stack[lowest:]
            for m in reopen:
                segments[m.fact_id] += 1
                parts.append(_open(m, segments[m.fact_id]))
                stack.append(m)
        for m in starting.get(pos, []):
            segments[m.fact_id] = 0
            parts.append(_open(m, 0))
            stack.append(m)
        if i + 1 < len(boundaries):
            parts.append(_escape(text[pos:boundaries[i + 1]]))
    parts.append("</mark>" * len(stack))
    return f'{STYLE}<div class="fazhi-report">{"".join(parts)}</div>'


def legend(domains: Iterable[tuple[str, str]]) -> str:
    """Colour key: (domain, label) pairs."""
    spans = "".join(
        f'<span style="background:{DOMAIN_COLOURS.get(d, "#eeeeee")}">{html.escape(label)}</span>'
        for d, label in domains
    )
    return f'{STYLE}<div class="fazhi-legend">{spans}</div>'
