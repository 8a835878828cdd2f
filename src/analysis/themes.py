"""Characteristic terms per report (TF-IDF over jieba tokens) and which themes regions share.

Why: a reader comparing cities wants to see what each bureau stresses, beyond the
numbers. Policy phrases (科技型中小企业, 众创空间 …) must stay whole, and the genre's
boilerplate (推进, 加强, 全市 …) must not crowd them out, so the tokenizer gets a custom
dictionary (data/policy_terms.txt, indicator wordings) and a stop-word list
(data/stopwords.txt). The term lists are data, not code, so they can grow with the corpus.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

import jieba
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from . import config
from .safeio import current_dir
from .text import lexicon
from .text.script import convert_t2s

POLICY_TERMS_FILE = config.PACKAGE_DATA / "policy_terms.txt"
STOPWORDS_FILE = config.PACKAGE_DATA / "stopwords.txt"
INDICATORS_FILE = config.PACKAGE_DATA / "indicators.csv"
GAZETTEER_FILE = config.PACKAGE_DATA / "gazetteer.csv"
USER_WORD_FREQ = 200_000  # high enough that jieba keeps a dictionary term whole

# Numbers of any script, with the unit characters that make them a quantity (3.5万, 二〇一六年, 30%).
_NUMERIC_RE = re.compile(
    r"^[\d０-９.．,，%％+\-零〇一二三四五六七八九十百千万亿两第年月日号个项件家]+$"
)
_HAS_DIGIT_RE = re.compile(r"[\d０-９]")
_WORD_CHAR_RE = re.compile(r"\w")
_MASK_RE = re.compile(r"^[XxＸｘ*＊×]+$")  # masked place names (XX市, **区)

TOP_COLUMNS = ["doc_id", "term", "score", "rank"]
SHARED_COLUMNS = ["term", "n_regions", "regions", "status", "n_docs", "mean_score"]


def _read_lines(path: Path) -> list[str]:
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    return [s.strip() for s in lines if s.strip() and not s.lstrip().startswith("#")]


def _indicator_wordings() -> list[str]:
    """Indicator wordings from the taxonomy (column ``wordings``, '|'-separated), if present."""
    if not INDICATORS_FILE.is_file():
        return []
    table = pd.read_csv(INDICATORS_FILE, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    if "wordings" not in table.columns:
        return []
    words = (w.strip() for cell in table["wordings"] for w in cell.split("|"))
    return [w for w in words if len(w) >= 2 and not re.search(r"[()（）\s]", w)]


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """The stop-word list plus the lexicon's period labels (上半年 is no theme)."""
    return frozenset(_read_lines(STOPWORDS_FILE)) | frozenset(lexicon.labels("period").values())


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Place names are who speaks, not a theme: every full name in the gazetteer, plus the
    short names of prefecture cities and provinces (county short names like 前进, 公安 are
    ordinary words too often to drop)."""
    if not GAZETTEER_FILE.is_file():
        return frozenset()
    gaz = pd.read_csv(GAZETTEER_FILE, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    names = set(gaz.get("name", pd.Series(dtype=str))) | set(
        gaz.get("province", pd.Series(dtype=str))
    )
    if {"short_name", "level"} <= set(gaz.columns):
        names |= set(gaz.loc[gaz["level"] == "prefecture", "short_name"])
    names |= {
        re.sub(r"(省|市|自治区|壮族自治区|回族自治区|维吾尔自治区)$", "", p)
        for p in gaz.get("province", [])
    }
    return frozenset(n for n in names if len(n) >= 2) - frozenset(custom_terms())


@lru_cache(maxsize=1)
def custom_terms() -> tuple[str, ...]:
    """Dictionary additions, policy terms first; order kept for reproducibility."""
    seen: dict[str, None] = {}
    for term in [*_read_lines(POLICY_TERMS_FILE), *_indicator_wordings()]:
        seen.setdefault(term, None)
    return tuple(seen)


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    """A private jieba tokenizer, built once and quietly; the global one is left untouched."""
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    for term in custom_terms():
        tok.add_word(term, freq=USER_WORD_FREQ)
    return tok


def keep_token(token: str) -> bool:
    """True for a token worth counting: 2+ characters, not a number, symbol or stop word."""
    token = token.strip()
    if len(token) < 2 or token in stopwords() or token in place_names():
        return False
    if _MASK_RE.match(token):
        return False
    if _NUMERIC_RE.match(token) or _HAS_DIGIT_RE.search(token):
        return False
    return _WORD_CHAR_RE.search(token) is not None and not token.replace("_", "").isspace()


def tokenize(text: str) -> list[str]:
    """Words of ``text`` with policy terms kept whole and stop words, numbers, symbols dropped."""
    if not text:
        return []
    return [t.strip() for t in _tokenizer().lcut(convert_t2s(text)) if keep_token(t)]


def top_terms(texts: dict[str, str], top_n: int = 20) -> pd.DataFrame:
    """The ``top_n`` highest TF-IDF terms of each document against the whole corpus.

    Ties are broken by the term itself so the output is the same on every run.
    """
    if top_n < 1:
        raise ValueError(f"top_n must be at least 1, got {top_n}")
    doc_ids = sorted(texts)
    empty = pd.DataFrame(
        {
            c: pd.Series(dtype=t)
            for c, t in zip(TOP_COLUMNS, ["str", "str", "float", "int"], strict=True)
        }
    )
    if not doc_ids:
        return empty
    vectorizer = TfidfVectorizer(
        tokenizer=tokenize, lowercase=False, token_pattern=None, sublinear_tf=True
    )
    try:
        matrix = vectorizer.fit_transform([texts[d] for d in doc_ids])
    except ValueError:  # no document has a single countable term
        return empty
    vocab = vectorizer.get_feature_names_out()
    rows = []
    for i, doc_id in enumerate(doc_ids):
        row = matrix.getrow(i).tocoo()
        pairs = sorted(
            zip(row.data, vocab[row.col], strict=True), key=lambda p: (-round(p[0], 12), p[1])
        )
        for rank, (score, term) in enumerate(pairs[:top_n], start=1):
            rows.append((doc_id, str(term), round(float(score), 6), rank))
    if not rows:
        return empty
    return pd.DataFrame(rows, columns=TOP_COLUMNS)


def shared_terms(top: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Per term among the top terms: how many regions stress it, which, and shared/alone.

    Documents of the same region count once, so a city with five reports does not make a
    term look shared with itself.
    """
    if top.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in SHARED_COLUMNS})
    regions = documents.drop_duplicates("doc_id").set_index("doc_id")["region"]
    df = top.assign(region=top["doc_id"].map(regions).fillna("").astype(str))
    df["region"] = df["region"].where(df["region"] != "", df["doc_id"])
    out = (
        df.groupby("term", sort=True)
        .agg(
            n_regions=("region", "nunique"),
            regions=("region", lambda s: "、".join(sorted(set(s)))),
            n_docs=("doc_id", "nunique"),
            mean_score=("score", "mean"),
        )
        .reset_index()
    )
    out["status"] = out["n_regions"].map(lambda n: "shared" if n >= 2 else "alone")
    out["mean_score"] = out["mean_score"].round(6)
    out = out.sort_values(["n_regions", "mean_score", "term"], ascending=[False, False, True])
    return out[SHARED_COLUMNS].reset_index(drop=True)


def load_texts(processed_dir: Path | str | None = None) -> dict[str, str]:
    """Cleaned texts by doc_id, from ``processed_dir/text/<doc_id>.txt``."""
    processed = Path(processed_dir) if processed_dir is not None else config.PROCESSED_DIR
    folder = current_dir(processed) / config.TEXT_DIR_NAME
    if not folder.is_dir():
        raise FileNotFoundError(f"no cleaned texts in {folder}: run `analysis extract` first")
    return {
        path.stem: path.read_text(encoding="utf-8-sig")
        for path in sorted(folder.glob("*.txt"))
        if not path.name.startswith(".")
    }
