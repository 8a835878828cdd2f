"""The report's parts are found once, in the prepared document; metadata and extraction
both read them (``Document.sections``), neither looks for a part on its own."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from analysis.extract import find_figures
from analysis.metadata import describe
from analysis.text import lexicon
from analysis.text.document import prepare_text
from analysis.text.sections import Outline, find_sections

SRC = Path(lexicon.__file__).resolve().parents[1]
TEXT = ("某市科技局2012年工作总结\n一、2012年工作总结 全年专利申请24183件,同比增长60%。\n"
        "二、2013年工作思路 2013年,新增高新技术企业30家。")


def test_the_document_finds_its_parts_once():
    doc = prepare_text("d", TEXT)
    assert doc.sections is doc.sections  # computed once, then kept
    start = doc.sections.plan_start
    assert start is not None and doc.text[start.start:start.end].endswith("2013年工作思路")
    assert [(o.kind, o.when, doc.text[o.start:o.end]) for o in doc.sections.openings] == [
        ("plan", "2013年", "二、2013年工作思路"), ("summary", None, "一、2012年工作总结")]


def test_metadata_and_extraction_read_the_documents_sections():
    doc = prepare_text("d", TEXT)
    meta = describe(doc)
    assert (meta.report_year, meta.doc_type) == (2012, "summary+plan")
    kinds = {f.value: (f.kind, f.year) for f in find_figures(doc, meta)}
    assert kinds[30] == ("target", 2013) and kinds[24183] == ("actual", 2012)

    # the same text with its parts taken away: both readers follow the document
    bare = prepare_text("d", TEXT)
    bare.__dict__["sections"] = dataclasses.replace(
        bare.sections, openings=(), plan_start=None)
    assert describe(bare).doc_type == "summary"
    assert {f.value: f.kind for f in find_figures(bare, meta)}[30] == "actual"


def test_metadata_reads_the_plan_parts_year_from_the_documents_plan_start():
    from analysis.metadata.year import _plan_section_year

    doc = prepare_text("d", "科技工作汇报\n一、工作成效\n略。\n二、明年工作打算\n2016年,我局将继续推进。")
    assert doc.text[doc.sections.plan_start.start:].startswith("\n二、明年工作打算")
    assert _plan_section_year(doc.sections) == 2016
    half = prepare_text("d", "上半年工作总结\n略。下半年，我局将继续做好2016年各项工作。")
    assert half.sections.plan_start is not None and _plan_section_year(half.sections) is None


def test_no_other_module_reads_where_the_plan_part_starts():
    assert not (SRC / "extract" / "sections.py").exists()
    assert "plan_section" not in lexicon.load_cues("metadata_cues.csv")
    holders = [p.relative_to(SRC).as_posix() for p in sorted(SRC.rglob("*.py"))
               if "PLAN_HEADING" in p.read_text(encoding="utf-8")
               or '"plan_start"' in p.read_text(encoding="utf-8")]
    assert holders == ["text/sections.py"]


def test_find_sections_on_a_string_is_the_outline_of_that_string():
    from analysis.models import DocMeta

    meta = DocMeta("d", report_year=2012, period="FY", doc_type="summary+plan")
    assert isinstance(prepare_text("d", TEXT).sections, Outline)
    parts = find_sections(prepare_text("d", TEXT).shadow, meta)
    assert [(s.kind, s.year) for s in parts] == [("summary", 2012), ("plan", 2013)]


def test_section_at_finds_the_part_holding_a_position():
    from analysis.text.sections import Section, section_at

    parts = [Section(0, 10, "summary", 2023, "FY"), Section(10, 25, "plan", 2024, "FY"),
             Section(25, 40, "summary", 2023, "FY")]
    assert [section_at(parts, p).start for p in (0, 9, 10, 24, 25, 39, 99)] == [0, 0, 10, 10, 25, 25, 25]


def test_both_readings_of_the_plan_start_take_their_words_from_the_lexicon():
    """Where planning starts is read twice (does the report plan; where each part opens),
    but from one vocabulary: the heading words and plan times are lexicon terms, so the
    cue file names no word of its own and the heading pattern repeats none."""
    import csv
    import re

    from analysis.text import sections

    rows = [r for r in csv.DictReader(open(SRC / "data" / "sections.csv", encoding="utf-8"))
            if r["cue"] == "plan_start" and "section heading" in r["note"]]
    assert len(rows) == 2
    for r in rows:
        assert "{heading.when}" in r["pattern"] and "{heading.plan}" in r["pattern"]
        assert not re.search(r"思路|计划|打算|要点|任务|目标|明年", r["pattern"])
    plan_words = lexicon.term("heading", "plan").pattern
    assert plan_words in sections.PLAN_HEADING.pattern
    assert lexicon.term("heading", "when").pattern in sections.PLAN_HEADING.pattern


def test_a_heading_naming_work_tasks_or_goals_opens_the_plan_in_both_readings():
    for words in ("工作任务", "工作目标", "工作重点", "工作思路"):
        text = f"某区科技局2023年工作总结\n一、2023年工作成效 新增高企12家。\n二、2024年{words} 新增高企15家。"
        doc = prepare_text("d", text)
        start = doc.sections.plan_start
        assert start is not None and doc.text[start.start:start.end].endswith(f"2024年{words}")
        assert ("plan", "2024年") in [(o.kind, o.when) for o in doc.sections.openings]
    # a heading that reports on the year's tasks opens no plan
    doc = prepare_text("d", "某区科技局2023年工作总结\n一、2023年工作任务完成情况 新增高企12家。")
    assert doc.sections.plan_start is None
    assert [o.kind for o in doc.sections.openings] == ["summary"]
