"""Period and year cues inside a sentence: 上半年, 1-9月, 截至6月底, a clause-initial 2021年.

Each cue is read once per sentence (cached) and bisected per figure.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..numbers import (
    parse_chinese_numeral,
)
from ..patterns import gated
from ..text.lexicon import expand, period_of_months
from .cues import GROUP_MARKS, last_mark

SINCE_YEAR = gated(re.compile(r"(?:自|从)?(20\d\d)年(?:度)?以来"))  # gated: patterns.gated
# 近两年 / 三年来 / 三年累计: the figure sums the last N years up to the report's (近两年新增14家;
# 高企4年增加6000家, not 连续3年增加)
RECENT_YEARS = gated(re.compile(r"(?:近|过去的?|这)(?P<n>[两二三四五六七八九十2-9])年(?:来|以来|中|间|里)?"
                                r"|(?<![\d十第])(?P<m>[两二三四五2-5])年(?:来|以来|中|间|里|累计)"
                                r"|(?<![\d十第续每])(?P<k>[两二三四五2-5])年(?=(?:共|累计)?(?:新增|净增|增加))"
                                r"|(?:^|(?<=[，,；;。：:\s]))(?P<last>去年|上年)以来(?=\s*[，,]|[全我本][市区县])"))
# (去年以来, opening a clause: since last year, it and this one; 受去年以来疫情影响 is no span)
_CN_DIGITS = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def recent_years(m: re.Match[str]) -> int:
    """How many years a RECENT_YEARS match spans (近两年, 去年以来 → 2)."""
    if m.group("last"):
        return 2
    tok = m.group("n") or m.group("m") or m.group("k")
    return int(tok) if tok.isdigit() else _CN_DIGITS[tok]
BASE_YEAR = re.compile(r"[较比自]")  # 较2014年: a comparison base, not the figure's year

# Period words of the lexicon (each group named for the period it sets, see
# ``period_cue_reading``), a span from January to a month, 截至N月底 (截至三季度末: the
# first three quarters, for its sentence only) or a bare N月底
# (技术合同成交额10月底达到…; 6月底前 is a deadline, not a period), and YYYY年底.
PERIOD_CUES = re.compile(expand(
    r"(?P<h1>{period.H1})|(?P<q3>{period.Q1-Q3})|(?P<q1>{period.M1-M3})"
    r"|(?:(?P<my>20\d\d)年度?|^|[^\d])(?:1|一)\s*(?:月份?)?\s*[-—–―－~至到]\s*(?P<m>\d{1,2}|十[一二]?|[二三四五六七八九])月"
    r"|截[至止](?:(?P<cy>20\d\d)年)?(?P<c>\d{1,2}|十[一二]?|[一二三四五六七八九])月(?:底|末|份)?"
    r"|(?P<q3as>截[至止]到?第?三季度(?:末|底)?)"
    r"|(?<![\d年至到-])(?P<e>\d{1,2}|十[一二]?)月(?:底|末)(?!前)"
    r"|(?:^|(?<=[，,；;：:\s]))(?:预计)?(?P<fy>{period.FY})|(?P<fy2>截至年底|截至年末)"
    r"|(?P<fyy>20\d\d)年(?:底|末)(?!前)"
))
PERIOD_HINT = re.compile(r"半年|季度|月|全年|年底|年末")
# A year that dates what follows it: at a clause's start, after 我市/全区, 力争, 到, 一是 … The
# plain form puts these look-behinds first; written year-first (each look-behind then
# spans the four digits too) ``re`` jumps to each "20" instead of trying every position.
YEAR_CUE_BEFORE = r"(?:^|(?<=[，,；;：:\s“])|(?<=[我全][市区县省])|(?<=力争|确保|争取|预计|统计|其中)|(?<=[到从由至])|(?<=[一二三四五六七八九十][是、]))"
YEAR_CUE = re.compile(
    r"(?P<y>20\d\d)(?:(?<=^....)|(?<=[，,；;：:\s“]....)|(?<=[我全][市区县省]....)"
    r"|(?<=(?:力争|确保|争取|预计|统计|其中)....)|(?<=[到从由至]....)|(?<=[一二三四五六七八九十][是、]....)(?!年度?[^，。；,;\d]{0,10}?的)"
    r"|(?<=在....)(?!年度?[^，。；,;\d]{0,8}?的?基础|年度?[^，。；]{0,12}?(?:考核|评价|评比|排名|监测)))年度?(?!\d{1,2}[-—–―－~至到]\d{1,2}(?:月|季度|日)|\d{1,2}(?:季度|日)|[\d.]*\s*[-—–―－~至]\s*20\d\d"
    r"|\d{1,2}月(?:份)?(?:底|末)?\s*(?:[-—–―－~至到]|以来))"
)  # 2015年232家 and 2019年5月,… date the figure after them; 2015年1-5月, 2015年一季度 and
#   2015年-2020年 are other cues


def _parse_month(tok: str) -> int:
    return int(tok) if tok.isdigit() else (parse_chinese_numeral(tok) or 0)


def sentence_period(sent: str, upto: int, default: str | None) -> tuple[str | None, int | None]:
    """The period the last cue before ``upto`` sets, and a year a 截至YYYY年N月 or YYYY年1-N月
    cue names."""
    period, year = default, None
    if not PERIOD_HINT.search(sent, 0, upto):  # most sentences have no period cue at all
        return period, year
    for end, cue_period, cue_year in _period_cues(sent):
        if end > upto:
            break
        if cue_year is not None:
            year = cue_year
        if cue_period is not None:
            period = cue_period
    return period, year


@lru_cache(maxsize=512)
def _period_cues(sent: str) -> tuple[tuple[int, str | None, int | None], ...]:
    """(end, period, year) of every period cue in a sentence, in order.

    Scanned once per sentence, not once per figure in it: the cues before a figure are
    those ending before it, since no cue contains a figure (a cue's numbers are months
    and years, never followed by a unit).
    """
    return tuple((m.end(), *period_cue_reading(m)) for m in PERIOD_CUES.finditer(sent))


def period_cue_reading(m: re.Match[str]) -> tuple[str | None, int | None]:
    """(period, year) one period cue sets; None where it sets none (a month out of range)."""
    year = int(m.group("cy") or m.group("fyy") or m.group("my") or 0) or None  # 2022年1-5月: that year's
    if m.group("h1"):
        return "H1", year
    if m.group("q3") or m.group("q3as"):
        return "Q1-Q3", year
    if m.group("q1"):
        return "M1-M3", year
    if m.group("m") or m.group("c") or m.group("e"):
        n = _parse_month(m.group("m") or m.group("c") or m.group("e"))
        return (period_of_months(n) if 1 <= n <= 12 else None), year
    if m.group("fy") or m.group("fy2") or m.group("fyy"):
        return "FY", year
    return None, year


@lru_cache(maxsize=512)
def year_cues(sent: str) -> tuple[tuple[int, int, int], ...]:
    """(start, end, year) of every year cue in a sentence that dates what follows it."""
    out = []
    for m in YEAR_CUE.finditer(sent):
        if not BASE_YEAR.search(sent, max(0, m.start() - 2), m.start()):
            out.append((m.start(), m.end(), int(m.group("y"))))
    return tuple(out)


def last_period_cue_end(sent: str, upto: int) -> int:
    """Where the last period cue before ``upto`` ends (-1 when there is none)."""
    last = -1
    for end, _, _ in _period_cues(sent):
        if end > upto:
            break
        last = end
    return last


def sentence_year(sent: str, upto: int) -> int | None:
    """A clause-initial 20XX年 dates what follows it, up to the end of its clause group."""
    return last_year_cue(year_cues(sent), last_mark(sent, 0, upto, GROUP_MARKS), upto)


def last_year_cue(year_cues: tuple[tuple[int, int, int], ...], lo: int, upto: int) -> int | None:
    """The year of the last cue lying within [lo, upto]."""
    year = None
    for start, end, y in year_cues:
        if start >= lo and end <= upto:
            year = y
    return year

