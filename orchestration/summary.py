"""What the warehouse holds: the figures `fazhi build` prints and the Dagster UI shows."""

from __future__ import annotations

import duckdb

# The domains' fact tables, in the order users read them (core domains first).
FACT_TABLES = (
    "fact_licensing", "fact_reconsideration", "fact_mediation", "fact_enforcement",
    "fact_litigation", "fact_legal_aid", "fact_normative_documents", "fact_petitions",
)


def summarize(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row counts of the tables users query first."""
    tables = ("dim_report", "rejected_reports", *FACT_TABLES, "yoy_measures")
    # Table names come from the constant above, never from input data.
    return {t: con.execute(f"select count(*) from main.{t}").fetchone()[0] for t in tables}
