"""How a table looks to a reader: Chinese headers and labels, readable units, no NaN.

Why one module: the handout HTML pages, the charts and the Excel appendix must show
the same figure the same way (720.04 亿元, never 72,003,816,793.89 元 on one page and
7.2e+10 on another), and the same code the same way (预计, never ``estimate``). The
rules are data files: ``code_labels.csv`` (code → label, with ``{n}`` templates for
periods such as M1-M5), ``display_formats.csv`` (decimals per display unit) and
``display_units.csv`` (which unit to show, read by :func:`compare.scale_for_display`).

Two layers: :func:`scale_table` keeps numbers (for Excel cells with number formats),
:func:`format_table` turns everything into display strings (for HTML).
"""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd

from . import compare
from .labels import (
    CODE_COLUMNS,
    VALUE_COLUMNS,
    code_label,
    format_number,
    format_pct,
    header,
    is_missing,
    rank_scope_label,
)

# --------------------------------------------------------------------------- tables


def display_factor(values: pd.Series, unit: str) -> tuple[float, str]:
    """(divisor, display unit) for a series, the same choice as compare.scale_for_display."""
    numeric = pd.to_numeric(values, errors="coerce").astype(float)
    scaled, shown = compare.scale_for_display(numeric, unit)
    if shown == unit:
        return 1.0, unit
    ok = numeric.notna() & (numeric != 0)
    if not ok.any():
        rules = compare._display_rules()
        rule = rules[(rules["unit"] == unit) & (rules["display_unit"] == shown)]
        return float(rule["factor"].iloc[0]) if len(rule) else 1.0, shown
    return float(numeric[ok].iloc[0] / scaled[ok].iloc[0]), shown


def scale_table(df: pd.DataFrame, unit_col: str = "unit") -> pd.DataFrame:
    """Amount columns divided into the readable unit of each indicator, ``unit`` renamed.

    One factor per (indicator, unit) group, chosen from the size of its ``value``s, so a
    column stays comparable down the page; a table already carrying ``display_value``
    keeps that pair and drops the stored ``value``/``unit``.
    """
    if "display_value" in df.columns and "display_unit" in df.columns:
        out = df.drop(columns=[c for c in ("value", unit_col) if c in df.columns])
        return out.rename(columns={"display_value": "value", "display_unit": unit_col})
    if unit_col not in df.columns or df.empty:
        return df.copy()
    cols = [c for c in VALUE_COLUMNS if c in df.columns]
    if not cols:
        return df.copy()
    out = df.copy()
    for c in cols:
        out[c] = pd.to_numeric(out[c].astype(object), errors="coerce").astype(float)
    keys = [k for k in ("metric_id", unit_col) if k in out.columns]
    units = out[unit_col].astype("string").fillna("").astype(str)
    grouper = keys if len(keys) > 1 else keys[0]
    factors = np.ones(len(out))
    new_unit = units.to_numpy(dtype=object).copy()
    base_col = "value" if "value" in out.columns else cols[0]
    for key, at in out.groupby(grouper, sort=False, dropna=False).indices.items():
        unit = str(key[-1] if isinstance(key, tuple) else key)
        factor, shown = display_factor(out[base_col].iloc[at], unit if unit != "nan" else "")
        factors[at] = factor
        new_unit[at] = shown
    scaled = factors != 1.0  # one division per cell, as the per-group division did
    for c in cols:
        column = out[c].to_numpy(dtype=float).copy()
        column[scaled] = column[scaled] / factors[scaled]
        out[c] = column
    out[unit_col] = pd.Series(new_unit, index=out.index).astype(units.dtype)
    return out


def label_codes(df: pd.DataFrame) -> pd.DataFrame:
    """Code columns (kind, admin_level, period …) and booleans as their Chinese labels."""
    out = df.copy()
    for col in out.columns:
        name = str(col)
        if name in CODE_COLUMNS:
            out[col] = [code_label(CODE_COLUMNS[name], v) for v in out[col]]
        elif name == "rank_scope":
            out[col] = [rank_scope_label(v) for v in out[col]]
        elif pd.api.types.is_bool_dtype(out[col].dtype):
            out[col] = [code_label("bool", v) for v in out[col]]
    return out


# Columns holding several codes joined by ", " (comparable_metrics).
LIST_CODE_COLUMNS = {"admin_levels": "admin_level", "kinds": "kind"}
WHOLE_COLUMNS = ("year", "report_year", "prev_year", "rank", "rank_of", "n_sources", "n_regions",
                 "n_docs", "figures", "mapped", "n_targets", "n_with_actual", "n_met")  # fmt: skip
THEME_STATUS = {"shared": "多地共有", "alone": "一地独有"}


def format_table(df: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """The table as a reader sees it: every cell a string, Chinese headers, blanks for missing.

    ``columns`` picks and orders the columns after scaling (so ``value``/``unit`` are the
    readable pair, also for a table that came with ``display_value``).
    """
    scaled = scale_table(df)
    unit = scaled["unit"].astype(str) if "unit" in scaled.columns else None
    if columns is not None:
        scaled = scaled[[c for c in columns if c in scaled.columns]]
    out = pd.DataFrame(index=scaled.index)
    for col in scaled.columns:
        name = str(col)
        series = scaled[col]
        if name in VALUE_COLUMNS and unit is not None:
            out[col] = [format_number(v, u) for v, u in zip(series, unit, strict=True)]
        elif name.endswith("_pct"):
            out[col] = [format_pct(v) for v in series]
        elif name in CODE_COLUMNS or name == "rank_scope" or pd.api.types.is_bool_dtype(series):
            out[col] = label_codes(scaled[[col]])[col]
        elif name in LIST_CODE_COLUMNS:
            fld = LIST_CODE_COLUMNS[name]
            out[col] = [
                "、".join(code_label(fld, c.strip()) for c in str(v).split(",") if c.strip())
                if not is_missing(v) else ""
                for v in series
            ]
        elif name == "status" and set(series.dropna().astype(str)) <= set(THEME_STATUS):
            out[col] = [THEME_STATUS.get(str(v), "") for v in series]
        elif pd.api.types.is_numeric_dtype(series.dtype):
            out[col] = [
                "" if is_missing(v) else (f"{int(v)}" if name in WHOLE_COLUMNS else format_number(v))
                for v in series
            ]
        else:
            out[col] = ["" if is_missing(v) else str(v) for v in series]
    out.columns = [header(str(c)) for c in out.columns]
    return out.reset_index(drop=True)


YOY_VIEW = ["metric_name", "period_type", "year", "kind", "value", "unit", "qualifier", "yoy_pct",
            "change_pct", "implied", "flag", "doc_id"]  # fmt: skip
CROSS_VIEW = ["region", "admin_level", "metric_name", "value", "unit", "rank", "rank_of",
              "rank_scope", "kind", "period", "qualifier", "note", "flag", "doc_id"]  # fmt: skip


def pivot_view(long_df: pd.DataFrame) -> pd.DataFrame:
    """Indicator × region of formatted values; an estimate reads ``231.50（预计）``, a flagged
    value carries ※ (its words are in the long table's 核对提示); blanks where nothing."""
    if long_df.empty:
        return pd.DataFrame()
    df = long_df.copy()
    df["_metric"] = [
        compare.metric_label(n, m, u)
        for n, m, u in zip(df["metric_name"], df["metric_id"], df["display_unit"], strict=True)
    ]
    if df["period"].nunique() > 1:
        df["_metric"] = df["_metric"] + " [" + [code_label("period", p) for p in df["period"]] + "]"
    flags = df["flag"].fillna("").astype(str) if "flag" in df.columns else pd.Series("", df.index)
    df["_cell"] = [
        format_number(v, u)
        + ("（预计）" if k == "estimate" else "（目标）" if k == "target" else "")
        + ("※" if f else "")
        for v, u, k, f in zip(df["display_value"], df["display_unit"], df["kind"], flags,
                              strict=True)
    ]  # fmt: skip
    order = {lvl: i for i, lvl in enumerate(compare.ADMIN_ORDER)}
    cols = sorted(
        {(lvl, r) for lvl, r in zip(df["admin_level"], df["region"], strict=True)},
        key=lambda c: (order.get(c[0], len(order)), c[1]),
    )
    table = df.pivot_table(index="_metric", columns=["admin_level", "region"], values="_cell",
                           aggfunc="first")  # fmt: skip
    table = table.reindex(index=df.drop_duplicates("_metric")["_metric"].tolist(),
                          columns=pd.MultiIndex.from_tuples(cols)).fillna("")  # fmt: skip
    table.columns = [f"{code_label('admin_level', lvl)}·{r}" for lvl, r in cols]
    table.index.name = "指标"
    return table.reset_index()


# --------------------------------------------------------------------------- HTML


HANDOUT_CSS = """
table.handout{border-collapse:collapse;font-size:12px;max-width:100%;margin:0.5em 0}
table.handout th,table.handout td{border:1px solid #ccc;padding:2px 6px;vertical-align:top}
table.handout th{background:#eef3f9;font-weight:600;white-space:nowrap}
.jp-RenderedHTMLCommon table.handout td.num,table.handout td.num{text-align:right;white-space:nowrap}
.jp-RenderedHTMLCommon table.handout td.text,table.handout td.text{text-align:left;max-width:28em;
overflow-wrap:break-word}
.jp-RenderedHTMLCommon table.handout th,table.handout th{text-align:center}
div.handout-wrap{overflow-x:auto;max-width:100%}
"""


def _is_numeric_text(series: pd.Series) -> bool:
    vals = [v for v in series if v]
    return bool(vals) and all(re.fullmatch(r"-?[\d,]+(\.\d+)?", v) for v in vals)


def table_html(shown: pd.DataFrame, caption: str = "") -> str:
    """A formatted table (from :func:`format_table`) as escaped HTML that fits a page."""
    esc = html.escape
    numeric = {c: _is_numeric_text(shown[c]) for c in shown.columns}
    head = "".join(f"<th>{esc(str(c))}</th>" for c in shown.columns)
    body = []
    for row in shown.itertuples(index=False):
        cells = "".join(
            f'<td class="{"num" if numeric[c] else "text"}">{esc(str(v))}</td>'
            for c, v in zip(shown.columns, row, strict=True)
        )
        body.append(f"<tr>{cells}</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (
        f'<div class="handout-wrap"><table class="handout">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


class Table:
    """What a notebook displays: HTML for the page, aligned text for a console."""

    def __init__(self, shown: pd.DataFrame, caption: str = ""):
        self.shown = shown
        self.caption = caption

    def _repr_html_(self) -> str:
        if self.shown.empty:
            return "<p>（无数据）</p>"
        return table_html(self.shown, self.caption)

    def __repr__(self) -> str:
        return "（无数据）" if self.shown.empty else self.shown.to_string(index=False)


def table(df: pd.DataFrame, columns: list[str] | None = None, caption: str = "") -> Table:
    """``display(display.table(df))`` in a notebook: the handout form of a table."""
    return Table(format_table(df, columns), caption)


def yoy_table(yoy_df: pd.DataFrame) -> Table:
    """A region's series for reading (the yoy notebook's table)."""
    df = yoy_df.sort_values(["metric_id", "period_type", "year"], kind="mergesort")
    return table(df, YOY_VIEW)


def cross_table(long_df: pd.DataFrame) -> Table:
    """The cross-city long table for reading."""
    return table(long_df, CROSS_VIEW)


def pivot_table(long_df: pd.DataFrame) -> Table:
    """The indicator × region table for reading."""
    return Table(pivot_view(long_df))
