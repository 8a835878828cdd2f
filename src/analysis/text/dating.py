"""When a text was written, read from its lede when its page carries no date.

A news item on a year's work conference (2月10日,某市召开2023年科技创新工作会议) or a
review opening with 去年 / 过去一年 was written after the year it reports: its 去年 is that
year, and its 今年,…将 sentences plan the year after. Read by the prepared document (the
year 去年 counts from), by the outline (whether a 今年 sentence opens a plan part) and by
metadata (the report's year and type). The cues are rows of ``data/metadata_cues.csv``
(``meeting_year``, ``meeting_speech``, ``meeting_lede``, ``last_year_review``,
``last_year_word``, ``this_year_so_far``, ``lede_day``), checked when loaded.
"""

from __future__ import annotations

import re
from functools import lru_cache

from . import lexicon
from .lexicon import search_cue

CUE_FILE = "metadata_cues.csv"
# How far into the body a news item's lede names the conference it reports.
MEETING_LEDE_CHARS = 400
# A news item says what the meeting did in its first sentences: the lede metadata reads.
LEDE_CHARS = 300


# The document, the outline, the year and the type all ask about the same body: each answer
# is read once per text (a string's hash is kept, so a look-up costs no scan).
@lru_cache(maxsize=8)
def meeting_date(body: str) -> tuple[int, int] | None:
    """(year, month) of the year's work conference a lede names (1月14日,某市召开2020年科技
    创新工作会议; 在2024年全市科技工作会议上的讲话), month 1 when it names none; whether the
    text reports on it looking back is :func:`looks_back`'s question."""
    lede = body[:MEETING_LEDE_CHARS]
    found = [m for kind in ("meeting_year", "meeting_speech")
             for c in lexicon.cues_in(CUE_FILE, kind, lede) if (m := c.regex.search(lede))]
    if not found:
        return None
    m = min(found, key=lambda m: m.start())
    month = int(m.groupdict().get("month") or 1)
    return int(m.group("year")), month if 1 <= month <= 12 else 1


def _has(kind: str, text: str) -> bool:
    return _first(kind, text) is not None


def _first(kind: str, text: str) -> int | None:
    """Where the earliest match of a cue kind opens in ``text``, or None."""
    starts = [m.start() for c in lexicon.cues_in(CUE_FILE, kind, text)
              if (m := search_cue(c.regex, text)) is not None]
    return min(starts, default=None)


@lru_cache(maxsize=8)
def looks_back(body: str) -> bool:
    """Whether the text was written after the year it reports, so its 去年 is that year and
    its 今年 the year after: a speech at the year's work conference; a lede that opens a line
    with 去年 / 过去一年 (not 去年底…, nor beside 今年以来); or a news lede on the year's
    conference (with its year or without) in a text that speaks of 去年 (before any 今年以来
    of its lede). A conference in a
    summary's opening (2月15日,召开2023年科技创新大会,部署全年工作) is no such evidence alone."""
    lede = body[:LEDE_CHARS]
    meeting = body[:MEETING_LEDE_CHARS]
    if _has("meeting_speech", meeting):
        return True
    meeting_named = meeting_date(body) is not None or _has("meeting_lede", meeting)
    if (so_far := _first("this_year_so_far", lede)) is not None:
        # a conference lede reviewing 去年 before it turns to 今年以来 still looks back
        last_year = _first("last_year_word", lede)
        return meeting_named and last_year is not None and last_year < so_far
    if _has("last_year_review", lede):
        return True
    return meeting_named and _has("last_year_word", body)


def written_date(body: str) -> tuple[int, int] | None:
    """(year, month) a page without a date of its own was written, from the conference its
    lede reports, when the text looks back on the year before it (else none: the lede's year
    is then no evidence of when it was written)."""
    date = meeting_date(body)
    return date if date is not None and looks_back(body) else None


def lede_day(body: str) -> tuple[int, int] | None:
    """(month, day) of a news item's wire line (某某网6月6日讯, 本报讯(记者…)6月6日): how
    far into its year a page without a date of its own was written."""
    for line in body[:LEDE_CHARS].split("\n"):
        for c in lexicon.cues_in(CUE_FILE, "lede_day", line):
            if (m := c.regex.search(line)) is not None and 1 <= int(m.group("month")) <= 12:
                return int(m.group("month")), int(m.group("day"))
        if _UNDATED_WIRE.search(line):
            return None  # the item's own wire line has no date (a related item's below it)
    return None


# A wire lead without a date (本报讯(记者某某)2014年,…; 某某网讯): what dates the item, if any.
_UNDATED_WIRE = re.compile(r"(?:网|报|台|中心|社|新闻)讯|讯\s*[(（]")


# A page dated up to this day of a month reports the months before it (6月6日讯 → 1-5月; the
# answer keys read 10月13日 as 1-10月, and one 6月12日 as 1-5月: the day is left at 10).
SO_FAR_LAST_DAY = 10
# The shortest so-far span read from a date: January to February (a page of 3月5日).
SO_FAR_FIRST_MONTH = 2


def so_far_months(month: int, day: int) -> int:
    """How many months of its year a page dated ``month``/``day`` reports "so far"
    (今年以来, 目前): 6月6日 → 5, 4月30日 → 4, December → 12; 0 when too early to say (a
    January page's "so far" is the year just ended, which the date alone does not settle)."""
    last = month - 1 if day <= SO_FAR_LAST_DAY and month < 12 else month
    return last if last >= SO_FAR_FIRST_MONTH else 0

