"""Tests for analysis.compare: figures are real ones from the gold annotations
(/work/shared/gold/metrics.csv, tests/fixtures/gold_extra/metrics.csv) unless marked
as constructed."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import compare

# doc_id -> (region, admin_level, report_year, period, doc_type)
DOCS = {
    "000_e62b7b1a346a2fde": ("青岛市", "prefecture", 2013, "H1", "summary+plan"),
    "001_6f9d41c6c87e66bb": ("胶州市", "county_city", 2017, "FY", "plan"),
    "003_91d5ca6791cbf353": ("温州市", "prefecture", 2012, "FY", "summary+plan"),
    "004_89fc9e69ec4ccf46": ("大连市", "prefecture", 2015, "FY", "summary"),
    "x02_ningbo_2014": ("宁波市", "prefecture", 2014, "FY", "summary"),
    "x03_ningbo_2015": ("宁波市", "prefecture", 2015, "FY", "summary"),
    "x04_ningbo_2016": ("宁波市", "prefecture", 2016, "FY", "summary"),
    "x05_ningbo_2017": ("宁波市", "prefecture", 2017, "FY", "summary"),
    "x08_qingdao_2012": ("青岛市", "prefecture", 2012, "FY", "summary"),
    "x09_qingdao_2016": ("青岛市", "prefecture", 2016, "FY", "summary"),
    "x11_qingdao_2017": ("青岛市", "prefecture", 2017, "FY", "summary"),
    # constructed: a district report, to check it is never ranked among whole cities
    "t01_shinan_2017": ("市南区", "district", 2017, "FY", "summary"),
}

# (doc_id, metric_id, value, unit, yoy_pct, year, period, kind, qualifier, sentence)
NINGBO_IPG = [
    ("x02_ningbo_2014", "invention_patent_grants", 2832, "件", 26.1, 2014, "FY", "actual", "", "发明专利授权量达2832件"),
    ("x03_ningbo_2015", "invention_patent_grants", 5412, "件", 91.1, 2015, "FY", "actual", "", "发明专利授权5412件"),
    ("x04_ningbo_2016", "invention_patent_grants", 5669, "件", 4.7, 2016, "FY", "actual", "", "发明专利授权5669件"),
    ("x05_ningbo_2017", "invention_patent_grants", 5382, "件", None, 2017, "FY", "estimate", "", "完成发明专利授权5382件"),
]  # fmt: skip
NINGBO_HTVA = [
    ("x04_ningbo_2016", "high_tech_value_added", 115366000000, "元", 9.1, 2016, "FY", "actual", "", "高新技术产业产值、增加值分别达6317.39亿元、1153.66亿元"),
    ("x05_ningbo_2017", "high_tech_value_added", 133750000000, "元", 10.4, 2017, "FY", "estimate", "", "高新技术产业实现增加值1337.5亿元"),
]  # fmt: skip
QINGDAO = [
    ("x08_qingdao_2012", "invention_patent_grants", 1510, "件", 34, 2012, "FY", "actual", "", "发明专利申请12092件,授权1510件"),
    ("000_e62b7b1a346a2fde", "invention_patent_grants", 988, "件", 37, 2013, "H1", "actual", "", "发明专利申请6275件、授权988件"),
    ("000_e62b7b1a346a2fde", "tech_contract_turnover", 1421000000, "元", None, 2013, "H1", "actual", "", "技术合同成交额14.21亿元"),
    ("000_e62b7b1a346a2fde", "tech_contract_turnover", 3200000000, "元", 30, 2013, "FY", "target", "", "技术合同交易登记额达到32亿元"),
    ("x11_qingdao_2017", "tech_contract_turnover", 12666000000, "元", 21.65, 2017, "FY", "actual", "", "技術合同交易額達到126.66億元"),
]  # fmt: skip
WENZHOU = [
    ("003_91d5ca6791cbf353", "invention_patent_grants", 725, "件", 17.6, 2012, "FY", "actual", "", "发明授权725件"),
    ("003_91d5ca6791cbf353", "patent_grants_per_10k", 18.9, "件/万人", None, 2012, "FY", "actual", "", "每万人专利授权数为18.9件"),
    ("003_91d5ca6791cbf353", "patent_grants_per_10k", 14, "件/万人", None, 2012, "FY", "target", "", "指标14件的目标"),
    ("003_91d5ca6791cbf353", "rd_intensity", 1.3, "%", None, 2013, "FY", "target", "", "研究与开发经费投入占生产总值比重争取达到1.30%"),
]  # fmt: skip
DALIAN = [
    ("004_89fc9e69ec4ccf46", "invention_patent_grants", 7526, "件", None, 2015, "2011-2015", "actual", "", "发明专利授权7526件"),
]  # fmt: skip
OTHERS = [
    ("x05_ningbo_2017", "tech_contract_turnover", 8180000000, "元", 66.2, 2017, "FY", "estimate", "", "完成技术交易额81.8亿元"),
    # constructed: 市南区's real 2023 figure (超68亿元) placed in 2017 for the rank-scope check
    ("t01_shinan_2017", "tech_contract_turnover", 6800000000, "元", 25, 2017, "FY", "actual", ">", "技术合同成交额超68亿元"),
    ("001_6f9d41c6c87e66bb", "tech_contract_turnover", 1000000000, "元", None, 2017, "FY", "target", "", "技术合同交易额达到10亿元"),
]  # fmt: skip

COLUMNS = ["doc_id", "metric_id", "value", "unit", "yoy_pct", "year", "period", "kind", "qualifier", "sentence"]  # fmt: skip
NAMES = {
    "invention_patent_grants": "发明专利授权量",
    "high_tech_value_added": "高新技术产业增加值",
    "tech_contract_turnover": "技术合同成交额",
    "patent_grants_per_10k": "每万人专利授权数",
    "rd_intensity": "R&D经费占GDP比重",
}


def make_metrics(rows: list[tuple]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=COLUMNS)
    df["value"] = df["value"].astype(float)
    df["yoy_pct"] = pd.to_numeric(df["yoy_pct"]).astype(float)
    df["region"] = df["doc_id"].map(lambda d: DOCS[d][0])
    df["metric_name"] = df["metric_id"].map(NAMES)
    df["char_start"] = range(len(df))
    return df


def make_documents() -> pd.DataFrame:
    rows = [
        {"doc_id": d, "region": r, "admin_level": lvl, "report_year": y, "period": p, "doc_type": t}
        for d, (r, lvl, y, p, t) in DOCS.items()
    ]
    return pd.DataFrame(rows).assign(parent_city="", province="", region_masked=0)


ALL = NINGBO_IPG + NINGBO_HTVA + QINGDAO + WENZHOU + DALIAN + OTHERS


@pytest.fixture
def metrics() -> pd.DataFrame:
    return make_metrics(ALL)


@pytest.fixture
def documents() -> pd.DataFrame:
    return make_documents()


# --------------------------------------------------------------------------- yoy


def test_yoy_changes_from_two_reported_values(metrics, documents):
    out = compare.yoy(metrics, documents, regions="宁波市", metric_ids="invention_patent_grants")
    reported = out[~out["implied"]].set_index("year")
    assert reported.index.tolist() == [2014, 2015, 2016]  # the 2017 estimate is not an actual
    assert reported.loc[2015, "prev_year"] == 2014
    assert reported.loc[2015, "prev_value"] == 2832
    assert reported.loc[2015, "change_abs"] == 2580
    assert reported.loc[2015, "change_pct"] == pytest.approx(2580 / 2832 * 100)
    assert reported.loc[2016, "change_abs"] == 257
    assert reported.loc[2016, "change_pct"] == pytest.approx(257 / 5412 * 100)
    assert reported.loc[2015, "implied_prev_value"] == pytest.approx(5412 / 1.911)
    assert pd.isna(reported.loc[2014, "change_abs"])
    assert (reported["flag"] == "").all()  # 91.1% and 4.7% agree with the values
    assert reported.loc[2016, "doc_id"] == "x04_ningbo_2016"


def test_yoy_implied_row_only_where_no_reported_value(metrics, documents):
    out = compare.yoy(metrics, documents, regions="宁波市", metric_ids="invention_patent_grants")
    implied = out[out["implied"]]
    assert implied["year"].tolist() == [2013]
    assert implied["value"].iloc[0] == pytest.approx(2832 / 1.261)
    assert implied["doc_id"].iloc[0] == "x02_ningbo_2014"
    # 2014 is implied by 2015's rate too, but a reported 2014 exists, so no implied row
    assert (out["year"] == 2014).sum() == 1


def test_yoy_flags_stated_rate_that_disagrees(metrics, documents):
    out = compare.yoy(
        metrics, documents, regions="宁波市", metric_ids="high_tech_value_added", kind=None
    )
    row = out[(out["year"] == 2017) & ~out["implied"]].iloc[0]
    assert row["kind"] == "estimate"
    assert row["flag"] == "报告所述增速+10.4%，两期数值计算为+15.9%"


def test_yoy_flag_says_when_previous_is_a_bound(metrics, documents):
    rows = QINGDAO + [
        ("x09_qingdao_2016", "tech_contract_turnover", 10000000000, "元", None, 2016, "FY", "estimate", ">", "年底将首次突破100亿元"),
    ]  # fmt: skip
    out = compare.yoy(make_metrics(rows), documents, metric_ids="tech_contract_turnover", kind=None)
    row = out[out["year"] == 2017].iloc[0]
    assert row["flag"] == (
        "报告所述增速+21.65%，两期数值计算为+26.7%"
        "（上期为预计数；上期为约数或界限值）"
    )


def test_yoy_compares_like_periods_only(metrics, documents):
    out = compare.yoy(metrics, documents, regions="青岛市", metric_ids="invention_patent_grants")
    h1 = out[(out["period"] == "H1") & ~out["implied"]].iloc[0]
    assert h1["year"] == 2013
    assert pd.isna(h1["prev_value"])  # the 2012 full-year figure is not its predecessor
    assert set(out["period_type"]) == {"FY", "H1"}


def test_yoy_span_compared_only_with_spans(metrics, documents):
    out = compare.yoy(metrics, documents, regions="大连市")
    assert out["period_type"].tolist() == ["span:5"]
    assert out["period"].tolist() == ["2011-2015"]


def test_yoy_restatement_keeps_actual_from_later_report(documents):
    # constructed: the 2016 report restates 2015 as 5400 (an estimate 5500 also exists)
    rows = NINGBO_IPG + [
        ("x04_ningbo_2016", "invention_patent_grants", 5400, "件", None, 2015, "FY", "actual", "", "2015年授权5400件"),
        ("x05_ningbo_2017", "invention_patent_grants", 5500, "件", None, 2015, "FY", "estimate", "", "预计5500件"),
    ]  # fmt: skip
    out = compare.yoy(make_metrics(rows), documents, regions="宁波市", years=2015, kind=None)
    row = out.iloc[0]
    assert (row["value"], row["doc_id"], row["n_sources"]) == (5400, "x04_ningbo_2016", 3)
    assert row["other_values"] == "5,412件（实际，x03_ningbo_2015）；5,500件（预计，x05_ningbo_2017）"


def test_yoy_years_filter_and_qualifier(metrics, documents):
    out = compare.yoy(metrics, documents, regions="市南区", years=[2017])
    assert out[["year", "qualifier", "value"]].values.tolist() == [[2017, ">", 6800000000.0]]


def test_yoy_unknown_region_lists_valid_ones(metrics, documents):
    with pytest.raises(ValueError, match="unknown region: 北京市") as err:
        compare.yoy(metrics, documents, regions=["北京市"])
    assert "宁波市, 市南区, 温州市, 胶州市, 青岛市" in str(err.value)


def test_region_prefix_resolves_when_unique(metrics, documents):
    out = compare.yoy(metrics, documents, regions="宁波", metric_ids="invention_patent_grants")
    assert set(out["region"]) == {"宁波市"}


def test_unknown_metric_and_kind(metrics, documents):
    with pytest.raises(ValueError, match="unknown metric_id: rd_spend"):
        compare.yoy(metrics, documents, metric_ids="rd_spend")
    with pytest.raises(ValueError, match="Valid kinds: actual, estimate, target"):
        compare.yoy(metrics, documents, kind="forecast")


@settings(max_examples=40, deadline=None)
@given(
    prev=st.integers(min_value=1, max_value=10**9),
    value=st.integers(min_value=1, max_value=10**9),
    rate=st.floats(min_value=-99, max_value=500, allow_nan=False).map(lambda r: round(r, 1)),
)
def test_yoy_arithmetic_property(prev, value, rate):
    rows = [
        ("x02_ningbo_2014", "invention_patent_grants", prev, "件", None, 2014, "FY", "actual", "", ""),
        ("x03_ningbo_2015", "invention_patent_grants", value, "件", rate, 2015, "FY", "actual", "", ""),
    ]  # fmt: skip
    out = compare.yoy(make_metrics(rows), make_documents()).set_index("year")
    row = out.loc[2015]
    assert row["change_abs"] == value - prev
    assert row["change_pct"] == pytest.approx((value - prev) / prev * 100)
    assert row["implied_prev_value"] * (1 + rate / 100) == pytest.approx(value)
    disagree = abs(row["change_pct"] - rate) > compare.FLAG_TOLERANCE_PP
    assert (row["flag"] != "") == disagree


# --------------------------------------------------------------------------- cross-city


def test_cross_city_ranks_within_admin_level(metrics, documents):
    out = compare.cross_city(
        metrics, documents, 2017, metric_ids="tech_contract_turnover", kind=["actual", "estimate"]
    )
    got = out[["region", "rank", "rank_of", "rank_scope", "display_value", "display_unit"]]
    assert got.values.tolist() == [
        ["青岛市", 1, 2, "prefecture", 126.66, "亿元"],
        ["宁波市", 2, 2, "prefecture", 81.8, "亿元"],
        ["市南区", 1, 1, "district", 68.0, "亿元"],
    ]
    notes = dict(zip(out["region"], out["note"], strict=True))
    assert notes == {"青岛市": "", "宁波市": "预计数", "市南区": "下限（超过）"}


def test_cross_city_h1_note(metrics, documents):
    out = compare.cross_city(metrics, documents, 2013, period="H1")
    assert set(out["region"]) == {"青岛市"}
    assert (out["note"] == "H1数据，不宜与全年数据直接比较").all()
    assert (out["rank_scope"] == "prefecture, H1").all()


def test_cross_city_full_year_excludes_h1(metrics, documents):
    out = compare.cross_city(metrics, documents, 2012, metric_ids=["invention_patent_grants"])
    assert out[["region", "value", "rank"]].values.tolist() == [
        ["青岛市", 1510.0, 1],
        ["温州市", 725.0, 2],
    ]


def test_cross_city_rejects_unknown_values(metrics, documents):
    with pytest.raises(ValueError, match="unknown year: 1999. Valid years: 2012, 2013, 2014"):
        compare.cross_city(metrics, documents, 1999)
    with pytest.raises(ValueError, match="Valid admin_levels: prefecture, county_city, district"):
        compare.cross_city(metrics, documents, 2017, admin_levels="province")
    with pytest.raises(ValueError, match="Valid regions: 大连市"):
        compare.cross_city(metrics, documents, 2017, regions="上海市")
    with pytest.raises(ValueError, match="unknown period: Q1-Q3"):
        compare.cross_city(metrics, documents, 2017, period="Q1-Q3")


def test_cross_city_admin_level_filter(metrics, documents):
    out = compare.cross_city(metrics, documents, 2017, admin_levels="district")
    assert out["region"].tolist() == ["市南区"]


def test_cross_city_pivot_columns_show_admin_level(metrics, documents):
    long = compare.cross_city(
        metrics, documents, 2017, metric_ids="tech_contract_turnover", kind=["actual", "estimate"]
    )
    pivot = compare.cross_city_pivot(long)
    assert pivot.columns.names == ["admin_level", "region"]
    assert pivot.columns.tolist() == [
        ("prefecture", "宁波市"),
        ("prefecture", "青岛市"),
        ("district", "市南区"),
    ]
    assert pivot.index.tolist() == ["技术合同成交额 (亿元)"]
    assert pivot.loc["技术合同成交额 (亿元)", ("prefecture", "青岛市")] == pytest.approx(126.66)


def test_cross_city_all_covers_every_year(metrics, documents):
    out = compare.cross_city_all(metrics, documents)
    assert sorted(set(zip(out["year"], out["period"], strict=True)))[:3] == [
        (2012, "FY"),
        (2013, "H1"),
        (2014, "FY"),
    ]


# --------------------------------------------------------------------------- targets


def test_targets_vs_actuals(metrics, documents):
    out = compare.targets_vs_actuals(metrics, documents).set_index(["region", "metric_id"])
    wz = out.loc[("温州市", "patent_grants_per_10k")]
    assert (wz["target_value"], wz["actual_value"], wz["actual_kind"]) == (14, 18.9, "actual")
    assert wz["attainment_pct"] == pytest.approx(135.0)
    assert bool(wz["met"]) is True
    rd = out.loc[("温州市", "rd_intensity")]
    assert pd.isna(rd["actual_value"]) and pd.isna(rd["met"])
    assert rd["note"] == "语料中没有对应的实际数"
    qd = out.loc[("青岛市", "tech_contract_turnover")]
    assert qd["note"] == "语料中没有对应的实际数；其他期间：H1: 1,421,000,000 元"


def test_targets_attainment_below_target(documents):
    # constructed: a target of 100 and an actual of 80
    rows = [
        ("x03_ningbo_2015", "tech_contract_turnover", 80, "元", None, 2015, "FY", "actual", "", ""),
        ("x02_ningbo_2014", "tech_contract_turnover", 100, "元", None, 2015, "FY", "target", "", ""),
        ("x05_ningbo_2017", "tech_contract_turnover", 90, "元", None, 2015, "FY", "estimate", "", ""),
    ]  # fmt: skip
    out = compare.targets_vs_actuals(make_metrics(rows), documents)
    row = out.iloc[0]
    assert row["attainment_pct"] == 80.0
    assert (row["actual_kind"], row["actual_doc"], bool(row["met"])) == (
        "actual",
        "x03_ningbo_2015",
        False,
    )


def test_targets_fall_back_to_estimate(documents):
    rows = [
        ("x02_ningbo_2014", "tech_contract_turnover", 100, "元", None, 2015, "FY", "target", "", ""),
        ("x05_ningbo_2017", "tech_contract_turnover", 120, "元", None, 2015, "FY", "estimate", ">", ""),
    ]  # fmt: skip
    row = compare.targets_vs_actuals(make_metrics(rows), documents).iloc[0]
    assert row["attainment_pct"] == 120.0
    assert row["note"] == "实际数为预计数；实际数为下限"


# --------------------------------------------------------------------------- display, overview


@pytest.mark.parametrize(
    ("values", "unit", "expected", "display_unit"),
    [
        ([900000000, 1421000000], "元", [9.0, 14.21], "亿元"),
        ([40000000], "元", [4000.0], "万元"),
        ([5000], "元", [0.5], "万元"),  # money is never shown in bare 元
        ([820000, 8940000], "平方米", [82.0, 894.0], "万平方米"),
        ([58000, 68244, 16173], "件", [58000.0, 68244.0, 16173.0], "件"),
        ([120000], "件", [12.0], "万件"),
        ([2.35, 3.08], "%", [2.35, 3.08], "%"),
    ],
)
def test_scale_for_display(values, unit, expected, display_unit):
    scaled, shown = compare.scale_for_display(pd.Series(values), unit)
    assert shown == display_unit
    assert scaled.tolist() == pytest.approx(expected)


@given(st.lists(st.floats(min_value=0, max_value=1e13, allow_nan=False), min_size=1, max_size=8))
def test_scale_for_display_is_one_factor(values):
    scaled, shown = compare.scale_for_display(pd.Series(values), "元")
    factor = {"亿元": 1e8, "万元": 1e4, "元": 1}[shown]
    assert [s * factor for s in scaled] == pytest.approx(values)


def test_comparable_metrics_and_pairs(metrics, documents):
    comp = compare.comparable_metrics(metrics, documents)
    assert comp[["metric_id", "year", "period", "n_regions", "regions"]].values.tolist() == [
        ["invention_patent_grants", 2012, "FY", 2, "温州市、青岛市"],
        ["tech_contract_turnover", 2017, "FY", 3, "宁波市、市南区、青岛市"],
    ]
    pairs = compare.yoy_pairs(metrics, documents, kind="actual")
    ningbo = pairs[
        (pairs["region"] == "宁波市") & (pairs["metric_id"] == "invention_patent_grants")
    ]
    assert ningbo[["years", "consecutive_pairs"]].values.tolist() == [["2014, 2015, 2016", 2]]


def test_valid_values(metrics, documents):
    valid = compare.valid_values(metrics, documents)
    assert valid["admin_levels"] == ["prefecture", "county_city", "district"]
    assert valid["years"][:3] == [2012, 2013, 2014]
    assert "2011-2015" in valid["periods"]
    assert valid["kinds"] == ["actual", "estimate", "target"]


def test_with_doc_info_fills_missing_region(metrics, documents):
    out = compare.with_doc_info(metrics.assign(region=""), documents)
    assert out.loc[0, "region"] == "宁波市"
    assert out.loc[0, "admin_level"] == "prefecture"
    assert out.loc[0, "report_year"] == 2014


# --------------------------------------------------------------------------- loading


def test_load_tables_csv_dtypes_and_unescape(tmp_path, metrics, documents):
    m = metrics.head(2).copy()
    m.loc[0, "sentence"] = "'=1+1"  # as safeio.write_csv escapes it
    m.to_csv(tmp_path / "metrics.csv", index=False, encoding="utf-8-sig")
    documents.to_csv(tmp_path / "documents.csv", index=False, encoding="utf-8-sig")
    tables = compare.load_tables(tmp_path)
    assert set(tables) == {"metrics", "documents"}
    got = tables["metrics"]
    assert str(got["year"].dtype) == "Int64"
    assert got["value"].dtype == float and got["yoy_pct"].dtype == float
    assert got.loc[0, "sentence"] == "=1+1"
    assert tables["documents"]["doc_id"].iloc[0] == "000_e62b7b1a346a2fde"  # leading zeros kept


def test_load_tables_prefers_parquet(tmp_path, metrics, documents):
    metrics.to_parquet(tmp_path / "metrics.parquet")
    metrics.head(1).to_csv(tmp_path / "metrics.csv", index=False, encoding="utf-8-sig")
    documents.to_csv(tmp_path / "documents.csv", index=False, encoding="utf-8-sig")
    assert len(compare.load_tables(tmp_path)["metrics"]) == len(metrics)


def test_load_tables_missing(tmp_path):
    with pytest.raises(FileNotFoundError, match="run `analysis extract` first"):
        compare.load_tables(tmp_path / "nowhere")
    (tmp_path / "documents.csv").write_text("doc_id\n", encoding="utf-8")
    with pytest.raises(FileNotFoundError, match="metrics.parquet / metrics.csv missing"):
        compare.load_tables(tmp_path)


def test_empty_selection_returns_typed_empty_frame(metrics, documents):
    out = compare.yoy(metrics.iloc[0:0], documents)
    assert out.empty and "implied" in out.columns
    assert compare.targets_vs_actuals(metrics.iloc[0:0], documents).columns.tolist() == (
        compare.TARGET_COLUMNS
    )


# --------------------------------------------------------------------------- plausibility


def _series(rows, region="甲市", level="prefecture", metric="maker_spaces", unit="家"):
    """A made-up yoy-shaped table: (year, value, yoy_pct, change_pct, doc_id)."""
    return pd.DataFrame(
        {
            "region": region, "metric_id": metric, "unit": unit, "period_type": "FY",
            "period": "FY", "year": [r[0] for r in rows], "value": [float(r[1]) for r in rows],
            "yoy_pct": [r[2] for r in rows], "change_pct": [r[3] for r in rows],
            "prev_year": [r[0] - 1 for r in rows], "implied": False, "kind": "actual",
            "doc_id": [r[4] for r in rows], "flag": "",
        }
    )  # fmt: skip


def _docs(levels):
    return pd.DataFrame({"doc_id": list(levels), "admin_level": list(levels.values()),
                         "region": "", "report_year": 2017})  # fmt: skip


def test_rules_file_is_checked_and_complete():
    rules = compare.plausibility_rules()
    assert set(rules) == {"yoy_vs_values", "own_years", "peers", "yoy_range"}
    assert rules["own_years"]["high"] == 10 and rules["yoy_range"]["low"] == -60


def test_a_hundredfold_jump_is_flagged_against_the_regions_own_years():
    rows = [(2014, 40, None, None, "d14"), (2015, 44, None, 10, "d15"),
            (2016, 4400, None, 9900, "d16"), (2017, 48, None, -98.9, "d17")]  # fmt: skip
    flags = compare.plausibility_flags(_series(rows), pd.DataFrame(), _docs({}))
    own = flags[flags["rule"] == "own_years"]
    assert own["year"].tolist() == [2016]
    assert own["message"].iloc[0] == "与本地区其他年份相差悬殊：高出本地区其他年份中位数（44家）100倍"
    ranged = flags[flags["rule"] == "yoy_range"]
    assert ranged["year"].tolist() == [2016, 2017]
    assert "两期数值计算的变化率-98.9%，常见范围为-60%至+300%" in ranged["message"].iloc[1]


def test_peer_rule_compares_only_the_same_admin_level():
    parts = [_series([(2017, v, None, None, f"d{i}")], region=f"市{i}") for i, v in
             enumerate([100, 120, 90, 110, 5000])]  # fmt: skip
    district = _series([(2017, 5, None, None, "dd")], region="某区")
    table = pd.concat([*parts, district], ignore_index=True)
    docs = _docs({**{f"d{i}": "prefecture" for i in range(5)}, "dd": "district"})
    flags = compare.plausibility_flags(table, pd.DataFrame(), docs)
    assert flags["region"].tolist() == ["市4"]  # the district is not judged against cities
    assert flags["message"].iloc[0] == (
        "与同级地区相差悬殊：高出其他4个地级市的中位数（105家）48倍"
    )


def test_figures_of_different_levels_are_different_series_never_compared():
    """47 maker spaces of every level (2015) and 12 national ones (2016) are two measures."""
    metrics = pd.DataFrame({
        "doc_id": ["d15", "d16", "d16"], "region": "某市", "metric_id": "maker_spaces",
        "metric_name": "众创空间", "unit": "家", "year": [2015, 2016, 2016],
        "period": "FY", "kind": "actual", "value": [47.0, 12.0, 60.0],
        "level": ["", "national", ""], "yoy_pct": None, "qualifier": "",
    })  # fmt: skip
    documents = pd.DataFrame({"doc_id": ["d15", "d16"], "region": "某市",
                              "admin_level": "prefecture", "report_year": [2015, 2016]})
    table = compare.yoy(metrics, documents)
    national = table[table["level"] == "national"]
    assert national["value"].tolist() == [12.0]
    assert national["prev_value"].isna().all()  # no 2015 national figure to compare with
    every = table[table["level"] == ""]
    assert every["value"].tolist() == [47.0, 60.0]
    assert every["prev_value"].iloc[1] == 47.0
    assert set(national["metric_name"]) == {"众创空间（国家级）"}
    ranked = compare.cross_city(metrics, documents, year=2016)
    assert sorted(zip(ranked["level"], ranked["rank_of"], strict=True)) == [("", 1), ("national", 1)]


def test_flags_reach_the_yoy_table_in_words(metrics, documents):
    table = compare.yoy_checked(metrics, documents, kind=None)
    assert table["flag"].map(type).eq(str).all()
    flags = pd.DataFrame([{"region": "宁波市", "metric_id": "invention_patent_grants", "unit": "件",
                           "period_type": "FY", "year": 2016, "rule": "own_years",
                           "message": "与本地区其他年份相差悬殊"}])  # fmt: skip
    out = compare.with_flags(compare.yoy(metrics, documents, kind=None), flags)
    hit = out[(out["region"] == "宁波市") & (out["year"] == 2016)
              & (out["metric_id"] == "invention_patent_grants")]  # fmt: skip
    assert hit["flag"].tolist() == ["与本地区其他年份相差悬殊"]
    assert (out["flag"] != "").sum() == (compare.yoy(metrics, documents, kind=None)["flag"] != "").sum() + 1


def test_counts_only_comparables_and_targets_without_notes_keep_every_other_value(
        metrics, documents):
    full = compare.comparable_metrics(metrics, documents, min_regions=1)
    counts = compare.comparable_metrics(metrics, documents, min_regions=1, lists=False)
    lists = ["regions", "admin_levels", "kinds"]
    assert len(full) and (counts[lists] == "").all().all()
    pd.testing.assert_frame_equal(counts.drop(columns=lists), full.drop(columns=lists))
    tva = compare.targets_vs_actuals(metrics, documents)
    bare = compare.targets_vs_actuals(metrics, documents, notes=False)
    assert len(tva) and (bare["note"] == "").all() and (tva["note"] != "").any()
    pd.testing.assert_frame_equal(bare.drop(columns="note"), tva.drop(columns="note"))
