"""Indicator tables: a header row of columns (指标 单位 2022年完成 2023年目标), then one row per
indicator, cells apart by blanks (a docx or HTML table, one row a line; a PDF's columns).

A value in such a row has no unit and no verb beside it: the sentence reader sees bare numbers.
Here each value is read under its column: the column head gives its year, kind (目标 → target,
完成 → actual, 预计 → estimate) and period, the unit column or the name's bracket gives its
unit, the row's name cell its indicator, and a growth column (同比增长) its yoy.

Reads the prepared document's text and the report's metadata (year, type); adds figures with
the flag ``table_cell``. Words of column heads are cue rows of ``data/cues.csv`` (``grid_*``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import taxonomy
from ..models import DocMeta, Figure
from ..numbers import parse_quantity
from ..text.lexicon import level_regex
from ..text.sections import Section, section_at
from .cues import cues

_CELL = re.compile(r"[^ \t\u3000]+")
_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")
_YEAR = re.compile(r"((?:19|20)\d\d)年?")
_BRACKET_UNIT = re.compile(r"[(（]([^()（）]{1,6})[)）]$")
MIN_CELLS = 3  # a name, at least two more columns: fewer is a line with a space in it


@dataclass(frozen=True)
class Column:
    """A value column of a table: what its head says of every number under it."""

    index: int
    head: str
    year: int | None
    kind: str
    period: str
    growth: bool  # 同比增长(%): the yoy of the value column before it


@dataclass(frozen=True)
class Header:
    cells: int
    name: int  # the column of the indicator's name
    unit: int | None  # the column of units, if any
    columns: tuple[Column, ...]

    @property
    def required(self) -> int:
        """Cells a row must have: the trailing growth or note columns may be empty (an empty
        cell leaves no trace between blanks), the values may not."""
        return 1 + max(self.name, self.unit or 0,
                       *(col.index for col in self.columns if not col.growth))


def _cells(line: str, offset: int) -> list[tuple[str, int]]:
    return [(m.group(0), offset + m.start()) for m in _CELL.finditer(line)]


def _header(cells: list[str], meta: DocMeta, section: Section) -> Header | None:
    """The columns a head row defines, or None when the row is no head of an indicator table."""
    c = cues()
    if len(cells) < MIN_CELLS or any(_NUMBER.fullmatch(x) for x in cells):
        return None
    name = next((i for i, x in enumerate(cells) if c["grid_name"].fullmatch(x)), None)
    if name is None:
        return None
    unit = next((i for i, x in enumerate(cells) if c["grid_unit"].fullmatch(x)), None)
    columns = []
    for i, head in enumerate(cells):
        if i in (name, unit):
            continue
        growth = bool(c["grid_growth"].search(head))
        year_m = _YEAR.search(head)
        target = c["grid_target"].search(head)
        estimate = c["grid_estimate"].search(head)
        actual = c["grid_actual"].search(head)
        if not (year_m or target or estimate or actual or growth):
            continue  # 序号, 责任单位, 备注: no values of the indicator
        year = int(year_m.group(1)) if year_m else section.year
        if estimate:
            kind = "estimate"
        elif target:
            kind = "target"
        elif actual:
            kind = "actual"
        elif year is not None and meta.report_year is not None and (
                year > meta.report_year or (year == meta.report_year and section.kind == "plan")):
            kind = "target"  # 2023年 in a plan for 2023: the goal set for it
        else:
            kind = "actual"
        period = "H1" if "上半年" in head else "FY"
        columns.append(Column(i, head, year, kind, period, growth))
    if not any(not col.growth for col in columns):
        return None
    return Header(len(cells), name, unit, tuple(columns))


def grid_figures(doc_id: str, text: str, shadow: str, sections: list[Section], meta: DocMeta,
                 note: str) -> tuple[list[Figure], list[tuple[int, int]]]:
    """The figures of every indicator table in ``text`` (read on its simplified ``shadow``),
    and the spans of the rows read (the sentence reader's figures there are replaced by these).
    ``note`` is the words of the ``table_cell`` flag."""
    if "\n" not in text:
        return [], []
    out: list[Figure] = []
    rows: list[tuple[int, int]] = []
    header: Header | None = None
    pos = 0
    for line in shadow.split("\n"):
        start, pos = pos, pos + len(line) + 1
        cells = _cells(line, start)
        if len(cells) < MIN_CELLS:
            header = None
            continue
        section = section_at(sections, start)
        head = _header([x for x, _ in cells], meta, section)
        if head is not None:
            header = head
            continue
        if header is None or not header.required <= len(cells) <= header.cells:
            if header is not None and not any(_NUMBER.search(x) for x, _ in cells):
                continue  # a row of words (a sub-heading inside the table)
            header = None
            continue
        found = _row_figures(doc_id, text, line, cells, header, meta, note)
        if found:
            out.extend(found)
            rows.append((start, start + len(line)))
    return out, rows


def _row_figures(doc_id: str, text: str, line: str, cells: list[tuple[str, int]],
                 header: Header, meta: DocMeta, note: str) -> list[Figure]:
    name = cells[header.name][0]
    unit_text = cells[header.unit][0] if header.unit is not None else ""
    if not unit_text and (b := _BRACKET_UNIT.search(name)):
        unit_text = b.group(1)
    phrase = _BRACKET_UNIT.sub("", name)
    if _NUMBER.search(phrase) and not re.search(r"[\u4e00-\u9fff]", phrase):
        return []  # no name: a row of numbers only
    out: list[Figure] = []
    last_value: Figure | None = None
    for col in header.columns:
        if col.index >= len(cells):
            break
        cell, at = cells[col.index]
        if col.growth:
            m = _NUMBER.fullmatch(cell.rstrip("%％"))
            if m and last_value is not None and last_value.yoy_pct is None:
                last_value.yoy_pct = float(m.group(0).replace(",", ""))
            continue
        q = parse_quantity(cell) if not _NUMBER.fullmatch(cell) else parse_quantity(cell + unit_text)
        if q is None:
            last_value = None
            continue
        ind = taxonomy.match_indicator(phrase, q.unit)
        level = ""
        for m in level_regex().finditer(phrase):
            level = m.lastgroup or ""
        fig = Figure(
            doc_id=doc_id,
            metric_id=ind.metric_id if ind else "",
            metric_name=ind.name_zh if ind else "",
            indicator=taxonomy.indicator_phrase(phrase),
            value=q.value,
            unit=ind.unit if ind and "/" not in q.unit else q.unit,
            yoy_pct=None,
            qualifier="",
            year=col.year,
            period=col.period,
            kind=col.kind,
            sentence=text[_line_start(text, at):_line_end(text, at)],
            char_start=at,
            char_end=at + len(cell),
            raw=text[at:at + len(cell)],
            region=meta.region,
            value_high=q.value_high,
            note=note,
            flags=("table_cell",),
            level=level if q.dimension == "count" else "",
        )
        out.append(fig)
        last_value = fig
    return out


def _line_start(text: str, at: int) -> int:
    return text.rfind("\n", 0, at) + 1


def _line_end(text: str, at: int) -> int:
    end = text.find("\n", at)
    return len(text) if end == -1 else end


# ------------------------------------------------------------------ task tables

TASK_COLUMNS = (3, 8)  # columns a task table has, its serial column included
_SERIAL_LEAD = re.compile(r"(\d{1,3})[.、．]?[ \t\u3000]+")


def task_sections(shadow: str, sections: list[Section]) -> list[Section]:
    """The parts of a report with the goal column of each task table as a plan part of its own.

    A numbered table of sentences (序号 任务目标 进展情况) states each row's goal beside what
    was done: a figure in the goal cell is a target of the year its part covers, one in the
    other cells what the part says it is. Ingestion gives such a table its head row as one line,
    then each row as a line per cell, the row's number before its first cell; a row whose lines
    do not add up (a cell of several paragraphs) ends the table.
    """
    c = cues()
    if not c["task_goal"].search(shadow):
        return sections
    lines: list[tuple[int, str]] = []
    pos = 0
    for line in shadow.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    goals: list[tuple[int, int]] = []
    i = 0
    while i < len(lines):
        head = [x for x, _ in _cells(lines[i][1], 0)]
        goal = next((g for g, x in enumerate(head) if c["task_goal"].fullmatch(x)), None)
        if (goal is None or not c["task_serial"].fullmatch(head[0])
                or not TASK_COLUMNS[0] <= len(head) <= TASK_COLUMNS[1]):
            i += 1
            continue
        n, k, j = len(head), 1, i + 1
        while j + n - 1 <= len(lines):
            first = _SERIAL_LEAD.match(lines[j][1])
            if first is None or int(first.group(1)) != k:
                break
            row = lines[j:j + n - 1]
            if any((m := _SERIAL_LEAD.match(text)) and int(m.group(1)) == k + 1 for _, text in row[1:]):
                break  # the next row starts early: a cell is missing
            at, text = row[goal - 1]
            lo = at + (first.end() if goal == 1 else 0)
            goals.append((lo, at + len(text)))
            k, j = k + 1, j + n - 1
        i = j if k > 1 else i + 1
    return _with_plan_cells(sections, goals) if goals else sections


def _with_plan_cells(sections: list[Section], cells: list[tuple[int, int]]) -> list[Section]:
    """``sections`` cut so that each cell is a plan part of the year its part has, full-year."""
    out: list[Section] = []
    for sec in sections:
        pos = sec.start
        for start, end in cells:
            if not (sec.start <= start and end <= sec.end) or sec.kind == "plan":
                continue
            if start > pos:
                out.append(Section(pos, start, sec.kind, sec.year, sec.period, sec.span))
            out.append(Section(start, end, "plan", sec.year, "FY", None))
            pos = end
        if pos < sec.end:
            out.append(Section(pos, sec.end, sec.kind, sec.year, sec.period, sec.span))
    return out
