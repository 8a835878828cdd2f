"""Comparisons on the metric table: year over year, across cities, targets vs actuals.

Why: the tables hold every stated figure; readers want the same indicator side by
side. These pure functions only compare like with like (same unit, same period type,
same kind of figure) and say where a figure came from, so a half-year number is never
silently set against a full-year one and a district never ranked among whole cities.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from . import config, schema, tables
from .labels import code_label
from .safeio import current_dir
from .text import lexicon

REQUIRED_TABLES = ("documents", "metrics")
# The metrics columns the corpus-wide comparisons use (report counts, comparable
# indicators, targets against actuals): the overview reads these, not the sentences.
CORPUS_COLUMNS = {"metrics": ["doc_id", "region", "year", "period", "kind", "metric_id",
                              "metric_name", "value", "unit", "qualifier", "char_start",
                              "level"]}
# The metrics columns the year-over-year tables and the corpus flags use (CORPUS_COLUMNS
# and the stated growth rate): the batch and the region and year notebooks read these.
FLAG_COLUMNS = [*CORPUS_COLUMNS["metrics"], "yoy_pct"]
DOC_INFO_COLS = ("admin_level", "parent_city", "province", "report_year", "doc_type",
                 "region_masked")
# What a region's or a year's notebook reads: those metrics columns, and of the reports
# the facts a figure is joined with (not titles, hashes and file names).
SELECTION_COLUMNS = {"metrics": FLAG_COLUMNS,
                     "documents": ["doc_id", "region", "period", *DOC_INFO_COLS]}
KINDS = lexicon.codes("kind")
KIND_PREFERENCE = {kind: rank for rank, kind in enumerate(KINDS)}  # actual before estimate
ADMIN_ORDER = lexicon.codes("admin_level")
FLAG_TOLERANCE_PP = 2.0  # stated vs computed growth may differ by rounding, not more
SPAN_RE = re.compile(r"^(\d{4})-(\d{4})$")


# --------------------------------------------------------------------------- loading


def load_tables(processed_dir: Path | str | None = None, *, regions: object = None,
                years: object = None, provinces: object = None,
                columns: dict[str, list[str]] | None = None,
                names: Iterable[str] | None = None) -> dict[str, pd.DataFrame]:
    """Read the extracted tables through the table readers (``tables.read_table``,
    ``tables.read_rows``), with the dtypes the comparisons expect (missing text as "",
    see :func:`_coerce`).

    ``regions``, ``years``, ``provinces`` select metrics rows (only those are read: see
    ``tables.read_rows``) and the documents they come from (plus, for ``regions``, the
    regions' other reports); ``columns`` maps a table to the columns to read; ``names``
    the tables to read (default: every table present).
    """
    processed = Path(processed_dir) if processed_dir is not None else config.PROCESSED_DIR
    if not processed.is_dir():
        raise FileNotFoundError(f"no processed tables in {processed}: run `analysis extract` first")
    processed = current_dir(processed)  # one generation for every table (see safeio)
    columns = columns or {}
    selected = any(v is not None for v in (regions, years, provinces))
    out: dict[str, pd.DataFrame] = {}
    for name in (schema.TABLES if names is None else tuple(names)):
        if not tables.table_exists(processed, name):
            if name in REQUIRED_TABLES:
                raise FileNotFoundError(
                    f"{name}.parquet / {name}.csv missing in {processed}: "
                    "run `analysis extract` first"
                )
            continue
        if name == "metrics" and (selected or name in columns):
            frame = tables.read_rows(processed, name, regions=regions, years=years,
                                     provinces=provinces, columns=columns.get(name))
        elif name == "documents" and regions is not None:  # a figure's region is its report's
            frame = tables.read_rows(processed, name, regions=regions, provinces=provinces,
                                     columns=columns.get(name))
        elif name in columns:
            frame = tables.read_rows(processed, name, columns=columns[name])
        else:
            frame = tables.read_table(processed, name)
        out[name] = _coerce(frame)
    if selected and "documents" in out and "metrics" in out:
        docs = out["documents"]
        keep = docs["doc_id"].isin(set(out["metrics"]["doc_id"]))
        if regions is not None and "region" in docs.columns:
            keep |= docs["region"].isin([str(r) for r in tables._as_values(regions) or []])
        out["documents"] = docs[keep].reset_index(drop=True)
    return out


@lru_cache(maxsize=1)
def _dtypes() -> dict[str, str]:
    """Column name → declared dtype (``fields.csv``); a name has one dtype in every table."""
    return {f.name: f.dtype for f in schema.load_fields()}


def _coerce(df: pd.DataFrame) -> pd.DataFrame:
    """Give every declared column its dtype for analysis: text as ``str`` with "" for
    missing (so ``== ""`` tests work), numbers as float or nullable Int64.

    A column already in that form is kept as it is (every comparison coerces its inputs,
    and a national table's millions of rows were converted again each time)."""
    df = df.copy(deep=False)  # columns are replaced, never written into
    for col in df.columns:
        dtype = _dtypes().get(col)
        if dtype == "str":
            if df[col].dtype == _TEXT and not df[col].isna().any():
                continue
            df[col] = df[col].astype("string").fillna("").astype(str)
        elif dtype == "float":
            if df[col].dtype == np.float64:
                continue
            df[col] = pd.to_numeric(df[col].astype(object), errors="coerce").astype(float)
        elif dtype == "Int64":
            if df[col].dtype == pd.Int64Dtype():
                continue
            df[col] = pd.to_numeric(df[col].astype(object), errors="coerce").round().astype("Int64")
    return df


_TEXT = pd.Series([""]).astype("string").fillna("").astype(str).dtype  # what _coerce makes


def _per_value(values: pd.Series, func: object) -> pd.Series:
    """``values.map(func)`` computed once per distinct value (periods, units, levels)."""
    uniques = pd.unique(values.to_numpy(dtype=object))
    return values.map(dict(zip(uniques, map(func, uniques), strict=True)))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- helpers


def with_doc_info(metrics: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Metrics joined with document facts; a figure with no region takes its document's."""
    metrics = _coerce(metrics)
    documents = _coerce(documents)
    cols = ["doc_id", *[c for c in DOC_INFO_COLS if c in documents.columns]]
    info = documents[cols].drop_duplicates("doc_id")
    if "region" in documents.columns:
        info = info.assign(_doc_region=documents.drop_duplicates("doc_id")["region"].to_numpy())
    drop = [c for c in DOC_INFO_COLS if c in metrics.columns]
    out = metrics.drop(columns=drop).merge(info, on="doc_id", how="left")
    if "_doc_region" in out.columns:
        region = out["region"] if "region" in out.columns else pd.Series("", index=out.index)
        region = region.fillna("").astype(str)
        out["region"] = region.where(region != "", out["_doc_region"].fillna("").astype(str))
        out = out.drop(columns="_doc_region")
    for col in DOC_INFO_COLS:
        if col not in out.columns:
            out[col] = pd.NA
    for col in ("admin_level", "parent_city", "province", "doc_type"):
        out[col] = out[col].astype("string").fillna("").astype(str)
    return _with_levels(out)


def _levels_of(df: pd.DataFrame) -> pd.Series:
    """The ``level`` column as text ("" where absent: tables written before it existed)."""
    if "level" not in df.columns:
        return pd.Series("", index=df.index, dtype=object)
    return df["level"].astype("string").fillna("").astype(str)


def _with_levels(df: pd.DataFrame) -> pd.DataFrame:
    """Every comparison keys on ``level`` too: 47 maker spaces of every level are another
    measure than 12 national ones. A figure of one level is named with it (众创空间（国家级）)."""
    level = _levels_of(df)
    out = df.assign(level=level)
    if "metric_name" in out.columns and (level != "").any():
        names = out["metric_name"].astype("string").fillna("").astype(str)
        has = (level != "") & (names != "")
        label = _per_value(level[has], lambda lv: f"（{code_label('level', lv)}）")
        out["metric_name"] = names.where(~has, names[has] + label)
    return out


def period_type(period: str) -> str:
    """Comparable class of a period: FY, H1, M1-M5 … as is; any N-year span as 'span:N'."""
    match = SPAN_RE.match(period or "")
    if match:
        return f"span:{int(match[2]) - int(match[1]) + 1}"
    return period


def period_step(period: str) -> int:
    """Years between two consecutive periods of this type (5 for a five-year span)."""
    match = SPAN_RE.match(period or "")
    return int(match[2]) - int(match[1]) + 1 if match else 1


def _as_list(value: object) -> list | None:
    if value is None:
        return None
    if isinstance(value, str | int | np.integer):
        return [value]
    return list(value)  # type: ignore[arg-type]


def _kinds(kind: str | Iterable[str] | None) -> list[str]:
    kinds = _as_list(kind) or ["actual", "estimate"]
    bad = [k for k in kinds if k not in KINDS]
    if bad:
        raise ValueError(
            f"unknown kind: {', '.join(map(str, bad))}. Valid kinds: {', '.join(KINDS)}"
        )
    return [str(k) for k in kinds]


def _check(name: str, given: list, valid: list) -> None:
    bad = [g for g in given if g not in valid]
    if bad:
        shown = ", ".join(map(str, valid)) or "(none in the corpus)"
        raise ValueError(f"unknown {name}: {', '.join(map(str, bad))}. Valid {name}s: {shown}")


def _resolve_regions(regions: object, valid: list[str]) -> list[str] | None:
    """Exact names, or a unique prefix ('宁波' → '宁波市'); else ValueError listing valid ones."""
    given = _as_list(regions)
    if given is None:
        return None
    resolved = []
    for name in map(str, given):
        if name in valid:
            resolved.append(name)
            continue
        hits = [v for v in valid if v.startswith(name)] if name else []
        resolved.append(hits[0] if len(hits) == 1 else name)
    _check("region", resolved, valid)
    return resolved


def _years(years: object) -> list[int] | None:
    given = _as_list(years)
    if given is None:
        return None
    try:
        return [int(y) for y in given]
    except (TypeError, ValueError) as exc:
        raise ValueError(f"years must be integers, got {given!r}") from exc


def _uniq(df: pd.DataFrame, col: str) -> list:
    """The sorted values of a column of :func:`with_doc_info`'s frame, blanks left out."""
    if col not in df.columns:
        return []
    return sorted(v for v in df[col].dropna().unique().tolist() if v != "")


def valid_values(metrics: pd.DataFrame, documents: pd.DataFrame) -> dict[str, list]:
    """Values a caller may ask for: what actually occurs in the corpus, sorted."""
    df = with_doc_info(metrics, documents)

    def uniq(col: str) -> list:
        return _uniq(df, col)

    present_levels = set(uniq("admin_level"))
    levels = [lvl for lvl in ADMIN_ORDER if lvl in present_levels]
    levels += [lvl for lvl in sorted(present_levels) if lvl not in levels]
    present_kinds = set(uniq("kind"))
    return {
        "regions": uniq("region"),
        "metric_ids": uniq("metric_id"),
        "years": [int(y) for y in uniq("year")],
        "periods": uniq("period"),
        "admin_levels": levels,
        "kinds": [k for k in KINDS if k in present_kinds],
    }


def _pick_one(df: pd.DataFrame, keys: list[str], restated: bool = True) -> pd.DataFrame:
    """One row per key: actual before estimate before target, later report, earlier in text.

    Adds ``n_sources`` (how many rows stated it) and ``other_values`` (differing
    restatements; left empty when ``restated`` is False, for callers that drop it).
    """
    if df.empty:
        return df.assign(n_sources=pd.Series(dtype="Int64"), other_values="")
    start = df["char_start"] if "char_start" in df.columns else pd.Series(0, index=df.index)
    ranked = df.assign(
        _kind_rank=df["kind"].map(KIND_PREFERENCE).fillna(9),
        _report=pd.to_numeric(df["report_year"], errors="coerce").fillna(-1),
        _start=pd.to_numeric(start, errors="coerce").fillna(0),
    ).sort_values(
        [*keys, "_kind_rank", "_report", "doc_id", "_start"],
        ascending=[*([True] * len(keys)), True, False, True, True],
        kind="mergesort",
    )
    grouped = ranked.groupby(keys, sort=False, dropna=False)
    first = grouped.head(1).copy()
    sizes = grouped["value"].transform("size")
    first["n_sources"] = sizes.loc[first.index].astype("Int64")
    first["other_values"] = _restatements(ranked, grouped, keys) if restated else ""
    return first.drop(columns=["_kind_rank", "_report", "_start"])


def _restatements(ranked: pd.DataFrame, grouped: object, keys: list[str]) -> list[str]:
    """Per group of ``ranked`` (its first rows' order): the other rows whose value differs
    from the chosen one, as 'amount（kind，doc）' joined by '；'.

    Why not a per-group apply: at national scale most series are restated (a summary and
    the next year's plan), and a Python call per group took minutes; here one pass over
    the restating rows builds the texts."""
    gid = grouped.ngroup().to_numpy()  # type: ignore[attr-defined]
    pos = grouped.cumcount().to_numpy()  # type: ignore[attr-defined]
    firsts = np.flatnonzero(pos == 0)
    if len(firsts) == len(ranked):
        return [""] * len(firsts)
    values = ranked["value"].to_numpy(dtype=float)
    chosen = np.full(int(gid.max()) + 1, np.nan)
    chosen[gid[firsts]] = values[firsts]
    keep = (pos > 0) & ~np.isclose(values, chosen[gid], rtol=1e-9, equal_nan=True)
    keep &= ~ranked[keys].isna().any(axis=1).to_numpy()  # as a groupby dropping missing keys
    rows = np.flatnonzero(keep)
    units = ranked["unit"].to_numpy()[rows] if "unit" in ranked.columns else [""] * len(rows)
    texts: dict[int, list[str]] = {}
    kinds = ranked["kind"].to_numpy(dtype=object)[rows]
    labels = {k: code_label("kind", k) for k in set(kinds) if isinstance(k, str)}
    for g, v, u, k, d in zip(gid[rows].tolist(), values[rows].tolist(), units, kinds,
                             ranked["doc_id"].to_numpy(dtype=object)[rows], strict=True):
        label = labels[k] if isinstance(k, str) else code_label("kind", k)
        texts.setdefault(g, []).append(f"{amount_text(v, u)}（{label}，{d}）")
    return ["；".join(texts.get(g, ())) for g in gid[firsts].tolist()]


# --------------------------------------------------------------------------- year over year

YOY_COLUMNS = [
    "region", "metric_id", "metric_name", "unit", "level", "period_type", "period", "year",
    "kind", "qualifier", "value", "yoy_pct", "prev_year", "prev_value", "change_abs", "change_pct",
    "implied_prev_value", "implied", "flag", "doc_id", "n_sources", "other_values",
]  # fmt: skip


def yoy(
    metrics: pd.DataFrame,
    documents: pd.DataFrame,
    regions: str | Iterable[str] | None = None,
    metric_ids: str | Iterable[str] | None = None,
    years: int | Iterable[int] | None = None,
    kind: str | Iterable[str] | None = "actual",
) -> pd.DataFrame:
    """Each region's series per indicator and period type, with changes and implied priors.

    Rows are compared only within the same region, metric_id, unit and period type.
    ``change_*`` come from two consecutive reported values; ``implied_prev_value`` from a
    stated rate. A year known only through a later year's stated rate appears as a row
    with ``implied=True``. ``kind=None`` takes actuals and estimates (actual preferred).
    """
    kinds = _kinds(kind)
    if "target" in kinds and len(kinds) > 1:
        raise ValueError(
            "targets are not compared with reported figures; ask for kind='target' alone"
        )
    metric_list = _as_list(metric_ids)
    year_list = _years(years)
    df = with_doc_info(metrics, documents)
    region_list = (None if regions is None  # else names the corpus holds
                   else _resolve_regions(regions, _uniq(df, "region")))
    if metric_list is not None:
        _check("metric_id", metric_list, _uniq(df, "metric_id"))
    df = df[
        df["kind"].isin(kinds) & (df["metric_id"] != "") & df["year"].notna() & df["value"].notna()
    ]
    if region_list is not None:
        df = df[df["region"].isin(region_list)]
    if metric_list is not None:
        df = df[df["metric_id"].isin(metric_list)]
    df = df.assign(period_type=_per_value(df["period"], period_type))
    keys = ["region", "metric_id", "unit", "level", "period_type", "year"]
    picked = _pick_one(df, keys)
    if picked.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in YOY_COLUMNS})

    out = _add_changes(picked)
    out = pd.concat([out, _implied_rows(out)], ignore_index=True)
    out["implied"] = out["implied"].fillna(False).astype(bool)
    if year_list is not None:
        out = out[out["year"].isin(year_list)]
    out = out.sort_values(["region", "metric_id", "unit", "level", "period_type", "year"],
                          kind="mergesort")
    return out[YOY_COLUMNS].reset_index(drop=True)


def _add_changes(picked: pd.DataFrame) -> pd.DataFrame:
    series = SERIES_KEYS
    out = picked.copy()
    out["year"] = out["year"].astype("Int64")
    step = _per_value(out["period"], period_step).astype("Int64")
    out["prev_year"] = (out["year"] - step).astype("Int64")
    prev = out[[*series, "year", "value", "kind", "qualifier"]].rename(
        columns={
            "year": "prev_year",
            "value": "prev_value",
            "kind": "_prev_kind",
            "qualifier": "_prev_qualifier",
        }
    )
    out = out.merge(prev, on=[*series, "prev_year"], how="left")
    out["prev_year"] = out["prev_year"].where(out["prev_value"].notna(), pd.NA).astype("Int64")
    out["change_abs"] = out["value"] - out["prev_value"]
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = out["change_abs"] / out["prev_value"].abs() * 100
    out["change_pct"] = pct.where(out["prev_value"].notna() & (out["prev_value"] != 0))
    with np.errstate(divide="ignore", invalid="ignore"):
        implied = out["value"] / (1 + out["yoy_pct"] / 100)
    out["implied_prev_value"] = implied.where(out["yoy_pct"].notna() & (out["yoy_pct"] != -100))
    gap = (out["change_pct"] - out["yoy_pct"]).abs()
    bad = gap > rule_threshold("yoy_vs_values", FLAG_TOLERANCE_PP)
    out["flag"] = ""
    out.loc[bad, "flag"] = [
        f"报告所述增速{y:+g}%，两期数值计算为{c:+.1f}%" + _caveat(pk, pq, q)
        for y, c, pk, pq, q in zip(
            out.loc[bad, "yoy_pct"],
            out.loc[bad, "change_pct"],
            out.loc[bad, "_prev_kind"],
            out.loc[bad, "_prev_qualifier"],
            out.loc[bad, "qualifier"],
            strict=True,
        )
    ]
    out["implied"] = False
    return out.drop(columns=["_prev_kind", "_prev_qualifier"])


def _caveat(prev_kind: str, prev_qualifier: str, qualifier: str) -> str:
    """Why a mismatch may be harmless: an estimate or a bound on either side."""
    reasons = []
    if prev_kind == "estimate":
        reasons.append("上期为预计数")
    if prev_qualifier in (">", "<", "~"):
        reasons.append("上期为约数或界限值")
    if qualifier in (">", "<", "~"):
        reasons.append("本期为约数或界限值")
    return f"（{'；'.join(reasons)}）" if reasons else ""


def _implied_rows(out: pd.DataFrame) -> pd.DataFrame:
    """Rows for prior years known only through a stated growth rate."""
    src = out[out["implied_prev_value"].notna() & out["prev_value"].isna()]
    if src.empty:
        return src.iloc[0:0]
    series = SERIES_KEYS
    step = _per_value(src["period"], period_step).astype("Int64")
    rows = src[[*series, "metric_name", "kind", "doc_id"]].copy()
    rows["year"] = (src["year"] - step).astype("Int64")
    shifted = {(p, int(n)): _shift_period(p, int(n))
               for p, n in set(zip(src["period"], step, strict=True))}
    rows["period"] = [shifted[(p, int(n))] for p, n in zip(src["period"], step, strict=True)]
    rows["value"] = src["implied_prev_value"]
    rows["qualifier"] = ""
    rows["implied"] = True
    rows["n_sources"] = pd.array([1] * len(rows), dtype="Int64")
    rows["flag"] = ""
    rows["other_values"] = [
        f"由{y}年数值{amount_text(v, u)}及所述增速{r:+g}%推算"
        for v, u, y, r in zip(src["value"], src["unit"], src["year"], src["yoy_pct"], strict=True)
    ]
    key = [*series, "year"]  # a year with a reported value gets no implied row
    existing = pd.MultiIndex.from_frame(out[key].astype(str))
    keep = ~pd.MultiIndex.from_frame(rows[key].astype(str)).isin(existing)
    return rows[keep]


def _shift_period(period: str, step: int) -> str:
    match = SPAN_RE.match(period)
    if not match:
        return period
    return f"{int(match[1]) - step}-{int(match[2]) - step}"


def _dated_figures(metrics: pd.DataFrame, documents: pd.DataFrame,
                   kind: str | Iterable[str] | None) -> pd.DataFrame:
    """Mapped figures of the wanted kinds that have a year, with their documents' facts."""
    df = with_doc_info(metrics, documents)
    return df[df["kind"].isin(_kinds(kind)) & (df["metric_id"] != "") & df["year"].notna()]


def yoy_pairs(
    metrics: pd.DataFrame,
    documents: pd.DataFrame,
    min_years: int = 2,
    kind: str | Iterable[str] | None = None,
) -> pd.DataFrame:
    """Region × indicator × period type series with at least ``min_years`` reported years."""
    df = _dated_figures(metrics, documents, kind)
    df = df.assign(period_type=df["period"].map(period_type))
    keys = ["region", "metric_id", "unit", "level", "period_type"]
    cols = [*keys, "n_years", "years", "consecutive_pairs", "kinds"]
    if df.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})

    def summarise(g: pd.DataFrame) -> pd.Series:
        yrs = sorted({int(y) for y in g["year"]})
        step = period_step(str(g["period"].iloc[0]))
        pairs = sum(1 for y in yrs if y - step in yrs)
        return pd.Series(
            {
                "n_years": len(yrs),
                "years": ", ".join(map(str, yrs)),
                "consecutive_pairs": pairs,
                "kinds": ", ".join(k for k in KINDS if k in set(g["kind"])),
            }
        )

    out = df.groupby(keys, sort=True)[["year", "period", "kind"]].apply(summarise).reset_index()
    out = out[out["n_years"] >= min_years]
    return out[cols].reset_index(drop=True)


# --------------------------------------------------------------------------- display scaling


@lru_cache(maxsize=1)
def _display_rules() -> pd.DataFrame:
    path = config.PACKAGE_DATA / "display_units.csv"
    rules = pd.read_csv(path, encoding="utf-8-sig", dtype={"unit": str, "display_unit": str})
    return rules.sort_values(["unit", "min_magnitude"], ascending=[True, False])


def scale_for_display(values: pd.Series, unit: str) -> tuple[pd.Series, str]:
    """Values in one readable unit (元 → 亿元/万元 …) chosen from the group's median size.

    One unit for the whole series keeps a column comparable; rules in data/display_units.csv.
    """
    numeric = pd.to_numeric(values, errors="coerce").astype(float)
    magnitude = numeric.abs().median()
    if pd.notna(magnitude):
        for low, factor, display in _unit_rules(str(unit)):
            if magnitude >= low:
                return numeric / factor, display
    return numeric, unit


# --------------------------------------------------------------------------- across cities

CROSS_COLUMNS = [
    "region", "admin_level", "metric_id", "metric_name", "unit", "level", "value", "display_value",
    "display_unit", "rank", "rank_of", "rank_scope", "kind", "year", "period", "qualifier",
    "doc_id", "note",
]  # fmt: skip


def _note(kind: str, period: str, qualifier: str) -> str:
    parts = []
    if period != "FY":
        parts.append(f"{period}数据，不宜与全年数据直接比较")
    if kind == "estimate":
        parts.append("预计数")
    elif kind == "target":
        parts.append("目标值")
    if qualifier == ">":
        parts.append("下限（超过）")
    elif qualifier == "<":
        parts.append("上限（不足）")
    elif qualifier == "~":
        parts.append("约数")
    return "；".join(parts)


def cross_city(
    metrics: pd.DataFrame,
    documents: pd.DataFrame,
    year: int,
    period: str | None = "FY",
    metric_ids: str | Iterable[str] | None = None,
    regions: str | Iterable[str] | None = None,
    admin_levels: str | Iterable[str] | None = None,
    kind: str | list[str] | None = "actual",
) -> pd.DataFrame:
    """One indicator across regions for a year and period, ranked within the same admin level.

    Long form, one row per region × indicator; ``period=None`` keeps every period of the
    year, ranked only against the same period. Unknown names raise ValueError with the
    valid choices.
    """
    kinds = _kinds(kind)
    valid = valid_values(metrics, documents)
    region_list = _resolve_regions(regions, valid["regions"])
    metric_list = _as_list(metric_ids)
    if metric_list is not None:
        _check("metric_id", metric_list, valid["metric_ids"])
    level_list = _as_list(admin_levels)
    if level_list is not None:
        _check("admin_level", level_list, valid["admin_levels"])
    year = _years(year)[0]  # type: ignore[index]

    df = with_doc_info(metrics, documents)
    df = df[df["kind"].isin(kinds) & (df["metric_id"] != "") & df["value"].notna()]
    years_with_data = sorted({int(y) for y in df["year"].dropna()})
    _check("year", [year], years_with_data)
    df = df[df["year"] == year]
    if period is not None:
        periods = sorted(set(df["period"]))
        _check("period", [str(period)], periods)
        df = df[df["period"] == str(period)]
    if region_list is not None:
        df = df[df["region"].isin(region_list)]
    if metric_list is not None:
        df = df[df["metric_id"].isin(metric_list)]
    if level_list is not None:
        df = df[df["admin_level"].isin(level_list)]
    return _ranked(df)


def cross_city_all(
    metrics: pd.DataFrame,
    documents: pd.DataFrame,
    kind: str | list[str] | None = None,
) -> pd.DataFrame:
    """:func:`cross_city` for every year and period at once (one display unit per indicator
    across all years); for the appendix and the overview."""
    kinds = _kinds(kind)
    df = with_doc_info(metrics, documents)
    df = df[df["kind"].isin(kinds) & (df["metric_id"] != "") & df["value"].notna()]
    return _ranked(df[df["year"].notna()])


def _ranked(df: pd.DataFrame) -> pd.DataFrame:
    """One row per region × indicator × year × period, scaled for display and ranked
    only against the same indicator, admin level, year and period."""
    if df.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in CROSS_COLUMNS})
    picked = _pick_one(df, ["region", "metric_id", "unit", "level", "year", "period"])
    picked["admin_level"] = picked["admin_level"].replace("", "unknown")
    parts = []
    for (_, unit), group in picked.groupby(["metric_id", "unit"], sort=True):
        scaled, display_unit = scale_for_display(group["value"], str(unit))
        parts.append(group.assign(display_value=scaled.to_numpy(), display_unit=display_unit))
    out = pd.concat(parts)
    scope = ["metric_id", "unit", "level", "admin_level", "year", "period"]
    out["rank"] = out.groupby(scope)["value"].rank(ascending=False, method="min").astype("Int64")
    out["rank_of"] = out.groupby(scope)["value"].transform("size").astype("Int64")
    out["rank_scope"] = [
        lvl if p == "FY" else f"{lvl}, {p}"
        for lvl, p in zip(out["admin_level"], out["period"], strict=True)
    ]
    out["note"] = [
        _note(k, p, q) for k, p, q in zip(out["kind"], out["period"], out["qualifier"], strict=True)
    ]
    level_rank = {lvl: i for i, lvl in enumerate(ADMIN_ORDER)}
    out = out.assign(_lvl=out["admin_level"].map(level_rank).fillna(len(ADMIN_ORDER)))
    out = out.sort_values(
        ["year", "period", "metric_id", "unit", "level", "_lvl", "rank", "region"],
        kind="mergesort",
    )
    return out[CROSS_COLUMNS].reset_index(drop=True)


def metric_label(name: str, metric_id: str, display_unit: str) -> str:
    """'发明专利授权量 (件)': the row label of a pivot."""
    return f"{name or metric_id} ({display_unit})" if display_unit else (name or metric_id)


def cross_city_pivot(long_df: pd.DataFrame) -> pd.DataFrame:
    """Indicator × region table of display values; columns are (admin_level, region)."""
    if long_df.empty:
        cols = pd.MultiIndex.from_tuples([], names=["admin_level", "region"])
        return pd.DataFrame(index=pd.Index([], name="metric"), columns=cols)
    df = long_df.assign(
        metric=[
            metric_label(n, m, u)
            for n, m, u in zip(
                long_df["metric_name"], long_df["metric_id"], long_df["display_unit"], strict=True
            )
        ]
    )
    if "period" in df.columns and df["period"].nunique() > 1:
        df["metric"] = df["metric"] + " [" + df["period"] + "]"
    table = df.pivot_table(
        index="metric", columns=["admin_level", "region"], values="display_value", aggfunc="first"
    )
    level_rank = {lvl: i for i, lvl in enumerate(ADMIN_ORDER)}
    ordered = sorted(
        table.columns, key=lambda c: (level_rank.get(c[0], len(ADMIN_ORDER)), c[0], c[1])
    )
    order = df.drop_duplicates("metric")["metric"].tolist()
    return table.reindex(
        index=order, columns=pd.MultiIndex.from_tuples(ordered, names=["admin_level", "region"])
    )


def comparable_metrics(
    metrics: pd.DataFrame,
    documents: pd.DataFrame,
    min_regions: int = 2,
    kind: str | Iterable[str] | None = None,
    lists: bool = True,
) -> pd.DataFrame:
    """Indicator × year × period groups stated by at least ``min_regions`` regions.

    ``lists`` False: the joined regions, admin levels and kinds are left empty, for
    callers that use the counts only (the batch's plan, a national overview's
    indicator × year table); joining them was most of the work at national scale."""
    df = _dated_figures(metrics, documents, kind)
    cols = ["metric_id", "unit", "level", "year", "period", "n_regions", "regions", "admin_levels",
            "kinds"]
    if df.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    keys = ["metric_id", "unit", "level", "year", "period"]
    out = df.groupby(keys, sort=True).agg(n_regions=("region", "nunique"))
    if lists:
        out["regions"] = _joined(df, keys, "region", "、").reindex(out.index)
        out["admin_levels"] = _joined(df, keys, "admin_level", ", ").reindex(out.index)
        out["kinds"] = _joined(df, keys, "kind", ", ", KIND_PREFERENCE).reindex(
            out.index).fillna("")
    else:
        out["regions"] = out["admin_levels"] = out["kinds"] = ""
    out = out.reset_index()
    out = out[out["n_regions"] >= min_regions]
    return out[cols].reset_index(drop=True)


def _joined(df: pd.DataFrame, keys: list[str], col: str, sep: str,
            order: dict[str, int] | None = None) -> pd.Series:
    """Per group of ``keys``: the distinct values of ``col`` sorted (by ``order``, which
    also leaves out values it does not hold) and joined by ``sep``.

    Why not a lambda per group: the overview's groups hold thousands of regions each,
    and iterating them group by group took most of its minute."""
    pairs = df[[*keys, col]].drop_duplicates()
    pairs = pairs.assign(**{col: pairs[col].astype(object)})
    if order is not None:
        pairs = pairs.assign(_order=pairs[col].map(order)).dropna(subset=["_order"])
        pairs = pairs.sort_values("_order", kind="mergesort")
    else:
        pairs = pairs.sort_values(col, kind="mergesort")
    return pairs.groupby(keys, sort=True)[col].agg(sep.join)


# --------------------------------------------------------------------------- targets

TARGET_COLUMNS = [
    "region", "metric_id", "metric_name", "unit", "level", "year", "period", "target_value",
    "target_qualifier", "target_doc", "actual_value", "actual_kind", "actual_qualifier",
    "actual_doc", "attainment_pct", "met", "note",
]  # fmt: skip


def targets_vs_actuals(metrics: pd.DataFrame, documents: pd.DataFrame,
                       notes: bool = True) -> pd.DataFrame:
    """Each stated target beside the actual (else estimate) figure for the same region,
    indicator, unit, year and period, with attainment = actual / target × 100.

    ``notes`` False: the ``note`` column is left empty, for callers that show only the
    summary and the chart (a national overview: a note per target was a tenth of it)."""
    df = with_doc_info(metrics, documents)
    df = df[(df["metric_id"] != "") & df["year"].notna() & df["value"].notna()]
    keys = ["region", "metric_id", "unit", "level", "year", "period"]
    targets = df[df["kind"] == "target"].drop_duplicates([*keys, "value", "doc_id"])
    if targets.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in TARGET_COLUMNS})
    reported = _pick_one(df[df["kind"].isin(["actual", "estimate"])], keys, restated=False)
    actual = reported[[*keys, "value", "kind", "qualifier", "doc_id"]].rename(
        columns={
            "value": "actual_value",
            "kind": "actual_kind",
            "qualifier": "actual_qualifier",
            "doc_id": "actual_doc",
        }
    )
    out = targets.rename(
        columns={"value": "target_value", "qualifier": "target_qualifier", "doc_id": "target_doc"}
    ).merge(actual, on=keys, how="left")
    with np.errstate(divide="ignore", invalid="ignore"):
        out["attainment_pct"] = (out["actual_value"] / out["target_value"] * 100).where(
            out["target_value"] != 0
        )
    met = pd.array([pd.NA] * len(out), dtype="boolean")
    has = out["actual_value"].notna().to_numpy()
    met[has] = (out["actual_value"] >= out["target_value"]).to_numpy()[has]
    out["met"] = met
    if notes:
        partial = _partial_actuals(df, out[out["actual_value"].isna()])
        out["note"] = _target_notes(out, partial)
    else:
        out["note"] = ""
    for col in ("actual_kind", "actual_qualifier", "actual_doc"):
        out[col] = out[col].astype("string").fillna("").astype(str)
    out = out.sort_values(["region", "year", "metric_id", "target_doc"], kind="mergesort")
    return out[TARGET_COLUMNS].reset_index(drop=True)


def _partial_actuals(df: pd.DataFrame, wanted: pd.DataFrame) -> dict[tuple, str]:
    """Other-period reported figures for the same region/indicator/year, to mention in notes
    (only for the targets in ``wanted``: those without an actual of their own period)."""
    key = ["region", "metric_id", "unit", "level", "year"]
    rep = df[df["kind"].isin(["actual", "estimate"])]
    if rep.empty or wanted.empty:
        return {}

    def index(frame: pd.DataFrame) -> pd.MultiIndex:
        return pd.MultiIndex.from_frame(frame[key].astype({"year": "int64"}))

    rep = rep[index(rep).isin(index(wanted))]
    found: dict[tuple, list[str]] = {}
    for region, metric_id, unit, level, year, period, value in zip(
            *(rep[c] for c in [*key, "period", "value"]), strict=True):
        found.setdefault((region, metric_id, unit, level, int(year)), []).append(
            f"{period}: {_fmt_number(value)} {unit}")
    return {k: ", ".join(sorted(set(v))) for k, v in found.items()}


def _fmt_number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.6g}"


def _target_notes(out: pd.DataFrame, partial: dict[tuple, str]) -> list[str]:
    """:func:`_target_note` of every row, from plain lists (hundreds of thousands of
    targets at national scale)."""
    cols = ["region", "metric_id", "unit", "level", "year", "period", "actual_value",
            "actual_kind", "actual_qualifier"]
    values = [out[c].astype(object).tolist() for c in cols]
    return [_target_note(row, partial) for row in zip(*values, strict=True)]


def _target_note(row: tuple, partial: dict[tuple, str]) -> str:
    region, metric_id, unit, level, year, period, actual, actual_kind, actual_q = row
    if actual is None or actual is pd.NA or actual != actual:  # pd.isna, for one number
        note = "语料中没有对应的实际数"
        other = partial.get((region, metric_id, unit, level, int(year)))
        return f"{note}；其他期间：{other}" if other else note
    parts = []
    if actual_kind == "estimate":
        parts.append("实际数为预计数")
    if actual_q == ">":
        parts.append("实际数为下限")
    elif actual_q == "~":
        parts.append("实际数为约数")
    return "；".join(parts)


# --------------------------------------------------------------------------- plausibility
# Why: a figure misread by the extractor (or misprinted in the report) looks like any
# other figure in a table. These checks say, in words, when a value is far from the
# region's own other years or from its peers, when a growth rate is out of the usual
# range, or when one indicator counts national items one year and all items the next.
# Rules and thresholds are data (data/plausibility_rules.csv); medians keep one bad
# value from hiding another.

PLAUSIBILITY_COLUMNS = ["region", "metric_id", "unit", "level", "period_type", "year", "rule",
                        "message"]
SERIES_KEYS = ["region", "metric_id", "unit", "level", "period_type"]
_RULE_NAMES = ("yoy_vs_values", "own_years", "peers", "yoy_range")


@lru_cache(maxsize=1)
def plausibility_rules() -> dict[str, dict[str, object]]:
    """Rule name → {low, high, min_count, text_zh} from data/plausibility_rules.csv, checked."""
    path = config.PACKAGE_DATA / "plausibility_rules.csv"
    table = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    out: dict[str, dict[str, object]] = {}
    for i, row in enumerate(table.to_dict("records"), start=2):
        name = row.get("rule", "")
        if name not in _RULE_NAMES:
            raise ValueError(f"{path} line {i}: unknown rule {name!r}; known: {', '.join(_RULE_NAMES)}")
        try:
            parsed = {
                k: (float(row[k]) if row.get(k, "") != "" else None) for k in ("low", "high")
            }
            parsed["min_count"] = int(row["min_count"]) if row.get("min_count") else 1
        except ValueError as exc:
            raise ValueError(f"{path} line {i}: low, high and min_count must be numbers") from exc
        parsed["text_zh"] = row.get("text_zh", "")
        out[name] = parsed
    missing = [r for r in _RULE_NAMES if r not in out]
    if missing:
        raise ValueError(f"{path}: rule(s) missing: {', '.join(missing)}")
    return out


def rule_threshold(name: str, default: float) -> float:
    """The ``high`` threshold of a rule, or ``default`` when the file leaves it empty."""
    value = plausibility_rules()[name]["high"]
    return float(value) if isinstance(value, float) else default


@lru_cache(maxsize=256)
def _unit_rules(unit: str) -> tuple[tuple[float, float, str], ...]:
    """(min_magnitude, factor, display_unit) of a unit, largest first (as scale_for_display)."""
    rules = _display_rules()[lambda r: r["unit"] == unit]
    return tuple((float(r.min_magnitude), float(r.factor), str(r.display_unit))
                 for r in rules.itertuples())


def amount_text(value: float, unit: str) -> str:
    """An amount for a sentence in its readable unit: 32亿元, 1,190万平方米, 12家.

    :func:`scale_for_display` of the one value, without a Series per call (flags and
    restatements call this for every flagged or restated figure of the corpus)."""
    if value is None or value is pd.NA or value != value:  # pd.isna of one value, faster
        return ""
    number, shown = float(value), str(unit or "")
    if number == number:
        for low, factor, display in _unit_rules(shown):
            if abs(number) >= low:
                number, shown = number / factor, display
                break
    return f"{f'{number:,.4f}'.rstrip('0').rstrip('.') or '0'}{shown}"  # labels.plain_number


def _fold(value: float, reference: float) -> float:
    if value <= 0 or reference <= 0:
        return float("nan")
    return max(value / reference, reference / value)


def _fold_text(value: float, reference: float) -> str:
    fold = _fold(value, reference)
    return f"{fold:,.0f}倍" if fold >= 10 else f"{fold:,.1f}倍"


def _flag_frame(rows: pd.DataFrame, at: np.ndarray, rule: str, messages: list[str]) -> pd.DataFrame:
    """Flag rows (PLAUSIBILITY_COLUMNS) for the rows of ``rows`` at positions ``at``."""
    part = rows.iloc[at]
    out = {k: part[k].to_numpy(dtype=object) for k in SERIES_KEYS}
    return pd.DataFrame({**out, "year": part["year"].to_numpy(dtype=object), "rule": rule,
                         "message": pd.Series(messages, dtype=object).to_numpy()})


def _grouped_medians_of_others(gid: np.ndarray, values: np.ndarray) -> tuple[np.ndarray,
                                                                                np.ndarray]:
    """:func:`_medians_of_others` within groups (``gid``: a group number per element, from
    0): per element, the median of the *other* positive values of its group and how many
    there are. All groups at once: one sort by group and value, then look-ups."""
    groups = int(gid.max()) + 1 if len(gid) else 0
    positive = values > 0
    at = np.flatnonzero(positive)
    order = at[np.lexsort((values[at], gid[at]))]  # positive elements by group, then value
    ranked, rgid = values[order], gid[order]
    size = np.bincount(rgid, minlength=groups)  # positive values per group
    start = np.concatenate([[0], np.cumsum(size)[:-1]]).astype(int)
    new_run = np.ones(len(order), dtype=bool)  # first of equal values: np.searchsorted 'left'
    new_run[1:] = (rgid[1:] != rgid[:-1]) | (ranked[1:] != ranked[:-1])
    first_equal = np.maximum.accumulate(np.where(new_run, np.arange(len(order)), 0))
    n_g = size[gid]
    k = n_g.copy()  # the one left out: none for a value that is not positive
    k[order] = first_equal - start[rgid]
    n = np.where(positive, n_g - 1, n_g)
    if not len(ranked):
        return np.full(len(values), np.nan), n

    def nth(j: np.ndarray) -> np.ndarray:  # the j-th of the others in the group
        inner = np.minimum(np.where(j < k, j, j + 1), np.maximum(n_g - 1, 0))
        return ranked[np.clip(start[gid] + inner, 0, len(ranked) - 1)]

    half = np.maximum(n - 1, 0) // 2
    odd = nth(half)
    even = (nth(np.maximum(n // 2 - 1, 0)) + nth(n // 2)) / 2
    medians = np.where(n % 2 == 1, odd, even)
    return np.where(n > 0, medians, np.nan), n


def _fold_array(values: np.ndarray, medians: np.ndarray) -> np.ndarray:
    """:func:`_fold` elementwise (nan where either side is not positive)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((values > 0) & (medians > 0),
                        np.maximum(values / medians, medians / values), np.nan)


def _group_ids(rows: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """A group number per row (-1 where a key is missing: those rows form no group)."""
    return rows.groupby(keys, sort=False).ngroup().fillna(-1).to_numpy(dtype=np.int64)


def _own_year_flags(rows: pd.DataFrame, rule: dict[str, object]) -> pd.DataFrame:
    """A value far from the median of the region's other years of the same series."""
    high, need = float(rule["high"] or 10), int(rule["min_count"] or 1)  # type: ignore[arg-type]
    gid = _group_ids(rows, SERIES_KEYS)
    ok = gid >= 0
    values = rows["value"].to_numpy(dtype=float)
    medians, counts = np.full(len(rows), np.nan), np.zeros(len(rows), dtype=int)
    if ok.any():
        medians[ok], counts[ok] = _grouped_medians_of_others(gid[ok], values[ok])
    sizes = np.bincount(gid[ok], minlength=int(gid.max()) + 1)[gid] if ok.any() else gid
    fold = _fold_array(values, medians)
    at = np.flatnonzero(ok & (sizes >= need + 1) & (counts >= need) & (fold > high))
    units = rows["unit"].to_numpy()
    messages = [f"{rule['text_zh']}：{'高出' if values[i] > medians[i] else '低于'}本地区其他年份"
                f"中位数（{amount_text(medians[i], units[i])}）"
                f"{_fold_text(values[i], float(medians[i]))}" for i in at]  # fmt: skip
    return _flag_frame(rows, at, "own_years", messages)


def _medians_of_others(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per element: the median of the *other* positive values, and how many there are.

    Why: the peer rule compares each region with the median of all other regions of its
    level; at national scale a group holds thousands of regions, and taking the others
    row by row was quadratic. From the sorted positive values, leaving one out shifts
    the middle by at most one place, so every median is a look-up (np.median's values:
    the middle one, or the mean of the two middle ones)."""
    return _grouped_medians_of_others(np.zeros(len(values), dtype=int), values)


def _peer_flags(rows: pd.DataFrame, rule: dict[str, object]) -> pd.DataFrame:
    """A value far from the median of the other regions of its level (same indicator,
    unit, level of item, period type and year)."""
    high, need = float(rule["high"] or 20), int(rule["min_count"] or 3)  # type: ignore[arg-type]
    keys = ["metric_id", "unit", "level", "period_type", "year", "admin_level"]
    gid = _group_ids(rows, keys)
    values = rows["value"].to_numpy(dtype=float)
    regions = rows["region"].to_numpy()
    medians, counts = np.full(len(rows), np.nan), np.zeros(len(rows), dtype=int)
    ok = gid >= 0
    n_regions = rows[ok].groupby(gid[ok])["region"].nunique()
    wide = np.zeros(int(gid.max()) + 2 if len(gid) else 1, dtype=bool)  # +1: gid -1 last
    wide[n_regions.index[n_regions.to_numpy() >= need + 1]] = True
    ok &= wide[gid]
    repeated = rows[ok].duplicated(["region", *keys], keep=False).to_numpy()
    shared = np.zeros_like(wide)
    shared[gid[ok][repeated]] = True  # a region twice in a group: the others are not the rest
    plain = ok & ~shared[gid]
    if plain.any():
        medians[plain], counts[plain] = _grouped_medians_of_others(
            np.unique(gid[plain], return_inverse=True)[1], values[plain])
    for g in np.flatnonzero(shared):
        members = np.flatnonzero(gid == g)
        for i in members:
            others = values[members][(regions[members] != regions[i]) & (values[members] > 0)]
            counts[i] = len(others)
            medians[i] = float(np.median(others)) if len(others) else np.nan
    fold = _fold_array(values, medians)
    at = np.flatnonzero(ok & (counts >= need) & (fold > high))
    units, levels = rows["unit"].to_numpy(), rows["admin_level"].to_numpy()
    messages = [f"{rule['text_zh']}：{'高出' if values[i] > medians[i] else '低于'}其他{int(counts[i])}个"
                f"{code_label('admin_level', levels[i]) or '同级'}的中位数"
                f"（{amount_text(medians[i], units[i])}）{_fold_text(values[i], float(medians[i]))}"
                for i in at]  # fmt: skip
    return _flag_frame(rows, at, "peers", messages)


def _range_flags(rows: pd.DataFrame, rule: dict[str, object]) -> pd.DataFrame:
    """A stated or computed growth rate outside the usual range."""
    low, high = rule["low"], rule["high"]
    low = float(low) if isinstance(low, float) else -100.0
    high = float(high) if isinstance(high, float) else float("inf")
    parts = []
    for col, what in (("yoy_pct", "报告所述同比"), ("change_pct", "两期数值计算的变化率")):
        if col not in rows.columns:
            continue
        pct = pd.to_numeric(rows[col], errors="coerce").to_numpy(dtype=float)
        at = np.flatnonzero((pct < low) | (pct > high))
        parts.append(_flag_frame(rows, at, "yoy_range", [
            f"{rule['text_zh']}：{what}{float(pct[i]):+.1f}%，常见范围为{low:+g}%至{high:+g}%"
            for i in at]))
    return pd.concat(parts, ignore_index=True) if parts else _flag_frame(rows, np.array([], int),
                                                                         "yoy_range", [])


def plausibility_flags(
    yoy_df: pd.DataFrame, metrics: pd.DataFrame, documents: pd.DataFrame
) -> pd.DataFrame:
    """One row per (series, year, rule) that fails a plausibility rule, with its message.

    ``yoy_df`` is :func:`yoy` over the whole corpus (peers need every region); the
    stated-vs-computed check stays in :func:`yoy`'s own ``flag``. Rows implied by a rate
    are not checked (they are not reported figures). Each rule is judged on all series
    at once (array operations; messages only for the flagged rows).
    """
    rules = plausibility_rules()
    if yoy_df.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in PLAUSIBILITY_COLUMNS})
    rows = yoy_df[~yoy_df["implied"].fillna(False).astype(bool)].copy()
    rows["level"] = _levels_of(rows)
    rows = rows[rows["value"].notna() & rows["year"].notna()].reset_index(drop=True)
    docs = _coerce(documents)
    level_of = dict(zip(docs["doc_id"], docs.get("admin_level", pd.Series("", index=docs.index))
                        .astype("string").fillna("").astype(str), strict=True))  # fmt: skip
    rows["admin_level"] = rows["doc_id"].map(level_of).astype(object).fillna("")
    found = [
        _own_year_flags(rows, rules["own_years"]),
        _peer_flags(rows, rules["peers"]),
        _range_flags(rows, rules["yoy_range"]),
    ]
    out = pd.concat(found, ignore_index=True)
    if out.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in PLAUSIBILITY_COLUMNS})
    out = out[PLAUSIBILITY_COLUMNS]
    out["year"] = out["year"].astype("Int64")
    return out.sort_values([*SERIES_KEYS, "year", "rule"], kind="mergesort").reset_index(drop=True)


def with_flags(df: pd.DataFrame, flags: pd.DataFrame, column: str = "flag") -> pd.DataFrame:
    """``df`` with each row's plausibility messages added to ``column`` (joined by '；').

    Works for yoy tables and cross-city tables alike (``period_type`` is derived from
    ``period`` when missing), so every output says the same thing about a figure.
    """
    out = df.copy()
    if column not in out.columns:
        out[column] = ""
    if out.empty or flags.empty:
        return out
    if "period_type" not in out.columns:
        pt = out["period"].astype(str).map(period_type)
    else:
        pt = out["period_type"].astype(str)
    lookup: dict[tuple, list[str]] = {}
    flag_level = _levels_of(flags)
    for row, lv in zip(flags.itertuples(index=False), flag_level, strict=True):
        key = (row.region, row.metric_id, row.unit, lv, row.period_type, int(row.year))
        lookup.setdefault(key, []).append(str(row.message))
    implied = out["implied"].fillna(False).astype(bool) if "implied" in out else None
    messages = []
    for i, key in enumerate(zip(out["region"], out["metric_id"], out["unit"], _levels_of(out),
                                pt, out["year"], strict=True)):  # fmt: skip
        if pd.isna(key[5]) or (implied is not None and implied.iloc[i]):
            messages.append([])
            continue
        messages.append(lookup.get((*map(str, key[:5]), int(key[5])), []))
    old = out[column].astype("string").fillna("").astype(str)
    out[column] = [
        "；".join([o, *m]) if o else "；".join(m) for o, m in zip(old, messages, strict=True)
    ]
    return out


def corpus_flags(metrics: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """:func:`plausibility_flags` over the whole corpus (actuals and estimates).

    Only figures mapped to an indicator are compared, so only those are joined with
    their documents (at national scale, seven in ten figures are not)."""
    mapped = metrics[metrics["metric_id"].notna() & (metrics["metric_id"].astype(str) != "")]
    return plausibility_flags(yoy(mapped, documents, kind=None), metrics, documents)


def yoy_checked(metrics: pd.DataFrame, documents: pd.DataFrame,
                flags: pd.DataFrame | None = None, **kwargs: object) -> pd.DataFrame:
    """:func:`yoy` with every plausibility message in ``flag`` (peers judged on the corpus:
    ``flags`` are :func:`corpus_flags` computed once, else computed here from the tables)."""
    table = yoy(metrics, documents, **kwargs)  # type: ignore[arg-type]
    return with_flags(table, corpus_flags(metrics, documents) if flags is None else flags)


def flag_summary(flags: pd.DataFrame) -> pd.DataFrame:
    """Flags per region (for the index and the review queue): count and the messages."""
    if flags.empty:
        return pd.DataFrame({"region": pd.Series(dtype=str), "n_flags": pd.Series(dtype=int)})
    return (
        flags.groupby("region", sort=True)
        .agg(n_flags=("rule", "size"))
        .reset_index()
    )
