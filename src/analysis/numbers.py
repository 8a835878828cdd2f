"""Numbers and units as Chinese reports write them, parsed to canonical values.

Handles Arabic digits (with thousands separators), Chinese numerals (一千二百, 两,
十余), the 万/亿 multipliers, approximate markers (余, 多) and the units listed in
``data/units.csv``. Money ends in 元 and area in 平方米 so figures compare across
reports that wrote 亿元 in one place and 万元 in another.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from .config import PACKAGE_DATA

CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
MULTIPLIERS = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3}
APPROX_MARKERS = "余多"


@dataclass(frozen=True)
class Unit:
    name: str
    canonical: str
    factor: float
    dimension: str


@cache
def load_units() -> dict[str, Unit]:
    """Units table from the package data, keyed by the unit as written."""
    with open(PACKAGE_DATA / "units.csv", encoding="utf-8") as f:
        return {
            r["unit"]: Unit(r["unit"], r["canonical"], float(r["factor"]), r["dimension"])
            for r in csv.DictReader(f)
        }


def parse_chinese_numeral(text: str) -> int | None:
    """一千二百 → 1200, 两 → 2, 十五 → 15, 三万五千 → 35000; None if not a numeral."""
    if not text or any(
        c not in CN_DIGITS and c not in CN_SMALL_UNITS and c not in CN_BIG_UNITS for c in text
    ):
        return None
    total = 0  # completed 亿/万 sections
    section = 0  # current section below 万
    digit: int | None = None
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in CN_SMALL_UNITS:
            section += (1 if digit is None else digit) * CN_SMALL_UNITS[ch]
            digit = None
        else:  # 万 or 亿
            section += digit or 0
            big = CN_BIG_UNITS[ch]
            if big == 100_000_000:
                total = (total + section) * big
            else:
                total += section * big
            section = 0
            digit = None
    if digit is not None:
        section += digit
    return total + section


def _digits_value(text: str) -> float | None:
    cleaned = text.replace(",", "").replace("，", "")
    try:
        return float(cleaned)
    except ValueError:
        return None


def parse_number(text: str) -> float | None:
    """The value of a bare number: ``1,234.5``, ``3.37万``, ``一千二百``, ``十余`` → 10."""
    text = text.strip().translate(FULLWIDTH).rstrip(APPROX_MARKERS)
    if not text:
        return None
    for word, factor in MULTIPLIERS.items():
        if text.endswith(word) and len(text) > len(word):
            head = text[: -len(word)].rstrip(APPROX_MARKERS)
            value = _digits_value(head)
            if value is None:
                cn = parse_chinese_numeral(head)
                value = None if cn is None else float(cn)
            if value is not None:
                return value * factor
            break
    value = _digits_value(text)
    if value is not None:
        return value
    cn = parse_chinese_numeral(text)
    return None if cn is None else float(cn)


FULLWIDTH = str.maketrans("０１２３４５６７８９．，％－", "0123456789.,%-")

_AR = r"\d+(?:,\d{3})*(?:\.\d+)?(?!\d)"
_CN_FIRST = "一二两三四五六七八九十"
_CN_REST = "零〇一二两三四五六七八九十百千万亿"
_CN = rf"[{_CN_FIRST}][{_CN_REST}]*"


def _unit_alternation() -> str:
    names = sorted(load_units(), key=len, reverse=True)
    return "|".join(re.escape(n).replace(r"\(", r"[(（]").replace(r"\)", r"[)）]") for n in names)


_NOT_BEFORE = r"[\d.*＊×xX○第A-Za-z]"  # masked digits (*5万元, 20xx), decimals, ranks, codes


def _unit_tail() -> str:
    return (
        rf"(?:\s*[-—–~～至到]\s*(?P<num_hi>(?:{_AR}|{_CN})))?"
        rf"(?P<approx1>[余多])?"
        rf"(?P<mult>万亿|亿|万|千)?"
        rf"(?P<approx2>[余多])?"
        rf"(?:[ \u00a0]?(?P<unit>{_unit_alternation()})|(?<=亿)(?![\d.]))"
    )


def quantity_pattern_reference() -> str:
    """The quantity pattern as first written: look-behinds, then the number.

    Kept as the readable definition; :func:`quantity_regex` is the same language written
    so that ``re`` can skip ahead (the tests check that both find the same matches).
    """
    return rf"(?<!{_NOT_BEFORE})(?<!第\s)(?P<num>(?:{_AR}|{_CN}))" + _unit_tail()


@cache
def quantity_regex() -> re.Pattern[str]:
    """One compiled pattern for number (or range) + multiplier + unit.

    Masked digits (``*5万元``, ``20xx万元``) and ranks (``第2位``) are excluded by the
    look-behind, so no figure is invented from a masked one.

    Why it opens with the number's first character and checks what came before it
    afterwards (``(?<!X.)`` after one character is ``(?<!X)`` before it): ``re`` jumps
    straight to digits and numerals only when a pattern starts with a character class.
    Written look-behind first, it tried every position of the text, at half the speed.
    """
    pattern = (
        rf"(?P<num>[\d{_CN_FIRST}](?<!{_NOT_BEFORE}.)(?<!第\s.)"
        rf"(?:(?<=\d)\d*(?:,\d{{3}})*(?:\.\d+)?(?!\d)"  # the rest of _AR
        rf"|(?<=[{_CN_FIRST}])[{_CN_REST}]*))" + _unit_tail()  # the rest of _CN
    )
    return re.compile(pattern)


class Quantity(NamedTuple):
    """One number + unit found in a text: a tuple, because a report yields thousands."""

    value: float  # in the canonical unit
    unit: str  # canonical unit
    qualifier: str  # ">" when 余/多 follows the number, "range" for 1-2家, else ""
    raw: str
    start: int
    end: int
    value_high: float | None = None  # upper end of a range (1-2家)
    dimension: str = ""


def _num_value(text: str) -> float | None:
    if text[0].isdigit():  # the pattern's Arabic branch: digits, optional ,000 groups and .d
        try:
            return float(text.replace(",", "")) if "," in text else float(text)
        except ValueError:
            return None
    cn = parse_chinese_numeral(text)
    return None if cn is None else float(cn)


_GROUPS = ("num", "num_hi", "approx1", "mult", "approx2", "unit")


def quantity_from_match(m: re.Match[str], offset: int = 0) -> Quantity | None:
    """Turn a :func:`quantity_regex` match into a canonical Quantity (None if unusable).

    ``offset`` is subtracted from the match's positions, so a match found in a whole
    text can give positions relative to one of its sentences. Called once per number
    in a corpus, so it avoids helper calls on the common path.
    """
    num, hi, approx1, mult_w, approx2, unit_w = m.group(*_GROUPS)
    chinese = not num[0].isdigit()
    if chinese:
        cn = parse_chinese_numeral(num)
        if cn is None:
            return None
        value = float(cn)
    else:  # the pattern's Arabic branch: digits, optional ,000 groups and .d
        try:
            value = float(num.replace(",", "")) if "," in num else float(num)
        except ValueError:
            return None
    if unit_w is None:
        unit_written = "元"  # 产值27.6亿: 亿 alone is money
    elif "（" in unit_w or "）" in unit_w:
        unit_written = _unit_key(unit_w)
    else:
        unit_written = unit_w
    if chinese and unit_written in {"期", "位"} and not hi:
        return None  # 二期工程, 五位一体: a phase or a slogan, not a count
    if unit_written == "所" and not chinese and value >= 100:
        return None  # 中船重工710所: an institute's number, not a count of institutes
    unit = load_units()[unit_written]
    factor = MULTIPLIERS.get(mult_w, 1.0) * unit.factor if mult_w else unit.factor
    hi_value = _num_value(hi) if hi else None
    qualifier = "range" if hi else (">" if (approx1 or approx2) else "")
    if factor != 1.0 or chinese or len(num) > 12:  # else float() is already exact
        value = _round(value * factor)
    start, end = m.span()
    return Quantity(
        value,
        unit.canonical,
        qualifier,
        m.string[start:end],
        start - offset,
        end - offset,
        None if hi_value is None else _round(hi_value * factor),
        unit.dimension,
    )


def _unit_key(written: str) -> str:
    return written.replace("（", "(").replace("）", ")") if "）" in written or "（" in written else written


def _round(x: float) -> float:
    """Drop binary noise from decimal scaling (14.21 × 1e8 → 1421000000.0)."""
    return float(f"{x:.12g}")


def find_quantities(text: str) -> list[Quantity]:
    """Every number + unit in a text, in order."""
    out = []
    for m in quantity_regex().finditer(text):
        q = quantity_from_match(m)
        if q is not None:
            out.append(q)
    return out


def parse_quantity(text: str) -> Quantity | None:
    """Parse one quantity written alone, e.g. ``14.21亿元`` → 1421000000 元."""
    text = text.strip().translate(FULLWIDTH)
    m = quantity_regex().fullmatch(text)
    return quantity_from_match(m) if m else None
