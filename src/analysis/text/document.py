"""One prepared document per report, built once after ingest and cleaning.

Like spaCy's ``Doc``: every later step reads it and none rebuilds any part of it.

* ``text`` — the cleaned text: the only coordinates any offset refers to (figures,
  repairs, review pages);
* ``shadow`` — the same text in simplified characters, character for character, which is
  what every pattern is matched on (a traditional-script report maps like any other);
* ``chrome`` and ``page_date`` — the web-page furniture lines of the text as read, taken
  before cleaning removes them, and the publication date they carry; ``dateline`` the
  month and day of that date, or of a news item's wire line (6月6日讯);
* ``lines`` — the body lines as metadata reads them: phrase-converted to simplified
  characters (for a traditional text), chrome lines left out;
* ``sections`` — where the summary, plan and Five-Year-Plan review parts open (an
  :class:`~analysis.text.sections.Outline` of the shadow; their years follow from the
  report's year once metadata has read it);
* ``sentences`` — (start, end) of every sentence of the shadow;
* ``repairs`` — every edit the cleaner made.

Reads: a :class:`~analysis.models.RawDocument` (or an already cleaned text).
Adds: everything above; metadata adds a ``DocMeta``, extraction the figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from ..clean import clean_document
from ..models import RawDocument, Repair
from ..numbers import arabic_years, month_spans
from .chrome import is_chrome, page_date, page_day, split_chrome
from .dating import CUE_FILE, lede_day, looks_back, meeting_date, written_date
from .script import simplified_shadow, to_simplified
from .sections import NUMBERED_HEADING, Outline, outline
from .sentences import SENTENCE_MAX_CHARS, cut_spans

__all__ = ["CUE_FILE", "Document", "is_chrome", "meeting_date", "page_date", "prepare", "prepare_text",
           "split_chrome"]
# A sentence: a run up to and including its closing mark, or up to a line break.
SENTENCE_RE = re.compile(r"[^。！？!?\n]+[。！？!?]?")


def _metadata_view(text: str) -> str:
    """What metadata reads: phrases in simplified characters, years in Arabic digits
    (pinyin ruby is already gone: cleaning removes it, rule ``pinyin_ruby`` of
    ``data/repairs.csv``)."""
    return _arabic_years(to_simplified(text))


# The years (and January spans, 1月至3月) of the last texts read: a simplified text is its
# own shadow and its own phrase conversion, so the shadow and the metadata view ask for the
# same one.
@lru_cache(maxsize=4)
def _arabic_years(text: str) -> str:
    return month_spans(arabic_years(text))


@dataclass(frozen=True)
class Document:
    """A report prepared once (see the module docstring for what each field is)."""

    doc_id: str
    text: str
    chrome: tuple[str, ...] = ()
    repairs: list[Repair] = field(default_factory=list)

    @cached_property
    def shadow(self) -> str:
        """Simplified characters, and years in Chinese digits as Arabic ones (二〇二三 → 2023):
        both character for character, so every cue written for 2023年 reads 二〇二三年 too."""
        return _arabic_years(simplified_shadow(self.text))

    @cached_property
    def lines(self) -> tuple[str, ...]:
        return tuple(split_chrome(_metadata_view(self.text))[0])

    @cached_property
    def body(self) -> str:
        """The body lines joined: what metadata's cues are searched in."""
        return "\n".join(self.lines)

    @cached_property
    def page_date(self) -> tuple[int, int] | None:
        return page_date(self.chrome)

    @cached_property
    def dateline(self) -> tuple[int, int] | None:
        """(month, day) the page was dated: its chrome's date, else its wire line's."""
        day = page_day(self.chrome)
        return day[1:] if day else lede_day(self.body)

    @cached_property
    def written(self) -> tuple[int, int] | None:
        """(year, month) the text was written: the page date, else the work conference its
        lede reports in a text looking back on the year before (what 去年 counts from)."""
        return self.page_date or written_date(self.body)

    @cached_property
    def news_date(self) -> tuple[int, int, int] | None:
        """(year, month, day) of a dated news item, what its 目前 / 截至目前 means; None for
        an undated page or a report with an outline (一、…) or a plan part, whose 目前 is the
        end of the year it reports."""
        if self.page_date is None or self.dateline is None or self.dateline[0] != self.page_date[1]:
            return None
        if NUMBERED_HEADING.search(self.body) or self.sections.plan_start is not None:
            return None
        return (self.page_date[0], *self.dateline)

    @cached_property
    def sections(self) -> Outline:
        """Where the summary, plan and Five-Year-Plan review parts open, in the shadow: the
        one reading of it, for metadata (the plan start) and extraction (every part)."""
        return outline(self.shadow, looks_back(self.body))

    @cached_property
    def sentences(self) -> tuple[tuple[int, int], ...]:
        """(start, end) of every sentence, none longer than ``SENTENCE_MAX_CHARS``: a
        line-less text (one PDF line a page) is cut by clause marks, then by length."""
        spans = [m.span() for m in SENTENCE_RE.finditer(self.shadow)]
        if [1 for start, end in spans if end - start > SENTENCE_MAX_CHARS]:
            return tuple(cut_spans(self.shadow, spans))
        return tuple(spans)  # (what cut_spans gives when no sentence is too long)


def prepare(raw: RawDocument) -> Document:
    """Clean a report read from its file and prepare it for metadata and extraction.

    The chrome lines are read from the text as it came, since cleaning removes most of
    them and the page date they hold dates the report.
    """
    clean = clean_document(raw)
    _, chrome = split_chrome(_metadata_view(raw.text))
    return Document(raw.doc_id, clean.text, tuple(chrome), clean.repairs)


def prepare_text(doc_id: str, text: str) -> Document:
    """A document from a text already cleaned (tests, the Python API on one string)."""
    _, chrome = split_chrome(_metadata_view(text))
    return Document(doc_id, text, tuple(chrome))
