"""Number and unit parsing: exact values from real report wording, and round trips."""

import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from analysis.numbers import (
    find_quantities,
    parse_chinese_numeral,
    parse_number,
    parse_quantity,
    quantity_pattern_reference,
    quantity_regex,
)


@pytest.mark.parametrize(
    ("text", "value", "unit", "qualifier"),
    [
        ("14.21亿元", 1_421_000_000, "元", ""),  # 技术合同成交额14.21亿元 (青岛 2013 H1)
        ("4000余万元", 40_000_000, "元", ">"),  # 获国家科技经费支持4000余万元 (宁波 2008)
        ("3.37万项", 33_700, "项", ""),  # 技术合同登记3.37万项 (大连 2015)
        ("82万平米", 820_000, "平方米", ""),  # 投入使用82万平米
        ("26万平方米", 260_000, "平方米", ""),
        ("1,234.5万元", 12_345_000, "元", ""),
        ("１２３４件", 1234, "件", ""),  # full-width digits
        ("５．８万件", 58_000, "件", ""),
        ("一千二百家", 1200, "家", ""),
        ("两家", 2, "家", ""),
        ("十余个", 10, "个", ">"),
        ("2213台(套)", 2213, "台(套)", ""),
        ("2213台（套）", 2213, "台(套)", ""),
        ("139%", 139, "%", ""),
        ("1.8个百分点", 1.8, "百分点", ""),
        ("12.75万人次", 127_500, "人次", ""),
        ("70亩", 70, "亩", ""),
        ("30万美元", 300_000, "美元", ""),
    ],
)
def test_parse_quantity(text, value, unit, qualifier):
    q = parse_quantity(text)
    assert q is not None
    assert q.value == pytest.approx(value, rel=1e-12)
    assert q.unit == unit
    assert q.qualifier == qualifier


def test_range_keeps_both_ends():
    q = parse_quantity("1-2家")
    assert (q.value, q.value_high, q.qualifier) == (1, 2, "range")


@pytest.mark.parametrize(
    "text",
    ["贷款*5万元", "拨付市财政科技资金20xx万元", "居各市第10位", "增长*%", "面积*万平方米",
     "中船重工710所", "二期工程", "五位一体"],
)
def test_masked_ranks_and_names_give_no_figure(text):
    assert find_quantities(text) == []


def test_offsets_point_at_the_figure():
    text = "发明专利申请6275件、授权988件,同比分别增长139%、37%"
    raws = [text[q.start:q.end] for q in find_quantities(text)]
    assert raws == ["6275件", "988件", "139%", "37%"]


@pytest.mark.parametrize(("text", "value"), [("一千二百", 1200), ("十五", 15), ("一百零五", 105),
                                             ("三万五千", 35000), ("十二亿三千万", 1_230_000_000),
                                             ("两", 2), ("十", 10)])
def test_chinese_numerals(text, value):
    assert parse_chinese_numeral(text) == value


def test_parse_number_bare():
    assert parse_number("3.37万") == 33700
    assert parse_number("十余") == 10
    assert parse_number("abc") is None


# ---------------------------------------------------------------- property tests

DIGITS = "零一二三四五六七八九"


def to_chinese(n: int) -> str:
    """Write 0 <= n < 10^12 in Chinese numerals (一千二百三十四万五千零六)."""
    if n == 0:
        return "零"

    def below_10k(x: int) -> str:
        out, zero = "", False
        for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = x // unit_value % 10
            if d:
                if zero:
                    out += "零"
                out += DIGITS[d] + unit
                zero = False
            elif out:
                zero = True
        return out

    parts = []
    skipped = False  # a whole 万 section of zeros: 一亿零一千, not 一亿一千
    for big_value, big in ((10**8, "亿"), (10**4, "万"), (1, "")):
        chunk = n // big_value % 10_000
        if chunk:
            text = below_10k(chunk)
            if parts and (chunk < 1000 or skipped):
                text = "零" + text
            parts.append(text + big)
            skipped = False
        elif parts:
            skipped = True
    return "".join(parts)


@given(st.integers(min_value=1, max_value=10**12 - 1))
def test_chinese_numeral_round_trip(n):
    assert parse_chinese_numeral(to_chinese(n)) == n


@pytest.mark.parametrize("n", [100_001_000, 100_000_005, 10_001, 101_000, 1_000_010_000])
def test_chinese_numeral_round_trip_across_a_zero_section(n):
    assert parse_chinese_numeral(to_chinese(n)) == n


UNITS = {"元": ("元", 1), "万元": ("元", 1e4), "亿元": ("元", 1e8), "件": ("件", 1),
         "家": ("家", 1), "项": ("项", 1), "平方米": ("平方米", 1), "万平米": ("平方米", 1e4),
         "人次": ("人次", 1), "个": ("个", 1)}


@given(
    whole=st.integers(min_value=1, max_value=99_999_999),
    cents=st.integers(min_value=0, max_value=99),
    unit=st.sampled_from(sorted(UNITS)),
    commas=st.booleans(),
)
def test_arabic_with_multiplier_round_trip(whole, cents, unit, commas):
    written = f"{whole:,}" if commas else str(whole)
    if cents:
        written += f".{cents:02d}"
    q = parse_quantity(written + unit)
    canonical, factor = UNITS[unit]
    assert q is not None and q.unit == canonical
    assert q.value == pytest.approx((whole + cents / 100) * factor, rel=1e-9)


@given(n=st.integers(min_value=1, max_value=9999), mult=st.sampled_from(["", "万", "亿"]),
       unit=st.sampled_from(["家", "件", "项", "元"]))
def test_chinese_with_multiplier_round_trip(n, mult, unit):
    q = parse_quantity(to_chinese(n) + mult + unit)
    factor = {"": 1, "万": 1e4, "亿": 1e8}[mult]
    assert q is not None
    assert q.value == pytest.approx(n * factor)


@given(st.text(alphabet="0123456789.,万亿元件家%一二三十百千余多约近超*x第、，。 ", max_size=60))
def test_find_quantities_never_raises_and_offsets_are_inside(text):
    for q in find_quantities(text):
        assert 0 <= q.start < q.end <= len(text)


_QUANTITY_ALPHABET = (
    "0123456789０５.,，万亿千元件家项%倍一二两十百零余多*＊x第 \n、。年-至~亿元台(套)）"
    "点〇\u3000\u00a0\u2009\u200beE+−"  # decimals, digit-group spaces, exponents, signs
)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_QUANTITY_ALPHABET, max_size=80))
def test_quantity_regex_finds_what_the_reference_pattern_finds(text):
    """The skip-ahead form of the pattern is the same language as the readable one."""
    reference = re.compile(quantity_pattern_reference())
    got = [(m.span(), m.groupdict()) for m in quantity_regex().finditer(text)]
    want = [(m.span(), m.groupdict()) for m in reference.finditer(text)]
    assert got == want


def test_quantity_regex_lets_re_skip_to_numbers():
    """Why the pattern is written number-first: ``re`` then jumps to digits and numerals."""
    from analysis.patterns import re_skips_ahead

    assert re_skips_ahead(quantity_regex().pattern)
    assert not re_skips_ahead(quantity_pattern_reference())


@given(st.lists(st.decimals(min_value="0.01", max_value="9999", places=2, allow_nan=False),
                min_size=2, max_size=6),
       st.sampled_from([("亿元", 10**8), ("万元", 10**4), ("家", 1)]))
def test_bare_numbers_listed_before_a_quantity_share_its_unit(values, unit_scale):
    """x、y、z亿元: every listed value comes back exactly, scaled by the last one's unit."""
    from decimal import Decimal

    from analysis.numbers import listed_before, quantity_from_match, quantity_regex

    unit, scale = unit_scale
    texts = [format(v.normalize(), "f") for v in values]
    sent = "投入分别" + "、".join(texts) + unit + "。"
    last = next(quantity_regex().finditer(sent, sent.rindex("、") + 1))
    q = quantity_from_match(last)
    assume(q is not None and q.raw.startswith(texts[-1]))
    got = listed_before(sent, q)
    assert [g.raw for g in got] == texts[:-1]
    assert [g.value for g in got] == [float(Decimal(t) * scale) for t in texts[:-1]]
    assert all(g.unit == q.unit and sent[g.start:g.end] == g.raw for g in got)


def test_a_january_span_written_with_both_months_reads_as_one():
    from analysis.numbers import month_spans

    assert month_spans("今年1月至3月,全市") == "今年1 至3月,全市"
    assert month_spans("1月份—9月份,登记技术合同") == "1  —9月份,登记技术合同"
    assert month_spans("今年一月至五月,全市") == "今年1 至5月,全市"
    assert month_spans("一至九月份") == "1至9月份"
    # a date, another first month, a day or a decimal are left alone
    for text in ("2025年1月3日至5日", "4月至6月", "11月至12月", "0.1月至3月", "1月,3月", "十一月至十二月",
                 "统一至五月", "一至五年"):
        assert month_spans(text) == text


@given(st.text(alphabet="1一二九十月份至到-—3 9日年", max_size=40))
def test_month_spans_keep_every_offset(text):
    from analysis.numbers import month_spans

    out = month_spans(text)
    assert len(out) == len(text)
    assert all(a == b or (a in "月份" and b == " ") or (a in "一二九" and b in "129")
               for a, b in zip(text, out, strict=True))


def test_a_news_item_on_january_to_march_is_that_periods():
    from analysis.pipeline import process_document

    r = process_document("k", "某市打造区域科创中心\n2025-04-21 16:39:16 来源: 某某日报\n日前,某某市科技创新喜讯连连。今年1月至3月,"
                              "某某市登记技术合同30项,技术合同成交额突破3.2亿元;《2025年某某市专利目录》公布。2023年10月,某某厅与某某市签署协议。\n")
    assert (r.meta.report_year, r.meta.period) == (2025, "M1-M3")
    assert [(f.metric_id, f.year, f.period) for f in r.figures if f.metric_id][:2] == [
        ("tech_contracts", 2025, "M1-M3"), ("tech_contract_turnover", 2025, "M1-M3")]
