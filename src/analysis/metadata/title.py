"""The report's title, or a news item's headline, from its first body lines."""

from __future__ import annotations

import re

from ..patterns import line_anchored
from .cues import (
    ENUM_RE,
    HEADLINE_MAX,
    SENTENCE_PUNCT,
    TITLE_LINES,
    TITLE_MAX,
    first_cue,
    load_cues,
)


def _strip_prefixes(line: str) -> str:
    changed = True
    prefixes = _prefixes()
    while changed:
        changed = False
        for regex, anchored in prefixes:
            if anchored and "\n" not in line:  # its one match is at the start, if any
                m = regex.match(line)
                new = line[m.end():].strip() if m is not None else line.strip()
            else:
                new = regex.sub("", line, count=1).strip()
            if new != line:
                line, changed = new, True
    return line


_PREFIXES: list = [None, ()]  # the cues loaded, and their title_prefix patterns as _prefixes gives


def _prefixes() -> tuple[tuple[re.Pattern[str], bool], ...]:
    """Each title_prefix cue's pattern and whether every match opens a line (``^``): in a
    line, removing its first match is then cutting what it matches at the start (no
    ``sub``, which a pre-checked pattern runs in Python)."""
    cues = load_cues()
    if _PREFIXES[0] is not cues:
        _PREFIXES[1] = tuple((c.regex, line_anchored(c.regex.pattern, c.regex.flags & ~re.UNICODE))
                             for c in cues.get("title_prefix", ()))
        _PREFIXES[0] = cues
    return _PREFIXES[1]


# …总结2024年1月5日 / 2024-01-05 closing the line: a date after the title
_DATE_AFTER = re.compile(r"\s*20\d\d\s*(?:年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|[-./]\d{1,2}[-./]\d{1,2})\s*$")
_JOINED = re.compile(r"\s*(?:及|和|暨|与|并)")  # a conjunction opening a title's second part
_RUN = re.compile(f"[^{SENTENCE_PUNCT}]{{1,{TITLE_MAX}}}")  # what a title may span
# A figure with its unit (1500万元, 67家): a title names a report, it states no figures.
_FIGURE_IN = re.compile(r"\d(?:[\d.]*)\s*(?:万|亿)?\s*(?:元|家|项|件|个|人|平方米)")


def _title_in(line: str) -> str:
    """The title at the start of ``line``, or "" when the line does not open with one."""
    run = _RUN.match(line)
    if not run:
        return ""
    run_text = run.group()
    ends = [m.end() for c in load_cues().get("title_end", ()) for m in c.regex.finditer(run_text)]
    if not ends:
        return ""
    ends.sort()
    cut = ends[0]
    for end in ends[1:]:  # 总结 + 2024年工作思路: one title naming both parts
        gap = run_text[cut:end]
        if len(gap) <= 15 and not re.search(r"\s", gap.strip() if _JOINED.match(gap) else gap):
            cut = end  # …工作总结 及2024年工作安排: a space before a conjunction joins too
    title = run_text[:cut].strip()
    if run_text[cut:cut + 1].isdigit() and not _DATE_AFTER.match(run_text, cut):
        return ""  # 承担各类科技计划99项: a figure follows, so this is a sentence (a date may)
    if "《" in title or "|" in title or first_cue("title_not", title):
        return ""  # a sentence quoting the title (现将《…》印发: see ``title_quoted``), a table row
    if len(title) < 4 or not (re.search(r"工作|20\d\d|年|规划", title) or title == line.strip()):
        return ""
    if _FIGURE_IN.search(title) or title.count("“") > title.count("”"):
        return ""  # 投入资金1500万元实施2018年度“…计划: a sentence stating a figure, cut inside a quote
    return title


# How far a cover letter that quotes the report's title (现将《…工作要点》印发) is looked for.
COVER_LINES = 10
# The letter's own wording before the quoted title (现将《, 特将 《).
_LETTER = re.compile(r"[现特兹]将\s*《")


def extract_title(body_lines: list[str]) -> str:
    """First line(s) naming the report, without chrome, tags or page numbers; else a
    report title a cover letter quotes in its first lines (现将《…工作总结》印发)."""
    top: list[str] = []
    for line in body_lines[:TITLE_LINES]:
        if ENUM_RE.match(line):
            break
        top.append(line)
        title = _title_in(_strip_prefixes(line))
        if title:
            return title
    for line in top:
        if (hit := first_cue("title_quoted", line)) is not None:
            return hit[0].group("title").strip()
    # a disclosure page's rows may stand above the cover letter (现将《…》印发给你们): a few
    # lines further, the letter's own wording only (not a news line: 《…》印发实施,…)
    for line in body_lines[len(top):COVER_LINES] if len(top) == TITLE_LINES else ():
        if (hit := first_cue("title_quoted", line)) is not None and _LETTER.search(line, 0, hit[0].end()):
            return hit[0].group("title").strip()
    return ""


def extract_headline(body_lines: list[str]) -> str:
    """A news item's headline: a short first line that is not a sentence or a heading."""
    if not body_lines:
        return ""
    line = body_lines[0]
    if len(line) > HEADLINE_MAX or ENUM_RE.match(line) or line[-1] in SENTENCE_PUNCT:
        return ""
    return line



def after_title(body: str, title: str) -> str:
    """The body from the line after the one holding the title (the opening sentence)."""
    lines = body.split("\n")
    for i, line in enumerate(lines[:TITLE_LINES]):
        if title and title in line:
            return "\n".join([line[line.index(title) + len(title) :], *lines[i + 1 :]]).strip()
    return body
