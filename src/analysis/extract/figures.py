"""Figures in a prepared report: each quantity with its indicator, yoy, year, period, kind.

Reads a :class:`~analysis.text.document.Document` (text, shadow, sentences) and the
document's :class:`~analysis.models.DocMeta`; adds one :class:`~analysis.models.Figure`
per stated quantity. Phrases are completed and growth rates attached in ``phrases``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from typing import NamedTuple

from .. import gazetteer, taxonomy
from ..models import DocMeta, Figure
from ..numbers import (
    Quantity,
    listed_before,
    parse_chinese_numeral,
    plausible_yoy,
    quantity_from_match,
    quantity_regex,
)
from ..text.dating import so_far_months
from ..text.document import Document, prepare_text
from ..text.lexicon import level_regex, load_lexicon, period_of_months
from ..text.sections import Section, fyp_span, section_at
from .cues import (
    CLAUSE_MARKS,
    GROUP_MARKS,
    cues,
    flag_notes,
    last_mark,
    platform_level,
    strip_joiners,
    strip_words,
)
from .grid import grid_figures, task_sections
from .periods import (
    PERIOD_CUES,
    PERIOD_HINT,
    RECENT_YEARS,
    SINCE_YEAR,
    YEAR_CUE,
    last_period_cue_end,
    last_year_cue,
    recent_years,
    sentence_period,
    sentence_year,
    year_cues,
)


@dataclass(eq=False, slots=True)  # eq=False: items are found by identity, not by value
class Mention:
    q: Quantity
    lead_in: str  # the text between the previous quantity (or clause mark) and this one
    clause_start: int
    group_start: int
    growth: bool = False
    phrase: str = ""  # completed indicator phrase (simplified)
    indicator: taxonomy.Indicator | None = None
    yoy: float | None = None
    flags: list[str] = field(default_factory=list)  # codes of data/figure_flags.csv
    attached: bool = False  # a growth rate given to the figure it qualifies
    times: bool = False  # 是上年的3倍: a multiple of last year's value, +200 %
    qualifier: str = ""
    unit: str = ""
    in_span: bool = False  # inside a Five-Year-Plan review, where 累计 means "over the span"
    borrowed: bool = False  # the phrase was completed from the figure or clause before it
    section: Section | None = None
    idx: int = 0  # position in the sentence's items
    goal_after: bool = False  # named a goal after its value (6800亿元目标)
    series_year: int | None = None  # 2015-2018年…分别x、y、z、w: the year of this value
    since_fyp: int | None = None  # 较“十三五”末增加N家: new since the end of that plan (its last year)
    own_part: bool = False  # 全市…850家,其中我区120家: the region's own share of a wider figure


# the comma of a thousands group (3,620件): inside a number, no clause mark
_DIGIT_GROUP = r"(?<=\d),\d{3}(?!\d)"
# a clause mark: where a clause ends
_CLAUSE_RE = re.compile(f"(?!{_DIGIT_GROUP})[{CLAUSE_MARKS}]")
# a clause mark or 。: where an indicator phrase stops
_STOP_RE = re.compile(f"(?!{_DIGIT_GROUP})[{CLAUSE_MARKS}。]")
# 2021年至2022年, 2016-2020年: a span of years at a clause's start dates a sum over it
_YEAR_RANGE = re.compile(r"(?P<a>20\d\d)\s*年?\s*(?:至|到|-|—|–|~)\s*(?P<b>20\d\d)\s*年(?:度)?(?:间|期间)?")
# the marks a span of years (2016-2020年) may follow at a clause's start
_RANGE_BEFORE = "，,；;：:“\"(（ \n"
# 十三五末: a stock at the end of a Five-Year Plan
_FYP_END = re.compile(r"十([一二三四五])五[”\"]?(?:末|期末)")


class Sentence:
    """One sentence with the positions of its marks and cues, found once for all its figures.

    Why: a sentence holds several figures and each asks where its clause starts, which
    cues come before it and so on; scanning once per sentence and bisecting per figure
    keeps extraction close to the speed the text can be read.
    """

    __slots__ = ("text", "start", "end", "clause", "group", "stops", "spans", "since", "recent",
                 "ranges", "fyp_ends", "period_hint", "estimate", "target_verb", "years", "topic",
                 "parent", "written", "news_date", "para_span")

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
        self.recent = list(RECENT_YEARS.finditer(text)) if "年" in text else []
        self.ranges = [m for m in _YEAR_RANGE.finditer(text)
                       if (m.start() == 0 or text[m.start() - 1] in _RANGE_BEFORE)
                       and int(m.group("a")) < int(m.group("b"))] if "年" in text else []
        self.fyp_ends = list(_FYP_END.finditer(text)) if "五" in text else []
        self.period_hint = PERIOD_HINT.search(text) is not None
        self.estimate = c["estimate"].search(text) is not None
        self.target_verb = c["target_verb"].search(text) is not None
        self.years = year_cues(text) if "年" in text else ()
        self.written: int | None = None  # the year the page was written (Document.written)
        self.news_date: tuple[int, int, int] | None = None  # a news item's date (Document.news_date)
        self.topic = ""  # the sentence before, when it names a subject and states no figure
        self.parent = ""  # 其中 opening the sentence: the last figure's phrase before it
        self.para_span: re.Match[str] | None = None  # a span cue earlier in its paragraph

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


# A share's words closing a phrase (经费投入占比, 支出占GDP比重达): what is left names its level.
_SHARE_TAIL = re.compile(r"(?:占比|占[^，。；,;]{0,12}?比重|比重)(?:达到|达|为)?\s*$")
# A goal verb and nothing else (力争突破, 确保达到): no noun of its own.
_GOAL_ONLY = re.compile(r"(?:要|将)?(?:力争|确保|争取)(?:全年)?(?:突破|超过|达到|达|实现|完成)")
# A phrase that opens with a share (占…, 累计占…比重为): the share of a subject named before it.
_SHARE_OPENS = re.compile(r"(?:累计|合计|共|已|均|分别)?占")
# A change to a level after a year and a modal (2020年要增长到, 将提高至): no noun of its own.
_MODAL_CHANGE_TO = re.compile(r"(?:将|要|力争|确保|预计)?\s*(?:大幅|稳步|快速|持续|显著)?"
                              r"(?:提高|提升|增加|增长|上升|跃升|攀升)(?:到|至)$")


@lru_cache(maxsize=PHRASE_CACHE)
def _goal_verb_only(lead_in: str) -> bool:
    """力争达到, 力争2024年末达到: a goal verb and perhaps its year, no noun of its own."""
    return _GOAL_ONLY.fullmatch(_YEAR_WORD.sub("", strip_joiners(lead_in)).strip()) is not None


def _is_bare(lead_in: str) -> bool:
    """True when a phrase names no indicator by itself (授权, 总数达, 占GDP比重)."""
    core = strip_words(cues()["year_on"].sub("", strip_joiners(lead_in)))
    plain = taxonomy.LEADING_NOISE.sub("", core)
    verb_only = bool(cues()["lead_verb"].fullmatch(plain))
    return (
        not core
        or bool(cues()["measure"].fullmatch(core))
        or verb_only  # 2021年净增15家: the subject is before
        or bool(_SHARE_OPENS.match(core))
        or bool(cues()["change_to"].match(core))
        or bool(_MODAL_CHANGE_TO.match(plain))  # 2020年要增长到1200家: the subject is before
        or bool(_GOAL_ONLY.fullmatch(plain))  # 2024年力争突破20亿元: a goal verb, no noun
        or _goal_verb_only(lead_in)  # 力争2024年末达到360家
        or bool(cues()["goal_ref"].search(core))
        or bool(_BASE_VALUE.fullmatch(core))
    )


@lru_cache(maxsize=PHRASE_CACHE)
def _head(phrase: str) -> str:
    """The noun part of a phrase, to prefix a bare phrase after it."""
    head = strip_words(phrase)
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
    m = cues()["lead_verb"].match(strip_words(phrase))
    return m.group(0) if m else ""


@lru_cache(maxsize=PHRASE_CACHE)
def _verb_at_end(phrase: str) -> str:
    """The count verb right before a number (2021年莆田新增90家…): what the number counts."""
    m = cues()["count_verb_end"].search(phrase)
    return m.group(1) if m else ""


def _split_items(text: str) -> list[str]:
    return [p for p in re.split(r"[、和及与]", text) if p.strip()]


# 产值2018年占…: a year inside a phrase, which is no part of the indicator
_YEAR_IN_PHRASE = re.compile(r"(?<=[\u4e00-\u9fff])(?:19|20)\d\d年(?:度)?(?=[\u4e00-\u9fff])")
# 从2020年的, 由“十三五”末的: the base a from-to statement starts from
_FROM_BASE = re.compile(r"[从由](?:20\d\d年(?:底|末)?|[“\"]?十[一二三四五]五[”\"]?(?:末|期末))?的?")


_CJK_BLANK = re.compile(r"(?<=[\u4e00-\u9fff]) +(?=[\u4e00-\u9fff])")  # a blank between two Chinese characters (a PDF split a word)


@lru_cache(maxsize=PHRASE_CACHE)
def _probe(phrase: str, in_span: bool) -> str:
    """What of a phrase names the indicator (cached: phrases recur, see above)."""
    probe = phrase.replace("累计", "") if in_span else phrase
    if cues()["change_to"].search(probe):  # 产值从2020年的…增长到800亿元: the level it reached
        probe = _FROM_BASE.sub("", cues()["change_to"].sub("", probe))
    if " " in probe:
        probe = _CJK_BLANK.sub("", probe)  # 占地 区生产总值: a PDF's blank inside a word
    return _YEAR_IN_PHRASE.sub("", probe)  # 产值2018年占…: a year is no part of the indicator


def _match(item: Mention, phrase: str, right: str) -> None:
    unit = item.unit
    ind = taxonomy.match_indicator(_probe(phrase, item.in_span), unit)
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


# the units of counts of things, which a rate per unit of GDP (每百亿元GDP…180件) is not
_COUNT_UNITS = frozenset({"件", "项", "家", "个"})
# the words joining two counted nouns under one verb (新认定35家众创空间和12家高企)
_AND_WORDS = ("和", "及", "与")
# what closes a counted noun before the next count (not 超1亿元的…企业: a number inside it)
_NOUN_JOINS = (*_AND_WORDS, "、")


def _per_capita(phrase: str, unit: str) -> str:
    if (unit in _COUNT_UNITS or unit == "人") and cues()["per_10k"].search(phrase):
        return f"{unit}/万人"
    return unit


def extract_figures(doc_id: str, text: str, meta: DocMeta) -> list[Figure]:
    """Every figure stated in a text already cleaned (tests, one string from Python)."""
    return find_figures(prepare_text(doc_id, text), meta)


# A sentence without a figure this short (净增高企数创新高。) names the subject of the next.
TOPIC_CHARS = 30
# a sentence's opening before its first figure, past a leading year (2017年净增21家 → 净增):
# a sentence opening on a year and a goal verb with a figure and no noun (2024年力争达到300家):
# it goes on with the subject of the sentence just before
_GOAL_OPENING = re.compile(r"\s*(?:(?:19|20)\d\d年(?:度|底|末)?|今年|明年|下一步)[,，]?\s*(?:要|将)?"
                           r"(?:力争|确保|争取|预计|计划)(?:全年)?(?:达到|突破|超过|实现|完成|增长到|提高到|增至|达)"
                           r"\s*(?:近|超|约)?\d")
# a sentence opening on the stock with no noun (截至年底,全县有效期内的总数达到121家): it goes on
# with the subject of the sentence just before, whose figure counted new ones of it
_STOCK_OPENING = re.compile(r"\s*(?:(?:截至|截止|到)?(?:年底|年末|目前)[,，]?\s*)?(?:全[市区县]|我[市区县])?"
                            r"(?:有效期内的?)?(?:总数|总量|存量|保有量)?(?:累计)?(?:达到|达|为|共有|共)\s*(?:近|超|约)?\d")
# sentences that open alike in a row share the subject of the first
_OPENING = re.compile(r"\s*(?:(?:19|20)\d\d年(?:度|底|末)?[,，]?)?(?P<lead>[\u4e00-\u9fff]{1,4})\d")


def find_figures(doc: Document, meta: DocMeta) -> list[Figure]:
    """Every figure stated in a prepared report, with indicator, year, period and kind.

    Reads the document's text, shadow and sentences, and the metadata's year, period
    and type; adds one :class:`Figure` per stated quantity.
    """
    doc_id, text, shadow = doc.doc_id, doc.text, doc.shadow
    sections = task_sections(shadow, doc.sections.sections(meta))  # a task table's goal cells
    figures: list[Figure] = []
    inherited: tuple[str | None, int | None] = (None, None)
    prev: tuple[int, int] | None = None
    carried = ("", "")  # the topic of the sentence before and its opening words
    parent = ""  # the phrase of the last figure of the sentence before (for 其中 sentences)
    parent_new = False  # whether that figure counted new ones (of a stock)
    parent_end: int | None = None  # where the sentence that set it ends
    growth_before: tuple[list[Figure], int] | None = None  # a sentence of growth rates only, its end
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
        opening = _OPENING.match(shadow, s, e)
        lead_words = opening.group("lead") if opening else ""
        if not topic and carried[0] and lead_words and lead_words == carried[1]:
            topic = carried[0]  # 。2016年净增12家,2017年净增21家。2018年净增32家: the same subject
        carried = (topic, lead_words) if topic else ("", "")
        if (not topic and parent and parent_end is not None and "\n" not in shadow[parent_end:s]
                and prev is not None and prev[1] == parent_end and (
                    _GOAL_OPENING.match(shadow, s, e) or (parent_new and _STOCK_OPENING.match(shadow, s, e)))):
            # 2023年全区高企达到256家。2024年力争达到300家: the same subject, a year on
            # (新认定高企35家。截至年底,全县有效期内的总数达到121家: the stock of the new ones)
            topic = parent
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
        qs = [q for q in qs if not _names_not_counts(sent, q)]
        if "番" in sent and qs:
            qs = _with_doublings(sent, qs)
        if qs:
            sentence = Sentence(sent, s, e)
            sentence.topic = topic
            sentence.written = doc.written[0] if doc.written else None
            sentence.news_date = doc.news_date
            if not sentence.spans:
                line = shadow.rfind("\n", 0, s) + 1
                if "五" in shadow[line:s]:
                    sentence.para_span = _last_match(cues()["span"], shadow, line, s)
            if inherited != (None, None) or shadow.startswith("其中", s):
                sentence.parent = parent
            found = _sentence_figures(doc_id, text, sentence, qs, sections, meta, inherited)
            if growth_before and growth_before[1] == s:
                found = _with_growth_before(found, growth_before[0])
            growth_before = ((found, e) if found and all("growth_only" in f.flags for f in found)
                             else None)
            figures.extend(found)
            last = next((f for f in reversed(found) if f.metric_id and f.unit != "%"), None)
            parent = last.indicator if last is not None else ""
            parent_new = last is not None and last.metric_id.endswith("_new")
            parent_end = e
    if "\n" in shadow and cues()["grid_name"].search(shadow):
        # an indicator table (指标 单位 2022年完成 2023年目标): its rows are read by column
        cells, spans = grid_figures(doc_id, text, shadow, sections, meta)
        if spans:  # the sentence reader's reading of a value cell gives way to the column's
            figures = [f for f in figures if not _in_spans(f.char_start, spans)] + cells
            figures.sort(key=lambda f: f.char_start)
    return _dedupe(figures)


# 继续大幅 / 持续快速 before 增长: how it grew, no subject
_HOW_IT_GREW = re.compile(r"(?:继续|持续|进一步|再次|又|仍然?|保持)*(?:大幅|稳步|快速|显著|较快|高速|平稳|迅速)?(?:地)?")
# 在2018年翻番的基础上 / 在去年高速增长的基础上: what the growth builds on, no part of its subject
_ON_THE_BASIS = re.compile(r"在[^，。；,;]{0,16}?的?基础上")


def _with_growth_before(found: list[Figure], growth: list[Figure]) -> list[Figure]:
    """全市技术合同成交额继续大幅增长77%。全年…成交额1273.36亿元: a sentence that states only
    an indicator's growth, right before one stating its level, gives that level its yoy (the
    first figure of the same indicator, period, kind and year without one, whose own phrase
    the growth sentence names: not 全社会研发投入 after 规上工业企业研发投入增长18%)."""
    rates = [g for g in growth if g.unit == "%"]  # (在2018年翻番的基础上,增长77%: a doubling recalled)
    if len(rates) != 1:
        return found
    g = rates[0]
    if (cues()["negative"].search(g.indicator[-6:]) or not plausible_yoy(g.value)
            or cues()["average"].search(g.sentence) or cues()["over_years"].search(g.sentence)):
        return found  # (no 倍, no fall, no 年均, no 与2020年相比 / 累计 / 两年: not a yoy)
    m = cues()["growth"].search(g.indicator)
    subject = strip_words(_ON_THE_BASIS.sub("", g.indicator[: m.start()] if m else g.indicator))
    subjects = [subject]
    if not _has_noun(subject) or _HOW_IT_GREW.fullmatch(subject):
        # (全市技术合同成交额在…的基础上,继续大幅增长77%): the clause before
        at = g.sentence.find(g.raw)
        subjects += [strip_words(_ON_THE_BASIS.sub("", x))
                     for x in reversed(re.split(r"[，,；;]|——", g.sentence[: at if at >= 0 else None])[:-1])][:2]
    for k, f in enumerate(found):
        if (f.metric_id and f.unit != "%" and f.yoy_pct is None
                and (f.period, f.kind) == (g.period, g.kind)  # (上半年…增长5%。全年…: not the year's)
                and (g.year is None or f.year is None or g.year == f.year)):
            level_phrase = strip_words(f.indicator)
            for subj in subjects:
                ind = taxonomy.match_indicator(subj, f.unit) if subj else None
                if ind is not None and ind.metric_id == f.metric_id and level_phrase and level_phrase in subj:
                    return [*found[:k], replace(f, yoy_pct=g.value), *found[k + 1:]]
    return found


def _in_spans(pos: int, spans: list[tuple[int, int]]) -> bool:
    k = bisect_right(spans, pos, key=lambda r: r[0]) - 1
    return k >= 0 and spans[k][0] <= pos < spans[k][1]


QUOTE_REACH = 12  # a closing quote this close after a numeral: the numeral is in a name


def _names_not_counts(sent: str, q: Quantity) -> bool:
    """A numeral that names or orders rather than counts (“三个高新”, 五个方面, 十九届六次全会,
    in words; N项指标 in digits or words, which counts the measures just named): no stated
    figure, so it is no row of the tables."""
    if q.unit in ("项", "个") and cues()["counts_measures"].match(sent, q.end):
        return True  # 两项指标均居全市第1位, 上述2项指标: the measures just named
    if any(map(str.isdigit, q.raw)):
        return False
    if cues()["not_a_count"].match(sent, q.end):
        return True
    opened, closed = sent.rfind("“", 0, q.start), sent.rfind("”", 0, q.start)
    after = sent.find("”", q.end)
    return opened > closed and after != -1 and after - q.end <= QUOTE_REACH


def _last_match(pattern: re.Pattern[str], text: str, lo: int, hi: int) -> re.Match[str] | None:
    found = None
    for m in pattern.finditer(text, lo, hi):
        found = m
    return found


def _with_doublings(sent: str, qs: list[Quantity]) -> list[Quantity]:
    """The sentence's quantities with its doublings in words (同比实现翻番 = ×2, 翻两番 = ×4),
    each as a multiple of last year (unit 倍), in text order: they take a level's yoy like
    是上年的2倍 does. Without a yoy word before it a doubling says nothing (cue ``doubled``)."""
    extra = []
    for m in cues()["doubled"].finditer(sent):
        n = parse_chinese_numeral(m.group("n")) if m.group("n") else 1
        if n:
            extra.append(Quantity(2.0 ** n, "倍", "", m.group("x"), m.start("x"), m.end("x")))
    return sorted([*qs, *extra], key=lambda q: q.start) if extra else qs


_TIMES_LAST_YEAR = re.compile(r"(?:是|为|相当于|达到|达)(?:上年|去年|上一年)(?:同期)?的$")  # 是上年的3倍
_SHARE_BASE = re.compile(r"占[^，。；,;]{0,12}的?[(（]$")  # 占规上企业的(312家)


def _sentence_figures(
    doc_id: str, text: str, sentence: Sentence, qs: list[Quantity], sections: list[Section],
    meta: DocMeta, inherited: tuple[str | None, int | None] = (None, None),
) -> list[Figure]:
    sent = sentence.text
    s = sentence.start
    items: list[Mention] = []
    prev_end = 0
    prev: Mention | None = None
    for q in qs:
        clause_start = sentence.mark_before(sentence.clause, 0, q.start)
        group_start = sentence.mark_before(sentence.group, 0, q.start)
        lead_in = sent[max(clause_start, prev_end) : q.start]
        if prev_end and lead_in[:1] in ")）" and clause_start <= prev_end:
            lead_in = lead_in[1:]  # 成交额(同比增长25%)达到15亿元: the bracket closed the aside before
        if " " in lead_in.rstrip():  # a heading run into the body: "(二)…发展 全市新增…"
            cut = lead_in.rstrip().rsplit(" ", 1)[-1] + lead_in[len(lead_in.rstrip()) :]
            if (taxonomy.match_indicator(_probe(cut, False), q.unit) is not None
                    or taxonomy.match_indicator(_probe(lead_in, False), q.unit) is None):
                lead_in = cut  # unless only the whole names it: 占地 区生产总值, a blank in a word
        sec = section_at(sections, s + q.start)
        item = Mention(
            q=q,
            lead_in=lead_in,
            clause_start=clause_start,
            group_start=group_start,
            unit=q.unit,
            qualifier=q.qualifier,
            in_span=(sec.span is not None or sentence.last_before(sentence.spans, q.start) is not None
                     or sentence.last_before(sentence.recent, q.start) is not None
                     or _since_before(sentence, q.start, sec.year)),
            section=sec,
            idx=len(items),
        )
        if q.unit == "倍" and (q.raw.startswith("翻") or _TIMES_LAST_YEAR.search(lead_in)):
            item.growth = item.times = True
        elif q.unit in ("%", "倍"):
            if _lead_in_cues(lead_in).growth or (
                prev is not None
                and prev.growth
                and strip_joiners(lead_in) == ""
                and prev.clause_start == clause_start
            ):
                item.growth = True
        items.append(item)
        prev = item
        prev_end = q.end

    _complete_phrases(items, sentence)
    for k, b in enumerate(items):
        a = next((p for p in reversed(items[:k]) if not p.growth), None)
        if (a is not None and b.indicator is None and a.indicator is not None and a.indicator.stock
                and "/万人" in b.unit and "/万人" not in a.unit and a.group_start == b.group_start
                and not b.growth and _BARE_PER_10K.fullmatch(strip_joiners(b.lead_in).strip("，, "))):
            # 有效发明专利312件(,同比增长20%),每万人拥有量达到3.94件: the stock per 10,000 people
            _match(b, f"每万人{a.indicator.name_zh}", "")
    for a, b in zip(items, items[1:], strict=False):
        if a.growth or b.growth or a.q.dimension != b.q.dimension or (a.indicator is None) == (b.indicator is None):
            continue  # two levels of one kind, only one of them named
        if (a.lead_in.rstrip().endswith(("从", "由")) or _FROM_YEAR_BASE.search(a.lead_in)) and _is_to_value(items, b):
            # 经费投入,由135.63亿元提高到201.3亿元 (发明专利授权由200件,增长到260件): the two
            # values of a from-to pair are levels of one measure, whichever of them names it
            named, bare = (b, a) if a.indicator is None else (a, b)
            _match(bare, named.phrase, "")
        elif (b.indicator is None and a.group_start == b.group_start
              and cues()["last_year_base"].search(b.lead_in)):
            _match(b, a.phrase, "")  # 成交额完成50亿元,上年为40亿元: the same measure a year before
    for a, b in zip(items, items[1:], strict=False):
        if (b.q.unit == "%" and a.q.unit != "%" and not a.growth and a.clause_start == b.clause_start
                and strip_joiners(b.lead_in).strip() == "的" and strip_joiners(a.lead_in).lstrip().startswith("占")):
            # 增加值27.94亿元,占工业增加值61.75亿元的45.25%: the money is the share's base
            a.indicator = None
            a.flags.append("share_base")
            b.indicator, b.phrase, b.unit = taxonomy.match_indicator(a.phrase, "%"), a.phrase, "%"
    _attach_growth(items, sent, sentence.written)
    for mention in items:
        if (mention.indicator and mention.q.unit != "%"
                and (_lead_in_cues(mention.lead_in).change_by
                     or (not mention.indicator.stock and not mention.indicator.metric_id.endswith("_new")
                         and cues()["year_on_end"].search(mention.lead_in.rstrip())))  # 授权量较上年净增312件
                and mention.since_fyp is None
                and not (_count_on_last_year(mention) and _new_of_stock(items, mention))
                and not _new_over_span(mention, sentence)):
            # 拥有量提高7件: a change, not the level; 专利申请量1001件,比上年增加62件: a flow's
            # change on last year (only a stock's, 比上年增加26家 firms, counts the new ones)
            mention.indicator = None
            mention.flags.append("change_not_level")
    for mention in items:
        if mention.indicator and _SHARE_BASE.search(mention.lead_in) and sent[mention.q.end:mention.q.end + 1] in ")）":
            mention.indicator = None  # 占规上企业的(312家)21.8%: the base of a share, in brackets
            mention.flags.append("share_base")
    for k, mention in enumerate(items):
        total = next((t for t in items[k + 1:] if t.indicator and t.group_start == mention.group_start
                      and t.q.value >= mention.q.value  # (…其中国家级52项,…共有14个项目获奖: no total)
                      and cues()["total_of_parts"].match(strip_joiners(t.lead_in))), None) if mention.indicator else None
        if mention.indicator and total is not None and total.indicator == mention.indicator:
            mention.indicator = None  # 入库1311家,公示1360家,共计2671家: a part of the total after it
            mention.flags.append("part_of_total")
    for mention in items:
        if mention.indicator and _passed_after(items, mention):
            mention.indicator = None  # 成交额达12亿元,首次突破10亿元: the mark it passed
            mention.flags.append("threshold")
    for a, b in zip(items, items[1:], strict=False):
        # 首次突破11%达到11.72%: the first value is a threshold the second one passed
        # (总数突破1000家,达到1086家: across a comma too)
        if (a.indicator and b.group_start == a.group_start and cues()["more_verb"].search(a.lead_in[-3:])
                and cues()["then_reach"].fullmatch(b.lead_in.strip(" \t，,"))):
            a.indicator = None
            a.flags.append("threshold")

    if (scope := cues()["firms_scope"].match(sent)) is not None:
        # 117家高新技术企业中,…专利申请数量1001件: that group's patents — not a count of its
        # firms (520家高企中,新认定180家: the region's new ones), nor after 全市 names the region
        back = cues()["region_again"].search(sent, scope.end())
        stop = back.start() if back else len(sent)
        for mention in items:
            if (mention.indicator and scope.end() <= mention.q.start < stop
                    and not cues()["firm_unit"].fullmatch(mention.q.unit)):
                mention.indicator = None
                mention.flags.append("group_of_firms")
    sentence_text = text[s : sentence.end].strip()
    out = []
    for mention in items:
        if mention.growth and mention.yoy is None and (mention.attached or mention.q.raw.startswith("翻")):
            continue  # a growth given to its level; a doubling in words that found none says no figure
        out.append(_to_figure(doc_id, text, sentence, sentence_text, mention, items, meta, inherited))
    return out


def _complete_phrases(items: list[Mention], sentence: Sentence) -> None:
    c = cues()
    sent = sentence.text
    i = 0
    while i < len(items):
        mention = items[i]
        if mention.growth:
            i += 1
            continue
        stop = sentence.next_stop(mention.q.end)
        if (i + 1 < len(items) and mention.q.end <= items[i + 1].q.start < stop
                and sent[mention.q.end:items[i + 1].q.start].rstrip().endswith(_NOUN_JOINS)):
            stop = items[i + 1].q.start  # 35家省级众创空间和12家高新技术企业: its own noun only
        right = sent[mention.q.end : stop]
        lead_in = strip_joiners(mention.lead_in)
        group = [mention]
        j = i + 1
        while (j < len(items) and not items[j].growth and strip_joiners(items[j].lead_in) == ""
               and items[j].clause_start == mention.clause_start):
            group.append(items[j])  # x、y after one phrase: values that share it
            j += 1
        if len(group) >= 2 and "分别" in lead_in:
            _series_years(group, sentence)
        # only a list of values or 分别 can pair names with values (most figures: neither)
        pairing = None
        if len(group) >= 2 and (cues()["then_reach"].fullmatch(lead_in.replace("分别", "").strip(" ，,"))
                                or (_SHARE_OPENS.match(lead_in.strip(" ，,")) and "分别" in lead_in)):
            # …分别增长x、y,(分别)达到p、q (,占规上工业比重分别达到p、q: the shares of those names)
            pairing = _names_of_rates(lead_in, group, items[:i])
        if pairing is None and (len(group) >= 2 or "分别" in lead_in):
            pairing = _pair_names(lead_in, group, items[:i])
        if pairing is not None:
            names, verb = pairing
            first_head = _head(names[0])
            for g, name in zip(group, names, strict=True):
                if g is not group[0] and g.q.unit == "%" and _RATE_NAME.fullmatch(strip_joiners(name)):
                    g.growth = True  # 成交额、增幅分别为12亿元、15%: the rate of the name before it
                    continue
                phrase = name + verb
                if _is_bare(name):
                    head = first_head
                    if g is not group[0] and _FLOW_NAME.match(strip_joiners(name)):
                        head = _STOCK_OF_HEAD.sub("", head)  # 有效发明专利、授权量: the grants of 发明专利
                    phrase = head + name + verb
                g.unit = _per_capita(phrase, g.q.unit)
                _match(g, phrase, right)
                if (g.indicator is None and g is not group[0] and not phrase.startswith(first_head)
                        and len(strip_words(name)) <= _MEASURE_NAME_CHARS):
                    # 技术合同成交额、登记数分别达到12.3亿元、560项: a later name of the
                    # list continues the first one's noun
                    g.unit = _per_capita(first_head + phrase, g.q.unit)
                    _match(g, first_head + phrase, right)
                if cues()["more_verb"].search(verb):
                    g.qualifier = ">"
            named = next((p for p in reversed(items[:i]) if not p.growth and p.indicator), None)
            if (named is not None and all(g.series_year is not None and g.indicator is None for g in group)
                    and all(g.unit == named.unit for g in group) and _is_bare(names[0] + verb)):
                for g in group:  # 新认定高企18家,2022年、2021年分别为12家、9家: the same measure, other years
                    g.indicator, g.phrase = named.indicator, named.phrase
            i = j
            continue
        phrase = lead_in
        result_before = bool(i and not items[i - 1].growth and items[i - 1].indicator is not None
                             and items[i - 1].q.unit == mention.q.unit
                             and items[i - 1].group_start == mention.group_start)
        # (在2024年提前达到2.0%的目标: the value reached; 达到86亿元,提前完成全年80亿元的目标任务: the goal)
        mention.goal_after = bool(c["goal_after"].match(right)) and (not c["goal_met"].search(lead_in)
                                                                    or result_before)
        if mention.q.dimension == "count" and _right_is_noun(right):
            # 新增29家市级孵化器: the number comes before the noun it counts
            if lead_in.rstrip().endswith("的"):
                phrase = lead_in + right
            elif not _lead_verb(lead_in) and (verb := _verb_at_end(lead_in)):
                # 2021年莆田新增90家…企业: the verb and the two characters before it (重新认定,
                # 重点培育, 申报认定 exclude; 通过强化申报辅导新认定 does not)
                phrase = lead_in[max(0, len(lead_in.rstrip()) - len(verb) - 2):] + right
            else:
                verb = _lead_verb(lead_in)
                prev_item = items[i - 1] if i else None
                if (not verb and prev_item is not None and not prev_item.growth
                        and prev_item.group_start == mention.group_start
                        and mention.lead_in.rstrip().endswith(_AND_WORDS)
                        and prev_item.phrase.endswith(mention.lead_in.rstrip())):
                    # 新培育137项高新技术产品和51家高新技术企业: two counted nouns, one verb
                    verb = _lead_verb(strip_joiners(prev_item.lead_in))
                phrase = verb + right
            if (c["process_after"].match(right) and not c["subset"].search(lead_in)
                    and not c["part_of_lead"].search(lead_in) and not c["renewed"].search(right)
                    and not taxonomy.match_indicator(phrase, _per_capita(phrase, mention.q.unit))
                    and taxonomy.match_indicator(lead_in, _per_capita(lead_in, mention.q.unit))):
                # 科技型中小企业累计66家通过省级评审: what the firms went through, after the
                # number, names no kind; the subject before it does (N家通过高企认定 still reads right)
                phrase = lead_in
                if (_RECOGNISED_AFTER.match(right)
                        and (new := taxonomy.match_indicator("新认定" + lead_in, mention.q.unit)) is not None
                        and new.metric_id.endswith("_new")):
                    phrase = "新认定" + lead_in  # 高新技术企业35家通过认定: the new ones
        elif (_ITS.match(lead_in) and not lead_in.startswith("其占")
              and (owner := next((p for p in reversed(items[:i]) if not p.growth and p.indicator), None))):
            phrase = _head(owner.phrase) + lead_in[1:]  # 总产值500亿元,其增加值…: its value added
            mention.borrowed = True
        elif _is_bare(lead_in) or c["tier_after"].fullmatch(mention.lead_in) or (
                mention.goal_after and not taxonomy.match_indicator(
                lead_in, _per_capita(lead_in, mention.q.unit))):
            # 突破年度6800亿元目标: a goal restated for the subject before it
            phrase = _complete(lead_in, mention, items[:i], sentence) or lead_in
            mention.borrowed = phrase != lead_in
        elif not _lead_verb(lead_in) and not cues()["stock_word"].search(lead_in):
            base = next((p for p in reversed(items[:i]) if not p.growth and p.phrase), None)
            if (base is not None and base.group_start == mention.group_start
                    and not (mention.q.dimension == "count" and right.lstrip().startswith("企业"))):
                # (新增科小1200家,2300家企业进入培育库: firms the number names after it, not the verb's)
                lead = _lead_verb(base.phrase)
                if lead and not c["subset"].search(mention.lead_in):
                    phrase = lead + lead_in
        mention.unit = _per_capita(phrase, mention.q.unit)
        _match(mention, phrase, right)
        prev = items[i - 1] if i else None
        if (prev is not None and prev.indicator is not None and not prev.growth
                and mention.indicator in (None, prev.indicator)
                and prev.group_start == mention.group_start and prev.q.unit == mention.q.unit
                and _own_part(strip_joiners(lead_in), prev.phrase)
                and (c["parent_city_lead"].match(sent, _clause_body(sent, prev.clause_start), prev.q.start)
                     or c["wider_area"].match(sent, prev.clause_start, prev.q.start))):
            # 全市新认定高企850家,其中我区120家: the region's own part of its city's figure
            mention.indicator, mention.phrase, mention.own_part = prev.indicator, prev.phrase, True
        if (prev is not None and prev.indicator is not None and not prev.growth
                and prev.group_start == mention.group_start and prev.unit == mention.unit
                and _GOAL_ASIDE.fullmatch(strip_joiners(lead_in))):
            # 新认定300家(任务目标180家): the goal of the figure just before, the same indicator
            mention.indicator, mention.phrase = prev.indicator, prev.phrase
        elif (prev is not None and prev.indicator is not None and not prev.growth and mention.goal_after
              and prev.group_start == mention.group_start and prev.unit == mention.unit
              and c["goal_done"].search(lead_in) and not taxonomy.match_indicator(lead_in, mention.unit)):
            # 新认定高新技术企业45家,完成市下达的40家目标任务: the goal of the figure just before
            mention.indicator, mention.phrase = prev.indicator, prev.phrase
        if (mention.indicator is None and cues()["measure_noun"].search(lead_in) and not _right_is_noun(right)
                and len(cues()["measure_noun"].sub("", strip_words(lead_in))) <= 3):
            # 投入强度为0.44%: a measure whose subject sits in an earlier clause
            completed = _complete(lead_in, mention, items[:i], sentence)
            if completed and taxonomy.match_indicator(completed, _per_capita(completed, mention.q.unit)):
                mention.unit = _per_capita(completed, mention.q.unit)
                _match(mention, completed, right)
        open_lead = lead_in.lstrip(" （(")  # (其中发明专利318件): a part in brackets
        if mention.indicator is None and (c["subset"].match(open_lead)
                                          or (sentence.parent and mention.idx == 0)):
            _inherit_measure(mention, open_lead if open_lead != lead_in else phrase, items[:i], right,
                             sentence.parent)
        if (mention.indicator is None and 0 < len(core := strip_joiners(lead_in)) <= KIND_NOUN_CHARS
                and (prev := next((p for p in reversed(items[:i]) if not p.growth and p.indicator), None))
                and prev.q.unit == mention.q.unit and core[-2:] in prev.phrase):
            # 专利受理数389件,增长37.5%;发明专利136件: a kind of the noun just counted, by its measure
            # — a kind the taxonomy names (发明专利 of 发明专利申请量), not a part (国外专利, 职务发明专利)
            # nor the same measure again (有效专利, 累计专利)
            kept = mention.phrase, mention.unit
            _inherit_measure(mention, core, items[:i], right)
            ind = mention.indicator
            if ind is not None and (ind == prev.indicator or not ind.core or not ind.name_zh.startswith(core)):
                mention.indicator = None
                mention.phrase, mention.unit = kept
        if (mention.indicator is None and mention.q.dimension == "count"
                and _BARE_NEW.fullmatch(strip_words(strip_joiners(open_lead)))
                and (stock_phrase := _stock_before(items[:i], mention, sentence.parent))):
            # 高新技术企业达到210家,其中当年新认定45家 (or 。其中…): the new ones of the stock just stated
            _match(mention, "新增" + _head(c["stock_word"].sub("", stock_phrase)), right)
            if mention.indicator is not None and not mention.indicator.metric_id.endswith("_new"):
                mention.indicator = None
        opened = sent[: mention.q.start] if i == 0 and sentence.parent and c["subset"].match(sent) else lead_in
        if mention.indicator is None and c["subset"].match(opened):
            # 全年12亿元,其中上半年6亿元 (。其中,上半年完成7.2亿元): the same measure, for a part of the year
            rest = PERIOD_CUES.sub("", c["subset"].sub("", strip_joiners(opened))).strip(" ，,")
            parent = next((p for p in reversed(items[:i]) if not p.growth and p.indicator), None)
            if (parent is not None and parent.indicator is not None and parent.unit == mention.unit
                    and (_PLAIN_VERB.fullmatch(rest) or rest in parent.phrase)):
                mention.indicator, mention.phrase = parent.indicator, parent.phrase
            elif (parent is None and opened is not lead_in and PERIOD_CUES.search(opened)
                  and (_PLAIN_VERB.fullmatch(rest) or rest in sentence.parent)):
                _match(mention, sentence.parent, right)
        if mention.indicator is None and mention.q.dimension == "count" and _level_only(phrase):
            # 众创空间47家,其中国家级12家、省级20家: the same platforms, of one level
            parent = next((p for p in reversed(items[:i]) if not p.growth and p.indicator), None)
            # core ids keep the answer keys' rule (a part of the figure is no figure)
            if (parent is not None and parent.indicator is not None and not parent.indicator.core
                    and parent.q.dimension == "count"):  # new ones too (新增众创空间8家,其中国家级2家)
                mention.indicator, mention.phrase, mention.unit = parent.indicator, phrase, parent.indicator.unit
        if mention.indicator is None and mention.q.dimension == "count" and _national_award_part(phrase):
            # 获科技奖励598项,其中国家级52项: the national part of prizes of every level
            parent = next((p for p in reversed(items[:i]) if not p.growth and p.phrase
                           and c["awards"].search(p.phrase)), None)
            if (parent is not None and parent.indicator is None and parent.group_start == mention.group_start
                    and not c["nominated"].search(parent.phrase) and {parent.q.unit, mention.q.unit} <= {"项", "个"}):
                _match(mention, "国家科学技术奖", right)
                if mention.indicator:
                    mention.phrase = phrase  # the text's own words, not the probe
        if (mention.indicator is None and mention.q.dimension == "count" and c["prize_won"].match(right)
                and (event := c["national_award_event"].search(sent, mention.group_start, mention.q.start))
                and not c["nominated"].search(sent, event.end(), mention.q.start)
                and not c["other_round"].search(sent, event.end(), mention.q.start)):
            # 在国家科学技术奖励大会上,共有14个项目获奖: the prizes of the national round named
            _match(mention, "国家科学技术奖", right)
            if mention.indicator:
                mention.phrase = phrase
        if (mention.indicator is None and mention.q.dimension == "count"
                and _generic_firms(phrase)):
            _name_the_firms(mention, phrase, sent[: mention.clause_start], sentence.topic, right)
        if (mention.indicator is not None and mention.indicator.stock and mention.q.dimension == "count"
                and (on := c["year_on_end"].search(strip_joiners(mention.lead_in))) is not None):
            # 科技企业孵化器较上年净增3家,达到15家: the new ones, when the taxonomy counts them
            stock, kept = mention.indicator, mention.phrase
            _match(mention, "新增" + _head(strip_joiners(mention.lead_in)[: on.start()]), right)
            if mention.indicator is None or not mention.indicator.metric_id.endswith("_new"):
                # 科技型中小企业较上年新增120家: no count of new ones, a change of the stock
                mention.indicator, mention.phrase = None, kept
                mention.flags.append("change_not_level")
        if mention.indicator is None and _count_on_last_year(mention):
            completed = _complete("新增", mention, items[:i], sentence)  # 拥有量达到614家、比上年增加111家
            if completed:  # 有效期内高企56家,较去年同期净增11家: the new ones, without the stock's words
                _match(mention, "新增" + cues()["stock_word"].sub("", _head(completed)), right)
        if ((mention.indicator is None or mention.indicator.stock
             or mention.indicator.metric_id.endswith("_new"))
                and (since := _SINCE_SPAN_END.search(mention.lead_in))
                and cues()["grown"].search(mention.lead_in, since.end())):
            # 较“十三五”末增加210家: the new ones since the plan's end
            mention.since_fyp = fyp_span(since.group("fyp"))[1]
            subject_here = strip_joiners(mention.lead_in[: since.start()])  # 全市高新技术企业较“十三五”末…
            completed = subject_here if _has_noun(subject_here) else _complete("新增", mention, items[:i], sentence)
            if completed:
                stock = mention.indicator
                _match(mention, "新增" + _head(completed), right)
                if mention.indicator is None or not mention.indicator.metric_id.endswith("_new"):
                    # no count of new ones (有效发明专利较“十三五”末增加2100件): the stock's change
                    mention.since_fyp, mention.indicator = None, stock
        if (mention.indicator is not None and mention.indicator.metric_id.endswith("_new")
                and not _NEW_VERBS.search(mention.phrase)
                and c["stock_recognised"].search(sent, 0, mention.q.start)
                and not c["years_own"].search(sent, 0, mention.q.start)  # 今年,截至11月底…: the year's
                and not c["target"].search(sent, mention.q.end)):  # …,完成年度目标任务的112%: the year's
            # 目前,全市共认定高新技术企业75家: all recognised so far, the stock, not new ones
            _match(mention, c["recognise_verb"].sub("", mention.phrase), right)
        i += 1


def _stock_before(before: list[Mention], mention: Mention, parent: str) -> str:
    """The phrase of the stock stated right before a bare count of new ones: in its clause
    group, else (a sentence opening on 其中) the last figure of the sentence before."""
    stock = next((p for p in reversed(before) if not p.growth and p.indicator), None)
    if stock is not None:
        ok = stock.indicator is not None and stock.indicator.stock and stock.group_start == mention.group_start
        return stock.phrase if ok else ""
    ind = taxonomy.match_indicator(parent, "家") if parent and mention.idx == 0 else None
    return parent if ind is not None and ind.stock else ""


def _has_noun(text: str) -> bool:
    """Whether a subject is more than place and filler words (全市, 我区 …): it names something."""
    return len(strip_words(text)) >= 2


# A goal verb's clause that only dates the goal (力争到2023年底, 确保今年年底前).
_GOAL_DATE = re.compile(r"\s*(?:到|至|在|于)?\s*(?:20\d\d\s*年|今年|明年)?\s*(?:底|末|年底|年末)?\s*前?\s*")


def _goal_verb_reaches(sentence: Sentence, mention: Mention) -> bool:
    """A goal verb (力争, 确保, 努力实现) before the figure in its clause group makes it a goal;
    in a summary, one whose own clause states no figure (努力实现更高水平科技自立自强,…,其中
    高新技术企业总量突破2000家) is a slogan: it reaches no further than that clause."""
    sent, q = sentence.text, mention.q
    verb = _last_match(cues()["target_verb"], sent, mention.group_start, q.start)
    if verb is None:
        return False
    if mention.section.kind != "summary":
        return True
    clause_end = sentence.next_stop(verb.end())
    if _GOAL_DATE.fullmatch(sent, verb.end(), clause_end) and clause_end < len(sent):
        # 力争到2023年底,…超过3.8%: the clause only dates the goal, which is the next one's
        # (确保年底前,…达到650家的目标顺利完成,全年新认定180家: not the clause after that)
        return sentence.next_stop(clause_end + 1) >= q.start
    return clause_end >= q.start or quantity_regex().search(sent, verb.end(), clause_end) is not None


def _passed_after(items: list[Mention], p: Mention) -> bool:
    """达12亿元,首次突破10亿元: a lower value of the same indicator right after the level, with
    only 突破 / 超过 before it, is the mark the level passed (a threshold, not a figure)."""
    k = p.idx
    if k == 0 or p.indicator is None:
        return False
    a = items[k - 1]
    return (a.indicator is p.indicator and not a.growth and a.group_start == p.group_start
            and a.q.unit == p.q.unit and p.q.value < a.q.value
            and bool(cues()["passed_mark"].fullmatch(strip_joiners(p.lead_in).strip())))


def _new_of_stock(items: list[Mention], mention: Mention) -> bool:
    """高企达到117家,比上年增加26家: the increase of a stock read as its new ones (an _new
    indicator after a level of another); not 新认定50家,比上年增加10家 (a flow's change)."""
    ind = mention.indicator
    if ind is None or not ind.metric_id.endswith("_new"):
        return False
    before = next((p for p in reversed(items[: mention.idx]) if not p.growth), None)
    # (上市的高企4家,较上年增加2家: the increase of a subset the taxonomy does not count)
    return before is None or (before.indicator is not None and before.indicator is not ind)


def _new_over_span(mention: Mention, sentence: Sentence) -> bool:
    """国家高新技术企业4年增加6000多家: a stock of firms or platforms grown by a count over the
    last N years counts the new ones of that span (the span is set where the figure is dated);
    re-named to the stock's new-ones indicator, or left as it was when the taxonomy has none."""
    stock = mention.indicator
    if stock is None or not stock.stock or mention.q.dimension != "count":
        return False
    recent = sentence.last_before(sentence.recent, mention.q.start)
    if recent is None or recent.start() < mention.group_start:
        return False
    kept = mention.phrase
    _match(mention, "新增" + _head(cues()["stock_word"].sub("", mention.phrase)), "")
    if mention.indicator is not None and mention.indicator.metric_id.endswith("_new"):
        return True
    mention.indicator, mention.phrase = stock, kept
    return False


def _count_on_last_year(mention: Mention) -> bool:
    """比上年增加111家 after a count of firms or platforms: the new ones, not a change."""
    return mention.q.dimension == "count" and bool(cues()["year_on"].match(strip_joiners(mention.lead_in)))


def _series_years(group: list[Mention], sentence: Sentence) -> None:
    """2015-2018年,R&D经费投入分别29.92、29.64、33.57、30.75亿元: as many values as the
    span before them has years, so each is one year's figure, in order."""
    first = group[0]
    span = next((m for m in reversed(sentence.ranges) if m.end() <= first.q.start), None)
    if span is None:
        # 2021、2022、2023年,全县分别新增…x、y、z: a list of years in the clause group
        years = _year_list(sentence.text[first.group_start : first.q.start])
        if years is not None and len(years[0]) == len(group):
            for g, y in zip(group, years[0], strict=True):
                g.series_year = y
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
    lead_in = [x for x in (meta.region, meta.parent_city, meta.province) if x]
    return not any(place in x or x in place or place[:-1] and x.startswith(place[:-1])
                   for x in lead_in)


@lru_cache(maxsize=PHRASE_CACHE)
def _national_award_part(phrase: str) -> bool:
    """其中国家级奖励67项: the national part of a count of prizes, named by its level alone."""
    return cues()["national_part"].fullmatch(strip_words(strip_joiners(phrase))) is not None


@lru_cache(maxsize=PHRASE_CACHE)
def _generic_firms(phrase: str) -> bool:
    """新认定企业36家: a count of firms of no named kind (cached per phrase)."""
    return cues()["generic_firms"].fullmatch(strip_words(strip_joiners(phrase))) is not None


@lru_cache(maxsize=PHRASE_CACHE)
def _level_only(phrase: str) -> bool:
    """其中国家级, 省级: a phrase that names a level and nothing else."""
    core = strip_words(strip_joiners(phrase)).replace("其中", "")
    return bool(core) and level_regex().fullmatch(core) is not None


def _name_the_firms(mention: Mention, phrase: str, before: str, topic: str, right: str) -> None:
    """新认定企业36家 after 高新技术企业认定工作: 企业 alone means the kind of firm named
    before it in the sentence (or in the subject sentence before)."""
    found = list(cues()["firm_noun"].finditer(before)) or list(cues()["firm_noun"].finditer(topic))
    if not found or cues()["firm_noun"].search(phrase):
        return
    candidate = phrase.replace("企业", found[-1].group(0), 1)
    if taxonomy.match_indicator(candidate, _per_capita(candidate, mention.q.unit)):
        _match(mention, candidate, right)


def _inherit_measure(mention: Mention, phrase: str, before: list[Mention], right: str,
                     parent_before: str = "") -> None:
    """申请专利1200件，其中发明专利300件: a sub-item names its noun only and takes the
    measure (申请, 授权 …) of the figure it is part of; when 其中 opens a sentence, that
    figure is the last one of the sentence before (``parent_before``, its phrase)."""
    parent = next((p for p in reversed(before) if not p.growth and p.indicator), None)
    parent_phrase = parent.phrase if parent is not None else parent_before
    if not parent_phrase:
        return
    measures = cues()["parent_measure"].findall(parent_phrase)  # the last: 新增专利授权 → 授权
    if not measures:
        return
    candidate = phrase + measures[-1]
    if taxonomy.match_indicator(candidate, _per_capita(candidate, mention.q.unit)):
        mention.unit = _per_capita(candidate, mention.q.unit)
        _match(mention, candidate, right)


def _award_edition(sent: str, mention: Mention, stop: int) -> int | None:
    """The year of a prize round named with a count of prizes (11个项目荣获2023年度国家科学技术奖,
    荣获2023年度国家科学技术奖11项, 国家科学技术奖11项(2023年度)): those prizes are that
    year's, whenever they were announced."""
    c = cues()
    m = (c["award_edition"].match(sent, mention.q.end, stop)
         or c["award_edition_note"].match(sent, mention.q.end, stop)
         or c["award_edition_before"].search(mention.lead_in))
    return int(m.group(1)) if m else None


_FIRST_DIGIT = re.compile(r"(?<![\d.])(?!(?:19|20)\d\d年)\d")  # a figure's first digit, not a year's
# two Han characters: a word starts here (a noun after a count, a subject)
_TWO_HAN = re.compile(r"[\u4e00-\u9fff]{2}")


def _right_is_noun(right: str) -> bool:
    # 1150件任务: a goal word after a count is no noun it counts
    return (bool(_TWO_HAN.match(right)) and not cues()["not_a_noun"].match(right)
            and not cues()["goal_after"].match(right))


def _complete(lead_in: str, mention: Mention, before: list[Mention], sentence: Sentence) -> str | None:
    """Give a bare phrase the indicator it refers to: the figure or clause before it."""
    c = cues()
    sent = sentence.text
    same_group = [p for p in before if not p.growth and p.group_start == mention.group_start]
    if (same_group and same_group[-1].indicator is None and c["subset"].search(same_group[-1].lead_in)
            and mention.q.dimension == "money" and same_group[-1].q.dimension != "money"
            and c["measure"].fullmatch(strip_words(strip_joiners(lead_in)))):
        return None  # …,其中技术开发合同320项,合同金额4.2亿元: the amount of that part, not the whole's
    bases = [p.phrase for p in reversed(same_group) if p.indicator]
    bases += [p.phrase for p in reversed(same_group) if p.phrase and not p.indicator][:1]
    rates = [p for p in before if p.growth and p.group_start == mention.group_start]
    if rates and (m := c["growth"].search(rates[-1].lead_in.rstrip(" （("))) is not None and m.start() > 0:
        bases.append(rates[-1].lead_in[: m.start()].rstrip(" （(同比"))  # 成交额(同比增长25%)达到15亿元
    end = mention.clause_start - 1
    grown: set[str] = set()  # subjects of a growth rate: the whole subject is the level's
    for _ in range(4):  # the clauses before, nearest first
        if end <= mention.group_start:
            break
        start = sentence.mark_before(sentence.clause, mention.group_start, end)
        clause = sent[start:end]
        bases.append(clause)
        subject = _FIRST_DIGIT.split(clause, 1)[0]
        if subject and subject != clause:
            bases.append(subject)  # 科技型中小企业累计66家…,总数达226家: its subject, before its figure
            if (bare := c["growth_tail"].sub("", subject)) != subject:
                bases.append(bare)  # 成交额年均增速14.8%,2020年达到303.93亿元: the subject of the growth
                grown.add(bare)
        end = start - 1
    # 产值50亿元；实现增加值12亿元: the subject of an earlier group, then the sentence before
    core = taxonomy.LEADING_NOISE.sub("", strip_words(strip_joiners(lead_in)))  # (2024年力争突破: no words)
    last = next((p for p in reversed(before) if not p.growth and p.q.unit != "倍"), None)  # 是…的8.6倍 between
    if (last is not None and last.indicator and last.group_start != mention.group_start
            and (c["measure"].fullmatch(core) or _SHARE_OPENS.match(core) or _goal_verb_only(lead_in)
                 or _INTENSITY.fullmatch(core))):  # R&D经费支出5.6亿元；投入强度1.8%
        # only a bare measure or share (实现增加值；占…) borrows across groups, or a goal verb
        # alone (…达到320家；力争2024年末达到360家: the same subject's goal)
        bases.append(last.phrase)
    if sentence.topic:
        bases.append(sentence.topic)
    whole = (not core or _SHARE_OPENS.match(core) is not None or cues()["change_to"].match(core) is not None
             or c["plain_measure"].fullmatch(core) is not None)  # “十一五”累计5066件: the base's own measure
    share = _SHARE_OPENS.match(core) is not None
    if share and same_group and same_group[-1].indicator and not same_group[-1].growth:
        # 有效发明专利521件,占全市总量的22%: the share of the figure just before, or of none
        bases = bases[:1]

    level_reached = bool(c["stock_word"].search(lead_in))
    if (c["held"].fullmatch(strip_words(strip_joiners(lead_in)).strip())
            and same_group and same_group[-1].indicator is None and same_group[-1].phrase
            and not c["subset"].search(same_group[-1].lead_in)  # 其中规上工业企业30家: a part
            and not c["renewed"].search(same_group[-1].phrase)):  # 复审通过23家: the same firms
        # 新认定省级专精特新中小企业25家,保有量达到140家: the stock of the firms just counted,
        # not of an indicator named before them
        return _head(same_group[-1].phrase) + lead_in

    def candidates() -> Iterator[str]:  # lazily, nearest base first: most stop at the first
        for base in bases:
            if level_reached:  # 高新技术企业净增45家,达到280家: the level, not the new ones
                base = _NEW_VERBS.sub("", base)
            if mention.q.unit != "%" and (level := _SHARE_TAIL.sub("", base)) != base:
                base = level  # R&D经费投入占比2.04%,达56.94亿元: the level of the share's measure
            if whole or base in grown:
                yield strip_words(base) + lead_in
            yield _head(base) + lead_in
            yield _cut_head(base) + lead_in
            if share:
                yield _subject(base) + lead_in

    unit = mention.unit or mention.q.unit
    first = None
    for cand in candidates():
        if taxonomy.match_indicator(cand, _per_capita(cand, unit)):
            return cand
        first = cand if first is None else first
    return first


@lru_cache(maxsize=PHRASE_CACHE)
def _subject(phrase: str) -> str:
    """A clause's subject with its measure noun: the words before its first verb."""
    head = strip_words(phrase)
    m = cues()["subject_verb"].search(head)
    return head[: m.start()] if m and m.start() > 0 else head


@lru_cache(maxsize=PHRASE_CACHE)
def _cut_head(phrase: str) -> str:
    """The subject at a clause's start: the words before its first measure or verb."""
    head = strip_words(phrase)
    head = cues()["place_lead"].sub("", head)
    head = cues()["lead_verb"].sub("", head)
    m = cues()["head_end"].search(head)
    return head[: m.start()] if m and m.start() > 0 else head


class _LeadInCues(NamedTuple):
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
def _lead_in_cues(lead_in: str) -> _LeadInCues:
    c = cues()
    tail = strip_joiners(lead_in)[-4:]
    return _LeadInCues(
        growth=c["growth"].search(lead_in.rstrip()) is not None,
        change_by=cues()["change_by"].search(lead_in) is not None,
        estimate=c["estimate"].search(lead_in) is not None,
        goal_ref=c["goal_ref"].search(lead_in) is not None,
        more_before=cues()["more_before"].search(tail) is not None,
        about_before=cues()["about_before"].search(tail) is not None,
        comparator=cues()["comparator"].search(lead_in.rstrip()) is not None,
        subset=c["subset"].search(lead_in) is not None,
    )


@lru_cache(maxsize=PHRASE_CACHE)
def _after_qualifier(after: str) -> str:
    """">" or "~" when the characters after a number say so (12家以上, 50人左右)."""
    if cues()["more_after"].match(after):
        return ">"
    return "~" if cues()["about_after"].match(after) else ""


_SINCE_SPAN_END = re.compile(r"[比较][“\"]?十(?P<fyp>[一二三四五])五[”\"]?(?:末|期末)")  # not a yoy change
_SINCE_ANY_PLAN_END = re.compile(r"[比较][“\"]?十[一二三四五]?五[”\"]?(?:末|期末)")  # 比“十五”末 too
# 是2007年1080亿元: the value of a base year the figure before it is compared with
_BASE_VALUE = re.compile(r"(?:是|相当于)?(20\d\d)年(?:的)?")


def _pair_names(lead_in: str, group: list[Mention], before: list[Mention]) -> tuple[list[str], str] | None:
    """Names for values x、y that follow one phrase: ``A、B分别达到x、y`` or ``A、B达x、y``.

    Returns the names (one per value) and the verb they share, or None when the
    phrase does not list as many names as there are values.
    """
    if "分别" in lead_in:
        names_text, _, verb = lead_in.partition("分别")
    elif len(group) >= 2:
        m = cues()["shared_verb"].search(lead_in)
        names_text, verb = (lead_in[: m.start()], m.group(0)) if m else (lead_in, "")
    else:
        return None
    if (years := _year_list(names_text)) is not None and len(years[0]) == len(group):
        # 2019年、2020年、2021年高企数量分别为x、y、z: one name, a year for each value
        for g, y in zip(group, years[0], strict=True):
            g.series_year = y
        return [years[1]] * len(group), verb
    # 产值、增加值要力争突破x和y: the goal words before the verb are no part of the last name
    names = _split_items(_GOAL_WORDS_END.sub("", names_text))
    if len(names) < len(group) and "分别" in lead_in:
        # 累计分别达到x、y: the names are the figures before this clause
        prior = [p for p in before if not p.growth and p.phrase][-len(group):]
        if len(prior) == len(group):
            names = [_head(p.phrase) + names_text for p in prior]
    if len(names) == len(group) >= 2 and (tail := _shared_tail(names)):
        # 高新技术产业、战略性新兴产业产值占…比重分别达x、y: the measure after the last name is all's
        names = [n + tail for n in names[:-1]] + names[-1:]
    return (names, verb) if len(names) == len(group) else None


# 2019年、2020年和2021年 (or 2019、2020、2021年): a list of years, one per value after it
_YEAR_LIST = re.compile(r"(?:(?:19|20)\d\d\s*年?(?:度)?\s*[、，,和及与]\s*)+(?:19|20)\d\d\s*年(?:度)?")


def _year_list(names_text: str) -> tuple[list[int], str] | None:
    """The years a 分别 list's name part enumerates, in order (rising or falling), and the name part
    without them (全县2019年、2020年高企数 → [2019, 2020], 全县高企数); None when it lists
    no years."""
    m = _YEAR_LIST.search(names_text)
    if m is None:
        return None
    years = [int(y) for y in re.findall(r"(?:19|20)\d\d", m.group(0))]
    if not (all(b > a for a, b in zip(years, years[1:], strict=False))
            or all(b < a for a, b in zip(years, years[1:], strict=False))):
        return None  # (2022年、2021年分别为: the years back, in order too)
    return years, names_text[: m.start()] + names_text[m.end():]


def _names_of_rates(verb: str, group: list[Mention], before: list[Mention]) -> tuple[list[str], str] | None:
    """A、B、C分别增长x%、y%、z%,达到p家、q家、r家: the levels take the names the rates were
    listed with (one per value, in order)."""
    rates = [p for p in before if p.growth and p.group_start == group[0].group_start]
    if len(rates) != len(group) or "分别" not in rates[0].lead_in:
        return None
    names_text = strip_joiners(rates[0].lead_in).partition("分别")[0]
    names = _split_items(re.sub(r"同比|比上年|较上年|比去年|较去年", "", names_text))
    return (names, verb.strip(" ，,")) if len(names) == len(group) else None


def _shared_tail(names: list[str]) -> str:
    """The measure the last of listed names carries (产值占规上工业总产值比重), when the names
    before it carry none: what all of them share."""
    m = cues()["shared_measure"].search(names[-1])
    if m is None or m.start() == 0 or any(cues()["shared_measure"].search(n) for n in names[:-1]):
        return ""
    return names[-1][m.start():]


# the levels below a city: their reports' 全市 is the parent city
_BELOW_CITY = ("district", "county")
# how far into a sentence its opening year may stand (2022年,…; a blank before it): it then dates
# the sentence
_YEAR_OPENS_AT = 4
# a later name of a list that counts a flow (授权量, 申请量): the stock word of the first is not its
_FLOW_NAME = re.compile(r"(?:获得)?(?:授权|申请)")
# the word that makes a noun a stock (有效发明专利): dropped when a flow continues it
_STOCK_OF_HEAD = re.compile(r"有效|拥有")
# the last month a news item looking back on "the past year" is still about the year before
# (as metadata/year.py's SUMMARY_LAST_MONTH: an annual summary appears by April)
_LOOK_BACK_LAST_MONTH = 4
# the verb of a level after its growth (…同比增长15%,达到/突破/超过25亿元): the level reached
_REACHED = re.compile(r"(?:(?:总额|总量|总数|规模)?(?:首次|已经|已)?(?:达到|达|为|至|突破|超过|超)(?:了)?(?:近|约)?)")
# what a part of the year may say besides its period (其中,上半年完成7.2亿元): no noun
_PLAIN_VERB = re.compile(r"(?:完成|实现|达到|达|为|共|累计)?")
# 较2022年净增15家: a gain on a named year, after the level it is of
_GAIN_ON_YEAR = re.compile(r"(?:比|较)\s*20\d\d\s*年(?:底|末)?(?:新增|净增|凈增|增加)")
# 通过认定 / 获得认定 right after a count of firms: they were recognised this year
_RECOGNISED_AFTER = re.compile(r"\s*(?:首次)?(?:通过|获得?)(?:了)?(?:国家级?|省级?)?(?:高新技术企业|高企)?认定")
# (截至11月底) right after a figure: the months it covers
_PERIOD_NOTE = re.compile(r"\s*[（(]\s*(?:数据)?截[至止](?:20\d\d年)?(?P<m>\d{1,2})月(?:底|末|份)?\s*[)）]")
# 投入强度, 研发强度 with no subject: the intensity of the spending named before
_INTENSITY = re.compile(r"(?:经费)?(?:投入|研发|支出)?强度")
# 明年, 下一年度 in a summary's goal: the year after the report's
_NEXT_YEAR = re.compile(r"明年|下一?年度?(?!半)")
# a year and its end (2024年末): no words of a phrase
_YEAR_WORD = re.compile(r"20\d\d年(?:底|末|度)?|明年|今年|下一?年度?")
# 其中我区 (为, 有, 达到): the region's own part of the wider figure before it, no noun of its own
_OWN_PART = re.compile(r"其中\s*(?:我|本)(?:区|县|旗|市)")
# the verbs an own part may state its number with, whatever the wider figure said
_OWN_PART_VERBS = ("", "为", "有", "共有", "达", "达到", "占")


def _own_part(lead: str, wider: str) -> bool:
    """其中我区120家 / 其中我县新增86家 after the city's figure: the part names no noun,
    only the region and a plain verb or the wider figure's own verb."""
    m = _OWN_PART.match(lead)
    if m is None:
        return False
    rest = lead[m.end():].strip()
    return (rest in _OWN_PART_VERBS or (len(rest) <= 3 and rest in wider)
            or (_BARE_NEW.fullmatch(rest) is not None and _BARE_NEW.search(wider) is not None))  # 新认定…,其中我区新增
# 增幅, 增速 as a name of a 分别 list: the growth rate of the name before it
_RATE_NAME = re.compile(r"(?:同比)?(?:增幅|增速|增长率|增长幅度|增长速度|增长)")
# a later name of a list that is only a measure (登记数, 授权量): a few characters
_MEASURE_NAME_CHARS = 3
KIND_NOUN_CHARS = 6  # a bare kind of a noun (发明专利, 实用新型专利): a few characters, no clause
# 其增加值… after 总产值500亿元: "its", the subject of the figure before (not 其中, 其他 …)
_ITS = re.compile(r"其(?![中他余它次实])")
# (任务目标180家): a goal set in brackets after the figure it restates
_GOAL_ASIDE = re.compile(r"[(（]\s*(?:年度|全年)?(?:任务|目标|任务目标|目标任务|计划)(?:数)?(?:为|是)?\s*")
# a count of new ones with no noun (其中当年新认定, 今年新增): of the stock stated before it
_BARE_NEW = re.compile(r"(?:其中)?(?:当年|今年|本年|年内)?(?:新认定|新增|新培育|净增)")
# the verbs of a count of new ones (新增, 净增 …), dropped when a level borrows its subject
_NEW_VERBS = re.compile(r"净新增|新增|新认定|新获批|净增|凈增|新培育|新备案|新建|新引进")
# rates of a 分别 list after the last one read: numbers without their % (the text was cut)
_CUT_RATES = re.compile(r"(?:[、和及]\s*\d[\d.]*(?![\d.%％倍]))*(?=\s*$)")
_IN_PARENS = re.compile(r"[(（][^)）]*$")  # a figure inside an open parenthesis
_BASE_YEAR_GROWTH = re.compile(r"(?:比|较|与|同)\s*(20\d\d)\s*年")  # 比2012年增长125%: since that year
# words that make a growth rate year-on-year even after a from-to pair
@cache
def _yoy_words() -> re.Pattern[str]:
    """The lexicon's comparison words (同比, 比上年 …), the same ones the growth cues use."""
    return re.compile(load_lexicon()["comparison"]["yoy"].pattern)


def _is_to_value(items: list[Mention], p: Mention) -> bool:
    """The second value of a from-to statement (由14.85亿元增加至77.24亿元)."""
    change = cues()["change_to"].search(p.lead_in)
    if change is None:
        return False
    if _FROM.search(p.lead_in, 0, change.start()):
        return True
    k = p.idx
    if k == 0:
        return False
    before = items[k - 1]
    if before.clause_start == p.clause_start and _FROM.search(before.lead_in):
        return True
    # 由82.3亿元,增长到306.5亿元: the pair split by a comma, the change opening the clause
    return (before.group_start == p.group_start and before.lead_in.rstrip().endswith(("从", "由"))
            and not strip_joiners(p.lead_in[: change.start()]).strip("，, "))


def _part_year(before: str, year: int | None, written: int | None) -> int | None:
    """The year a sentence without a year cue speaks of: its part's, or the year before
    the one it was written in when it opens on 去年 / 上年 (a summary is written in its
    year unless the page date or a conference lede says otherwise)."""
    if year is not None and cues()["opens_on_last_year"].match(before):
        return (written if written is not None else year) - 1
    return year


def _attach_growth(items: list[Mention], sent: str, written: int | None = None) -> None:
    c = cues()
    i = 0
    while i < len(items):
        mention = items[i]
        if not mention.growth:
            i += 1
            continue
        group = [mention]
        j = i + 1
        while j < len(items) and items[j].growth and strip_joiners(items[j].lead_in) == "":
            group.append(items[j])
            j += 1
        lead_in = mention.lead_in.rstrip()
        sign = -1.0 if c["negative"].search(lead_in[-6:]) else 1.0
        since_span = bool(_SINCE_ANY_PLAN_END.search(lead_in))
        base = _BASE_YEAR_GROWTH.search(lead_in)
        # (no year in the sentence: the part's own, 今年…比2011年底总数提升近4倍 in a 2015 text;
        # the year before it for 去年…比2021年增长30% in a 2023 text)
        named = (last_year_cue(year_cues(sent), 0, mention.q.start)
                 or _part_year(sent[: mention.q.start], mention.section.year, written)) if base else None
        since_year = bool(base and named and named - int(base.group(1)) > 1)  # 2019年…比2012年增长125%
        average = bool(c["average"].search(lead_in)) or since_span or since_year
        m = c["growth"].search(lead_in)
        # 是上年的3倍, 同比实现翻番: what stands before the comparison is the subject, if any
        subject = lead_in[: m.start()] if m else (cues()["times_lead"].sub("", lead_in) if mention.times else lead_in)
        subject = re.sub(r"[（(]|同比(?:去年|上年|上一年)?|比上年度?|较上年度?|分别|均|同期|[比较][^，。；,;]{0,12}|"
                         r"(?:与|和|同)(?:20\d\d年|上年|去年|上一年)(?:同期)?相?|"
                         r"(?:上述|以上|这|此)?(?:[两二三四五六七八九]项)?(?:数据|指标)|二者|两者", "", subject)
        # (两项数据较2016年分别增长x%和y%: the figures just stated, no subject of its own)
        subject = strip_joiners(subject.strip()).strip()  # a line break before 分别增长 is no subject
        candidates = [
            p
            for p in items[:i]
            if not p.growth
            and p.yoy is None
            and p.group_start == mention.group_start
            and p.unit not in {"%", "百分点"}
            and not cues()["change_by"].search(p.lead_in)  # 增长238.88亿元,提高65.82%: the change, not the level
            and not (_is_to_value(items, p) and not _yoy_words().search(lead_in)  # 由A增加至B,增长5.5倍: over the span
                     and not (p.idx and _FROM_LAST_YEAR.search(items[p.idx - 1].lead_in)))  # (由上年的A: on last year)
            and not (p.lead_in.rstrip().endswith(("从", "由")) or _FROM_YEAR_BASE.search(p.lead_in)
                     or _FROM_LAST_YEAR.search(p.lead_in) or _COMPARED_BASE.search(p.lead_in)
                     or c["last_year_base"].search(p.lead_in))  # a base (由A…, 由上年的A, 较2022年的A, 上年为A)
            and not _IN_PARENS.search(p.lead_in)  # 新认定300家(任务目标180家),同比增长16%: an aside
            and not ((_count_on_last_year(p) or _GAIN_ON_YEAR.match(strip_joiners(p.lead_in)))
                     and any(not o.growth and o.group_start == p.group_start
                             for o in items[: p.idx]))  # 达到128家,比上年(较2022年)净增35家,增长37.6%
            and "share_base" not in p.flags
            and "threshold" not in p.flags
            and not (c["milestone"].match(sent, p.q.end)  # 产值305亿元,首次突破300亿元大关,同比增长46%
                     and any(o is not p and not o.growth and o.indicator is p.indicator for o in items))
            and not _passed_after(items, p)  # 成交额达12亿元,首次突破10亿元,同比增长46%
        ]
        if (not candidates and not subject and i and mention.clause_start == mention.group_start
                and items[i - 1].group_start < mention.group_start and _yoy_words().search(lead_in)):
            # …占工业增加值的45.25%;同比增速15.5%: a bare yoy opening its group is the last level's
            before = [p for p in items[:i] if p.group_start == items[i - 1].group_start and not p.growth
                      and p.yoy is None and p.unit not in {"%", "百分点"} and "share_base" not in p.flags
                      and p.indicator is not None]
            candidates = before[-1:]
        targets: list[Mention] = []
        if not average:
            if not subject:
                # 分别增长207.54%、200 (the page cut the list): the unread rates still take their places
                cut = _CUT_RATES.match(sent, group[-1].q.end) if "分别" in sent[mention.clause_start:mention.q.start] else None
                n = len(group) + (sum(cut.group(0).count(ch) for ch in "、和及") if cut else 0)
                if len(candidates) >= n:
                    targets = candidates[-n:][: len(group)]
            else:
                key = re.sub(r"[量数额]$", "", subject)
                hit = [p for p in candidates if key and key in p.phrase]
                if hit and len(group) == 1:
                    targets = hit[-1:]
                elif len(group) == 1 and not candidates:
                    # 增加值847.85亿元,占…54.4%;高新技术产业增加值增速18%: the growth of a level the
                    # sentence stated before, named in full again
                    earlier = [p for p in items[:i] if not p.growth and p.yoy is None and p.indicator
                               and p.unit not in {"%", "百分点"} and "share_base" not in p.flags
                               and p.phrase.endswith((subject, key)) and len(key) >= 4
                               and taxonomy.match_indicator(subject, p.unit) == p.indicator]
                    targets = earlier[-1:]
                parts = _split_items(subject)
                if len(group) > 1 and len(parts) == len(group):
                    # 专利申请量和授权量分别同比增长50.6%和28.1%: one subject for each rate
                    keys = [re.sub(r"[量数额]$", "", part.strip()) for part in parts]
                    found = [min((p for p in candidates if k and k in p.phrase),
                                 key=lambda p: len(p.phrase), default=None) for k in keys]  # 专利申请, not 发明专利申请
                    if all(found) and len(set(map(id, found))) == len(found):
                        targets = found
            nxt = items[j] if j < len(items) else None
            after = items[j : j + len(group)]
            if (not targets and len(group) > 1 and len(after) == len(group) and _parts_named(subject, len(group))
                    and all(not a.growth and a.yoy is None and a.group_start == mention.group_start for a in after)
                    and _REACHED.fullmatch(strip_joiners(after[0].lead_in).replace("分别", "").strip())
                    and all(strip_joiners(a.lead_in) == "" for a in after[1:])):
                targets = after  # 成交额、登记数分别增长22%、15%,达到4.6亿元、268项: in order
            if (not targets and len(group) == 1 and nxt is not None and not nxt.growth
                    and nxt.yoy is None and nxt.group_start == mention.group_start
                    and _REACHED.fullmatch(strip_joiners(nxt.lead_in).strip(" )）"))  # (同比增长25%)达到
                    and (not subject or re.sub(r"[量数额]$", "", subject) in nxt.phrase
                         or (bare := _bare_subject(subject)) and bare in nxt.phrase)):
                targets = [nxt]  # 成交额同比增长25%,达到10亿元: the level after its growth
                # (全年 / 实现 / 力争 before the subject: 实现产值同比增长15%,达到300亿元)
        for g, t in zip(group, targets, strict=False):
            if sign < 0 and g.q.value < 0:  # 下降-5%: which way it went is not clear
                g.flags.append("sign_unclear")
                continue
            yoy = sign * g.q.value * (100 if g.q.unit == "倍" else 1)  # 增长2.8倍 = +280%
            if g.times:
                yoy = (g.q.value - 1) * 100  # 是上年的3倍 = +200%
            g.attached = True
            if not plausible_yoy(yoy):
                t.flags.append("yoy_implausible")  # 增长2583%: a badly split sentence, dropped
                continue
            t.yoy = yoy
        for g in group:
            if not g.attached:
                g.flags.append("growth_since_fyp" if since_span
                               else "growth_since_year" if since_year
                               else "average_growth" if average else "growth_only")
                g.phrase = strip_joiners(lead_in)
        i = j


def _parts_named(subject: str, n: int) -> bool:
    """A growth list's subject names ``n`` measures (成交额、登记数), one per rate."""
    return len(_split_items(subject)) == n


@lru_cache(maxsize=PHRASE_CACHE)
def _bare_subject(subject: str) -> str:
    """A growth's subject without the filler and verb before it (全年, 实现, 力争) nor its
    measure's last character: what the level after it names too."""
    core = cues()["lead_verb"].sub("", strip_words(subject))
    core = cues()["target_verb"].sub("", core) if cues()["target_verb"].match(core) else core
    return re.sub(r"[量数额]$", "", strip_words(core))


def _estimate_scope(sent: str, mention: Mention) -> bool:
    """预计 at a sentence's start covers the sentence, and after a semicolon the part up to
    the next one; elsewhere its own clause and the clauses that continue its subject
    (预计研发投入185亿元,占GDP比例2.35%)."""
    c = cues()
    pos = mention.q.start
    for m in c["estimate"].finditer(sent, 0, pos):
        semi = max(sent.rfind("；", 0, m.start()), sent.rfind(";", 0, m.start()))
        lead = sent[semi + 1: m.start()].strip(" ，,")
        if not lead or re.fullmatch(r"20\d\d年度?|同时|此外|另外", lead):
            if semi >= 0 and ("；" in sent[m.end():pos] or ";" in sent[m.end():pos]):
                continue  # …;预计新增850家,…总数达到5902家;…: a part ends at its semicolon
            # …until a clause opens with a year of its own (预计全年…,2017年我县新增…)
            covered = not any(m.end() < start and end <= pos for start, end, _ in year_cues(sent))
            if covered or semi < 0:
                return covered
            # after a semicolon, a year in the part leaves it to the clause rules below
        if m.start() >= mention.clause_start:
            return True
        if mention.borrowed and mention.group_start <= m.start():
            return True
        lo = _clause_start(sent, m.start())
        hi = m.start()
        if not sent[lo:hi].strip(" ，,"):  # 预计 opens its clause: its subject follows it
            digit = _FIRST_DIGIT.search(sent, m.end(), pos)
            lo, hi = m.end(), digit.start() if digit else m.end()
        if mention.group_start <= m.start() and _same_subject(sent, lo, hi, mention.lead_in):
            return True  # 预计研发支出397亿元,研发投入强度达到1.95%: the same subject goes on
        if mention.group_start <= m.start() and cues()["subset"].match(strip_joiners(mention.lead_in)):
            return True  # 预计完成专利授权2800件,其中发明专利授权350件: a part of the forecast
    return False


def _clause_start(sent: str, pos: int) -> int:
    """Where the clause holding ``pos`` starts."""
    return last_mark(sent, 0, pos, CLAUSE_MARKS)


def _same_subject(sent: str, lo: int, hi: int, lead_in: str) -> bool:
    """The forecast clause's subject (sent[lo:hi]) and a later figure's phrase open with
    the same noun of at least two characters."""
    subject = cues()["subject_noise"].sub("", strip_words(sent[lo:hi].strip()))
    phrase = cues()["subject_noise"].sub("", strip_words(strip_joiners(lead_in)))
    n = 0
    while n < min(len(subject), len(phrase)) and subject[n] == phrase[n]:
        n += 1
    return n >= 2 and bool(_TWO_HAN.match(subject[:n]))


def _own_time_in_span(sentence: Sentence, mention: Mention, cues_before: tuple[re.Match[str] | None, ...],
                      span: tuple[int, int], this_year: int | None) -> int | None:
    """A year of the span (2020年) or 今年 named in the figure's own clause after the cue that
    set the span: the figure is that year's, not a sum over the span."""
    ends = [m.end() for m in cues_before if m is not None]
    if not ends:
        return None
    lo = max(mention.clause_start, *ends)
    hi = mention.q.start
    named = [y[2] for y in sentence.years if lo <= y[0] and y[1] <= hi and span[0] <= y[2] <= span[1]]
    if named:
        return named[-1]
    if cues()["this_year"].search(sentence.text, lo, hi):
        return this_year
    return None


def _served(sent: str, mention: Mention) -> bool:
    """A count of firms a service reached (为27家企业争取补贴, 走访高新技术企业300家), not
    a count of the region's firms."""
    c = cues()
    lead = mention.lead_in.rstrip()
    end = mention.q.end
    if c["served"].search(lead):
        return c["service_act"].match(sent, end) is not None
    if lead.endswith("对") and c["rewarded"].match(sent, end):
        return True  # 对1524家科技型中小企业进行了奖励
    return c["served_by"].search(lead.strip()) is not None and c["recognised_after"].match(sent, end) is None


def _since_before(sentence: Sentence, pos: int, year: int | None) -> bool:
    """2018年以来 before ``pos`` in a later year's report: the figure sums a span (累计 = over it)."""
    since = sentence.last_before(sentence.since, pos)
    return since is not None and year is not None and int(since.group(1)) < year


@lru_cache(maxsize=512)
def _lead_is_subunit(sent: str, self_words: tuple[str, ...] = ()) -> bool:
    """The sentence opens with a part of the region (各镇…, 自创区…) or one institution
    (某某重点实验室搭建了…): cached per sentence."""
    c = cues()
    lead = sent.lstrip()
    return bool(_park_part(lead, self_words) or c["subunit_any"].match(lead) or c["town_lead"].match(lead)
                or c["institution_start"].search(lead)
                or (c["firm_start"].match(lead) and not c["region_again"].search(lead)))


def _park_part(text: str, self_words: tuple[str, ...]) -> bool:
    """A park opens ``text``, and it is not the report's own region (in a 高新区's own
    report, 聊城高新区新增… is the region speaking)."""
    m = cues()["subunit_start"].search(text)
    return m is not None and not _is_own_park(text, m, self_words)


def _is_own_park(text: str, m: re.Match[str], self_words: tuple[str, ...]) -> bool:
    """The park that opens a clause is the report's own: its word is the region's kind
    (高新区), what stands before it is nothing, the region's own stem, or no bare place name
    (苏州高新区 in another park's report is that park), and no unit inside it follows
    (某某高新区生物医药产业园新认定…: a part)."""
    if not self_words:
        return False
    stem, words = self_words[0], self_words[1:]
    word = next((w for w in words if m.group(0).endswith(w)), None)
    if word is None or cues()["park_inner"].match(text, m.end()):
        return False
    prefix = cues()["park_self"].sub("", m.group(0)[: -len(word)])
    return not prefix or (bool(stem) and stem in prefix) or not _BARE_NAME.fullmatch(prefix)


_BARE_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}")  # 苏州 before 高新区: a place's name, nothing else


@lru_cache(maxsize=256)
def _own_park_words(region: str) -> tuple[str, ...]:
    """(stem, word, …): the park words a zone's own report calls itself by (高新区 for
    某某高新技术产业开发区) after its stem (某某); () when the region is no park."""
    if not region.endswith("区"):
        return ()
    for key, kind in load_lexicon()["park_kind"].items():
        if key in region:
            stem = region[: region.find(key)].removesuffix("国家")
            return (stem, *kind.pattern.split("|"))
    return ()


def _subunit(sent: str, mention: Mention, region: str = "", level: str = "") -> bool:
    c = cues()
    if (c["subunit_after"].search(sent[mention.q.end : mention.q.end + 8])
            and not (level in _BELOW_CITY and "全市" in sent[mention.q.end : mention.q.end + 8])):
        return True  # (全区…12亿元,占全市的15% in a district's report: its share of the city)
    self_words = _own_park_words(region)
    if _lead_is_subunit(sent, self_words):
        return True
    if (unit := c["unit_lead"].match(sent.lstrip())) is not None and _other_unit(unit.group("place"), region):
        return True  # 其中,甲县完成技术合同成交额15.65亿元 in the city's report
    clause = sent[mention.clause_start : mention.q.start].lstrip(" \t，,；;")
    return bool(_park_part(clause, self_words) or c["subunit_any"].search(clause)
                or c["town_clause"].match(clause))  # 城关镇新认定…8家,全县共新认定20家: the 8


def _clause_body(sent: str, start: int) -> int:
    """Where a clause's words begin: after the mark and blanks that open it."""
    while start < len(sent) and sent[start] in " \t，,；;。":
        start += 1
    return start


@lru_cache(maxsize=PHRASE_CACHE)
def _other_unit(place: str, region: str) -> bool:
    """A county or district the gazetteer knows that is not the report's own region."""
    if region and (place in region or region in place):
        return False
    return bool(gazetteer.lookup(place))


# opens a from-to statement (从500亿元增长到800亿元); not 从事, 由于, 自由, 理由
_FROM = re.compile(r"(?<![自理缘经])[从由](?!事|于|此|来|衷)")
# 较“十二五”末期 (that plan's last year) or “十三五”期间 (the year before it began) near a
# from-value without a year: the base it starts from
_FYP_CONTEXT = re.compile(r"[“\"]?十(?P<n>[一二三四五])五[”\"]?(?P<how>期末|末|期间|时期|以来)")
_FYP_CONTEXT_CHARS = 300  # how far back (within the paragraph) such a plan mention is read
_RECOGNISED_ALL = re.compile(r"(?<![新首])(?:通过)?认定")  # 认定697家 (not 新认定): renewals too
# Goal and time words between listed names and their shared verb (…增加值要力争突破x和y).
_GOAL_WORDS_END = re.compile(r"(?:要|将|力争|确保|争取|预计|努力|年内|年底前)+$")
# A per-capita phrase without its noun (每万人拥有量达到, 每万人口拥有): the count before it is its noun.
_BARE_PER_10K = re.compile(r"(?:平均)?每万(?:人|人口|名)(?:拥有量?|拥有)?(?:数|量)?(?:达到|达|为)?")
# A from-to pair's own year, right before a value (由2015年的300家, 增长到2020年的800家): it dates
# that value even inside a span since some year (十三五以来), which would otherwise sum it.
_PAIR_YEAR = re.compile(r"(?:[从由]|[到至])\s*(?P<y>20\d\d)\s*年(?:底|末)?的?$")
# 从2021年的 / 由“十三五”末的 right before a value: the value is the base of a change
_FROM_YEAR_BASE = re.compile(r"[从由]\s*(?:20\d\d\s*年(?:底|末|初)?|[“\"]?十[一二三四五]五[”\"]?(?:末|期末))的?$")
_FROM_LAST_YEAR = re.compile(r"[从由](?:上年|去年|上一年)(?:的|底|末)?$")  # 由上年的 A 增至 B
# 较2022年的 A 增长了21%: the value a growth is measured from, of the year it names
_COMPARED_BASE = re.compile(r"(?:较|比)\s*(?:(?P<y>20\d\d)\s*年(?:底|末)?|上年|去年|上一年)(?:同期)?的$")
# 第二批: a batch of a list, whose count is the batch's, not the year's
_BATCH = re.compile(r"第[一二三四五六七八九十\d]+批")


def _sum_continued(items: list[Mention], mention: Mention) -> bool:
    """累计申请专利364件,获授权专利214件: a later clause of a sentence that opened with a sum
    (累计, 共计 …), stating no level of its own (达到, 拥有 …) and no 同比, is a sum over the same
    span."""
    if (mention.indicator is not None and mention.indicator.stock) or mention.yoy is not None:
        return False  # a level (投入使用82万平米), or a figure with its own 同比: no sum over a span
    first = next((p for p in items[:mention.idx] if not p.growth), None)
    return (first is not None and first.clause_start != mention.clause_start
            and cues()["span_sum"].search(first.lead_in) is not None
            and not cues()["stock_word"].search(mention.lead_in))




def _to_figure(
    doc_id: str,
    text: str,
    sentence: Sentence,
    sentence_text: str,
    mention: Mention,
    items: list[Mention],
    meta: DocMeta,
    inherited: tuple[str | None, int | None] = (None, None),
) -> Figure:
    c = cues()
    q = mention.q
    sent = sentence.text
    s = sentence.start
    section = mention.section
    ind = mention.indicator if not mention.growth else None
    if (ind is not None and ind.unit in _COUNT_UNITS and "亿元" in sent
            and c["per_gdp"].search(sent, mention.clause_start, q.start)):
        ind = None  # 每百亿元GDP专利授权数…分别达180件和68件: counts per GDP, no count indicator
    flags = list(mention.flags)
    year = inherited[1] or section.year  # a 其中 sentence continues the one before it
    period = inherited[0] or section.period
    span = section.span
    span_m = sentence.last_before(sentence.spans, q.start)  # the last span cue before
    plan_so_far = False  # “十四五”以来 in a 2024 plan: the results up to the year before
    if (span_m is not None and section.kind == "plan" and span_m.group(0).endswith("以来")
            and ([y for y in sentence.years if span_m.end() <= y[0] < q.start]
                 or c["target_verb"].search(sent, span_m.end(), q.start))):
        span_m = None  # “十四五”以来,…;力争2024年新认定50家: the goal's own time
    if span_m is not None:
        span = fyp_span(span_m.group(1))
        if span_m.group(0).endswith("以来") and section.year and span[0] <= section.year and (
                section.year < span[1] or (section.kind == "summary" and section.year >= span[1] + 2)):
            # “十四五”以来 in a 2023 report: 2021-2023 so far; in 2021, that year alone; “十三五”以来
            # in a summary of 2023: since 2016, up to now (in 2021, or a plan's review of it, the
            # plan's own years); a plan's so far ends the year before it
            now = section.year - 1 if section.kind == "plan" and section.year > span[0] else section.year
            plan_so_far = now < section.year
            span = (span[0], now) if now > span[0] else None
            if span is None and plan_so_far:
                year = now
        if span is not None:
            year = span[1]
    if (span_m is None and span is None and sentence.para_span is not None
            and (c["span_sum"].search(mention.lead_in) or _sum_continued(items, mention))
            and not year_cues(sent[mention.group_start:q.start])
            and not (sentence.period_hint and sentence_period(sent, q.start, None)[0])
            and not c["this_year"].search(sent, 0, q.start)
            and (para := fyp_span(sentence.para_span.group(1)))[1] <= (section.year or 0)):
        # “十二五”期间,…。…技术合同输出共计1699项: a sum later in the paragraph is over the span
        # (not one its own sentence dates: 今年以来, 1-6月; nor a span still ahead)
        span = para
        year = span[1]
    since = sentence.last_before(sentence.since, q.start)
    recalled_since = None  # 2023年以来 in a 2024 plan: the results of the years before it
    if (since is not None and section.kind == "plan"
            and ([y for y in sentence.years if since.end() <= y[0] < q.start]
                 or c["target_verb"].search(sent, since.end(), q.start))):
        since = None  # 2022年以来,…;力争2024年新认定50家: the goal's own time
    if since is not None and span_m is None and section.year and int(since.group(1)) < section.year:
        span = (int(since.group(1)), section.year)  # 2021年以来新增294家: a sum up to now
        year = section.year
        if section.kind == "plan":
            recalled_since = section.year - 1
            span = None if span[0] == recalled_since else (span[0], recalled_since)
            year = recalled_since
    recent = sentence.last_before(sentence.recent, q.start)
    if (recent is not None and span_m is None and since is None and section.year
            and recent.start() >= mention.group_start and section.kind == "summary"
            and last_year_cue(sentence.years, recent.end(), q.start) is None  # 近两年…,2018年…: the year's own
            and not (recent.group("last") and (mention.yoy is not None or sentence.period_hint
                                                and sentence_period(sent, q.start, None)[0]))):
        # (去年以来…,同比增长20% or …上半年…: the figure of this year or its part, not a sum)
        span = (section.year - recent_years(recent) + 1, section.year)  # 近两年新增14家
        year = section.year
    range_m = sentence.last_before(sentence.ranges, q.start)
    if range_m is not None and range_m.start() >= mention.group_start and span_m is None:
        span = (int(range_m.group("a")), int(range_m.group("b")))  # 2021年至2022年,新认定…

    def year_at(pos: int) -> int | None:
        """The year a figure at ``pos`` is dated by: a year cue in its clause group, else
        (in a summary) one run on from an earlier group of the sentence."""
        own_from = q.start - len(mention.lead_in)  # 由2018年的 A in the figure's own lead-in dates it
        run_on = tuple(y for y in sentence.years
                       if y[0] >= own_from or not (y[0] and sent[y[0] - 1] in "由从"))
        named = last_year_cue(run_on, mention.group_start, pos)  # not 由2018年的 A: a base
        if (named is not None and section.kind == "plan" and section.year and named < section.year
                and (cue := max((y for y in run_on if mention.group_start <= y[0] and y[1] <= pos), default=None))
                and c["target_verb"].search(sent, cue[1], pos)):
            named = None  # a plan's 截至2023年底,…320家,力争年底达到360家: the goal is not 2023's
        opens_past = bool(sentence.years and sentence.years[0][0] <= _YEAR_OPENS_AT
                          and section.year is not None and sentence.years[0][2] < section.year)
        if (named is None and mention.group_start > 0 and section.year is not None
                and (section.kind == "summary" or (
                    section.kind == "plan" and opens_past
                    and not c["target_verb"].search(sent, mention.group_start, pos)))):  # (…;力争…: this year's)
            # (a plan's 2022年,全区新增高企45家…;技术合同成交额18.6亿元: the year it recalls runs on)
            bases = {y[0] for y in sentence.years} - {y[0] for y in run_on}  # only when asked
            if not any(m.start() not in bases
                       for m in c["own_time"].finditer(sent, mention.group_start, pos)):
                carried = last_year_cue(run_on, 0, mention.group_start)
                if carried is not None and carried < section.year:
                    return carried  # 2023年…达到9.51亿元;高新技术产业…175亿元: the year runs on
        return named

    explicit = recalled_since if since is not None and span is None else None if since is not None else year_at(q.start)
    fyp_end = sentence.last_before(sentence.fyp_ends, q.start)
    own_base = (fyp_end is not None and cues()["change_to"].search(mention.lead_in) is None
                and _FROM.search(sent, q.start - len(mention.lead_in), fyp_end.start()) is not None)
    if (fyp_end is not None and fyp_end.start() >= mention.group_start and (span is None or own_base)
            and not (mention.idx and items[mention.idx - 1].q.start >= fyp_end.end())):
        # only the value right after it (是“十二五”末期的6.2倍、…总数达到2560家: not the total)
        explicit = fyp_span(fyp_end.group(1))[1]  # 由“十三五”末的120家: the plan's last year
        if own_base:
            span = None  # “十三五”期间,…由“十二五”末的58家增长到…: the base, not a level of the span
    if (base := _BASE_VALUE.fullmatch(strip_joiners(mention.lead_in))) is not None:
        explicit = int(base.group(1))  # 是2007年1080亿元
    if (compared := _COMPARED_BASE.search(mention.lead_in)) is not None and section.year:
        # 专利授权量较2022年的980件增长了21%: 980 is that year's
        explicit = int(compared.group("y")) if compared.group("y") else section.year - 1
    change = cues()["change_to"].search(mention.lead_in)
    from_to = _is_to_value(items, mention)
    if from_to and not YEAR_CUE.search(mention.lead_in, change.end()):
        # 从2020年的500亿元增长到800亿元: the year dates the first value only; the second
        # takes the time before 从 (2019年,…由2018年的156家增加到272家)
        if (m := _FROM.search(mention.lead_in, 0, change.start())) is not None:
            from_at = q.start - len(mention.lead_in) + m.start()
        else:
            prev = items[mention.idx - 1]  # (its lead-in: the pair may span a comma)
            from_at = prev.q.start - len(prev.lead_in) + _FROM.search(prev.lead_in).start()
        if explicit is not None:
            year = section.year
        explicit = year_at(from_at) if since is None else None
    if change is None and explicit is None and mention.lead_in.rstrip().endswith(("从", "由")) and (
            parallel := [y for y in sentence.years if y[0] and sent[y[0] - 1] in "由从" and y[1] <= q.start]):
        explicit = parallel[-1][2]  # 高企从2020年的52家增至117家;科小从78家增至150家: the same base
    elif (change is None and mention.lead_in.rstrip().endswith(("从", "由")) and explicit is None
          and span is None):
        # 由13%提升至21.2% with no year of its own: a plan's last year the paragraph names
        # (较“十二五”末期…, “十三五”期间…), else a year the text does not settle
        lo = max(0, s - _FYP_CONTEXT_CHARS, text.rfind("\n", 0, s) + 1)  # its own paragraph
        ctx = list(_FYP_CONTEXT.finditer(text, lo, s + q.start))
        recent_ctx = list(RECENT_YEARS.finditer(text, lo, s + q.start))
        if c["this_year"].search(sent, mention.group_start, q.start):
            ctx = recent_ctx = []  # 今年,…由120家增加到150家: the base is not the plan's
        if ctx and (not recent_ctx or ctx[-1].start() > recent_ctx[-1].start()):
            n, how = ctx[-1].group("n"), ctx[-1].group("how")
            first, last = fyp_span(n)
            explicit = last if how in ("末", "期末") else first - 1
        elif recent_ctx and section.year and section.kind == "summary":
            explicit = section.year - recent_years(recent_ctx[-1])  # 过去五年…由49家增长到127家
        else:
            year = None
    if change is None and (explicit or section.year) and _FROM_LAST_YEAR.search(mention.lead_in):
        explicit = (explicit or section.year) - 1  # 2022年…由上年的12.86亿元增至24.49亿元
    if (span_m is None and since is None and (change is None or from_to)
            and (whole := sentence.last_before(sentence.ranges, q.start)) is not None
            and (from_to or mention.lead_in.rstrip().endswith(("从", "由")))
            and not [y for y in sentence.years if whole.end() <= y[0] < q.start]):  # (…;2021年,…由A: its own)
        # 2018年至2021年,全市…由1.74%增长至2.45%: the levels at the span's ends, not a sum
        span, explicit = None, int(whole.group("b" if from_to else "a"))
    last_year_clause = (
        explicit is None and since is None and span is None
        and (lt := _last_match(c["last_year_time"], sent, max(0, mention.group_start - 1), q.start)) is not None
        and not c["this_year_again"].search(sent, lt.end(), q.start))
    if last_year_clause and sentence.written is not None:
        # 截至去年底,…614家 on a page of 2023: 2022's. 去年 is counted from when the text was
        # written, so only a page date (or the conference a news lede reports) settles it
        # (a report of 2022 may be posted in 2023)
        explicit = sentence.written - 1
    elif section.kind == "plan" and section.year and (last_year_clause or (
            explicit is None and since is None and span is None
            and (pt := _last_match(c["past_year_plan"], sent, max(0, mention.group_start - 1), q.start)) is not None
            and not c["this_year_again"].search(sent, pt.end(), q.start)
            and not c["target_verb"].search(sent, pt.end(), q.start))):
        # 今年…提出新目标:…。去年,某市新增230家 (过去一年,全区…): a plan recalls a result
        explicit = section.year - 1
    elif (section.kind == "summary" and sentence.news_date is not None
          and sentence.news_date[1] <= _LOOK_BACK_LAST_MONTH
          and explicit is None and since is None and span is None
          and (pt := _last_match(c["past_year_plan"], sent, 0, q.start)) is not None
          and not c["this_year_again"].search(sent, pt.end(), q.start)
          and not c["target_verb"].search(sent, pt.end(), q.start)):
        explicit = sentence.news_date[0] - 1  # a news item of 2023-02: 过去一年,全县新增… is 2022's
    if (explicit is None and span is None and section.kind == "summary" and sentence.written is not None
            and section.year is not None and section.year < sentence.written
            and c["so_far_opening"].match(sent)):
        explicit = sentence.written  # 召开2021年…会议。去年,…。今年以来,…新认定5家: 2021's
    if span is None and c["last_year_base"].search(mention.lead_in):
        named = last_year_cue(sentence.years, 0, q.start)
        now = named or sentence.written or section.year
        explicit = None if now is None else now - 1  # 2021年…120家,去年为80家: 2020's
    if (pair_year := _PAIR_YEAR.search(mention.lead_in)) is not None and (change is None or from_to):
        span, explicit = None, int(pair_year.group("y"))  # 十三五以来,…由2015年的300家增长到2020年的800家
    if explicit is not None:
        year = explicit
    if mention.series_year is not None:
        span, year, explicit = None, mention.series_year, mention.series_year
    if ind is not None and ind.right_context and explicit is None and span is None and (
            edition := _award_edition(sent, mention, sentence.next_stop(q.end))):
        year = explicit = edition  # 11个项目荣获2023年度国家科学技术奖: that year's prizes
    if (ind is not None and explicit is None and span is None and section.kind == "summary"
            and ind.metric_id.startswith("rd_") and "统计" in sent
            and (stat := _last_match(c["rd_statistic_year"], sent, 0, q.start)) is not None
            and not c["own_time"].search(sent, stat.end(), q.start)
            and not c["target"].search(sent, stat.end(), q.start)):  # 完成…统计,力争…: this year's goal
        year = explicit = int(stat.group("y"))  # 完成2017年度研发投入统计,…研发经费37亿元: 2017's
    if mention.since_fyp is not None and section.year and section.year > mention.since_fyp + 1:
        span = (mention.since_fyp + 1, section.year)  # 较“十三五”末增加210家: new over the years since
    elif mention.since_fyp is not None and section.year == mention.since_fyp + 1:
        span, year = None, section.year  # in the plan's first year: that year's new ones
    if span is not None and (in_span := _own_time_in_span(sentence, mention, (span_m, since, recent), span,
                                                          section.year)):
        span, year = None, in_span  # “十三五”期间…年均增速14.8%,2020年达到303.93亿元: that year's figure
        explicit = in_span if in_span != section.year else explicit
    if span is not None:
        is_stock = bool(ind and ind.stock) and not _NEW_VERBS.search(mention.phrase)  # 累计新增科小300家: new ones, a sum
        # a level at the span's end: the year's, or the part of it the report covers when the
        # span runs up to now (去年以来…投入使用82万平米 in a first-half report: H1)
        level_period = section.period if span[1] == section.year and section.period else "FY"
        period = level_period if is_stock else f"{span[0]}-{span[1]}"
        year = span[1]
        if change is None and mention.lead_in.rstrip().endswith(("从", "由")):
            period, year = "FY", span[0] - 1  # “十三五”期间…由120家增加到300家: the span's base
        elif from_to:
            period = "FY"  # 过去五年…经费支出从17.45亿元增长到30.69亿元: the level reached, not a sum
    cue_period = None  # the period a cue before the figure sets, read once per figure
    stated = explicit
    if span is None and sentence.period_hint:
        cue_period, cue_year = sentence_period(sent, q.start, None)
        year_cue = next((start for start, end, _ in reversed(sentence.years)
                         if start >= mention.group_start and end <= q.start), None)
        if cue_period and year_cue is not None and year_cue >= last_period_cue_end(sent, q.start):
            cue_period = None  # 今年1至5月份…;2010年,实现产值310亿元: a year named after the period
        if (section.kind == "plan" and cue_year is not None and section.year and cue_year < section.year
                and c["target_verb"].search(sent, max(sent.rfind(str(cue_year), 0, q.start), 0), q.start)):
            cue_period = cue_year = None  # a plan's 2023年底,…320家;力争达到360家: the goal's year is its own
        period = cue_period or period
        if cue_year is not None and explicit is None:
            year = cue_year
            stated = cue_year  # 截止2018年底,…达285家: a year stated by its cue (meta8)
    if span is None and (note := _PERIOD_NOTE.match(sent, q.end)) is not None:
        cue_period = period = period_of_months(int(note.group("m")))  # 7.5亿元(截至11月底): its months
    if (explicit is not None and span is None and cue_period is None and section.year
            and explicit < section.year):
        period = "FY"  # 2011年…2452亿元 in a 1-10月 report of 2012: the earlier year's whole
    elif last_year_clause and explicit is None and cue_period is None:
        period = "FY"  # 去年,全县…1亿元 in a 1-5月 item of no known year: last year's whole
    lead_in = _lead_in_cues(mention.lead_in)
    kind = "actual"
    if section.kind == "plan" or (mention.goal_after and not mention.growth):
        kind = "target"
    elif (sentence.estimate and (_estimate_scope(sent, mention) or lead_in.estimate)) or c["estimate_note"].match(sent, q.end):
        kind = "estimate"  # …, or 2886家(预计数): a note after the figure says it is a forecast
    elif not mention.growth and (lead_in.goal_ref
                            or (sentence.target_verb and _goal_verb_reaches(sentence, mention))):
        kind = "target"
    elif (not mention.growth and (span is None or span[1] == year) and year is not None
          and section.year is not None and year > section.year
          and _future_year(sent, mention.group_start, q.start) == year):  # (…十三五…,到2020年…达到)
        kind = "target"  # 到2025年底…达到800家 in a 2023 summary: a goal, not a result
    if (kind == "target" and section.kind == "plan" and section.year
            and ((stated is not None and stated < section.year) or recalled_since is not None or plan_so_far)
            and not lead_in.goal_ref and not mention.goal_after
            and not (sentence.target_verb and c["target_verb"].search(sent, mention.group_start, q.start))):
        kind = "actual"  # 2019年总数达120家 in a 2021 plan: a past result it recalls
        if sentence.estimate and (_estimate_scope(sent, mention) or lead_in.estimate):
            kind = "estimate"  # 预计2023年…达到18亿元 in a 2024 plan: last year's forecast
    if (kind == "target" and section.kind == "summary" and section.year and explicit is None and span is None
            and _NEXT_YEAR.search(sent, mention.group_start, q.start)):
        year = section.year + 1  # …达到320家;力争明年达到360家 in a 2023 summary: 2024's goal
    if (kind != "actual" and year is not None and section.year and year < section.year
            and _FROM_YEAR_BASE.search(mention.lead_in)):
        kind = "actual"  # 预计…将从2021年的5亿元增长至11亿元: the base of a change is a past fact
    if (section.kind == "summary" and section.year and year is not None
            and (now := c["now_word"].search(sent, mention.clause_start, q.start)) is not None
            and not YEAR_CUE.search(sent, now.end(), q.start)):
        # …要从300家增长到2025年的800家,目前已达到650家: the level now, not the goal's
        year = section.year
        if kind == "target" and not c["target_verb"].search(sent, mention.clause_start, q.start):
            kind = "actual"
    if (kind == "actual" and span is None and cue_period is None and section.kind == "summary"
            and sentence.news_date is not None and section.year is not None
            and section.year < sentence.news_date[0] and year in (section.year, sentence.news_date[0])
            and (now := c["so_far_now"].search(sent, mention.group_start, q.start)) is not None
            and not [y for y in sentence.years if now.end() <= y[0] < q.start]
            and (months := so_far_months(*sentence.news_date[1:]))):
        # a news item of 2014-04-30 on the year before: 目前,全县高新技术企业达21家 is the
        # level when it was written, 2014's first four months, not the year it looks back on
        year, period = sentence.news_date[0], period_of_months(months)
    to_value = items[mention.idx + 1] if mention.idx + 1 < len(items) else None
    if (kind in ("target", "actual") and span is None and change is None and to_value is not None
            and mention.lead_in.rstrip().endswith(("从", "由")) and not _FROM_YEAR_BASE.search(mention.lead_in)
            and _is_to_value(items, to_value)
            and (kind == "target" or (sentence.target_verb and (
                verb := _last_match(c["target_verb"], sent, mention.group_start, to_value.q.start)) is not None
                and verb.start() < q.start))):
        # 2019年高企总数要从750家增长到970家: 750 is where the goal starts, a fact of the year before
        kind, year = "actual", None if year is None else year - 1
    completion = q.unit == "%" and (c["completion"].search(mention.lead_in) is not None
                                    or c["completion"].search(sent, mention.clause_start, q.start) is not None)
    if completion:
        kind = "actual"  # 完成年度任务的107%: how much of the goal was met, a result
        flags.append("completion_rate")
    if kind == "target" and span is None and (cue_period is None or mention.goal_after):
        period = "FY"  # a goal is for the whole year, even in a half-year report
    if kind == "estimate" and span is None and cue_period is None:
        period = "FY"  # 预计全市高企达到680家 in a 1-9月 report: a forecast of the year's end
    qualifier = mention.qualifier
    if qualifier != "range":
        after = _after_qualifier(sent[q.end : q.end + 3])
        if lead_in.more_before or after == ">":
            qualifier = ">"
        elif lead_in.about_before or after == "~":
            qualifier = "~"
    metric_id = ind.metric_id if ind and not completion else ""
    if ind and not completion:
        if _subunit(sent, mention, meta.region, meta.admin_level):
            flags.append("subunit")
            metric_id = ""
        if lead_in.comparator:
            flags.append("comparator")
            metric_id = ""
        if _other_bureau(sent[mention.clause_start:q.start], meta):
            flags.append("other_place")
            metric_id = ""
        elif c["wider_area"].match(sent, mention.clause_start, q.start) or (
                mention.borrowed and (base := next((p for p in reversed(items[:mention.idx]) if not p.growth
                                                    and p.group_start == mention.group_start), None))
                and c["wider_area"].match(sent, base.clause_start, base.q.start)
                and not c["own_region"].search(sent, mention.clause_start, q.start)):  # (…,我市达到1200家)
            flags.append("wider_area")  # 全省高新技术企业达到1.2万家: the province's, not ours
            metric_id = ""  # (我省…产值…,累计占…比重32.1%: its share borrows the province too)
        elif (meta.admin_level in _BELOW_CITY and (not meta.region or meta.region.endswith(("区", "县", "旗")))
              and c["parent_city_lead"].match(sent,
                                              _clause_body(sent, mention.clause_start), q.start)):
            flags.append("parent_city")  # 全市技术合同成交额突破100亿元 in a district's report: the city's
            metric_id = ""
        if (c["milestone"].match(sent, q.end) and any(
                o is not mention and o.indicator is ind and not o.growth for o in items)) or (
                c["class_of_places"].match(sent, q.end) and c["more_verb"].search(mention.lead_in[-3:])):
            # (产值305亿元,首次突破300亿元大关: the mark; stated alone, 首次突破10亿元大关 is the figure, >)
            flags.append("threshold")
            metric_id = ""
        if c["firm_unit"].fullmatch(q.unit) and _served(sent, mention):
            flags.append("served")  # 为27家高新技术企业争取补贴: the firms helped, not how many there are
            metric_id = ""
        elif c["firm_unit"].fullmatch(q.unit) and c["selected"].match(sent, q.end):
            flags.append("selected")  # 8家国家高新技术企业入选…名单: another body's pick
            metric_id = ""
        if c["pace"].match(sent, q.end):
            flags.append("pace")  # 以每年6-7家的速度增加: how fast, not how many
            metric_id = ""
        if ind.batched:
            prev_clause = sentence.mark_before(sentence.clause, mention.group_start, max(mention.clause_start - 1, 0))
            since_prev = items[mention.idx - 1].q.end if mention.idx else 0  # a batch cue: next figure only
            if _BATCH.search(sent, max(prev_clause, since_prev), q.start):
                flags.append("batch")
                metric_id = ""
        nxt = items[mention.idx + 1] if mention.idx + 1 < len(items) else None
        renewed = bool(ind.metric_id.endswith("_new") and nxt is not None
                       and _RECOGNISED_ALL.search(mention.lead_in)
                       and c["new_part"].match(strip_joiners(nxt.lead_in)))
        if renewed:
            flags.append("with_renewed")  # 认定697家,其中新认定391家: 697 counts renewals too
            metric_id = ""
        new_part = bool(ind.metric_id.endswith("_new") and mention.idx
                        and c["new_part"].match(strip_joiners(mention.lead_in))
                        and _RECOGNISED_ALL.search(items[mention.idx - 1].lead_in))
        # 全年12亿元,其中上半年6亿元: a part of the year is that period's figure, not a subset
        part = c["subset"].search(mention.lead_in)
        period_part = bool(part and ((cue_period is not None and cue_period != section.period
                                      and PERIOD_CUES.search(mention.lead_in, part.end()))
                                     or YEAR_CUE.match(mention.lead_in, part.end())))  # 其中2020年新增80家
        if not new_part and not period_part and not mention.goal_after and not mention.own_part and (lead_in.subset or c["subset"].search(mention.phrase)
                or (c["subset"].search(sent, mention.group_start, q.start)  # 其中4个项目…,争取经费550万元
                    and not c["total_of_parts"].match(strip_joiners(mention.lead_in)))):  # (…其中…,共有14个)
            parent = next(
                (p for p in reversed(items[: mention.idx]) if not p.growth and p.indicator), None
            )
            if (parent and parent.indicator and parent.indicator.metric_id == ind.metric_id
                    and not (from_to and parent is items[mention.idx - 1])  # 其中…由200件,增长到260件
                    and (ind.core or platform_level(mention.lead_in) == platform_level(parent.lead_in))):
                flags.append("subset")
                metric_id = ""
    if (ind is not None and ind.stock and year is not None
            and (last_cue := max((y for y in sentence.years if y[1] <= q.start), default=None))
            and last_cue[2] == year and c["year_start"].match(sent, last_cue[1])
            and (last_cue[0] >= q.start - len(mention.lead_in)  # 从2020年初的215家: its own
                 or (c["as_of"].search(sent, max(0, last_cue[0] - 3), last_cue[0])  # 截至2024年初,…
                     and not PERIOD_CUES.search(mention.lead_in)))):  # (…,年底达到520家: that year's)
        year, period = year - 1, "FY"  # the stock at the end of the year before
    phrase = mention.phrase or strip_joiners(mention.lead_in)
    start = s + q.start
    end = s + q.end
    return Figure(
        doc_id=doc_id,
        metric_id=metric_id,
        metric_name=taxonomy.get_indicator(metric_id).name_zh if metric_id else "",
        indicator=taxonomy.indicator_phrase(phrase),
        value=q.value,
        unit=mention.unit or q.unit,
        yoy_pct=mention.yoy,
        qualifier=qualifier,
        year=year,
        period=period or "FY",
        kind=kind,
        sentence=sentence_text,
        char_start=start,
        char_end=end,
        raw=text[start:end],
        region=meta.region,
        value_high=q.value_high,
        note="; ".join([flag_notes()[f] for f in flags]) if flags else "",
        flags=tuple(flags),
        level=platform_level(mention.lead_in) if q.dimension == "count" else "",
    )


# 到2025年(底): a date ahead that the figure is to be reached by; not the end of a change
# (增长至2023年的4.04件) nor of a from-to (由2021年…至2023年).
_FUTURE_YEAR = re.compile(r"(?<![长高升加截止])(?:到|至)(20\d\d)年(?:底|末)?|(20\d\d)年(?:底|末)?\s*[,，]?\s*(?:将|要|力争|确保)")


def _future_year(sent: str, lo: int, hi: int) -> int | None:
    """The year a 到YYYY年 (or YYYY年将) cue in sent[lo:hi] names, unless the clause is a from-to."""
    found = None
    for m in _FUTURE_YEAR.finditer(sent, lo, hi):
        if not re.search(r"[由从]", sent[lo : m.start()]):
            found = int(m.group(1) or m.group(2))  # (or 2024年将提高到…: a year and a modal)
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

