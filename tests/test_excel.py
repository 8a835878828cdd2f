"""Tests for analysis.excel: the appendix read back gives the figures it was given."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from analysis import config, excel

FIXTURES = Path(__file__).parent / "fixtures"
METRIC_COLUMNS = [
    "doc_id", "region", "year", "period", "kind", "metric_id", "metric_name", "indicator",
    "value", "unit", "yoy_pct", "qualifier", "sentence", "char_start", "char_end", "raw",
]  # fmt: skip
# Real figures (gold annotations); the last rows carry hostile text for the escaping checks.
METRICS = [
    ("x02_ningbo_2014", "宁波市", 2014, "FY", "actual", "invention_patent_grants", "发明专利授权量", "发明专利授权量", 2832, "件", 26.1, "", "发明专利授权量达2832件", 10, 15, "2832件"),
    ("x03_ningbo_2015", "宁波市", 2015, "FY", "actual", "invention_patent_grants", "发明专利授权量", "发明专利授权", 5412, "件", 91.1, "", "=1+1", 20, 25, "5412件"),
    ("x03_ningbo_2015", "宁波市", 2015, "FY", "estimate", "rd_intensity", "R&D经费占GDP比重", "研发经费支出占生产总值的比重", 2.4, "%", None, "", "@SUM(A1:A2)", 30, 34, "2.4%"),
    ("x11_qingdao_2017", "青岛市", 2017, "FY", "actual", "tech_contract_turnover", "技术合同成交额", "技術合同交易額", 12666000000, "元", 21.65, "", "-5 \x07控制字符", 40, 49, "126.66億元"),
    ("x11_qingdao_2017", "青岛市", 2017, "FY", "actual", "tech_smes", "科技型中小企业", "科技型中小微企業", 10000, "家", None, ">", "#N/A", 50, 54, "1萬家"),
]  # fmt: skip
DOCUMENTS = pd.DataFrame(
    {
        "doc_id": ["x02_ningbo_2014", "x03_ningbo_2015", "x11_qingdao_2017"],
        "title": ["宁波市科技局2014年工作总结", "+宁波 2015", "青岛市2017年科技工作"],
        "region": ["宁波市", "宁波市", "青岛市"],
        "admin_level": ["prefecture"] * 3,
        "parent_city": ["宁波市", "宁波市", "青岛市"],
        "province": ["浙江省", "浙江省", "山东省"],
        "report_year": [2014, 2015, 2017],
        "period": ["FY"] * 3,
        "doc_type": ["summary"] * 3,
        "region_masked": [0] * 3,
    }
)


def write_processed(folder: Path, metrics: pd.DataFrame, documents: pd.DataFrame) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    metrics.to_parquet(folder / "metrics.parquet")
    documents.to_parquet(folder / "documents.parquet")
    return folder


@pytest.fixture
def metrics() -> pd.DataFrame:
    return pd.DataFrame(METRICS, columns=METRIC_COLUMNS)


@pytest.fixture
def appendix(tmp_path, metrics) -> Path:
    processed = write_processed(tmp_path / "processed", metrics, DOCUMENTS)
    return excel.write_appendix(processed, tmp_path / "out" / "appendix.xlsx")


def back_to_names(df: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    return df.rename(columns={excel.header_label(n): n for n in names})


def test_sheet_names_and_no_temp_left(appendix):
    assert load_workbook(appendix, read_only=True).sheetnames == list(excel.SHEETS)
    assert [p.name for p in appendix.parent.iterdir()] == ["appendix.xlsx"]


def test_metrics_read_back_with_pandas(appendix, metrics):
    got = back_to_names(
        pd.read_excel(appendix, sheet_name="指标", engine="openpyxl"), METRIC_COLUMNS
    )
    assert got.columns.tolist() == METRIC_COLUMNS
    assert got["value"].tolist() == [2832, 5412, 2.4, 126.66, 10000]  # money in 亿元
    assert got["unit"].tolist() == ["件", "件", "%", "亿元", "家"]
    assert got["kind"].tolist() == ["实际", "实际", "预计", "实际", "实际"]
    assert got["yoy_pct"].tolist()[:2] == [26.1, 91.1]
    assert got["doc_id"].tolist() == metrics["doc_id"].tolist()
    assert got["year"].tolist() == [2014, 2015, 2015, 2017, 2017]


def test_formula_like_text_stays_text(appendix):
    ws = load_workbook(appendix)["指标"]
    sentences = {
        ws.cell(row=r, column=13).value: ws.cell(row=r, column=13).data_type for r in range(2, 7)
    }
    assert sentences["=1+1"] == "s"
    assert sentences["@SUM(A1:A2)"] == "s"
    assert sentences["#N/A"] == "s"
    assert sentences["-5 控制字符"] == "s"  # control character dropped, not an error
    title = load_workbook(appendix)["文档"]["B3"]
    assert (title.value, title.data_type) == ("+宁波 2015", "s")


def test_header_style_freeze_filter_formats(appendix):
    ws = load_workbook(appendix)["指标"]
    header = ws["A1"]
    assert header.value == "文档编号"
    assert header.font.b is True
    assert header.fill.fgColor.rgb.endswith("DDEBF7")
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:P6"
    value_col, pct_col = 9, 11
    assert ws.cell(row=2, column=value_col).number_format == "#,##0"  # 件
    assert ws.cell(row=4, column=value_col).number_format == "0.00"  # %
    assert ws.cell(row=5, column=value_col).number_format == "#,##0.00"  # 126.66 亿元
    assert ws.cell(row=2, column=pct_col).number_format == "0.00"
    assert ws.cell(row=1, column=pct_col).value.endswith("(%)")


def test_column_widths_count_wide_characters(appendix):
    ws = load_workbook(appendix)["来源"]
    widths = {
        ws.cell(row=1, column=c).value: ws.column_dimensions[chr(64 + c)].width
        for c in range(1, 13)
    }
    assert widths["文档编号"] == excel.display_width("x11_qingdao_2017") + 2
    assert widths["原句"] == excel.display_width("发明专利授权量达2832件") + 2
    assert excel.display_width("青岛A") == 5


def test_yoy_and_notes_sheets(appendix):
    yoy = pd.read_excel(appendix, sheet_name="同比", engine="openpyxl")
    yoy = back_to_names(yoy, ["region", "year", "metric_id", "change_abs"])
    row = yoy[(yoy["region"] == "宁波市") & (yoy["year"] == 2015)]
    row = row[row["metric_id"] == "invention_patent_grants"]
    assert row["change_abs"].tolist() == [2580]
    notes = pd.read_excel(appendix, sheet_name="说明", engine="openpyxl", header=None)
    first_col = notes[0].astype(str).tolist()
    for sheet in excel.SHEETS:
        assert sheet in first_col
    assert "来源文档（3 份）" in first_col
    assert "x11_qingdao_2017" in first_col
    assert notes.iloc[2, 1] == excel._package_version()


def test_city_pivot_sheet_has_admin_level_row(appendix):
    ws = load_workbook(appendix)["城市对比"]
    assert [c.value for c in ws[1]][3:] == ["地级市", "地级市"]
    labels = [excel.header_label(n) for n in ("year", "period", "metric")]
    assert [c.value for c in ws[2]] == [*labels, "宁波市", "青岛市"]
    assert ws.freeze_panes == "D3"
    rows = {(r[0].value, r[2].value): r for r in ws.iter_rows(min_row=3)}
    assert [c.value for c in rows[(2017, "技术合同成交额 (亿元)")][3:]] == [None, 126.66]
    assert [c.value for c in rows[(2015, "R&D经费占GDP比重 (%)")]][1] == "全年"
    ningbo = rows[(2015, "R&D经费占GDP比重 (%)")][3]  # an estimate: still a number, marked
    assert ningbo.value == 2.4 and "（预计）" in ningbo.number_format


def _cells(appendix):
    wb = load_workbook(appendix)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                yield ws, cell


def test_no_unit_column_holds_bare_yuan(appendix):
    wb = load_workbook(appendix)
    checked = 0
    for ws in wb.worksheets:
        heads = {c.column: str(c.value) for c in ws[1] if c.value}
        unit_cols = [col for col, h in heads.items() if h.endswith("单位")]
        for col in unit_cols:
            values = [ws.cell(row=r, column=col).value for r in range(2, ws.max_row + 1)]
            assert "元" not in values, (ws.title, heads[col])
            checked += len(values)
    assert checked > 0


def test_codes_labels_no_hash_no_scientific_notation(appendix):
    import re

    codes = {"actual", "estimate", "target", "prefecture", "county_city", "district", "FY",
             "summary", "TRUE", "FALSE", "span:5", "summary+plan"}  # fmt: skip
    for ws, cell in _cells(appendix):
        assert cell.value not in codes, (ws.title, cell.coordinate, cell.value)
        assert cell.value is not True and cell.value is not False, (ws.title, cell.coordinate)
        assert cell.value not in ("SHA-256", "sha256"), ws.title
        if isinstance(cell.value, str):
            assert not re.search(r"\de[+-]\d", cell.value), (ws.title, cell.value)
        assert "E+" not in cell.number_format.upper(), (ws.title, cell.number_format)


def test_every_sheet_prints_landscape_one_page_wide_with_titles_and_footer(appendix):
    wb = load_workbook(appendix)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), ws.title
        assert ws.print_title_rows and ws.print_title_rows.startswith("$1:"), ws.title
        assert "&A" in ws.oddFooter.center.text and "&P" in ws.oddFooter.center.text
    assert load_workbook(appendix)["城市对比"].print_title_rows == "$1:$2"


def test_split_when_rows_exceed_limit(tmp_path, metrics, monkeypatch):
    monkeypatch.setattr(excel, "MAX_SHEET_ROWS", 3)  # header + 2 data rows per sheet
    processed = write_processed(tmp_path / "p", metrics, DOCUMENTS)
    path = excel.write_appendix(processed, tmp_path / "a.xlsx")
    names = load_workbook(path, read_only=True).sheetnames
    assert [n for n in names if n.startswith("指标")] == ["指标", "指标(2)", "指标(3)"]
    parts = [
        pd.read_excel(path, sheet_name=n, engine="openpyxl") for n in ["指标", "指标(2)", "指标(3)"]
    ]
    assert pd.concat(parts)["数值"].tolist() == [2832, 5412, 2.4, 126.66, 10000]
    notes = pd.read_excel(path, sheet_name="说明", engine="openpyxl", header=None)
    assert (
        notes[1]
        .astype(str)
        .str.contains("分为 3 个工作表：指标、指标(2)、指标(3)", regex=False)
        .any()
    )


def test_defaults_come_from_config(tmp_path, metrics, monkeypatch):
    processed = write_processed(tmp_path / "processed", metrics, DOCUMENTS)
    monkeypatch.setattr(config, "PROCESSED_DIR", processed)
    monkeypatch.setattr(config, "APPENDIX_PATH", tmp_path / "reports" / "appendix.xlsx")
    assert excel.write_appendix() == tmp_path / "reports" / "appendix.xlsx"


def test_missing_tables(tmp_path):
    with pytest.raises(FileNotFoundError, match="analysis extract"):
        excel.write_appendix(tmp_path / "none", tmp_path / "a.xlsx")
    assert not (tmp_path / "a.xlsx").exists()


def test_gold_metrics_read_back(tmp_path):
    """The appendix built from the gold metrics.csv holds the same figures."""
    gold = pd.read_csv(FIXTURES / "gold" / "metrics.csv", dtype={"doc_id": str, "period": str})
    docs = pd.read_csv(FIXTURES / "gold" / "documents.csv", dtype={"doc_id": str, "period": str})
    metrics = gold.rename(columns={"evidence": "sentence"}).assign(metric_name=gold["metric_id"])
    processed = tmp_path / "processed"
    processed.mkdir()
    metrics.to_csv(processed / "metrics.csv", index=False, encoding="utf-8-sig")
    docs.to_csv(processed / "documents.csv", index=False, encoding="utf-8-sig")
    path = excel.write_appendix(processed, tmp_path / "appendix.xlsx")
    names = ["doc_id", "metric_id", "value", "unit", "year", "period", "kind"]
    got = back_to_names(pd.read_excel(path, sheet_name="指标", engine="openpyxl"), names)[names]
    got["doc_id"] = got["doc_id"].astype(str)
    keys = ["doc_id", "metric_id", "year"]
    assert got[keys].values.tolist() == gold[keys].values.tolist()
    # Amounts come back in a readable unit: times its factor they are the stored figures.
    stored = {"亿元": ("元", 1e8), "万元": ("元", 1e4), "万平方米": ("平方米", 1e4),
              "万件": ("件", 1e4), "万项": ("项", 1e4), "万人": ("人", 1e4), "万人次": ("人次", 1e4)}  # fmt: skip
    base = [stored.get(u, (u, 1))[0] for u in got["unit"]]
    factor = [stored.get(u, (u, 1))[1] for u in got["unit"]]
    assert base == gold["unit"].tolist() and "元" not in set(got["unit"])
    assert (got["value"] * factor).tolist() == pytest.approx(gold["value"].tolist(), rel=1e-12)
    kinds = {"实际": "actual", "预计": "estimate", "目标": "target"}
    assert [kinds[k] for k in got["kind"]] == gold["kind"].tolist()
    source = back_to_names(pd.read_excel(path, sheet_name="来源", engine="openpyxl"), ["sentence"])
    assert source["sentence"].tolist() == gold["evidence"].tolist()
