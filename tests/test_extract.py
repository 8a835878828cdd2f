"""Extraction on real sentences from the reports: indicator, value, unit, yoy, kind, period."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.extract import extract_figures, periods, simplified_shadow
from analysis.models import DocMeta
from analysis.text import sections

SUMMARY_2013_H1 = DocMeta("d", region="青岛市", report_year=2013, period="H1", doc_type="summary+plan")
SUMMARY_FY = DocMeta("d", region="某市", report_year=2015, period="FY", doc_type="summary")
PLAN_2017 = DocMeta("d", region="胶州市", report_year=2017, period="FY", doc_type="plan")


def mapped(text, meta=SUMMARY_FY):
    return {(f.metric_id, f.value): f for f in extract_figures("d", text, meta) if f.metric_id}


def test_enumeration_with_distributed_growth():
    figs = mapped("上半年,发明专利申请6275件、授权988件,同比分别增长139%、37%,增幅均居国内同类城市首位。",
                  SUMMARY_2013_H1)
    apps = figs[("invention_patent_applications", 6275)]
    grants = figs[("invention_patent_grants", 988)]
    assert (apps.yoy_pct, grants.yoy_pct) == (139, 37)
    assert (apps.unit, apps.period, apps.year, apps.kind) == ("件", "H1", 2013, "actual")


def test_money_is_normalised_to_yuan_and_traceable():
    text = "技术市场交易活跃,技术合同成交额14.21亿元。"
    f = mapped(text)[("tech_contract_turnover", 1_421_000_000)]
    assert f.unit == "元"
    assert text[f.char_start:f.char_end] == "14.21亿元" == f.raw
    assert f.sentence == text


def test_items_before_fenbie_pair_with_values():
    figs = mapped("全市专利申请量、授权量分别达到16173件、9882件,分别增长24.5%和11.7%。")
    assert figs[("patent_applications", 16173)].yoy_pct == 24.5
    assert figs[("patent_grants", 9882)].yoy_pct == 11.7


def test_breakthrough_qualifier_applies_to_the_group():
    figs = mapped("全市专利申请和专利授权分别突破5.8万件和4.6万件。")
    assert figs[("patent_applications", 58000)].qualifier == ">"
    assert figs[("patent_grants", 46000)].qualifier == ">"


def test_bare_phrase_borrows_the_indicator_before_it():
    figs = mapped("全市新增高新技术企业82家,累计认定480家,列全省第三位。")
    assert ("high_tech_enterprises_new", 82) in figs
    assert ("high_tech_enterprises_total", 480) in figs


def test_share_of_gdp_borrows_its_subject():
    figs = mapped("预计全社会研发投入可达185亿元,占GDP比例达2.35%。")
    assert figs[("rd_expenditure", 18_500_000_000)].kind == "estimate"
    assert figs[("rd_intensity", 2.35)].unit == "%"


def test_lost_percent_repaired_growth_attaches():
    figs = mapped("全区技术合同成交额超68亿元,增长25%(二)做大做强企业主体")
    f = figs[("tech_contract_turnover", 6_800_000_000)]
    assert (f.qualifier, f.yoy_pct) == (">", 25)


def test_plan_section_gives_targets_for_the_next_year():
    meta = DocMeta("d", report_year=2012, period="FY", doc_type="summary+plan")
    text = ("一、2012年工作总结 全年专利申请24183件,同比增长60%。"
            "二、2013年工作思路 2013年,全社会研究与开发经费投入占生产总值比重争取达到1.30%,"
            "新增高新技术企业30家。")
    figs = mapped(text, meta)
    assert figs[("patent_applications", 24183)].kind == "actual"
    assert figs[("patent_applications", 24183)].yoy_pct == 60
    target = figs[("rd_intensity", 1.3)]
    assert (target.kind, target.year) == ("target", 2013)
    assert figs[("high_tech_enterprises_new", 30)].kind == "target"


def test_second_half_plan_in_an_h1_report():
    text = ("上半年,技术合同成交额14.21亿元。下半年,我局将着力做好五方面工作:"
            "确保年技术合同交易登记额达到32亿元,同比增长30%。")
    figs = mapped(text, SUMMARY_2013_H1)
    assert figs[("tech_contract_turnover", 1_421_000_000)].period == "H1"
    t = figs[("tech_contract_turnover", 3_200_000_000)]
    assert (t.kind, t.period, t.year, t.yoy_pct) == ("target", "FY", 2013, 30)


def test_plan_document_every_figure_is_a_target():
    figs = mapped("(责任科室:知识产权管理科)技术合同交易额达到10亿元,科技成果转化100项以上,"
                  "有效发明专利达到800件。", PLAN_2017)
    assert figs[("tech_contract_turnover", 1e9)].kind == "target"
    assert figs[("valid_invention_patents", 800)].kind == "target"


def test_per_town_targets_are_not_the_regions():
    figs = extract_figures("d", "各镇办保持高新技术企业培育库内企业数量20家以上,新认定高企数量5家以上。"
                           "各镇、街道技术合同交易额达到8000万元以上。", PLAN_2017)
    assert all(not f.metric_id for f in figs)
    assert any("part of the region" in f.note for f in figs)


def test_five_year_span_flows_and_stocks():
    text = ("二、十二五期间工作回顾 “十二五”期间,全市累计申请专利76541件,其中发明专利申请43144件;"
            "全市有效发明专利拥有量8153件。累计认定高新技术企业430家。")
    figs = mapped(text, SUMMARY_FY)
    assert figs[("patent_applications", 76541)].period == "2011-2015"
    assert figs[("invention_patent_applications", 43144)].period == "2011-2015"
    assert figs[("valid_invention_patents", 8153)].period == "FY"
    assert figs[("high_tech_enterprises_new", 430)].period == "2011-2015"


def test_period_cues_inside_a_sentence():
    meta = DocMeta("d", report_year=2016, period="FY", doc_type="summary")
    figs = mapped("截至9月底,全市发明专利申请18829件、授权5465件,授权量同比增长57.3%。"
                  "1-10月,技术合同交易额63.9亿元,年底将首次突破100亿元。", meta)
    assert figs[("invention_patent_applications", 18829)].period == "Q1-Q3"
    grants = figs[("invention_patent_grants", 5465)]
    assert (grants.period, grants.yoy_pct) == ("Q1-Q3", 57.3)
    assert figs[("invention_patent_applications", 18829)].yoy_pct is None
    assert figs[("tech_contract_turnover", 6.39e9)].period == "M1-M10"
    forecast = figs[("tech_contract_turnover", 1e10)]
    assert (forecast.kind, forecast.period, forecast.qualifier) == ("estimate", "FY", ">")


def test_traditional_characters_map_the_same():
    meta = DocMeta("d", report_year=2017, period="FY", doc_type="summary")
    figs = mapped("2017年,青島全社會研發經費(R&D)投入286.4億元,占GDP比重2.86%。全市科技型中小微企業總數突破1萬家。",
                  meta)
    assert ("rd_expenditure", 28_640_000_000) in figs
    assert ("rd_intensity", 2.86) in figs
    assert figs[("tech_smes", 10_000)].qualifier == ">"


def test_shadow_keeps_length():
    s = "青島全社會研發經費"
    assert len(simplified_shadow(s)) == len(s)
    assert simplified_shadow(s) == "青岛全社会研发经费"


def test_growth_only_statement_is_kept_without_indicator():
    figs = extract_figures("d", "科技经费投入增长5.8%,企业技术开发费支出增长7.7%。", SUMMARY_FY)
    assert [f.value for f in figs] == [5.8, 7.7]
    assert all(f.metric_id == "" and f.note == "growth rate only" for f in figs)


def test_number_before_its_noun():
    figs = mapped("大连化物所等10个项目获得2015年度国家科学技术奖励。")
    assert figs[("national_sci_tech_awards", 10)].unit == "项"
    assert mapped("完成29家市级孵化器认定工作。") == {}


def test_masked_figures_are_not_invented():
    assert extract_figures("d", "上半年新增6笔,贷款*5万元,拨付资金20xx万元。", SUMMARY_FY)[0].value == 6
    assert len(extract_figures("d", "上半年新增6笔,贷款*5万元,拨付资金20xx万元。", SUMMARY_FY)) == 1


def test_unmapped_figures_are_kept_with_their_phrase():
    figs = extract_figures("d", "开展政策宣讲、银企对接等专项活动150场。", SUMMARY_FY)
    assert [(f.metric_id, f.value, f.unit) for f in figs] == [("", 150, "场")]
    assert "专项活动" in figs[0].indicator


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="发明专利申请授权技术合同成交额高新技术企业新增累计达到占GDP比重同比增长分别"
                        "0123456789.%万亿元件家项、，,。;；*", max_size=120))
def test_never_raises_and_offsets_are_inside(text):
    for f in extract_figures("d", text, SUMMARY_FY):
        assert 0 <= f.char_start < f.char_end <= len(text)
        assert f.kind in {"actual", "estimate", "target"}


# ---------------------------------------------------------------- wordings seen in other reports


def test_rd_wordings_lower_case_and_brackets():
    figs = mapped("全县规模以上工业企业r&d经费支出11.55亿元,同比增长8.3%;全社会研究与实验发展(R&D)经费支出9.5亿元,"
                  "全社会R&D占比达到3.2%。")
    assert figs[("rd_expenditure", 1_155_000_000)].yoy_pct == 8.3
    assert ("rd_expenditure", 950_000_000) in figs
    assert ("rd_intensity", 3.2) in figs
    assert mapped("有研发活动企业占比60.5%。") == {}


def test_share_whose_subject_is_clauses_back():
    figs = mapped("全区高新技术产业增加值完成xx亿元,增速26.6%,占规上工业增加值比重66.2%。")
    assert ("high_tech_value_added_share", 66.2) in figs


def test_list_continuation_keeps_subject_and_target_cue():
    figs = mapped("今年要努力实现以下目标:新增高新技术企业50家,努力实现新增100家。")
    assert figs[("high_tech_enterprises_new", 50)].kind == "target"
    assert figs[("high_tech_enterprises_new", 100)].kind == "target"


def test_pinyin_ruby_and_dangling_decimal_are_cleaned_before_extraction():
    from analysis.clean import clean_text

    text = clean_text("d", "新增高新技術(shù)企業(yè)80家。高新技术产值1.5亿元,高新技术增加值0.8亿元,"
                           "分别比去年同期增长21.%和26%。").text
    figs = mapped(text)
    assert ("high_tech_enterprises_new", 80) in figs
    assert figs[("high_tech_output", 150_000_000)].yoy_pct == 21
    assert figs[("high_tech_value_added", 80_000_000)].yoy_pct == 26


def test_qizhong_sentence_inherits_the_period_before():
    meta = DocMeta("d", report_year=2017, period="FY", doc_type="summary")
    figs = mapped("今年1-8月,全市专利申请量3.5万件。其中,发明专利申请量和授权量分别为12012件和2947件。"
                  "截至2017年8月,国内有效发明专利量为13822件。", meta)
    assert figs[("invention_patent_applications", 12012)].period == "M1-M8"
    assert figs[("invention_patent_grants", 2947)].period == "M1-M8"
    assert figs[("valid_invention_patents", 13822)].period == "M1-M8"


def test_funding_two_clauses_after_its_noun_and_cultivation_pools():
    meta = DocMeta("d", report_year=2008, period="FY", doc_type="plan")
    figs = mapped("大力争取上级科技部门资金支持,确保超过6000万元。", meta)
    assert figs[("sci_tech_funding_secured", 60_000_000)].qualifier == ">"
    assert mapped("对今年重点新培育的12家高新技术企业加强指导。") == {}


def test_space_before_unit_and_yi_without_yuan():
    figs = mapped("全市科技型中小企业达 6588 家。规模以上高新技术产业产值27.6亿,同比增长12%。")
    assert ("tech_smes", 6588) in figs
    assert figs[("high_tech_output", 2_760_000_000)].yoy_pct == 12


def test_total_after_new_in_the_same_sentence():
    figs = mapped("全年共认定35家高新技术企业,全县高新技术企业总数达到81家。")
    assert ("high_tech_enterprises_total", 81) in figs


def test_growth_against_a_named_year_and_in_multiples():
    figs = mapped("技术合同成交额5.2亿元,较2021年同比增长108%;发明专利授权量320件,增长了2.8倍。")
    assert figs[("tech_contract_turnover", 520_000_000)].yoy_pct == 108
    assert figs[("invention_patent_grants", 320)].yoy_pct == 280


def test_estimate_ends_where_a_clause_opens_with_its_own_year():
    meta = DocMeta("d", report_year=2018, period="FY", doc_type="summary")
    figs = mapped("预计全年新增高新技术企业6家,2017年我县新增高新技术企业3家。", meta)
    assert figs[("high_tech_enterprises_new", 6)].kind == "estimate"
    later = figs[("high_tech_enterprises_new", 3)]
    assert (later.kind, later.year) == ("actual", 2017)


def test_target_year_inside_a_plan_sentence():
    meta = DocMeta("d", report_year=2021, period="FY", doc_type="plan")
    figs = mapped("力争2025年认定高新技术企业25家以上。", meta)
    assert figs[("high_tech_enterprises_new", 25)].year == 2025


def test_hard_wrapped_lines_are_joined():
    from analysis.clean import clean_text

    body = "全县科技工作稳步推进成效明显各项指标均有提升其中全县高新技术企业总数达到八十一家较上年增加十家"
    lines = [body[i:i + 24] for i in range(0, len(body), 24)] * 4
    doc = clean_text("d", "\n".join(lines))
    assert "高新技术企业总数达到八十一家" in doc.text
    assert {r.rule for r in doc.repairs} == {"hard_wrap"}


def test_names_listed_before_one_verb_pair_with_values():
    figs = mapped("高新技术企业、科技型中小企业达 6588 家 、 6403 家,分别增长 26.3%、44.4%。")
    assert figs[("high_tech_enterprises_total", 6588)].yoy_pct == 26.3
    assert figs[("tech_smes", 6403)].yoy_pct == 44.4


def test_estimate_mid_sentence_stops_at_a_new_subject():
    figs = mapped("目前高新技术企业达到39家,预计年底可达到54家,科技型中小企业达到76家。")
    assert figs[("high_tech_enterprises_total", 54)].kind == "estimate"
    assert figs[("tech_smes", 76)].kind == "actual"


def test_growth_since_the_last_plan_is_not_year_on_year():
    figs = mapped("2019年全市R&D经费452.5亿元,比“十二五”末增长75.6%。")
    assert figs[("rd_expenditure", 45_250_000_000)].yoy_pct is None


def test_from_year_to_year_pairs_take_their_own_years():
    meta = DocMeta("d", report_year=2016, period="FY", doc_type="summary")
    figs = mapped("R&D经费占GDP比重已从2010年底的1.38%提高到2015年的2.5%以上。", meta)
    assert figs[("rd_intensity", 1.38)].year == 2010
    assert figs[("rd_intensity", 2.5)].year == 2015


def test_a_threshold_passed_is_not_the_figure():
    figs = extract_figures("d", "高新技术产业增加值占GDP比重首次突破11%达到11.72%。", SUMMARY_FY)
    assert [(f.metric_id, f.value) for f in figs] == [("", 11), ("high_tech_value_added_share", 11.72)]


def test_from_to_counts_and_changes():
    figs = mapped("全市高新技术企业由49家增长到127家;每万人发明专利拥有量提高7件。")
    assert ("high_tech_enterprises_total", 49) in figs
    assert ("high_tech_enterprises_total", 127) in figs
    assert not any(k[0] == "invention_patents_per_10k" for k in figs)


def test_comparators_batches_and_households():
    figs = mapped("我市认定的高新技术企业共有49家,占全省61家的80.3%。")
    assert ("high_tech_enterprises_total", 49) in figs
    assert not any(v == 61 for _, v in figs)
    figs = mapped("根据公布的第六批入库名单,我市新增科技型中小企业51家。")
    assert figs == {}
    figs = mapped("全市2363户企业通过科技型中小企业评价。")
    assert figs[("tech_smes", 2363)].unit == "家"
    assert mapped("通过评价的科技型中小企业总计达2363户。")[("tech_smes", 2363)].unit == "家"


def test_since_a_year_is_a_span_up_to_the_report_year():
    meta = DocMeta("d", report_year=2023, period="FY", doc_type="summary")
    figs = mapped("2021年以来,全市新增高新技术企业294家。", meta)
    f = figs[("high_tech_enterprises_new", 294)]
    assert (f.period, f.year) == ("2021-2023", 2023)


def test_goal_nouns_are_not_goals_and_goals_are_full_year():
    figs = mapped("高新技术企业是衡量创新水平的重要指标,全市高新技术企业总量达2362家,提前一年实现倍增目标。")
    assert figs[("high_tech_enterprises_total", 2362)].kind == "actual"
    h1 = DocMeta("d", report_year=2025, period="M1-M5", doc_type="summary")
    target = mapped("目前排摸拟申报高企200家,力争今年高新技术企业突破460家。", h1)
    assert (target[("high_tech_enterprises_total", 460)].kind,
            target[("high_tech_enterprises_total", 460)].period) == ("target", "FY")


def test_batch_cue_belongs_to_its_own_figure_and_applications_are_not_recognitions():
    figs = mapped("已通过评审262家(第一批94家、第二批168家),目前全市高企达到750家。")
    assert ("high_tech_enterprises_total", 750) in figs
    assert mapped("全年共组织申报高新技术企业420家。") == {}


_PLAN_ALPHABET = "下半年一步明今后个时期2019年，,。\n 将要重点目标工作我市"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_PLAN_ALPHABET, max_size=120))
def test_plan_sentences_are_found_where_the_plain_pattern_finds_them(text):
    """The mark-first pattern (fast to scan) finds the same sentences as the plain one."""
    plain = re.compile(r"(?:^|(?<=[\n。]))" + sections.PLAN_SENTENCE_BODY)
    got = [(m.start("at"), m.end(), m.group("when")) for m in sections.plan_sentences(text)]
    want = [(m.start(), m.end(), m.group("when")) for m in plain.finditer(text)]
    assert got == want


_YEAR_ALPHABET = "20219年度，, 我市全区力争确保到从比较预计x1\n"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_YEAR_ALPHABET, max_size=60))
def test_year_cues_are_found_where_the_plain_pattern_finds_them(text):
    plain = re.compile(periods.YEAR_CUE_BEFORE + r"(?P<y>20\d\d)年度?(?!\d)")
    got = [(m.span(), m.group("y")) for m in periods.YEAR_CUE.finditer(text)]
    assert got == [(m.span(), m.group("y")) for m in plain.finditer(text)]


def _period_by_truncated_scan(sent, upto):
    """The period cue reading as first written: a scan of the text before the figure."""
    period = year = None
    for m in periods.PERIOD_CUES.finditer(sent, 0, upto):
        cue_period, cue_year = periods.period_cue_reading(m)
        period = cue_period or period
        year = cue_year if cue_year is not None else year
    return period, year


_PERIOD_ALPHABET = "上半年前三季度第一1-6至9月截止2021十二底末份全预计，, 增长家亿元项"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_PERIOD_ALPHABET, max_size=60))
def test_period_cues_read_once_per_sentence_match_a_scan_up_to_each_figure(text):
    from analysis.numbers import find_quantities

    for q in find_quantities(text):
        assert periods.sentence_period(text, q.start, None) == _period_by_truncated_scan(
            text, q.start
        )


def test_shadow_keeps_characters_beyond_the_table():
    text = "青島\U0002f800研發"  # a CJK compatibility ideograph past the table's end
    assert simplified_shadow(text) == "青岛\U0002f800研发"


def test_a_range_broken_by_a_line_break_is_read_line_by_line():
    """A match running across a sentence's edge sends both sentences to be read alone."""
    meta = DocMeta("d", region="青岛市", report_year=2015, period="FY", doc_type="summary")
    found = extract_figures("d", "全年新增高新技术企业1\n-2家。其中，新认定12家。", meta)
    assert [(f.raw, f.value, f.unit) for f in found] == [("2家", 2.0, "家"), ("12家", 12.0, "家")]


def test_a_qizhong_sentence_after_a_line_break_and_space_is_read():
    meta = DocMeta("d", region="青岛市", report_year=2015, period="FY", doc_type="summary")
    text = "技术合同成交额14.21亿元。\n 其中技术开发合同5亿元。"
    found = extract_figures("d", text, meta)
    assert [(f.value, f.year, f.sentence) for f in found] == [
        (1421000000.0, 2015, "技术合同成交额14.21亿元。"), (500000000.0, 2015, "其中技术开发合同5亿元。")]
