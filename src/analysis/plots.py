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
import re
from collections.abc import Iterable
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure

from analysis import config
from analysis.safeio import atomic_path

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
ADMIN_LEVEL_LABELS = {
    "prefecture": "地级市",
    "county_city": "县级市",
    "district": "市辖区",
    "county": "县",
}
SAVE_FORMATS = ("png", "svg")
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


def _finish(fig: Figure, df: pd.DataFrame, title: str, note: str = "") -> Figure:
    if note:
        title = f"{title}\n{note}"
    fig.suptitle(title)
    fig.text(0.01, 0.005, source_line(df), fontsize=7, color="0.35", ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
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


def yoy_chart(yoy_df: pd.DataFrame, metric_id: str) -> Figure:
    """One indicator over the years, a line per region; prior years implied by a rate hollow."""
    from analysis.compare import scale_for_display

    df = yoy_df[yoy_df["metric_id"] == metric_id].dropna(subset=["value", "year"])
    name = _metric_name(df, metric_id)
    title = f"{name}：历年变化"
    if df.empty:
        return _empty(title, f"没有 {metric_id} 的数据")
    if "unit" in df.columns:  # one axis, one unit: keep the unit most rows use
        df = df[df["unit"] == df["unit"].mode().iloc[0]]
    unit = str(df["unit"].iloc[0]) if "unit" in df.columns else ""
    scaled, shown = scale_for_display(df["value"], unit)
    df = df.assign(
        _y=scaled.to_numpy(),
        _implied=df["implied"].fillna(False).astype(bool) if "implied" in df.columns else False,
        _pt=df["period_type"].astype(str) if "period_type" in df.columns else "",
    )
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for (region, pt), part in df.groupby(["region", "_pt"], sort=True):
        part = part.sort_values("year")
        (line,) = ax.plot(
            part["year"].astype(int), part["_y"], marker="o", label=_series_label(region, pt)
        )
        hollow = part[part["_implied"]]
        if not hollow.empty:
            ax.scatter(
                hollow["year"].astype(int),
                hollow["_y"],
                s=60,
                facecolors="white",
                edgecolors=line.get_color(),
                zorder=3,
            )
        estimated = part[part["kind"] == "estimate"] if "kind" in part.columns else part.iloc[0:0]
        if not estimated.empty:  # 预计 figures: a triangle, so they are never read as actuals
            ax.scatter(estimated["year"].astype(int), estimated["_y"], s=70, marker="^",
                       color=line.get_color(), zorder=4)
    if df["_implied"].any():
        ax.scatter([], [], facecolors="white", edgecolors="0.3", label="由增速推算的上年值")
    if "kind" in df.columns and (df["kind"] == "estimate").any():
        ax.scatter([], [], marker="^", color="0.3", label="预计数")
    ax.set_xlabel("年份")
    ax.set_ylabel(f"{name}（{shown}）" if shown else name)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(title="地区", fontsize=8)
    return _finish(fig, df, title)


def cross_city_chart(long_df: pd.DataFrame, metric_id: str) -> Figure:
    """Regions side by side for one indicator, coloured by admin level so ranks are read fairly."""
    import seaborn as sns

    df = long_df[long_df["metric_id"] == metric_id].dropna(subset=["display_value"])
    name = _metric_name(df, metric_id)
    when = " ".join(_unique(df[c])[0] for c in ("year", "period") if c in df and _unique(df[c]))
    title = f"{name}：地区对比" + (f"（{when}）" if when else "")
    if df.empty:
        return _empty(title, f"没有 {metric_id} 的数据")
    df = df.sort_values("display_value", ascending=False).assign(
        级别=lambda d: d["admin_level"].map(lambda v: ADMIN_LEVEL_LABELS.get(v, v or "未知"))
    )
    df, cap_note = _cap_bars(df, "地区")
    units = _unique(df["display_unit"])
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(df) + 2))
    sns.barplot(data=df, y="region", x="display_value", hue="级别", dodge=False, ax=ax, orient="h")
    ax.set_ylabel("地区")
    ax.set_xlabel(f"{name}（{'/'.join(units)}）" if units else name)
    if "note" in df.columns:
        notes = [f"{r}：{n}" for r, n in zip(df["region"], df["note"], strict=True) if n]
        if notes:
            ax.set_title("；".join(notes), fontsize=8, color="0.35")
    return _finish(fig, df, title, cap_note)


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
            fig.savefig(tmp, format=fmt, dpi=150, bbox_inches="tight")
        written.append(dest)
    return written


def figure_name(*parts: object) -> str:
    """File stem for a chart, e.g. ``yoy__青岛市__rd_expenditure``; path separators removed."""
    cleaned = [re.sub(r"[\\/:*?\"<>|\s]+", "_", str(p)).strip("._") for p in parts]
    return "__".join(p for p in cleaned if p)


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
