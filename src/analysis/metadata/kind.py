"""Doc type (summary / plan / summary+plan) and period (FY, H1, Q1-Q3, M1-Mn)."""

from __future__ import annotations

import re

from ..text import lexicon
from ..text.dating import looks_back, so_far_months
from ..text.lexicon import Cue
from ..text.sections import NUMBERED_HEADING, Outline, outline
from .cues import LEDE_CHARS, cues_in, first_cue
from .title import after_title
from .year import ANNOUNCED_CHARS, SUMMARY_LAST_MONTH, _title_years


def infer_doc_type(title: str, body: str, headline: str = "",
                   parts: Outline | None = None) -> str:
    """summary | plan | summary+plan from title words, then the plan part's opening.

    A title or headline naming a Five-Year Plan (…“十三五”规划的通知) and a task table
    (序号 | 工作标准 | 完成期限, no column for results) also make a plan. ``parts`` are the
    document's part openings (``Document.sections``; found in ``body`` when not given).
    """
    summary = first_cue("doc_summary", title) is not None
    plan = first_cue("doc_plan", title) is not None
    if summary and plan:
        return "summary+plan"
    if plan or first_cue("fyp_plan", title or headline):
        return "plan"
    if (not summary and first_cue("plan_news", body[:LEDE_CHARS]) and not first_cue("result", body)
            and not looks_back(body)):
        return "plan"  # a news item deploying this year's work, with no results yet (not one
        # on the year's conference that recalls last year's: 过去的一年,…。今年…将力争 is both)
    if not summary and first_cue("plan_table", body):
        return "plan"
    plan_start = (parts or outline(body)).plan_start
    announced = first_cue("plan_announced", body[:ANNOUNCED_CHARS])
    if announced is not None and summary and "现将" not in announced[0].group(0):
        announced = None  # a summary recalling its own conference (3月,召开…,总结了2019年…)
    if plan_start is not None or announced:
        return "summary+plan"
    return "summary"


def with_next_year_plan(doc_type: str, body: str, year: int | None) -> str:
    """A summary whose sentence opens with the next year and says what will be done
    (2022年，我市将… in a 2021 summary) has a plan part too: known only once the year is."""
    if doc_type != "summary":
        return doc_type
    if looks_back(body) and first_cue("this_year_plan", body) is not None:
        return "summary+plan"  # 过去一年…。今年，我市将…: a work-conference report of both
    if year is None or str(year + 1) not in body:
        return doc_type  # (a match's year group is the four digits of the next year)
    for cue in cues_in("next_year_plan", body):
        for m in cue.regex.finditer(body):
            if int(m.group("year")) == year + 1:
                return "summary+plan"
    return doc_type


def _period_value(match: re.Match[str], cue: Cue) -> str:
    if "{month}" in cue.value:
        return lexicon.period_of_months(int(match.group("month")))  # (截至6月底: H1, 截至9月底: Q1-Q3)
    return cue.value


def _sums_up_and_plans(title: str) -> bool:
    """A title summing up one year and planning the next (2018年工作总结暨2019年工作思路):
    an annual report, whatever part-year figures its opening quotes."""
    summary_year, plan_year = _title_years(title)
    return summary_year is not None and plan_year == summary_year + 1


# How far into a news item its "this year so far" (今年以来) is looked for.
SO_FAR_CHARS = 800


# A year opening a sentence as its time (2014年,某市…; 2024年全市…): the year a so-far then
# belongs to, when it comes first or is earlier than the page's.
_YEAR_AS_TIME = re.compile(r"(?<!\d)(?P<y>20\d\d)\s*年\s*(?:以来\s*)?(?:[,，]|(?=全[市区县]|我[市区县]))"
                           r"|(?<![\d较比与同自从])(?P<yf>20\d\d)\s*年(?=[\u4e00-\u9fff]{2,12}\d)(?!以来|底|末|度|上半|前三|一季|同期)")
# (2023年技术合同成交额494亿元: a year dating the figure right after it, too)
# A sentence opening on last year (去年,全县…,全年新认定20家): its 全年 is that year's.
_LAST_YEAR_SENTENCE = re.compile(r"(?:^|[。\n])\s*(?:[^，,。；;\n]{0,10}[，,:：])?\s*(?:去年|上年)[^。\n]*")


def so_far(body: str, dateline: tuple[int, int] | None, page_year: int | None = None,
           has_plan: bool = False) -> str:
    """The span from January to when a news item on this year so far (今年以来, 截至目前)
    was dated, with no period of its own: a page of 6月6日 reports 1-5月, one of 10月13日
    1-10月 (from a December date: the year); "" when it names no so-far, has no date,
    opens a sentence with an earlier year before its so-far, states a whole year's figure of
    this year, or is a report with an outline or a plan part (``has_plan``: 今年以来… in a
    November summary that says 明年,我局将…)."""
    lede = body[:SO_FAR_CHARS]
    if dateline is None or (hit := first_cue("so_far", lede)) is None:
        return ""
    last_year = [m.span() for m in _LAST_YEAR_SENTENCE.finditer(lede)]
    if any(not any(a <= m.start() < b for a, b in last_year)
           for c in cues_in("lede_annual", lede) for m in c.regex.finditer(lede)):
        return ""
    if any(m.start() < hit[0].start() for m in _YEAR_AS_TIME.finditer(lede)):
        return ""  # 2014年,某市…。截至目前,…: the year it names, not the page's months
    if has_plan or NUMBERED_HEADING.search(body):
        return ""
    month, day = dateline
    years = [int(m.group("y") or m.group("yf")) for m in _YEAR_AS_TIME.finditer(lede)]
    if page_year is None and years:
        return ""  # 3月8日讯 今年以来,…。2022年,全县…: which year is this one, the text does not say
    earlier = [y for y in years if page_year is not None and y < page_year] or last_year
    if month <= SUMMARY_LAST_MONTH and earlier and "今年以来" not in lede:
        # a page of 2025-03 whose 截至目前 stands beside 2024年全市… (or 去年,…) figures: the
        # annual results' season, reporting the year before (今年以来 says this year's own)
        return ""
    last = so_far_months(month, day)
    return lexicon.period_of_months(last) if last else ""


CLAUSE_SPAN_MIN = 2  # clauses opening with one month span that make it a news item's period


def _clause_span(body: str) -> str:
    """The month span (1-10月) that opens at least ``CLAUSE_SPAN_MIN`` clauses of the text,
    none other opening any: a progress report whose figures all carry it; else "".
    (Period words such as 前三季度 opening clauses were tried: a figure of 今年 beside them
    is annotated as the whole year's, so they are left to the title and the opening.)"""
    found = [lexicon.period_of_months(int(m.group("month")))
             for c in cues_in("period_clause", body) for m in c.regex.finditer(body)]
    if len(found) >= CLAUSE_SPAN_MIN and len(set(found)) == 1:
        return found[0]
    return ""


def infer_period(title: str, body: str = "", headline: str = "", so_far_span: str = "") -> str:
    """FY unless the title scopes the report to part of the year (上半年, 1-5月); without
    a title, a news item about the mid-year meeting, then its headline, decide. When
    neither names a period, an opening that reports 1-9月 / 一季度 scopes the text
    (a title that calls itself annual, 年度工作总结, keeps FY); a news item on this year so
    far (今年以来) runs to its date (``so_far_span``, :func:`so_far`'s reading)."""
    if not title.strip():
        if (body_hit := first_cue("period_body", body[:LEDE_CHARS])) is not None:
            return body_hit[1].value
    scope = title if title.strip() else headline
    hit = first_cue("period", scope)
    if hit is None:
        if first_cue("period_annual", scope) or re.search(r"年度|全年", title) or _sums_up_and_plans(title):
            return "FY"
        opening = after_title(body, title)[:LEDE_CHARS]
        lede = first_cue("period_lede", opening)
        if lede and first_cue("lede_annual", opening) is None:
            return _period_value(*lede)
        if title.strip():
            return "FY"
        return _clause_span(body) or so_far_span or "FY"
    match, cue = hit
    if cue.value == "H1" and first_cue("period_annual", scope):
        return "FY"  # 上半年工作总结与下年工作思路: a reposted annual report
    return _period_value(match, cue)


