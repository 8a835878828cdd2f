"""The metadata cue file (``data/metadata_cues.csv``) and what every metadata step shares."""

from __future__ import annotations

import re
from functools import lru_cache

from ..patterns import line_anchored
from ..text import lexicon
from ..text.document import CUE_FILE
from ..text.lexicon import Cue

TITLE_LINES = 4
TITLE_MAX = 60
HEADLINE_MAX = 40
LEDE_CHARS = 300  # a news item says what the meeting did in its first sentences

# 20XX年, not inside a number or a range (2016-2020年). The look-behind sits after the
# leading 2 (same matches) so that re can jump from one 2 to the next.
YEAR_RE = re.compile(r"(2(?<![\d\-—–~至到]2)0\d\d)\s*年(?!\s*[-—–~至到]\s*20\d\d)")
ENUM_RE = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[(（][一二三四五六七八九十\d]+[)）])"
)
SENTENCE_PUNCT = "，,。；;！!？?：:"


def load_cues() -> dict[str, tuple[Cue, ...]]:
    """Cue kind → compiled patterns with their value, in file order (``metadata_cues.csv``)."""
    return lexicon.load_cues(CUE_FILE)


@lru_cache(maxsize=64)
def first_cue(kind: str, text: str) -> tuple[re.Match[str], Cue] | None:
    """Earliest match of any cue of ``kind`` in ``text`` (cached: the document type and
    the year both ask where the plan part starts)."""
    long = len(text) > LINE_STARTS_FROM
    found = [(m, c) for c in load_cues().get(kind, ())
             if (m := (_search_lines(c.regex, text) if long and _at_line_start(c.regex)
                       else c.regex.search(text)))]
    return min(found, key=lambda mc: mc[0].start()) if found else None


LINE_STARTS_FROM = 256  # a text longer than this is searched line by line for a ^ cue


def _at_line_start(regex: re.Pattern[str]) -> bool:
    """Whether every match of the cue opens a line (``^`` of a multi-line pattern, ``\\A``)."""
    return line_anchored(regex.pattern, regex.flags & ~re.UNICODE)


def _search_lines(regex: re.Pattern[str], text: str) -> re.Match[str] | None:
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


def count_cues(kind: str, text: str, value: str | None = None) -> int:
    cues = load_cues().get(kind, ())
    return sum(len(c.regex.findall(text)) for c in cues if value is None or c.value == value)




def finditer_cue(regex: re.Pattern[str], text: str):
    """``regex.finditer(text)``, a cue whose matches open a line and are never empty tried
    in a long text only at the text's start and after each line break (see
    :func:`_search_lines`): the same matches, in order, none overlapping."""
    if len(text) <= LINE_STARTS_FROM or not _at_line_start(regex) or not _never_empty(regex):
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
