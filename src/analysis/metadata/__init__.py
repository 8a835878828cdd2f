"""Document-level facts of a report: title, region, level, year, period, type, masking.

Everything here is a pure function of the text. Cue words and patterns live in
``data/metadata_cues.csv`` (one row per cue, with a note on why it works); the code
only weighs the evidence they produce:

* **region** — gazetteer hits (``gazetteer.find_places``) vote for their prefecture: the
  title counts most, then a place written right before a bureau name (胶州市科技和工业
  信息化局), a news headline, then plain mentions in the body; one bare short name
  (为常德全面落实) is enough when nothing competes. Mentions naming an institution (宁波大学),
  a partner (与上海合作, 赴深圳), a peer in a list (杭州、宁波等) or a comparison (超过越城) count less,
  and a city a figure is ranked within (位居金华第二) is the parent of an unnamed or
  most-named county-level unit; and a unit of
  the level the text speaks as (a 县 in a text saying 我县) counts more. A county-level unit
  is chosen only when the title or the bureau name names it, or when the text speaks as a
  district/county (全区, 区科技局) and names one of that city's districts/counties. A text
  that speaks as a district/county but hides (``*区``, ``XX县``) or never gives its name
  keeps the level, and the city the places point to, with an empty region; so does one
  whose city is only named in passing (a company's registered city counts little). A
  functional zone with its own bureau (平原示范区科技和工业信息化局) is the region when no
  gazetteer unit claims the text. Places are read in the divisions of the report's year
  (the year is inferred first), as words (示范县 holds no 范县), never from a short
  quotation (“科技兴县”, 《…战略》; the issuer opening a policy title still counts); the
  opening sentence and a news-wire lead (XX讯) name the author. The region must agree with
  the text: a county voice is never promoted to its city, and a province named clearly
  that is not the region's empties it. Below ``region.REGION_THRESHOLD`` (calibrated, see
  ``data/README.md``) the region stays empty; :func:`needs_entry` then lists the document,
  with its candidates and their evidence, in ``needs_manifest.csv``.
* **year** — the strongest of: the title (the year before 总结, else before 要点/计划), a
  section heading (一、2021年工作成效), an opening ``2016年，``, a Five-Year-Plan stage
  (实现“十三五”开门红 → 2016), the year of the plan section (minus one for a summary),
  the year a from-to statement reaches (由2021年的A增长至2023年的B), the most cited year;
  then, weakest, the page date read against the genre's publishing
  calendar (an annual summary by April of the next year, a 上半年 summary in Jun-Sep, a
  plan from December), the year after the latest year compared with (对比2014年), the
  dateline year of a news text about 今年, the year after a Party congress whose spirit the
  text studies, the last year of a Five-Year Plan whose span it looks back on (“十二五”期间).
  A year opening a goal (2024年,…力争) is the year planned, not cited. A statement (2014年是…之年) beats a plan stage; target years (力争2025年)
  and lagged R&D figure years (2023年度…研发投入, also a floor) are not counted as cited.
  A news item dated after April reports its dateline year; one whose headline or opening
  reports 去年 the year before. Never later than the page date of a summary; an annual
  summary published by April covers the year before, whatever its weak sources say.
* **period** and **doc_type** — from the title, then from section headings; a news item
  without a title reads its headline and body (半年度科技工作会议 → H1; 部署今年科技工作
  with no results stated → plan); without a period in the title, an opening reporting
  今年1-9月 / 前三季度 / 一季度 scopes the text. A task table (序号 | 工作标准 | 完成期限)
  or a Five-Year Plan notice is a plan; 下一步…力争 adds a plan part. A title summing up
  one year and planning the next, or an opening stating a whole year's figure (全年新增…),
  is annual; in a news item, a month span opening two clauses (1-10月,…) and no other is
  the period.

When the evidence is too weak the field stays empty and its confidence 0.
"""

from __future__ import annotations

from collections.abc import Collection
from functools import lru_cache

from ..models import DocMeta, RawDocument
from ..text.document import Document, prepare
from .cues import TITLE_LINES, YEAR_RE, first_cue, load_cues
from .kind import infer_doc_type, infer_period, so_far, with_next_year_plan
from .region import RegionGuess, infer_region, source_text
from .title import extract_headline, extract_title
from .year import _dateline_year, infer_year

__all__ = ["NEEDS_COLUMNS", "YEAR_RE", "RegionGuess", "_dateline_year", "describe",
           "extract_headline", "needs_entry",
           "extract_title", "infer_doc_type", "infer_metadata", "infer_period",
           "infer_region", "infer_year", "load_cues"]


# The region of the document just described: needs_entry asks again for its evidence
# (a pure function of the same strings), and half of a corpus may be listed.
_region = lru_cache(maxsize=2)(infer_region)


def describe(doc: Document, title: str = "") -> DocMeta:
    """Document-level facts of one prepared report (pure: same document, same answer).

    Reads the document's body lines, chrome, page date and part openings (the plan part's
    start, ``doc.sections``, which extraction reads too); adds a ``DocMeta``.
    """
    body_lines = list(doc.lines)
    dated = [line for line in body_lines[:TITLE_LINES] if first_cue("pubdate_label", line)]
    found_title = title.strip() if title.strip() else extract_title(body_lines)
    headline = "" if found_title else extract_headline(body_lines)
    body = doc.body
    doc_type = infer_doc_type(found_title, body, headline, doc.sections)
    page_year = doc.page_date[0] if doc.page_date else None
    span = "" if found_title.strip() else so_far(body, doc.dateline, page_year,
                                                 doc.sections.plan_start is not None)
    period = infer_period(found_title, body, headline, span)
    # (December's is FY: then only when the text names the page's year, as a repost may not)
    dated_so_far = (page_year is not None and span == period != ""
                    and (period != "FY" or str(page_year) in body))
    year, year_conf = infer_year(found_title, body, doc_type, [*doc.chrome, *dated], period,
                                 headline, doc.sections,
                                 page_year if dated_so_far else None)
    doc_type = with_next_year_plan(doc_type, body, year)
    region = _region(found_title, body, headline, year,  # the divisions of its year
                     source_text([*doc.chrome, *body_lines[:TITLE_LINES]]))
    return DocMeta(
        doc_id=doc.doc_id,
        title=found_title,
        region=region.region,
        admin_level=region.admin_level,
        parent_city=region.parent_city,
        province=region.province,
        report_year=year,
        period=period,
        doc_type=doc_type,
        region_masked=region.masked,
        region_confidence=region.confidence,
        year_confidence=year_conf,
    )


YEAR_LISTED_BELOW = 0.5  # a year read only from the page date (0.4) is worth a look
# A region given with less confidence is listed for a look (kept, with a warning). Calibrated
# on the held-out halves of session nine (c15-c17 locked, 46 reports): every wrong region
# given at REGION_THRESHOLD had a confidence of 0.66-0.84; at 0.85 and above, 28 right, none wrong.
REGION_LISTED_BELOW = 0.85
NEEDS_COLUMNS = ("doc_id", "file", "region", "admin_level", "parent_city", "province",
                 "report_year", "missing", "candidates")


def needs_entry(doc: Document, meta: DocMeta, source_file: str = "",
                given: Collection[str] = ()) -> dict[str, str] | None:
    """A row of ``needs_manifest.csv`` when the region, level or year is empty or doubtful
    (None otherwise): what is missing and the best candidates with their evidence in words.

    The columns are those ``manifest.csv`` accepts (``file``, ``doc_id`` and the fields
    to fill in), plus ``missing`` and ``candidates``, which the manifest reports as ignored.
    Fields in ``given`` came from the manifest: they are facts, never listed as unsure.
    Why recompute the region here: the evidence is only wanted for the few listed documents.
    """
    missing: list[str] = []
    if not meta.region:
        missing.append("region")
    elif meta.region_confidence < REGION_LISTED_BELOW and "region" not in given:
        missing.append(f"region (unsure: {meta.region}, confidence {meta.region_confidence:.2f})")
    if not meta.admin_level:
        missing.append("admin_level")
    if meta.report_year is None:
        missing.append("report_year")
    elif meta.year_confidence < YEAR_LISTED_BELOW and "report_year" not in given:
        missing.append(f"report_year (unsure: {meta.report_year}, confidence "
                       f"{meta.year_confidence:.2f})")
    if not missing:
        return None
    why: list[str] = []
    if not meta.region or not meta.admin_level or meta.region_confidence < REGION_LISTED_BELOW:
        body_lines = list(doc.lines)
        title = meta.title or extract_title(body_lines)
        headline = "" if title else extract_headline(body_lines)
        source = source_text([*doc.chrome, *body_lines[:TITLE_LINES]])
        why = list(_region(title, doc.body, headline, meta.report_year, source).evidence)
    return {"doc_id": meta.doc_id, "file": source_file, "region": "", "admin_level": "",
            "parent_city": "", "province": "", "report_year": "",
            "missing": ", ".join(missing), "candidates": " | ".join(why)}


def infer_metadata(doc_id: str, text: str) -> DocMeta:
    """Document-level facts of a text as read from its file: prepared, then described."""
    return describe(prepare(RawDocument(doc_id, "", "txt", text, "")))

