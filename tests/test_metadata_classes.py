"""Document years and periods on unseen kinds of page (issue 11), made-up texts."""

from __future__ import annotations

import pytest

from analysis.metadata import infer_metadata


def test_a_disclosure_table_row_dates_the_page():
    text = ("信息索引号 | 0140/2020-00514 | 生成日期 | 2020-03-05 | 公开日期 | 2020-03-05 |\n"
            "发布机构 | 某市科学技术局 |\n"
            "区域创新能力加速攀升。全市全年共申报高新技术企业279家。\n")
    assert infer_metadata("d", text).report_year == 2019  # a summary published in March


def test_a_news_lede_as_of_a_month_end_gives_year_and_period():
    text = ("某网12月5日讯 截至2012年10月底,全市高新技术产值实现2266亿元,同比增长22.63%。\n"
            "专利申请量实现10784件。\n")
    meta = infer_metadata("n", text)
    assert (meta.report_year, meta.period) == (2012, "M1-M10")


def test_a_month_end_deep_in_an_annual_summary_does_not_scope_the_document():
    text = ("某市科技局2017年工作总结\n"
            "一、主要工作。全年我市发明专利申请量1350件,截止11月发明专利授权量231件,同比增长32%。\n")
    assert infer_metadata("a", text).period == "FY"


def test_a_news_item_on_what_the_city_will_do_this_year_is_a_plan():
    text = ("记者从某市科技局获悉,某市今年将以科技型中小企业评价为契机,加速创新链建设。"
            "年内将新增评价入库科技型中小企业5000家,高新技术企业达到4800家。\n")
    assert infer_metadata("p", text).doc_type == "plan"
    with_results = text + "全年技术合同成交额同比增长20%。\n"
    assert infer_metadata("r", with_results).doc_type != "plan"


def test_both_parts_named_in_a_title_split_by_a_space():
    meta = infer_metadata("t", "某市科学技术局2023年工作总结 及2024年工作安排\n一、关于2023年工作情况\n")
    assert (meta.title, meta.doc_type) == ("某市科学技术局2023年工作总结 及2024年工作安排",
                                           "summary+plan")


def test_a_cover_sentence_announcing_both_parts():
    text = "某区科技局:\n现将2021年工作情况和2022年工作计划汇报如下:\n一、2021年工作情况\n全区新增高企20家。\n"
    assert infer_metadata("c", text).doc_type == "summary+plan"


def test_a_sentence_on_what_the_next_year_will_bring_adds_a_plan_part():
    text = ("某市科技局2021年工作总结\n2021年,全市新增高新技术企业300家,同比增长20%。\n"
            "市科技局相关负责人表示,2022年,我市将深入实施创新驱动发展战略。\n")
    assert infer_metadata("n", text).doc_type == "summary+plan"
    same_year = text.replace("2022年,我市将", "2021年,我市将")
    assert infer_metadata("s", same_year).doc_type == "summary"


def test_a_year_end_summary_is_annual_even_when_its_opening_reports_months():
    text = ("科技局年终工作总结\n一、2014年工作总结\n"
            "今年1-10月我区高新技术产业产值达到112.89亿元,同比增长6.8%。\n")
    assert infer_metadata("y", text).period == "FY"


def test_a_news_lede_on_this_years_first_half_scopes_the_page():
    text = ("某市高新技术产业产值增幅居全省第二\n来源:某报 2021-09-06 10:46:00\n"
            "记者日前从某市科技局获悉,今年上半年,某市高新技术产业产值达1578.60亿元,同比增长42.37%。\n")
    meta = infer_metadata("h", text)
    assert (meta.report_year, meta.period) == (2021, "H1")


@pytest.mark.parametrize("text, year", [
    # a performance-target form is titled by its targets
    ("某县科学技术局2021年度部门整体支出绩效目标申报表\n(2020年度) |\n"
     "整体绩效目标 | 1、培育高新技术企业15家,新增6家;2、技术交易合同50个。\n", 2021),
    # a news item on a meeting that deploys a year's work (部署了…2018年工作)
    ("某县科技局专题学习县委经济工作会议精神\n"
     "1月8日,某县科技局召开专题会议。会上部署了科技局2018年工作。\n"
     "科技工作,新认定高新技术企业3家以上,发明专利申请量达到150件,为2019年争创国家级夯实基础。\n", 2018),
])
def test_a_plan_of_its_year(text, year):
    meta = infer_metadata("p", text)
    assert (meta.doc_type, meta.report_year) == ("plan", year)


def test_a_news_item_on_an_issued_development_plan_is_a_plan():
    text = ("2020年我市将建成创新型城市\n"
            "记者从市科技局了解到,市政府日前印发《某市“十三五”科技创新发展规划》。"
            "到2020年,全社会研发投入占GDP的比例达2.5%。\n")
    assert infer_metadata("n", text).doc_type == "plan"


def test_an_average_annual_growth_goal_is_no_achieved_result():
    text = ("2020年我市将建成创新型城市\n"
            "记者从市科技局了解到,市政府日前印发《某市“十三五”科技创新发展规划》。"
            "到2020年,全社会研发投入占GDP的比例达2.5%,技术合同成交总额年均增幅10%以上。\n")
    assert infer_metadata("n", text).doc_type == "plan"
    achieved = text + "2015年,全市技术合同成交额增幅达15%。\n"
    assert infer_metadata("a", achieved).doc_type != "plan"


def test_a_lede_whose_second_sentence_opens_with_the_first_half_reports_it():
    text = ("2015年,某市着力强化外引,争取资金、项目。上半年,某市共争取国家和省科技项目91项,"
            "资金3702万元,比上年同期增长11%。\n")
    assert infer_metadata("h", text).period == "H1"
    later = "2015年,某市着力强化外引。全年新增高企20家。" + "科技工作成效明显。" * 20 + "上半年,共争取项目9项。\n"
    assert infer_metadata("f", later).period == "FY"


def test_a_five_year_plans_review_part_recalls_results_of_the_year_before():
    from analysis.extract import extract_figures
    text = ("某市人民政府关于印发某市科技创新“十四五”规划的通知\n"
            "某市科技创新“十四五”规划\n"
            "一、发展基础\n"
            "“十三五”期间,全市高新技术企业由120家增加到300家。\n"
            "二、发展目标\n"
            "到2025年,全市高新技术企业达到600家。\n")
    meta = infer_metadata("f", text)
    assert (meta.doc_type, meta.report_year) == ("plan", 2021)
    got = [(f.value, f.year, f.kind) for f in extract_figures("f", text, meta) if f.metric_id]
    assert got == [(120, 2015, "actual"), (300, 2020, "actual"), (600, 2025, "target")]


def test_a_disclosure_table_above_a_key_task_list_leaves_its_title_and_makes_a_plan():
    text = ("• 索引号:0063820622/2017-1145618\n  • 发布机构:科技局\n  • 公开日期:2017-08-14\n"
            "某县科技局2017年重点工作“三明确一限期”清单\n"
            "年内,完成有效发明专利120件\n")
    meta = infer_metadata("t", text)
    assert (meta.title, meta.doc_type, meta.report_year) == (
        "某县科技局2017年重点工作“三明确一限期”清单", "plan", 2017)


def test_a_dateline_line_and_a_bare_month_span_lede_date_and_scope_the_page():
    text = ("某市高新技术产业增加值增速超预期\n"
            "   2023-08-10 某市科学技术和经济信息化局\n"
            "核心提示:1-6月,某市规模以上高新技术产业完成增加值27.94亿元。\n")
    meta = infer_metadata("d", text)
    assert (meta.report_year, meta.period) == (2023, "H1")


def test_a_report_on_last_years_results_that_says_what_this_year_will_do_has_both_parts():
    text = ("某市科技创新呈现向好态势\n"
            "过去一年,我市大力实施创新驱动发展战略,全市高新技术企业达到320家。\n"
            "今年,我市将重点围绕六大主导产业,力争新增高新技术企业50家。\n")
    assert infer_metadata("w", text).doc_type == "summary+plan"
    assert infer_metadata("s", text.split("今年")[0]).doc_type == "summary"


def test_review_findings_plan_and_summary_headings_keep_their_kind():
    from analysis.extract import extract_figures
    summary = ("某市科技局2023年工作总结\n一、2023年工作情况\n全市工作稳步推进。\n"
               "二、重点任务推进情况\n技术合同成交额50亿元,新增省级重点实验室5家。\n")
    meta = infer_metadata("s", summary)
    assert {(f.year, f.kind) for f in extract_figures("s", summary, meta) if f.metric_id} == {(2023, "actual")}
    plan = ("某市科技局2024年工作要点\n一、强化创新主体\n二、着力提升成果转化成效\n技术合同成交额达到50亿元。\n")
    meta = infer_metadata("p", plan)
    assert [(f.year, f.kind) for f in extract_figures("p", plan, meta) if f.metric_id] == [(2024, "target")]
    since = "某县科技工作\n去年12月,全县召开科技大会。\n今年以来,我县紧紧围绕主要目标,全县新增高新技术企业12家。\n"
    assert infer_metadata("y", since).doc_type == "summary"


def test_an_annual_summary_published_by_april_covers_the_year_before():
    # the year named most is the award list's and the new year's meeting's, not the one
    # summed up: a page dated March reports the year before
    text = ("某市入选创新百强榜单\n2019-03-28 来源:网络\n"
            "“2019年创新百强榜单”日前出炉,某市新增高新技术企业120家。"
            "2019年科技工作会议部署了新任务。2018年,全市专利授权3000件。\n")
    assert infer_metadata("a", text).report_year == 2018
    # a part-year report of the same date keeps its own year
    quarter = text.replace("某市新增高新技术企业120家", "今年1-2月,某市新增高新技术企业12家")
    assert infer_metadata("q", quarter).report_year == 2019


def test_a_news_item_on_a_meeting_setting_this_years_goals_is_a_plan():
    text = ("增强科技创新 助推转型升级\n信息来源:某省科技厅 发布日期:2012-04-28\n"
            "日前,县科技工作领导小组召开会议,明确了今年我县在科技投入、高新技术产业等方面的"
            "目标要求,提出全年科技创新投入要达到5.5亿元,高新技术产值达到40亿元。\n")
    meta = infer_metadata("p", text)
    assert (meta.doc_type, meta.report_year) == ("plan", 2012)
    # the same meeting reporting results is a summary
    done = text + "全年高新技术产值同比增长12%。\n"
    assert infer_metadata("d", done).doc_type == "summary"


def test_a_plan_recalling_a_stock_as_of_a_past_year_end_states_an_actual():
    from analysis.extract import extract_figures
    from analysis.models import DocMeta

    meta = DocMeta("p", region="某市", report_year=2020, period="FY", doc_type="plan")
    past = extract_figures("p", "截止2018年底,全市高新技术企业达285家。", meta)
    assert [(f.value, f.year, f.kind) for f in past] == [(285, 2018, "actual")]
    goal = extract_figures("p", "截至2020年底,全市高新技术企业达到450家。", meta)
    assert [(f.value, f.year, f.kind) for f in goal] == [(450, 2020, "target")]


def test_the_year_a_from_to_statement_reaches_dates_a_news_item():
    # no title, no opening year: the latest year the text reports a level for
    text = ("某市科技创新取得新进展\n2月28日,某市举办新闻发布会。2021年以来,全市新增高新技术企业"
            "300家,某公司进入2022年度创新创业大赛决赛。全市万人发明专利拥有量由2021年的2.5件"
            "增长至2023年的4.1件。\n")
    assert infer_metadata("r", text).report_year == 2023
    # a stronger source (the title's year) is not overruled
    titled = "某市科技局2022年工作总结\n" + text.split("\n", 1)[1]
    assert infer_metadata("t", titled).report_year == 2022


def test_a_title_summing_up_one_year_and_planning_the_next_is_annual():
    body = "今年以来,我局扎实推进各项工作。前三季度,全区实现高新技术产业产值500亿元,增长24.5%。\n"
    both = infer_metadata("b", "区科技局2018年工作总结暨2019年工作思路\n" + body)
    assert (both.period, both.report_year, both.doc_type) == ("FY", 2018, "summary+plan")
    # a title with no year of its own keeps reading the opening
    assert infer_metadata("s", "区科技局工作情况汇报\n" + body).period == "Q1-Q3"


def test_an_opening_stating_a_whole_years_figure_is_annual():
    text = ("1.高新技术产业稳步增长。全年新增高新技术企业162家。前三季度高新技术产业增加值"
            "129亿元。全年发明专利申请量1350件。\n")
    assert infer_metadata("a", text).period == "FY"
    # a forecast of the whole year in a part-year opening does not make it annual
    forecast = "前三季度,全市高新技术产业增加值129亿元,预计全年150亿元。\n"
    assert infer_metadata("f", forecast).period == "Q1-Q3"


def test_a_month_span_opening_two_clauses_of_a_news_item_is_its_period():
    text = ("2021年,全市全力打造创新型城市,主要指标大幅增长。\n"
            "1.研发费用快速增长。1-10月,全市规上工业企业研发费用186亿元,同比增长44.5%。\n"
            "2.高新技术产业态势良好。1-10月,全市高新技术产业投资同比增长30.3%。\n")
    assert infer_metadata("m", text).period == "M1-M10"
    # once is the date of one figure; two different periods name no one period; a report
    # with a title of its own is read from its title and opening only
    once = text.rsplit("2.", 1)[0]
    mixed = text.replace("2.高新技术产业态势良好。1-10月", "2.高新技术产业态势良好。1-9月")
    titled = "某市科技局2021年工作总结\n" + text
    for other in (once, mixed, titled):
        assert infer_metadata("x", other).period == "FY"


def test_disclosure_rows_without_colons_do_not_hide_the_title():
    text = ("索引号 0012345/2025-00001 公开方式 主动公开\n公开范围 面向社会 公开时限 长期公开\n"
            "发布单位 区科技局 发文日期 2025-03-25\n统一编号 有效性\n"
            "某市某区科学技术局2024年工作总结和2025年工作计划\n一、2024年工作总结\n全区新增高企30家。\n")
    meta = infer_metadata("d", text)
    assert (meta.title, meta.doc_type, meta.report_year) == (
        "某市某区科学技术局2024年工作总结和2025年工作计划", "summary+plan", 2024)


@pytest.mark.parametrize("plan", [
    "该负责人表示,“2024年,全市高新技术企业力争达到50家。”\n",  # quoted, 力争
    "2024年\n●力争全市高新技术企业总量达到2300户以上\n",  # a heading line over bullets
    "为了提速企业发展,2024年,某市将加快推进科技型企业培育。\n",  # a subject of its own
])
def test_a_line_opening_with_the_next_year_and_a_goal_adds_a_plan_part(plan):
    summary = "某市科技创新取得实效\n2023年,全市研发投入达到9.51亿元,同比增长13.5%。\n"
    meta = infer_metadata("n", summary + plan)
    assert (meta.report_year, meta.doc_type) == (2023, "summary+plan")
    # the report's own year with the same words is no plan part
    same = plan.replace("2024年", "2023年")
    assert infer_metadata("s", summary + same).doc_type == "summary"


def test_a_year_opening_a_goal_is_not_the_summarys_year():
    text = ("某市工信局以科技创新引领产业发展\n"
            "创新成果不断涌现,2023年全市规上企业研发投入达到9.51亿元,同比增长13.5%。\n"
            "“2024年,全市高新技术企业力争达到50家、科技型中小企业达到150家。”\n")
    assert infer_metadata("g", text).report_year == 2023


def test_a_year_opening_a_quotation_dates_its_figures():
    from analysis.extract import extract_figures
    from analysis.models import DocMeta

    meta = DocMeta("q", region="某市", report_year=2023, period="FY", doc_type="summary+plan")
    text = "该负责人表示,“2024年,全市高新技术企业力争达到50家。”"
    assert [(f.value, f.year, f.kind) for f in extract_figures("q", text, meta)] == [
        (50, 2024, "target")]


def test_a_disclosure_table_row_is_no_title():
    text = ("索 引 号 | 0012345/2023-00006 | 文号 | |\n发布日期 | 2023-02-20 | 公开时限 | 长期公开 |\n"
            "所属分类 | 工作计划及工作总结 | 效力状态 | 有效 |\n"
            "今年以来,某区科技局认真落实各项部署。\n一、2022年工作情况\n全区新增高企20家。\n")
    meta = infer_metadata("t", text)
    assert (meta.title, meta.doc_type) == ("", "summary")


def test_a_sentence_naming_the_next_year_and_what_it_will_do_adds_a_plan_part():
    text = ("某市去年科技战线各项指标全部超额完成\n2021-04-06 来源:某日报\n"
            "记者从会议上获悉,去年全市新增高新技术企业80家。\n"
            "会议强调,2021年是“十四五”规划开局之年,各县区要围绕创新驱动发展战略抓好落实。\n")
    meta = infer_metadata("n", text)
    assert (meta.report_year, meta.doc_type) == (2020, "summary+plan")
    # the same sentence about a year already summed up is no plan
    past = text.replace("会议强调,2021年是", "会议指出,2020年是").replace("各县区要", "各县区已")
    assert infer_metadata("p", past).doc_type == "summary"


def test_a_summary_looking_back_on_a_five_year_plans_span_dates_its_last_year():
    text = ("某市连续通过国家科技进步考核。“十二五”期间,全市两项科技成果获得国家科技进步二等奖,"
            "新增高新技术企业120家。\n")
    assert infer_metadata("f", text).report_year == 2015
    # since the plan began (以来) says nothing of where in it the text stands
    since = text.replace("“十二五”期间", "“十三五”以来")
    assert infer_metadata("s", since).report_year is None
    # any year the text cites is stronger evidence
    cited = text + "2013年,全市专利授权3000件。2013年新认定高企40家。\n"
    assert infer_metadata("c", cited).report_year == 2013


def test_a_share_of_the_years_goal_in_a_part_year_opening_keeps_its_period():
    text = "前三季度,全市高新技术产业产值500亿元,完成全年目标任务的85%。\n"
    assert infer_metadata("q", text).period == "Q1-Q3"


def test_a_plans_from_to_goal_does_not_date_it():
    text = ("某市印发《科技创新发展规划》\n某市近日印发规划。全市高新技术企业"
            "从2020年的500家增长到2025年的1000家。2021年,全市将新增高企100家。\n")
    meta = infer_metadata("p", text)
    assert (meta.doc_type, meta.report_year) == ("plan", 2021)


def test_a_periodicals_issue_dates_an_undated_article():
    text = ("摘要\n某高新区大力培育高新技术企业,如今这里的高企总数达到46家。\n"
            "某某期刊 2021年第3期 90-91,共2页\n")
    assert infer_metadata("j", text).report_year == 2020  # an annual account printed in March
    # the issue is no cited year, and a page date of its own wins (a first-half account
    # dated August)
    dated = "发布日期:2022-08-01\n" + text.replace("如今", "今年上半年,")
    meta = infer_metadata("d", dated)
    assert (meta.report_year, meta.period) == (2022, "H1")


def test_a_plans_tasks_completed_early_date_the_year_before_its_end():
    early = ("某市新认定高新技术企业17家,超额完成年度目标。全市高新技术企业总数达到51家,"
             "提前两年完成“十二五”目标任务。\n")
    assert infer_metadata("e", early).report_year == 2013
    on_time = early.replace("提前两年完成", "完成")
    assert infer_metadata("o", on_time).report_year == 2015


def test_a_byline_ending_with_a_date_dates_the_page():
    text = "某市科技工作成效明显\n某某 某某 2018-03-14 |\n本报讯 去年全市新增高新技术企业30家。\n"
    assert infer_metadata("b", text).report_year == 2017  # an annual account in March
    assert infer_metadata("n", text.replace("某某 某某 2018-03-14 |\n", "")).report_year is None


def test_a_line_cut_where_a_figure_follows_is_no_title():
    # a hard-wrapped sentence 全年共承担各类科技计划99项 opens with words a title ends with
    text = ("科技\n全年共承担省级以上各类科技计划99项,获得无偿扶持资金11248万元。\n"
            "新增高新技术企业30家。\n")
    meta = infer_metadata("t", text)
    assert (meta.title, meta.doc_type) == ("", "summary")


def test_an_action_plan_is_a_plan():
    meta = infer_metadata("a", "某县2024年科技创新赋能行动方案\n为贯彻落实,特制定本方案。\n"
                               "到2024年,新增高新技术企业30家。\n")
    assert (meta.title, meta.doc_type, meta.report_year) == ("某县2024年科技创新赋能行动方案", "plan", 2024)


@pytest.mark.parametrize("title", ["某县科技局关于科技创新三年行动方案实施情况的报告",
                                   "某县2023年科技创新行动方案落实情况"])
def test_a_report_on_carrying_out_an_action_plan_is_a_summary(title):
    assert infer_metadata("a", f"{title}\n全县新认定高新技术企业20家。\n").doc_type == "summary"


@pytest.mark.parametrize("date", ["2024年1月5日", "2024-01-05"])
def test_a_date_glued_to_the_title_keeps_the_title(date):
    meta = infer_metadata("d", f"某县科技局2023年工作总结{date}\n全县新认定高新技术企业20家。\n")
    assert meta.title == "某县科技局2023年工作总结"


def test_a_year_heading_with_the_city_in_it_and_a_disclosure_row_no_title():
    text = ("组配分类 | 工作计划与总结 | 发布机构 | 市科学技术局 |\n生成日期 | 2020-06-05 | 公开方式 | 主动公开 |\n"
            "今年以来,全市科技系统各项工作取得较好成效。\n一、2016年全市科技工作基本情况\n"
            "1-11月,我市实现高新技术产业产值710.95亿元,同比增长17.4%。\n")
    meta = infer_metadata("z", text)
    assert (meta.title, meta.report_year, meta.doc_type) == ("", 2016, "summary")


def test_the_past_year_on_a_dated_page_is_the_year_before():
    text = ("信息来源:某省科技厅 发布日期:2012-06-11 浏览量:4\n"
            "过去一年,全市新增9家国家级高新技术企业,使全市高新技术企业达42家。\n")
    assert infer_metadata("p", text).report_year == 2011


def test_the_past_year_on_a_page_about_this_year_is_no_last_year_news():
    text = ("某市科技局召开上半年工作推进会\n发布日期：2023-07-12\n过去一年，我市科技创新工作成效显著。"
            "今年上半年，全市新增高新技术企业200家。\n")
    assert infer_metadata("h", text).report_year == 2023


def test_a_line_running_a_date_into_a_sentence_is_no_title():
    meta = infer_metadata("s", "全面完成年度工作计划2023年12月底全市高新技术企业达到2000家。\n新增高企20家。\n")
    assert (meta.title, meta.doc_type) == ("", "summary")


def test_the_past_year_in_a_plan_or_beside_this_years_figures_is_no_last_year_news():
    plan = ("关于印发工作要点的通知\n2024年2月1日\n过去一年，全市科技创新工作取得明显成效。"
            "2024年全市科技工作的总体要求是：新增高新技术企业50家。\n")
    assert infer_metadata("p", plan).report_year == 2024


def test_a_source_line_with_a_date_dates_a_news_item():
    text = ("某市一季度高新技术产业产值增速明显\n"
            "稿源: 某市日报  | 2011-04-12 11:25:40\n\n"
            "某市新闻网讯 记者从市科技局获悉,今年第一季度,全市高新技术产业创产值60.65亿元,同比增长40.78%。\n")
    meta = infer_metadata("s", text)
    assert (meta.report_year, meta.period) == (2011, "M1-M3")


def test_a_part_year_span_dates_the_report_over_a_full_earlier_year_quoted_beside_it():
    text = ("摘要\n近年来,某市坚持以科技成果转化为主线。科技投入方面,2017年全社会研发投入43.6亿元,"
            "占GDP比重达2.51%。成果创造方面,2017年全市有效发明专利3643件;2018年1—9月,全市有效发明专利"
            "4396件,万人发明专利拥有量19.31件。\n")
    meta = infer_metadata("p", text)
    assert (meta.report_year, meta.period) == (2018, "Q1-Q3")


def test_a_news_item_on_a_meeting_pushing_the_years_goals_is_a_plan():
    text = ("某市召开科技创新重点工作推进会\n"
            "5月13日,某市召开全市科技创新重点工作推进会,确保高新技术企业增长数、全社会R&D投入两项重点指标圆满完成。\n"
            "2020年,全市R&D投入占GDP的比重达到2.2%。\n")
    assert infer_metadata("m", text).doc_type == "plan"



@pytest.mark.parametrize("title, body, doc_type, year", [
    # a meeting news item whose opening reports results is no plan
    ("市科技局召开全市科技创新工作推进会", "7月15日,市科技局召开全市科技创新工作推进会,要求各县区确保完成全年目标任务。"
     "会议通报,上半年全市技术合同成交额8亿元,增长12%。", "summary", None),
    # a part-year named as the base of a trend does not date the report
    ("市科技局2023年上半年科技工作综述", "今年上半年,全市技术合同成交额8亿元,同比增长12%,扭转了2022年上半年以来的下滑态势。",
     "summary", 2023),
])
def test_review_ten_metadata_findings(title, body, doc_type, year):
    meta = infer_metadata("r", title + "\n" + body)
    assert meta.doc_type == doc_type
    if year is not None:
        assert meta.report_year == year


def test_a_from_to_statement_with_another_rise_verb_dates_the_news_by_the_year_reached():
    text = ("某市技术合同成交额增速居全省第三\n时间:2021-06-07 08:28 作者: 点击:\n"
            "3月25日,我们从2021年全省技术市场统计分析会议上了解到,某市技术合同成交额增速居全省第三。"
            "全市技术合同成交额从2018年的33.7亿元跃升到2020年117.8亿元。\n")
    assert infer_metadata("f", text).report_year == 2020



def test_a_rank_that_rose_to_a_year_does_not_date_the_report():
    text = ("某区科技局工作总结\n全年新增高新技术企业25家,同比增长20%。全区科技进步综合排名由2018年的第9位"
            "跃升至2020年的第3位,2022年被评为全省科技创新先进区。\n")
    assert infer_metadata("k", text).report_year != 2020


@pytest.mark.parametrize("title", ["某市2021年科技工作意见", "关于2021年全市科技工作的意见",
                                   "某市人民政府办公室关于印发某市2021年科技工作意见的通知"])
def test_a_years_work_opinions_are_its_plan(title):
    meta = infer_metadata("o", f"{title}\n2021年,全市科技工作要以创新为引领。新增高新技术企业50家。\n")
    assert (meta.doc_type, meta.report_year) == ("plan", 2021)
    summary = infer_metadata("s", "某市科技局2020年工作总结\n认真办理代表提出的工作意见。全市新增高企50家。\n")
    assert summary.doc_type == "summary"


def test_a_report_on_meeting_performance_targets_is_a_summary():
    text = ("某市科学技术局\n关于2019年度绩效目标完成情况的自查报告\n发布时间:2020-07-13\n"
            "2019年,市科学技术局认真贯彻创新驱动发展战略。全年技术合同认定登记额3963.1万元。\n")
    meta = infer_metadata("p", text)
    assert (meta.doc_type, meta.report_year) == ("summary", 2019)
    assert infer_metadata("f", "某区科技局2020年部门整体支出绩效目标申报表\n").doc_type == "plan"


def test_a_document_a_news_item_says_was_issued_is_not_its_title():
    text = ("某某网讯 3月6日,市高新技术企业协会召开会员大会。\n2024年,全市新认定国家高新技术企业560家。\n"
            "会上,印发了《市高企协会2025年工作要点(征求意见稿)》。\n")
    meta = infer_metadata("q", text)
    assert (meta.title, meta.doc_type, meta.report_year) == ("", "summary", 2024)
    letter = "各有关单位:\n现将《某区2019年科技工作总结》印发给你们,请结合实际贯彻落实。\n"
    assert infer_metadata("l", letter).title == "某区2019年科技工作总结"


def test_a_day_first_date_line_dates_the_page():
    text = "28.12.2015  10:03\n今年,某某市共组织申报国家高新技术企业163家,全市国家高新技术企业总数达到385家。\n"
    assert infer_metadata("d", text).report_year == 2015
    # (a comparison year still sets a floor: 比2012年增长1倍 may be one year's doubling)
    assert infer_metadata("f", "某市科技局工作总结\n全市高新技术企业总数达到126家,比2012年增长1倍。").report_year == 2013


def test_a_part_year_news_item_on_this_year_takes_its_page_year():
    # 今年1至9月 on a page of 2017 is 2017's, whatever earlier years it cites ...
    text = ("北京日增科技企业217家\n\n21.11.2017  20:22\n\n记者从某某市科委获悉,今年1至9月,某某市日均新增217家"
            "科技型企业,全市技术合同成交额同比增长19.0%。2016年“科技三会”以来,某某市建设科技创新中心取得了显著成效。"
            "《某某区域科技创新评价报告2016-2017》显示,某某市综合科技创新水平位列首位。2016年,全市新增企业多家。\n")
    meta = infer_metadata("p", text)
    assert (meta.report_year, meta.period) == (2017, "Q1-Q3")
    # ... unless the text never names the page's year: a repost of an older item
    repost = ("某某面对面 2022-06-08\n2019年某某市在科技创新上有哪些重点工作开展和成效取得?2019年,全市科技工作稳步推进。\n"
              "今年1-6月:新增国家入库科技型中小企业2703家;技术合同登记成交额453.59亿元。\n")
    assert infer_metadata("r", repost).report_year == 2019


def test_a_cover_letter_below_a_disclosure_pages_rows_names_the_report():
    text = ("113302820029365B/2025-188639\n市科技局\n主动公开\n通知公告\n科技、教育/科技\n面向社会\n"
            "局机关各科室、局属单位:\n现将《某某市科学技术局2025年工作要点》印发给你们,请结合实际,认真贯彻落实。\n"
            "全年高新技术企业新增120家、总量超1120家。\n")
    meta = infer_metadata("c", text)
    assert (meta.report_year, meta.doc_type) == (2025, "plan")
    # a bulletin's news line about a report being issued is no cover letter
    news = ("某某科技信息\n第 一 期\n某某市科技局 2017年一月十八日\n早研究 早部署 早启动\n切实谋划好2017年科技创新工作\n"
            "思路清则方向明。\n2017年1月16日,《某某市科学技术局2016年工作总结暨2017年工作计划》印发实施,切实谋划好2017年工作。\n")
    assert infer_metadata("n", news).title == ""


def _rows(doc_id: str, text: str) -> tuple[tuple, list[tuple]]:
    from analysis.pipeline import process_document

    r = process_document(doc_id, text)
    meta = (r.meta.report_year, r.meta.doc_type)
    return meta, [(f.metric_id, f.value, f.year, f.kind) for f in r.figures if f.metric_id]


@pytest.mark.parametrize("opening", ["新的一年,我市将力争", "新一年,全市将确保", "明年,我县将力争"])
def test_a_summarys_new_year_goals_are_next_years_targets(opening):
    text = (f"某某市科技局2017年工作总结\n过去的一年,全市新认定高新技术企业85家,发明专利授权1200件,同比增长12%。"
            f"{opening}新增高新技术企业100家。\n")
    meta, rows = _rows("n", text)
    assert meta == (2017, "summary+plan")
    assert ("high_tech_enterprises_new", 85, 2017, "actual") in rows
    assert ("high_tech_enterprises_new", 100, 2018, "target") in rows


def test_a_conference_item_recalling_the_past_year_looks_back():
    # 会议指出,过去的一年 in an item on the year's conference: the year before, and 今年 the plan
    text = ("全市科技工作会议召开\n2018-01-05\n1月5日,全市科技工作会议召开。会议指出,过去的一年,全市新认定高新技术"
            "企业85家,发明专利授权1200件。会议要求,今年全市力争新增高新技术企业100家。\n")
    meta, rows = _rows("c", text)
    assert meta == (2017, "summary+plan")
    assert ("invention_patent_grants", 1200, 2017, "actual") in rows
    assert ("high_tech_enterprises_new", 100, 2018, "target") in rows


def test_years_that_are_no_time_of_the_text_are_not_cited():
    # a list's batch (2017年(第六批)) and a programme's start (从2017年实施为期3年的) are not the
    # year a half-year news item reports; the year of its own activity is
    text = ("本报讯 今年上半年,某某县新认定高企10家。某某县从2017年实施为期3年的制造业升级行动。"
            "全县开展2018年“两化融合”水平评估工作;某某公司入选市2017年(第六批)示范企业。\n")
    assert infer_metadata("b", text).report_year == 2018
    # the page's date line (2007年6月8日 收藏 打印) is when it appeared, not a year it reports
    page = ("浙江日报\n2007年6月8日 收藏 打印 推荐\n某某市\n某某市积极培育高新技术企业,至2006年底全市已有高新技术企业60家。"
            "2006年专利授权达561件。\n")
    assert infer_metadata("p", page).report_year == 2006
    # 到2025年底 in a plan is still its goal, no year reported
    plan = "某某县科技局2023年工作要点\n力争到2025年底全县高新技术企业达到100家。\n"
    assert infer_metadata("g", plan).report_year == 2023


def test_a_city_never_named_does_not_take_the_text_of_its_one_unit():
    # only 平湖市 named (twice), never its prefecture: the county-level city's, not 嘉兴市's
    from analysis.metadata import infer_region

    guess = infer_region("", "学院、行业、企业三头并进\n平湖市通过强化科技政策引导。平湖市已有高新技术企业60家。\n")
    assert (guess.region, guess.admin_level) == ("平湖市", "county_city")


def test_a_line_stating_a_figure_is_no_title():
    from analysis.metadata.title import extract_title

    # a yearbook entry's line that happens to end in 计划 states a figure, cut inside a quote
    assert extract_title(["对上争取 获得补助经费480万。", "创新培育 投入资金1500万元实施2018年度“科技助推新旧动能转换计划"]) == ""
    assert extract_title(["某某市科技局2018年工作计划", "一、总体要求"]) == "某某市科技局2018年工作计划"


def test_a_year_called_one_of_innovation_opens_no_plan():
    text = ("某某市科技局2019年工作总结\n2019年,全市新增科技型中小企业100家。2019年是全市科技创新的一年,要继续保持,"
            "全市新增科技型中小企业120家。\n")
    assert infer_metadata("i", text).doc_type == "summary"


def test_a_conferences_past_year_results_stay_actuals_of_that_year():
    # 过去的一年里, in an item whose 今年…将力争 makes it a plan: last year's results, not goals
    text = ("全市科技工作会议召开\n2019-01-08\n1月8日,全市科技工作会议召开。会议指出,过去的一年里,全市新认定高新技术企业85家。"
            "会议强调,今年全市将力争新增高新技术企业100家。\n")
    _, rows = _rows("p", text)
    assert rows == [("high_tech_enterprises_new", 85, 2018, "actual"), ("high_tech_enterprises_new", 100, 2019, "target")]


def test_a_late_summarys_past_year_is_its_own_and_a_conferences_plan_is_both():
    _, rows = _rows("l", "某某市科技局2019年工作总结\n过去的一年,全市新认定高新技术企业85家。\n")
    assert rows == [("high_tech_enterprises_new", 85, 2019, "actual")]
    meta, _ = _rows("c", "全市科技工作会议召开\n2019-01-08\n1月8日,全市科技工作会议召开。会议指出,去年,全市新认定高新技术企业"
                         "85家。会议强调,今年全市将力争新增高新技术企业100家。\n")
    assert meta == (2018, "summary+plan")
