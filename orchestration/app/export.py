"""A table as a file: CSV, Excel or Parquet, exactly the rows and columns shown.

Nested values (the `provenance` map of dim_report) become JSON text, so every format holds
them. Excel cells hold at most 32,767 characters: longer text (a report's `text`) is cut
there and ends with a note; CSV and Parquet keep it whole.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

import pandas as pd

EXCEL_CELL_LIMIT = 32_767
_CUT_NOTE = "…[cut: Excel holds 32,767 characters a cell; see the CSV or Parquet export]"


@dataclass(frozen=True)
class Format:
    key: str
    label: str
    extension: str
    mime: str


FORMATS = (
    Format("csv", "CSV", "csv", "text/csv"),
    Format("xlsx", "Excel", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    Format("parquet", "Parquet", "parquet", "application/vnd.apache.parquet"),
)


def _plain(value):
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    if hasattr(value, "tolist") and not isinstance(value, str):  # numpy arrays from list columns
        return json.dumps(value.tolist(), ensure_ascii=False, default=str)
    return value


def flatten(df: pd.DataFrame) -> pd.DataFrame:
    """Nested cells as JSON text; everything else unchanged."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object and out[col].map(lambda v: isinstance(v, dict | list | tuple)
                                                     or (hasattr(v, "tolist") and not isinstance(v, str))).any():
            out[col] = out[col].map(_plain)
    return out


def _excel_safe(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or str(out[col].dtype).startswith("str"):
            out[col] = out[col].map(
                lambda v: v[: EXCEL_CELL_LIMIT - len(_CUT_NOTE)] + _CUT_NOTE
                if isinstance(v, str) and len(v) > EXCEL_CELL_LIMIT else v)
        elif isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].dt.tz_localize(None)
    return out


def to_bytes(df: pd.DataFrame, fmt: str, sheet: str = "data") -> bytes:
    df = flatten(df)
    buf = io.BytesIO()
    if fmt == "csv":
        # UTF-8 with a byte-order mark: Excel then reads the Chinese text right.
        buf.write(df.to_csv(index=False).encode("utf-8-sig"))
    elif fmt == "xlsx":
        with pd.ExcelWriter(buf, engine="xlsxwriter") as writer:
            _excel_safe(df).to_excel(writer, sheet_name=sheet[:31] or "data", index=False)
    elif fmt == "parquet":
        df.to_parquet(buf, index=False)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return buf.getvalue()


def file_name(name: str, fmt: str) -> str:
    ext = next(f.extension for f in FORMATS if f.key == fmt)
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name).strip("_") or "table"
    return f"{safe}.{ext}"
