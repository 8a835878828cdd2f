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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from pathlib import Path

from ..config import PACKAGE_DATA
from ..patterns import context_free, first_chars, line_anchored, prechecked, required_literal
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

    @cached_property
    def parts(self) -> tuple[_Part, ...]:
        """The rule as the parts a line tester runs (see :class:`_Part`): its top-level
        alternatives that open with ``^`` in one part, the others in another."""
        return _parts(self)


@dataclass(frozen=True)
class _Part:
    """Some top-level alternatives of a line rule, and how a line is tested for them.

    Why: ``re`` tries every alternative of ``字体大小|【?字号|…|^\\s*•?\\s*(?:阅读|…)`` at every
    position of a line (about 8 µs a line, most of a report's chrome split). Apart, the
    alternatives opening with ``^`` are matched at the line's start only, and the others
    are tried only where a first character of a match stands.
    """

    pattern: str
    flags: int
    anchored: bool  # every alternative opens with ^: matched at the line's start
    regex: re.Pattern[str]  # the alternatives, compiled as the rule is (re.M)
    needle: str | None  # a literal every match holds
    first: re.Pattern[str] | None  # the characters a match can start with (not anchored)

    def test(self, line: str) -> bool:
        """Whether the rule's alternatives of this part match in ``line`` (no line break)."""
        if self.needle is not None and self.needle not in line:
            return False
        if self.anchored:
            return self.regex.match(line) is not None
        if self.first is None:
            return self.regex.search(line) is not None
        # tried only where a match can start (re would try every place)
        at, match, find = self.first.search(line), self.regex.match, self.first.search
        while at is not None:
            if match(line, at.start()) is not None:
                return True
            at = find(line, at.start() + 1)
        return False


def _branches(pattern: str) -> list[str] | None:
    """The top-level alternatives of ``pattern`` as written, or None when unsure (an
    unbalanced group or class)."""
    out, start, depth, i, n = [], 0, 0, 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            j = i + 1
            if j < n and pattern[j] == "^":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1  # a ] first in a class is a character
            while j < n and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            if j >= n:
                return None
            i = j + 1
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return None
        elif ch == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    if depth:
        return None
    out.append(pattern[start:])
    return out


def _part(pattern: str, flags: int, anchored: bool) -> _Part:
    plain = flags & ~re.UNICODE
    chars = None if anchored else first_chars(pattern, plain)
    first = re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]") if chars else None
    return _Part(pattern, flags, anchored, re.compile(pattern, flags),
                 required_literal(pattern, plain), first)


def _parts(rule: LineRule) -> tuple[_Part, ...]:
    """:attr:`LineRule.parts`: one part for the whole pattern unless its top-level
    alternatives split into some opening with ``^`` and some not (a pattern with groups
    or inline flags is not split: each part must mean what it meant inside the whole)."""
    pattern, flags = rule.regex.pattern, rule.regex.flags
    whole = _part(pattern, flags, rule.anchored)
    branches = _branches(pattern)
    if (branches is None or len(branches) < 2 or whole.regex.groups
            or pattern.startswith("(?") and not pattern.startswith(("(?:", "(?=", "(?!", "(?<"))):
        return (whole,)
    plain = flags & ~re.UNICODE
    at_start = [b for b in branches if line_anchored(b, plain)]
    rest = [b for b in branches if not line_anchored(b, plain)]
    if not at_start or not rest:
        return (whole,)
    return (_part("|".join(rest), flags, False), _part("|".join(at_start), flags, True))


@lru_cache(maxsize=64)
def _at_start(parts: tuple[_Part, ...]) -> Callable[[str], bool]:
    """One test for several anchored parts without a literal: their alternatives in one
    pattern, matched at a line's start (one call of ``re`` instead of one per rule)."""
    if len(parts) == 1:
        return parts[0].test
    regex = re.compile("|".join(f"(?:{p.pattern})" for p in parts), parts[0].flags)
    return lambda line: regex.match(line) is not None


def line_tester(text: str, rules: Iterable[LineRule]) -> tuple[tuple, ...]:
    """The tests of the rules that may match some line of ``text``, grouped by their length
    limit: a line is chrome when a test of a limit it is within says so, which is what
    ``rule.matches`` says of one rule. A rule that reads nothing around its match and
    finds nothing in the whole text matches none of its lines (left out).

    Anchored parts of the same limit without a literal are matched as one pattern (each
    alternative opens with ``^``: at a line's start one of them matches exactly when one
    of the rules does); how a part is tested alone: :meth:`_Part.test`."""
    return _tester(possible_rules(text, rules))


@lru_cache(maxsize=64)
def _tester(rules: tuple[LineRule, ...]) -> tuple[tuple, ...]:
    """:func:`line_tester` of the rules kept for a text (the same few sets every time)."""
    by_limit: dict[int, list[_Part]] = {}
    for rule in rules:
        by_limit.setdefault(rule.max_chars, []).extend(rule.parts)
    out = []
    for limit, parts in by_limit.items():
        merged = tuple(p for p in parts if p.anchored and p.needle is None)
        tests = [p.test for p in parts if not (p.anchored and p.needle is None)]
        if merged and len({p.flags for p in merged}) == 1:
            tests.insert(0, _at_start(merged))
        elif merged:
            tests[:0] = [p.test for p in merged]
        out.append((limit, tuple(tests)))
    return tuple(out)


def tested(line: str, tester: tuple[tuple, ...]) -> bool:
    """Whether some rule of :func:`line_tester` matches ``line`` (no line break in it)."""
    n = len(line)
    for max_chars, tests in tester:
        if not max_chars or n <= max_chars:
            for test in tests:
                if test(line):
                    return True
    return False


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
        elif not {"year", "month", "day"} <= set(regex.groupindex):
            raise _fail(path, line, "a date row needs the groups year, month and day")
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


# A stripped line → whether it is chrome (by every rule), for the last texts split.
_LINE_MEMO: dict[str, bool] = {}
LINE_MEMO_SIZE = 4096
MEMO_LINE_CHARS = 1000
_MEMO_OWNER: list[Chrome | None] = [None]  # the rules the memo's answers come from


def split_chrome(text: str) -> tuple[list[str], list[str]]:
    """(body lines, chrome lines); blank lines are dropped.

    A line's answer is remembered for the loaded rules: the text as read and the cleaned
    text, both split for every report, share nearly all their lines. It is the answer of
    every rule whatever text the line came from: a rule left out for a text
    (:func:`possible_rules`) matches none of its lines, so the rules tried answer as
    all of them would.
    """
    loaded = load_chrome()
    tester = _tester(possible_rules(text, loaded.lines))
    if len(_LINE_MEMO) > LINE_MEMO_SIZE or _MEMO_OWNER[0] is not loaded:
        _LINE_MEMO.clear()  # full, or the rules were loaded again
        _MEMO_OWNER[0] = loaded
    memo = _LINE_MEMO
    body, chrome = [], []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped:
            if len(stripped) > MEMO_LINE_CHARS:  # not kept: a PDF's one-line page
                found = tested(stripped, tester)
            elif (found := memo.get(stripped)) is None:
                found = memo[stripped] = tested(stripped, tester)
            (chrome if found else body).append(stripped)
    return body, chrome


def page_date(chrome: Iterable[str]) -> tuple[int, int] | None:
    """(year, month) of the latest full date in the chrome (the page's publication date)."""
    day = page_day(chrome)
    return day[:2] if day else None


def page_day(chrome: Iterable[str]) -> tuple[int, int, int] | None:
    """(year, month, day) of the latest full date in the chrome: the day says how much of
    its month a news item's "this year so far" covers."""
    dates = [
        (int(m.group("year")), int(m.group("month")), int(m.group("day")))
        for line in chrome
        for regex in load_chrome().dates
        for m in regex.finditer(line)
    ]
    dates = [d for d in dates if 1 <= d[1] <= 12]
    return max(dates) if dates else None
