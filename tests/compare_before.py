"""The comparison code as it was before issue 15's vectorised corpus flags (copied from
src/analysis/compare.py): tests/test_flag_paths.py checks the new code gives the same
frames. Helpers that did not change are imported from the package."""
# ruff: noqa
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from analysis import schema
from analysis.compare import (ADMIN_ORDER, KINDS, SPAN_RE, CROSS_COLUMNS, FLAG_TOLERANCE_PP, KIND_PREFERENCE,
                              PLAUSIBILITY_COLUMNS, SERIES_KEYS, TARGET_COLUMNS, YOY_COLUMNS,
                              DOC_INFO_COLS, _as_list, _check, _fold, _fold_text, _kinds,
                              _caveat, _resolve_regions, _years, _medians_of_others, _note,
                              _fmt_number, amount_text, period_step, period_type,
                              plausibility_rules, rule_threshold, scale_for_display)
from analysis.labels import code_label

@lru_cache(maxsize=1)
def _dtypes() -> dict[str, str]:
    """Column name → declared dtype (``fields.csv``); a name has one dtype in every table."""
    return {f.name: f.dtype for f in schema.load_fields()}


def _coerce(df: pd.DataFrame) -> pd.DataFrame:
    """Give every declared column its dtype for analysis: text as ``str`` with "" for
    missing (so ``== ""`` tests work), numbers as float or nullable Int64."""
    df = df.copy()
    for col in df.columns:
        dtype = _dtypes().get(col)
        if dtype == "str":
            df[col] = df[col].astype("string").fillna("").astype(str)
        elif dtype == "float":
            df[col] = pd.to_numeric(df[col].astype(object), errors="coerce").astype(float)
        elif dtype == "Int64":
            df[col] = pd.to_numeric(df[col].astype(object), errors="coerce").round().astype("Int64")
    return df


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
        out["metric_name"] = [f"{n}（{code_label('level', lv)}）" if lv and n else n
                              for n, lv in zip(names, level, strict=True)]
    return out


def valid_values(metrics: pd.DataFrame, documents: pd.DataFrame) -> dict[str, list]:
    """Values a caller may ask for: what actually occurs in the corpus, sorted."""
    df = with_doc_info(metrics, documents)

    def uniq(col: str) -> list:
        if col not in df.columns:
            return []
        return sorted(v for v in df[col].dropna().unique().tolist() if v != "")

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


def _pick_one(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per key: actual before estimate before target, later report, earlier in text.

    Adds ``n_sources`` (how many rows stated it) and ``other_values`` (differing restatements).
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
    first["other_values"] = ""
    multi = ranked[sizes > 1]
    if not multi.empty:  # only restated figures need the slow per-group summary

        def others(group: pd.DataFrame) -> str:
            chosen = group["value"].iloc[0]
            rest = group.iloc[1:]
            rest = rest[~np.isclose(rest["value"], chosen, rtol=1e-9, equal_nan=True)]
            units = rest["unit"] if "unit" in rest.columns else [""] * len(rest)
            return "；".join(
                f"{amount_text(v, u)}（{code_label('kind', k)}，{d}）"
                for v, u, k, d in zip(rest["value"], units, rest["kind"], rest["doc_id"],
                                      strict=True)
            )

        wanted = ["value", "kind", "doc_id", *(["unit"] if "unit" in multi.columns else [])]
        other = multi.groupby(keys, sort=False)[wanted].apply(others)
        lookup = dict(zip(other.index.to_flat_index(), other.to_numpy(), strict=True))
        index = first.set_index(keys).index.to_flat_index()
        first["other_values"] = [lookup.get(k, "") for k in index]
    return first.drop(columns=["_kind_rank", "_report", "_start"])


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
    valid = valid_values(metrics, documents)
    region_list = _resolve_regions(regions, valid["regions"])
    metric_list = _as_list(metric_ids)
    if metric_list is not None:
        _check("metric_id", metric_list, valid["metric_ids"])
    year_list = _years(years)

    df = with_doc_info(metrics, documents)
    df = df[
        df["kind"].isin(kinds) & (df["metric_id"] != "") & df["year"].notna() & df["value"].notna()
    ]
    if region_list is not None:
        df = df[df["region"].isin(region_list)]
    if metric_list is not None:
        df = df[df["metric_id"].isin(metric_list)]
    df = df.assign(period_type=df["period"].map(period_type))
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
    step = out["period"].map(period_step).astype("Int64")
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
    step = src["period"].map(period_step).astype("Int64")
    rows = src[[*series, "metric_name", "kind", "doc_id"]].copy()
    rows["year"] = (src["year"] - step).astype("Int64")
    rows["period"] = [_shift_period(p, int(s)) for p, s in zip(src["period"], step, strict=True)]
    rows["value"] = src["implied_prev_value"]
    rows["qualifier"] = ""
    rows["implied"] = True
    rows["n_sources"] = pd.array([1] * len(rows), dtype="Int64")
    rows["flag"] = ""
    rows["other_values"] = [
        f"由{y}年数值{amount_text(v, u)}及所述增速{r:+g}%推算"
        for v, u, y, r in zip(src["value"], src["unit"], src["year"], src["yoy_pct"], strict=True)
    ]
    existing = set(map(tuple, out[[*series, "year"]].astype(str).to_numpy()))
    keep = [tuple(map(str, k)) not in existing for k in rows[[*series, "year"]].to_numpy()]
    return rows[keep]


def _shift_period(period: str, step: int) -> str:
    match = SPAN_RE.match(period)
    if not match:
        return period
    return f"{int(match[1]) - step}-{int(match[2]) - step}"



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



def targets_vs_actuals(metrics: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Each stated target beside the actual (else estimate) figure for the same region,
    indicator, unit, year and period, with attainment = actual / target × 100."""
    df = with_doc_info(metrics, documents)
    df = df[(df["metric_id"] != "") & df["year"].notna() & df["value"].notna()]
    keys = ["region", "metric_id", "unit", "level", "year", "period"]
    targets = df[df["kind"] == "target"].drop_duplicates([*keys, "value", "doc_id"])
    if targets.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in TARGET_COLUMNS})
    reported = _pick_one(df[df["kind"].isin(["actual", "estimate"])], keys)
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
    partial = _partial_actuals(df, keys)
    out["note"] = [
        _target_note(row, partial)
        for row in out[[*keys, "actual_value", "actual_kind", "actual_qualifier"]].itertuples(
            index=False
        )
    ]
    for col in ("actual_kind", "actual_qualifier", "actual_doc"):
        out[col] = out[col].astype("string").fillna("").astype(str)
    out = out.sort_values(["region", "year", "metric_id", "target_doc"], kind="mergesort")
    return out[TARGET_COLUMNS].reset_index(drop=True)


def _partial_actuals(df: pd.DataFrame, keys: list[str]) -> dict[tuple, str]:
    """Other-period reported figures for the same region/indicator/year, to mention in notes."""
    rep = df[df["kind"].isin(["actual", "estimate"])]
    found: dict[tuple, list[str]] = {}
    for row in rep.itertuples(index=False):
        key = (row.region, row.metric_id, row.unit, row.level, int(row.year))
        found.setdefault(key, []).append(f"{row.period}: {_fmt_number(row.value)} {row.unit}")
    return {k: ", ".join(sorted(set(v))) for k, v in found.items()}


def _fmt_number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.6g}"


def _target_note(row: tuple, partial: dict[tuple, str]) -> str:
    region, metric_id, unit, level, year, period, actual, actual_kind, actual_q = row
    if pd.isna(actual):
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


def _own_year_flags(rows: pd.DataFrame, rule: dict[str, object]) -> list[dict[str, object]]:
    high, need = float(rule["high"] or 10), int(rule["min_count"] or 1)  # type: ignore[arg-type]
    out = []
    for _, group in rows.groupby(SERIES_KEYS, sort=False):
        if len(group) < need + 1:
            continue
        values = group["value"].to_numpy(dtype=float)
        for i, (year, value) in enumerate(zip(group["year"], values, strict=True)):
            others = np.delete(values, i)
            others = others[others > 0]
            if len(others) < need:
                continue
            median = float(np.median(others))
            if _fold(value, median) > high:
                word = "高出" if value > median else "低于"
                out.append({**group.iloc[i][SERIES_KEYS].to_dict(), "year": year,
                            "rule": "own_years",
                            "message": f"{rule['text_zh']}：{word}本地区其他年份中位数"
                                       f"（{amount_text(median, group['unit'].iloc[i])}）"
                                       f"{_fold_text(value, median)}"})  # fmt: skip
    return out


def _peer_flags(rows: pd.DataFrame, rule: dict[str, object]) -> list[dict[str, object]]:
    high, need = float(rule["high"] or 20), int(rule["min_count"] or 3)  # type: ignore[arg-type]
    out = []
    keys = ["metric_id", "unit", "level", "period_type", "year", "admin_level"]
    for key, group in rows.groupby(keys, sort=False):
        if group["region"].nunique() < need + 1:
            continue
        values = group["value"].to_numpy(dtype=float)
        if group["region"].is_unique:  # the others of a row are all the other rows
            medians, counts = _medians_of_others(values)
        else:
            regions = group["region"].to_numpy()
            medians, counts = np.full(len(group), np.nan), np.zeros(len(group), dtype=int)
            for i in range(len(group)):
                others = values[(regions != regions[i]) & (values > 0)]
                counts[i] = len(others)
                medians[i] = float(np.median(others)) if len(others) else np.nan
        with np.errstate(divide="ignore", invalid="ignore"):
            fold = np.where((values > 0) & (medians > 0),
                            np.maximum(values / medians, medians / values), np.nan)
        for i in np.flatnonzero((counts >= need) & (fold > high)):  # as _fold(value, median)
            row = group.iloc[i]
            median = float(medians[i])
            word = "高出" if row["value"] > median else "低于"
            level = code_label("admin_level", key[5]) or "同级"
            out.append({**row[SERIES_KEYS].to_dict(), "year": row["year"], "rule": "peers",
                        "message": f"{rule['text_zh']}：{word}其他{int(counts[i])}个{level}的中位数"
                                   f"（{amount_text(median, row['unit'])}）"
                                   f"{_fold_text(float(row['value']), median)}"})  # fmt: skip
    return out


def _range_flags(rows: pd.DataFrame, rule: dict[str, object]) -> list[dict[str, object]]:
    low, high = rule["low"], rule["high"]
    low = float(low) if isinstance(low, float) else -100.0
    high = float(high) if isinstance(high, float) else float("inf")
    out = []
    for col, what in (("yoy_pct", "报告所述同比"), ("change_pct", "两期数值计算的变化率")):
        if col not in rows.columns:
            continue
        pct = pd.to_numeric(rows[col], errors="coerce")
        bad = rows[(pct < low) | (pct > high)]
        for _, row in bad.iterrows():
            out.append({**row[SERIES_KEYS].to_dict(), "year": row["year"], "rule": "yoy_range",
                        "message": f"{rule['text_zh']}：{what}{float(row[col]):+.1f}%，"
                                   f"常见范围为{low:+g}%至{high:+g}%"})  # fmt: skip
    return out


def plausibility_flags(
    yoy_df: pd.DataFrame, metrics: pd.DataFrame, documents: pd.DataFrame
) -> pd.DataFrame:
    """One row per (series, year, rule) that fails a plausibility rule, with its message.

    ``yoy_df`` is :func:`yoy` over the whole corpus (peers need every region); the
    stated-vs-computed check stays in :func:`yoy`'s own ``flag``. Rows implied by a rate
    are not checked (they are not reported figures).
    """
    rules = plausibility_rules()
    if yoy_df.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in PLAUSIBILITY_COLUMNS})
    rows = yoy_df[~yoy_df["implied"].fillna(False).astype(bool)].copy()
    rows["level"] = _levels_of(rows)
    rows = rows[rows["value"].notna() & rows["year"].notna()]
    docs = _coerce(documents)
    level_of = dict(zip(docs["doc_id"], docs.get("admin_level", pd.Series("", index=docs.index))
                        .astype("string").fillna("").astype(str), strict=True))  # fmt: skip
    rows["admin_level"] = [level_of.get(d, "") for d in rows["doc_id"]]
    found = [
        *_own_year_flags(rows, rules["own_years"]),
        *_peer_flags(rows, rules["peers"]),
        *_range_flags(rows, rules["yoy_range"]),
    ]
    if not found:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in PLAUSIBILITY_COLUMNS})
    out = pd.DataFrame(found)[PLAUSIBILITY_COLUMNS]
    out["year"] = out["year"].astype("Int64")
    return out.sort_values([*SERIES_KEYS, "year", "rule"], kind="mergesort").reset_index(drop=True)

def corpus_flags(metrics: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """:func:`plausibility_flags` over the whole corpus (actuals and estimates)."""
    return plausibility_flags(yoy(metrics, documents, kind=None), metrics, documents)



from analysis.compare import _dated_figures  # noqa: E402


def comparable_metrics(
    metrics: pd.DataFrame,
    documents: pd.DataFrame,
    min_regions: int = 2,
    kind: str | Iterable[str] | None = None,
) -> pd.DataFrame:
    """Indicator × year × period groups stated by at least ``min_regions`` regions."""
    df = _dated_figures(metrics, documents, kind)
    cols = ["metric_id", "unit", "level", "year", "period", "n_regions", "regions", "admin_levels",
            "kinds"]
    if df.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    grouped = df.groupby(["metric_id", "unit", "level", "year", "period"], sort=True)
    out = grouped.agg(
        n_regions=("region", "nunique"),
        regions=("region", lambda s: "、".join(sorted(set(s)))),
        admin_levels=("admin_level", lambda s: ", ".join(sorted(set(s)))),
        kinds=("kind", lambda s: ", ".join(k for k in KINDS if k in set(s))),
    ).reset_index()
    out = out[out["n_regions"] >= min_regions]
    return out[cols].reset_index(drop=True)
