"""The explorer's entry point, run by Streamlit (`fazhi app`, or `python -m orchestration.app`).

It reads the warehouse read-only; every page opens a short connection and closes it.
"""

from __future__ import annotations

import streamlit as st

from orchestration.app import queries
from orchestration.app.views import compare, download, quality, report, trends

# An emoji favicon is drawn in a data: URL; a Material icon (the pages' own) would be fetched from a font CDN.
st.set_page_config(page_title="fazhi explorer", page_icon="⚖️", layout="wide")

PAGES = [
    st.Page(trends.render, title="Trends", icon=":material/show_chart:", default=True),
    st.Page(compare.render, title="Compare", icon=":material/bar_chart:", url_path="compare"),
    st.Page(report.render, title="Report", icon=":material/article:", url_path="report"),
    st.Page(quality.render, title="Quality", icon=":material/fact_check:", url_path="quality"),
    st.Page(download.render, title="Export", icon=":material/download:", url_path="export"),
]

page = st.navigation(PAGES)
with st.sidebar:
    st.caption(f"Warehouse (read-only): `{queries.database_path()}`")
page.run()
