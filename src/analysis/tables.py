"""Per-document results → validated tables, written in chunks and moved into place at once.

Each table goes to a CSV (UTF-8 with BOM, so Excel shows the Chinese) and a
Parquet file. Everything is written to temporary files beside the destination
and renamed only when the whole run succeeded, so an interrupted run leaves the
previous outputs as they were. Rows are validated against ``data/fields.csv`` in
batches while they stream to those temporaries; a failing batch stops the run
before anything is moved into place.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import json
import os
import re
import time
from array import array
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from . import safeio, schema

if TYPE_CHECKING:  # imported where a frame is made or read: writing the tables needs none
    import pandas as pd
    import pyarrow.dataset as ds  # imports pandas: only the readers use it

# The worker-side rows (standard library only) live in records; offered here too.
from .records import FLOAT_FORMAT, csv_text, document_row, record_columns  # noqa: F401

# Rows are validated, then appended to the partitioned dataset, in batches of this size:
# it bounds memory, and pandera costs ~15 ms a call whatever the size (per 200-document
# chunk that was most of the writing process's time).
BATCH_ROWS = 50_000
_ARROW = {"str": pa.string(), "float": pa.float64(), "Int64": pa.int64()}


class Tables:
    """The four tables of a run. Written tables are read on first access, so a run over
    a large corpus does not hold them all in memory just to report its summary."""

    NAMES = schema.TABLES
    OPTIONAL = ("rejected", "corrections_log")  # absent from older outputs: read as empty

    def __init__(self, out_dir: Path | str | None = None, summary: dict | None = None,
                 **frames: pd.DataFrame):
        self.out_dir = Path(out_dir) if out_dir is not None else None
        self.summary = summary or {}
        self._frames: dict[str, pd.DataFrame] = dict(frames)

    def __getitem__(self, name: str) -> pd.DataFrame:
        import pandas as pd

        if name not in self.NAMES:
            raise KeyError(f"unknown table {name!r}; expected one of {', '.join(self.NAMES)}")
        if name not in self._frames:
            if name in self.OPTIONAL and (
                    self.out_dir is None or not table_exists(self.out_dir, name)):
                return schema.conform(name, pd.DataFrame(columns=schema.columns(name)))
            if self.out_dir is None:
                raise KeyError(f"table {name!r} was not given and there is no folder to read")
            self._frames[name] = read_table(self.out_dir, name)
        return self._frames[name]

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name in Tables.NAMES:
            return self[name]
        raise AttributeError(name)


def frame_columns(table: str, df: pd.DataFrame) -> dict[str, list]:
    """A conformed frame as :func:`record_columns` gives it (missing values as None)."""
    import pandas as pd

    conformed = schema.conform(table, df)
    return {c: [None if v is pd.NA or (isinstance(v, float) and v != v) else v
                for v in conformed[c].astype(object).tolist()] for c in conformed.columns}


def frame_csv_text(table: str, df: pd.DataFrame) -> str:
    """A frame's CSV lines (no header), exactly as :class:`TableSink` writes them."""
    buf = io.StringIO()
    safeio.escape_frame(table_frame(frame_table(table, df))).to_csv(
        buf, index=False, header=False, lineterminator="\n", float_format=FLOAT_FORMAT)
    return buf.getvalue()


_NONE = type(None)
SMALL_ARRAY = 1000  # values: a column this short is built from buffers (see arrow_array)


def _bitmap(valid: np.ndarray) -> tuple[pa.Buffer | None, int]:
    """Arrow's validity bitmap of a boolean mask (None when every value is valid)."""
    nulls = int(valid.size - np.count_nonzero(valid))
    return (pa.py_buffer(np.packbits(valid, bitorder="little")) if nulls else None), nulls


def _valid_of(values: list) -> np.ndarray:
    return np.fromiter((v is not None for v in values), dtype=bool, count=len(values))


def _strings(values: list, empty_is_null: bool) -> pa.Array | None:
    """A string array made with a few C-level passes (one join, one encode, numpy scans
    for the offsets), or None when a value is not a str (or holds a NUL) and the caller
    must ask :func:`pyarrow.array`."""
    n = len(values)
    kinds = set(map(type, values))
    if not kinds <= {str, _NONE}:
        return None
    nones = _NONE in kinds
    texts = ["" if v is None else v for v in values] if nones else values
    try:
        data = "\x00".join(texts).encode("utf-8")
    except UnicodeEncodeError:
        return None
    seps = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 0)
    if len(seps) != n - 1 or len(data) - (n - 1) > 2**31 - 1:
        return None
    offsets = np.empty(n + 1, dtype=np.int32)
    offsets[0] = 0
    offsets[1:n] = seps - np.arange(n - 1)
    offsets[n] = len(data) - (n - 1)
    if empty_is_null:  # None and "" alike: both have no bytes
        valid = np.diff(offsets) > 0
    else:
        valid = _valid_of(values) if nones else np.ones(n, dtype=bool)
    bitmap, nulls = _bitmap(valid)
    body = data.replace(b"\x00", b"") if n > 1 else data
    return pa.Array.from_buffers(pa.string(), n, [bitmap, pa.py_buffer(offsets),
                                                  pa.py_buffer(body)], null_count=nulls)


def _numbers(values: list, dtype: str) -> pa.Array | None:
    """A float64 (NaN and None missing) or int64 (None missing) array from a numpy array,
    or None for values of another type (the caller asks :func:`pyarrow.array`)."""
    kinds = set(map(type, values))
    nones = _NONE in kinds
    if dtype == "float":
        if not kinds <= {float, _NONE}:
            return None
        arr = np.array([np.nan if v is None else v for v in values] if nones else values,
                       dtype=np.float64)
        valid, typ = ~np.isnan(arr), pa.float64()
    else:
        if not kinds <= {int, _NONE}:
            return None
        try:
            arr = array("q", [0 if v is None else v for v in values] if nones else values)
        except OverflowError:
            return None
        valid, typ = (_valid_of(values) if nones else np.ones(len(values), dtype=bool)), pa.int64()
    bitmap, nulls = _bitmap(valid)
    return pa.Array.from_buffers(typ, len(values), [bitmap, pa.py_buffer(arr)], null_count=nulls)


def arrow_array(values: list, dtype: str, empty_is_null: bool = False) -> pa.Array:
    """``values`` as an Arrow array of a declared type (``str``, ``float``, ``Int64``):
    None, and NaN in a float column, missing; with ``empty_is_null`` an empty string too.
    Equal to ``pyarrow.array(values, type, from_pandas=True)`` (``tests/test_tables.py``
    compares them); raises what that raises for values it will not take.

    Why not always that function: on its first call for a list pyarrow imports pandas
    (``array`` asks whether the list is a pandas object): half a second of a one-file
    run, in a writing process that needs no frame. Up to :data:`SMALL_ARRAY` values the
    array is built from buffers instead (a join and an encode for strings, numpy for
    numbers); longer columns, about 1.5 times faster with ``pyarrow.array``, pay the
    import once per run.
    """
    if not values:
        return pa.nulls(0, _ARROW[dtype])
    if len(values) <= SMALL_ARRAY:
        arr = _strings(values, empty_is_null) if dtype == "str" else _numbers(values, dtype)
        if arr is not None:
            return arr
    arr = pa.array(values, type=_ARROW[dtype], from_pandas=True)
    if dtype == "str" and empty_is_null:
        arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)
    return arr


def columns_table(table: str, parts: list[dict[str, list]]) -> pa.Table:
    """Several :func:`record_columns` results, in order, as one Arrow table of the
    declared types: the form that is validated and written.

    Why Arrow: building it from the lists is twice as fast as a DataFrame, and Parquet
    takes it as it is. As in :func:`schema.conform`, an empty string in an enum or
    nullable column becomes missing and NaN becomes missing. Values Arrow will not take
    as the declared type go the DataFrame way, which coerces as ``conform`` does.
    """
    arrays = []
    try:
        for f in schema.fields(table):
            values = parts[0][f.name] if len(parts) == 1 else list(
                chain.from_iterable([part[f.name] for part in parts]))  # (in C, not a loop)
            arrays.append(arrow_array(values, f.dtype,
                                      f.dtype == "str" and bool(f.enum or f.nullable)))
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        import pandas as pd

        data = {c: [v for part in parts for v in part[c]] for c in schema.columns(table)}
        return frame_table(table, pd.DataFrame(data, columns=schema.columns(table)))
    return pa.Table.from_arrays(arrays, schema=arrow_schema(table))


def rows_table(table: str, rows: list[dict]) -> pa.Table:
    """Row dicts (the documents table, the run log) as :func:`columns_table` does."""
    cols = schema.columns(table)
    return columns_table(table, [{c: [row.get(c) for row in rows] for c in cols}])


def frame_table(table: str, df: pd.DataFrame) -> pa.Table:
    """A frame, conformed to the declared columns and types, as an Arrow table."""

    conformed = schema.conform(table, df).reset_index(drop=True)
    return pa.Table.from_pandas(conformed, schema=arrow_schema(table), preserve_index=False)


def table_frame(arrow: pa.Table) -> pd.DataFrame:
    """An Arrow table of declared types as the conformed DataFrame (strings stay in Arrow)."""
    import pandas as pd

    declared = {pa.string(): pd.StringDtype(), pa.int64(): pd.Int64Dtype()}  # Arrow → declared
    return arrow.to_pandas(types_mapper=declared.get)


def columns_frame(table: str, parts: list[dict[str, list]]) -> pd.DataFrame:
    """One conformed frame from several :func:`record_columns` results, in order."""
    return table_frame(columns_table(table, parts))


def arrow_csv_text(arrow: pa.Table) -> str:
    """An Arrow table of declared types as CSV lines (no header), cell for cell as pandas
    writes its conformed frame (formula-escaped strings, :data:`FLOAT_FORMAT` floats,
    empty cells for missing values): the writing process renders the documents table and
    the run log without importing pandas."""
    cells = []
    for name, column in zip(arrow.schema.names, arrow.columns, strict=True):
        values = column.to_pylist()
        kind = arrow.schema.field(name).type
        if pa.types.is_floating(kind):
            cells.append(["" if v is None or v != v else FLOAT_FORMAT % v for v in values])
        elif pa.types.is_string(kind):
            cells.append([v if v is None else safeio.escape_formula(v) for v in values])
        else:
            cells.append(values)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(zip(*cells, strict=True))
    return buf.getvalue()


class TableInvalid(ValueError):
    """Rows that break the declared columns (``data/fields.csv``): a missing value where
    none is allowed, or a value outside its vocabulary. Nothing is moved into place."""


def check_arrow(table: str, arrow: pa.Table, shown: int = 5) -> pa.Table:
    """Validate an Arrow table of the declared types (:func:`columns_table`) as
    :func:`schema.check` validates its frame: every column present, in order, of its
    type; no missing value where the column allows none (an enum with an empty value
    allows it); enum columns hold their vocabulary's values only. Raises
    :class:`TableInvalid` naming each failing column and some of its values.

    Why not pandera: a frame made for it costs the writing process pandas and pandera
    (about 1.5 s of start-up) and ~15 ms a call; these checks read the Arrow columns."""
    expected = arrow_schema(table)
    if not arrow.schema.equals(expected):
        raise TableInvalid(f"{table}: columns {arrow.schema.names} (types "
                           f"{[str(t) for t in arrow.schema.types]}) are not the declared "
                           f"{expected.names}")
    problems = []
    for f in schema.fields(table):
        column = arrow.column(f.name)
        if not (f.nullable or "" in f.enum) and column.null_count:
            problems.append(f"column '{f.name}' has {column.null_count} missing values")
        allowed = [e for e in f.enum if e]
        if allowed:
            inside = pc.is_in(column, value_set=arrow_array(allowed, "str"))
            bad = column.filter(pc.and_(pc.is_valid(column), pc.invert(inside)))
            if len(bad):
                values = sorted(set(bad.to_pylist()))
                problems.append(f"column '{f.name}' has {len(bad)} values outside its "
                                f"vocabulary: {values[:shown]}")
    if problems:
        raise TableInvalid(f"table {table}: " + "; ".join(problems))
    return arrow


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema([(f.name, _ARROW[f.dtype]) for f in schema.fields(table)])


ROW_COLUMN = "_row"  # in the datasets: the row's place in the whole table (order restored)
PROVINCE_KEY = "province"  # the region dataset's folder key (the document's province)
REGION_GROUP_ROWS = 65_536  # a region's rows per row group (one group for nearly every region)


def region_dataset(table: str) -> str:
    return f"{table}_by_region"


def year_dataset(table: str) -> str:
    return f"{table}_by_year"


def hive_segment(value: str | None) -> str:
    """A partition value as a folder name pyarrow's hive partitioning reads back (its
    ``uri`` decoding): Chinese kept as it is, characters that could break a path
    (``/``, ``%``, control characters, a leading dot) percent-encoded; missing → the hive
    null marker."""
    if value is None or value == "":
        return "__HIVE_DEFAULT_PARTITION__"
    out = []
    for i, ch in enumerate(value):
        unsafe = ch in "/\\%=" or not ch.isprintable() or (i == 0 and ch in "._")
        out.append("".join(f"%{b:02X}" for b in ch.encode()) if unsafe else ch)
    return "".join(out)


def _equal_mask(values: pa.Array, value: object) -> pa.Array:
    """Where ``values`` equals ``value`` (None: where it is missing); a missing value
    elsewhere gives a null, which ``filter`` drops. The value is made an array, not a
    scalar: pyarrow imports pandas to convert a Python scalar."""
    if value is None:
        return pc.is_null(values)
    other = arrow_array([value], "str") if isinstance(value, str) else \
        pa.Array.from_buffers(pa.int64(), 1, [None, pa.py_buffer(np.array([value], np.int64))])
    return pc.equal(values, other[0])


class _RegionStage:
    """Rows of a table staged per province while a run streams; :meth:`finish` writes
    ``<table>_by_region/province=<P>/part-0.parquet`` with each region's rows together
    (its own row group, in their original order), so a reader asking for a region
    reads that row group only (pyarrow prunes row groups by their region statistics,
    and folders by province)."""

    def __init__(self, table: str, root: Path):
        self.table = table
        self.root = root
        self.stage = root / ".stage"  # dot: never part of the dataset
        self.stage.mkdir(parents=True)
        self.schema = arrow_schema(table).append(pa.field(ROW_COLUMN, pa.int64()))
        self._writers: dict[str | None, pq.ParquetWriter] = {}
        self._nbytes: dict[str | None, int] = {}  # each province's rows in memory (Arrow)

    def add(self, batch: pa.Table, provinces: pa.Array) -> None:
        for province in pc.unique(provinces).to_pylist():
            part = batch.filter(_equal_mask(provinces, province))
            writer = self._writers.get(province)
            if writer is None:
                # No statistics: nobody filters the staging, and a writer keeps every row
                # group's (the sentences' minimum and maximum) in memory until it closes.
                writer = pq.ParquetWriter(self.stage / f"{len(self._writers)}.parquet",
                                          self.schema, write_statistics=False)
                self._writers[province] = writer
            writer.write_table(part)
            self._nbytes[province] = self._nbytes.get(province, 0) + part.nbytes

    def finish(self) -> None:
        """One file per province, rows sorted by region (stable: original order within);
        the staging is removed.

        A province's rows are read a few regions at a time, at most about
        :data:`FINISH_BYTES` of them (a wave of consecutive regions in sort order, so
        the waves' groups written one after the other are the sorted province): the
        largest province read whole was the writing process's peak memory, growing with
        the corpus (800 MB at 100,000 reports). A wave reads every staged row group and
        keeps its regions' rows; a province that fits is read once, as before."""
        for i, (province, writer) in enumerate(list(self._writers.items())):
            writer.close()
            staged = self.stage / f"{i}.parquet"
            source = pq.ParquetFile(staged)
            folder = self.root / f"{PROVINCE_KEY}={hive_segment(province)}"
            folder.mkdir()
            with pq.ParquetWriter(folder / "part-0.parquet", self.schema) as out:
                for wave in _waves(source, self._nbytes.get(province, 0)):
                    if wave is not None and len(wave[0]) + wave[1] == 1:
                        _stream_region(source, out, *wave)  # one region: already in order
                        continue
                    rows = source.read() if wave is None else _wave_rows(source, *wave)
                    _write_region_groups(out, rows)
                    del rows
            del source
            staged.unlink()
        self._writers = {}
        self.stage.rmdir()
        pq.write_metadata(self.schema, self.root / "_common_metadata")

    def abort(self) -> None:
        for writer in self._writers.values():
            try:
                writer.close()
            except Exception:  # noqa: BLE001 - cleaning up after a failure already raised
                pass


FINISH_BYTES = 64 * 2**20  # a province's rows (as Arrow holds them) read at once by finish


def _waves(source: pq.ParquetFile, nbytes: int) -> list[tuple[pa.Array, bool] | None]:
    """The regions of a staged province (``nbytes`` in memory) in waves of at most
    :data:`FINISH_BYTES` of rows (a region larger than that is a wave alone): each wave
    the next regions in sort order (missing last, as ``sort_indices`` puts it), and
    whether it takes the rows without a region. ``[None]``: the province fits, read it
    whole."""
    total = source.metadata.num_rows
    if nbytes <= FINISH_BYTES or total == 0:
        return [None]
    budget = max(1, int(FINISH_BYTES / (nbytes / total)))  # rows per wave
    regions = source.read(columns=["region"]).column("region")
    counts = pc.value_counts(regions)
    values, n = counts.field("values"), counts.field("counts")
    order = pc.sort_indices(values)
    values, n = values.take(order), n.take(order).to_pylist()
    waves: list[tuple[pa.Array, bool] | None] = []
    start = rows = 0
    for i, count in enumerate(n):
        if rows and rows + count > budget:
            waves.append(_wave(values.slice(start, i - start)))
            start, rows = i, 0
        rows += count
    waves.append(_wave(values.slice(start, len(n) - start)))
    return waves


def _wave(values: pa.Array) -> tuple[pa.Array, bool]:
    return values.drop_null(), values.null_count > 0


def _wave_rows(source: pq.ParquetFile, regions: pa.Array, missing: bool) -> pa.Table:
    """The staged rows whose region is one of ``regions`` (or missing, with ``missing``),
    read one row group at a time."""
    return pa.concat_tables(list(_wave_parts(source, regions, missing)))


def _wave_parts(source: pq.ParquetFile, regions: pa.Array, missing: bool) -> Iterator[pa.Table]:
    for g in range(source.num_row_groups):
        group = source.read_row_group(g)
        column = group.column("region")
        mask = pc.is_in(column, value_set=regions)
        if missing:
            mask = pc.or_(mask, pc.is_null(column))
        yield group.filter(mask)


def _stream_region(source: pq.ParquetFile, out: pq.ParquetWriter, regions: pa.Array,
                   missing: bool) -> None:
    """One region's rows (a wave alone: more than :data:`FINISH_BYTES`), in row groups of
    :data:`REGION_GROUP_ROWS` as :func:`_write_region_groups` makes them, at most two
    groups' rows in memory: staged in row order, they need no sort."""
    held: list[pa.Table] = []
    n = 0
    for group in _wave_parts(source, regions, missing):
        held.append(group)
        n += group.num_rows
        while n >= REGION_GROUP_ROWS:
            rows = pa.concat_tables(held)
            out.write_table(rows.slice(0, REGION_GROUP_ROWS), row_group_size=REGION_GROUP_ROWS)
            held, n = [rows.slice(REGION_GROUP_ROWS)], n - REGION_GROUP_ROWS
    if n:
        out.write_table(pa.concat_tables(held), row_group_size=n)


def _write_region_groups(out: pq.ParquetWriter, rows: pa.Table) -> None:
    """``rows`` sorted by region, then row, each region's rows in row groups of their own
    (at most :data:`REGION_GROUP_ROWS`). Only the order is sorted, and each row group is
    taken from the rows as read (no sorted copy of them all)."""
    order = pc.sort_indices(rows.select(["region", ROW_COLUMN]),
                            [("region", "ascending"), (ROW_COLUMN, "ascending")])
    regions = rows.column("region").take(order).combine_chunks()
    runs = pc.run_end_encode(regions)
    start = 0
    for end in runs.run_ends.to_pylist():
        while start < end:
            n = min(end - start, REGION_GROUP_ROWS)
            out.write_table(rows.take(order.slice(start, n)), row_group_size=n)
            start += n


def _write_partitions(rows: pa.Table, root: Path, key: str, name: str) -> None:
    """``rows`` as a hive dataset under ``root``: ``<key>=<value>/<name>`` for each value
    of column ``key`` (which the files leave out), rows in their order, as
    ``pyarrow.parquet.write_to_dataset`` lays it out.

    Why not that function: it imports pyarrow.dataset, and that imports pandas (most of
    a one-file run's start-up, in a process that otherwise needs none)."""
    values = rows.column(key)
    rest = rows.drop_columns([key])
    for value in pc.unique(values).to_pylist():
        mask = _equal_mask(values, value)
        folder = root / f"{key}={hive_segment(None if value is None else str(value))}"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(rest.filter(mask), folder / name, store_schema=False)


class TableSink:
    """Streams one table to temporary CSV + Parquet files; ``commit`` returns the renames.

    ``partition_col`` adds ``<table>_by_<col>/`` (a hive dataset, one file per partition
    and batch); ``by_region`` adds ``<table>_by_region/`` (see :class:`_RegionStage`;
    :meth:`add` is then given each row's province). Both datasets carry ``_row``, the
    row's place in the table, so a filtered read returns rows in the table's order.
    """

    def __init__(self, table: str, out_dir: Path, partition_col: str | None = None,
                 by_region: bool = False):
        self.table = table
        self.partition_col = partition_col
        self.dataset_path = out_dir / f"{table}_by_{partition_col}" if partition_col else None
        self.dataset_tmp = safeio._temp_sibling(self.dataset_path) if self.dataset_path else None
        self.region_path = out_dir / region_dataset(table) if by_region else None
        self.region_tmp = safeio._temp_sibling(self.region_path) if by_region else None
        self._region = _RegionStage(table, self.region_tmp) if by_region else None
        self._checked_rows = 0
        self._unchecked_provinces: list[pa.Array] = []
        self._parts = 0
        self.csv_path = out_dir / f"{table}.csv"
        self.parquet_path = out_dir / f"{table}.parquet"
        self.csv_tmp = safeio._temp_sibling(self.csv_path)
        self.parquet_tmp = safeio._temp_sibling(self.parquet_path)
        self.n_rows = 0
        self._csv = open(self.csv_tmp, "w", encoding="utf-8-sig", newline="")
        self._pq = pq.ParquetWriter(self.parquet_tmp, arrow_schema(table))
        self._header = True
        self._unchecked: list[pa.Table] = []  # written to the temporaries, not yet validated
        self._unchecked_rows = 0

    def add(self, rows: pd.DataFrame | pa.Table, csv_rows: str | None = None,
            provinces: list[str | None] | pa.Array | None = None) -> None:
        """Append rows: a frame (conformed here) or an Arrow table of the declared types
        (:func:`columns_table`). ``csv_rows`` is their CSV body when the caller rendered it
        already (:func:`csv_text` of the same records); ``provinces`` is each row's
        province for the region dataset (None: unknown).

        The rows go to the temporary files at once and are validated in batches of
        :data:`BATCH_ROWS`; a batch that fails raises before :meth:`close`, so the
        caller aborts and nothing unvalidated is ever moved into place.
        """
        arrow = rows if isinstance(rows, pa.Table) else frame_table(self.table, rows)
        if self._header:
            self._csv.write(",".join(arrow.schema.names) + "\n")
            self._header = False
        self._csv.write(arrow_csv_text(arrow) if csv_rows is None else csv_rows)
        self._pq.write_table(arrow)
        self.n_rows += arrow.num_rows
        self._unchecked.append(arrow)
        self._unchecked_rows += arrow.num_rows
        if self._region is not None:
            if provinces is None:
                provinces = pa.nulls(arrow.num_rows, pa.string())
            elif not isinstance(provinces, pa.Array):
                provinces = arrow_array(provinces, "str")
            self._unchecked_provinces.append(provinces)
        if self._unchecked_rows >= BATCH_ROWS:
            self._check()

    def _check(self) -> None:
        """Validate the rows added since the last check; a valid batch joins the dataset
        (one file per partition and batch)."""
        if not self._unchecked:
            return
        batch = pa.concat_tables(self._unchecked)
        self._unchecked, self._unchecked_rows = [], 0
        check_arrow(self.table, batch)
        rows = pa.Array.from_buffers(pa.int64(), batch.num_rows, [None, pa.py_buffer(
            np.arange(self._checked_rows, self._checked_rows + batch.num_rows, dtype=np.int64))])
        self._checked_rows += batch.num_rows
        numbered = batch.append_column(ROW_COLUMN, rows)
        if self._region is not None:
            provinces = pa.concat_arrays(self._unchecked_provinces)
            self._unchecked_provinces = []
            self._region.add(numbered, provinces)
        if not self.partition_col:
            return
        _write_partitions(numbered, self.dataset_tmp, self.partition_col,
                          f"part-{self._parts:05d}-0.parquet")
        self._parts += 1

    def close(self) -> list[tuple[Path, Path]]:
        if self._header:  # no rows: still write the header
            self.add(columns_table(self.table, [{c: [] for c in schema.columns(self.table)}]))
        self._check()
        self._csv.close()
        self._pq.close()
        moves = [(self.csv_tmp, self.csv_path), (self.parquet_tmp, self.parquet_path)]
        if self.partition_col:
            self.dataset_tmp.mkdir(exist_ok=True)
            pq.write_metadata(arrow_schema(self.table).append(pa.field(ROW_COLUMN, pa.int64())),
                              self.dataset_tmp / "_common_metadata")
            moves.append((self.dataset_tmp, self.dataset_path))
        if self._region is not None:
            self._region.finish()
            moves.append((self.region_tmp, self.region_path))
        return moves

    def abort(self) -> None:
        for handle in (self._csv, self._pq):
            try:
                handle.close()
            except Exception:  # noqa: BLE001 - cleaning up after a failure already raised
                pass
        if self._region is not None:
            self._region.abort()
        for p in (self.csv_tmp, self.parquet_tmp, self.dataset_tmp, self.region_tmp):
            if p is not None:
                safeio._remove(p)


# What the CSV writer (safeio) prefixes with an apostrophe to defuse formulas.
_ESCAPED_RE = re.compile(r"^'(?=[=+\-@\t\r\n])")  # (\n: a \r the writer wrote as \n)


def table_exists(out_dir: Path | str, table: str) -> bool:
    out_dir = Path(out_dir)
    return (out_dir / f"{table}.parquet").exists() or (out_dir / f"{table}.csv").exists()


def read_table(out_dir: Path | str, table: str) -> pd.DataFrame:
    """Read a written table back with its declared types (Parquet if present, else CSV,
    whose formula escaping is undone so values read back as written): the one reader."""
    import pandas as pd

    out_dir = Path(out_dir)
    pq_path = out_dir / f"{table}.parquet"
    if pq_path.exists():
        df = pd.read_parquet(pq_path)
    else:
        df = pd.read_csv(out_dir / f"{table}.csv", encoding="utf-8-sig", dtype=str,
                         keep_default_na=False)
        df = df.apply(lambda col: col.str.replace(_ESCAPED_RE, "", regex=True))
    out = schema.conform(table, df)
    return out[[c for c in df.columns if c in out.columns]]  # a partial table stays partial


# --------------------------------------------------------------------------- filtered reads
# Why: a national corpus has millions of metric rows, and a notebook about one region or
# one year needs a few thousand of them. read_rows reads the region dataset's row groups
# of the regions asked for (or the year dataset's folders of the years asked for), only
# the columns asked for, and falls back to the whole table (CSV for old outputs).

READ_LOG_ENV = "ANALYSIS_READ_LOG"  # a file: each filtered read appends what it touched


@dataclasses.dataclass
class ReadInfo:
    """What one :func:`read_rows` call touched: for tests and the read log."""

    table: str
    source: str  # region dataset, year dataset, parquet or csv
    files: list[str]
    row_groups: int  # row groups read (whole files count all theirs)
    rows_read: int  # rows in what was read (before the exact filter)
    rows: int  # rows returned


LAST_READS: list[ReadInfo] = []  # this process's reads, newest last (bounded)


def _note_read(info: ReadInfo) -> None:
    LAST_READS.append(info)
    del LAST_READS[:-50]
    path = os.environ.get(READ_LOG_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({**dataclasses.asdict(info), "time": time.time()},
                                ensure_ascii=False) + "\n")


def _as_values(values: object) -> list | None:
    if values is None:
        return None
    if isinstance(values, str | int):
        return [values]
    return list(values)  # type: ignore[call-overload]


def _isin(column: str, values: list) -> ds.Expression:
    """``column`` in ``values``, None in ``values`` matching a missing cell."""
    import pyarrow.dataset as ds

    present = [v for v in values if v is not None]
    expr = ds.field(column).isin(present) if present else None
    if len(present) < len(values):
        missing = ds.field(column).is_null()
        expr = missing if expr is None else expr | missing
    return expr if expr is not None else ds.scalar(False)


def _dataset_schema(table: str, key: tuple[str, pa.DataType] | None) -> pa.Schema:
    fields = [pa.field(n, t) for n, t in zip(arrow_schema(table).names,
                                             arrow_schema(table).types, strict=True)]
    fields.append(pa.field(ROW_COLUMN, pa.int64()))
    if key is not None and key[0] not in arrow_schema(table).names:
        fields.append(pa.field(*key))
    return pa.schema(fields)


@functools.lru_cache(maxsize=512)
def _row_group_ranges(path: str, mtime_ns: int, size: int,
                      column: str) -> tuple[tuple[object, object, bool, bool], ...]:
    """(min, max, may hold nulls, known) of ``column`` per row group of one Parquet file,
    from its footer (kept per file version: a warm kernel's next notebook reads no footer
    again). ``known`` False: no statistics, the row group is always read."""
    meta = pq.ParquetFile(path).metadata
    idx = meta.schema.names.index(column) if column in meta.schema.names else -1
    out = []
    for i in range(meta.num_row_groups):
        stats = meta.row_group(i).column(idx).statistics if idx >= 0 else None
        if stats is None or not stats.has_null_count:
            out.append((None, None, True, False))
        elif stats.has_min_max:
            out.append((stats.min, stats.max, stats.null_count > 0, True))
        elif stats.null_count == meta.row_group(i).num_rows:  # every cell missing
            out.append((None, None, True, True))
        else:
            out.append((None, None, True, False))
    return tuple(out)


def _row_groups(path: str, column: str | None, values: list | None) -> list[int]:
    """Row groups of ``path`` that may hold a row whose ``column`` is among ``values``
    (None in ``values``: a missing cell), by the footer's statistics; every row group
    when no column is given. Why by hand: pyarrow's ``split_by_row_group(filter=…)``
    turns every column's statistics into expressions, about half a second per file at
    national scale (95 row groups, long sentence strings), for one column's test."""
    stat = os.stat(path)
    ranges = _row_group_ranges(path, stat.st_mtime_ns, stat.st_size, column or "")
    if column is None or values is None:
        return list(range(len(ranges)))
    present = [v for v in values if v is not None]
    nulls = len(present) < len(values)
    return [i for i, (low, high, has_null, known) in enumerate(ranges)
            if not known or (nulls and has_null)
            or (low is not None and any(_within(low, high, v) for v in present))]


def _within(low: object, high: object, value: object) -> bool:
    try:
        return bool(low <= value <= high)  # type: ignore[operator]
    except TypeError:  # a value of another type than the column's: let the filter decide
        return True


def _read_dataset(root: Path, table: str, key: tuple[str, pa.DataType], expr: ds.Expression,
                  columns: list[str], source: str, stats_column: str | None = None,
                  stats_values: list | None = None) -> tuple[pa.Table, ReadInfo]:
    """Rows of a hive dataset matching ``expr``: folders pruned by the partition key, row
    groups by the statistics of ``stats_column`` (one of ``stats_values``), then the exact
    filter; ``columns`` only."""
    import pyarrow.dataset as ds

    schema = _dataset_schema(table, key)
    dataset = ds.dataset(root, schema=schema, format="parquet", ignore_prefixes=[".", "_"],
                         partitioning=ds.partitioning(pa.schema([pa.field(*key)]), flavor="hive"))
    pieces = [frag.subset(row_group_ids=ids) for frag in dataset.get_fragments(filter=expr)
              if (ids := _row_groups(frag.path, stats_column, stats_values))]
    read = ds.FileSystemDataset(pieces, schema, dataset.format, dataset.filesystem)
    wanted = list(dict.fromkeys([*columns, ROW_COLUMN]))
    arrow = read.to_table(columns=wanted, filter=expr)
    arrow = arrow.take(pc.sort_indices(arrow, [(ROW_COLUMN, "ascending")])).drop_columns(ROW_COLUMN)
    info = ReadInfo(table, source, sorted({p.path for p in pieces}), len(pieces),
                    sum(rg.num_rows for p in pieces for rg in p.row_groups), arrow.num_rows)
    return arrow, info


def read_rows(out_dir: Path | str, table: str, *, regions: object = None,
              provinces: object = None, years: object = None,
              columns: list[str] | None = None) -> pd.DataFrame:
    """The rows of ``table`` whose region, province or year is among those given (None:
    any), with the declared types, in the table's order; ``columns`` only (None: all).

    For metrics, a region or province asked for reads that region's row groups of
    ``metrics_by_region`` (nothing else), a year ``metrics_by_year``'s folders of that
    year; the documents table (one row per report) is read from its one file with the
    filter. Output written before these datasets existed is read whole and filtered.
    ``provinces`` filters the document's province (metrics: through the region dataset).
    """
    out_dir = Path(out_dir)
    regions, provinces, years = _as_values(regions), _as_values(provinces), _as_values(years)
    names = schema.columns(table)
    cols = [c for c in (columns or names) if c in names]
    year_col = "report_year" if table == "documents" else "year"
    exprs = []
    if regions is not None:
        exprs.append(_isin("region", regions))
    if provinces is not None and table != "metrics":
        exprs.append(_isin("province", provinces))
    if years is not None:
        exprs.append(_isin(year_col, [None if y is None else int(y) for y in years]))
    region_root, year_root = out_dir / region_dataset(table), out_dir / year_dataset(table)
    if (regions is not None or provinces is not None) and region_root.is_dir():
        if provinces is not None and table == "metrics":
            exprs.append(_isin(PROVINCE_KEY, provinces))
        expr = exprs[0]
        for e in exprs[1:]:
            expr = expr & e
        arrow, info = _read_dataset(region_root, table, (PROVINCE_KEY, pa.string()), expr, cols,
                                    "region dataset", "region" if regions is not None else None,
                                    regions)
    elif years is not None and regions is None and provinces is None and year_root.is_dir():
        arrow, info = _read_dataset(year_root, table, ("year", pa.int64()), exprs[0], cols,
                                    "year dataset")
    elif (out_dir / f"{table}.parquet").exists() and (provinces is None or table != "metrics"):
        path = out_dir / f"{table}.parquet"
        expr = None
        for e in exprs:
            expr = e if expr is None else expr & e
        import pyarrow.dataset as ds

        arrow = ds.dataset(path, format="parquet").to_table(columns=cols, filter=expr)
        meta = pq.ParquetFile(path).metadata
        info = ReadInfo(table, "parquet", [str(path)], meta.num_row_groups, meta.num_rows,
                        arrow.num_rows)
    else:
        df = read_table(out_dir, table)
        read_n = len(df)
        if provinces is not None and table == "metrics":
            docs = read_table(out_dir, "documents")
            keep = set(docs.loc[docs["province"].isin(provinces), "doc_id"])
            df = df[df["doc_id"].isin(keep)]
        import pandas as pd

        mask = pd.Series(True, index=df.index)
        for col, values in (("region", regions), ("province", provinces), (year_col, years)):
            if values is not None and col in df.columns:
                want = [v for v in values if v is not None]
                mask &= df[col].isin(want) | (df[col].isna() if None in values else False)
        df = df[mask][[c for c in cols if c in df.columns]].reset_index(drop=True)
        _note_read(ReadInfo(table, "csv" if not (out_dir / f"{table}.parquet").exists()
                            else "parquet", [table], 0, read_n, len(df)))
        return df
    _note_read(info)
    return _conform_read(table, table_frame(arrow), cols)


def _conform_read(table: str, df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """:func:`schema.conform` of the columns read only, converting only what Arrow did
    not already give the declared type (a national table has millions of rows)."""
    import pandas as pd

    out = {}
    for f in schema.fields(table):
        if f.name not in cols:
            continue
        col = df[f.name] if f.name in df.columns else pd.Series(pd.NA, index=df.index)
        if f.dtype == "str":
            if col.dtype != pd.StringDtype():
                col = col.astype(pd.StringDtype())
            if (f.enum or f.nullable) and (col == "").any():
                col = col.mask(col == "", pd.NA)
        elif f.dtype == "Int64":
            if col.dtype != pd.Int64Dtype():
                col = pd.to_numeric(col, errors="coerce").astype("Int64")
        elif col.dtype != float:
            col = pd.to_numeric(col, errors="coerce").astype(float)
        out[f.name] = col
    return pd.DataFrame(out, index=df.index)[cols]


def distinct_values(out_dir: Path | str, table: str, column: str) -> list:
    """The sorted values a column holds (missing left out), reading that column only."""
    path = Path(out_dir) / f"{table}.parquet"
    if not path.exists():
        values = read_rows(out_dir, table, columns=[column])[column].dropna()
        return sorted(set(values.tolist()))
    arrow = pq.read_table(path, columns=[column]).column(column)
    _note_read(ReadInfo(table, "parquet", [str(path)], pq.ParquetFile(path).num_row_groups,
                        len(arrow), len(arrow)))
    return sorted(v for v in pc.unique(arrow).to_pylist() if v is not None)


def corpus_years(out_dir: Path | str) -> list[int]:
    """The years the metrics hold: the year dataset's folder names (no row read), else the
    year column."""
    root = Path(out_dir) / year_dataset("metrics")
    if root.is_dir():
        names = [p.name.split("=", 1)[1] for p in root.iterdir() if p.name.startswith("year=")]
        return sorted(int(n) for n in names if n.lstrip("-").isdigit())
    years = read_rows(out_dir, "metrics", columns=["year"])["year"].dropna()
    return sorted({int(y) for y in years})


def commit_moves(moves: list[tuple[Path, Path]]) -> None:
    """Move finished temporaries into place (files atomically, folders by swap)."""
    for tmp, dest in moves:
        safeio._swap_into_place(tmp, dest)
