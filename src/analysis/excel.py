"""The Excel appendix: every table a colleague needs, readable without Python.

Why openpyxl's write-only mode: it streams rows to disk, so 100,000 figures write in
seconds with flat memory. Report text is untrusted, so every string is written as a
string cell, never as a formula, whatever it starts with. The file appears atomically
(written beside the target, then renamed), so a stopped run never leaves half a workbook.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from . import compare, config
from .display import label_codes, scale_table
from .labels import code_label
from .labels import header as header_label
from .safeio import atomic_path, current_dir

MAX_SHEET_ROWS = 1_048_576  # Excel's limit, header rows included
MAX_CELL_CHARS = 32_767
MAX_COL_WIDTH = 60
WIDTH_SAMPLE_ROWS = 2_000  # widths come from the first rows; enough to size a column
RISKY_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PCT_FORMAT = "0.00"
INT_FORMAT = "#,##0"
DEC_FORMAT = "#,##0.00"
RATIO_UNITS = frozenset({"%", "百分点"})  # plus any unit with '/' (件/万人)
VALUE_COLUMNS = frozenset(
    {
        "value",
        "value_high",
        "prev_value",
        "change_abs",
        "implied_prev_value",
        "target_value",
        "actual_value",
    }
)

SHEETS = ("说明", "指标", "同比", "城市对比", "城市对比明细", "目标完成", "文档", "来源", "修订")
SOURCE_COLUMNS = [
    "doc_id", "region", "year", "period", "kind", "metric_id", "metric_name", "value", "unit",
    "qualifier", "raw", "sentence",
]  # fmt: skip
DOC_LIST_COLUMNS = ["doc_id", "region", "report_year", "period", "doc_type", "title", "source_file"]

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_HEADER_BORDER = Border(bottom=Side(style="thin", color="8EA9DB"))
_HEADER_ALIGN = Alignment(horizontal="center", vertical="center")
_TITLE_FONT = Font(bold=True, size=13)
_WRAP = Alignment(wrap_text=True, vertical="top")
_LINK_FONT = Font(color="0563C1", underline="single")
LINK_COLUMNS = frozenset({"review_link"})
NOTES_WIDTH = 80


# --------------------------------------------------------------------------- labels & text


@lru_cache(maxsize=1)
def _notes() -> pd.DataFrame:
    path = config.PACKAGE_DATA / "appendix_notes.csv"
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)


def display_width(text: str) -> int:
    """Columns a string takes on screen: East-Asian wide and full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def clean_text(value: str) -> str:
    """A string Excel accepts: no control characters, at most 32,767 characters."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_CHARS]


# --------------------------------------------------------------------------- cells


class _Sheet:
    """A write-only sheet with helpers that keep every string a string."""

    def __init__(self, wb: Workbook, title: str):
        self.ws = wb.create_sheet(title)
        self.title = title
        print_setup(self.ws)

    def cell(
        self,
        value: object,
        number_format: str | None = None,
        font: Font | None = None,
        align: Alignment | None = None,
    ):
        """A value openpyxl can append: plain when unstyled, else a styled WriteOnlyCell."""
        if value is None:
            return None
        styled = font is not None or align is not None
        if isinstance(value, str):
            value = clean_text(value)
            if not value:
                return None
            risky = value.startswith(RISKY_PREFIXES) or value in ERROR_CODES
            if not risky and not styled:
                return value
            cell = WriteOnlyCell(self.ws, value=value)
            cell.data_type = "s"  # openpyxl would make '=…' a formula and '#N/A' an error
        else:
            if number_format is None and not styled:
                return value
            cell = WriteOnlyCell(self.ws, value=value)
        if number_format:
            cell.number_format = number_format
        if font is not None:
            cell.font = font
        if align is not None:
            cell.alignment = align
        return cell

    def header_row(self, names: Iterable[str]) -> list:
        cells = []
        for name in names:
            cell = WriteOnlyCell(self.ws, value=clean_text(name) if name else None)
            cell.data_type = "s" if name else cell.data_type
            cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
            cell.border, cell.alignment = _HEADER_BORDER, _HEADER_ALIGN
            cells.append(cell)
        return cells

    def widths(self, widths: list[int]) -> None:
        for i, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = min(width + 2, MAX_COL_WIDTH)


# --------------------------------------------------------------------------- columns → values


def _py(values: pd.Series) -> list:
    """Python scalars with None for any missing value (openpyxl knows no pd.NA / NaN)."""
    out = []
    for v in values.astype(object).tolist():
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            out.append(None)
        elif hasattr(v, "item"):  # numpy scalar
            out.append(v.item())
        else:
            out.append(v)
    return out


@dataclass
class _Column:
    """One column ready to stream: values, per-row number formats, rows needing string cells."""

    values: list
    formats: list[str | None] | None = None
    risky: frozenset[int] = frozenset()
    link: bool = False  # cells are relative links (the review page of each figure)


def _is_ratio_unit(unit: object) -> bool:
    return isinstance(unit, str) and (unit in RATIO_UNITS or "/" in unit)


def _number_formats(values: pd.Series, ratio: pd.Series | None) -> list[str | None]:
    """#,##0 for whole numbers (counts, 元), #,##0.00 otherwise, 0.00 for ratio units."""
    numeric = pd.to_numeric(values, errors="coerce").astype(float)
    whole = (numeric % 1 == 0).to_numpy()
    fmt = np.where(whole, INT_FORMAT, DEC_FORMAT).astype(object)
    if ratio is not None:
        fmt[ratio.to_numpy(dtype=bool)] = PCT_FORMAT
    fmt[numeric.isna().to_numpy()] = None
    return fmt.tolist()


def _prepare(df: pd.DataFrame) -> list[_Column]:
    ratio = df["unit"].map(_is_ratio_unit) if "unit" in df.columns else None
    columns = []
    for name in map(str, df.columns):
        series = df[name]
        if pd.api.types.is_bool_dtype(series.dtype):
            columns.append(_Column(_py(series)))
        elif pd.api.types.is_numeric_dtype(series.dtype):
            if name.endswith("_pct"):
                fmts = [PCT_FORMAT if pd.notna(v) else None for v in series]
            elif name in VALUE_COLUMNS:
                fmts = _number_formats(series, ratio)
            elif series.dtype.kind == "f":
                fmts = _number_formats(series, None)
            else:
                fmts = None
            columns.append(_Column(_py(series), fmts))
        else:
            text = series.astype("string").str.replace(ILLEGAL_CHARACTERS_RE, "", regex=True)
            text = text.str.slice(0, MAX_CELL_CHARS).replace("", pd.NA)
            flags = (text.str.startswith(RISKY_PREFIXES) | text.isin(ERROR_CODES)).fillna(False)
            risky = frozenset(np.flatnonzero(flags.to_numpy(dtype=bool)).tolist())
            columns.append(_Column(_py(text), None, risky, link=name in LINK_COLUMNS))
    return columns


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _widths(headers: list[list[str]], columns: list[list]) -> list[int]:
    """Width per column from the headers and the first rows, wide characters counting 2."""
    widths = []
    for i, col in enumerate(columns):
        head = max((display_width(h[i]) for h in headers if h[i]), default=0)
        body = max((display_width(_shown(v)) for v in col[:WIDTH_SAMPLE_ROWS]), default=0)
        widths.append(max(head, body, 4))
    return widths


def _chunks(n_rows: int, header_rows: int) -> list[tuple[int, int]]:
    size = MAX_SHEET_ROWS - header_rows
    return [(start, min(start + size, n_rows)) for start in range(0, max(n_rows, 1), size)]


def _sheet_names(base: str, n_parts: int) -> list[str]:
    return [base if i == 0 else f"{base}({i + 1})" for i in range(n_parts)]


def write_table(
    wb: Workbook,
    title: str,
    df: pd.DataFrame,
    headers: list[list[str]] | None = None,
    freeze_cols: int = 0,
    formats: dict[str, list[str | None]] | None = None,
) -> list[str]:
    """Write ``df`` as one or more sheets (split at Excel's row limit); return the sheet names.

    ``headers`` are the header rows (default: one row of Chinese labels). The last header
    row carries the autofilter; header rows and ``freeze_cols`` columns stay frozen.
    """
    headers = headers or [[header_label(str(c)) for c in df.columns]]
    columns = _prepare(df)
    for j, name in enumerate(map(str, df.columns)):  # per-cell formats given by the caller
        if formats and name in formats:
            columns[j].formats = formats[name]
    widths = _widths(headers, [c.values for c in columns])
    special = [(j, c) for j, c in enumerate(columns) if c.formats is not None or c.risky or c.link]
    n_rows, n_cols = len(df), len(df.columns)
    chunks = _chunks(n_rows, len(headers))
    names = _sheet_names(title, len(chunks))
    for name, (start, stop) in zip(names, chunks, strict=True):
        sheet = _Sheet(wb, name)
        sheet.ws.print_title_rows = f"1:{len(headers)}"
        sheet.widths(widths)
        sheet.ws.freeze_panes = f"{get_column_letter(freeze_cols + 1)}{len(headers) + 1}"
        if n_cols:
            last = len(headers) + (stop - start)
            sheet.ws.auto_filter.ref = f"A{len(headers)}:{get_column_letter(n_cols)}{last}"
        for row in headers:
            sheet.ws.append(sheet.header_row(row))
        for i in range(start, stop):
            row = [c.values[i] for c in columns]
            for j, col in special:  # only cells that need a style or a forced string type
                if row[j] is None:
                    continue
                if col.link:
                    row[j] = _link_cell(sheet, row[j])
                elif col.formats is not None:
                    if col.formats[i]:
                        row[j] = sheet.cell(row[j], col.formats[i])
                elif i in col.risky:
                    row[j] = sheet.cell(row[j])
            sheet.ws.append(row)
    return names


# --------------------------------------------------------------------------- for colleagues
# Why: the appendix goes to people who do not read code. Money is shown in 万元 or 亿元
# (the unit column says which; never bare 元), codes as Chinese labels (预计, 地级市),
# no hash columns, estimates and targets marked in the pivot, and every sheet prints
# landscape, one page wide, with the header row repeated and a footer naming the sheet.

HASH_COLUMNS = ("sha256",)
FOOTER = "&A　第 &P 页，共 &N 页"
ESTIMATE_FORMAT = '#,##0.00"（预计）"'
TARGET_FORMAT = '#,##0.00"（目标）"'


def print_setup(ws: object) -> None:
    """Landscape, fit to one page wide, header row repeated, footer with sheet and page."""
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.orientation = "landscape"  # type: ignore[attr-defined]
    ws.page_setup.paperSize = 9  # type: ignore[attr-defined]  # A4
    ws.page_setup.fitToWidth = 1  # type: ignore[attr-defined]
    ws.page_setup.fitToHeight = 0  # type: ignore[attr-defined]  # as many pages down as needed
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)  # type: ignore[attr-defined]
    ws.print_title_rows = "1:1"  # type: ignore[attr-defined]
    ws.oddFooter.center.text = FOOTER  # type: ignore[attr-defined]
    ws.evenFooter.center.text = FOOTER  # type: ignore[attr-defined]


def for_colleagues(df: pd.DataFrame) -> pd.DataFrame:
    """A table as the appendix shows it: amounts scaled, codes labelled, no hash columns."""
    out = df.drop(columns=[c for c in HASH_COLUMNS if c in df.columns])
    return label_codes(scale_table(out))


def pivot_formats(long_df: pd.DataFrame, flat: pd.DataFrame) -> dict[str, list[str | None]]:
    """Per pivot column, a number format marking estimates and targets (the value stays a
    number, so sums and charts in Excel still work)."""
    if long_df.empty or flat.empty:
        return {}
    kinds: dict[tuple, str] = {}
    for row in long_df.itertuples(index=False):
        label = compare.metric_label(row.metric_name, row.metric_id, row.display_unit)
        kinds[(int(row.year), str(row.period), label, str(row.admin_level), str(row.region))] = str(
            row.kind
        )
    out: dict[str, list[str | None]] = {}
    keys = list(zip(flat["year"], flat["period"], flat["metric"], strict=True))
    for col in flat.columns[3:]:
        level, region = str(col).split("|", 1)
        fmts: list[str | None] = []
        for (year, period, metric), value in zip(keys, flat[col], strict=True):
            kind = kinds.get((int(year), str(period), str(metric), level, region), "")
            if pd.isna(value):
                fmts.append(None)
            elif kind == "estimate":
                fmts.append(ESTIMATE_FORMAT)
            elif kind == "target":
                fmts.append(TARGET_FORMAT)
            else:
                fmts.append(INT_FORMAT if float(value).is_integer() else DEC_FORMAT)
        out[str(col)] = fmts
    return out


# --------------------------------------------------------------------------- sheets


def _link_cell(sheet: _Sheet, target: str) -> WriteOnlyCell:
    """A string cell that links (relative to the workbook) to a figure's highlight."""
    cell = WriteOnlyCell(sheet.ws, value=clean_text(target))
    cell.data_type = "s"
    cell.hyperlink = target
    cell.font = _LINK_FONT
    return cell


def source_table(metrics: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """The 来源 sheet: each figure, its sentence, its review state and the link to its
    highlight in the review pages (``review/`` beside the workbook)."""
    from .review import figure_link

    span = ["doc_id", "char_start", "char_end"]
    if set(span) <= set(metrics.columns) and metrics[span].notna().all().all():
        nth = metrics.groupby(span, sort=False).cumcount()
        metrics = metrics.assign(review_link=[
            figure_link(d, int(s), int(e), int(n)) for d, s, e, n in zip(
                metrics["doc_id"], metrics["char_start"], metrics["char_end"], nth, strict=True)])
    joined = compare.with_doc_info(metrics, documents)
    return _labelled(joined, [*SOURCE_COLUMNS, "review", "review_link"])


def revisions_table(processed: Path) -> pd.DataFrame:
    """The 修订 sheet: every ledger row of the last extraction, applied or not, with its
    status, reviewer and reason (``corrections_log``)."""
    from .tables import read_table

    log = read_table(processed, "corrections_log") if any(
        (processed / f"corrections_log.{x}").exists() for x in ("parquet", "csv")) else None
    first = ["line", "status", "why", "doc_id", "action", "raw", "reason", "reviewer",
             "reviewed_at"]
    if log is None:
        return pd.DataFrame(columns=first)
    return log[first + [c for c in log.columns if c not in first]]


def _labelled(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return df[[c for c in columns if c in df.columns]]


def city_pivot_table(metrics: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Long cross-city table for every year × period in the corpus (actuals, else estimates)."""
    return compare.cross_city_all(metrics, documents, kind=["actual", "estimate"])


def _pivot_sheet(long_df: pd.DataFrame) -> tuple[pd.DataFrame, list[list[str]]]:
    """Year × period × indicator rows, (admin level, region) columns, two header rows."""
    if long_df.empty:
        df = pd.DataFrame(columns=["year", "period", "metric"])
        return df, [[header_label(c) for c in df.columns]]
    blocks = []
    for (year, period), group in long_df.groupby(["year", "period"], sort=True):
        pivot = compare.cross_city_pivot(group)
        pivot.index = pd.MultiIndex.from_tuples(
            [(int(year), period, m) for m in pivot.index], names=["year", "period", "metric"]
        )
        blocks.append(pivot)
    table = pd.concat(blocks)
    rank = {lvl: i for i, lvl in enumerate(compare.ADMIN_ORDER)}
    cols = sorted(table.columns, key=lambda c: (rank.get(c[0], len(rank)), c[0], c[1]))
    flat = table[cols].astype(float)
    flat.columns = [f"{lvl}|{region}" for lvl, region in cols]
    flat = flat.reset_index()
    top = ["", "", "", *[code_label("admin_level", lvl) for lvl, _ in cols]]
    second = [header_label(c) for c in ("year", "period", "metric")] + [r for _, r in cols]
    return flat, [top, second]


def _package_version() -> str:
    for dist in ("kejiju-analysis", "analysis"):
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return "unknown"


def _notes_rows(
    generated: str,
    processed: Path,
    names: dict[str, list[str]],
    n_rows: dict[str, int],
    n_docs: int,
) -> list[list[str]]:
    """Rows of the 说明 sheet: what each sheet holds, units, comparability, provenance."""
    notes = _notes()

    def section(name: str) -> list[tuple[str, str]]:
        part = notes[notes["section"] == name]
        return list(zip(part["key"], part["text"], strict=True))

    described = dict(section("sheet"))
    rows = [
        ["科技局工作报告指标附录", ""],
        ["生成时间", generated],
        ["软件版本", _package_version()],
        ["数据目录", str(processed)],
        ["", ""],
        ["工作表", ""],
    ]
    for base in SHEETS:
        parts = names.get(base, [base])
        text = described.get(base, "")
        if base in n_rows:
            text += f"（{n_rows[base]:,} 行）"
        if len(parts) > 1:
            text += f" 超过 Excel 行数上限，分为 {len(parts)} 个工作表：{'、'.join(parts)}。"
        rows.append([base, text])
    for key, title in (("unit", "单位"), ("note", "可比性与代码")):
        rows += [["", ""], [title, ""], *[[k, t] for k, t in section(key)]]
    rows += [["", ""], [f"来源文档（{n_docs} 份）", ""]]
    return rows


def _write_notes(wb: Workbook, rows: list[list[str]], documents: pd.DataFrame) -> None:
    sheet = _Sheet(wb, "说明")
    docs = _labelled(documents, DOC_LIST_COLUMNS)
    doc_columns = [_py(docs[c]) for c in docs.columns]
    widths = _widths([[header_label(str(c)) for c in docs.columns]], doc_columns)
    first = max([display_width(r[0]) for r in rows] + widths[:1])
    sheet.widths([first, NOTES_WIDTH, *widths[2:]])
    for i, (key, text) in enumerate(rows):
        font = _TITLE_FONT if i == 0 else (_HEADER_FONT if key and not text else None)
        sheet.ws.append([sheet.cell(key, font=font), sheet.cell(text, align=_WRAP)])
    sheet.ws.append(sheet.header_row([header_label(str(c)) for c in docs.columns]))
    for i in range(len(docs)):
        sheet.ws.append([sheet.cell(col[i]) for col in doc_columns])


def write_appendix(
    processed_dir: Path | str | None = None, out_path: Path | str | None = None
) -> Path:
    """Write the Excel appendix from the processed tables; return its path."""
    processed = Path(processed_dir) if processed_dir is not None else config.PROCESSED_DIR
    out = Path(out_path) if out_path is not None else config.APPENDIX_PATH
    current = current_dir(processed)  # every sheet from one generation (see safeio)
    tables = compare.load_tables(current)
    metrics, documents = tables["metrics"], tables["documents"]

    long_city = city_pivot_table(metrics, documents)
    pivot, pivot_headers = _pivot_sheet(long_city)
    marks = {"城市对比": pivot_formats(long_city, pivot)}
    flags = compare.corpus_flags(metrics, documents)
    frames: dict[str, tuple[pd.DataFrame, list[list[str]] | None, int]] = {
        "指标": (metrics, None, 0),
        "同比": (compare.yoy_checked(metrics, documents, kind=None), None, 0),
        "城市对比": (pivot, pivot_headers, 3),
        "城市对比明细": (compare.with_flags(long_city, flags), None, 0),
        "目标完成": (compare.targets_vs_actuals(metrics, documents), None, 0),
        "文档": (documents, None, 0),
        "来源": (source_table(metrics, documents), None, 0),
        "修订": (revisions_table(current), None, 0),
    }
    names = {
        base: _sheet_names(base, len(_chunks(len(df), len(headers or [[]]))))
        for base, (df, headers, _) in frames.items()
    }
    generated = datetime.now().astimezone().isoformat(timespec="seconds")
    rows = _notes_rows(
        generated, processed, names, {k: len(v[0]) for k, v in frames.items()}, len(documents)
    )

    wb = Workbook(write_only=True)
    _write_notes(wb, rows, for_colleagues(documents))
    for base, (df, headers, freeze_cols) in frames.items():
        write_table(wb, base, for_colleagues(df), headers=headers, freeze_cols=freeze_cols,
                    formats=marks.get(base))
    with atomic_path(out) as tmp:
        wb.save(tmp)
    return out
