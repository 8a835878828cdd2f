"""China's administrative divisions (``data/gazetteer.csv``) and place mentions in text.

The gazetteer is built by ``scripts/build_gazetteer.py`` from the ``cpca`` adcode table
(see ``data/README.md``). Each row is one province, prefecture or county-level unit with
its full official name, a short name (鹿城区 → 鹿城), the level, the prefecture it belongs
to (``parent_city``) and the province, so that a mention of a county can vote for its city.

Matching is leftmost-longest over a dict of surface forms: one Aho-Corasick automaton
of every surface (``ahocorasick_rs``) finds where names stand, the names of the
report's year are read there, longest first; deterministic. Short names listed in ``data/gazetteer_stopwords.txt`` (common words
such as 资源, 和平, 城区) are not matched on their own, and a match inside a slogan
listed in ``data/gazetteer_slogans.txt`` (科技兴县, 工业强市) is dropped, so the county
兴县 is not read in 科技兴县. An autonomous prefecture is also found by its
everyday short form (黔东南州 for 黔东南苗族侗族自治州).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

import ahocorasick_rs

from .patterns import required_chars

if TYPE_CHECKING:
    import pandas as pd

from analysis.config import PACKAGE_DATA

GAZETTEER_PATH = PACKAGE_DATA / "gazetteer.csv"
STOPWORDS_PATH = PACKAGE_DATA / "gazetteer_stopwords.txt"
SLOGANS_PATH = PACKAGE_DATA / "gazetteer_slogans.txt"
WORDS_PATH = PACKAGE_DATA / "gazetteer_words.txt"
AUTONOMOUS_PREFECTURE = "自治州"

LEVEL_RANK = {"province": 3, "prefecture": 2, "county_city": 1, "district": 1, "county": 1}
COLUMNS = ["adcode", "name", "short_name", "level", "parent_city", "province", "aliases",
           "first_year", "last_year"]
IN_USE = 9999  # last_year of a unit still in use


@dataclass(frozen=True)
class PlaceHit:
    """All mentions of one gazetteer unit through one surface form."""

    surface: str  # the string as it appears in the text (胶州, 胶州市)
    name: str  # full official name
    adcode: str
    level: str  # province | prefecture | county_city | district | county
    parent_city: str
    province: str
    spans: tuple[tuple[int, int], ...]  # (start, end) of each mention
    is_full: bool  # surface is the full official name (or an alias), not a short name
    n_candidates: int = 1  # units sharing this surface at its best level (split the vote)
    key: str = ""  # adcode@first_year: one unit in one span of years (codes are reused)

    @property
    def count(self) -> int:
        return len(self.spans)


@lru_cache(maxsize=1)
def records() -> tuple[dict[str, str], ...]:
    """The gazetteer's rows as dicts of strings (adcodes keep their leading digits), with a
    ``key`` (adcode@first_year) that is unique where adcodes are not: a code is reused
    when its unit is renamed or moves to another city. Made once for every reader.

    Read with the csv module: the matching needs no pandas, so a worker process does not
    import it (a second of start-up and about 60 MB per worker)."""
    with open(GAZETTEER_PATH, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)  # not DictReader: a dict per row twice (20 ms of 4,000 rows)
        header = next(reader, [])
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            raise ValueError(f"{GAZETTEER_PATH}: missing columns {missing}; rebuild it with "
                             "scripts/build_gazetteer.py")
        where = [header.index(c) for c in COLUMNS]
        code, first = header.index("adcode"), header.index("first_year")
        width = len(header)
        rows = tuple({**{c: _cell(row, i) for c, i in zip(COLUMNS, where, strict=True)},
                      "key": f"{_cell(row, code)}@{_cell(row, first)}"}
                     for row in reader if any(row[:width]))
    if len({r["key"] for r in rows}) != len(rows):
        raise ValueError(f"{GAZETTEER_PATH}: adcode and first_year repeat together")
    return rows


def _cell(row: list[str], i: int) -> str:
    return row[i] if i < len(row) else ""


@lru_cache(maxsize=1)
def load_gazetteer() -> pd.DataFrame:
    """The gazetteer (:func:`records`) as a DataFrame of strings, for readers that want
    one (notebooks, tests)."""
    import pandas as pd

    return pd.DataFrame(list(records()), columns=[*COLUMNS, "key"], dtype=str)


def _span(row: dict[str, str]) -> tuple[int, int]:
    """(first, last) year a unit was in use; last is IN_USE while it still is."""
    return int(row["first_year"] or 0), int(row["last_year"] or IN_USE)


def in_use(row: dict[str, str], year: int | None) -> bool:
    """True when the unit existed under this name in ``year`` (None: today)."""
    first, last = _span(row)
    return last == IN_USE if year is None else first <= year <= last


NAME_GRACE = 3  # years a short name is still read for a unit after it was renamed or merged


def of_the_time(rows: list[tuple[dict[str, str], bool]],
                year: int | None) -> list[tuple[dict[str, str], bool]]:
    """The candidates in use in ``year`` (None: today); else the nearest in time.

    Why: one surface (即墨) names 即墨市 until 2016 and 即墨区 from 2017; a report is
    placed in the divisions of its own year. An out-of-date name is still read, nearest
    first, if it is a full name (襄樊市) or out of date by at most ``NAME_GRACE`` years: a
    short name of a unit long gone (动力 of 动力区, merged in 2006) is an ordinary word.
    """
    now = [c for c in rows if in_use(c[0], year)]
    if now:
        return now
    ref = (max(_span(r)[0] for r, _ in rows) + 1) if year is None else year

    def distance(row: dict[str, str]) -> int:
        first, last = _span(row)
        return first - ref if ref < first else max(ref - last, 0)

    alive = [c for c in rows if c[1] or (distance(c[0]) <= NAME_GRACE and year is not None)]
    if not alive:
        return []
    best = min(distance(r) for r, _ in alive)
    return [c for c in alive if distance(c[0]) == best]


@lru_cache(maxsize=1)
def load_stopwords() -> tuple[frozenset[str], frozenset[str]]:
    """(surfaces never matched alone, breaker words) from ``gazetteer_stopwords.txt``.

    Stop surfaces are common words that happen to be place names (资源, 城区); breaker
    words are two-character words (创新, 通过) that, when they straddle the edge of a
    short-name match, show the match is an accident of adjacent words.
    """
    lines = [s.strip() for s in STOPWORDS_PATH.read_text(encoding="utf-8").splitlines()]
    lines = [s for s in lines if s and not s.startswith("#")]
    stop = frozenset(s for s in lines if not s.startswith("~"))
    breakers = frozenset(s[1:] for s in lines if s.startswith("~"))
    return stop, breakers


@lru_cache(maxsize=1)
def load_slogans() -> re.Pattern[str] | None:
    """One pattern matching any slogan of ``gazetteer_slogans.txt`` (None if the list is
    empty): words such as 科技兴县 that contain a place name by accident."""
    lines = [s.strip() for s in SLOGANS_PATH.read_text(encoding="utf-8").splitlines()]
    patterns = [s for s in lines if s and not s.startswith("#")]
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


SLOGAN_REACH = 12  # characters either side of a match searched for a slogan covering it


def in_slogan(text: str, start: int, end: int) -> bool:
    """True when a slogan (科技兴县) covers part of text[start:end].

    Only a small window around each place match is searched: far cheaper than
    scanning the whole text for every slogan.
    """
    slogans = load_slogans()
    if slogans is None:
        return False
    lo, hi = max(start - SLOGAN_REACH, 0), end + SLOGAN_REACH
    needed = _slogan_char_re()
    if needed is not None and needed.search(text, lo, hi) is None:
        return False  # a window holding none of them has no slogan (most windows)
    return any(m.start() < end and m.end() > start for m in slogans.finditer(text, lo, hi))


@lru_cache(maxsize=1)
def _slogan_char_re() -> re.Pattern[str] | None:
    """:func:`_slogan_chars` as one character class: a window is searched in C, not
    character by character in Python (15 place names a report, 7 characters each)."""
    chars = _slogan_chars()
    return re.compile("[" + "".join(re.escape(c) for c in chars) + "]") if chars else None


@lru_cache(maxsize=1)
def _slogan_chars() -> tuple[str, ...] | None:
    """Characters one of which every slogan match holds (``patterns.required_chars``)."""
    slogans = load_slogans()
    chars = required_chars(slogans.pattern, slogans.flags) if slogans is not None else None
    return tuple(sorted(chars)) if chars else None


def _surfaces(row: dict[str, str]) -> Iterable[tuple[str, bool]]:
    yield row["name"], True
    for alias in filter(None, row["aliases"].split("|")):
        yield alias, True
    if row["name"].endswith(AUTONOMOUS_PREFECTURE) and row["short_name"] != row["name"]:
        yield row["short_name"] + "州", True  # 黔东南州: how such prefectures call themselves
    if row["short_name"] != row["name"]:
        yield row["short_name"], False


@lru_cache(maxsize=1)
def _table() -> dict[str, list[tuple[dict[str, str], bool]]]:
    """surface → every (row, is_full) it names, in any year."""
    stop, _ = load_stopwords()
    table: dict[str, list[tuple[dict[str, str], bool]]] = {}
    for row in records():
        for surface, is_full in _surfaces(row):
            if len(surface) >= 2 and surface not in stop:
                table.setdefault(surface, []).append((row, is_full))
    return table


def _entry(every: list[tuple[dict[str, str], bool]], year: int | None
           ) -> tuple[tuple[dict[str, str], bool], ...] | None:
    """The index entry of one surface in ``year``: its candidates of the time at the
    highest level sharing it (a full name beats someone's short name), or None."""
    cands = of_the_time(every, year)
    if not cands:
        return None
    full = [c for c in cands if c[1]] or cands
    top = max(LEVEL_RANK[r["level"]] for r, _ in full)
    return tuple(c for c in full if LEVEL_RANK[c[0]["level"]] == top)


@lru_cache(maxsize=1)
def _turns() -> dict[int, frozenset[str]]:
    """Year → the surfaces one of whose units comes into use (its first year) or goes
    out of use (the year after its last) that year: only these may read differently in
    that year than in the year before."""
    out: dict[int, set[str]] = {}
    for surface, every in _table().items():
        for row, _ in every:
            first, last = _span(row)
            out.setdefault(first, set()).add(surface)
            if last != IN_USE:
                out.setdefault(last + 1, set()).add(surface)
    return {y: frozenset(v) for y, v in out.items()}


# Year → (index, surfaces with no unit in use that year) for every year built so far.
_BUILT: dict[int, tuple[dict[str, tuple[tuple[dict[str, str], bool], ...]], frozenset[str]]] = {}


def _orphans(surfaces: Iterable[str], year: int) -> set[str]:
    table = _table()
    return {s for s in surfaces if not any(in_use(r, year) for r, _ in table[s])}


def _year_index(year: int) -> dict[str, tuple[tuple[dict[str, str], bool], ...]]:
    """The index of one year, made from the nearest year already built when there is one.

    Why: a whole index takes 25 ms, and a corpus asks for every year from 2008 on. A
    surface reads the same in two years when the same units were in use in both (its
    entry depends on them alone), which holds for all but the surfaces of the units
    that came or went in between and those with no unit in use in either year (read
    by distance in time): only these are read again (the same :func:`_entry`).
    """
    table = _table()
    if not _BUILT:
        index = {}
        for surface, every in table.items():
            entry = _entry(every, year)
            if entry is not None:
                index[surface] = entry
        _BUILT[year] = (index, frozenset(_orphans(table, year)))
        return index
    near = min(_BUILT, key=lambda y: (abs(y - year), y))
    base, base_orphans = _BUILT[near]
    lo, hi = min(near, year), max(near, year)
    turns = _turns()
    again = set(base_orphans).union(*(turns.get(y, ()) for y in range(lo + 1, hi + 1)))
    index = dict(base)
    for surface in again:
        entry = _entry(table[surface], year)
        if entry is None:
            index.pop(surface, None)
        else:
            index[surface] = entry
    orphans = (base_orphans - again) | _orphans(again, year)
    _BUILT[year] = (index, frozenset(orphans))
    return index


@cache
def _index(year: int | None = None
           ) -> tuple[dict[str, tuple[tuple[dict[str, str], bool], ...]], tuple[int, ...]]:
    """surface → candidate rows of ``year`` at the highest level sharing it; lengths,
    longest first.

    When one string names units of different levels (吉林 the province and 吉林市; 朝阳市
    and 朝阳县 both shorten to 朝阳), the higher level wins: a bare name in a report
    means the bigger, better-known place far more often.
    """
    if year is None:
        index = {}
        for surface, every in _table().items():
            entry = _entry(every, year)
            if entry is not None:
                index[surface] = entry
    else:
        index = _year_index(year)
    lengths = tuple(sorted({len(s) for s in index}, reverse=True))
    return index, lengths


Entry = tuple[tuple[dict[str, str], bool], ...]


@cache
def _entries(year: int | None) -> dict[str, Entry | None]:
    """surface → its :func:`_entry` in ``year`` (None: no unit of that name then), filled
    as names are met in texts: the same entries as :func:`_index`, for the surfaces found.

    Why: a whole year's index reads every one of ~8,000 surfaces (and a corpus asks for
    17 years, in every process: about 0.4 s of CPU per process), while a report names a few
    dozen places and a corpus a few thousand.
    """
    return {}


def _entry_of(surface: str, year: int | None) -> Entry | None:
    """``_index(year)[0].get(surface)``, computed for this surface alone (see above)."""
    memo = _entries(year)
    try:
        return memo[surface]
    except KeyError:
        every = _table().get(surface)
        entry = _entry(every, year) if every else None
        memo[surface] = entry
        return entry


@lru_cache(maxsize=1)
def _word_heads() -> frozenset[str]:
    """Common two-character words whose second character opens a one-character-stem name
    (示范 for 范县, 振兴 for 兴县), from ``data/gazetteer_words.txt``.

    Why a list derived from jieba's dictionary (by ``scripts/build_gazetteer.py``) and
    not a hand-made one: it knows the words of the language, so the rule covers every
    such county, not the few seen in a corpus.
    """
    lines = [s.strip() for s in WORDS_PATH.read_text(encoding="utf-8").splitlines()]
    return frozenset(s for s in lines if s and not s.startswith("#"))


def _inside_word(text: str, start: int, end: int) -> bool:
    """True when a one-character-stem name (范县) is the tail of a common word with the
    character before it (示范县): the name is not a word of the text."""
    if end - start != 2 or start == 0:
        return False
    return text[start - 1 : start + 1] in _word_heads()


def _straddled(text: str, start: int, end: int, breakers: frozenset[str]) -> bool:
    """True when a breaker word covers the first or last character of text[start:end]."""
    return text[max(start - 1, 0) : start + 1] in breakers or text[end - 1 : end + 1] in breakers


@lru_cache(maxsize=1)
def _automaton() -> ahocorasick_rs.AhoCorasick:
    """Every surface of any year in one Aho-Corasick automaton (Rust's aho-corasick; the
    contiguous NFA: in a whole run, where other work evicts its tables from the cache,
    it scanned faster than the DFA)."""
    return ahocorasick_rs.AhoCorasick(list(_table()),
                                      implementation=ahocorasick_rs.Implementation.ContiguousNFA)


def _occurrences(text: str) -> dict[int, list[int]]:
    """Start → lengths of the surfaces (of any year) found there, longest first.

    Why an automaton: one pass in compiled code finds every name at every position
    (offsets in characters); the scan then looks only at positions where a name
    stands, and only at the names that do.
    """
    found: dict[int, list[int]] = {}
    for _, start, end in _automaton().find_matches_as_indexes(text, overlapping=True):
        found.setdefault(start, []).append(end - start)
    for lengths in found.values():
        if len(lengths) > 1:
            lengths.sort(reverse=True)
    return found


def scan(text: str, year: int | None = None) -> list[tuple[int, int, str]]:
    """Leftmost-longest, non-overlapping (start, end, surface) matches of place names.

    A match made only of short names is dropped when a breaker word straddles it
    (创新平台 is not 新平); the scan then moves on by one character. So is a match
    inside a slogan (科技兴县 is not 兴县). ``year`` picks the divisions of that year:
    at each position the longest name of that year is read.
    """
    _, breakers = load_stopwords()
    out: list[tuple[int, int, str]] = []
    found = _occurrences(text)
    memo = _entries(year)  # (what _entry_of reads; asked here for the surfaces it has)
    i = 0  # the next position a match may start at (matches do not overlap)
    for pos in sorted(found):
        if pos < i:
            continue
        for length in found[pos]:
            surface = text[pos : pos + length]
            entry = memo[surface] if surface in memo else _entry_of(surface, year)
            if entry is not None:
                short_only = not any(full for _, full in entry)
                accidental = (short_only and _straddled(text, pos, pos + length, breakers)
                              ) or _inside_word(text, pos, pos + length)
                if not accidental and not in_slogan(text, pos, pos + length):
                    out.append((pos, pos + length, surface))
                    i = pos + length
                break
    return out


def find_places(text: str, year: int | None = None) -> list[PlaceHit]:
    """Every gazetteer unit mentioned in ``text``, by full, short or old name, with counts,
    as the divisions stood in ``year`` (None: today's).

    Ordered by first mention. An ambiguous surface (朝阳 → several units) yields one hit
    per candidate with ``n_candidates`` set, so callers can split its weight.
    """
    spans: dict[str, list[tuple[int, int]]] = {}
    for start, end, surface in scan(text, year):
        spans.setdefault(surface, []).append((start, end))
    hits: list[PlaceHit] = []
    for surface, where in spans.items():
        cands = _entry_of(surface, year) or ()
        for row, is_full in cands:
            hits.append(
                PlaceHit(
                    surface=surface,
                    name=row["name"],
                    adcode=row["adcode"],
                    level=row["level"],
                    parent_city=row["parent_city"],
                    province=row["province"],
                    spans=tuple(where),
                    is_full=is_full,
                    n_candidates=len(cands),
                    key=row["key"],
                )
            )
    hits.sort(key=lambda h: (h.spans[0][0], h.adcode))
    return hits


def lookup(name: str, year: int | None = None) -> list[dict[str, str]]:
    """Gazetteer rows whose full name, short name or alias (黔东南州) is exactly ``name``,
    among the units of ``year`` (None: today's, or a name's latest unit)."""
    if not name:
        return []
    rows = records()
    ever = [r for r in rows if r["name"] == name or r["short_name"] == name]
    if ever:
        chosen = {r["key"] for r, _ in of_the_time([(r, True) for r in ever], year)}
        dropped = {r["key"] for r in ever} - chosen
        rows = tuple(r for r in rows if r["key"] not in dropped)
    return [dict(r) for r in rows
            if r["name"] == name or r["short_name"] == name or name in r["aliases"].split("|")
            or (r["name"].endswith(AUTONOMOUS_PREFECTURE) and r["short_name"] + "州" == name)]
