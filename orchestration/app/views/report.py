"""Report: one report's clean text with its facts highlighted, the facts, metadata, coverage."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from orchestration.app import highlight, queries, ui

FACT_COLUMNS = ["quote", "value", "unit", "domain", "measure", "measure_label_zh", "kind", "year", "scope", "rule",
                "approx", "in_plan", "outline_part", "start_offset", "end_offset", "fact_id"]


def render() -> None:
    st.title("Report")
    reports = ui.load(queries.reports)
    if reports.empty:
        st.info("The warehouse holds no report.")
        return
    ids = reports["report_id"].tolist()
    by_id = reports.set_index("report_id")

    def name(rid: str) -> str:
        r = by_id.loc[rid]
        parts = [r["region_name"], r["issuer"], r["report_year"], r["file_name"]]
        return " · ".join(str(int(p)) if isinstance(p, float) else str(p) for p in parts if pd.notna(p))

    report_id = st.selectbox("Report", ids, index=ui.query_default("report", ids), format_func=name,
                             key="report-id")
    st.query_params["report"] = report_id  # the page can be linked to
    meta = ui.load(queries.report, report_id)
    facts = ui.load(queries.report_facts, report_id)
    st.subheader(meta.get("title") or meta.get("file_name"))
    sentences = "sentence" in facts.columns
    text_col, facts_col = st.columns([3, 2])
    with text_col:
        st.caption(f"{len(facts)} facts highlighted in the clean text. Hover a number to see what was read. "
                   "Dotted underline: measure `other`; dashed: a number in the plan (a target).")
        doms = ui.load(queries.domains)
        st.html(highlight.legend(zip(doms["domain"], doms["domain"] + " " + doms["domain_label_zh"], strict=True)))
        with st.container(height=720, key="report-text"):
            st.html(highlight.highlight(meta.get("text") or "", facts.to_dict("records")))
    with facts_col:
        cols = [c for c in FACT_COLUMNS if c in facts.columns]
        if sentences:  # each fact's whole sentence, once the warehouse has it
            cols.insert(cols.index("quote") + 1, "sentence")
        ui.table(facts[cols], f"facts_{meta.get('file_name')}", key="report-facts", height=640,
                 caption="the whole sentence of each fact" if sentences else "quote: the words the number was read from")
    st.subheader("Metadata and how each field was found")
    ui.table(queries.provenance_table(meta), f"metadata_{meta.get('file_name')}", key="report-meta")
    st.subheader("Coverage")
    cov = ui.load(queries.coverage, report_id)
    missing = cov[cov["core"] & ~cov["has_facts"]]["domain"].tolist()
    other = int(cov["other"].sum())
    total = int(cov["facts"].sum())
    st.markdown(
        f"**{total}** facts; **{other}** ended as measure `other` (counted, but not comparable). "
        + (f"Core domains with no fact: **{', '.join(missing)}**." if missing else "Every core domain has facts.")
    )
    ui.table(cov, f"coverage_{meta.get('file_name')}", key="report-coverage")
