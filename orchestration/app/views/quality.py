"""Quality: files not loaded, reports missing a region or year, values that look out of range."""

from __future__ import annotations

import streamlit as st

from orchestration.app import queries, ui


def render() -> None:
    st.title("Quality")
    st.subheader("Files not loaded")
    ui.table(ui.load(queries.rejected), "rejected_reports", key="quality-rejected",
             caption="each with the stage it stopped at and why")
    st.subheader("Reports with no region, no year or no facts")
    ui.table(ui.load(queries.incomplete_reports), "incomplete_reports", key="quality-incomplete",
             caption="their facts cannot be placed on a map or a timeline")
    st.subheader("Values that look out of range")
    ui.table(ui.load(queries.out_of_range), "out_of_range", key="quality-range",
             caption="rates outside 0-100, negative or fractional counts, years far from the report's, "
                     "values 50x above or below the median of the same measure")
