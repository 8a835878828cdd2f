"""Places: never guess (issue 11). Made-up sentences for every class of wrong place.

Each test names the class it guards: word boundaries, slogans and quotations, the level
the text speaks as, the province it names, low confidence (empty and listed in
needs_manifest.csv), the divisions of the report's year, traditional script and a place
named once in the lead.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from analysis.gazetteer import find_places
from analysis.ingest import MANIFEST_FIELDS, MANIFEST_KEYS
from analysis.metadata import NEEDS_COLUMNS, infer_metadata, infer_region
from analysis.pipeline import extract_corpus


def place(meta) -> tuple[str, str, str, str]:
    return (meta.region, meta.admin_level, meta.parent_city, meta.province)


# ------------------------------------------------------------------ word boundaries


def test_a_county_inside_an_ordinary_word_is_not_read():
    # 示范县 ends with the county 范县; 示范 is a word, so 范县 is not one here
    assert find_places("争创国家级科技示范县，建设农业示范县。") == []
    assert [h.name for h in find_places("范县科技局召开全县科技大会")] == ["范县"]


def test_a_report_full_of_model_counties_is_not_placed_in_one():
    meta = infer_metadata("w", "近年来，全县创建省级科技示范县，示范县建设成效明显，全县新增高企5家。")
    assert meta.region == ""


# ------------------------------------------------------------ slogans and quotations


def test_a_place_inside_a_quoted_slogan_is_no_evidence():
    text = "我市深入学习“晋江经验”，推进创新驱动发展。全市新增高新技术企业30家。"
    assert infer_metadata("s", text).region == ""
    # the same name outside quotation marks is evidence
    text = "晋江市深入推进创新驱动发展。全市新增高新技术企业30家。"
    assert place(infer_metadata("s", text)) == ("晋江市", "county_city", "泉州市", "福建省")


def test_a_place_inside_a_strategy_name_is_no_evidence_but_an_issuer_is():
    strategy = "全区认真落实《长株潭自主创新示范区建设规划》，推动创新发展。全区专利授权增长。"
    assert infer_metadata("q", strategy).region == ""
    issuer = "全区出台《雨花区高新技术企业培育办法》，推动创新发展。全区专利授权增长。"
    assert place(infer_metadata("q", issuer)) == ("雨花区", "district", "长沙市", "湖南省")


# ------------------------------------------------------------------- level agreement


def test_a_county_report_is_never_promoted_to_its_city():
    text = (
        "台州市天台县全力打造科技创新高地\n"
        "联合台州市科技局开展专利执法，台州市科技局领导到企业调研。全县申请专利85件，"
        "全县高新技术企业达到12家，天台县省级农业科技园区建设稳步推进。"
    )
    assert place(infer_metadata("l", text)) == ("天台县", "county", "台州市", "浙江省")


def test_a_county_voice_naming_only_its_city_leaves_the_region_empty():
    text = "在嘉兴市科技局的指导下，嘉兴市科技局组织专家来我县调研。全县新增高新技术企业9家。"
    meta = infer_metadata("l", text)
    assert (meta.region, meta.admin_level) == ("", "county")


# ---------------------------------------------------------------- province agreement


def test_a_city_of_another_province_than_the_one_named_is_not_guessed():
    text = (
        "我市认真落实湖南省科技厅的部署，争创湖南省创新型城市，全市上下齐心协力。"
        "吸引深圳企业落户我市。全市新增高新技术企业40家。"
    )
    meta = infer_metadata("p", text)
    assert (meta.region, meta.province) == ("", "")
    assert infer_region("", text).evidence[0] == "the text names 湖南省 but 深圳市 is in 广东省"


def test_the_region_agrees_with_the_province_it_names():
    text = "株洲市科技局：全市落实湖南省科技厅部署，争创湖南省创新型城市。全市新增高企40家。"
    assert place(infer_metadata("p", text)) == ("株洲市", "prefecture", "株洲市", "湖南省")


# ----------------------------------------------------- low confidence: empty and listed


def test_weak_evidence_leaves_the_region_empty_with_its_candidates_in_words():
    text = "我市与无锡、常州等兄弟城市开展交流，组织企业赴苏州参加对接活动。全市专利授权增长。"
    guess = infer_region("", text)
    assert guess.region == ""
    assert guess.evidence  # says why: the candidates and their evidence


def test_low_confidence_documents_are_listed_in_needs_manifest(tmp_path: Path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "clear.txt").write_text(
        "宁波市科学技术局2019年工作总结\n2019年，全市新增高新技术企业500家。", encoding="utf-8")
    (raw / "weak.txt").write_text(
        "科技工作总结\n我市与无锡、常州等兄弟城市开展交流。全市新增高新技术企业50家。",
        encoding="utf-8")
    out = tmp_path / "out"
    tables = extract_corpus(raw, out, jobs=1, progress=False, use_cache=False)
    with open(out / "needs_manifest.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["doc_id"] for r in rows] == ["weak"]
    assert rows[0]["file"] == "weak.txt"
    assert "region" in rows[0]["missing"] and "report_year" in rows[0]["missing"]
    assert list(rows[0]) == list(NEEDS_COLUMNS)
    # every column but the two notes is one manifest.csv accepts
    assert set(NEEDS_COLUMNS) - set(MANIFEST_KEYS + MANIFEST_FIELDS) == {"missing", "candidates"}
    assert tables.summary["needs_manifest"] == [("weak", rows[0]["missing"])]

    # the user fills it in and saves it as manifest.csv: the document is placed
    rows[0].update(region="无锡市", report_year="2019")
    with open(raw / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=[c for c in NEEDS_COLUMNS
                                                if c not in ("missing", "candidates")],
                                extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    tables = extract_corpus(raw, out, jobs=1, progress=False, use_cache=False)
    docs = tables.documents.set_index("doc_id")
    assert (docs.loc["weak", "region"], docs.loc["weak", "province"]) == ("无锡市", "江苏省")
    assert tables.summary["needs_manifest"] == []
    assert tables.summary["manifest_problems"] == []



def test_a_region_given_with_modest_confidence_is_kept_and_listed_for_a_look(tmp_path: Path):
    from analysis.metadata import REGION_LISTED_BELOW

    raw = tmp_path / "raw"
    raw.mkdir()
    # named once, in the opening sentence only: given, but not with full confidence
    (raw / "modest.txt").write_text(
        "科技工作总结\n近日，宁国市召开科技创新大会。会议指出，2019年全市新增高新技术企业20家。",
        encoding="utf-8")
    tables = extract_corpus(raw, tmp_path / "out", jobs=1, progress=False, use_cache=False)
    doc = tables.documents.set_index("doc_id").loc["modest"]
    assert doc["region"] == "宁国市" and doc["region_confidence"] < REGION_LISTED_BELOW
    [(doc_id, missing)] = tables.summary["needs_manifest"]
    assert doc_id == "modest" and missing.startswith("region (unsure: 宁国市, confidence ")

# ----------------------------------------------------------- divisions of the year


def test_a_county_city_then_a_district_by_the_report_year():
    text = "即墨科技局召开全市科技工作会议。即墨新增高新技术企业20家。"
    then = infer_region("", text, year=2012)
    now = infer_region("", text.replace("全市", "全区"), year=2023)
    assert (then.region, then.admin_level, then.parent_city) == ("即墨市", "county_city", "青岛市")
    assert (now.region, now.admin_level, now.parent_city) == ("即墨区", "district", "青岛市")


def test_a_merged_city_by_the_report_year():
    assert infer_region("莱芜市科技局2015年工作总结", "全市科技工作。", year=2015).admin_level == (
        "prefecture")
    later = infer_region("莱芜区科技局2020年工作总结", "全区科技工作。", year=2020)
    assert (later.region, later.admin_level, later.parent_city) == ("莱芜区", "district", "济南市")


def test_the_short_name_of_a_unit_long_gone_is_an_ordinary_word():
    # 动力区 of 哈尔滨 was merged in 2006: in a later report 动力 is just "drive"
    assert find_places("科技创新成为新动力", 2015) == []
    assert [h.name for h in find_places("动力区科技局", 2004)] == ["动力区"]


# ------------------------------------------------------ traditional script, lead only


def test_a_report_in_traditional_script_is_placed():
    text = "瓜州縣科學技術局2018年工作總結\n全縣申請專利85件，全縣高新技術企業達到5家。"
    meta = infer_metadata("t", text)
    assert place(meta) == ("瓜州县", "county", "酒泉市", "甘肃省")
    assert meta.report_year == 2018


def test_a_place_named_once_in_the_lead_is_placed():
    wire = "宁国讯 近日，全市科技工作会议召开。会议指出，今年全市新增高新技术企业20家。"
    assert place(infer_metadata("n", wire)) == ("宁国市", "county_city", "宣城市", "安徽省")
    opening = "近日，宁国市召开科技创新大会。会议指出，全市新增高新技术企业20家，专利授权增长。"
    assert place(infer_metadata("n", opening)) == ("宁国市", "county_city", "宣城市", "安徽省")


def test_a_county_level_city_under_its_province_has_no_parent_city():
    meta = infer_metadata("d", "潜江市科技局2015年工作总结\n全市新增高新技术企业8家。")
    assert place(meta) == ("潜江市", "county_city", "", "湖北省")


def test_the_city_paper_in_the_source_line_places_a_city_voiced_news_item():
    """来源：XX日报 on a page that speaks as 全市 and names no place in its body."""
    text = ("某网 > 科教\n"
            "全市高新技术产值实现新高\n"
            "2012-12-05 09:45:39 来源:某网-哈尔滨日报  作者:记者\n"
            "截至2012年10月底,全市高新技术产值实现2266亿元,同比增长22.63%。全市专利申请量实现10784件。\n")
    meta = infer_metadata("s", text)
    assert (meta.region, meta.admin_level, meta.province) == ("哈尔滨市", "prefecture", "黑龙江省")


def test_a_source_line_of_another_level_is_no_evidence():
    """A city paper reporting a county's work (全县) does not make the city the author."""
    text = ("县里科技工作见成效\n"
            "2012-12-05 来源:哈尔滨日报\n"
            "全县高新技术企业达到12家,全县专利申请量实现108件。\n")
    assert infer_metadata("c", text).region != "哈尔滨市"


def test_a_rank_within_the_parent_is_not_the_voice_of_the_text():
    """居全区首位, 全区唯一 in a city of an autonomous region: 全区 is the province, so the
    city that names itself throughout is the region, not an unnamed district."""
    text = ("成为全区唯一入选前20名的城市。\n"
            "2024年鄂尔多斯科技创新指标持续攀高。鄂尔多斯市委、市政府高度重视科技创新工作。"
            "鄂尔多斯市研发投入强度达到0.91%,居全区首位。\n")
    meta = infer_metadata("v", text)
    assert (meta.region, meta.admin_level) == ("鄂尔多斯市", "prefecture")


@pytest.mark.parametrize("frame", ["推动高质量发展走在嘉兴前列", "在嘉兴各县市区中排名第二",
                                   "跻身嘉兴第一方阵", "走在嘉兴市前列", "在嘉兴市各县(市、区)中排名第二",
                                   "位居嘉兴市第二"])
def test_a_front_rank_or_ranking_among_a_citys_counties_frames_a_unit_below_it(frame):
    """走在某市前列 in the opening sentence is no author naming itself: the text speaks for
    a unit of that city, unnamed here, so the region stays empty and its city is kept."""
    text = (f"2022年科技工作在市委市政府的正确领导下,{frame}。\n"
            "全市研发投入占GDP比重为3.1%,全年新认定高新技术企业60家,列嘉兴各县市区第一。"
            "承办嘉兴科技活动周主场活动。\n")
    assert place(infer_metadata("f", text)) == ("", "county_city", "嘉兴市", "浙江省")
    own = "嘉兴市科技局2022年工作总结\n" + text.replace("嘉兴", "全省")
    assert place(infer_metadata("o", own)) == ("嘉兴市", "prefecture", "嘉兴市", "浙江省")


def test_a_county_citys_industry_bureau_names_it_over_its_prefecture():
    # many county-level cities run science from their 工信局/经信局; portal widgets on their
    # own lines are no headline
    text = ("网站支持IPv6\n无障碍\n适老版\n长者专区\n\n"
            "宜兴市工信局推动科技创新取得新成效\n"
            "这背后离不开宜兴市工信局的努力,也是落实无锡市委部署的重要工作。"
            "2023年宜兴规上企业研发投入达到19.5亿元。\n")
    meta = infer_metadata("d", text)
    assert place(meta) == ("宜兴市", "county_city", "无锡市", "江苏省")
    assert "IPv6" not in meta.title


def test_the_city_whose_total_a_figure_is_a_share_of_is_the_parent_frame():
    # 占X市…总量的 and 列X各县市第一 name the city the reporting county-level city lies in
    text = ("“高新技术产业产值实现总量589亿元,占潍坊市高新技术产业产值总量的四分之一;"
            "比重达到35.75%,列潍坊各县市第一”。这是诸城市2011年科技工作交出的答卷。"
            "近年来,诸城坚持把提升创新能力作为核心,诸城市科技工作实现新突破。\n")
    assert place(infer_metadata("d", text)) == ("诸城市", "county_city", "潍坊市", "山东省")


def test_a_digest_of_news_from_several_cities_is_placed_in_none():
    text = ("【乐山】\n国家高新区去年新获授权专利148件\n日前,记者从乐山市科技局获悉,2014年,"
            "乐山国家高新区新申请专利213件。\n【德阳】\n广汉确保工业经济稳增长\n记者在广汉市科技局"
            "了解到,广汉市全年新增高新技术企业12家,广汉市科技工作成效明显。\n")
    meta = infer_metadata("d", text)
    assert place(meta) == ("", "", "", "")
    # one bracketed place line alone is a news item's dateline, not a digest
    assert infer_metadata("o", text.split("【德阳】")[0]).region != ""


def test_a_unit_named_far_more_often_than_its_city_is_the_texts_region():
    text = ("近年来,宜兴坚持创新驱动,落实无锡市委部署。宜兴规上企业研发投入达到19.5亿元;"
            "宜兴高新技术产业产值达到900亿元;宜兴新增高新技术企业60家;宜兴技术合同成交额12亿元。\n")
    assert place(infer_metadata("d", text)) == ("宜兴市", "county_city", "无锡市", "江苏省")
    # a city report that names one county now and then stays the city's
    city = ("无锡市科技局2023年工作总结\n全市新增高新技术企业600家,其中宜兴新增60家。"
            "全市技术合同成交额达到120亿元。\n")
    assert place(infer_metadata("c", city))[0] == "无锡市"


def test_a_county_directly_under_its_province_speaking_as_a_county_is_placed():
    text = ("为促进屯昌科技工作发展,海南省科学技术厅和屯昌县人民政府举行会商。"
            "屯昌县全县新增高新技术企业5家,屯昌专利授权120件。\n")
    assert place(infer_metadata("d", text)) == ("屯昌县", "county", "", "海南省")


def test_a_visit_headline_places_the_figures_in_the_host_not_the_visitor():
    # the city bureau visits a county; the county's figures follow, the headline names
    # the host by its short name only
    text = ("洛阳市科技局到栾川调研企业创新发展\n"
            "近日,洛阳市科技局局长一行到栾川县工业园区调研洛阳某某材料有限公司等企业。\n"
            "近年来,栾川县县级财政科技投入逐年递增;县内高新技术企业达到23家,"
            "万人有效发明专利拥有量已达4.1件。\n"
            "洛阳市科技局局长对栾川县的科技创新工作给予了充分肯定。\n")
    assert place(infer_metadata("v", text))[:2] == ("栾川县", "county")


def test_a_visit_with_no_place_as_host_or_in_the_visitors_own_voice_keeps_the_visitor():
    firms = "沅陵县科技局深入企业调研\n近日,沅陵县科技局一行深入企业调研。全县新增高新技术企业12家。\n"
    trip = ("沅陵县科技局赴株洲市考察学习\n近日,沅陵县科技局赴株洲市考察学习。我县将借鉴经验。"
            "全县新增高新技术企业12家。\n")
    for text in (firms, trip):
        assert place(infer_metadata("v", text))[:2] == ("沅陵县", "county")


# ------------------------------------------------------------ a city's zone as the author


def test_a_district_voiced_text_naming_its_citys_zone_is_the_zone():
    # 高新区 short for 高新技术产业开发区: the zone's official name is the city's short name
    # + the zone kind, a district of the city in SCHEMA's levels
    text = ("本地新闻>>区县新闻\n"
            "截至2019年底,绍兴高新区新认定科技型中小企业120家,总数达到600家。\n"
            "2019年以来,全区新认定高新技术企业80家,绍兴高新区还组织企业申报省级研发中心。\n")
    assert place(infer_metadata("z", text)) == ("绍兴高新技术产业开发区", "district", "绍兴市",
                                                 "浙江省")
    headline = "嘉兴国家高新区上半年专利授权增长20%\n今年上半年,全区专利授权1200件。\n"
    assert place(infer_metadata("h", headline)) == ("嘉兴高新技术产业开发区", "district",
                                                     "嘉兴市", "浙江省")
    econ = "湖州经开区:全区新增高企30家\n2020年,湖州经开区新增高新技术企业30家。\n"
    assert place(infer_metadata("e", econ))[0] == "湖州经济技术开发区"


def test_a_zones_full_name_written_in_the_text_is_kept():
    # 经济开发区 and 高新技术产业集聚区 are designations of their own: not renamed, and the
    # short form 高新区 in the same text stands for the full name it writes
    econ = "湖州经济开发区:全区新增高企30家\n2020年,湖州经济开发区新增高新技术企业30家。\n"
    assert place(infer_metadata("e", econ))[0] == "湖州经济开发区"
    cluster = ("绍兴高新区上半年专利授权增长20%\n今年上半年,全区专利授权1200件。"
               "绍兴高新技术产业集聚区新增企业30家。\n")
    assert place(infer_metadata("c", cluster)) == ("绍兴高新技术产业集聚区", "district", "绍兴市",
                                                    "浙江省")


def test_a_zone_named_once_in_passing_or_in_a_city_report_is_not_the_author():
    # once in the body of a district-voiced text: not enough to name the author
    once = "全区新认定高新技术企业80家,与绍兴高新区合作共建平台。全区专利授权500件。\n"
    assert infer_metadata("o", once).region == ""
    # a city report (全市) lists the zone as one of its parts: the city's
    city = ("绍兴市科技局2019年工作总结\n全市新增高新技术企业300家,其中绍兴高新区新增80家,"
            "绍兴高新区专利授权增长20%。全市技术合同成交额50亿元。\n")
    assert infer_metadata("c", city).region == "绍兴市"
    # a district report that names itself keeps its district
    district = ("越城区科技局2019年工作总结\n全区新增高新技术企业60家,绍兴高新区落户越城区的"
                "企业12家,绍兴高新区合作项目5个。\n")
    assert infer_metadata("d", district).region == "越城区"


# ------------------------------------------------- names shared by units of several cities


def test_a_name_shared_by_several_cities_takes_the_city_the_text_names():
    # 鼓楼区 is a district of 南京, 徐州, 福州 and 开封: the city named elsewhere settles it
    text = "鼓楼区科技局2020年工作总结\n全区新增高新技术企业30家,获批福州市科技计划项目12项。\n"
    assert place(infer_metadata("g", text)) == ("鼓楼区", "district", "福州市", "福建省")


def test_a_shared_name_stays_unplaced_when_the_context_fits_several_or_none():
    alone = "鼓楼区科技局2020年工作总结\n全区新增高新技术企业30家。\n"
    # 江苏省 holds two of them (南京, 徐州): the province does not settle it
    province = "鼓楼区科技局2020年工作总结\n全区新增高新技术企业30家,获江苏省科技奖3项。\n"
    # a city inside an institution's name (福州大学) is no place the text names
    school = "鼓楼区科技局2020年工作总结\n全区新增高新技术企业30家,与福州大学共建研发平台2个。\n"
    for text in (alone, province, school):
        assert place(infer_metadata("g", text)) == ("", "district", "", "")


# ---------------------------------------------------- idioms, peers and the opening line


def test_an_idiom_holding_a_county_name_is_no_place():
    assert find_places("全市科技系统同心同德,攻坚克难。") == []
    assert [h.name for h in find_places("同德县科技局召开全县科技大会")] == ["同德县"]


def test_a_city_a_figure_comes_second_to_is_a_peer():
    text = "2020年,全市新增高新技术企业30家,科普基地达13家,仅次于杭州。\n"
    assert infer_metadata("p", text).region == ""


def test_the_opening_sentence_is_read_after_a_first_section_heading():
    # the place named once, in the sentence right after 一、总体进展, names the author
    text = ("一、总体进展\n自创区嘉兴片区考核评估居全省第一。新增高新技术企业30家,占全省10%。\n"
            "二、主要工作\n")
    assert place(infer_metadata("h", text)) == ("嘉兴市", "prefecture", "嘉兴市", "浙江省")
    # named once further on, after the opening sentence: too weak, left empty
    later = ("一、总体进展\n创新能力稳步提升。新增高新技术企业30家,占全省10%,"
             "其中嘉兴片区新增12家。\n")
    assert infer_metadata("l", later).region == ""


def test_cities_that_came_first_in_a_race_are_peers():
    text = ("【概况】2006年,泰州市科技投入大幅增长。高新技术产业产值过千亿元,"
            "成为继苏州、无锡之后全省第三个过千亿元的城市。新增高新技术企业30家。\n")
    got = infer_metadata("r", text)
    assert (got.region, got.report_year, got.doc_type) == ("泰州市", 2006, "summary")


def test_a_short_name_inside_a_common_word_across_its_edge_is_no_place():
    # 和政 (a county) before 策 is 和 + 政策; 和龙 before 头 is 和 + 龙头
    assert find_places("通过产业规划和政策引导,培育和龙头企业合作,工作和顺利推进。") == []
    assert [h.name for h in find_places("和政县科技局召开全县科技大会")] == ["和政县"]


def test_a_dateline_names_the_county_a_city_page_reports_on():
    text = ("吉安永新:永新县入选全国创新型县(市)建设名单\n"
            "近日,科技部公布了第二批建设名单,永新县成功入选。这是吉安市第二个入选的县(市)。\n"
            "近年来,永新县深入实施创新驱动战略。2022年高新技术企业发展到17家。\n"
            "下一步,市科技局将督促指导各县(市、区)把创新工作抓实。\n")
    assert place(infer_metadata("d", text)) == ("永新县", "county", "吉安市", "江西省")
    # a city's peers listed further down, each with a colon, are no dateline
    later = ("全市科技工作会议召开。\n一、二、三、四、\n\n\n\n\n\n\n深圳:建设创新平台。\n"
             "上海:培育科技企业。\n")
    assert infer_metadata("p", later).region == ""


def test_ranks_within_the_city_are_no_city_voice():
    # 增速全市排名第二 and 高于全市平均 rank the text's unit inside its city: no 全市 voice
    text = ("三门峡高新技术产业开发区荣获综合排名第三名\n近年来,三门峡高新技术产业开发区持续强化创新主体培育。"
            "高新区完成规模以上工业增加值64.5亿元,增速全市排名第二;研发强度12.4%,全市排名第一,"
            "高于全市平均水平。全区累计完成技术合同认定登记6362万元,全市排第三。\n")
    assert infer_metadata("z", text).region == "三门峡高新技术产业开发区"


def test_breaker_words_do_not_cut_a_real_city():
    # 安顺利用…: 安顺 then 利用; only 和 + 政策 / 龙头 break a name across its edge
    text = "科技工作总结\n2023年，安顺利用大数据产业优势，新认定高新技术企业50家。\n"
    assert infer_metadata("a", text).region == "安顺市"


def test_a_roundup_of_places_with_colons_has_no_dateline():
    text = ("科技工作动态\n各县区亮点：\n永新：新认定高新技术企业20家。\n井冈山：技术合同成交额1亿元。\n"
            "全市新认定高新技术企业200家。\n")
    assert infer_metadata("r", text).region != "井冈山市"


def test_a_zone_named_in_the_headline_that_speaks_of_itself_is_the_zone_not_its_city():
    text = "平顶山高新区：科技创新跑出加速度\n2022年，高新区新认定高新技术企业56家，技术合同成交额达到12亿元。\n"
    assert place(infer_metadata("z", text)) == ("平顶山高新技术产业开发区", "district", "平顶山市", "河南省")
    # the city speaking (全市), or the city's bureau, keeps the city
    city = "平顶山高新区：科技创新跑出加速度\n2022年，全市新认定高新技术企业56家，其中高新区新认定20家。\n"
    assert infer_metadata("c", city).region == "平顶山市"


@pytest.mark.parametrize("title, body", [
    # the city names itself beside its zone: the city's text
    ("平顶山科技创新成效显著 平顶山高新区贡献突出",
     "2023年,平顶山新认定高新技术企业120家,总数达到510家。其中,高新区新认定高新技术企业45家。"),
    # the city's notice on several zones
    ("平顶山市2023年度平顶山高新区等园区科技创新考核结果通报",
     "2023年度各园区科技创新考核结果如下。高新区完成技术合同成交额3.2亿元,新认定高新技术企业25家;"
     "经开区完成技术合同成交额1.1亿元。"),
])
def test_a_city_text_whose_title_names_its_zone_stays_the_citys(title, body):
    assert infer_metadata("c", f"{title}\n{body}\n").region == "平顶山市"


def test_a_zones_titled_summary_naming_itself_in_full_is_the_zone():
    text = "平顶山高新区2023年科技创新工作总结\n2023年,平顶山高新区新认定高新技术企业56家,技术合同成交额达到12亿元。\n"
    assert infer_metadata("z", text).region == "平顶山高新技术产业开发区"


@pytest.mark.parametrize("text, region", [
    # a paper's dated wire lead names its city, though 日报 after a place names an institution
    ("丽水日报3月2日讯 全市科技工作会议于2月28日召开。市领导出席会议。\n"
     "今年我市科技工作的重点是,加快创新平台建设,深化与杭州、上海等地高校的合作。\n"
     "去年,全市专利申请量和授权量分别达1370件和1102件。\n", "丽水市"),
    # 首次突破千亿元大关: a milestone, not 大关县 (云南)
    ("宝鸡市科技局2021年工作总结\n全年规上工业增加值首次突破千亿元大关,全市研发经费投入达到29.78亿元。",
     "宝鸡市"),
    # the city named three times in its opening sentence, a county-level city once (a maker
    # space's name): the city's
    ("为加快科技创新平台建设,2021年1-6月,保山市科技部门共组织申报保山学院、市检测中心等院士专家"
     "工作站11个;申报保山某某咖啡星创天地等星创天地9个;申报保山学院某某众创空间、腾冲某某众创空间"
     "等省级众创空间7个。截止目前,全市共建成院士专家工作站31个,拥有国家高新技术企业36户。", "保山市"),
    # the bureau named first is the author: guided by its city, or the city's meeting attended
    ("今年以来,腾冲市科技局在保山市科技局的精心指导下,扎实推进各项工作。"
     "争取保山市科技项目12项,全市新认定高新技术企业45家。", "腾冲市"),
    ("4月2日,保山市科技局组织召开科技工作推进会,腾冲市科技局负责人参加会议。会议指出,"
     "2023年保山市新认定高新技术企业45家,保山市技术合同成交额达到12亿元。", "保山市"),
])
def test_who_the_author_is(text, region):
    from analysis.metadata import infer_metadata

    meta = infer_metadata("a", text)
    assert meta.region == region and meta.region_confidence >= 0.45



def test_a_pages_menu_of_places_is_no_evidence():
    # an e-paper's menu (· 甲市 / · 乙县 …, one name a line) lists the edition's places;
    # the item below it is one place's
    menu = "\n".join(f"· {p}" for p in ("嘉善县", "嵊州市", "永康市", "黄岩区", "温岭市", "定海区", "长兴县"))
    text = (f"第00020版:又好又快\n{menu}\n返回主页 | 版面导航\n2007年6月8日\n平湖市\n学院、行业、企业三头并进\n"
            "平湖市通过强化科技政策引导,营造创新氛围。平湖市至2006年底已有高新技术企业60家。\n")
    meta = infer_metadata("m", text)
    assert place(meta)[:2] == ("平湖市", "county_city")
    # two or three names in a row are no menu: a short list of the report's own towns counts
    assert infer_metadata("t", "嘉善县\n西塘镇\n2019年,全县新增高新技术企业30家。\n").region == "嘉善县"


def test_a_university_named_after_another_province_raises_no_conflict():
    text = ("2025年,晋江各创新平台新增技术合同登记217项。香港理工大学科技成果转化大会在晋江举行,"
            "香港理工大学与晋江企业签署协议。香港理工大学将深化合作,香港理工大学专家到访。晋江市科技局表示,"
            "晋江将持续优化创新生态,居泉州各县(市、区)首位。\n")
    assert place(infer_metadata("h", text))[:2] == ("晋江市", "county_city")
    # the province itself named twice, not inside a name, still conflicts
    other = ("2025年,晋江各创新平台新增技术合同登记217项。晋江市科技局表示,晋江将持续优化创新生态。"
             "香港是重要合作伙伴,香港企业积极参与,香港的资金持续流入。\n")
    assert infer_metadata("o", other).region == ""


def test_the_whole_prefecture_speaking_of_itself_is_no_county():
    # 全州 is 全市 of a 州 (黔南州): not the county 全州县, named so only in full
    text = ("全州科技和人才工作取得长足进步\n从17日召开的黔南州科技活动日表彰大会上了解到,全州科技和人才工作取得长足进步。"
            "2014年全州发明专利申请量为382件,同比增长200%。\n")
    assert infer_metadata("q", text).region != "全州县"
    assert infer_metadata("c", "全州县科技局2019年工作总结\n2019年,全县新增高新技术企业5家。\n").region == "全州县"


@pytest.mark.parametrize("text, region", [
    # a report's own short heading lines are no menu
    ("嘉善县科技局\n工作总结\n主要成效\n2019年,全县新增高新技术企业30家,专利授权量1500件。\n", "嘉善县"),
    ("科技创新\n平湖新闻网\n平湖市\n2019年,全市新增高新技术企业60家,技术合同成交额5亿元。\n", "平湖市"),
    # a bureau line after a bulleted menu is the text's own
    ("· 嘉善县\n· 嵊州市\n· 永康市\n· 黄岩区\n平湖市科技局\n2019年,平湖市新增高新技术企业60家。\n", "平湖市"),
    # a text speaking as the city (全市) that names one district is still the city's
    ("2019年,全市新增高新技术企业60家,技术合同成交额5亿元。余杭区承办了全市科技活动周。\n", "杭州市"),
])
def test_menus_and_units_the_review_probed(text, region):
    assert infer_metadata("r", text).region == region
