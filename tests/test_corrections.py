"""The corrections ledger: loading, applying, re-anchoring, stale and invalid rows, and
end-to-end runs of ``analysis extract`` with a ledger (a small made-up corpus)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import cli, corrections, extract_corpus

REPORT = (
    "甲市科学技术局2019年工作总结\n"
    "2019年，全市科技工作取得新进展。\n"
    "全年发明专利申请6275件、授权988件，同比分别增长139%、37%。\n"
    "新认定高新技术企业120家，技术合同成交额14.21亿元。\n"
    "全社会研发投入占GDP比重达到2.5%。\n"
)
DOC = "甲市2019"
INSERTED = "会议指出，要坚持创新驱动发展战略，全面深化科技体制改革。\n"


def ledger_text(rows: list[dict[str, str]], bom: bool = True) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=corrections.LEDGER_COLUMNS, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({c: r.get(c, "") for c in corrections.LEDGER_COLUMNS})
    return ("\ufeff" if bom else "") + buf.getvalue()


def span(text: str, raw: str) -> dict[str, str]:
    i = text.index(raw)
    return {"doc_id": DOC, "char_start": str(i), "char_end": str(i + len(raw)), "raw": raw}


def ledger_rows(text: str) -> list[dict[str, str]]:
    """One row of each action, plus bad ones."""
    return [
        {**span(text, "6275件"), "action": "confirm", "reviewer": "王"},
        {**span(text, "988件"), "action": "fix", "value": "998", "reason": "OCR: 988 → 998",
         "reviewer": "王", "reviewed_at": "2026-12-01T10:00:00+08:00"},
        {**span(text, "120家"), "action": "reject", "reason": "=not this region",
         "reviewer": "李"},
        {**span(text, "GDP"), "action": "add", "metric_id": "rd_intensity", "value": "2.5",
         "unit": "%", "kind": "target", "reason": "missed"},
        {**span(text, "2.5%"), "action": "fix", "metric_id": "no_such_metric"},
        {**span(text, "14.21亿元"), "action": "frobnicate"},
        {"doc_id": DOC, "char_start": "x", "char_end": "3", "raw": "2019", "action": "confirm"},
        {"doc_id": DOC, "char_start": "900", "char_end": "905", "raw": "12345", "action": "confirm"},
        {"doc_id": "no_such_doc", "char_start": "1", "char_end": "3", "raw": "甲市",
         "action": "confirm"},
        {**span(text, "14.21亿元"), "action": "fix", "value": "lots"},
    ]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / f"{DOC}.txt").write_text(REPORT, encoding="utf-8")
    return tmp_path


def run(corpus: Path, ledger_rows_: list[dict[str, str]] | None = None, **kw):
    if ledger_rows_ is not None:
        (corpus / "corrections.csv").write_text(ledger_text(ledger_rows_), encoding="utf-8")
    return extract_corpus(corpus / "raw", corpus / "out", jobs=1, progress=False, **kw)


def cleaned(corpus: Path) -> str:
    """The cleaned text of the first run (the ledger's spans refer to it)."""
    run(corpus)
    return (corpus / "out" / "text" / f"{DOC}.txt").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- units


def test_vocabulary_is_checked_and_agrees_with_fields() -> None:
    vocab = corrections.vocabulary()
    assert vocab["action"] == ("confirm", "fix", "reject", "add")
    assert set(vocab["status"]) == {"applied", "re-anchored", "stale", "invalid"}


def test_ledger_with_unknown_column_is_an_error_naming_the_file() -> None:
    with pytest.raises(corrections.LedgerError, match="my.csv: unknown column"):
        corrections.read_ledger_text("doc_id,action,colour\na,confirm,red\n", "my.csv")


def test_anchor_in_place_moved_ambiguous_and_gone() -> None:
    text = "甲。发明专利6275件。乙"
    assert corrections.anchor(text, 6, 11, "6275件") == (6, "")
    moved = "新段落。" + text
    assert corrections.anchor(moved, 6, 11, "6275件") == (10, "re-anchored from 6 to 10")
    twice = "发明专利6275件，又是6275件。"
    start, why = corrections.anchor(twice, 30, 35, "6275件")
    assert start is None and "2 times" in why
    assert corrections.anchor("甲。乙。", 6, 11, "6275件")[0] is None


def test_apply_is_pure_and_deterministic() -> None:
    metrics = pd.DataFrame([{"doc_id": "d", "kind": "actual", "metric_id": "rd_intensity",
                             "value": 2.5, "unit": "%", "sentence": "占比2.5%。",
                             "char_start": 2, "char_end": 6, "raw": "2.5%"}])
    ledger = corrections.read_ledger_text(ledger_text([
        {"doc_id": "d", "char_start": "2", "char_end": "6", "raw": "2.5%", "action": "fix",
         "value": "2.6", "kind": "estimate"}]))
    first = corrections.apply_corrections(metrics, ledger, {"d": "占比2.5%。"})
    second = corrections.apply_corrections(metrics, ledger, {"d": "占比2.5%。"})
    for a, b in zip(first, second, strict=True):
        pd.testing.assert_frame_equal(a, b)
    out = first[0].iloc[0]
    assert (out["value"], out["kind"], out["review"]) == (2.6, "estimate", "fixed")
    assert metrics.loc[0, "value"] == 2.5  # input untouched


def test_a_fix_sets_the_level_of_what_a_count_counts_and_a_bad_level_is_invalid() -> None:
    metrics = pd.DataFrame([{"doc_id": "d", "kind": "actual", "metric_id": "maker_spaces",
                             "value": 12.0, "unit": "家", "sentence": "众创空间12家。",
                             "char_start": 4, "char_end": 7, "raw": "12家", "level": ""}])
    ledger = corrections.read_ledger_text(ledger_text([
        {"doc_id": "d", "char_start": "4", "char_end": "7", "raw": "12家", "action": "fix",
         "level": "national"},
        {"doc_id": "d", "char_start": "4", "char_end": "7", "raw": "12家", "action": "fix",
         "level": "prefecture"}]))
    kept, _, log = corrections.apply_corrections(metrics, ledger, {"d": "众创空间12家。"})
    assert (kept.iloc[0]["level"], kept.iloc[0]["review"]) == ("national", "fixed")
    assert log["status"].tolist()[1] == "invalid" and "bad level" in log["why"].tolist()[1]


# --------------------------------------------------------------------------- end to end


def test_each_action_applied_and_bad_rows_reported_not_fatal(corpus: Path) -> None:
    text = cleaned(corpus)
    tables = run(corpus, ledger_rows(text))
    m = tables.metrics.set_index("raw")
    assert m.loc["6275件", "review"] == "confirmed"
    assert (m.loc["988件", "value"], m.loc["988件", "review"]) == (998.0, "fixed")
    assert "120家" not in m.index
    added = m.loc["GDP"]
    assert (added["metric_id"], added["value"], added["unit"], added["kind"],
            added["review"], added["year"]) == ("rd_intensity", 2.5, "%", "target", "added", 2019)
    assert added["sentence"] == "全社会研发投入占GDP比重达到2.5%。"
    assert pd.isna(m.loc["14.21亿元", "review"]) and pd.isna(m.loc["2.5%", "review"])

    rejected = tables.rejected
    assert rejected[["raw", "reason", "reviewer", "ledger_line"]].values.tolist() == [
        ["120家", "=not this region", "李", 4]]
    log = tables.corrections_log
    assert log["status"].tolist() == ["applied"] * 4 + ["invalid"] * 6
    why = dict(zip(log["line"], log["why"], strict=True))
    assert "unknown metric_id 'no_such_metric'" in why[6]
    assert "unknown action 'frobnicate'" in why[7]
    assert "whole numbers" in why[8]
    assert "outside the text" in why[9]
    assert "no document 'no_such_doc'" in why[10]
    assert "bad value 'lots'" in why[11]
    assert tables.summary["corrections"] == {"applied": 4, "re-anchored": 0, "stale": 0,
                                             "invalid": 6}
    docs = tables.documents.iloc[0]
    assert docs["n_figures"] == 5  # 5 extracted, 1 rejected, 1 added
    # the formula-looking reason is escaped in the CSV, as every text cell is
    assert "'=not this region" in (corpus / "out" / "rejected.csv").read_text(encoding="utf-8-sig")


def test_rerun_is_byte_identical(corpus: Path) -> None:
    text = cleaned(corpus)
    names = ("metrics.csv", "rejected.csv", "corrections_log.csv", "documents.csv",
             "metrics.parquet", "rejected.parquet", "corrections_log.parquet")
    run(corpus, ledger_rows(text))
    first = {n: (corpus / "out" / n).read_bytes() for n in names}
    run(corpus, use_cache=False)
    second = {n: (corpus / "out" / n).read_bytes() for n in names}
    assert first == second


def test_paragraph_inserted_above_re_anchors(corpus: Path) -> None:
    text = cleaned(corpus)
    rows = [{**span(text, "988件"), "action": "fix", "value": "998"}]
    report = corpus / "raw" / f"{DOC}.txt"
    report.write_text(REPORT.replace("全年发明", INSERTED + "全年发明"), encoding="utf-8")
    tables = run(corpus, rows)
    log = tables.corrections_log.iloc[0]
    new_text = (corpus / "out" / "text" / f"{DOC}.txt").read_text(encoding="utf-8")
    new_start = new_text.index("988件")
    assert new_start > int(rows[0]["char_start"])
    assert (log["status"], log["anchored_start"]) == ("re-anchored", new_start)
    assert f"re-anchored from {rows[0]['char_start']} to {new_start}" in log["why"]
    fixed = tables.metrics.set_index("raw").loc["988件"]
    assert (fixed["value"], fixed["review"], fixed["char_start"]) == (998.0, "fixed", new_start)
    assert tables.summary["corrections"]["re-anchored"] == 1


def test_deleted_sentence_makes_the_correction_stale_and_reported(
        corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = cleaned(corpus)
    rows = [{**span(text, "988件"), "action": "fix", "value": "998"},
            {**span(text, "2.5%"), "action": "confirm"}]
    (corpus / "corrections.csv").write_text(ledger_text(rows), encoding="utf-8")
    report = corpus / "raw" / f"{DOC}.txt"
    report.write_text(REPORT.replace("全年发明专利申请6275件、授权988件，同比分别增长139%、37%。\n", ""),
                      encoding="utf-8")
    code = cli.main([
        "extract", str(corpus / "raw"), "--out", str(corpus / "out"), "--jobs", "1",
        "--no-progress", "--corrections", str(corpus / "corrections.csv")])
    out, err = capsys.readouterr()
    assert code == 0
    assert "corrections: 1 applied (1 re-anchored), 1 stale" in out
    assert "corrections line 2: stale:" in err and "'988件' is no longer" in err
    log = pd.read_csv(corpus / "out" / "corrections_log.csv", encoding="utf-8-sig")
    assert log["status"].tolist() == ["stale", "re-anchored"]
    m = pd.read_csv(corpus / "out" / "metrics.csv", encoding="utf-8-sig")
    assert "988件" not in set(m["raw"])


def test_unreadable_ledger_stops_with_a_clear_message(
        corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = corpus / "bad.csv"
    bad.write_text("doc_id,verdict\n", encoding="utf-8")
    code = cli.main(["extract", str(corpus / "raw"), "--out", str(corpus / "out"),
                     "--jobs", "1", "--no-progress", "--corrections", str(bad)])
    assert code == 2
    assert "bad.csv: unknown column(s) verdict" in capsys.readouterr().err
    assert not (corpus / "out" / "metrics.csv").exists()


def test_no_ledger_leaves_review_empty_and_tables_written(corpus: Path) -> None:
    tables = run(corpus)
    assert tables.metrics["review"].isna().all()
    assert "corrections" not in tables.summary
    assert len(tables.rejected) == 0 and len(tables.corrections_log) == 0
    assert (corpus / "out" / "rejected.csv").read_text(encoding="utf-8-sig").startswith("doc_id,")


def test_appendix_has_revisions_sheet_marks_and_links(corpus: Path) -> None:
    from openpyxl import load_workbook

    from analysis import excel
    from analysis.review import build_review

    text = cleaned(corpus)
    run(corpus, ledger_rows(text))
    reports = corpus / "reports"
    built = build_review(corpus / "out", reports / "review")
    path = excel.write_appendix(corpus / "out", reports / "appendix.xlsx")
    wb = load_workbook(path)
    rev = list(wb["修订"].values)
    assert rev[0][:3] == ("行号", "状态", "说明")
    assert [r[1] for r in rev[1:]] == ["applied"] * 4 + ["invalid"] * 6
    assert rev[3][6:8] == ("=not this region", "李")  # reason, reviewer; a string, not a formula
    assert wb["修订"].cell(4, 7).data_type == "s"
    src = wb["来源"]
    head = [c.value for c in src[1]]
    review_col, link_col = head.index("审核") + 1, head.index("审核页链接") + 1
    by_raw = {src.cell(r, head.index("原文数字") + 1).value: r for r in range(2, src.max_row + 1)}
    row = by_raw["988件"]
    assert src.cell(row, review_col).value == "已修改"  # the review code, as its Chinese label
    link = src.cell(row, link_col)
    start = text.index("988件")
    assert link.value == f"review/doc_{DOC}.html#f-{start}-{start + 4}".replace(DOC, _q(DOC))
    assert link.hyperlink.target == link.value
    page = built.pages[DOC].read_text(encoding="utf-8")
    assert f'id="f-{start}-{start + 4}"' in page  # the anchor exists in the page
    ind = wb["指标"]
    ihead = [c.value for c in ind[1]]
    assert "审核" in ihead


def _q(s: str) -> str:
    from urllib.parse import quote

    return quote(s)


CELL = st.one_of(st.text(max_size=12), st.sampled_from(
    ["confirm", "fix", "reject", "add", "0", "2", "6", "-1", "rd_intensity", "2.5%", "2.5",
     "%", "FY", "target", "2019", "d", ">", "nan", "inf", "1e400", ".1", "9" * 30]))


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(st.lists(st.fixed_dictionaries({c: CELL for c in corrections.LEDGER_COLUMNS}),
                max_size=6))
def test_any_ledger_rows_are_each_logged_once_and_never_raise(rows) -> None:
    metrics = pd.DataFrame([{"doc_id": "d", "kind": "actual", "metric_id": "rd_intensity",
                             "value": 2.5, "unit": "%", "sentence": "占比2.5%。",
                             "char_start": 2, "char_end": 6, "raw": "2.5%"}])
    ledger = corrections.read_ledger_text(ledger_text(rows))
    kept, rejected, log = corrections.apply_corrections(metrics, ledger, {"d": "占比2.5%。"})
    assert len(log) == len(ledger.rows)
    assert set(log["status"]) <= {"applied", "re-anchored", "stale", "invalid"}
    assert len(kept) + len(rejected) >= 1
    assert kept["value"].map(lambda v: v == v and abs(v) != float("inf")).all()
