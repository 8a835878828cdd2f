"""The speed changes of issue 15 give what the slower code gave (bench/run.py --real).

Each fast path is compared with the code it replaced or with the same run without it:
OpenCC's own t2s conversion, the region guess asked for twice, an fsync per file, a run
with per-stage times kept. Nothing here is timed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandera
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import metadata, pipeline, safeio, schema
from analysis.metadata import describe, needs_entry
from analysis.models import RawDocument
from analysis.text import script
from analysis.text.document import prepare

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
SRC = ROOT / "src"


def _keys() -> list[str]:
    _, chain = script._t2s_chain()
    return sorted(k for group in chain for _, _, table, _ in group for k in table)


KEYS = _keys()
PHRASES = [k for k in KEYS if len(k) > 1]
# Pieces that make OpenCC's search choose: whole phrases, their heads and tails (a longer
# key elsewhere must win), single characters of either script, separators, ASCII.
PIECE = st.one_of(
    st.sampled_from(PHRASES),
    st.sampled_from(PHRASES).flatmap(lambda k: st.integers(1, len(k) - 1).map(
        lambda i: k[:i])),
    st.sampled_from(PHRASES).flatmap(lambda k: st.integers(1, len(k) - 1).map(
        lambda i: k[i:])),
    st.sampled_from(KEYS),
    st.sampled_from(list("，。、 -\n1a中国发展")),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECE, max_size=12).map("".join))
def test_t2s_gives_opencc_result(text: str) -> None:
    assert script._convert(text) == script._t2s().convert(text)


def test_t2s_gives_opencc_result_on_the_sample_reports() -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(RAW.glob("*.txt"))]
    traditional = script._convert("".join(texts)[:3000])  # a long mixed text too
    assert traditional == script._t2s().convert("".join(texts)[:3000])
    for text in texts:
        assert script._convert(text) == script._t2s().convert(text)
        assert script.to_simplified(text) == (
            script._t2s().convert(text) if script.is_traditional(text) else text)


def test_needs_entry_reuses_the_region_guess_it_would_compute() -> None:
    """needs_entry right after describe (the region guess reused) gives the row it gives
    with nothing remembered, for every sample report, the listed ones included."""
    texts = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(RAW.glob("*.txt"))]
    texts.append(("doubtful.txt", "区科技局2019年工作总结\n全区新增高新技术企业12家，"
                                  "赴宁波、杭州考察，与鄞州区合作。"))
    rows = []
    for name, text in texts:
        doc = prepare(RawDocument(name, name, "txt", text, ""))
        meta = describe(doc)
        reused = needs_entry(doc, meta, name)
        metadata._region.cache_clear()
        assert needs_entry(doc, meta, name) == reused
        assert describe(doc) == meta
        rows.append(reused)
    assert rows[-1] is not None and "宁波" in rows[-1]["candidates"]


def test_many_files_are_flushed_with_one_syncfs(tmp_path: Path, monkeypatch) -> None:
    for i in range(safeio.SYNCFS_MIN_FILES + 1):
        (tmp_path / f"{i}.txt").write_text("x", encoding="utf-8")
    synced, fsynced = [], []
    monkeypatch.setattr(safeio, "_syncfs", lambda p: synced.append(p) or True)
    monkeypatch.setattr(safeio, "_fsync_file", fsynced.append)
    safeio._fsync_tree(tmp_path)
    assert synced == [tmp_path] and fsynced == []


def test_without_syncfs_every_file_is_fsynced(tmp_path: Path, monkeypatch) -> None:
    for i in range(safeio.SYNCFS_MIN_FILES + 1):
        (tmp_path / f"{i}.txt").write_text("x", encoding="utf-8")
    fsynced: list[Path] = []
    monkeypatch.setattr(safeio, "_syncfs", lambda p: False)
    monkeypatch.setattr(safeio, "_fsync_file", fsynced.append)
    safeio._fsync_tree(tmp_path)
    assert sorted(p.name for p in fsynced) == sorted(p.name for p in tmp_path.iterdir())


def test_syncfs_works_here_or_says_no(tmp_path: Path) -> None:
    assert safeio._syncfs(tmp_path) in (True, False)
    assert safeio._syncfs(tmp_path / "missing") is False


def test_schema_checks_still_refuse_bad_values_without_hypothesis() -> None:
    frame = schema.conform("run_log", __import__("pandas").DataFrame(
        {"source_file": ["a.txt"], "status": ["exploded"]}))
    with pytest.raises(pandera.errors.SchemaErrors, match="status"):
        schema.check("run_log", frame)


def test_schema_import_leaves_hypothesis_unimported() -> None:
    code = "import sys, analysis.schema; print('hypothesis' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(SRC)}, check=True)
    assert done.stdout.strip() == "False"


def test_stage_times_leave_the_tables_as_they_are(tmp_path: Path, monkeypatch) -> None:
    """A run that keeps per-stage times writes the same tables, and the times of each stage."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("x08_qingdao_2012.txt", "x11_qingdao_2017.txt"):
        (raw / name).write_bytes((RAW / name).read_bytes())
    pipeline.extract_corpus(raw, tmp_path / "plain", jobs=1, progress=False, use_cache=False)
    times = tmp_path / "times.json"
    monkeypatch.setenv(pipeline.STAGE_TIMES_ENV, str(times))
    monkeypatch.setattr(pipeline, "_STAGE_TIMES", {})
    pipeline.extract_corpus(raw, tmp_path / "timed", jobs=1, progress=False, use_cache=True)
    for name in ("documents.csv", "metrics.csv", "repairs.csv"):
        assert (tmp_path / "timed" / name).read_bytes() == (tmp_path / "plain" / name).read_bytes()
    stages = json.loads(times.read_text(encoding="utf-8"))
    cpu = stages.pop("cpu")  # the same stages' CPU seconds
    assert {"read", "cache", "clean", "document", "metadata", "extract", "rows",
            "write_text", "commit"} <= set(stages)
    assert set(stages) <= set(cpu)
    assert all(v >= 0 for v in [*stages.values(), *cpu.values()])


def _gc_threshold(_: object) -> tuple[int, ...]:
    import gc

    return gc.get_threshold()


def test_pool_workers_collect_garbage_less_often() -> None:
    from analysis.engine import GC_THRESHOLDS, iter_ordered

    assert list(iter_ordered(_gc_threshold, [0, 1, 2], jobs=2, progress=False)) == [
        GC_THRESHOLDS] * 3


# ----------------------------------------------------------------- chrome lines (speedm)

from analysis.text import chrome  # noqa: E402

_CHROME_ALPHABET = ("2023年5月6日 09:41-/.•·|小编为大家整理供参考本文由免责声明发布日期浏览次数"
                    "docx首页>来源：阅读时间作者上一篇下一篇字号【打印】局委单位IPv6登录 \t　")


def _by_rule(line: str, rules) -> bool:
    return any(rule.matches(line) for rule in rules)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(alphabet=_CHROME_ALPHABET, max_size=90), min_size=1, max_size=6))
def test_the_line_tester_says_what_the_rules_say(lines: list[str]) -> None:
    """Rules split into their ^ alternatives and the rest, anchored ones of one length
    limit matched as one pattern, the rest tried where a match can start: same verdicts."""
    text = "\n".join(lines)
    for rules in (chrome.load_chrome().lines, chrome.load_chrome().removed):
        tester = chrome.line_tester(text, rules)
        for line in text.split("\n"):
            for piece in (line, line.strip()):
                if piece:
                    assert chrome.tested(piece, tester) is _by_rule(piece, rules), piece


def test_the_line_tester_says_what_the_rules_say_on_the_sample_reports() -> None:
    rules = chrome.load_chrome().lines
    for path in sorted(RAW.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        tester = chrome.line_tester(text, rules)
        for line in text.splitlines():
            if line.strip():
                assert chrome.tested(line.strip(), tester) is _by_rule(line.strip(), rules)


def test_a_rule_is_split_only_into_its_top_level_alternatives() -> None:
    assert chrome._branches(r"a|(?:b|c)|[|]|\||d") == ["a", "(?:b|c)", "[|]", r"\|", "d"]
    assert chrome._branches(r"[]|]x|y") == ["[]|]x", "y"]
    assert chrome._branches("(a|b") is None
    first = chrome.load_chrome().lines[0]
    assert [p.anchored for p in first.parts] == [False, True]


def test_a_next_year_plan_cue_reads_its_year_as_four_digits() -> None:
    """with_next_year_plan skips a body without the next year's four digits: every cue
    of the kind must read the year that way."""
    from analysis.metadata.cues import load_cues

    for cue in load_cues()["next_year_plan"]:
        assert r"(?P<year>20\d\d)" in cue.regex.pattern


def test_a_mention_weight_is_the_weakest_cue_around_it() -> None:
    """The remembered weights (region._weights) are the minimum over the cues as before."""
    from analysis.metadata import region
    from analysis.metadata.cues import load_cues

    def slow(text: str, start: int, end: int) -> float:
        cues = load_cues()
        after = [float(c.value) for c in cues.get("weak_after", ()) if c.regex.match(text, end)]
        before = [float(c.value) for c in cues.get("partner_before", ())
                  if c.regex.search(text, max(start - 4, 0), start)]
        return min([1.0, *after, *before])

    for path in sorted(RAW.glob("*.txt"))[:8]:
        text = path.read_text(encoding="utf-8")
        for hit in metadata.region.find_places(text):
            for start, end in hit.spans:
                assert region._mention_weight(text, start, end, None) == slow(text, start, end)
                assert region._mention_weight(text, start, end, (0.2, True)) == 0.2


def test_sentences_without_a_long_one_are_the_cut_spans() -> None:
    """Document.sentences skips cut_spans when no span is too long: the same spans."""
    from analysis.text.document import SENTENCE_RE, prepare_text
    from analysis.text.sentences import SENTENCE_MAX_CHARS, cut_spans

    texts = [p.read_text(encoding="utf-8") for p in sorted(RAW.glob("*.txt"))]
    texts += ["无句号" * 700 + "。短句。", "", "。", "a\n\nb。" * 3, "长" * (SENTENCE_MAX_CHARS + 1)]
    for text in texts:
        doc = prepare_text("t", text)
        want = tuple(cut_spans(doc.shadow, (m.span() for m in SENTENCE_RE.finditer(doc.shadow))))
        assert doc.sentences == want


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="2023年度 \t\u3000\n一、工作总结", max_size=80))
def test_year_lines_are_the_year_line_pattern_matches(text: str) -> None:
    from analysis.text import sections

    want = [m.span() for m in sections.YEAR_LINE.finditer(text)]
    assert [m.span() for m in sections._year_lines(text)] == want
    for path in sorted(RAW.glob("*.txt"))[:4]:
        whole = path.read_text(encoding="utf-8") + "\n" + text
        want = [m.span() for m in sections.YEAR_LINE.finditer(whole)]
        assert [m.span() for m in sections._year_lines(whole)] == want


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=20, max_value=60), min_size=1, max_size=60),
       st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=60))
def test_the_common_width_is_the_one_with_most_neighbours(widths: list[int],
                                                          ascii_: list[int]) -> None:
    """clean._most_neighbours gives what the pairwise comparison gave, ties included."""
    from analysis import clean

    want = max(set(widths), key=lambda w: sum(abs(x - w) <= 3 for x in widths))
    assert clean._most_neighbours(widths, clean._WIDTH_STEPS) == want
    shown = [w - 0.5 * a for w, a in zip(widths, ascii_, strict=False)]
    want = max(set(shown), key=lambda w: sum(abs(x - w) <= 2 for x in shown))
    assert clean._most_neighbours(shown, clean._SHOWN_STEPS) == want


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=_CHROME_ALPHABET, max_size=60), min_size=1, max_size=5),
       st.lists(st.text(alphabet=_CHROME_ALPHABET, max_size=60), min_size=0, max_size=3))
def test_a_remembered_line_answers_as_in_a_fresh_split(shared: list[str], more: list[str]) -> None:
    """The line memo is keyed by the line alone: a line split in one text, then in another
    where other rules are possible, gets what a split with an empty memo gives."""
    a, b = "\n".join(shared + more), "\n".join(shared)
    chrome.split_chrome(a)
    remembered = chrome.split_chrome(b)
    chrome._LINE_MEMO.clear()
    assert remembered == chrome.split_chrome(b)
    rules = chrome.load_chrome().lines
    body, found = remembered
    assert all(_by_rule(x, rules) for x in found) and not any(_by_rule(x, rules) for x in body)


def _strip_prefixes_by_sub(line: str) -> str:
    from analysis.metadata.cues import load_cues

    changed = True
    while changed:
        changed = False
        for cue in load_cues().get("title_prefix", ()):
            new = cue.regex.sub("", line, count=1).strip()
            if new != line:
                line, changed = new, True
    return line


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="【科技总结】12、. 第3页共5附件：《“2023年工作总结\n", max_size=40))
def test_title_prefixes_cut_at_the_start_are_the_prefixes_substituted(line: str) -> None:
    from analysis.metadata import title

    assert title._strip_prefixes(line) == _strip_prefixes_by_sub(line)
    for path in sorted(RAW.glob("*.txt"))[:6]:
        for text in path.read_text(encoding="utf-8").splitlines()[:4]:
            assert title._strip_prefixes(line + text) == _strip_prefixes_by_sub(line + text)


def test_a_line_start_cue_searched_line_by_line_finds_what_search_finds() -> None:
    """lexicon.search_lines (a ^ cue in a long text) gives the match ``search`` gives."""
    from analysis.metadata import cues
    from analysis.text import lexicon

    texts = [p.read_text(encoding="utf-8") for p in sorted(RAW.glob("*.txt"))]
    texts = [t for text in texts for t in (text, "\n" + text, text.replace("\n", "\n\n") + "\n")]
    anchored = [c for kind in cues.load_cues().values() for c in kind
                if lexicon.at_line_start(c.regex)]
    assert anchored
    for text in texts:
        for c in anchored:
            want, got = c.regex.search(text), lexicon.search_lines(c.regex, text)
            assert (want and (want.span(), want.groupdict())) == (got and (got.span(), got.groupdict()))


def test_the_shadow_and_the_metadata_view_share_the_years_of_one_text() -> None:
    """document._arabic_years remembers the last texts: the same years as numbers.arabic_years."""
    from analysis.numbers import arabic_years
    from analysis.text import document

    for text in ["二〇二三年工作总结", "二零一九年，全市", "2023年", ""]:
        assert document._arabic_years(text) == arabic_years(text)
        doc = document.prepare_text("t", text)
        assert doc.shadow == arabic_years(document.simplified_shadow(text))
        assert doc.body == "\n".join(document.split_chrome(arabic_years(document.to_simplified(text)))[0])


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="【乐山】 \t\u3000\n2023年一、工作总结宁波", max_size=60))
def test_a_line_start_cue_iterated_line_by_line_gives_finditer(text: str) -> None:
    """lexicon.finditer_cue (and search_lines) give finditer's (search's) matches for every
    line-start cue, in long texts made of the sample reports and generated lines."""
    from analysis.metadata import cues
    from analysis.text import lexicon
    from analysis.text.sections import CUE_FILE

    every = [*cues.load_cues().values(), *lexicon.load_cues(CUE_FILE).values()]
    anchored = [c.regex for kind in every for c in kind if lexicon.at_line_start(c.regex)]
    for path in sorted(RAW.glob("*.txt"))[:3]:
        sample = path.read_text(encoding="utf-8")
        for whole in (text + "\n" + sample, sample + "\n" + text * 3, (text + "\n") * 40):
            for regex in anchored:
                want = [(m.span(), m.groupdict()) for m in regex.finditer(whole)]
                assert [(m.span(), m.groupdict()) for m in lexicon.finditer_cue(regex, whole)] == want
                first = lexicon.search_lines(regex, whole)
                assert (first and first.span()) == (want[0][0] if want else None)


@pytest.mark.parametrize("phrase", ["一是全市高新技术企业达到", "其中上半年", "力争取得", "", "要实现",
                                    "“十三五”期间累计", "(二)全区技术合同成交额"])
def test_the_remembered_strip_gives_the_cue_s_own_sub(phrase: str) -> None:
    from analysis.extract.cues import cues, strip_words

    assert strip_words(phrase) == cues()["strip"].sub("", phrase)
    assert strip_words(phrase) == strip_words(phrase)  # a cache hit gives the same
