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
from ..text.sections import Section, fyp_span, section_at
from .cues import cues, flag_notes, platform_level
from .periods import sentence_period

_CELL = re.compile(r"[^ \t\u3000]+")
_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")
# a value cell: a number, a qualifier before or after it (≥150, 约12, 15以上, 2.3左右), a unit
_VALUE = re.compile(r"(?P<pre>[≥>＞]|约|近|超过?|突破)?(?P<num>[-+]?\d[\d,]*(?:\.\d+)?)"
                    r"(?P<unit>[^\d\s≥>＞]{0,5}?)(?P<post>以上|左右|余|多)?")
_YEAR = re.compile(r"((?:19|20)\d\d)年?")
_YEAR_RANGE = re.compile(r"((?:19|20)\d\d)\s*(?:年)?\s*[-—–~至到]\s*((?:19|20)\d\d)")
_FYP = re.compile(r"[“\"]?十([一二三四五])五[”\"]?")
_BRACKET_UNIT = re.compile(r"[(（]([^()（）]{1,6})[)）]$")
_SUBSET = re.compile(r"^其中[：:、,，]?")
MIN_CELLS = 3  # a name, at least two more columns: fewer is a line with a space in it
TABLE_GAP = 2  # lines of words (a sub-heading, a caption) a table may hold between its rows


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
    subunit: bool = False  # the table's caption names a part of the region (县高新区主要指标)
    skipped: tuple[int, ...] = ()  # columns of other measures (完成率, 全省平均, 排名)


def _cells(line: str, offset: int) -> list[tuple[str, int]]:
    """The blank-separated cells of a line; none for a line of prose (fewer blanks than a
    table row needs: most lines, so they cost a count, not a scan)."""
    if line.count(" ") + line.count("\t") + line.count("\u3000") < MIN_CELLS - 1:
        return []
    return [(m.group(0), offset + m.start()) for m in _CELL.finditer(line)]


def _head_time(head: str, section: Section) -> tuple[int | None, str] | None:
    """(year, period) a column head states: 2023年1-6月, 前三季度, 2021-2023年累计, “十四五”目标,
    上年完成; the part's year and period when it states none; None for a span it cannot read."""
    year, period = section.year, "FY"
    if (r := _YEAR_RANGE.search(head)) is not None:
        a, b = int(r.group(1)), int(r.group(2))
        return (b, f"{a}-{b}") if a < b else None
    if (f := _FYP.search(head)) is not None:
        first, last = fyp_span(f.group(1))
        return last, "FY"  # “十四五”目标: the plan's last year
    if (y := _YEAR.search(head)) is not None:
        year = int(y.group(1))
    elif "上年" in head or "去年" in head:
        year = year - 1 if year is not None else None
    cue_period, cue_year = sentence_period(head, len(head), None)
    if cue_period is not None:
        period = cue_period
    elif "上半年" in head:
        period = "H1"
    return (cue_year or year), period


def _header(cells: list[str], meta: DocMeta, section: Section) -> Header | None:
    """The columns a head row defines, or None when the row is no head of an indicator table."""
    c = cues()
    if len(cells) < MIN_CELLS or any(_NUMBER.fullmatch(x) and not _YEAR.fullmatch(x) for x in cells):
        return None  # a row of values (a bare year, 2023, may head a column)
    name = next((i for i, x in enumerate(cells) if c["grid_name"].fullmatch(x)), None)
    if name is None:
        return None
    unit = next((i for i, x in enumerate(cells) if c["grid_unit"].fullmatch(x)), None)
    columns = []
    skipped = []
    for i, head in enumerate(cells):
        if i in (name, unit):
            continue
        if c["grid_skip"].search(head):
            skipped.append(i)  # 完成率, 全省平均, 排名, 年均增长, 增减(百分点): no values of the row's
            continue
        growth = bool(c["grid_growth"].search(head))
        time = _head_time(head, section)
        target = c["grid_target"].search(head)
        estimate = c["grid_estimate"].search(head)
        actual = c["grid_actual"].search(head)
        if time is None or not (_YEAR.search(head) or _FYP.search(head) or target or estimate
                                or actual or growth):
            continue  # 序号, 责任单位, 备注: no values of the indicator
        year, period = time
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
        columns.append(Column(i, head, year, kind, period, growth))
    if not any(not col.growth for col in columns):
        return None
    return Header(len(cells), name, unit, tuple(columns), skipped=tuple(skipped))


def grid_figures(doc_id: str, text: str, shadow: str, sections: list[Section], meta: DocMeta
                 ) -> tuple[list[Figure], list[tuple[int, int]]]:
    """The figures of every indicator table in ``text`` (read on its simplified ``shadow``),
    and the spans of the value cells read (the sentence reader's figures there are replaced by
    these). A table whose caption names a part of the region gives that part's figures
    (flagged ``subunit``)."""
    if "\n" not in text:
        return [], []
    c = cues()
    out: list[Figure] = []
    spans: list[tuple[int, int]] = []
    header: Header | None = None
    gap = 0
    caption = ""
    parent = ""  # the name of the last row, for a 其中 row under it
    pos = 0
    for line in shadow.split("\n"):
        start, pos = pos, pos + len(line) + 1
        cells = _cells(line, start)
        if len(cells) < MIN_CELLS or (header is not None and not any(_NUMBER.search(x) for x, _ in cells)):
            if header is not None and gap < TABLE_GAP and line.strip() and not c["sentence_end"].search(line):
                gap += 1  # a sub-heading or a row of words inside the table
                continue
            header, gap = None, 0
            caption = line if line.strip() else caption
            continue
        section = section_at(sections, start)
        head = _header([x for x, _ in cells], meta, section)
        if head is not None:
            header, gap, parent = head, 0, ""
            if c["subunit_start"].search(caption) or c["subunit_any"].search(caption):
                header = Header(head.cells, head.name, head.unit, head.columns, True, head.skipped)
            continue
        if header is None:
            caption = line
            continue
        row = _fitted(cells, header)
        if row is None:
            continue  # cells that do not add up to the columns: left to the sentence reader
        gap = 0
        found, parent = _row_figures(doc_id, text, row, header, meta, parent)
        for fig in found:
            out.append(fig)
            spans.append((fig.char_start, fig.char_end))
        if found:  # the numbers of its other columns are no figures of the row's indicator,
            # and its growth cells are the yoy of its figures, not figures of their own
            others = [*header.skipped, *(col.index for col in header.columns if col.growth)]
            spans.extend((row[i][1], row[i][1] + len(row[i][0])) for i in others if i < len(row))
            spans.sort()
    return out, spans


def _fitted(cells: list[tuple[str, int]], header: Header) -> list[tuple[str, int]] | None:
    """The row's cells, one per column, or None when they cannot be put under the heads.

    A name split by a blank (R&D 经费投入, a PDF's 高新技术 企业数) is joined again when the row
    has more cells than the head. A row with fewer cells (an empty cell leaves no trace between
    blanks) is tried as it stands (the missing cells are trailing notes or growth columns: 备注
    left empty) and with the cells before its name column missing (a category cell spanning
    rows, 创新主体, stood on the row before); a reading counts only when its name cell is a name,
    its unit cell a unit and every value column holds a number in that unit — a missing cell in
    the middle would put values under the wrong head, so such a row is not read.
    """
    n = header.cells
    if len(cells) > n:
        extra = len(cells) - n
        k = header.name
        if any(_NUMBER.fullmatch(x) for x, _ in cells[k:k + extra + 1]):
            return None
        text = "".join(x for x, _ in cells[k:k + extra + 1])
        cells = [*cells[:k], (text, cells[k][1]), *cells[k + extra + 1:]]
    if len(cells) == n:
        return cells
    readings = [cells]
    if header.name >= 1 and all(col.index > header.name for col in header.columns):
        readings.append([("", -1)] * header.name + cells)
    fits = [r for r in readings if _reads(r, header)]
    return fits[0] if len(fits) == 1 else None


def _reads(row: list[tuple[str, int]], header: Header) -> bool:
    """Whether ``row`` (possibly short of trailing cells) fits the heads: a name, a unit, and a
    number in the row's unit (or a cell saying it has none: —, /, 无) under every value column it
    reaches, the last value column at least, and one number at least."""
    values = [col for col in header.columns if not col.growth]
    if len(row) <= max(col.index for col in values) or len(row) <= header.name:
        return False
    name = row[header.name][0]
    if not re.search(r"[\u4e00-\u9fffA-Za-z]", name) or _NUMBER.fullmatch(name):
        return False
    unit = row[header.unit][0] if header.unit is not None and header.unit < len(row) else ""
    if unit and (_NUMBER.search(unit) or len(unit) > 6):
        return False
    empty = cues()["empty_cell"]
    filled = 0
    for col in values:
        cell = row[col.index][0]
        if empty.match(cell):
            continue  # a dash or 无: this column has no value in the row
        m = _VALUE.fullmatch(cell)
        if m is None or (unit and m.group("unit") not in ("", unit)):
            return False
        filled += 1
    return filled > 0


def _merge_under(parent: str, part: str) -> str:
    """其中 发明专利 under 专利授权量 → 发明专利授权量; 其中 新认定 under 高新技术企业 → 新认定高新技术企业:
    the part's words and the parent's, overlapping where the part ends as the parent begins."""
    for k in range(min(len(part), len(parent)), 0, -1):
        if part.endswith(parent[:k]):
            return part + parent[k:]
    return part + parent


def _row_figures(doc_id: str, text: str, cells: list[tuple[str, int]], header: Header,
                 meta: DocMeta, parent: str) -> tuple[list[Figure], str]:
    name = cells[header.name][0]
    unit_text = cells[header.unit][0] if header.unit is not None else ""
    if not unit_text and (b := _BRACKET_UNIT.search(name)):
        unit_text = b.group(1)
    phrase = _BRACKET_UNIT.sub("", name)
    if not re.search(r"[\u4e00-\u9fffA-Za-z]", phrase):
        return [], parent  # no name: a row of numbers only
    if (sub := _SUBSET.match(phrase)) is not None and parent:
        phrase = _merge_under(parent, phrase[sub.end():])
    else:
        parent = phrase
    per_10k = cues()["per_10k"].search(phrase) is not None
    out: list[Figure] = []
    last_value: Figure | None = None
    for col in header.columns:
        if col.index >= len(cells):
            break
        cell, at = cells[col.index]
        m = _VALUE.fullmatch(cell)
        if col.growth:
            if m and m.group("unit") in ("", "%", "％") and last_value is not None and last_value.yoy_pct is None:
                last_value.yoy_pct = float(m.group("num").replace(",", ""))
            continue
        if m is None:
            last_value = None
            continue
        unit = m.group("unit") or unit_text
        per_person = per_10k or "/万人" in unit  # 每万人发明专利拥有量 件, or 件/万人 written
        count_unit = unit.split("/", 1)[0] or "件"
        q = parse_quantity(m.group("num") + (count_unit if per_person else unit))
        if q is None:
            last_value = None
            continue
        fig_unit = f"{q.unit}/万人" if per_person and q.dimension == "count" else q.unit
        ind = taxonomy.match_indicator(phrase, fig_unit)
        qualifier = ">" if m.group("pre") in ("≥", ">", "＞", "超", "超过", "突破") or m.group("post") in (
            "以上", "余", "多") else "~" if m.group("pre") in ("约", "近") or m.group("post") == "左右" else ""
        metric_id = ind.metric_id if ind and not header.subunit else ""
        flags = ("table_cell", "subunit") if header.subunit else ("table_cell",)
        fig = Figure(
            doc_id=doc_id,
            metric_id=metric_id,
            metric_name=ind.name_zh if metric_id and ind else "",
            indicator=taxonomy.indicator_phrase(phrase),
            value=q.value,
            unit=ind.unit if ind and "/" not in fig_unit else fig_unit,
            yoy_pct=None,
            qualifier=qualifier,
            year=col.year,
            period=col.period,
            kind=col.kind,
            sentence=text[_line_start(text, at):_line_end(text, at)],
            char_start=at,
            char_end=at + len(cell),
            raw=text[at:at + len(cell)],
            region=meta.region,
            value_high=q.value_high,
            note="; ".join(flag_notes()[f] for f in flags),
            flags=flags,
            level=platform_level(phrase) if q.dimension == "count" else "",
        )
        out.append(fig)
        last_value = fig
    return out, parent


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
