"""What a run loads lazily gives what loading everything at once gave (issue 15, the
one-file start-up): cue patterns compiled on first use, taxonomy patterns compiled on
first use, rjieba's own segmenter, the gazetteer read with csv.reader."""

from __future__ import annotations

import csv
import re

import pytest

from analysis import gazetteer, patterns, taxonomy
from analysis.config import PACKAGE_DATA
from analysis.text import lexicon

CUE_FILES = ("metadata_cues.csv", "sections.csv")
TEXTS = [
    "2019年上半年，全市科技局完成*新区高新技术企业认定86家，同比增长12.5%。",
    "【乐山】\n二〇二一年科技工作总结\n十四五期间，我局将……\n",
    "各区县科技局：现将《2022年工作要点》印发给你们，请认真贯彻执行。",
    "",
]


def _compiled(p: patterns.Prechecked) -> bool:
    """Whether a deferred pattern has made its regex (read the slot without __getattr__)."""
    try:
        patterns.Prechecked.regex.__get__(p, patterns.Prechecked)
    except AttributeError:
        return False
    return True


@pytest.mark.parametrize("name", CUE_FILES)
def test_every_cue_pattern_is_what_re_compile_and_prechecked_make(name: str) -> None:
    for cues in lexicon.load_cues(name).values():
        for cue in cues:
            got = cue.regex
            want = patterns.prechecked(re.compile(got.pattern, re.M))
            assert type(got) is type(want)
            if not isinstance(got, patterns.Prechecked):
                assert got == want
                continue
            for attr in ("needle", "firsts", "pattern", "flags", "groups"):
                assert getattr(got, attr) == getattr(want, attr), (attr, got.pattern)
            assert dict(got.groupindex) == dict(want.groupindex)
            assert (got.pre and got.pre.pattern) == (want.pre and want.pre.pattern)
            for text in TEXTS:
                assert [m.span() for m in got.finditer(text)] == \
                    [m.span() for m in want.finditer(text)]
                assert got.findall(text) == want.findall(text)
                assert bool(got.search(text)) == bool(want.search(text))
            assert got.regex.flags == want.flags  # compiled now, with the same flags


def test_a_deferred_pattern_compiles_only_when_a_text_passes_its_pre_checks() -> None:
    p = patterns.prechecked_source(r"(?<=[\u4e00-\u9fff])十七大(?:会议)?精神", re.M)
    assert isinstance(p, patterns.Prechecked)
    assert not _compiled(p)
    assert p.search("没有那个词的一段话" * 40) is None  # the literal is absent: no regex
    assert not _compiled(p)
    assert p.search("学习十七大精神") is not None
    assert _compiled(p)
    assert p.regex is p.regex  # made once, then a slot


@pytest.mark.parametrize("pattern, message", [
    ("(上半年", "missing \\)"),
    ("(?<=a+)b", "look-behind requires fixed-width pattern"),
    ("x(?<=(?:ab|c))y", "look-behind requires fixed-width pattern"),
    ("十七大(?:(?<!b*)c)?精神", "look-behind requires fixed-width pattern"),
])
def test_a_pattern_re_would_refuse_is_refused_when_loaded(pattern: str, message: str) -> None:
    with pytest.raises(re.error, match=message):
        re.compile(pattern)
    with pytest.raises(re.error, match=message):
        patterns.prechecked_source(pattern, re.M)


def test_a_bad_cue_row_still_fails_when_the_file_is_loaded(tmp_path, monkeypatch) -> None:
    (tmp_path / "bad_cues.csv").write_text(
        "cue,pattern,value,note\nyear_heading,十七大(?<=a+)精神,,\n", encoding="utf-8")
    monkeypatch.setattr(lexicon, "PACKAGE_DATA", tmp_path)
    with pytest.raises(lexicon.LexiconError,
                       match="bad_cues.csv, line 2: pattern does not compile: look-behind"):
        lexicon.load_cues.__wrapped__("bad_cues.csv")


def test_every_indicator_pattern_compiles_and_is_the_files() -> None:
    rows = {r["metric_id"]: r for r in csv.DictReader(
        open(PACKAGE_DATA / "indicators.csv", encoding="utf-8"))}
    for ind in taxonomy.load_taxonomy():
        assert ind.require.pattern == rows[ind.metric_id]["require"]
        exclude = rows[ind.metric_id]["exclude"]
        assert (ind.exclude.pattern if ind.exclude else "") == exclude


def test_a_bad_indicator_pattern_names_the_file_and_the_indicator() -> None:
    ind = taxonomy.load_taxonomy()[0]
    import dataclasses

    bad = dataclasses.replace(ind, require_pattern="(专利")
    with pytest.raises(taxonomy.TaxonomyError, match=rf"indicators.csv: {ind.metric_id}: "
                       "require pattern does not compile"):
        _ = bad.require


def test_the_tokenizer_cuts_as_a_fresh_segmenter_with_the_same_words() -> None:
    import rjieba

    fresh = rjieba.Jieba()
    for ind in taxonomy.load_taxonomy():
        for w in (ind.name_zh, *ind.wordings):
            fresh.add_word(w, 20000, None)
    tok = taxonomy._tokenizer()
    for phrase in ("全年完成技术合同登记成交额", "新认定国家高新技术企业数量", "累计培育科技型中小企业",
                   "完成全社会研发投入占地区生产总值比重", "组织申报省级以上科技计划项目"):
        assert tok.cut(phrase) == fresh.cut(phrase)


def test_the_gazetteer_rows_are_what_dictreader_reads() -> None:
    with open(gazetteer.GAZETTEER_PATH, encoding="utf-8", newline="") as fh:
        want = tuple({**{c: row[c] or "" for c in gazetteer.COLUMNS},
                      "key": f"{row['adcode'] or ''}@{row['first_year'] or ''}"}
                     for row in csv.DictReader(fh) if any(row.values()))
    assert gazetteer.records() == want
