"""The indicator taxonomy: matching phrases to indicators and the readable phrase."""

import pytest

from analysis import taxonomy

# (phrase before a figure, as the extractor cuts it from a real report) → the readable phrase
READABLE = [
    # a leading date goes: the year and period columns carry it
    ("2018年1-9月我县R&D经费投入占同期GDP比重", "R&D经费投入占同期GDP比重"),
    ("2015年区本级财政科技投入达", "区本级财政科技投入达"),
    # a content character at the start stays (全社会, not 社会)
    ("全社会研究与实验发展(R&D)经费支出", "全社会研究与实验发展(R&D)经费支出"),
    # counters, numbers and function characters before the noun go
    ("4名专家(团队)获得国家卓越工程师奖", "专家(团队)获得国家卓越工程师奖"),
    ("净新增国家高新技术企业", "国家高新技术企业"),
    # a known wording marks where the indicator starts
    ("新增省级以上众创空间", "众创空间"),
    # short phrases are kept as they are
    ("获专利授权", "获专利授权"),
]


@pytest.mark.parametrize(("phrase", "expected"), READABLE)
def test_indicator_phrase_is_the_words_that_name_the_indicator(phrase, expected):
    assert taxonomy.indicator_phrase(phrase) == expected


def test_match_indicator_takes_only_indicators_that_accept_the_unit():
    ind = taxonomy.match_indicator("技术合同成交额", "元")
    assert ind is not None and ind.metric_id == "tech_contract_turnover"
    assert taxonomy.match_indicator("技术合同成交额", "家") is None


def test_unknown_metric_id_lists_the_valid_ones():
    with pytest.raises(KeyError, match="expected one of"):
        taxonomy.get_indicator("no_such_indicator")


@pytest.mark.parametrize("phrase, shown", [
    ("技术合同成交额同比增长25%达到", "技术合同成交额达到"),
    ("高新技术产业产值5498.58亿元预计将突破年度", "高新技术产业产值预计将突破年度"),
    ("高企数创新高2021年净增2022年净增", "高企数创新高净增"),
])
def test_the_indicator_phrase_drops_other_figures_years_and_repeats(phrase, shown):
    from analysis.taxonomy import indicator_phrase
    assert indicator_phrase(phrase) == shown


def test_every_data_table_row_has_the_headers_columns():
    """A pattern with an unquoted comma shifts a row's fields: the loaders would read the
    spill-over as wordings and descriptions, silently."""
    import csv

    from analysis.config import PACKAGE_DATA

    for path in sorted(PACKAGE_DATA.glob("*.csv")):
        rows = list(csv.reader(path.open(encoding="utf-8")))
        bad = [k + 1 for k, row in enumerate(rows) if row and len(row) != len(rows[0])]
        assert not bad, f"{path.name}: rows {bad} do not have {len(rows[0])} fields"


@pytest.mark.parametrize("row, reason", [
    ("x_count,某,家,家,0,0,0,0,a{0,6}b,,某,desc", "more fields than the header"),
    ("Bad-id,某,家,家,0,0,0,0,某,,某,desc", "not a new lower-case identifier"),
    ("x_count,某,家,家,2,0,0,0,某,,某,desc", "stock must be 0 or 1"),
    ("x_count,某,元,家,0,0,0,0,某,,某,desc", "is not among accepts_units"),
])
def test_a_bad_indicator_row_fails_with_file_and_line(tmp_path, monkeypatch, row, reason):
    from analysis import taxonomy
    from analysis.text.lexicon import LexiconError

    good = (taxonomy.PACKAGE_DATA / "indicators.csv").read_text(encoding="utf-8").splitlines()[:3]
    (tmp_path / "indicators.csv").write_text("\n".join([*good, row]) + "\n", encoding="utf-8")
    monkeypatch.setattr(taxonomy, "PACKAGE_DATA", tmp_path)
    with pytest.raises(LexiconError, match=f"indicators.csv, line 4: .*{reason}"):
        taxonomy.load_taxonomy.__wrapped__()


def test_indicators_of_the_official_monitoring_and_of_rural_programmes_map():
    from analysis.extract import extract_figures
    from analysis.models import DocMeta

    text = ("全市共有国家级星创天地2家,选派科技特派员223名,省级创新型企业8家,"
            "高新技术产品销售收入达到59.77亿元,研发人员15030人,取得科技成果432项。")
    got = {(f.metric_id, f.value, f.level) for f in extract_figures("t", text, DocMeta("t", report_year=2023))}
    assert got == {("star_innovation_spaces", 2, "national"), ("sci_tech_commissioners", 223, ""),
                   ("innovative_enterprises", 8, "provincial"), ("high_tech_product_sales", 5.977e9, ""),
                   ("rd_personnel", 15030, ""), ("sci_tech_achievements", 432, "")}
