"""Sentences of bounded length: what the prepared document splits a text into (issue 12).

Why: a line-less text (a PDF with one line a page, a .docx table row of 20,000 cells)
has no 。 or newline for hundreds of thousands of characters; read as one sentence,
every per-sentence step costs its whole length again for each figure in it. Here a
text is cut at the sentence marks first, then an over-long piece at the last clause
mark (；，、 tab, space …) within the limit, then, with none, at the limit itself,
moved back so that no number or number+unit is split. Linear in the text's length.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

SENTENCE_MAX_CHARS = 1000  # longer than any real sentence in the sample reports (~600)
_SENTENCE_END = re.compile(r"[。！？!?\n]")
SECONDARY_MARKS = "；;，,、\t 　：:）)"
_NUMBERISH = frozenset("0123456789.,，％%万亿千百十零〇一二三四五六七八九两元件家项个")
_MAX_BACKOFF = 32  # a number+unit is shorter than this


def _cut(text: str, start: int, end: int, max_chars: int) -> Iterator[tuple[int, int]]:
    """(start, end) pieces of text[start:end], each at most ``max_chars`` long."""
    while end - start > max_chars:
        limit = start + max_chars
        cut = max(text.rfind(m, start + 1, limit) for m in SECONDARY_MARKS)
        if cut > start:
            cut += 1  # the mark stays with the piece before it
        else:
            cut = limit
            floor = max(start + 1, limit - _MAX_BACKOFF)
            while cut > floor and text[cut - 1] in _NUMBERISH and text[cut] in _NUMBERISH:
                cut -= 1
            if cut == floor and text[cut - 1] in _NUMBERISH and text[cut] in _NUMBERISH:
                cut = limit  # a run of digits longer than any number: cut anyway
        yield start, cut
        start = cut
    if end > start:
        yield start, end


def sentence_spans(text: str, max_chars: int = SENTENCE_MAX_CHARS) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence of ``text``, the mark kept at its end, none longer
    than ``max_chars``; the spans cover the text exactly, in order."""
    start = 0
    for m in _SENTENCE_END.finditer(text):
        yield from _cut(text, start, m.end(), max_chars)
        start = m.end()
    yield from _cut(text, start, len(text), max_chars)


def cut_spans(text: str, spans, max_chars: int = SENTENCE_MAX_CHARS) -> Iterator[tuple[int, int]]:
    """Any sentence spans (e.g. ``SENTENCE_RE`` matches) with each longer than
    ``max_chars`` cut as :func:`sentence_spans` cuts them; shorter ones unchanged.

    ``text.document.Document.sentences`` calls it only when some span is too long (it
    gives every span unchanged otherwise), a report's spans being read once as a list.
    """
    for start, end in spans:
        yield from _cut(text, start, end, max_chars)
