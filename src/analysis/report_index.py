"""reports/index.html for a corpus of hundreds of places: grouped, searchable, self-contained.

Why this shape: a flat list of notebook runs sorted by code point does not tell a
reader which places the corpus covers. The page groups regions by province and
administrative level, gives each its years, its report count, thumbnails of its
charts and its warnings (plausibility flags, failed runs), lists documents whose place
could not be settled, and filters as you type (a few lines of inline JavaScript, no
CDN, so it works from a file share or offline). Every text from a report is escaped.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd

from . import config
from .labels import code_label

ADMIN_ORDER = ("prefecture", "county_city", "district", "county", "")
MAX_THUMBS = 4
PATH_PARAMS = ("processed_dir", "figures_dir")

_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:1.5em;color:#222}
h1{font-size:1.5em;margin:0 0 .2em}h2{font-size:1.2em;border-bottom:2px solid #4a78b0;
padding-bottom:2px;margin:1.2em 0 .4em}h3{font-size:1em;color:#4a78b0;margin:.6em 0 .3em}
.meta{color:#555}.cards{display:flex;flex-wrap:wrap;gap:8px}
.card{border:1px solid #ccd;border-radius:6px;padding:6px 8px;width:330px;background:#fafbfd}
.card h4{margin:0 0 2px;font-size:1.05em}.card .years{color:#444;font-size:.9em}
.thumbs img{width:76px;height:52px;object-fit:cover;border:1px solid #ddd;margin:2px 2px 0 0}
.warn{color:#a33;font-size:.85em}.warn li{margin-left:-1em}
#q{font-size:1.05em;padding:4px 8px;width:24em}
table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #ccc;padding:3px 6px;
vertical-align:top}pre{white-space:pre-wrap;margin:0}.hidden{display:none}
.corpus a{margin-right:1em}
"""

_JS = """
const q=document.getElementById('q'),n=document.getElementById('shown');
function filter(){const t=q.value.trim().toLowerCase();let k=0;
document.querySelectorAll('.card').forEach(c=>{const hit=!t||c.dataset.s.includes(t);
c.classList.toggle('hidden',!hit);if(hit)k++;});
document.querySelectorAll('.level,.prov').forEach(g=>{g.classList.toggle('hidden',
!g.querySelector('.card:not(.hidden)'));});n.textContent=k;}
q.addEventListener('input',filter);
if(location.hash.startsWith('#q=')){q.value=decodeURIComponent(location.hash.slice(3));filter();}
"""
NOTEBOOK_TITLES = {"overview": "语料总览", "cross_city": "城市对比", "themes": "工作主题", "yoy": "历年变化"}


@lru_cache(maxsize=1)
def _official_order() -> dict[str, int]:
    """Name → position in the official division-code order (北京 … 新疆; cities by code)."""
    path = config.PACKAGE_DATA / "gazetteer.csv"
    try:
        table = pd.read_csv(path, encoding="utf-8-sig", dtype=str, usecols=["adcode", "name"])
    except (OSError, ValueError):
        return {}
    table = table.sort_values("adcode", kind="mergesort")
    return {name: i for i, name in enumerate(table["name"].drop_duplicates())}


def _href(path: Path, base: Path) -> str:
    return quote(os.path.relpath(path, base).replace(os.sep, "/"))


def year_spans(years: Iterable[int]) -> str:
    """2014, 2015, 2016, 2021 → 2014–2016、2021."""
    ys = sorted({int(y) for y in years})
    parts: list[str] = []
    start = prev = None
    for y in ys:
        if start is None:
            start = prev = y
        elif y == prev + 1:
            prev = y
        else:
            parts.append(str(start) if start == prev else f"{start}–{prev}")
            start = prev = y
    if start is not None:
        parts.append(str(start) if start == prev else f"{start}–{prev}")
    return "、".join(parts)


def _regions(documents: pd.DataFrame) -> pd.DataFrame:
    """One row per placed region: province, level, years, report count."""
    docs = documents.copy()
    for col in ("region", "province", "admin_level"):
        docs[col] = docs[col].astype("string").fillna("").astype(str) if col in docs else ""
    docs = docs[docs["region"] != ""]
    if docs.empty:
        return pd.DataFrame(columns=["region", "province", "admin_level", "years", "n_reports"])
    years = pd.to_numeric(docs.get("report_year"), errors="coerce")
    docs = docs.assign(_year=years)
    rows = []
    for region, group in docs.groupby("region", sort=True):
        rows.append({
            "region": region,
            "province": group["province"].mode().iloc[0] if (group["province"] != "").any() else "",
            "admin_level": group["admin_level"].mode().iloc[0],
            "years": year_spans(group["_year"].dropna()),
            "n_reports": len(group),
        })  # fmt: skip
    return pd.DataFrame(rows)


def _thumbs(figures: Path, region: str, reports_dir: Path) -> tuple[list[Path], int]:
    from .plots import figure_name

    if not figures.is_dir():
        return [], 0
    stem = figure_name("yoy", region)
    found = sorted(figures.glob(f"{stem}__*.png"))
    return found[:MAX_THUMBS], len(found)


def _card(
    row: dict[str, Any],
    reports_dir: Path,
    pages: dict[str, Path],
    flags: dict[str, list[str]],
    failed: dict[str, str],
) -> str:
    esc = html.escape
    region = row["region"]
    level = code_label("admin_level", row["admin_level"] or "unknown")
    page = pages.get(region)
    name = (
        f'<a href="{esc(_href(page, reports_dir))}">{esc(region)}</a>' if page else esc(region)
    )
    thumbs, n_figs = _thumbs(reports_dir / "figures", region, reports_dir)
    imgs = "".join(
        f'<a href="{esc(_href(p, reports_dir))}"><img loading="lazy" alt="{esc(p.stem)}" '
        f'src="{esc(_href(p, reports_dir))}"></a>'
        for p in thumbs
    )
    more = f" +{n_figs - len(thumbs)}" if n_figs > len(thumbs) else ""
    warn_items = [esc(m) for m in flags.get(region, [])]
    if region in failed:
        warn_items.insert(0, "笔记本运行失败：" + esc(failed[region]))
    warn = ""
    if warn_items:
        shown = "".join(f"<li>{w}</li>" for w in warn_items[:3])
        rest = f"<li>……共 {len(warn_items)} 条，见该地区页面的核对提示</li>" if len(warn_items) > 3 else ""
        warn = f'<ul class="warn">{shown}{rest}</ul>'
    search = " ".join([region, row["province"], level, row["years"]]).lower()
    return (
        f'<div class="card" data-s="{esc(search)}"><h4>{name}</h4>'
        f'<div class="years">{esc(level)} · {esc(row["years"] or "年份不详")} · '
        f"{row['n_reports']} 份报告 · {n_figs} 张图"
        + (f" · <b class='warn'>{len(warn_items)} 条提示</b>" if warn_items else "")
        + f'</div><div class="thumbs">{imgs}{esc(more)}</div>{warn}</div>'
    )


def _runs_table(result: Any, reports_dir: Path) -> str:
    esc = html.escape
    rows = []
    for run in result.runs:
        shown = {k: v for k, v in run.parameters.items() if k not in PATH_PARAMS}
        params_text = ", ".join(f"{k}={v}" for k, v in shown.items()) or "—"
        links = []
        if run.html.exists():
            links.append(f'<a href="{esc(_href(run.html, reports_dir))}">HTML</a>')
        if run.output.exists():
            links.append(f'<a href="{esc(_href(run.output, reports_dir))}">ipynb</a>')
        if run.ok:
            status = "未变，未重跑 current" if getattr(run, "skipped", False) else "ok"
        else:
            status = f"<b>失败 failed</b><pre>{esc(run.error)}</pre>"
        rows.append(
            f"<tr><td>{esc(run.notebook)}</td><td>{esc(params_text)}</td>"
            f"<td>{' · '.join(links) or '—'}</td><td>{status}</td></tr>"
        )
    return (
        "<table><tr><th>笔记本 notebook</th><th>参数 parameters</th><th>链接 links</th>"
        "<th>状态 status</th></tr>\n" + "\n".join(rows) + "\n</table>"
    )


def render(
    result: Any,
    reports_dir: Path,
    generated: str,
    documents: pd.DataFrame | None = None,
    flags: pd.DataFrame | None = None,
    corrections_log: pd.DataFrame | None = None,
) -> str:
    """The whole index page (see the module docstring); ``documents``, ``flags`` and
    ``corrections_log`` optional: ledger rows not applied (stale, invalid) are warnings
    of the region of their document."""
    esc = html.escape
    documents = documents if documents is not None else pd.DataFrame()
    pages = {
        str(r.parameters.get("region")): r.html
        for r in result.runs
        if r.notebook == "yoy" and r.html.exists() and r.parameters.get("region")
    }
    failed = {
        str(r.parameters.get("region")): r.error.splitlines()[-1] if r.error else "失败"
        for r in result.runs
        if r.notebook == "yoy" and not r.ok
    }
    flag_text: dict[str, list[str]] = {}
    if flags is not None and not flags.empty:
        for row in flags.itertuples(index=False):
            flag_text.setdefault(str(row.region), []).append(
                f"{row.year} {row.metric_id}：{row.message}"
            )
    unapplied: list[str] = []  # ledger rows not applied, of documents with no region
    if corrections_log is not None and not corrections_log.empty:
        region_of = (dict(zip(documents["doc_id"].astype(str), documents["region"].astype(str),
                              strict=True)) if not documents.empty else {})
        for row in corrections_log.itertuples(index=False):
            if str(row.status) in ("stale", "invalid"):
                word = "修订未应用（原文已变）" if row.status == "stale" else "修订有误未应用"
                text = f"{word}：{row.doc_id} 第{row.line}行 {row.why}"
                region = region_of.get(str(row.doc_id), "")
                (flag_text.setdefault(region, []) if region else unapplied).append(text)
    regions = _regions(documents) if not documents.empty else _regions(
        pd.DataFrame({"region": list(pages)})
    )
    corpus_links = []
    for run in result.runs:
        if run.notebook != "yoy" and run.html.exists():
            shown = {k: v for k, v in run.parameters.items() if k not in PATH_PARAMS}
            words = [
                code_label("period", v) if k == "period" else str(v) for k, v in shown.items()
            ]
            label = " ".join([NOTEBOOK_TITLES.get(run.notebook, run.notebook), *words])
            corpus_links.append(f'<a href="{esc(_href(run.html, reports_dir))}">{esc(label)}</a>')
    appendix = getattr(result, "appendix", None)
    if appendix is not None and Path(appendix).exists():
        corpus_links.insert(
            0, f'<a href="{esc(_href(Path(appendix), reports_dir))}">Excel 附表 {esc(Path(appendix).name)}</a>'
        )
    elif getattr(result, "appendix_error", ""):
        corpus_links.insert(0, f"<b>Excel 附表生成失败</b><pre>{esc(result.appendix_error)}</pre>")
    review = getattr(result, "review", None)
    if review is not None and Path(review).exists():
        corpus_links.insert(1, f'<a href="{esc(_href(Path(review), reports_dir))}">'
                               "审核页面（每个数字在原文中高亮）</a>")
    elif getattr(result, "review_error", ""):
        corpus_links.insert(1, f"<b>审核页面生成失败</b><pre>{esc(result.review_error)}</pre>")

    sections = []
    level_rank = {lvl: i for i, lvl in enumerate(ADMIN_ORDER)}
    if not regions.empty:
        order = _official_order()
        far = len(order) + 1
        regions = regions.assign(
            _p=regions["province"].replace("", "\uffff"),
            _po=regions["province"].map(lambda p: order.get(p, far) if p else far + 1),
            _ro=regions["region"].map(lambda r: order.get(r, far)),
            _l=regions["admin_level"].map(lambda v: level_rank.get(v, len(ADMIN_ORDER))),
        ).sort_values(["_po", "_p", "_l", "_ro", "region"], kind="mergesort")
        for province, prov in regions.groupby("_p", sort=False):
            blocks = []
            for level, group in prov.groupby("admin_level", sort=False):
                cards = "".join(
                    _card(r, reports_dir, pages, flag_text, failed)
                    for r in group.to_dict("records")
                )
                label = code_label("admin_level", level or "unknown")
                blocks.append(
                    f'<div class="level"><h3>{esc(label)}（{len(group)}）</h3>'
                    f'<div class="cards">{cards}</div></div>'
                )
            name = "省份不详" if province == "\uffff" else province
            sections.append(
                f'<section class="prov"><h2>{esc(name)} <small class="meta">'
                f"{len(prov)} 个地区，{int(prov['n_reports'].sum())} 份报告</small></h2>"
                + "".join(blocks)
                + "</section>"
            )
    unplaced = ""
    if not documents.empty and "region" in documents.columns:
        region_col = documents["region"].astype("string").fillna("")
        lost = documents[region_col == ""]
        if len(lost):
            items = "".join(
                f"<li>{esc(str(d))}（{esc(str(f))}）</li>"
                for d, f in zip(lost["doc_id"], lost.get("source_file", lost["doc_id"]), strict=True)
            )
            unplaced = (
                f'<section><h2 class="warn">未能确定地区的文档（{len(lost)}）</h2>'
                "<p class='meta'>data/processed/needs_manifest.csv 列出候选地区及其依据；"
                "填写后另存为 data/raw/manifest.csv，重新运行。</p>"
                f'<ul class="warn">{items}</ul></section>'
            )
    if unapplied:
        unplaced += (f'<section><h2 class="warn">未应用的修订（{len(unapplied)}）</h2><ul class="warn">'
                     + "".join(f"<li>{esc(t)}</li>" for t in unapplied) + "</ul></section>")
    n_skipped = sum(getattr(r, "skipped", False) for r in result.runs)
    n_docs = len(documents)
    n_flags = 0 if flags is None else len(flags)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>科技局工作报告分析</title><style>{_CSS}</style></head><body>\n"
        "<h1>科技局工作报告分析</h1>\n"
        f'<p class="meta">生成时间 generated: {esc(generated)} · {n_docs} 份报告 · '
        f"{len(regions)} 个地区 · {n_flags} 条核对提示 · 笔记本 {result.n_ok} ok, "
        f"{result.n_failed} failed" + (f"（{n_skipped} 个未变，未重跑）" if n_skipped else "")
        + "</p>\n"
        f'<p class="corpus">{" ".join(corpus_links)}</p>\n'
        '<p><input id="q" type="search" placeholder="搜索地区、省份、级别、年份…" '
        f'aria-label="搜索"> 显示 <span id="shown">{len(regions)}</span> 个地区</p>\n'
        f"{unplaced}\n" + "\n".join(sections) + "\n"
        f"<details><summary>全部笔记本运行（{len(result.runs)}）</summary>\n"
        + _runs_table(result, reports_dir)
        + f"\n</details>\n<script>{_JS}</script>\n</body></html>\n"
    )
