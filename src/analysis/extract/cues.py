"""Cue words and marks extraction reads: the named patterns of ``data/cues.csv``, the
punctuation that bounds clauses and lists, the words of the figure flags and the level a
count's words name (shared by the sentence reader and the table reader)."""

from __future__ import annotations

import csv
import re
from functools import cache, lru_cache

from ..config import PACKAGE_DATA
from ..patterns import gated
from ..text.lexicon import level_regex, load_patterns

CLAUSE_MARKS = "，,；;：:"
GROUP_MARKS = "；;"
JOINERS = "、和及与,，"


@cache
def cues() -> dict[str, re.Pattern[str]]:
    """Named cue patterns of ``data/cues.csv`` (checked, lexicon placeholders expanded),
    each behind its gates where ``re`` would crawl through a short string
    (``patterns.gated``: same results)."""
    return {name: gated(regex) for name, regex in load_patterns("cues.csv").items()}


@lru_cache(maxsize=8192)
def strip_words(phrase: str) -> str:
    """``phrase`` without the words ``strip`` drops (``cues()["strip"].sub("", phrase)``).

    Why remembered: a figure's lead-in and phrase are stripped by several rules in turn
    (about 16 calls a report for 4 distinct phrases), and ``re`` tries the cue's 50
    alternatives at every character of the phrase."""
    return cues()["strip"].sub("", phrase)


_STRIPPED = JOINERS + " "


def strip_joiners(s: str) -> str:
    """``s`` without joiners and blanks at its ends; a table's empty-cell mark (—, /) alone is
    no phrase either (a value after an empty cell shares the row's name like one after a 、)."""
    t = s.strip(_STRIPPED)
    return "" if len(t) <= 2 and t and cues()["empty_cell"].match(t) else t


def last_mark(text: str, lo: int, hi: int, marks: str) -> int:
    """One past the last of ``marks`` in text[lo:hi], else ``lo``."""
    best = lo
    for ch in marks:
        i = text.rfind(ch, lo, hi)
        if i >= 0 and i + 1 > best:
            best = i + 1
    return best


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


@lru_cache(maxsize=20_000)
def platform_level(lead_in: str) -> str:
    """national, provincial … when the words right before a count name the level of what
    it counts (新认定国家级众创空间12家), so that 47 maker spaces of every level are never
    compared with 12 national ones; "" when they name none."""
    found = ""
    for m in level_regex().finditer(lead_in):
        found = m.lastgroup or ""
    return found
