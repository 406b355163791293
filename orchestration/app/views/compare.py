"""Compare: one measure in one year across regions, sorted."""

from __future__ import annotations

import altair as alt
import streamlit as st

from orchestration.app import queries, ui
from orchestration.app.views.trends import KINDS, pick_measure


def render() -> None:
    st.title("Compare")
    st.caption("One measure in one year across regions: each issuer's own total, largest first, "
               "with the issuer kind and the report the value came from.")
    domain, measure = pick_measure("compare")
    options = ui.load(queries.compare_options, domain, measure)
    if options.empty:
        st.info("No issuer gives a total for this measure.")
        return
    choices = list(zip(options["year"].astype(int), options["unit"], strict=True))
    counts = dict(zip(choices, options["issuers"], strict=True))
    left, right = st.columns(2)
    year, unit = left.selectbox("Year and unit", choices, key="compare-year",
                                format_func=lambda c: f"{c[0]} · {c[1]} · {counts[c]} issuers")
    kinds = right.multiselect("Issuer kinds", list(KINDS), default=["government", "department"],
                              format_func=KINDS.get, key="compare-kinds")
    rows = ui.load(queries.compare, domain, measure, year, unit, tuple(kinds))
    if rows.empty:
        st.info("No values for this choice.")
        return
    labelled = rows.assign(who=rows["region_name"].fillna("?") + " · " + rows["issuer"].fillna("?"))
    bars = alt.Chart(labelled).mark_bar().encode(
        x=alt.X("value:Q", title=f"value ({unit})"),
        y=alt.Y("who:N", sort="-x", title=None, axis=alt.Axis(labelLimit=360)),
        color=alt.Color("issuer_kind:N", title="issuer kind"),
        tooltip=["region_name", "issuer", "issuer_kind", alt.Tooltip("value:Q", format=",.2f"), "value_source",
                 "file_name"],
    ).properties(height=max(120, 32 * len(rows)), usermeta={"embedOptions": {"renderer": "svg"}})
    st.altair_chart(bars, key="compare-chart")
    ui.table(rows, f"compare_{domain}_{measure}_{year}", key="compare-rows")
