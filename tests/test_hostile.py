"""Hostile inputs beside good reports (issue 12): every run finishes with the good files
extracted, every entry in the run log with a reason, no traceback, nothing executed,
bounded output and memory; names and text escaped for where they go.
"""

from __future__ import annotations

import math
import os
import pickle
import resource
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import ingest, pipeline, safeio
from analysis.config import ROOT

sys.path.insert(0, str(Path(__file__).parent))
from hostile import SCRIPT_REGION, build_hostile, cells, docx_bytes, one_line_text  # noqa: E402

CLI = [sys.executable, "-c", "import sys; from analysis.cli import main; sys.exit(main())"]
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
MEMORY_LIMIT_KB = 2_000_000  # peak RSS of the run's biggest process


class _Planted:
    def __reduce__(self):
        return (os.system, (f"touch {os.environ.get('PLANT_MARK', '/tmp/planted')}",))


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    raw, out = tmp / "raw", tmp / "out"
    expected = build_hostile(raw)
    first = subprocess.run([*CLI, "extract", str(raw), "--out", str(out), "--no-progress",
                            "--jobs", "2"], env=ENV, capture_output=True, text=True, timeout=900)
    # plant a pickle in every cache entry: the second run must neither run it nor fail
    mark = tmp / "PLANTED_RAN"
    blob = pickle.dumps(_Planted())
    for db_path in (out / ".cache").rglob("entries.sqlite"):
        db = sqlite3.connect(db_path)
        with db:
            db.execute("UPDATE entries SET value = ?", (blob,))
        db.close()
    second = subprocess.run([*CLI, "extract", str(raw), "--out", str(out), "--no-progress",
                             "--jobs", "2"], env={**ENV, "PLANT_MARK": str(mark)},
                            capture_output=True, text=True, timeout=900)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return raw, out, expected, first, second, mark, peak


def _log(out: Path) -> pd.DataFrame:
    log = pd.read_parquet(safeio.current_dir(out) / "run_log.parquet")
    return log.astype({"cached": str}).fillna({"reason": ""})


@pytest.mark.slow
def test_every_run_finishes_without_a_traceback(hostile_run):
    _, _, _, first, second, mark, peak = hostile_run
    for done in (first, second):
        assert done.returncode == 0, done.stderr[-3000:]
        assert "Traceback" not in done.stderr
    assert not mark.exists()  # the planted pickle never ran
    assert peak < MEMORY_LIMIT_KB


@pytest.mark.slow
def test_every_entry_is_in_the_run_log_with_its_status(hostile_run):
    _, out, expected, *_ = hostile_run
    log = _log(out).set_index("source_file")
    for name, status in expected.items():
        assert name in log.index, name
        assert log.loc[name, "status"] == status, (name, log.loc[name, "reason"])
        assert log.loc[name, "reason"]
    reasons = log["reason"].to_dict()
    assert "outside the raw folder" in reasons["outside_link.txt"]
    assert "broken symbolic link" in reasons["dangling.txt"]
    assert "loop" in reasons["loop_a.txt"]
    assert "named pipe" in reasons["pipe.txt"]
    assert "hidden" in reasons["..txt"] and "hidden folder" in reasons[".hidden"]
    assert "links to folders are not followed" in reasons["dir_link"]


@pytest.mark.slow
def test_the_second_run_reads_the_cache_safely_and_writes_the_same(hostile_run):
    _, out, *_ = hostile_run
    log = _log(out)
    assert set(log.loc[log["status"] == "ok", "cached"]) == {"0"}  # planted entries refused


@pytest.mark.slow
def test_bounded_output_per_input(hostile_run):
    raw, out, *_ = hostile_run
    current = safeio.current_dir(out)
    metrics = pd.read_parquet(current / "metrics.parquet")
    assert metrics["sentence"].str.len().max() <= pipeline.SENTENCE_MAX_CHARS + 2
    size = (current / "metrics.csv").stat().st_size
    inputs = sum(p.stat().st_size for p in raw.rglob("*") if p.is_file() and not p.is_symlink())
    # linear: a bounded row per figure, figures in proportion to the input (was quadratic:
    # the 135 KB line alone gave 540 MB)
    assert size < len(metrics) * (3 * pipeline.SENTENCE_MAX_CHARS + 1000)
    assert len(metrics) < inputs / 10
    one = metrics[metrics["doc_id"] == "one_line_135k"]
    assert len(one) > 1000
    text = (current / "text" / "one_line_135k.txt").read_text(encoding="utf-8")
    for row in one.head(50).itertuples():
        assert text[row.char_start:row.char_end] == row.raw
        assert row.sentence.strip("…") in text


@pytest.mark.slow
def test_manifest_decoded_by_detection_and_bad_rows_reported_by_line(hostile_run):
    raw, out, *_ = hostile_run
    docs = pd.read_parquet(safeio.current_dir(out) / "documents.parquet").set_index("source_file")
    good = sorted(p.name for p in (ROOT / "data" / "raw").glob("*.txt"))[:2]
    assert docs.loc[good[0], "region"] == "高雄市"  # Big5, not mojibake
    assert docs.loc[good[1], "region"] == SCRIPT_REGION  # kept as data, escaped where shown
    log = _log(out).set_index("source_file")
    reason = log.loc["manifest.csv", "reason"]
    assert "line 3" in reason and "quote" in reason
    assert "line 5: contains a NUL byte" in reason
    assert "line 6: 131,086 characters long" in reason
    assert "line 4" not in reason  # the row after the unclosed quote is read


@pytest.mark.slow
def test_a_gbk_file_name_is_read_and_logged_as_chinese(hostile_run):
    _, out, *_ = hostile_run
    docs = pd.read_parquet(safeio.current_dir(out) / "documents.parquet")
    assert "青岛市报告" in set(docs["doc_id"])
    assert (safeio.current_dir(out) / "text" / "青岛市报告.txt").is_file()


@pytest.mark.slow
def test_formula_names_are_escaped_in_csv(hostile_run):
    _, out, *_ = hostile_run
    text = (safeio.current_dir(out) / "run_log.csv").read_text(encoding="utf-8-sig")
    assert "\n\"'=cmd|' calc'!A0.txt\"" in text or "\n'=cmd|' calc'!A0.txt" in text


def test_a_manifest_folder_is_reported(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "manifest.csv").mkdir()
    (raw / "a.txt").write_bytes(sorted((ROOT / "data" / "raw").glob("*.txt"))[0].read_bytes())
    tables = pipeline.extract_corpus(raw, tmp_path / "out", jobs=1, progress=False)
    log = tables.run_log.set_index("source_file")
    assert log.loc["manifest.csv", "status"] == "failed"
    assert "is a folder" in log.loc["manifest.csv", "reason"]


def test_a_wide_docx_row_and_a_long_line_are_linear(tmp_path):
    """Work per input grows with its size: twice the cells, about twice the figures."""
    counts = []
    for n in (2_000, 4_000):
        p = tmp_path / f"w{n}.docx"
        p.write_bytes(docx_bytes([cells(n)], ["宁波市科技局2016年工作总结"]))
        raw = ingest.read_document(p, tmp_path)
        counts.append(len(pipeline.process_document(raw.doc_id, raw.text).figures))
    assert counts[0] > 0 and counts[1] == pytest.approx(2 * counts[0], rel=0.05)


# ------------------------------------------------------------------ process_document fuzz

ALPHABET = st.sampled_from(list("0123456789.,，。%亿万元件家项个年月同比增长下降约近超过全市研发投入专利"
                                "\n\t -+eE一二三四五六七八九十百千零两") + ["\x00", "\u200b", "\u3000", "１"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(ALPHABET, max_size=400))
def test_process_document_never_raises_values_finite_offsets_exact(text: str) -> None:
    r = pipeline.process_document("fuzz", text)
    assert r.status in ("ok", "failed")
    r = pipeline.for_tables(r)
    if r.status != "ok":
        return
    cols = r.columns["metrics"]
    for name in ("value", "value_high", "yoy_pct"):
        for v in cols.get(name, []):
            assert v is None or math.isfinite(v), (name, v)
    clean = pipeline.process_document("fuzz", text).text
    for s, e, raw in zip(cols["char_start"], cols["char_end"], cols["raw"], strict=True):
        assert clean[s:e] == raw


# ------------------------------------------------------------------ names and escaping


def test_safe_filename_limits_reserved_characters_and_collisions():
    assert safeio.safe_filename("青岛市") == "青岛市"
    a, b = safeio.safe_filename("甲/乙市"), safeio.safe_filename("甲:乙市")
    assert a != b and "/" not in a and ":" not in b
    long_ = safeio.safe_filename("市" * 151)
    assert len(long_.encode()) <= safeio.FILENAME_MAX_BYTES
    assert long_ != safeio.safe_filename("市" * 152)
    assert safeio.safe_filename("..txt") and not safeio.safe_filename("..txt").startswith(".")
    assert safeio.safe_filename("CON") != "CON"
    surrogate = safeio.safe_filename(os.fsdecode("报告".encode("gbk")))
    surrogate.encode("utf-8")  # writable anywhere


def test_one_line_text_sentences_are_cut_to_a_window():
    text = one_line_text(20_000)
    r = pipeline.for_tables(pipeline.process_document("one", text))
    assert r.n_figures > 100
    assert max(len(s) for s in r.columns["metrics"]["sentence"]) <= pipeline.SENTENCE_MAX_CHARS + 2
    for s, raw in zip(r.columns["metrics"]["sentence"], r.columns["metrics"]["raw"], strict=True):
        assert raw in s  # the window holds its figure


def test_sentence_window():
    s = "a" * 1000 + "XYZ" + "b" * 1000
    w = pipeline.sentence_window(s, 1000, 1003, 100)
    assert "XYZ" in w and w.startswith("…") and w.endswith("…") and len(w) == 102
    assert pipeline.sentence_window("short", 0, 1, 100) == "short"
    assert pipeline.sentence_window(s, 0, 3, 100) == s[:100] + "…"


def test_markdown_escape_makes_no_link():
    from markdown_it import MarkdownIt

    html = MarkdownIt().render(safeio.escape_markdown(SCRIPT_REGION))
    assert "<a " not in html and "href" not in html and "javascript:alert(1)" in html
    assert "<b>" not in MarkdownIt().render(safeio.escape_markdown("<b>x</b>"))


def test_matplotlib_text_is_not_math(tmp_path):
    from analysis import plots

    plots.setup_cjk_font()
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.set_title("$\\frac{1}{0$ 市")  # broken math text: would raise when drawn
    fig.savefig(tmp_path / "x.png")
    plt.close(fig)
    assert safeio.escape_mathtext("$x$") == "\\$x\\$"


def test_papermill_path_braces_are_not_expanded(tmp_path):
    from papermill.parameterize import parameterize_path

    path = str(tmp_path / "{processed_dir}市.ipynb")
    assert parameterize_path(safeio.escape_format(path), {"processed_dir": "/x"}) == path


def test_figure_names_never_collide_or_overflow():
    from analysis import plots

    assert plots.figure_name("yoy", "甲/乙市") != plots.figure_name("yoy", "甲:乙市")
    assert len(plots.figure_name("yoy", "市" * 151, "x" * 300).encode()) <= plots.STEM_MAX_BYTES
    assert plots.figure_name("yoy", "青岛市", "rd") == "yoy__青岛市__rd"


def test_current_dir_resolves_one_generation(tmp_path):
    assert safeio.current_dir(tmp_path) == tmp_path
    gen = safeio.new_generation(tmp_path)
    (gen / "documents.csv").write_text("x")
    safeio.switch_generation(tmp_path, gen, ["documents.csv"])
    assert safeio.current_dir(tmp_path) == gen
    assert (tmp_path / "documents.csv").read_text() == "x"


# ------------------------------------------------------------------ bounded sentences (to port)


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from(list("研发12.5亿元，。；、\n 3%")), max_size=600),
       st.integers(min_value=5, max_value=60))
def test_sentence_spans_cover_the_text_and_are_bounded(text: str, limit: int) -> None:
    from analysis.text.sentences import sentence_spans

    spans = list(sentence_spans(text, limit))
    assert "".join(text[a:b] for a, b in spans) == text
    assert all(0 < b - a <= limit for a, b in spans)
    assert all(spans[i][1] == spans[i + 1][0] for i in range(len(spans) - 1))


def test_sentence_spans_cut_a_line_less_text_at_clause_marks() -> None:
    from analysis.text.sentences import sentence_spans

    text = one_line_text(50_000)
    spans = list(sentence_spans(text, 200))
    pieces = [text[a:b] for a, b in spans]
    assert len(pieces) > 100 and all(p.endswith(("，", "\n")) for p in pieces[:-1])
    digits = "1234567890" * 50
    spans = list(sentence_spans("投入" + digits + "亿元", 100))
    assert [b - a for a, b in spans][0] == 100  # no mark, no number boundary: hard cut


def test_cut_spans_keeps_short_sentences_and_cuts_long_ones() -> None:
    import re

    from analysis.text.sentences import cut_spans

    text = "短句。" + one_line_text(5_000) + "\n又一句。"
    spans = [m.span() for m in re.finditer(r"[^。！？!?\n]+[。！？!?]?", text)]
    cut = list(cut_spans(text, spans, 300))
    assert cut[0] == spans[0] and cut[-1] == spans[-1]
    assert all(b - a <= 300 for a, b in cut)
    assert "".join(text[a:b] for a, b in cut) == "".join(text[a:b] for a, b in spans)
