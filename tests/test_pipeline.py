"""End to end: the CLI on the sample corpus, scored against the project's copy of the gold."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from analysis.pipeline import extract_corpus, format_summary
from analysis.tables import read_table

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
FIXTURES = ROOT / "tests" / "fixtures"
SEEDS = sorted(p.name for p in RAW.glob("0*.txt"))
EXTRA = sorted(p.name for p in RAW.glob("x*.txt"))


def analysis_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("analysis")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "analysis.cli"]


def score(pred: Path, gold: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, str(FIXTURES / "score.py"), "--pred", str(pred),
                          "--gold", str(gold)], capture_output=True, text=True, check=True).stdout
    line = out.strip().splitlines()[-1]
    values = dict(re.findall(r"(\w+)=([\d.]+)", line))
    meta = re.search(r"document metadata: (\d+)/(\d+)", out)
    return {"F1": float(values["F1"]), "meta_ok": int(meta.group(1)), "meta_n": int(meta.group(2))}


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw")
    for name in SEEDS:
        shutil.copy(RAW / name, raw / name)
    out = tmp_path_factory.mktemp("out")
    proc = subprocess.run([*analysis_cmd(), "extract", str(raw), "--out", str(out), "--jobs", "1",
                           "--no-progress"], capture_output=True, text=True)
    return proc, out


def test_cli_extract_scores_on_the_seed_gold(seed_run):
    proc, out = seed_run
    assert proc.returncode == 0, proc.stderr
    assert "5 documents read from 5 files" in proc.stdout
    s = score(out, FIXTURES / "gold")
    assert s["F1"] >= 0.95
    assert s["meta_ok"] >= 34 and s["meta_n"] == 35


def test_extra_corpus_scores(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in EXTRA:
        shutil.copy(RAW / name, raw / name)
    threads = (pa.cpu_count(), pa.io_thread_count())
    extract_corpus(raw, tmp_path / "out", jobs=1, progress=False)
    assert (pa.cpu_count(), pa.io_thread_count()) == threads  # the writer gave them back
    s = score(tmp_path / "out", FIXTURES / "gold_extra")
    assert s["F1"] >= 0.95
    assert s["meta_ok"] >= s["meta_n"] - 2


def test_outputs_are_complete_and_excel_friendly(seed_run):
    _, out = seed_run
    for table in ("documents", "metrics", "repairs", "run_log"):
        assert (out / f"{table}.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # BOM for Excel
        assert (out / f"{table}.parquet").exists()
    assert sorted(p.name for p in (out / "text").iterdir()) == SEEDS
    layout = {".cache", ".lock", ".generations", ".current"}  # see safeio: one switch per run
    assert not [p for p in out.iterdir() if p.name.startswith(".") and p.name not in layout]
    (gen,) = (out / ".generations").iterdir()
    assert not [p for p in gen.iterdir() if p.name.startswith(".")]


def test_every_figure_traces_to_its_sentence_and_offsets(seed_run):
    _, out = seed_run
    metrics = read_table(out, "metrics")
    for row in metrics.itertuples():
        text = (out / "text" / f"{row.doc_id}.txt").read_text(encoding="utf-8")
        assert text[row.char_start:row.char_end] == row.raw
        assert row.raw in row.sentence


def test_known_figures_from_real_sentences(seed_run):
    _, out = seed_run
    m = read_table(out, "metrics")
    row = m[(m.doc_id == "000_e62b7b1a346a2fde") & (m.metric_id == "invention_patent_grants")].iloc[0]
    assert (row.value, row.unit, row.yoy_pct, row.period, row.kind) == (988, "件", 37, "H1", "actual")
    row = m[(m.doc_id == "004_89fc9e69ec4ccf46") & (m.metric_id == "tech_contracts")].iloc[0]
    assert (row.value, row.period, row.year) == (33700, "2011-2015", 2015)


def test_csv_and_parquet_agree(seed_run):
    _, out = seed_run
    a = pd.read_parquet(out / "metrics.parquet")
    b = pd.read_csv(out / "metrics.csv", encoding="utf-8-sig")
    assert len(a) == len(b)
    assert (a["value"].to_numpy() == b["value"].to_numpy()).all()


def test_run_log_names_every_input(seed_run):
    _, out = seed_run
    log = read_table(out, "run_log")
    assert sorted(log.source_file) == SEEDS
    assert set(log.status) == {"ok"}


def test_summary_line():
    summary = {"files": 3, "documents": 2, "status": {"ok": 2, "failed": 1}, "figures": 10,
               "mapped": 4, "share_mapped": 0.4, "manifest_problems": []}
    assert format_summary(summary) == ("2 documents read from 3 files, 1 failed; 10 figures found, "
                                       "4 (40%) mapped to indicators")


@pytest.mark.slow
@pytest.mark.parametrize("engine,jobs", [("process", 2), ("dask", 2)])
def test_parallel_engines_give_identical_tables(tmp_path, engine, jobs):
    if engine == "dask":
        pytest.importorskip("dask.distributed")
    one = extract_corpus(RAW, tmp_path / "one", jobs=1, progress=False, use_cache=False)
    many = extract_corpus(RAW, tmp_path / "many", jobs=jobs, engine=engine, progress=False,
                          use_cache=False)
    for table in ("documents", "metrics", "repairs"):
        assert (tmp_path / "one" / f"{table}.csv").read_bytes() == \
            (tmp_path / "many" / f"{table}.csv").read_bytes(), table
    pd.testing.assert_frame_equal(one.metrics, many.metrics)


def test_second_run_uses_the_cache_and_gives_identical_tables(tmp_path):
    extract_corpus(RAW, tmp_path, jobs=1, progress=False)
    first = (tmp_path / "metrics.csv").read_bytes()
    again = extract_corpus(RAW, tmp_path, jobs=1, progress=False)
    assert (tmp_path / "metrics.csv").read_bytes() == first
    assert again.run_log["cached"].sum() == len(again.run_log)


def test_a_run_without_a_cache_database_looks_nothing_up_and_the_next_run_does(
        tmp_path, monkeypatch):
    from analysis import cache

    raw = tmp_path / "raw"
    raw.mkdir()
    for p in sorted(RAW.glob("*.txt"))[:3]:
        shutil.copy(p, raw / p.name)
    looked: list[str] = []
    real_get = cache.ExtractCache.get
    monkeypatch.setattr(cache.ExtractCache, "get",
                        lambda self, key: looked.append(key) or real_get(self, key))
    extract_corpus(raw, tmp_path / "out", jobs=1, progress=False)
    assert looked == []  # a fresh output folder: every look-up would have missed
    again = extract_corpus(raw, tmp_path / "out", jobs=1, progress=False)
    assert len(looked) == 3 and again.run_log["cached"].sum() == 3


def test_partitioned_dataset_holds_every_figure(seed_run):
    import pyarrow.dataset as ds

    _, out = seed_run
    data = ds.dataset(out / "metrics_by_year", format="parquet", partitioning="hive")
    assert data.count_rows() == len(read_table(out, "metrics"))


@pytest.mark.slow
def test_a_50_mb_report_is_processed(tmp_path):
    """A 50 MB text goes through read → clean → metadata → extract without failing.

    The bulk is the report's own prose with its numerals taken out, and the whole report
    stands at the start, the middle and the end: every stage still reads all 50 MB, and
    the far-apart copies of one figure still come out as one row, without the run
    extracting 300,000 figures (which took most of the suite's time)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    page = (RAW / "004_89fc9e69ec4ccf46.txt").read_text(encoding="utf-8")
    prose = re.sub(r"[0-9０-９.%一二三四五六七八九十百千万亿两零〇]", "", page)
    copies = 50_000_000 // len(prose.encode("utf-8")) + 1
    with open(raw / "huge.txt", "w", encoding="utf-8") as f:
        for i in range(copies):
            if i in (0, copies // 2, copies - 1):
                f.write(page)
                f.write("\n")
            f.write(prose)
            f.write("\n")
    assert (raw / "huge.txt").stat().st_size >= 50_000_000
    tables = extract_corpus(raw, tmp_path / "out", jobs=1, progress=False, use_cache=False)
    assert list(tables.run_log["status"]) == ["ok"]
    m = tables.metrics
    assert m[m.metric_id == "tech_contracts"]["value"].tolist() == [33700]  # one row, deduplicated


def test_manifest_doc_id_rename_reaches_every_output(tmp_path):
    """A manifest row renaming a file's doc_id: its figures, document row, cleaned text
    and run-log row all carry the new id (the rename used to be logged, then ignored)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(RAW / SEEDS[0], raw / "report.txt")
    (raw / "manifest.csv").write_text("file,doc_id\nreport.txt,青岛2013上半年\n", encoding="utf-8")
    out = tmp_path / "out"
    extract_corpus(raw, out, jobs=1, progress=False, use_cache=False)
    docs, metrics, log = (read_table(out, t) for t in ("documents", "metrics", "run_log"))
    assert docs["doc_id"].tolist() == ["青岛2013上半年"]
    assert len(metrics) > 0 and set(metrics["doc_id"]) == {"青岛2013上半年"}
    assert (out / "text" / "青岛2013上半年.txt").is_file()
    assert not (out / "text" / "report.txt").exists()
    assert log.loc[log["source_file"] == "report.txt", "doc_id"].tolist() == ["青岛2013上半年"]
