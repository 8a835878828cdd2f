"""One numeral reader for every form a report writes (issue 16) and numbers that are
read right or refused, never silently wrong (issue 12, "Numbers").

The peer tables are cn2an's own: the ``strict_data_dict``, ``normal_data_dict``,
``smart_data_dict``, ``direct_data_dict`` and error lists of ``cn2an/cn2an_test.py`` in
the Ailln/cn2an repository, which the cn2an package ships; cn2an is a test dependency
(``.[dev]``), read here from the installed package rather than copied.
"""

from __future__ import annotations

import math
import warnings

import cn2an
import cn2an.cn2an_test as peer
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.numbers import (
    Numeral,
    arabic_years,
    find_quantities,
    parse_chinese_numeral,
    parse_number,
    parse_numeral,
    parse_quantity,
)


def _peer_tables() -> peer.Cn2anTest:
    tables = peer.Cn2anTest("test_cn2an")
    tables.setUp()
    return tables


PEER = _peer_tables()


def _same(got: float | None, want: float) -> bool:
    return got is not None and math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-18)


# ---------------------------------------------------------------- cn2an's tables

# Where our documented rule differs from cn2an we refuse (None); never another value.
REFUSED_BY_RULE = {
    "012",  # an Arabic number with a leading zero is a code, not a quantity
}


@pytest.mark.parametrize(("text", "value"), sorted(PEER.strict_data_dict.items()))
def test_cn2an_strict_table(text, value):
    assert _same(parse_number(text), value)


@pytest.mark.parametrize(("text", "value"), sorted(PEER.normal_data_dict.items()))
def test_cn2an_normal_table(text, value):
    assert _same(parse_number(text), value)


@pytest.mark.parametrize(("text", "value"), sorted(PEER.smart_data_dict.items()))
def test_cn2an_smart_table(text, value):
    assert _same(parse_number(text), value)


@pytest.mark.parametrize(("text", "digits"), sorted(PEER.direct_data_dict.items()))
def test_cn2an_direct_table_as_numbers(text, digits):
    """cn2an's "direct" mode keeps the digits as a string; as a number we read its value."""
    got = parse_number(text)
    if text in REFUSED_BY_RULE:
        assert got is None
    else:
        assert _same(got, float(digits))


_READ_ELSEWHERE = set(PEER.smart_data_dict)  # strict errors that the normal mode reads
_ERRORS = sorted(
    {*PEER.error_strict_datas, *PEER.error_normal_datas, *PEER.error_smart_datas}
    - _READ_ELSEWHERE
)


@pytest.mark.parametrize("text", _ERRORS)
def test_cn2an_errors_are_refused(text):
    assert parse_number(text) is None


def _cn2an(text: str, mode: str) -> float | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return cn2an.cn2an(text, mode)
        except (ValueError, KeyError, IndexError):  # cn2an's refusals (and its KeyError bug)
            return None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="零一二两三四五六七八九十百千万亿点负壹拾佰", min_size=1, max_size=8))
def test_never_a_different_number_than_cn2an(text):
    """Where both read a string, they read the same number (we may refuse more)."""
    ours, theirs = parse_number(text), _cn2an(text, "normal")
    if ours is not None and theirs is not None:
        assert _same(ours, theirs), (text, ours, theirs)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="零一二两三四五六七八九十百千万亿点负0123456789.-", min_size=1,
               max_size=8))
def test_never_a_different_number_than_cn2an_smart(text):
    """Mixed Arabic and Chinese against cn2an's smart mode."""
    ours, theirs = parse_number(text), _cn2an(text, "smart")
    if ours is not None and theirs is not None:
        if text.startswith("负") and _same(-ours, theirs):
            return  # cn2an 0.5.24 drops 负 before Arabic digits (负52 → 52): its defect
        assert _same(ours, theirs), (text, ours, theirs)


# ---------------------------------------------------------------- the forms issue 16 lists


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # positional, including the ones read wrong before
        ("一千零十", 1010), ("一万零百一十一", 10111), ("十万零一千", 101_000),
        ("一百零五", 105), ("十二亿三千万", 1_230_000_000), ("三万亿", 3e12),
        # colloquial, as cn2an reads them
        ("三万五", 35_000), ("两千六", 2600), ("一百二", 120), ("一百二十万三", 1_203_000),
        ("一亿五", 150_000_000),
        # digit by digit
        ("一七二零", 1720), ("二〇二三", 2023), ("二零二三", 2023), ("一二三", 123),
        # capitals and money
        ("壹拾壹", 11), ("玖仟陆佰陆拾伍圆壹角捌分", 9665.18), ("壹佰壹拾壹圆整", 111),
        ("贰万零叁佰元整", 20_300),
        # decimals
        ("零点五", 0.5), ("一百点一二三", 100.123), ("三点五万", 35_000), ("16.4亿", 1.64e9),
        ("1,234.5万", 12_345_000),
        # negatives
        ("负十", -10), ("负零点五", -0.5), ("-10.1万", -101_000),
        # traditional
        ("兩千六", 2600), ("三萬五千", 35_000), ("十二億", 1.2e9), ("貳拾參", 23),
        # mixed Arabic and Chinese
        ("1万600", 10_600), ("100万三千", 1_003_000), ("200亿零四千230", 20_000_004_230),
        # full-width
        ("１２３４", 1234), ("５．８万", 58_000),
    ],
)
def test_every_form_a_report_writes(text, value):
    assert _same(parse_number(text), value)


@pytest.mark.parametrize(
    ("text", "value", "qualifier"),
    [("十余", 10, ">"), ("二十多", 20, ">"), ("4000余万", 4e7, ">"), ("十多万", 1e5, ">"),
     ("上百", 100, "~"), ("上千万", 1e7, "~"), ("三万五", 35_000, "")],
)
def test_approximations_keep_their_qualifier(text, value, qualifier):
    assert parse_numeral(text) == Numeral(value, qualifier)


@pytest.mark.parametrize(
    "text",
    [
        "四百四万",  # 440万 or 404万: a colloquial digit only ends a numeral
        "一亿一千",  # 零 missing before a part of 1000 or more (cn2an refuses it too)
        "一万十", "零百八", "五四零点七万", "十五六", "二三十", "十七十八", "百十一",
        "一亿亿", "一" + "亿" * 40, "1" * 400, "1.5E+3", "1e5", "inf", "nan", "1_000",
        "1,,000", "1,00", "10..1万", "点五", "零点", "负", "元整", "abc", "", "  ",
        "一二三四五六七八九零一二三四五六七",  # 17 digits: 10^16 or more
    ],
)
def test_malformed_numerals_are_refused(text):
    assert parse_number(text) is None


def test_parse_chinese_numeral_is_positional_and_exact():
    assert parse_chinese_numeral("一千零十") == 1010
    assert parse_chinese_numeral("一二") is None  # 一二月 is January-February, not 12
    assert parse_chinese_numeral("12") is None
    big = "九千九百九十九万九千九百九十九亿九千九百九十九万九千九百九十九"
    assert parse_chinese_numeral(big) == 10**16 - 1  # exact beyond float's 2^53


def test_a_run_of_yi_is_refused_in_linear_time():
    assert parse_number("一" + "亿" * 100_000) is None
    assert find_quantities("一" + "亿" * 100_000 + "元") == []
    assert find_quantities("一" * 100_000) == []  # was one scan per character


# ---------------------------------------------------------------- round trips below 10^16

_LOWER = "零一二三四五六七八九"
_UPPER = str.maketrans("一二三四五六七八九十百千", "壹贰叁肆伍陆柒捌玖拾佰仟")


def _below_10k(x: int, lead_ten: bool) -> str:
    """0 < x < 10^4 with one 零 for each skipped run of places (一千零一十)."""
    out, gap = "", False
    for place, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = x // place % 10
        if d:
            out += ("零" if gap else "") + ("" if (lead_ten and not out and place == 10
                                                     and d == 1) else _LOWER[d]) + unit
            gap = False
        elif out:
            gap = True
    return out


def _below_10e8(x: int, lead_ten: bool) -> str:
    hi, lo = divmod(x, 10**4)
    if not hi:
        return _below_10k(lo, lead_ten)
    out = _below_10k(hi, lead_ten) + "万"
    return out + ("零" if 0 < lo < 1000 else "") + (_below_10k(lo, False) if lo else "")


def positional(n: int, lead_ten: bool = False) -> str:
    """0 <= n < 10^16 as a report writes it: 一亿零五, 十万零一千, 一千一百一十一万…亿…"""
    if n == 0:
        return "零"
    hi, lo = divmod(n, 10**8)
    if not hi:
        return _below_10e8(lo, lead_ten)
    out = _below_10e8(hi, lead_ten) + "亿"
    return out + ("零" if 0 < lo < 10**7 else "") + (_below_10e8(lo, False) if lo else "")


_BELOW_10_16 = st.integers(min_value=0, max_value=10**16 - 1)


@settings(max_examples=300)
@given(_BELOW_10_16, st.booleans())
def test_positional_numerals_parse_back(n, lead_ten):
    text = positional(n, lead_ten)
    assert parse_chinese_numeral(text) == n, text
    assert parse_number(text) == float(n), text


@settings(max_examples=300)
@given(_BELOW_10_16)
def test_capital_numerals_parse_back(n):
    text = positional(n).translate(_UPPER)
    assert parse_chinese_numeral(text) == n, text
    assert parse_number(text) == float(n), text
    if n:
        assert parse_number(text + "元整") == float(n), text


@settings(max_examples=300)
@given(_BELOW_10_16, st.sampled_from(["〇", "零"]))
def test_digit_by_digit_numerals_parse_back(n, zero):
    text = "".join(zero if c == "0" else _LOWER[int(c)] for c in str(n))
    assert parse_number(text) == float(n), text


@settings(max_examples=200)
@given(st.integers(min_value=1, max_value=10**15), st.integers(min_value=0, max_value=999))
def test_chinese_decimals_parse_back(whole, frac):
    text = positional(whole) + "点" + "".join(_LOWER[int(c)] for c in f"{frac:03d}")
    assert parse_number(text) == float(f"{whole}.{frac:03d}"), text


# ---------------------------------------------------------------- numbers in sentences


def _read(text: str) -> list[tuple[float, str, str]]:
    return [(q.value, q.unit, q.raw) for q in find_quantities(text)]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("新认定一千零十家", [(1010, "家", "一千零十家")]),
        ("提高零点五个百分点", [(0.5, "百分点", "零点五个百分点")]),
        ("实现产值三点五万元", [(35_000, "元", "三点五万元")]),
        ("一百二十万三家", [(1_203_000, "家", "一百二十万三家")]),
        # ranges and slogans are refused, not read as one of their numerals
        ("三四家", []), ("十五六家", []), ("二三十家", []), ("第二十家", []), ("万一家", []),
    ],
)
def test_chinese_numerals_in_sentences(text, want):
    assert _read(text) == want


_GROUPING = ["\u00a0", "\u2007", "\u2009", "\u202f"]  # no-break, figure, thin, narrow
_SEPARATING = [" ", "\u3000"]  # ordinary and ideographic: they also part words and cells
_ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]


@pytest.mark.parametrize("space", _GROUPING)
def test_a_space_grouping_digits_joins_them(space):
    text = f"专利12{space}345件"
    (q,) = find_quantities(text)
    assert (q.value, q.unit) == (12_345, "件")
    assert text[q.start:q.end] == f"12{space}345件"  # offsets index the original text
    assert parse_quantity(f"1{space}234{space}567元").value == 1_234_567


@pytest.mark.parametrize("space", _GROUPING)
def test_a_grouping_space_that_does_not_group_digits_refuses_them(space):
    assert find_quantities(f"专利12{space}34件") == []  # never 34
    assert find_quantities(f"2023{space}345件") == []  # four digits before: not a group


@pytest.mark.parametrize("space", _SEPARATING)
def test_a_separating_space_in_a_digit_group_refuses_the_number(space):
    """12 345件: one number or two (a table row)? Neither 345 nor 12345."""
    assert find_quantities(f"专利12{space}345件") == []
    assert find_quantities(f"分别为120{space}135{space}150家") == []
    assert _read(f"2023{space}12家") == [(12, "家", "12家")]  # not a digit group: two numbers
    assert _read(f"共{space}100家") == [(100, "家", "100家")]


@pytest.mark.parametrize("space", _GROUPING + _SEPARATING)
def test_parse_number_reads_digit_groups_as_find_quantities_does(space):
    joined = space in _GROUPING
    assert parse_number(f"12{space}345") == (12_345 if joined else None)
    assert parse_number(f"1{space}234{space}567.5万") == (12_345_675_000 if joined else None)
    assert parse_number(f"12{space}34") is None
    assert parse_number(f"三{space}万") is None


@pytest.mark.parametrize("zw", _ZERO_WIDTH)
def test_zero_width_characters_inside_a_number_are_skipped(zw):
    text = f"新增1{zw}2,345件"
    (q,) = find_quantities(text)
    assert q.value == 12_345 and text[q.start:q.end] == f"1{zw}2,345件"
    assert parse_number(f"1{zw}2,345") == 12_345


@pytest.mark.parametrize(
    "text",
    ["增长1.5E+3亿元", "增长1.5e3亿元", "投入1,,000亿元", "投入12,34家", "投入1" + "0" * 400 + "元",
     "投入" + "9" * 17 + "元"],
)
def test_exponents_doubled_separators_and_huge_values_are_refused(text):
    assert find_quantities(text) == []


@pytest.mark.parametrize(
    ("text", "value", "raw"),
    [
        ("净利润-12亿元", -1.2e9, "-12亿元"),
        ("同比增长-5%", -5, "-5%"),
        ("同比下降-5%", -5, "-5%"),  # the number is -5; what 下降 makes of it is extract's
        ("增速为 -3.5%", -3.5, "-3.5%"),
        ("（-5%）", -5, "-5%"),
        ("净利润−12亿元", -1.2e9, "−12亿元"),  # U+2212 minus
    ],
)
def test_a_minus_sign_is_read(text, value, raw):
    (q,) = find_quantities(text)
    assert (q.value, q.raw) == (value, raw)
    assert text[q.start:q.end] == raw


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("5万-10万元", [(100_000, "元", "10万元")]),  # a dash between two figures
        ("1家-2家", [(1, "家", "1家"), (2, "家", "2家")]),
        ("10-20家", [(10, "家", "10-20家")]),
        ("1\n-2家", [(1, "家", "1\n-2家")]),
        ("-2家", [(2, "家", "2家")]),  # at a text's start nothing says: read as a dash
    ],
)
def test_a_dash_is_not_a_minus_sign(text, want):
    assert _read(text) == want


def test_parse_quantity_reads_a_sign():
    assert parse_quantity("-12亿元").value == -1.2e9
    assert parse_quantity("－5%").value == -5
    q = parse_quantity("-1-2家")
    assert (q.value, q.value_high, q.qualifier) == (-1, 2, "range")


_HOSTILE = "0123456789,.eE+-−－ \u00a0\u2009\u3000\u200b万亿千百十一二两零点余多元件%个百分点第*x"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_HOSTILE, max_size=60))
def test_find_quantities_values_are_finite_and_offsets_exact(text):
    for q in find_quantities(text):
        assert math.isfinite(q.value) and abs(q.value) < 1e16
        assert q.value_high is None or math.isfinite(q.value_high)
        assert text[q.start:q.end] == q.raw


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_HOSTILE + "壹贰拾佰仟圆角分整负兩萬億上廿", max_size=40))
def test_parse_number_never_raises_and_is_finite(text):
    n = parse_numeral(text)
    assert n is None or (math.isfinite(n.value) and abs(n.value) < 1e16)


# ---------------------------------------------------------------- years in Chinese digits


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("某市科技局二〇二三年工作总结", "某市科技局2023年工作总结"),
        ("二零二四年力争", "2024年力争"),
        ("一九九八年", "1998年"),
        ("二〇二三—二〇二五年", "2023—2025年"),
        ("二〇二三", "2023"),
        ("一九九八七", "一九九八七"),  # five digits: not a year
        ("十二〇二三", "十二〇二三"),
        ("二〇二三点五", "二〇二三点五"),
        ("一二三四家", "一二三四家"),
        ("二〇二三家", "二〇二三家"),  # a unit follows: no year (and not the figure 2023家)
        ("二〇二三万元", "二〇二三万元"),
        ("2023年", "2023年"),
    ],
)
def test_arabic_years(text, want):
    assert arabic_years(text) == want


@given(st.text(alphabet="〇零一二三四五六七八九十年点两2 月是", max_size=40))
def test_arabic_years_keeps_length_and_every_other_character(text):
    out = arabic_years(text)
    assert len(out) == len(text)
    for a, b in zip(text, out, strict=True):
        assert a == b or (b.isdigit() and parse_number(a) == int(b))


@given(st.integers(min_value=1900, max_value=2099), st.sampled_from(["〇", "零"]),
       st.sampled_from(["", "年", "年度"]))
def test_arabic_years_reads_every_year(year, zero, tail):
    written = "".join(zero if c == "0" else _LOWER[int(c)] for c in str(year))
    assert arabic_years(f"我市{written}{tail}工作") == f"我市{year}{tail}工作"


# ---------------------------------------------------------------- plausible sizes


@pytest.mark.parametrize(
    ("text", "found"),
    [("投入200万亿元", True), ("投入" + "1" + "0" * 16 + "元", False), ("投入99999万亿元", False),
     ("增长1200%", True), ("增长200000%", False), ("企业8000万家", True), ("企业2000万亿家", False)],
)
def test_values_beyond_their_units_plausible_size_are_refused(text, found):
    assert bool(find_quantities(text)) is found


def test_a_bad_plausible_table_names_the_file_and_line(tmp_path, monkeypatch):
    import analysis.numbers as numbers

    (tmp_path / "plausible.csv").write_text("dimension,max_abs,note\nmoney,lots,\n",
                                            encoding="utf-8")
    monkeypatch.setattr(numbers, "PACKAGE_DATA", tmp_path)
    with pytest.raises(ValueError, match=r"plausible\.csv, line 2: max_abs"):
        numbers.plausible_limits.__wrapped__()


# ---------------------------------------------------------------- through extraction


def _figures(sentence: str) -> list[tuple[str, float, str, float | None]]:
    from analysis.extract import extract_figures
    from analysis.models import DocMeta

    meta = DocMeta("d", region="青岛市", report_year=2015, period="FY", doc_type="summary")
    return [(f.raw, f.value, f.unit, f.yoy_pct) for f in extract_figures("d", sentence, meta)]


def test_extraction_reads_chinese_numerals_and_decimals():
    assert _figures("全年新认定高新技术企业一千零十家。") == [("一千零十家", 1010, "家", None)]
    assert _figures("研发经费投入强度提高零点五个百分点。") == [("零点五个百分点", 0.5, "百分点", None)]


def test_extraction_keeps_a_minus_sign():
    assert _figures("实现净利润-12亿元，同比增长-5%。") == [("-12亿元", -1.2e9, "元", -5.0)]


def test_a_fall_by_a_negative_number_gives_no_yoy():
    """下降-5%: the sign is unclear, so the figure gets no yoy and the rate says why."""
    from analysis.extract import extract_figures
    from analysis.models import DocMeta

    meta = DocMeta("d", region="青岛市", report_year=2015, period="FY", doc_type="summary")
    level, rate = extract_figures("d", "技术合同成交额10亿元，同比下降-5%。", meta)
    assert (level.raw, level.value, level.yoy_pct) == ("10亿元", 1e9, None)
    assert "sign unclear" in rate.note and rate.metric_id == ""


def test_a_report_dated_only_in_chinese_numerals():
    """二〇二三年工作总结 … 二〇二四年工作思路: the year, the plan part and its targets are
    read exactly as if the years were written in Arabic digits (issue 16)."""
    from analysis.pipeline import process_document

    text = ("青岛市科技局二〇二三年工作总结和二〇二四年工作思路\n"
            "一、二〇二三年工作成效\n"
            "二〇二三年，全市新认定高新技术企业一千零十家，技术合同成交额达到120亿元，同比增长15%。\n"
            "二、二〇二四年工作思路\n"
            "二〇二四年，力争高新技术企业总数达到6000家，技术合同成交额突破150亿元。\n")
    result = process_document("cn", text)
    assert (result.meta.report_year, result.meta.doc_type) == (2023, "summary+plan")
    assert [(f.metric_id, f.value, f.year, f.kind, f.yoy_pct) for f in result.figures] == [
        ("high_tech_enterprises_new", 1010, 2023, "actual", None),
        ("tech_contract_turnover", 1.2e10, 2023, "actual", 15.0),
        ("high_tech_enterprises_total", 6000, 2024, "target", None),
        ("tech_contract_turnover", 1.5e10, 2024, "target", None),
    ]
    assert result.text.startswith("青岛市科技局二〇二三年")  # the text itself is not changed
