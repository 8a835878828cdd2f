"""Every vocabulary, defined once as data and checked when loaded.

``data/lexicon.csv`` holds the closed vocabularies the steps share — periods (with the
last month they cover), kinds, admin levels, doc types, section headings and the
Five-Year Plans — each code with its Chinese label and, where the text writes it, the
pattern that finds it. Cue files (``data/cues.csv``, ``data/metadata_cues.csv``) refer
to these by placeholder instead of repeating the words: ``{period.H1}`` stands for the
H1 pattern, ``{heading.plan}`` for the plan-heading words, ``{fyp}`` for a named group
``fyp`` matching any Five-Year Plan. A bad row or an unknown placeholder fails at load
with its file, line and reason (PUDL's checked transform parameters do the same).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import ahocorasick_rs

from ..config import PACKAGE_DATA
from ..patterns import line_anchored, prechecked_source, required_words

LEXICON_PATH = PACKAGE_DATA / "lexicon.csv"
VOCABULARIES = ("period", "kind", "admin_level", "doc_type", "heading", "fyp", "level", "park_kind",
                "comparison", "meeting")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)(?:\.([A-Za-z0-9+\-]+))?\}")


class LexiconError(ValueError):
    """A vocabulary or cue file has a bad row: the message names the file and line."""


@dataclass(frozen=True)
class Term:
    vocabulary: str
    code: str
    label_zh: str
    pattern: str  # how the text writes it (a regular expression), "" when it never does
    last_month: int | None  # periods: the month the period ends with
    note: str


def _fail(path: Path, line: int, reason: str) -> LexiconError:
    return LexiconError(f"{path.name}, line {line}: {reason}")


def _rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, strict=True)  # a stray quote inside a field is an error
        missing = [c for c in columns if c not in (reader.fieldnames or ())]
        if missing:
            raise _fail(path, 1, f"missing columns {missing}")
        try:
            rows = list(enumerate(reader, start=2))
        except csv.Error as e:
            raise _fail(path, reader.line_num + 1, f"{e} (a quote inside a quoted field "
                                               "must be doubled)") from None
    for i, row in rows:
        if None in row:  # csv puts the fields beyond the header under None
            raise _fail(path, i, "more fields than the header has columns "
                                 "(a pattern with a comma must be quoted)")
        if any(v is None for v in row.values()):
            raise _fail(path, i, "fewer fields than the header has columns")
    return rows


@cache
def load_lexicon(path: Path = LEXICON_PATH) -> dict[str, dict[str, Term]]:
    """vocabulary → code → term, in file order; every row checked."""
    out: dict[str, dict[str, Term]] = {v: {} for v in VOCABULARIES}
    for line, r in _rows(path, ("vocabulary", "code", "label_zh", "pattern", "last_month",
                                "note")):
        vocab, code = r["vocabulary"].strip(), r["code"].strip()
        if vocab not in out:
            raise _fail(path, line, f"unknown vocabulary {vocab!r} (known: {VOCABULARIES})")
        if not code or code in out[vocab]:
            raise _fail(path, line, f"empty or repeated code {code!r} in {vocab}")
        if not r["label_zh"].strip():
            raise _fail(path, line, f"{vocab} {code} has no Chinese label")
        if r["pattern"]:
            try:
                re.compile(r["pattern"])
            except re.error as e:
                raise _fail(path, line, f"pattern does not compile: {e}") from None
        month = r["last_month"].strip()
        if month and not (month.isdigit() and 1 <= int(month) <= 12):
            raise _fail(path, line, f"last_month {month!r} is not a month")
        out[vocab][code] = Term(vocab, code, r["label_zh"].strip(), r["pattern"],
                                int(month) if month else None, r["note"])
    for vocab, terms in out.items():
        if not terms:
            raise _fail(path, 1, f"vocabulary {vocab} has no rows")
    return out


def codes(vocabulary: str) -> tuple[str, ...]:
    """The codes of one vocabulary, in file order (the order tables and charts use)."""
    return tuple(load_lexicon()[vocabulary])


def labels(vocabulary: str) -> dict[str, str]:
    """code → Chinese label of one vocabulary."""
    return {c: t.label_zh for c, t in load_lexicon()[vocabulary].items()}


def term(vocabulary: str, code: str) -> Term:
    return load_lexicon()[vocabulary][code]


def period_of_months(last_month: int) -> str:
    """The period a span from January to ``last_month`` is (6 → H1, 12 → FY, 5 → M1-M5)."""
    for code, t in load_lexicon()["period"].items():
        if t.last_month == last_month:
            return code
    return f"M1-M{last_month}"


def period_last_month(period: str) -> int:
    """The last month a period covers (H1 → 6, M1-M5 → 5, FY or anything else → 12)."""
    t = load_lexicon()["period"].get(period)
    if t is not None and t.last_month:
        return t.last_month
    m = re.fullmatch(r"M1-M(\d{1,2})", period)
    return int(m.group(1)) if m else 12


def fyp_first_years() -> dict[str, int]:
    """十三五 → 2016: the first year of each Five-Year Plan, by its written name."""
    return {t.pattern: int(code) for code, t in load_lexicon()["fyp"].items()}


@cache
def level_regex() -> re.Pattern[str]:
    """One pattern for the level words of platforms and firms (国家级, 省级 …), each a group
    named by its code, so ``m.lastgroup`` says which level matched."""
    return re.compile("|".join(f"(?P<{code}>{t.pattern})"
                               for code, t in load_lexicon()["level"].items()))


def expand(pattern: str, where: str = "a pattern") -> str:
    """Replace lexicon placeholders in a cue pattern; an unknown one is an error."""

    def sub(m: re.Match[str]) -> str:
        vocab, code = m.group(1), m.group(2)
        lex = load_lexicon()
        if vocab == "fyp" and code is None:
            return "(?P<fyp>" + "|".join(t.pattern for t in lex["fyp"].values()) + ")"
        if vocab not in lex or code not in lex[vocab] or not lex[vocab][code].pattern:
            raise LexiconError(f"{where}: unknown placeholder {m.group(0)}")
        return "(?:" + lex[vocab][code].pattern + ")"

    return _PLACEHOLDER.sub(sub, pattern)


@dataclass(frozen=True)
class Cue:
    regex: re.Pattern[str]
    value: str


@cache
def load_cues(name: str) -> dict[str, tuple[Cue, ...]]:
    """A cue file (``cue,pattern,value,note``) as cue kind → patterns with their value.

    Patterns are multi-line, with their pre-checks; each is parsed and checked here, so
    a bad row fails with its file and line, and compiled when a text first gets past its
    pre-checks (``patterns.prechecked_source``: most never do in a small run).
    """
    path = PACKAGE_DATA / name
    out: dict[str, list[Cue]] = {}
    for line, r in _rows(path, ("cue", "pattern", "value", "note")):
        if not r["cue"] or not r["pattern"]:
            raise _fail(path, line, "empty cue or pattern")
        pattern = expand(r["pattern"], f"{path.name}, line {line}")
        try:  # parsed and checked now, compiled when a text passes its pre-checks
            regex = prechecked_source(pattern, re.M)
        except re.error as e:
            raise _fail(path, line, f"pattern does not compile: {e}") from None
        out.setdefault(r["cue"], []).append(Cue(regex, r["value"]))
    return {k: tuple(v) for k, v in out.items()}


# ------------------------------------------------------------ cues screened by their words

SCREEN_FROM = 256  # a text longer than this is scanned once for the words of every cue


# A word set a cue needs: its words of two characters or more (looked up in the set the
# automaton found) and its single characters (``in`` finds one as fast as a look-up).
Clause = tuple[frozenset[str], str]


@dataclass(frozen=True, eq=False)  # (hashed by identity: a key of the per-text caches)
class _Screen:
    """The words of a cue file's cues: one automaton of them all, and for each cue (by
    kind, in file order) the word sets of :func:`patterns.required_words` it is checked on."""

    cues: dict[str, tuple[Cue, ...]]  # the loaded cues the screen was made of
    automaton: ahocorasick_rs.AhoCorasick | None
    clauses: dict[str, tuple[tuple[Clause, ...], ...]]


def _checked(clause: frozenset[str]) -> bool:
    """Whether a word set is worth checking: not one with a number (20 of 2023年 or the
    1 of 1-6月 stand in nearly every report, and would only swell the automaton's output)."""
    return not any(w.isascii() and w.isdigit() for w in clause)


def _clause(words: frozenset[str]) -> Clause:
    return (frozenset(w for w in words if len(w) > 1),
            "".join(sorted(w for w in words if len(w) == 1)))


def _make_screen(cues: dict[str, tuple[Cue, ...]]) -> _Screen:
    clauses = {kind: tuple(tuple(_clause(c) for c in required_words(
                                     cue.regex.pattern, cue.regex.flags & ~re.UNICODE)
                                 if _checked(c)) for cue in group)
               for kind, group in cues.items()}
    words = sorted({w for group in clauses.values() for cue in group for multi, _ in cue
                    for w in multi})
    automaton = ahocorasick_rs.AhoCorasick(
        words, store_patterns=True, implementation=ahocorasick_rs.Implementation.DFA
    ) if words else None  # (the DFA: twice as fast as the NFAs on a report of 2,000 characters)
    return _Screen(cues, automaton, clauses)


_SCREENS: dict[str, _Screen] = {}


def _screen(name: str) -> _Screen:
    """The screen of the cue file ``name`` as loaded now (made again after a reload)."""
    cues = load_cues(name)
    screen = _SCREENS.get(name)
    if screen is None or screen.cues is not cues:
        screen = _SCREENS[name] = _make_screen(cues)
    return screen


class _Seen:
    """What is known of one text: the screen's words of two characters or more it holds
    (one scan, made when a cue first needs them) and kind → the cues that may match."""

    __slots__ = ("words", "kept")

    def __init__(self) -> None:
        self.words: frozenset[str] | None = None
        self.kept: dict[str, tuple[Cue, ...]] = {}


@lru_cache(maxsize=8)
def _seen(screen: _Screen, text: str) -> _Seen:
    return _Seen()


def _holds(clause: Clause, screen: _Screen, text: str, seen: _Seen) -> bool:
    """Whether ``text`` holds a word of ``clause`` (its characters first: a set they
    settle needs no scan)."""
    multi, chars = clause
    for ch in chars:
        if ch in text:
            return True
    if not multi or screen.automaton is None:
        return False
    if seen.words is None:
        seen.words = frozenset(screen.automaton.find_matches_as_strings(text, overlapping=True))
    return not multi.isdisjoint(seen.words)


def cues_in(name: str, kind: str, text: str) -> tuple[Cue, ...]:
    """The cues of ``kind`` in the cue file ``name`` that may match somewhere in ``text``
    (all of them for a short text), in file order: a cue left out has no match in
    ``text`` nor in any part of it (a word every match holds is missing).

    Why: most cues are in few reports; one automaton scan per report for all their words
    replaces a scan of the report per cue.
    """
    screen = _screen(name)
    cues = screen.cues.get(kind, ())
    if len(text) <= SCREEN_FROM or not cues:
        return cues
    seen = _seen(screen, text)
    found = seen.kept.get(kind)
    if found is None:
        # (loops, not generators: every text asks for some 25 kinds the first time)
        kept = []
        for cue, clauses in zip(cues, screen.clauses[kind], strict=True):
            for clause in clauses:
                if not _holds(clause, screen, text, seen):
                    break
            else:
                kept.append(cue)
        found = seen.kept[kind] = tuple(kept)
    return found


@cache
def load_patterns(name: str) -> dict[str, re.Pattern[str]]:
    """A file of named patterns (``cue,pattern,note``), one pattern per name, checked."""
    path = PACKAGE_DATA / name
    out: dict[str, re.Pattern[str]] = {}
    for line, r in _rows(path, ("cue", "pattern", "note")):
        if not r["cue"] or r["cue"] in out:
            raise _fail(path, line, f"empty or repeated cue {r['cue']!r}")
        try:
            out[r["cue"]] = re.compile(expand(r["pattern"], f"{path.name}, line {line}"))
        except re.error as e:
            raise _fail(path, line, f"pattern does not compile: {e}") from None
    return out


# ----------------------------------------------------------------- cues that open a line

LINE_STARTS_FROM = 256  # a text longer than this is searched line by line for a ^ cue


# cue pattern → :func:`at_line_start` of it: asked once per search of a long text, and the
# flags' arithmetic (``RegexFlag`` operators, in Python) cost more than the answer's look-up
_LINE_START: dict[object, bool] = {}


def at_line_start(regex: re.Pattern[str]) -> bool:
    """Whether every match of the cue opens a line (``^`` of a multi-line pattern, ``\\A``)."""
    found = _LINE_START.get(regex)
    if found is None:
        found = _LINE_START[regex] = line_anchored(regex.pattern, regex.flags & ~re.UNICODE)
    return found


def search_lines(regex: re.Pattern[str], text: str) -> re.Match[str] | None:
    """``regex.search(text)`` for a pattern whose matches open a line: tried at the text's
    start and after each line break only (``re`` tries a multi-line ``^`` at every
    position of a long text), the first that matches is the leftmost match."""
    needle = getattr(regex, "needle", None)  # a pre-checked pattern's literal
    if needle is not None and needle not in text:
        return None
    match, find = regex.match, text.find
    if (m := match(text)) is not None or regex.pattern.startswith("\\A"):
        return m  # (\\A: the text's start only)
    at = find("\n")
    while at >= 0:
        if (m := match(text, at + 1)) is not None:
            return m
        at = find("\n", at + 1)
    return None


def search_cue(regex: re.Pattern[str], text: str) -> re.Match[str] | None:
    """``regex.search(text)``; a cue whose matches open a line, in a long text, is tried at
    line starts only (:func:`search_lines`)."""
    if len(text) > LINE_STARTS_FROM and at_line_start(regex):
        return search_lines(regex, text)
    return regex.search(text)


def finditer_cue(regex: re.Pattern[str], text: str):
    """``regex.finditer(text)``, a cue whose matches open a line and are never empty tried
    in a long text only at the text's start and after each line break (see
    :func:`search_lines`): the same matches, in order, none overlapping."""
    if len(text) <= LINE_STARTS_FROM or not at_line_start(regex) or not _never_empty(regex):
        yield from regex.finditer(text)
        return
    needle = getattr(regex, "needle", None)
    if needle is not None and needle not in text:
        return
    match, find, pos = regex.match, text.find, 0  # pos: a line start
    only_first = regex.pattern.startswith("\\A")
    while True:
        m = match(text, pos)
        if m is not None:
            yield m
            end = m.end()
            if text[end - 1] == "\n":  # (never empty) the match ends at a line start
                pos = end
                continue
            pos = end  # the next line start after the match
        if only_first or (at := find("\n", pos)) < 0:
            return
        pos = at + 1


@lru_cache(maxsize=512)
def _never_empty(regex: re.Pattern[str]) -> bool:
    """Whether every match of the cue holds a character (its parse's least width)."""
    try:
        from re import _parser  # the parse re.compile makes (private: on a change, False)

        return _parser.parse(regex.pattern, regex.flags & ~re.UNICODE).getwidth()[0] > 0
    except Exception:  # noqa: BLE001
        return False
