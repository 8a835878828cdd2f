"""Figures in a prepared report: each quantity with its indicator, yoy, year, period, kind.

Reads a :class:`~analysis.text.document.Document` (text, shadow, sentences) and the
document's :class:`~analysis.models.DocMeta`; adds one :class:`~analysis.models.Figure`
per stated quantity. Phrases are completed and growth rates attached in ``phrases``.
"""

from __future__ import annotations

import csv
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import NamedTuple

from .. import taxonomy
from ..config import PACKAGE_DATA
from ..models import DocMeta, Figure
from ..numbers import (
    Quantity,
    listed_before,
    plausible_yoy,
    quantity_from_match,
    quantity_regex,
)
from ..text.document import Document, prepare_text
from ..text.lexicon import level_regex
from ..text.sections import Section, fyp_span, section_at
from .cues import CLAUSE_MARKS, GROUP_MARKS, cues, last_mark, strip_joiners
from .periods import (
    PERIOD_HINT,
    SINCE_YEAR,
    YEAR_CUE,
    last_year_cue,
    sentence_period,
    sentence_year,
    year_cues,
)


@dataclass(eq=False, slots=True)  # eq=False: items are found by identity, not by value
class Mention:
    q: Quantity
    own: str  # the text between the previous quantity (or clause mark) and this one
    clause_start: int
    group_start: int
    growth: bool = False
    phrase: str = ""  # completed indicator phrase (simplified)
    indicator: taxonomy.Indicator | None = None
    yoy: float | None = None
    flags: list[str] = field(default_factory=list)  # codes of data/figure_flags.csv
    attached: bool = False  # a growth rate given to the figure it qualifies
    qualifier: str = ""
    unit: str = ""
    in_span: bool = False  # inside a Five-Year-Plan review, where 累计 means "over the span"
    borrowed: bool = False  # the phrase was completed from the figure or clause before it
    section: Section | None = None
    idx: int = 0  # position in the sentence's items
    goal_after: bool = False  # named a goal after its value (6800亿元目标)
    series_year: int | None = None  # 2015-2018年…分别x、y、z、w: the year of this value
    since_fyp: int | None = None  # 较“十三五”末增加N家: new since the end of that plan (its last year)



_CLAUSE_RE = re.compile(f"[{CLAUSE_MARKS}]")
_STOP_RE = re.compile(f"[{CLAUSE_MARKS}。]")


class Sentence:
    """One sentence with the positions of its marks and cues, found once for all its figures.

    Why: a sentence holds several figures and each asks where its clause starts, which
    cues come before it and so on; scanning once per sentence and bisecting per figure
    keeps extraction close to the speed the text can be read.
    """

    __slots__ = ("text", "start", "end", "clause", "group", "stops", "spans", "since",
                 "ranges", "fyp_ends", "period_hint", "estimate", "target_verb", "years", "topic")

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
        self.since = list(SINCE_YEAR.finditer(text)) if "以来" in text else []
        self.ranges = [m for m in _YEAR_RANGE.finditer(text)
                       if (m.start() == 0 or text[m.start() - 1] in _RANGE_BEFORE)
                       and int(m.group("a")) < int(m.group("b"))] if "年" in text else []
        self.fyp_ends = list(_FYP_END.finditer(text)) if "五" in text else []
        self.period_hint = PERIOD_HINT.search(text) is not None
        self.estimate = c["estimate"].search(text) is not None
        self.target_verb = c["target_verb"].search(text) is not None
        self.years = year_cues(text) if "年" in text else ()
        self.topic = ""  # the sentence before, when it names a subject and states no figure

    def mark_before(self, marks: list[int], lo: int, hi: int) -> int:
        """Like :func:`last_mark`: one past the last mark in [lo, hi), else lo."""
        k = bisect_left(marks, hi) - 1
        if k >= 0 and marks[k] >= lo:
            return marks[k] + 1
        return lo

    def next_stop(self, pos: int) -> int:
        """The first clause mark or 。 at or after ``pos`` (the sentence's end if none)."""
        k = bisect_left(self.stops, pos)
        return self.stops[k] if k < len(self.stops) else len(self.text)

    def year_before(self, upto: int, lo: int) -> int | None:
        """:func:`sentence_year` for a figure at ``upto`` whose clause group starts at ``lo``."""
        return last_year_cue(self.years, lo, upto)

    def last_before(self, matches: list[re.Match[str]], pos: int) -> re.Match[str] | None:
        """The last of ``matches`` that ends at or before ``pos``."""
        found = None
        for m in matches:
            if m.end() > pos:
                break
            found = m
        return found


# Phrase helpers below are pure functions of short strings that recur across reports
# (发明专利申请, 技术合同成交额): cached, each costs a dictionary look-up after the first.
PHRASE_CACHE = 20_000
# A sentence without a figure this short (净增高企数创新高。) names the subject of the next.
TOPIC_CHARS = 30


@lru_cache(maxsize=PHRASE_CACHE)
def _is_bare(own: str) -> bool:
    """True when a phrase names no indicator by itself (授权, 总数达, 占GDP比重)."""
    core = cues()["strip"].sub("", cues()["year_on"].sub("", strip_joiners(own)))
    verb_only = bool(cues()["lead_verb"].fullmatch(taxonomy.LEADING_NOISE.sub("", core)))
    return (
        not core
        or bool(cues()["measure"].fullmatch(core))
        or verb_only  # 2021年净增15家: the subject is before
        or core.startswith("占")
        or bool(_CHANGE_TO.match(core))
        or bool(cues()["goal_ref"].search(core))
        or bool(_BASE_VALUE.fullmatch(core))
    )


@lru_cache(maxsize=PHRASE_CACHE)
def _head(phrase: str) -> str:
    """The noun part of a phrase, to prefix a bare phrase after it."""
    head = cues()["strip"].sub("", phrase)
    head = cues()["place_lead"].sub("", head)  # 沈北新区新增高企: the place is no noun
    head = cues()["lead_verb"].sub("", head)
    head = cues()["stage"].sub("", head)
    m = cues()["measure"].search(head)
    while m and m.start() > 0:
        head = head[: m.start()]
        m = cues()["measure"].search(head)
    head = taxonomy.LEADING_NOISE.sub("", head)  # 1-7月份申请专利: the date is no noun
    return cues()["measure_lead"].sub("", head)  # 申请专利 → 专利, so 授权 reads 专利授权


@lru_cache(maxsize=PHRASE_CACHE)
def _lead_verb(phrase: str) -> str:
    m = cues()["lead_verb"].match(cues()["strip"].sub("", phrase))
    return m.group(0) if m else ""


def _split_items(text: str) -> list[str]:
    return [p for p in re.split(r"[、和及与]", text) if p.strip()]


def _match(item: Mention, phrase: str, right: str) -> None:
    unit = item.unit
    probe = phrase.replace("累计", "") if item.in_span else phrase
    if _CHANGE_TO.search(probe):  # 产值从2020年的…增长到800亿元: the level it reached
        probe = _FROM_BASE.sub("", _CHANGE_TO.sub("", probe))
    probe = _YEAR_IN_PHRASE.sub("", probe)  # 产值2018年占…: a year is no part of the indicator
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
    sections = doc.sections.sections(meta)
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
            inherited = (sentence_period(before, len(before), None)[0] or inherited[0],
                         sentence_year(before, len(before)) or inherited[1])
        else:
            inherited = (None, None)
        topic = ""
        if prev is not None and prev[1] - prev[0] <= TOPIC_CHARS:
            i = bisect_left(starts, prev[0])
            if i == n or starts[i] >= prev[1]:  # it states no figure: 净增高企数创新高。
                topic = shadow[prev[0]:prev[1]].strip(" \n。；;，,")
        prev = (s, e)
        k = bisect_right(ends, s, k)  # the first match ending inside or after this sentence
        if k == n or starts[k] >= e:
            continue
        j = bisect_right(ends, e, k)  # the first match ending after it
        sent = shadow[s:e]
        if starts[k] < s or (j < n and starts[j] < e):
            # a match runs across the sentence's edge: read the sentence alone (its
            # look-behinds still see the text before it)
            qs = [q for x in quantity_regex().finditer(shadow, s, e)
                  if (q := quantity_from_match(x, s)) is not None]
        else:
            qs = [q for x in matches[k:j] if (q := quantity_from_match(x, s)) is not None]
        if "、" in sent:
            qs = [x for q in qs for x in (*listed_before(sent, q), q)]  # x、y、z亿元
        if qs:
            st = Sentence(sent, s, e)
            st.topic = topic
            figures.extend(_sentence_figures(doc_id, text, st, qs, sections, meta, inherited))
    return _dedupe(figures)


def _sentence_figures(
    doc_id: str, text: str, st: Sentence, qs: list[Quantity], sections: list[Section],
    meta: DocMeta, inherited: tuple[str | None, int | None] = (None, None),
) -> list[Figure]:
    sent = st.text
    s = st.start
    items: list[Mention] = []
    prev_end = 0
    prev: Mention | None = None
    for q in qs:
        clause_start = st.mark_before(st.clause, 0, q.start)
        group_start = st.mark_before(st.group, 0, q.start)
        own = sent[max(clause_start, prev_end) : q.start]
        if " " in own.rstrip():  # a heading run into the body: "(二)…发展 全市新增…"
            own = own.rstrip().rsplit(" ", 1)[-1] + own[len(own.rstrip()) :]
        sec = section_at(sections, s + q.start)
        item = Mention(
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
                and strip_joiners(own) == ""
                and prev.clause_start == clause_start
            ):
                item.growth = True
        items.append(item)
        prev = item
        prev_end = q.end

    _complete_phrases(items, st)
    _attach_growth(items, sent)
    for it in items:
        if (it.indicator and it.q.unit != "%" and _own_cues(it.own).change_by
                and it.since_fyp is None and not _count_on_last_year(it)):
            it.indicator = None  # 拥有量提高7件: a change, not the level
            it.flags.append("change_not_level")
    for it in items:
        if it.indicator and _SHARE_BASE.search(it.own) and sent[it.q.end:it.q.end + 1] in ")）":
            it.indicator = None  # 占规上企业的(312家)21.8%: the base of a share, in brackets
            it.flags.append("share_base")
    for k, it in enumerate(items):
        total = next((t for t in items[k + 1:] if t.indicator and t.group_start == it.group_start
                      and _TOTAL_OF_PARTS.match(strip_joiners(t.own))), None)
        if it.indicator and total is not None and total.indicator == it.indicator:
            it.indicator = None  # 入库1311家,公示1360家,共计2671家: a part of the total after it
            it.flags.append("part_of_total")
    for a, b in zip(items, items[1:], strict=False):
        # 首次突破11%达到11.72%: the first value is a threshold the second one passed
        if (a.indicator and b.clause_start == a.clause_start and _MORE_VERB.search(a.own[-3:])
                and _THEN_REACH.fullmatch(b.own.strip())):
            a.indicator = None
            a.flags.append("threshold")

    sentence = text[s : st.end].strip()
    out = []
    for it in items:
        if it.growth and it.yoy is None and it.attached:
            continue
        out.append(_to_figure(doc_id, text, st, sentence, it, items, meta, inherited))
    return out


def _complete_phrases(items: list[Mention], st: Sentence) -> None:
    c = cues()
    sent = st.text
    i = 0
    while i < len(items):
        it = items[i]
        if it.growth:
            i += 1
            continue
        right = sent[it.q.end : st.next_stop(it.q.end)]
        own = strip_joiners(it.own)
        group = [it]
        j = i + 1
        while (j < len(items) and not items[j].growth and strip_joiners(items[j].own) == ""
               and items[j].clause_start == it.clause_start):
            group.append(items[j])  # x、y after one phrase: values that share it
            j += 1
        if len(group) >= 2 and "分别" in own:
            _series_years(group, st)
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
        it.goal_after = bool(c["goal_after"].match(right))
        if it.q.dimension == "count" and _right_is_noun(right):
            # 新增29家市级孵化器: the number comes before the noun it counts
            phrase = (own + right) if own.rstrip().endswith("的") else _lead_verb(own) + right
        elif _is_bare(own) or (it.goal_after and not taxonomy.match_indicator(
                own, _per_capita(own, it.q.unit))):
            # 突破年度6800亿元目标: a goal restated for the subject before it
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
        if it.indicator is None and c["subset"].match(own):
            _inherit_measure(it, phrase, items[:i], right)
        if it.indicator is None and it.q.dimension == "count" and _level_only(phrase):
            # 众创空间47家,其中国家级12家、省级20家: the same platforms, of one level
            parent = next((p for p in reversed(items[:i]) if not p.growth and p.indicator), None)
            # core ids keep the answer keys' rule (a part of the figure is no figure)
            if (parent is not None and parent.indicator is not None and parent.indicator.stock
                    and not parent.indicator.core):
                it.indicator, it.phrase, it.unit = parent.indicator, phrase, parent.indicator.unit
        if (it.indicator is None and it.q.dimension == "count"
                and _GENERIC_FIRMS.fullmatch(cues()["strip"].sub("", strip_joiners(phrase)))):
            _name_the_firms(it, phrase, sent[: it.clause_start], st.topic, right)
        if it.indicator is None and _count_on_last_year(it):
            completed = _complete("新增", it, items[:i], st)  # 拥有量达到614家、比上年增加111家
            if completed:
                _match(it, "新增" + _head(completed), right)
        if (it.indicator is None and (since := _SINCE_SPAN_END.search(it.own))
                and _GROWN.search(it.own, since.end())):
            # 较“十三五”末增加210家: the new ones since the plan's end
            it.since_fyp = fyp_span(since.group("fyp"))[1]
            completed = _complete("新增", it, items[:i], st)
            if completed:
                _match(it, "新增" + _head(completed), right)
                if it.indicator is None:
                    it.since_fyp = None
        i += 1


# 新认定企业, 通过认定的企业: a recognition verb and 企业 alone, with no kind of firm named
_GENERIC_FIRMS = re.compile(r"(?:全年|今年|当年)?(?:新|首次)?(?:通过)?(?:认定|备案|评价入库|入库)(?:的)?企业(?:数)?")


def _count_on_last_year(it: Mention) -> bool:
    """比上年增加111家 after a count of firms or platforms: the new ones, not a change."""
    return it.q.dimension == "count" and bool(cues()["year_on"].match(strip_joiners(it.own)))


def _series_years(group: list[Mention], st: Sentence) -> None:
    """2015-2018年,R&D经费投入分别29.92、29.64、33.57、30.75亿元: as many values as the
    span before them has years, so each is one year's figure, in order."""
    first = group[0]
    span = next((m for m in reversed(st.ranges) if m.end() <= first.q.start), None)
    if span is None:
        return
    a, b = int(span.group("a")), int(span.group("b"))
    if b - a + 1 == len(group):
        for k, g in enumerate(group):
            g.series_year = a + k


def _other_bureau(clause: str, meta: DocMeta) -> bool:
    """The clause's subject is the bureau of a place that is not the report's own, nor its
    parent city or province (a partner city's 科技局): the figure is that place's."""
    m = cues()["other_bureau"].search(clause)
    if m is None or not meta.region:
        return False
    place = m.group("place")
    own = [x for x in (meta.region, meta.parent_city, meta.province) if x]
    return not any(place in x or x in place or place[:-1] and x.startswith(place[:-1])
                   for x in own)


def _level_only(phrase: str) -> bool:
    """其中国家级, 省级: a phrase that names a level and nothing else."""
    core = cues()["strip"].sub("", strip_joiners(phrase)).replace("其中", "")
    return bool(core) and level_regex().fullmatch(core) is not None


def _name_the_firms(it: Mention, phrase: str, before: str, topic: str, right: str) -> None:
    """新认定企业36家 after 高新技术企业认定工作: 企业 alone means the kind of firm named
    before it in the sentence (or in the subject sentence before)."""
    found = list(cues()["firm_noun"].finditer(before)) or list(cues()["firm_noun"].finditer(topic))
    if not found or cues()["firm_noun"].search(phrase):
        return
    candidate = phrase.replace("企业", found[-1].group(0), 1)
    if taxonomy.match_indicator(candidate, _per_capita(candidate, it.q.unit)):
        _match(it, candidate, right)


def _inherit_measure(it: Mention, phrase: str, before: list[Mention], right: str) -> None:
    """申请专利1200件，其中发明专利300件: a sub-item names its noun only and takes the
    measure (申请, 授权 …) of the figure it is part of."""
    parent = next((p for p in reversed(before) if not p.growth and p.indicator), None)
    if parent is None:
        return
    measures = _PARENT_MEASURE.findall(parent.phrase)  # the last: 新增专利授权 → 授权
    if not measures:
        return
    candidate = phrase + measures[-1]
    if taxonomy.match_indicator(candidate, _per_capita(candidate, it.q.unit)):
        it.unit = _per_capita(candidate, it.q.unit)
        _match(it, candidate, right)


_PER_10K = re.compile(r"万(?:人|人口|名)")
_TWO_HAN = re.compile(r"[\u4e00-\u9fff]{2}")
_NOT_A_NOUN = re.compile(r"的|以上|左右|上下|多|余|以内|之间|次|人次|增长|增加|提高|提升|上升|下降|减少|降低|到|至|达")
_MORE_BEFORE = re.compile(r"(?:超过|超出|超|突破|逾|多于|高于)$")
_MORE_AFTER = re.compile(r"以上|多")
_ABOUT_BEFORE = re.compile(r"(?:将近|接近|大约|近|约)$")
_ABOUT_AFTER = re.compile(r"左右|上下")
_STOCK_WORDS = re.compile(r"总数|总量|累计|达到|拥有|共有|共计|有效期内")
_MEASURE_NOUN = re.compile(r"强度|比重|占比|比例|总额|总量|总数|数量|产值|增加值|成交额|交易额")


def _right_is_noun(right: str) -> bool:
    return bool(_TWO_HAN.match(right)) and not _NOT_A_NOUN.match(right)


def _complete(own: str, it: Mention, before: list[Mention], st: Sentence) -> str | None:
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
    # 产值50亿元；实现增加值12亿元: the subject of an earlier group, then the sentence before
    core = c["strip"].sub("", strip_joiners(own))
    last = next((p for p in reversed(before) if not p.growth), None)
    if (last is not None and last.indicator and last.group_start != it.group_start
            and (c["measure"].fullmatch(core) or core.startswith("占"))):
        bases.append(last.phrase)  # only a bare measure or share (实现增加值；占…) borrows across groups
    if st.topic:
        bases.append(st.topic)
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
    head = cues()["place_lead"].sub("", head)
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
    tail = strip_joiners(own)[-4:]
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


_SINCE_SPAN_END = re.compile(r"[比较][“\"]?十(?P<fyp>[一二三四五])五[”\"]?(?:末|期末)")  # not a yoy change
_YEAR_IN_PHRASE = re.compile(r"(?<=[\u4e00-\u9fff])(?:19|20)\d\d年(?:度)?(?=[\u4e00-\u9fff])")
_GROWN = re.compile(r"增加|新增|净增|增长")  # 较“十三五”末增加210家
_CHANGE_TO = re.compile(r"(?:提高|提升|增加|增长|上升|下降|降低|减少)(?:到|至)")  # 从A提高到B
# 占全省61家的80%, 占全省高新技术产值的49%: the province's or country's figure, or a
# share of it
_COMPARATOR = re.compile(r"(?:占|比)?全(?:省|国)(?:的|共|共有)?$|(?:占|相当于)全(?:省|国)[^，。；,;]{0,14}$")
# 从2020年的, 由“十三五”末的: the base a from-to statement starts from
_FROM_BASE = re.compile(r"[从由](?:20\d\d年(?:底|末)?|[“\"]?十[一二三四五]五[”\"]?(?:末|期末))?的?")
_FROM = re.compile(r"[从由]")  # opens a from-to statement (从500亿元增长到800亿元)
_SHARE_BASE = re.compile(r"占[^，。；,;]{0,12}的?[(（]$")  # 占规上企业的(312家)
_TOTAL_OF_PARTS = re.compile(r"(?:共计|合计|总计|共)")  # 共计2671家 after its parts
# 是2007年1080亿元: the value of a base year the figure before it is compared with
_BASE_VALUE = re.compile(r"(?:是|相当于)?(20\d\d)年(?:的)?")
_PARENT_MEASURE = re.compile(r"申请|授权|申报|受理|登记|认定|新增")
# 2021年至2022年, 2016-2020年: a span of years at a clause's start dates a sum over it
_YEAR_RANGE = re.compile(r"(?P<a>20\d\d)\s*年?\s*(?:至|到|-|—|–|~)\s*(?P<b>20\d\d)\s*年(?:度)?(?:间|期间)?")
_RANGE_BEFORE = "，,；;：:“\"(（ \n"
# 十三五末: a stock at the end of a Five-Year Plan
_FYP_END = re.compile(r"十([一二三四五])五[”\"]?(?:末|期末)")
_BATCH = re.compile(r"第[一二三四五六七八九十\d]+批")
_CHANGE_BY = re.compile(r"(?:提高|增加|增长|提升|减少|下降|降低)了?$")
_THEN_REACH = re.compile(r"达到|达|为|至")
_MORE_VERB = re.compile(r"突破|超过|超")
_SHARED_VERB = re.compile(r"(?:分别)?(?:达到|达|为|突破|超过|实现|完成|共计|共)\s*$")


def _pair_names(own: str, group: list[Mention], before: list[Mention]) -> tuple[list[str], str] | None:
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


def _attach_growth(items: list[Mention], sent: str) -> None:
    c = cues()
    i = 0
    while i < len(items):
        it = items[i]
        if not it.growth:
            i += 1
            continue
        group = [it]
        j = i + 1
        while j < len(items) and items[j].growth and strip_joiners(items[j].own) == "":
            group.append(items[j])
            j += 1
        own = it.own.rstrip()
        sign = -1.0 if c["negative"].search(own[-6:]) else 1.0
        since_span = bool(_SINCE_SPAN_END.search(own))
        average = bool(c["average"].search(own)) or since_span
        m = c["growth"].search(own)
        subject = own[: m.start()] if m else own
        subject = re.sub(r"同比|比上年|较上年|分别|均|同期|[比较][^，。；,;]{0,12}|"
                         r"(?:与|和|同)(?:20\d\d年|上年|去年|上一年)(?:同期)?相?", "", subject)
        subject = strip_joiners(subject)
        candidates = [
            p
            for p in items[:i]
            if not p.growth
            and p.yoy is None
            and p.group_start == it.group_start
            and p.unit not in {"%", "百分点"}
            and not _CHANGE_BY.search(p.own)  # 增长238.88亿元,提高65.82%: the change, not the level
        ]
        targets: list[Mention] = []
        if not average:
            if not subject:
                if len(candidates) >= len(group):
                    targets = candidates[-len(group) :]
            else:
                key = re.sub(r"[量数额]$", "", subject)
                hit = [p for p in candidates if key and key in p.phrase]
                if hit and len(group) == 1:
                    targets = hit[-1:]
            nxt = items[j] if j < len(items) else None
            if (not targets and len(group) == 1 and nxt is not None and not nxt.growth
                    and nxt.yoy is None and nxt.group_start == it.group_start
                    and _THEN_REACH.fullmatch(strip_joiners(nxt.own).strip())
                    and (not subject or re.sub(r"[量数额]$", "", subject) in nxt.phrase)):
                targets = [nxt]  # 成交额同比增长25%,达到10亿元: the level after its growth
        for g, t in zip(group, targets, strict=False):
            if sign < 0 and g.q.value < 0:  # 下降-5%: which way it went is not clear
                g.flags.append("sign_unclear")
                continue
            yoy = sign * g.q.value * (100 if g.q.unit == "倍" else 1)  # 增长2.8倍 = +280%
            g.attached = True
            if not plausible_yoy(yoy):
                t.flags.append("yoy_implausible")  # 增长2583%: a badly split sentence, dropped
                continue
            t.yoy = yoy
        for g in group:
            if not g.attached:
                g.flags.append("growth_since_fyp" if since_span
                               else "average_growth" if average else "growth_only")
                g.phrase = strip_joiners(own)
        i = j


def _estimate_scope(sent: str, it: Mention) -> bool:
    """预计 at a sentence's start covers the sentence; elsewhere its own clause and the
    clauses that continue its subject (预计研发投入185亿元,占GDP比例2.35%)."""
    c = cues()
    pos = it.q.start
    for m in c["estimate"].finditer(sent, 0, pos):
        lead = sent[: m.start()].strip(" ，,")
        if not lead or re.fullmatch(r"20\d\d年度?|同时|此外|另外", lead):
            # …until a clause opens with a year of its own (预计全年…,2017年我县新增…)
            return not any(m.end() < start and end <= pos for start, end, _ in year_cues(sent))
        if m.start() >= it.clause_start:
            return True
        if it.borrowed and it.group_start <= m.start():
            return True
        if it.group_start <= m.start() and _same_subject(sent, _clause_start(sent, m.start()),
                                                         m.start(), it.own):
            return True  # 预计研发支出397亿元,研发投入强度达到1.95%: the same subject goes on
    return False


def _clause_start(sent: str, pos: int) -> int:
    """Where the clause holding ``pos`` starts."""
    return last_mark(sent, 0, pos, CLAUSE_MARKS)


_SUBJECT_NOISE = re.compile(r"^(?:全社会|全市|全区|全县|我市|我区|我县|全年)")


def _same_subject(sent: str, lo: int, hi: int, own: str) -> bool:
    """The forecast clause's subject (sent[lo:hi]) and a later figure's phrase open with
    the same noun of at least two characters."""
    subject = _SUBJECT_NOISE.sub("", sent[lo:hi].strip())
    phrase = _SUBJECT_NOISE.sub("", cues()["strip"].sub("", strip_joiners(own)))
    n = 0
    while n < min(len(subject), len(phrase)) and subject[n] == phrase[n]:
        n += 1
    return n >= 2 and bool(_TWO_HAN.match(subject[:n]))


@lru_cache(maxsize=512)
def _lead_is_subunit(sent: str) -> bool:
    """The sentence opens with a part of the region (各镇…, 自创区…): cached per sentence."""
    c = cues()
    lead = sent.lstrip()
    return bool(c["subunit_start"].search(lead) or c["subunit_any"].match(lead))


def _subunit(sent: str, it: Mention) -> bool:
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
    st: Sentence,
    sentence: str,
    it: Mention,
    items: list[Mention],
    meta: DocMeta,
    inherited: tuple[str | None, int | None] = (None, None),
) -> Figure:
    c = cues()
    q = it.q
    sent = st.text
    s = st.start
    section = it.section
    ind = it.indicator if not it.growth else None
    flags = list(it.flags)
    year = inherited[1] or section.year  # a 其中 sentence continues the one before it
    period = inherited[0] or section.period
    span = section.span
    span_m = st.last_before(st.spans, q.start)  # the last span cue before
    if span_m is not None:
        span = fyp_span(span_m.group(1))
        year = span[1]
    since = st.last_before(st.since, q.start)
    if since is not None and span_m is None and section.year and int(since.group(1)) < section.year:
        span = (int(since.group(1)), section.year)  # 2021年以来新增294家: a sum up to now
        year = section.year
    range_m = st.last_before(st.ranges, q.start)
    if range_m is not None and range_m.start() >= it.group_start and span_m is None:
        span = (int(range_m.group("a")), int(range_m.group("b")))  # 2021年至2022年,新认定…
    explicit = None if since is not None else st.year_before(q.start, it.group_start)
    fyp_end = st.last_before(st.fyp_ends, q.start)
    if fyp_end is not None and fyp_end.start() >= it.group_start and span is None:
        explicit = fyp_span(fyp_end.group(1))[1]  # 由“十三五”末的120家: the plan's last year
    if (base := _BASE_VALUE.fullmatch(strip_joiners(it.own))) is not None:
        explicit = int(base.group(1))  # 是2007年1080亿元
    change = _CHANGE_TO.search(it.own)
    prev_own = items[it.idx - 1].own if it.idx and items[it.idx - 1].clause_start == it.clause_start else ""
    from_to = change is not None and (_FROM.search(it.own, 0, change.start()) or _FROM.search(prev_own))
    if explicit is not None and from_to and not YEAR_CUE.search(it.own, change.end()):
        explicit = None  # 从2020年的500亿元增长到800亿元: the year dates the first value only
        year = section.year
    if explicit is not None:
        year = explicit
    if it.series_year is not None:
        span, year, explicit = None, it.series_year, it.series_year
    if it.since_fyp is not None and section.year and section.year > it.since_fyp:
        span = (it.since_fyp + 1, section.year)  # 较“十三五”末增加210家: new over the years since
    if span is not None:
        is_stock = ind.stock if ind else False
        period = "FY" if is_stock else f"{span[0]}-{span[1]}"
        year = span[1]
    cue_period = None  # the period a cue before the figure sets, read once per figure
    if span is None and st.period_hint:
        cue_period, cue_year = sentence_period(sent, q.start, None)
        period = cue_period or period
        if cue_year is not None and explicit is None:
            year = cue_year
    own = _own_cues(it.own)
    kind = "actual"
    if section.kind == "plan" or (it.goal_after and not it.growth):
        kind = "target"
    elif st.estimate and (_estimate_scope(sent, it) or own.estimate):
        kind = "estimate"
    elif not it.growth and (own.goal_ref
                            or (st.target_verb
                                and c["target_verb"].search(sent, it.group_start, q.start))):
        kind = "target"
    elif (not it.growth and span is None and year is not None and section.year is not None
          and year > section.year and _future_year(sent, it.group_start, q.start) == year):
        kind = "target"  # 到2025年底…达到800家 in a 2023 summary: a goal, not a result
    if (kind == "target" and section.kind == "plan" and explicit is not None and section.year
            and explicit < section.year and not own.goal_ref and not it.goal_after
            and not (st.target_verb and c["target_verb"].search(sent, it.group_start, q.start))):
        kind = "actual"  # 2019年总数达120家 in a 2021 plan: a past result it recalls
    completion = q.unit == "%" and c["completion"].search(it.own) is not None
    if completion:
        kind = "actual"  # 完成年度任务的107%: how much of the goal was met, a result
        flags.append("completion_rate")
    if kind == "target" and span is None and (cue_period is None or it.goal_after):
        period = "FY"  # a goal is for the whole year, even in a half-year report
    qualifier = it.qualifier
    if qualifier != "range":
        after = _after_qualifier(sent[q.end : q.end + 3])
        if own.more_before or after == ">":
            qualifier = ">"
        elif own.about_before or after == "~":
            qualifier = "~"
    metric_id = ind.metric_id if ind and not completion else ""
    if ind and not completion:
        if _subunit(sent, it):
            flags.append("subunit")
            metric_id = ""
        if own.comparator:
            flags.append("comparator")
            metric_id = ""
        if _other_bureau(sent[it.clause_start:q.start], meta):
            flags.append("other_place")
            metric_id = ""
        if ind.batched:
            prev_clause = st.mark_before(st.clause, it.group_start, max(it.clause_start - 1, 0))
            since_prev = items[it.idx - 1].q.end if it.idx else 0  # a batch cue: next figure only
            if _BATCH.search(sent, max(prev_clause, since_prev), q.start):
                flags.append("batch")
                metric_id = ""
        if own.subset or c["subset"].search(it.phrase):
            parent = next(
                (p for p in reversed(items[: it.idx]) if not p.growth and p.indicator), None
            )
            if (parent and parent.indicator and parent.indicator.metric_id == ind.metric_id
                    and (ind.core or _platform_level(it.own) == _platform_level(parent.own))):
                flags.append("subset")
                metric_id = ""
    phrase = it.phrase or strip_joiners(it.own)
    start = s + q.start
    end = s + q.end
    return Figure(
        doc_id=doc_id,
        metric_id=metric_id,
        metric_name=taxonomy.get_indicator(metric_id).name_zh if metric_id else "",
        indicator=taxonomy.indicator_phrase(phrase),
        value=q.value,
        unit=it.unit or q.unit,
        yoy_pct=it.yoy,
        qualifier=qualifier,
        year=year,
        period=period or "FY",
        kind=kind,
        sentence=sentence,
        char_start=start,
        char_end=end,
        raw=text[start:end],
        region=meta.region,
        value_high=q.value_high,
        note="; ".join(flag_notes()[f] for f in flags),
        flags=tuple(flags),
        level=_platform_level(it.own) if q.dimension == "count" else "",
    )


@cache
def flag_notes() -> dict[str, str]:
    """Flag code → the words of the ``note`` column (``data/figure_flags.csv``, checked)."""
    path = PACKAGE_DATA / "figure_flags.csv"
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    out = {r["code"]: r["note"] for r in rows if r["code"] and r["note"]}
    if len(out) != len(rows):
        raise ValueError(f"{path.name}: every row needs a unique code and a note")
    return out


def _platform_level(own: str) -> str:
    """national, provincial … when the words right before a count name the level of what
    it counts (新认定国家级众创空间12家), so that 47 maker spaces of every level are never
    compared with 12 national ones; "" when they name none."""
    found = ""
    for m in level_regex().finditer(own):
        found = m.lastgroup or ""
    return found


# 到2025年(底): a date ahead that the figure is to be reached by; not the end of a change
# (增长至2023年的4.04件) nor of a from-to (由2021年…至2023年).
_FUTURE_YEAR = re.compile(r"(?<![长高升加截止])(?:到|至)(20\d\d)年(?:底|末)?")


def _future_year(sent: str, lo: int, hi: int) -> int | None:
    """The year a 到YYYY年 cue in sent[lo:hi] names, unless the clause is a from-to."""
    found = None
    for m in _FUTURE_YEAR.finditer(sent, lo, hi):
        if not re.search(r"[由从]", sent[lo : m.start()]):
            found = int(m.group(1))
    return found


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

