"""The vectorised corpus flags and restatements (issue 15, notebooks at national scale)
give exactly the frames the per-row code gave: those frames, computed by the replaced
code (commit 0cc2936's parent) on the same made-up tables, are recorded in
``tests/fixtures/flag_paths/<seed>_<frame>.parquet`` (Parquet keeps every dtype, and no
code runs on reading it).

The tables are made up to hit every branch: restated figures (same and other values,
estimates, a plan's target), gaps, five-year spans, half years, levels of items, values
at or below zero, growth rates out of range and of -100 %, a value a hundred times its
series, regions of every admin level. Nothing here is timed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import compare

RECORDED = Path(__file__).parent / "fixtures" / "flag_paths"

LEVELS = ["prefecture", "county_city", "district", "county"]
METRICS = [("rd_expenditure", "R&D经费支出", "元"), ("maker_spaces", "众创空间", "家"),
           ("invention_patent_grants", "发明专利授权量", "件")]


def _tables(seed: int, n_regions: int = 14, years: range = range(2011, 2019)):
    rng = np.random.default_rng(seed)
    docs, mets = [], []
    for r in range(n_regions):
        region, level = f"地区{r:02d}", LEVELS[r % len(LEVELS)]
        for year in [*years, years[-1] + 1]:
            if rng.random() < 0.15:  # a missing year: a gap in the series
                continue
            for doc_type, period in (("summary", "FY"), ("plan", "FY"), ("summary", "H1")):
                if doc_type != "summary" and rng.random() < 0.5:
                    continue
                if year > years[-1] and (doc_type, period) != ("summary", "H1"):
                    continue  # the plan's year: only a half year reported so far
                doc_id = f"d{r:02d}_{year}_{doc_type}_{period}"
                docs.append({"doc_id": doc_id, "region": region, "admin_level": level,
                             "parent_city": "", "province": "某省", "report_year": year,
                             "period": period, "doc_type": doc_type, "region_masked": 0})
                for m, (metric_id, name, unit) in enumerate(METRICS):
                    base = (r + 1) * (m + 3) * (1e8 if unit == "元" else 1)
                    value = round(base * 1.1 ** (year - 2011) * rng.uniform(0.95, 1.05), 2)
                    if rng.random() < 0.04:
                        value *= 100  # far from its own years and its peers
                    if rng.random() < 0.03:
                        value = float(rng.choice([0.0, -3.0, np.nan]))
                    kind = ("target" if doc_type == "plan" else
                            "estimate" if rng.random() < 0.2 else "actual")
                    fig_year, fig_period = (year + 1, "FY") if doc_type == "plan" else (year,
                                                                                        period)
                    yoy = float(rng.choice([np.nan, 8.0, 12.5, -100.0, 450.0, -75.0]))
                    level_item = "national" if metric_id == "maker_spaces" and r % 3 == 0 else ""
                    row = {"doc_id": doc_id, "region": "" if rng.random() < 0.05 else region,
                           "year": fig_year, "period": fig_period, "kind": kind,
                           "metric_id": metric_id, "metric_name": name, "value": value,
                           "unit": unit, "yoy_pct": yoy,
                           "qualifier": str(rng.choice(["", "", ">", "~"])),
                           "char_start": int(rng.integers(0, 500)), "level": level_item}
                    mets.append(row)
                    if rng.random() < 0.3:  # restated in the same report, same or other value
                        other = value if rng.random() < 0.5 else round(value * 1.07, 2)
                        mets.append({**row, "value": other, "char_start": row["char_start"] + 9})
                if year % 5 == 0 and doc_type == "summary" and period == "FY":
                    mets.append({**row, "metric_id": "rd_expenditure", "metric_name": "R&D经费支出",
                                 "unit": "元", "period": f"{year - 4}-{year}", "kind": "actual",
                                 "value": base * 5.0, "yoy_pct": 40.0})
                mets.append({**row, "metric_id": "", "metric_name": "", "value": 7.0})
    return pd.DataFrame(mets), pd.DataFrame(docs)


@pytest.fixture(scope="module", params=[0, 1, 2])
def made_up(request):
    return request.param, _tables(request.param)


def recorded(seed: int, frame: str) -> pd.DataFrame:
    return pd.read_parquet(RECORDED / f"{seed}_{frame}.parquet")


def test_yoy_is_unchanged(made_up):
    seed, (metrics, documents) = made_up
    for kind in (None, "actual", "target"):
        pd.testing.assert_frame_equal(compare.yoy(metrics, documents, kind=kind),
                                      recorded(seed, f"yoy_{kind}"))
    assert compare.yoy(metrics, documents, kind=None)["other_values"].str.len().gt(0).any()
    assert compare.yoy(metrics, documents, kind=None)["implied"].any()


def test_corpus_flags_are_unchanged(made_up):
    seed, (metrics, documents) = made_up
    new = compare.corpus_flags(metrics, documents)
    pd.testing.assert_frame_equal(new, recorded(seed, "corpus_flags"))
    assert {"own_years", "peers", "yoy_range"} <= set(new["rule"])


def test_targets_cross_city_and_comparables_are_unchanged(made_up):
    seed, (metrics, documents) = made_up
    new = compare.targets_vs_actuals(metrics, documents)
    pd.testing.assert_frame_equal(new, recorded(seed, "targets"))
    assert new["note"].str.contains("其他期间").any()
    pd.testing.assert_frame_equal(compare.cross_city_all(metrics, documents),
                                  recorded(seed, "cross_city"))
    for kind in (None, "target"):
        pd.testing.assert_frame_equal(compare.comparable_metrics(metrics, documents, kind=kind),
                                      recorded(seed, f"comparables_{kind}"))


def test_peer_flags_with_a_region_twice_in_a_group_are_unchanged():
    """A yoy frame made by hand may hold one region twice for a year: the others of a row
    are then the other regions, as before."""
    rows = pd.DataFrame({"region": ["a", "a", "b", "c", "d", "e"], "metric_id": "m", "unit": "件",
                         "level": "", "period_type": "FY", "year": 2017,
                         "value": [1.0, 500.0, 2.0, 2.5, 3.0, 2.0], "admin_level": "prefecture",
                         "yoy_pct": np.nan, "change_pct": np.nan})
    rule = compare.plausibility_rules()["peers"]
    new = compare._peer_flags(rows, rule)
    assert new["message"].tolist() == ["与同级地区相差悬殊：高出其他4个地级市的中位数（2.25件）222倍"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4),
                          st.one_of(st.floats(-5, 1e6, allow_nan=False),
                                    st.sampled_from([0.0, 2.0]))),
                min_size=1, max_size=30))
def test_grouped_medians_are_each_groups_own(pairs):
    """The leave-one-out medians of all groups at once equal those of each group alone."""
    gid = np.unique([g for g, _ in pairs], return_inverse=True)[1]
    values = np.array([v for _, v in pairs], dtype=float)
    medians, counts = compare._grouped_medians_of_others(gid, values)
    for g in np.unique(gid):
        at = np.flatnonzero(gid == g)
        alone, n = compare._medians_of_others(values[at])
        assert counts[at].tolist() == n.tolist()
        np.testing.assert_array_equal(medians[at], alone)
