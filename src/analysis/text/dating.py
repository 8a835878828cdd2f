"""When a text was written, read from its lede when its page carries no date.

A news item on a year's work conference (2月10日,某市召开2023年科技创新工作会议) or a
review opening with 去年 / 过去一年 was written after the year it reports: its 去年 is that
year, and its 今年,…将 sentences plan the year after. Read by the prepared document (the
year 去年 counts from), by the outline (whether a 今年 sentence opens a plan part) and by
metadata (the report's year and type). The cues are rows of ``data/metadata_cues.csv``
(``meeting_year``, ``last_year_review``), checked when loaded.
"""

from __future__ import annotations

from . import lexicon
from .lexicon import search_cue

CUE_FILE = "metadata_cues.csv"
# How far into the body a news item's lede names the conference it reports.
MEETING_LEDE_CHARS = 400
# A news item says what the meeting did in its first sentences: the lede metadata reads.
LEDE_CHARS = 300


def meeting_date(body: str) -> tuple[int, int] | None:
    """(year, month) of the year's work conference a news item's lede reports
    (1月14日,某市召开2020年科技创新工作会议): such a conference opens its year, so a page
    without a date of its own was written then (month 1 when the lede names none)."""
    lede = body[:MEETING_LEDE_CHARS]
    found = [m for c in lexicon.cues_in(CUE_FILE, "meeting_year", lede)
             if (m := c.regex.search(lede))]
    if not found:
        return None
    m = min(found, key=lambda m: m.start())
    month = int(m.groupdict().get("month") or 1)
    return int(m.group("year")), month if 1 <= month <= 12 else 1


def looks_back(body: str) -> bool:
    """Whether the text was written after the year it reports: its lede reports a year's
    work conference (with its year or without) or opens a line with 去年 / 过去一年 (so its
    今年 is the year after)."""
    lede = body[:LEDE_CHARS]
    meeting = body[:MEETING_LEDE_CHARS]
    if meeting_date(body) is not None or any(
            c.regex.search(meeting) for c in lexicon.cues_in(CUE_FILE, "meeting_lede", meeting)):
        return True
    return any(
        search_cue(c.regex, lede) for c in lexicon.cues_in(CUE_FILE, "last_year_review", lede))
