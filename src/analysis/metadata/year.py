"""The year a report covers, with a confidence (see the package docstring)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from ..text import lexicon
from ..text.dating import looks_back, written_date
from ..text.document import page_date
from ..text.sections import Outline, outline
from .cues import LEDE_CHARS, YEAR_RE, cues_in, first_cue
from .title import after_title

# A text that speaks of a whole year (一年来, 上一年度) or of the next (明年): no page of the year
# it was posted in.
_WHOLE_OR_NEXT_YEAR = re.compile(r"一年来|上一年度|明年|全年")
# How far into a text a sentence announcing a review and a plan (总结了2015年…,对2016年…部署)
# is looked for: such a conference's title year is the year it plans.
ANNOUNCED_CHARS = 600
# Confidences of year sources: judgement calls, kept together.
YEAR_CONF = {
    "title": 0.95,
    "heading": 0.9,
    "last_year": 0.9,
    "opening": 0.85,
    "statement": 0.8,
    "so_far": 0.78,  # a dated page's 今年以来: its year, above a Five-Year-Plan stage it recalls
    "fyp": 0.75,
    "period_year": 0.7,
    "plan_section": 0.6,
    "reached": 0.5,
    "most_cited": 0.4,
    "dateline": 0.35,
    "baseline": 0.3,
    "fyp_span": 0.29,
    "current": 0.27,
    "congress": 0.25,
}
# How long after a part-year period ends its report is published (上半年 → Jun-Sep);
# an annual summary appears by April, a plan from December to June.
PART_YEAR_LAG = 3
SUMMARY_LAST_MONTH = 4
PLAN_FIRST_MONTH, PLAN_LAST_MONTH = 12, 6
AGREE_BONUS = 0.03


def _title_years(title: str, back: bool = False) -> tuple[int | None, int | None]:
    """(summary year, plan year) read from the title: the year before 总结 / 要点 (or, in a
    text that looks ``back`` on the year before, before the name of the year's work
    conference, which plans its year)."""
    summary_year = plan_year = None
    for m in YEAR_RE.finditer(title):
        rest = title[m.end() :]
        nxt = YEAR_RE.search(rest)
        scope = rest[: nxt.start()] if nxt else rest
        year = int(m.group(1))
        if first_cue("doc_summary", scope) and summary_year is None:
            summary_year = year
        elif (first_cue("doc_plan", scope) or (back and (first_cue("meeting_title", scope)
                                                          or first_cue("title_deploys", title[:m.start()])))
              ) and plan_year is None:
            plan_year = year  # 2023年工作要点; 召开2023年科技工作会议, 部署2023年工作 (it reviews 2022)
        elif summary_year is None and plan_year is None and not nxt:
            summary_year = year  # a bare year in the title
    return summary_year, plan_year


def _reviews_the_year_before(title: str, body: str) -> bool:
    """A conference the text says reviewed one year and arranged the next (总结了…2015年…
    工作,2016年…安排部署) under a title naming the later year: the title's is the year planned."""
    hit = first_cue("plan_announced", body[:ANNOUNCED_CHARS])
    if hit is None:
        return False
    said = hit[0].group(0)
    said = said[min((i for w in ("回顾", "总结") if (i := said.find(w)) >= 0), default=0):]
    if "去年" in said or "上年" in said:
        return True
    years = [int(y) for y in re.findall(r"(20\d\d)\s*年", said)]  # (after 总结: not the meeting's date)
    return len(years) >= 2 and years[-1] == years[0] + 1 and str(years[-1]) in title


def _title_year(title: str, doc_type: str, back: bool = False) -> int | None:
    """A plan covers the year it plans; a summary (or summary+plan) the year it sums up.
    A Five-Year Plan (“十三五”规划) is dated by its first year."""
    if doc_type == "plan" and (m := first_cue("fyp_plan", title)) is not None:
        return lexicon.fyp_first_years()[m[0].group("fyp")]
    summary_year, plan_year = _title_years(title, back)
    if doc_type == "plan":
        return plan_year or summary_year
    if summary_year is not None:
        return summary_year
    return plan_year - 1 if plan_year is not None else None


def _fyp_year(body: str) -> int | None:
    fyp = lexicon.fyp_first_years()
    for cue in cues_in("fyp_stage", body):
        m = cue.regex.search(body)
        if m:
            return fyp[m.group("fyp")] + int(cue.value)
    return None


def _plan_section_year(parts: Outline) -> int | None:
    """Year named at the start of the plan part (none for a 下半年 part)."""
    opening = parts.plan_start
    if opening is None or "下半年" in parts.text[opening.start : opening.end]:
        return None
    years = YEAR_RE.findall(parts.text[opening.start : opening.end + 400])
    return int(years[0]) if years else None


def _most_cited_year(body: str, ok: Callable[[int], bool]) -> int | None:
    """The year cited most often among those ``ok`` allows (ties → the later year);
    target years (力争2025年), years compared with (比2011年), prize editions (2010年度科技进步奖)
    and other years that are no time of the text's (a list's batch, a programme's start, the
    page's date line) do not count."""
    targets = {
        m.start("year")
        for kind in ("target_year", "lagged_year", "goal_year", "issue_year", "compared_year", "award_year",
                     "not_cited_year")
        for c in cues_in(kind, body)
        for m in c.regex.finditer(body)
    }
    counts = Counter(
        y for m in YEAR_RE.finditer(body) if m.start(1) not in targets and ok(y := int(m.group(1)))
    )
    if not counts:
        return None
    return max(counts, key=lambda y: (counts[y], y))


def _issue_date(body: str) -> tuple[int, int] | None:
    """(year, month) of a periodical issue the text cites as its source (2021年第3期), the
    issue number read as the month of a monthly (at most 12): the page's date when it has
    none of its own."""
    if (m := first_cue("issue_year", body)) is None:
        return None
    return int(m[0].group("year")), min(int(m[0].group("issue")), 12) or 1


def _opens_a_goal(text: str, at: int) -> bool:
    """True when the year at ``at`` opens a goal (2024年,全市…力争…; 2013年,全市科技工作将在…):
    the year planned.
    (Target years, 到2025年, were tried too: 截至2012年10月底 and a plan's 到2020年 open
    reports of those years.)"""
    return any(m.start("year") == at for kind in ("goal_year", "will_year") for c in cues_in(kind, text)
               for m in c.regex.finditer(text, at, at + 40))


def _bounds(body: str, doc_type: str, published: int | None) -> tuple[int | None, int | None]:
    """(floor, cap): a year the text compares itself with (较2014年) is in the past, so
    weaker sources must be later; nothing may be after the page date (a plan, one year)."""
    baselines = [
        int(m.group("year"))
        for kind in ("year_baseline", "lagged_year")
        for c in cues_in(kind, body)
        for m in c.regex.finditer(body)
    ]
    floor = max(baselines) + 1 if baselines else None
    cap = published + (1 if doc_type == "plan" else 0) if published else None
    return floor, cap


def _allowed(source: str, year: int, floor: int | None, cap: int | None,
             weak_cap: int | None = None) -> bool:
    if cap is not None and year > cap:
        return False
    weak = YEAR_CONF[source] < YEAR_CONF["opening"]
    if weak and weak_cap is not None and year > weak_cap:
        return False
    return not (weak and floor is not None and year < floor)


def _summary_cap(date: tuple[int, int] | None, doc_type: str, period: str) -> int | None:
    """The latest year weak sources may give an annual summary published by April: the
    year before (its most cited year is then often the year it plans or an award's)."""
    if date is None or doc_type == "plan" or period != "FY" or date[1] > SUMMARY_LAST_MONTH:
        return None
    return date[0] - 1


def _dateline_year(date: tuple[int, int] | None, doc_type: str, period: str) -> int | None:
    """The year a report published on ``date`` most likely covers: an annual summary
    appears by April of the next year, a part-year summary within a few months of the
    period's end, a plan from December (next year) to June (same year)."""
    if date is None:
        return None
    year, month = date
    if doc_type == "plan":
        if month >= PLAN_FIRST_MONTH:
            return year + 1
        return year if month <= PLAN_LAST_MONTH else None
    end = lexicon.period_last_month(period)
    if end < 12:
        return year if end <= month <= end + PART_YEAR_LAG else None
    return year - 1 if month <= SUMMARY_LAST_MONTH else None


def _last_year_news(title: str, headline: str, body: str, doc_type: str = "",
                    date_year: int | None = None) -> bool:
    """True when the title/headline or the opening sentence reports 去年's results
    (齐齐哈尔市去年科技战线…超额完成): the text is about the year before its dateline."""
    opening = (after_title(body, title) if title else body)[:LEDE_CHARS].split("。")[0]
    if first_cue("last_year", f"{title or headline}\n{opening}") is not None:
        return True
    # 过去一年,… in a summary that says nothing of 今年, of a part of the year, nor of a year
    # from the page's own on (过去一年…今年上半年, …2024年全市科技工作的总体要求: this year's)
    return (doc_type != "plan" and first_cue("past_year", opening) is not None
            and first_cue("current_year", body) is None and not _PART_YEAR.search(body)
            and not (date_year and any(int(y) >= date_year for y in _NAMED_YEAR.findall(body))))


_NAMED_YEAR = re.compile(r"(20\d\d)\s*年(?!\s*\d{1,2}\s*月\s*\d{1,2}\s*日)")  # not a date (2024年2月1日)
_PART_YEAR = re.compile(r"上半年|[一二三四]季度|前三季度|1\s*[-—–~至]\s*\d{1,2}\s*月|新的一年")


def _weak_years(body: str, floor: int | None) -> list[tuple[str, int]]:
    """Last-resort evidence: the year after the latest year compared with (对比2014年),
    the year after a Party congress whose spirit the text studies (贯彻十七大精神)."""
    cands = [("baseline", floor)] if floor is not None else []
    if (m := first_cue("congress", body)) is not None:
        cands.append(("congress", int(m[1].value)))
    return cands


def infer_year(
    title: str,
    body: str,
    doc_type: str,
    chrome: list[str],
    period: str = "FY",
    headline: str = "",
    parts: Outline | None = None,
    so_far_year: int | None = None,
) -> tuple[int | None, float]:
    """The year the report covers, with a confidence (see module docstring); ``parts`` are
    the document's part openings (``Document.sections``; found in ``body`` when not given);
    ``so_far_year`` the page date's year when the period runs from January to that date."""
    date = page_date(chrome) or _issue_date(body) or written_date(body)
    floor, cap = _bounds(body, doc_type, date[0] if date else None)
    weak_cap = _summary_cap(date, doc_type, period)
    cands: list[tuple[str, int]] = []
    back = (looks_back(f"{title}\n{body}" if title and title not in body[:len(title) + 200] else body)
            or _reviews_the_year_before(title or headline, body))
    if (year := _title_year(title or headline, doc_type, back)) is not None:
        cands.append(("title", year))
    if (m := first_cue("year_heading", body)) is not None:
        cands.append(("heading", int(m[0].group("year"))))
    opening = after_title(body, title)
    if (m := first_cue("year_opening", opening)) is not None and not (
            doc_type != "plan" and _opens_a_goal(opening, m[0].start("year"))):
        cands.append(("opening", int(m[0].group("year"))))
    if (m := first_cue("year_statement", body)) is not None:
        cands.append(("statement", int(m[0].group("year"))))
    if (doc_type == "plan" and (m := first_cue("plan_news", body)) is not None
            and m[0].re.groupindex.get("year") and m[0].group("year")):
        cands.append(("statement", int(m[0].group("year"))))  # 部署了2018年工作: the year planned
    if (fyp := _fyp_year(body)) is not None:
        cands.append(("fyp", fyp))
    if period != "FY" and (dated_parts := [int(m.group("year")) for c in cues_in("year_of_period", body)
                                           for m in c.regex.finditer(body)]):
        cands.append(("period_year", max(dated_parts)))  # 2017年…;2018年1—9月…: a report of 2018
    elif (period != "FY" and date is not None and first_cue("this_year_period", body) is not None
          and (str(date[0]) in body or YEAR_RE.search(body) is None)):
        # 今年1至9月 on a page of 2017: 2017's (when the text names that year, or none: a
        # repost's page date is not the year of a text that cites only earlier ones)
        cands.append(("period_year", date[0]))
    elif so_far_year is not None:
        cands.append(("so_far", so_far_year))  # 今年以来 on a page of 2018-08: 2018's months
    reached = [int(m.group("year")) for c in cues_in("year_reached", body)
               for m in c.regex.finditer(body)]
    spans = [int(m.group("year")) for c in cues_in("span_reached", body) for m in c.regex.finditer(body)]
    if reached and doc_type != "plan":  # in a plan, 从A增长到2025年的B is a goal
        cands.append(("reached", max(reached)))
    if spans and doc_type != "plan" and max(spans) >= max(
            (int(y) for y in YEAR_RE.findall(body)), default=0):
        # 2018年至2021年,…由A增长至B: the text's latest state, unless it cites a later year
        # (2021年全市…。近年来,2016年至2020年,…由A增长至B recalls an earlier span)
        cands.append(("reached", max(spans)))
    plan_section_year = _plan_section_year(parts or outline(body))
    if plan_section_year is not None:
        offset = 0 if doc_type == "plan" else 1
        cands.append(("plan_section", plan_section_year - offset))
    cited = _most_cited_year(body, lambda y: _allowed("most_cited", y, floor, cap, weak_cap))
    if cited is not None:
        cands.append(("most_cited", cited))
    if (dated := _dateline_year(date, doc_type, period)) is not None:
        cands.append(("dateline", dated))
    elif date is not None and (
        first_cue("current_year", body) is not None
        or (headline and not title and date[1] > SUMMARY_LAST_MONTH)
        or (not title and not headline and date[1] > SUMMARY_LAST_MONTH
            and first_cue("lede_annual", body) is None and not _WHOLE_OR_NEXT_YEAR.search(body))
        # (no title nor headline at all, nothing said of a whole year or the next: the page's)
    ):
        # a news text about 今年, or a news item dated after the annual summaries' season:
        # it reports the current year, off the genre calendar
        cands.append(("current", date[0]))
    if date is not None and _last_year_news(title, headline, body, doc_type, date[0]):
        cands.append(("last_year", date[0] - 1))
    cands.extend(_weak_years(body, floor))
    if (m := first_cue("fyp_span", body)) is not None:  # “十二五”期间: its last year
        last = lexicon.fyp_first_years()[m[0].group("fyp")] + int(m[1].value)
        cands.append(("fyp_span", last + (1 if doc_type == "plan" else 0)))
    cands = [(s, y) for s, y in cands if _allowed(s, y, floor, cap, weak_cap)]
    if not cands:
        return None, 0.0
    source, year = max(cands, key=lambda c: YEAR_CONF[c[0]])
    agree = sum(1 for s, y in cands if y == year and s != source)
    conf = min(0.99, YEAR_CONF[source] + AGREE_BONUS * agree)
    return year, round(conf, 2)


