"""The region gazetteer (dbt_project/seeds/regions.csv) and resolving issuer names to GB/T 2260 codes."""

from __future__ import annotations

import csv

import pytest

from orchestration.reports.regions import SEED, gazetteer, resolve


def test_seed_is_a_complete_tree():
    with SEED.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["admin_code", "name", "short_name", "level", "province", "city", "county",
                             "parent_code", "status"]
    current = [r for r in rows if r["status"] == "current"]
    counts = {level: sum(r["level"] == level for r in current) for level in ("province", "city", "county")}
    assert counts["province"] == 34 and counts["city"] > 330 and counts["county"] > 2800
    codes = {r["admin_code"] for r in rows}
    assert len({(r["admin_code"], r["name"]) for r in rows}) == len(rows)
    for row in rows:
        assert len(row["admin_code"]) == 6 and row["admin_code"].isdigit()
        assert row["level"] == "province" or row["parent_code"] in codes


def test_gazetteer_loads_once():
    assert gazetteer() is gazetteer()


@pytest.mark.parametrize(("name", "code"), [
    # governments: province, prefecture, district, county-level city, county, banner
    ("山东省人民政府", "370000"),
    ("内蒙古自治区人民政府", "150000"),
    ("威海市文登区人民政府", "371003"),
    ("杭州市西湖区人民政府", "330106"),
    ("深圳市福田区人民政府", "440304"),
    ("广州市天河区人民政府", "440106"),
    ("成都市武侯区人民政府", "510107"),
    ("鄂尔多斯市东胜区人民政府", "150602"),
    ("乌鲁木齐市天山区人民政府", "650102"),
    ("大同市云冈区人民政府", "140214"),
    ("义乌市人民政府", "330782"),
    ("莫力达瓦达斡尔族自治旗人民政府", "150722"),
    ("黔南布依族苗族自治州人民政府", "522700"),
    # municipalities and divisions directly under a province
    ("北京市海淀区人民政府", "110108"),
    ("上海市浦东新区人民政府", "310115"),
    ("天津市滨海新区人民政府", "120116"),
    ("重庆市渝中区人民政府", "500103"),
    ("仙桃市人民政府", "429004"),
    ("济源市人民政府", "419001"),
    ("东莞市人民政府", "441900"),
    # departments
    ("浙江省司法厅", "330000"),
    ("济南市司法局", "370100"),
    ("湖州市吴兴区司法局", "330502"),
    ("长兴县市场监督管理局", "330522"),
    ("昆山市司法局", "320583"),
    ("苏州市姑苏区市场监督管理局", "320508"),
    ("延边朝鲜族自治州司法局", "222400"),
    ("威海市环翠区行政审批服务局", "371002"),
    ("荆州市公安局", "421000"),  # not 公安县
    # short and bare names
    ("临海", "331082"),
    ("文登", "371003"),
    ("朔城区", "140602"),
    # divisions since merged or renamed keep the code they had
    ("莱芜市人民政府", "371200"),
    ("即墨市人民政府", "370282"),
])
def test_issuer_names_resolve_to_their_codes(name, code):
    region = resolve(name)
    assert region is not None and region.code == code


@pytest.mark.parametrize(("name", "context", "code"), [
    ("鼓楼区人民政府", "在南京市委、市政府的领导下", "320106"),
    ("鼓楼区人民政府", "福州市委依法治市办", "350102"),
    ("朝阳区司法局", "长春市司法局", "220104"),
    ("城关区人民政府", "兰州市", "620102"),
    ("和平区人民政府", "沈阳市", "210102"),
    ("和平区人民政府", "天津市", "120101"),
])
def test_a_shared_name_is_decided_by_the_regions_the_text_names(name, context, code):
    assert resolve(name) is None
    assert resolve(name, context).code == code


@pytest.mark.parametrize(("name", "context", "code", "mended"), [
    ("枣庄市峰城区人民政府", "", "370404", "峄城区"),  # 薛城区 is as near in spelling; 峰 and 峄 share 山
    ("峰城区人民政府", "《枣庄政研改革》", "370404", "峄城区"),
    ("威海市文灯区人民政府", "", "371003", "文登区"),
    ("杭州市西潮区人民政府", "", "330106", "西湖区"),
    ("朔州市朔成区人民政府", "", "140602", "朔城区"),
    ("临梅市人民政府", "台州市", "331082", "临海市"),
])
def test_one_character_slips_are_mended_from_context(name, context, code, mended):
    g = gazetteer()
    match = g.resolve(name, g.mentions(context))
    assert match.region.code == code
    assert match.fixes[0][1] == mended


def test_a_slip_needs_its_city_in_the_text():
    assert resolve("峰城区人民政府") is None
    assert resolve("峰城区人民政府", "山东省") is None


def test_a_development_zone_is_not_mended_into_a_district():
    region = resolve("佛山市高新区管委会", "佛山市高明区")
    assert region.code == "440600"


def test_mentions_count_full_and_short_names():
    g = gazetteer()
    counts = g.mentions("枣庄市峄城区。《枣庄政研改革》。山东省。")
    assert counts["370400"] == 2 and counts["370404"] == 1 and counts["370000"] == 1


def test_official_prefix():
    assert resolve("文登区").prefix == "威海市文登区"
    assert resolve("临海市").prefix == "临海市"
    assert resolve("海淀区").prefix == "北京市海淀区"
    assert resolve("长兴县").prefix == "长兴县"
