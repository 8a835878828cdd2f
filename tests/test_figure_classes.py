"""Classes of failure seen on unseen reports, one made-up sentence each (issue 11).

Every sentence here is invented; each asserts the exact figure the class must give, so a
rule written for one report's words cannot pass them all.
"""

from __future__ import annotations

import pytest

from analysis.extract import extract_figures
from analysis.models import DocMeta

META = DocMeta("t", region="某市", report_year=2023, period="FY", doc_type="summary")


def figures(text: str, meta: DocMeta = META) -> list[tuple]:
    """(metric_id, value, unit, yoy, year, period, kind) of the mapped figures."""
    return [(f.metric_id, f.value, f.unit, f.yoy_pct, f.year, f.period, f.kind)
            for f in extract_figures("t", text, meta) if f.metric_id]


def ids(text: str, meta: DocMeta = META) -> dict[float, str]:
    return {f[1]: f[0] for f in figures(text, meta)}


@pytest.mark.parametrize("text, value", [
    ("争取省级以上科技计划项目120项,资金4100万元。", 41_000_000),
    ("组织申报省科技计划项目30项,获立项12项,获经费支持2600万元。", 26_000_000),
    ("争取各类科技项目40项,无偿经费980万元。", 9_800_000),
    ("获得省级无偿资助资金1500万元。", 15_000_000),
    ("落实上级科技项目资金1.8亿元。", 180_000_000),
])
def test_funds_won_in_their_many_wordings(text, value):
    assert ids(text).get(value) == "sci_tech_funding_secured"


def test_money_leveraged_or_awarded_is_not_funds_won_nor_rd():
    got = ids("获经费支持800万元,撬动企业研发经费投入5000万元,获得奖励资金300万元。")
    assert got.get(50_000_000) is None  # 撬动: what firms spent, not the region's R&D
    assert got.get(3_000_000) is None  # a prize, not programme funding


def test_patents_counted_in_xiang_are_patents():
    assert figures("全县共申请专利132项,授权95项。") == [
        ("patent_applications", 132, "件", None, 2023, "FY", "actual"),
        ("patent_grants", 95, "件", None, 2023, "FY", "actual"),
    ]


@pytest.mark.parametrize("text, value, metric", [
    ("有效期内高新技术企业3612家。", 3612, "high_tech_enterprises_total"),
    ("全市新增高企40家,有效期内高新技术企业3612家。", 3612, "high_tech_enterprises_total"),
    ("通过认定的高新技术企业达到5家。", 5, "high_tech_enterprises_total"),
    ("全年通过认定的高新技术企业35家。", 35, "high_tech_enterprises_new"),
    ("新增国家高新技术企业39家,同比增长38.6%,累计达到122家。", 122, "high_tech_enterprises_total"),
    ("研发经费支出(R&D)与地区生产总值之比保持在10%左右。", 10, "rd_intensity"),
    ("确保2024年全社会研发经费投入达到1.75%。", 1.75, "rd_intensity"),
    ("我区认定登记技术总金额12025.77万元。", 120_257_700, "tech_contract_turnover"),
    ("组织申报专利85件,授权专利42件。", 85, "patent_applications"),
    ("争取国家科技计划项目56项,各类资金2.32亿元。", 2.32e8, "sci_tech_funding_secured"),
    ("立项省级科技项目2项,立项资金20万元。", 2e5, "sci_tech_funding_secured"),
    ("共申请发明专利869件。", 869, "invention_patent_applications"),
    ("全市发明专利有效量858件。", 858, "valid_invention_patents"),
    ("技术交易合同总金额达到4.99亿元。", 499_000_000, "tech_contract_turnover"),
    ("认定登记技术合同成交总金额16.15亿元。", 1_615_000_000, "tech_contract_turnover"),
    ("全年技术合同金额637.33万元。", 6_373_300, "tech_contract_turnover"),
    ("获2013年度国家科技进步二等奖4项。", 4, "national_sci_tech_awards"),
    ("全市两项科技成果获得国家科技进步二等奖。", 2, "national_sci_tech_awards"),
    ("高新技术产业实现工业总产值987.7亿元,实现工业增加值255.6亿元。", 98_770_000_000, "high_tech_output"),
    ("高新技术产业实现工业总产值987.7亿元,实现工业增加值255.6亿元。", 25_560_000_000, "high_tech_value_added"),
    ("国家科技型中小企业数量由78家增至150家。", 150, "tech_smes"),
    ("高新技术企业由2010年的6家发展到2015年的26家。", 26, "high_tech_enterprises_total"),
    ("研究与试验发展(R&D)经费投入占比2.04%。", 2.04, "rd_intensity"),  # a gloss in brackets
    ("全社会R&D预计完成17.30亿元。", 1_730_000_000, "rd_expenditure"),  # without its noun
])
def test_the_many_wordings_of_one_indicator(text, value, metric):
    assert ids(text).get(value) == metric


def test_a_bare_forecast_borrows_the_indicator_before_it_and_its_period_cue_stays_behind():
    assert figures("全市技术合同成交额10月底达到62.3亿元,全年有望突破75亿元,比上年增长28%。") == [
        ("tech_contract_turnover", 6.23e9, "元", None, 2023, "M1-M10", "actual"),
        ("tech_contract_turnover", 7.5e9, "元", 28.0, 2023, "FY", "estimate"),
    ]


def test_period_cues_month_end_year_end_and_dash_variants():
    got = figures("截止11月底,全区技术合同成交额达12.5亿元,预计到2021年底全区技术合同成交额达15亿元。")
    assert [(v, y, p, k) for _, v, _, _, y, p, k in got] == [
        (1.25e9, 2023, "M1-M11", "actual"), (1.5e9, 2021, "FY", "estimate")]
    assert figures("1―6月份全县实现高新技术产业产值69.8亿元。")[0][5] == "H1"
    assert figures("力争6月底前完成高企认定100家。")[0][5] == "FY"  # a deadline, not a period


def test_a_date_ahead_makes_a_goal_but_a_from_to_does_not():
    assert figures("到2025年底,全市高新技术企业达到800家。") == [
        ("high_tech_enterprises_total", 800, "家", None, 2025, "FY", "target")]
    got = figures("我市万人发明专利拥有量由2021年的2.59件增长至2023年的4.04件。")
    assert [(v, y, k) for _, v, _, _, y, _, k in got] == [(2.59, 2021, "actual"), (4.04, 2023, "actual")]


def test_growth_compared_with_a_named_year_attaches_to_its_figure():
    got = figures("全市评价入库科技型中小企业1311家,共计2671家,与2022年相比增长25%。")
    assert ("tech_smes", 2671, "家", 25.0, 2023, "FY", "actual") in got


@pytest.mark.parametrize("text, value, metric", [
    ("申请专利1200件,其中发明专利300件。", 300, "invention_patent_applications"),
    ("今年新增专利授权40余件,其中发明专利9件。", 9, "invention_patent_grants"),
])
def test_a_sub_item_inherits_its_parents_measure(text, value, metric):
    assert ids(text).get(value) == metric


def test_a_span_of_years_at_a_clause_start_dates_a_sum_over_it():
    got = figures("2021年至2022年,新认定高新技术企业20家。")
    assert got == [("high_tech_enterprises_new", 20, "家", None, 2022, "2021-2022", "actual")]


def test_from_to_statements_give_each_value_its_own_year_and_no_yoy():
    got = figures("高新技术产业产值从2020年的500亿元增长到800亿元。")
    assert got == [("high_tech_output", 5e10, "元", None, 2020, "FY", "actual"),
                   ("high_tech_output", 8e10, "元", None, 2023, "FY", "actual")]
    got = figures("高新技术企业由“十三五”末的120家提升至200家。")
    assert [(v, y) for _, v, _, _, y, _, _ in got] == [(120, 2020), (200, 2023)]
    got = figures("全市高新技术产业实现产值2452亿元,是2018年1080亿元的2.27倍。")
    assert ("high_tech_output", 1.08e11, "元", None, 2018, "FY", "actual") in got
    got = figures("全市高新技术企业从2017年的6家已达到了31家。")  # 已达到了 as the to-verb
    assert got == [("high_tech_enterprises_total", 6, "家", None, 2017, "FY", "actual"),
                   ("high_tech_enterprises_total", 31, "家", None, 2023, "FY", "actual")]


def test_not_the_regions_figure():
    assert ids("规上工业企业研发投入强度达到1.5%以上。") == {}  # firms' intensity, not GDP's
    assert ids("高新技术产业产值占全省高新技术产值的49%。") == {}  # a share of the province


@pytest.mark.parametrize("text", [
    "某某特色产业基地,截止到2015年底,共有企业数178家,其中高新技术企业21家。",  # one park's firms
    "全市有效期内高企数达到68家,占规上企业的(312家)21.8%。",  # the base of a share
    "2015年,全市高新技术企业研发投入5.8亿元。",  # firms' R&D, not the region's
    "高新技术企业和创新型企业数突破1000户。",  # two kinds counted together
    "评价入库科技型中小企业1311家,完成公示1360家,共计2671家。",  # a part of the total
])
def test_figures_that_are_not_the_regions_indicator(text):
    values = {21, 312, 5.8e8, 1000, 1311}
    assert not values & set(ids(text))


def test_a_total_after_its_parts_is_kept():
    assert ids("评价入库科技型中小企业1311家,完成公示1360家,共计2671家。") == {2671: "tech_smes"}


def test_a_date_before_a_measure_is_no_part_of_the_noun_borrowed():
    assert figures("1-7月份全县共申请专利132项,授权95项。") == [
        ("patent_applications", 132, "件", None, 2023, "M1-M7", "actual"),
        ("patent_grants", 95, "件", None, 2023, "M1-M7", "actual"),
    ]


def test_counts_carry_the_level_of_what_they_count():
    got = [(f.metric_id, f.value, f.level) for f in extract_figures(
        "t", "新认定国家级众创空间12家,省级众创空间20家,全市众创空间达到47家。", META)]
    assert got == [("maker_spaces_new", 12, "national"), ("maker_spaces_new", 20, "provincial"),
                   ("maker_spaces", 47, "")]
    (hte,) = extract_figures("t", "新增国家高新技术企业30家。", META)
    assert hte.level == ""  # 国家高新技术企业 is every high-tech firm, not a level


@pytest.mark.parametrize("text, expected", [
    ("新增众创空间12家,全市众创空间达到47家。", {12: "maker_spaces_new", 47: "maker_spaces"}),
    ("新增市级以上孵化器3家,全市科技企业孵化器达到39家。",
     {3: "incubators_new", 39: "incubators_total"}),
    ("新建省级重点实验室4家,重点实验室总数达到30家。", {4: "key_labs_new", 30: "key_labs"}),
    ("规上工业企业研发机构达到520家。", {520: "rd_institutions_industrial"}),
    ("财政科技支出占一般公共预算支出比重达到3.5%。", {3.5: "fiscal_sci_tech_share"}),
    ("每万名就业人员中研发人员达到85人。", {85: "rd_personnel_per_10k"}),
    ("新增科技“小巨人”企业25家,累计达到300家。", {300: "sci_tech_giants"}),  # the new ones have no id yet
    ("全市国家级专精特新“小巨人”企业达到31家。", {31: "specialized_giants"}),
    ("认定技术先进型服务企业12家,全市技术先进型服务企业达到40家。", {40: "tech_advanced_service_firms"}),
    ("登记省级科技成果86项。", {86: "registered_achievements"}),
    ("获省科技进步二等奖3项。", {3: "provincial_sci_tech_awards"}),
    ("获国家科学技术奖2项、省科学技术奖17项。", {2: "national_sci_tech_awards", 17: "provincial_sci_tech_awards"}),
    ("五年累计获得国家、省科学技术奖42项。", {}),  # both levels together: neither indicator
    ("科技进步贡献率达到60%。", {60: "tech_progress_contribution"}),
    ("全市综合科技创新水平指数达到81.38%。", {81.38: "innovation_level_index"}),
    ("规上工业企业研发机构覆盖率达到45%。", {45: "rd_institutions_industrial_share"}),
    ("有研发机构的规上工业企业占比达16.89%。", {16.89: "rd_institutions_industrial_share"}),
])
def test_new_and_total_kept_apart_and_more_indicators_mapped(text, expected):
    assert ids(text) == expected


def test_flags_are_typed_codes_and_the_note_says_them():
    import re as _re
    from pathlib import Path

    from analysis.extract.figures import flag_notes

    figs = extract_figures("t", "全市新增高企40家,其中新认定高企30家,年均增长12%。", META)
    subset = next(f for f in figs if f.value == 30)
    assert subset.flags == ("subset",) and subset.note == flag_notes()["subset"]
    rate = next(f for f in figs if f.unit == "%")
    assert rate.flags == ("average_growth",) and rate.note == "average annual growth rate"
    source = Path(extract_figures.__code__.co_filename).read_text(encoding="utf-8")
    used = set(_re.findall(r'flags\.append\("(\w+)"\)', source))
    used |= {"growth_since_fyp", "average_growth", "growth_only"}
    assert used <= set(flag_notes()), used - set(flag_notes())


def test_a_place_before_the_shared_verb_is_no_part_of_the_noun():
    """甲乙新区新增…, 累计达到N家: the bare total borrows the noun, not the place or verb."""
    got = figures("2019年,甲乙新区新增国家高新技术企业30家,累计达到101家。")
    assert ("high_tech_enterprises_new", 30, "家", None, 2019, "FY", "actual") in got
    assert ("high_tech_enterprises_total", 101, "家", None, 2019, "FY", "actual") in got


def test_a_share_of_another_measure_is_not_a_part_of_the_region():
    got = figures("全区拥有有效发明专利870项,占全区专利总数的41.2%。")
    assert ("valid_invention_patents", 870, "件", None, 2023, "FY", "actual") in got
    # 占全区的 after a figure: the figure is one part of the region (a park, a town)
    assert ids("某园区新增高企12家,占全区的40%。").get(12) is None


def test_a_goal_named_after_its_value_is_a_full_year_target_of_the_subject_before():
    got = figures("1-9月,全区高新技术产业产值320亿元,预计将突破年度450亿元目标。")
    assert ("high_tech_output", 320e8, "元", None, 2023, "Q1-Q3", "actual") in got
    assert ("high_tech_output", 450e8, "元", None, 2023, "FY", "target") in got


def test_a_year_after_a_reporting_verb_dates_the_whole_clause_group():
    got = figures("据统计2021年全市研发经费投入总量首次突破60亿元,研发投入强度提升至2.4%。")
    assert ("rd_expenditure", 60e8, "元", None, 2021, "FY", "actual") in [
        (m, v, u, y, yr, p, k) for m, v, u, y, yr, p, k in got]
    assert ("rd_intensity", 2.4, "%", None, 2021, "FY", "actual") in got


def test_rise_to_without_from_keeps_the_clause_groups_year():
    """提升至 is a from-to statement only when 从/由 opens it."""
    got = figures("2021年,全市研发投入强度提升至2.4%。")
    assert got == [("rd_intensity", 2.4, "%", None, 2021, "FY", "actual")]
    got = figures("研发投入强度从2020年的2.1%提升至2.4%。")
    assert ("rd_intensity", 2.1, "%", None, 2020, "FY", "actual") in got
    assert ("rd_intensity", 2.4, "%", None, 2023, "FY", "actual") in got


def test_a_forecast_covers_later_clauses_on_the_same_subject():
    got = figures("全社会研发经费支出预计达到80亿元、同比增长9%,研发经费投入强度达到2.1%,"
                  "专利授权3000件。")
    assert ("rd_expenditure", 80e8, "元", 9.0, 2023, "FY", "estimate") in got
    assert ("rd_intensity", 2.1, "%", None, 2023, "FY", "estimate") in got
    assert ("patent_grants", 3000, "件", None, 2023, "FY", "actual") in got


@pytest.mark.parametrize("text, value, metric", [
    ("新建院士专家工作站6家,全市院士专家工作站达到58家。", 6, "academician_workstations_new"),
    ("新建院士专家工作站6家,全市院士专家工作站达到58家。", 58, "academician_workstations"),
    ("新认定省级企业技术中心9家。", 9, "enterprise_rd_centers_new"),
    ("新增国家技术转移示范机构2家。", 2, "tech_transfer_institutions"),
    ("引进高层次人才120人,创新创业团队15个。", 120, "talents_introduced"),
    ("引进高层次人才120人,创新创业团队15个。", 15, "innovation_teams"),
    ("争取省级以上科技计划项目86项。", 86, "sci_tech_projects"),
    ("科技服务业实现增加值65亿元。", 65e8, "sci_tech_service_value_added"),
    ("在孵企业达到430家,毕业企业41家。", 430, "incubated_firms"),
    ("在孵企业达到430家,毕业企业41家。", 41, "graduated_firms"),
    ("开展科普活动120场次。", 120, "popular_science_events"),
])
def test_frequent_indicators_beyond_the_core_list_map(text, value, metric):
    assert ids(text).get(value) == metric


@pytest.mark.parametrize("text, value", [
    ("对204家企业研发中心开展政策落实和工作指导。", 204),  # firms served, not centres
    ("130家单位成立产学研创新联盟。", 130),  # members of one alliance
    ("出台《科技项目揭榜制工作实施办法》等5项制度。", 5),  # rules, not projects
])
def test_counts_of_something_else_do_not_map_to_the_new_indicators(text, value):
    assert ids(text).get(value) is None


# ------------------------------------------------------------- classes of issue 11, round 2

def test_a_subject_sentence_without_figures_names_the_bare_figures_after_it():
    got = figures("净增高企数创新高。2021年净增15家,2022年净增20家。")
    assert [(m, v, yr) for m, v, _, _, yr, _, _ in got] == [
        ("high_tech_enterprises_new", 15, 2021), ("high_tech_enterprises_new", 20, 2022)]


def test_sentences_opening_alike_after_a_subject_sentence_share_its_subject():
    got = figures("净增高企数创新高。2020年净增9家,2021年净增15家。2022年净增20家,创历史新高。"
                  "2023年净增25家。")
    assert [(m, v, yr) for m, v, _, _, yr, _, _ in got] == [
        ("high_tech_enterprises_new", v, y) for v, y in ((9, 2020), (15, 2021), (20, 2022), (25, 2023))]
    # another opening, or a sentence without figures between, ends the run
    assert ids("净增高企数创新高。2021年净增15家。2022年完成20项。").get(20) is None
    assert ids("净增高企数创新高。2021年净增15家。工作有序推进。2022年净增20家。").get(20) is None


@pytest.mark.parametrize("opening", ["高质量完成2022年度全社会研发投入统计工作,", "据2022年度研发经费统计,"])
def test_an_r_and_d_statistic_of_a_year_dates_the_r_and_d_figures_after_it(opening):
    got = figures(opening + "全市研发经费投入总量达37亿元,增长12%;研发投入强度达2.39%,"
                            "全年新认定高新技术企业120家。")
    assert [(m, yr) for m, _, _, _, yr, _, _ in got] == [
        ("rd_expenditure", 2022), ("rd_intensity", 2022), ("high_tech_enterprises_new", 2023)]


@pytest.mark.parametrize("text, meta", [
    ("完成2022年度科技奖励申报工作,全市研发经费投入总量达37亿元。", META),  # no statistic
    ("完成2022年度研发统计,今年以来全市研发经费投入37亿元。", META),  # a time of its own
    ("完成2023年度研发投入统计工作,力争全市研发经费投入达到37亿元。",
     DocMeta("t", region="某市", report_year=2024, period="FY", doc_type="plan")),  # a plan's goal
])
def test_an_r_and_d_statistic_does_not_date_other_figures(text, meta):
    assert [yr for _, _, _, _, yr, _, _ in figures(text, meta)] == [meta.report_year]


def test_an_estimate_opening_a_semicolon_part_covers_that_part_only():
    got = figures("全市新增国家级平台3个;预计新增高新技术企业850家,占全省的55.6%,"
                  "高新技术企业总数达到5902家;技术合同成交额达到300亿元。")
    assert [(m, k) for m, _, _, _, _, _, k in got] == [
        ("high_tech_enterprises_new", "estimate"), ("high_tech_enterprises_total", "estimate"),
        ("tech_contract_turnover", "actual")]


@pytest.mark.parametrize("lede", ["市科技局介绍,", "据市科技局负责人表示,", "记者从市科学技术局了解到,", ""])
def test_a_news_items_plan_sentence_opens_after_its_attribution(lede):
    from analysis.pipeline import process_document

    r = process_document("n", "某市高新技术产业快速发展\n"
                               "记者从市科技局获悉,2015年我市实现高新技术产业总产值327亿元,同比增长29%。\n"
                               f"{lede}2016年,我市力争新认定高新技术企业25家。高新技术产业增加值达到90亿元。\n")
    got = [(f.metric_id, f.year, f.kind) for f in r.figures if f.metric_id]
    assert got == [("high_tech_output", 2015, "actual"), ("high_tech_enterprises_new", 2016, "target"),
                   ("high_tech_value_added", 2016, "target")]


@pytest.mark.parametrize("remark", ["企业负责人表示,2024年将继续加大研发投入。", "局长表示,2024年要继续加大培育力度。"])
def test_a_remark_quoted_inside_a_summary_paragraph_opens_no_plan_part(remark):
    from analysis.pipeline import process_document

    r = process_document("q", "某市科技局2023年工作总结\n(一)高企培育。全市新认定高新技术企业120家。"
                              f"{remark}全市技术合同成交额25亿元,同比增长20%。\n")
    got = [(f.metric_id, f.year, f.kind) for f in r.figures if f.metric_id]
    assert got == [("high_tech_enterprises_new", 2023, "actual"),
                   ("tech_contract_turnover", 2023, "actual")]


def test_counts_per_unit_of_gdp_are_no_counts_of_the_region():
    got = ids("每百亿元GDP专利授权数和发明专利申请数分别达180件和68件。全市专利授权3000件,"
              "每亿元生产总值专利申请量5件。")
    assert got == {3000: "patent_grants"}


@pytest.mark.parametrize("when", ["截止三季度,", "截至三季度末,", "截止到第三季度,"])
def test_as_of_the_third_quarter_is_the_first_three_quarters(when):
    got = figures(f"{when}全区高新技术产业增加值9.7亿元。全年新增高新技术企业12家。")
    assert [(m, p) for m, _, _, _, _, p, _ in got] == [
        ("high_tech_value_added", "Q1-Q3"), ("high_tech_enterprises_new", "FY")]


@pytest.mark.parametrize("text, want", [
    ("全年新认定35家省级众创空间和12家高新技术企业。",
     {35: "maker_spaces_new", 12: "high_tech_enterprises_new"}),
    ("全年新培育了137项高新技术产品和51家高新技术企业。", {51: "high_tech_enterprises_new"}),
    ("全市拥有65家省级众创空间和312家高新技术企业。", {65: "maker_spaces", 312: "high_tech_enterprises_total"}),
])
def test_two_nouns_counted_under_one_verb(text, want):
    assert ids(text) == want


def test_review_round_two_regressions_stay_fixed():
    """Made-up texts of the second review of session eleven's rules."""
    from analysis.pipeline import process_document

    def run(text):
        r = process_document("t", text)
        return r.meta, [(f.metric_id, f.year, f.period, f.kind) for f in r.figures if f.metric_id]

    h = "某市科技局2023年工作总结\n"
    # a per-GDP rate in one clause leaves the counts of the next alone
    assert run(h + "每百亿元GDP专利授权数180件,全市发明专利申请量5000件。")[1] == [
        ("invention_patent_applications", 2023, "FY", "actual")]
    # a report on carrying out the year's opinions is no plan, nor is a policy's 意见
    for title in ("某市2023年科技工作意见落实情况", "关于加快推进科技成果转化工作的意见"):
        meta, got = run(title + "\n2023年,全市新认定高新技术企业120家。")
        assert meta.doc_type == "summary" and got[0][3] == "actual"
    # someone's remark on a line of its own opens no plan part; the bureau's news item does
    meta, got = run(h + "(一)高企培育。全市新认定高新技术企业120家。\n局长表示,2024年将继续加大培育力度。\n"
                        "全市技术合同成交额25亿元,同比增长20%。")
    assert got[-1] == ("tech_contract_turnover", 2023, "FY", "actual")
    # 截至三季度末 dates its own sentence, not the year's summary
    meta, got = run(h + "2023年,全市新认定高新技术企业120家。截至三季度末,全市技术合同成交额15亿元。"
                        "全市专利授权3000件。")
    assert meta.period == "FY" and [g[2] for g in got] == ["FY", "Q1-Q3", "FY"]
    # a goal after an R&D statistic is this year's
    assert run(h + "完成2022年度研发投入统计,力争研发投入强度达到2.6%。")[1] == [
        ("rd_intensity", 2023, "FY", "target")]
    # a number inside the counted noun does not cut it
    assert run(h + "全年新认定15家年营收超1亿元的高新技术企业。")[1] == [
        ("high_tech_enterprises_new", 2023, "FY", "actual")]


def test_a_sum_written_without_its_digit_is_one_yi_over():
    from analysis.pipeline import process_document

    r = process_document("y", "某市科技局2009年工作总结\n向上争取各类科技拨款超亿元。"
                              "全市超亿元高新技术企业30家,技术合同成交额突破亿元,新增亿元以上项目5个。")
    assert [(f.metric_id, f.value, f.qualifier) for f in r.figures if f.unit == "元"] == [
        ("sci_tech_funding_secured", 1e8, ">"), ("tech_contract_turnover", 1e8, ">")]
    assert [x.rule for x in r.repairs] == ["numberless_yi", "numberless_yi"]


def test_a_bare_measure_after_a_semicolon_takes_the_subject_before():
    assert figures("高新技术产业实现产值50亿元;实现增加值12亿元。") == [
        ("high_tech_output", 50e8, "元", None, 2023, "FY", "actual"),
        ("high_tech_value_added", 12e8, "元", None, 2023, "FY", "actual"),
    ]
    assert figures("高新技术产业产值达到112亿元,同比增长6.8%;占工业产值比重达70.6%。") == [
        ("high_tech_output", 112e8, "元", 6.8, 2023, "FY", "actual"),
        ("high_tech_output_share", 70.6, "%", None, 2023, "FY", "actual"),
    ]


@pytest.mark.parametrize("text, value", [
    ("开展高新技术企业认定工作,新认定企业36家。", 36),
    ("全力推进高新技术企业培育,通过认定的企业18家。", 18),
    ("高新技术企业达到310家,比上年净增45户。", 45),
    ("高新技术企业拥有量达到614家、比上年增加111家。", 111),
])
def test_recognitions_in_their_many_wordings_are_new_high_tech_firms(text, value):
    assert ids(text).get(value) == "high_tech_enterprises_new"


def test_an_increase_since_a_plans_end_is_the_new_ones_over_the_years_since():
    got = figures("高新技术企业总数达到520家,较“十三五”末增加210家。")
    assert ("high_tech_enterprises_total", 520, "家", None, 2023, "FY", "actual") in got
    assert ("high_tech_enterprises_new", 210, "家", None, 2023, "2021-2023", "actual") in got


@pytest.mark.parametrize("text", ["技术合同成交额同比增长25%,达到10亿元。",
                                  "技术合同成交额10亿元,同比增长25%。"])
def test_a_growth_rate_before_or_after_its_level_attaches(text):
    assert figures(text) == [("tech_contract_turnover", 10e8, "元", 25.0, 2023, "FY", "actual")]


def test_a_multiple_is_a_growth_of_n_hundred_percent():
    assert figures("技术合同成交额增长2.5倍,达到10亿元。") == [
        ("tech_contract_turnover", 10e8, "元", 250.0, 2023, "FY", "actual")]


def test_a_growth_rate_qualifies_the_level_not_the_change_amount_before_it():
    got = figures("全市完成高新技术产业产值601.8亿元,比上年增长238.88亿元,提高65.82%。")
    assert ("high_tech_output", 601.8e8, "元", 65.82, 2023, "FY", "actual") in got


def test_a_completion_rate_is_its_own_measure_not_a_target():
    got = extract_figures("t", "高新技术企业申报完成年度任务的107%。", META)
    assert [(f.metric_id, f.kind, f.flags) for f in got] == [("", "actual", ("completion_rate",))]


def test_past_actuals_quoted_in_a_plan_are_actuals_of_their_year():
    plan = DocMeta("t", region="某市", report_year=2021, period="FY", doc_type="plan")
    got = figures("2019年高新技术企业总数达120家,2025年力争达到300家。", plan)
    assert ("high_tech_enterprises_total", 120, "家", None, 2019, "FY", "actual") in got
    assert ("high_tech_enterprises_total", 300, "家", None, 2025, "FY", "target") in got


def test_a_span_and_a_list_of_as_many_values_give_one_year_each():
    got = figures("2015-2018年,全社会研发经费投入分别29.9、29.6、33.5、30.7亿元,"
                  "每万人发明专利拥有量分别达到1.86、2.29、2.64、2.96件。")
    assert [(m, v, yr, p) for m, v, _, _, yr, p, _ in got] == [
        ("rd_expenditure", 29.9e8, 2015, "FY"), ("rd_expenditure", 29.6e8, 2016, "FY"),
        ("rd_expenditure", 33.5e8, 2017, "FY"), ("rd_expenditure", 30.7e8, 2018, "FY"),
        ("invention_patents_per_10k", 1.86, 2015, "FY"), ("invention_patents_per_10k", 2.29, 2016, "FY"),
        ("invention_patents_per_10k", 2.64, 2017, "FY"), ("invention_patents_per_10k", 2.96, 2018, "FY"),
    ]


def test_a_year_inside_the_indicator_phrase_does_not_hide_it():
    assert ids("高新技术产业产值2018年占全市工业的46.3%。").get(46.3) == "high_tech_output_share"


@pytest.mark.parametrize("text, value", [
    ("超亿元高企56家。", 56),  # a qualified subset
    ("重新认定高新技术企业25家。", 25),  # re-recognitions are not new
    ("推荐申报高新技术企业80家。", 80),  # applications
    ("分县区看,甲县新增高企12家,乙县新增8家。", 12),  # a list of sub-units
    ("各市(区)高新技术产业产值稳步增长,其中甲市最高,达420亿元。", 420e8),
    ("某公司获得国家科技经费支持500万元。", 500e4),  # one firm's grant
])
def test_figures_that_are_not_the_regions_own_are_not_mapped(text, value):
    assert ids(text).get(value) is None


@pytest.mark.parametrize("text, value", [
    ("获上级无偿资金1052.2万元。", 10_522_000),
    ("争取上级资金3000万元。", 30_000_000),
])
def test_more_wordings_of_funds_won(text, value):
    assert ids(text).get(value) == "sci_tech_funding_secured"


def test_a_total_after_new_ones_with_a_cumulative_verb_takes_their_noun():
    got = ids("新认定省科技型中小企业1106家,完成率居全省第1,累计培育4765家。")
    assert got.get(4765) == "tech_smes"


def test_a_year_on_year_change_outside_the_plausible_range_is_dropped_with_a_note():
    got = extract_figures("t", "技术合同成交额10亿元,同比增长2583%。", META)
    assert [(f.metric_id, f.value, f.yoy_pct, f.flags) for f in got] == [
        ("tech_contract_turnover", 10e8, None, ("yoy_implausible",))]
    assert "dropped" in got[0].note
    assert figures("技术合同成交额10亿元,同比下降150%。")[0][3] is None  # a fall beyond 100 %
    assert figures("技术合同成交额10亿元,增长3.5倍。")[0][3] == 350.0  # a multiple is plausible


def test_sub_items_that_name_only_a_level_are_the_parents_platforms_of_that_level():
    got = [(f.metric_id, f.value, f.level)
           for f in extract_figures("t", "全市众创空间达到47家,其中国家级12家、省级20家。", META)]
    assert got == [("maker_spaces", 47, ""), ("maker_spaces", 12, "national"),
                   ("maker_spaces", 20, "provincial")]


def test_a_goal_label_before_a_colon_makes_a_target():
    assert figures("省考指标:新增高新技术企业30家。") == [
        ("high_tech_enterprises_new", 30, "家", None, 2023, "FY", "target")]


@pytest.mark.parametrize("text, value", [
    ("友好城市甲市科技局新增高新技术企业50家。", 50),
    ("与我市合作的乙县科技局技术合同成交额达到8亿元。", 8e8),
])
def test_a_clause_led_by_another_places_bureau_is_that_places_figure(text, value):
    assert ids(text).get(value) is None


@pytest.mark.parametrize("text", ["我市科技局新增高新技术企业50家。", "某市科技局新增高新技术企业50家。",
                                  "全市科技局系统新增高新技术企业50家。"])
def test_the_regions_own_bureau_is_not_another_place(text):
    assert ids(text).get(50) == "high_tech_enterprises_new"


def test_a_year_standing_alone_on_its_line_heads_the_short_lines_under_it():
    text = ("2023年\n\n●新增国家级科技型中小企业1163家\n\n2024年\n\n●力争高新技术企业总量达到2300户以上\n\n"
            "记者从近日召开的科技工作会上获悉,2023年,全市技术合同成交额达114.76亿元,创历史新高,"
            "位居全省第一,同比增长20%以上。\n")
    got = figures(text)
    assert ("tech_smes", 1163, "家", None, 2023, "FY", "actual") in got
    assert ("high_tech_enterprises_total", 2300, "家", None, 2024, "FY", "target") in got
    assert ("tech_contract_turnover", 114.76e8, "元", 20.0, 2023, "FY", "actual") in got


def test_a_year_runs_on_over_the_clause_groups_of_its_sentence():
    meta = DocMeta("t", region="某市", report_year=2024, period="FY", doc_type="summary")
    got = figures("成效显著,2023年规上企业研发投入达到9.51亿元,同比增长13.5%;"
                  "技术交易额达到3.05亿元,同比增长127.6%。", meta)
    assert ("tech_contract_turnover", 305_000_000, "元", 127.6, 2023, "FY", "actual") in got
    # a clause with its own time (今年, 预计, 上年 …) is not dated by the year before it
    got = figures("2023年全社会研发投入占GDP比重达3.08%;高新技术企业预计突破8800家。", meta)
    assert [f for f in got if f[0] == "high_tech_enterprises_total"][0][4] == 2024


def test_from_last_years_value_to_this_years():
    meta = DocMeta("t", region="某市", report_year=2022, period="FY", doc_type="summary")
    got = figures("2022年全社会研发经费由上年的12.86亿元增至24.49亿元,较上年增长90.39%,"
                  "首次突破20亿元大关。", meta)
    assert got == [("rd_expenditure", 1_286_000_000, "元", None, 2021, "FY", "actual"),
                   ("rd_expenditure", 2_449_000_000, "元", 90.39, 2022, "FY", "actual")]


def test_a_bare_total_takes_the_subject_before_the_first_figure_of_its_clause():
    got = figures("科技型中小企业累计66家通过省级评审,总数达226家,市定任务为211家。")
    assert got == [("tech_smes", 66, "家", None, 2023, "FY", "actual"),  # the subject before a process
                   ("tech_smes", 226, "家", None, 2023, "FY", "actual"),
                   ("tech_smes", 211, "家", None, 2023, "FY", "target")]


def test_the_rd_of_all_above_scale_firms_is_the_regions_rd_but_one_firms_is_not():
    assert ids("全县规上工业企业研发费用支出11.6亿元,同比增长12%。").get(1_160_000_000) == "rd_expenditure"
    assert ids("完成规模以上企业研发投入5.8亿元。").get(580_000_000) == "rd_expenditure"
    assert ids("撬动企业研发投入5000万元,享受研发费用加计扣除1.2亿元。") == {}


def test_the_last_n_years_make_a_span_ending_in_the_reports_year():
    got = figures("某县近两年新增高新技术企业14家,总数达到22家。")
    assert got == [("high_tech_enterprises_new", 14, "家", None, 2023, "2022-2023", "actual"),
                   ("high_tech_enterprises_total", 22, "家", None, 2023, "FY", "actual")]
    assert figures("三年来累计争取省级以上科技资金2.5亿元。") == [
        ("sci_tech_funding_secured", 250_000_000, "元", None, 2023, "2021-2023", "actual")]
    assert figures("过去五年,全市新增高新技术企业300家。")[0][4:6] == (2023, "2019-2023")
    assert figures("5年中,各类项目累计争取资金50亿元。")[0][4:6] == (2023, "2019-2023")
    assert figures("第5年中,全市专利授权500件。")[0][4:6] == (2023, "FY")


def test_valid_inventions_written_short_and_a_completion_of_the_years_quota():
    got = figures("有效发明2402件,完成全年指标的120%,万人有效发明14.97件。")
    assert got == [("valid_invention_patents", 2402, "件", None, 2023, "FY", "actual"),
                   ("invention_patents_per_10k", 14.97, "件/万人", None, 2023, "FY", "actual")]
    rate = [f for f in extract_figures("t", "有效发明2402件,完成全年指标的120%。", META) if f.unit == "%"]
    assert [(f.kind, f.flags) for f in rate] == [("actual", ("completion_rate",))]


def test_an_earlier_years_figure_in_a_part_year_report_is_that_years_whole():
    meta = DocMeta("t", region="某市", report_year=2012, period="M1-M10", doc_type="summary")
    got = figures("截至2012年10月底,全市高新技术产值实现2266亿元。"
                  "2011年,全市高新技术产业实现产值2452亿元。", meta)
    assert got == [("high_tech_output", 226_600_000_000, "元", None, 2012, "M1-M10", "actual"),
                   ("high_tech_output", 245_200_000_000, "元", None, 2011, "FY", "actual")]


def test_a_sentence_opening_with_qizhong_takes_the_measure_of_the_one_before():
    meta = DocMeta("t", region="某市", report_year=2012, period="Q1-Q3", doc_type="summary")
    got = figures("1—9月,全市专利申请量351件,同比增长81%。其中:发明专利112件,同比增长23%;"
                  "授权专利162件;企业申请专利157件。", meta)
    assert got == [("patent_applications", 351, "件", 81.0, 2012, "Q1-Q3", "actual"),
                   ("invention_patent_applications", 112, "件", 23.0, 2012, "Q1-Q3", "actual"),
                   ("patent_grants", 162, "件", None, 2012, "Q1-Q3", "actual")]


def test_a_part_named_by_qizhong_earlier_in_its_clause_group_is_no_figure():
    got = figures("全市共争取国家和省科技项目91项,资金3702万元;其中4个项目列入省重大成果转化计划,"
                  "争取经费550万元。")
    assert [f[1] for f in got if f[0] == "sci_tech_funding_secured"] == [37_020_000]


def test_one_institutions_figures_are_not_the_regions():
    assert figures("某某重点实验室搭建了研发平台,投资2.6亿元建立研发中心,新授权发明专利7项。") == []
    assert figures("某某科技有限公司今年获授权专利8件。") == []
    # a list of institutions with 等 sums the region's; the labs counted are the region's
    assert ids("甲大学“某技术”、乙研究院“某成果”等10个项目获得国家科学技术奖。").get(10) == \
        "national_sci_tech_awards"
    assert ids("省级重点实验室达到12家,新增发明专利授权300件。") == {
        12: "key_labs", 300: "invention_patent_grants"}


def test_city_recognised_high_tech_firms_are_not_national_ones():
    got = ids("新增国家重点扶持的高企9家,市高企16家,市级以上高企总数达到123家;认定县级高新技术企业5家。")
    assert got == {9: "high_tech_enterprises_new", 123: "high_tech_enterprises_total"}
    assert ids("宁波市高新技术企业总数达4000家。") == {4000: "high_tech_enterprises_total"}


def test_a_year_named_after_a_period_cue_dates_a_whole_year():
    meta = DocMeta("t", region="某市", report_year=2011, period="FY", doc_type="summary")
    got = figures("今年1至5月份,全市实现高新技术产业产值116.7亿元;2010年,实现高新技术产业产值310亿元。", meta)
    assert got == [("high_tech_output", 11_670_000_000, "元", None, 2011, "M1-M5", "actual"),
                   ("high_tech_output", 31_000_000_000, "元", None, 2010, "FY", "actual")]
    # a year written before its period keeps the period
    assert figures("2023年1-6月,全市技术合同成交额12亿元。")[0][4:6] == (2023, "H1")


def test_patents_obtained_are_patents_granted():
    assert ids("全县申请专利695件,取得专利437件。") == {695: "patent_applications", 437: "patent_grants"}


def test_a_forecast_in_a_part_year_report_is_for_the_whole_year():
    meta = DocMeta("t", region="某市", report_year=2022, period="Q1-Q3", doc_type="summary")
    got = figures("前三季度,全市技术合同成交额达50亿元。预计全市高新技术企业数量达到680家。", meta)
    assert got == [("tech_contract_turnover", 5_000_000_000, "元", None, 2022, "Q1-Q3", "actual"),
                   ("high_tech_enterprises_total", 680, "家", None, 2022, "FY", "estimate")]


def test_a_year_named_after_the_last_n_years_dates_its_own_figure():
    got = figures("某县近两年新增高新技术企业14家,2023年高新技术产业增加值16.46亿元。")
    assert got == [("high_tech_enterprises_new", 14, "家", None, 2023, "2022-2023", "actual"),
                   ("high_tech_value_added", 1_646_000_000, "元", None, 2023, "FY", "actual")]


def test_a_share_of_the_parents_total_belongs_to_the_figure_just_before_or_none():
    got = ids("研发投入占比达5.51%,全区有效发明专利为521件,占整个某市总量的22%。")
    assert got == {5.51: "rd_intensity", 521: "valid_invention_patents"}
    assert ids("全市R&D经费投入35亿元,同比增长10%,占GDP比重2.5%。") == {
        3_500_000_000: "rd_expenditure", 2.5: "rd_intensity"}


def test_a_forecast_opening_its_clause_covers_the_next_clause_on_its_subject():
    got = figures("目前,全市高新技术企业数112家,预计全年实现高新技术产业总产值400亿元,"
                  "高新技术产业增加值95亿元;有效发明专利保有量980件。")
    assert [(f[0], f[6]) for f in got] == [
        ("high_tech_enterprises_total", "actual"), ("high_tech_output", "estimate"),
        ("high_tech_value_added", "estimate"), ("valid_invention_patents", "actual")]


def test_overseas_incubators_and_firms_counted_with_products_are_no_core_figure():
    assert ids("新建海外孵化器、研发机构9家,总数达54家;新增离岸孵化器2家。") == {}
    assert ids("全年新增高新技术企业(产品)162家(个)。") == {}
    assert ids("全市科技企业孵化器总数达54家,新增孵化器5家。") == {54: "incubators_total", 5: "incubators_new"}


def test_the_figures_of_a_group_led_by_named_firms_are_not_the_regions():
    got = ids("以甲公司、乙公司和丙公司为代表的优质科技型企业累计上报研发经费18.95亿元。全市研发经费28亿元。")
    assert got == {2_800_000_000: "rd_expenditure"}


def test_a_from_to_base_year_dates_only_the_first_value():
    # the second value takes the year the sentence opens with, in its own and later groups
    got = figures("2022年,全县科技型中小企业由2021年的40家增加到65家,居全市前列;"
                  "高新技术产业增加值占GDP比重由2021年的10.5%提升到12%,其中研发经费投入强度达到2.2%。",
                  DocMeta("t", region="某县", report_year=2023, period="FY", doc_type="summary"))
    assert [(f[1], f[4]) for f in got] == [(40, 2021), (65, 2022), (10.5, 2021), (12, 2022), (2.2, 2022)]


def test_a_pace_of_change_is_no_level():
    got = ids("县内高新技术企业每年以6家的速度增加,总数达到23家。")
    assert got == {23: "high_tech_enterprises_total"}


def test_industry_value_added_of_the_whole_city_is_no_high_tech_figure():
    assert ids("高新技术产业产值50亿元;全市实现工业增加值500亿元。") == {5_000_000_000: "high_tech_output"}


def test_a_parallel_from_value_takes_the_base_year_of_the_one_before():
    got = figures("高新技术企业总数从2020年的52家增长至117家;国家科技型中小企业数量从78家增至150家。",
                  DocMeta("t", region="某县", report_year=2025, period="FY", doc_type="summary"))
    assert [(f[1], f[4]) for f in got] == [(52, 2020), (117, 2025), (78, 2020), (150, 2025)]


def test_a_goal_reached_early_is_a_result_and_a_change_base_is_a_past_fact():
    got = figures("研发经费投入强度在2024年提前达到2.0%的目标要求;"
                  "预计技术合同成交额将从2021年的5亿元增长至2025年的11亿元。",
                  DocMeta("t", region="某县", report_year=2025, period="FY", doc_type="summary"))
    assert got == [
        ("rd_intensity", 2.0, "%", None, 2024, "FY", "actual"),
        ("tech_contract_turnover", 500_000_000, "元", None, 2021, "FY", "actual"),
        ("tech_contract_turnover", 1_100_000_000, "元", None, 2025, "FY", "estimate"),
    ]


def test_recognitions_with_renewals_give_way_to_their_new_part():
    assert ids("今年认定国高企697家,其中新认定391家。") == {391: "high_tech_enterprises_new"}
    assert ids("新增高新技术企业100家,其中新认定40家。") == {100: "high_tech_enterprises_new"}


def test_a_count_of_a_goal_takes_the_subject_and_its_completion_is_a_rate():
    got = figures("发明专利申请量531件,完成全年1150件任务的46.2%。")
    assert got == [("invention_patent_applications", 531, "件", None, 2023, "FY", "actual"),
                   ("invention_patent_applications", 1150, "件", None, 2023, "FY", "target")]


def test_a_plans_end_dates_only_the_value_right_after_it():
    got = figures("高新技术企业数量是“十二五”末期的6.2倍、年均增长45%、总数达到2560家。",
                  DocMeta("t", region="某市", report_year=2020, period="FY", doc_type="summary"))
    assert got == [("high_tech_enterprises_total", 2560, "家", None, 2020, "FY", "actual")]


@pytest.mark.parametrize("text, value, metric, yoy", [
    ("全社会研发经费投入 367.1 亿元,同口径增长 17.1%。", 36_710_000_000, "rd_expenditure", 17.1),
    ("技术合同成交额、登记项数分别为 823.57 亿元、23003 项,同比增长 54.31%、20.1%。", 23003, "tech_contracts", 20.1),
    ("新认定省科小571家,新备案国科小1185家。", 1185, "tech_smes", None),
])
def test_abbreviations_and_spaced_numbers(text, value, metric, yoy):
    got = {f[1]: (f[0], f[3]) for f in figures(text)}
    assert got[value] == (metric, yoy)


def test_a_from_value_without_a_year_takes_the_plan_end_named_near_it_or_none():
    got = figures("“十三五”期间,各项重要指标较“十二五”末期均取得了较大提升。"
                  "技术合同登记交易额由14.85亿元增加至77.24亿元,增长5.5倍。",
                  DocMeta("t", region="某市", report_year=2020, period="FY", doc_type="summary"))
    # the growth over the plan's five years is no year-on-year change of either value
    assert got == [("tech_contract_turnover", 1_485_000_000, "元", None, 2015, "FY", "actual"),
                   ("tech_contract_turnover", 7_724_000_000, "元", None, 2020, "FY", "actual")]
    bare = figures("全市高新技术企业由120家增至150家,同比增长25%。")
    assert bare == [("high_tech_enterprises_total", 120, "家", None, None, "FY", "actual"),
                    ("high_tech_enterprises_total", 150, "家", 25, 2023, "FY", "actual")]


def test_from_values_after_the_last_n_years_and_a_growth_since_an_earlier_year():
    got = figures("过去五年,全市R&D经费支出从17.45亿元增长到30.69亿元。全市高新技术企业由49家大幅增长到127家。",
                  DocMeta("t", region="某市", report_year=2020, period="FY", doc_type="summary"))
    assert [(f[1], f[4], f[5]) for f in got] == [
        (1_745_000_000, 2015, "FY"), (3_069_000_000, 2020, "FY"), (49, 2015, "FY"), (127, 2020, "FY")]
    since = figures("2019年全市新增专利授权1.48万件,比2012年增长125.0%。",
                    DocMeta("t", region="某市", report_year=2019, period="FY", doc_type="summary"))
    assert since == [("patent_grants", 14800, "件", None, 2019, "FY", "actual")]


def test_a_goal_aside_a_share_with_its_base_and_a_bare_yoy_opening_the_next_group():
    got = figures("全年新认定高新技术企业300家(任务目标180家),同比增长16%。")
    assert got == [("high_tech_enterprises_new", 300, "家", 16, 2023, "FY", "actual"),
                   ("high_tech_enterprises_new", 180, "家", None, 2023, "FY", "target")]
    share = figures("全市高新技术产业完成增加值27.94亿元,占工业增加值61.75亿元的45.25%;同比增速15.5%。")
    assert share == [("high_tech_value_added", 2_794_000_000, "元", 15.5, 2023, "FY", "actual"),
                     ("high_tech_value_added_share", 45.25, "%", None, 2023, "FY", "actual")]


def test_rates_shared_out_by_subject_and_growth_since_an_older_plan():
    got = figures("全年专利申请503件,其中发明专利申请39件,专利授权283件,专利申请量和授权量分别同比增长50.6%和28.1%。")
    assert [(f[0], f[3]) for f in got] == [("patent_applications", 50.6),
                                           ("invention_patent_applications", None),
                                           ("patent_grants", 28.1)]
    since = figures("2010年全市专利申请达359件,专利授权达305件,分别比“十五”末增长132%和330%。")
    assert [f[3] for f in since] == [None, None]
    assert ids("培育国家级高新技术企业5家,省级高新技术企业48家。") == {5: "high_tech_enterprises_new"}


def test_a_park_counted_in_a_list_is_no_subject_of_the_sentence():
    got = ids("拥有国家级高新技术产业开发区1家、国家级科技企业孵化器2家、国家级高新技术企业88家。")
    assert got.get(88) == "high_tech_enterprises_total"
    assert ids("高新区新认定高新技术企业12家。") == {}  # the park itself speaks: a part


def test_numerals_that_name_or_order_are_no_figures():
    text = "聚焦“三个高新”,重点抓好五个方面的工作,学习十九届六次全会精神,全市新增高新技术企业三家。"
    assert [(f.value, f.metric_id) for f in extract_figures("t", text, META)] == [
        (3, "high_tech_enterprises_new")]


def test_a_net_increase_on_the_same_period_last_year_counts_the_new_ones():
    got = ids("截至目前,全县有效期内高新技术企业达到56家,较去年同期净增11家。")
    assert got == {56: "high_tech_enterprises_total", 11: "high_tech_enterprises_new"}


@pytest.mark.parametrize("text, value, metric", [
    ("组织申报高新技术企业120家,通过认定85家。", 85, "high_tech_enterprises_new"),
    ("省下达我市高新技术企业认定任务80家,全年实际认定95家。", 95, "high_tech_enterprises_new"),
    ("全市获批省级工程技术研究中心22家,总数达到156家。", 156, "engineering_centers"),
])
def test_recognitions_passed_and_totals_after_a_won_count(text, value, metric):
    assert ids(text).get(value) == metric
    assert ids("组织申报高新技术企业120家。") == {}  # applications are no recognitions


def test_the_whole_provinces_figure_is_not_the_regions():
    assert ids("全市新增高企50家,全省高新技术企业达到1.2万家。") == {50: "high_tech_enterprises_new"}
    assert ids("全省高新技术企业达到1.2万家,我市达到1200家。") == {1200: "high_tech_enterprises_total"}


def test_a_multiple_of_last_years_value_is_a_yoy_of_one_less():
    assert figures("技术合同成交额达到8亿元,是上年的3倍。")[0][3] == 200
    assert figures("技术合同成交额达到8亿元,增长2倍。")[0][3] == 200


def test_since_the_plan_began_runs_to_the_reports_year_not_the_plans_end():
    assert figures("“十四五”以来,累计新增高新技术企业300家。")[0][4:6] == (2023, "2021-2023")
    assert figures("“十三五”期间,累计新增高新技术企业300家。")[0][4:6] == (2020, "2016-2020")


def test_last_year_is_counted_from_the_page_date_and_left_alone_without_one():
    dated = "发布时间:2023-12-20 10:00\n截至去年底,全市高新技术企业总数达614家,目前达到700家。\n"
    assert [f[4] for f in figures(dated)] == [2022, 2023]  # a 2023 report posted in December
    undated = "截至去年底,全市高新技术企业总数达614家。\n"
    assert figures(undated)[0][4] == 2023  # no page date: the report's own year, as before


def test_review_findings_last_year_base_and_such_are_no_times():
    # 在去年基础上 / 高于去年 / 由去年N增加到M: 去年 is a comparison, not the figure's time
    dated = "发布时间:2023-12-10\n"
    assert [f[4] for f in figures(dated + "在去年基础上,新增高新技术企业100家。\n")] == [2023]
    assert [f[4] for f in figures(dated + "全市研发投入增速高于去年,技术合同成交额达到12亿元。\n")] == [2023]
    assert [f[4] for f in figures(dated + "全市高新技术企业由去年56家增加到80家。\n")] == [2022, 2023]
    assert [f[4] for f in figures(dated + "去年全年全市新增高新技术企业120家。\n")] == [2022]
    assert [f[4] for f in figures("在2022年的基础上,全市新增高新技术企业50家。")] == [2023]
    # a plan mention in an earlier sentence does not date a from-value after 今年
    assert figures("“十三五”期间,全市科技工作取得显著成效。今年,全市高新技术企业由120家增加到150家。")[0][4] is None


def test_review_findings_parks_with_a_year_national_labs_and_a_one_year_span():
    assert ids("高新区2023年新增高新技术企业50家。") == {}  # the park speaks: a part
    assert ids("全国重点实验室达到3家,全国科技型中小企业评价入库企业215家。") == {
        3: "key_labs", 215: "tech_smes"}
    first_year = DocMeta("t", region="某市", report_year=2021, period="FY", doc_type="summary")
    assert figures("“十四五”以来,累计新增高新技术企业30家。", first_year)[0][4:6] == (2021, "FY")


def test_counts_above_a_level_and_level_parts_of_new_ones_keep_their_level():
    got = [(f.metric_id, f.value, f.level) for f in
           extract_figures("t", "新增省级以上众创空间8家,其中国家级2家。", META) if f.metric_id]
    assert got == [("maker_spaces_new", 8, "provincial_up"), ("maker_spaces_new", 2, "national")]


def test_a_part_of_the_year_after_qizhong_is_that_periods_figure_not_a_subset():
    assert figures("全年技术合同成交额12亿元,其中上半年6亿元。") == [
        ("tech_contract_turnover", 1_200_000_000, "元", None, 2023, "FY", "actual"),
        ("tech_contract_turnover", 600_000_000, "元", None, 2023, "H1", "actual")]
    assert ids("技术合同成交额12亿元,其中技术开发合同6亿元。") == {1_200_000_000: "tech_contract_turnover"}


def test_a_named_part_after_a_period_led_sentence_stays_a_subset():
    text = "1-5月,全市技术合同成交额29.56亿元,其中海洋技术交易额4.53亿元。"
    assert ids(text) == {2_956_000_000: "tech_contract_turnover"}


def test_a_level_reached_after_a_net_increase_is_the_total():
    assert ids("高新技术企业净增45家,达到280家。") == {
        45: "high_tech_enterprises_new", 280: "high_tech_enterprises_total"}


def test_a_threshold_passed_then_the_level_reached_across_a_comma():
    assert ids("全市高新技术企业总数突破1000家,达到1086家。") == {1086: "high_tech_enterprises_total"}
    assert ids("高新技术企业突破300家,科技型中小企业达到500家。") == {
        300: "high_tech_enterprises_total", 500: "tech_smes"}


def test_short_yoy_words_and_doublings_in_words_are_year_on_year_changes():
    assert figures("全市实现高新技术产业产值达460亿元、比增41%。")[0][3] == 41
    assert figures("全市技术合同成交额突破7亿元,同比实现翻番。")[0][3] == 100
    assert figures("全市技术合同成交额达到8亿元,比上年翻了两番。")[0][3] == 300
    # without a yoy word a doubling names no year's change, and it is never a figure itself
    assert figures("科技型中小企业从78家增至150家,基本实现翻番。") == [
        ("tech_smes", 78, "家", None, None, "FY", "actual"),
        ("tech_smes", 150, "家", None, 2023, "FY", "actual")]
    assert [f.value for f in extract_figures("t", "全市科技型企业规模同比实现翻番。", META)] == []


def test_a_growth_named_again_later_in_the_sentence_is_its_levels_yoy():
    text = "全市高新技术产业增加值847.85亿元,占规上工业增加值比重为54.4%;高新技术产业增加值增速18%,全省第四。"
    assert figures(text)[0][:4] == ("high_tech_value_added", 84_785_000_000, "元", 18)
    # another subject's growth is no yoy of the level
    text = "全市高新技术产业增加值847.85亿元;规上工业增加值增速18%。"
    assert figures(text)[0][3] is None


def test_a_pdf_line_full_of_digits_is_still_a_full_line():
    from analysis.clean import clean_text

    filler = "全市科技工作稳步推进各项指标均有提升成效明显总体良好"  # 26 Chinese characters a line
    lines = [filler] * 8 + ["术合同成交额、登记项数分别为 823.57 亿元、23003 项,", "分别增长 54.31%、117.15%。"]
    doc = clean_text("d", "\n".join(lines))
    assert "23003 项,分别增长" in doc.text


def test_firms_a_service_reached_or_picked_for_a_list_are_not_the_regions_count():
    assert ids("为27家高新技术企业争取奖补资金135万元。") == {1_350_000: "sci_tech_funding_secured"}
    assert ids("威孚高科等8家国家高新技术企业入选。") == {}
    # 为 as the verb of a level is no service
    assert ids("截止目前高企总数为15家。") == {15: "high_tech_enterprises_total"}
    assert ids("科技型中小企业市定任务为211家。") == {211: "tech_smes"}


def test_contracts_counted_in_fen_are_contracts():
    assert figures("完成技术合同769份。") == [("tech_contracts", 769, "项", None, 2023, "FY", "actual")]
    assert ids("2023年1-5月份,发放资料5000份。") == {}


def test_the_national_part_of_prizes_of_every_level_is_the_national_award_count():
    assert ids("全市累计获科技奖励598项,其中国家级52项、省级546项。") == {52: "national_sci_tech_awards"}
    assert ids("科技成果获科技进步奖120项,其中国家级奖励7项。") == {7: "national_sci_tech_awards"}
    # the national part of something else is not a prize
    assert ids("全市科技项目立项120项,其中国家级52项。") == {120: "sci_tech_projects", 52: "sci_tech_projects"}
    assert ids("全市专利授权1200件,其中国家级52件。") == {1200: "patent_grants"}


def test_a_parks_own_report_speaks_of_itself_by_the_parks_name():
    park = DocMeta("t", region="某某高新技术产业开发区", admin_level="district", report_year=2019,
                   period="FY", doc_type="summary")
    text = "某某高新区新认定科技型中小企业545家,全年新认定高新技术企业300家。"
    assert ids(text, park) == {545: "tech_smes", 300: "high_tech_enterprises_new"}
    # in a city's report the park is a part of the region; in the park's own, a town is still a part
    assert ids(text) == {}
    assert ids("各镇新认定高新技术企业30家。", park) == {}


def test_cumulative_new_ones_over_recent_years_are_new_ones_of_the_span():
    meta = DocMeta("t", region="某市", report_year=2020, period="FY", doc_type="summary")
    new = ("high_tech_enterprises_new", 300, "家", None, 2020)
    assert figures("近三年累计新增高新技术企业300家。", meta)[0][:6] == (*new, "2018-2020")
    assert figures("2018年以来累计新增高新技术企业300家。", meta)[0][:6] == (*new, "2018-2020")
    # without a span, 累计认定 is the stock; so is a level reached at a span's end
    assert ids("全市累计认定高新技术企业430家。", meta) == {430: "high_tech_enterprises_total"}
    assert figures("近三年,全市高新技术企业累计达到430家。", meta)[0][:6] == (
        "high_tech_enterprises_total", 430, "家", None, 2020, "FY")


def test_colloquial_ge_yi_is_yi_yuan():
    assert figures("全县技术交易额达2个亿。") == [("tech_contract_turnover", 200_000_000, "元", None, 2023, "FY", "actual")]


def test_maker_spaces_and_incubators_together_are_incubation_carriers():
    assert ids("省级以上众创空间和孵化器19家。") == {19: "incubators_total"}
    assert ids("全市拥有众创空间20家。") == {20: "maker_spaces"}
    assert ids("全市拥有省级孵化器12家。") == {}  # one level of them is a part


def test_a_goal_completed_after_a_figure_is_that_indicators_target_even_after_qizhong():
    got = figures("今年认定国高企697家,其中新认定391家,完成市对区新认定375家考核任务,有效国高企达到1550家。")
    assert got == [("high_tech_enterprises_new", 391, "家", None, 2023, "FY", "actual"),
                   ("high_tech_enterprises_new", 375, "家", None, 2023, "FY", "target"),
                   ("high_tech_enterprises_total", 1550, "家", None, 2023, "FY", "actual")]
    assert ids("新认定省科小571家,超额完成市对区新认定350家考核任务。") == {571: "tech_smes", 350: "tech_smes"}
    # a count of the measures just named is no figure
    assert ids("全年新获得授权专利148件,其中发明专利授权23件,两项指标均居全市第1位。") == {
        148: "patent_grants", 23: "invention_patent_grants"}


def test_a_level_after_its_average_growth_takes_the_growths_subject_and_its_own_year():
    meta = DocMeta("t", region="某市", report_year=2021, period="FY", doc_type="summary")
    got = figures("“十三五”期间全市技术合同成交额年均增速14.8%,2020年达到303.93亿元。", meta)
    assert got == [("tech_contract_turnover", 30_393_000_000, "元", None, 2020, "FY", "actual")]
    # a sum over the span stays the span's; a year named inside it dates its own figure
    got = figures("“十三五”期间,全市累计新增高新技术企业300家,2020年新增80家。", meta)
    assert [(f[1], f[4], f[5]) for f in got] == [(300, 2020, "2016-2020"), (80, 2020, "FY")]


def test_a_count_of_valid_qualifications_after_new_ones_is_the_total():
    assert ids("实现净新增国家高新技术企业302家,资格有效数达1928家。") == {
        302: "high_tech_enterprises_new", 1928: "high_tech_enterprises_total"}


def test_prizes_of_a_named_years_round_are_that_years():
    meta = DocMeta("t", region="某市", report_year=2024, period="FY", doc_type="summary")
    assert figures("11个项目荣获2023年度国家科学技术奖。", meta)[0][4] == 2023
    assert figures("全市获国家科学技术奖11项。", meta)[0][4] == 2024


def test_a_year_right_before_a_value_dates_it_but_a_month_or_range_after_the_year_does_not():
    meta = DocMeta("t", region="某市", report_year=2022, period="FY", doc_type="summary")
    got = figures("高新技术企业数量从2015年232家增至2021年2886家(预计数)。", meta)
    assert got == [("high_tech_enterprises_total", 232, "家", None, 2015, "FY", "actual"),
                   ("high_tech_enterprises_total", 2886, "家", None, 2021, "FY", "estimate")]
    assert figures("2022年1-5月,全市技术合同成交额12亿元。", meta)[0][4:6] == (2022, "M1-M5")
    assert figures("2021年全市高新技术企业2886家（预计）。", meta)[0][6] == "estimate"


def test_review_eight_served_only_with_a_service_and_selected_within_its_item():
    for text, value in [("全市高新技术企业数量创历史新高，为320家。", 320), ("全市有效高新技术企业累计为320家。", 320),
                        ("全市高新技术企业数量：为320家。", 320)]:
        assert ids(text) == {value: "high_tech_enterprises_total"}, text
    assert ids("全市新认定高新技术企业全年共为45家。") == {45: "high_tech_enterprises_new"}
    assert ids("为辖区27家高新技术企业争取奖补资金135万元。") == {1_350_000: "sci_tech_funding_secured"}
    assert ids("为全市320家高新技术企业提供政策辅导。") == {}
    assert ids("走访高新技术企业300家。") == {}
    assert ids("指导45家企业成功认定为高新技术企业。") == {45: "high_tech_enterprises_new"}
    assert ids("全市有效高新技术企业达到320家、科技型中小企业1200家、入选省级瞪羚企业15家。") == {
        320: "high_tech_enterprises_total", 1200: "tech_smes"}
    assert ids("全市高新技术企业达到320家（其中15家入选省百强）。") == {320: "high_tech_enterprises_total"}


def test_review_eight_units_doublings_and_growth_named_again():
    assert ids("全年落地3个亿元以上科技项目。") == {3: "sci_tech_projects"}
    assert ids("高新技术产业产值超10个亿元的企业达到12家。") == {}
    assert figures("全市技术合同成交额12亿元，高新技术企业数量同比翻番。")[0][3] is None
    assert figures("全市技术合同成交额12亿元，其中技术开发合同同比翻番。")[0][3] is None
    assert figures("全市技术合同成交额12亿元，高新技术企业数量是上年的3倍。")[0][3] is None
    assert figures("全市技术合同成交额12亿元，是上年的3倍。")[0][3] == 200
    assert figures("全市技术合同成交额12亿元，占全省比重为8%；技术合同成交额增速18%。")[0][3] == 18
    assert figures("全市专利授权量12000件，居全省第二；专利授权量增速18%。")[0][3] == 18
    assert figures("全市技术合同成交额12亿元,比上年增23%。")[0][3] == 23
    assert figures("全市技术合同成交额12亿元,比去年同期降5%。")[0][3] == -5


def test_review_eight_goals_measures_spans_parks_and_prizes():
    assert figures("新认定高新技术企业45家，完成市下达的40家目标任务。")[1] == (
        "high_tech_enterprises_new", 40, "家", None, 2023, "FY", "target")
    assert ids("全年新获得授权专利148件,其中发明专利授权23件,三项指标增幅均居全市第1位。") == {
        148: "patent_grants", 23: "invention_patent_grants"}
    assert ids("专利授权量达到500件,上述2项指标均居全市前列。") == {500: "patent_grants"}
    assert [f.value for f in extract_figures("t", "全市有5项指标居全省第一。", META)] == []
    y2021 = DocMeta("t", region="某市", report_year=2021, period="FY", doc_type="summary")
    assert figures("2016年以来，全市技术合同成交额年均增速14.8%，2020年达到303.93亿元。", y2021)[0][4:6] == (2020, "FY")
    assert figures("“十三五”期间全市技术合同成交额年均增速14.8%，今年达到12亿元。", y2021)[0][4:6] == (2021, "FY")
    y2020 = DocMeta("t", region="某市", report_year=2020, period="FY", doc_type="summary")
    got = figures("2018年以来累计新增高新技术企业300家，今年新增120家。", y2020)
    assert [(f[1], f[5]) for f in got] == [(300, "2018-2020"), (120, "FY")]
    park = DocMeta("t", region="某某高新技术产业开发区", admin_level="district", report_year=2019,
                   period="FY", doc_type="summary")
    assert ids("苏州高新区新认定高新技术企业300家。", park) == {}
    assert ids("某某高新区生物医药产业园新认定高新技术企业30家。", park) == {}
    assert ids("某某国家高新区新认定高新技术企业300家。", park) == {300: "high_tech_enterprises_new"}
    assert ids("全市组织申报科技奖励98项，其中国家级12项。") == {}
    assert ids("全市累计获科技奖励598项，其中省级50项、国家级5项。") == {5: "national_sci_tech_awards"}
    assert ids("获科技进步奖120项（其中国家级7项）。") == {7: "national_sci_tech_awards"}
    assert ids("全市获科技奖励20个,其中国家级5个。") == {5: "national_sci_tech_awards"}
    y2024 = DocMeta("t", region="某市", report_year=2024, period="FY", doc_type="summary")
    for text in ("荣获2023年度国家科学技术奖11项。", "获国家科学技术奖11项（2023年度）。"):
        assert figures(text, y2024)[0][4] == 2023, text


def test_a_table_of_numbers_in_columns_is_not_joined_as_a_wrapped_line():
    from analysis.clean import clean_text

    filler = "全市科技工作稳步推进各项指标均有提升成效明显总体良好"
    rows = ["高新技术产业产值（亿元）1234.56 1456.78 1678.90 15.2", "技术合同成交额（亿元）823.57 950.12 1023.45 7.7 15.4",
            "发明专利授权量（件）1200 1350 1500 11.1"]
    text = clean_text("d", "\n".join([filler] * 8 + rows)).text
    assert "15.2\n技术合同成交额" in text and "15.4\n发明专利授权量" in text


def test_a_year_after_qizhong_is_that_years_part_of_a_span_not_a_subset():
    meta = DocMeta("t", region="某市", report_year=2021, period="FY", doc_type="summary")
    got = figures("“十三五”期间,全市累计新增高新技术企业300家,其中2020年新增80家。", meta)
    assert [(f[1], f[4], f[5]) for f in got] == [(300, 2020, "2016-2020"), (80, 2020, "FY")]
    assert ids("全市新增高新技术企业50家,其中新认定30家。", meta) == {50: "high_tech_enterprises_new"}


def test_a_sentence_opening_with_a_towns_name_states_the_towns_figures():
    assert ids("特别是容桂街道,高企总量接近600家,是全区高企队伍的领头羊。") == {}
    assert ids("城镇化率达到60%,全市高新技术企业600家。") == {600: "high_tech_enterprises_total"}


def test_a_year_before_a_month_span_dates_its_figures():
    assert figures("2022年1-5月,全市技术合同成交额12亿元。")[0][4:6] == (2022, "M1-M5")
    assert figures("2022年1―5月,全市技术合同成交额12亿元。")[0][4:6] == (2022, "M1-M5")
    assert figures("1-5月,全市技术合同成交额12亿元。")[0][4:6] == (2023, "M1-M5")


@pytest.mark.parametrize("text, value", [
    ("承担省以上各类科技计划项目89项,落实无偿资金1029.5万元。", 10_295_000),
    ("承担各类科技计划99项,获得无偿扶持资金11248万元。", 112_480_000),
    ("120项科技计划项目获得立项,获项目资金2600万元。", 26_000_000),
])
def test_funds_won_in_more_wordings(text, value):
    assert ids(text).get(value) == "sci_tech_funding_secured"


def test_a_level_reached_by_growing_is_a_total():
    got = ids("全年认定高新技术企业10家,高新技术企业发展到101家。")
    assert got == {10: "high_tech_enterprises_new", 101: "high_tech_enterprises_total"}


def test_a_threshold_between_a_level_and_its_growth_takes_no_yoy():
    got = figures("全年高新技术产业实现产值304.97亿元,首次突破300亿元大关,同比增长46.04%。")
    assert got == [("high_tech_output", 30_497_000_000, "元", 46.04, 2023, "FY", "actual")]


def test_yoy_against_last_year_written_out():
    assert figures("高新技术企业数量1950家,同比去年下降5%。") == [
        ("high_tech_enterprises_total", 1950, "家", -5, 2023, "FY", "actual")]


def test_firms_applying_to_the_register_are_no_count_of_it():
    assert ids("全市科技型中小企业申请入库2360家;科技型中小企业评价入库1500家。") == {
        1500: "tech_smes"}


def test_a_blank_inside_a_word_does_not_cut_the_indicator():
    assert ids("全社会研发费用占地 区生产总值比重达到 2.82%。") == {2.82: "rd_intensity"}
    # a heading run into the body still starts the phrase after its blank
    assert ids("(二)科技创新能力持续提升 全市新增高新技术企业50家。") == {
        50: "high_tech_enterprises_new"}


PLAN = DocMeta("t", region="某市", report_year=2023, period="FY", doc_type="plan")


def test_a_two_tier_goal_gives_both_tiers_the_indicator():
    got = figures("争取上级科技部门资金支持,确保超过6000万元、争取7000万元。", PLAN)
    assert got == [("sci_tech_funding_secured", 60_000_000, "元", None, 2023, "FY", "target"),
                   ("sci_tech_funding_secured", 70_000_000, "元", None, 2023, "FY", "target")]
    # 争取 opening its own clause is the verb of funds won, not a tier
    assert ids("确保新增高新技术企业20家,争取7000万元。", PLAN).get(70_000_000) is None


def test_a_goal_verb_with_yao_keeps_the_subject_for_the_next_measure():
    got = ids("高新技术产业工业总产值要突破400亿元,实现工业增加值125亿元以上。", PLAN)
    assert got == {4e10: "high_tech_output", 1.25e10: "high_tech_value_added"}


def test_new_since_a_plans_end_with_the_subject_in_its_own_clause():
    meta = DocMeta("t", region="某市", report_year=2022, period="FY", doc_type="summary")
    assert figures("全市高新技术企业较“十三五”末增加210家。", meta) == [
        ("high_tech_enterprises_new", 210, "家", None, 2022, "2021-2022", "actual")]
    # a stock with no count of new ones: its change since then is no level of it
    assert ids("全市有效发明专利达到5000件,较“十三五”末增加2100件。", meta) == {
        5000: "valid_invention_patents"}
    assert ids("有效发明专利较“十三五”末增加2100件。", meta) == {}


def test_prizes_recommended_or_applied_for_are_no_prizes_won():
    assert ids("推荐国家科技奖3项,申报省科学技术奖12项。") == {}


def test_progress_against_an_assigned_goal_is_that_indicators_actual():
    got = figures("2023年省考指标为技术合同成交额5亿元,目前已完成4.2亿元。")
    assert got == [("tech_contract_turnover", 5e8, "元", None, 2023, "FY", "target"),
                   ("tech_contract_turnover", 4.2e8, "元", None, 2023, "FY", "actual")]


def test_a_date_with_a_month_dates_the_figure_after_it():
    meta = DocMeta("t", region="某市", report_year=2021, period="FY", doc_type="summary")
    got = figures("2019年5月,全市新认定高新技术企业5家。2021年1-5月,技术合同成交额2亿元。", meta)
    assert got == [("high_tech_enterprises_new", 5, "家", None, 2019, "FY", "actual"),
                   ("tech_contract_turnover", 2e8, "元", None, 2021, "M1-M5", "actual")]


def test_tech_contracts_registered_in_money_and_by_amount():
    assert ids("全区累计完成技术合同认定登记6362.03万元。") == {63_620_300: "tech_contract_turnover"}
    got = ids("登记技术合同19项、交易金额2.05亿元,办理技术合同登记减免税4项。")
    assert got == {19: "tech_contracts", 2.05e8: "tech_contract_turnover"}  # tax reliefs: no count


def test_a_forecast_for_the_years_end_keeps_its_subject_and_growth():
    got = figures("全市技术合同成交额已实现1.89亿元,预计年底前将完成2.1亿元,同比增幅将超过20%。")
    assert ("tech_contract_turnover", 2.1e8, "元", 20, 2023, "FY", "estimate") in got


def test_its_value_added_is_the_subject_befores():
    got = ids("预计将实现高新技术产业总产值500亿元,其增加值占工业增加值比重将达24.2%。")
    assert got == {5e10: "high_tech_output", 24.2: "high_tech_value_added_share"}
    assert ids("全市专利申请1200件,其中发明专利300件,其他900件。").get(900) is None


def test_listed_names_share_the_measure_the_last_carries():
    got = ids("高新技术产业、战略性新兴产业产值占规上工业总产值比重分别达55.3%、38.6%。")
    assert got == {55.3: "high_tech_output_share"}
    got = ids("发明专利、实用新型专利授权量分别为300件、800件。")
    assert got == {300: "invention_patent_grants"}


def test_a_qualified_class_of_high_tech_firms_is_no_count_of_all():
    assert ids("拥有国家高新技术企业29家、火炬计划重点高新技术企业3家。") == {
        29: "high_tech_enterprises_total"}


def test_a_sum_in_a_paragraph_a_plan_span_opened_is_over_the_span():
    meta = DocMeta("t", region="某市", report_year=2015, period="FY", doc_type="summary")
    text = ("“十二五”期间,全市两项成果获得国家科技进步二等奖。全市吸纳技术4806项;技术合同输出共计"
            "1699项,合同成交额共计109.6亿元。截至目前,全市拥有有效发明专利1379件。\n"
            "2015年,技术合同累计成交额20亿元。\n")
    got = figures(text, meta)
    assert ("tech_contracts", 1699, "项", None, 2015, "2011-2015", "actual") in got
    assert ("tech_contract_turnover", 1.096e10, "元", None, 2015, "2011-2015", "actual") in got
    assert ("valid_invention_patents", 1379, "件", None, 2015, "FY", "actual") in got  # no sum
    assert ("tech_contract_turnover", 2e9, "元", None, 2015, "FY", "actual") in got  # its own line


def test_a_next_year_sentence_going_on_with_the_work_is_a_plan():
    meta = DocMeta("t", region="某市", report_year=2022, period="FY", doc_type="summary")
    text = ("2022年,全市高新技术企业达225家。\n"
            "2023年,全市继续激发创新主体活力,高新技术企业达到260家。\n")
    assert figures(text, meta) == [
        ("high_tech_enterprises_total", 225, "家", None, 2022, "FY", "actual"),
        ("high_tech_enterprises_total", 260, "家", None, 2023, "FY", "target")]


def test_prizes_won_by_a_recommended_project_are_prizes():
    assert ids("我市推荐项目获国家科学技术进步奖2项。") == {2: "national_sci_tech_awards"}


def test_a_month_spanning_into_the_next_year_or_since_a_month_does_not_date_the_figure():
    got = figures("2022年11月—2023年10月,全市技术合同成交额12亿元。2022年10月以来,全市新认定高新技术企业50家。")
    assert [(f[0], f[4]) for f in got] == [("tech_contract_turnover", 2023), ("high_tech_enterprises_new", 2023)]


def test_from_to_with_fazhan_dao_and_a_mark_passed_after_a_level():
    got = figures("高新技术企业由300家发展到520家。")
    assert [(f[0], f[1]) for f in got] == [("high_tech_enterprises_total", 300),
                                           ("high_tech_enterprises_total", 520)]
    got = figures("技术合同成交额达12亿元,首次突破10亿元,同比增长46%。")
    assert got == [("tech_contract_turnover", 1.2e9, "元", 46, 2023, "FY", "actual")]


def test_month_spans_written_with_two_months():
    got = figures("2023年1月至5月,全市技术合同成交额5亿元。")
    assert got == [("tech_contract_turnover", 5e8, "元", None, 2023, "M1-M5", "actual")]


def test_net_new_since_a_plans_end_and_in_the_plans_first_year():
    assert figures("高新技术企业数量较“十三五”末净增210家。") == [
        ("high_tech_enterprises_new", 210, "家", None, 2023, "2021-2023", "actual")]
    meta = DocMeta("t", region="某市", report_year=2021, period="FY", doc_type="summary")
    assert figures("高新技术企业较“十三五”末增加20家。", meta) == [
        ("high_tech_enterprises_new", 20, "家", None, 2021, "FY", "actual")]


def test_the_register_count_after_an_application_count_and_local_money():
    assert ids("科技型中小企业申请入库1300家,评价入库1200家。") == {1200: "tech_smes"}
    assert ids("落实市级科技项目资金1200万元,争取省级以上科技项目资金3000万元。") == {
        30_000_000: "sci_tech_funding_secured"}


def test_a_count_verb_right_before_a_number_and_its_noun_makes_new_ones():
    got = ids("2021年莆田新增90家国家高新技术企业。过去一年,某市新增9家国家级高新技术企业,使全市高新技术企业达42家。")
    assert got == {90: "high_tech_enterprises_new", 9: "high_tech_enterprises_new",
                   42: "high_tech_enterprises_total"}


def test_a_slogan_with_a_goal_verb_in_a_summary_makes_no_later_figure_a_goal():
    text = ("近年来,全区努力实现更高水平科技自立自强,主要创新指标全省居前,其中高新技术企业总量突破2000家,"
            "科技型中小企业超4500家。")
    assert [f[6] for f in figures(text)] == ["actual", "actual"]
    # a goal verb whose own clause states a figure reaches the next clause
    assert [f[6] for f in figures("全年力争新增高新技术企业20家,技术合同成交额达到5亿元。")] == ["target", "target"]


def test_incubation_carriers_of_every_kind_are_incubators():
    assert ids("各类科技孵化载体规模达200家。") == {200: "incubators_total"}


def test_past_words_after_a_later_year_open_no_plan():
    meta = DocMeta("t", region="某市", report_year=2021, period="FY", doc_type="summary")
    text = ("全年新增高新技术企业50家。2022年一季度,全市继续保持良好势头,新增科技型中小企业80家。")
    assert [f[6] for f in figures(text, meta)] == ["actual", "actual"]


def test_the_span_carry_gives_way_to_the_sentences_own_time_and_to_a_span_ahead():
    meta = DocMeta("t", region="某市", report_year=2020, period="FY", doc_type="summary")
    text = "“十三五”期间,全市科技工作取得显著成效。今年以来,全市技术合同成交额累计12亿元。"
    assert figures(text, meta) == [("tech_contract_turnover", 1.2e9, "元", None, 2020, "FY", "actual")]
    meta = DocMeta("t", region="某市", report_year=2022, period="FY", doc_type="summary")
    text = "“十四五”期间我市将大力实施创新驱动,力争取得更大成效。技术合同成交额累计12亿元。"
    assert [(f[4], f[5]) for f in figures(text, meta)] == [(2022, "FY")]


def test_a_count_verb_before_a_number_keeps_the_words_that_exclude():
    for text in ("全市重新认定50家高新技术企业。", "全年重点培育50家高新技术企业。", "组织申报认定50家高新技术企业。"):
        assert ids(text).get(50) != "high_tech_enterprises_new", text


def test_nominees_and_levels_in_a_list():
    assert ids("组织推荐国家科技进步奖获奖候选项目5项。") == {}
    meta = DocMeta("t", region="某县", report_year=2023, period="FY", doc_type="summary")
    assert ids("全年争取国家、省、市级科技项目资金5000万元。", meta) == {5e7: "sci_tech_funding_secured"}


def test_a_year_in_a_goal_verbs_clause_is_no_figure():
    got = figures("2023年,全市确保2023年各项目标任务圆满完成,高新技术企业总量突破2000家。")
    assert [f[6] for f in got] == ["actual"]


def test_its_share_after_a_level():
    assert ids("高新技术产业实现产值800亿元,其占规上工业总产值比重达45%。") == {
        8e10: "high_tech_output", 45: "high_tech_output_share"}


def test_a_sector_an_ownership_class_or_one_firm_is_no_region_total():
    text = ("全市实现高新技术产业增加值642.6亿元。电子信息技术产业实现高新技术产业增加值60.9亿元,"
            "新材料技术产业实现高新技术产业增加值249.2亿元。其中民营企业实现高新技术产业产值1461.8亿元。"
            "该企业研发投入1.69亿元。")
    assert ids(text) == {6.426e10: "high_tech_value_added"}


def test_the_provinces_figure_said_as_ours_and_a_recognition_won():
    assert ids("1-6月份,我省高新技术产业产值累计实现22502.43亿元。") == {}
    assert ids("全年有6家企业成功申报认定为高新技术企业。") == {6: "high_tech_enterprises_new"}


def test_a_bare_sum_after_a_multiple_takes_the_whole_measure():
    meta = DocMeta("t", region="某市", report_year=2010, period="FY", doc_type="summary")
    got = figures("专利申请量达2225件,是2001年的8.6倍;“十一五”累计5066件。", meta)
    assert ("patent_applications", 5066, "件", None, 2010, "2006-2010", "actual") in got
    assert ids("新增高新技术企业20家,累计达到120家。申请专利1200件,授权800件。") == {
        20: "high_tech_enterprises_new", 120: "high_tech_enterprises_total",
        1200: "patent_applications", 800: "patent_grants"}


def test_third_review_applications_firms_sectors_and_verbs():
    # applications to be recognised are no recognitions; success is
    assert ids("全年组织120家企业申报认定为高新技术企业。") == {}
    # one firm, then the region again in a later clause
    assert ids("该企业新认定为高新技术企业,全市新认定高新技术企业45家。") == {45: "high_tech_enterprises_new"}
    # a sector or ownership class describing the region's own total is no part
    assert ids("全市以电子信息产业为主导的高新技术产业产值达到500亿元。") == {5e10: "high_tech_output"}
    assert ids("民营企业为主体的高新技术产业增加值达到120亿元。") == {1.2e10: "high_tech_value_added"}
    # the words right before a count verb decide, not the whole clause
    assert ids("通过强化申报辅导新认定45家高新技术企业。") == {45: "high_tech_enterprises_new"}


def test_new_ones_of_a_stock_indicator_summed_over_a_span_keep_the_span():
    since = ("tech_smes", 300, "家", None, 2023, "2021-2023", "actual")
    assert figures("2021年以来,全市累计新增科技型中小企业300家。") == [since]
    # the verb the list shares makes the second one new ones too
    assert figures("“十四五”以来,累计新增高新技术企业120家,科技型中小企业300家。")[1] == since
    assert figures("2021年以来,累计新增高新技术企业120家、科技型中小企业300家。")[1] == since
    # a level reached at a span's end stays that year's stock
    assert figures("“十三五”期间,全市科技型中小企业达到300家。") == [
        ("tech_smes", 300, "家", None, 2020, "FY", "actual")]


def test_since_a_past_plan_began_runs_up_to_the_reports_year():
    got = figures("“十三五”以来,全市技术合同成交额累计达120亿元,高新技术企业达到430家。")
    assert got == [("tech_contract_turnover", 1.2e10, "元", None, 2023, "2016-2023", "actual"),
                   ("high_tech_enterprises_total", 430, "家", None, 2023, "FY", "actual")]
    then = DocMeta("t", region="某市", report_year=2018, period="FY", doc_type="summary")
    assert figures("“十三五”以来,全市技术合同成交额累计达120亿元。", then)[0][4:6] == (2018, "2016-2018")


def test_all_recognised_up_to_a_date_are_the_stock_not_new_ones():
    listed = figures("目前,全市共培育认定科技型中小企业62家、国家级高新技术企业75家。")
    assert listed[-1] == ("high_tech_enterprises_total", 75, "家", None, 2023, "FY", "actual")
    assert ids("截至2023年底,全市共认定高新技术企业75家。") == {75: "high_tech_enterprises_total"}
    # without a date of the stock, or with 新, the count is of the year's new ones
    assert ids("2023年,全市共认定高新技术企业75家。") == {75: "high_tech_enterprises_new"}
    assert ids("截至11月底,全市共新认定高新技术企业75家。") == {75: "high_tech_enterprises_new"}


def test_national_and_provincial_project_money_is_funds_secured():
    got = ids("共投入项目资金5000万元,其中,市本级安排项目资金3100万元,国家和省项目资金1900万元。")
    assert got == {19_000_000: "sci_tech_funding_secured"}


def test_later_clauses_of_a_sum_in_a_plan_review_are_sums_over_the_span_but_levels_are_not():
    meta = DocMeta("t", region="某州", report_year=2010, period="FY", doc_type="summary")
    got = figures("二、“十一五”期间,全州科技工作成效明显。累计申请专利364件,获授权专利214件,"
                  "有效发明专利80件。", meta)
    assert got == [
        ("patent_applications", 364, "件", None, 2010, "2006-2010", "actual"),
        ("patent_grants", 214, "件", None, 2010, "2006-2010", "actual"),
        ("valid_invention_patents", 80, "件", None, 2010, "FY", "actual"),
    ]


def test_since_last_year_is_a_span_of_two_years_and_a_level_keeps_the_reports_part():
    meta = DocMeta("t", region="某市", report_year=2011, period="H1", doc_type="summary")
    assert figures("去年以来,全市新增国家级高新技术企业3家。", meta) == [
        ("high_tech_enterprises_new", 3, "家", None, 2011, "2010-2011", "actual")]
    assert figures("去年以来,全市孵化器投入使用82万平方米。", meta) == [
        ("incubator_area", 820_000, "平方米", None, 2011, "H1", "actual")]


def test_a_rate_list_the_page_cut_still_pairs_its_first_rate_with_the_first_figure():
    got = figures("全市专利申请3412件、获专利授权2218件,比上年分别增长27.5%、200")
    assert [(g[0], g[3]) for g in got] == [("patent_applications", 27.5), ("patent_grants", None)]


def test_a_value_that_defines_a_class_of_places_is_a_threshold():
    got = figures("2020年全市技术合同成交额117.8亿元,成为全省第三个年度技术合同成交额突破100亿元的市州。")
    assert got == [("tech_contract_turnover", 1.178e10, "元", None, 2020, "FY", "actual")]


REVIEW_TEN = DocMeta("t", region="某市", report_year=2020, period="FY", doc_type="summary")


@pytest.mark.parametrize("text, meta, want", [
    # a plan named in passing opens no span for this year's 共… figures
    ("在“十三五”时期打下的良好基础上,今年我市科技工作再上新台阶。全市共申请专利5200件,授权专利3100件。", META,
     [("patent_applications", 5200, "件", None, 2023, "FY", "actual"),
      ("patent_grants", 3100, "件", None, 2023, "FY", "actual")]),
    # a later clause with its own 同比 / 比上年 is the year's figure, not a sum over the span
    ("“十三五”期间,我市科技创新成效显著。全市累计实施科技项目320项,技术合同成交额12亿元,同比增长15%。", REVIEW_TEN,
     [("sci_tech_projects", 320, "项", None, 2020, "2016-2020", "actual"),
      ("tech_contract_turnover", 1.2e9, "元", 15, 2020, "FY", "actual")]),
    # the year named, or a goal it is measured against: the year's new ones
    ("今年,截至11月底,全市共认定高新技术企业45家。", META,
     [("high_tech_enterprises_new", 45, "家", None, 2023, "M1-M11", "actual")]),
    ("截至目前,全市共认定高新技术企业45家,完成年度目标任务的112%。", META,
     [("high_tech_enterprises_new", 45, "家", None, 2023, "FY", "actual")]),
    # 去年以来 as a modifier, or beside 上半年 / 同比: no span
    ("受去年以来疫情影响,上半年全市技术合同成交额8亿元,同比下降5%。", META,
     [("tech_contract_turnover", 8e8, "元", -5, 2023, "H1", "actual")]),
    ("去年以来,全市技术合同成交额达到15亿元,同比增长20%。", META,
     [("tech_contract_turnover", 1.5e9, "元", 20, 2023, "FY", "actual")]),
    # a last rate in 个百分点 is read, not a rate the page cut
    ("全市高新技术产业产值、增加值分别达到850亿元、210亿元,分别增长12.3%、8.5%、3.2个百分点。", META,
     [("high_tech_output", 8.5e10, "元", 12.3, 2023, "FY", "actual"),
      ("high_tech_value_added", 2.1e10, "元", 8.5, 2023, "FY", "actual")]),
    # matching funds are the region's own money; a value reached that defines a class is its own
    ("按照1:1比例配套国家和省科技项目资金2500万元。", META, []),
    ("我市成为全省首个研发投入强度达到3.15%的设区市。", META, [("rd_intensity", 3.15, "%", None, 2023, "FY", "actual")]),
    # “十三五”以来 the year after the plan: the plan's own years
    ("“十三五”以来,全市累计争取国家、省科技资金5亿元,比“十二五”增长60%。",
     DocMeta("t", region="某市", report_year=2021, period="FY", doc_type="summary"),
     [("sci_tech_funding_secured", 5e8, "元", 60, 2020, "2016-2020", "actual")]),
])
def test_review_ten_findings(text, meta, want):
    assert figures(text, meta) == want


def test_a_bare_kind_of_the_noun_just_counted_takes_its_measure():
    got = figures("全年共计专利受理数389件,增长37.5%;发明专利136件,增长33.3%。")
    assert got == [("patent_applications", 389, "件", 37.5, 2023, "FY", "actual"),
                   ("invention_patent_applications", 136, "件", 33.3, 2023, "FY", "actual")]
    # a kind with a name of its own keeps it
    assert ids("全年专利授权量2000件,发明专利300件,有效发明专利1500件。") == {
        2000: "patent_grants", 300: "invention_patent_grants", 1500: "valid_invention_patents"}


def test_a_level_at_a_years_start_is_the_year_befores_and_takes_no_span_growth():
    got = figures("全市高新技术企业总数从2020年初的215家跃升至2025年初的562家,增幅达161.4%。")
    assert got == [("high_tech_enterprises_total", 215, "家", None, 2019, "FY", "actual"),
                   ("high_tech_enterprises_total", 562, "家", None, 2024, "FY", "actual")]


def test_short_forms_of_high_tech_output_and_value_added():
    assert ids("全年高新总产值达到1186.13亿元,实现高新增加值282亿元,高新区总产值500亿元。") == {
        1.18613e11: "high_tech_output", 2.82e10: "high_tech_value_added"}


def test_a_growth_rate_whose_percent_sign_the_page_lost_is_read_and_the_repair_listed():
    from analysis.pipeline import process_document

    r = process_document("t", "某市2025年前三季度科技工作综述\n"
                              "前三季度,全市高新技术产业实现增加值504.4亿元同比增长14,增速高于全省平均。")
    assert [(f.metric_id, f.value, f.yoy_pct, f.period) for f in r.figures if f.metric_id] == [
        ("high_tech_value_added", 5.044e10, 14, "Q1-Q3")]
    assert [(x.rule, x.before, x.after) for x in r.repairs] == [("lost_percent_end", "", "%")]
    # a growth with its unit, or a count, is left as it is
    r = process_document("u", "某市科技局2023年工作总结\n全市高新技术企业同比增长14家,成交额同比增长14%。")
    assert r.repairs == []


@pytest.mark.parametrize("text, want", [
    # a bare kind of the noun just counted is read only as a kind the taxonomy names
    ("全年专利申请6000件,国外专利25件。", {6000: "patent_applications"}),
    ("全年专利授权量4200件,同比增长12%,高校专利300件。", {4200: "patent_grants"}),
    ("全年专利授权3120件,有效专利15000件。", {3120: "patent_grants"}),
    ("全年专利授权3120件,累计专利21000件。", {3120: "patent_grants"}),
    ("全年专利授权4200件,职务发明专利360件。", {4200: "patent_grants"}),
    ("全年发明专利申请1200件,企业发明专利900件。", {1200: "invention_patent_applications"}),
    ("新认定高新技术企业45家、创新型企业12家。", {45: "high_tech_enterprises_new"}),
    # an amount without its unit after 增加 is no growth rate
    ("全市高新技术企业达到268家,比上年增加46,增长20.7%。", {268: "high_tech_enterprises_total"}),
    ("科技型中小企业技术创新基金项目通过国家评审12家。", {}),
    ("全市星创天地入驻企业120家。", {}),
    ("全市高新技术企业实现销售收入800亿元。", {}),
])
def test_review_eleven_findings_map_nothing_wrongly(text, want):
    assert ids(text) == want


def test_review_eleven_findings_keep_years_and_growth():
    assert figures("全市高新技术企业达到268家,比上年增加46,增长20.7%。")[0][3] == 20.7
    assert figures("每万人发明专利拥有量达到12.5件,比上年增加2.1,位列全省第二。")[0][3] is None
    assert figures("全年新增成立三年内的科技型中小企业120家。")[0][4:6] == (2023, "FY")
    assert figures("力争在三年内新增高新技术企业100家。")[0][4:7] == (2023, "FY", "target")
    assert figures("2023年初至今全市高新技术企业总数达到300家。")[0][4:6] == (2023, "FY")
    assert figures("截至2024年初,全市有效发明专利达到5200件。")[0][4] == 2023


def test_a_years_start_opening_the_sentence_dates_only_levels_as_of_it():
    assert figures("2023年初,市科技局制定高企倍增方案,到年底,全市高新技术企业达到520家。")[0][4] == 2023
    assert [f[4] for f in figures("截至2023年初,全市高新技术企业达到480家,年底达到520家。")] == [2022, 2023]
    assert ids("全市通过评审入库科技型中小企业452家,同比增长30%。") == {452: "tech_smes"}


@pytest.mark.parametrize("text, value", [
    ("全市专利申请量1001件,比上年增加62件。", 62),  # a flow's change on last year
    ("全市有效发明专利1200件,比上年增加200件。", 200),  # a stock with no count of new ones
    ("全年新认定高新技术企业50家,比上年增加10家。", 10),  # more new ones than last year
    ("全市上市的高新技术企业4家,较上年增加2家。", 2),  # the increase of a subset
])
def test_an_increase_on_last_year_is_a_change_not_a_level(text, value):
    assert value not in ids(text)


def test_an_increase_of_a_stock_of_firms_counts_the_new_ones():
    assert ids("全市高新技术企业达到117家,比上年增加26家。") == {
        117: "high_tech_enterprises_total", 26: "high_tech_enterprises_new"}


def test_the_figures_of_a_group_of_firms_are_not_the_regions():
    got = ids("120家高新技术企业中,企业自办研发机构144个;专利申请数量1001件,较上年增加62件。")
    assert 1001 not in got and 62 not in got
    assert ids("全市专利申请数量1001件。") == {1001: "patent_applications"}
    # counts of the group's firms, and the region named again, are the region's
    assert ids("520家高新技术企业中,新认定企业180家。").get(180) == "high_tech_enterprises_new"
    assert ids("150家企业中,有86家通过高新技术企业认定,全市高企总数达到520家。").get(520) == (
        "high_tech_enterprises_total")


@pytest.mark.parametrize("text, expected", [
    # a breakdown frame does not hide the region's own totals (review of session 13)
    ("从技术合同类型看,全年共登记技术合同1500项,成交额45亿元。",
     {1500: "tech_contracts", 4_500_000_000: "tech_contract_turnover"}),
    ("从创新主体看,全市高新技术企业达到650家,科技型中小企业入库860家。",
     {650: "high_tech_enterprises_total", 860: "tech_smes"}),
])
def test_a_breakdown_frame_keeps_the_regions_totals(text, expected):
    assert ids(text) == expected


def test_a_provinces_figures_dated_at_the_clause_start_are_not_the_citys():
    got = ids("2023年全省高企总数要从1.8万家增长到2.4万家,我市高企总数要从750家增长到970家。")
    assert 18_000 not in got and 24_000 not in got
    assert got.get(970) == "high_tech_enterprises_total"


def test_an_assigned_task_from_a_level_to_a_goal():
    """要从A增长到B in a summary: B is the goal, A the level it starts from (the year
    before); each year's net gain in brackets is that year's new ones, also a goal."""
    got = figures("根据任务分解表,2023年我市高企总数要从750家增长到970家(年净增220家),"
                  "2024年要增长到1200家(年净增230家)。")
    assert got == [
        ("high_tech_enterprises_total", 750, "家", None, 2022, "FY", "actual"),
        ("high_tech_enterprises_total", 970, "家", None, 2023, "FY", "target"),
        ("high_tech_enterprises_new", 220, "家", None, 2023, "FY", "target"),
        ("high_tech_enterprises_total", 1200, "家", None, 2024, "FY", "target"),
        ("high_tech_enterprises_new", 230, "家", None, 2024, "FY", "target"),
    ]
    assert ids("全市高企总数达到970家(比上年净增220家)。") == {
        970: "high_tech_enterprises_total", 220: "high_tech_enterprises_new"}
    # 主要 / 需要 are no goal verbs
    assert {f[6] for f in figures("全市高新技术企业达到970家,主要从制造业企业中培育。")} == {"actual"}


def test_a_goal_verb_whose_clause_only_dates_the_goal_reaches_the_next():
    got = figures("局长表示,力争到2023年底,全社会研发经费支出占GDP比重超过3.8%。",
                  DocMeta("t", region="某市", report_year=2023, period="H1", doc_type="summary"))
    assert got == [("rd_intensity", 3.8, "%", None, 2023, "FY", "target")]


def test_firms_recommended_for_a_register_are_not_registered():
    assert ids("完成科技型中小企业入库推荐920家,入库科技型中小企业850家。") == {850: "tech_smes"}


@pytest.mark.parametrize("text", [
    "全市研究与试验发展(R&D)经费投入占比2.04%,达56.94亿元。",
    "全市R&D经费支出占GDP比重达2.04%,总量达到56.94亿元。",
])
def test_a_level_after_a_share_is_the_level_of_its_measure(text):
    assert ids(text) == {2.04: "rd_intensity", 5_694_000_000: "rd_expenditure"}


@pytest.mark.parametrize("text, actual", [
    ("围绕市委提出的科技创新要从三个方面发力的要求,全市高新技术企业达到980家,专利授权量3200件。",
     ("high_tech_enterprises_total", 980)),
    ("今年要从3个方面抓好科技工作,全市高新技术企业达到980家。", ("high_tech_enterprises_total", 980)),
    ("确保年底前,全市高新技术企业达到650家的目标顺利完成,全年新认定180家。",
     ("high_tech_enterprises_new", 180)),
])
def test_results_beside_goal_words_stay_actuals(text, actual):
    assert (*actual, "家", None, 2023, "FY", "actual") in figures(text)


def test_a_level_now_after_a_goal_is_the_reports_years_actual():
    got = figures("按照规划,全市高企数量要从2020年的300家增长到2025年的800家,目前已达到650家。")
    assert ("high_tech_enterprises_total", 800, "家", None, 2025, "FY", "target") in got
    assert ("high_tech_enterprises_total", 650, "家", None, 2023, "FY", "actual") in got


def test_a_later_years_value_with_a_modal_in_a_summary_is_a_goal():
    assert figures("全市技术合同成交额45亿元,2024年将提高到50亿元。")[-1] == (
        "tech_contract_turnover", 5_000_000_000, "元", None, 2024, "FY", "target")


def test_first_in_the_province_is_the_regions_own_figure():
    assert ids("2023年全省率先实现技术合同成交额突破45亿元。") == {4_500_000_000: "tech_contract_turnover"}


@pytest.mark.parametrize("text", ["全市研发经费支出45亿元,其中企业研究与试验发展(R&D)经费占比78%。",
                                  "企业研发经费占比为75%。"])
def test_the_firms_share_of_rd_is_not_the_rd_intensity(text):
    assert "rd_intensity" not in ids(text).values()




def test_growth_against_an_earlier_year_in_a_sentence_without_one_is_no_yoy():
    got = figures("今年,全市国家高新技术企业总数达到385家,比2019年底总数提升近4倍。")
    assert ("high_tech_enterprises_total", 385, "家", None, 2023, "FY", "actual") in got
    got = figures("全市科技型中小企业共计2671家,与2022年相比增长25%。")  # the year before: yoy
    assert ("tech_smes", 2671, "家", 25.0, 2023, "FY", "actual") in got


def test_the_output_of_high_tech_firms_is_not_the_high_tech_industrys():
    assert ids("今年全市高新技术企业产值预计实现2500亿元,占全市规上企业工业总产值的30%。") == {}
    assert ids("全市高新技术产业产值实现2500亿元,占规上工业总产值的比重达30%。") == {
        250_000_000_000: "high_tech_output", 30: "high_tech_output_share"}


@pytest.mark.parametrize("text, expected", [
    ("获高企认定7家,保有量为34家。", {7: "high_tech_enterprises_new", 34: "high_tech_enterprises_total"}),
    ("日前,某市对1524家科技型中小企业进行了奖励。", {}),  # the firms rewarded
    ("对120家企业进行了高新技术企业认定。", {120: "high_tech_enterprises_new"}),
    ("对52家企业进行了高新技术企业认定并给予奖励。", {52: "high_tech_enterprises_new"}),
    # the stock of the firms just counted, not of the indicator before them
    ("新增高新技术企业42家,新认定省级专精特新中小企业25家,保有量达到140家。",
     {42: "high_tech_enterprises_new"}),
])
def test_stocks_increases_and_rewarded_firms(text, expected):
    assert ids(text) == expected


@pytest.mark.parametrize("text, expected", [
    # review of session 13: park words and firms' output must not hide the region's figures
    ("全市科技企业孵化器、众创空间和创业园等孵化载体达到45家,孵化面积达到86万平方米。",
     {45: "incubators_total", 860_000: "incubator_area"}),
    ("全市高新技术企业实现高新技术产业产值850亿元,占规上工业总产值比重达到48.5%。",
     {85_000_000_000: "high_tech_output", 48.5: "high_tech_output_share"}),
    ("全市高新技术产业(高新技术企业)产值达到1250亿元,占规模以上工业总产值的比重为52%。",
     {125_000_000_000: "high_tech_output", 52: "high_tech_output_share"}),
    ("全市技术合同登记856项,其中技术开发合同320项,合同金额4.2亿元。", {856: "tech_contracts"}),
])
def test_region_figures_the_review_saw_lost(text, expected):
    assert ids(text) == expected


def test_growth_against_the_year_before_last_year_is_last_years_yoy():
    got = figures("去年全市技术合同成交额达到50亿元,比2021年增长30%。",
                  DocMeta("t", region="某市", report_year=2023, period="FY", doc_type="summary"))
    assert [f[3] for f in got if f[0] == "tech_contract_turnover"] == [30.0]


@pytest.mark.parametrize("text, expected", [
    # review 3: the stock after a re-examined count or a part is the indicator's
    ("全市新认定高新技术企业58家,复审通过23家,保有量达到210家。",
     {58: "high_tech_enterprises_new", 210: "high_tech_enterprises_total"}),
    ("全市新增高新技术企业42家,其中规上工业企业30家,保有量达到210家。",
     {42: "high_tech_enterprises_new", 210: "high_tech_enterprises_total"}),
    # firms funded, whatever word describes them
    ("全市科技型中小企业评价入库450家。对120家评价入库的科技型中小企业予以补助。", {450: "tech_smes"}),
    ("全市新认定高新技术企业60家。对35家首次认定的高新技术企业给予奖励。", {60: "high_tech_enterprises_new"}),
])
def test_held_stocks_and_funded_firms(text, expected):
    assert ids(text) == expected


def test_last_year_only_as_a_comparison_does_not_make_a_two_year_growth_a_yoy():
    got = figures("全市技术合同成交额达到50亿元,超过上年全年总量,比2021年增长80%。")
    assert [f[3] for f in got if f[0] == "tech_contract_turnover"] == [None]


@pytest.mark.parametrize("text, yoy", [
    # a sentence of growth only, then the level: the level's yoy
    ("全市技术合同成交额继续大幅增长77%。全年共认定登记技术合同21074项,成交额1273.36亿元。",
     {127_336_000_000: 77.0, 21074: None}),
    # review 4: no multiple, no other year, no growth over years, no other measure's or subset's
    ("全市技术合同成交额增长2.8倍。全年技术合同成交额80亿元。", {8_000_000_000: None}),
    ("2022年全市技术合同成交额增长20%。2023年全市技术合同成交额80亿元。", {8_000_000_000: None}),
    ("与2020年相比,全市技术合同成交额增长60%。全年技术合同成交额80亿元。", {8_000_000_000: None}),
    ("全市技术合同成交额累计增长60%。全年技术合同成交额80亿元。", {8_000_000_000: None}),
    ("全市技术合同成交额再创新高,登记数量增长20%。全年技术合同成交额80亿元。", {8_000_000_000: None}),
    ("全市规上工业企业研发投入增长18%。全社会研发投入50亿元。", {5_000_000_000: None}),
    ("全市专利申请量增长5%。全年发明专利申请量300件,专利申请量1200件。", {300: None, 1200: 5.0}),
    # not a fall (no sign is read across sentences), nor a level with a yoy of its own
    ("全市专利申请量下降5%。全年专利申请量1200件。", {1200: None}),
    ("全市专利申请量增长5%。全年专利申请量1200件,同比增长8%。", {1200: 8.0}),
])
def test_a_growth_only_sentence_gives_the_next_level_its_yoy(text, yoy):
    got = {f[1]: f[3] for f in figures(text)}
    assert {v: got.get(v) for v in yoy} == yoy


def test_a_part_years_growth_does_not_go_to_the_years_level():
    assert [f[3] for f in figures("上半年,全市专利申请量增长5%。全年专利申请量1200件。") if f[0]] == [None]


@pytest.mark.parametrize("text, meta, expected", [
    # a county of the city by its name opening the sentence: that county's figure
    ("全市技术合同成交额达到50亿元。其中,湘潭县完成技术合同成交额15.65亿元。",
     DocMeta("t", region="湘潭市", report_year=2021, period="FY", doc_type="summary"),
     {5_000_000_000: "tech_contract_turnover"}),
    # the county's own report speaking of itself
    ("其中,湘潭县完成技术合同成交额15.65亿元。",
     DocMeta("t", region="湘潭县", report_year=2021, period="FY", doc_type="summary"),
     {1_565_000_000: "tech_contract_turnover"}),
    # a breakdown by field: parts of the whole
    ("在八大高新技术领域中,新材料、生物医药领跑前二,其产值分别为182.06亿元、133.12亿元。", META, {}),
    ("全市高新技术产业产值达到1500亿元,在电子信息领域中增长最快。", META, {150_000_000_000: "high_tech_output"}),
])
def test_named_units_and_fields_are_parts(text, meta, expected):
    assert ids(text, meta) == expected


def _got(text: str) -> dict[tuple[str, float], tuple]:
    meta = DocMeta("t", region="某市", report_year=2022, period="FY", doc_type="summary")
    return {(f[0], f[1]): f[3:] for f in figures(text, meta)}


def test_from_to_pairs_under_a_span_of_years_are_its_ends():
    # session fourteen: 2018年至2021年,…由A增长至B gives A to 2018 and B to 2021, and a multiple
    # after the pair (增长2.7倍) is the growth over the span, not a year-on-year change
    got = _got("2022年某某市科技工作总结\n2018年至2021年,全市研发投入强度由1.74%增长至2.45%;"
               "高新技术企业总量由1323家增长到4130家,增长2.1倍;技术合同成交额由82.3亿元,增长到306.5亿元,增长2.7倍。")
    assert got[("rd_intensity", 1.74)] == (None, 2018, "FY", "actual")
    assert got[("rd_intensity", 2.45)] == (None, 2021, "FY", "actual")
    assert got[("high_tech_enterprises_total", 1323)] == (None, 2018, "FY", "actual")
    assert got[("high_tech_enterprises_total", 4130)] == (None, 2021, "FY", "actual")
    assert got[("tech_contract_turnover", 8_230_000_000)] == (None, 2018, "FY", "actual")
    assert got[("tech_contract_turnover", 30_650_000_000)] == (None, 2021, "FY", "actual")
    # a pair split by a comma keeps a stated year-on-year change on its second value
    got = _got("2022年某某市科技工作总结\n技术合同成交额由82.3亿元,增长到306.5亿元,同比增长20%。")
    assert got[("tech_contract_turnover", 30_650_000_000)][0] == 20
    # a span's sum is still a sum
    got = _got("2022年某某市科技工作总结\n2021年至2022年,新认定高新技术企业300家。")
    assert got[("high_tech_enterprises_new", 300)][2] == "2021-2022"


def test_a_from_to_base_after_a_comma_takes_its_second_values_measure():
    got = _got("2022年某某市科技工作总结\n“十三五”末以来,每年的研究与试验发展经费投入,由135.63亿元提高到201.3亿元,增长48%;"
               "高新技术企业数量,由2013户提高到3500户以上。")
    assert ("rd_expenditure", 13_563_000_000) in got and ("rd_expenditure", 20_130_000_000) in got
    assert ("high_tech_enterprises_total", 2013) in got  # 户 counted as 家, like its pair
    # a base of another dimension is no level of the pair's measure
    got = _got("2022年某某市科技工作总结\n技术合同成交额,由5项增加到10亿元。")
    assert ("tech_contract_turnover", 5) not in got


def test_recognised_firms_as_of_now_are_the_stock():
    got = _got("2022年某某市科技工作总结\n截至目前,全市经认定的国家高新技术企业1600家。今年新认定高新技术企业120家。")
    assert ("high_tech_enterprises_total", 1600) in got and ("high_tech_enterprises_new", 1600) not in got
    assert ("high_tech_enterprises_new", 120) in got


def test_patents_of_all_kinds_and_technology_deals_in_money():
    got = _got("2022年某某县科技工作总结\n全县申请各类专利77件,其中发明专利30件;完成技术合同交易2300万元,"
               "实现技术成果交易2500万元。企业申请各类专利20件。")
    assert ("patent_applications", 77) in got and ("invention_patent_applications", 30) in got
    assert ("tech_contract_turnover", 23_000_000) in got and ("tech_contract_turnover", 25_000_000) in got
    assert ("patent_applications", 20) not in got  # the firms' own


def test_reviewed_from_to_pairs():
    got = _got("2022年某某市科技工作总结\n2016年至2020年,全市累计新认定高新技术企业500家;"
               "2021年,全市高新技术企业总数由800家增长到950家。")
    assert got[("high_tech_enterprises_total", 950)][1] == 2021  # its own clause's year, not the span's
    got = _got("2022年某某市科技工作总结\n十三五以来,全市高新技术企业由2015年的300家增长到2020年的800家。")
    assert got[("high_tech_enterprises_total", 300)][1:3] == (2015, "FY")
    assert got[("high_tech_enterprises_total", 800)][1:3] == (2020, "FY")
    got = _got("2022年某某市科技工作总结\n全市专利授权量由上年的3000件,增加到3600件,同比增长20%,"
               "其中发明专利授权由200件,增长到260件。")
    assert ("invention_patent_grants", 260) in got  # the part's second value, not a subset
    assert got[("patent_grants", 3600)][0] == 20


def test_a_per_capita_figure_without_its_noun_takes_the_count_before_it():
    got = _got("2022年某某县科技工作总结\n截止3月底全市有效发明专利312件,每万人拥有量达到3.94件。"
               "全县科技人员3000人,每万人拥有4.5人。")
    assert ("valid_invention_patents", 312) in got and ("invention_patents_per_10k", 3.94) in got
    assert not [k for k in got if k[1] == 4.5]  # no indicator counts people per 10,000


def test_levels_after_listed_rates_take_the_names_the_rates_were_listed_with():
    got = _got("2022年某某县科技工作总结\n近两年来,某某县高新技术企业、科技型中小企业、专精特新企业分别增长134%、15%、119%,"
               "达到82家、976家、35家。")
    assert ("high_tech_enterprises_total", 82) in got and ("tech_smes", 976) in got
    assert ("high_tech_enterprises_total", 976) not in got and ("high_tech_enterprises_total", 35) not in got


def test_newly_approved_firms_their_running_total_and_funds_from_above():
    got = _got("2022年某某市科技工作总结\n我市全年国家高新技术企业新获批712家、累计数达1774家。"
               "全市获省级以上财政资金支持超5亿元。")
    assert ("high_tech_enterprises_new", 712) in got and ("high_tech_enterprises_total", 1774) in got
    assert ("sci_tech_funding_secured", 500_000_000) in got
    got = _got("2022年某某市科技工作总结\n某企业获省级以上财政资金支持5000万元用于技术改造,贷款2亿元。")
    assert ("sci_tech_funding_secured", 200_000_000) not in got


def test_second_review_bases_per_capita_and_listed_rates():
    got = _got("2022年某某市科技工作总结\n2021年,全市技术合同成交额完成50亿元,上年为40亿元,同比增长25%。")
    assert got[("tech_contract_turnover", 5_000_000_000)][:2] == (25, 2021)
    assert got[("tech_contract_turnover", 4_000_000_000)][:2] == (None, 2020)  # the base: no yoy
    got = _got("2022年某某市科技工作总结\n2021年,全市新认定高新技术企业120家,去年为80家。")
    assert got[("high_tech_enterprises_new", 80)][1] == 2020
    got = _got("2022年某某市科技工作总结\n2021年,全市研发经费投入,由2020年的35.6亿元提高到42.3亿元。")
    assert got[("rd_expenditure", 3_560_000_000)][1] == 2020
    got = _got("2022年某某市科技工作总结\n全市有效发明专利3120件,同比增长20%,每万人拥有量3.94件。"
               "全市专利授权量4100件,每万人拥有量达到12.1件。")
    assert ("invention_patents_per_10k", 3.94) in got
    assert not [k for k in got if k[1] == 12.1]  # 拥有量 is a stock's, not the flow's
    got = _got("2022年某某市科技工作总结\n专利申请量、授权量分别增长20%、15%,分别达到3600件、1800件。")
    assert ("patent_applications", 3600) in got and ("patent_grants", 1800) in got
    got = _got("2022年某某市科技工作总结\n全市申请各类专利1520件,授权各类专利860件。全市新增经认定的国家高新技术企业85家。")
    assert ("patent_grants", 860) in got and ("high_tech_enterprises_new", 85) in got


def test_listed_names_before_goal_words_and_a_shared_verb():
    meta = DocMeta("t", region="某市", report_year=2012, period="FY", doc_type="plan")
    got = {(f[0], f[1]): f[3:] for f in figures("全市高新技术产业产值、增加值要力争突破1000亿元和300亿元。", meta)}
    assert got[("high_tech_output", 100_000_000_000)][3] == "target"
    assert got[("high_tech_value_added", 30_000_000_000)][3] == "target"


def test_third_review_newly_approved_and_funds():
    got = _got("2022年某某市科技工作总结\n全市新获批高新技术企业35家,累计数达到210家。")
    assert ("high_tech_enterprises_new", 35) in got and ("high_tech_enterprises_total", 210) in got
    got = _got("2022年某某市科技工作总结\n全市有15家高新技术企业新获批省级研发机构,累计数达86家。"
               "共有42家高新技术企业新获批省级专精特新企业。全市工业企业获省级以上技改专项资金支持1.2亿元。")
    assert not [k for k in got if k[1] in (15, 86, 42, 120_000_000)]


def test_incubation_institutions_count_as_incubators():
    assert ("incubators_total", 30) in _got("2022年某某市科技工作总结\n全市科技企业孵化机构30家。")


def test_firms_above_a_revenue_mark_are_a_qualified_subset():
    got = _got("2022年某某市科技工作总结\n截止2021年底,全市亿元以上高新技术企业达到84家,其中,5亿元以上高新技术企业14家,"
               "10亿元以上高新技术企业5家。全市高新技术企业达到300家以上。")
    assert ("high_tech_enterprises_total", 300) in got
    assert not [k for k in got if k[1] in (84, 14, 5)]


def test_fourth_review_above_marks_and_incubation_bodies():
    got = _got("2022年某某市科技工作总结\n全市研发投入增长10%以上、高新技术企业达到1000家;新增科技型中小企业300家以上及"
               "高新技术企业总量达到1200家。")
    assert ("high_tech_enterprises_total", 1000) in got and ("high_tech_enterprises_total", 1200) in got
    got = _got("2022年某某市科技工作总结\n全市人才孵化机构3家,科技企业孵化机构30家。")
    assert ("incubators_total", 30) in got and ("incubators_total", 3) not in got


@pytest.mark.parametrize("text, value, metric", [
    ("全区技术合同成交额已接近百亿元。", 10_000_000_000, "tech_contract_turnover"),
    ("全市高新技术产业产值突破千亿元。", 100_000_000_000, "high_tech_output"),
    ("全市新增高新技术企业近百家。", 100, "high_tech_enterprises_new"),
])
def test_a_round_hundred_or_thousand_after_an_approach_word_is_a_figure(text, value, metric):
    assert ids(text).get(value) == metric


def test_hundred_and_thousand_opening_names_are_no_figures():
    got = [f[1] for f in figures("全市百强企业20家,千亿级产业集群2个。")]
    assert 100 not in got and 1000 not in got


@pytest.mark.parametrize("text", ["全年新增技术合同登记217项,金额6.01亿元。", "登记技术合同217项,合同金额6.01亿元。"])
def test_the_amount_after_a_count_of_technology_contracts_is_their_turnover(text):
    assert figures(text) == [("tech_contracts", 217, "项", None, 2023, "FY", "actual"),
                             ("tech_contract_turnover", 601_000_000, "元", None, 2023, "FY", "actual")]


def test_a_rank_after_a_sub_item_leaves_it_its_parents_measure():
    got = figures("全区专利授权量11318件,其中发明专利3688件居全市前三,同比增加45.8%。")
    assert ("invention_patent_grants", 3688, "件", 45.8, 2023, "FY", "actual") in got


def test_growth_of_the_figures_just_stated_referred_to_as_two_items():
    for ref in ("两项数据较上年", "两者", "以上指标"):
        got = figures(f"专利申请量达到6080件,专利授权量达到3571件,{ref}分别增长5.39%和22.04%。")
        assert got == [("patent_applications", 6080, "件", 5.39, 2023, "FY", "actual"),
                       ("patent_grants", 3571, "件", 22.04, 2023, "FY", "actual")], ref


def test_an_industrys_completed_value_is_its_output():
    assert ids("高新技术产业完成值62.4亿元,比上年增长20.9%。").get(6_240_000_000) == "high_tech_output"


def test_a_share_whose_percent_sign_the_page_lost_is_read():
    from analysis.pipeline import process_document

    r = process_document("s", "某市科技局2018年工作总结\n2017年度,全市全社会研发经费支出达到99亿元,占GDP比重为2.13,"
                              "增长0.24个百分点。全市专利授权量1200件,全省排名第八,比上年上升2。")
    got = {(f.metric_id, f.value, f.yoy_pct) for f in r.figures if f.metric_id}
    assert ("rd_intensity", 2.13, None) in got and ("patent_grants", 1200, None) in got
    # (上升2 after a rank is the rank's change: 上升 takes no lost %)
    assert [x.rule for x in r.repairs] == ["lost_percent_share"]
    # a count after 占比 keeps its unit; three digits are no share
    r = process_document("c", "某市科技局2018年工作总结\n高新技术企业占比为120家企业的一半。占比为120,位居前列。")
    assert r.repairs == []


def test_funds_approved_from_provincial_and_higher_programmes_are_funds_won():
    assert ids("2018年,全市获批省级以上财政扶持资金1.06亿元。").get(106_000_000) == "sci_tech_funding_secured"


def test_firms_approved_as_high_tech_enterprises_are_new_ones():
    got = ids("去年全区52家企业获批国家高新技术企业,12家企业获批高新技术企业研发中心。")
    assert got.get(52) == "high_tech_enterprises_new"
    assert got.get(12) != "high_tech_enterprises_new"


def test_a_growth_sentence_built_on_an_earlier_year_gives_the_next_level_its_yoy():
    from analysis.pipeline import process_document

    r = process_document("g", "某市科技局2019年工作总结\n成果转化持续提速——全市技术合同成交额在2018年翻番的基础上,"
                              "继续大幅增长77%。全年共认定登记技术合同21074项,成交额1273.36亿元。")
    got = [(f.metric_id, f.value, f.yoy_pct, f.year) for f in r.figures]
    assert ("", 77, None, 2019) in got  # the growth is this year's, not 2018's
    assert ("tech_contract_turnover", 127_336_000_000, 77, 2019) in got
    # compared with an earlier year, it is no year-on-year change
    r = process_document("h", "某市科技局2019年工作总结\n全市技术合同成交额与2015年相比增长77%。全年技术合同成交额1273.36亿元。")
    assert [f.yoy_pct for f in r.figures if f.metric_id] == [None]


def test_round_figures_rank_changes_and_references_the_review_probed():
    from analysis.pipeline import process_document

    r = process_document("p", "某市科技局2019年工作总结\n全市专利授权量1200件,在全省排名比上年上升3,居第八位。"
                              "全市打造达千亿级产业集群2个。线上千人观看。\n")
    assert [(f.value, f.unit) for f in r.figures] == [(1200, "件"), (2, "个")]  # no 3%, no 千亿, no 千人
    got = figures("专利申请量6080件,专利授权量3571件,上述两项指标分别增长5%和22%。全年登记技术合同1200项,合同成交金额15亿元。")
    assert got == [("patent_applications", 6080, "件", 5, 2023, "FY", "actual"),
                   ("patent_grants", 3571, "件", 22, 2023, "FY", "actual"),
                   ("tech_contracts", 1200, "项", None, 2023, "FY", "actual"),
                   ("tech_contract_turnover", 1_500_000_000, "元", None, 2023, "FY", "actual")]
    r = process_document("s", "某市科技局2019年工作总结\n研发经费占GDP比重2.13,增长0.24个百分点。\n")
    assert [(f.metric_id, f.value) for f in r.figures if f.metric_id] == [("rd_intensity", 2.13)]


def test_the_past_five_years_with_de_is_a_span_too():
    meta = DocMeta("t", region="某市", report_year=2019, period="FY", doc_type="summary")
    assert figures("过去的五年,全市新认定高新技术企业300家。", meta) == [
        ("high_tech_enterprises_new", 300, "家", None, 2019, "2015-2019", "actual")]


def test_the_review_probes_of_the_second_round():
    from analysis.pipeline import process_document

    text = ("某市科技局2019年工作总结\n全市高新技术企业在2018年达到300家的基础上,2019年达到420家。培育超百亿元级企业5家,"
            "科技活动周网上千人观看直播。全新的一年,我局将力争新增高新技术企业80家。\n")
    r = process_document("r", text)
    got = [(f.metric_id, f.value, f.year, f.kind) for f in r.figures]
    assert ("high_tech_enterprises_total", 300, 2018, "actual") in got  # a level inside 在…的基础上 keeps its year
    assert ("high_tech_enterprises_new", 80, 2020, "target") in got  # 全新的一年: next year
    assert not [v for _, v, _, _ in got if v in (1e10, 1000)]  # 百亿元级, 网上千人: no figures


@pytest.mark.parametrize("text, value, metric_id", [
    ("科技型中小企业累计66家通过省级评审。", 66, "tech_smes"),
    ("高新技术企业新增8家通过认定。", 8, "high_tech_enterprises_new"),
    ("全年共有126家通过高企认定。", 126, "high_tech_enterprises_new"),  # the number-first form still reads
    ("新增12家获批省级众创空间。", 12, "maker_spaces_new"),
    ("高新技术企业中有20家通过复审。", 20, None),  # a part, and re-recognised: no figure
    ("高新技术企业20家通过复审。", 20, None),
])
def test_a_process_after_the_count_leaves_the_subject_before_it(text, value, metric_id):
    assert ids(text).get(value) == metric_id


def test_a_share_opening_on_an_adverb_is_the_share_of_the_subject_before():
    got = figures("高新技术产业产值完成50亿元,累计占规模以上工业总产值比重为31.47%。")
    assert ("high_tech_output_share", 31.47, "%", None, 2023, "FY", "actual") in got
    # the province's output gives its share the province too
    got = figures("1-6月份,我省高新技术产业产值累计实现22502.43亿元,同比增长10.02%,"
                  "累计占规模以上工业比重32.10%。全市高新技术产业产值实现500亿元,占规模以上工业比重30%。")
    assert [g[1] for g in got if g[0] == "high_tech_output_share"] == [30]


def test_a_stock_grown_over_the_last_years_counts_the_new_ones_of_the_span():
    meta = DocMeta("t", region="某市", report_year=2024, period="FY", doc_type="summary")
    got = figures("国家高新技术企业4年增加6000多家,2024年突破2.5万家。", meta)
    assert got == [("high_tech_enterprises_new", 6000, "家", None, 2024, "2021-2024", "actual"),
                   ("high_tech_enterprises_total", 25000, "家", None, 2024, "FY", "actual")]
    assert figures("国家高新技术企业五年来增加6000家。", meta) == [
        ("high_tech_enterprises_new", 6000, "家", None, 2024, "2020-2024", "actual")]
    # years in a row are no span; a stock of patents has no new-ones indicator: a change
    assert figures("高新技术企业连续3年增加,总数达到500家。有效发明专利3年增加2000件。", meta) == [
        ("high_tech_enterprises_total", 500, "家", None, 2024, "FY", "actual")]


def test_winners_at_a_national_prize_round_are_national_awards():
    got = ids("在2020年初召开的国家科学技术奖励大会上,共有14个项目获奖,为历年最高。")
    assert got == {14: "national_sci_tech_awards"}
    assert ids("在全省科学技术奖励大会上,共有14个项目获奖。全年共有9个项目获奖。") == {}
    assert ids("国家科学技术奖申报推荐5个项目,有2个项目获奖。") == {}  # after 推荐: not settled
    # a national part before a smaller count of winners is no part of it
    got = figures("“十三五”期间全市累计获科技奖励598项,其中国家级52项、省级546项,"
                  "在2020年初召开的国家科学技术奖励大会上,共有14个项目获奖。",
                  DocMeta("t", region="某市", report_year=2020, period="FY", doc_type="summary"))
    assert [g[1] for g in got] == [52, 14]


def test_now_in_a_dated_news_item_on_the_year_before_is_the_date_s_months():
    from analysis.pipeline import process_document

    text = ("某县高新技术企业又添新丁\n2014年04月30日 14:33\n近日,从科技部门获悉,某县3家企业通过认定。"
            "2013年,全县高新技术企业实现产值122.9亿元。目前,全县高新技术企业达21家。\n")
    got = [(f.metric_id, f.value, f.year, f.period) for f in process_document("n", text).figures if f.metric_id]
    assert ("high_tech_output", 12_290_000_000, 2013, "FY") in got
    assert ("high_tech_enterprises_total", 21, 2014, "M1-M4") in got
    # dated early in a month: the months before it; a labelled byline date (供稿: | …) dates the page
    text = ("副中心高新企业数量突破1100家\n供稿: | 2024-06-08\n2023年技术合同成交额494亿元,全市排名第五。"
            "2024年截至目前,副中心技术合同成交额已接近百亿元。\n2023年,副中心新增市级众创空间3家。"
            "2023年,副中心高新技术企业保有量达到1121家。\n")
    r = process_document("m", text)
    assert (r.meta.report_year, r.meta.period) == (2023, "FY")  # a year's figure before the so-far
    got = [(f.value, f.year, f.period) for f in r.figures if f.metric_id == "tech_contract_turnover"]
    assert got == [(49_400_000_000, 2023, "FY"), (10_000_000_000, 2024, "M1-M5")]
    # a report with an outline: its 目前 is the year it reports
    text = "某县科技局2013年工作总结\n2014年02月20日\n一、主要工作\n目前,全县高新技术企业达21家。\n"
    got = [(f.value, f.year, f.period) for f in process_document("o", text).figures if f.metric_id]
    assert got == [(21, 2013, "FY")]


def test_so_far_months_of_a_page_date():
    from analysis.text.dating import so_far_months

    assert [so_far_months(6, 6), so_far_months(4, 30), so_far_months(12, 3), so_far_months(1, 20),
            so_far_months(2, 5)] == [5, 4, 12, 0, 0]


@pytest.mark.parametrize("text, yoy", [
    ("实现高新技术产业产值同比增长15%，达到300亿元。", 15),
    ("全年技术合同成交额同比增长35.6%，达到8.2亿元。", 35.6),
    ("技术合同成交额达到10.5亿元，增长率为35%。", 35),
])
def test_a_growth_before_its_level_after_a_verb_or_filler_and_a_growth_rate(text, yoy):
    got = figures(text)
    assert len(got) == 1 and got[0][3] == yoy


def test_a_target_growth_before_its_level_in_a_plan():
    from analysis.pipeline import process_document

    r = process_document("p", "某区科技局2024年工作要点\n力争技术合同成交额同比增长20%，达到12亿元。\n")
    assert [(f.metric_id, f.value, f.yoy_pct, f.year, f.kind) for f in r.figures] == [
        ("tech_contract_turnover", 1_200_000_000, 20, 2024, "target")]


def test_measures_after_a_topic_clause_and_a_list_of_measures_take_its_noun():
    assert ids("专利工作成效显著，全年申请1862件，授权1024件。") == {
        1862: "patent_applications", 1024: "patent_grants"}
    assert ids("全市高新技术产业加快发展，实现产值356亿元；实现增加值98亿元。") == {
        35_600_000_000: "high_tech_output", 9_800_000_000: "high_tech_value_added"}
    assert ids("技术合同成交额、登记数分别达到12.3亿元、560项。") == {
        1_230_000_000: "tech_contract_turnover", 560: "tech_contracts"}
    assert ids("共登记合同462项。") == {462: "tech_contracts"}


def test_new_ones_of_a_stock_just_stated_and_wordings_of_the_stock():
    assert ids("高新技术企业达到210家，其中当年新认定45家。") == {
        210: "high_tech_enterprises_total", 45: "high_tech_enterprises_new"}
    assert ids("专利申请量1200件，其中新增300件。") == {1200: "patent_applications"}  # no new-ones id
    assert ids("发明专利拥有量3256件,每万人发明专利拥有量12.5件。") == {
        3256: "valid_invention_patents", 12.5: "invention_patents_per_10k"}


def test_square_metre_signs_and_a_full_width_ampersand():
    assert figures("孵化器面积达到18万㎡,新增孵化面积2万m2。")[0][:3] == ("incubator_area", 180_000, "平方米")
    from analysis.pipeline import process_document

    r = process_document("a", "某县科技局2023年工作总结\n全县R＆D经费支出占GDP比重达到1.85%。\n")
    assert [(f.metric_id, f.value) for f in r.figures] == [("rd_intensity", 1.85)]


def test_a_mark_passed_is_the_figure_when_no_exact_value_is_stated():
    assert figures("技术合同登记额首次突破10亿元大关。") == [
        ("tech_contract_turnover", 1_000_000_000, "元", None, 2023, "FY", "actual")]
    assert ids("高新技术产业产值305亿元,首次突破300亿元大关,同比增长46%。") == {30_500_000_000: "high_tech_output"}


def test_a_town_and_the_parent_city_are_not_the_region():
    assert ids("城关镇新认定高新技术企业8家。某某镇科技型中小企业达到36家。") == {}
    assert ids("统筹城乡科技型企业发展,全县科技型中小企业达到36家。") == {36: "tech_smes"}
    # the town's clause only: the county's own figure after it stays (review probes)
    assert ids("城关镇新认定高新技术企业8家，全县共新认定20家。") == {20: "high_tech_enterprises_new"}
    assert ids("特色小镇新增科技型中小企业30家，全县新增200家。") == {200: "tech_smes"}
    assert ids("全县乡镇新认定高新技术企业20家。") == {20: "high_tech_enterprises_new"}
    district = DocMeta("t", region="市南区", admin_level="district", report_year=2023, period="FY",
                       doc_type="summary")
    assert ids("全市技术合同成交额突破100亿元。全区技术合同成交额12亿元。", district) == {
        1_200_000_000: "tech_contract_turnover"}
    # in a later clause, after a time word, and in a masked district's report; 占全市 is its share
    assert ids("全区技术合同成交额12亿元，今年，全市技术合同成交额突破80亿元。", district) == {
        1_200_000_000: "tech_contract_turnover"}
    masked = DocMeta("t", region="", admin_level="district", report_year=2023, period="FY", doc_type="summary")
    assert ids("全区高新技术企业达到286家，占全市的21%，全市总数1362家。全区专利授权量达到6850件，占全市的三分之一。",
               masked) == {286: "high_tech_enterprises_total", 6850: "patent_grants"}
    city = DocMeta("t", region="胶州市", admin_level="county_city", report_year=2023, period="FY",
                   doc_type="summary")
    assert ids("全市技术合同成交额突破10亿元。", city) == {1_000_000_000: "tech_contract_turnover"}


def test_a_growth_after_a_gain_on_last_year_is_the_level_s():
    got = figures("高新技术企业总数达到128家，比上年净增35家，增长37.6%。")
    assert got == [("high_tech_enterprises_total", 128, "家", 37.6, 2023, "FY", "actual"),
                   ("high_tech_enterprises_new", 35, "家", None, 2023, "FY", "actual")]
    assert figures("新认定高新技术企业50家,比上年增加10家,增长25%。") == [
        ("high_tech_enterprises_new", 50, "家", 25, 2023, "FY", "actual")]


def test_a_stock_s_gain_on_last_year_and_built_ones_are_new_ones():
    assert ids("科技企业孵化器较上年净增3家，达到15家。") == {3: "incubators_new", 15: "incubators_total"}
    assert ids("全区已建成科技企业孵化器12家。") == {12: "incubators_total"}  # built so far: the stock
    assert ids("所辖乡镇新增高新技术企业20家。") == {20: "high_tech_enterprises_new"}  # all its towns
    assert ids("提交高新技术企业认定申请92家。") == {}  # applications


def test_a_forecast_reaches_into_its_parts():
    got = figures("全年预计完成专利授权2800件，其中发明专利授权350件。")
    assert [g[-1] for g in got] == ["estimate", "estimate"]


def test_a_plan_goes_on_with_the_subject_of_the_sentence_before():
    from analysis.pipeline import process_document

    text = ("某区科技局2024年工作要点\n预计2023年全区技术合同成交额达到18亿元。2024年力争突破20亿元。"
            "2023年全区高新技术企业达到256家,科技型中小企业达到300家。2024年力争达到320家。\n")
    got = [(f.metric_id, f.value, f.year, f.kind) for f in process_document("p", text).figures]
    assert got == [("tech_contract_turnover", 1_800_000_000, 2023, "estimate"),
                   ("tech_contract_turnover", 2_000_000_000, 2024, "target"),
                   ("high_tech_enterprises_total", 256, 2023, "actual"),
                   ("tech_smes", 300, 2023, "actual"),
                   ("tech_smes", 320, 2024, "target")]


def test_review_probes_of_the_first_batch_stay_no_figures():
    assert ids("高新技术企业38家获得省级研发费用补助。高新技术企业56家纳入省级培育库。"
               "科技企业孵化器5家通过省级考核评价。有效发明专利15件通过质押获得贷款。") == {}
    assert ids("科技型中小企业评价工作顺利推进,科技型中小企业56家通过评价入库。") == {56: "tech_smes"}
    assert ids("国家科技奖励大会召开后，全市召开科技创新大会，共有30个项目获奖。") == {}
    assert ids("在国家科学技术奖励大会上，我市5个项目获奖，全市科技奖励大会上，共有60个项目获奖。") == {
        5: "national_sci_tech_awards"}
    assert ids("高校发明专利拥有量1200件。高新技术企业每2年增加100家左右。") == {}


def test_a_comparison_year_is_no_year_of_a_so_far_news_item():
    from analysis.pipeline import process_document

    r = process_document("k", "某区科技工作简讯\n2024年03月06日 10:00\n截至目前，全区技术合同成交额达到3亿元，"
                              "较2023年同期增长20%。\n")
    assert (r.meta.report_year, r.meta.period) == (2024, "M1-M2")
    assert [(f.value, f.yoy_pct, f.year, f.period) for f in r.figures] == [(300_000_000, 20, 2024, "M1-M2")]


def test_a_plan_s_recalled_year_runs_on_through_its_sentence():
    from analysis.pipeline import process_document

    text = ("某区科技局2023年工作要点\n2022年，全区新增高企45家，总数达到268家；技术合同成交额18.6亿元，增长21%；"
            "争取省级以上科技资金6200万元。2022年，全区新增科技型中小企业80家；2023年力争技术合同成交额达到20亿元；"
            "确保新增科技型中小企业100家。\n")
    got = [(f.value, f.year, f.kind) for f in process_document("p", text).figures if f.metric_id]
    assert got == [(45, 2022, "actual"), (268, 2022, "actual"), (1_860_000_000, 2022, "actual"),
                   (62_000_000, 2022, "actual"), (80, 2022, "actual"), (2_000_000_000, 2023, "target"),
                   (100, 2023, "target")]


def test_a_title_of_goals_is_a_plan_but_goals_met_are_a_summary():
    from analysis.pipeline import process_document

    r = process_document("g", "某县科技局2022年目标任务\n1.高企总数达到70家；2.技术合同成交额达到5亿元。\n")
    assert r.meta.doc_type == "plan" and [f.kind for f in r.figures] == ["target", "target"]
    r = process_document("h", "2021年某市技术合同认定登记份数937份 超额完成目标任务\n2021年全市完成技术合同成交额160亿元。\n")
    assert r.meta.doc_type == "summary"


def test_second_review_probes_stay_right():
    from analysis.pipeline import process_document

    r = process_document("p", "某区科技局2024年工作要点\n2023年全区新增高新技术企业45家；力争技术合同成交额达到20亿元。\n")
    assert [(f.value, f.year, f.kind) for f in r.figures] == [(45, 2023, "actual"), (2_000_000_000, 2024, "target")]
    for title, year, doc_type in [("沂水县科技局关于完成2023年度目标任务的报告", 2023, "summary"),
                                  ("沂水县科技局2023年度目标任务总结", 2023, "summary"),
                                  ("沂水县科技局2024年目标任务分解", 2024, "summary")]:
        meta = process_document("t", title + "\n全县高新技术企业达到70家。\n").meta
        assert (meta.report_year, meta.doc_type) == (year, doc_type)
    assert ids("国家科学技术奖励大会在京召开，我市3个项目获奖。") == {3: "national_sci_tech_awards"}


def test_new_ones_in_the_next_sentence_a_change_without_new_ones_and_full_width_rd():
    assert ids("全区高新技术企业达到210家。其中当年新认定45家。") == {
        210: "high_tech_enterprises_total", 45: "high_tech_enterprises_new"}
    assert ids("全区科技型中小企业较上年新增120家。") == {}  # no new-ones id: a change of the stock
    from analysis.pipeline import process_document

    r = process_document("r", "某县科技局2023年工作总结\n全社会Ｒ＆Ｄ经费支出达到35亿元。\n")
    assert [(f.metric_id, f.value) for f in r.figures] == [("rd_expenditure", 3_500_000_000)]


def test_a_count_s_mark_stated_alone_is_the_figure_with_its_growth():
    assert figures("高新技术企业总数突破300家大关，同比增长15%。专利申请量首次突破5000件大关。") == [
        ("high_tech_enterprises_total", 300, "家", 15, 2023, "FY", "actual"),
        ("patent_applications", 5000, "件", None, 2023, "FY", "actual")]
    assert figures("技术合同成交额突破10亿元大关，同比增长20%。")[0][3] == 20


def _doc(title: str, body: str) -> list[tuple]:
    from analysis.pipeline import process_document

    r = process_document("d", title + "\n" + body + "\n")
    return [(f.metric_id, f.value, f.yoy_pct, f.year, f.period, f.kind) for f in r.figures if f.metric_id]


def test_a_list_of_years_dates_each_value_of_its_list():
    assert _doc("某县科技局2021年工作总结", "2019年、2020年、2021年全县高新技术企业数量分别为20家、35家、52家。") == [
        ("high_tech_enterprises_total", 20, None, 2019, "FY", "actual"),
        ("high_tech_enterprises_total", 35, None, 2020, "FY", "actual"),
        ("high_tech_enterprises_total", 52, None, 2021, "FY", "actual")]
    assert [f[3] for f in _doc("某县科技局2023年工作总结",
                               "2021、2022、2023年，全县分别新增高新技术企业15家、20家、28家。")] == [2021, 2022, 2023]
    assert [f[3] for f in _doc("某县科技局2023年工作总结",
                               "2022年和2023年，全县技术合同成交额分别为3.5亿元和5.2亿元。")] == [2022, 2023]
    # two names, no years: each name its value, the report's year
    assert _doc("某县科技局2021年工作总结", "全县高新技术企业和科技型中小企业分别为20家、35家。") == [
        ("high_tech_enterprises_total", 20, None, 2021, "FY", "actual"),
        ("tech_smes", 35, None, 2021, "FY", "actual")]


def test_a_growth_named_in_a_list_is_the_yoy_of_the_name_before_it():
    assert _doc("某县科技局2023年工作总结", "全县技术合同成交额、增幅分别为12亿元、15%。") == [
        ("tech_contract_turnover", 1_200_000_000, 15, 2023, "FY", "actual")]


def test_a_base_at_an_earlier_plans_end_in_a_five_year_review_is_that_years():
    title = "某县科技局“十三五”科技创新工作总结"
    got = _doc(title, "“十三五”期间，全县高新技术企业由“十二五”末的58家增长到215家，技术合同成交额累计达到35亿元。")
    assert got == [("high_tech_enterprises_total", 58, None, 2015, "FY", "actual"),
                   ("high_tech_enterprises_total", 215, None, 2020, "FY", "actual"),
                   ("tech_contract_turnover", 3_500_000_000, None, 2020, "2016-2020", "actual")]


def test_the_regions_own_part_of_its_citys_figure_is_its_own():
    assert _doc("某区科技局2023年工作总结", "全市新认定高新技术企业850家，其中我区120家。") == [
        ("high_tech_enterprises_new", 120, None, 2023, "FY", "actual")]
    assert _doc("某县科技局2023年工作总结", "全市新增科技型中小企业1200家，其中我县新增86家。") == [
        ("tech_smes", 86, None, 2023, "FY", "actual")]
    assert [f[1] for f in _doc("某市科技局2023年工作总结", "全省技术合同成交额达到1200亿元，其中我市达到85.6亿元。")] == [
        8_560_000_000]
    # a town's part, or the region's own figure with an own part, stays a part
    assert [f[1] for f in _doc("某县科技局2023年工作总结", "全县新认定高新技术企业50家，其中城关镇12家。")] == [50]
    assert [f[1] for f in _doc("某县科技局2023年工作总结", "全县新增科技型中小企业120家，其中我县新增86家。")] == [120]


def test_a_plan_recalls_last_year_by_its_number_since_or_past_year():
    plan = "某区科技局2024年工作要点"
    assert _doc(plan, "一是2023年全区高新技术企业达到320家。二是力争2024年高新技术企业达到360家。") == [
        ("high_tech_enterprises_total", 320, None, 2023, "FY", "actual"),
        ("high_tech_enterprises_total", 360, None, 2024, "FY", "target")]
    assert _doc(plan, "2023年以来，全区新认定高新技术企业45家；力争新认定高新技术企业50家。") == [
        ("high_tech_enterprises_new", 45, None, 2023, "FY", "actual"),
        ("high_tech_enterprises_new", 50, None, 2024, "FY", "target")]
    assert _doc(plan, "2022年以来，全区新认定高新技术企业95家；力争2024年新认定高新技术企业50家。") == [
        ("high_tech_enterprises_new", 95, None, 2023, "2022-2023", "actual"),
        ("high_tech_enterprises_new", 50, None, 2024, "FY", "target")]
    assert _doc(plan, "过去一年，全区新增高新技术企业45家，技术合同成交额达到18亿元。2024年，力争新增高新技术企业50家。") == [
        ("high_tech_enterprises_new", 45, None, 2023, "FY", "actual"),
        ("tech_contract_turnover", 1_800_000_000, None, 2023, "FY", "actual"),
        ("high_tech_enterprises_new", 50, None, 2024, "FY", "target")]
    # in a summary the past year is the year summed up; a summary's 2021年以来 is a sum up to now
    assert _doc("某区科技局2023年工作总结", "过去一年，全区新增高新技术企业45家。") == [
        ("high_tech_enterprises_new", 45, None, 2023, "FY", "actual")]
    assert _doc("某区科技局2023年工作总结", "2021年以来，全区新认定高新技术企业95家。") == [
        ("high_tech_enterprises_new", 95, None, 2023, "2021-2023", "actual")]


def test_a_plans_goal_after_a_recalled_level_is_the_same_subjects_and_this_years():
    plan = "某区科技局2024年工作要点"
    for body in ("2023年底，全区高新技术企业达到320家；力争2024年末达到360家。",
                 "2023年底，全区高新技术企业达到320家；力争达到360家。",
                 "截至2023年底，全区高新技术企业达到320家，力争年底达到360家。"):
        assert _doc(plan, body) == [("high_tech_enterprises_total", 320, None, 2023, "FY", "actual"),
                                    ("high_tech_enterprises_total", 360, None, 2024, "FY", "target")], body
    assert _doc(plan, "力争2023年全区高新技术企业达到320家。")[0][3:] == (2023, "FY", "target")


def test_a_flow_named_after_a_stock_in_a_list_drops_the_stock_word():
    assert _doc("某区科技局2023年工作总结", "全区有效发明专利、授权量分别达到1200件、350件。") == [
        ("valid_invention_patents", 1200, None, 2023, "FY", "actual"),
        ("invention_patent_grants", 350, None, 2023, "FY", "actual")]


def test_a_conference_item_early_in_a_year_looking_back_is_last_years():
    head = "某县召开2023年科技创新工作会议"
    got = _doc(head, "2023-02-15 09:30\n2月14日，某县召开2023年科技创新工作会议。会议总结了过去一年的工作：全县新增高新技术企业25家，"
                     "技术合同成交额达到8.6亿元。会议提出，今年力争新增高新技术企业30家。")
    assert [(f[1], f[3], f[5]) for f in got] == [(25, 2022, "actual"), (860_000_000, 2022, "actual"),
                                                 (30, 2023, "target")]
    got = _doc(head, "2023-02-15 09:30\n会议指出，一年来，全县新增高新技术企业25家。")
    assert [(f[1], f[3]) for f in got] == [(25, 2022)]


def test_a_base_of_last_year_or_a_named_year_gives_its_growth_to_the_level():
    t = "某县科技局2023年工作总结"
    assert _doc(t, "技术合同成交额由上年的5.6亿元增长到8.2亿元，增长46.4%。") == [
        ("tech_contract_turnover", 560_000_000, None, 2022, "FY", "actual"),
        ("tech_contract_turnover", 820_000_000, 46.4, 2023, "FY", "actual")]
    assert _doc(t, "全县专利授权量较2022年的980件增长了21%，达到1186件。") == [
        ("patent_grants", 980, None, 2022, "FY", "actual"),
        ("patent_grants", 1186, 21, 2023, "FY", "actual")]
    # a from-to pair of no named years: the growth is over the span, not the year's
    assert [f[2] for f in _doc(t, "高新技术企业由56家增加到70家，增长25%。")] == [None, None]


def test_a_growth_before_its_level_reached_passed_or_listed():
    t = "某县科技局2023年工作总结"
    assert _doc(t, "全县技术合同成交额同比增长15%，突破25亿元。") == [
        ("tech_contract_turnover", 2_500_000_000, 15, 2023, "FY", "actual")]
    assert _doc(t, "全县技术合同成交额、登记数分别增长22%、15%，达到4.6亿元、268项。") == [
        ("tech_contract_turnover", 460_000_000, 22, 2023, "FY", "actual"),
        ("tech_contracts", 268, 15, 2023, "FY", "actual")]
    assert _doc("某县科技局2024年工作要点", "2024年，确保技术合同成交额同比增长15%，突破25亿元。") == [
        ("tech_contract_turnover", 2_500_000_000, 15, 2024, "FY", "target")]


@pytest.mark.parametrize("body, yoy", [
    ("全县技术合同成交额8.6亿元，较上年度增长19.8%。", 19.8),
    ("全县技术合同成交额8.6亿元，降幅为4.5%。", -4.5),
    ("全县技术合同成交额8.6亿元，同比负增长1.2%。", -1.2),
    ("全县技术合同成交额8.6亿元，同比増长14.2%。", 14.2),  # the Japanese form of 增
])
def test_more_wordings_of_a_change_on_last_year(body, yoy):
    assert [f[2] for f in _doc("某县科技局2023年工作总结", body)] == [yoy]


def test_a_sum_of_new_recognitions_is_new_ones():
    got = _doc("某县科技局2023年工作总结", "2021-2023年，全县累计新认定高新技术企业120家。“十三五”期间累计新增高新技术企业85家。")
    assert got == [("high_tech_enterprises_new", 120, None, 2023, "2021-2023", "actual"),
                   ("high_tech_enterprises_new", 85, None, 2020, "2016-2020", "actual")]
    # 累计认定 alone stays the stock
    assert [f[0] for f in _doc("某县科技局2023年工作总结", "全县累计认定高新技术企业300家。")] == [
        "high_tech_enterprises_total"]


def test_a_bracketed_sub_heading_of_a_years_goals_opens_the_plan():
    got = _doc("某县科技局2023年工作总结和2024年工作计划",
               "一、2023年工作总结\n全县高新技术企业达到100家。\n（三）2024年主要目标\n1.高新技术企业总数达到120家；\n2.技术合同成交额达到10亿元。")
    assert [(f[1], f[3], f[5]) for f in got] == [(100, 2023, "actual"), (120, 2024, "target"),
                                                 (1_000_000_000, 2024, "target")]
    got = _doc("某县科技局2023年工作总结", "一、2023年工作总结\n（一）主要成效\n全县高新技术企业达到100家。\n（二）工作重点\n新认定高新技术企业20家。")
    assert [f[5] for f in got] == ["actual", "actual"]


def test_thousands_commas_do_not_split_a_list_into_clauses():
    assert _doc("某县科技局2023年工作总结", "全年专利申请量、专利授权量、发明专利授权量分别为3,620件、2,150件、260件。") == [
        ("patent_applications", 3620, None, 2023, "FY", "actual"),
        ("patent_grants", 2150, None, 2023, "FY", "actual"),
        ("invention_patent_grants", 260, None, 2023, "FY", "actual")]


def test_a_topic_clause_and_the_stock_after_new_ones_with_no_noun_again():
    t = "某县科技局2023年工作总结"
    assert _doc(t, "专利方面，全年授权2468件，同比增长11%，其中发明专利318件。") == [
        ("patent_grants", 2468, 11, 2023, "FY", "actual"),
        ("invention_patent_grants", 318, None, 2023, "FY", "actual")]
    for body in ("高企培育方面，新认定35家，有效期内达到121家。",
                 "全年新认定高新技术企业35家，目前全县有效期内共121家。",
                 "全年新认定高新技术企业35家。截至年底，全县有效期内的总数达到121家。"):
        assert [(f[0], f[1]) for f in _doc(t, body)] == [
            ("high_tech_enterprises_new", 35), ("high_tech_enterprises_total", 121)], body


def test_parts_in_brackets_and_parts_of_the_year():
    t = "某县科技局2023年工作总结"
    assert [(f[0], f[1]) for f in _doc(t, "授权专利2468件（其中发明专利318件）。")] == [
        ("patent_grants", 2468), ("invention_patent_grants", 318)]
    assert [(f[0], f[1]) for f in _doc(t, "高新技术企业达到198家（新增46家）。")] == [
        ("high_tech_enterprises_total", 198), ("high_tech_enterprises_new", 46)]
    assert _doc(t, "全年技术合同成交额实现15.6亿元。其中，上半年完成7.2亿元。") == [
        ("tech_contract_turnover", 1_560_000_000, None, 2023, "FY", "actual"),
        ("tech_contract_turnover", 720_000_000, None, 2023, "H1", "actual")]
    assert _doc(t, "全县新认定高新技术企业30家。其中上半年新认定12家。")[1] == (
        "high_tech_enterprises_new", 12, None, 2023, "H1", "actual")
    # a town's or a kind's part stays a part
    assert [f[1] for f in _doc(t, "全县新认定高新技术企业30家，其中城关镇12家。")] == [30]
    assert [f[1] for f in _doc(t, "全年技术合同成交额12亿元，其中技术开发合同6亿元。")] == [1_200_000_000]


@pytest.mark.parametrize("body, expected", [
    ("技术合同登记服务站3个，技术合同登记网点5个，全年登记技术合同300项。", [("tech_contracts", 300)]),
    ("全县孵化面积达到12.5万平方米，新增孵化面积2万平方米。", [("incubator_area", 125_000)]),
    ("新增入库科技型中小企业后备企业60家。", []),
    ("专利授权量较上年净增312件，达到2450件。", [("patent_grants", 2450)]),
    ("技术合同成交额比上年增加2亿元，达到12亿元。", [("tech_contract_turnover", 1_200_000_000)]),
    ("带动全社会研发投入新增2.3亿元。", []),
    ("高新技术企业较上年净增20家。", [("high_tech_enterprises_new", 20)]),
])
def test_service_points_added_area_reserves_and_changes_are_no_level(body, expected):
    assert [(f[0], f[1]) for f in _doc("某县科技局2023年工作总结", body)] == expected


@pytest.mark.parametrize("body, metric", [
    ("高新技术产业增加值比重达到46.8%。", "high_tech_value_added_share"),
    ("发明专利获权318件。", "invention_patent_grants"),
    ("全年专利获权1200件。", "patent_grants"),
    ("获国家级科技奖励2项。", "national_sci_tech_awards"),
])
def test_more_wordings_of_core_indicators(body, metric):
    assert [f[0] for f in _doc("某县科技局2023年工作总结", body)] == [metric]


def test_growths_in_brackets_before_a_total_before_listed_levels_and_after_a_gain_on_a_year():
    t = "某县科技局2023年工作总结"
    assert [f[2] for f in _doc(t, "全社会研发投入同比增长15.2%，总额达到12.6亿元。")] == [15.2]
    assert [f[2] for f in _doc(t, "技术合同成交额12.6亿元（同比增长35%）。")] == [35]
    assert [(f[0], f[2]) for f in _doc(t, "高企达到73家，较2022年净增15家，增长25.9%。")] == [
        ("high_tech_enterprises_total", 25.9)]
    assert [(f[0], f[2]) for f in _doc(t, "高新技术产业产值、增加值分别增长12%和15%，分别达到120亿元和40亿元。")] == [
        ("high_tech_output", 12), ("high_tech_value_added", 15)]
    assert [f[0] for f in _doc(t, "高新技术产业产值、增加值分别增长12%和15%，占规上工业比重分别达到52.3%和46.8%。")] == [
        "high_tech_output_share", "high_tech_value_added_share"]


def test_earlier_years_listed_back_and_a_recognition_after_the_count():
    t = "某县科技局2023年工作总结"
    assert _doc(t, "2023年，全县新认定高新技术企业18家，2022年、2021年分别为12家、9家。") == [
        ("high_tech_enterprises_new", 18, None, 2023, "FY", "actual"),
        ("high_tech_enterprises_new", 12, None, 2022, "FY", "actual"),
        ("high_tech_enterprises_new", 9, None, 2021, "FY", "actual")]
    assert [f[0] for f in _doc(t, "高新技术企业35家通过认定。")] == ["high_tech_enterprises_new"]
    assert [f[0] for f in _doc(t, "高新技术企业累计35家通过认定。")] == ["high_tech_enterprises_total"]


def test_periods_up_to_a_months_end_in_a_title_or_a_note():
    from analysis.pipeline import process_document

    for title, period in [("某县科技局关于截至11月底科技工作进展情况的汇报", "M1-M11"),
                          ("某县科技局关于截至6月底科技工作进展情况的汇报", "H1"),
                          ("某县科技局1-9月工作进展", "Q1-Q3")]:
        assert process_document("t", title + "\n全县技术合同成交额达到8.6亿元。\n").meta.period == period
    got = _doc("某县科技局2023年工作总结", "截至目前，全县技术合同成交额达到7.5亿元（截至11月底）。")
    assert got == [("tech_contract_turnover", 750_000_000, None, 2023, "M1-M11", "actual")]


def test_a_goal_met_ahead_after_the_result_is_the_goal():
    got = _doc("某县科技局2023年工作总结", "全县技术合同成交额累计达到86亿元，提前完成全年80亿元的目标任务。")
    assert [(f[1], f[5]) for f in got] == [(8_600_000_000, "actual"), (8_000_000_000, "target")]
    got = _doc("某县科技局2023年工作总结", "全县研发投入强度在2023年提前达到2.0%的目标。")
    assert [(f[0], f[5]) for f in got] == [("rd_intensity", "actual")]


def test_an_intensity_after_a_semicolon_new_product_output_and_the_provinces_smes():
    t = "某县科技局2023年工作总结"
    assert [f[0] for f in _doc(t, "R&D经费支出5.6亿元；投入强度1.8%。")] == ["rd_expenditure", "rd_intensity"]
    assert [f[0] for f in _doc(t, "新产品产值率达到18.5%，新产品实现产值42亿元。")] == ["new_product_output"]
    assert [f[1] for f in _doc(t, "全省科技型中小企业入库突破3万家，我县入库科技型中小企业120家。")] == [120]
    assert [f[1] for f in _doc(t, "全国科技型中小企业评价入库120家。")] == [120]  # the national register's name


def test_review_17_a_sub_heading_of_the_summed_up_year_or_going_on_is_no_plan():
    s = "某区科技局2023年工作总结"
    for body in ("一、2023年工作成效\n（三）2023年目标任务全面完成\n全区新认定高新技术企业35家,技术合同成交额12亿元。",
                 "（一）2023年度重点工作\n全区新认定高新技术企业35家。",
                 "（二）2024年计划投资项目已储备\n全区新认定高新技术企业35家。"):
        assert {(f[3], f[5]) for f in _doc(s, body)} == {(2023, "actual")}, body


def test_review_17_a_running_total_after_a_flow_is_no_years_flow():
    s = "某区科技局2023年工作总结"
    assert [f[1] for f in _doc(s, "全年技术合同成交额12亿元。截至年底,全区累计达到56亿元。")] == [1_200_000_000]
    assert [f[1] for f in _doc(s, "全年专利授权1200件。截至年底,全区累计达到8600件。")] == [1200]


def test_review_17_numbered_items_and_plans_looking_back():
    s = "某区科技局2023年工作总结"
    got = _doc(s, "二是2022年度获批的省级科技项目完成验收,争取省科技经费1200万元。")
    assert [(f[0], f[3]) for f in got] == [("sci_tech_funding_secured", 2023)]
    plan = "某区科技局2024年工作要点"
    assert _doc(plan, "去年以来,全区新增科技型中小企业120家。") == [("tech_smes", 120, None, 2023, "FY", "actual")]
    assert _doc(plan, "“十四五”以来,全区累计新认定高新技术企业150家;力争2024年新认定高新技术企业50家。") == [
        ("high_tech_enterprises_new", 150, None, 2023, "2021-2023", "actual"),
        ("high_tech_enterprises_new", 50, None, 2024, "FY", "target")]
    assert _doc(s, "全区高新技术企业达到320家;力争明年达到360家。") == [
        ("high_tech_enterprises_total", 320, None, 2023, "FY", "actual"),
        ("high_tech_enterprises_total", 360, None, 2024, "FY", "target")]


def test_review_17_growth_in_brackets_before_the_level_own_part_with_new_and_firms_in_a_pool():
    s = "某区科技局2023年工作总结"
    assert _doc(s, "技术合同成交额(同比增长25%)达到15亿元。") == [
        ("tech_contract_turnover", 1_500_000_000, 25, 2023, "FY", "actual")]
    assert _doc(s, "技术合同成交额同比增长25%,规模达到15亿元。") == [
        ("tech_contract_turnover", 1_500_000_000, 25, 2023, "FY", "actual")]
    assert _doc(s, "全市新认定高新技术企业850家,其中我区新增120家,同比增长20%。") == [
        ("high_tech_enterprises_new", 120, 20, 2023, "FY", "actual")]
    assert [f[1] for f in _doc(s, "新增科技型中小企业1200家,2300家企业进入培育库。")] == [1200]
