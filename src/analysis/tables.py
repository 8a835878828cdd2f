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
import io
import re
from collections.abc import Callable
from dataclasses import asdict
from operator import attrgetter
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from . import safeio, schema
from .models import DocMeta

# Rows are validated, then appended to the partitioned dataset, in batches of this size:
# it bounds memory, and pandera costs ~15 ms a call whatever the size (per 200-document
# chunk that was most of the writing process's time).
BATCH_ROWS = 50_000
FLOAT_FORMAT = "%.12g"  # 1421000000 not 1.421e9 or 1421000000.0
_ARROW = {"str": pa.string(), "float": pa.float64(), "Int64": pa.int64()}
_PANDAS = {pa.string(): pd.StringDtype(), pa.int64(): pd.Int64Dtype()}  # Arrow → declared


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


def _row_getter(table: str, record) -> Callable[[object], tuple]:
    """Record → its values in the table's column order; a column the record type lacks
    (``review``, filled in after extraction by the corrections step) is None."""
    cols = schema.columns(table)
    have = {f.name for f in dataclasses.fields(record)}
    present = [c for c in cols if c in have]
    getter = attrgetter(*present)
    if len(present) == len(cols):
        return getter
    if cols[:len(present)] == present:  # missing ones trail: pad
        pad = (None,) * (len(cols) - len(present))
        return (lambda r: (getter(r),) + pad) if len(present) == 1 else (lambda r: getter(r) + pad)
    return lambda r: tuple(getattr(r, c, None) for c in cols)


def record_columns(table: str, records: list) -> dict[str, list]:
    """Dataclass records → {column: values}: the compact form that crosses processes
    (no object per row to pickle) and that :func:`columns_table` turns into a table."""
    cols = schema.columns(table)
    if not records:
        return {c: [] for c in cols}
    values = zip(*map(_row_getter(table, records[0]), records), strict=True)
    return dict(zip(cols, map(list, values), strict=True))


def frame_columns(table: str, df: pd.DataFrame) -> dict[str, list]:
    """A conformed frame as :func:`record_columns` gives it (missing values as None)."""
    conformed = schema.conform(table, df)
    return {c: [None if v is pd.NA or (isinstance(v, float) and v != v) else v
                for v in conformed[c].astype(object).tolist()] for c in conformed.columns}


def frame_csv_text(table: str, df: pd.DataFrame) -> str:
    """A frame's CSV lines (no header), exactly as :class:`TableSink` writes them."""
    buf = io.StringIO()
    safeio.escape_frame(table_frame(frame_table(table, df))).to_csv(
        buf, index=False, header=False, lineterminator="\n", float_format=FLOAT_FORMAT)
    return buf.getvalue()


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
            values = [v for part in parts for v in part[f.name]]
            arr = pa.array(values, type=_ARROW[f.dtype], from_pandas=True)
            if f.dtype == "str" and (f.enum or f.nullable):
                arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)
            arrays.append(arr)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
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
    return arrow.to_pandas(types_mapper=_PANDAS.get)


def columns_frame(table: str, parts: list[dict[str, list]]) -> pd.DataFrame:
    """One conformed frame from several :func:`record_columns` results, in order."""
    return table_frame(columns_table(table, parts))


def _csv_cell(kind: str):
    """Formatter of one cell as the CSV file writes it (see :data:`FLOAT_FORMAT`)."""
    if kind == "float":
        return lambda v: "" if v is None or v != v else FLOAT_FORMAT % v
    if kind == "Int64":
        return lambda v: "" if v is None else str(int(v))
    return lambda v: "" if v is None else safeio.escape_formula(v)


# A cell that may start with a formula character: at a line start or after a comma,
# maybe inside quotes. It can also hit a comma inside a quoted cell; that only costs
# the exact, per-cell rendering below.
# Written character first (what precedes it checked after it) so that re jumps from one
# formula character to the next instead of trying every position of the rows.
_FORMULA_CLASS = "[" + re.escape("".join(safeio.FORMULA_PREFIXES)) + "]"
_MAYBE_FORMULA = re.compile(_FORMULA_CLASS + r'(?:(?<=^.)|(?<=,.)|(?<=^".)|(?<=,".))', re.M)


def csv_text(table: str, records: list) -> str:
    """Records as CSV lines (no header), exactly as :class:`TableSink` writes a frame of
    them: formula-escaped strings, ``%.12g`` floats, empty cells for missing values.

    Why: rendering each document's rows where it was extracted (a worker) spares the
    process that writes the tables most of its work on a large corpus. The csv module
    writes None as an empty cell and ints as digits; only floats are formatted here,
    and strings are escaped only when some cell might need it.
    """
    if not records:
        return ""
    flds = schema.fields(table)
    getter = _row_getter(table, records[0])
    floats = [i for i, f in enumerate(flds) if f.dtype == "float"]
    rows = []
    for r in records:
        row = list(getter(r))
        for i in floats:
            v = row[i]
            row[i] = "" if v is None or v != v else FLOAT_FORMAT % v
        rows.append(row)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    text = buf.getvalue()
    if not _MAYBE_FORMULA.search(text):
        return text
    fmts = [_csv_cell(f.dtype) for f in flds]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(
        [[fmt(v) for fmt, v in zip(fmts, getter(r), strict=True)] for r in records])
    return buf.getvalue()


def document_row(meta: DocMeta, source_file: str, sha256: str, n_chars: int,
                 n: int, mapped: int) -> dict:
    """One row of the documents table: the metadata plus how many figures (and how many
    mapped to an indicator) the document gave."""
    row = asdict(meta)
    row.update(source_file=source_file, sha256=sha256, n_chars=n_chars, n_figures=n,
               share_mapped=round(mapped / n, 4) if n else None)
    return row


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema([(f.name, _ARROW[f.dtype]) for f in schema.fields(table)])


class TableSink:
    """Streams one table to temporary CSV + Parquet files; ``commit`` returns the renames."""

    def __init__(self, table: str, out_dir: Path, partition_col: str | None = None):
        self.table = table
        self.partition_col = partition_col
        self.dataset_path = out_dir / f"{table}_by_{partition_col}" if partition_col else None
        self.dataset_tmp = safeio._temp_sibling(self.dataset_path) if self.dataset_path else None
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

    def add(self, rows: pd.DataFrame | pa.Table, csv_rows: str | None = None) -> None:
        """Append rows: a frame (conformed here) or an Arrow table of the declared types
        (:func:`columns_table`). ``csv_rows`` is their CSV body when the caller rendered it
        already (:func:`csv_text` of the same records).

        The rows go to the temporary files at once and are validated in batches of
        :data:`BATCH_ROWS`; a batch that fails raises before :meth:`close`, so the
        caller aborts and nothing unvalidated is ever moved into place.
        """
        arrow = frame_table(self.table, rows) if isinstance(rows, pd.DataFrame) else rows
        if self._header:
            self._csv.write(",".join(arrow.schema.names) + "\n")
            self._header = False
        if csv_rows is None:
            safeio.escape_frame(table_frame(arrow)).to_csv(
                self._csv, index=False, header=False, lineterminator="\n",
                float_format=FLOAT_FORMAT)
        else:
            self._csv.write(csv_rows)
        self._pq.write_table(arrow)
        self.n_rows += arrow.num_rows
        self._unchecked.append(arrow)
        self._unchecked_rows += arrow.num_rows
        if self._unchecked_rows >= BATCH_ROWS:
            self._check()

    def _check(self) -> None:
        """Validate the rows added since the last check; a valid batch joins the dataset
        (one file per partition and batch)."""
        if not self._unchecked:
            return
        batch = pa.concat_tables(self._unchecked)
        self._unchecked, self._unchecked_rows = [], 0
        schema.check(self.table, table_frame(batch))
        if not self.partition_col:
            return
        pq.write_to_dataset(batch, self.dataset_tmp, partition_cols=[self.partition_col],
                            basename_template=f"part-{self._parts:05d}-{{i}}.parquet",
                            existing_data_behavior="overwrite_or_ignore")
        self._parts += 1

    def close(self) -> list[tuple[Path, Path]]:
        if self._header:  # no rows: still write the header
            self.add(schema.conform(self.table, pd.DataFrame(columns=schema.columns(self.table))))
        self._check()
        self._csv.close()
        self._pq.close()
        moves = [(self.csv_tmp, self.csv_path), (self.parquet_tmp, self.parquet_path)]
        if self.partition_col:
            self.dataset_tmp.mkdir(exist_ok=True)
            pq.write_metadata(arrow_schema(self.table), self.dataset_tmp / "_common_metadata")
            moves.append((self.dataset_tmp, self.dataset_path))
        return moves

    def abort(self) -> None:
        for handle in (self._csv, self._pq):
            try:
                handle.close()
            except Exception:  # noqa: BLE001 - cleaning up after a failure already raised
                pass
        for p in (self.csv_tmp, self.parquet_tmp, self.dataset_tmp):
            if p is not None:
                safeio._remove(p)


# What the CSV writer (safeio) prefixes with an apostrophe to defuse formulas.
_ESCAPED_RE = re.compile(r"^'(?=[=+\-@\t\r])")


def table_exists(out_dir: Path | str, table: str) -> bool:
    out_dir = Path(out_dir)
    return (out_dir / f"{table}.parquet").exists() or (out_dir / f"{table}.csv").exists()


def read_table(out_dir: Path | str, table: str) -> pd.DataFrame:
    """Read a written table back with its declared types (Parquet if present, else CSV,
    whose formula escaping is undone so values read back as written): the one reader."""
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


def commit_moves(moves: list[tuple[Path, Path]]) -> None:
    """Move finished temporaries into place (files atomically, folders by swap)."""
    for tmp, dest in moves:
        safeio._swap_into_place(tmp, dest)
