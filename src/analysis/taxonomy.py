"""The indicator taxonomy: which phrase names which canonical indicator.

The taxonomy is data (``data/indicators.csv``): id, 中文名, canonical unit, the
units a figure may be written in, whether it is a stock (a level at a date) or a
flow (summed over a period), and a ``require``/``exclude`` regular-expression
pair over the indicator phrase. Rows are tried in file order, so more specific
indicators (per-10k, shares) come before the general ones. A jieba segmenter
(rjieba: jieba's algorithm and dictionary in Rust), with the indicator wordings
added to its dictionary, trims a phrase to the words that name the indicator, for
the ``indicator`` column users read.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache

from .config import PACKAGE_DATA
from .text.lexicon import _fail, _rows, expand


@dataclass(frozen=True)
class Indicator:
    metric_id: str
    name_zh: str
    unit: str
    accepts_units: tuple[str, ...]
    stock: bool
    core: bool
    right_context: bool
    batched: bool  # designated in batches (第三批): a batch cue marks one batch, not the count
    require_pattern: str
    exclude_pattern: str
    wordings: tuple[str, ...]
    description: str

    # Compiled when first searched: a report tries the indicators of its units only,
    # and a one-file run used about a sixth of the 115 patterns (compiling all: 30 ms).
    @cached_property
    def require(self) -> re.Pattern[str]:
        return _compiled(self.require_pattern, self.metric_id, "require")

    @cached_property
    def exclude(self) -> re.Pattern[str] | None:
        return _compiled(self.exclude_pattern, self.metric_id, "exclude") \
            if self.exclude_pattern else None


class TaxonomyError(ValueError):
    """A row of ``indicators.csv`` that cannot be used."""


def _compiled(pattern: str, metric_id: str, column: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as e:
        raise TaxonomyError(f"{PACKAGE_DATA / 'indicators.csv'}: {metric_id}: {column} "
                            f"pattern does not compile: {e}") from None


INDICATOR_COLUMNS = ("metric_id", "name_zh", "unit", "accepts_units", "stock", "core", "right_context",
                     "batched", "require", "exclude", "wordings", "description")
_METRIC_ID = re.compile(r"[a-z][a-z0-9_]*")  # ids are column names and file names downstream


@cache
def load_taxonomy() -> tuple[Indicator, ...]:
    """The indicators of ``data/indicators.csv``, checked: a row with a field too many (an
    unquoted comma in a pattern shifts every column after it) or a bad id, flag or
    unit fails with the file and line, instead of an indicator that silently matches nothing
    (patterns are compiled when first searched, and fail then with the indicator's id)."""
    path = PACKAGE_DATA / "indicators.csv"
    out = []
    seen: set[str] = set()
    for line, r in _rows(path, INDICATOR_COLUMNS):
        mid = r["metric_id"]
        if not _METRIC_ID.fullmatch(mid) or mid in seen:
            raise _fail(path, line, f"metric_id {mid!r} is not a new lower-case identifier")
        seen.add(mid)
        flags = {c: r[c] for c in ("stock", "core", "right_context", "batched")}
        if bad := [c for c, v in flags.items() if v not in ("0", "1")]:
            raise _fail(path, line, f"{', '.join(bad)} must be 0 or 1")
        units = tuple(r["accepts_units"].split("|"))
        if r["unit"] not in units:
            raise _fail(path, line, f"unit {r['unit']!r} is not among accepts_units {r['accepts_units']!r}")
        out.append(
            Indicator(
                metric_id=mid,
                name_zh=r["name_zh"],
                unit=r["unit"],
                accepts_units=units,
                stock=flags["stock"] == "1",
                core=flags["core"] == "1",
                right_context=flags["right_context"] == "1",
                batched=flags["batched"] == "1",
                require_pattern=r["require"],
                exclude_pattern=r["exclude"] or "",
                wordings=tuple(w for w in r["wordings"].split("|") if w),
                description=r["description"],
            )
        )
    return tuple(out)


@cache
def taxonomy_by_id() -> dict[str, Indicator]:
    return {i.metric_id: i for i in load_taxonomy()}


def metric_ids(core_only: bool = False) -> list[str]:
    return [i.metric_id for i in load_taxonomy() if i.core or not core_only]


def get_indicator(metric_id: str) -> Indicator:
    """The indicator with this id; unknown ids fail with the list of valid ones."""
    try:
        return taxonomy_by_id()[metric_id]
    except KeyError:
        raise KeyError(
            f"unknown metric_id {metric_id!r}; expected one of "
            f"{', '.join(sorted(taxonomy_by_id()))}"
        ) from None


@cache
def _by_unit() -> dict[str, tuple[Indicator, ...]]:
    """Unit → the indicators that take it, in file order (so a match tries only those)."""
    out: dict[str, list[Indicator]] = {}
    for ind in load_taxonomy():
        for unit in ind.accepts_units:
            out.setdefault(unit, []).append(ind)
    return {k: tuple(v) for k, v in out.items()}


@cache
def right_context_indicators(unit: str) -> tuple[Indicator, ...]:
    """Indicators named by the words after the figure (right_context=1) that take ``unit``."""
    return tuple(i for i in load_taxonomy() if i.right_context and unit in i.accepts_units)


@lru_cache(maxsize=50_000)
def match_indicator(phrase: str, unit: str) -> Indicator | None:
    """The first indicator whose pattern names this phrase and which takes this unit.

    Cached: extraction asks again for the same phrase while it completes bare ones.
    """
    for ind in _by_unit().get(unit, ()):
        if ind.require.search(phrase) and not (ind.exclude and ind.exclude.search(phrase)):
            return ind
    return None


def accepts_unit(unit: str) -> bool:
    return any(unit in ind.accepts_units for ind in load_taxonomy())


@cache
def _tokenizer():
    """jieba's segmenter, in Rust: ten times faster than jieba's Python and no 70 MB dict
    per worker (the theme notebooks still use jieba itself).

    The package's own segmenter (``rjieba.cut``, ``rjieba.add_word``), not a second
    ``rjieba.Jieba()``: importing rjieba already builds one from the same dictionary
    (0.12 s), and nothing else in a process uses rjieba.
    """
    import rjieba

    for ind in load_taxonomy():
        for w in (ind.name_zh, *ind.wordings):
            rjieba.add_word(w, 20000, None)
    return rjieba


LEADING_NOISE = re.compile(expand(
    r"^(?:[，,、；;：:\s]|其中|全市|全区|全县|我市|我区|我县|全年|{period.H1}|预计|一是|二是|三是|四是|五是|"
    r"\(?[一二三四五六七八九十]+\)|[①②③④⑤⑥⑦⑧⑨⑩]|\d+[、.．]|"
    r"(?:19|20)\d\d年度?|\d{1,2}\s*[-—–~至到]\s*\d{1,2}月(?:份|底|末)?)+"))


@cache
def _known_terms() -> re.Pattern[str]:
    """Every indicator wording, longest first, as one pattern."""
    terms = {w for ind in load_taxonomy() for w in (ind.name_zh, *ind.wordings) if len(w) >= 2}
    return re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)))


@lru_cache(maxsize=20_000)
def indicator_phrase(phrase: str) -> str:
    """A readable indicator phrase: the words from the first indicator term on.

    A known wording found in the phrase marks where the indicator starts; when none
    is found, jieba (with the indicator wordings as its dictionary) splits the phrase
    and leading words that are not part of any wording are dropped (single
    characters, 完成 and the like). A leading date (2023年, 1-6月) goes too: the year
    and period columns carry it. Cached: reports repeat their phrases.
    """
    phrase = LEADING_NOISE.sub("", phrase.strip())
    phrase = _INNER_FIGURE.sub("", phrase)  # 成交额同比增长25%达到: another figure's words
    phrase = _REPEATED.sub(r"\1", phrase)  # 净增净增: a verb borrowed twice
    if len(phrase) <= 6:
        return phrase
    m = _known_terms().search(phrase)
    if m:
        return phrase[m.start():]
    words = _tokenizer().cut(phrase)
    for i, w in enumerate(words):
        if not _skippable(w):
            return "".join(words[i:])
    return phrase


# A figure or year inside a borrowed phrase (产值5498.58亿元预计…, 2021年净增): the columns
# value, yoy and year carry those; the indicator words are what is left.
_INNER_FIGURE = re.compile(
    r"(?:[，,、；;]?(?:同比)?(?:增长|提高|增加|下降|减少)?\d+(?:\.\d+)?(?:%|倍|[亿万]?元|家|件|项|个|户))"
    r"|(?<=[\u4e00-\u9fff])(?:19|20)\d\d年度?")
_REPEATED = re.compile(r"([\u4e00-\u9fff]{2,4})\1+")


def _skippable(word: str) -> bool:
    """A leading word that names nothing: a mark, a function character, 完成 and the like."""
    if len(word) == 1:
        return word in _NOISE_CHARS or not word.isalnum() or word.isdigit()
    return word in _NOISE_WORDS or bool(LEADING_NOISE.fullmatch(word))


_NOISE_CHARS = frozenset("共已获新将再又均达为在对把被由从比较并及和与等的了是有年月日后前占增近约超逾余"
                         "多其各每首即于至到向以使让给也还都就所仅可拟据名个家项件净")
_NOISE_WORDS = frozenset("完成 实现 开展 组织 推进 加快 积极 共 累计 新增 全面 进一步 已 通过 "
                         "今年 去年 目前 其中 同时 此外 另外 我们 我局 相较 据此".split())


def taxonomy_fingerprint() -> str:
    """Hash of the taxonomy file, so cached extractions follow taxonomy edits."""
    return hashlib.sha256((PACKAGE_DATA / "indicators.csv").read_bytes()).hexdigest()[:16]
