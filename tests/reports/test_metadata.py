"""Metadata from how these reports are written: titles, joint issuers, signatures, web pages, no title."""

from __future__ import annotations

import pytest

from orchestration.reports.clean import clean_text
from orchestration.reports.metadata import extract_metadata

BODY = (
    "2022年，我县坚持以习近平法治思想为指导，全面推进法治政府建设。现将有关情况报告如下：\n"
    "一、2022年推进法治政府建设的主要举措和成效\n（一）依法全面履行政府职能。全年受理行政复议申请12件。\n"
    "二、存在的不足和原因\n一是法治意识有待提高。\n"
    "三、党政主要负责人履行推进法治建设第一责任人职责情况\n主要负责人认真履职。\n"
    "四、2023年推进法治政府建设的主要安排\n（一）加强学习。持续推进。\n"
)


def meta_of(raw: str):
    cleaned = clean_text(raw)
    return extract_metadata(cleaned.text, cleaned.page_fields)


def fields(meta) -> dict:
    return {k: v for k, v in vars(meta).items() if v is not None and k not in ("provenance", "confidence", "department", "body_start", "body_end")}


def test_county_government_with_signature():
    meta = meta_of("长兴县人民政府关于2022年度法治政府建设情况的报告\n\n" + BODY + "\n长兴县人民政府\n2023年2月10日\n")
    assert fields(meta) == {
        "title": "长兴县人民政府关于2022年度法治政府建设情况的报告", "issuer": "长兴县人民政府",
        "issuer_kind": "government", "province": "浙江省", "city": "湖州市", "county": "长兴县",
        "admin_code": "330522", "report_year": 2022, "publish_date": "2023-02-10",
    }
    assert meta.provenance["issuer"] == "title,gazetteer"
    assert meta.provenance["publish_date"] == "signature"


def test_joint_party_and_government_report_is_the_governments():
    meta = meta_of("中共长兴县委 长兴县人民政府\n关于2022年度法治政府建设情况的报告\n" + BODY)
    assert meta.title == "中共长兴县委 长兴县人民政府关于2022年度法治政府建设情况的报告"
    assert (meta.issuer, meta.issuer_kind, meta.admin_code) == ("长兴县人民政府", "government", "330522")


def test_department_report_signed_with_a_chinese_numeral_date():
    meta = meta_of("湖州市司法局2022年度法治政府建设工作报告\n" + BODY.replace("我县", "我局")
                   + "湖州市司法局\n二〇二三年一月十日\n")
    assert (meta.issuer, meta.issuer_kind, meta.admin_code) == ("湖州市司法局", "department", "330500")
    assert (meta.city, meta.county, meta.publish_date) == ("湖州市", None, "2023-01-10")


def test_a_district_issuer_gets_its_city_prefix_and_a_title_split_over_lines_is_joined():
    meta = meta_of("朝阳区人民政府关于2023年法治政府\n建设情况的报告\n北京市人民政府：\n" + BODY)
    assert meta.title == "朝阳区人民政府关于2023年法治政府建设情况的报告"
    # A municipality's district: province 北京市, no city.
    assert (meta.issuer, meta.province, meta.city, meta.county, meta.admin_code) == (
        "北京市朝阳区人民政府", "北京市", None, "朝阳区", "110105")


def test_red_header_document_number_and_addressee():
    meta = meta_of("威海市人民政府文件\n威政发〔2023〕5号\n威海市人民政府\n关于2022年法治政府建设情况的报告\n"
                   "山东省人民政府：\n" + BODY.replace("我县", "我市"))
    assert (meta.title, meta.doc_number) == ("威海市人民政府关于2022年法治政府建设情况的报告", "威政发〔2023〕5号")
    assert (meta.issuer, meta.admin_code, meta.county) == ("威海市人民政府", "371000", None)


def test_web_page_fields_give_the_date_and_the_title_names_its_region_after_the_year():
    page = ("首页 > 政务公开 > 法治政府建设\n发布时间：2023-03-15 10:00 来源：梁平区司法局\n【字体：大 中 小】\n"
            "2022年度梁平区法治政府建设情况报告\n" + BODY.replace("我县", "我区") + "【打印本页】【关闭窗口】\n")
    meta = meta_of(page)
    assert (meta.title, meta.issuer, meta.admin_code) == ("2022年度梁平区法治政府建设情况报告", "重庆市梁平区人民政府", "500155")
    assert (meta.publish_date, meta.provenance["publish_date"]) == ("2023-03-15", "page:发布时间")


def test_no_title_region_and_year_from_the_body():
    body = BODY.replace("我县", "我区").replace("主要负责人认真履职", "文登区政府主要负责人认真履职，文登区各部门")
    meta = meta_of(body)
    assert meta.title is None
    assert (meta.issuer, meta.issuer_kind, meta.admin_code, meta.report_year) == (
        "威海市文登区人民政府", "government", "371003", 2022)
    assert meta.provenance["issuer"] == "body,gazetteer"


def test_a_signature_without_region_takes_it_from_the_body():
    meta = meta_of("关于2022年度法治政府建设情况的报告\n" + BODY.replace("我县", "我区")
                   + "临海市委依法治市办。\n区行政审批服务局\n2023年1月5日\n".replace("临海市", "杭州市西湖区"))
    assert (meta.issuer, meta.issuer_kind, meta.admin_code) == ("杭州市西湖区行政审批服务局", "department", "330106")


def test_a_slip_in_the_title_is_mended_and_recorded():
    meta = meta_of("中共峰城区委 峰城区人民政府\n关于2021年度法治政府建设情况的报告\n" + BODY.replace("我县", "我区")
                   + "《枣庄日报》予以报道。\n")
    assert meta.title == "中共峄城区委 峄城区人民政府关于2021年度法治政府建设情况的报告"
    assert (meta.issuer, meta.admin_code) == ("枣庄市峄城区人民政府", "370404")
    assert meta.provenance["title"] == "header,ocr_fix:峰->峄"
    assert "ocr_fix:峰->峄" in meta.provenance["issuer"]


def test_a_name_the_text_cannot_place_is_kept_as_written():
    meta = meta_of("朝阳区人民政府关于2023年法治政府建设情况的报告\n" + BODY.replace("我县", "我区"))
    assert (meta.issuer, meta.issuer_kind, meta.admin_code) == ("朝阳区人民政府", "government", None)


def test_a_division_since_merged_keeps_its_code():
    meta = meta_of("莱芜市人民政府关于2017年度法治政府建设情况的报告\n" + BODY.replace("我县", "我市"))
    assert (meta.issuer, meta.province, meta.city, meta.admin_code) == ("莱芜市人民政府", "山东省", "莱芜市", "371200")


@pytest.mark.parametrize(("text", "year", "how"), [
    ("现将2023年度法治政府建设工作情况报告如下：\n一、主要举措和成效\n", 2023, "body"),
    ("全面推进依法行政。\n一、2021年法治政府建设工作情况\n", 2021, "heading"),
    ("全面推进依法行政。\n一、主要成效\n二、2024年工作安排\n", 2023, "heading"),
    ("2022年，全区上下坚持依法行政。\n一、主要成效\n", 2022, "body"),
])
def test_report_year_without_a_title(text, year, how):
    meta = meta_of(text)
    assert (meta.report_year, meta.provenance["report_year"]) == (year, how)


def test_a_township_government_is_a_government_of_its_county_without_a_code():
    meta = meta_of("长兴县雉城镇人民政府关于2022年度法治政府建设情况的报告\n" + BODY.replace("我县", "我镇"))
    assert (meta.issuer, meta.issuer_kind, meta.county, meta.admin_code) == (
        "长兴县雉城镇人民政府", "government", "长兴县", None)


def test_years_written_in_chinese_numerals_or_full_width_digits():
    assert meta_of("长兴县人民政府关于二〇二二年度法治政府建设情况的报告\n" + BODY).report_year == 2022
    assert meta_of("长兴县人民政府关于２０２２年度法治政府建设情况的报告\n" + BODY).report_year == 2022


@pytest.mark.parametrize("title", ["某某县人民政府关于2023年法治政府建设情况的报告", "某某县政府关于2023年法治政府建设情况的报告"])
def test_a_government_the_gazetteer_cannot_place_is_kept_as_written(title):
    meta = meta_of(title + "\n" + BODY.replace("2022年，我县", "2023年，本级"))
    assert (meta.issuer, meta.issuer_kind, meta.admin_code) == ("某某县人民政府", "government", None)


def test_a_department_the_gazetteer_cannot_place_is_a_department():
    meta = meta_of("某某县某某局关于2023年法治政府建设情况的报告\n" + BODY.replace("2022年，我县", "2023年，本级"))
    assert (meta.issuer, meta.issuer_kind) == ("某某县某某局", "department")


def test_a_bureau_that_never_names_itself_is_a_department_without_a_name():
    meta = meta_of(BODY.replace("2022年，我县", "2022年，我局").replace("我县", "我局"))
    assert (meta.issuer, meta.issuer_kind) == (None, "department")


# -- departments, townships, implied regions, page chrome (issue 8) -------------------------------
def test_a_bureau_named_in_the_opening_without_its_region_takes_the_county_the_body_names():
    body = BODY.replace("2022年，我县坚持", "2022年以来，县司法局在县委、县政府的坚强领导下，坚持").replace(
        "主要负责人认真履职", "“蒙城县‘5+N’矛盾化解会商机制”获评示范项目")
    meta = meta_of(body)
    assert (meta.issuer, meta.issuer_kind, meta.department, meta.admin_code) == (
        "蒙城县司法局", "department", "justice", "341622")
    assert meta.provenance["issuer"].startswith("opening")


def test_a_short_department_name_is_read_as_its_official_name():
    meta = meta_of("孟津区文广旅局2024年度行政执法工作报告\n" + BODY.replace("我县", "我局")
                   + "洛阳市孟津区文化市场\n")
    assert (meta.issuer, meta.department) == ("洛阳市孟津区文化广电和旅游局", "culture_tourism")


def test_a_bureau_that_says_only_we_is_named_by_the_department_its_text_names():
    body = BODY.replace("2022年，我县", "2022年，我局").replace(
        "主要负责人认真履职", "印发《桃源县人力资源和社会保障局行政执法公示办法》")
    meta = meta_of(body)
    assert (meta.issuer, meta.issuer_kind, meta.admin_code) == ("桃源县人力资源和社会保障局", "department", "430725")


def test_a_street_office_is_a_government_of_its_district_without_a_code():
    meta = meta_of("坪地街道2021年法治政府建设年度报告\n" + BODY.replace("2022年，我县", "2021年，在区委、区政府的领导下，坪地街道")
                   + "参加龙岗区执法比武。\n")
    assert (meta.issuer, meta.issuer_kind, meta.department) == ("深圳市龙岗区坪地街道办事处", "government", "street_office")
    assert (meta.province, meta.city, meta.county, meta.admin_code) == ("广东省", "深圳市", "龙岗区", None)


def test_a_province_that_speaks_of_itself():
    meta = meta_of(BODY.replace("2022年，我县", "2022年，黑龙江省").replace("我县", "我省"))
    assert (meta.issuer, meta.issuer_kind, meta.admin_code) == ("黑龙江省人民政府", "government", "230000")


def test_a_short_name_with_its_level_word_is_the_autonomous_prefecture():
    meta = meta_of("黔西南州人民政府关于2020年度法治政府建设情况的报告\n" + BODY)
    assert (meta.issuer, meta.admin_code) == ("黔西南布依族苗族自治州人民政府", "522300")


@pytest.mark.parametrize(("chrome", "date", "how"), [
    ("[ 成文日期 ] 2023-03-02 [ 发布日期 ] 2023-03-03\n", "2023-03-03", "page:发布日期"),
    ("今天是2024年3月5日 星期二\n更新时间:2022-10-21 09:15:36\n", None, ""),
    ("2019-09-06 15:46     来源:市司法局\n", "2019-09-06", "header"),
])
def test_dates_from_page_chrome(chrome, date, how):
    meta = meta_of(chrome + "长兴县人民政府关于2022年度法治政府建设情况的报告\n" + BODY)
    assert (meta.publish_date, meta.provenance.get("publish_date", "")) == (date, how)


def test_a_covering_letters_date_is_the_publish_date():
    meta = meta_of("中共长兴县委、长兴县人民政府：\n现将《长兴县司法局2022年度法治政府建设工作报告》予以呈报，请审阅。\n"
                   "长兴县司法局\n2023年1月29日\n长兴县司法局2022年度法治政府建设工作报告\n" + BODY.replace("我县", "我局"))
    assert (meta.title, meta.issuer, meta.publish_date) == (
        "长兴县司法局2022年度法治政府建设工作报告", "长兴县司法局", "2023-01-29")


def test_regions_that_disagree_are_recorded():
    meta = meta_of("长兴县人民政府关于2022年度法治政府建设情况的报告\n" + BODY + "\n临海市人民政府\n2023年2月10日\n")
    assert meta.issuer == "长兴县人民政府"
    assert meta.provenance["conflicts"] == "title:长兴县|signature:临海市"
    assert meta.confidence["issuer"] < 0.95


def test_a_zones_bureau_is_named_after_its_city_without_a_code():
    meta = meta_of("高新区综治局2021年法治政府建设年度报告\n" + BODY.replace("2022年，我县", "2021年，高新区综治局")
                   + "参加珠海市综治工作会议。\n")
    assert (meta.issuer, meta.issuer_kind, meta.city, meta.county, meta.admin_code) == (
        "珠海高新区综合治理局", "department", "珠海市", None, None)


def test_a_department_whose_name_holds_a_township_word_is_no_township():
    meta = meta_of(BODY.replace("2022年，我县", "2022年，县住房和城乡建设局在县委、县政府的坚强领导下，")
                   + "永嘉县城市建设持续推进。\n")
    assert (meta.issuer, meta.department) == ("永嘉县住房和城乡建设局", "housing_construction")


def test_a_leagues_administrative_office_is_its_government():
    meta = meta_of("锡林郭勒盟行政公署2022年法治政府建设情况报告\n" + BODY.replace("我县", "全盟"))
    assert (meta.issuer, meta.issuer_kind, meta.admin_code) == ("锡林郭勒盟行政公署", "government", "152500")


def test_a_townships_county_is_where_the_text_writes_it_with_its_county():
    meta = meta_of(BODY.replace("2022年，我县", "2022年，石门镇在县委、县政府的坚强领导下，")
                   + "桐乡市石门镇获评法治示范镇。\n")
    assert (meta.issuer, meta.issuer_kind, meta.county, meta.admin_code) == (
        "桐乡市石门镇人民政府", "government", "桐乡市", None)


def test_an_information_block_laid_out_as_a_table():
    meta = meta_of("索引号 | 002650218/2024-34170 | 公开方式 | 主动公开 |\n发布机构 | 区司法局 | 成文日期 | 2024-01-19 |\n"
                   + BODY.replace("2022年，我县", "2022年以来，我区").replace("我县", "我区"))
    assert (meta.issuer, meta.issuer_kind, meta.publish_date, meta.report_year) == (
        "区司法局", "department", "2024-01-19", 2022)


def test_the_page_that_posted_a_report_is_not_its_issuer_when_the_text_speaks():
    meta = meta_of("2022年度法治政府建设情况报告\n发布时间：2023-02-10 来源：苍南县司法局\n"
                   + BODY.replace("2022年，我县坚持", "2022年，县政府坚持"))
    assert (meta.issuer, meta.issuer_kind, meta.admin_code) == ("苍南县人民政府", "government", "330327")
    assert meta.provenance["issuer"].startswith("opening+page")
