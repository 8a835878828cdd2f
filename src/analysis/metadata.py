"""Document-level facts of a report: title, region, level, year, period, type, masking.

Everything here is a pure function of the text. Cue words and patterns live in
``data/metadata_cues.csv`` (one row per cue, with a note on why it works); the code
only weighs the evidence they produce:

* **region** — gazetteer hits (``gazetteer.find_places``) vote for their prefecture: the
  title counts most, then a place written right before a bureau name (胶州市科技和工业
  信息化局), a news headline, then plain mentions in the body; one bare short name
  (为常德全面落实) is enough when nothing competes. Mentions naming an institution (宁波大学),
  a partner (与上海合作, 赴深圳), a peer in a list (杭州、宁波等) or a comparison (超过越城) count less,
  and a city a figure is ranked within (位居金华第二) is the parent of an unnamed or
  most-named county-level unit; and a unit of
  the level the text speaks as (a 县 in a text saying 我县) counts more. A county-level unit
  is chosen only when the title or the bureau name names it, or when the text speaks as a
  district/county (全区, 区科技局) and names one of that city's districts/counties. A text
  that speaks as a district/county but hides (``*区``, ``XX县``) or never gives its name
  keeps the level, and the city the places point to, with an empty region; so does one
  whose city is only named in passing (a company's registered city counts little). A
  functional zone with its own bureau (平原示范区科技和工业信息化局) is the region when no
  gazetteer unit claims the text.
* **year** — the strongest of: the title (the year before 总结, else before 要点/计划), a
  section heading (一、2021年工作成效), an opening ``2016年，``, a Five-Year-Plan stage
  (实现“十三五”开门红 → 2016), the year of the plan section (minus one for a summary),
  the most cited year; then, weakest, the page date read against the genre's publishing
  calendar (an annual summary by April of the next year, a 上半年 summary in Jun-Sep, a
  plan from December), the year after the latest year compared with (对比2014年), the
  dateline year of a news text about 今年, the year after a Party congress whose spirit the
  text studies. A statement (2014年是…之年) beats a plan stage; target years (力争2025年)
  and lagged R&D figure years (2023年度…研发投入, also a floor) are not counted as cited.
  A news item dated after April reports its dateline year; one whose headline or opening
  reports 去年 the year before. Never later than the page date of a summary.
* **period** and **doc_type** — from the title, then from section headings; a news item
  without a title reads its headline and body (半年度科技工作会议 → H1; 部署今年科技工作
  with no results stated → plan); without a period in the title, an opening reporting
  今年1-9月 / 前三季度 / 一季度 scopes the text. A task table (序号 | 工作标准 | 完成期限)
  or a Five-Year Plan notice is a plan; 下一步…力争 adds a plan part.

When the evidence is too weak the field stays empty and its confidence 0.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from analysis.gazetteer import PlaceHit, find_places, load_gazetteer
from analysis.models import DocMeta
from analysis.text import lexicon
from analysis.text.document import CUE_FILE, Document, page_date, prepare
from analysis.text.lexicon import Cue

# Weights of place evidence (per mention) and confidences of year sources: judgement
# calls, kept together so they can be tuned in one place.
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
TITLE_LINES = 4
TITLE_MAX = 60
HEADLINE_MAX = 40
LEDE_CHARS = 300  # a news item says what the meeting did in its first sentences

YEAR_CONF = {
    "title": 0.95,
    "heading": 0.9,
    "last_year": 0.9,
    "opening": 0.85,
    "statement": 0.8,
    "fyp": 0.75,
    "plan_section": 0.6,
    "most_cited": 0.4,
    "dateline": 0.35,
    "baseline": 0.3,
    "current": 0.27,
    "congress": 0.25,
}
# How long after a part-year period ends its report is published (上半年 → Jun-Sep);
# an annual summary appears by April, a plan from December to June.
PART_YEAR_LAG = 3
SUMMARY_LAST_MONTH = 4
PLAN_FIRST_MONTH, PLAN_LAST_MONTH = 12, 6
AGREE_BONUS = 0.03

# 20XX年, not inside a number or a range (2016-2020年). The look-behind sits after the
# leading 2 (same matches) so that re can jump from one 2 to the next.
YEAR_RE = re.compile(r"(2(?<![\d\-—–~至到]2)0\d\d)\s*年(?!\s*[-—–~至到]\s*20\d\d)")
ENUM_RE = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[(（][一二三四五六七八九十\d]+[)）])"
)
SENTENCE_PUNCT = "，,。；;！!？?：:"


# ----------------------------------------------------------------------------- cues


def load_cues() -> dict[str, tuple[Cue, ...]]:
    """Cue kind → compiled patterns with their value, in file order (``metadata_cues.csv``)."""
    return lexicon.load_cues(CUE_FILE)


@lru_cache(maxsize=64)
def _first(kind: str, text: str) -> tuple[re.Match[str], Cue] | None:
    """Earliest match of any cue of ``kind`` in ``text`` (cached: the document type and
    the year both ask where the plan part starts)."""
    found = [(m, c) for c in load_cues().get(kind, ()) if (m := c.regex.search(text))]
    return min(found, key=lambda mc: mc[0].start()) if found else None


def _count(kind: str, text: str, value: str | None = None) -> int:
    cues = load_cues().get(kind, ())
    return sum(len(c.regex.findall(text)) for c in cues if value is None or c.value == value)


# ---------------------------------------------------------------------------- title


def _strip_prefixes(line: str) -> str:
    changed = True
    while changed:
        changed = False
        for cue in load_cues().get("title_prefix", ()):
            new = cue.regex.sub("", line, count=1).strip()
            if new != line:
                line, changed = new, True
    return line


def _title_in(line: str) -> str:
    """The title at the start of ``line``, or "" when the line does not open with one."""
    run = re.match(f"[^{SENTENCE_PUNCT}]{{1,{TITLE_MAX}}}", line)
    if not run:
        return ""
    run_text = run.group()
    ends = [m.end() for c in load_cues().get("title_end", ()) for m in c.regex.finditer(run_text)]
    if not ends:
        return ""
    ends.sort()
    cut = ends[0]
    for end in ends[1:]:  # 总结 + 2024年工作思路: one title naming both parts
        gap = run_text[cut:end]
        if len(gap) <= 15 and not re.search(r"\s", gap):
            cut = end
    title = run_text[:cut].strip()
    if "《" in title or _first("title_not", title):
        return ""  # a sentence quoting the title (现将《…》印发): see ``title_quoted``
    if len(title) < 4 or not (re.search(r"工作|20\d\d|年", title) or title == line.strip()):
        return ""
    return title


def extract_title(body_lines: list[str]) -> str:
    """First line(s) naming the report, without chrome, tags or page numbers; else a
    report title a cover letter quotes in its first lines (现将《…工作总结》印发)."""
    top: list[str] = []
    for line in body_lines[:TITLE_LINES]:
        if ENUM_RE.match(line):
            break
        top.append(line)
        title = _title_in(_strip_prefixes(line))
        if title:
            return title
    for line in top:
        if (hit := _first("title_quoted", line)) is not None:
            return hit[0].group("title").strip()
    return ""


def extract_headline(body_lines: list[str]) -> str:
    """A news item's headline: a short first line that is not a sentence or a heading."""
    if not body_lines:
        return ""
    line = body_lines[0]
    if len(line) > HEADLINE_MAX or ENUM_RE.match(line) or line[-1] in SENTENCE_PUNCT:
        return ""
    return line


# ------------------------------------------------------------------ type and period


def infer_doc_type(title: str, body: str, headline: str = "") -> str:
    """summary | plan | summary+plan from title words, then plan-section headings.

    A title or headline naming a Five-Year Plan (…“十三五”规划的通知) and a task table
    (序号 | 工作标准 | 完成期限, no column for results) also make a plan.
    """
    summary = _first("doc_summary", title) is not None
    plan = _first("doc_plan", title) is not None
    if summary and plan:
        return "summary+plan"
    if plan or _first("fyp_plan", title or headline):
        return "plan"
    if not summary and _first("plan_news", body[:LEDE_CHARS]) and not _first("result", body):
        return "plan"  # a news item deploying this year's work, with no results yet
    if not summary and _first("plan_table", body):
        return "plan"
    if _first("plan_section", body):
        return "summary+plan"
    return "summary"


def _period_value(match: re.Match[str], cue: Cue) -> str:
    if "{month}" in cue.value:
        month = int(match.group("month"))
        return "FY" if month == 12 else cue.value.format(month=month)
    return cue.value


def infer_period(title: str, body: str = "", headline: str = "") -> str:
    """FY unless the title scopes the report to part of the year (上半年, 1-5月); without
    a title, a news item about the mid-year meeting, then its headline, decide. When
    neither names a period, an opening that reports 1-9月 / 一季度 scopes the text
    (a title that calls itself annual, 年度工作总结, keeps FY)."""
    if not title.strip():
        if (body_hit := _first("period_body", body[:LEDE_CHARS])) is not None:
            return body_hit[1].value
    scope = title if title.strip() else headline
    hit = _first("period", scope)
    if hit is None:
        if _first("period_annual", scope) or re.search(r"年度|全年", title):
            return "FY"
        lede = _first("period_lede", _after_title(body, title)[:LEDE_CHARS])
        return _period_value(*lede) if lede else "FY"
    match, cue = hit
    if cue.value == "H1" and _first("period_annual", scope):
        return "FY"  # 上半年工作总结与下年工作思路: a reposted annual report
    return _period_value(match, cue)


# --------------------------------------------------------------------------- region


@dataclass(frozen=True)
class RegionGuess:
    region: str = ""
    admin_level: str = ""
    parent_city: str = ""
    province: str = ""
    masked: int = 0
    confidence: float = 0.0


def _organ_mentions(text: str, hit: PlaceHit) -> int:
    """Mentions of ``hit`` immediately followed by a bureau name (青岛市科技局)."""
    organs = [c.regex for c in load_cues().get("organ", ())]
    return sum(1 for _, end in hit.spans if any(o.match(text, end) for o in organs))


@lru_cache(maxsize=4)
def _frame_spans(text: str) -> tuple[tuple[int, int, float, bool], ...]:
    """(start, end, weight, is_rank) of the places a figure is ranked within (位居金华第二)
    or compared with (超过越城、滨海): such mentions name the parent or a peer."""
    return tuple(
        (m.start("place"), m.end("place"), float(c.value), kind == "rank_frame")
        for kind in ("rank_frame", "comparator")
        for c in load_cues().get(kind, ())
        for m in c.regex.finditer(text)
    )


def _framed(text: str, start: int, end: int) -> tuple[float, bool] | None:
    """(weight, is_rank) when the mention text[start:end] sits in a rank or comparison
    frame, else None."""
    for lo, hi, weight, is_rank in _frame_spans(text):
        if lo <= start and end <= hi:
            return weight, is_rank
    return None


def _mention_weight(text: str, start: int, end: int,
                    framed: tuple[float, bool] | None) -> float:
    """Weight of one mention: naming an institution (宁波大学), listed among peers
    (杭州、宁波等), named as a partner (与上海合作, 赴深圳) or as the frame of a ranking
    (位居金华第二, 超过越城) makes it weaker evidence."""
    cues = load_cues()
    if framed is not None:  # ``framed`` is :func:`_framed` of the mention
        return framed[0]
    after = [float(c.value) for c in cues.get("weak_after", ()) if c.regex.match(text, end)]
    before = [
        float(c.value)
        for c in cues.get("partner_before", ())
        if c.regex.search(text, max(start - 4, 0), start)
    ]
    return min([1.0, *after, *before])


def _weak_factor(text: str, hit: PlaceHit, framed: list[tuple[float, bool] | None]) -> float:
    """Average weight of the mentions of ``hit`` (see ``_mention_weight``); ``framed`` is
    :func:`_framed` of each mention."""
    weights = [_mention_weight(text, start, end, f)
               for (start, end), f in zip(hit.spans, framed, strict=True)]
    return sum(weights) / len(weights)


@lru_cache(maxsize=1)
def _units() -> dict[str, dict[str, str]]:
    """adcode → gazetteer row, for every unit below province level."""
    df = load_gazetteer()
    return {r["adcode"]: r for r in df[df["level"] != "province"].to_dict("records")}


@lru_cache(maxsize=1)
def _city_codes() -> dict[str, str]:
    """Full name of each parent city (prefecture names are unique) → its adcode."""
    units = _units()
    names = {r["parent_city"] for r in units.values()}
    return {
        r["name"]: code
        for code, r in units.items()
        if r["name"] in names and r["name"] == r["parent_city"]
    }


@lru_cache(maxsize=1)
def _members() -> dict[str, tuple[str, ...]]:
    """Parent city name → adcodes of its county-level units."""
    out: dict[str, list[str]] = {}
    codes = _city_codes()
    for code, row in _units().items():
        if codes.get(row["parent_city"]) != code:
            out.setdefault(row["parent_city"], []).append(code)
    return {k: tuple(v) for k, v in out.items()}


VOICE_LEVELS = {"district": {"district"}, "county": {"county", "county_city"}}
# Level of an unnamed unit that ranks itself within its city (居绍兴第2): 全市 there is a
# county-level city.
RANKED_LEVEL = {"district": "district", "county": "county", "city": "county_city"}


def _level_of_voice(body: str) -> str:
    """district | county | city: whether the text speaks as 全区, 全县 or 全市."""
    counts = {v: _count("level_word", body, v) for v in ("district", "county", "city")}
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] > 0 else ""


@dataclass
class _Evidence:
    votes: Counter[str]  # parent city name → score
    named: Counter[str]  # adcode → title/organ score
    mentions: Counter[str]  # adcode → body mentions
    provinces: Counter[str]  # province name → mentions
    ranked: Counter[str]  # adcode → mentions as the frame of a ranking (居绍兴第2)


def _collect(title: str, body: str, voice: str = "", headline: str = "") -> _Evidence:
    """Weigh every place hit; a hit shared by n units gives each 1/n of its vote.

    A unit of the level the text speaks as (a 县 in a text saying 我县) earns a bonus:
    a county report names its own county, while the big cities it mentions are partners.
    """
    ev = _Evidence(Counter(), Counter(), Counter(), Counter(), Counter())
    fitting = VOICE_LEVELS.get(voice, set())
    for hit in find_places(body):
        if hit.level == "province":
            ev.provinces[hit.name] += hit.count / hit.n_candidates
            continue
        framed = [_framed(body, start, end) for start, end in hit.spans]
        weight = (1.0 if hit.is_full else SHORT_FACTOR) * _weak_factor(body, hit, framed)
        organ = min(_organ_mentions(body, hit), ORGAN_CAP) * ORGAN_WEIGHT
        bonus = VOICE_BONUS if hit.level in fitting else 0.0
        ev.named[hit.adcode] += organ
        ev.mentions[hit.adcode] += sum(f is None for f in framed)  # the region's own
        ev.ranked[hit.adcode] += sum(f is not None and f[1] for f in framed)
        ev.votes[hit.parent_city] += (hit.count * weight + organ + bonus) / hit.n_candidates
    for text, weight in ((title, TITLE_WEIGHT), (headline, HEADLINE_WEIGHT)):
        for hit in find_places(text) if text else ():
            if hit.level != "province":
                ev.named[hit.adcode] += weight
                ev.votes[hit.parent_city] += weight / hit.n_candidates
    return ev


def infer_region(title: str, body: str, headline: str = "") -> RegionGuess:
    """The reporting region from weighted gazetteer evidence (see module docstring).

    When the text speaks as a district or county (全县, 区科技局) but its own name is
    hidden or absent, the level (and the city, if the places point to one) is still
    given, with an empty region.
    """
    masked = int(_count("mask", body) >= MASK_MIN or _first("mask_organ", body) is not None)
    voice = _level_of_voice(body)
    ev = _collect(title, body, voice, headline)
    city = _best_city(ev, body, VOICE_MIN_SCORE if voice in VOICE_LEVELS else MIN_REGION_SCORE)
    if city is None:
        return _zone_guess(ev, body, masked) or RegionGuess(
            admin_level=_voice_level(voice), masked=masked
        )
    city_code = _city_codes()[city]
    code = _county_unit(city_code, ev, voice)
    row = _units()[code]
    level, region = row["level"], row["name"]
    if code == city_code and voice in VOICE_LEVELS and (masked or ev.named[city_code] == 0):
        level, region = voice, ""  # a hidden or unnamed district/county of this city
    elif code == city_code and _ranked_within(ev, city_code):
        level, region = RANKED_LEVEL.get(voice, ""), ""  # a unit below the city, unnamed
    return RegionGuess(
        region=region,
        admin_level=level,
        parent_city=row["parent_city"],
        province=row["province"],
        masked=masked,
        confidence=_region_confidence(ev.votes[city], sum(ev.votes.values()), ev.named, masked),
    )


def _zone_guess(ev: _Evidence, body: str, masked: int) -> RegionGuess | None:
    """A functional zone with its own bureau (平原示范区科技和工业信息化局) when no
    gazetteer unit claims the text: the zone, at district level, in the province the text
    names most."""
    zones = Counter(
        m.group("zone") for c in load_cues().get("zone", ()) for m in c.regex.finditer(body)
    )
    if not zones:
        return None
    zone = zones.most_common(1)[0][0]
    province = ev.provinces.most_common(1)[0][0] if ev.provinces else ""
    return RegionGuess(
        region=zone, admin_level="district", province=province, masked=masked, confidence=0.3
    )


def _voice_level(voice: str) -> str:
    """The admin level a voice alone proves: 全区 → district, 全县 → county; 全市 is
    either a prefecture or a county-level city, so it proves nothing."""
    return voice if voice in VOICE_LEVELS else ""


def _best_city(ev: _Evidence, body: str, min_score: float = MIN_REGION_SCORE) -> str | None:
    """The parent city with the clearly highest score (at least ``min_score``), or None.

    A text speaking as a county (我县) accepts weaker evidence, such as a company's
    registered city: it only makes the city the parent, never the region.
    """
    if not ev.votes:
        return None
    _adjust_votes(ev.votes, ev.provinces, body)
    ranked = ev.votes.most_common(2)
    best, best_score = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    if best_score < min_score - 1e-9 or best_score <= second or best not in _city_codes():
        return None
    return best


def _adjust_votes(votes: Counter[str], provinces: Counter[str], body: str) -> None:
    """Context cues: 副省级城市 favours the 15 sub-provincial cities, 全省 disfavours
    municipalities, a named province backs its own cities."""
    units, codes = _units(), _city_codes()

    def province_of(city: str) -> str:
        return units[codes[city]]["province"] if city in codes else ""

    for cue in load_cues().get("peer_group", ()):
        if cue.regex.search(body):
            for city in cue.value.split("|"):
                if votes.get(city, 0) > 0:
                    votes[city] += PEER_BONUS
    for cue in load_cues().get("in_province", ()):
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


def _county_unit(city_code: str, ev: _Evidence, voice: str) -> str:
    """A county-level unit of the city when the title/organ names it, the voice fits, or
    the text ranks itself within the city (位居金华第二) and names one of its units most."""
    units = _units()
    members = _members().get(units[city_code]["name"], ())
    by_named = sorted((ev.named[c], ev.mentions[c], c) for c in members if ev.named[c] > 0)
    if by_named and by_named[-1][0] >= ev.named[city_code]:
        return by_named[-1][2]
    if _ranked_within(ev, city_code):
        own = sorted((ev.mentions[c], c) for c in members if ev.mentions[c] > 0)
        if own and (len(own) == 1 or own[-1][0] > own[-2][0]):
            return own[-1][1]
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


# ----------------------------------------------------------------------------- year


def _title_years(title: str) -> tuple[int | None, int | None]:
    """(summary year, plan year) read from the title: the year before 总结 / 要点."""
    summary_year = plan_year = None
    for m in YEAR_RE.finditer(title):
        rest = title[m.end() :]
        nxt = YEAR_RE.search(rest)
        scope = rest[: nxt.start()] if nxt else rest
        year = int(m.group(1))
        if _first("doc_summary", scope) and summary_year is None:
            summary_year = year
        elif _first("doc_plan", scope) and plan_year is None:
            plan_year = year
        elif summary_year is None and plan_year is None and not nxt:
            summary_year = year  # a bare year in the title
    return summary_year, plan_year


def _title_year(title: str, doc_type: str) -> int | None:
    """A plan covers the year it plans; a summary (or summary+plan) the year it sums up.
    A Five-Year Plan (“十三五”规划) is dated by its first year."""
    if doc_type == "plan" and (m := _first("fyp_plan", title)) is not None:
        return lexicon.fyp_first_years()[m[0].group("fyp")]
    summary_year, plan_year = _title_years(title)
    if doc_type == "plan":
        return plan_year or summary_year
    if summary_year is not None:
        return summary_year
    return plan_year - 1 if plan_year is not None else None


def _fyp_year(body: str) -> int | None:
    fyp = lexicon.fyp_first_years()
    for cue in load_cues().get("fyp_stage", ()):
        m = cue.regex.search(body)
        if m:
            return fyp[m.group("fyp")] + int(cue.value)
    return None


def _plan_section_year(body: str) -> tuple[int | None, bool]:
    """Year named at the start of the plan section, and whether that section is 下半年."""
    hit = _first("plan_section", body)
    if hit is None:
        return None, False
    match, _ = hit
    half = "下半年" in match.group()
    if half:
        return None, True
    window = body[match.start() : match.end() + 400]
    years = YEAR_RE.findall(window)
    return (int(years[0]), False) if years else (None, False)


def _after_title(body: str, title: str) -> str:
    """The body from the line after the one holding the title (the opening sentence)."""
    lines = body.split("\n")
    for i, line in enumerate(lines[:TITLE_LINES]):
        if title and title in line:
            return "\n".join([line[line.index(title) + len(title) :], *lines[i + 1 :]]).strip()
    return body


def _most_cited_year(body: str, ok: Callable[[int], bool]) -> int | None:
    """The year cited most often among those ``ok`` allows (ties → the later year);
    target years (力争2025年) do not count."""
    targets = {
        m.start("year")
        for kind in ("target_year", "lagged_year")
        for c in load_cues().get(kind, ())
        for m in c.regex.finditer(body)
    }
    counts = Counter(
        y for m in YEAR_RE.finditer(body) if m.start(1) not in targets and ok(y := int(m.group(1)))
    )
    if not counts:
        return None
    return max(counts, key=lambda y: (counts[y], y))


def _bounds(body: str, doc_type: str, published: int | None) -> tuple[int | None, int | None]:
    """(floor, cap): a year the text compares itself with (较2014年) is in the past, so
    weaker sources must be later; nothing may be after the page date (a plan, one year)."""
    baselines = [
        int(m.group("year"))
        for kind in ("year_baseline", "lagged_year")
        for c in load_cues().get(kind, ())
        for m in c.regex.finditer(body)
    ]
    floor = max(baselines) + 1 if baselines else None
    cap = published + (1 if doc_type == "plan" else 0) if published else None
    return floor, cap


def _allowed(source: str, year: int, floor: int | None, cap: int | None) -> bool:
    if cap is not None and year > cap:
        return False
    weak = YEAR_CONF[source] < YEAR_CONF["opening"]
    return not (weak and floor is not None and year < floor)


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


def _last_year_news(title: str, headline: str, body: str) -> bool:
    """True when the title/headline or the opening sentence reports 去年's results
    (齐齐哈尔市去年科技战线…超额完成): the text is about the year before its dateline."""
    opening = (_after_title(body, title) if title else body)[:LEDE_CHARS].split("。")[0]
    return _first("last_year", f"{title or headline}\n{opening}") is not None


def _weak_years(body: str, floor: int | None) -> list[tuple[str, int]]:
    """Last-resort evidence: the year after the latest year compared with (对比2014年),
    the year after a Party congress whose spirit the text studies (贯彻十七大精神)."""
    cands = [("baseline", floor)] if floor is not None else []
    if (m := _first("congress", body)) is not None:
        cands.append(("congress", int(m[1].value)))
    return cands


def infer_year(
    title: str,
    body: str,
    doc_type: str,
    chrome: list[str],
    period: str = "FY",
    headline: str = "",
) -> tuple[int | None, float]:
    """The year the report covers, with a confidence (see module docstring)."""
    date = page_date(chrome)
    floor, cap = _bounds(body, doc_type, date[0] if date else None)
    cands: list[tuple[str, int]] = []
    if (year := _title_year(title or headline, doc_type)) is not None:
        cands.append(("title", year))
    if (m := _first("year_heading", body)) is not None:
        cands.append(("heading", int(m[0].group("year"))))
    if (m := _first("year_opening", _after_title(body, title))) is not None:
        cands.append(("opening", int(m[0].group("year"))))
    if (m := _first("year_statement", body)) is not None:
        cands.append(("statement", int(m[0].group("year"))))
    if (fyp := _fyp_year(body)) is not None:
        cands.append(("fyp", fyp))
    plan_section_year, _ = _plan_section_year(body)
    if plan_section_year is not None:
        offset = 0 if doc_type == "plan" else 1
        cands.append(("plan_section", plan_section_year - offset))
    cited = _most_cited_year(body, lambda y: _allowed("most_cited", y, floor, cap))
    if cited is not None:
        cands.append(("most_cited", cited))
    if (dated := _dateline_year(date, doc_type, period)) is not None:
        cands.append(("dateline", dated))
    elif date is not None and (
        _first("current_year", body) is not None
        or (headline and not title and date[1] > SUMMARY_LAST_MONTH)
    ):
        # a news text about 今年, or a news item dated after the annual summaries' season:
        # it reports the current year, off the genre calendar
        cands.append(("current", date[0]))
    if date is not None and _last_year_news(title, headline, body):
        cands.append(("last_year", date[0] - 1))
    cands.extend(_weak_years(body, floor))
    cands = [(s, y) for s, y in cands if _allowed(s, y, floor, cap)]
    if not cands:
        return None, 0.0
    source, year = max(cands, key=lambda c: YEAR_CONF[c[0]])
    agree = sum(1 for s, y in cands if y == year and s != source)
    conf = min(0.99, YEAR_CONF[source] + AGREE_BONUS * agree)
    return year, round(conf, 2)


# ---------------------------------------------------------------------------- entry


def describe(doc: Document, title: str = "") -> DocMeta:
    """Document-level facts of one prepared report (pure: same document, same answer).

    Reads the document's body lines, chrome and page date; adds a ``DocMeta``.
    """
    body_lines = list(doc.lines)
    dated = [line for line in body_lines[:TITLE_LINES] if _first("pubdate_label", line)]
    found_title = title.strip() if title.strip() else extract_title(body_lines)
    headline = "" if found_title else extract_headline(body_lines)
    body = doc.body
    doc_type = infer_doc_type(found_title, body, headline)
    period = infer_period(found_title, body, headline)
    region = infer_region(found_title, body, headline)
    year, year_conf = infer_year(found_title, body, doc_type, [*doc.chrome, *dated], period,
                                 headline)
    return DocMeta(
        doc_id=doc.doc_id,
        title=found_title,
        region=region.region,
        admin_level=region.admin_level,
        parent_city=region.parent_city,
        province=region.province,
        report_year=year,
        period=period,
        doc_type=doc_type,
        region_masked=region.masked,
        region_confidence=region.confidence,
        year_confidence=year_conf,
    )


def infer_metadata(doc_id: str, text: str) -> DocMeta:
    """Document-level facts of a text as read from its file: prepared, then described."""
    from analysis.models import RawDocument

    return describe(prepare(RawDocument(doc_id, "", "txt", text, "")))
