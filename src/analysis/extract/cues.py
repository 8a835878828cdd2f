"""Cue words and marks extraction reads: the named patterns of ``data/cues.csv`` and
the punctuation that bounds clauses and lists."""

from __future__ import annotations

import re
from functools import cache

from ..patterns import gated
from ..text.lexicon import load_patterns

CLAUSE_MARKS = "，,；;：:"
GROUP_MARKS = "；;"
JOINERS = "、和及与,，"


@cache
def cues() -> dict[str, re.Pattern[str]]:
    """Named cue patterns of ``data/cues.csv`` (checked, lexicon placeholders expanded),
    each behind its gates where ``re`` would crawl through a short string
    (``patterns.gated``: same results)."""
    return {name: gated(regex) for name, regex in load_patterns("cues.csv").items()}


_STRIPPED = JOINERS + " "


def strip_joiners(s: str) -> str:
    return s.strip(_STRIPPED)


def last_mark(text: str, lo: int, hi: int, marks: str) -> int:
    """One past the last of ``marks`` in text[lo:hi], else ``lo``."""
    best = lo
    for ch in marks:
        i = text.rfind(ch, lo, hi)
        if i >= 0 and i + 1 > best:
            best = i + 1
    return best
