"""The department vocabulary (dbt_project/seeds/departments.csv): short forms read as official names."""

from __future__ import annotations

import csv

import pytest

from orchestration.reports.departments import SEED, vocabulary


def test_seed_columns_and_unique_keys():
    with SEED.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["key", "name", "other_names", "short_forms", "issuer_kind", "description"]
    assert len({r["key"] for r in rows}) == len(rows)
    assert {r["issuer_kind"] for r in rows} == {"government", "department"}


@pytest.mark.parametrize(("written", "official", "key"), [
    ("文广旅局", "文化广电和旅游局", "culture_tourism"),
    ("人社局", "人力资源和社会保障局", "human_resources_social_security"),
    ("人力资源社会保障局", "人力资源和社会保障局", "human_resources_social_security"),
    ("市场监管局", "市场监督管理局", "market_regulation"),
    ("综合执法局", "综合行政执法局", "comprehensive_enforcement"),
    ("综治局", "综合治理局", "comprehensive_governance"),
    ("人社厅", "人力资源和社会保障厅", "human_resources_social_security"),
    ("司法厅", "司法厅", "justice"),  # another official form stays as written
    ("文化和旅游局", "文化和旅游局", "culture_tourism"),
    ("人民政府行政复议办公室", "人民政府行政复议办公室", "reconsideration_office"),
    ("人民政府金龙街道办事处", "人民政府金龙街道办事处", "street_office"),
])
def test_written_names_read_as_official(written, official, key):
    found = vocabulary().canonical(written)
    assert (found.official, found.department.key) == (official, key)


def test_an_unknown_body_is_no_kind():
    assert vocabulary().canonical("府院联动联席会议秘书处") is None
