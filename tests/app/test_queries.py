"""The Trends query on a hand-made yoy_measures: where each point's value came from."""

from __future__ import annotations

import duckdb

from orchestration.app import queries

ROWS = [
    # issuer, year, value, value_source, previous_value, previous_value_source
    ("甲区人民政府", 2022, 120.0, "report", 100.0, "derived_from_stated_change"),  # 2021 only derived
    ("甲区人民政府", 2023, 150.0, "report", 120.0, "report"),
    ("乙区人民政府", 2021, 80.0, "stated_in_later_report", None, None),
    ("乙区人民政府", 2022, 90.0, "report", 70.0, "derived_from_stated_change"),  # 2021 is reported: no derived point
]


def test_trend_marks_where_each_value_came_from():
    con = duckdb.connect()
    con.execute("""create table yoy_measures (issuer varchar, issuer_kind varchar, region_name varchar,
        domain varchar, measure varchar, scope varchar, unit varchar, year integer, value double, approx boolean,
        value_source varchar, previous_value double, previous_value_source varchar, report_id varchar,
        fact_id varchar)""")
    for issuer, year, value, source, prev, prev_source in ROWS:
        con.execute("insert into yoy_measures values (?, 'government', ?, 'mediation', 'disputes_resolved', null, "
                    "'case', ?, ?, false, ?, ?, ?, 'r', 'f')", [issuer, issuer[:2], year, value, source, prev, prev_source])
    points = queries.trend(con, "mediation", "disputes_resolved", ["甲区人民政府", "乙区人民政府"], None, "case")
    got = sorted(points[["issuer", "year", "value", "source"]].itertuples(index=False, name=None))
    assert got == sorted([
        ("甲区人民政府", 2021, 100.0, "derived_from_stated_change"),
        ("甲区人民政府", 2022, 120.0, "report"),
        ("甲区人民政府", 2023, 150.0, "report"),
        ("乙区人民政府", 2021, 80.0, "stated_in_later_report"),
        ("乙区人民政府", 2022, 90.0, "report"),
    ])
    assert queries.trend(con, "mediation", "disputes_resolved", ["甲区人民政府"], "某局", "case").empty
