"""The metadata cue file (``data/metadata_cues.csv``) and what every metadata step shares."""

from __future__ import annotations

import re
from functools import lru_cache

from ..text import lexicon
from ..text.dating import LEDE_CHARS as LEDE_CHARS  # (shared with the text steps)
from ..text.document import CUE_FILE
from ..text.lexicon import Cue, search_cue

TITLE_LINES = 4
TITLE_MAX = 60
HEADLINE_MAX = 40

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


def cues_in(kind: str, text: str) -> tuple[Cue, ...]:
    """The cues of ``kind`` that may match in ``text``, in file order (``lexicon.cues_in``:
    a long text is scanned once for the words of every cue, the others are left out)."""
    return lexicon.cues_in(CUE_FILE, kind, text)


@lru_cache(maxsize=64)
def first_cue(kind: str, text: str) -> tuple[re.Match[str], Cue] | None:
    """Earliest match of any cue of ``kind`` in ``text`` (cached: the document type and
    the year both ask where the plan part starts)."""
    found = [(m, c) for c in cues_in(kind, text) if (m := search_cue(c.regex, text))]
    return min(found, key=lambda mc: mc[0].start()) if found else None


def count_cues(kind: str, text: str, value: str | None = None) -> int:
    cues = cues_in(kind, text)
    return sum(len(c.regex.findall(text)) for c in cues if value is None or c.value == value)
