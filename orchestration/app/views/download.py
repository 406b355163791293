"""Export: any warehouse table as CSV, Excel or Parquet."""

from __future__ import annotations

import streamlit as st

from orchestration.app import queries, ui


def render() -> None:
    st.title("Export")
    st.caption("Any table of the warehouse, whole. Every table on the other pages has its own export "
               "buttons under it, for exactly the rows it shows.")
    names = ui.load(queries.tables)
    name = st.selectbox("Table", names, index=ui.query_default("table", names), key="export-table")
    rows = ui.load(queries.table, name)
    ui.table(rows, name, key="export-rows")
