"""Web-page and print chrome, defined once (``data/chrome.csv``) and checked when loaded.

One file says what chrome is, for every step that meets it:

* ``line`` rows — a furniture line (发布日期, 浏览次数, 小编为大家整理, a bare date), no longer
  than ``max_chars`` (0 = any length). Every line row makes a line chrome for the prepared
  document (left out of metadata's body lines and read for the page date); cleaning
  deletes the lines of the rows marked ``removed`` = yes and keeps the others in the text;
* ``span`` rows — print page markers inside a line (第2页 共11页), which cleaning removes;
* ``date`` rows — the publication date inside a chrome line (named groups ``year`` and
  ``month``).

A bad row fails at load with its file, line and reason, like ``text.lexicon``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from ..config import PACKAGE_DATA
from ..patterns import context_free, line_anchored, prechecked
from .lexicon import _fail, _rows, expand

CHROME_PATH = PACKAGE_DATA / "chrome.csv"
KINDS = ("line", "span", "date")


@dataclass(frozen=True)
class LineRule:
    regex: re.Pattern[str]
    max_chars: int  # the longest line the rule may call chrome; 0 = any length
    removed: bool  # cleaning deletes the line (else it stays in the text)
    reason: str

    def matches(self, line: str) -> bool:
        if self.max_chars and len(line) > self.max_chars:
            return False
        if self.anchored and "\n" not in line:  # a line's start is the string's start
            return self.regex.match(line) is not None
        return self.regex.search(line) is not None

    @cached_property
    def anchored(self) -> bool:
        return line_anchored(self.regex.pattern, self.regex.flags & ~re.UNICODE)

    @cached_property
    def context_free(self) -> bool:
        return context_free(self.regex.pattern, self.regex.flags & ~re.UNICODE)


@dataclass(frozen=True)
class Chrome:
    lines: tuple[LineRule, ...]
    span: re.Pattern[str]  # every span row in one pattern
    dates: tuple[re.Pattern[str], ...]

    @property
    def removed(self) -> tuple[LineRule, ...]:
        return tuple(r for r in self.lines if r.removed)


def _compile(path: Path, line: int, pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(expand(pattern, f"{path.name}, line {line}"), re.M)
    except re.error as e:
        raise _fail(path, line, f"pattern does not compile: {e}") from None


@cache
def load_chrome(path: Path = CHROME_PATH) -> Chrome:
    """The chrome rules of ``path``, every row checked (kind, pattern, length, removed)."""
    lines: list[LineRule] = []
    spans: list[str] = []
    dates: list[re.Pattern[str]] = []
    for line, r in _rows(path, ("kind", "pattern", "max_chars", "removed", "reason")):
        kind, pattern = r["kind"].strip(), r["pattern"]
        if kind not in KINDS:
            raise _fail(path, line, f"unknown kind {kind!r} (known: {KINDS})")
        if not pattern or not r["reason"].strip():
            raise _fail(path, line, "empty pattern or reason")
        regex = _compile(path, line, pattern)
        max_chars, removed = r["max_chars"].strip(), r["removed"].strip()
        if kind == "line":
            if not max_chars.isdigit():
                raise _fail(path, line, f"max_chars {max_chars!r} is not a length (0 = any)")
            if removed not in ("yes", "no"):
                raise _fail(path, line, f"removed {removed!r} is not yes or no")
            lines.append(LineRule(prechecked(regex), int(max_chars), removed == "yes",
                                  r["reason"]))
            continue
        if max_chars or removed:
            raise _fail(path, line, f"max_chars and removed are for line rows, not {kind}")
        if kind == "span":
            spans.append(regex.pattern)
        elif not {"year", "month"} <= set(regex.groupindex):
            raise _fail(path, line, "a date row needs the groups year and month")
        else:
            dates.append(prechecked(regex))
    if not lines or not spans or not dates:
        raise _fail(path, 1, "needs line, span and date rows")
    return Chrome(tuple(lines), prechecked(re.compile("|".join(spans))), tuple(dates))


def is_chrome(line: str) -> bool:
    """True for web furniture lines (发布日期, 浏览次数, 小编为大家整理, bare dates)."""
    stripped = line.strip()
    return any(rule.matches(stripped) for rule in load_chrome().lines)


def possible_rules(text: str, rules: Iterable[LineRule]) -> tuple[LineRule, ...]:
    """The rules that may match some line of ``text``: a rule that reads nothing around
    its match (``patterns.context_free``) and finds nothing in the whole text matches
    none of its lines. Why: one search of the text instead of one per line per rule."""
    return tuple(r for r in rules if not r.context_free or r.regex.search(text))


# (the rules tried, a stripped line) → whether it is chrome, for the last texts split.
_LINE_MEMO: dict[tuple[tuple[int, ...], str], bool] = {}
LINE_MEMO_SIZE = 4096
MEMO_LINE_CHARS = 1000
_MEMO_OWNER: list[Chrome | None] = [None]  # the rules the memo's ids belong to (kept alive)


def split_chrome(text: str) -> tuple[list[str], list[str]]:
    """(body lines, chrome lines); blank lines are dropped.

    A line's answer is remembered with the rules tried on it (the loaded rules live as
    long as the process): the text as read and the cleaned text, both split for every
    report, share nearly all their lines.
    """
    loaded = load_chrome()
    rules = possible_rules(text, loaded.lines)
    tried = tuple(map(id, rules))
    if len(_LINE_MEMO) > LINE_MEMO_SIZE or _MEMO_OWNER[0] is not loaded:
        _LINE_MEMO.clear()  # full, or the rules were loaded again (their ids may repeat)
        _MEMO_OWNER[0] = loaded
    body, chrome = [], []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped:
            if len(stripped) > MEMO_LINE_CHARS:  # not kept: a PDF's one-line page
                found = any(r.matches(stripped) for r in rules)
            elif (found := _LINE_MEMO.get(key := (tried, stripped))) is None:
                found = _LINE_MEMO[key] = any(r.matches(stripped) for r in rules)
            (chrome if found else body).append(stripped)
    return body, chrome


def page_date(chrome: Iterable[str]) -> tuple[int, int] | None:
    """(year, month) of the latest full date in the chrome (the page's publication date)."""
    dates = [
        (int(m.group("year")), int(m.group("month")))
        for line in chrome
        for regex in load_chrome().dates
        for m in regex.finditer(line)
    ]
    dates = [d for d in dates if 1 <= d[1] <= 12]
    return max(dates) if dates else None
