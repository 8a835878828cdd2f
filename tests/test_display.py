"""Display vocabulary and number formats: the same figure and code look the same everywhere."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from notebook_fixtures import documents_frame, metrics_frame

from analysis import compare, display, labels


@pytest.mark.parametrize(
    ("field", "code", "label"),
    [
        ("kind", "actual", "实际"), ("kind", "estimate", "预计"), ("kind", "target", "目标"),
        ("admin_level", "prefecture", "地级市"), ("admin_level", "county_city", "县级市"),
        ("admin_level", "district", "市辖区"), ("admin_level", "county", "县"),
        ("period", "FY", "全年"), ("period", "H1", "上半年"), ("period", "M1-M5", "1—5月"),
        ("period", "2011-2015", "2011—2015年合计"), ("period", "span:5", "5年合计"),
        ("doc_type", "summary+plan", "总结与计划"), ("bool", True, "是"), ("bool", False, "否"),
        ("kind", "unheard_of", "unheard_of"), ("kind", None, ""), ("kind", float("nan"), ""),
    ],
)  # fmt: skip
def test_code_labels(field, code, label):
    assert labels.code_label(field, code) == label


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (720.0381679389, "亿元", "720.04"), (1153.66, "亿元", "1,153.66"), (5669.0, "件", "5,669"),
        (12.0, "家", "12"), (2.35, "%", "2.35"), (None, "亿元", ""), (float("nan"), "件", ""),
        (pd.NA, "件", ""), (3.2e9, "", "3,200,000,000"), (9808.48, "件", "9,808.48"),
    ],
)  # fmt: skip
def test_format_number(value, unit, text):
    assert labels.format_number(value, unit) == text


@given(st.floats(allow_nan=True, allow_infinity=True, width=64))
def test_formatted_numbers_never_show_nan_or_exponents(value):
    for text in (labels.format_number(value, "亿元"), labels.format_pct(value),
                 labels.plain_number(value) if value == value and abs(value) != float("inf") else ""):  # fmt: skip
        assert "nan" not in text.lower() and "e+" not in text and "e-" not in text
        assert "inf" not in text.lower()


def test_format_table_has_chinese_headers_labels_and_blanks():
    table = compare.yoy(metrics_frame(), documents_frame(), kind=None)
    shown = display.format_table(table, display.YOY_VIEW)
    assert list(shown.columns[:6]) == ["指标名称", "期间类型", "年度", "类型", "数值", "单位"]
    text = shown.to_string()
    for bad in ("NaN", "<NA>", "nan", "None", "True", "False", "actual", "estimate", "e+"):
        assert bad not in text
    rd = shown[(shown["指标名称"] == "R&D经费支出") & (shown["文档编号"] == "x11_qingdao_2017")]
    assert rd[["数值", "单位", "类型", "变化率(%)"]].values.tolist() == [
        ["286.40", "亿元", "实际", "8.61"]
    ]


def test_scale_table_never_leaves_money_in_yuan():
    df = pd.DataFrame({"metric_id": ["a", "b"], "value": [5000.0, 3.2e9], "unit": ["元", "元"],
                       "prev_value": [2500.0, 1.6e9]})  # fmt: skip
    out = display.scale_table(df)
    assert out["unit"].tolist() == ["万元", "亿元"]
    assert out["value"].tolist() == [0.5, 32.0] and out["prev_value"].tolist() == [0.25, 16.0]


def test_pivot_view_marks_estimates_and_has_no_missing_markers():
    long = compare.cross_city(metrics_frame(), documents_frame(), 2017, kind=None)
    view = display.pivot_view(long)
    row = view[view["指标"] == "R&D经费支出 (亿元)"].iloc[0]
    assert row["地级市·宁波市"] == "231.50（预计）" and row["地级市·青岛市"] == "286.40"
    assert "nan" not in view.to_string().lower()


def test_table_html_escapes_report_text():
    html = display.table(pd.DataFrame({"region": ["<b>x</b>"], "value": [1.0], "unit": ["件"]}))
    page = html._repr_html_()
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert '<td class="num">1</td>' in page
