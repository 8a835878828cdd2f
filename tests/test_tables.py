"""Tables: records rendered to CSV where they are made must equal the frame's CSV."""

import io
import re

import pandas as pd
import pandera.errors
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import records, safeio, schema, tables
from analysis.models import Figure, Repair

_TEXT = st.text(alphabet="=+-@\t\r\n,\"' 高新技术企业家亿元%1.", max_size=12)
_FLOAT = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=False, width=64),
                   st.sampled_from([1421000000.0, 84980000000.0, 2.84, -5.0, 0.1 + 0.2]))


@st.composite
def figures(draw):
    return Figure(
        doc_id=draw(st.sampled_from(["d1", "-d2", "=d3"])),
        metric_id=draw(st.sampled_from(["", "rd_expenditure"])),
        metric_name=draw(_TEXT), indicator=draw(_TEXT),
        value=draw(st.floats(allow_nan=False, allow_infinity=False, width=64)),
        unit=draw(st.sampled_from(["元", "%", "件/万人"])), yoy_pct=draw(_FLOAT),
        qualifier=draw(st.sampled_from(["", ">", "~", "range"])),
        year=draw(st.one_of(st.none(), st.integers(1990, 2030))),
        period=draw(st.sampled_from(["FY", "H1", "M1-M5", "2016-2020"])),
        kind=draw(st.sampled_from(["actual", "estimate", "target"])),
        sentence=draw(_TEXT), char_start=draw(st.integers(0, 10**6)),
        char_end=draw(st.integers(0, 10**6)), raw=draw(_TEXT), region=draw(_TEXT),
        value_high=draw(_FLOAT), note=draw(_TEXT),
    )


def _frame(table, records):
    return tables.columns_frame(table, [tables.record_columns(table, records)])


def _frame_csv(table, frame):
    buf = io.StringIO()
    safeio.escape_frame(schema.validate(table, frame).reset_index(drop=True)).to_csv(
        buf, index=False, header=False, lineterminator="\n", float_format=tables.FLOAT_FORMAT)
    return buf.getvalue()


@settings(max_examples=60, deadline=None)  # each example is a pandera validation (~0.2 s)
@given(st.lists(figures(), max_size=8))
def test_csv_text_of_figures_equals_the_csv_of_their_frame(records):
    expected = _frame_csv("metrics", _frame("metrics", records)) if records else ""
    assert tables.csv_text("metrics", records) == expected


@settings(max_examples=30, deadline=None)  # a pandas CSV per example
@given(st.lists(figures(), max_size=8))
def test_arrow_csv_text_equals_the_csv_pandas_writes_of_the_same_table(records):
    """The writer renders tables given as Arrow (the documents, the run log) without
    pandas: cell for cell what pandas wrote of the conformed frame."""
    arrow = tables.columns_table("metrics", [tables.record_columns("metrics", records)])
    expected = _frame_csv("metrics", tables.table_frame(arrow)) if records else ""
    assert tables.arrow_csv_text(arrow) == expected


def test_arrow_csv_text_of_run_log_and_documents_rows():
    log = [{"source_file": "=a.txt", "doc_id": "a", "status": "ok", "reason": "read, 1",
            "fmt": "txt", "encoding": None, "n_chars": 12, "n_figures": 0, "cached": 1},
           {"source_file": "b \"x\".doc", "doc_id": None, "status": "failed", "reason": "",
            "fmt": "doc", "encoding": "gb18030", "n_chars": None, "n_figures": None,
            "cached": 0}]
    docs = [{"doc_id": "a", "title": "+标题", "report_year": 2012, "region_confidence": 0.1 + 0.2,
             "year_confidence": None, "share_mapped": 1 / 3, "n_chars": 5, "region_masked": 0,
             "source_file": "a,b.txt", "sha256": "0" * 64, "n_figures": 3}]
    for table, rows in (("run_log", log), ("documents", docs)):
        arrow = tables.rows_table(table, rows)
        assert tables.arrow_csv_text(arrow) == _frame_csv(table, tables.table_frame(arrow))


_ENUM_OR_NOT = st.sampled_from(["actual", "target", "estimate", "", "Actual", "计划"])


@settings(max_examples=30, deadline=None)  # a pandera validation per example
@given(st.lists(figures(), min_size=1, max_size=6), st.lists(_ENUM_OR_NOT, min_size=6,
                                                             max_size=6),
       st.lists(st.sampled_from(["d1", "", None]), min_size=6, max_size=6))
def test_check_arrow_refuses_what_pandera_refuses(records, kinds, doc_ids):
    """The writer's Arrow checks accept and refuse exactly the tables pandera did."""
    parts = tables.record_columns("metrics", records)
    parts["kind"] = kinds[:len(records)]
    parts["doc_id"] = doc_ids[:len(records)]
    arrow = tables.columns_table("metrics", [parts])
    try:
        schema.check("metrics", tables.table_frame(arrow))
        pandera_ok = True
    except pandera.errors.SchemaErrors:
        pandera_ok = False
    try:
        tables.check_arrow("metrics", arrow)
        arrow_ok = True
    except tables.TableInvalid:
        arrow_ok = False
    assert arrow_ok == pandera_ok


def test_year_partitions_read_back_as_write_to_dataset_wrote_them(tmp_path):
    years = [2012, None, 2012, 2020, 2020, 2012]
    recs = [Figure("d1", "", "", "研发投入", float(i), "元", None, "", y, "FY", "actual",
                   "研发投入1元。", i, i + 1, "1元", "", None, "") for i, y in enumerate(years)]
    arrow = tables.columns_table("metrics", [tables.record_columns("metrics", recs)])
    arrow = arrow.append_column(tables.ROW_COLUMN, pa.array(range(len(years)), pa.int64()))
    tables._write_partitions(arrow, tmp_path / "ours", "year", "part-00000-0.parquet")
    pq.write_to_dataset(arrow, tmp_path / "theirs", partition_cols=["year"],
                        basename_template="part-00000-{i}.parquet")

    def files(root):
        return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.parquet"))

    assert files(tmp_path / "ours") == files(tmp_path / "theirs")

    def read(root):
        got = ds.dataset(root, format="parquet", partitioning="hive").to_table()
        return got.sort_by(tables.ROW_COLUMN).select(arrow.schema.names)

    assert read(tmp_path / "ours").equals(read(tmp_path / "theirs"))
    for name in files(tmp_path / "ours"):
        assert pq.read_table(tmp_path / "ours" / name).equals(
            pq.read_table(tmp_path / "theirs" / name))


def test_csv_text_escapes_formulas_and_formats_floats():
    rec = Figure("d1", "", "", "=SUM(A1)", 84980000000.0, "元", None, "", 2015, "FY",
                 "actual", "-5家,见下", 0, 3, "+1", "", None, "")
    line = tables.csv_text("metrics", [rec])
    assert "'=SUM(A1)" in line and "84980000000" in line and "'-5家,见下" in line
    assert line == _frame_csv("metrics", _frame("metrics", [rec]))


def test_columns_frame_stacks_record_columns_in_order():
    reps = [Repair("d1", 3, "H作", "工作", "ocr_h_gong"), Repair("d2", 9, "机", "%", "ocr")]
    parts = [tables.record_columns("repairs", reps[:1]), tables.record_columns("repairs", reps[1:])]
    assert tables.columns_frame("repairs", parts).equals(_frame("repairs", reps))


@settings(max_examples=50, deadline=None)  # a pandera validation per example
@given(st.lists(figures(), max_size=8), st.integers(0, 3))
def test_columns_table_equals_the_conformed_frame_of_the_same_columns(records, split):
    """The Arrow path the writer takes gives the table the DataFrame path gave."""
    parts = [tables.record_columns("metrics", records[:split]),
             tables.record_columns("metrics", records[split:])]
    data = {c: [v for p in parts for v in p[c]] for c in schema.columns("metrics")}
    expected = tables.frame_table("metrics", pd.DataFrame(data, columns=schema.columns("metrics")))
    assert tables.columns_table("metrics", parts).equals(expected)


def test_values_arrow_will_not_take_are_coerced_as_conform_does():
    parts = [{"doc_id": ["d1"], "offset": ["12"], "before": ["H作"], "after": ["工作"],
              "rule": ["ocr"]}]  # an offset written as text
    table = tables.columns_table("repairs", parts)
    assert table.column("offset").to_pylist() == [12]


def test_a_row_breaking_the_schema_fails_and_nothing_is_moved_into_place(tmp_path):
    rec = Figure("d1", "", "", "研发投入", 1.0, "元", None, "", 2015, "FY", "guess",
                 "研发投入1元。", 0, 3, "1元", "", None, "")
    sink = tables.TableSink("metrics", tmp_path, partition_col="year")
    sink.add(tables.columns_table("metrics", [tables.record_columns("metrics", [rec])]),
             tables.csv_text("metrics", [rec]))
    with pytest.raises(tables.TableInvalid, match="kind"):
        sink.close()
    sink.abort()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='=+-@\t\r\n,"a高', max_size=30))
def test_formula_check_finds_what_its_plain_form_finds(text):
    plain = re.compile('(?:^|,)"?[' + re.escape("".join(safeio.FORMULA_PREFIXES)) + "]", re.M)
    assert bool(records._MAYBE_FORMULA.search(text)) == bool(plain.search(text))


@pytest.mark.parametrize("finish_bytes", [10**9, 1, 1500])
def test_region_stage_writes_each_region_sorted_in_its_own_row_groups(tmp_path, monkeypatch,
                                                                    finish_bytes):
    """finish() takes each row group from the rows as read (no sorted copy of the whole
    province): the file is the province's rows sorted by region then row, a region's
    rows in row groups of at most REGION_GROUP_ROWS; the same when a province is read in
    waves of a few regions (a tiny FINISH_BYTES: a region per wave, or a few)."""
    monkeypatch.setattr(tables, "REGION_GROUP_ROWS", 3)
    monkeypatch.setattr(tables, "FINISH_BYTES", finish_bytes)
    regions = ["乙市", None, "甲市", "乙市", "甲市", "乙市", None, "乙市", "乙市", "甲市", "乙市"]
    recs = [Figure("d1", "", "", "研发投入", float(i), "元", None, "", 2015, "FY", "actual",
                   "s", i, i + 1, "1元", r or "", None, "") for i, r in enumerate(regions)]
    arrow = tables.columns_table("metrics", [tables.record_columns("metrics", recs)])
    arrow = arrow.append_column(tables.ROW_COLUMN, pa.array(range(len(recs)), pa.int64()))
    stage = tables._RegionStage("metrics", tmp_path / "ds")
    provinces = pa.array(["P"] * len(recs), pa.string())
    stage.add(arrow.slice(0, 5), provinces.slice(0, 5))
    stage.add(arrow.slice(5), provinces.slice(5))
    waves = []
    real_waves = tables._waves
    monkeypatch.setattr(tables, "_waves", lambda *args: waves.append(real_waves(*args))
                        or waves[-1])
    stage.finish()
    assert (waves == [[None]]) == (finish_bytes == 10**9)
    if finish_bytes == 1:
        assert [(w[0].to_pylist(), w[1]) for w in waves[0]] == [
            (["乙市"], False), (["甲市"], False), ([], True)]
    got = pq.ParquetFile(tmp_path / "ds" / "province=P" / "part-0.parquet")
    want = arrow.take(pc.sort_indices(arrow, [("region", "ascending"),
                                              (tables.ROW_COLUMN, "ascending")]))
    assert got.read().equals(want)
    sizes = [got.metadata.row_group(i).num_rows for i in range(got.num_row_groups)]
    assert sizes == [3, 3, 3, 2]  # 乙市 ×6 → 3 + 3, 甲市 ×3, missing ×2


_CELLS = {
    "str": st.one_of(st.none(), st.text(alphabet="ab高\x00\udc80 ", max_size=6), st.just(""),
                     st.integers(0, 9), st.just(float("nan"))),
    "float": st.one_of(st.none(), st.floats(width=64), st.integers(-9, 9)),
    "Int64": st.one_of(st.none(), st.integers(-2**63, 2**63 - 1), st.just(2**63), st.booleans(),
                       st.just(1.5)),
}


def _reference(values, dtype, empty_is_null):
    arr = pa.array(values, type=tables._ARROW[dtype], from_pandas=True)
    if empty_is_null:
        arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)
    return arr


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(_CELLS)).flatmap(
    lambda d: st.tuples(st.just(d), st.lists(_CELLS[d], max_size=12), st.booleans())))
def test_arrow_array_equals_pyarrow_array_or_raises_what_it_raises(case):
    """The writer's pandas-free arrays are pyarrow's own, cell for cell (missing where it
    puts missing), and a value pyarrow refuses is refused the same way."""
    dtype, values, empty = case
    empty = empty and dtype == "str"
    try:
        want = _reference(values, dtype, empty)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError, UnicodeError) as exc:
        with pytest.raises(type(exc)):
            tables.arrow_array(values, dtype, empty)
        return
    got = tables.arrow_array(values, dtype, empty)
    got.validate(full=True)
    assert got.type == want.type and got.null_count == want.null_count
    assert got.equals(want)


def test_long_columns_take_pyarrow_array_and_equal_the_short_path(monkeypatch):
    values = ["高新", None, "", "a"] * 3
    short = tables.arrow_array(values, "str", True)
    monkeypatch.setattr(tables, "SMALL_ARRAY", 2)
    assert tables.arrow_array(values, "str", True).equals(short)


def test_a_carriage_return_in_a_figures_text_cannot_open_a_row_of_its_own():
    """The worker's CSV rendering writes a \\r as \\n like the pandas path (a lone \\r is
    not quoted by either writer, and a reader ends the row there)."""
    fig = Figure(doc_id="d1", metric_id="", metric_name="", indicator="x", value=1.0, unit="元",
                 yoy_pct=None, qualifier="", year=2023, period="FY", kind="actual",
                 sentence="甲\r=HYPERLINK(1)", char_start=0, char_end=1, raw="1\r", region="",
                 value_high=None, note="")
    text = tables.csv_text("metrics", [fig])
    assert text == _frame_csv("metrics", _frame("metrics", [fig]))
    back = pd.read_csv(io.StringIO(text), header=None, dtype=str, keep_default_na=False)
    assert len(back) == 1 and not any(str(v).startswith("=") for v in back.iloc[0])
