"""Charts render Chinese with the bundled CJK font, carry units and sources, save atomically."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from notebook_fixtures import documents_frame, metrics_frame  # noqa: E402

from analysis import compare, plots  # noqa: E402

CJK_FAMILY = "Noto Sans CJK SC"


@pytest.fixture(autouse=True)
def _style():
    plots.set_style()
    yield
    plt.close("all")


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]


def _render_without_glyph_warnings(fig) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    missing = [str(w.message) for w in caught if "missing" in str(w.message).lower()]
    assert missing == []


def test_setup_uses_the_bundled_cjk_font():
    assert plots.setup_cjk_font() == CJK_FAMILY
    assert plt.rcParams["font.sans-serif"][0] == CJK_FAMILY
    assert plt.rcParams["axes.unicode_minus"] is False


def test_set_style_keeps_the_font_after_seaborn_theme():
    import seaborn as sns

    sns.set_theme()  # resets fonts …
    assert plots.set_style() == CJK_FAMILY  # … so set_style must apply the font after it
    assert plt.rcParams["font.sans-serif"][0] == CJK_FAMILY


def test_chinese_title_renders_with_cjk_font_and_no_missing_glyph():
    fig, ax = plt.subplots()
    title = ax.set_title("技术合同成交额（亿元）")
    _render_without_glyph_warnings(fig)
    used = font_manager.findfont(title.get_fontproperties(), fallback_to_default=False)
    assert font_manager.FontProperties(fname=used).get_name() == CJK_FAMILY


def test_missing_glyph_would_be_detected_without_cjk_font():
    """The check above is meaningful: DejaVu Sans alone does warn on Chinese."""
    with matplotlib.rc_context({"font.family": "DejaVu Sans"}):
        fig, ax = plt.subplots()
        ax.set_title("技术合同")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fig.canvas.draw()
    assert any("missing" in str(w.message).lower() for w in caught)


def _yoy() -> pd.DataFrame:
    return compare.yoy(metrics_frame(), documents_frame(), kind=None)


def test_yoy_chart_title_units_source_and_no_missing_glyph():
    fig = plots.yoy_chart(_yoy(), "rd_expenditure")
    _render_without_glyph_warnings(fig)
    texts = _texts(fig)
    assert "R&D经费支出：历年变化" in texts
    assert "R&D经费支出（亿元）" in texts
    assert "年份" in texts
    source = next(t for t in texts if t.startswith("来源"))
    assert "青岛市" in source and "x11_qingdao_2017" in source and "2016" in source
    ys = sorted(y for line in fig.axes[0].get_lines() for y in line.get_ydata())
    # Ningbo 2016 is implied by its 2017 figure and stated +12 %: 231.5 / 1.12 = 206.7
    assert [round(y, 1) for y in ys] == [206.7, 231.5, 263.7, 286.4]


def test_cross_city_chart_groups_by_admin_level_with_display_unit():
    long = compare.cross_city(metrics_frame(), documents_frame(), 2017, kind=None)
    fig = plots.cross_city_chart(long, "rd_expenditure")
    _render_without_glyph_warnings(fig)
    texts = _texts(fig)
    assert "R&D经费支出：地区对比（2017 全年）" in texts
    assert "R&D经费支出（亿元）" in texts
    assert "地级市" in texts  # the legend names the admin level
    widths = sorted(round(p.get_width(), 2) for p in fig.axes[0].patches if p.get_width())
    assert widths == [231.5, 286.4]


def test_targets_chart_bars_are_attainment_percent():
    tva = pd.DataFrame(
        {
            "region": ["胶州市", "青岛市"],
            "metric_name": ["技术合同成交额", "R&D经费占GDP比重"],
            "year": [2017, 2017],
            "attainment_pct": [80.0, 102.1],
            "target_doc": ["001_6f9d41c6c87e66bb", "x"],
        }
    )
    fig = plots.targets_chart(tva)
    _render_without_glyph_warnings(fig)
    assert sorted(p.get_width() for p in fig.axes[0].patches) == [80.0, 102.1]
    assert "完成率（%，实际值 ÷ 目标值）" in _texts(fig)


def test_a_national_corpus_chart_shows_both_ends_and_says_how_many():
    n = 3 * plots.MAX_BARS
    tva = pd.DataFrame(
        {
            "region": [f"地区{i}" for i in range(n)],
            "metric_name": ["技术合同成交额"] * n,
            "year": [2017] * n,
            "attainment_pct": [float(i) for i in range(n)],
        }
    )
    fig = plots.targets_chart(tva)
    widths = sorted(p.get_width() for p in fig.axes[0].patches)
    assert len(widths) == plots.MAX_BARS
    assert widths[0] == 0.0 and widths[-1] == float(n - 1)  # the lowest and the highest
    assert fig.get_size_inches()[1] < 0.5 * plots.MAX_BARS + 3
    assert any(f"共 {n} 个目标" in t for t in _texts(fig))
    plt.close(fig)


def test_empty_targets_chart_says_so():
    fig = plots.targets_chart(pd.DataFrame(columns=["region", "attainment_pct"]))
    assert "语料中没有可配对的目标与实际值" in _texts(fig)


def test_themes_chart_bars_follow_scores():
    top = pd.DataFrame(
        {
            "doc_id": ["d1", "d1", "d2"],
            "term": ["蓝色硅谷", "海洋科技", "甬江科创大走廊"],
            "score": [0.5, 0.3, 0.9],
            "rank": [1, 2, 1],
            "region": ["青岛市", "青岛市", "宁波市"],
        }
    )
    fig = plots.themes_chart(top, "d1")
    _render_without_glyph_warnings(fig)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["海洋科技", "蓝色硅谷"]  # ascending, so the top term is drawn on top
    assert "青岛市：特色主题词" in _texts(fig)


def test_save_figure_writes_png_and_svg_and_no_temp(tmp_path):
    fig = plots.yoy_chart(_yoy(), "rd_intensity")
    written = plots.save_figure(fig, "yoy__青岛市__rd_intensity", tmp_path)
    assert [p.name for p in written] == [
        "yoy__青岛市__rd_intensity.png",
        "yoy__青岛市__rd_intensity.svg",
    ]
    assert written[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in written[1].read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == [p.name for p in written]


def test_figure_name_removes_path_separators():
    name = plots.figure_name("yoy", "青岛/市", "a b")
    assert name.startswith("yoy__青岛_市~") and name.endswith("__a b")  # hash: no collisions
    assert name != plots.figure_name("yoy", "青岛:市", "a b")
    assert plots.figure_name("cross_city", 2017, "") == "cross_city__2017"


def test_yoy_table_scales_values_and_computes_change():
    table = plots.yoy_table(_yoy()[lambda d: d["metric_id"] == "rd_expenditure"])
    qingdao = table[table["报告"].str.contains("qingdao")]
    assert qingdao["数值"].tolist() == [263.7, 286.4]
    assert qingdao["单位"].tolist() == ["亿元", "亿元"]
    assert qingdao["计算同比(%)"].iloc[1] == 8.61


def test_corpus_summary_counts_figures_and_mapped_share():
    summary = plots.corpus_summary(metrics_frame(), documents_frame())
    row = summary.set_index("doc_id").loc["x11_qingdao_2017"]
    assert (row["figures"], row["mapped"], row["mapped_share"]) == (4, 3, 0.75)


def _series_frame(years, values, kinds=None, flags=None, period="FY"):
    n = len(years)
    return pd.DataFrame({
        "region": "甲市", "metric_id": "m", "metric_name": "众创空间", "unit": "家",
        "period_type": compare.period_type(period), "period": period, "year": years,
        "value": [float(v) for v in values], "kind": kinds or ["actual"] * n,
        "implied": False, "flag": flags or [""] * n, "doc_id": [f"d{y}" for y in years],
    })  # fmt: skip


def test_yoy_chart_leaves_a_gap_for_a_missing_year_and_sets_its_axes():
    fig = plots.yoy_chart(_series_frame([2014, 2015, 2017], [40, 44, 48]), "m")
    ax = fig.axes[0]
    segments = [list(map(int, line.get_xdata())) for line in ax.get_lines()]
    assert segments == [[2014, 2015], [2017]]  # no line from 2015 to 2017
    assert list(ax.get_xticks()) == [2014, 2015, 2017]
    assert ax.get_xlim() == (2013.5, 2017.5)  # no 1925–2125 axis
    assert "缺少年份处不连线" in "\n".join(_texts(fig))
    assert "注意：纵轴不从零开始" in "\n".join(_texts(fig))  # 40..48 would be flat from 0


def test_yoy_chart_starts_at_zero_when_the_range_is_wide_and_needs_two_years():
    fig = plots.yoy_chart(_series_frame([2015, 2016], [47, 9]), "m")
    assert fig.axes[0].get_ylim()[0] == 0
    one = plots.yoy_chart(_series_frame([2016], [9]), "m")
    assert "只有一年的数据，不画历年变化" in _texts(one)
    assert plots.chartable_series(_series_frame([2016], [9])) == []


def test_spans_get_their_own_chart():
    table = pd.concat([_series_frame([2014, 2015], [40, 44]),
                       _series_frame([2010, 2015], [100, 200], period="2011-2015")])  # fmt: skip
    assert plots.chartable_series(table) == [("m", "FY"), ("m", "span:5")]
    annual = plots.yoy_chart(table, "m", "FY")
    assert sorted(y for line in annual.axes[0].get_lines() for y in line.get_ydata()) == [40, 44]
    span = plots.yoy_chart(table, "m", "span:5")
    assert "众创空间：历年变化（5年合计）" in _texts(span)
    assert [list(map(int, ln.get_xdata())) for ln in span.axes[0].get_lines()] == [[2010, 2015]]
    ticks = [t.get_text() for t in span.axes[0].get_xticklabels()]
    assert ticks == ["2006—2010", "2011—2015"]


def test_flagged_points_are_ringed_and_explained_estimates_and_targets_marked():
    table = _series_frame([2015, 2016], [47, 9], kinds=["actual", "estimate"],
                          flags=["", "同比超出常见范围：两期数值计算的变化率-80.9%"])  # fmt: skip
    targets = _series_frame([2017], [60], kinds=["target"])
    fig = plots.yoy_chart(table, "m", targets=targets)
    _render_without_glyph_warnings(fig)
    texts = "\n".join(_texts(fig))
    assert "※甲市 2016：同比超出常见范围：两期数值计算的变化率-80.9%" in texts
    assert "需核对（见下注）" in texts and "预计数" in texts and "目标值" in texts
    assert list(fig.axes[0].get_xticks()) == [2015, 2016, 2017]


def test_cross_city_chart_marks_estimates_and_starts_at_zero():
    long = compare.cross_city(metrics_frame(), documents_frame(), 2017, kind=None)
    fig = plots.cross_city_chart(long, "rd_expenditure")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["青岛市", "宁波市（预计）"]
    assert fig.axes[0].get_xlim()[0] == 0
    hatched = [p.get_hatch() for p in fig.axes[0].patches if p.get_width()]
    assert sorted(map(str, hatched)) == ["//", "None"]
