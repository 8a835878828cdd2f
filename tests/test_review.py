"""Review pages without a browser: markup, escaping, anchors, queue order, the server's
checks, the CLI."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st
from table_fixtures import write_frames

from analysis import cli, corrections
from analysis.review import anchor_id, build_review, figure_link, page_name
from analysis.review.pages import script_json
from analysis.review.queue import doc_queue, figure_flags
from analysis.review.server import ReviewStore, make_server

TEXT = "甲市科技局。专利授权988件<b>粗</b>，同比增长900%。另有企业120家。\n"


def _processed(tmp_path: Path, docs: list[dict] | None = None) -> Path:
    out = tmp_path / "out"
    (out / "text").mkdir(parents=True)
    (out / "text" / "d1.txt").write_text(TEXT, encoding="utf-8")
    (out / "text" / "d2.txt").write_text("乙。研发投入2.5%。", encoding="utf-8")
    s1, s2 = TEXT.index("988件"), TEXT.index("120家")
    metrics = pd.DataFrame([
        {"doc_id": "d1", "kind": "actual", "metric_id": "invention_patent_grants",
         "metric_name": "发明专利授权量", "value": 988.0, "unit": "件", "yoy_pct": 900.0,
         "raw": "988件", "sentence": "专利授权988件", "char_start": s1, "char_end": s1 + 4,
         "year": 2019},
        {"doc_id": "d1", "kind": "target", "indicator": "企业", "value": 120.0, "unit": "家",
         "raw": "120家", "sentence": "另有企业120家。", "char_start": s2, "char_end": s2 + 4,
         "year": 2019},
        {"doc_id": "d2", "kind": "actual", "metric_id": "rd_intensity", "metric_name": "R&D",
         "value": 2.5, "unit": "%", "raw": "2.5%", "sentence": "研发投入2.5%。",
         "char_start": 6, "char_end": 10, "year": 2019}])
    documents = pd.DataFrame(docs or [
        {"doc_id": "d1", "region": "甲市", "report_year": 2019, "region_confidence": 0.95,
         "year_confidence": 0.99, "source_file": "d1.txt", "sha256": "0", "n_chars": 1,
         "n_figures": 2},
        {"doc_id": "d2", "region": None, "report_year": 2019, "source_file": "d2.txt",
         "sha256": "0", "n_chars": 1, "n_figures": 1}])
    write_frames(out, documents=documents, metrics=metrics)
    return out


@given(st.text())
def test_script_json_never_ends_the_script_and_round_trips(s: str) -> None:
    encoded = script_json({"t": s})
    assert "<" not in encoded and ">" not in encoded
    assert json.loads(encoded) == {"t": s}


def test_page_names_and_anchors() -> None:
    assert page_name("index") == "doc_index.html"
    assert page_name("甲" * 100).startswith("doc_") and len(page_name("甲" * 100)) < 30
    assert anchor_id(44, 49) == "f-44-49" and anchor_id(44, 49, 1) == "f-44-49-2"
    assert figure_link("宁波 2017", 3, 7) == "review/doc_%E5%AE%81%E6%B3%A2%202017.html#f-3-7"


def test_page_marks_every_figure_and_escapes_text(tmp_path: Path) -> None:
    built = build_review(_processed(tmp_path), tmp_path / "review")
    soup = BeautifulSoup(built.pages["d1"].read_text(encoding="utf-8"), "html.parser")
    marks = soup.select("#text .figure")
    assert [(m.text, m["data-char-start"], m["data-char-end"], m["data-metric-id"],
             m["data-review"], m["id"]) for m in marks] == [
        ("988件", "10", "14", "invention_patent_grants", "", "f-10-14"),
        ("120家", str(TEXT.index("120家")), str(TEXT.index("120家") + 4), "", "",
         f"f-{TEXT.index('120家')}-{TEXT.index('120家') + 4}")]
    assert all(m["data-doc-id"] == "d1" for m in marks)
    assert "flagged" in marks[0]["class"]  # yoy 900 % is implausible
    assert soup.select_one("#text").get_text() == TEXT  # the text, whole and as text
    assert not soup.select("#text b")
    rows = soup.select("#figures tbody tr")
    assert [td.text for td in rows[0].select("td")][:6] == ["发明专利授权量", "988件", "2019", "",
                                                          "actual", "900%"]
    external = [t for t in soup.find_all(src=True) + soup.find_all("link")]
    assert external == [] and not soup.select("a[href^=http]")  # self-contained


def test_queue_puts_unknown_region_first(tmp_path: Path) -> None:
    built = build_review(_processed(tmp_path), tmp_path / "review")
    soup = BeautifulSoup(built.index.read_text(encoding="utf-8"), "html.parser")
    links = [a["href"] for a in soup.select("#queue a")]
    assert links == ["doc_d2.html", "doc_d1.html"]
    assert "地区未识别" in soup.select("#queue tbody tr")[0].text


def test_flags() -> None:
    metrics = pd.DataFrame({
        "doc_id": ["a"] * 4, "yoy_pct": [900.0, None, None, 5.0], "value": [1, 150, 3, 4],
        "unit": ["件", "%", "家", "件"], "metric_id": ["x", "rd", None, "y"],
        "indicator": ["", "", "高新技术企业", ""], "year": [2019, 2019, 2019, 2015]})
    documents = pd.DataFrame({"doc_id": ["a"], "report_year": [2019]})
    assert figure_flags(metrics, documents).tolist() == [
        "yoy", "share>100", "unmapped-indicator", "year"]
    q = doc_queue(pd.DataFrame({"doc_id": ["a"], "region": ["甲"], "report_year": [2019],
                                "region_confidence": [0.9], "year_confidence": [0.9]}),
                  metrics.assign(review=None), figure_flags(metrics, documents))
    assert q.loc[0, "flagged"] == 4


@pytest.fixture
def served(tmp_path: Path):
    out = _processed(tmp_path)
    build_review(out, tmp_path / "review")
    store = ReviewStore(out, tmp_path / "corrections.csv", tmp_path / "raw" / "manifest.csv")
    server = make_server(tmp_path / "review", store, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield store, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _post(url: str, data: dict, headers: dict | None = None) -> tuple[int, dict]:
    req = urllib.request.Request(url, json.dumps(data).encode(), method="POST", headers={
        "Content-Type": "application/json", **(headers if headers is not None else
                                               {"X-Review": "1"})})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_server_checks_and_replaces_decisions(served) -> None:
    store, base = served
    s = TEXT.index("988件")
    row = {"doc_id": "d1", "char_start": s, "char_end": s + 4, "raw": "988件", "action": "confirm"}
    assert _post(f"{base}/api/decision", row, headers={})[0] == 403  # no X-Review header
    assert _post(f"{base}/api/decision", {**row, "raw": "989件"}) == (
        400, {"error": "raw is not the text of its span in the current cleaned text"})
    assert _post(f"{base}/api/decision", {**row, "action": "bogus"})[0] == 400
    assert _post(f"{base}/api/decision", row)[0] == 200
    assert _post(f"{base}/api/decision", {**row, "action": "fix", "value": "998"})[0] == 200
    rows = corrections.load_ledger(store.ledger).rows
    assert [(r["action"], r["value"]) for r in rows] == [("fix", "998")]  # replaced
    assert store.ledger.read_bytes().startswith("\ufeffdoc_id,char_start".encode())
    status, body = _post(f"{base}/api/manifest", {"doc_id": "d1", "report_year": "20x9"})
    assert status == 400 and "report_year" in body["error"]
    assert _post(f"{base}/api/manifest", {"doc_id": "d1", "report_year": "2018"})[0] == 200
    assert store.manifest.read_text(encoding="utf-8-sig") == "doc_id,report_year\nd1,2018\n"
    with urllib.request.urlopen(f"{base}/doc_d1.html", timeout=10) as r:
        assert b'class="figure' in r.read()
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(f"{base}/../out/text/d1.txt", timeout=10)


def test_cli_review_writes_pages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _processed(tmp_path)
    assert cli.main(["review", "--processed", str(out), "--out", str(tmp_path / "rv")]) == 0
    assert "review pages for 2 documents" in capsys.readouterr().out
    assert sorted(p.name for p in (tmp_path / "rv").iterdir()) == [
        "doc_d1.html", "doc_d2.html", "index.html"]
    assert cli.main(["review", "--processed", str(tmp_path / "nope"), "--out",
                     str(tmp_path / "rv2")]) == 2


def test_report_index_links_the_review_pages(tmp_path: Path) -> None:
    from analysis import batch

    reports = tmp_path / "reports"
    index, error = batch._review_pages(_processed(tmp_path), reports / "review")
    assert error == "" and index == reports / "review" / "index.html" and index.is_file()
    result = batch.ReportResult(extracted=False, stale_reason="", review=index)
    text = batch.render_index(result, reports, "2026-12-01T00:00:00+00:00")
    assert '<a href="review/index.html">审核页面（每个数字在原文中高亮）</a>' in text
    failed = batch.ReportResult(extracted=False, stale_reason="", review_error="<b>boom</b>")
    assert "&lt;b&gt;boom&lt;/b&gt;" in batch.render_index(failed, reports, "now")


def test_an_edited_ledger_makes_the_tables_stale(tmp_path: Path) -> None:
    import os

    from analysis import batch

    out = _processed(tmp_path)
    raw = tmp_path / "raw"
    raw.mkdir(exist_ok=True)
    ledger = tmp_path / "corrections.csv"
    ledger.write_text("doc_id,action\n", encoding="utf-8")
    later = (out / "metrics.csv").stat().st_mtime_ns + 10**9
    os.utime(ledger, ns=(later, later))
    assert "corrections ledger corrections.csv changed" in batch.stale_reason(raw, out)


def test_consistency_flag_from_yoy() -> None:
    metrics = pd.DataFrame({
        "doc_id": ["a", "a"], "yoy_pct": [10.0, None], "value": [200.0, 3.0],
        "unit": ["件", "家"], "metric_id": ["x", "y"], "indicator": ["", ""],
        "year": [2019, 2019]})
    yoy = pd.DataFrame({"doc_id": ["a"], "metric_id": ["x"], "year": [2019], "value": [200.0],
                        "flag": ["报告所述增速+10%，两期数值计算为+100.0%"]})
    flags = figure_flags(metrics, pd.DataFrame({"doc_id": ["a"], "report_year": [2019]}), yoy)
    assert flags.tolist() == ["yoy-mismatch", ""]


def test_plausibility_flags_reach_the_review_queue() -> None:
    """A value 100 times its region's other years is flagged for the reviewer, with the
    same rule the tables and Excel 核对提示 use (compare.yoy_checked)."""
    import pandas as pd

    from analysis import compare, schema
    from analysis.review.queue import figure_flags

    years = [2014, 2015, 2016, 2017]
    values = [2.0e9, 2.1e9, 2.583e11, 2.2e9]
    metrics = pd.DataFrame({
        "doc_id": [f"d{y}" for y in years], "region": "甲市", "year": years, "period": "FY",
        "kind": "actual", "metric_id": "tech_contract_turnover", "unit": "元", "value": values,
        "yoy_pct": [None] * 4, "indicator": "技术合同成交额", "sentence": "", "raw": "",
        "qualifier": "", "note": "", "level": "",
        "char_start": 0, "char_end": 1, "metric_name": "技术合同成交额"})
    metrics = compare._coerce(schema.conform("metrics", metrics))
    documents = pd.DataFrame({"doc_id": [f"d{y}" for y in years], "region": "甲市",
                              "admin_level": "prefecture", "report_year": years,
                              "period": "FY", "doc_type": "summary"})
    table = compare.yoy_checked(metrics, documents, kind=None)
    flags = figure_flags(metrics, documents, table)
    assert flags.iloc[2] == "yoy-mismatch" and flags.iloc[0] == ""
