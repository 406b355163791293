"""Trends: one measure over the years for chosen issuers, with the year-over-year table."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from orchestration.app import queries, ui

KINDS = {"government": "governments", "department": "departments"}
SOURCES = {
    "report": "the year's own report",
    "stated_in_later_report": "quoted in a later report",
    "derived_from_stated_change": "derived from a change a later report states",
}
WHOLE = "(whole issuer)"


def pick_measure(prefix: str) -> tuple[str, str]:
    """Domain and measure pickers shared with Compare."""
    doms = ui.load(queries.domains)
    domain_ids = doms["domain"].tolist()
    left, right = st.columns(2)
    domain = left.selectbox("Domain", domain_ids, index=ui.query_default("domain", domain_ids),
                            format_func=ui.label(doms, "domain", "domain_label_zh"), key=f"{prefix}-domain")
    ms = ui.load(queries.measures, domain)
    if ms.empty:
        st.info("No values of this domain can be compared across years yet.")
        st.stop()
    measure_ids = ms["measure"].tolist()
    measure = right.selectbox("Measure", measure_ids, index=ui.query_default("measure", measure_ids),
                              format_func=ui.label(ms, "measure", "label_zh", "label_en"), key=f"{prefix}-measure")
    return domain, measure


def chart(points: pd.DataFrame, unit: str) -> alt.LayerChart:
    data = points.assign(source_label=points["source"].map(SOURCES).fillna(points["source"]))
    base = alt.Chart(data).encode(
        x=alt.X("year:Q", title="year", scale=alt.Scale(zero=False, padding=30),
                axis=alt.Axis(format="d", tickMinStep=1, labelAngle=0)),
        y=alt.Y("value:Q", title=f"value ({unit})"),
        color=alt.Color("issuer:N", title="issuer"),
    )
    line = base.mark_line()
    dots = base.mark_point(size=90, filled=True).encode(
        shape=alt.Shape("source_label:N", title="value from",
                        scale=alt.Scale(domain=list(SOURCES.values()), range=["circle", "diamond", "triangle-up"])),
        tooltip=[alt.Tooltip("issuer:N"), alt.Tooltip("year:Q", format="d"), alt.Tooltip("value:Q", format=",.2f"),
                 alt.Tooltip("source_label:N", title="value from"), alt.Tooltip("approx:N")],
    )
    # SVG, so each point is an element (the test counts them; readers can inspect them).
    return (line + dots).properties(height=380, usermeta={"embedOptions": {"renderer": "svg"}})


def render() -> None:
    st.title("Trends")
    st.caption("How one measure moved over the years. A government and its departments are kept apart: "
               "pick governments or departments, then issuers.")
    domain, measure = pick_measure("trends")
    options = ui.load(queries.series_options, domain, measure)
    kinds = [k for k in KINDS if k in set(options["issuer_kind"])]
    kind = st.radio("Issuer kind", kinds, format_func=KINDS.get, horizontal=True, key="trends-kind")
    of_kind = options[options["issuer_kind"] == kind]
    issuers = list(dict.fromkeys(of_kind["issuer"]))  # most years first
    regions = dict(zip(of_kind["issuer"], of_kind["region_name"], strict=False))
    linked = [i for i in st.query_params.get_all("issuer") if i in issuers]  # ?issuer=... links
    chosen = st.multiselect("Issuers", issuers, default=linked or issuers[:3], key="trends-issuers",
                            format_func=lambda i: f"{regions.get(i) or '?'} · {i}")
    if not chosen:
        st.info("Pick at least one issuer.")
        return
    rows = of_kind[of_kind["issuer"].isin(chosen)]
    scopes = list(dict.fromkeys(WHOLE if pd.isna(s) else s for s in rows["scope"]))
    units = list(dict.fromkeys(rows["unit"]))
    left, right = st.columns(2)
    scope = left.selectbox("Scope", scopes, key="trends-scope",
                           help="The issuer's own total, or one department or sub-unit it names.")
    unit = right.selectbox("Unit", units, key="trends-unit")
    scope_value = None if scope == WHOLE else scope
    points = ui.load(queries.trend, domain, measure, tuple(chosen), scope_value, unit)
    if points.empty:
        st.info("No values for this choice.")
        return
    st.altair_chart(chart(points, unit), key="trends-chart")
    st.caption("Marks: ● the year's own report · ◆ an earlier year quoted in a later report · "
               "▲ derived from a change a later report states (no report gives that year's value).")
    st.subheader("Year over year")
    yoy = ui.load(queries.yoy_rows, domain, measure, tuple(chosen), scope_value, unit)
    ui.table(yoy, f"yoy_{domain}_{measure}", key="trends-yoy")
