"""Atomic writes, CSV formula escaping, deterministic bytes, HTML escaping."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis import safeio


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": ["x01_ningbo_2008", "x02_ningbo_2014", None],
            "year": pd.array([2008, None, 2014], dtype="Int64"),
            "yoy_pct": [-5.0, 12.5, None],
            "sentence": ['=HYPERLINK("http://x")', "-全年专利申请量增长5%", "实现技工贸总收入"],
        }
    )


def _visible(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


# --- atomic_path ---------------------------------------------------------------


def test_atomic_path_moves_temp_into_place_and_leaves_no_temp(tmp_path: Path) -> None:
    dest = tmp_path / "metrics.csv"
    with safeio.atomic_path(dest) as tmp:
        assert tmp.parent == tmp_path
        assert tmp != dest
        assert tmp.suffix == ".csv"  # extension kept for writers that dispatch on it
        assert safeio.is_temp_name(tmp.name)
        tmp.write_text("new", encoding="utf-8")
        assert not dest.exists()
    assert dest.read_text(encoding="utf-8") == "new"
    assert _visible(tmp_path) == ["metrics.csv"]


@pytest.mark.parametrize("exc", [RuntimeError("boom"), KeyboardInterrupt()])
def test_atomic_path_keeps_previous_file_on_error(tmp_path: Path, exc: BaseException) -> None:
    dest = tmp_path / "metrics.csv"
    dest.write_text("old", encoding="utf-8")
    with pytest.raises(type(exc)):
        with safeio.atomic_path(dest) as tmp:
            tmp.write_text("half", encoding="utf-8")
            raise exc
    assert dest.read_text(encoding="utf-8") == "old"
    assert _visible(tmp_path) == ["metrics.csv"]


def test_atomic_path_creates_parent_and_reports_missing_output(tmp_path: Path) -> None:
    dest = tmp_path / "a" / "b" / "t.txt"
    with pytest.raises(FileNotFoundError):
        with safeio.atomic_path(dest):
            pass  # the writer forgot to write
    assert dest.parent.is_dir()
    assert _visible(dest.parent) == []


def test_atomic_path_replaces_a_directory(tmp_path: Path) -> None:
    dest = tmp_path / "text"
    dest.mkdir()
    (dest / "old.txt").write_text("old", encoding="utf-8")
    with safeio.atomic_path(dest) as tmp:
        tmp.mkdir()
        (tmp / "new.txt").write_text("new", encoding="utf-8")
    assert _visible(dest) == ["new.txt"]
    assert _visible(tmp_path) == ["text"]


# --- escape_formula / write_csv ------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86 574", "'+86 574"),
        ("-5%", "'-5%"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\nx"),  # (a lone \r becomes \n: see test_a_carriage_return…)
        ("全年R&D经费支出=1.2亿元", "全年R&D经费支出=1.2亿元"),  # only a leading sign counts
        ("", ""),
        (-5.0, -5.0),
        (3, 3),
        (None, None),
    ],
)
def test_escape_formula(value: object, expected: object) -> None:
    assert safeio.escape_formula(value) == expected


def test_write_csv_bytes(tmp_path: Path) -> None:
    dest = tmp_path / "metrics.csv"
    safeio.write_csv(_frame(), dest)
    assert (
        dest.read_bytes()
        == (
            "\ufeffdoc_id,year,yoy_pct,sentence\n"
            'x01_ningbo_2008,2008,-5.0,"\'=HYPERLINK(""http://x"")"\n'
            "x02_ningbo_2014,,12.5,'-全年专利申请量增长5%\n"
            ",2014,,实现技工贸总收入\n"
        ).encode()
    )


def test_write_csv_keeps_numbers_numeric_and_does_not_touch_input(tmp_path: Path) -> None:
    df = _frame()
    before = df.copy()
    dest = tmp_path / "m.csv"
    safeio.write_csv(df, dest)
    pd.testing.assert_frame_equal(df, before)
    back = pd.read_csv(dest, encoding="utf-8-sig")
    assert back["yoy_pct"].tolist()[:2] == [-5.0, 12.5]
    assert back["sentence"].tolist()[1] == "'-全年专利申请量增长5%"


def test_escape_frame_handles_object_and_categorical_columns() -> None:
    df = pd.DataFrame(
        {
            "mixed": pd.Series(["=cmd", -1.5, None], dtype=object),
            "cat": pd.Categorical(["+x", "y", "+x"]),
            "num": [-1, -2, -3],
        }
    )
    out = safeio.escape_frame(df)
    assert out["mixed"].tolist()[:2] == ["'=cmd", -1.5]
    assert out["cat"].tolist() == ["'+x", "y", "'+x"]
    assert out["num"].tolist() == [-1, -2, -3]
    numbers_only = df[["num"]]
    assert safeio.escape_frame(numbers_only) is numbers_only  # nothing to escape: no copy


@given(st.lists(st.text(max_size=20), min_size=1, max_size=8))
def test_no_csv_cell_reads_back_as_a_formula(cells: list[str]) -> None:
    buf = io.StringIO()
    safeio.escape_frame(pd.DataFrame({"c": cells})).to_csv(buf, index=False)
    buf.seek(0)
    back = pd.read_csv(buf, dtype=str, keep_default_na=False)["c"]
    for value in back:
        assert not value.startswith(("=", "+", "-", "@"))


def test_same_frame_gives_identical_csv_and_parquet_bytes(tmp_path: Path) -> None:
    for name in ("a", "b"):
        safeio.write_csv(_frame(), tmp_path / f"{name}.csv")
        safeio.write_parquet(_frame(), tmp_path / f"{name}.parquet")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    # pyarrow stores only "parquet-cpp-arrow version X" as created_by, no timestamp.
    assert (tmp_path / "a.parquet").read_bytes() == (tmp_path / "b.parquet").read_bytes()


# --- parquet -------------------------------------------------------------------


def test_write_parquet_round_trips(tmp_path: Path) -> None:
    dest = tmp_path / "metrics.parquet"
    safeio.write_parquet(_frame(), dest)
    pd.testing.assert_frame_equal(pd.read_parquet(dest), _frame())  # no escaping in Parquet
    assert _visible(tmp_path) == ["metrics.parquet"]


def test_write_parquet_dataset_swaps_whole_directory(tmp_path: Path) -> None:
    dest = tmp_path / "metrics"
    safeio.write_parquet_dataset(_frame(), dest)
    assert _visible(dest) == [
        "_common_metadata",
        "year=2008",
        "year=2014",
        "year=__HIVE_DEFAULT_PARTITION__",
    ]
    assert _visible(dest / "year=2008") == ["part-0.parquet"]
    safeio.write_parquet_dataset(_frame().iloc[:1], dest)
    assert _visible(dest) == ["_common_metadata", "year=2008"]
    assert _visible(tmp_path) == ["metrics"]
    back = safeio.read_parquet_dataset(dest)
    assert back["doc_id"].tolist() == ["x01_ningbo_2008"]
    assert str(back["year"].dtype) == "Int64"


def test_read_parquet_dataset_restores_null_partition(tmp_path: Path) -> None:
    dest = tmp_path / "metrics"
    safeio.write_parquet_dataset(_frame(), dest)
    back = safeio.read_parquet_dataset(dest).sort_values("yoy_pct", na_position="last")
    assert back["doc_id"].tolist()[:2] == ["x01_ningbo_2008", "x02_ningbo_2014"]
    assert back["year"].isna().tolist() == [False, True, False]


def test_failed_dataset_write_keeps_previous(tmp_path: Path) -> None:
    dest = tmp_path / "metrics"
    safeio.write_parquet_dataset(_frame(), dest)
    with pytest.raises(KeyError):
        safeio.write_parquet_dataset(_frame(), dest, partition_cols=["no_such_column"])
    assert len(safeio.read_parquet_dataset(dest)) == 3
    assert _visible(tmp_path) == ["metrics"]


# --- write_text / write_many ---------------------------------------------------


def test_write_text_is_utf8_and_keeps_newlines(tmp_path: Path) -> None:
    dest = tmp_path / "text" / "x01.txt"
    safeio.write_text("宁波2008年科技工作总结\r\n一年来", dest)
    assert dest.read_bytes() == "宁波2008年科技工作总结\r\n一年来".encode()


def test_write_many_replaces_all_together(tmp_path: Path) -> None:
    a, b = tmp_path / "documents.csv", tmp_path / "metrics.csv"
    safeio.write_many({a: safeio.text_writer("a1"), b: safeio.text_writer("b1")})
    assert (a.read_text(), b.read_text()) == ("a1", "b1")

    def fail(path: Path) -> None:
        path.write_text("partial")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        safeio.write_many({a: safeio.text_writer("a2"), b: fail})
    assert (a.read_text(), b.read_text()) == ("a1", "b1")  # a2 was staged, never moved in
    assert _visible(tmp_path) == ["documents.csv", "metrics.csv"]


def test_write_many_with_factories(tmp_path: Path) -> None:
    out = {
        tmp_path / "m.csv": safeio.csv_writer(_frame()),
        tmp_path / "m.parquet": safeio.parquet_writer(_frame()),
        tmp_path / "m_by_year": safeio.parquet_dataset_writer(_frame()),
    }
    safeio.write_many(out)
    safeio.write_csv(_frame(), tmp_path / "ref.csv")
    assert (tmp_path / "m.csv").read_bytes() == (tmp_path / "ref.csv").read_bytes()
    assert pq.read_table(tmp_path / "m.parquet").num_rows == 3
    assert len(safeio.read_parquet_dataset(tmp_path / "m_by_year")) == 3


# --- stale temps ---------------------------------------------------------------


def test_remove_stale_temps_deletes_temps_and_restores_swapped_out_dir(tmp_path: Path) -> None:
    (tmp_path / "metrics.csv").write_text("ok")
    (tmp_path / ".metrics.csv.0123abcd.tmp.csv").write_text("half")
    (tmp_path / ".notes.txt").write_text("user file")  # hidden but not ours
    old = tmp_path / ".metrics.89abcdef.old"  # killed between the two renames
    old.mkdir()
    (old / "part-0.parquet").write_bytes(b"x")
    removed = safeio.remove_stale_temps(tmp_path)
    assert [p.name for p in removed] == [".metrics.csv.0123abcd.tmp.csv"]
    assert _visible(tmp_path) == [".notes.txt", "metrics", "metrics.csv"]
    assert _visible(tmp_path / "metrics") == ["part-0.parquet"]
    assert safeio.remove_stale_temps(tmp_path / "missing") == []


def test_is_temp_name() -> None:
    assert safeio.is_temp_name(".metrics.csv.0123abcd.tmp.csv")
    assert safeio.is_temp_name(".metrics.0123abcd.tmp")
    assert not safeio.is_temp_name("metrics.csv")
    assert not safeio.is_temp_name(".metrics.csv")


# --- HTML ----------------------------------------------------------------------


def test_escape_html() -> None:
    assert safeio.escape_html("<script>alert(\"x\")</script> & '科技'") == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;科技&#x27;"
    )


def test_fsync_failure_is_not_swallowed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dest = tmp_path / "m.txt"
    dest.write_text("old")

    def broken(fd: int) -> None:
        raise OSError(5, "I/O error")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(OSError):
        safeio.write_text("new", dest)
    assert dest.read_text() == "old"
    assert _visible(tmp_path) == ["m.txt"]


def test_replace_all_moves_streamed_temps(tmp_path: Path) -> None:
    dest_a, dest_b = tmp_path / "documents.csv", tmp_path / "metrics.csv"
    dest_a.write_text("old")
    tmp_a, tmp_b = safeio.temp_sibling(dest_a), safeio.temp_sibling(dest_b)
    assert safeio.is_temp_name(tmp_a.name) and tmp_a.parent == tmp_path
    tmp_a.write_text("a")
    tmp_b.write_text("b")
    safeio.replace_all([(tmp_a, dest_a), (tmp_b, dest_b)])
    assert (dest_a.read_text(), dest_b.read_text()) == ("a", "b")
    assert _visible(tmp_path) == ["documents.csv", "metrics.csv"]


def test_replace_all_cleans_up_when_a_temp_is_missing(tmp_path: Path) -> None:
    dest_a, dest_b = tmp_path / "a.csv", tmp_path / "b.csv"
    tmp_a = safeio.temp_sibling(dest_a)
    tmp_a.write_text("a")
    with pytest.raises(FileNotFoundError):
        safeio.replace_all([(tmp_a, dest_a), (safeio.temp_sibling(dest_b), dest_b)])
    assert _visible(tmp_path) == []


def test_a_carriage_return_cannot_start_a_row_that_reads_as_a_formula() -> None:
    """Found by hypothesis: pandas does not quote a cell with a lone \\r."""
    buf = io.StringIO()
    safeio.escape_frame(pd.DataFrame({"c": ["\r=SUM(A1)", "a\rb", "ok"]})).to_csv(buf, index=False)
    buf.seek(0)
    back = pd.read_csv(buf, dtype=str, keep_default_na=False)["c"].tolist()
    assert back == ["'\n=SUM(A1)", "a\nb", "ok"]
