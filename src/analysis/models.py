"""Plain records passed between the pipeline steps (ingest → clean → extract → tables)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RawDocument:
    """One input file read to text, before any cleaning."""

    doc_id: str  # file name without extension (manifest may override)
    source_file: str  # path relative to the raw folder, POSIX separators
    fmt: str  # txt | docx | html | pdf
    text: str
    sha256: str  # of the file's bytes
    encoding: str | None = None  # detected text encoding, for .txt/.html


@dataclass
class Repair:
    """One edit the cleaner made, so a user can audit it."""

    doc_id: str
    offset: int  # offset of the edit in the *cleaned* text
    before: str
    after: str
    rule: str  # id of the cleaning rule (see data/repairs.csv)


@dataclass
class CleanDocument:
    doc_id: str
    text: str
    repairs: list[Repair] = field(default_factory=list)


@dataclass
class DocMeta:
    """Document-level facts; columns of documents.csv (see SCHEMA.md)."""

    doc_id: str
    title: str = ""
    region: str = ""
    admin_level: str = ""  # prefecture | county_city | district | county
    parent_city: str = ""
    province: str = ""
    report_year: int | None = None
    period: str = ""  # FY | H1 | Q1-Q3 | M1-M5 ...
    doc_type: str = ""  # summary | plan | summary+plan
    region_masked: int = 0
    region_confidence: float = 0.0  # 0..1, how sure the region inference is
    year_confidence: float = 0.0


@dataclass(slots=True)  # slots: a large corpus holds millions of these
class Figure:
    """One stated quantity; a row of metrics.csv."""

    doc_id: str
    metric_id: str  # "" when the phrase maps to no indicator
    metric_name: str
    indicator: str  # the raw indicator phrase from the text
    value: float  # in the canonical unit
    unit: str  # canonical unit (元, 平方米, 件, 家, %, 件/万人, 百分点 ...)
    yoy_pct: float | None
    qualifier: str  # ">" | "~" | "<" | ""
    year: int | None
    period: str
    kind: str  # actual | estimate | target
    sentence: str
    char_start: int  # offsets into the cleaned text of the number+unit span
    char_end: int
    raw: str = ""  # the number+unit as written, e.g. "14.21亿元"
    region: str = ""
    value_high: float | None = None  # upper end of a range (1-2家), in the canonical unit
    note: str = ""  # why a figure has no metric_id (sub-unit, subset, growth rate only)
    level: str = ""  # national | provincial | municipal | county | provincial_up | municipal_up
    flags: tuple[str, ...] = ()  # typed reasons (codes of data/figure_flags.csv); ``note`` says them
