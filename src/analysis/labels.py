"""Vocabularies and number formats for people: code → Chinese label, headers, decimals.

Why a module of its own with no dependencies: compare writes sentences (核对提示, 其他出处)
and display, plots and excel write tables; all must say 预计 for ``estimate`` and
720.04 for 72,003,816,793.89 元 in 亿元, never 7.2e+10. The vocabularies are data files:
``code_labels.csv`` (code → label, with ``{n}`` templates for periods such as M1-M5),
``display_formats.csv`` (decimals per display unit), ``appendix_labels.csv`` and
``fields.csv`` (column headers).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import numpy as np
import pandas as pd

from . import config
from .text import lexicon

LEXICON_FIELDS = ("kind", "admin_level", "doc_type", "period", "level")  # labels from lexicon.csv

# Columns whose values are codes, and which vocabulary of code_labels.csv they use.
CODE_COLUMNS = {
    "kind": "kind",
    "actual_kind": "kind",
    "admin_level": "admin_level",
    "doc_type": "doc_type",
    "qualifier": "qualifier",
    "target_qualifier": "qualifier",
    "actual_qualifier": "qualifier",
    "period": "period",
    "period_type": "period",
    "status": "status",
    "level": "level",
    "region_masked": "flag01",
    "review": "review",
}
# Columns holding an amount in the row's unit: scaled together with ``value``.
VALUE_COLUMNS = (
    "value", "value_high", "prev_value", "change_abs", "implied_prev_value",
    "target_value", "actual_value",
)  # fmt: skip
PCT_DECIMALS = 2
DEFAULT_DECIMALS = 2  # for a unit not in display_formats.csv, when a value is not whole
_TEMPLATE_RE = re.compile(r"\{(\w+)\}")


# --------------------------------------------------------------------------- vocabularies


def _template_regex(code: str) -> re.Pattern[str]:
    parts = _TEMPLATE_RE.split(code)
    out = []
    for i, part in enumerate(parts):
        out.append(f"(?P<{part}>\\d+)" if i % 2 else re.escape(part))
    return re.compile("^" + "".join(out) + "$")


@lru_cache(maxsize=1)
def _labels() -> tuple[dict[tuple[str, str], str], dict[str, list[tuple[re.Pattern[str], str]]]]:
    """(exact labels, templates per field) from code_labels.csv, checked when loaded."""
    path = config.PACKAGE_DATA / "code_labels.csv"
    table = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    missing = {"field", "code", "label_zh"} - set(table.columns)
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
    # the closed vocabularies' labels are defined once, in lexicon.csv
    exact: dict[tuple[str, str], str] = {
        (vocab, code): label
        for vocab in LEXICON_FIELDS for code, label in lexicon.labels(vocab).items()
    }
    templates: dict[str, list[tuple[re.Pattern[str], str]]] = {}
    for i, (fld, code, label) in enumerate(
        zip(table["field"], table["code"], table["label_zh"], strict=True), start=2
    ):
        if not fld or not code or not label:
            raise ValueError(f"{path} line {i}: field, code and label_zh must all be given")
        if (fld, code) in exact:
            where = "in lexicon.csv" if fld in LEXICON_FIELDS else "twice"
            raise ValueError(f"{path} line {i}: {fld} {code!r} is listed {where}")
        if _TEMPLATE_RE.search(code):
            if set(_TEMPLATE_RE.findall(label)) - set(_TEMPLATE_RE.findall(code)):
                raise ValueError(f"{path} line {i}: label {label!r} uses a name not in {code!r}")
            templates.setdefault(fld, []).append((_template_regex(code), label))
        else:
            exact[(fld, code)] = label
    return exact, templates


def code_label(field: str, code: object) -> str:
    """The Chinese label of a code (``kind`` ``estimate`` → 预计); unknown codes as they are."""
    if code is None or code is pd.NA or (isinstance(code, float) and math.isnan(code)):
        return ""
    text = str(code)
    if field == "bool" or isinstance(code, bool | np.bool_):
        text = str(bool(code)) if isinstance(code, bool | np.bool_) else text
        field = "bool"
    if not text:
        return ""
    exact, templates = _labels()
    if (field, text) in exact:
        return exact[(field, text)]
    for pattern, label in templates.get(field, []):
        match = pattern.match(text)
        if match:
            return label.format(**match.groupdict())
    return text


def rank_scope_label(scope: object) -> str:
    """``prefecture, H1`` → 地级市，上半年 (the level, then the period when not full-year)."""
    if not isinstance(scope, str) or not scope:
        return ""
    parts = [p.strip() for p in scope.split(",")]
    fields = ["admin_level", *["period"] * (len(parts) - 1)]
    return "，".join(code_label(f, p) for f, p in zip(fields, parts, strict=True))


@lru_cache(maxsize=1)
def labels() -> dict[str, str]:
    """Column name → Chinese header: ours (data/appendix_labels.csv), overridden by the
    project's field definitions (data/fields.csv) where those name the column."""
    mapping: dict[str, str] = {}
    for path in (config.PACKAGE_DATA / "appendix_labels.csv", config.PACKAGE_DATA / "fields.csv"):
        if not path.is_file():
            continue
        table = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
        if {"name", "label_zh"} <= set(table.columns):
            for name, label in zip(table["name"], table["label_zh"], strict=True):
                if name and label:
                    mapping[name] = label
    return mapping


def header(name: str) -> str:
    """Chinese header for a column; percent columns always say (%) since values are plain numbers."""
    label = labels().get(name, name)
    if name.endswith("_pct") and "%" not in label:
        label += "(%)"
    return label


# --------------------------------------------------------------------------- numbers


@lru_cache(maxsize=1)
def _decimals() -> dict[str, int]:
    path = config.PACKAGE_DATA / "display_formats.csv"
    table = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    out: dict[str, int] = {}
    for i, (unit, dec) in enumerate(zip(table["unit"], table["decimals"], strict=True), start=2):
        if not unit or not dec.isdigit():
            raise ValueError(f"{path} line {i}: need a unit and a whole number of decimals")
        out[unit] = int(dec)
    return out


def decimals_for(unit: str) -> int | None:
    """Decimals to show for a display unit, or None when the file does not name it."""
    return _decimals().get(unit)


def is_missing(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def format_number(value: object, unit: str = "") -> str:
    """``1153.66`` 亿元 → ``1,153.66``; counts whole; missing → ``""``; never ``e+``.

    The decimals come from display_formats.csv; a unit it does not list shows whole
    numbers as whole and others with two decimals.
    """
    if is_missing(value):
        return ""
    number = float(value)  # type: ignore[arg-type]
    if math.isinf(number):
        return ""
    dec = decimals_for(unit)
    if dec is None:
        dec = 0 if number.is_integer() else DEFAULT_DECIMALS
    elif dec == 0 and not number.is_integer():
        dec = DEFAULT_DECIMALS  # a count that is not whole (a range's midpoint) keeps its fraction
    text = f"{number:,.{dec}f}"
    return "0" if text in ("-0", "-0.00") else text


def format_pct(value: object) -> str:
    """A percentage as a plain number with up to two decimals (21.65, 12, -3.5)."""
    if is_missing(value) or math.isinf(float(value)):  # type: ignore[arg-type]
        return ""
    text = f"{float(value):,.{PCT_DECIMALS}f}".rstrip("0").rstrip(".")  # type: ignore[arg-type]
    return "0" if text in ("-0", "") else text


def plain_number(value: float) -> str:
    """A number for a sentence (核对提示, 其他出处): grouped, at most 4 decimals, no exponent."""
    if is_missing(value):
        return ""
    text = f"{float(value):,.4f}".rstrip("0").rstrip(".")
    return text or "0"
