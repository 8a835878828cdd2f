"""When a text was written, read from its lede when the page carries no date: a year's
work conference opens that year, so its 去年 is the year before and its 今年,…将 plans
the year itself (made-up texts)."""

from __future__ import annotations

import pytest

from analysis.extract import find_figures
from analysis.metadata import describe
from analysis.text.dating import looks_back, meeting_date
from analysis.text.document import prepare_text

NEWS = ("2月10日,某某市召开2023年科技创新工作会议。会议指出,去年,全市高新技术企业增至800家,"
        "技术合同成交额12亿元。今年,全市将力争高新技术企业达到900家。")


@pytest.mark.parametrize(("lede", "date"), [
    ("2月10日,某某市召开2023年科技创新工作会议。", (2023, 2)),
    ("1月5日,2021年度全县科技工作会议召开。", (2021, 1)),
    ("近日,某某区召开了2022年科技创新大会。", (2022, 1)),
    ("2023年全市科技工作会议在市行政中心召开。", (2023, 1)),
    ("近日,我市召开2017年度全市技术合同认定登记工作会。", (2017, 1)),  # a line of the work
    ("3月1日,某某市召开2023年度科技项目申报工作会。", None),  # held later in the year
    ("12月20日,召开2023年科技工作总结表彰大会。", None),
    ("7月8日,某某市召开2023年上半年科技工作会议。", None),  # a mid-year meeting
    ("某某市召开2023年第三季度科技工作会议。", None),
    ("全市高新技术企业达到800家。", None),
])
def test_a_conference_lede_dates_the_page(lede: str, date: tuple[int, int] | None) -> None:
    assert meeting_date(lede) == date


def test_only_the_lede_is_read() -> None:
    far = "全市科技工作稳步推进。" * 40 + "2月10日,某某市召开2023年科技创新工作会议。"
    assert meeting_date(far) is None and not looks_back(far)


def test_a_text_looks_back_from_its_lede() -> None:
    assert looks_back(NEWS)
    assert looks_back("过去一年,全市科技创新工作取得新成效。")
    assert not looks_back("今年以来,全市科技创新工作取得新成效。")


def test_a_conference_news_item_reports_the_year_before_and_plans_its_own() -> None:
    doc = prepare_text("n", NEWS)
    assert doc.written == (2023, 2)
    meta = describe(doc)
    assert (meta.report_year, meta.period, meta.doc_type) == (2022, "FY", "summary+plan")
    got = {(f.metric_id, f.value): (f.year, f.kind) for f in find_figures(doc, meta)}
    assert got == {("high_tech_enterprises_total", 800): (2022, "actual"),
                   ("tech_contract_turnover", 1_200_000_000): (2022, "actual"),
                   ("high_tech_enterprises_total", 900): (2023, "target")}


def test_a_dated_page_that_looks_back_plans_the_year_it_was_written() -> None:
    doc = prepare_text("p", "发布时间:2023-02-12\n去年,全市高新技术企业增至800家。\n"
                            "今年,全市将力争高新技术企业达到900家。")
    meta = describe(doc)
    assert (meta.report_year, meta.doc_type) == (2022, "summary+plan")
    got = {f.value: (f.year, f.kind) for f in find_figures(doc, meta)}
    assert got == {800: (2022, "actual"), 900: (2023, "target")}


def test_a_summary_written_in_its_year_keeps_its_this_year() -> None:
    """No conference, no 去年 lede: 今年 is the report's own year, no plan part opens."""
    doc = prepare_text("s", "今年,全市高新技术企业达到800家。今年,全市将力争技术合同成交额达到20亿元。")
    meta = describe(doc, "某某区2022年科技工作总结")
    assert (meta.report_year, meta.doc_type) == (2022, "summary")
    assert {f.year for f in find_figures(doc, meta)} == {2022}
    assert [o for o in doc.sections.openings if o.when == "今年"] == []


def test_a_title_naming_the_years_conference_is_its_plan_year() -> None:
    doc = prepare_text("t", "会议指出,去年全市新认定高新技术企业120家。")
    meta = describe(doc, "某某市召开2023年科技创新工作会议")
    assert meta.report_year == 2022


def test_a_conference_lede_without_a_year_looks_back_and_its_years_paragraph_is_the_summary():
    text = ("本报讯2月23日下午,记者从全市科技工作会议上获悉,今年我市将全力以赴稳增长,持续提升创新力。\n"
            "2021年,我市大力推进创新驱动战略。去年全年新增高新技术企业84户,全市研发经费投入达到29.78亿元,同比增长17.8%。\n"
            "会议要求,今年全市将力争新增高新技术企业100户。")
    assert looks_back(text) and meeting_date(text) is None
    doc = prepare_text("m", text)
    meta = describe(doc)
    assert (meta.report_year, meta.doc_type) == (2021, "summary+plan")
    got = {f.value: (f.metric_id, f.year, f.kind) for f in find_figures(doc, meta)}
    assert got[84] == ("high_tech_enterprises_new", 2021, "actual")
    assert got[2_978_000_000] == ("rd_expenditure", 2021, "actual")
    assert got[100] == ("high_tech_enterprises_new", 2022, "target")


def test_a_summary_mentioning_a_later_meeting_does_not_look_back():
    assert not looks_back("今年以来,全市科技工作稳步推进。7月8日,召开全市上半年科技工作会议。")


@pytest.mark.parametrize("text", [
    # a summary recounting the year's conference: no 去年 of its own
    "2月15日,市委市政府召开2023年全市科技创新大会,部署全年科技工作。全年新增高新技术企业120家。",
    "近日,某市召开2023年度科技成果转化工作会议,会上通报,今年全市技术合同成交额35亿元。",
    # 去年底 dates an event; 今年以来 says the text reports this year
    "去年底,市委市政府出台若干政策。今年以来,全市新认定高新技术企业180家。",
    "去年,市委出台若干政策。今年以来,全市新认定高新技术企业180家。",
    # a comparison with last year is no 去年 of the text's own
    "2月15日,某市召开2023年全市科技创新大会,对全年科技工作作出部署。截至11月底,全市新认定高新技术企业45家,"
    "技术合同成交额达到12亿元,超过去年全年水平。",
    # a span that runs from last year into this one
    "去年下半年以来,某市持续加大科技投入。2023年上半年,全市新增科技型中小企业120家。",
])
def test_what_is_no_evidence_of_looking_back(text):
    assert not looks_back(text)


def test_a_summary_recounting_its_conference_keeps_its_year():
    doc = prepare_text("s", "2月15日,市委市政府召开2023年全市科技创新大会,部署全年科技工作。"
                            "全年新增高新技术企业120家,总数达到520家。")
    meta = describe(doc, "某市科技局工作总结")
    assert meta.report_year == 2023 and doc.written is None
    assert {f.year for f in find_figures(doc, meta)} == {2023}
    plan = prepare_text("p", "今年,全市计划新增科技型中小企业200家,实际入库260家。")
    meta = describe(plan, "某市科技局2023年工作总结")
    assert {(f.year, f.kind) for f in find_figures(plan, meta) if f.value == 260} == {(2023, "actual")}


@pytest.mark.parametrize("text, meta_expected, expected", [
    # a speech at the year's conference reviews the year before and plans its own
    ("在2024年全市科技工作会议上的讲话\n全市新认定高新技术企业180家,总数达到650家。今年,全市将力争高企突破800家。",
     (2023, "summary+plan"), {180: (2023, "actual"), 650: (2023, "actual"), 800: (2024, "target")}),
    # a paragraph on the past year after a plan lede is the summary again
    ("2月10日,某市召开2024年全市科技工作会议。会议提出,今年,全市将力争新增高新技术企业60家。\n"
     "过去一年,全市新认定高新技术企业45家,技术合同成交额达到50亿元。",
     (2023, "summary+plan"), {60: (2024, "target"), 45: (2023, "actual"), 5_000_000_000: (2023, "actual")}),
])
def test_parts_of_a_text_that_looks_back(text, meta_expected, expected):
    doc = prepare_text("k", text)
    meta = describe(doc)
    assert (meta.report_year, meta.doc_type) == meta_expected
    assert {f.value: (f.year, f.kind) for f in find_figures(doc, meta)} == expected



# Session fourteen: a news item on this year so far, and a conference deploying its year.
def _figures(text: str) -> tuple[object, dict[tuple[str, float], tuple[object, ...]]]:
    doc = prepare_text("s", text)
    meta = describe(doc)
    return meta, {(f.metric_id, f.value): (f.year, f.period, f.kind) for f in find_figures(doc, meta)}


def _reads(text: str, meta_expected: tuple[object, str, str],
           expected: dict[tuple[str, float], tuple[object, ...]]) -> None:
    """The text's (year, period, type) and the (year, period, kind) of the figures named."""
    meta, got = _figures(text)
    assert (meta.report_year, meta.period, meta.doc_type) == meta_expected
    assert {key: got.get(key) for key in expected} == expected


@pytest.mark.parametrize(("lead", "period"), [
    ("某某网6月6日讯 ", "M1-M5"),  # early in June: the months before it
    ("某某日报讯(记者某某)10月13日,", "M1-M10"),
    ("某某网11月1日讯 ", "M1-M10"),
    ("某某网12月20日讯 ", "FY"),  # by the year's end: the whole year
    ("某某网12月5日讯 ", "FY"),  # in December too
    ("发布时间:2018-10-13 10:02\n", "M1-M10"),  # a page date counts like a wire line
    ("", "FY"),  # no date: nothing says how far into the year it is
])
def test_a_news_item_on_this_year_so_far_runs_to_its_date(lead: str, period: str) -> None:
    meta, got = _figures(lead + "今年以来,某某县完成技术合同登记15项,同比增长66.7%,"
                                "科技型中小企业入库134家。")
    assert meta.period == period
    assert {v[1] for v in got.values()} == {period}


def test_what_does_not_make_a_so_far_period() -> None:
    # a year named before the so-far: the figures are that year's
    meta, _ = _figures("某某网6月6日讯 2014年,某某市新认定高新技术企业12家。截至目前,全市高新技术企业达到461家。")
    assert (meta.report_year, meta.period) == (2014, "FY")
    # a related item's wire line below the lead dates nothing
    meta, _ = _figures("本报讯(记者某某)今年以来,某某市新认定高新技术企业12家。\n"
                       "新闻推荐\n本报讯(记者某某)2月28日,市长听取汇报。")
    assert meta.period == "FY"
    # a whole year's figure in the opening: an annual text
    meta, _ = _figures("某某网11月1日讯 今年以来,全年新增高新技术企业162家。")
    assert meta.period == "FY"
    # 截至今年6月 states its own period
    meta, _ = _figures("某某网7月20日讯 截至今年6月,某某县科技型中小企业入库134家。")
    assert meta.period != "M1-M7"


def test_last_years_figure_in_a_so_far_item_is_last_years_whole() -> None:
    _, got = _figures("某某网6月6日讯 今年以来,某某县完成技术合同登记15项。去年,全县技术合同成交额1亿元。")
    assert got[("tech_contracts", 15)][1] == "M1-M5"
    assert got[("tech_contract_turnover", 100_000_000)][1] == "FY"


DEPLOYS = ("某某区部署2021年科技重点工作\n时间:2021-04-27 20:37\n"
           "今天上午,某某区召开科技工作会议,部署2021年科技创新各项工作。 去年,全区组织申报高新技术企业467家,"
           "全年净增高企219家,有效高新技术企业累计达716家,全区争取上级经费2.18亿元。今年以来,我区加快"
           "科技型企业培育。 下阶段,我区将积极培育创新主体,净增高新技术企业不少于160家。")


def test_a_conference_deploying_its_year_looks_back_on_the_year_before() -> None:
    assert meeting_date("某某区召开科技工作会议,部署2021年科技创新各项工作。") == (2021, 1)
    assert meeting_date("某某区召开科技工作会议,部署下半年工作。") is None
    assert looks_back(prepare_text("d", DEPLOYS).body)  # its 去年 comes before its 今年以来
    meta, got = _figures(DEPLOYS)
    assert (meta.report_year, meta.doc_type) == (2020, "summary+plan")
    assert got[("high_tech_enterprises_new", 219)] == (2020, "FY", "actual")  # 全年 of 去年
    assert got[("high_tech_enterprises_total", 716)] == (2020, "FY", "actual")
    assert got[("sci_tech_funding_secured", 218_000_000)] == (2020, "FY", "actual")
    assert got[("high_tech_enterprises_new", 160)] == (2021, "FY", "target")  # 下阶段…不少于


def test_a_lede_on_this_year_so_far_before_its_last_year_does_not_look_back() -> None:
    assert not looks_back("某某区召开2021年科技工作会议。今年以来,全区新增高企10家。去年,全区新增高企9家。")


def test_a_year_opening_what_will_be_done_is_not_the_summarys_year() -> None:
    text = ("昨日,某某市人大常委会检查组对某某市科技工作进行了检查。2012年,全市财政科技投入5.93亿元,"
            "发明专利申请量超过1.5万件。全市实现高新技术产业产值2010亿元。2011年全市技术市场交易额实现204.52亿元,"
            "2012年突破300亿元。\n"
            "2013年,某某市科技工作将在四个方面实现新突破。全市新增高新技术企业100家,企业总数达到1000家。")
    meta, got = _figures(text)
    assert (meta.report_year, meta.doc_type) == (2012, "summary+plan")
    assert got[("high_tech_output", 201_000_000_000)][:1] == (2012,)
    assert got[("high_tech_enterprises_new", 100)] == (2013, "FY", "target")


def test_a_conference_report_reviewing_last_year_and_deploying_this_one_has_both_parts() -> None:
    text = ("3月27日,全市科技工作暨党风廉政建设会议在某某召开。\n"
            "局长在工作报告中回顾了去年全市科技工作情况并对今年的工作进行了部署。他指出,2012年,"
            "全市新培育认定高新技术企业3家,总数达到了11家;全市专利申请达到了739件。")
    meta, got = _figures(text)
    assert (meta.report_year, meta.doc_type) == (2012, "summary+plan")
    assert got[("patent_applications", 739)] == (2012, "FY", "actual")
    # a speech recalling another's report is no such announcement
    speech = ("刚才,某某同志全面回顾总结了2021年科技工作,对2022年全市科技工作进行了安排部署,我完全同意。"
              "2021年,全市新增高新技术企业30家。")
    assert _figures(speech)[0].doc_type == "summary"


def test_a_review_of_a_past_years_work_plans_the_year_it_was_written() -> None:
    text = ("某某市:今年研发经费投入增长百分之十\n某某市政府工作报告对2023年工作进行回顾,一组组数据显示出创新活力。"
            "技术合同成交总额378.3亿元,增长40.8%。\n"
            "今年,某某市又提出新目标:全年新增高新技术企业70家、科技型中小企业300家。\n"
            "强化企业创新主体地位,去年,某某市新增高新技术企业230家。")
    _reads(text, (2023, "FY", "summary+plan"), {
        ("tech_contract_turnover", 37_830_000_000): (2023, "FY", "actual"),
        ("high_tech_enterprises_new", 70): (2024, "FY", "target"),
        ("tech_smes", 300): (2024, "FY", "target"),
        ("high_tech_enterprises_new", 230): (2023, "FY", "actual")})  # 去年 in the plan part


def test_a_so_far_item_on_a_dated_page_is_that_years_and_its_earlier_years_keep_theirs() -> None:
    text = ("时间:2018-08-20 09:13 来源:某某网\n记者近日从某某县科技局获悉,今年以来,该县已申请发明专利受理21件,"
            "完成技术合同交易2300万元,认定高新技术企业2户。\n"
            "近年来,某某县加快推进创新型县建设。2017年全县科技研发投入达到1.96亿元,占GDP的1.4%,"
            "申请各类专利77件,其中发明专利30件,实现技术成果交易2500万元。2017年,全县新建平台3个。")
    _reads(text, (2018, "M1-M8", "summary"), {
        ("invention_patent_applications", 21): (2018, "M1-M8", "actual"),
        ("tech_contract_turnover", 23_000_000): (2018, "M1-M8", "actual"),
        ("patent_applications", 77): (2017, "FY", "actual"),
        ("invention_patent_applications", 30): (2017, "FY", "actual"),
        ("tech_contract_turnover", 25_000_000): (2017, "FY", "actual")})


def test_a_conference_news_item_with_last_years_results_is_no_plan_and_a_prize_edition_no_year() -> None:
    text = ("某某网讯(记者某某)5月14日,全县科技工作会召开。会议总结了我县去年科技工作情况,研究部署了今年全县科技工作。\n"
            "据了解,去年,我县专利申请量、授权量分别为176件、30件,较上年同期分别上升39.68%、20%。\n"
            "会议还对获得2010年度的科技进步奖和2010年度的科技进步奖的单位进行了表彰。")
    meta, got = _figures(text)
    assert meta.doc_type != "plan" and meta.report_year is None  # the text never says its year
    assert got[("patent_applications", 176)][2] == "actual"


# The review of session fourteen's rules (made-up probes): each misfire it found, now right.
@pytest.mark.parametrize(("text", "period"), [
    ("某某网2021年6月6日讯 今年以来,某某县完成技术合同登记15项,同比增长66.7%。", "M1-M5"),  # a dated wire line
    ("某某网6月6日讯 2021年是十四五开局之年。今年以来,某某县完成技术合同登记15项。", "M1-M5"),
    ("某县电子信息产业加快发展\n某某网6月6日讯 今年以来,某县完成技术合同登记15项。", "M1-M5"),  # 电 in a headline
    ("喜讯!某县新增高企15家\n某某网6月6日讯 今年以来,某县新认定高新技术企业15家。", "M1-M5"),
    ("某某网6月6日讯 记者获悉,截至今年年底,全市高新技术企业将达到500家。", "FY"),  # a year-end goal
    ("某某网10月20日讯 截至今年第三季度末,全市科技型中小企业入库134家。", "FY"),  # states its own period
    ("发布时间:2021-06-20\n今年以来,某县完成技术合同登记15项。去年,全县技术合同成交额1亿元,"
     "全年新认定高新技术企业20家。", "H1"),  # 全年 of 去年 is no whole year of this one
    ("发布时间:2019-11-25\n今年以来,我局紧紧围绕中心工作,全市新认定高新技术企业100家。"
     "明年,我局将继续围绕中心工作,力争新认定高新技术企业120家。", "FY"),  # a summary with a plan part
    ("发布时间:2019-11-18\n今年以来,我局各项工作取得明显成效。\n一、主要工作及成效\n"
     "全市新认定高新技术企业100家。\n二、存在问题\n企业创新能力不强。", "FY"),  # a report's outline
    ("本报讯 1月18日,记者获悉,截至目前,某市高新技术企业总数达64家。", "FY"),  # January: the year just ended
])
def test_reviewed_so_far_periods(text: str, period: str) -> None:
    assert _figures(text)[0].period == period


def test_reviewed_years_and_parts() -> None:
    _, got = _figures("发布时间:2021-10-20\n今年以来,全市技术合同成交额35亿元。去年全市技术合同成交额30亿元,"
                      "预计全年可达45亿元。")
    assert got[("tech_contract_turnover", 4_500_000_000)][0] == 2021  # 预计全年: this year's
    _, got = _figures("发布时间:2021-12-25\n今年以来,全市技术合同成交额完成50亿元,上年为40亿元,"
                      "全年新认定高新技术企业80家,当年新增科技型中小企业200家。")
    assert got[("high_tech_enterprises_new", 80)][0] == 2021  # 上年为40亿元 dates only itself
    assert got[("tech_smes", 200)][0] == 2021
    meta, got = _figures("2019年,全市将重点实验室建设作为科技工作的突破口,新认定高新技术企业120家。"
                         "十三五以来,全市累计新认定高新技术企业400家。2020年全市将力争新认定高新技术企业150家。")
    assert (meta.report_year, meta.doc_type) == (2019, "summary+plan")  # 将…作为 is no future
    assert got[("high_tech_enterprises_new", 400)][:2] == (2019, "2016-2019")
    meta, _ = _figures("发布时间:2021-12-20\n2021年,全市科技工作取得新成效。年初,市政府召开全市科技创新大会,"
                       "回顾了2020年全市科技工作,并对2021年工作进行了部署。全年新认定高新技术企业120家。")
    assert meta.doc_type == "summary"  # its January conference recalled
    meta, got = _figures("年初,我局召开全市科技工作会议,部署2021年科技创新工作。一年来,全市新认定"
                         "高新技术企业120家,去年为80家,技术合同成交额50亿元。")
    assert meta.report_year == 2021 and got[("high_tech_enterprises_new", 80)][0] == 2020
    _, got = _figures("2月20日,某市召开2021年全市科技工作会议。去年,全市新认定高新技术企业100家。"
                      "今年以来,全市新认定高新技术企业5家。今年,全市将力争新认定高新技术企业120家。")
    assert got[("high_tech_enterprises_new", 100)][0] == 2020
    assert got[("high_tech_enterprises_new", 5)][0] == 2021  # this year so far, not last year's
    assert got[("high_tech_enterprises_new", 120)] == (2021, "FY", "target")
    meta, got = _figures("某区2020年科技工作总结\n一、主要成绩\n科创园一期已建成投用。下阶段将启动二期建设,"
                         "目标是打造区域创新高地。全年技术合同成交额10亿元,同比增长20%。")
    assert got[("tech_contract_turnover", 1_000_000_000)] == (2020, "FY", "actual")  # a project's phase


def test_a_portal_line_dates_the_page_and_names_its_paper_and_a_wire_lead_with_its_reporter_looks_back() -> None:
    text = ("某市发明专利申请量全省第一\n\nhttp://www.sina.com.cn 2007年01月29日04:13 舜网-某某时报\n\n"
            "  时报1月28日讯(记者 某某)去年,我市专利申请量达到8223件,同比增长26.43%。其中,发明专利申请量达到1678件。")
    doc = prepare_text("w", text)
    assert doc.page_date == (2007, 1)
    meta, got = _figures(text)
    assert meta.report_year == 2006
    assert got[("patent_applications", 8223)] == (2006, "FY", "actual")
    from analysis.metadata.region import source_text
    assert source_text(doc.chrome) == "舜网-某某时报"


def test_a_so_far_in_the_annual_results_season_with_last_years_figures_is_last_years() -> None:
    text = ("某某市现有1020家科技创新平台\n\n2025-03-25  来源: 某某网\n\n  3月24日下午,新闻发布会举行。截至目前,"
            "某某市市级以上科技创新平台1020家。\n  近年来,某某市科技局统筹抓好各项工作:2024年全市国家科技型中小企业"
            "入库1295家;高新技术产业产值占规模以上工业总产值的比例达到50.84%。")
    meta, got = _figures(text)
    assert (meta.report_year, meta.period) == (2024, "FY")
    assert got[("tech_smes", 1295)] == (2024, "FY", "actual")
    # later in the year the so-far holds, and an earlier year's paragraph keeps its year
    later = text.replace("2025-03-25", "2025-08-25").replace("3月24日", "8月24日")
    assert _figures(later)[0].period == "M1-M8"


# The second review (made-up probes) of session fourteen's rules.
def test_second_review_so_far_and_the_results_season() -> None:
    meta, got = _figures("发布时间:2023-04-18\n今年以来,全市新增入库科技型中小企业320家,技术合同成交额18亿元,"
                         "同比增长25%。2022年全市科技型中小企业入库1100家。")
    assert (meta.report_year, meta.period) == (2023, "M1-M4")  # 今年以来 says this year's own
    assert got[("tech_smes", 1100)] == (2022, "FY", "actual")
    meta, got = _figures("发布时间:2023-02-15\n截至目前,全市有效高新技术企业1250家。去年,全市新认定高新技术企业310家,"
                         "技术合同成交额58亿元。")
    assert (meta.report_year, meta.period) == (2022, "FY")  # 去年 in the season: last year's report
    assert got[("high_tech_enterprises_new", 310)] == (2022, "FY", "actual")
    meta, got = _figures("某某网3月8日讯 今年以来,某某县新认定高新技术企业6家。2022年,全县新认定高新技术企业30家。")
    assert got[("high_tech_enterprises_new", 30)][:2] == (2022, "FY")  # no page year: no so-far
    meta, got = _figures("发布时间:2022-08-15\n今年以来,全市新认定高新技术企业60家。去年是十四五开局之年,"
                         "全市新认定高新技术企业120家。")
    assert (meta.report_year, meta.period) == (2022, "M1-M8")
    assert got[("high_tech_enterprises_new", 120)] == (2021, "FY", "actual")  # 去年是… is a time


def test_a_paper_byline_with_a_font_switch_dates_the_page_and_an_untitled_news_page_is_its_years() -> None:
    text = ("某某区荣获全国科技创新百强区\n\n某某晚报 2018-10-13 10:02 大字\n\n记者 某某\n\n"
            "晚报讯近期,某某区入选“全国科技创新百强区”。据悉,某某区获高企认定7家,保有量为34家。")
    doc = prepare_text("b", text)
    assert doc.page_date == (2018, 10)
    assert _figures(text)[0].report_year == 2018
    slogan = ("科技是第一生产力、人才是第一资源\n\n   2010-10-28 某某市科技局供稿\n"
              "某某市以特色产业基地建设为抓手,有力地促进了全市高新技术产业快速发展。全市高新技术企业达到85家。")
    assert _figures(slogan)[0].report_year == 2010
    # an annual summary's title keeps the genre calendar: published in October, no year said
    titled = "某某市科技局工作总结\n发布时间:2010-10-28\n全市高新技术企业达到85家。"
    assert _figures(titled)[0].report_year is None


def test_a_site_users_byline_dates_the_page_and_a_span_of_rising_levels_dates_the_text() -> None:
    text = ("某某市上半年新增704家科技型中小企业\n\nadmin 2019-11-02 04:02:37 导读\n\n"
            "今年上半年,我市新增科技型中小企业704家,总数达到11494家。")
    doc = prepare_text("u", text)
    assert doc.page_date == (2019, 11)
    meta, got = _figures(text)
    assert (meta.report_year, meta.period) == (2019, "H1")  # it names no year: the page's
    assert got[("tech_smes", 11494)][:2] == (2019, "H1")
    meta, _ = _figures("本报讯 昨日,调研组来到某某市。2018年至2021年,全市研发投入强度由1.74%增长至2.45%,"
                       "技术合同成交额由82.3亿元,增长到306.5亿元。")
    assert meta.report_year == 2021


def test_third_review_years_and_bylines() -> None:
    # a report of a whole finished year, posted in June under a title: not the page's year
    assert _figures("发布时间:2020-06-15\n一年来,全市全年新增高新技术企业52家,比上年增长18%。")[0].report_year is None
    # a span recalled after the year the text cites most
    meta, _ = _figures("全市科技工作综述\n2021年全市新增高新技术企业80家。2021年全市专利授权量2300件。"
                       "近年来,2016年至2020年,全市高新技术企业由120家增长至450家。")
    assert meta.report_year == 2021
    # a sidebar headline that opens with a Latin word is no byline
    doc = prepare_text("s", "发布时间:2020-02-10\n某县科技局年度工作总结\n一年来,全县新增高新技术企业12家。\n"
                            "相关新闻\nAI赋能制造业论坛在我县举行 2021-06-18\n")
    assert doc.page_date == (2020, 2)


def test_a_conference_reviewing_a_year_and_arranging_the_next_is_both_and_its_goals_for_later_are_targets() -> None:
    text = ("2016年某市科技工作会议召开\n2016年3月14日,某市科技工作会议在某某宫召开,本次会议全面总结了“十二五”及"
            "2015年全市科技工作,2016年科技工作进行了安排部署。\n《报告》对“十三五”时期全市科技工作进行了展望,"
            "提出到2020年,全市R&D经费支出占GDP比重达到2.5%以上。")
    meta, got = _figures(text)
    assert (meta.report_year, meta.doc_type) == (2015, "summary+plan")
    assert got[("rd_intensity", 2.5)] == (2020, "FY", "target")


def test_fourth_review_conferences_and_cover_letters() -> None:
    # a conference reviewing the title's own year keeps it
    meta, _ = _figures("2016年某市科技工作会议召开\n12月28日,某市召开科技工作会议,会议全面总结了2016年全市科技工作,"
                       "对2017年科技工作进行了安排部署。2016年,全市高新技术企业达到300家。")
    assert meta.report_year == 2016
    # a summary recalling its own conference has no plan part for it
    meta, _ = _figures("某市科技局2020年工作总结\n3月,召开全市科技工作会议,总结了2019年全市科技工作,"
                       "2020年科技工作进行了安排部署。全年专利申请量5000件。")
    assert (meta.report_year, meta.doc_type) == (2020, "summary")
    rows = "113302820029365B/2025-188639\n市科技局\n主动公开\n通知公告\n科技、教育/科技\n面向社会\n局机关各科室、局属单位:\n"
    meta, _ = _figures(rows + "现将《某市科学技术局2024年工作要点》落实情况报告如下。2024年,全市高新技术企业达到7000家。")
    assert meta.doc_type == "summary"  # a report on carrying out a plan
    assert _figures(rows + "现将 《某市科学技术局2025年工作要点》 印发给你们。全年新增高新技术企业120家。")[0].doc_type == "plan"
    meta, got = _figures(rows + "现将《某市“十四五”科技创新规划》印发给你们。到2025年,全市高新技术企业达到10000家。")
    assert meta.doc_type == "plan" and got[("high_tech_enterprises_total", 10000)][2] == "target"
