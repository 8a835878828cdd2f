"""What most needs a reviewer's eyes: figure flags and the order of the review queue.

Why here and not in the extractor: these are hints for people, recomputed from the
tables every time the pages are built; nothing downstream depends on them.
"""

from __future__ import annotations

import re

import pandas as pd

CONFIDENCE_LOW = 0.6  # region/year inference below this is worth a look
YOY_PLAUSIBLE = (-100.0, 500.0)  # a stated growth outside this is worth a look
# An unmapped phrase ending like an indicator name (…数, …额, …企业) may be one the
# taxonomy lacks, or one the extractor missed.
INDICATOR_LIKE = re.compile(r"(?:数|数量|量|额|率|比重|收入|产值|企业|专利|项目|经费|投入|平台|人才|机构)$")
FLAG_LABELS = {
    "yoy": "同比增幅异常",
    "share>100": "比重超过100%",
    "year": "年度与报告年度相差一年以上",
    "unmapped-indicator": "未映射但像指标",
    "yoy-mismatch": "核对提示：所述增速与两年数值不符，或与本地区其他年份、同级地区相差悬殊",
}


def figure_flags(metrics: pd.DataFrame, documents: pd.DataFrame,
                 yoy: pd.DataFrame | None = None) -> pd.Series:
    """Per figure, '|'-joined flag codes (see :data:`FLAG_LABELS`); a ``flags`` column
    the tables already carry is kept in front. ``yoy`` (``compare.yoy``) adds the
    consistency check: a stated growth rate the two years' values contradict."""
    index = metrics.index
    parts: list[pd.Series] = []
    if yoy is not None and len(yoy) and "flag" in yoy.columns:
        bad = yoy[yoy["flag"].astype(str) != ""]
        keys = set(zip(bad["doc_id"].astype(str), bad["metric_id"].astype(str),
                       pd.to_numeric(bad["year"], errors="coerce"),
                       pd.to_numeric(bad["value"], errors="coerce"), strict=True))
        hit = [(d, m, y, v) in keys for d, m, y, v in zip(
            metrics["doc_id"].astype(str), metrics["metric_id"].astype("string").fillna(""),
            pd.to_numeric(metrics["year"], errors="coerce"),
            pd.to_numeric(metrics["value"], errors="coerce"), strict=True)]
        parts.append(pd.Series(["yoy-mismatch" if h else "" for h in hit], index=index))
    for col in ("flags", "flag"):
        if col in metrics.columns:
            parts.append(metrics[col].astype("string").fillna(""))
    yoy = pd.to_numeric(metrics["yoy_pct"], errors="coerce")
    lo, hi = YOY_PLAUSIBLE
    parts.append(pd.Series(((yoy < lo) | (yoy > hi)).fillna(False), index=index).map(
        {True: "yoy", False: ""}))
    value = pd.to_numeric(metrics["value"], errors="coerce")
    share = (metrics["unit"].astype("string") == "%") & metrics["metric_id"].notna() & (value > 100)
    parts.append(share.fillna(False).map({True: "share>100", False: ""}))
    years = documents.set_index("doc_id")["report_year"] if len(documents) else pd.Series(
        dtype="Int64")
    doc_year = pd.to_numeric(metrics["doc_id"].map(years), errors="coerce")
    year = pd.to_numeric(metrics["year"], errors="coerce")
    off = ((year - doc_year).abs() > 1).fillna(False)
    parts.append(off.map({True: "year", False: ""}))
    phrase = metrics["indicator"].astype("string").fillna("")
    like = metrics["metric_id"].isna() & phrase.str.contains(INDICATOR_LIKE, regex=True)
    parts.append(like.fillna(False).map({True: "unmapped-indicator", False: ""}))
    joined = pd.concat(parts, axis=1).astype(str).agg("|".join, axis=1)
    return joined.str.replace(r"\|{2,}", "|", regex=True).str.strip("|")


def doc_queue(documents: pd.DataFrame, metrics: pd.DataFrame, flags: pd.Series) -> pd.DataFrame:
    """Documents in review order, most in need first, with the reasons in words."""
    rows = []
    for doc in documents.itertuples(index=False):
        mine = metrics["doc_id"] == doc.doc_id
        n = int(mine.sum())
        flagged = int((flags[mine] != "").sum())
        unmapped = int(metrics.loc[mine, "metric_id"].isna().sum())
        reviewed = int(metrics.loc[mine, "review"].notna().sum()) if "review" in metrics else 0
        why, score = [], 0.0
        for name, value, conf in (("地区", doc.region, doc.region_confidence),
                                  ("年度", doc.report_year, doc.year_confidence)):
            if value is None or value is pd.NA or value == "" or (
                    isinstance(value, float) and value != value):
                why.append(f"{name}未识别")
                score += 100
            elif pd.notna(conf) and float(conf) < CONFIDENCE_LOW:
                why.append(f"{name}置信度低 ({float(conf):.2f})")
                score += 50
        if flagged:
            why.append(f"{flagged} 个数字有标记")
            score += 5 * flagged
        score += unmapped * 0.5
        score -= reviewed * 0.1  # partly reviewed documents sink a little
        rows.append({"doc_id": doc.doc_id, "score": score, "n_figures": n, "flagged": flagged,
                     "unmapped": unmapped, "reviewed": reviewed, "why": "；".join(why)})
    out = pd.DataFrame(rows, columns=["doc_id", "score", "n_figures", "flagged", "unmapped",
                                      "reviewed", "why"])
    return out.sort_values(["score", "doc_id"], ascending=[False, True], kind="stable"
                           ).reset_index(drop=True)
