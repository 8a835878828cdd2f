"""The report batch: staleness, planning, index, and (once the pipeline exists) a full run."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from notebook_fixtures import build_processed, documents_frame, metrics_frame

from analysis import batch, config

SAMPLE_RAW = config.RAW_DIR


def _raw(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("青岛市科技局2017年工作总结。", encoding="utf-8")
    (raw / "b.txt").write_text("宁波市科技局2017年工作总结。", encoding="utf-8")
    return raw


def _age(path: Path, seconds: int) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - seconds * 10**9))


def test_missing_tables_are_stale(tmp_path):
    assert batch.stale_reason(_raw(tmp_path), tmp_path / "processed").startswith("no tables in")


def test_without_stamp_a_raw_file_newer_than_metrics_is_stale(tmp_path):
    raw, processed = _raw(tmp_path), build_processed(tmp_path / "processed")
    for name in ("a.txt", "b.txt"):
        _age(raw / name, 100)
    assert batch.stale_reason(raw, processed) == ""
    (raw / "b.txt").write_text("changed", encoding="utf-8")
    assert batch.stale_reason(raw, processed) == "raw file(s) newer than metrics.csv: b.txt"


def test_with_stamp_content_decides(tmp_path):
    raw, processed = _raw(tmp_path), build_processed(tmp_path / "processed")
    batch.write_stamp(raw, processed)
    assert batch.stale_reason(raw, processed) == ""
    os.utime(raw / "a.txt")  # touched, same bytes: still fresh
    assert batch.stale_reason(raw, processed) == ""
    (raw / "a.txt").write_text("青岛市科技局2018年工作总结。", encoding="utf-8")
    assert batch.stale_reason(raw, processed) == "changed raw file(s): a.txt"
    batch.write_stamp(raw, processed)
    (raw / "c.txt").write_text("新报告", encoding="utf-8")
    assert batch.stale_reason(raw, processed) == "new raw file(s): c.txt"
    batch.write_stamp(raw, processed)
    (raw / "b.txt").unlink()
    assert batch.stale_reason(raw, processed) == "removed raw file(s): b.txt"


def test_changed_code_makes_tables_stale(tmp_path, monkeypatch):
    raw, processed = _raw(tmp_path), build_processed(tmp_path / "processed")
    batch.write_stamp(raw, processed)
    monkeypatch.setattr(batch, "_code_version", lambda: "other")
    assert batch.stale_reason(raw, processed) == (
        "the package (code or rules) changed since the tables were built"
    )


def test_plan_covers_every_region_shared_years_and_corpus_notebooks():
    plan = batch.plan_runs(metrics_frame(), documents_frame())
    assert plan == [
        ("overview", {}),
        ("yoy", {"region": "宁波市"}),
        ("yoy", {"region": "胶州市"}),
        ("yoy", {"region": "青岛市"}),
        ("cross_city", {"year": 2017, "period": "FY"}),
        ("themes", {}),
    ]


def test_output_stems():
    assert batch.output_stem("yoy", {"region": "青岛市"}) == "yoy__青岛市"
    assert batch.output_stem("cross_city", {"year": 2013, "period": "H1"}) == "cross_city__2013__H1"
    assert batch.output_stem("cross_city", {"year": 2017, "period": "FY"}) == "cross_city__2017"
    assert batch.output_stem("overview", {"processed_dir": "/x"}) == "overview"


def test_index_escapes_every_text_and_links_outputs(tmp_path):
    reports = tmp_path / "reports"
    page = reports / "html" / "yoy__青岛市.html"
    page.parent.mkdir(parents=True)
    page.write_text("<html></html>", encoding="utf-8")
    runs = [
        batch.NotebookRun(
            "yoy", {"region": "青岛市"}, reports / "notebooks" / "x.ipynb", page, ok=True
        ),
        batch.NotebookRun(
            "yoy",
            {"region": "<script>alert(1)</script>", "processed_dir": "/secret"},
            reports / "notebooks" / "y.ipynb",
            reports / "html" / "y.html",
            ok=False,
            error="ParameterError: <b>bad</b> & worse",
        ),
    ]
    result = batch.ReportResult(extracted=False, stale_reason="", runs=runs)
    text = batch.render_index(result, reports, "2024-01-01T00:00:00+08:00")
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "ParameterError: &lt;b&gt;bad&lt;/b&gt; &amp; worse" in text
    assert 'href="html/yoy__%E9%9D%92%E5%B2%9B%E5%B8%82.html"' in text
    assert "/secret" not in text  # folder parameters are not shown
    assert "1 ok, 1 failed" in text


def test_error_tail_keeps_the_last_lines():
    class Fake(Exception):
        traceback = ["\x1b[0;31mTraceback\x1b[0m", "line 1", "line 2", "ValueError: boom"]

    assert batch.error_tail(Fake(), lines=2) == "line 2\nValueError: boom"


@pytest.mark.slow
def test_run_report_on_a_copy_of_the_samples(tmp_path, monkeypatch):
    pytest.importorskip("analysis.pipeline", reason="the extraction pipeline is not written yet")
    # Pin the code fingerprint: other modules may be edited while this test runs.
    monkeypatch.setattr(batch, "_code_version", lambda: "pinned")
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLE_RAW, raw)
    processed, reports = tmp_path / "processed", tmp_path / "reports"
    result = batch.run_report(raw, processed, reports, jobs=2, progress=False)
    assert result.extracted and result.stale_reason.startswith("no tables in")
    assert result.n_failed == 0, result.summary()
    assert result.n_ok == result.n_notebooks >= 3
    for run in result.runs:
        assert run.output.is_file() and run.html.is_file()
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert index.count("<tr>") == result.n_notebooks + 1
    assert (reports / "appendix.xlsx").is_file() and result.appendix_error == ""
    assert result.review_error == "" and (reports / "review" / "index.html").is_file()
    assert '<a href="review/index.html">' in index
    assert any((reports / "figures").glob("*.svg"))
    assert batch.stale_reason(raw, processed) == ""  # the stamp says the tables are fresh now
