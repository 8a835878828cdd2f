"""Summary, plan and Five-Year-Plan parts of a report, with the year and period of each.

Reads the document's shadow and the metadata's year, period and type; adds the
sections every figure takes its default year, period and kind from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..models import DocMeta
from ..text.lexicon import expand, fyp_first_years


@dataclass
class Section:
    start: int
    end: int
    kind: str  # summary | plan
    year: int | None
    period: str
    span: tuple[int, int] | None = None


# A heading number (一、 十二、) at the text's start or after a line break, 。 ； or space.
# Written to start with the numeral (the look-behind after it) so that ``re`` can skip
# straight to numerals instead of trying every position.
HEADING_NO = r"[一二三四五六七八九十](?<![^\n。；;\s][一二三四五六七八九十])[一二三四五六七八九十]?[、.．]"
PLAN_HEADING = re.compile(
    HEADING_NO + r"\s*"
    r"(?P<when>(?:20\d\d|\*|[xX]{2}|20[xX]{2}|明|下一?)年度?|下半年|下一步|下步|今后[^，。]{0,4})?"
    + expand(r"[^。\n，,]{0,8}?(?:工作)?{heading.plan}")
)
# A sentence that opens with 下一步 / 明年 / 20XX年 and soon says 将, 要, 目标 … At the
# text's start or after a line break or 。; written to open with that mark (kept out of
# the position by the empty group ``at``) so that ``re`` jumps from mark to mark.
PLAN_SENTENCE_BODY = (
    r"\s*(?P<when>下半年|下一步|明年|下步|今后一个时期|(?P<y>20\d\d)年)"
    r"[，,]?[^。]{0,30}?(?:将|要|重点|着力|计划|思路|目标|主要)"
)
PLAN_SENTENCE = re.compile(r"[\n。](?P<at>)" + PLAN_SENTENCE_BODY)
PLAN_SENTENCE_FIRST = re.compile(r"(?P<at>)" + PLAN_SENTENCE_BODY)  # at the text's start
SUMMARY_HEADING = re.compile(HEADING_NO + expand(r"\s*[^。\n，,]{0,14}?{heading.summary}"))
SPAN_HEADING = re.compile(
    HEADING_NO + r"\s*[^。\n，,]{0,10}?"
    r"[“\"]?十(?P<n>[一二三四五])五[”\"]?[^。\n，,]{0,6}?(?:期间|时期|以来|回顾|成就)"
)
TOP_HEADING = re.compile(HEADING_NO)


def fyp_span(n: str) -> tuple[int, int]:
    """十三五 (``n`` = 三) → (2016, 2020)."""
    first = fyp_first_years()[f"十{n}五"]
    return first, first + 4


def find_sections(text: str, meta: DocMeta) -> list[Section]:
    """Split the text into summary and plan parts, with their year and period."""
    year = meta.report_year
    period = meta.period or "FY"
    if meta.doc_type == "plan":
        return [Section(0, len(text), "plan", year, "FY")]  # a plan's targets are full-year
    next_year = None if year is None else (year if period != "FY" else year + 1)
    marks: list[tuple[int, str, int | None]] = []
    for m in PLAN_HEADING.finditer(text):
        marks.append((m.start(), "plan", _plan_year(m.group("when"), year, next_year)))
    for m in plan_sentences(text):
        y = m.group("y")
        if y and (year is None or int(y) <= year):
            continue  # "2015年,…" in a 2015 summary is the summary year
        marks.append((m.start("at"), "plan", _plan_year(m.group("when"), year, next_year)))
    for m in SUMMARY_HEADING.finditer(text):
        marks.append((m.start(), "summary", year))
    marks.sort()
    sections: list[Section] = []
    cur = Section(0, len(text), "summary", year, period)
    for pos, kind, y in marks:
        if kind == cur.kind:
            continue
        cur.end = pos
        sections.append(cur)
        cur = Section(pos, len(text), kind, y, period if kind == "summary" else "FY")
    sections.append(cur)
    out = [s for s in sections if s.end > s.start]
    _mark_spans(text, out)
    return out


def plan_sentences(text: str) -> Iterator[re.Match[str]]:
    """Matches of the plan-sentence pattern, in order; each one's sentence starts at
    ``m.start("at")``."""
    pos = 0
    first = PLAN_SENTENCE_FIRST.match(text)
    if first is not None:
        yield first
        pos = first.end()
    yield from PLAN_SENTENCE.finditer(text, pos)


def _plan_year(when: str | None, year: int | None, next_year: int | None) -> int | None:
    if when:
        m = re.match(r"20\d\d", when)
        if m:
            return int(m.group(0))
        if when.startswith("下半年"):
            return year
    return next_year


def _mark_spans(text: str, sections: list[Section]) -> None:
    """Five-Year-Plan review headings make their part of the text a span."""
    for m in SPAN_HEADING.finditer(text):
        nxt = TOP_HEADING.search(text, m.end())
        end = nxt.start() if nxt else len(text)
        span = fyp_span(m.group("n"))
        for i, s in enumerate(list(sections)):
            if s.start <= m.start() < s.end:
                tail = Section(m.start(), min(end, s.end), s.kind, span[1], "FY", span)
                rest = Section(tail.end, s.end, s.kind, s.year, s.period, s.span)
                s.end = m.start()
                sections[i + 1 : i + 1] = [x for x in (tail, rest) if x.end > x.start]
                break
    sections[:] = [s for s in sections if s.end > s.start]


def section_at(sections: list[Section], pos: int) -> Section:
    for s in sections:
        if s.start <= pos < s.end:
            return s
    return sections[-1]
