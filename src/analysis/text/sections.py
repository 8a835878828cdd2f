"""Where a report's parts open — summary, plan, Five-Year-Plan review — found once per document.

Found in the document's shadow when first asked for (``Document.sections``) and read by
both metadata and extraction, neither of which looks for a part on its own:

* ``plan_start`` — where the report as a whole turns to planning (``data/sections.csv``):
  metadata reads from it that the report has a plan part, and the year that part names;
* ``openings`` — every heading or sentence that opens a summary or plan part (the
  patterns below) and ``spans`` (Five-Year-Plan reviews): extraction gives each figure
  the year, period and kind of its part. The years relative to the report's year are
  settled by :meth:`Outline.sections` once metadata has read that year.

Why two readings of where planning starts: they answer two questions, whether a report
plans at all (``plan_start``: also unnumbered headings and closing paragraphs after a
comma, 下半年，我局将继续…) and where each part begins (``openings``: also plain sentences
such as 下一步，将…, which do not make a report a plan). Both merges were tried (issue 10,
session five) and the scorer counted each worse on the held-out reports: metadata reading
the first of ``openings`` misread the type of two reports; extraction also splitting at
``plan_start`` made one report's year-to-date actuals targets (strict 90 → 87 of 165).
The two read one vocabulary: the plan-heading words (``{heading.plan}``), the time a plan
heading names (``{heading.when}``) and the summary words that turn a heading back into a
summary's (工作任务完成情况: ``{heading.summary}``) are lexicon terms that both the
``plan_start`` rows and :data:`PLAN_HEADING` are built from.
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from ..models import DocMeta
from .dating import (
    CUE_FILE as META_CUE_FILE,  # its 今年-plan sentences, read when a text looks back
)
from .lexicon import expand, fyp_first_years, load_cues, search_cue

CUE_FILE = "sections.csv"
# A paragraph opening with a year and a comma (2021年,我市大力推进…).
_YEAR_PARAGRAPH = re.compile(r"\n(?P<at>)[ \t\u3000]*(?P<y>20\d\d)\s*年\s*[,，]")
# A paragraph opening on the year before (过去一年, / 去年, / 一年来,): the summary again.
_PAST_PARAGRAPH = re.compile(r"\n(?P<at>)[ \t\u3000]*(?:过去(?:的)?一年|去年|一年来)\s*[,，]")
# The marks a cue's match may open on before its sentence starts.
_MARKS = "。\n；;"


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
# A report's own outline (一、主要工作…): an annual summary or plan, not a news item.
NUMBERED_HEADING = re.compile(r"(?:^|\n)\s*[一二三四五六七八九十]{1,2}\s*[、.．]")
PLAN_HEADING = re.compile(
    HEADING_NO + r"\s*"
    + expand(r"(?P<when>{heading.when}|下一步|下步|今后[^，。]{0,4})?"
             r"[^。\n，,]{0,8}?(?:工作)?{heading.plan}(?!{heading.summary})")
)
# A bracketed sub-heading naming a year and plan words (（三）2024年主要目标): it opens that
# year's plan too; without a year ((二)工作重点 inside a summary part) it is a topic heading
SUB_PLAN_HEADING = re.compile(
    r"[（(](?<![^\n。；;\s][（(])[一二三四五六七八九十]{1,2}[)）]\s*"
    + expand(r"(?P<when>{heading.when})[^。\n，,]{0,8}?(?:工作)?{heading.plan}(?=\s*(?:[：:]|\n|$))")
)  # (the plan words end the line: not （三）2023年目标任务全面完成, （二）2024年计划投资项目…)
# A sentence that opens with 下一步 (下阶段 + the region or bureau, not a project's next
# phase) / 明年 / 20XX年 and soon says 将, 要, 目标 … At the
# text's start or after a line break or 。; written to open with that mark (kept out of
# the position by the empty group ``at``) so that ``re`` jumps from mark to mark.
_PLAN_WHEN_YEAR = r"(?P<y>20\d\d)年(?!以来|度?[一二三四第]|上半年|前|\d)"
_PLAN_SOON = r"[，,]?[^。]{0,30}?(?:将|要|重点|着力|计划|思路|目标|主要|继续|力争|确保)"
PLAN_SENTENCE_BODY = (
    r"\s*(?P<when>下半年|下一步|下一?阶段(?=\s*[,，]?\s*(?:我局|我们|全市|全区|全县|我市|我区|我县))|明年|(?:全|崭)?(?<![创更革])新的?一年|下步|"
    r"今后一个时期|" + _PLAN_WHEN_YEAR + ")" + _PLAN_SOON
)
PLAN_SENTENCE = re.compile(r"[\n。](?P<at>)" + PLAN_SENTENCE_BODY)
PLAN_SENTENCE_FIRST = re.compile(r"(?P<at>)" + PLAN_SENTENCE_BODY)  # at the text's start
# A news paragraph opening with its source, then a year's plan (市科技局介绍,2016年,我市力争…):
# only at a line's start and with a year, so a remark quoted inside a summary paragraph
# (局长表示,下一步将…) opens no plan part
PLAN_SENTENCE_ATTRIBUTED = re.compile(expand(
    r"\n(?P<at>)\s*[^。，,\n]{0,10}?{heading.attribution}[，,：:]\s*(?P<when>" + _PLAN_WHEN_YEAR + ")"
    + _PLAN_SOON))
SUMMARY_HEADING = re.compile(HEADING_NO + expand(r"\s*[^。\n，,]{0,14}?{heading.summary}"))
SPAN_HEADING = re.compile(
    HEADING_NO + r"\s*[^。\n，,]{0,10}?"
    r"[“\"]?十(?P<n>[一二三四五])五[”\"]?[^。\n，,]{0,6}?(?:期间|时期|以来|回顾|成就)"
)
# The summary headings that open a review inside a plan (一、发展基础, 2023年工作回顾); a plan
# heading ending in 成效 or 进展 (着力提升成果转化成效) is a goal, not a review
_REVIEW_IN_PLAN = re.compile(r"发展基础|发展现状|回顾|工作总结|完成情况|执行情况|20\d\d\s*年")
SPAN_HEADING_CHARS = 30  # a span heading's own words, where 以来 is looked for
TOP_HEADING = re.compile(HEADING_NO)
# A line that holds a year and nothing else (2023年 … 2024年 over two lists of figures):
# the heading of the short lines under it; one naming a year after the report's opens
# that year's plan, which ends at the first line of prose (longer than LIST_LINE_MAX).
YEAR_LINE = re.compile(r"(?m)^[ \t\u3000]*(?P<y>20\d\d)[ \t]*年度?[ \t\u3000]*$")
LIST_LINE_MAX = 60
# Where a year line can start after a line break: ``re`` jumps from one line break to the
# next for it, but tries ``YEAR_LINE`` (a multi-line ``^``) at every position.
_YEAR_LINE_AFTER = re.compile(r"\n[ \t\u3000]*20\d\d")
PROSE_LINE = re.compile(rf"(?m)^[^\n]{{{LIST_LINE_MAX + 1},}}$")


@dataclass(frozen=True)
class Opening:
    """A heading or sentence that opens a part of the report (offsets into the shadow)."""

    start: int  # where the part begins
    end: int  # the end of the heading or sentence opening that names it
    kind: str  # plan | summary
    when: str | None = None  # a plan's time word: 2022年, 明年, 下半年, 下一步 …
    named_year: int | None = None  # a plan sentence opening with 20XX年: a plan only if later
    # (a summary paragraph opening with 20XX年: a summary only if not later than the report)


@dataclass(frozen=True)
class SpanHeading:
    """A Five-Year-Plan review heading (“十三五”期间…) and the part it heads."""

    start: int
    end: int  # the next top-level heading, or the text's end
    span: tuple[int, int]


@dataclass(frozen=True)
class Outline:
    """Every part opening of one text, found once; see :func:`outline`."""

    text: str
    openings: tuple[Opening, ...]  # plan headings, plan sentences, summary headings
    spans: tuple[SpanHeading, ...]
    plan_start: Opening | None  # where the report as a whole turns to planning, if it does

    def sections(self, meta: DocMeta) -> list[Section]:
        """The summary and plan parts with their year and period, given the report's."""
        year = meta.report_year
        period = meta.period or "FY"
        if meta.doc_type == "plan":
            return self._plan_sections(year)
        next_year = None if year is None else (year if period != "FY" else year + 1)
        marks: list[tuple[int, str, int | None]] = []
        for o in self.openings:
            if o.kind == "summary" and o.named_year is not None:
                if year is not None and o.named_year <= year:
                    marks.append((o.start, "summary", year))  # 2021年,我市… after a 今年 plan lede
            elif o.kind == "summary":
                marks.append((o.start, "summary", year))
            elif o.named_year is None or (year is not None and o.named_year > year):
                # "2015年,…" in a 2015 summary is the summary year
                marks.append((o.start, "plan", _plan_year(o.when, year, next_year)))
        marks.sort()
        sections: list[Section] = []
        cur = Section(0, len(self.text), "summary", year, period)
        for pos, kind, y in marks:
            if kind == cur.kind:
                continue
            cur.end = pos
            sections.append(cur)
            cur = Section(pos, len(self.text), kind, y, period if kind == "summary" else "FY")
        sections.append(cur)
        out = [s for s in sections if s.end > s.start]
        self._mark_spans(out)
        return out

    def _plan_sections(self, year: int | None) -> list[Section]:
        """A plan's targets are full-year; a part of it under a summary heading (一、发展基础,
        上年工作回顾) recalls results of the year before, up to the next plan heading."""
        sections: list[Section] = []
        pos = 0
        summaries = sorted(o.start for o in self.openings if o.kind == "summary"
                           and _REVIEW_IN_PLAN.search(self.text, o.start, o.end))
        plans = sorted(o.start for o in self.openings if o.kind == "plan")
        for start in summaries:
            if start < pos:
                continue
            end = next((p for p in plans if p > start), len(self.text))
            sections.append(Section(pos, start, "plan", year, "FY"))
            sections.append(Section(start, end, "summary", None if year is None else year - 1, "FY"))
            pos = end
        sections.append(Section(pos, len(self.text), "plan", year, "FY"))
        out = [x for x in sections if x.end > x.start]
        self._mark_spans(out)
        return out

    def _mark_spans(self, sections: list[Section]) -> None:
        """Five-Year-Plan review headings make their part of the text a span."""
        for h in self.spans:
            for i, s in enumerate(list(sections)):
                if s.start <= h.start < s.end:
                    span = h.span
                    if (s.year and span[0] <= s.year < span[1]
                            and "以来" in self.text[h.start : h.start + SPAN_HEADING_CHARS]):
                        if s.year == span[0]:
                            break  # “十四五”以来 in 2021: that year alone, the part as it is
                        span = (span[0], s.year)  # 一、“十四五”以来… in a 2023 report: so far
                    tail = Section(h.start, min(h.end, s.end), s.kind, span[1], "FY", span)
                    rest = Section(tail.end, s.end, s.kind, s.year, s.period, s.span)
                    s.end = h.start
                    sections[i + 1 : i + 1] = [x for x in (tail, rest) if x.end > x.start]
                    break
        sections[:] = [s for s in sections if s.end > s.start]


def _heading_year(when: str) -> int | None:
    """The year a sub-heading's time word names (2024年 → 2024); None for 明年, 下半年 …"""
    m = re.match(r"20\d\d", when)
    return int(m.group(0)) if m else None


def outline(text: str, looks_back: bool = False) -> Outline:
    """Every part opening of a (shadow) text, in the order the finders meet them.

    ``looks_back``: the text was written after the year it reports (``text.dating``), so
    a sentence opening with 今年 and saying what will be done (今年,全市将力争…) opens the
    plan of the year after the report's."""
    openings = [Opening(m.start(), m.end(), "plan", m.group("when")) for m in PLAN_HEADING.finditer(text)]
    # a sub-heading is a plan's only when its year comes after the report's (（一）2023年度重点工作
    # in a 2023 summary is what was done)
    openings += [Opening(m.start(), m.end(), "plan", m.group("when"), _heading_year(m.group("when")))
                 for m in SUB_PLAN_HEADING.finditer(text)]
    openings.sort(key=lambda o: o.start)
    openings += [Opening(m.start("at"), m.end(), "plan", m.group("when"),
                         int(m.group("y")) if m.group("y") else None)
                 for m in plan_sentences(text)]
    if looks_back:
        openings += [Opening(m.start() + (text[m.start():m.start() + 1] in _MARKS), m.end(), "plan", "今年")
                     for cue in load_cues(META_CUE_FILE).get("this_year_plan", ())
                     for m in cue.regex.finditer(text)]
        # a paragraph opening with a year the report covers (2021年,我市…), or on the year
        # before (过去一年,…), goes back to the summary
        openings += [Opening(m.start("at"), m.end(), "summary", None, int(m.group("y")))
                     for m in _YEAR_PARAGRAPH.finditer(text)]
        openings += [Opening(m.start("at"), m.end(), "summary") for m in _PAST_PARAGRAPH.finditer(text)]
    openings += [Opening(m.start(), m.end(), "summary") for m in SUMMARY_HEADING.finditer(text)]
    for m in _year_lines(text):
        openings.append(Opening(m.start("y"), m.end(), "plan", m.group("y") + "年",
                                int(m.group("y"))))
        if (prose := PROSE_LINE.search(text, m.end())) is not None:
            openings.append(Opening(prose.start(), prose.start(), "summary"))
    spans = []
    for m in SPAN_HEADING.finditer(text):
        nxt = TOP_HEADING.search(text, m.end())
        spans.append(SpanHeading(m.start(), nxt.start() if nxt else len(text),
                                 fyp_span(m.group("n"))))
    return Outline(text, tuple(openings), tuple(spans), plan_start(text))


def _year_lines(text: str) -> Iterator[re.Match[str]]:
    """``YEAR_LINE.finditer(text)``: a match is one whole line, at the text's start or after
    a line break followed by blanks and a year (``_YEAR_LINE_AFTER``), tried only there."""
    if (first := YEAR_LINE.match(text)) is not None:
        yield first
    for at in _YEAR_LINE_AFTER.finditer(text):
        if (m := YEAR_LINE.match(text, at.start() + 1)) is not None:
            yield m


def plan_start(text: str) -> Opening | None:
    """The earliest ``plan_start`` row of ``data/sections.csv`` in ``text``: a heading such as
    2022年工作思路 (numbered or not) or a closing paragraph turning to what comes next
    (下半年，我局将继续…, 下一步，…将…力争). This is what decides that a report has a plan part
    and which year that part names; see the module docstring for why it is not the first
    of ``openings``."""
    found = [m for cue in load_cues(CUE_FILE).get("plan_start", ())
             if (m := search_cue(cue.regex, text))]  # (a line-start cue: at line starts)
    if not found:
        return None
    m = min(found, key=lambda m: m.start())
    return Opening(m.start(), m.end(), "plan")


def find_sections(text: str, meta: DocMeta) -> list[Section]:
    """Split a (shadow) text into summary and plan parts, with their year and period."""
    return outline(text).sections(meta)


def plan_sentences(text: str) -> Iterator[re.Match[str]]:
    """Matches of the plan-sentence pattern, in order; each one's sentence starts at
    ``m.start("at")``."""
    pos = 0
    first = PLAN_SENTENCE_FIRST.match(text)
    if first is not None:
        yield first
        pos = first.end()
    yield from heapq.merge(PLAN_SENTENCE.finditer(text, pos),
                           PLAN_SENTENCE_ATTRIBUTED.finditer(text, pos),
                           key=lambda m: m.start("at"))


def fyp_span(n: str) -> tuple[int, int]:
    """十三五 (``n`` = 三) → (2016, 2020)."""
    first = fyp_first_years()[f"十{n}五"]
    return first, first + 4


def _plan_year(when: str | None, year: int | None, next_year: int | None) -> int | None:
    if when:
        m = re.match(r"20\d\d", when)
        if m:
            return int(m.group(0))
        if when.startswith("下半年"):
            return year
    return next_year


def section_at(sections: list[Section], pos: int) -> Section:
    """The part holding ``pos`` (parts are in order and do not overlap): a bisection, since
    a long report asks once per figure."""
    k = bisect_right(sections, pos, key=lambda s: s.start) - 1
    if k >= 0 and sections[k].start <= pos < sections[k].end:
        return sections[k]
    for s in sections:  # a gap between parts (never made by Outline.sections): the old scan
        if s.start <= pos < s.end:
            return s
    return sections[-1]
