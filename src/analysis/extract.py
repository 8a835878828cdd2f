"""Find every figure a cleaned report states and say what it measures.

The text is read sentence by sentence. Every number + unit is a quantity; a
percentage right after a growth verb (增长, 下降 …) is a year-on-year change and
is attached to the figure it qualifies; every other quantity is a figure. A
figure's indicator phrase is the text between it and the previous quantity or
clause mark; a phrase too bare to name an indicator (``授权988件``, ``总数达1347家``,
``占GDP比重2.84%``) borrows the head of the figure before it, and ``A、B分别达到x、y``
pairs items with values. Section headings and cue words decide year, period and
kind (actual / estimate / target). All cue words are data (``data/cues.csv``).

Matching runs on a simplified-character shadow of the text with the same length,
so a report in traditional characters maps the same way and offsets stay valid.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import NamedTuple

from . import taxonomy
from .models import DocMeta, Figure
from .numbers import (
    Quantity,
    find_quantities,
    parse_chinese_numeral,
    quantity_from_match,
    quantity_regex,
)
from .text.document import Document, prepare_text
from .text.lexicon import expand, fyp_first_years, load_patterns, period_of_months
from .text.script import simplified_shadow  # noqa: F401  (re-exported for callers)

CLAUSE_MARKS = "，,；;：:"
GROUP_MARKS = "；;"
JOINERS = "、和及与,，"


@cache
def cues() -> dict[str, re.Pattern[str]]:
    """Named cue patterns of ``data/cues.csv`` (checked, lexicon placeholders expanded)."""
    return load_patterns("cues.csv")


# ---------------------------------------------------------------- sections


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
_PLAN_SENTENCE_BODY = (
    r"\s*(?P<when>下半年|下一步|明年|下步|今后一个时期|(?P<y>20\d\d)年)"
    r"[，,]?[^。]{0,30}?(?:将|要|重点|着力|计划|思路|目标|主要)"
)
PLAN_SENTENCE = re.compile(r"[\n。](?P<at>)" + _PLAN_SENTENCE_BODY)
PLAN_SENTENCE_FIRST = re.compile(r"(?P<at>)" + _PLAN_SENTENCE_BODY)  # at the text's start
SUMMARY_HEADING = re.compile(HEADING_NO + expand(r"\s*[^。\n，,]{0,14}?{heading.summary}"))
SPAN_HEADING = re.compile(
    HEADING_NO + r"\s*[^。\n，,]{0,10}?"
    r"[“\"]?十(?P<n>[一二三四五])五[”\"]?[^。\n，,]{0,6}?(?:期间|时期|以来|回顾|成就)"
)
TOP_HEADING = re.compile(HEADING_NO)


def _fyp_span(n: str) -> tuple[int, int]:
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
    for m in _plan_sentences(text):
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


def _plan_sentences(text: str) -> Iterator[re.Match[str]]:
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
        span = _fyp_span(m.group("n"))
        for i, s in enumerate(list(sections)):
            if s.start <= m.start() < s.end:
                tail = Section(m.start(), min(end, s.end), s.kind, span[1], "FY", span)
                rest = Section(tail.end, s.end, s.kind, s.year, s.period, s.span)
                s.end = m.start()
                sections[i + 1 : i + 1] = [x for x in (tail, rest) if x.end > x.start]
                break
    sections[:] = [s for s in sections if s.end > s.start]


def _section_at(sections: list[Section], pos: int) -> Section:
    for s in sections:
        if s.start <= pos < s.end:
            return s
    return sections[-1]


# ---------------------------------------------------------------- figures


@dataclass(eq=False, slots=True)  # eq=False: items are found by identity, not by value
class _Item:
    q: Quantity
    own: str  # the text between the previous quantity (or clause mark) and this one
    clause_start: int
    group_start: int
    growth: bool = False
    phrase: str = ""  # completed indicator phrase (simplified)
    indicator: taxonomy.Indicator | None = None
    yoy: float | None = None
    notes: list[str] = field(default_factory=list)
    qualifier: str = ""
    unit: str = ""
    in_span: bool = False  # inside a Five-Year-Plan review, where 累计 means "over the span"
    borrowed: bool = False  # the phrase was completed from the figure or clause before it
    section: Section | None = None
    idx: int = 0  # position in the sentence's items


def _last_mark(text: str, lo: int, hi: int, marks: str) -> int:
    best = lo
    for ch in marks:
        i = text.rfind(ch, lo, hi)
        if i >= 0 and i + 1 > best:
            best = i + 1
    return best


_CLAUSE_RE = re.compile(f"[{CLAUSE_MARKS}]")
_STOP_RE = re.compile(f"[{CLAUSE_MARKS}。]")


class _Sent:
    """One sentence with the positions of its marks and cues, found once for all its figures.

    Why: a sentence holds several figures and each asks where its clause starts, which
    cues come before it and so on; scanning once per sentence and bisecting per figure
    keeps extraction close to the speed the text can be read.
    """

    __slots__ = ("text", "start", "end", "clause", "group", "stops", "spans", "since",
                 "period_hint", "estimate", "target_verb", "years")

    def __init__(self, text: str, start: int, end: int) -> None:
        c = cues()
        self.text = text
        self.start = start
        self.end = end
        self.clause = clause = [m.start() for m in _CLAUSE_RE.finditer(text)]
        self.group = [p for p in clause if text[p] in GROUP_MARKS]
        if "。" not in text:
            self.stops = clause
        elif text.find("。") == len(text) - 1:  # a sentence's own full stop, at its end
            self.stops = [*clause, len(text) - 1]
        else:
            self.stops = [m.start() for m in _STOP_RE.finditer(text)]
        self.spans = list(c["span"].finditer(text)) if "五" in text else []
        self.since = list(_SINCE_YEAR.finditer(text)) if "以来" in text else []
        self.period_hint = _PERIOD_HINT.search(text) is not None
        self.estimate = c["estimate"].search(text) is not None
        self.target_verb = c["target_verb"].search(text) is not None
        self.years = _year_cues(text) if "年" in text else ()

    def mark_before(self, marks: list[int], lo: int, hi: int) -> int:
        """Like :func:`_last_mark`: one past the last mark in [lo, hi), else lo."""
        k = bisect_left(marks, hi) - 1
        if k >= 0 and marks[k] >= lo:
            return marks[k] + 1
        return lo

    def next_stop(self, pos: int) -> int:
        """The first clause mark or 。 at or after ``pos`` (the sentence's end if none)."""
        k = bisect_left(self.stops, pos)
        return self.stops[k] if k < len(self.stops) else len(self.text)

    def year_before(self, upto: int, lo: int) -> int | None:
        """:func:`_sentence_year` for a figure at ``upto`` whose clause group starts at ``lo``."""
        return _last_year_cue(self.years, lo, upto)

    def last_before(self, matches: list[re.Match[str]], pos: int) -> re.Match[str] | None:
        """The last of ``matches`` that ends at or before ``pos``."""
        found = None
        for m in matches:
            if m.end() > pos:
                break
            found = m
        return found


def _strip_joiners(s: str) -> str:
    return s.strip(JOINERS + " ")


# Phrase helpers below are pure functions of short strings that recur across reports
# (发明专利申请, 技术合同成交额): cached, each costs a dictionary look-up after the first.
PHRASE_CACHE = 20_000


@lru_cache(maxsize=PHRASE_CACHE)
def _is_bare(own: str) -> bool:
    """True when a phrase names no indicator by itself (授权, 总数达, 占GDP比重)."""
    core = cues()["strip"].sub("", _strip_joiners(own))
    return (
        not core
        or bool(cues()["measure"].fullmatch(core))
        or core.startswith("占")
        or bool(_CHANGE_TO.match(core))
        or bool(cues()["goal_ref"].search(core))
    )


@lru_cache(maxsize=PHRASE_CACHE)
def _head(phrase: str) -> str:
    """The noun part of a phrase, to prefix a bare phrase after it."""
    head = cues()["strip"].sub("", phrase)
    head = cues()["lead_verb"].sub("", head)
    head = cues()["stage"].sub("", head)
    m = cues()["measure"].search(head)
    while m and m.start() > 0:
        head = head[: m.start()]
        m = cues()["measure"].search(head)
    return head


@lru_cache(maxsize=PHRASE_CACHE)
def _lead_verb(phrase: str) -> str:
    m = cues()["lead_verb"].match(cues()["strip"].sub("", phrase))
    return m.group(0) if m else ""


def _split_items(text: str) -> list[str]:
    return [p for p in re.split(r"[、和及与]", text) if p.strip()]


def _match(item: _Item, phrase: str, right: str) -> None:
    unit = item.unit
    probe = phrase.replace("累计", "") if item.in_span else phrase
    ind = taxonomy.match_indicator(probe, unit)
    if ind is None:
        full = phrase + "|" + right
        for cand in taxonomy.right_context_indicators(unit):
            if cand.require.search(full) and not (cand.exclude and cand.exclude.search(full)):
                ind = cand
                break
    item.indicator = ind
    item.phrase = phrase
    if ind is not None and unit != ind.unit and "/" not in unit:
        item.unit = ind.unit  # 10个项目获国家科技奖 counts 项


def _per_capita(phrase: str, unit: str) -> str:
    if unit in {"件", "人", "家", "项", "个"} and _PER_10K.search(phrase):
        return f"{unit}/万人"
    return unit


def extract_figures(doc_id: str, text: str, meta: DocMeta) -> list[Figure]:
    """Every figure stated in a text already cleaned (tests, one string from Python)."""
    return find_figures(prepare_text(doc_id, text), meta)


def find_figures(doc: Document, meta: DocMeta) -> list[Figure]:
    """Every figure stated in a prepared report, with indicator, year, period and kind.

    Reads the document's text, shadow and sentences, and the metadata's year, period
    and type; adds one :class:`Figure` per stated quantity.
    """
    doc_id, text, shadow = doc.doc_id, doc.text, doc.shadow
    sections = find_sections(shadow, meta)
    figures: list[Figure] = []
    inherited: tuple[str | None, int | None] = (None, None)
    prev: tuple[int, int] | None = None
    # One pass of the quantity pattern over the whole text; sentences without a
    # quantity (most of them) then cost a bisection.
    matches = list(quantity_regex().finditer(shadow))
    starts = [x.start() for x in matches]
    ends = [x.end() for x in matches]  # increasing: matches do not overlap
    k = 0
    n = len(matches)
    for s, e in doc.sentences:
        lead = shadow[s]
        if (lead == "其" and shadow.startswith("其中", s)) or (
            lead.isspace() and shadow[s:e].lstrip().startswith("其中")
        ):  # continues the sentence before: same period, year
            before = shadow[prev[0]:prev[1]] if prev is not None else ""
            inherited = (_sentence_period(before, len(before), None)[0] or inherited[0],
                         _sentence_year(before, len(before)) or inherited[1])
        else:
            inherited = (None, None)
        prev = (s, e)
        k = bisect_right(ends, s, k)  # the first match ending inside or after this sentence
        if k == n or starts[k] >= e:
            continue
        j = bisect_right(ends, e, k)  # the first match ending after it
        sent = shadow[s:e]
        if starts[k] < s or (j < n and starts[j] < e):
            qs = find_quantities(sent)  # a match runs across the sentence's edge: read it alone
        else:
            qs = [q for x in matches[k:j] if (q := quantity_from_match(x, s)) is not None]
        if qs:
            figures.extend(_sentence_figures(doc_id, text, _Sent(sent, s, e), qs, sections, meta,
                                             inherited))
    return _dedupe(figures)


def _sentence_figures(
    doc_id: str, text: str, st: _Sent, qs: list[Quantity], sections: list[Section],
    meta: DocMeta, inherited: tuple[str | None, int | None] = (None, None),
) -> list[Figure]:
    sent = st.text
    s = st.start
    items: list[_Item] = []
    prev_end = 0
    prev: _Item | None = None
    for q in qs:
        clause_start = st.mark_before(st.clause, 0, q.start)
        group_start = st.mark_before(st.group, 0, q.start)
        own = sent[max(clause_start, prev_end) : q.start]
        if " " in own.rstrip():  # a heading run into the body: "(二)…发展 全市新增…"
            own = own.rstrip().rsplit(" ", 1)[-1] + own[len(own.rstrip()) :]
        sec = _section_at(sections, s + q.start)
        item = _Item(
            q=q,
            own=own,
            clause_start=clause_start,
            group_start=group_start,
            unit=q.unit,
            qualifier=q.qualifier,
            in_span=sec.span is not None or st.last_before(st.spans, q.start) is not None,
            section=sec,
            idx=len(items),
        )
        if q.unit in ("%", "倍"):
            if _own_cues(own).growth or (
                prev is not None
                and prev.growth
                and _strip_joiners(own) == ""
                and prev.clause_start == clause_start
            ):
                item.growth = True
        items.append(item)
        prev = item
        prev_end = q.end

    _complete_phrases(items, st)
    _attach_growth(items, sent)
    for it in items:
        if it.indicator and it.q.unit != "%" and _own_cues(it.own).change_by:
            it.indicator = None  # 拥有量提高7件: a change, not the level
            it.notes.append("a change, not a level")
    for a, b in zip(items, items[1:], strict=False):
        # 首次突破11%达到11.72%: the first value is a threshold the second one passed
        if (a.indicator and b.clause_start == a.clause_start and _MORE_VERB.search(a.own[-3:])
                and _THEN_REACH.fullmatch(b.own.strip())):
            a.indicator = None
            a.notes.append("threshold passed, not the figure itself")

    sentence = text[s : st.end].strip()
    out = []
    for it in items:
        if it.growth and it.yoy is None and "attached" in it.notes:
            continue
        out.append(_to_figure(doc_id, text, st, sentence, it, items, meta, inherited))
    return out


def _complete_phrases(items: list[_Item], st: _Sent) -> None:
    c = cues()
    sent = st.text
    i = 0
    while i < len(items):
        it = items[i]
        if it.growth:
            i += 1
            continue
        right = sent[it.q.end : st.next_stop(it.q.end)]
        own = _strip_joiners(it.own)
        group = [it]
        j = i + 1
        while (j < len(items) and not items[j].growth and _strip_joiners(items[j].own) == ""
               and items[j].clause_start == it.clause_start):
            group.append(items[j])  # x、y after one phrase: values that share it
            j += 1
        # only a list of values or 分别 can pair names with values (most figures: neither)
        pairing = _pair_names(own, group, items[:i]) if len(group) >= 2 or "分别" in own else None
        if pairing is not None:
            names, verb = pairing
            first_head = _head(names[0])
            for g, name in zip(group, names, strict=True):
                phrase = name + verb
                if _is_bare(name):
                    phrase = first_head + name + verb
                g.unit = _per_capita(phrase, g.q.unit)
                _match(g, phrase, right)
                if _MORE_VERB.search(verb):
                    g.qualifier = ">"
            i = j
            continue
        phrase = own
        if it.q.dimension == "count" and _right_is_noun(right):
            # 新增29家市级孵化器: the number comes before the noun it counts
            phrase = (own + right) if own.rstrip().endswith("的") else _lead_verb(own) + right
        elif _is_bare(own):
            phrase = _complete(own, it, items[:i], st) or own
            it.borrowed = phrase != own
        elif not _lead_verb(own) and not _STOCK_WORDS.search(own):
            base = next((p for p in reversed(items[:i]) if not p.growth and p.phrase), None)
            if base is not None and base.group_start == it.group_start:
                lead = _lead_verb(base.phrase)
                if lead and not c["subset"].search(it.own):
                    phrase = lead + own
        it.unit = _per_capita(phrase, it.q.unit)
        _match(it, phrase, right)
        if (it.indicator is None and _MEASURE_NOUN.search(own) and not _right_is_noun(right)
                and len(_MEASURE_NOUN.sub("", cues()["strip"].sub("", own))) <= 3):
            # 投入强度为0.44%: a measure whose subject sits in an earlier clause
            completed = _complete(own, it, items[:i], st)
            if completed and taxonomy.match_indicator(completed, _per_capita(completed, it.q.unit)):
                it.unit = _per_capita(completed, it.q.unit)
                _match(it, completed, right)
        i += 1


_PER_10K = re.compile(r"万(?:人|人口|名)")
_TWO_HAN = re.compile(r"[\u4e00-\u9fff]{2}")
_NOT_A_NOUN = re.compile(r"的|以上|左右|上下|多|余|以内|之间|次|人次|增长|增加|提高|提升|上升|下降|减少|降低|到|至|达")
_MORE_BEFORE = re.compile(r"(?:超过|超出|超|突破|逾|多于|高于)$")
_MORE_AFTER = re.compile(r"以上|多")
_ABOUT_BEFORE = re.compile(r"(?:将近|接近|大约|近|约)$")
_ABOUT_AFTER = re.compile(r"左右|上下")
_BASE_YEAR = re.compile(r"[较比自]")  # 较2014年: a comparison base, not the figure's year
_STOCK_WORDS = re.compile(r"总数|总量|累计|达到|拥有|共有|共计")
_MEASURE_NOUN = re.compile(r"强度|比重|占比|比例|总额|总量|总数|数量|产值|增加值|成交额|交易额")


def _right_is_noun(right: str) -> bool:
    return bool(_TWO_HAN.match(right)) and not _NOT_A_NOUN.match(right)


def _complete(own: str, it: _Item, before: list[_Item], st: _Sent) -> str | None:
    """Give a bare phrase the indicator it refers to: the figure or clause before it."""
    c = cues()
    sent = st.text
    same_group = [p for p in before if not p.growth and p.group_start == it.group_start]
    bases = [p.phrase for p in reversed(same_group) if p.indicator]
    bases += [p.phrase for p in reversed(same_group) if p.phrase and not p.indicator][:1]
    end = it.clause_start - 1
    for _ in range(4):  # the clauses before, nearest first
        if end <= it.group_start:
            break
        start = st.mark_before(st.clause, it.group_start, end)
        bases.append(sent[start:end])
        end = start - 1
    core = c["strip"].sub("", _strip_joiners(own))
    whole = not core or core.startswith("占") or _CHANGE_TO.match(core) is not None
    share = core.startswith("占")

    def candidates() -> Iterator[str]:  # lazily, nearest base first: most stop at the first
        for base in bases:
            if whole:
                yield c["strip"].sub("", base) + own
            yield _head(base) + own
            yield _cut_head(base) + own
            if share:
                yield _subject(base) + own

    unit = it.unit or it.q.unit
    first = None
    for cand in candidates():
        if taxonomy.match_indicator(cand, _per_capita(cand, unit)):
            return cand
        first = cand if first is None else first
    return first


@lru_cache(maxsize=PHRASE_CACHE)
def _subject(phrase: str) -> str:
    """A clause's subject with its measure noun: the words before its first verb."""
    head = cues()["strip"].sub("", phrase)
    m = re.search(r"完成|实现|达到|达|为|突破|超过|共|增长|同比|比|增速", head)
    return head[: m.start()] if m and m.start() > 0 else head


@lru_cache(maxsize=PHRASE_CACHE)
def _cut_head(phrase: str) -> str:
    """The subject at a clause's start: the words before its first measure or verb."""
    head = cues()["strip"].sub("", phrase)
    head = cues()["lead_verb"].sub("", head)
    m = re.search(
        r"申报|申请|授权|数量|总数|总量|达到|实现|再创|首次|突破|产值|增加值|成交|交易|登记|拥有|认定|面积",
        head,
    )
    return head[: m.start()] if m and m.start() > 0 else head


class _OwnCues(NamedTuple):
    """What a figure's own phrase (the text since the previous figure) says, once per phrase."""

    growth: bool  # a growth verb: a % after it is a change (增长12%)
    change_by: bool  # 提高7件: a change, not a level
    estimate: bool  # 预计
    goal_ref: bool  # 目标, 任务数: a target
    more_before: bool  # 超过, 突破 right before the number
    about_before: bool  # 约, 近 right before the number
    comparator: bool  # 占全省…: the province's or country's figure
    subset: bool  # 其中


@lru_cache(maxsize=PHRASE_CACHE)
def _own_cues(own: str) -> _OwnCues:
    c = cues()
    tail = _strip_joiners(own)[-4:]
    return _OwnCues(
        growth=c["growth"].search(own.rstrip()) is not None,
        change_by=_CHANGE_BY.search(own) is not None,
        estimate=c["estimate"].search(own) is not None,
        goal_ref=c["goal_ref"].search(own) is not None,
        more_before=_MORE_BEFORE.search(tail) is not None,
        about_before=_ABOUT_BEFORE.search(tail) is not None,
        comparator=_COMPARATOR.search(own.rstrip()) is not None,
        subset=c["subset"].search(own) is not None,
    )


@lru_cache(maxsize=PHRASE_CACHE)
def _after_qualifier(after: str) -> str:
    """">" or "~" when the characters after a number say so (12家以上, 50人左右)."""
    if _MORE_AFTER.match(after):
        return ">"
    return "~" if _ABOUT_AFTER.match(after) else ""


_SINCE_SPAN_END = re.compile(r"[比较][“\"]?十[一二三四五]五[”\"]?(?:末|期末)")  # not a yoy change
_CHANGE_TO = re.compile(r"(?:提高|提升|增加|增长|上升|下降|降低|减少)(?:到|至)")  # 从A提高到B
_SINCE_YEAR = re.compile(r"(?:自|从)?(20\d\d)年(?:度)?以来")
_COMPARATOR = re.compile(r"(?:占|比)?全(?:省|国)(?:的|共|共有)?$")  # 占全省61家的80%
_BATCH = re.compile(r"第[一二三四五六七八九十\d]+批")
_CHANGE_BY = re.compile(r"(?:提高|增加|增长|提升|减少|下降|降低)了?$")
_THEN_REACH = re.compile(r"达到|达|为|至")
_MORE_VERB = re.compile(r"突破|超过|超")
_SHARED_VERB = re.compile(r"(?:分别)?(?:达到|达|为|突破|超过|实现|完成|共计|共)\s*$")


def _pair_names(own: str, group: list[_Item], before: list[_Item]) -> tuple[list[str], str] | None:
    """Names for values x、y that follow one phrase: ``A、B分别达到x、y`` or ``A、B达x、y``.

    Returns the names (one per value) and the verb they share, or None when the
    phrase does not list as many names as there are values.
    """
    if "分别" in own:
        names_text, _, verb = own.partition("分别")
    elif len(group) >= 2:
        m = _SHARED_VERB.search(own)
        names_text, verb = (own[: m.start()], m.group(0)) if m else (own, "")
    else:
        return None
    names = _split_items(names_text)
    if len(names) < len(group) and "分别" in own:
        # 累计分别达到x、y: the names are the figures before this clause
        prior = [p for p in before if not p.growth and p.phrase][-len(group):]
        if len(prior) == len(group):
            names = [_head(p.phrase) + names_text for p in prior]
    return (names, verb) if len(names) == len(group) else None


def _attach_growth(items: list[_Item], sent: str) -> None:
    c = cues()
    i = 0
    while i < len(items):
        it = items[i]
        if not it.growth:
            i += 1
            continue
        group = [it]
        j = i + 1
        while j < len(items) and items[j].growth and _strip_joiners(items[j].own) == "":
            group.append(items[j])
            j += 1
        own = it.own.rstrip()
        sign = -1.0 if c["negative"].search(own[-6:]) else 1.0
        since_span = bool(_SINCE_SPAN_END.search(own))
        average = bool(c["average"].search(own)) or since_span
        m = c["growth"].search(own)
        subject = own[: m.start()] if m else own
        subject = re.sub(r"同比|比上年|较上年|分别|均|同期|[比较][^，。；,;]{0,12}", "", subject)
        subject = _strip_joiners(subject)
        candidates = [
            p
            for p in items[:i]
            if not p.growth
            and p.yoy is None
            and p.group_start == it.group_start
            and p.unit not in {"%", "百分点"}
        ]
        targets: list[_Item] = []
        if not average:
            if not subject:
                if len(candidates) >= len(group):
                    targets = candidates[-len(group) :]
            else:
                key = re.sub(r"[量数额]$", "", subject)
                hit = [p for p in candidates if key and key in p.phrase]
                if hit and len(group) == 1:
                    targets = hit[-1:]
        for g, t in zip(group, targets, strict=False):
            t.yoy = sign * g.q.value * (100 if g.q.unit == "倍" else 1)  # 增长2.8倍 = +280%
            g.notes.append("attached")
        for g in group:
            if "attached" not in g.notes:
                g.notes.append("growth since the end of the last Five-Year Plan" if since_span
                               else "average annual growth rate" if average
                               else "growth rate only")
                g.phrase = _strip_joiners(own)
        i = j


# Period words of the lexicon (each group named for the period it sets, see
# ``_period_cue_reading``), a span from January to a month, and 截至N月底.
_PERIOD_CUES = re.compile(expand(
    r"(?P<h1>{period.H1})|(?P<q3>{period.Q1-Q3})|(?P<q1>{period.M1-M3})"
    r"|(?:^|[^\d])(?:1|一)\s*[-—–~至到]\s*(?P<m>\d{1,2}|十[一二]?|[二三四五六七八九])月"
    r"|截[至止](?:(?P<cy>20\d\d)年)?(?P<c>\d{1,2}|十[一二]?|[一二三四五六七八九])月(?:底|末|份)?"
    r"|(?:^|(?<=[，,；;：:\s]))(?:预计)?(?P<fy>{period.FY})|(?P<fy2>截至年底|截至年末)"
))
_PERIOD_HINT = re.compile(r"半年|季度|月|全年|年底|年末")
# A year that dates what follows it: at a clause's start, after 我市/全区, 力争, 到 … The
# plain form puts these look-behinds first; written year-first (each look-behind then
# spans the four digits too) ``re`` jumps to each "20" instead of trying every position.
_YEAR_CUE_BEFORE = r"(?:^|(?<=[，,；;：:\s])|(?<=[我全][市区县省])|(?<=力争|确保|争取|预计)|(?<=[到从由至]))"
_YEAR_CUE = re.compile(
    r"(?P<y>20\d\d)(?:(?<=^....)|(?<=[，,；;：:\s]....)|(?<=[我全][市区县省]....)"
    r"|(?<=(?:力争|确保|争取|预计)....)|(?<=[到从由至]....))年度?(?!\d)"
)


def _parse_month(tok: str) -> int:
    return int(tok) if tok.isdigit() else (parse_chinese_numeral(tok) or 0)


def _sentence_period(sent: str, upto: int, default: str | None) -> tuple[str | None, int | None]:
    """The period the last cue before ``upto`` sets, and a year a 截至YYYY年N月 cue names."""
    period, year = default, None
    if not _PERIOD_HINT.search(sent, 0, upto):  # most sentences have no period cue at all
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
    return tuple((m.end(), *_period_cue_reading(m)) for m in _PERIOD_CUES.finditer(sent))


def _period_cue_reading(m: re.Match[str]) -> tuple[str | None, int | None]:
    """(period, year) one period cue sets; None where it sets none (a month out of range)."""
    year = int(m.group("cy")) if m.group("cy") else None
    if m.group("h1"):
        return "H1", year
    if m.group("q3"):
        return "Q1-Q3", year
    if m.group("q1"):
        return "M1-M3", year
    if m.group("m") or m.group("c"):
        n = _parse_month(m.group("m") or m.group("c"))
        return (period_of_months(n) if 1 <= n <= 12 else None), year
    if m.group("fy") or m.group("fy2"):
        return "FY", year
    return None, year


@lru_cache(maxsize=512)
def _year_cues(sent: str) -> tuple[tuple[int, int, int], ...]:
    """(start, end, year) of every year cue in a sentence that dates what follows it."""
    out = []
    for m in _YEAR_CUE.finditer(sent):
        if not _BASE_YEAR.search(sent, max(0, m.start() - 2), m.start()):
            out.append((m.start(), m.end(), int(m.group("y"))))
    return tuple(out)


def _sentence_year(sent: str, upto: int) -> int | None:
    """A clause-initial 20XX年 dates what follows it, up to the end of its clause group."""
    return _last_year_cue(_year_cues(sent), _last_mark(sent, 0, upto, GROUP_MARKS), upto)


def _last_year_cue(year_cues: tuple[tuple[int, int, int], ...], lo: int, upto: int) -> int | None:
    """The year of the last cue lying within [lo, upto]."""
    year = None
    for start, end, y in year_cues:
        if start >= lo and end <= upto:
            year = y
    return year


def _estimate_scope(sent: str, it: _Item) -> bool:
    """预计 at a sentence's start covers the sentence; elsewhere its own clause and the
    clauses that continue its subject (预计研发投入185亿元,占GDP比例2.35%)."""
    c = cues()
    pos = it.q.start
    for m in c["estimate"].finditer(sent, 0, pos):
        lead = sent[: m.start()].strip(" ，,")
        if not lead or re.fullmatch(r"20\d\d年度?|同时|此外|另外", lead):
            # …until a clause opens with a year of its own (预计全年…,2017年我县新增…)
            return not any(m.end() < start and end <= pos for start, end, _ in _year_cues(sent))
        if m.start() >= it.clause_start:
            return True
        if it.borrowed and it.group_start <= m.start():
            return True
    return False


@lru_cache(maxsize=512)
def _lead_is_subunit(sent: str) -> bool:
    """The sentence opens with a part of the region (各镇…, 自创区…): cached per sentence."""
    c = cues()
    lead = sent.lstrip()
    return bool(c["subunit_start"].search(lead) or c["subunit_any"].match(lead))


def _subunit(sent: str, it: _Item) -> bool:
    c = cues()
    if c["subunit_after"].search(sent[it.q.end : it.q.end + 8]):
        return True
    if _lead_is_subunit(sent):
        return True
    clause = sent[it.clause_start : it.q.start].lstrip()
    return bool(c["subunit_start"].search(clause) or c["subunit_any"].search(clause))


def _to_figure(
    doc_id: str,
    text: str,
    st: _Sent,
    sentence: str,
    it: _Item,
    items: list[_Item],
    meta: DocMeta,
    inherited: tuple[str | None, int | None] = (None, None),
) -> Figure:
    c = cues()
    q = it.q
    sent = st.text
    s = st.start
    section = it.section
    ind = it.indicator if not it.growth else None
    notes = [n for n in it.notes if n != "attached"]
    year = inherited[1] or section.year  # a 其中 sentence continues the one before it
    period = inherited[0] or section.period
    span = section.span
    span_m = st.last_before(st.spans, q.start)  # the last span cue before
    if span_m is not None:
        span = _fyp_span(span_m.group(1))
        year = span[1]
    since = st.last_before(st.since, q.start)
    if since is not None and span_m is None and section.year and int(since.group(1)) < section.year:
        span = (int(since.group(1)), section.year)  # 2021年以来新增294家: a sum up to now
        year = section.year
    explicit = None if since is not None else st.year_before(q.start, it.group_start)
    if explicit is not None:
        year = explicit
    if span is not None:
        is_stock = ind.stock if ind else False
        period = "FY" if is_stock else f"{span[0]}-{span[1]}"
        year = span[1]
    cue_period = None  # the period a cue before the figure sets, read once per figure
    if span is None and st.period_hint:
        cue_period, cue_year = _sentence_period(sent, q.start, None)
        period = cue_period or period
        if cue_year is not None and explicit is None:
            year = cue_year
    own = _own_cues(it.own)
    kind = "actual"
    if section.kind == "plan":
        kind = "target"
    elif st.estimate and (_estimate_scope(sent, it) or own.estimate):
        kind = "estimate"
    elif not it.growth and (own.goal_ref
                            or (st.target_verb
                                and c["target_verb"].search(sent, it.group_start, q.start))):
        kind = "target"
    if kind == "target" and span is None and cue_period is None:
        period = "FY"  # a goal is for the whole year, even in a half-year report
    qualifier = it.qualifier
    if qualifier != "range":
        after = _after_qualifier(sent[q.end : q.end + 3])
        if own.more_before or after == ">":
            qualifier = ">"
        elif own.about_before or after == "~":
            qualifier = "~"
    metric_id = ind.metric_id if ind else ""
    if ind:
        if _subunit(sent, it):
            notes.append("figure for a part of the region")
            metric_id = ""
        if own.comparator:
            notes.append("a comparator: the province's or country's figure")
            metric_id = ""
        if ind.batched:
            prev_clause = st.mark_before(st.clause, it.group_start, max(it.clause_start - 1, 0))
            since_prev = items[it.idx - 1].q.end if it.idx else 0  # a batch cue: next figure only
            if _BATCH.search(sent, max(prev_clause, since_prev), q.start):
                notes.append("one batch of designations, not the year's count")
                metric_id = ""
        if own.subset or c["subset"].search(it.phrase):
            parent = next(
                (p for p in reversed(items[: it.idx]) if not p.growth and p.indicator), None
            )
            if parent and parent.indicator and parent.indicator.metric_id == ind.metric_id:
                notes.append("part of the figure before it (其中)")
                metric_id = ""
    phrase = it.phrase or _strip_joiners(it.own)
    start = s + q.start
    end = s + q.end
    return Figure(  # positional, in Figure's field order: one figure per number in a corpus
        doc_id,
        metric_id,
        taxonomy.get_indicator(metric_id).name_zh if metric_id else "",
        taxonomy.indicator_phrase(phrase),
        q.value,
        it.unit or q.unit,
        it.yoy,
        qualifier,
        year,
        period or "FY",
        kind,
        sentence,
        start,
        end,
        text[start:end],
        meta.region,
        q.value_high,
        "; ".join(notes),
    )


def _dedupe(figures: list[Figure]) -> list[Figure]:
    """A figure stated twice is one row (the first, with a yoy if any statement has one)."""
    seen: dict[tuple, Figure] = {}
    out = []
    for f in figures:
        if not f.metric_id:
            out.append(f)
            continue
        key = (f.metric_id, f.unit, f.value, f.year, f.period, f.kind)
        if key in seen:
            first = seen[key]
            if first.yoy_pct is None and f.yoy_pct is not None:
                first.yoy_pct = f.yoy_pct
            continue
        seen[key] = f
        out.append(f)
    return out
