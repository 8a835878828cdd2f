"""Charts of the comparison tables, with Chinese text that renders on a fresh, offline machine.

Why a bundled font: matplotlib's default DejaVu Sans has no CJK glyphs, so Chinese
titles come out as boxes with a 'Glyph … missing' warning. The ``mplfonts``
dependency ships Noto Sans CJK SC inside its wheel, so registering that file works
without internet or system packages; installed system CJK fonts are the fallback.

Every chart returns a matplotlib Figure (the caller saves or shows it) and carries a
title, axis labels with units and a source line naming the reports it was drawn from.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterable
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from analysis import config
from analysis.labels import code_label
from analysis.safeio import atomic_path, safe_filename
from analysis.text import lexicon

BUNDLED_FONT_FILES = ("NotoSansCJKsc-Regular.otf", "SourceHanSansSC-Regular.otf")
SYSTEM_CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
)
ADMIN_LEVELS = lexicon.codes("admin_level")
ADMIN_LEVEL_LABELS = {lvl: code_label("admin_level", lvl) for lvl in ADMIN_LEVELS}
SAVE_FORMATS = ("png", "svg")
STEM_MAX_BYTES = 200  # a chart or notebook stem plus its suffix stays under NAME_MAX
SOURCE_MAX_CHARS = 160


class FontSetupError(RuntimeError):
    """No font with Chinese glyphs could be found."""


def _bundled_font() -> Path | None:
    """Path of a CJK font file shipped by the ``mplfonts`` package, found without importing it."""
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        for name in BUNDLED_FONT_FILES:
            candidate = Path(location) / "fonts" / name
            if candidate.is_file():
                return candidate
    return None


def _system_font() -> str | None:
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((name for name in SYSTEM_CJK_FONTS if name in installed), None)


def setup_cjk_font() -> str:
    """Make matplotlib draw Chinese: register a CJK font and put it first; return its family name.

    Raises FontSetupError naming what to install when neither the bundled font
    nor a system CJK font is available.
    """
    path = _bundled_font()
    if path is not None:
        font_manager.fontManager.addfont(str(path))
        name = font_manager.FontProperties(fname=str(path)).get_name()
    else:
        name = _system_font()
    if name is None:
        raise FontSetupError(
            "no CJK font found: install the Python package 'mplfonts' "
            "(pip install mplfonts) or a system font such as fonts-noto-cjk "
            "(apt-get install fonts-noto-cjk) or fonts-wqy-microhei"
        )
    rest = [f for f in plt.rcParams["font.sans-serif"] if f != name]
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["font.sans-serif"] = [name, *rest]
    plt.rcParams["axes.unicode_minus"] = False  # the U+2212 minus is missing from many CJK fonts
    plt.rcParams["text.parse_math"] = False  # names from reports: "$…$" is text, not math
    return name


def set_style() -> str:
    """Seaborn theme then the CJK font (``sns.set_theme`` resets fonts, so order matters)."""
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook")
    return setup_cjk_font()


def _unique(values: Iterable[object]) -> list[str]:
    seen: list[str] = []
    for value in values:
        text = str(value)
        if pd.notna(value) and text and text not in seen:
            seen.append(text)
    return seen


def source_line(df: pd.DataFrame) -> str:
    """'来源：' naming the regions, years and report ids a chart was drawn from."""
    parts = []
    for column, label in (("region", "地区"), ("year", "年份"), ("doc_id", "报告")):
        if column in df.columns:
            values = sorted(_unique(df[column]))
            if values:
                parts.append(f"{label} " + "、".join(values))
    text = "来源：科技局工作报告；" + "；".join(parts) if parts else "来源：科技局工作报告"
    return text if len(text) <= SOURCE_MAX_CHARS else text[: SOURCE_MAX_CHARS - 1] + "…"


MAX_BARS = 40  # bars per chart: a national corpus has hundreds of regions and targets


def _cap_bars(df: pd.DataFrame, what: str) -> tuple[pd.DataFrame, str]:
    """At most :data:`MAX_BARS` rows of a chart sorted by its value: the highest and the
    lowest half each, with a note saying so (the full list is in the tables and the
    appendix). Why: one bar per row of a national corpus makes a figure hundreds of
    metres tall that no one can read and that exhausts memory when drawn."""
    if len(df) <= MAX_BARS:
        return df, ""
    half = MAX_BARS // 2
    shown = pd.concat([df.head(half), df.tail(half)])
    return shown, f"共 {len(df)} 个{what}，图中只显示两端各 {half} 个；完整列表见表格与附录"


CAPTION_WIDTH = 70  # characters per caption line under a chart
CAPTION_LINES = 6


def _caption_lines(caption: list[str]) -> list[str]:
    import textwrap

    lines = [part for text in caption for part in textwrap.wrap(text, CAPTION_WIDTH)]
    if len(lines) > CAPTION_LINES:
        lines = [*lines[: CAPTION_LINES - 1], f"……另有 {len(lines) - CAPTION_LINES + 1} 行，见表格核对提示"]
    return lines


def _finish(
    fig: Figure, df: pd.DataFrame, title: str, note: str = "", caption: list[str] | None = None
) -> Figure:
    """Title (with a note line), the caption under the axes, the source line at the bottom."""
    if note:
        title = f"{title}\n{note}"
    fig.suptitle(title)
    import textwrap

    lines = _caption_lines(caption or [])
    source = textwrap.wrap(source_line(df), CAPTION_WIDTH)[:2]  # never wider than the chart
    height = fig.get_figheight()
    line_h = 0.16 / height  # figure fraction of one 7-pt line
    bottom = 0.01
    fig.text(0.01, bottom, "\n".join(source), fontsize=7, color="0.35", ha="left", va="bottom",
             linespacing=1.3)  # fmt: skip
    used = 1.3 * len(source)
    if lines:
        fig.text(0.01, bottom + line_h * (used + 0.2), "\n".join(lines), fontsize=7,
                 color="0.15", ha="left", va="bottom", linespacing=1.3)  # fmt: skip
    fig.tight_layout(rect=(0, bottom + line_h * (used + 0.4 + 1.3 * len(lines)), 1, 1))
    # tight_layout leaves a placeholder layout engine, and with any engine set every
    # savefig draws the whole figure once more before rendering it: the positions are
    # fixed now, so none is kept (each saved format is one draw).
    fig.set_layout_engine(None)
    return fig


def _empty(title: str, message: str) -> Figure:
    fig, ax = plt.subplots(figsize=(7, 2.5))
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center")
    fig.suptitle(title)
    return fig


def _metric_name(df: pd.DataFrame, metric_id: str) -> str:
    if "metric_name" in df.columns:
        names = _unique(df["metric_name"])
        if names:
            return names[0]
    return metric_id


def _series_label(region: str, period_type: str) -> str:
    return region if period_type in ("", "FY") else f"{region}（{period_type}）"


ZERO_BASE_SHARE = 0.5  # a line chart starts at 0 when its lowest value is below half its highest
FLAG_MARK = "※"


def _period_title(period_type: str) -> str:
    from analysis.labels import code_label

    return "" if period_type in ("", "FY") else f"（{code_label('period', period_type)}）"


def _segments(years: list[int], step: int) -> list[list[int]]:
    """Runs of consecutive years (``step`` apart): a line is drawn only inside a run."""
    runs: list[list[int]] = []
    for i, year in enumerate(years):
        if runs and year - years[i - 1] == step:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def chartable_series(yoy_df: pd.DataFrame, min_years: int = 2) -> list[tuple[str, str]]:
    """(metric_id, period_type) pairs with ``min_years`` or more years: the 历年变化 charts
    worth drawing (one year makes no trend; each period type gets its own chart)."""
    if yoy_df.empty:
        return []
    df = yoy_df.dropna(subset=["value", "year"])
    pt = df["period_type"].astype(str) if "period_type" in df.columns else pd.Series("FY", df.index)
    counts = df.assign(_pt=pt).groupby(["metric_id", "_pt"])["year"].nunique()
    return [(str(m), str(p)) for (m, p), n in counts.items() if n >= min_years]


MAX_CHARTS = 1  # full 历年变化 charts on a region's page (PNG and SVG each)
MAX_PANELS = 8  # small multiples in the page's one 一览 figure (PNG)


def ranked_series(yoy_df: pd.DataFrame, min_years: int = 2) -> list[tuple[str, str, str]]:
    """(metric_id, level, period_type) series with ``min_years`` or more years, in the
    order a reader needs them: full-year before other periods, longer series first, then
    the taxonomy's order (its core indicators first). One level of item per series: 12
    national maker spaces are never drawn on one line with 47 of every level."""
    if yoy_df.empty:
        return []
    df = yoy_df.dropna(subset=["value", "year"])
    pt = df["period_type"].astype(str) if "period_type" in df.columns else pd.Series("FY", df.index)
    lv = (df["level"].astype("string").fillna("").astype(str) if "level" in df.columns
          else pd.Series("", df.index))  # fmt: skip
    counts = df.assign(_pt=pt, _lv=lv).groupby(["metric_id", "_lv", "_pt"])["year"].nunique()
    from analysis.taxonomy import metric_ids

    order = {m: i for i, m in enumerate(metric_ids())}
    found = [(str(m), str(lvl), str(p), int(n)) for (m, lvl, p), n in counts.items()
             if n >= min_years]  # fmt: skip
    found.sort(key=lambda s: (s[2] != "FY", -s[3], order.get(s[0], len(order)), s[0], s[1], s[2]))
    return [s[:3] for s in found]


def series_rows(yoy_df: pd.DataFrame, metric_id: str, level: str) -> pd.DataFrame:
    """The rows of one indicator at one level of item (what :func:`yoy_chart` draws)."""
    df = yoy_df[yoy_df["metric_id"] == metric_id]
    if "level" in df.columns:
        df = df[df["level"].astype("string").fillna("").astype(str) == level]
    return df


def series_titles(yoy_df: pd.DataFrame, series: list[tuple[str, str, str]]) -> list[str]:
    """'众创空间（国家级）（上半年）' per series: the series named for a sentence (plain text:
    escape it for where it goes)."""
    if not series:
        return []
    df = yoy_df.drop_duplicates(["metric_id", "level"] if "level" in yoy_df else ["metric_id"])
    names: dict[tuple[str, str], str] = {}
    for row in df.itertuples(index=False):
        level = str(getattr(row, "level", "") or "")
        name = str(getattr(row, "metric_name", "") or "")
        names[(str(row.metric_id), level)] = name or str(row.metric_id)
    return [f"{names.get((m, lv), m)}{_period_title(pt)}" for m, lv, pt in series]


def small_multiples(yoy_df: pd.DataFrame, series: list[tuple[str, str, str]],
                    title: str = "其余指标一览") -> Figure:
    """One small panel per series, drawn once: a region's other indicators at a glance.

    The honest-figure rules of :func:`yoy_chart` at a smaller size: one indicator, level
    and period type per panel, in its own readable unit; lines only between consecutive
    years; the y axis from zero (values below zero: as they are); triangles are
    estimates, hollow points implied by a rate, red rings a 核对提示 (its words are in the
    table). No targets here: a plan's target is drawn only on the full charts. Fixed
    margins (no tight layout), so the figure is rendered once when saved; only the
    panels drawn are made, and each panel's title sits at the top of its axes (ticks are
    below and left), so matplotlib does not measure every tick label to place it (a
    third of the drawing time).
    """
    import numpy as np

    from analysis.compare import period_step, scale_for_display

    n = len(series)
    cols = 3 if n > 4 else max(1, min(n, 2))
    rows = max(1, -(-n // cols))
    fig = plt.figure(figsize=(3.2 * cols, 2.3 * rows + 1.0))
    axes = [fig.add_subplot(rows, cols, i + 1) for i in range(n)]
    regions: set[str] = set()
    data = yoy_df[yoy_df["metric_id"].isin({m for m, _, _ in series})]
    data = data.dropna(subset=["value", "year"])
    data = data.assign(
        _lv=data["level"].astype("string").fillna("").astype(str) if "level" in data else "",
        _pt=data["period_type"].astype(str) if "period_type" in data else "FY")
    parts = dict(iter(data.groupby(["metric_id", "_lv", "_pt"], sort=False)))  # split once
    for ax, (metric_id, level, pt) in zip(axes, series, strict=True):
        df = parts.get((metric_id, level, pt), data.iloc[0:0])
        if "unit" in df.columns and len(df):
            df = df[df["unit"] == df["unit"].mode().iloc[0]]
        unit = str(df["unit"].iloc[0]) if "unit" in df.columns and len(df) else ""
        scaled, shown = scale_for_display(df["value"], unit)
        df = df.assign(_y=scaled.to_numpy())
        step = period_step(str(df["period"].iloc[0])) if "period" in df.columns and len(df) else 1
        name = _metric_name(df, metric_id)
        ax.set_title(f"{name}{_period_title(pt)}（{shown}）" if shown else name, fontsize=8,
                     y=1.0)
        for region, part in df.groupby("region", sort=True):
            regions.add(str(region))
            part = part.sort_values("year")
            years = part["year"].astype(int).tolist()
            x, y = np.asarray(years), part["_y"].to_numpy(dtype=float)
            for run in _segments(years, step):
                ax.plot(x[run], y[run], marker="o", markersize=3, color="tab:blue",
                        linewidth=1.2)
            implied = part["implied"].fillna(False).astype(bool) if "implied" in part else None
            if implied is not None and implied.any():
                ax.scatter(part.loc[implied, "year"].astype(int), part.loc[implied, "_y"], s=18,
                           facecolors="white", edgecolors="tab:blue", zorder=3)
            if "kind" in part.columns and (part["kind"] == "estimate").any():
                est = part[part["kind"] == "estimate"]
                ax.scatter(est["year"].astype(int), est["_y"], s=22, marker="^",
                           color="tab:blue", zorder=4)
            flags = part["flag"].fillna("").astype(str) if "flag" in part else None
            if flags is not None and (flags != "").any():
                ax.scatter(part.loc[flags != "", "year"].astype(int),
                           part.loc[flags != "", "_y"], s=70, facecolors="none",
                           edgecolors="tab:red", linewidths=1.2, zorder=5)
        if len(df) and float(df["_y"].min()) >= 0:
            ax.set_ylim(bottom=0)
        years = sorted(set(df["year"].astype(int))) if len(df) else []
        if years:  # first and last year (and the middle one): few labels, drawn fast
            ax.set_xlim(min(years) - 0.5 * step, max(years) + 0.5 * step)
            ticks = sorted({years[0], years[len(years) // 2], years[-1]})
            labels = [str(y) if step == 1 else f"{y - step + 1}—{y}" for y in ticks]
            ax.set_xticks(ticks, labels)
        ax.yaxis.set_major_locator(MaxNLocator(4))
        ax.tick_params(labelsize=7)
    fig.suptitle(title, fontsize=11)
    key = ("折线只连接相邻年份；纵轴从零开始；▲ 预计数，空心点为由增速推算的上年值，"
           "红圈为需核对的数字（见表中核对提示）；一览图不标目标值。")  # fmt: skip
    import textwrap

    shown_rows = data[data["region"].isin(regions)] if regions else data
    lines = [*textwrap.wrap(key, 25 * cols), *textwrap.wrap(source_line(shown_rows), 25 * cols)[:2]]
    fig.text(0.01, 0.005, "\n".join(lines), fontsize=6.5, color="0.3", ha="left", va="bottom",
             linespacing=1.4)
    height = fig.get_figheight()
    fig.subplots_adjust(left=0.07, right=0.98, top=1 - 0.6 / height,
                        bottom=(0.35 + 0.13 * len(lines)) / height, wspace=0.3, hspace=0.6)
    return fig


GLANCE_DPI = 100  # the small multiples' PNG: shown at its size, not printed


def save_png(fig: Figure, name: str, out_dir: str | os.PathLike[str] | None = None,
             dpi: int = GLANCE_DPI) -> list[Path]:
    """Write ``<name>.png`` only, atomically, as laid out (one render: no tight bounding
    box). For the small multiples: a page's glance at its other series (the full charts
    are the ones saved as SVG too, for print)."""
    target = Path(out_dir) if out_dir is not None else config.FIGURES_DIR
    target.mkdir(parents=True, exist_ok=True)
    dest = target / f"{name}.png"
    with atomic_path(dest) as tmp:
        fig.savefig(tmp, format="png", dpi=dpi)
    return [dest]


def yoy_chart(
    yoy_df: pd.DataFrame,
    metric_id: str,
    period_type: str | None = None,
    targets: pd.DataFrame | None = None,
) -> Figure:
    """One indicator over the years, a line per region, drawn honestly.

    Only one period type per chart (a five-year total never shares an axis with annual
    values); lines join consecutive years only (a missing year leaves a gap); hollow
    markers are implied by a stated rate, triangles are estimates, crosses targets; a
    point with a 核对提示 is ringed in red and explained in the caption; the y axis starts
    at zero unless the caption says otherwise. Fewer than two years: no trend chart.
    """
    from analysis.compare import period_step, scale_for_display

    df = yoy_df[yoy_df["metric_id"] == metric_id].dropna(subset=["value", "year"])
    name = _metric_name(df, metric_id)
    if "period_type" in df.columns and len(df):
        pts = df["period_type"].astype(str)
        period_type = period_type or ("FY" if (pts == "FY").any() else pts.mode().iloc[0])
        df = df[pts == period_type]
    period_type = period_type or "FY"
    title = f"{name}：历年变化{_period_title(period_type)}"
    if df.empty:
        return _empty(title, f"没有 {metric_id} 的数据")
    if df["year"].nunique() < 2:
        return _empty(title, "只有一年的数据，不画历年变化")
    if "unit" in df.columns:  # one axis, one unit: keep the unit most rows use
        df = df[df["unit"] == df["unit"].mode().iloc[0]]
    unit = str(df["unit"].iloc[0]) if "unit" in df.columns else ""
    scaled, shown = scale_for_display(df["value"], unit)
    factor = (df["value"] / scaled).dropna()
    factor_value = float(factor.iloc[0]) if len(factor) and (scaled != 0).any() else 1.0
    df = df.assign(
        _y=scaled.to_numpy(),
        _implied=df["implied"].fillna(False).astype(bool) if "implied" in df.columns else False,
        _flag=df["flag"].fillna("").astype(str) if "flag" in df.columns else "",
    )
    step = period_step(str(df["period"].iloc[0])) if "period" in df.columns else 1
    fig, ax = plt.subplots(figsize=(8, 4.8))
    notes: list[str] = []
    for region, part in df.groupby("region", sort=True):
        part = part.sort_values("year")
        years = part["year"].astype(int).tolist()
        color = None
        for run in _segments(years, step):
            seg = part.iloc[run]
            (line,) = ax.plot(seg["year"].astype(int), seg["_y"], marker="o", color=color,
                              label=region if color is None else None)  # fmt: skip
            color = line.get_color()
        hollow = part[part["_implied"]]
        if not hollow.empty:
            ax.scatter(hollow["year"].astype(int), hollow["_y"], s=60, facecolors="white",
                       edgecolors=color, zorder=3)  # fmt: skip
        estimated = part[part["kind"] == "estimate"] if "kind" in part.columns else part.iloc[0:0]
        if not estimated.empty:  # 预计 figures: a triangle, so they are never read as actuals
            ax.scatter(estimated["year"].astype(int), estimated["_y"], s=70, marker="^",
                       color=color, zorder=4)  # fmt: skip
        flagged = part[part["_flag"] != ""]
        if not flagged.empty:
            ax.scatter(flagged["year"].astype(int), flagged["_y"], s=220, facecolors="none",
                       edgecolors="tab:red", linewidths=1.5, zorder=5)  # fmt: skip
            notes += [f"{FLAG_MARK}{region} {int(y)}：{f}" for y, f in
                      zip(flagged["year"], flagged["_flag"], strict=True)]  # fmt: skip
    all_years = sorted(set(df["year"].astype(int)))
    if targets is not None and not targets.empty:
        tg = targets[(targets["metric_id"] == metric_id) & targets["region"].isin(df["region"])]
        if "unit" in tg.columns:
            tg = tg[tg["unit"] == unit]
        if "period_type" in tg.columns:
            tg = tg[tg["period_type"].astype(str) == period_type]
        tg = tg.dropna(subset=["value", "year"])
        if not tg.empty:
            ax.scatter(tg["year"].astype(int), tg["value"] / factor_value, marker="x", s=70,
                       color="0.2", zorder=4, label="目标值")  # fmt: skip
            all_years = sorted(set(all_years) | set(tg["year"].astype(int)))
    if df["_implied"].any():
        ax.scatter([], [], facecolors="white", edgecolors="0.3", label="由增速推算的上年值")
    if "kind" in df.columns and (df["kind"] == "estimate").any():
        ax.scatter([], [], marker="^", color="0.3", label="预计数")
    if (df["_flag"] != "").any():
        ax.scatter([], [], s=120, facecolors="none", edgecolors="tab:red", label="需核对（见下注）")
    gaps = any(len(_segments(sorted(set(p["year"].astype(int))), step)) > 1
               for _, p in df.groupby("region"))  # fmt: skip
    if gaps:
        notes.insert(0, "缺少年份处不连线")
    ax.set_xticks(all_years)
    if step > 1:  # a span is labelled by its years, 2011—2015, not by its last year
        ax.set_xticks(all_years, [f"{y - step + 1}—{y}" for y in all_years])
    ax.set_xlim(min(all_years) - 0.5 * step, max(all_years) + 0.5 * step)
    low, high = float(df["_y"].min()), float(df["_y"].max())
    if low >= 0 and low <= ZERO_BASE_SHARE * high:
        ax.set_ylim(bottom=0)
    elif low >= 0:
        notes.insert(0, "注意：纵轴不从零开始")
    ax.set_xlabel("年份" if step == 1 else "期间")
    ax.set_ylabel(f"{name}（{shown}）" if shown else name)
    ax.legend(title="地区", fontsize=8)
    return _finish(fig, df, title, caption=notes)


def cross_city_chart(long_df: pd.DataFrame, metric_id: str) -> Figure:
    """Regions side by side for one indicator, coloured by admin level so ranks are read fairly."""
    import seaborn as sns

    df = long_df[long_df["metric_id"] == metric_id].dropna(subset=["display_value"])
    name = _metric_name(df, metric_id)
    when = " ".join(
        code_label("period", _unique(df[c])[0]) if c == "period" else _unique(df[c])[0]
        for c in ("year", "period")
        if c in df and _unique(df[c])
    )
    title = f"{name}：地区对比" + (f"（{when}）" if when else "")
    if df.empty:
        return _empty(title, f"没有 {metric_id} 的数据")
    df = df.sort_values("display_value", ascending=False).assign(
        级别=lambda d: d["admin_level"].map(lambda v: code_label("admin_level", v or "unknown"))
    )
    df, cap_note = _cap_bars(df, "地区")
    kinds = df["kind"].astype(str) if "kind" in df.columns else pd.Series("", index=df.index)
    flags = df["flag"].fillna("").astype(str) if "flag" in df.columns else pd.Series("", df.index)
    df = df.assign(
        _label=[
            f"{r}{'（预计）' if k == 'estimate' else '（目标）' if k == 'target' else ''}"
            f"{FLAG_MARK if f else ''}"
            for r, k, f in zip(df["region"], kinds, flags, strict=True)
        ]
    )
    units = _unique(df["display_unit"])
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(df) + 2.5))
    sns.barplot(data=df, y="_label", x="display_value", hue="级别", dodge=False, ax=ax, orient="h")
    kind_list = kinds.tolist()
    for patch in ax.patches:  # estimates and targets hatched, never read as actuals
        row = round(patch.get_y() + patch.get_height() / 2)
        if patch.get_width() and 0 <= row < len(kind_list) and kind_list[row] != "actual":
            if kind_list[row] in ("estimate", "target"):
                patch.set_hatch("//")
    ax.set_xlim(left=0)
    ax.set_ylabel("地区")
    ax.set_xlabel(f"{name}（{'/'.join(units)}）" if units else name)
    caption = []
    if (kinds == "estimate").any():
        caption.append("（预计）及斜线：预计数，不是实际数")
    if "note" in df.columns:  # what the bar labels do not already say
        said = {"预计数", "目标值"}
        notes = []
        for region, note in zip(df["region"], df["note"], strict=True):
            rest = "；".join(p for p in str(note or "").split("；") if p and p not in said)
            if rest:
                notes.append(f"{region}：{rest}")
        caption += notes[:3]
    caption += [f"{FLAG_MARK}{r}：{f}" for r, f in zip(df["region"], flags, strict=True) if f]
    return _finish(fig, df, title, cap_note, caption=caption)


def targets_chart(tva_df: pd.DataFrame) -> Figure:
    """Attainment (actual ÷ target) per region and indicator against the 100 % line."""
    title = "目标完成情况"
    df = (
        tva_df.dropna(subset=["attainment_pct"]) if "attainment_pct" in tva_df else tva_df.iloc[0:0]
    )
    if df.empty:
        return _empty(title, "语料中没有可配对的目标与实际值")
    df = df.assign(
        label=df["region"].astype(str)
        + " "
        + df["metric_name"].astype(str)
        + " "
        + df["year"].astype(str)
    ).sort_values("attainment_pct")
    df, cap_note = _cap_bars(df, "目标")
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(df) + 2))
    colors = ["tab:green" if v >= 100 else "tab:orange" for v in df["attainment_pct"]]
    ax.barh(df["label"], df["attainment_pct"], color=colors)
    ax.set_xlim(left=0)
    ax.axvline(100, color="0.3", linestyle="--", linewidth=1)
    ax.set_xlabel("完成率（%，实际值 ÷ 目标值）")
    ax.set_ylabel("地区 指标 年份")
    return _finish(fig, df, title, cap_note)


def themes_chart(top_df: pd.DataFrame, doc_id: str) -> Figure:
    """A document's most characteristic terms by TF-IDF weight."""
    df = top_df[top_df["doc_id"] == doc_id]
    region = _unique(df["region"])[0] if "region" in df.columns and _unique(df["region"]) else ""
    title = f"{region or doc_id}：特色主题词"
    if df.empty:
        return _empty(title, f"没有 {doc_id} 的主题词")
    df = df.sort_values("score", ascending=True)
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(df) + 1.8))
    ax.barh(df["term"], df["score"], color="tab:blue")
    ax.set_xlabel("TF-IDF 权重（无单位）")
    ax.set_ylabel("词语")
    return _finish(fig, df, title)


def save_figure(
    fig: Figure, name: str, out_dir: str | os.PathLike[str] | None = None
) -> list[Path]:
    """Write ``<name>.png`` and ``<name>.svg`` atomically (a stopped run leaves no half file)."""
    target = Path(out_dir) if out_dir is not None else config.FIGURES_DIR
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in SAVE_FORMATS:
        dest = target / f"{name}.{fmt}"
        with atomic_path(dest) as tmp:
            fig.savefig(tmp, format=fmt, dpi=SAVED_DPI)  # laid out by _finish: one render
        written.append(dest)
    return written


SAVED_DPI, SHOWN_DPI = 150, 100  # save_figure's PNG; matplotlib's inline display


def saved_image(saved: list[Path], dpi: int = SAVED_DPI) -> object:
    """The PNG :func:`save_figure` just wrote, for ``display`` at the inline size.

    Why: ``display(fig)`` renders the figure a third time (after the PNG and the SVG);
    a region's notebook draws one chart per indicator, and at national scale that
    render was a quarter of the notebook's time.
    """
    from IPython.display import Image

    png = next(p for p in saved if p.suffix == ".png")
    data = png.read_bytes()
    width = int.from_bytes(data[16:20], "big")  # the PNG header's IHDR width
    return Image(data=data, format="png", width=max(1, width * SHOWN_DPI // dpi))


def figure_name(*parts: object) -> str:
    """File stem for a chart, e.g. ``yoy__青岛市__rd_expenditure``: each part made safe by
    :func:`safeio.safe_filename` (a changed or over-long part gets a hash of its full
    text, so two regions never share a file), the whole kept under the name limit."""
    cleaned = [safe_filename(str(p).strip()) for p in parts if str(p).strip()]
    return safe_filename("__".join(cleaned), max_bytes=STEM_MAX_BYTES)


YOY_TABLE_COLUMNS = {
    "metric_name": "指标",
    "period_type": "期间",
    "year": "年份",
    "display_value": "数值",
    "display_unit": "单位",
    "yoy_pct": "报告同比(%)",
    "change_pct": "计算同比(%)",
    "implied": "由增速推算",
    "flag": "核对提示",
    "doc_id": "报告",
}


def yoy_table(yoy_df: pd.DataFrame) -> pd.DataFrame:
    """The yoy frame for reading: values in a readable unit per indicator, Chinese headers."""
    from analysis.compare import scale_for_display

    parts = []
    for (_, unit), group in yoy_df.groupby(["metric_id", "unit"], sort=True):
        scaled, shown = scale_for_display(group["value"], str(unit))
        parts.append(group.assign(display_value=scaled.round(4).to_numpy(), display_unit=shown))
    if not parts:
        return pd.DataFrame(columns=list(YOY_TABLE_COLUMNS.values()))
    out = pd.concat(parts).sort_values(["metric_id", "period_type", "year"], kind="mergesort")
    out = out.assign(change_pct=out["change_pct"].astype(float).round(2))
    return out[list(YOY_TABLE_COLUMNS)].rename(columns=YOY_TABLE_COLUMNS).reset_index(drop=True)


SUMMARY_DOC_COLUMNS = ("doc_id", "region", "admin_level", "report_year", "period", "doc_type")


def corpus_summary(metrics: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Per report: its facts, figures found, figures mapped to an indicator, and the share."""
    cols = [c for c in SUMMARY_DOC_COLUMNS if c in documents.columns]
    mapped = metrics["metric_id"].fillna("").astype(str) != ""
    counts = (
        metrics.assign(_mapped=mapped)
        .groupby("doc_id")
        .agg(figures=("_mapped", "size"), mapped=("_mapped", "sum"))
    )
    out = documents[cols].merge(counts, left_on="doc_id", right_index=True, how="left")
    out[["figures", "mapped"]] = out[["figures", "mapped"]].fillna(0).astype(int)
    out["mapped_share"] = (out["mapped"] / out["figures"].where(out["figures"] > 0)).round(3)
    return out.sort_values("doc_id", kind="mergesort").reset_index(drop=True)


# --------------------------------------------------------------------------- the overview
# Why aggregates: at national scale the overview's tables had a row per report (100,000),
# per target (hundreds of thousands) and lists of thousands of region names per cell; a
# page no one can read that took longer to render than to compute. Past MAX_TABLE_ROWS
# rows a table is summarised, and the page says where the full list is.

MAX_TABLE_ROWS = 200  # rows of a detail table shown on a page (else its summary only)
MAX_NAMES = 10  # region names listed in a cell before "等 N 个"


def summary_by_group(summary: pd.DataFrame) -> pd.DataFrame:
    """:func:`corpus_summary` per province and admin level: reports, years, figures."""
    df = summary.assign(
        province=summary["province"].astype("string").fillna("").astype(str)
        if "province" in summary else "",
        admin_level=summary["admin_level"].astype("string").fillna("").astype(str)
        if "admin_level" in summary else "")
    years = pd.to_numeric(df["report_year"], errors="coerce") if "report_year" in df else None
    df = df.assign(_year=years if years is not None else float("nan"))
    out = df.groupby(["province", "admin_level"], sort=True).agg(
        n_docs=("doc_id", "size"), _first=("_year", "min"), _last=("_year", "max"),
        figures=("figures", "sum"), mapped=("mapped", "sum")).reset_index()
    out["years"] = [
        "" if pd.isna(a) else f"{int(a)}" if a == b else f"{int(a)}–{int(b)}"
        for a, b in zip(out["_first"], out["_last"], strict=True)
    ]
    out["mapped_share"] = (out["mapped"] / out["figures"].where(out["figures"] > 0)).round(3)
    order = {lvl: i for i, lvl in enumerate(ADMIN_LEVELS)}
    out = out.assign(_lvl=out["admin_level"].map(order).fillna(len(order)))
    out = out.sort_values(["province", "_lvl"], kind="mergesort")
    return out[["province", "admin_level", "n_docs", "years", "figures", "mapped",
                "mapped_share"]].reset_index(drop=True)  # fmt: skip


def short_names(names: str, limit: int = MAX_NAMES, sep: str = "、") -> str:
    """'甲市、乙市 … 等 N 个': a joined list of names cut after ``limit``."""
    parts = [p for p in str(names).split(sep) if p]
    if len(parts) <= limit:
        return sep.join(parts)
    return f"{sep.join(parts[:limit])} 等 {len(parts)} 个"


def comparable_by_year(comp: pd.DataFrame) -> pd.DataFrame:
    """:func:`compare.comparable_metrics` as indicator × year: how many regions state each
    (one row per indicator, unit, level of item and period; cells are region counts)."""
    if comp.empty:
        return pd.DataFrame()
    from analysis.taxonomy import taxonomy_by_id

    known = taxonomy_by_id()
    df = comp.assign(year=comp["year"].astype(int))
    levels = df["level"].astype(str) if "level" in df.columns else pd.Series("", df.index)
    df = df.assign(_row=[
        (known[m].name_zh if m in known else m)
        + (f"（{code_label('level', lv)}）" if lv else "") + f"（{u}"
        + ("）" if p == "FY" else f"，{code_label('period', p)}）")
        for m, lv, u, p in zip(df["metric_id"], levels, df["unit"], df["period"], strict=True)])
    table = df.pivot_table(index="_row", columns="year", values="n_regions", aggfunc="max")
    table = table.reindex(index=df.drop_duplicates("_row")["_row"].tolist())
    table = table.astype("Int64").astype("string").fillna("")
    table.columns = [str(c) for c in table.columns]
    table.index.name = "指标（单位，期间）"
    return table.reset_index()


def targets_summary(tva: pd.DataFrame) -> pd.DataFrame:
    """:func:`compare.targets_vs_actuals` per indicator, unit and target year: targets,
    how many have an actual, how many were met, and the median attainment."""
    cols = ["metric_name", "unit", "year", "n_targets", "n_with_actual", "n_met",
            "median_attainment_pct"]
    if tva.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    df = tva.assign(_has=tva["actual_value"].notna(), _met=tva["met"].fillna(False).astype(bool))
    out = df.groupby(["metric_id", "metric_name", "unit", "year"], sort=True).agg(
        n_targets=("target_value", "size"), n_with_actual=("_has", "sum"), n_met=("_met", "sum"),
        median_attainment_pct=("attainment_pct", "median")).reset_index()
    out["median_attainment_pct"] = out["median_attainment_pct"].round(1)
    return out[cols]


MAX_CROSS_CHARTS = 4  # indicators drawn on a year's cross-city page (most regions first)
MAX_PIVOT_REGIONS = 30  # columns of the indicator × region table shown on a page


def cross_summary(long_df: pd.DataFrame) -> pd.DataFrame:
    """The cross-city long table per indicator and admin level (ranks are within a level):
    how many regions, the median, and the highest and lowest region with their values."""
    cols = ["metric_name", "admin_level", "n_regions", "median", "highest", "lowest",
            "display_unit"]
    if long_df.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    from analysis.labels import format_number

    rows = []
    keys = ["metric_id", "unit", "level", "period", "admin_level"]
    for _, group in long_df.groupby(keys, sort=False):
        ranked = group.sort_values("display_value", ascending=False, kind="mergesort")
        unit = str(ranked["display_unit"].iloc[0])
        top, bottom = ranked.iloc[0], ranked.iloc[-1]
        rows.append({
            "metric_name": str(top["metric_name"] or top["metric_id"]),
            "admin_level": top["admin_level"], "n_regions": int(group["region"].nunique()),
            "median": float(ranked["display_value"].median()),
            "highest": f"{top['region']} {format_number(top['display_value'], unit)}",
            "lowest": f"{bottom['region']} {format_number(bottom['display_value'], unit)}",
            "display_unit": unit})
    return pd.DataFrame(rows)[cols]
