"""The reporting region from weighted gazetteer evidence (see the package docstring)."""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache

from ..gazetteer import PlaceHit, _span, find_places, of_the_time, records
from ..text.lexicon import finditer_cue
from .cues import ENUM_RE, LEDE_CHARS, count_cues, cues_in, first_cue, load_cues

# Weights of place evidence (per mention): judgement calls, kept together so they
# can be tuned in one place.
TITLE_WEIGHT = 6.0
HEADLINE_WEIGHT = 3.0  # a news item's first line: names the place, less formally
ORGAN_WEIGHT = 4.0
ORGAN_CAP = 3  # organ mentions counted per place
SHORT_FACTOR = 0.8  # 青岛 counts a little less than 青岛市
PEER_BONUS = 1.0
PROVINCE_BONUS = 0.3
VOICE_BONUS = 1.0  # a unit of the level the text speaks as (我县 → a 县 named in it)
MIN_REGION_SCORE = SHORT_FACTOR  # one bare mention of a city's short name (为常德…) suffices
# A county-voiced text takes an uncontested city as its parent on one company mention
# (0.8 × 0.4), but not on one partner or peer mention (at most 1.0 × 0.3).
VOICE_MIN_SCORE = 0.32
MASK_MIN = 2
LEAD_WEIGHT = 2.0  # a place in the opening sentence (or a news-wire lead 瓜州讯) names the author
# A place in the page's source line (来源：哈尔滨日报): the city's own paper reports on it; worth
# a lead, and only for a unit of the level the text speaks as (a city paper on 全市).
SOURCE_WEIGHT = 2.0
SOURCE_RE = re.compile(r"来源\s*[:：]\s*(?P<source>[^\s|｜]{2,30})")
# The same publisher after a portal line's date and time (…2007年01月29日04:13 舜网-济南时报).
SOURCE_AFTER_TIME_RE = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?\s+(?P<source>[^\s|｜。，,]{2,30}?(?:报|网|台|电视台|融媒体中心))\s*$")
# Calibrated on the tuning half of the development corpus (see data/README.md): below it,
# the region is left empty and the document listed in needs_manifest.csv.
REGION_THRESHOLD = 0.45
# The weight of a place opening an institution's name (weak_after 大学|学院…, 0.5) or a
# firm's (0.4): at or below it, a province mention is not counted.
INSTITUTION_WEIGHT = 0.5
PROVINCE_CONFLICT_MIN = 2.0  # mentions of another province that overrule a silent one
# A unit of the city mentioned at least this often, and this many times as often as the
# city and as any other unit, when nothing names the city as the author: the unit's text.
OWN_MENTIONS_MIN = 4
OWN_MENTIONS_RATIO = 3.0
ZONE_CONFIDENCE = 0.5  # a zone named by its own bureau (平原示范区科技和工业信息化局)
# Mentions of a city's zone (聊城高新区) that make a district-voiced text the zone's; a title
# or headline mention counts this much alone.
ZONE_MENTIONS_MIN = 2


@dataclass(frozen=True)
class RegionGuess:
    region: str = ""
    admin_level: str = ""
    parent_city: str = ""
    province: str = ""
    masked: int = 0
    confidence: float = 0.0
    evidence: tuple[str, ...] = field(default=())  # the candidates and why, in words


def _organ_mentions(text: str, hit: PlaceHit) -> int:
    """Mentions of ``hit`` immediately followed by a bureau name (青岛市科技局)."""
    organs = [c.regex for c in cues_in("organ", text)]
    return sum(1 for _, end in hit.spans if any(o.match(text, end) for o in organs))


def _first_organ(text: str, hit: PlaceHit) -> int | None:
    """Where ``hit`` is first named as a bureau (某某市科技局), if it is."""
    organs = [c.regex for c in cues_in("organ", text)]
    return next((start for start, end in hit.spans if any(o.match(text, end) for o in organs)), None)


@lru_cache(maxsize=4)
def _frame_spans(text: str) -> tuple[tuple[int, int, float, bool], ...]:
    """(start, end, weight, is_rank) of the places a figure is ranked within (位居金华第二)
    or compared with (超过越城、滨海): such mentions name the parent or a peer."""
    return tuple(
        (m.start("place"), m.end("place"), float(c.value), kind == "rank_frame")
        for kind in ("rank_frame", "comparator")
        for c in cues_in(kind, text)
        for m in c.regex.finditer(text)
    )


def _framed(text: str, start: int, end: int) -> tuple[float, bool] | None:
    """(weight, is_rank) when the mention text[start:end] sits in a rank or comparison
    frame, else None."""
    spans = _frame_spans(text)
    if not spans:
        return None  # no frame in the text (most texts)
    starts, order, longest = _frame_index(text)
    first = bisect.bisect_left(starts, start - longest)
    last = bisect.bisect_right(starts, start)
    inside = [i for i in order[first:last] if spans[i][1] >= end]
    if not inside:
        return None
    _, _, weight, is_rank = spans[min(inside)]  # the first cue in file order, as before
    return weight, is_rank


@lru_cache(maxsize=4)
def _frame_index(text: str) -> tuple[list[int], list[int], int]:
    """Frame starts sorted, their indices into ``_frame_spans``, the longest frame: a
    mention looks only at frames opening shortly before it (a 50 MB text has thousands)."""
    spans = _frame_spans(text)
    order = sorted(range(len(spans)), key=lambda i: spans[i][0])
    longest = max((hi - lo for lo, hi, _, _ in spans), default=0)
    return [spans[i][0] for i in order], order, longest


def _mention_weight(text: str, start: int, end: int,
                    framed: tuple[float, bool] | None) -> float:
    """Weight of one mention: naming an institution (宁波大学), listed among peers
    (杭州、宁波等), named as a partner (与上海合作, 赴深圳) or as the frame of a ranking
    (位居金华第二, 超过越城) makes it weaker evidence."""
    if framed is not None:  # ``framed`` is :func:`_framed` of the mention
        return framed[0]
    memo = _weights(text)
    weight = memo.get((start, end))
    if weight is None:
        weight = memo[(start, end)] = _plain_weight(text, start, end)
    return weight


@lru_cache(maxsize=4)
def _weights(text: str) -> dict[tuple[int, int], float]:
    """(start, end) → :func:`_plain_weight` of the mentions of ``text`` met so far: a
    mention's weight is asked for by the context check, the vote and the lead test."""
    return {}


# the cues loaded, the text, and what _weight_cues made of them for it
_WEIGHT_CUES: list = [None, None, None]


def _weight_cues(text: str) -> tuple[tuple[tuple, float], ...]:
    """(``match`` of each weak_after cue, its value) and (``search`` of each
    partner_before cue, its value) that may match in ``text``: the cues' own methods,
    looked up once per text."""
    cues = load_cues()
    if _WEIGHT_CUES[0] is not cues or _WEIGHT_CUES[1] is not text:
        _WEIGHT_CUES[2] = (
            tuple((c.regex.match, float(c.value)) for c in cues_in("weak_after", text)),
            tuple((c.regex.search, float(c.value)) for c in cues_in("partner_before", text)))
        _WEIGHT_CUES[0], _WEIGHT_CUES[1] = cues, text
    return _WEIGHT_CUES[2]


def _plain_weight(text: str, start: int, end: int) -> float:
    """:func:`_mention_weight` of a mention outside any rank or comparison frame."""
    after, before = _weight_cues(text)
    weight = 1.0
    for match, value in after:
        if value < weight and match(text, end):
            weight = value
    lo = max(start - 4, 0)
    for search, value in before:
        if value < weight and search(text, lo, start):
            weight = value
    return weight


def _weak_factor(text: str, hit: PlaceHit, framed: list[tuple[float, bool] | None]) -> float:
    """Average weight of the mentions of ``hit`` (see ``_mention_weight``); ``framed`` is
    :func:`_framed` of each mention."""
    weights = [_mention_weight(text, start, end, f)
               for (start, end), f in zip(hit.spans, framed, strict=True)]
    return sum(weights) / len(weights)


@lru_cache(maxsize=1)
def _units() -> dict[str, dict[str, str]]:
    """key (adcode@first_year) → gazetteer row, for every unit below province level, of
    any year."""
    return {r["key"]: r for r in records() if r["level"] != "province"}


@cache
def _city_codes(year: int | None = None) -> dict[str, str]:
    """Full name of each parent city (prefecture names are unique at one time) → the key
    of that city as it stood in ``year``."""
    by_name: dict[str, list[tuple[dict[str, str], bool]]] = {}
    for row in _units().values():
        if row["name"] == row["parent_city"]:
            by_name.setdefault(row["name"], []).append((row, True))
    return {name: of_the_time(rows, year)[0][0]["key"] for name, rows in by_name.items()}


@lru_cache(maxsize=1)
def _by_code() -> tuple[list[tuple[dict[str, str], bool]], ...]:
    """The county-level units grouped by adcode (a code's successive units together)."""
    by_code: dict[str, list[tuple[dict[str, str], bool]]] = {}
    for row in _units().values():
        if row["name"] != row["parent_city"]:
            by_code.setdefault(row["adcode"], []).append((row, True))
    return tuple(by_code.values())


@lru_cache(maxsize=1)
def _member_spans() -> tuple[tuple[int, int, str, str], ...]:
    """(first year, last year, parent city, key) of every county-level unit, in the
    order of :func:`_by_code`."""
    return tuple((*_span(row), row["parent_city"], row["key"])
                 for rows in _by_code() for row, _ in rows)


@cache
def _members(year: int | None = None) -> dict[str, tuple[str, ...]]:
    """Parent city name → keys of its county-level units in ``year`` (each unit as it
    stood then: 即墨市 in 2012, 即墨区 in 2023).

    In a given year these are the units in use then (of a code's units, ``of_the_time``
    keeps those in use, and the rest are not): read from the parsed spans, since every
    year of a corpus asks."""
    out: dict[str, list[str]] = {}
    if year is not None:
        for first, last, parent, key in _member_spans():
            if first <= year <= last:
                out.setdefault(parent, []).append(key)
        return {k: tuple(v) for k, v in out.items()}
    for rows in _by_code():
        for row, _ in of_the_time(rows, year):
            out.setdefault(row["parent_city"], []).append(row["key"])
    return {k: tuple(v) for k, v in out.items()}


QUOTED_RE = re.compile(r"“[^”\n]{1,16}”|「[^」\n]{1,16}」|‘[^’\n]{1,16}’|《[^》\n]{1,60}》")
ISSUER_RE = re.compile(r"《(?:关于)?(?:[\u4e00-\u9fff]{1,8}?[省市州盟])?$")  # 《鲤城区…措施》: the place issuing a policy


@lru_cache(maxsize=4)
def _quoted(text: str) -> tuple[tuple[int, int], ...]:
    """Spans of short quotations (“科技兴县”, 《…战略》): a place inside a slogan or a
    strategy's name is no evidence of who writes."""
    return tuple((m.start(), m.end()) for m in QUOTED_RE.finditer(text))


def _in_quote(text: str, start: int, end: int) -> bool:
    """True when text[start:end] sits inside a quotation, unless it opens a document's
    title (《鲤城区培育…措施》, 《关于XX县…》): that names the issuer, the report's own
    place more often than not."""
    quotes = _quoted(text)
    at = bisect.bisect_left(quotes, (start, 0)) - 1  # the last quotation opening before it
    if at < 0:
        return False
    lo, hi = quotes[at]
    if not (lo < start and end < hi):
        return False
    return not (text[lo] == "《" and ISSUER_RE.search(text, lo, start))


# A page's menu of places (· 平湖市 / · 嘉善县 / · 嵊州市 …, one bulleted short name a line):
# the paper's navigation, no evidence of whose text it is. MENU_MIN lines in a row. (Without
# the bullet, short lines are as often the report's own headings: 嘉善县科技局 / 工作总结.)
MENU_LINE_RE = re.compile(r"(?m)^[ \t\u3000]*[·•●▪◆■][ \t\u3000]*[\u4e00-\u9fff]{2,6}[ \t\u3000]*$")
MENU_MIN = 3


@lru_cache(maxsize=4)
def _menus(text: str) -> tuple[tuple[int, int], ...]:
    """Spans of runs of at least MENU_MIN menu lines (``MENU_LINE_RE``), one after another."""
    runs: list[tuple[int, int]] = []
    start = end = -1
    n = 0
    for m in MENU_LINE_RE.finditer(text):
        if n and m.start() == end + 1:  # the next line
            end, n = m.end(), n + 1
            continue
        if n >= MENU_MIN:
            runs.append((start, end))
        start, end, n = m.start(), m.end(), 1
    if n >= MENU_MIN:
        runs.append((start, end))
    return tuple(runs)


def _in_menu(text: str, start: int, end: int) -> bool:
    return any(lo <= start and end <= hi for lo, hi in _menus(text))


# A news-wire lead after a place: 瓜州讯, 某某新闻网讯, 某某要闻, and a paper's dated lead
# (某某日报5月4日讯): the date stands only between the outlet's name and 讯.
WIRE_RE = re.compile(r"(?:[\u4e00-\u9fff]{0,6}(?:新闻网|网|日报|融媒体中心|电视台|报)"
                     r"(?:\s*\d{1,2}\s*月\s*\d{1,2}\s*日)?)?(?:讯|要闻)")


DATELINE_PREFIX = 4  # 吉安永新：… — a city's short name at most before the place and its colon
DATELINE_LINES = 6  # a dateline stands in a page's first lines (later, 深圳：… lists peers)


def _dateline(body: str, start: int, end: int) -> bool:
    """永新：… or 吉安永新：… opening one of the first lines: a news item's dateline, the
    place it comes from (a city's name may stand before its county's)."""
    if body[end:end + 1] not in (":", "：") or body.count("\n", 0, start) >= DATELINE_LINES:
        return False
    prefix = body[body.rfind("\n", 0, start) + 1:start]
    return len(prefix) <= DATELINE_PREFIX and all("\u4e00" <= ch <= "\u9fff" for ch in prefix)


HEADING_MAX = 20  # a numbered line this short without a comma or full stop is a heading


def _is_heading(line: str) -> bool:
    """一、总体进展: a numbered section heading, not the opening sentence."""
    return (bool(ENUM_RE.match(line)) and len(line) <= HEADING_MAX
            and not any(ch in line for ch in "，,。；;"))


def _lead_end(body: str, skip: tuple[str, ...]) -> int:
    """End of the opening sentence of the body (after the title or headline lines and a
    first section heading)."""
    pos = 0
    for line in body.splitlines(keepends=True):
        bare = line.strip()
        if bare and bare not in skip and not _is_heading(bare):
            break
        pos += len(line)
    m = re.compile(r"[。！？!?\n]").search(body, pos + 1, pos + LEDE_CHARS)
    return m.end() if m else min(len(body), pos + LEDE_CHARS)


VOICE_LEVELS = {"district": {"district"}, "county": {"county", "county_city"}}
# Level of an unnamed unit that ranks itself within its city (居绍兴第2): 全市 there is a
# county-level city.
RANKED_LEVEL = {"district": "district", "county": "county", "city": "county_city"}


def _level_of_voice(body: str) -> str:
    """district | county | city: whether the text speaks as 全区, 全县 or 全市."""
    counts = {v: count_cues("level_word", body, v) for v in ("district", "county", "city")}
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] > 0 else ""


@dataclass
class _Evidence:
    votes: Counter[str]  # parent city name → score
    named: Counter[str]  # key → title/organ/lead score
    mentions: Counter[str]  # key → body mentions
    provinces: Counter[str]  # province name → mentions
    ranked: Counter[str]  # key → mentions as the frame of a ranking (居绍兴第2)
    why: dict[str, list[str]] = field(default_factory=dict)  # key → evidence in words
    organ_at: dict[str, int] = field(default_factory=dict)  # key → where first named as a bureau

    def note(self, key: str, words: str) -> None:
        self.why.setdefault(key, [])
        if words not in self.why[key]:
            self.why[key].append(words)


def _fits_voice(level: str, voice: str) -> bool:
    """Whether a unit of ``level`` may be the author of a text speaking as ``voice``:
    全县/全区 → a county-level unit; 全市 → a prefecture or a county-level city."""
    if voice in VOICE_LEVELS:
        return level in VOICE_LEVELS[voice] | {"county_city"}
    if voice == "city":
        return level in ("prefecture", "county_city")
    return True


def source_text(chrome: list[str] | tuple[str, ...]) -> str:
    """The publishers named in the page's 来源 lines (来源：东北网-哈尔滨日报)."""
    return " ".join(m.group("source") for line in chrome
                    for regex in (SOURCE_RE, SOURCE_AFTER_TIME_RE) for m in regex.finditer(line))


def _collect(title: str, body: str, voice: str = "", headline: str = "",
             year: int | None = None, source: str = "") -> _Evidence:
    """Weigh every place hit; a hit shared by n units gives each 1/n of its vote.

    A unit of the level the text speaks as (a 县 in a text saying 我县) earns a bonus:
    a county report names its own county, while the big cities it mentions are partners.
    A mention inside a short quotation (“科技兴县”, 《…》) is dropped; one in the opening
    sentence or a news-wire lead (瓜州讯, XX新闻网讯) counts as the author naming itself.
    """
    ev = _Evidence(Counter(), Counter(), Counter(), Counter(), Counter())
    fitting = VOICE_LEVELS.get(voice, set())
    visit = first_cue("visit_headline", headline or title)
    if visit is not None and not _host_is_a_place(visit[0].group("host"), body, year):
        visit = None  # 科技局深入企业调研, 赴外地考察学习: no place hosts it, the visitor still speaks
    visitors = {h.key for h in find_places((headline or title)[: visit[0].start()], year)} if visit else set()
    lead_end = _lead_end(body, tuple(t for t in (title.strip(), headline.strip()) if t))
    found = {text: find_places(text, year) if text else [] for text in (title, headline, body)}
    context = _unshared(found.items())
    found = {text: _resolved(hits, *context) for text, hits in found.items()}
    # 永新：… and 井冈山：… in a row are a roundup of places, none of them a dateline
    dated = {hit.key for hit in found[body] if any(_dateline(body, a, b) for a, b in hit.spans)}
    for hit in found[body]:
        spans = tuple(sp for sp in hit.spans if not _in_quote(body, *sp) and not _in_menu(body, *sp))
        if not spans:
            continue
        if len(spans) != len(hit.spans):  # (same spans: the same hit, not rebuilt)
            hit = PlaceHit(**{**hit.__dict__, "spans": spans})
        if hit.level == "province":
            # an institution or firm named after a province (香港理工大学, 浙江某某有限公司) is
            # where it stands, no evidence of the report's province
            weights = [w for a, b in spans if (w := _mention_weight(body, a, b, None)) > INSTITUTION_WEIGHT]
            ev.provinces[hit.name] += sum(weights) / hit.n_candidates
            continue
        framed = [_framed(body, start, end) for start, end in hit.spans]
        weight = (1.0 if hit.is_full else SHORT_FACTOR) * _weak_factor(body, hit, framed)
        organs = min(_organ_mentions(body, hit), ORGAN_CAP)
        organ = organs * ORGAN_WEIGHT
        dateline = len(dated) == 1 and hit.key in dated
        wire = dateline or any(WIRE_RE.match(body, end) for _, end in hit.spans)
        lead = LEAD_WEIGHT if wire or hit.spans[0][0] < lead_end else 0.0
        own_wire = WIRE_RE.match(body, hit.spans[0][1]) is not None  # 某某日报讯: the paper's own place
        if lead and not dateline and ((not own_wire and _mention_weight(body, *hit.spans[0], framed[0]) < 1.0)
                                      or not _fits_voice(hit.level, voice)):
            lead = 0.0  # a partner, an institution, or a place of another level
        if hit.key in visitors:
            organ = lead = 0.0  # the visiting bureau (市科技局到中方调研) reports on its host
        bonus = VOICE_BONUS if hit.level in fitting else 0.0
        ev.named[hit.key] += organ + lead
        if organs and (at := _first_organ(body, hit)) is not None:
            ev.organ_at[hit.key] = min(at, ev.organ_at.get(hit.key, at))
        ev.mentions[hit.key] += sum(f is None for f in framed)  # the region's own
        ev.ranked[hit.key] += sum(f is not None and f[1] for f in framed)
        ev.votes[hit.parent_city] += (hit.count * weight + organ + lead + bonus) / hit.n_candidates
        if organ:
            ev.note(hit.key, f"bureau {hit.surface}+科技局 ×{organs}")
        if lead:
            ev.note(hit.key, "news-wire lead" if wire else "opening sentence")
        ev.note(hit.key, f"{hit.surface} ×{hit.count} in the text")
    for text, weight, words in ((title, TITLE_WEIGHT, "title"),
                                (headline, HEADLINE_WEIGHT, "headline")):
        if visit and text == (headline or title):
            _visit_host(ev, visit[0].group("host"), weight, words, year)
        for hit in found[text] if text else ():
            if hit.key in visitors:
                continue
            if hit.level != "province" and not _in_quote(text, *hit.spans[0]):
                ev.named[hit.key] += weight
                ev.votes[hit.parent_city] += weight / hit.n_candidates
                ev.note(hit.key, words)
            elif hit.level == "province":
                ev.provinces[hit.name] += weight / hit.n_candidates
    for hit in find_places(source, year) if source and voice else ():
        if hit.level != "province" and _fits_voice(hit.level, voice):
            ev.named[hit.key] += SOURCE_WEIGHT
            ev.votes[hit.parent_city] += SOURCE_WEIGHT / hit.n_candidates
            ev.note(hit.key, "source line")
    return ev


def _unshared(found: Iterable[tuple[str, list[PlaceHit]]]
              ) -> tuple[frozenset[str], frozenset[str]]:
    """(cities, provinces) the texts name without ambiguity, as places (not inside an
    institution's or a partner's name, 福州大学, 与福州合作): the parent city of every unit
    found through a surface only it has, and every province named."""
    cities: set[str] = set()
    provinces: set[str] = set()
    for text, hits in found:
        for hit in hits:
            if not any(_mention_weight(text, a, b, None) >= 1.0 for a, b in hit.spans):
                continue
            if hit.level == "province":
                provinces.add(hit.name)
            elif hit.n_candidates == 1:
                cities.add(hit.parent_city)
    return frozenset(cities), frozenset(provinces)


def _resolved(hits: list[PlaceHit], cities: frozenset[str],
              provinces: frozenset[str]) -> list[PlaceHit]:
    """Hits of a surface shared by units of several cities (海州区 of 连云港 and of 阜新)
    narrowed to the one whose city the text names elsewhere, else to the one whose
    province it names; left shared when the context points to none or to several."""
    groups: dict[str, list[PlaceHit]] = {}
    for hit in hits:
        groups.setdefault(hit.surface, []).append(hit)
    out: list[PlaceHit] = []
    for group in groups.values():
        if len(group) > 1:
            for known, attr in ((cities, "parent_city"), (provinces, "province")):
                fits = [h for h in group if getattr(h, attr) in known]
                if len(fits) == 1:
                    group = [replace(fits[0], n_candidates=1)]
                    break
        out.extend(group)
    out.sort(key=lambda h: (h.spans[0][0], h.adcode))
    return out


def _host_is_a_place(host: str, body: str, year: int | None) -> bool:
    """The host of a visit headline is a unit of the gazetteer, named there or in full in
    the body (到中方调研 … 中方县), and the body does not speak as the visitor (我县将…)."""
    if first_cue("visit_own_voice", body) is not None:
        return False
    if find_places(host, year):
        return True
    return len(host) >= 2 and any(h.name.startswith(host) and len(h.name) <= len(host) + 1
                                  for h in find_places(body, year))


def _visit_host(ev: _Evidence, host: str, weight: float, words: str, year: int | None) -> None:
    """Credit the unit a visit headline names as its host when the gazetteer does not
    find it there (到中方调研: a short name that is also a word), from the units the body
    names in full (中方县)."""
    if find_places(host, year):
        return  # found in the headline loop itself
    units = _units()
    for key in list(ev.mentions):
        name = units[key]["name"] if key in units else ""
        if len(host) >= 2 and name.startswith(host) and len(name) <= len(host) + 1:
            ev.named[key] += weight
            ev.votes[units[key]["parent_city"] or name] += weight
            ev.note(key, f"{words} (host of a visit)")


def infer_region(title: str, body: str, headline: str = "",
                 year: int | None = None, source: str = "") -> RegionGuess:
    """The reporting region from weighted gazetteer evidence (see module docstring), in
    the divisions of ``year`` (None: today's).

    When the text speaks as a district or county (全县, 区科技局) but its own name is
    hidden or absent, the level (and the city, if the places point to one) is still
    given, with an empty region. A region that disagrees with the text (a county voice
    but a city found, a province named that is not the region's) or whose confidence is
    below ``REGION_THRESHOLD`` is left empty; the evidence says why.
    """
    guess = _raw_guess(title, body, headline, year, source)
    if guess.region and guess.confidence < REGION_THRESHOLD:
        return RegionGuess(admin_level=guess.admin_level if guess.admin_level in VOICE_LEVELS
                           else "", masked=guess.masked, confidence=guess.confidence,
                           evidence=(*guess.evidence, f"confidence {guess.confidence:.2f} "
                                     f"below {REGION_THRESHOLD}: left empty"))
    return guess


def _describe_key(key: str, ev: _Evidence) -> str:
    row = _units()[key]
    where = "".join(dict.fromkeys([row["province"], row["parent_city"], row["name"]]))
    return f"{where} ({row['level']}): " + "; ".join(ev.why.get(key, ["named"]))


def _candidates(ev: _Evidence, n: int = 3) -> tuple[str, ...]:
    """The best-evidenced units, in words (for needs_manifest.csv)."""
    # In the order the evidence came (a set's order changes with each process's string
    # hashes, and so did the order of tied candidates in needs_manifest.csv).
    score = Counter({k: ev.named[k] * 2 + ev.mentions[k]
                     for k in dict.fromkeys([*ev.named, *ev.mentions])})
    return tuple(_describe_key(k, ev) for k, v in score.most_common(n) if v > 0)


def _raw_guess(title: str, body: str, headline: str, year: int | None,
               source: str = "") -> RegionGuess:
    masked = int(count_cues("mask", body) >= MASK_MIN or first_cue("mask_organ", body) is not None)
    digest = _digest_cities(headline + "\n" + body, year)
    if len(digest) >= 2:
        return RegionGuess(evidence=(f"a digest of news from several places ({'、'.join(digest)}):"
                                     " no one region is the text's",))
    voice = _level_of_voice(body)
    ev = _collect(title, body, voice, headline, year, source)
    city = _best_city(ev, body, VOICE_MIN_SCORE if voice in VOICE_LEVELS else MIN_REGION_SCORE,
                      year)
    cands = _candidates(ev)
    if city is None:
        zone = _zone_guess(ev, body, masked)
        if zone is not None:
            return RegionGuess(**{**zone.__dict__, "evidence": (f"zone {zone.region}", *cands)})
        why = "no place named" if not cands else "no city clearly ahead"
        return RegionGuess(admin_level=_voice_level(voice), masked=masked,
                           evidence=(why, *cands))
    city_code = _city_codes(year)[city]
    code = _county_unit(city_code, ev, voice, year)
    row = _units()[code]
    level, region = row["level"], row["name"]
    problems: list[str] = []
    notes: list[str] = []
    if code == city_code and voice in VOICE_LEVELS and level not in VOICE_LEVELS[voice]:
        zone = "" if masked or voice != "district" else _city_zone(
            title, headline, body, city_code, year)
        if zone:
            notes.append(f"the text speaks as a district (全区) and names {zone} as itself")
        elif not (masked or ev.named[city_code] == 0):
            notes.append(f"the text speaks as a {voice} (全{'县' if voice == 'county' else '区'})"
                         f" but names no {voice} of {city}: never promoted to the city")
        level, region = voice, zone  # a zone, or a hidden or unnamed district/county of this city
    elif (code == city_code and not masked and not voice
          and (zone := _city_zone(title, headline, "", city_code, year))
          and (first_cue("zone_self", body) is not None or _names_city(body, city_code))
          and _city_only_in_zone(f"{title}\n{headline}\n{body}", city_code)):
        # 平顶山高新区:… over a body that says 高新区新认定… or names the city only as the zone's
        # (2023年,平顶山高新区新认定…): the zone's own text, not the city's
        notes.append(f"the title names {zone} and the text speaks of itself as the zone")
        level, region = "district", zone
    elif code == city_code and _ranked_within(ev, city_code):
        level, region = RANKED_LEVEL.get(voice, ""), ""  # a unit below the city, unnamed
    elif voice == "city" and level in VOICE_LEVELS and ev.named[code] == 0:
        problems.append(f"the text speaks as a city (全市) but {region} is a {level}")
    province = row["province"]
    other = _province_conflict(ev, province, city)
    if other:
        problems.append(f"the text names {other} but {region or city} is in {province}")
    confidence = _region_confidence(ev.votes[city], sum(ev.votes.values()), ev.named, masked)
    if problems:
        return RegionGuess(admin_level=level if level in VOICE_LEVELS else "", masked=masked,
                           confidence=0.0, evidence=(*problems, *cands))
    parent = row["parent_city"]
    if row["level"] != "prefecture" and parent == row["name"]:
        parent = ""  # a county-level city directly under its province (潜江市)
    return RegionGuess(
        region=region,
        admin_level=level,
        parent_city=parent,
        province=province,
        masked=masked,
        confidence=confidence,
        evidence=(*notes, *cands),
    )


def _city_zone(title: str, headline: str, body: str, city_code: str,
               year: int | None) -> str:
    """The official name of the city's zone (聊城高新区 → 聊城高新技术产业开发区) when the
    text names it as itself: in its title or headline, or at least ``ZONE_MENTIONS_MIN``
    times outside quotations and partner or list contexts; else "". A short form (高新区)
    stands for the full name of its family the text writes (高新技术产业集聚区), else for
    the usual one (``zone_suffix`` values marked ~).

    Why: a high-tech zone's committee reports as a district (全区) of no gazetteer unit,
    and names itself by its city's name and the zone's kind."""
    cues = load_cues().get("zone_suffix", ())
    short = _units()[city_code]["short_name"] or _units()[city_code]["name"]
    counts: Counter[str] = Counter()
    for text, weight in ((title, ZONE_MENTIONS_MIN), (headline, ZONE_MENTIONS_MIN), (body, 1)):
        for hit in find_places(text, year) if text else ():
            if hit.key != city_code:
                continue
            for start, end in hit.spans:
                if _in_quote(text, start, end) or _mention_weight(text, start, end, None) < 1.0:
                    continue
                cue = next((c for c in cues if c.regex.match(text, end)), None)
                if cue is not None:
                    counts[cue.value] += weight
    written = {kind for kind in counts if not kind.startswith("~")}
    for kind in [k for k in counts if k.startswith("~")]:  # 高新区: the full name written, if one
        family = [w for w in written if w[:2] == kind[1:3]]
        counts[family[0] if len(family) == 1 else kind[1:]] += counts.pop(kind)
    if not counts:
        return ""
    (kind, n), *rest = counts.most_common(2)
    if n < ZONE_MENTIONS_MIN or (rest and rest[0][1] == n):
        return ""
    return short + kind


def _names_city(text: str, city_code: str) -> bool:
    row = _units()[city_code]
    return any(name in text for name in {row["name"], row["short_name"]} - {""})


def _city_only_in_zone(text: str, city_code: str) -> bool:
    """Whether every mention of the city's name is the start of its zone's (平顶山高新区): a text
    that names the city by itself (平顶山市…通报, 2023年,平顶山新认定…) is the city's, even when
    its title names the zone."""
    row = _units()[city_code]
    zone_cues = load_cues().get("zone_suffix", ())
    for name in {row["name"], row["short_name"]} - {""}:
        at = text.find(name)
        while at >= 0:
            end = at + len(name)
            if not any(c.regex.match(text, end) for c in zone_cues):
                return False
            at = text.find(name, end)
    return True


def _digest_cities(text: str, year: int | None) -> tuple[str, ...]:
    """The cities a news digest's bracketed place lines (【乐山】) name, in order."""
    cities: list[str] = []
    for cue in cues_in("digest_heading", text):
        for m in finditer_cue(cue.regex, text):  # (a line-start cue: tried at line starts)
            for hit in find_places(m.group("place"), year):
                if hit.level != "province" and hit.parent_city not in cities:
                    cities.append(hit.parent_city)
    return tuple(cities)


def _province_conflict(ev: _Evidence, province: str, city: str) -> str:
    """A province the text names clearly (in its title, or at least twice) when the
    region's own province is never named: the region is then doubtful."""
    if not ev.provinces or ev.provinces.get(province, 0) > 0 or province == city:
        return ""
    other, n = ev.provinces.most_common(1)[0]
    return other if n >= PROVINCE_CONFLICT_MIN else ""


def _zone_guess(ev: _Evidence, body: str, masked: int) -> RegionGuess | None:
    """A functional zone with its own bureau (平原示范区科技和工业信息化局) when no
    gazetteer unit claims the text: the zone, at district level, in the province the text
    names most."""
    zones = Counter(
        m.group("zone") for c in cues_in("zone", body) for m in c.regex.finditer(body)
    )
    if not zones:
        return None
    zone = zones.most_common(1)[0][0]
    province = ev.provinces.most_common(1)[0][0] if ev.provinces else ""
    return RegionGuess(
        region=zone, admin_level="district", province=province, masked=masked,
        confidence=ZONE_CONFIDENCE
    )


def _voice_level(voice: str) -> str:
    """The admin level a voice alone proves: 全区 → district, 全县 → county; 全市 is
    either a prefecture or a county-level city, so it proves nothing."""
    return voice if voice in VOICE_LEVELS else ""


def _best_city(ev: _Evidence, body: str, min_score: float = MIN_REGION_SCORE,
               year: int | None = None) -> str | None:
    """The parent city with the clearly highest score (at least ``min_score``), or None.

    A text speaking as a county (我县) accepts weaker evidence, such as a company's
    registered city: it only makes the city the parent, never the region.
    """
    if not ev.votes:
        return None
    _adjust_votes(ev.votes, ev.provinces, body, year)
    ranked = ev.votes.most_common(2)
    best, best_score = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    if best_score < min_score - 1e-9 or best_score <= second or best not in _city_codes(year):
        return None
    return best


def _adjust_votes(votes: Counter[str], provinces: Counter[str], body: str,
                  year: int | None = None) -> None:
    """Context cues: 副省级城市 favours the 15 sub-provincial cities, 全省 disfavours
    municipalities, a named province backs its own cities."""
    units, codes = _units(), _city_codes(year)

    def province_of(city: str) -> str:
        return units[codes[city]]["province"] if city in codes else ""

    for cue in cues_in("peer_group", body):
        if cue.regex.search(body):
            for city in cue.value.split("|"):
                if votes.get(city, 0) > 0:
                    votes[city] += PEER_BONUS
    for cue in cues_in("in_province", body):
        if cue.regex.search(body):
            for city in votes:
                if province_of(city) == city:
                    votes[city] *= float(cue.value)
    for city in list(votes):
        votes[city] += PROVINCE_BONUS * min(provinces.get(province_of(city), 0), 3)


def _ranked_within(ev: _Evidence, city_code: str) -> bool:
    """True when the text ranks its figures within the city (居绍兴第2) and no title or
    bureau names the city: the text speaks for a unit below it."""
    return ev.ranked[city_code] > 0 and ev.named[city_code] == 0


def _first_bureau(ev: _Evidence, unit: str, city: str, unit_mentions: int) -> bool:
    """Whether a county-level ``unit`` named as much as its ``city`` is the author."""
    at, city_at = ev.organ_at.get(unit), ev.organ_at.get(city)
    if at is not None or city_at is not None:
        return at is not None and (city_at is None or at < city_at)
    return unit_mentions >= ev.mentions[city]


def _county_unit(city_code: str, ev: _Evidence, voice: str, year: int | None = None) -> str:
    """A county-level unit of the city when the title/organ names it, the voice fits, or
    the text ranks itself within the city (位居金华第二) and names one of its units most."""
    units = _units()
    members = _members(year).get(units[city_code]["name"], ())
    if voice in VOICE_LEVELS:  # a county's report is never its city's: its own county wins
        levels = VOICE_LEVELS[voice]
        fits = sorted((ev.named[c], ev.mentions[c], c) for c in members
                      if units[c]["level"] in levels and (ev.named[c] or ev.mentions[c]))
        if fits and ev.named[fits[-1][2]] > 0 and (
                len(fits) == 1 or fits[-1][:2] > fits[-2][:2]):
            return fits[-1][2]
    by_named = sorted((ev.named[c], ev.mentions[c], c) for c in members if ev.named[c] > 0)
    # named as much as the city: the bureau named first is the author (某县级市科技局在某市
    # 科技局的指导下; not 某市科技局召开…,某县级市科技局负责人参加); without bureaus, a name in
    # one opening sentence (保山市科技部门…申报…腾冲某某众创空间) takes it only when the text
    # mentions the unit at least as often as the city
    if by_named and (by_named[-1][0] > ev.named[city_code] or (
            by_named[-1][0] == ev.named[city_code] and _first_bureau(ev, by_named[-1][2], city_code,
                                                                     by_named[-1][1]))):
        return by_named[-1][2]
    if _ranked_within(ev, city_code):
        by_mentions = sorted((ev.mentions[c], c) for c in members if ev.mentions[c] > 0)
        if by_mentions and (len(by_mentions) == 1 or by_mentions[-1][0] > by_mentions[-2][0]):
            return by_mentions[-1][1]
    if ev.named[city_code] == 0 and voice not in VOICE_LEVELS:
        # the text never names the city as its author, and names one of its units far more
        # often than the city: it is that unit's (绵竹 ×7, 德阳 ×1)
        city_mentions = ev.mentions[city_code]
        by_mentions = sorted((ev.mentions[c], c) for c in members if ev.mentions[c] > 0)
        # (a city never mentioned in a text that speaks as no level at all: its one unit
        # named is the text's, however rarely; a text saying 全市 may name its districts)
        least = OWN_MENTIONS_MIN if city_mentions or voice else 1
        if (by_mentions and by_mentions[-1][0] >= max(least, OWN_MENTIONS_RATIO * city_mentions)
                and (len(by_mentions) == 1 or by_mentions[-1][0] >= OWN_MENTIONS_RATIO * by_mentions[-2][0])):
            return by_mentions[-1][1]
    if voice in VOICE_LEVELS and ev.named[city_code] == 0:
        levels = VOICE_LEVELS[voice]
        fits = sorted((ev.mentions[c], c) for c in members if units[c]["level"] in levels)
        if fits and fits[-1][0] > 0:
            return fits[-1][1]
    return city_code


def _region_confidence(best: float, total: float, named: Counter[str], masked: int) -> float:
    share = best / total if total else 0.0
    base = 0.95 if any(v > 0 for v in named.values()) else 0.75
    if masked:
        base = min(base, 0.7)
    strength = min(1.0, 0.5 + best / 10)
    return round(base * share * strength, 2)


