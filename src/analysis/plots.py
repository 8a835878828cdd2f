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
            fig.savefig(tmp, format=fmt, dpi=SAVED_DPI, bbox_inches="tight")
        written.append(dest)
    return written


SAVED_DPI, SHOWN_DPI = 150, 100  # save_figure's PNG; matplotlib's inline display


def saved_image(saved: list[Path]) -> object:
    """The PNG :func:`save_figure` just wrote, for ``display`` at the inline size.

    Why: ``display(fig)`` renders the figure a third time (after the PNG and the SVG);
    a region's notebook draws one chart per indicator, and at national scale that
    render was a quarter of the notebook's time.
    """
    from IPython.display import Image

    png = next(p for p in saved if p.suffix == ".png")
    data = png.read_bytes()
    width = int.from_bytes(data[16:20], "big")  # the PNG header's IHDR width
    return Image(data=data, format="png", width=max(1, width * SHOWN_DPI // SAVED_DPI))


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
