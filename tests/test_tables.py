"""Tables: records rendered to CSV where they are made must equal the frame's CSV."""

import io
import re

import pandas as pd
import pandera.errors
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import safeio, schema, tables
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
    with pytest.raises(pandera.errors.SchemaErrors, match="kind"):
        sink.close()
    sink.abort()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='=+-@\t\r\n,"a高', max_size=30))
def test_formula_check_finds_what_its_plain_form_finds(text):
    plain = re.compile('(?:^|,)"?[' + re.escape("".join(safeio.FORMULA_PREFIXES)) + "]", re.M)
    assert bool(tables._MAYBE_FORMULA.search(text)) == bool(plain.search(text))
