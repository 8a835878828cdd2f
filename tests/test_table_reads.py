"""Filtered reads: a region's or a year's rows read without reading the rest.

The region dataset (metrics_by_region/province=…/, one row group per region) and the
year dataset give the same frames as the whole table filtered, in the same order;
a region's read touches that region's row group only; old outputs (CSV, no datasets)
read the same; the datasets live inside the run's generation.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from notebook_fixtures import build_processed, documents_frame, metrics_frame
from table_fixtures import write_partitioned

from analysis import compare, safeio, schema, tables


def _docs(provinces: dict[str, str | None] | None = None) -> pd.DataFrame:
    docs = documents_frame().assign(n_figures=2, share_mapped=0.5)
    for doc_id, province in (provinces or {}).items():
        docs.loc[docs["doc_id"] == doc_id, "province"] = province
    return docs


def _metrics() -> pd.DataFrame:
    """The fixture's figures three times over (so regions interleave), one without a region."""
    base = metrics_frame()
    out = pd.concat([base, base.iloc[::-1], base], ignore_index=True)
    out.loc[len(out) - 1, "region"] = None
    return out


@pytest.fixture
def written(tmp_path):
    out = tmp_path / "processed"
    write_partitioned(out, _docs(), _metrics())
    return out


def test_a_region_read_equals_the_whole_table_filtered_in_order(written):
    whole = tables.read_table(written, "metrics")
    for region in ["青岛市", "宁波市", "胶州市"]:
        got = tables.read_rows(written, "metrics", regions=[region])
        pd.testing.assert_frame_equal(got, whole[whole["region"] == region].reset_index(drop=True))
    got = tables.read_rows(written, "metrics", regions=["青岛市", "宁波市"])
    want = whole[whole["region"].isin(["青岛市", "宁波市"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want)  # the table's order, not grouped by region
    got = tables.read_rows(written, "metrics", regions=[None])
    pd.testing.assert_frame_equal(got, whole[whole["region"].isna()].reset_index(drop=True))


def test_a_region_read_touches_only_that_regions_row_group(written):
    whole = tables.read_table(written, "metrics")
    tables.read_rows(written, "metrics", regions=["胶州市"])
    info = tables.LAST_READS[-1]
    n = int((whole["region"] == "胶州市").sum())
    assert info.source == "region dataset"
    assert (info.row_groups, info.rows_read, info.rows) == (1, n, n)
    assert [p.split("/")[-2] for p in info.files] == ["province=山东省"]


def test_every_row_group_holds_one_region(written):
    for path in sorted((written / "metrics_by_region").glob("province=*/*.parquet")):
        meta = pd.read_parquet(path, columns=["region"])
        import pyarrow.parquet as pq

        groups = pq.ParquetFile(path)
        for i in range(groups.num_row_groups):
            regions = set(groups.read_row_group(i, columns=["region"])["region"].to_pylist())
            assert len(regions) == 1
        assert len(meta) == sum(groups.metadata.row_group(i).num_rows
                                for i in range(groups.num_row_groups))


def test_year_and_province_reads_equal_the_whole_table_filtered(written):
    whole = tables.read_table(written, "metrics")
    got = tables.read_rows(written, "metrics", years=[2017, 2016], columns=["doc_id", "value"])
    want = whole[whole["year"].isin([2016, 2017])][["doc_id", "value"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want)
    assert tables.LAST_READS[-1].source == "year dataset"
    assert all("year=2016" in f or "year=2017" in f for f in tables.LAST_READS[-1].files)
    zhejiang = set(documents_frame().query("province == '浙江省'")["doc_id"])
    got = tables.read_rows(written, "metrics", provinces=["浙江省"])
    pd.testing.assert_frame_equal(
        got, whole[whole["doc_id"].isin(zhejiang)].reset_index(drop=True))
    assert tables.corpus_years(written) == sorted({int(y) for y in whole["year"].dropna()})


def test_old_outputs_without_datasets_read_the_same(tmp_path, written):
    old = tmp_path / "old"
    old.mkdir()
    for name in ("documents", "metrics"):
        safeio.write_csv(tables.read_table(written, name), old / f"{name}.csv")
    for kwargs in ({"regions": ["青岛市"]}, {"years": [2017]}, {"provinces": ["浙江省"]},
                   {"regions": ["宁波市"], "columns": ["doc_id", "year", "value"]}):
        pd.testing.assert_frame_equal(tables.read_rows(old, "metrics", **kwargs),
                                      tables.read_rows(written, "metrics", **kwargs))
        assert tables.LAST_READS[-1].source == "region dataset" or "regions" not in kwargs


def test_load_tables_selects_a_regions_figures_and_reports(written):
    part = compare.load_tables(written, regions=["青岛市"], names=("documents", "metrics"))
    whole = compare.load_tables(written, names=("documents", "metrics"))
    m = whole["metrics"]
    pd.testing.assert_frame_equal(part["metrics"], m[m["region"] == "青岛市"].reset_index(drop=True))
    assert sorted(part["documents"]["doc_id"]) == ["x09_qingdao_2016", "x11_qingdao_2017"]
    assert compare.yoy(part["metrics"], part["documents"], regions=["青岛市"]).equals(
        compare.yoy(whole["metrics"], whole["documents"], regions=["青岛市"]))


@pytest.mark.parametrize("province", ["a/b", "100%", ".hidden", "_x", "省\n名"])
def test_province_names_that_could_break_a_path_round_trip(tmp_path, province):
    out = tmp_path / "p"
    write_partitioned(out, _docs({"x09_qingdao_2016": province, "x11_qingdao_2017": province}),
                      metrics_frame())
    whole = tables.read_table(out, "metrics")
    got = tables.read_rows(out, "metrics", provinces=[province])
    want = whole[whole["doc_id"].isin(["x09_qingdao_2016", "x11_qingdao_2017"])]
    pd.testing.assert_frame_equal(got, want.reset_index(drop=True))
    assert all(p.parent == out / "metrics_by_region" for p in (out / "metrics_by_region").glob("*=*"))


def test_the_datasets_are_part_of_the_runs_generation(tmp_path):
    from analysis.pipeline import extract_corpus

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("青岛市科技局2017年工作总结\n全年技术合同交易额达到126.66亿元。",
                               encoding="utf-8")
    out = tmp_path / "out"
    extract_corpus(raw, out_dir=out, jobs=1)
    gen = safeio.current_dir(out)
    assert gen != out
    for name in ("metrics_by_region", "metrics_by_year"):
        assert (out / name).is_symlink() and (out / name).resolve() == (gen / name).resolve()
    whole = tables.read_table(out, "metrics")
    assert len(whole) and tables.read_rows(out, "metrics", regions=["青岛市"]).equals(
        whole[whole["region"] == "青岛市"].reset_index(drop=True))


def test_a_failed_batch_leaves_no_dataset_behind(tmp_path):
    bad = metrics_frame().assign(kind="guess")  # breaks the schema: the batch check fails
    sink = tables.TableSink("metrics", tmp_path, partition_col="year", by_region=True)
    sink.add(bad, provinces=["山东省"] * len(bad))
    with pytest.raises(Exception, match="kind"):
        sink.close()
    sink.abort()
    assert list(tmp_path.iterdir()) == []


def test_the_read_log_names_what_each_read_touched(written, tmp_path, monkeypatch):
    log = tmp_path / "reads.jsonl"
    monkeypatch.setenv(tables.READ_LOG_ENV, str(log))
    tables.read_rows(written, "metrics", regions=["宁波市"])
    entry = json.loads(log.read_text(encoding="utf-8").splitlines()[-1])
    assert entry["table"] == "metrics" and entry["rows_read"] == entry["rows"] > 0


def test_csv_outputs_are_unchanged_by_the_datasets(tmp_path, written):
    plain = tmp_path / "plain"
    plain.mkdir()
    sink = tables.TableSink("metrics", plain)
    sink.add(_metrics())
    tables.commit_moves(sink.close())
    assert (plain / "metrics.csv").read_bytes() == (written / "metrics.csv").read_bytes()
    assert schema.columns("metrics") == list(pd.read_parquet(written / "metrics.parquet").columns)


def test_fixture_folder_without_parquet_still_loads(tmp_path):
    folder = build_processed(tmp_path / "csv_only")
    got = compare.load_tables(folder, regions=["青岛市"], names=("documents", "metrics"))
    assert set(got["metrics"]["region"]) == {"青岛市"}


def test_a_region_notebook_reads_only_that_regions_rows(written, tmp_path, monkeypatch):
    """One batch run of the yoy notebook (papermill, a batch kernel): its kernel's reads,
    logged through ANALYSIS_READ_LOG, are that region's metrics rows and reports."""
    from analysis import batch

    log = tmp_path / "reads.jsonl"
    monkeypatch.setenv(tables.READ_LOG_ENV, str(log))  # the kernel inherits it
    reports = tmp_path / "reports"
    loaded = compare.load_tables(written)
    flags = batch.write_flags(compare.corpus_flags(loaded["metrics"], loaded["documents"]),
                              reports)
    log.unlink(missing_ok=True)  # only the notebook's own reads from here
    plan = batch.with_folders([("yoy", {"region": "青岛市"})],
                              batch.notebook_folders(written, reports), flags)
    valid = compare.valid_values(loaded["metrics"], loaded["documents"])
    [run] = batch.run_notebooks(plan, reports, valid, jobs=1, progress=False)
    assert run.ok, run.error
    reads = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    metrics_reads = [r for r in reads if r["table"] == "metrics"]
    n = int((loaded["metrics"]["region"] == "青岛市").sum())
    assert [(r["source"], r["rows_read"], r["rows"]) for r in metrics_reads] == [
        ("region dataset", n, n)]
    doc_reads = [r for r in reads if r["table"] == "documents"]
    # the list of regions (one column, to check the parameter), then the region's reports
    assert [r["rows"] for r in doc_reads] == [len(loaded["documents"]), 2]
    assert "286.4" in run.html.read_text(encoding="utf-8")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.floats(-5, 1e6, allow_nan=False), st.sampled_from([0.0, 2.0])),
                min_size=1, max_size=12))
def test_medians_of_the_others_are_numpys_medians(values):
    """The peer rule's leave-one-out medians, from one sort, equal np.median of the others."""
    v = np.array(values, dtype=float)
    medians, counts = compare._medians_of_others(v)
    for i in range(len(v)):
        others = np.delete(v, i)
        others = others[others > 0]
        assert counts[i] == len(others)
        assert (medians[i] == float(np.median(others))) if len(others) else np.isnan(medians[i])
