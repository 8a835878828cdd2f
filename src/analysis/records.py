"""A document's rows as the table writer takes them: columns and CSV lines.

Made where the document was extracted (a worker), from the records of ``models``, with
the standard library only: a worker process imports neither pandas nor pyarrow (each
would cost it a second of start-up and about 60 MB; :mod:`analysis.tables` builds the
Arrow tables and files in the one writing process).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections.abc import Callable
from functools import cache
from operator import attrgetter

from . import safeio, schema
from .models import DocMeta

FLOAT_FORMAT = "%.12g"  # 1421000000 not 1.421e9 or 1421000000.0


@cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(kind))


def plain_fields(record) -> dict:
    """A dataclass of plain values (``DocMeta``) as a dict: ``dataclasses.asdict`` without
    its deep copy of every value, a tenth of the time."""
    return {name: getattr(record, name) for name in _field_names(type(record))}


def _row_getter(table: str, record) -> Callable[[object], tuple]:
    """Record → its values in the table's column order; a column the record type lacks
    (``review``, filled in after extraction by the corrections step) is None."""
    return _getter(table, type(record))


@cache
def _getter(table: str, kind: type) -> Callable[[object], tuple]:
    cols = schema.columns(table)
    have = set(_field_names(kind))
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
    return _columns(table, _values(table, records))


def _values(table: str, records: list) -> list[tuple]:
    """Each record's values in the table's column order."""
    return list(map(_row_getter(table, records[0]), records)) if records else []


def _columns(table: str, values: list[tuple]) -> dict[str, list]:
    cols = schema.columns(table)
    if not values:
        return {c: [] for c in cols}
    return dict(zip(cols, map(list, zip(*values, strict=True)), strict=True))


def table_rows(table: str, records: list) -> tuple[dict[str, list], str]:
    """(:func:`record_columns`, :func:`csv_text`) of the same records, each record's values
    read once: a worker makes both for every document."""
    values = _values(table, records)
    return _columns(table, values), _csv_of(table, values)


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
    return _csv_of(table, _values(table, records))


def _csv_of(table: str, values: list[tuple]) -> str:
    """:func:`csv_text` of the records whose values (:func:`_values`) these are."""
    if not values:
        return ""
    flds = schema.fields(table)
    floats = [i for i, f in enumerate(flds) if f.dtype == "float"]
    rows = []
    for v in values:
        row = list(v)
        for i in floats:
            x = row[i]
            row[i] = "" if x is None or x != x else FLOAT_FORMAT % x
        rows.append(row)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    text = buf.getvalue()
    if "\r" not in text and not _MAYBE_FORMULA.search(text):
        return text  # (a \r anywhere: the exact rendering writes it as a line break)
    fmts = [_csv_cell(f.dtype) for f in flds]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(
        [[fmt(x) for fmt, x in zip(fmts, v, strict=True)] for v in values])
    return buf.getvalue()


def document_row(meta: DocMeta, source_file: str, sha256: str, n_chars: int,
                 n: int, mapped: int) -> dict:
    """One row of the documents table: the metadata plus how many figures (and how many
    mapped to an indicator) the document gave."""
    row = plain_fields(meta)
    row.update(source_file=source_file, sha256=sha256, n_chars=n_chars, n_figures=n,
               share_mapped=round(mapped / n, 4) if n else None)
    return row
