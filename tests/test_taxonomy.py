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
