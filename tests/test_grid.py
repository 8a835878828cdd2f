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


def test_an_html_table_keeps_its_columns(tmp_path: Path):
    page = """<html><head><title>某市科技局2023年工作要点</title></head><body><div>
    <p>一、主要目标。全市科技工作要以创新驱动为引领，推动高质量发展，主要指标如下表，各单位要抓好落实。</p>
    <table><tr><th>指标</th><th>单位</th><th>2022年完成</th><th>2023年目标</th></tr>
    <tr><td>高新技术 企业数</td><td>家</td><td></td><td>150</td></tr>
    <tr><td>技术合同成交额</td><td>亿元</td><td>12.5</td><td>15</td></tr></table>
    <p>二、重点任务。加快建设创新平台，强化企业创新主体地位，持续优化创新生态。</p></div></body></html>"""
    (tmp_path / "p.html").write_text(page, encoding="utf-8")
    raw = read_document(tmp_path / "p.html", tmp_path)
    assert "高新技术企业数\t家\t—\t150" in raw.text.split("\n")  # an empty cell keeps its place
    r = process_document("p", raw.text)
    got = {(f.metric_id, f.value, f.year, f.kind) for f in r.figures if f.metric_id}
    assert got == {("high_tech_enterprises_total", 150, 2023, "target"),
                   ("tech_contract_turnover", 1.25e9, 2022, "actual"),
                   ("tech_contract_turnover", 1.5e9, 2023, "target")}


def test_a_docx_table_with_an_empty_cell_keeps_its_columns(tmp_path: Path):
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
    r = process_document("d", raw.text)
    assert [(f.metric_id, f.value, f.year, f.kind) for f in r.figures if f.metric_id] == [
        ("valid_invention_patents", 900, 2023, "target")]


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
