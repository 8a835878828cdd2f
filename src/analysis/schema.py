"""Column definitions as data (``data/fields.csv``), turned into pandera schemas.

One table of fields drives validation before anything is written, the Chinese
column labels of the Excel appendix, and the column order of every output, so
the three never disagree.
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from .config import PACKAGE_DATA
from .text import lexicon

if TYPE_CHECKING:
    import pandas as pd
    import pandera.pandas as pa


@cache
def _pandera():
    """pandera, imported on first use: the column definitions alone (what a worker needs
    to render its rows) import neither pandas nor pandera.

    pandera's checks import hypothesis (a second of start-up) only to offer data
    synthesis, which this package never asks for: it is hidden while pandera loads
    them, unless something imported it already (the tests)."""
    hide = "hypothesis" not in sys.modules
    if hide:
        sys.modules["hypothesis"] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        import pandera.backends.pandas.builtin_checks  # noqa: F401  # what validate() loads
        import pandera.pandas as pa
    finally:
        if hide and sys.modules.get("hypothesis", 0) is None:
            del sys.modules["hypothesis"]
    return pa

TABLES = ("documents", "metrics", "repairs", "run_log", "rejected", "corrections_log")


@dataclass(frozen=True)
class Field:
    table: str
    name: str
    dtype: str  # str | float | Int64
    nullable: bool
    unit: str
    label_zh: str
    description: str
    enum: tuple[str, ...]


def _enum(cell: str) -> tuple[str, ...]:
    """``a|b|`` lists the values (a trailing ``|`` allows empty); ``@kind`` or ``@kind|``
    takes the codes of a lexicon vocabulary, so a closed vocabulary is defined once."""
    if not cell:
        return ()
    values = cell.split("|")
    if values[0].startswith("@"):
        return (*lexicon.codes(values[0][1:]), *values[1:])
    return tuple(values)


@cache
def load_fields() -> tuple[Field, ...]:
    with open(PACKAGE_DATA / "fields.csv", encoding="utf-8") as f:
        return tuple(Field(r["table"], r["name"], r["dtype"], r["nullable"] == "1", r["unit"],
                           r["label_zh"], r["description"], _enum(r["enum"]))
                     for r in csv.DictReader(f))


def fields(table: str) -> list[Field]:
    return list(_table_fields(table))


@cache
def _table_fields(table: str) -> tuple[Field, ...]:
    """A table's fields, found once: every report's rows ask for them (four times)."""
    if table not in TABLES:
        raise KeyError(f"unknown table {table!r}; expected one of {', '.join(TABLES)}")
    return tuple(f for f in load_fields() if f.table == table)


@cache
def _column_names(table: str) -> tuple[str, ...]:
    return tuple(f.name for f in _table_fields(table))


def columns(table: str) -> list[str]:
    return list(_column_names(table))


def labels_zh(table: str | None = None) -> dict[str, str]:
    """Column name → Chinese label (with unit), for headers people read."""
    out = {}
    for f in load_fields():
        if table is None or f.table == table:
            out.setdefault(f.name, f.label_zh)
    return out


@cache
def schema_for(table: str) -> pa.DataFrameSchema:
    import pandas as pd

    pa = _pandera()
    types = {"str": pd.StringDtype(), "float": float, "Int64": pd.Int64Dtype()}
    cols = {}
    for f in fields(table):
        checks = []
        if f.enum:
            allowed = [e for e in f.enum if e]
            checks.append(pa.Check.isin(allowed))
        cols[f.name] = pa.Column(types[f.dtype], checks=checks,
                                 nullable=f.nullable or "" in f.enum, coerce=True)
    return pa.DataFrameSchema(cols, strict=True, ordered=True, name=table)


def conform(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """Columns in declared order with declared types; empty strings in enums become NA."""
    import pandas as pd

    out = pd.DataFrame({c: df[c] if c in df.columns else pd.NA for c in columns(table)},
                       index=df.index)
    for f in fields(table):
        if f.dtype == "str":
            out[f.name] = out[f.name].astype(pd.StringDtype())
            if f.enum or f.nullable:
                out[f.name] = out[f.name].mask(out[f.name] == "", pd.NA)
        elif f.dtype == "Int64":
            out[f.name] = pd.to_numeric(out[f.name], errors="coerce").astype("Int64")
        else:
            out[f.name] = pd.to_numeric(out[f.name], errors="coerce").astype(float)
    return out


def validate(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """Conform then validate; a bad table fails loudly, naming the column and values."""
    return check(table, conform(table, df))


def check(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """Validate a frame already conformed (see :func:`conform`); raises naming the column."""
    return schema_for(table).validate(df, lazy=True)
