"""Numbers and units as Chinese reports write them, parsed to canonical values.

One numeral reader (:func:`parse_numeral`, :func:`parse_number`) for every form a
report writes: Arabic digits with separators, positional Chinese numerals (一千零十),
colloquial ones (三万五), digit by digit (二〇二三), capitals (壹拾壹圆整), decimals
(零点五), negatives, traditional forms and mixed ones (1万600); what is not a
well-formed numeral is refused (None), never read as another number. The quantity
pattern finds number + multiplier + unit in a text, with the units listed in
``data/units.csv``. Money ends in 元 and area in 平方米 so figures compare across
reports that wrote 亿元 in one place and 万元 in another.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from typing import NamedTuple

from .config import PACKAGE_DATA

MULTIPLIERS = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3}
MAX_VALUE = 1e16  # no figure in a report reaches 10^16 in its canonical unit


@dataclass(frozen=True)
class Unit:
    name: str
    canonical: str
    factor: float
    dimension: str
    limit: float = MAX_VALUE  # a value of this size or more is a misread, refused


@cache
def plausible_limits() -> dict[str, float]:
    """The largest plausible size of a value, per dimension (``data/plausible.csv``)."""
    path = PACKAGE_DATA / "plausible.csv"
    out: dict[str, float] = {}
    with open(path, encoding="utf-8") as f:
        for line, r in enumerate(csv.DictReader(f), start=2):
            try:
                limit = float(r["max_abs"])
            except (TypeError, ValueError):
                limit = float("nan")
            if not 0 < limit <= MAX_VALUE:
                raise ValueError(f"{path}, line {line}: max_abs must be a number in (0, 1e16], "
                                 f"not {r.get('max_abs')!r}")
            out[r["dimension"]] = limit
    return out


def plausible_yoy(yoy: float) -> bool:
    """A year-on-year change a report can state: a fall of at most 100 %, a growth up to
    the ``yoy_growth`` row of ``data/plausible.csv``."""
    return -100.0 <= yoy <= plausible_limits()["yoy_growth"]


@cache
def load_units() -> dict[str, Unit]:
    """Units table from the package data, keyed by the unit as written."""
    path = PACKAGE_DATA / "units.csv"
    limits = plausible_limits()
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    missing = sorted({r["dimension"] for r in rows} - set(limits))
    if missing:
        raise ValueError(f"{path}: dimension(s) {', '.join(missing)} have no row in "
                         f"{PACKAGE_DATA / 'plausible.csv'}")
    return {
        r["unit"]: Unit(r["unit"], r["canonical"], float(r["factor"]), r["dimension"],
                        limits[r["dimension"]])
        for r in rows
    }


FULLWIDTH = str.maketrans("０１２３４５６７８９．，％－", "0123456789.,%-")


# ---------------------------------------------------------------- one numeral reader
#
# The rules (tested against cn2an's own strict, normal and smart tables, see
# tests/test_numerals.py; where cn2an would raise, so do we, by returning None):
#
# - Positional numerals: 一千零十, 一万零百一十一 (零百 = 零一百), 十万零一千, 一百十一.
#   A 零 marks a skipped place; inside a 万/亿 section a missing 零 is tolerated
#   (一千一十 = 1010), after 万/亿 only before a part below 1000 (一万一百 = 10100) or a
#   full part (一亿一千万): 一亿一千 and 一亿一万 are refused, as cn2an refuses them.
# - Colloquial: one digit right after a unit of 百 or more, at the numeral's end, stands
#   for the next lower place (三万五 = 35000, 两千六 = 2600, 一百二 = 120,
#   一百二十万三 = 1203000, 一亿五 = 150000000), as cn2an reads them; before 万 or 亿
#   it is refused (四百四万: 440万 or 404万?), and so are 零百八 and 一万十.
# - Digit by digit (一七二零, 二〇二三, 一二三): read only by parse_number; a quantity's
#   numeral is positional, because 三四家 and 一二月 are ranges, not 34 and 12.
# - Capitals (壹贰叁肆伍陆柒捌玖拾佰仟), traditional forms (兩 萬 億 貳 參 陸 圓 點 負),
#   廿 = 二十, 卅 = 三十, 幺 = 一, 仨 = 三; money in 圆/元 角 分 with 整/正.
# - Decimals with 点 (零点五, 一百点一二三, 一百点123) or "." (10.1), optionally times
#   万, 亿, 万亿 or 千 (三点五万, 16.4亿); negatives with 负 or "-".
# - Mixed Arabic and Chinese: an Arabic number stands where a Chinese part would
#   (1万600, 100万三千, 200亿零四千230, 1百01).
# - Approximations: 余/多 after the number or before its multiplier (十余, 二十多,
#   4000余万) give qualifier ">"; 上 before 百/千/万/亿 (上百) gives "~" (about).
# - Refused (None): anything else, more than one 亿 (一亿亿), more than 16 digits
#   before the point, 1e16 or more, exponents, doubled or misplaced separators, nan/inf.

_MAX_INT = 10**16
_MAX_LEN = 80  # a well-formed numeral below 10^16 is far shorter: refuse before any work

_NORMAL = str.maketrans(
    {
        "兩": "两", "萬": "万", "億": "亿", "貳": "二", "參": "三", "陸": "六", "圓": "圆",
        "點": "点", "負": "负", "〇": "零", "幺": "一", "仨": "三", "壹": "一", "贰": "二",
        "叁": "三", "肆": "四", "伍": "五", "陆": "六", "柒": "七", "捌": "八", "玖": "九",
        "拾": "十", "佰": "百", "仟": "千", "−": "-",
    }
)
_DIGIT_CHARS = "零一二三四五六七八九"  # after _NORMAL; 两 is a digit only positionally
_DIGIT_VALUE = {c: i for i, c in enumerate(_DIGIT_CHARS)} | {"两": 2}
_SMALL_PLACE = {"十": 10, "百": 100, "千": 1000}
_FIRST_PLACE = re.compile("[十百千]")
_ARABIC_INT = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+")
_MONEY = re.compile(r"(?P<n>.+?)[元圆](?:零?(?P<jiao>[一二三四五六七八九两])角)?"
                    r"(?:零?(?P<fen>[一二三四五六七八九两])分)?[整正]?")
_DECIMAL = re.compile(r"(?P<i>.+?)(?P<p>[.点])(?P<f>[0-9]+|[零一二三四五六七八九]+)(?P<m>万亿|亿|万|千)?")
_INNER_APPROX = re.compile(r"(?P<n>.+?)[余多](?P<m>万亿|亿|万|千)")
_MULT_VALUE = {"万亿": 10**12, "亿": 10**8, "万": 10**4, "千": 10**3, "": 1}


class Numeral(NamedTuple):
    """A numeral's value and how exact it is: ">" (余, 多), "~" (上百) or ""."""

    value: float
    qualifier: str = ""


_ascii_digits = re.compile(r"[0-9]+").fullmatch


def _arabic_int(s: str) -> int | None:
    if not _ARABIC_INT.fullmatch(s):
        return None
    return int(s.replace(",", "")) if "," in s else int(s)


def _single_digit(s: str) -> int | None:
    """1-9 written as one Chinese or Arabic digit (the digit before a unit)."""
    if len(s) != 1:
        return None
    d = _DIGIT_VALUE.get(s)
    if d is None and "1" <= s <= "9":
        d = ord(s) - 48
    return d or None


def _section(s: str, last: bool) -> int | None:
    """A part below 万 (1-9999): 一千零十, 二十, 十一, 一百十一, 四千230.

    ``last``: the numeral's last part, the only one where a colloquial digit may stand.
    """
    if not s:
        return None
    if _ascii_digits(s):
        v = int(s)
        return v if s[0] != "0" and v < 10_000 else None
    m = _FIRST_PLACE.search(s)
    if m is None:
        return _single_digit(s)
    i = m.start()
    place = _SMALL_PLACE[s[i]]
    head = s[:i]
    d = (1 if place == 10 else None) if not head else _single_digit(head)
    if d is None:
        return None
    rest = _below(s[i + 1 :], place, last)
    return None if rest is None else d * place + rest


def _wan_level(s: str, last: bool) -> int | None:
    """A part below 亿 (1-99999999): at most one 万."""
    if not s:
        return None
    if s[0] in "0123456789":
        v = _arabic_int(s)
        if v is not None:
            return v if v and s[0] != "0" and v < 10**8 else None
        if "万" not in s:
            return _section(s, last)
    if "万" not in s:
        return _section(s, last)
    hi, sep, lo = s.partition("万")
    if "万" in lo:
        return None
    h = _section(hi, False)
    rest = _below(lo, 10_000, last)
    return None if h is None or rest is None else h * 10_000 + rest


def _below(s: str, place: int, last: bool) -> int | None:
    """What follows a unit of ``place``: 0 if nothing, else a value below ``place``."""
    if not s:
        return 0
    zero = s[0] in "零0" and len(s) > 1
    if zero:
        s = s[1:]
        if s[0] in "十百":  # 零十 = 零一十, 零百 = 零一百 (一千零十, 一万零百一十一)
            if s[0] == "百" and len(s) == 2:
                return None  # 零百八: 180 or 80? cn2an reads 80
            s = "一" + s
        elif s[0] in "零0千万亿":
            return None
    elif place >= 100 and (d := _single_digit(s)) is not None:
        # colloquial, at the numeral's end only: 三万五, 两千六, 一百二 (四百四万: refused)
        return d * place // 10 if last else None
    elif place >= 10_000 and s[0] == "十":
        return None  # 一万十: cn2an refuses it, a 零 or a digit is missing
    v = _wan_level(s, last) if place > 10_000 else _section(s, last)
    if v is None or v >= place:
        return None
    if zero and place <= 1000 and v >= place // 10:
        return None  # 一千零一百: no place skipped, the 零 is wrong
    if not zero and place >= 10_000 and 1000 <= v < place // 10:
        return None  # 一亿一千: a 零 missing before a part of 1000 or more
    return v


def _positional(s: str) -> int | None:
    """An integer in positional numerals, possibly with Arabic parts (one 亿 at most)."""
    if s == "零":
        return 0
    hi, sep, lo = s.partition("亿")
    if not sep:
        return _wan_level(s, True)
    if "亿" in lo or not hi:
        return None
    h = _wan_level(hi, False)
    rest = _below(lo, 10**8, True)
    return None if h is None or rest is None else h * 10**8 + rest


def _digitwise(s: str) -> int | None:
    """一七二零 → 1720, 二〇二三 → 2023 (two or more digits, no units)."""
    if len(s) < 2 or any(c not in _DIGIT_VALUE or c == "两" for c in s):
        return None
    return int("".join(str(_DIGIT_VALUE[c]) for c in s))


def _integer(s: str, digitwise: bool) -> int | None:
    if _ascii_digits(s.replace(",", "")):
        v = _arabic_int(s)
        return v if v is not None and (s[0] != "0" or len(s) == 1) else None
    if digitwise and (v := _digitwise(s)) is not None:
        return v
    return _positional(s)


def _normalize(text: str) -> str | None:
    """Half-width digits, simplified lower-case numerals, digit groups joined (12 345);
    None when too long to be a numeral or spaced in a way that is not digit grouping."""
    s = text.strip().translate(FULLWIDTH).translate(_NORMAL)
    if not s or len(s) > _MAX_LEN:
        return None
    if not s.isalnum():  # spaces or zero-width characters inside: as find_quantities does
        s = s.translate(_DROP_ZW)
        if any(c in _GS for c in s):
            m = _SPACED_GROUPS.match(s)
            if m is None or any(c in _GS for c in s[m.end() :]):
                return None  # 12 34, 三 万: not one number
            s = m.group().translate(_DROP) + s[m.end() :]
        if not s:
            return None
    if "廿" in s or "卅" in s:
        s = s.replace("廿", "二十").replace("卅", "三十")
    return s


@lru_cache(maxsize=8192)
def _read(text: str, digitwise: bool = True) -> Numeral | None:
    s = _normalize(text)
    if s is None:
        return None
    qualifier = ""
    cents = 0
    if s[-1] in "元圆整正角分" and (m := _MONEY.fullmatch(s)):
        s = m["n"]
        cents = 10 * _DIGIT_VALUE.get(m["jiao"] or "零", 0) + _DIGIT_VALUE.get(m["fen"] or "零", 0)
    sign = 1
    if s[0] in "负-":
        sign, s = -1, s[1:]
    if len(s) > 1 and s[0] == "上" and s[1] in "百千万亿":
        s, qualifier = "一" + s[1:], "~"  # 上百: about a hundred
    elif len(s) > 1 and s[-1] in "余多":
        s, qualifier = s[:-1], ">"
    elif (m := _INNER_APPROX.fullmatch(s)) is not None:
        s, qualifier = m["n"] + m["m"], ">"  # 4000余万
    if not s:
        return None
    if (m := _DECIMAL.fullmatch(s)) is not None:
        head, frac, mult = m["i"], m["f"], m["m"] or ""
        if m["p"] == "." and not (_ascii_digits(frac) and _ascii_digits(head.replace(",", ""))):
            return None  # 1.5 is Arabic on both sides; 一百点123 and 零点五 are read
        whole = _integer(head, digitwise and not mult)  # 五四零点七万: refused
        if whole is None or cents:
            return None
        if not _ascii_digits(frac):
            frac = "".join(str(_DIGIT_VALUE[c]) for c in frac)
        scale = 10 ** len(frac)
        exact = (whole * scale + int(frac)) * _MULT_VALUE[mult]
    else:
        mult = ""
        for word in ("万亿", "亿", "万", "千"):
            if s.endswith(word) and _ascii_digits(s[: -len(word)].replace(",", "")):  # 12千, 5万: Arabic times a word
                mult, s = word, s[: -len(word)]
                break
        whole = _integer(s, digitwise)
        if whole is None:
            return None
        scale = 100 if cents else 1
        exact = whole * _MULT_VALUE[mult] * scale + cents
    if exact >= _MAX_INT * scale:
        return None
    # exact integers, then one correctly rounded division: no 10.1 × 1e4 binary noise
    value = exact / scale if exact else 0.0
    return Numeral(-value if sign < 0 and value else value, qualifier)


def parse_numeral(text: str) -> Numeral | None:
    """One numeral in any form a report writes, with its qualifier; None if malformed.

    ``一千零十`` → 1010, ``三万五`` → 35000, ``二〇二三`` → 2023, ``玖仟陆佰陆拾伍圆壹角捌分``
    → 9665.18, ``零点五`` → 0.5, ``负十`` → -10, ``1万600`` → 10600, ``十余`` → (10, ">").
    """
    return _read(text) if isinstance(text, str) else None


def parse_number(text: str) -> float | None:
    """The value of a bare number: ``1,234.5``, ``3.37万``, ``一千零十``, ``十余`` → 10."""
    n = parse_numeral(text)
    return None if n is None else n.value


def parse_chinese_numeral(text: str) -> int | None:
    """A positional Chinese integer: 一千二百 → 1200, 两 → 2, 三万五 → 35000.

    Digit-by-digit numerals (一二 in 一二月) are refused: in a sentence they are ranges.
    """
    s = _normalize(text) if isinstance(text, str) else None
    if s is None or any("0" <= c <= "9" for c in s):
        return None
    v = _positional(s)
    return v if v is not None and v < _MAX_INT else None



_ZW = "\u200b\u200c\u200d\u2060\ufeff"  # zero-width: invisible inside a number, so joined
_GS = "\u00a0\u2007\u2009\u202f"  # typographic spaces that group digits (12 345): joined
_SEP = " \u3000"  # spaces that also part words and table cells: 12 345 is ambiguous, refused
_DROP = str.maketrans("", "", "," + _ZW + _GS)
_DROP_ZW = str.maketrans("", "", _ZW)
_SPACED_GROUPS = re.compile(rf"-?[0-9]{{1,3}}(?:[{_GS}][0-9]{{3}})+(?![0-9])")
# Arabic: digits (zero-width characters inside are skipped) with optional ,000 groups, or
# digits grouped by typographic spaces (1-3 digits, then groups of 3); then an optional .d
# (The grouped form second: tried only when the plain one found no unit, it costs little.)
_AR_REST = (
    rf"(?:\d*(?:[{_ZW}]+\d+)*(?:,\d{{3}})*|\d{{0,2}}(?:[{_GS}]\d{{3}})+)(?:\.\d+)?(?!\d)"
)
_AR = r"\d" + _AR_REST
_CN_FIRST = "一二两三四五六七八九十"
_CN_REST = "零〇一二两三四五六七八九十百千万亿"
_CN_DEC = "零〇一二三四五六七八九"
_CN_POINT = rf"点[{_CN_DEC}]+"  # 三点五, 零点五: Chinese decimals
_CN = rf"(?:[{_CN_FIRST}][{_CN_REST}]*(?:{_CN_POINT})?|[零〇]{_CN_POINT})"
# An Arabic number does not start right after a digit and a grouping space, zero-width
# character or comma: 12 34件 (no-break space) and 1,,000亿元 are refused, not read as 34
# and 000; nor in an exponent (1.5E+3亿元).
_AR_NOT_AFTER = (rf"(?<!\d[{_GS}{_ZW}])", r"(?<![\d,],)", r"(?<![eE][+\-])")
# 12 345件 with an ordinary or ideographic space: one number or two (a table row 120 135
# 150家)? Neither 345 nor 12345: three digits after a group of one to three and that
# space are refused.
# (Each opens with one cheap look-behind that fails for nearly every number.)
_AR_NOT_SEP_GROUP = "(?!(?<=[{}])(?:{})\\d{{3}}(?!\\d))".format(
    _SEP, "|".join(rf"(?<=(?<!\d)\d{{{n}}}[{_SEP}])" for n in (1, 2, 3))
)
_AR_NOT_SEP_GROUP_LATER = "(?!(?<=[{}]\\d)(?:{})\\d{{2}}(?!\\d))".format(  # after a digit
    _SEP, "|".join(rf"(?<=(?<!\d)\d{{{n}}}[{_SEP}]\d)" for n in (1, 2, 3))
)
# A Chinese numeral does not start inside another (第二十家, 万一) or after 零点/三点.
# The words before a bare 百 / 千 that make it a round figure (近百亿元, 超千亿元, 突破百亿元,
# 上千家, 逾千项): one hundred, one thousand. Elsewhere 百 / 千 open names (百强, 千亿级).
_APPROACH = "近超过破逾达上约"
_CN_NOT_AFTER = (rf"(?<![{_CN_REST}])", rf"(?<![{_CN_REST}]点)")


def _unit_alternation() -> str:
    names = sorted(load_units(), key=len, reverse=True)
    # a unit ending in 亿 (个亿) is not the one meant when 元 follows (3个亿元以上项目: 3个)
    return "|".join(re.escape(n).replace(r"\(", r"[(（]").replace(r"\)", r"[)）]")
                    + ("(?!元)" if n.endswith("亿") else "") for n in names)


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
    arabic = "".join(_AR_NOT_AFTER) + _AR_NOT_SEP_GROUP + _AR
    chinese = "".join(_CN_NOT_AFTER) + _CN
    return rf"(?<!{_NOT_BEFORE})(?<!第\s)(?P<num>(?:{arabic}|{chinese}))" + _unit_tail()


def _one_later(lookbehind: str) -> str:
    """``(?<!X)`` before a character is ``(?<!X.)`` after it."""
    return lookbehind[:-1] + ".)"


@cache
def quantity_regex() -> re.Pattern[str]:
    """One compiled pattern for number (or range) + multiplier + unit.

    Masked digits (``*5万元``, ``20xx万元``) and ranks (``第2位``) are excluded by the
    look-behind, so no figure is invented from a masked one.

    Why it opens with the number's first character and checks what came before it
    afterwards (``(?<!X.)`` after one character is ``(?<!X)`` before it): ``re`` jumps
    straight to digits and numerals only when a pattern starts with a character class.
    Written look-behind first, it tried every position of the text, at half the speed.
    A Chinese numeral starts only at the first numeral of a run, so a long run costs
    one scan, not one per character (linear, not quadratic).
    """
    ar_not = "".join(_one_later(x) for x in _AR_NOT_AFTER) + _AR_NOT_SEP_GROUP_LATER
    cn_not = "".join(_one_later(x) for x in _CN_NOT_AFTER)
    pattern = (
        rf"(?P<num>[\d{_CN_FIRST}零〇百千](?<!{_NOT_BEFORE}.)(?<!第\s.)"
        rf"(?:(?<=\d){ar_not}{_AR_REST}"  # the rest of _AR
        rf"|(?<=[{_CN_FIRST}]){cn_not}[{_CN_REST}]*(?:{_CN_POINT})?"  # the rest of _CN
        rf"|(?<=[零〇]){cn_not}{_CN_POINT}"  # 零点五
        rf"|(?<=[{_APPROACH}][百千])(?<![线网]上.)(?![万亿]?元?级)))" + _unit_tail()  # 近百亿元, 突破千亿元, 上千家: 一百, 一千
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
    """The value of the pattern's number: Arabic (spaces, commas dropped) or Chinese."""
    if text[0].isdigit():
        if not text.isdigit():
            text = text.translate(_DROP)
        try:
            return float(text)
        except ValueError:
            return None
    n = _read(_one_before_bare(text), False)
    return None if n is None else n.value


def _one_before_bare(num: str) -> str:
    """百 / 千 alone (近百亿元, 上千家, see ``_APPROACH``) is 一百 / 一千."""
    return "一" + num if num in ("百", "千") else num


_MINUS = "-－−"


@cache
def _dash_context() -> frozenset[str]:
    """Characters after which a ``-`` is a dash (5万-10万元, 1家-2家), not a minus sign."""
    ends = {name[-1] for name in load_units()} | {")", "）"}
    return frozenset(ends | set(_CN_REST) | set("年月日号%.") | set("0123456789")
                     | set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"))


def _is_sign(text: str, i: int) -> bool:
    """Whether the ``-`` at ``i`` is a minus sign: what comes before it (spaces skipped)
    is neither a figure's end (5万-10万元, 1家-2家, 1\n-2家) nor the start of the text,
    where nothing says which it is."""
    k = i - 1
    while k >= 0 and text[k].isspace():
        k -= 1
    return k >= 0 and text[k] not in _dash_context()


# 两项数据 / 三项指标 after figures: a reference back to them (两项数据分别增长5%和22%), no
# count of its own; what follows the count and the count itself.
_BACK_REFERENCE = re.compile(r"(?:数据|指标)")
_BACK_COUNT = re.compile(r"[两二三四五六七八九]项")


_GROUPS = ("num", "num_hi", "approx1", "mult", "approx2", "unit")
# Quantity's fields in order, without the Python-level __new__ a NamedTuple gets for its
# defaults (one call per number in a corpus): what ``Quantity._make`` does, minus its check.
_new_quantity = tuple.__new__


def quantity_from_match(m: re.Match[str], offset: int = 0) -> Quantity | None:
    """Turn a :func:`quantity_regex` match into a canonical Quantity (None if unusable).

    ``offset`` is subtracted from the match's positions, so a match found in a whole
    text can give positions relative to one of its sentences. Called once per number
    in a corpus, so it avoids helper calls on the common path.

    A ``-`` right before the number is a minus sign unless it follows a digit, a
    unit or a multiplier (a dash between two figures) or opens the text: 利润-12亿元 is
    -12亿元 and the quantity starts at the sign (see :func:`_is_sign`). Values that are
    not finite or not below their unit's plausible limit (``data/plausible.csv``) are
    refused.
    """
    parsed = _parsed_groups(m.group(*_GROUPS))
    if parsed is None:
        return None
    value, canonical, qualifier, hi_value, dimension = parsed
    start, end = m.span()
    text = m.string
    if _BACK_REFERENCE.match(text, end) and _BACK_COUNT.fullmatch(m.group(0)):
        return None  # 两项数据较上年分别增长…: the figures just stated, not a count of items
    if start > 1 and text[start - 1] in _MINUS and _is_sign(text, start - 1):
        start -= 1
        value = -value if value else 0.0
    return _new_quantity(Quantity, (value, canonical, qualifier, text[start:end],
                                    start - offset, end - offset, hi_value, dimension))


NUMBER_CACHE = 8192  # distinct (number, multiplier, unit) groups kept


@lru_cache(maxsize=NUMBER_CACHE)
def _parsed_groups(groups: tuple[str | None, ...]) -> tuple | None:
    """(value, canonical unit, qualifier, upper value, dimension) of a quantity pattern's
    groups, or None when they state no usable figure; the sign, read from the text before
    the match, is applied by the caller (the limits are symmetric, so checking them
    before it gives the same answer).

    Why cached: a corpus repeats its figures (5家, 12%, 1.2亿元) with their units;
    parsing them is most of the cost of a match."""
    num, hi, approx1, mult_w, approx2, unit_w = groups
    chinese = not num[0].isdigit()
    if chinese:
        n = _read(_one_before_bare(num), False)
        if n is None:
            return None
        value = n.value
    else:  # the pattern's Arabic branch: digits, optional ,000 groups and .d
        try:
            value = float(num) if num.isdigit() else float(num.translate(_DROP))
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
    if factor != 1.0:  # else float() is already exact
        value = _round(value * factor)
    limit = unit.limit
    if not -limit < value < limit:
        return None  # 400 digits are inf; 10^20 元 is a misread, not a figure
    if hi_value is not None:
        hi_value = _round(hi_value * factor)
        if not -limit < hi_value < limit:
            return None
    return value, unit.canonical, qualifier, hi_value, unit.dimension


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
    signed = text[:1] in _MINUS
    m = quantity_regex().fullmatch(text, 1 if signed else 0)
    q = quantity_from_match(m) if m else None
    if q is None or not signed:
        return q
    return q._replace(value=-q.value if q.value else 0.0, raw=text, start=0)  # -1-2: -1 to 2


# ---------------------------------------------------------------- years in Chinese numerals

_YEAR_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")


@cache
def _cn_year() -> re.Pattern[str]:
    """A year written digit by digit (二〇二三, 二零二三, 一九九八), 1900-2099, not inside a
    longer run of numerals (一九九八七, 十二〇二三), nor followed by a decimal (二〇二三点五)
    or a unit (二〇二三家 is no year, and as 2023家 it would become a figure)."""
    unit_starts = "".join(sorted({re.escape(name[0]) for name in load_units()}))
    return re.compile(
        r"(?<![〇零一二两三四五六七八九十百千万亿\d])(?:一九|二[〇零])[〇零一二三四五六七八九]{2}"
        rf"(?![〇零一二两三四五六七八九十百千万亿点\d{unit_starts}])"
    )


def arabic_years(text: str) -> str:
    """The text with every year in Chinese digits (二〇二三年) as Arabic digits (2023年).

    Character for character, so the result has exactly the text's length and every
    offset into it is an offset into the text: year cues written for 2023年 then read
    二〇二三年 too. Only 1900-2099 written as four digits are changed.
    """
    if "一九" not in text and "二〇" not in text and "二零" not in text:
        return text  # most texts: one scan, no copy
    return _cn_year().sub(lambda m: m.group(0).translate(_YEAR_DIGITS), text)


# 1月至3月, 1月份—9月份: a span from January written with its first month's 月 (份); read as
# 1至3月 by every cue written for 1-3月 (the 月 becomes blanks, the length stays).
_JANUARY_SPAN = re.compile(r"(?<![\d.])1(?P<m>月份?)(?=\s*[-—–~至到]\s*(?:[2-9]|1[0-2])\s*月)")


# 一月至五月 / 一至五月 (months in Chinese numerals, one character each) after a year, 今, a
# mark or nothing: 1 至5月 / 1至5月
_JANUARY_SPAN_CN = re.compile(r"(?:(?<=[年今自从\s,，、:：(（])|(?<![\s\S]))一(?P<m>月份?)?(?P<to>\s*[-—–~至到]\s*)"
                              r"(?P<n>[二三四五六七八九])(?=\s*月)")
_MONTH_DIGIT = {c: str(i) for i, c in enumerate("一二三四五六七八九", start=1)}


def month_spans(text: str) -> str:
    """The text with 1月至3月 as 1 至3月 and 一月至五月 as 1 至5月 (character for character,
    like :func:`arabic_years`), so that a January-to-month span reads as the 1-3月 every
    period cue is written for."""
    if "1月" in text:
        text = _JANUARY_SPAN.sub(lambda m: "1" + " " * len(m.group("m")), text)
    if "一" in text and "月" in text:
        text = _JANUARY_SPAN_CN.sub(lambda m: "1" + " " * len(m.group("m") or "") + m.group("to")
                                    + _MONTH_DIGIT[m.group("n")], text)
    return text


# 29.92、29.64、33.57、30.75亿元: bare numbers listed before one with a unit share it
_BARE_LIST = re.compile(r"(?:(?<![\d.])\d+(?:\.\d+)?、)+$")
_BARE_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_LEADING_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def listed_before(sent: str, q: Quantity) -> list[Quantity]:
    """The bare numbers of a 、-list that ends in ``q`` (x、y、z亿元), each with ``q``'s unit.

    Why: a series states its unit once, after the last value; each value is a figure.
    Positions are those of ``sent``, like ``q``'s. Values scale exactly (Decimal), so
    29.92 with 亿元 is 2992000000.
    """
    before = sent[max(0, q.start - 2):q.start]
    if not (before.endswith("、") or before == "、\n"):
        return []  # the list's 、 must end right before q ($ may stand before a last \n)
    m = _BARE_LIST.search(sent, max(0, q.start - 80), q.start)
    lead = _LEADING_NUMBER.match(q.raw)
    if m is None or lead is None or q.qualifier == "range" or float(lead.group()) == 0:
        return []
    scale = Decimal(repr(q.value)) / Decimal(lead.group())
    out = []
    for x in _BARE_NUMBER.finditer(sent, m.start(), m.end()):
        value = float(Decimal(x.group()) * scale)
        out.append(q._replace(value=value, raw=x.group(), start=x.start(), end=x.end(),
                              qualifier="", value_high=None))
    return out
