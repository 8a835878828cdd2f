"""Clean a report's text: drop web and print chrome, mend damage, keep an audit trail.

Every content edit is a :class:`Repair` whose offset points into the final
cleaned text, so a user can check each one. The rules live in
``data/repairs.csv`` (OCR and entity damage) and ``data/chrome.csv`` (web and
print chrome, the one definition the prepared document reads too: ``text.chrome``),
each with the reason it exists. White-space normalisation is not
recorded: it changes no character a reader would care about.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from .config import PACKAGE_DATA
from .models import CleanDocument, RawDocument, Repair
from .patterns import prechecked, required_chars
from .text.chrome import line_tester, load_chrome, tested
from .text.lexicon import _rows

FULLWIDTH_NUMERIC = str.maketrans("０１２３４５６７８９％", "0123456789%")
SENTENCE_END = '。；;！？!?：:）)」”"】'
HEADER_WINDOW = 20_000


@dataclass(frozen=True)
class Rule:
    rule: str
    pattern: re.Pattern[str]
    replacement: str


@cache
def load_repair_rules() -> tuple[Rule, ...]:
    """The reviewed rules of ``data/repairs.csv``, checked when loaded (a row with a field
    too many, an unquoted comma in its pattern, fails with the file and line)."""
    rows = _rows(PACKAGE_DATA / "repairs.csv", ("rule", "pattern", "replacement", "status", "reason"))
    return tuple(Rule(r["rule"], prechecked(re.compile(r["pattern"], re.M)), r["replacement"])
                 for _, r in rows if r["status"] == "reviewed")


class _Editor:
    """Applies edits pass by pass while keeping every recorded offset valid."""

    def __init__(self, doc_id: str, text: str):
        self.doc_id = doc_id
        self.text = text
        self.repairs: list[Repair] = []

    def apply(self, rule: str, edits: list[tuple[int, int, str]], record: bool = True) -> None:
        """Replace text[start:end] by new for each (start, end, new); edits sorted, disjoint."""
        if not edits:
            return
        parts: list[str] = []
        pos = 0
        starts: list[int] = []  # input offsets of edits, for shifting older repairs
        deltas: list[int] = []
        shift = 0
        new_repairs = []
        for start, end, new in edits:
            parts.append(self.text[pos:start])
            out_offset = start + shift
            if record:
                new_repairs.append(Repair(self.doc_id, out_offset, self.text[start:end], new, rule))
            parts.append(new)
            shift += len(new) - (end - start)
            starts.append(start)
            deltas.append(shift)
            pos = end
        parts.append(self.text[pos:])
        for r in self.repairs:  # older repairs move with the text before them
            i = bisect.bisect_right(starts, r.offset) - 1
            if i >= 0:
                r.offset += deltas[i]
        self.text = "".join(parts)
        self.repairs.extend(new_repairs)

    def sub(
        self,
        rule: str,
        pattern: re.Pattern[str],
        replacement: str | Callable[[re.Match], str],
        record: bool = True,
    ) -> None:
        needed = required_chars(pattern.pattern, pattern.flags)
        if needed is not None and not any(ch in self.text for ch in needed):
            return  # every match holds one of these characters (ocr_lost_percent: 机, 乐)
        edits = []
        for m in pattern.finditer(self.text):
            # the group that took part (an empty one inserts: a lost % after 同比增长14)
            fix = next((g for g in ("fix", "fix2") if g in pattern.groupindex and m.group(g) is not None), None)
            start, end = (m.start(fix), m.end(fix)) if fix else (m.start(), m.end())
            new = replacement(m) if callable(replacement) else replacement
            if self.text[start:end] != new:
                edits.append((start, end, new))
        self.apply(rule, edits, record)


_SPACES_NEWLINE = re.compile(r" +\n")
_NEWLINE_SPACES = re.compile(r"\n +")


# A run of blanks other than one plain space (which stays as it is): what becomes one space.
_BLANKS = re.compile(r"[ \t\u3000\xa0\u2002\u2003\u200b](?:[ \t\u3000\xa0\u2002\u2003\u200b]+"
                     r"|(?<=[\t\u3000\xa0\u2002\u2003\u200b]))")


def _normalise_whitespace(text: str) -> str:
    """Line breaks as \\n, each run of blanks one space, no blanks around a line break, at
    most one empty line.

    Why the shapes below: a run that is already one space is left alone (most of them,
    so the text is not rebuilt for nothing), and a pass whose pattern needs two
    characters side by side (" \\n", "\\n\\n\\n") runs only when they are there.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text = _BLANKS.sub(" ", text)
    # spaces next to a line break go (" *\n *" tried every position; these jump to spaces)
    if "\n " in text:
        text = _NEWLINE_SPACES.sub("\n", text)
    if " \n" in text:
        text = _SPACES_NEWLINE.sub("\n", text)
    if "\n\n\n" in text:
        text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def _chrome_line_edits(text: str) -> list[tuple[int, int, str]]:
    """Lines of the ``removed`` chrome rows (each within its length, ``data/chrome.csv``)."""
    tester = line_tester(text, load_chrome().removed)
    if not tester:
        return []
    edits = []
    for m in re.finditer(r"[^\n]*\n?", text):
        line = m.group(0).rstrip("\n")
        if line and tested(line, tester):
            edits.append((m.start(), m.end(), ""))
    return edits


def _page_marker_edits(text: str) -> list[tuple[int, int, str]]:
    """Page markers and the running header glued before them, which split words."""
    edits = []
    for m in load_chrome().span.finditer(text):
        start = m.start()
        for size in range(40, 7, -1):  # a running header repeats text found elsewhere
            s = start - size
            cand = text[s:start]
            if s >= 0 and "\n" not in cand and _seen_before(text, cand, s):
                start = s
                break
        end = m.end()
        if end < len(text) and text[end] == " ":
            end += 1
        if start > 0 and text[start - 1] == " ":
            start -= 1
        edits.append((start, end, ""))
    merged: list[tuple[int, int, str]] = []
    for e in edits:
        if merged and e[0] < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e[1]), "")
        else:
            merged.append(e)
    return merged


def _seen_before(text: str, cand: str, pos: int) -> bool:
    """Whether ``cand`` also stands at the top of the text or on the page before ``pos``.

    Bounded windows keep this linear on very long texts (a running header repeats
    on every page, so the previous 20,000 characters are enough).
    """
    return text.find(cand, 0, min(pos, HEADER_WINDOW // 4)) >= 0 or \
        text.find(cand, max(0, pos - HEADER_WINDOW), pos) >= 0


_NUMBERED_FIRST = re.compile(r"(\d{1,3})、(?=\S)")  # at the text's start
_NUMBERED = re.compile(r"\s(\d{1,3})、(?=\S)")  # after a space or line break


def _numbered_lines(text: str) -> list[re.Match[str]]:
    r"""Matches of ``(?:^|\s)(\d{1,3})、(?=\S)``, written as two patterns so that ``re``
    jumps to spaces instead of trying every position."""
    first = _NUMBERED_FIRST.match(text)
    return [first, *_NUMBERED.finditer(text, first.end())] if first else list(
        _NUMBERED.finditer(text))


def _pagination_edits(text: str) -> list[tuple[int, int, str]]:
    """Page numbers that a print-out left at line starts, cutting a sentence in two.

    Two shapes: a line holding only a number, and ``\\n12、`` where the numbers run
    in sequence and the line before ends mid-sentence. Numbered list items are kept:
    they follow a finished sentence.
    """
    edits = []
    for m in re.finditer(r"\n(\d{1,3})\n", text):
        before = text[m.start() - 1] if m.start() else "。"
        edits.append((m.start(), m.end(), "" if before not in SENTENCE_END else "\n"))
    hits = _numbered_lines(text)
    numbers = [int(h.group(1)) for h in hits]
    run = {
        i
        for i in range(len(hits))
        if (i > 0 and numbers[i] == numbers[i - 1] + 1)
        or (i + 1 < len(hits) and numbers[i + 1] == numbers[i] + 1)
    }
    gaps = [
        hits[i + 1].start() - hits[i].start()
        for i in range(len(hits) - 1)
        if i in run and i + 1 in run
    ]
    if len(gaps) >= 3:
        median = sorted(gaps)[len(gaps) // 2]
        regular = sum(abs(g - median) <= 0.2 * median for g in gaps) >= 0.8 * len(gaps)
        cut = sum(_mid_sentence(text, hits[i].start()) for i in run)
        if regular and median > 60 and cut * 2 >= len(run):  # page-sized pieces cutting sentences
            for i, h in enumerate(hits):
                if i in run:
                    edits.append((h.start(), h.end(), ""))
    edits.sort()
    out: list[tuple[int, int, str]] = []
    for e in edits:
        if not out or e[0] >= out[-1][1]:
            out.append(e)
    return out


def _mid_sentence(text: str, pos: int) -> bool:
    prev = text[:pos].rstrip()
    return bool(prev) and prev[-1] not in SENTENCE_END


def _shown_width(line: str) -> float:
    """A line's printed width in Chinese characters: a Latin character counts half."""
    return len(line) - 0.5 * len(line.encode("ascii", "ignore"))  # its ASCII, counted in C


_TABLE_ROW = re.compile(r"(?:\d[\d.,%]*\s+){2,}\d")  # 1234.56 1456.78 1678.90: a table's columns


def _full_by_print(line: str, shown_width: float) -> bool:
    """A prose line as wide in print as the text's full lines, though its digits make it
    longer in characters. Table rows (numbers in columns) and Latin lines (addresses) are
    not prose: their width says nothing about a wrap."""
    if len(line) < 20 or abs(_shown_width(line) - shown_width) > 2:
        return False
    han = sum("\u4e00" <= ch <= "\u9fff" for ch in line)
    return han >= 0.6 * shown_width and not _TABLE_ROW.search(line)


def _hard_wrap_edits(text: str) -> list[tuple[int, int, str]]:
    """Line breaks a PDF or print layout put inside sentences (every full line the same width).

    Only when most long lines share one width; a break after such a line that does
    not end a sentence is joined, so an indicator is not cut off from its number.
    """
    lines = text.split("\n")
    widths = [len(x) for x in lines if len(x) >= 20]
    if len(widths) < 8:
        return []
    width = _most_neighbours(widths, _WIDTH_STEPS)
    full = [w for w in widths if abs(w - width) <= 3]
    if len(full) < 0.35 * len(widths) or width < 20:
        return []
    # A line full of digits and spaces holds more characters in the same width (a Latin
    # character is half as wide as a Chinese one): a line is full by either measure.
    shown = [_shown_width(x) for x in lines if len(x) >= 20]
    shown_width = _most_neighbours(shown, _SHOWN_STEPS)
    edits, pos = [], 0
    for line, nxt in zip(lines, lines[1:], strict=False):
        pos += len(line)
        if ((abs(len(line) - width) <= 3 or _full_by_print(line, shown_width))
                and line[-1] not in SENTENCE_END
                and nxt and not nxt[0].isspace() and not _LIST_OPENING.match(nxt)):
            edits.append((pos, pos + 1, ""))
        pos += 1
    return edits


_LIST_OPENING = re.compile(r"[一二三四五六七八九十]+、|\(")
_WIDTH_STEPS = tuple(range(-3, 4))  # line lengths within 3 of a width
_SHOWN_STEPS = tuple(k / 2 for k in range(-4, 5))  # printed widths (halves) within 2 of one


def _most_neighbours(values: list, steps: tuple) -> float:
    """``max(set(values), key=lambda w: sum(abs(x - w) <= r for x in values))`` where the
    values are whole or half numbers and ``steps`` every such offset within ``r``: the
    counts read from a table (a PDF's hundreds of lines made the comparison of every
    pair quadratic), the candidates in the set's own order, so ties go as before."""
    counts = Counter(values)
    return max(set(values), key=lambda w: sum(counts.get(w + d, 0) for d in steps))


def _fullwidth_edits(text: str) -> list[tuple[int, int, str]]:
    edits = []
    for m in re.finditer(r"[０-９％][０-９％．，.,0-9]*", text):
        new = m.group(0).translate(FULLWIDTH_NUMERIC).replace("．", ".")
        new = re.sub(r"(?<=\d)，(?=\d{3}(?!\d))", ",", new)
        edits.append((m.start(), m.end(), new))
    return edits


def clean_text(doc_id: str, text: str) -> CleanDocument:
    """Return the cleaned text and the repairs made to it."""
    ed = _Editor(doc_id, _normalise_whitespace(text))
    ed.apply("web_chrome", _chrome_line_edits(ed.text))
    ed.apply("page_marker", _page_marker_edits(ed.text))
    ed.apply("pagination_number", _pagination_edits(ed.text))
    ed.apply("hard_wrap", _hard_wrap_edits(ed.text))
    ed.apply("fullwidth_digits", _fullwidth_edits(ed.text))
    for rule in load_repair_rules():
        ed.sub(rule.rule, rule.pattern, rule.replacement)
    stripped = ed.text.strip()
    lead = len(ed.text) - len(ed.text.lstrip())
    for r in ed.repairs:
        r.offset = max(0, r.offset - lead)
    return CleanDocument(doc_id=doc_id, text=stripped, repairs=ed.repairs)


def clean_document(raw: RawDocument) -> CleanDocument:
    return clean_text(raw.doc_id, raw.text)
