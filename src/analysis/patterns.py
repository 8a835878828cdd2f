"""Cheap pre-checks for the cue patterns that are searched over whole reports.

Why: Python's ``re`` skips quickly to a possible match only when a pattern starts
with a literal or a character class. Many cue patterns start with a look-behind,
a repeat or an alternation of classes, so ``re`` tries them at every position of a
15,000-character report. Most of them can only start at a few characters (``*``,
``某``, ``去``), and most reports contain none of those: one scan for that small
character set answers "no match" at C speed. The pre-check is derived from the
pattern itself (so the data files stay plain regular expressions) and is used only
as a filter, so results are exactly those of the pattern.
"""

from __future__ import annotations

import re
from functools import lru_cache
from types import MappingProxyType

try:  # the parser behind ``re``; private, so any surprise just means "no pre-check"
    from re import _compiler as _k
    from re import _constants as _c
    from re import _parser as _p
except ImportError:  # pragma: no cover - other Pythons
    _c = _k = _p = None

MAX_CHARS = 64  # a larger first-character set filters too little to be worth a scan


class _Unknown(Exception):
    """The pattern can start in a way this analysis does not follow."""


@lru_cache(maxsize=1024)
def _parsed(pattern: str, flags: int):
    """The parse of ``pattern``, shared by every analysis below (read, never changed).

    Why: each analysis parsed the pattern again, four parses per cue pattern; loading
    the cue files is part of every one-file run."""
    return _p.parse(pattern, flags)


def _class_chars(items) -> set[str]:
    chars: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            chars.add(chr(av))
        elif op is _c.RANGE and av[1] - av[0] < MAX_CHARS:
            chars.update(chr(x) for x in range(av[0], av[1] + 1))
        else:  # NEGATE, CATEGORY (\s, \d), big ranges
            raise _Unknown
    return chars


def _first(seq) -> tuple[set[str], bool]:
    """(characters a match of ``seq`` can start with, whether ``seq`` can match empty)."""
    chars: set[str] = set()
    for op, av in seq:
        if op is _c.LITERAL:
            return chars | {chr(av)}, False
        if op is _c.IN:
            return chars | _class_chars(av), False
        if op is _c.SUBPATTERN:
            sub, empty = _first(av[3])
        elif op is _c.BRANCH:
            sub, empty = set(), False
            for alt in av[1]:
                s, e = _first(alt)
                sub |= s
                empty = empty or e
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            sub, empty = _first(av[2])
            empty = empty or av[0] == 0
        elif op in (_c.ASSERT, _c.ASSERT_NOT, _c.AT):
            continue  # zero-width: the first character comes from what follows
        else:  # ANY, NOT_LITERAL, CATEGORY, GROUPREF …
            raise _Unknown
        chars |= sub
        if not empty:
            return chars, False
    return chars, True


@lru_cache(maxsize=1024)
def first_chars(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """The characters any match of ``pattern`` must start with, or None if unknown.

    None also when the pattern can match the empty string, may start with too many
    different characters to make a useful filter, or ignores case and may start with
    anything but ASCII other than i, k and s: under ``re.IGNORECASE`` every other ASCII
    character matches exactly its lower and upper case (i also matches ı and İ, k the
    Kelvin sign, s the long ſ), so those two stand for it.
    """
    if _p is None:
        return None
    try:
        parsed = _parsed(pattern, flags)
        chars, empty = _first(parsed)
    except (_Unknown, re.error, AttributeError, TypeError):
        return None
    if (flags | parsed.state.flags) & re.IGNORECASE:
        if not all(c.isascii() and c not in "iksIKS" for c in chars):
            return None
        chars = {c.lower() for c in chars} | {c.upper() for c in chars}
    if empty or not chars or len(chars) > MAX_CHARS:
        return None
    return frozenset(chars)


def _literal_runs(seq) -> list[str]:
    """Runs of literal characters that every match of ``seq`` contains."""
    runs: list[str] = []
    cur: list[str] = []
    for op, av in seq:
        if op is _c.LITERAL:
            cur.append(chr(av))
            continue
        if cur:
            runs.append("".join(cur))
            cur = []
        if op is _c.SUBPATTERN:  # a group's content is part of every match
            runs += _literal_runs(av[3])
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT) and av[0] >= 1:
            runs += _literal_runs(av[2])
        # alternations, classes, anchors and look-arounds promise no literal
    if cur:
        runs.append("".join(cur))
    return runs


@lru_cache(maxsize=1024)
def required_literal(pattern: str, flags: int = 0) -> str | None:
    """The longest run of two or more characters every match of ``pattern`` contains
    (``十七大`` in ``(?:学习|贯彻)[^。]{0,8}十七大(?:会议)?精神``), or None.

    Why: ``in`` finds a literal at memory speed, so a text without it is answered "no
    match" before ``re`` runs; most cue words (十七大精神, 有限责任公司) are in few reports.

    A pattern that ignores case gets the longest run of characters that have no case
    (ASCII marks and digits, Chinese characters), even a single one: ``;`` of
    ``(?i)ramp;d`` is a character reports in Chinese hardly use.
    """
    if _p is None:
        return None
    try:
        parsed = _parsed(pattern, flags)
        runs = _literal_runs(parsed)
    except (re.error, AttributeError, TypeError):
        return None
    if (flags | parsed.state.flags) & re.IGNORECASE:
        runs = [piece for run in runs for piece in _CASED.split(run)]
        best = max(runs, key=len, default="")
        return best or None
    best = max(runs, key=len, default="")
    return best if len(best) >= 2 else None


MAX_WORDS = 32  # an alternation of more words than this screens too little to follow


def _word_choice(seq) -> frozenset[str] | None:
    """One set of words one of which every match of ``seq`` holds (the clause of
    :func:`_word_clauses` whose shortest word is longest, then the smallest), or None."""
    clauses = _word_clauses(seq)
    return max(clauses, key=lambda c: (min(map(len, c)), -len(c)), default=None)


def _word_clauses(seq) -> list[frozenset[str]]:
    """Sets of words, each of which holds a word every match of ``seq`` contains."""
    out: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in seq:
        if op is _c.LITERAL:
            run.append(chr(av))
            continue
        if run:
            out.append(frozenset(["".join(run)]))
            run = []
        found: frozenset[str] | None = None
        if op is _c.IN and len(av) <= FIND_CHARS and all(o is _c.LITERAL for o, _ in av):
            found = frozenset(chr(a) for _, a in av)
        elif op is _c.SUBPATTERN and not av[1] & re.IGNORECASE:  # (?i:…) words ignore case
            out += _word_clauses(av[3])
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT) and av[0] >= 1:
            out += _word_clauses(av[2])
        elif op is _c.BRANCH:
            alts = [_word_choice(alt) for alt in av[1]]
            if all(alts):
                found = frozenset().union(*alts)
        # anchors, look-arounds, optional parts, classes, back-references: no word
        if found and len(found) <= MAX_WORDS:
            out.append(found)
    if run:
        out.append(frozenset(["".join(run)]))
    return out


@lru_cache(maxsize=1024)
def required_words(pattern: str, flags: int = 0) -> tuple[frozenset[str], ...]:
    """Sets of words such that every match of ``pattern`` holds a word of each set
    (``(?:推进会|部署会)[^。]{0,40}?(?:确保|力争)`` → {推进会, 部署会}, {确保, 力争}); ()
    when none is known, and for a pattern that ignores case.

    Why: one scan of a report for every cue's words (an Aho-Corasick automaton, see
    ``lexicon.cues_in``) rules out at once each cue one of whose sets it lacks, where
    every cue alone would scan the report again (most cues are in few reports).
    """
    if _p is None or flags & re.IGNORECASE:
        return ()
    try:
        parsed = _parsed(pattern, flags)
        if parsed.state.flags & re.IGNORECASE:
            return ()
        return tuple(dict.fromkeys(_word_clauses(parsed)))
    except (re.error, AttributeError, TypeError, RecursionError):
        return ()


def _required_set(seq) -> frozenset[str] | None:
    """A smallest set of characters one of which every match of ``seq`` holds, or None."""
    best: frozenset[str] | None = None
    for op, av in seq:
        found: frozenset[str] | None = None
        if op is _c.LITERAL:
            found = frozenset(chr(av))
        elif op is _c.IN:
            try:
                found = frozenset(_class_chars(av))
            except _Unknown:
                found = None
        elif op is _c.SUBPATTERN:
            found = _required_set(av[3])
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT) and av[0] >= 1:
            found = _required_set(av[2])
        elif op is _c.BRANCH:
            alts = [_required_set(alt) for alt in av[1]]
            found = None if any(a is None for a in alts) else frozenset().union(*alts)
        # anchors, look-arounds, optional parts, back-references: nothing required
        if found and (best is None or len(found) < len(best)):
            best = found
    return best


@lru_cache(maxsize=1024)
def required_chars(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Characters one of which every match of ``pattern`` contains (科技兴县, 振兴县 and
    ``[\u4e00-\u9fff]湖…`` all hold one of 兴强立富活振湖), or None when unknown or
    more than ``MAX_CHARS``; None for a pattern that ignores case.

    Why: a short window without any of them (``in`` tests) has no match, and ``re``
    need not try a long alternation at each of its positions.
    """
    if _p is None or flags & re.IGNORECASE:
        return None
    try:
        parsed = _parsed(pattern, flags)
        if parsed.state.flags & re.IGNORECASE:
            return None
        found = _required_set(parsed)
    except (re.error, AttributeError, TypeError):
        return None
    return found if found and len(found) <= MAX_CHARS else None


# Anything but an ASCII mark or digit or a Chinese character may have another case.
_CASED = re.compile(r"[^\x00-\x40\x5b-\x60\x7b-\x7f\u4e00-\u9fff]")


@lru_cache(maxsize=1024)
def re_skips_ahead(pattern: str, flags: int = 0) -> bool:
    """True when ``re`` itself jumps to where a match can start: the pattern opens with a
    literal, a character class or an alternation of literals (``全市|我市|…``), or it is
    anchored at the text's start (``\\A``), where ``re`` makes one try.

    Such patterns gain nothing from a pre-check: ``re`` scans for their first
    character in C, while a pre-check adds a second scan and a Python loop.
    """
    if _k is None:
        return False
    try:
        parsed = _parsed(pattern, flags)
        if parsed.data and parsed.data[0][0] is _c.AT and (
            parsed.data[0][1] is _c.AT_BEGINNING_STRING
            or (parsed.data[0][1] is _c.AT_BEGINNING and not flags & re.MULTILINE)
        ):
            return True  # \A…: re tries the text's start only
        if parsed.getwidth()[0] == 0:
            return False  # re writes no skip table for a pattern that can match empty
        prefix, _, _ = _k._get_literal_prefix(parsed, flags)
        return bool(prefix) or bool(_k._get_charset_prefix(parsed, flags))
    except Exception:  # a private API that changed: assume no skip
        return False


@lru_cache(maxsize=1024)
def line_anchored(pattern: str, flags: int = 0) -> bool:
    """True when every match starts at the start of a line (``^``, ``\\A``): in a string
    without a line break, ``match`` then gives what ``search`` gives, without trying
    every position (``re`` does not skip ahead for a multi-line ``^``)."""
    if _p is None:
        return False
    try:
        parsed = _parsed(pattern, flags)
    except (re.error, AttributeError, TypeError):
        return False
    return bool(parsed.data) and parsed.data[0][0] is _c.AT and parsed.data[0][1] in (
        _c.AT_BEGINNING, _c.AT_BEGINNING_STRING)


def _any_node(seq, hit) -> bool:
    """True when a node of the parsed pattern ``seq``, or of any group, branch, repeat,
    look-around or atomic group inside it, is one ``hit`` accepts (``hit(op)``)."""
    for op, av in seq:
        if hit(op):
            return True
        if op is _c.SUBPATTERN:
            children = (av[3],)
        elif op is _c.BRANCH:
            children = av[1]
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            children = (av[2],)
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            children = (av[1],)
        elif op is _c.ATOMIC_GROUP:
            children = (av,)
        else:
            continue
        if any(_any_node(child, hit) for child in children):
            return True
    return False


def _has_context(seq) -> bool:
    """An anchor, a look-around or a conditional (not followed here) anywhere in ``seq``."""
    return _any_node(seq, lambda op: op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT, _c.GROUPREF_EXISTS))


@lru_cache(maxsize=1024)
def context_free(pattern: str, flags: int = 0) -> bool:
    """True when whether ``pattern`` matches at a place depends on the characters it
    consumes alone: no anchor, word boundary or look-around (which read around the
    match). A match inside a piece of a text is then a match in the whole text, so a
    text without any match has no piece with one (one search rules a pattern out for
    every line of a report)."""
    if _p is None:
        return False
    try:
        return not _has_context(_parsed(pattern, flags).data)
    except Exception:  # a private API that changed: assume context
        return False


_ZERO_WIDTH = ("ASSERT", "ASSERT_NOT")
_BACKREFS = ("GROUPREF", "GROUPREF_EXISTS")


def _has_backref(seq) -> bool:
    """True when ``seq`` refers back to a group (a finder must not drop what sets it)."""
    return _any_node(seq, lambda op: str(op) in _BACKREFS)


def _zero_width(op, av, nested: bool = False) -> bool:
    """An item that consumes nothing and reads around it: a look-around, or a group of
    look-arounds and anchors (``(?:(?<=[…])|^)``). A bare ``^`` is kept: a line start is
    better found by the position pre-check than by what follows it."""
    if str(op) in _ZERO_WIDTH or (nested and op is _c.AT):
        return True
    if op is _c.SUBPATTERN:
        return bool(av[3]) and all(_zero_width(o, a, True) for o, a in av[3])
    if op is _c.BRANCH:
        return all(alt and all(_zero_width(o, a, True) for o, a in alt) for alt in av[1])
    return False


def _alternatives(seq) -> list[list]:
    """The top-level alternatives of ``seq``: ``A|B`` → [A, B]; ``(?:A|B)C`` → [AC, BC]."""
    items = list(seq)
    if items and items[0][0] is _c.BRANCH:
        return [[*alt, *items[1:]] for alt in items[0][1][1]]
    if items and items[0][0] is _c.SUBPATTERN:
        group, add_flags, del_flags, sub = items[0][1]
        inner = list(sub)
        if not add_flags and not del_flags and len(inner) == 1 and inner[0][0] is _c.BRANCH:
            return [[*alt, *items[1:]] for alt in inner[0][1][1]]
    return [items]


MAX_FINDERS = 3  # separate scans, each costing a pass in re; more cost more than they save
MAX_PARTS = 64


def _parts(seq, depth: int = 0) -> list[list]:
    """The alternatives of ``seq`` without leading look-arounds, nested alternations at
    their start spread out (``(?<!x)(?:增幅|增速)…`` → ``增幅…``, ``增速…``), a leading
    repeat of a class read as one of it and the rest: each part opening, if it can, with
    what ``re`` skips to."""
    out: list[list] = []
    seq = list(seq)
    while seq and _zero_width(*seq[0]):
        seq = seq[1:]
    for alt in _alternatives(seq):
        while alt and _zero_width(*alt[0]):
            alt = alt[1:]
        if not alt:
            raise _Unknown
        if depth < 3 and len(_alternatives(alt)) > 1:
            out += _parts(alt, depth + 1)
            continue
        op, av = alt[0]
        if op is _c.IN and len(av) <= FIND_CHARS and all(o is _c.LITERAL for o, _ in av):
            # (?:比|较)…, which re's parser makes [比较]…: one part per character
            out += [[item, *alt[1:]] for item in av]
            continue
        if (op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] >= 1 and len(av[2]) == 1
                and av[2][0][0] in (_c.IN, _c.LITERAL)):
            # \d+…: re skips to a class, not into a repeat; one of it, then the rest
            lo, hi, item = av
            rest = (lo - 1, hi if hi == _c.MAXREPEAT else hi - 1, item)
            alt = [item[0], (op, rest), *alt[1:]]
        out.append(alt)
        if len(out) > MAX_PARTS:
            raise _Unknown
    return out


def _skips(sub, flags: int) -> bool:
    """``re`` jumps to where a match of ``sub`` (a parsed pattern) can start."""
    if sub.getwidth()[0] == 0:
        return False
    prefix, _, _ = _k._get_literal_prefix(sub, flags)
    return bool(prefix) or bool(_k._get_charset_prefix(sub, flags))


@lru_cache(maxsize=1024)
def finders(pattern: str, flags: int = 0) -> tuple[re.Pattern[str], ...] | None:
    r"""Patterns that match wherever ``pattern`` matches (and maybe elsewhere), each of which
    ``re`` skips through to its possible starts, or None.

    Why: a pattern opening with a look-behind (``(?<![居占列])全市…|我市``) or with an
    alternation of a literal and a class (``(?:增长|下降)…|\d+…``) makes ``re`` try it at
    every position. Without its leading look-arounds and anchors, and split into its
    alternatives when they do not share a prefix, each part opens with a literal or a
    class again; the positions where a part matches are the only candidates, and the
    pattern itself decides there (same matches as ``re``'s scan).
    """
    if _k is None:
        return None
    try:
        parsed = _parsed(pattern, flags)
        if parsed.getwidth()[0] == 0 or _has_backref(parsed.data) or re_skips_ahead(pattern, flags):
            return None
        state = parsed.state
        parts = _parts(parsed.data)
        # the parts opening with a literal make one alternation (re skips to any of its
        # first characters); each other part is its own finder
        literal = [alt for alt in parts if alt[0][0] is _c.LITERAL]
        others = [_p.SubPattern(state, alt) for alt in parts if alt[0][0] is not _c.LITERAL]
        group = []
        if len(literal) > 1:
            group = [_p.SubPattern(state, [(_c.BRANCH, (None, [_p.SubPattern(state, alt)
                                                                for alt in literal]))])]
        elif literal:
            group = [_p.SubPattern(state, literal[0])]
        found = group + others
        if len(found) <= MAX_FINDERS and all(_skips(sub, flags) for sub in found):
            return tuple(_k.compile(sub, flags) for sub in found)
    except Exception:  # a private API that changed, or a pattern this does not follow
        return None
    return None


MAX_STARTS = 8  # literal openings looked for one by one with str.find


@lru_cache(maxsize=1024)
def literal_starts(pattern: str, flags: int = 0) -> tuple[str, ...] | None:
    """Literals of two or more characters one of which every match of ``pattern`` opens
    with (``小编为大家整理|供大家参考|本文由.{0,10}整理``: 小编为大家整理, 供大家参考, 本文由),
    when the pattern is an alternation of at most :data:`MAX_STARTS` such openings; else None.

    Why: a long text holding none of them has no match, and ``str.find`` says so several
    times faster than ``re``'s scan, which stops at each first character (本 of 本文由 is
    everywhere) to try every alternative.
    """
    if _p is None:
        return None
    try:
        parsed = _parsed(pattern, flags)
        if (flags | parsed.state.flags) & re.IGNORECASE:
            return None
        starts = []
        for alt in _parts(parsed.data):
            lit = []
            for op, av in alt:
                if op is not _c.LITERAL:
                    break
                lit.append(chr(av))
            if len(lit) < 2:
                return None
            starts.append("".join(lit))
    except Exception:  # a private API that changed, or a pattern this does not follow
        return None
    unique = tuple(dict.fromkeys(starts))
    return unique if 1 < len(unique) <= MAX_STARTS else None


def precheck(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """A pattern for the characters a match of ``pattern`` must start with (see above)."""
    return _precheck(pattern.pattern, pattern.flags & ~re.UNICODE)


def _precheck(pattern: str, flags: int) -> re.Pattern[str] | None:
    chars = first_chars(pattern, flags)
    if chars is None:
        return None
    return re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")


SHORT_TEXT = 256  # below this a second scan costs more than it saves
_NEVER = 2**63  # no candidate left
FINDERS_AFTER = 8  # long texts a pattern reads before its finders are compiled


def _window(pos: int, endpos: int) -> tuple[int, int]:
    """``pos`` and ``endpos`` as ``re`` reads them: below 0 is 0 (``str.find``, which the
    pre-checks call, would count a negative start from the end)."""
    return (pos if pos > 0 else 0), (endpos if endpos > 0 else 0)


def _short(string: str, pos: int, endpos: int) -> bool:
    """True when string[pos:endpos] is short: ``re`` scans it faster than a pre-check (a
    look-up in a few characters of a long report, such as the four before a place name)."""
    n = len(string)
    return (endpos if endpos < n else n) - (pos if pos > 0 else 0) <= SHORT_TEXT
MAX_PROBES = 48  # candidate positions tried one by one before handing over to ``re``
FIND_CHARS = 8  # a first-character set this small is looked for with str.find first


class Prechecked:
    """A compiled pattern that looks for its matches only where one can start.

    The pre-check (see :func:`precheck`) finds the positions holding a character a
    match must start with; the pattern is then tried at those positions alone. This
    gives exactly the matches of ``re``'s own scan (matches start only at such
    positions, and each try is the attempt ``re`` would make there), without the
    position-by-position crawl ``re`` falls back to for such patterns. When the
    characters turn out to be common, the rest of the text goes to ``re`` itself.
    Same methods and results as the pattern.
    """

    __slots__ = ("regex", "pre", "needle", "firsts", "starts", "pattern", "flags", "groupindex",
                 "groups", "given", "_finders", "_uses")

    def __init__(self, regex: re.Pattern[str]) -> None:
        self.regex = regex
        self._analyse(regex.pattern, regex.flags)
        self.groupindex = regex.groupindex
        self.groups = regex.groups

    def _analyse(self, pattern: str, flags: int) -> None:
        """The pre-checks of ``pattern`` with its compiled flags (inline ones included)."""
        plain = flags & ~re.UNICODE
        self.pre = None if re_skips_ahead(pattern, plain) else _precheck(pattern, plain)
        self.needle = required_literal(pattern, plain)
        # Why str.find: ``re`` scans for a set of first characters (its own skip or the
        # pre-check) at about 30 ns a character; finding each of a few characters is
        # several times faster, and most long texts hold none of the rare ones (*, 【, 附).
        chars = first_chars(pattern, plain)
        self.firsts = tuple(sorted(chars)) if chars and len(chars) <= FIND_CHARS else None
        self.starts = literal_starts(pattern, plain) if "|" in pattern else None
        self.pattern = pattern
        self.flags = flags
        self._finders: tuple[re.Pattern[str], ...] | None | bool = False  # False: not made yet
        self._uses = 0  # long texts read before the finders are made

    @classmethod
    def deferred(cls, pattern: str, flags: int = 0) -> Prechecked:
        """The pre-checked ``re.compile(pattern, flags)``, compiled only when a text gets
        past its pre-checks (its ``regex`` is made on first use, :meth:`__getattr__`).

        Why: ``re`` compiles a Chinese character class (``[\u4e00-\u9fff]``) in about a
        millisecond, and in a one-file run 16 of the 107 cue patterns got past their
        pre-checks. The pattern is parsed here (the parse the pre-checks read), so a
        pattern that does not parse, or whose look-behind has no fixed width, raises
        ``re.error`` now, as ``re.compile`` would."""
        parsed = _parsed(pattern, flags)
        _check_lookbehinds(parsed.data)
        self = cls.__new__(cls)
        self.given = flags
        self._analyse(pattern, parsed.state.flags)  # what re.compile's flags would be
        self.groupindex = MappingProxyType(dict(parsed.state.groupdict))
        self.groups = parsed.state.groups - 1
        return self

    def __getattr__(self, name: str):
        """Only for a deferred pattern's ``regex``, on its first use (then a slot)."""
        if name != "regex":
            raise AttributeError(name)
        regex = re.compile(self.pattern, self.given)
        self.regex = regex
        return regex

    def _finder_list(self) -> tuple[re.Pattern[str], ...] | None:
        """:func:`finders` of the pattern, made once it has read :data:`FINDERS_AFTER` long
        texts (compiling them costs more than a few scans save: a run of one file
        never pays it); until then None, the scan without them (same matches)."""
        if self._finders is False:
            self._uses += 1
            if self._uses < FINDERS_AFTER:
                return None
            self._finders = finders(self.pattern, self.flags & ~re.UNICODE)
        return self._finders  # type: ignore[return-value]

    def _found(self, string: str, pos: int, endpos: int, parts: tuple[re.Pattern[str], ...]):
        """The matches, tried only where one of ``parts`` matches (see :func:`finders`)."""
        regex = self.regex
        if len(parts) == 1:
            part = parts[0]
            while True:
                cand = part.search(string, pos, endpos)
                if cand is None:
                    return
                p = cand.start()
                m = regex.match(string, p, endpos)
                if m is None:
                    pos = p + 1
                else:
                    yield m
                    pos = m.end()  # never empty: finders() takes no pattern matching ""
        nxt = []
        for part in parts:
            cand = part.search(string, pos, endpos)
            nxt.append(cand.start() if cand is not None else _NEVER)
        while True:
            p = min(nxt)
            if p == _NEVER:
                return
            m = regex.match(string, p, endpos)
            if m is None:
                pos = p + 1
            else:
                yield m
                pos = m.end()
            for k, at in enumerate(nxt):
                if at < pos:
                    cand = parts[k].search(string, pos, endpos)
                    nxt[k] = cand.start() if cand is not None else _NEVER

    def _absent(self, string: str, pos: int, endpos: int) -> bool:
        """True when no character a match can start with, or none of the literals one
        opens with, stands in string[pos:endpos] (a long string only): no match."""
        if (self.firsts is None and self.starts is None) or _short(string, pos, endpos):
            return False
        lo = pos if pos > 0 else 0  # re reads a negative pos as 0, str.find from the end
        find = string.find
        for group in (self.starts, self.firsts):  # (loops, not generators: called often)
            if group is not None:
                for w in group:
                    if find(w, lo, endpos) >= 0:
                        break
                else:
                    return True  # none of them: no match
        return False

    def _matches(self, string: str, pos: int = 0, endpos: int = 2**62):
        if self.needle is not None and string.find(self.needle, pos, endpos) < 0:
            return  # a literal every match holds is not there: no match
        if self._absent(string, pos, endpos):
            return
        if _short(string, pos, endpos):
            yield from self.regex.finditer(string, pos, endpos)
            return
        parts = self._finder_list()
        if parts is not None:
            yield from self._found(string, pos, endpos, parts)
            return
        if self.pre is None:
            yield from self.regex.finditer(string, pos, endpos)
            return
        last = pos  # matches do not overlap: the next one starts at or after this
        probes = 0
        for cand in self.pre.finditer(string, pos, endpos):
            p = cand.start()
            if p < last:
                continue
            probes += 1
            if probes > MAX_PROBES:  # a common character: let re scan the rest
                yield from self.regex.finditer(string, p, endpos)
                return
            m = self.regex.match(string, p, endpos)
            if m is not None:
                yield m
                last = m.end()

    def _plain(self, string: str, pos: int, endpos: int) -> bool | None:
        """True when ``re``'s own scan is what :meth:`_matches` would run (no
        position pre-check: a short text or none derived), None when the required
        literal is absent (no match), else False.

        Why: most calls are on lines and titles, or on reports without the literal;
        answering them without a generator halves the cost of a cue look-up.
        """
        if self.needle is not None and string.find(self.needle, pos, endpos) < 0:
            return None
        if self._absent(string, pos, endpos):
            return None
        if _short(string, pos, endpos):
            return True
        return self.pre is None and self._finder_list() is None

    def search(self, string: str, pos: int = 0, endpos: int = 2**62) -> re.Match[str] | None:
        pos, endpos = _window(pos, endpos)
        n = len(string)
        if (endpos if endpos < n else n) - pos <= SHORT_TEXT:
            # a line, a title, a few characters of a report (most calls): straight to re
            if self.needle is not None and string.find(self.needle, pos, endpos) < 0:
                return None
            return self.regex.search(string, pos, endpos)
        plain = self._plain(string, pos, endpos)
        if plain is None:
            return None
        if plain:
            return self.regex.search(string, pos, endpos)
        return next(self._matches(string, pos, endpos), None)

    def finditer(self, string: str, pos: int = 0, endpos: int = 2**62):
        return self._matches(string, *_window(pos, endpos))

    def findall(self, string: str, pos: int = 0, endpos: int = 2**62) -> list:
        pos, endpos = _window(pos, endpos)
        plain = self._plain(string, pos, endpos)
        if plain is None:
            return []
        if plain:  # re.findall gives the same list (unmatched groups as "")
            return self.regex.findall(string, pos, endpos)
        ms = self._matches(string, pos, endpos)
        if self.groups == 0:
            return [m.group() for m in ms]
        if self.groups == 1:
            return [m.group(1) or "" for m in ms]
        return [m.groups("") for m in ms]

    def sub(self, repl, string: str, count: int = 0) -> str:
        parts = []
        last = 0
        for n, m in enumerate(self._matches(string), start=1):
            parts.append(string[last : m.start()])
            parts.append(repl(m) if callable(repl) else m.expand(repl))
            last = m.end()
            if count and n >= count:
                break
        if not parts:
            return string
        parts.append(string[last:])
        return "".join(parts)

    def match(self, string: str, pos: int = 0, endpos: int = 2**62) -> re.Match[str] | None:
        return self.regex.match(string, pos, endpos)

    def fullmatch(self, string: str, pos: int = 0, endpos: int = 2**62) -> re.Match[str] | None:
        return self.regex.fullmatch(string, pos, endpos)

    def __repr__(self) -> str:
        return f"Prechecked({self.regex!r})"


def prechecked(regex: re.Pattern[str]) -> re.Pattern[str]:
    """``regex`` wrapped with its pre-checks (the characters a match starts with, unless
    ``re`` already skips ahead on its own; a literal every match holds, or the literals
    one opens with; finders where ``re`` crawls), or ``regex`` itself when it has none."""
    wrapped = Prechecked(regex)
    if (wrapped.pre is None and wrapped.needle is None and wrapped.starts is None
            and re_skips_ahead(regex.pattern, regex.flags & ~re.UNICODE)):
        return regex  # (a pattern re crawls through may still have finders)
    return wrapped  # type: ignore[return-value]


def prechecked_source(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``prechecked(re.compile(pattern, flags))`` with the same matches, but a pattern
    that has pre-checks is compiled only when first needed (``Prechecked.deferred``).
    Raises ``re.error`` for a pattern that does not compile."""
    if _p is None:
        return prechecked(re.compile(pattern, flags))
    wrapped = Prechecked.deferred(pattern, flags)
    if (wrapped.pre is None and wrapped.needle is None and wrapped.starts is None
            and re_skips_ahead(pattern, wrapped.flags & ~re.UNICODE)):
        return re.compile(pattern, flags)
    return wrapped  # type: ignore[return-value]


def _check_lookbehinds(seq) -> None:
    """The compiler's own check (``re`` raises it only when compiling): a look-behind
    must have one width, within the limit."""
    for op, av in seq:
        if op in (_c.ASSERT, _c.ASSERT_NOT):
            if av[0] < 0:
                lo, hi = av[1].getwidth()
                if lo > _k.MAXCODE:
                    raise re.error("looks too much behind")
                if lo != hi:
                    raise re.error("look-behind requires fixed-width pattern")
            _check_lookbehinds(av[1].data)
        elif op is _c.SUBPATTERN:
            _check_lookbehinds(av[3].data)
        elif op is _c.BRANCH:
            for alt in av[1]:
                _check_lookbehinds(alt.data)
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            _check_lookbehinds(av[2].data)
        elif op is _c.ATOMIC_GROUP:
            _check_lookbehinds(av.data)
        elif op is _c.GROUPREF_EXISTS:
            _check_lookbehinds(av[1].data)
            if av[2] is not None:
                _check_lookbehinds(av[2].data)


# ------------------------------------------------------------------ gates for short strings

GATE_CHARS = 16  # a character set larger than this lets too much through


def _char_class(chars) -> str:
    return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"


class Gated:
    """A compiled pattern behind one-scan gates, for the short strings (a sentence, a
    figure's lead-in) the figure rules search thousands of times per report.

    Why: ``re`` tries a pattern that opens with a look-behind, an alternation of classes
    or an optional part (``(?:大幅|稳步)?(?:提高|…)(?:到|至)``) at every position of the
    string, at a few hundred nanoseconds a position, and most lead-ins hold none of the
    characters every match needs. ``need`` is a compiled literal or class one of whose
    characters every match holds: no hit in string[pos:endpos], no match. ``begin``
    finds where a match can start (its first characters, or the one finder of
    :func:`finders`): the search begins at its first hit, since no match starts before
    it (the text before stays visible to look-behinds and anchors, as with any ``pos``).
    Same methods and results as the pattern (``match`` and ``fullmatch`` are the
    pattern's own); a match's ``re`` is the wrapped pattern.
    """

    __slots__ = ("regex", "need", "begin", "pattern", "flags", "groups", "groupindex",
                 "match", "fullmatch", "_wide")

    def __init__(self, regex: re.Pattern[str], need: re.Pattern[str] | None,
                 begin: re.Pattern[str] | None) -> None:
        self.regex = regex
        self.need = need.search if need is not None else None
        self.begin = begin.search if begin is not None else None
        self.pattern = regex.pattern
        self.flags = regex.flags
        self.groups = regex.groups
        self.groupindex = regex.groupindex
        self.match = regex.match  # one position: re is as quick as any gate there
        self.fullmatch = regex.fullmatch
        self._wide: Prechecked | None = None

    def wide(self) -> Prechecked:
        """The pattern with :class:`Prechecked`'s pre-checks, for a window of a long text
        (a whole report): there its finders beat one gate (made on first use)."""
        if self._wide is None:
            self._wide = Prechecked(self.regex)
        return self._wide

    def _from(self, string: str, pos: int, endpos: int) -> int | None:
        """Where the scan may start, or None when string[pos:endpos] holds no match."""
        need = self.need
        if need is not None and need(string, pos, endpos) is None:
            return None
        begin = self.begin
        if begin is None:
            return pos
        hit = begin(string, pos, endpos)
        return None if hit is None else hit.start()

    def search(self, string: str, pos: int = 0, endpos: int = 2**62) -> re.Match[str] | None:
        if pos < 0 or endpos < 0:
            pos, endpos = _window(pos, endpos)
        if len(string) > SHORT_TEXT and not _short(string, pos, endpos):
            return self.wide().search(string, pos, endpos)
        # _from, inlined: this is the call the figure rules make most
        need = self.need
        if need is not None and need(string, pos, endpos) is None:
            return None
        begin = self.begin
        if begin is not None:
            hit = begin(string, pos, endpos)
            if hit is None:
                return None
            pos = hit.start()
        return self.regex.search(string, pos, endpos)

    def finditer(self, string: str, pos: int = 0, endpos: int = 2**62):
        pos, endpos = _window(pos, endpos)
        if len(string) > SHORT_TEXT and not _short(string, pos, endpos):
            return self.wide().finditer(string, pos, endpos)
        at = self._from(string, pos, endpos)
        return iter(()) if at is None else self.regex.finditer(string, at, endpos)

    def findall(self, string: str, pos: int = 0, endpos: int = 2**62) -> list:
        pos, endpos = _window(pos, endpos)
        if len(string) > SHORT_TEXT and not _short(string, pos, endpos):
            return self.wide().findall(string, pos, endpos)
        at = self._from(string, pos, endpos)
        return [] if at is None else self.regex.findall(string, at, endpos)

    def sub(self, repl, string: str, count: int = 0) -> str:
        if self._from(string, 0, 2**62) is None:
            return string
        return self.regex.sub(repl, string, count)

    def subn(self, repl, string: str, count: int = 0) -> tuple[str, int]:
        if self._from(string, 0, 2**62) is None:
            return string, 0
        return self.regex.subn(repl, string, count)

    def split(self, string: str, maxsplit: int = 0) -> list:
        if self._from(string, 0, 2**62) is None:
            return [string]
        return self.regex.split(string, maxsplit)

    def __repr__(self) -> str:
        return f"Gated({self.regex!r})"


@lru_cache(maxsize=1024)
def gates(pattern: str, flags: int = 0) -> tuple[str | None, re.Pattern[str] | None]:
    """(need, begin) of :class:`Gated`: the source of a literal every match holds (else
    of a class of at most :data:`GATE_CHARS` characters one of which every match holds),
    and a pattern whose first hit is where the first match can start (the single
    finder, else a class of the first characters), each None when unknown."""
    if (flags & re.IGNORECASE) or _p is None:
        return None, None
    try:
        if _parsed(pattern, flags).state.flags & re.IGNORECASE:
            return None, None
    except (re.error, AttributeError, TypeError):
        return None, None
    need = None
    needle = required_literal(pattern, flags)
    if needle is not None:
        need = re.escape(needle)
    elif (chars := required_chars(pattern, flags)) is not None and len(chars) <= GATE_CHARS:
        need = _char_class(chars)
    begin = None
    found = finders(pattern, flags)
    if found is not None and len(found) == 1:
        begin = found[0]
    elif (firsts := first_chars(pattern, flags)) is not None and len(firsts) <= GATE_CHARS:
        begin = re.compile(_char_class(firsts))
    return need, begin


def gated(regex: re.Pattern[str]) -> re.Pattern[str]:
    """``regex`` behind its gates (see :class:`Gated`) when ``re`` would try it at every
    position of a string or only at the string's start (``^[^，。；]{0,16}?(?:高新区|…)``:
    one try, but a long one), and a gate is known; else ``regex`` itself. A pattern that
    ignores case keeps none (its gates would have to ignore case too)."""
    if not isinstance(regex, re.Pattern) or regex.flags & re.IGNORECASE:
        return regex
    flags = regex.flags & ~re.UNICODE
    anchored = line_anchored(regex.pattern, flags)
    if re_skips_ahead(regex.pattern, flags) and not anchored:
        return regex  # re jumps to a possible start on its own
    need, begin = gates(regex.pattern, flags)
    if anchored:
        begin = None  # one try at the start: nothing to skip
    if need is None and begin is None:
        return regex
    return Gated(regex, re.compile(need) if need else None, begin)  # type: ignore[return-value]
