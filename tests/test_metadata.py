"""Document metadata: the gold documents field by field, then one rule at a time."""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import metadata
from analysis.clean import clean_text
from analysis.metadata import (
    _dateline_year,
    extract_title,
    infer_metadata,
    infer_period,
    infer_region,
)
from analysis.models import DocMeta
from analysis.text import lexicon
from analysis.text.document import is_chrome, split_chrome
from analysis.text.script import to_simplified

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
GOLD_FILES = [
    ROOT / "tests" / "fixtures" / "gold" / "documents.csv",
    ROOT / "tests" / "fixtures" / "gold_extra" / "documents.csv",
]
FIELDS = [
    "region",
    "admin_level",
    "parent_city",
    "province",
    "report_year",
    "period",
    "doc_type",
    "region_masked",
]


def _gold_rows() -> list[dict[str, str]]:
    rows = []
    for path in GOLD_FILES:
        with path.open(encoding="utf-8-sig") as fh:
            rows.extend(csv.DictReader(fh))
    return rows


GOLD = _gold_rows()


@cache
def meta_of(doc_id: str) -> DocMeta:
    text = (RAW / f"{doc_id}.txt").read_text(encoding="utf-8")
    return infer_metadata(doc_id, text)


def test_gold_has_17_documents():
    assert len(GOLD) == 17


@pytest.mark.parametrize(
    ("doc_id", "field", "expected"),
    [(r["doc_id"], f, r[f]) for r in GOLD for f in FIELDS],
    ids=lambda v: str(v),
)
def test_gold_field(doc_id, field, expected):
    got = getattr(meta_of(doc_id), field)
    assert ("" if got is None else str(got)) == expected


@pytest.mark.parametrize("doc_id", [r["doc_id"] for r in GOLD])
def test_gold_confidences_are_in_range(doc_id):
    meta = meta_of(doc_id)
    assert 0.0 < meta.region_confidence <= 1.0
    assert 0.0 < meta.year_confidence <= 1.0


@pytest.mark.parametrize(
    ("doc_id", "title"),
    [
        ("000_e62b7b1a346a2fde", "青岛市科技局2013年上半年工作总结"),
        ("001_6f9d41c6c87e66bb", "2017年科技工作要点"),
        ("002_b16fed0983384786", "区科技局2023年工作总结2024年工作思路"),  # read after OCR repair
        ("003_91d5ca6791cbf353", "市科学技术局上半年工作总结与下年工作思路"),
        ("004_89fc9e69ec4ccf46", "2015年大连市科学技术知识产权工作总结"),
        ("x02_ningbo_2014", "宁波市科技局2014年工作总结"),
        ("x12_wenzhou_2019", "温州市科学技术局2019年工作总结和2020年工作思路"),
        ("x04_ningbo_2016", ""),  # the page opens with the body: no title
        ("x08_qingdao_2012", ""),
    ],
)
def test_gold_titles(doc_id, title):
    assert meta_of(doc_id).title == title


def test_masked_and_named_confidence_order():
    # a report that names itself in its title is surer than a masked one
    assert (
        meta_of("x12_wenzhou_2019").region_confidence
        > meta_of("003_91d5ca6791cbf353").region_confidence
    )


# ----------------------------------------------------------------------- chrome


@pytest.mark.parametrize(
    "line",
    [
        "青岛政务网 发布日期 : 2013-07-24",
        "时间:2023-05-17 20:45:02 工作总结 浏览次数:",
        "工作计划 首页 > 信息公开 > 规划计划 > 工作计划",
        "区委务虚会发言材料.docx",
        "2017-07-24",
        "  • 来源:办公室来源:宁波市科学技术局",
        "2015年大连市科学技术(知识产权)工作总结2015年,大连市科技创新工作紧紧围绕市委、市政府的战略部署,"
        "下面是小编为大家整理的【科技总结】2015年大连市科学技术知识产权工作总结,供大家参考。",
    ],
)
def test_chrome_lines(line):
    assert is_chrome(line)


def test_body_line_quoting_a_source_is_not_chrome():
    line = (
        "(来源:大众日报 )本报讯 记者从青岛市科技局获悉,2012年,青岛市发明专利申请12092件,授权1510件,"
        "分别同比增长127%和34%,增幅分别居全国副省级城市第一和第二位;争取国家和省科技经费超15亿元。"
    )
    assert not is_chrome(line)


def test_title_skips_chrome_and_tags():
    text = "当前位置:\n【科技总结】宁波市科技局2014年工作总结\n  • 阅读:\n一、主要工作进展和成效"
    body, chrome = split_chrome(text)
    assert chrome == ["当前位置:", "• 阅读:"]
    assert extract_title(body) == "宁波市科技局2014年工作总结"


def test_no_title_when_the_page_opens_with_a_heading():
    assert extract_title(["一、2021年工作成效", "2021年全市科技系统深入落实"]) == ""


# ----------------------------------------------------------------------- region


def test_masked_region_from_county_names():
    text = (
        "*市科学技术局2012年工作总结\n"
        "一、*年工作回顾\n"
        "*年，我市推进国家高XX县区建设。支持乐清电器、瑞安汽摩配、永嘉泵阀、鹿城鞋服、平阳机械制造、"
        "苍南包装印刷等传统优势产业建设企业研究院。泰顺地震台主体工程封顶。"
    )
    meta = infer_metadata("m", text)
    assert (meta.region, meta.admin_level, meta.parent_city, meta.province) == (
        "温州市",
        "prefecture",
        "温州市",
        "浙江省",
    )
    assert meta.region_masked == 1
    assert 0.0 < meta.region_confidence <= 0.7


def test_county_city_when_the_bureau_names_it():
    text = "2017年科技工作要点\n胶州市科技和工业信息化局文件\n2017年，全市科技工作紧紧围绕青岛市的部署，打造青岛乃至全国的创新中心。"
    meta = infer_metadata("j", text)
    assert (meta.region, meta.admin_level, meta.parent_city) == ("胶州市", "county_city", "青岛市")


def test_district_when_a_district_bureau_speaks_and_names_it():
    text = (
        "区科技局2023年工作总结\n今年以来，全区科技工作深入实施创新驱动发展战略。"
        "出台市南区重点实验室管理办法，13家单位获得青岛市科技奖励，全区技术合同成交额超68亿元。"
    )
    meta = infer_metadata("d", text)
    assert (meta.region, meta.admin_level, meta.parent_city) == ("市南区", "district", "青岛市")


def test_prefecture_when_counties_are_only_mentioned():
    text = "青岛市科技局2013年上半年工作总结\n黄岛经济技术开发区获批成为全国可持续发展实验区，崂山区被评为国家知识产权示范园区。"
    meta = infer_metadata("p", text)
    assert (meta.region, meta.admin_level) == ("青岛市", "prefecture")


def test_weak_evidence_leaves_region_empty():
    meta = infer_metadata("w", "2016年，市科技局圆满完成年度业务目标，科技创新供给能力进一步增强。")
    assert (meta.region, meta.admin_level, meta.province, meta.region_confidence) == (
        "",
        "",
        "",
        0.0,
    )
    tie = infer_metadata("t", "与杭州、宁波等先进地区相比还有差距。")
    assert tie.region == ""


def test_traditional_text_is_converted_before_matching():
    meta = infer_metadata(
        "x", "青島市科學技術局2017年工作總結\n2017年,青島全社會研發經費投入286.4億元。"
    )
    assert (meta.region, meta.report_year, meta.doc_type) == ("青岛市", 2017, "summary")
    assert meta.title == "青岛市科学技术局2017年工作总结"


def test_simplified_text_is_left_alone():
    # t2s would turn 乾 into 干: only traditional texts are converted
    assert to_simplified("吉林省乾安县科技局工作总结") == "吉林省乾安县科技局工作总结"


# ------------------------------------------------------------------------- year


@pytest.mark.parametrize(
    ("sentence", "year"),
    [
        ("一年来，我市科技工作实现“十三五”开门红，发布《宁波市“十三五”科技创新规划》。", 2016),
        ("一年来，宁波市科技工作较好地完成了“十二五”各项任务。", 2015),
        ("科技创新工作成效明显，宁波实现了“十四五”良好开局。", 2021),
        ("今年是“十二五”规划的收官之年，大连市科技工作取得新成效。", 2015),
    ],
)
def test_five_year_plan_cue(sentence, year):
    meta = infer_metadata("f", sentence)
    assert meta.report_year == year
    assert meta.year_confidence == 0.75


def test_plan_year_of_a_masked_summary_is_the_year_before():
    text = (
        "市科学技术局年度工作总结与下年工作思路\n一、*年工作总结\n*年，我市科技工作取得较好成效。\n"
        "二、*年工作思路 *年是实施创新驱动发展战略的关键一年。2013年，全社会研究与开发经费投入占生产总值比重争取达到1.30%。"
    )
    meta = infer_metadata("y", text)
    assert (meta.report_year, meta.doc_type, meta.period) == (2012, "summary+plan", "FY")
    assert meta.year_confidence == 0.6


def test_plan_document_covers_its_planned_year():
    meta = infer_metadata(
        "k", "2017年科技工作要点\n2017年，全市科技工作的总体思路是：推动由研发管理向创新服务转型。"
    )
    assert (meta.report_year, meta.doc_type, meta.period) == (2017, "plan", "FY")


def test_summary_plus_plan_title_gives_the_summarised_year():
    meta = infer_metadata(
        "s",
        "温州市科学技术局2019年工作总结和2020年工作思路\n2019年，温州市科技创新工作以自创区为主战场。",
    )
    assert (meta.report_year, meta.doc_type) == (2019, "summary+plan")


def test_heading_and_opening_years():
    assert (
        infer_metadata(
            "h", "一、2021年工作成效\n全市科技系统深入落实争先进位工作要求。"
        ).report_year
        == 2021
    )
    assert (
        infer_metadata(
            "o", "2016年，市科技局紧紧围绕创新之城建设，圆满完成年度业务目标。"
        ).report_year
        == 2016
    )


def test_summary_is_never_later_than_its_page_date():
    # the most cited year (2019, a plan target) is after the page date, so it is dropped
    text = "发布日期:2018-03-06\n全市力争到2019年高企达到1000家，2019年实现翻番，比2016年增长20%，2017年成效明显。"
    meta = infer_metadata("c", text)
    assert meta.report_year == 2017


def test_no_year_evidence_leaves_year_empty():
    meta = infer_metadata("n", "今年以来，全市科技工作认真贯彻落实创新驱动发展战略。")
    assert (meta.report_year, meta.year_confidence) == (None, 0.0)


# ------------------------------------------------------------- period and type


@pytest.mark.parametrize(
    ("title", "period"),
    [
        ("青岛市科技局2013年上半年工作总结", "H1"),
        ("市科技局2017年1-5月工作进展", "M1-M5"),
        ("市科技局2017年前三季度工作总结", "Q1-Q3"),
        ("市科技局2017年1-12月工作总结", "FY"),
        ("市科学技术局上半年工作总结与下年工作思路", "FY"),
        ("宁波市科技局2014年工作总结", "FY"),
        ("", "FY"),
        ("科技局半年工作总结", "H1"),
        ("县科技局半年度工作总结", "H1"),
        ("市科技局1-8月工作总结", "M1-M8"),
        ("市科技局前三季度工作情况", "Q1-Q3"),
        ("2019年工作总结及下半年工作安排", "FY"),
    ],
)
def test_period_from_title(title, period):
    assert infer_period(title) == period


def test_first_half_summary_with_second_half_plan():
    text = (
        "青岛市科技局2013年上半年工作总结\n上半年，全市争取国家、省科技经费9亿元。\n"
        "下半年，我局将根据年初确定的目标要求，继续做好海洋科技工作。"
    )
    meta = infer_metadata("h1", text)
    assert (meta.report_year, meta.period, meta.doc_type) == (2013, "H1", "summary+plan")


@pytest.mark.parametrize(
    ("text", "doc_type"),
    [
        ("宁波市科技局2014年工作总结\n一、主要工作进展和成效", "summary"),
        ("2017年科技工作要点\n一、突出三大重点", "plan"),
        (
            "区科技局2023年工作总结\n一、2023年工作情况\n二、2024年工作计划\n2024年是攻坚之年。",
            "summary+plan",
        ),
        ("一年来，我市科技工作取得新进展。形成了具有青岛特色的“1+10”科技工作思路。", "summary"),
    ],
)
def test_doc_type(text, doc_type):
    assert infer_metadata("t", text).doc_type == doc_type


# -------------------------------------------------------------------- properties


@settings(max_examples=100, deadline=None)
@given(
    st.text(
        alphabet="青岛市南区胶州温州*XX县科技局2013年上半年工作总结要点，。\n十三五开门红下半年我局将继续",
        max_size=200,
    )
)
def test_infer_metadata_is_total_and_pure(text):
    first = infer_metadata("p", text)
    assert infer_metadata("p", text) == first
    assert 0.0 <= first.region_confidence <= 1.0
    assert 0.0 <= first.year_confidence <= 1.0
    assert first.report_year is None or 2000 <= first.report_year <= 2099
    assert first.doc_type in {"summary", "plan", "summary+plan"}
    assert first.region_masked in {0, 1}


# ------------------------------------------------- rules for unseen report styles
# Short texts written for these tests; each exercises one rule.


def test_pinyin_ruby_is_removed():
    """Cleaning removes the ruby, so metadata reads the words whole (one rule, repairs.csv)."""
    assert clean_text("r", "全市新增高新技術(shù)企業(yè)40家").text == "全市新增高新技術企業40家"
    assert clean_text("r", "产值(2023年)增长").text == "产值(2023年)增长"
    meta = infer_metadata("r", "高唐(gāo)縣(xiàn)科(kē)技(jì)局2011年工作總結")
    assert meta.title == "高唐县科技局2011年工作总结"


@pytest.mark.parametrize(
    ("date", "doc_type", "period", "year"),
    [
        ((2021, 3), "summary", "FY", 2020),  # an annual summary is out by April
        ((2021, 8), "summary", "FY", None),  # too late to tell (a repost)
        ((2021, 7), "summary", "H1", 2021),  # a 上半年 summary in Jun-Sep
        ((2021, 12), "summary", "H1", None),
        ((2021, 6), "summary", "M1-M5", 2021),
        ((2021, 12), "plan", "FY", 2022),  # a plan issued in December
        ((2021, 2), "plan", "FY", 2021),
        ((2021, 9), "plan", "FY", None),
        (None, "summary", "FY", None),
    ],
)
def test_dateline_calendar(date, doc_type, period, year):
    assert _dateline_year(date, doc_type, period) == year


def test_dateline_dates_a_report_that_names_no_year():
    text = (
        "上半年某市科技工作综述\n2020-07-28\n上半年，全市新增省级研发平台5家，完成全年任务的六成。"
    )
    meta = infer_metadata("d", text)
    assert (meta.report_year, meta.period, meta.year_confidence) == (2020, "H1", 0.35)


def test_explicit_year_beats_the_dateline():
    text = "发布日期:2019-03-02\n2017年，全市发明专利授权量稳步提高，同比增长9%。"
    assert infer_metadata("e", text).report_year == 2017


def test_partner_city_does_not_outvote_a_county_voice():
    text = (
        "县科技局年度工作总结\n"
        "一年来，我县主动接轨上海，与上海多所高校签订合作协议，组织企业赴上海参加对接活动，"
        "与上海技术交易所共建服务站。桐乡经济开发区新增研发中心3家，全县专利授权量稳步增长。"
    )
    meta = infer_metadata("p", text)
    # the partner never wins; one mention of 桐乡 is too weak to be stated as a fact
    assert (meta.region, meta.parent_city, meta.province) == ("", "", "")
    best = infer_region("县科技局年度工作总结", text.split("\n", 1)[1]).evidence
    assert best[0].startswith("浙江省嘉兴市桐乡市") or "桐乡市" in " ".join(best)


def test_bare_city_name_counts_as_evidence():
    meta = infer_metadata(
        "b", "日前，市科技局召开专题会议，为襄阳加快建设区域科技创新中心汇聚力量。"
    )
    assert (meta.region, meta.admin_level, meta.province) == ("襄阳市", "prefecture", "湖北省")


def test_peers_in_a_list_and_partners_are_weak():
    meta = infer_metadata("w", "我市与无锡、常州等兄弟城市开展交流，与苏州合作共建研究院。")
    assert meta.region == ""


def test_voice_gives_the_level_of_a_hidden_place():
    county = infer_metadata(
        "c",
        "科技局半年工作总结\n上半年，全县科技工作围绕整合*科技资源，发展*茶叶产业，我县新增示范村5个。",
    )
    assert (county.region, county.admin_level, county.region_masked) == ("", "county", 1)
    assert county.period == "H1"
    district = infer_metadata(
        "d",
        "区科技局工作总结\n今年以来，我区借助*高新园区，形成*品牌的创新格局，全区新增企业5家。",
    )
    assert (district.region, district.admin_level, district.region_masked) == ("", "district", 1)
    city = infer_metadata("m", "今年以来，我市科技工作稳步推进，全市新增高企20家。")
    assert city.admin_level == ""  # 全市: a prefecture or a county-level city


def test_hidden_district_keeps_its_city():
    text = (
        "*区科技局今年上半年工作小结\n今年上半年，*区科技局聚焦企业培育，*区2家企业入选"
        "绍兴市创新团队名单，全区新增孵化器1家。"
    )
    meta = infer_metadata("h", text)
    assert (meta.region, meta.admin_level, meta.parent_city, meta.province) == (
        "",
        "district",
        "绍兴市",
        "浙江省",
    )
    assert (meta.region_masked, meta.period) == (1, "H1")


def test_spaced_x_mask():
    meta = infer_metadata(
        "x", "X X 区科技局工作总结\n全区科技工作稳步推进，X X 区新增企业研发中心3家。"
    )
    assert (meta.admin_level, meta.region_masked) == ("district", 1)


def test_news_item_period_from_lede_and_headline():
    lede = (
        "今年1-4月 某市技术交易额增长两成\n6月下旬，区科技局召开半年度工作推进会，回顾上半年进展。"
    )
    assert infer_metadata("n", lede).period == "H1"
    headline = "上半年全市高新技术产业增加值增长12%\n全市高新技术产业增加值同比增长12%。"
    assert infer_metadata("h", headline).period == "H1"
    # deep in an annual summary, a mid-year meeting is only an event of the year
    annual = "一年来，全市科技工作成效明显，同比增长8%。" * 20 + "7月召开全市半年度科技工作会议。"
    assert infer_metadata("a", annual).period == "FY"


def test_news_item_deploying_this_years_work_is_a_plan():
    plan = (
        "昨日，全市科技工作会议召开，会上部署了今年全区科技工作。\n"
        "今年全区科技工作要完成三项任务：一是技术合同成交额突破50亿元；二是新增省级平台10家。"
    )
    assert infer_metadata("p", plan).doc_type == "plan"
    with_results = plan + "去年全市高新技术产业增加值同比增长15%。"
    assert infer_metadata("r", with_results).doc_type == "summary"


def test_second_half_turn_makes_summary_plus_plan():
    text = (
        "区科技局召开半年度工作推进会。\n上半年，全市研发投入同比增长12%。"
        "下半年工作将重点抓好成果转化。"
    )
    assert infer_metadata("s", text).doc_type == "summary+plan"


def test_title_quoted_by_a_cover_letter():
    lines = [
        "各县（市）区科技局、局属各单位：",
        "现将《某市2018年科技工作总结及2019年工作思路》印发给你们，请认真学习。",
        "某市科学技术局",
    ]
    assert extract_title(lines) == "某市2018年科技工作总结及2019年工作思路"
    assert extract_title(["附件:2018年工作总结及2019年工作思路", "2018年，全市"]) == (
        "2018年工作总结及2019年工作思路"
    )
    shared = "《科技局半年工作总结_2.docx》由会员分享，可在线阅读，更多相关文档请搜索。"
    assert extract_title([shared]) == "科技局半年工作总结"


def test_weakest_year_sources():
    baseline = infer_metadata("b", "全区高新技术产业增加值占比达到40%，较2018年提高5个百分点。")
    assert (baseline.report_year, baseline.year_confidence) == (2019, 0.3)
    congress = infer_metadata("c", "上半年，我局认真贯彻党的十八大精神，全县科技工作开局良好。")
    assert (congress.report_year, congress.year_confidence) == (2013, 0.25)


# ---------------------------------------------------------------- second held-out round


def test_slogan_county_does_not_claim_the_region():
    text = (
        "县科技局：上半年工作成效显著\n"
        "今年上半年，县科技局全面实施“工业强县、科技兴县”战略，"
        "全县新认定高新技术企业5家，遂宁市光电研究院落户园区。"
    )
    meta = infer_metadata("s", text)
    assert (meta.region, meta.admin_level, meta.parent_city, meta.province) == (
        "",
        "county",
        "遂宁市",
        "四川省",
    )


def test_company_city_gives_only_the_parent_of_a_county_text():
    text = (
        "2018年我局推荐企业申报高新技术企业，衡阳恒达保温材料有限责任公司通过审核，"
        "我县新增高企3家。\n2018年1-9月全县高新技术产业产值27亿元。"
    )
    meta = infer_metadata("c", text)
    assert (meta.region, meta.admin_level, meta.parent_city, meta.province) == (
        "",
        "county",
        "衡阳市",
        "湖南省",
    )
    assert meta.period == "Q1-Q3"


def test_functional_zone_with_its_own_bureau():
    text = (
        "记者从平原示范区获悉，平原示范区科技和工业信息化局被河南省科学技术厅授予先进集体。"
        "2022年，全区新认定高新技术企业18家。"
    )
    meta = infer_metadata("z", text)
    assert (meta.region, meta.admin_level, meta.parent_city, meta.province) == (
        "平原示范区",
        "district",
        "",
        "河南省",
    )


def test_autonomous_prefecture_short_form_and_first_quarter():
    text = (
        "今年以来，黔东南州科技系统深入实施创新驱动发展战略，科技创新工作取得积极成效。"
        "一季度，组织科技人员下乡服务，全州技术合同成交额500万元。"
    )
    meta = infer_metadata("q", text)
    assert (meta.region, meta.admin_level, meta.period) == (
        "黔东南苗族侗族自治州",
        "prefecture",
        "M1-M3",
    )


def test_opening_period_cues():
    opening = "区科技局：工作扎实推进\n今年1-10月，全区技术合同成交额增长20%。"
    assert infer_period("", opening.split("\n", 1)[1], "区科技局：工作扎实推进") == "M1-M10"
    assert infer_period("", "前三季度，全市专利授权增长。") == "Q1-Q3"
    assert infer_period("", "2018年1-6月，全县高新技术产业产值46亿元。") == "H1"
    # a bare month span inside an annual opening, and next year's quarter, do not scope
    annual = "2016年，市科技局圆满完成年度目标。研发投入263亿元。1-10月，技术合同交易额63亿元。"
    assert infer_period("", annual) == "FY"
    assert infer_period("", "全年工作顺利。四季度指标需明年一季度统计。") == "FY"
    # a title that calls itself annual keeps FY
    assert infer_period("2018年度科技工作总结", "今年1-9月，全县研发投入1亿元。") == "FY"


def test_headline_and_title_period_words():
    assert infer_period("", "", "苏州前九月发明专利授权增七成") == "Q1-Q3"
    assert infer_period("某县2018年一季度科技工作总结") == "M1-M3"


def test_next_step_with_targets_is_summary_plus_plan_of_the_year_before():
    text = (
        "今年以来，全市新认定高新技术企业35家，全年登记技术合同94个。\n"
        "下一步，全市将加大高新技术企业培育力度，力争2025年认定高新技术企业25家以上。"
    )
    meta = infer_metadata("n", text)
    assert (meta.doc_type, meta.report_year) == ("summary+plan", 2024)


def test_target_year_is_not_the_most_cited_year():
    text = "全市新认定高新技术企业35家。力争2025年研发投入达到2亿元，到2025年建成平台10个。"
    assert infer_metadata("t", text).report_year is None


def test_task_table_is_a_plan():
    header = "类别 | 序号 | 项目名称 | 工作标准 | 完成期限 |\n"
    rows = "重点类 | 1 | 创新工程 | 研发经费占比达2.8% | 12月底 |\n"
    assert infer_metadata("p", header + rows).doc_type == "plan"
    done = "序号 | 项目名称 | 工作标准 | 完成情况 |\n1 | 创新工程 | 占比2.8% | 已完成 |\n"
    assert infer_metadata("d", done).doc_type == "summary"


def test_five_year_plan_notice_is_a_plan_dated_by_its_first_year():
    text = (
        "某市人民政府办公室关于印发某市科学技术发展“十三五”规划的通知\n"
        "各镇政府、区政府各部门：现印发给你们，请认真组织实施。\n"
        "“十二五”期间，全社会研发投入占比从2010年的1.38%提高到2015年的2.5%。"
    )
    meta = infer_metadata("f", text)
    assert (meta.doc_type, meta.report_year) == ("plan", 2016)


def test_year_statement_beats_plan_stage_and_dateline():
    text = (
        "发布时间:2015-01-26 01:31:07\n"
        "2014年是全面完成“十二五”各项目标任务的关键之年。全区新增高新技术企业20家。"
    )
    meta = infer_metadata("y", text)
    # 完成“十二五”…目标任务 alone says 2015; the statement (0.8) wins, and the dateline
    # (an annual summary in January) and the one cited year agree with it: +0.03 each
    assert (meta.report_year, meta.year_confidence) == (2014, 0.86)


def test_news_about_this_year_takes_its_dateline_year():
    text = (
        "苏州前九月发明专利授权增七成\n发布时间:2019-08-31 11:48:15\n今年，我市工业经济平稳增长。"
    )
    meta = infer_metadata("d", text)
    assert (meta.report_year, meta.year_confidence, meta.period) == (2019, 0.27, "Q1-Q3")
    # a comparison year outweighs a repost's 今年 and its late dateline
    repost = (
        "时间:2021-08-31\n全区高新技术产业占比提高，对比2014年所占比重提高5个百分点，今年将继续。"
    )
    assert infer_metadata("r", repost).report_year == 2015


def test_partner_city_is_not_the_parent_of_a_county_text():
    text = "今年，我县组织企业赴深圳考察，全县新增高新技术企业3家，县科技局获表彰。"
    meta = infer_metadata("p", text)
    assert (meta.region, meta.admin_level, meta.parent_city) == ("", "county", "")


def test_five_year_plan_title_line_makes_a_plan():
    text = "某市“十四五”科技创新规划\n“十四五”时期，是全市科技创新的关键时期。全市研发投入强度提高到2.1%。"
    meta = infer_metadata("p5", text)
    assert (meta.title, meta.doc_type, meta.report_year) == (
        "某市“十四五”科技创新规划",
        "plan",
        2021,
    )


def test_cover_letter_issuing_a_five_year_plan_names_it():
    text = (
        "府办〔2011〕20号\n各区人民政府：\n经市政府同意，现将《某市“十二五”科技发展规划》印发给你们。\n"
        "“十一五”期间，全市高新技术企业达到49家。"
    )
    meta = infer_metadata("p6", text)
    assert (meta.title, meta.doc_type, meta.report_year) == (
        "某市“十二五”科技发展规划",
        "plan",
        2011,
    )


def test_sentence_quoting_an_action_plan_is_not_a_title():
    text = (
        "按照全省科技型企业三年行动计划联席会议办公室《督查方案》的要求，12月1日，市科技局召开"
        "汇报会。全市新增高新技术企业20家，同比增长8.1%。"
    )
    meta = infer_metadata("n1", text)
    assert (meta.title, meta.doc_type) == ("", "summary")


def test_news_item_dated_late_in_the_year_takes_its_dateline_year():
    text = (
        "市科技局：推动创新链嫁接产业链\n发表时间:2020-12-01   来源:某市日报\n"
        "过去五年，全市高新技术企业由49家增长到127家。"
    )
    assert is_chrome("发表时间:2020-12-01   来源:某市日报")
    meta = infer_metadata("n2", text)
    assert (meta.report_year, meta.year_confidence) == (2020, 0.27)


def test_headline_about_last_year_is_read_against_the_dateline():
    text = (
        "全市去年科技指标全部超额完成\n2021年04月06日07:56\n"
        "记者从召开的2021年科技工作会议上获悉，去年全市新认定高新技术企业39家。"
        "会议强调，2021年是“十四五”规划开局之年。"
    )
    assert is_chrome("2021年04月06日07:56")
    meta = infer_metadata("n3", text)
    assert meta.report_year == 2020


def test_lagged_rd_figure_year_does_not_date_the_report():
    text = "今年，全县围绕特色产业推进科技创新。2023年度，94家规上企业研发投入达到3亿元。"
    meta = infer_metadata("n4", text)
    assert (meta.report_year, meta.year_confidence) == (2024, 0.3)


def test_city_named_only_in_rankings_yields_to_its_county_level_city():
    text = (
        "义乌科技工作成效显著。去年，义乌制定出台多项政策。"
        "高新技术产业增加值占比71.1%，位居金华第二；研发费用总量列金华第一。"
        "义乌企业创新活跃。"
    )
    meta = infer_metadata("d", text)
    assert (meta.region, meta.admin_level, meta.parent_city) == ("义乌市", "county_city", "金华市")


def test_masked_bureau_is_masked_even_when_its_city_ranks_it():
    text = (
        "市科技局2023年度工作总结\n今年来，XX市科技局深入推进创新，科技人才实现绍兴、XX两个"
        "零的突破。全市研发费用占营业收入比重4.57%（居绍兴第2），新增高新技术企业120家，"
        "为绍兴第一。赛思倍斯（绍兴）智能科技有限公司与清华大学合作发射卫星。"
    )
    meta = infer_metadata("d", text)
    assert (meta.region_masked, meta.region, meta.admin_level, meta.parent_city) == (
        1,
        "",
        "county_city",
        "绍兴市",
    )


def test_districts_a_result_beats_are_peers_not_the_region():
    text = (
        "科技局2025年工作落实情况(1-3月)\n认真分析我区情况。完成率99%，排名全市第5"
        "（完成率超过越城、滨海）。推进与浙江绍兴研究院的协作。区委审议通过方案。"
    )
    meta = infer_metadata("d", text)
    assert (meta.region, meta.admin_level, meta.parent_city) == ("", "district", "绍兴市")


def test_labelled_date_in_a_body_line_dates_an_undated_summary():
    text = (
        "发布机构 江阴市科学技术局 生成日期 2020-03-05\n"
        "全市全年共申报高新技术企业279家，全市技术合同成交额达到36亿元。"
    )
    meta = infer_metadata("d", text)
    assert (meta.region, meta.report_year) == ("江阴市", 2019)


_HEADING_ALPHABET = "一二、.2019年度工作总结思路要点明下半科技\n 。；：x"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_HEADING_ALPHABET, max_size=40))
def test_heading_cues_split_in_two_rows_find_what_the_one_pattern_found(text):
    """plan_start and year_heading open with "text start or a mark"; written as two rows
    (\\A…, [mark]…) so that re can jump from mark to mark, they find the same first match."""
    cues = {**metadata.load_cues(), **lexicon.load_cues("sections.csv")}
    for kind, lead in (("plan_start", r"[\s。；;：:]"), ("year_heading", r"[\s。；;]")):
        split = [c for c in cues[kind] if c.regex.pattern.startswith((r"\A", lead))]
        body = split[0].regex.pattern[2:]
        one = re.compile(r"(?:^|" + lead + ")" + body, re.M)
        found = [m for c in split if (m := c.regex.search(text))]
        first = min(found, key=lambda m: m.start()) if found else None
        want = one.search(text)
        assert (first and (first.start(), first.group())) == (want and (want.start(), want.group()))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="2019年-至到~ 0，1", max_size=30))
def test_year_pattern_finds_what_its_plain_form_finds(text):
    plain = re.compile(r"(?<![\d\-—–~至到])(20\d\d)\s*年(?!\s*[-—–~至到]\s*20\d\d)")
    got = [(m.span(), m.group(1)) for m in metadata.YEAR_RE.finditer(text)]
    assert got == [(m.span(), m.group(1)) for m in plain.finditer(text)]
