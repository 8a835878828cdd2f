"""Document-level facts of a report: title, region, level, year, period, type, masking.

Everything here is a pure function of the text. Cue words and patterns live in
``data/metadata_cues.csv`` (one row per cue, with a note on why it works); the code
only weighs the evidence they produce:

* **region** — gazetteer hits (``gazetteer.find_places``) vote for their prefecture: the
  title counts most, then a place written right before a bureau name (胶州市科技和工业
  信息化局), then plain mentions in the body. A county-level unit is chosen only when the
  title or the bureau name names it, or when the text speaks as a district/county (全区,
  区科技局) and names one of that city's districts/counties. Masked texts (``*市``,
  ``XX县区``) keep the prefecture the body points to and set ``region_masked``.
* **year** — the strongest of: the title (the year before 总结, else before 要点/计划), a
  section heading (一、2021年工作成效), an opening ``2016年，``, a Five-Year-Plan stage
  (实现“十三五”开门红 → 2016), the year of the plan section (minus one for a summary),
  the most cited year. Never later than the page date of a summary.
* **period** and **doc_type** — from the title, then from section headings.

When the evidence is too weak the field stays empty and its confidence 0.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
from opencc import OpenCC

from analysis.config import PACKAGE_DATA
from analysis.gazetteer import PlaceHit, find_places, load_gazetteer
from analysis.models import DocMeta

CUES_PATH = PACKAGE_DATA / "metadata_cues.csv"

# Weights of place evidence (per mention) and confidences of year sources: judgement
# calls, kept together so they can be tuned in one place.
TITLE_WEIGHT = 6.0
ORGAN_WEIGHT = 4.0
ORGAN_CAP = 3  # organ mentions counted per place
SHORT_FACTOR = 0.8  # 青岛 counts a little less than 青岛市
PEER_BONUS = 1.0
PROVINCE_BONUS = 0.3
MIN_REGION_SCORE = 1.0
MASK_MIN = 2
TRADITIONAL_RATIO = 0.1  # share of Han characters t2s changes in a traditional text
TRADITIONAL_MIN = 2
TITLE_LINES = 4
TITLE_MAX = 60

YEAR_CONF = {
    "title": 0.95,
    "heading": 0.9,
    "opening": 0.85,
    "fyp": 0.75,
    "plan_section": 0.6,
    "most_cited": 0.4,
}
AGREE_BONUS = 0.03

YEAR_RE = re.compile(r"(?<![\d\-—–~至到])(20\d\d)\s*年(?!\s*[-—–~至到]\s*20\d\d)")
ENUM_RE = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[(（][一二三四五六七八九十\d]+[)）])"
)
SENTENCE_PUNCT = "，,。；;！!？?：:"


# ----------------------------------------------------------------------------- cues


@dataclass(frozen=True)
class Cue:
    regex: re.Pattern[str]
    value: str


@lru_cache(maxsize=1)
def load_cues() -> dict[str, tuple[Cue, ...]]:
    """Cue kind → compiled patterns with their value, in file order."""
    df = pd.read_csv(CUES_PATH, dtype=str, keep_default_na=False, encoding="utf-8")
    fyp = {r.pattern: r.value for r in df.itertuples() if r.cue == "fyp"}
    fyp_alt = "(?P<fyp>" + "|".join(map(re.escape, fyp)) + ")"
    out: dict[str, list[Cue]] = {}
    for r in df.itertuples():
        pattern = r.pattern.replace("{fyp}", fyp_alt)
        out.setdefault(r.cue, []).append(Cue(re.compile(pattern, re.M), r.value))
    return {k: tuple(v) for k, v in out.items()}


def _first(kind: str, text: str) -> tuple[re.Match[str], Cue] | None:
    """Earliest match of any cue of ``kind`` in ``text``."""
    found = [(m, c) for c in load_cues().get(kind, ()) if (m := c.regex.search(text))]
    return min(found, key=lambda mc: mc[0].start()) if found else None


def _count(kind: str, text: str, value: str | None = None) -> int:
    cues = load_cues().get(kind, ())
    return sum(len(c.regex.findall(text)) for c in cues if value is None or c.value == value)


# ------------------------------------------------------------------------ text prep


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Convert to simplified characters only if the text is written in traditional ones.

    Converting simplified text is not a no-op (乾安县 → 干安县), so measure first.
    """
    from .extract import simplified_shadow  # character table: fast, same length

    shadow = simplified_shadow(text)
    changed = sum(a != b for a, b in zip(text, shadow, strict=True))
    if changed < TRADITIONAL_MIN:
        return text
    han = len(re.findall("[\u4e00-\u9fff]", text)) or 1
    if changed / han < TRADITIONAL_RATIO:
        return text
    return _t2s().convert(text)


def is_chrome(line: str) -> bool:
    """True for web furniture lines (发布日期, 浏览次数, 小编为大家整理, bare dates)."""
    stripped = line.strip()
    for cue in load_cues().get("chrome", ()):
        max_len = int(cue.value or 0)
        if (max_len == 0 or len(stripped) <= max_len) and cue.regex.search(stripped):
            return True
    return False


def split_chrome(text: str) -> tuple[list[str], list[str]]:
    """(body lines, chrome lines); blank lines are dropped."""
    body, chrome = [], []
    for line in text.splitlines():
        if line.strip():
            (chrome if is_chrome(line) else body).append(line.strip())
    return body, chrome


def page_year(chrome: Iterable[str]) -> int | None:
    """Latest year of a full date in the chrome (the page's publication date)."""
    years = [
        int(m.group("year"))
        for line in chrome
        for cue in load_cues().get("pubdate", ())
        for m in cue.regex.finditer(line)
    ]
    return max(years) if years else None


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
    if len(title) < 4 or not (re.search(r"工作|20\d\d|年", title) or title == line.strip()):
        return ""
    return title


def extract_title(body_lines: list[str]) -> str:
    """First line(s) naming the report, without chrome, tags or page numbers."""
    for line in body_lines[:TITLE_LINES]:
        if ENUM_RE.match(line):
            break
        title = _title_in(_strip_prefixes(line))
        if title:
            return title
    return ""


# ------------------------------------------------------------------ type and period


def infer_doc_type(title: str, body: str) -> str:
    """summary | plan | summary+plan from title words, then plan-section headings."""
    summary = _first("doc_summary", title) is not None
    plan = _first("doc_plan", title) is not None
    if summary and plan:
        return "summary+plan"
    if plan:
        return "plan"
    if _first("plan_section", body):
        return "summary+plan"
    return "summary"


def infer_period(title: str) -> str:
    """FY unless the title scopes the report to part of the year (上半年, 1-5月)."""
    hit = _first("period", title)
    if hit is None:
        return "FY"
    match, cue = hit
    if cue.value == "H1" and _first("period_annual", title):
        return "FY"  # 上半年工作总结与下年工作思路: a reposted annual report
    if "{month}" in cue.value:
        month = int(match.group("month"))
        return "FY" if month == 12 else cue.value.format(month=month)
    return cue.value


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


def _weak_factor(text: str, hit: PlaceHit) -> float:
    """Average weight of the mentions; those naming an institution (宁波大学) count less."""
    cues = load_cues().get("weak_after", ())
    weights = [
        min([float(c.value) for c in cues if c.regex.match(text, end)] or [1.0])
        for _, end in hit.spans
    ]
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


def _collect(title: str, body: str) -> _Evidence:
    """Weigh every place hit; a hit shared by n units gives each 1/n of its vote."""
    ev = _Evidence(Counter(), Counter(), Counter(), Counter())
    for hit in find_places(body):
        if hit.level == "province":
            ev.provinces[hit.name] += hit.count / hit.n_candidates
            continue
        weight = (1.0 if hit.is_full else SHORT_FACTOR) * _weak_factor(body, hit)
        organ = min(_organ_mentions(body, hit), ORGAN_CAP) * ORGAN_WEIGHT
        ev.named[hit.adcode] += organ
        ev.mentions[hit.adcode] += hit.count
        ev.votes[hit.parent_city] += (hit.count * weight + organ) / hit.n_candidates
    for hit in find_places(title):
        if hit.level != "province":
            ev.named[hit.adcode] += TITLE_WEIGHT
            ev.votes[hit.parent_city] += TITLE_WEIGHT / hit.n_candidates
    return ev


def infer_region(title: str, body: str) -> RegionGuess:
    """The reporting region from weighted gazetteer evidence (see module docstring)."""
    masked = int(_count("mask", body) >= MASK_MIN)
    ev = _collect(title, body)
    if not ev.votes:
        return RegionGuess(masked=masked)
    _adjust_votes(ev.votes, ev.provinces, body)
    ranked = ev.votes.most_common()
    best, best_score = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    if best_score < MIN_REGION_SCORE or best_score <= second or best not in _city_codes():
        return RegionGuess(masked=masked)
    city_code = _city_codes()[best]
    code = city_code if masked else _county_unit(city_code, ev, body)
    row = _units()[code]
    return RegionGuess(
        region=row["name"],
        admin_level=row["level"],
        parent_city=row["parent_city"],
        province=row["province"],
        masked=masked,
        confidence=_region_confidence(best_score, sum(ev.votes.values()), ev.named, masked),
    )


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


def _county_unit(city_code: str, ev: _Evidence, body: str) -> str:
    """A county-level unit of the city when the title/organ names it or the voice fits."""
    units = _units()
    city = units[city_code]["name"]
    members = [c for c, r in units.items() if r["parent_city"] == city and c != city_code]
    by_named = sorted((ev.named[c], ev.mentions[c], c) for c in members if ev.named[c] > 0)
    if by_named and by_named[-1][0] >= ev.named[city_code]:
        return by_named[-1][2]
    voice = _level_of_voice(body)
    if voice in ("district", "county") and ev.named[city_code] == 0:
        levels = {"district"} if voice == "district" else {"county", "county_city"}
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
    """A plan covers the year it plans; a summary (or summary+plan) the year it sums up."""
    summary_year, plan_year = _title_years(title)
    if doc_type == "plan":
        return plan_year or summary_year
    if summary_year is not None:
        return summary_year
    return plan_year - 1 if plan_year is not None else None


def _fyp_year(body: str) -> int | None:
    fyp = {c.regex.pattern: int(c.value) for c in load_cues().get("fyp", ())}
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
    """The year cited most often among those ``ok`` allows (ties → the later year)."""
    counts = Counter(y for y in map(int, YEAR_RE.findall(body)) if ok(y))
    if not counts:
        return None
    return max(counts, key=lambda y: (counts[y], y))


def _bounds(body: str, doc_type: str, published: int | None) -> tuple[int | None, int | None]:
    """(floor, cap): a year the text compares itself with (较2014年) is in the past, so
    weaker sources must be later; nothing may be after the page date (a plan, one year)."""
    baselines = [
        int(m.group("year"))
        for c in load_cues().get("year_baseline", ())
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


def infer_year(title: str, body: str, doc_type: str, chrome: list[str]) -> tuple[int | None, float]:
    """The year the report covers, with a confidence (see module docstring)."""
    floor, cap = _bounds(body, doc_type, page_year(chrome))
    cands: list[tuple[str, int]] = []
    if (year := _title_year(title, doc_type)) is not None:
        cands.append(("title", year))
    if (m := _first("year_heading", body)) is not None:
        cands.append(("heading", int(m[0].group("year"))))
    if (m := _first("year_opening", _after_title(body, title))) is not None:
        cands.append(("opening", int(m[0].group("year"))))
    if (fyp := _fyp_year(body)) is not None:
        cands.append(("fyp", fyp))
    plan_section_year, _ = _plan_section_year(body)
    if plan_section_year is not None:
        offset = 0 if doc_type == "plan" else 1
        cands.append(("plan_section", plan_section_year - offset))
    cited = _most_cited_year(body, lambda y: _allowed("most_cited", y, floor, cap))
    if cited is not None:
        cands.append(("most_cited", cited))
    cands = [(s, y) for s, y in cands if _allowed(s, y, floor, cap)]
    if not cands:
        return None, 0.0
    source, year = max(cands, key=lambda c: YEAR_CONF[c[0]])
    agree = sum(1 for s, y in cands if y == year and s != source)
    conf = min(0.99, YEAR_CONF[source] + AGREE_BONUS * agree)
    return year, round(conf, 2)


# ---------------------------------------------------------------------------- entry


def infer_metadata(doc_id: str, text: str, title: str = "") -> DocMeta:
    """Document-level facts of one report (pure: same text, same answer)."""
    simple = to_simplified(text)
    body_lines, chrome = split_chrome(simple)
    found_title = to_simplified(title).strip() if title.strip() else extract_title(body_lines)
    body = "\n".join(body_lines)
    doc_type = infer_doc_type(found_title, body)
    region = infer_region(found_title, body)
    year, year_conf = infer_year(found_title, body, doc_type, chrome)
    return DocMeta(
        doc_id=doc_id,
        title=found_title,
        region=region.region,
        admin_level=region.admin_level,
        parent_city=region.parent_city,
        province=region.province,
        report_year=year,
        period=infer_period(found_title),
        doc_type=doc_type,
        region_masked=region.masked,
        region_confidence=region.confidence,
        year_confidence=year_conf,
    )
