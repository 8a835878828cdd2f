"""The pages at national scale (issue 15): which series a region's page draws, the small
multiples' honest-figure rules, and the overview's and cross-city page's summaries."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis import compare, plots  # noqa: E402


@pytest.fixture(autouse=True)
def _style():
    plots.set_style()
    yield
    plt.close("all")


def _series(metric_id: str, years: list[int], values: list[float], period: str = "FY",
            level: str = "", kinds: list[str] | None = None,
            implied: list[bool] | None = None, flags: list[str] | None = None) -> pd.DataFrame:
    n = len(years)
    return pd.DataFrame({
        "region": "甲市", "metric_id": metric_id, "metric_name": f"指标{metric_id}",
        "unit": "家", "level": level, "period_type": compare.period_type(period),
        "period": period, "year": years, "value": [float(v) for v in values],
        "kind": kinds or ["actual"] * n, "implied": implied or [False] * n,
        "flag": flags or [""] * n, "doc_id": [f"d{y}" for y in years],
    })  # fmt: skip


def test_the_page_draws_full_year_and_long_series_first_and_levels_apart():
    table = pd.concat([
        _series("maker_spaces", [2015, 2016], [40, 44], period="H1"),
        _series("maker_spaces", [2014, 2015, 2016], [1, 2, 3], level="national"),
        _series("maker_spaces", [2015, 2016], [10, 12]),
        _series("rd_expenditure", [2015, 2016], [5, 6]),
        _series("zz_unknown", [2013, 2014, 2015, 2016], [5, 6, 7, 8]),
        _series("tech_smes", [2016], [9]),  # one year: no series
    ])  # fmt: skip
    assert plots.ranked_series(table) == [
        ("zz_unknown", "", "FY"),  # most years first, whatever the indicator
        ("maker_spaces", "national", "FY"),
        ("rd_expenditure", "", "FY"),  # then the taxonomy's order
        ("maker_spaces", "", "FY"),
        ("maker_spaces", "", "H1"),  # a half year after every full-year series
    ]
    assert plots.series_titles(table, [("maker_spaces", "", "H1"), ("rd_expenditure", "", "FY")]
                               ) == ["指标maker_spaces（上半年）", "指标rd_expenditure"]
    national = plots.series_rows(table, "maker_spaces", "national")
    assert national["value"].tolist() == [1.0, 2.0, 3.0]


def test_small_multiples_one_panel_per_series_honest_and_without_targets():
    table = pd.concat([
        _series("a", [2014, 2015, 2017], [40, 44, 48], kinds=["actual", "estimate", "actual"],
                flags=["", "", "同比超出常见范围"]),
        _series("b", [2015, 2016], [10, 12], level="national", implied=[True, False]),
        _series("b", [2015, 2016], [100, 120]),
        _series("c", [2015, 2016], [3, 4], period="H1"),
    ])  # fmt: skip
    series = [("a", "", "FY"), ("b", "national", "FY"), ("c", "", "H1")]
    fig = plots.small_multiples(table, series)
    panels = [ax for ax in fig.axes if ax.axison]
    assert len(panels) == 3
    a, b, c = panels
    assert [list(map(int, ln.get_xdata())) for ln in a.get_lines()] == [[2014, 2015], [2017]]
    assert all(ax.get_ylim()[0] == 0 for ax in panels)  # from zero: 40..48 drawn as it is
    assert sorted(y for ln in b.get_lines() for y in ln.get_ydata()) == [10, 12]  # one level
    assert "（上半年）" in c.get_title()
    assert [len(ax.collections) for ax in panels] == [2, 1, 0]  # ▲ and ring; hollow; none
    texts = "\n".join(t.get_text() for t in fig.findobj(matplotlib.text.Text))
    assert "一览图不标目标值" in texts and "来源：" in texts
    assert not [ln for ax in panels for ln in ax.get_lines() if ln.get_marker() == "x"]


def test_overview_summaries_count_what_the_detail_tables_hold():
    summary = pd.DataFrame({
        "doc_id": ["a", "b", "c", "d"], "region": ["甲市", "甲市", "乙区", "丙市"],
        "admin_level": ["prefecture", "prefecture", "district", "prefecture"],
        "province": ["山东省", "山东省", "山东省", "浙江省"], "report_year": [2015, 2017, 2016, 2016],
        "figures": [10, 20, 5, 0], "mapped": [5, 5, 1, 0],
    })  # fmt: skip
    by_group = plots.summary_by_group(summary).fillna({"mapped_share": -1})  # -1: no figures
    assert by_group.to_dict("records") == [
        {"province": "山东省", "admin_level": "prefecture", "n_docs": 2, "years": "2015–2017",
         "figures": 30, "mapped": 10, "mapped_share": 0.333},
        {"province": "山东省", "admin_level": "district", "n_docs": 1, "years": "2016",
         "figures": 5, "mapped": 1, "mapped_share": 0.2},
        {"province": "浙江省", "admin_level": "prefecture", "n_docs": 1, "years": "2016",
         "figures": 0, "mapped": 0, "mapped_share": -1},
    ]  # fmt: skip
    assert plots.short_names("、".join(f"地{i}" for i in range(12)), limit=3) == "地0、地1、地2 等 12 个"
    assert plots.short_names("甲、乙") == "甲、乙"
    tva = pd.DataFrame({"metric_id": "m", "metric_name": "指标", "unit": "家", "year": 2020,
                        "target_value": [10.0, 10.0, 10.0],
                        "actual_value": [12.0, 8.0, np.nan],
                        "met": pd.array([True, False, pd.NA], dtype="boolean"),
                        "attainment_pct": [120.0, 80.0, np.nan]})
    assert plots.targets_summary(tva).to_dict("records") == [
        {"metric_name": "指标", "unit": "家", "year": 2020, "n_targets": 3, "n_with_actual": 2,
         "n_met": 1, "median_attainment_pct": 100.0}]


def test_comparables_by_year_and_the_cross_city_summary():
    comp = pd.DataFrame({"metric_id": ["rd_expenditure", "rd_expenditure", "maker_spaces"],
                         "unit": ["元", "元", "家"], "level": ["", "", "national"],
                         "year": [2016, 2017, 2017], "period": ["FY", "FY", "H1"],
                         "n_regions": [3, 5, 2]})
    table = plots.comparable_by_year(comp)
    assert table.columns.tolist() == ["指标（单位，期间）", "2016", "2017"]
    assert table.iloc[0].tolist() == ["R&D经费支出（元）", "3", "5"]
    assert table.iloc[1].tolist() == ["众创空间（国家级）（家，上半年）", "", "2"]
    long = pd.DataFrame({"region": ["甲市", "乙市", "丙市", "丁区"], "metric_id": "m",
                         "metric_name": "指标", "unit": "家", "level": "", "period": "FY",
                         "admin_level": ["prefecture", "prefecture", "prefecture", "district"],
                         "display_value": [3.0, 9.0, 6.0, 100.0], "display_unit": "家"})
    rows = plots.cross_summary(long).to_dict("records")
    assert [(r["admin_level"], r["n_regions"], r["median"], r["highest"], r["lowest"])
            for r in rows] == [("prefecture", 3, 6.0, "乙市 9", "甲市 3"),
                               ("district", 1, 100.0, "丁区 100", "丁区 100")]  # fmt: skip


def test_the_handout_page_has_nbconverts_alt_texts_and_tab_stops_without_its_parse(tmp_path):
    """The page writer skips nbconvert's BeautifulSoup pass and makes its two changes on
    the text: every image gets an alt text, inputs' wrappers and outputs a tab stop."""
    import base64

    import nbformat
    from nbconvert import HTMLExporter

    from analysis import batch

    png = base64.b64encode(bytes.fromhex("89504e470d0a1a0a")).decode()
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# 标题"),
        nbformat.v4.new_code_cell("x", outputs=[
            nbformat.v4.new_output("display_data", data={"image/png": png}),
            nbformat.v4.new_output("display_data", data={"text/html": "<b>表</b>"})]),
    ])  # fmt: skip
    options = {"exclude_input": True, "exclude_input_prompt": True, "exclude_output_prompt": True}
    theirs = HTMLExporter(**options).from_notebook_node(nb)[0]
    batch._write_html(nb, tmp_path / "page.html")
    ours = (tmp_path / "page.html").read_text(encoding="utf-8")
    assert ours.count(f'alt="{batch.CHART_ALT}"') == theirs.count("<img") == 1
    assert ours.count('tabindex="0"') == theirs.count('tabindex="0"') == 3
    assert "<b>表</b>" in ours and "x\n" not in ours.split("<body")[1]
