"""Streamlit helpers the pages share: cached queries, a busy warehouse, tables with exports."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from orchestration.app import export, queries

BUSY_RETRY_SECONDS = 3


@st.cache_data(show_spinner=False, max_entries=256)
def _cached(stamp: tuple, name: str, args: tuple) -> Any:
    func = getattr(queries, name)
    with queries.connect() as con:
        return func(con, *args)


def load(func: Callable, *args) -> Any:
    """Run `queries.<func>` on a short read-only connection; cached until the file changes.
    A missing or busy warehouse stops the page with a message (and, when busy, a retry)."""
    try:
        return _cached(queries.stamp(), func.__name__, args)
    except queries.WarehouseMissing as err:
        st.error(str(err))
        st.stop()
    except queries.WarehouseBusy as err:
        st.warning(f"{err}\n\nTrying again in {BUSY_RETRY_SECONDS} s …", icon=":material/hourglass_top:")
        time.sleep(BUSY_RETRY_SECONDS)
        st.rerun()


def table(df: pd.DataFrame, name: str, *, key: str, caption: str | None = None, **kwargs) -> None:
    """A table as shown, its row count, and buttons to export exactly those rows."""
    st.dataframe(df, hide_index=True, key=f"{key}-table", **kwargs)
    st.caption(f"{len(df)} row{'' if len(df) == 1 else 's'}" + (f" · {caption}" if caption else ""))
    for col, fmt in zip(st.columns(len(export.FORMATS)), export.FORMATS, strict=True):
        col.download_button(
            fmt.label, data=export.to_bytes(df, fmt.key, sheet=name), file_name=export.file_name(name, fmt.key),
            mime=fmt.mime, key=f"{key}-{fmt.key}", on_click="ignore", icon=":material/download:",
            help=f"{len(df)} rows as {fmt.label}", width="stretch",
        )


def label(options: pd.DataFrame, key: str, *fields: str) -> Callable[[Any], str]:
    """format_func for a selectbox over one column of `options`, showing other columns too."""
    rows = options.set_index(key)
    def fmt(value) -> str:
        if value not in rows.index:
            return str(value)
        row = rows.loc[value]
        extra = [str(row[f]) for f in fields if f in row and pd.notna(row[f]) and str(row[f])]
        return f"{value} · {' · '.join(extra)}" if extra else str(value)
    return fmt


def query_default(param: str, options: list, fallback: int = 0) -> int:
    """Index of the option named in the URL (?param=...), so a page can be linked to."""
    wanted = st.query_params.get(param)
    return options.index(wanted) if wanted in options else fallback
