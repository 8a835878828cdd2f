"""The reporting region from weighted gazetteer evidence (see the package docstring)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from ..gazetteer import PlaceHit, find_places, load_gazetteer
from .cues import count_cues, first_cue, load_cues

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
    counts = {v: count_cues("level_word", body, v) for v in ("district", "county", "city")}
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
    masked = int(count_cues("mask", body) >= MASK_MIN or first_cue("mask_organ", body) is not None)
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


