"""The report batch: staleness, planning, index, and (once the pipeline exists) a full run."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
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
    assert text.count("<script>") == 1  # the page's own search script only
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
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
    assert 'class="prov"' in index and "浙江省" in index and 'id="q"' in index
    assert (reports / "appendix.xlsx").is_file() and result.appendix_error == ""
    assert result.review_error == "" and (reports / "review" / "index.html").is_file()
    assert '<a href="review/index.html">' in index
    assert any((reports / "figures").glob("*.svg"))
    assert batch.stale_reason(raw, processed) == ""  # the stamp says the tables are fresh now
    assert "look at:" in result.summary() and "documents read from" in result.summary()

    # A no-op re-run executes nothing: every executed notebook and page keeps its mtime.
    outputs = [p for run in result.runs for p in (run.output, run.html)]
    outputs.append(reports / "appendix.xlsx")  # nor is the appendix rewritten
    before = {p: p.stat().st_mtime_ns for p in outputs}
    again = batch.run_report(raw, processed, reports, jobs=2, progress=False)
    assert not again.extracted and again.n_failed == 0
    assert all(r.skipped for r in again.runs)
    assert {p: p.stat().st_mtime_ns for p in outputs} == before
    assert f"{again.n_notebooks} current (not re-run)" in again.summary()


# --------------------------------------------------------------------------- current runs


def _fake_map(calls):
    def fake(jobs_list, *args, **kwargs):
        for job in jobs_list:
            calls.append(job.output.stem)
            for path in (job.output, job.html):
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text("{}", encoding="utf-8")
            yield batch.NotebookRun(job.notebook, job.parameters, job.output, job.html, ok=True)

    return fake


def test_a_run_whose_inputs_are_unchanged_is_not_executed_again(tmp_path, monkeypatch):
    from analysis import compare

    processed = build_processed(tmp_path / "processed")
    tables = compare.load_tables(processed)
    valid = compare.valid_values(tables["metrics"], tables["documents"])
    calls: list[str] = []
    monkeypatch.setattr(batch, "_map", _fake_map(calls))
    folders = {"processed_dir": str(processed), "figures_dir": str(tmp_path / "figures")}
    plan = [("overview", dict(folders)), ("yoy", {**folders, "region": "青岛市"})]
    reports = tmp_path / "reports"
    first = batch.run_notebooks(plan, reports, valid, progress=False)
    assert calls == ["overview", "yoy__青岛市"] and not any(r.skipped for r in first)
    mtimes = [r.output.stat().st_mtime_ns for r in first]
    second = batch.run_notebooks(plan, reports, valid, progress=False)
    assert calls == ["overview", "yoy__青岛市"] and all(r.skipped and r.ok for r in second)
    assert [r.output.stat().st_mtime_ns for r in second] == mtimes
    # other parameters, changed tables, a missing output: run again
    plan[1] = ("yoy", {**folders, "region": "青岛市", "years": [2017]})
    batch.run_notebooks(plan, reports, valid, progress=False)
    assert calls[2:] == ["yoy__青岛市"]
    with open(processed / "metrics.csv", "a", encoding="utf-8") as fh:
        fh.write("\n")
    batch.run_notebooks(plan, reports, valid, progress=False)
    assert calls[3:] == ["overview", "yoy__青岛市"]
    (reports / "html" / "overview.html").unlink()
    batch.run_notebooks(plan, reports, valid, progress=False)
    assert calls[5:] == ["overview"]
    batch.run_notebooks(plan, reports, valid, progress=False, force=True)
    assert calls[6:] == ["overview", "yoy__青岛市"]


def test_kernel_runs_on_ipc_so_ipykernel_has_no_tcp_warning():
    import asyncio

    options = batch.kernel_options()
    if os.name != "posix":
        assert options == {}
        return
    manager = options["kernel_manager_class"](kernel_name="python3")
    assert manager.transport == "ipc"
    with pytest.raises(RuntimeError, match="No kernel is running"):  # a real interrupt
        asyncio.run(manager._async_interrupt_kernel())
    manager.shutting_down = True  # no SIGINT racing the shutdown request
    assert asyncio.run(manager._async_interrupt_kernel()) is None


# --------------------------------------------------------------------------- analysis run


def test_run_with_a_misspelt_parameter_stops_naming_the_valid_ones(tmp_path, capsys):
    from analysis import cli

    processed = build_processed(tmp_path / "processed")
    code = cli.main(["run", "yoy", "-p", "regoin", "X", "--processed", str(processed)])
    err = capsys.readouterr().err
    assert code != 0
    assert err.strip() == (
        "analysis run: yoy: unknown parameter 'regoin' (did you mean 'region'?). "
        "Valid parameters: region, indicators, years"
    )
    assert "Traceback" not in err and not (tmp_path / "reports").exists()


def test_run_with_a_bad_value_or_notebook_lists_the_valid_ones(tmp_path, capsys):
    from analysis import cli

    processed = build_processed(tmp_path / "processed")
    assert cli.main(["run", "yoy", "-p", "region", "北京市", "--processed", str(processed)]) == 2
    assert "Valid regions: 宁波市, 胶州市, 青岛市" in capsys.readouterr().err
    assert cli.main(["run", "cross_city", "-p", "year", "twenty", "--processed", str(processed)]) == 2
    assert "parameter 'year' must be a whole number" in capsys.readouterr().err
    assert cli.main(["run", "yo", "--processed", str(processed)]) == 2
    assert "Notebooks: cross_city, overview, themes, yoy" in capsys.readouterr().err
    assert cli.main(["run", "yoy", "-p", "figures_dir", "/x", "--processed", str(processed)]) == 2
    assert "set by the command" in capsys.readouterr().err


def test_run_goes_to_its_own_folder_named_by_its_parameters(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "REPORTS_DIR", tmp_path / "reports")
    processed = build_processed(tmp_path / "processed")
    job = batch.prepare_run("yoy", [("region", "青岛"), ("years", "2016,2017")], processed)
    assert job.parameters["region"] == "青岛市" and job.parameters["years"] == [2016, 2017]
    digest = batch.parameters_digest("yoy", {"region": "青岛市", "years": [2016, 2017]})
    folder = (tmp_path / "reports" / "runs" / f"yoy-{digest}").resolve()
    assert job.output == folder / "notebooks" / "yoy__青岛市.ipynb"
    assert job.html == folder / "html" / "yoy__青岛市.html"
    assert job.parameters["figures_dir"] == str(folder / "figures")
    other = batch.prepare_run("yoy", [("region", "青岛市")], processed, tmp_path / "mine")
    assert other.output == (tmp_path / "mine").resolve() / "notebooks" / "yoy__青岛市.ipynb"


def test_index_groups_regions_by_province_and_level_with_years_flags_and_thumbnails(tmp_path):
    import pandas as pd

    reports = tmp_path / "reports"
    figures = reports / "figures"
    figures.mkdir(parents=True)
    for name in ("yoy__宁波市__rd_expenditure.png", "yoy__宁波市__maker_spaces.png"):
        (figures / name).write_bytes(b"png")
    page = reports / "html" / "yoy__宁波市.html"
    page.parent.mkdir(parents=True)
    page.write_text("<html></html>", encoding="utf-8")
    documents = pd.DataFrame({
        "doc_id": ["a", "b", "c", "d", "e"],
        "region": ["宁波市", "宁波市", "宁波市", "<img src=x onerror=alert(1)>", ""],
        "province": ["浙江省", "浙江省", "浙江省", "山东省", ""],
        "admin_level": ["prefecture", "prefecture", "prefecture", "district", ""],
        "report_year": [2014, 2015, 2017, 2023, None],
        "source_file": ["a.txt", "b.txt", "c.txt", "d.txt", "lost.txt"],
    })  # fmt: skip
    flags = pd.DataFrame([{"region": "宁波市", "metric_id": "maker_spaces", "unit": "家",
                           "period_type": "FY", "year": 2016, "rule": "yoy_range",
                           "message": "同比超出常见范围"}])  # fmt: skip
    runs = [batch.NotebookRun("yoy", {"region": "宁波市"}, reports / "n.ipynb", page, ok=True)]
    result = batch.ReportResult(extracted=False, stale_reason="", runs=runs)
    text = batch.render_index(result, reports, "now", documents, flags)
    assert text.index("浙江省") < text.index("山东省")  # provinces in the official (code) order
    assert "<h3>地级市（1）</h3>" in text and "<h3>市辖区（1）</h3>" in text
    assert "地级市 · 2014–2015、2017 · 3 份报告 · 2 张图" in text
    assert text.count('<img loading="lazy"') == 2
    assert "2016 maker_spaces：同比超出常见范围" in text
    assert "未能确定地区的文档（1）" in text and "lost.txt" in text
    assert "<img src=x" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text
    assert 'href="html/yoy__%E5%AE%81%E6%B3%A2%E5%B8%82.html"' in text


def test_index_warns_of_ledger_rows_not_applied(tmp_path):
    """A stale or invalid correction is a warning of its document's region (or of the
    corpus, when the document has no region); applied ones are not."""
    import pandas as pd

    documents = pd.DataFrame({"doc_id": ["a", "e"], "region": ["宁波市", ""],
                              "province": ["浙江省", ""], "admin_level": ["prefecture", ""],
                              "report_year": [2014, None], "source_file": ["a.txt", "e.txt"]})
    log = pd.DataFrame({"line": [2, 3, 4], "doc_id": ["a", "e", "a"],
                        "status": ["stale", "invalid", "applied"],
                        "why": ["span no longer holds 6275件", "unknown metric_id 'x'", ""]})
    result = batch.ReportResult(extracted=False, stale_reason="", runs=[])
    text = batch.render_index(result, tmp_path, "now", documents, None, log)
    assert "修订未应用（原文已变）：a 第2行 span no longer holds 6275件" in text
    assert "未应用的修订（1）" in text and "修订有误未应用：e 第3行" in text
    assert "第4行" not in text
    assert "needs_manifest.csv" in text


def test_the_notebooks_read_the_generation_current_when_the_batch_starts(tmp_path, monkeypatch):
    """An extract that commits while the notebooks run must not hand later notebooks a
    different set of tables: their processed_dir is the generation folder, not the link."""
    from analysis import safeio

    processed = tmp_path / "processed"
    gen = processed / ".generations" / "g-1"
    gen.mkdir(parents=True)
    (processed / safeio.CURRENT_LINK).symlink_to(Path(".generations") / "g-1")
    folders = batch.notebook_folders(processed, tmp_path / "reports")
    assert folders["processed_dir"] == str(gen.resolve())
    assert safeio.current_dir(gen) == gen  # a generation folder reads as itself


def test_a_kernel_dying_mid_notebook_leaves_the_notebook_as_far_as_it_ran(tmp_path):
    """On warm kernels papermill's per-cell saves are off; a kernel that dies still leaves
    the executed part (its first cell's output) and an error, as those saves did."""
    source = tmp_path / "dies.py"
    source.write_text('# %%\nprint("first cell ran")\n\n# %%\nimport os\nos._exit(3)\n',
                      encoding="utf-8")
    job = batch.NotebookJob(str(source), {}, tmp_path / "out" / "dies.ipynb",
                            tmp_path / "out" / "dies.html")
    (run,) = list(batch._warm_map([job], 1))
    assert not run.ok and run.error
    executed = nbformat.read(job.output, as_version=4)
    assert "first cell ran" in executed.cells[0].outputs[0]["text"]
    assert job.html.is_file()
