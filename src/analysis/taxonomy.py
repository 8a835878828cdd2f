"""The indicator taxonomy: which phrase names which canonical indicator.

The taxonomy is data (``data/indicators.csv``): id, 中文名, canonical unit, the
units a figure may be written in, whether it is a stock (a level at a date) or a
flow (summed over a period), and a ``require``/``exclude`` regular-expression
pair over the indicator phrase. Rows are tried in file order, so more specific
indicators (per-10k, shares) come before the general ones. jieba, with the
indicator wordings as its custom dictionary, trims a phrase to the words that
name the indicator, for the ``indicator`` column users read.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from .config import PACKAGE_DATA


@dataclass(frozen=True)
class Indicator:
    metric_id: str
    name_zh: str
    unit: str
    accepts_units: tuple[str, ...]
    stock: bool
    core: bool
    right_context: bool
    require: re.Pattern[str]
    exclude: re.Pattern[str] | None
    wordings: tuple[str, ...]
    description: str


@cache
def load_taxonomy() -> tuple[Indicator, ...]:
    out = []
    with open(PACKAGE_DATA / "indicators.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            out.append(
                Indicator(
                    metric_id=r["metric_id"],
                    name_zh=r["name_zh"],
                    unit=r["unit"],
                    accepts_units=tuple(r["accepts_units"].split("|")),
                    stock=r["stock"] == "1",
                    core=r["core"] == "1",
                    right_context=r["right_context"] == "1",
                    require=re.compile(r["require"]),
                    exclude=re.compile(r["exclude"]) if r["exclude"] else None,
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


def match_indicator(phrase: str, unit: str) -> Indicator | None:
    """The first indicator whose pattern names this phrase and which takes this unit."""
    for ind in load_taxonomy():
        if unit not in ind.accepts_units:
            continue
        if ind.require.search(phrase) and not (ind.exclude and ind.exclude.search(phrase)):
            return ind
    return None


def accepts_unit(unit: str) -> bool:
    return any(unit in ind.accepts_units for ind in load_taxonomy())


@cache
def _tokenizer():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    for ind in load_taxonomy():
        for w in (ind.name_zh, *ind.wordings):
            tok.add_word(w, freq=20000)
    return tok


LEADING_NOISE = re.compile(
    r"^(?:[，,、；;：:\s]|其中|全市|全区|全县|我市|我区|全年|上半年|预计|一是|二是|三是|四是|五是|"
    r"\(?[一二三四五六七八九十]+\)|[①②③④⑤⑥⑦⑧⑨⑩]|\d+[、.．])+")


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
    and leading words that are not part of any wording are dropped. Cached: reports
    repeat their phrases, and jieba is the slowest step of extraction.
    """
    phrase = LEADING_NOISE.sub("", phrase.strip())
    if len(phrase) <= 6:
        return phrase
    m = _known_terms().search(phrase)
    if m:
        return phrase[m.start():]
    words = list(_tokenizer().cut(phrase))
    for i, w in enumerate(words):
        if len(w) >= 2 and not LEADING_NOISE.fullmatch(w) and w not in _NOISE_WORDS:
            return "".join(words[i:])
    return phrase


_NOISE_WORDS = frozenset("完成 实现 开展 组织 推进 加快 积极 共 累计 新增 全面 进一步 已 通过 "
                         "今年 去年 目前 其中 同时 此外 另外 我们 我局".split())


def taxonomy_fingerprint() -> str:
    """Hash of the taxonomy file, so cached extractions follow taxonomy edits."""
    return hashlib.sha256((PACKAGE_DATA / "indicators.csv").read_bytes()).hexdigest()[:16]
