"""Indicator tables read by column: the head gives year, kind and period, the unit column or
the name's bracket the unit, a growth column the yoy (made-up tables)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as hs

from analysis.extract import extract_figures
from analysis.ingest import read_document
from analysis.models import DocMeta
from analysis.pipeline import process_document

PLAN = DocMeta("t", region="某市", report_year=2023, period="FY", doc_type="plan")


def rows(text: str, meta: DocMeta = PLAN) -> list[tuple]:
    return [(f.metric_id, f.value, f.unit, f.yoy_pct, f.year, f.period, f.kind)
            for f in extract_figures("t", text, meta) if f.metric_id]


def test_a_plan_table_gives_last_years_actuals_and_this_years_targets():
    text = ("一、主要指标\n"
            "指标\t单位\t2022年完成\t2023年目标\t同比增长\n"
            "高新技术企业数\t家\t120\t150\t25%\n"
            "全社会研发投入占GDP比重\t%\t2.1\t2.3\n"
            "技术合同成交额\t亿元\t12.5\t15\t20\n")
    assert rows(text) == [
        ("high_tech_enterprises_total", 120, "家", None, 2022, "FY", "actual"),
        ("high_tech_enterprises_total", 150, "家", 25, 2023, "FY", "target"),
        ("rd_intensity", 2.1, "%", None, 2022, "FY", "actual"),
        ("rd_intensity", 2.3, "%", None, 2023, "FY", "target"),
        ("tech_contract_turnover", 1.25e9, "元", None, 2022, "FY", "actual"),
        ("tech_contract_turnover", 1.5e9, "元", 20, 2023, "FY", "target"),
    ]


def test_units_in_brackets_a_serial_column_and_a_forecast_column():
    text = ("序号 指标名称 2022年预计 2023年目标\n"
            "1 有效发明专利(件) 3000 3500\n"
            "2 科技型中小企业（家） 800 900\n")
    assert rows(text) == [
        ("valid_invention_patents", 3000, "件", None, 2022, "FY", "estimate"),
        ("valid_invention_patents", 3500, "件", None, 2023, "FY", "target"),
        ("tech_smes", 800, "家", None, 2022, "FY", "estimate"),
        ("tech_smes", 900, "家", None, 2023, "FY", "target"),
    ]


def test_a_year_column_without_a_kind_word_follows_the_report():
    text = "指标 单位 2021年 2022年\n新增高新技术企业 家 40 55\n"
    summary = DocMeta("t", region="某市", report_year=2022, period="FY", doc_type="summary")
    assert rows(text, summary) == [
        ("high_tech_enterprises_new", 40, "家", None, 2021, "FY", "actual"),
        ("high_tech_enterprises_new", 55, "家", None, 2022, "FY", "actual"),
    ]
    assert [r[6] for r in rows(text, DocMeta("t", report_year=2021, doc_type="plan"))] == [
        "target", "target"]  # a plan for 2021: both years are ahead or now


def test_table_figures_say_where_they_come_from():
    got = [f for f in extract_figures("t", "指标 单位 2023年目标\n技术合同成交额 亿元 15\n", PLAN)]
    assert [(f.raw, f.sentence, f.flags) for f in got] == [
        ("15", "技术合同成交额 亿元 15", ("table_cell",))]
    assert got[0].note.startswith("read from a table")


def test_lines_that_are_no_indicator_table_are_left_to_the_sentence_reader():
    got = extract_figures("t", "新增高新技术企业 45家 技术合同成交额 12亿元。", PLAN)
    assert [(f.value, f.flags) for f in got] == [(45, ()), (1.2e9, ())]
    # no column of names: a list of years is no table head
    assert rows("2021年 2022年 2023年\n高新技术企业 100 120\n") == []


def test_an_html_tables_empty_cell_keeps_its_place_so_the_next_value_stays_under_its_head(
        tmp_path: Path):
    page = """<html><head><title>某市科技局2023年工作要点</title></head><body><div>
    <p>一、主要目标。全市科技工作要以创新驱动为引领，推动高质量发展，主要指标如下表，各单位要抓好落实。</p>
    <table><tr><th>指标</th><th>单位</th><th>2022年完成</th><th>2023年目标</th><th>增长</th></tr>
    <tr><td>高新技术 企业数</td><td>家</td><td></td><td>150</td><td>25%</td></tr>
    <tr><td>技术合同成交额</td><td>亿元</td><td>12.5</td><td>15</td><td></td></tr>
    <tr><td>发明专利授权量</td><td>件</td><td>800</td><td></td><td></td></tr></table>
    <p>二、重点任务。加快建设创新平台，强化企业创新主体地位，持续优化创新生态。</p></div></body></html>"""
    (tmp_path / "p.html").write_text(page, encoding="utf-8")
    lines = read_document(tmp_path / "p.html", tmp_path).text.split("\n")
    assert "高新技术企业数\t家\t—\t150\t25%" in lines
    assert "发明专利授权量\t件\t800\t—\t—" in lines
    r = process_document("p", "\n".join(lines))
    assert [(f.metric_id, f.value, f.yoy_pct, f.year, f.kind) for f in r.figures] == [
        ("high_tech_enterprises_total", 150, 25, 2023, "target"),
        ("tech_contract_turnover", 1.25e9, None, 2022, "actual"),
        ("tech_contract_turnover", 1.5e9, None, 2023, "target"),
        ("invention_patent_grants", 800, None, 2022, "actual"),
    ]  # the growth cell is the yoy of the figure before it, not a figure of its own


def test_a_docx_row_with_an_empty_middle_cell_reads_the_filled_one_under_its_head(tmp_path: Path):
    import docx

    document = docx.Document()
    document.add_paragraph("某县科技局2023年工作要点")
    table = document.add_table(rows=2, cols=4)
    for i, text in enumerate(("指标", "单位", "2022年完成", "2023年目标")):
        table.cell(0, i).text = text
    for i, text in enumerate(("有效发明专利", "件", "", "900")):
        table.cell(1, i).text = text
    document.save(str(tmp_path / "d.docx"))
    raw = read_document(tmp_path / "d.docx", tmp_path)
    assert "有效发明专利\t件\t—\t900" in raw.text.split("\n")
    r = process_document("d", raw.text)
    assert [(f.metric_id, f.value, f.year, f.kind) for f in r.figures if f.metric_id] == [
        ("valid_invention_patents", 900, 2023, "target")]


def test_a_text_tables_dash_or_none_cell_is_an_empty_column():
    text = ("指标 单位 2022年完成 2023年目标\n"
            "高新技术企业数 家 / 150\n"
            "技术合同成交额 亿元 12.5 无\n"
            "有效发明专利 件 — —\n")
    assert rows(text) == [
        ("high_tech_enterprises_total", 150, "家", None, 2023, "FY", "target"),
        ("tech_contract_turnover", 1.25e9, "元", None, 2022, "FY", "actual"),
    ]


def test_a_short_text_row_with_a_dash_is_read_but_one_without_it_is_not():
    text = ("指标 单位 2022年完成 2023年目标 备注\n"
            "高新技术企业数 家 — 150\n"
            "技术合同成交额 亿元 15\n")
    assert rows(text) == [("high_tech_enterprises_total", 150, "家", None, 2023, "FY", "target")]


@settings(max_examples=60, deadline=None)
@given(hs.lists(hs.integers(1, 99_999), min_size=2, max_size=2),
       hs.integers(2015, 2024), hs.sampled_from(["\t", " ", "\u3000", "  "]))
def test_any_values_come_back_under_their_columns(values, year, gap):
    head = gap.join(["指标", "单位", f"{year - 1}年完成", f"{year}年目标"])
    row = gap.join(["有效发明专利", "件", *map(str, values)])
    meta = DocMeta("t", region="某市", report_year=year, doc_type="plan")
    assert rows(f"{head}\n{row}\n", meta) == [
        ("valid_invention_patents", values[0], "件", None, year - 1, "FY", "actual"),
        ("valid_invention_patents", values[1], "件", None, year, "FY", "target"),
    ]


TASKS = ("<table><tr><td>序号</td><td>任务目标</td><td>进展情况</td></tr>"
         "<tr><td>1</td><td>新增高新技术企业25家以上，申请发明专利160件以上。</td>"
         "<td>一季度新增高新技术企业8家，申请发明专利52件。</td></tr>"
         "<tr><td>2</td><td>技术合同成交额达到10亿元。</td><td>一季度技术合同成交额2.1亿元。</td></tr>"
         "</table>")


def _page(table: str) -> str:
    return (f"<html><head><title>某县科技局2022年重点任务进展情况</title></head><body><div>"
            f"<p>某县科技局2022年重点任务进展情况一览表</p>{table}</div></body></html>")


def test_a_task_tables_goal_column_holds_targets_and_the_rest_results(tmp_path: Path):
    (tmp_path / "t.html").write_text(_page(TASKS), encoding="utf-8")
    raw = read_document(tmp_path / "t.html", tmp_path)
    assert raw.text.split("\n")[2:5] == [
        "序号\t任务目标\t进展情况", "1\t新增高新技术企业25家以上，申请发明专利160件以上。",
        "一季度新增高新技术企业8家，申请发明专利52件。"]
    r = process_document("t", raw.text)
    assert [(f.metric_id, f.value, f.period, f.kind) for f in r.figures if f.metric_id] == [
        ("high_tech_enterprises_new", 25, "FY", "target"),
        ("invention_patent_applications", 160, "FY", "target"),
        ("high_tech_enterprises_new", 8, "M1-M3", "actual"),
        ("invention_patent_applications", 52, "M1-M3", "actual"),
        ("tech_contract_turnover", 1e9, "FY", "target"),
        ("tech_contract_turnover", 2.1e8, "M1-M3", "actual"),
    ]


def test_a_docx_task_table_reads_the_same(tmp_path: Path):
    import docx

    document = docx.Document()
    document.add_paragraph("某县科技局2022年重点任务进展情况")
    rows = [("序号", "任务目标", "完成情况"), ("1", "新增高新技术企业25家。", "全年新增高新技术企业31家。")]
    table = document.add_table(rows=2, cols=3)
    for r, cells in enumerate(rows):
        for k, text in enumerate(cells):
            table.cell(r, k).text = text
    document.save(str(tmp_path / "t.docx"))
    r = process_document("t", read_document(tmp_path / "t.docx", tmp_path).text)
    assert [(f.value, f.kind) for f in r.figures if f.metric_id] == [(25, "target"), (31, "actual")]


def test_a_table_of_sentences_without_numbered_rows_stays_a_cell_a_line(tmp_path: Path):
    table = ("<table><tr><td>工作任务</td><td>目标</td></tr>"
             "<tr><td>培育科技企业，壮大创新主体。</td><td>新增高新技术企业25家。</td></tr></table>")
    (tmp_path / "u.html").write_text(_page(table), encoding="utf-8")
    lines = read_document(tmp_path / "u.html", tmp_path).text.split("\n")
    assert "新增高新技术企业25家。" in lines and "工作任务" in lines


SUMMARY = DocMeta("t", region="某市", report_year=2023, period="FY", doc_type="summary")


def _all(text: str, meta: DocMeta = PLAN) -> list[tuple]:
    return [(f.metric_id, f.value, f.yoy_pct, f.year, f.period, f.kind, f.qualifier)
            for f in extract_figures("t", text, meta)]


def test_columns_of_other_measures_are_not_read():
    # 完成率, a province's average, a rank, an average growth, a change in points
    text = ("指标\t单位\t2022年完成\t2023年目标\t完成率\t全省平均\t全省排名\n"
            "研发投入强度\t%\t2.1\t2.3\t95%\t2.0\t5\n")
    assert _all(text) == [("rd_intensity", 2.1, None, 2022, "FY", "actual", ""),
                          ("rd_intensity", 2.3, None, 2023, "FY", "target", "")]
    text = "指标名称\t单位\t2025年目标\t“十四五”年均增长(%)\n研发经费投入\t亿元\t50\t12\n"
    assert _all(text) == [("rd_expenditure", 5e9, None, 2025, "FY", "target", "")]
    text = "指标\t单位\t2022年\t2023年\t增减(百分点)\n研发投入强度\t%\t2.1\t2.3\t0.2\n"
    assert [r[2] for r in _all(text, SUMMARY)] == [None, None]


def test_a_column_head_gives_its_period_span_and_year():
    text = ("指标 单位 2023年1-6月 2023年前三季度 “十四五”目标 2021-2023年累计 上年完成\n"
            "新认定高新技术企业 家 10 20 400 300 50\n")
    assert [(r[3], r[4], r[5]) for r in _all(text)] == [
        (2023, "H1", "target"), (2023, "Q1-Q3", "target"), (2025, "FY", "target"),
        (2023, "2021-2023", "target"), (2022, "FY", "actual")]


def test_cells_with_a_qualifier_keep_it():
    text = ("指标 单位 2022年完成 2023年目标\n高新技术企业 家 120 ≥150\n"
            "技术合同成交额 亿元 约12 15以上\n研发投入强度 % 2.1 2.3左右\n")
    assert [(r[1], r[6]) for r in _all(text)] == [
        (120, ""), (150, ">"), (1.2e9, "~"), (1.5e9, ">"), (2.1, ""), (2.3, "~")]


def test_figures_in_a_rows_note_column_are_kept():
    got = _all("指标\t单位\t2023年目标\t备注\n高新技术企业\t家\t500\t新认定100家\n")
    assert [(r[0], r[1]) for r in got] == [("high_tech_enterprises_total", 500),
                                           ("high_tech_enterprises_new", 100)]


def test_a_split_name_a_short_row_and_a_spanning_category_do_not_end_the_table():
    text = ("指标 单位 2022年完成 2023年目标\nR&D 经费投入 亿元 12 15\n技术合同成交额 亿元 12\n"
            "高新技术企业 家 120 150\n")
    assert [(r[0], r[1]) for r in _all(text)] == [
        ("rd_expenditure", 1.2e9), ("rd_expenditure", 1.5e9),
        ("high_tech_enterprises_total", 120), ("high_tech_enterprises_total", 150)]
    text = ("类别\t指标\t单位\t2022年完成\t2023年目标\n创新主体\t高新技术企业\t家\t300\t360\n"
            "科技型中小企业\t家\t800\t900\n")
    assert [r[1] for r in _all(text)] == [300, 360, 800, 900]


def test_per_10k_patents_and_sub_rows_in_tables():
    text = "指标\t单位\t2022年\t2023年\n每万人发明专利拥有量\t件\t12.5\t15\n"
    assert [(r[0], r[1]) for r in _all(text, SUMMARY)] == [
        ("invention_patents_per_10k", 12.5), ("invention_patents_per_10k", 15)]
    text = ("指标\t单位\t2022年\t2023年\t增长\n专利授权量\t件\t5000\t6000\t20\n"
            "其中：发明专利\t件\t800\t1000\t25\n高新技术企业\t家\t300\t360\n其中：新认定\t家\t80\t100\n")
    assert [(r[0], r[1], r[2]) for r in _all(text, SUMMARY)] == [
        ("patent_grants", 5000, None), ("patent_grants", 6000, 20),
        ("invention_patent_grants", 800, None), ("invention_patent_grants", 1000, 25),
        ("high_tech_enterprises_total", 300, None), ("high_tech_enterprises_total", 360, None),
        ("high_tech_enterprises_new", 80, None), ("high_tech_enterprises_new", 100, None)]


def test_a_table_captioned_for_a_part_of_the_region_is_that_parts():
    text = ("附表2：县高新区主要指标完成情况\n指标\t单位\t2023年完成\n高新技术企业\t家\t80\n"
            "技术合同成交额\t亿元\t2\n")
    got = extract_figures("t", text, SUMMARY)
    assert [(f.metric_id, f.value, f.flags) for f in got] == [
        ("", 80, ("table_cell", "subunit")), ("", 2e8, ("table_cell", "subunit"))]


def test_bare_years_head_columns():
    assert [(r[1], r[3]) for r in _all("指标 单位 2022 2023\n高新技术企业 家 120 150\n", SUMMARY)] == [
        (120, 2022), (150, 2023)]


def test_a_disclosure_box_stays_a_cell_a_line(tmp_path: Path):
    page = ("<html><head><title>信息公开</title></head><body><div><table>"
            "<tr><td>索引号</td><td>11330100/2024-001</td><td>发布机构</td><td>永新县科技局</td></tr>"
            "<tr><td>标题</td><td>永新县科技局2023年工作总结</td><td>发布日期</td><td>2024-01-05</td></tr>"
            "</table><p>2023年，我县科技工作在县委县政府的坚强领导下，坚持创新驱动发展战略，取得了明显成效。"
            "全县新认定高新技术企业25家，高新技术企业总数达到120家。</p></div></body></html>")
    (tmp_path / "i.html").write_text(page, encoding="utf-8")
    raw = read_document(tmp_path / "i.html", tmp_path)
    assert "永新县科技局" in raw.text.split("\n")
    assert process_document("i", raw.text).meta.region == "永新县"


def test_an_empty_cells_mark_is_no_phrase_for_the_sentence_reader(tmp_path: Path):
    import docx

    document = docx.Document()
    document.add_paragraph("某市科技局2023年工作总结")
    table = document.add_table(rows=3, cols=4)
    for r, cells in enumerate((("项目", "一季度", "二季度", "三季度"),
                               ("技术合同成交额", "8亿元", "", "15亿元"),
                               ("新认定高新技术企业", "10家", "", "25家"))):
        for k, text in enumerate(cells):
            table.cell(r, k).text = text
    document.save(str(tmp_path / "e.docx"))
    r = process_document("e", read_document(tmp_path / "e.docx", tmp_path).text)
    assert [(f.metric_id, f.value, f.value_high) for f in r.figures] == [
        ("tech_contract_turnover", 8e8, None), ("tech_contract_turnover", 1.5e9, None),
        ("high_tech_enterprises_new", 10, None), ("high_tech_enterprises_new", 25, None)]


def test_a_row_whose_trailing_note_is_empty_is_read(tmp_path: Path):
    page = _page("<table><tr><th>指标名称</th><th>单位</th><th>2022年完成</th><th>2023年完成</th><th>备注</th></tr>"
                 "<tr><td>高新技术企业数</td><td>家</td><td>120</td><td>150</td><td></td></tr>"
                 "<tr><td>技术合同成交额</td><td>亿元</td><td>10</td><td>12</td><td>统计口径</td></tr></table>")
    (tmp_path / "n.html").write_text(page, encoding="utf-8")
    r = process_document("n", read_document(tmp_path / "n.html", tmp_path).text)
    assert [(f.metric_id, f.value, f.year) for f in r.figures if f.metric_id] == [
        ("high_tech_enterprises_total", 120, 2022), ("high_tech_enterprises_total", 150, 2023),
        ("tech_contract_turnover", 1e9, 2022), ("tech_contract_turnover", 1.2e9, 2023)]


def test_a_spanning_category_and_an_empty_note_together():
    text = ("类别\t指标\t单位\t2022年完成\t2023年目标\t备注\n创新主体\t高新技术企业\t家\t300\t360\n"
            "科技型中小企业\t家\t800\t900\n创新投入\t研发投入强度\t%\t2.1\t2.3\t口径\n")
    assert [(r[0], r[1]) for r in _all(text)] == [
        ("high_tech_enterprises_total", 300), ("high_tech_enterprises_total", 360),
        ("tech_smes", 800), ("tech_smes", 900), ("rd_intensity", 2.1), ("rd_intensity", 2.3)]
    # a value missing in the middle cannot be placed: the row is not read under wrong heads
    got = _all("指标\t单位\t2022年完成\t2023年目标\t同比\n高新技术企业\t家\t150\t25%\n")
    assert [r for r in got if r[0]] == []
