"""Static review pages: one per report (its cleaned text with every figure highlighted,
a side table, filters, keyboard review) plus an index in review-queue order.

Why static and self-contained: a colleague without Python opens them from ``file://``
(no CDN, script and style inline), reviews, and sends back the ``corrections.csv`` the
page offers; with ``analysis review --serve`` the same pages write each decision to
the ledger at once. Report text is untrusted: it is HTML-escaped where it is markup
or an attribute, and the JSON embedded in ``<script>`` has ``<``, ``>`` and ``&``
escaped, so no ``</script>`` or ``<!--`` in a report can end or change the script.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from .. import compare, config, corrections, safeio, schema
from ..tables import read_table
from .queue import FLAG_LABELS, doc_queue, figure_flags

MAX_NAME_BYTES = 180  # page file names stay well under the usual 255-byte limit
FIGURE_FIELDS = ("doc_id", "char_start", "char_end", "raw", "metric_id", "metric_name",
                 "indicator", "value", "value_high", "unit", "year", "period", "kind", "yoy_pct",
                 "qualifier", "review", "note")


def _asset(name: str) -> str:
    return resources.files("analysis.review").joinpath("assets", name).read_text(encoding="utf-8")


def page_name(doc_id: str) -> str:
    """File name of a document's page: ``doc_<doc_id>.html`` (never ``index.html``), a
    hash when the id is too long for a file name."""
    name = f"doc_{doc_id}.html"
    if len(name.encode("utf-8")) > MAX_NAME_BYTES or not re.fullmatch(r"[^/\\:*?\"<>|\x00-\x1f]+",
                                                                       doc_id):
        name = f"doc_{hashlib.sha256(doc_id.encode('utf-8')).hexdigest()[:16]}.html"
    return name


def anchor_id(char_start: int, char_end: int, nth: int = 0) -> str:
    """The element id of a figure's highlight (``f-44-49``; ``f-44-49-2`` for a second
    figure on the same span): what the Excel 来源 sheet links to."""
    return f"f-{char_start}-{char_end}" + (f"-{nth + 1}" if nth else "")


def figure_link(doc_id: str, char_start: int, char_end: int, nth: int = 0,
                folder: str = "review") -> str:
    """Relative link from the reports folder to a figure's highlight."""
    return f"{folder}/{quote(page_name(doc_id))}#{anchor_id(char_start, char_end, nth)}"


def script_json(data: object) -> str:
    """JSON safe inside ``<script>``: ``<``, ``>``, ``&`` and the JS line separators
    escaped, so ``</script>`` or ``<!--`` in report text stays a string."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, allow_nan=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def _plain(v: object) -> object:
    if v is None or v is pd.NA:
        return None
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    if hasattr(v, "item"):
        return v.item()
    return v


def readable(value: float | None, unit: str | None) -> str:
    """A value in readable units (14.21亿元, 2.5%), as the side table shows it."""
    if value is None or unit is None:
        return ""
    scaled, shown = compare.scale_for_display(pd.Series([value]), unit)
    v = float(scaled.iloc[0])
    text = f"{v:,.4f}".rstrip("0").rstrip(".") if v % 1 else f"{v:,.0f}"
    return f"{text}{shown}"


@dataclass
class Built:
    index: Path
    pages: dict[str, Path]  # doc_id → page


def _figures(doc_metrics: pd.DataFrame, doc_rejected: pd.DataFrame,
             flags: pd.Series, text: str) -> list[dict]:
    """The document's figures (rejected ones too) in text order, with their anchors."""
    rows = []
    for i, r in doc_metrics.iterrows():
        rec = {k: _plain(r.get(k)) for k in FIGURE_FIELDS}
        rec["flags"] = flags.get(i, "") or ""
        rows.append(rec)
    for _, r in doc_rejected.iterrows():
        rec = {k: _plain(r.get(k)) for k in FIGURE_FIELDS}
        rec.update(review="rejected", flags="", reason=_plain(r.get("reason")))
        rows.append(rec)
    rows.sort(key=lambda f: (f["char_start"], f["char_end"]))
    seen: dict[tuple[int, int], int] = {}
    for n, f in enumerate(rows):
        key = (f["char_start"], f["char_end"])
        f["anchor"] = anchor_id(*key, seen.get(key, 0))
        seen[key] = seen.get(key, 0) + 1
        f["i"] = n
        f["display"] = readable(f["value"], f["unit"])
        f["span"] = text[f["char_start"]:f["char_end"]]  # what the ledger's raw must be
    return rows


def _mark_class(f: dict) -> str:
    cls = ["figure", "mapped" if f["metric_id"] else "unmapped", f"k-{f['kind'] or 'actual'}"]
    if f["flags"]:
        cls.append("flagged")
    if f["review"]:
        cls.append("corrected")
    return " ".join(cls)


def _text_html(text: str, figures: list[dict]) -> str:
    """The text with a ``<mark class="figure">`` per figure; plain runs are spans that
    carry their offset (``data-o``) so a selection maps back to characters."""
    esc = html.escape
    out, pos = [], 0
    for f in figures:
        start, end = max(f["char_start"], pos), max(f["char_end"], pos)
        start, end = min(start, len(text)), min(end, len(text))
        if start > pos:
            out.append(f'<span data-o="{pos}">{esc(text[pos:start])}</span>')
        attrs = {
            "class": _mark_class(f), "id": f["anchor"], "tabindex": "-1",
            "data-i": str(f["i"]), "data-doc-id": f["doc_id"],
            "data-char-start": str(f["char_start"]), "data-char-end": str(f["char_end"]),
            "data-metric-id": f["metric_id"] or "", "data-review": f["review"] or "",
            "data-kind": f["kind"] or "", "data-flags": f["flags"],
            "title": f"{f['metric_name'] or f['indicator'] or '未映射'} {f['display']}",
        }
        attr_text = " ".join(f'{k}="{esc(str(v), quote=True)}"' for k, v in attrs.items())
        inner = esc(text[start:end]) if end > start else "&#8203;"  # overlapping: a marker
        out.append(f'<mark {attr_text} data-o="{start}">{inner}</mark>')
        pos = max(pos, end)
    if pos < len(text):
        out.append(f'<span data-o="{pos}">{esc(text[pos:])}</span>')
    return "".join(out)


def _row_html(f: dict) -> str:
    esc = html.escape
    name = f["metric_name"] or (f"（{f['indicator']}）" if f["indicator"] else "（未映射）")
    yoy = "" if f["yoy_pct"] is None else f"{f['yoy_pct']:g}%"
    cells = [name, f["display"], f["year"] if f["year"] is not None else "", f["period"] or "",
             f["kind"] or "", yoy, f["review"] or ""]
    attrs = (f'data-i="{f["i"]}" data-anchor="{esc(f["anchor"])}" '
             f'data-metric-id="{esc(f["metric_id"] or "")}" data-kind="{esc(f["kind"] or "")}" '
             f'data-flags="{esc(f["flags"])}" data-review="{esc(f["review"] or "")}"')
    return f"<tr {attrs}>" + "".join(f"<td>{esc(str(c))}</td>" for c in cells) + "</tr>"


def _doc_meta(doc: pd.Series) -> dict:
    keys = ("doc_id", "title", "region", "admin_level", "report_year", "period", "doc_type",
            "region_confidence", "year_confidence", "source_file")
    return {k: _plain(doc.get(k)) for k in keys}


def render_page(doc: pd.Series, text: str, figures: list[dict], queue_row: dict | None,
                nav: dict[str, str | None]) -> str:
    """One document's review page (self-contained HTML)."""
    esc = html.escape
    meta = _doc_meta(doc)
    ids = sorted({f["metric_id"] for f in figures if f["metric_id"]})
    names = {f["metric_id"]: f["metric_name"] for f in figures if f["metric_id"]}
    options = "".join(f'<option value="{esc(i)}">{esc(names.get(i) or i)}</option>' for i in ids)
    flag_options = "".join(f'<option value="{esc(k)}">{esc(v)}</option>'
                           for k, v in FLAG_LABELS.items())
    kinds = "".join(f'<option value="{k}">{k}</option>'
                    for k in {f.name: f.enum for f in schema.fields("metrics")}["kind"])
    data = {"doc": meta, "figures": figures, "indicators": _indicator_options(),
            "flag_labels": FLAG_LABELS, "nav": nav,
            "actions": list(corrections.vocabulary()["action"]),
            "ledger_columns": list(corrections.LEDGER_COLUMNS)}
    title = f"{meta['region'] or '?'} {meta['report_year'] or ''} {meta['period'] or ''} · {meta['doc_id']}"
    why = (queue_row or {}).get("why") or ""
    prev_link = (f'<a href="{esc(quote(nav["prev"]))}" id="prev-doc">← 上一篇</a>'
                 if nav.get("prev") else "")
    next_link = (f'<a href="{esc(quote(nav["next"]))}" id="next-doc">下一篇 →</a>'
                 if nav.get("next") else "")
    conf = " · ".join(
        f"{label} {meta[k]:.2f}" for label, k in (("地区置信度", "region_confidence"),
                                                  ("年度置信度", "year_confidence"))
        if meta.get(k) is not None)
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; img-src data:">
<title>{esc(title)}</title>
<style>{_asset("review.css")}</style>
</head><body data-doc-id="{esc(meta['doc_id'], quote=True)}">
<header>
<nav><a href="index.html">审核队列 index</a> {prev_link} {next_link}</nav>
<h1>{esc(meta['title'] or meta['doc_id'])}</h1>
<p class="meta">{esc(meta['doc_id'])} · {esc(str(meta['region'] or '地区未识别'))} ·
{esc(str(meta['report_year'] or '年度未识别'))} · {esc(str(meta['period'] or ''))} ·
{esc(str(meta['doc_type'] or ''))} · {esc(conf)} {('· <b>' + esc(why) + '</b>') if why else ''}</p>
<form id="docform" class="docform" autocomplete="off">
<b>文档修正 document</b>
<label>地区 <input name="region" value="{esc(str(meta['region'] or ''), quote=True)}"></label>
<label>年度 <input name="report_year" size="5" value="{esc(str(meta['report_year'] or ''), quote=True)}"></label>
<label>报告期 <input name="period" size="6" value="{esc(str(meta['period'] or ''), quote=True)}"></label>
<label>类型 <select name="doc_type"><option></option><option>summary</option><option>plan</option><option>summary+plan</option></select></label>
<button type="submit">保存到 manifest</button>
</form>
<div class="toolbar">
<label>审核人 reviewer <input id="reviewer" size="8"></label>
<label>指标 <select id="f-metric"><option value="">全部 all</option><option value="-">（未映射 unmapped）</option>{options}</select></label>
<label>类型 <select id="f-kind"><option value="">全部 all</option>{kinds}</select></label>
<label>标记 <select id="f-flag"><option value="">全部 all</option><option value="*">有标记 any flag</option>{flag_options}<option value="!reviewed">未审核 not reviewed</option><option value="reviewed">已审核 reviewed</option></select></label>
<label>顺序 <select id="f-order"><option value="text">文中顺序 text</option><option value="queue">待查优先 queue</option></select></label>
<button id="download" type="button">下载 corrections.csv</button>
<span id="mode"></span> <span id="status"></span>
</div>
<p class="keys">键盘 keys: <kbd>j</kbd>/<kbd>n</kbd> 下一个 next · <kbd>k</kbd>/<kbd>p</kbd> 上一个 prev ·
<kbd>c</kbd> 确认 confirm · <kbd>x</kbd>/<kbd>r</kbd> 驳回 reject · <kbd>e</kbd> 修改 edit ·
<kbd>a</kbd> 添加选中文字 add selection · <kbd>Enter</kbd> 保存 · <kbd>Esc</kbd> 取消 ·
<span class="legend"><mark class="figure mapped">已映射</mark> <mark class="figure unmapped">未映射</mark>
<mark class="figure mapped k-target">目标</mark> <mark class="figure mapped k-estimate">预计</mark>
<mark class="figure mapped flagged">有标记</mark> <mark class="figure mapped corrected" data-review="fixed">已修订</mark></span></p>
</header>
<main>
<article id="text" lang="zh-CN">{_text_html(text, figures)}</article>
<aside>
<form id="editor" hidden autocomplete="off">
<h2 id="editor-title">修改</h2>
<input type="hidden" name="action">
<label>指标 metric_id <input name="metric_id" list="metric-ids"></label>
<label>数值 value (元/平方米…) <input name="value"></label>
<label>单位 unit <input name="unit" size="6"></label>
<label>年度 year <input name="year" size="5"></label>
<label>期间 period <input name="period" size="6"></label>
<label>类型 kind <select name="kind"><option></option>{kinds}</select></label>
<label>同比 yoy_pct <input name="yoy_pct" size="6"></label>
<label>限定 qualifier <select name="qualifier"><option></option><option>&gt;</option><option>&lt;</option><option>~</option><option>range</option></select></label>
<label>理由 reason <input name="reason"></label>
<button type="submit">保存 Enter</button> <button type="button" id="cancel">取消 Esc</button>
</form>
<datalist id="metric-ids"></datalist>
<table id="figures"><thead><tr><th>指标</th><th>数值</th><th>年度</th><th>期间</th><th>类型</th><th>同比</th><th>审核</th></tr></thead>
<tbody>{''.join(_row_html(f) for f in figures)}</tbody></table>
</aside>
</main>
<script type="application/json" id="review-data">{script_json(data)}</script>
<script>{_asset("review.js")}</script>
</body></html>
"""


def _indicator_options() -> list[list[str]]:
    from ..taxonomy import load_taxonomy  # read only

    return [[i.metric_id, i.name_zh, i.unit] for i in load_taxonomy()]


def render_index(queue: pd.DataFrame, documents: pd.DataFrame, generated: str) -> str:
    """The review queue: documents most in need of eyes first."""
    esc = html.escape
    docs = documents.set_index("doc_id")
    rows = []
    for q in queue.itertuples(index=False):
        d = docs.loc[q.doc_id]
        rows.append(
            f'<tr><td><a href="{esc(quote(page_name(q.doc_id)))}">{esc(q.doc_id)}</a></td>'
            f"<td>{esc(str(_plain(d.get('region')) or '—'))}</td>"
            f"<td>{esc(str(_plain(d.get('report_year')) or '—'))}</td>"
            f"<td>{esc(str(_plain(d.get('period')) or ''))}</td>"
            f"<td>{q.n_figures}</td><td>{q.flagged}</td><td>{q.unmapped}</td>"
            f"<td>{q.reviewed}</td><td>{esc(q.why)}</td></tr>")
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'">
<title>审核队列 Review queue</title><style>{_asset("review.css")}</style></head>
<body class="index"><h1>审核队列 Review queue</h1>
<p>生成时间 generated: {esc(generated)} · {len(queue)} 份文档 documents ·
最需要核对的在前 (地区/年度未识别或置信度低、有标记的数字、像指标的未映射短语)。
打开一篇文档后用键盘审核；不用服务器时，每页的“下载 corrections.csv”给出该页的决定，
<button id="download-all" type="button">下载全部决定 all decisions</button> 给出本浏览器中所有页面的决定。</p>
<table id="queue"><thead><tr><th>文档</th><th>地区</th><th>年度</th><th>报告期</th><th>数字</th>
<th>有标记</th><th>未映射</th><th>已审核</th><th>原因</th></tr></thead>
<tbody>{''.join(rows)}</tbody></table>
<script type="application/json" id="review-data">{script_json({"index": True, "ledger_columns": list(corrections.LEDGER_COLUMNS)})}</script>
<script>{_asset("review.js")}</script>
</body></html>
"""


def _consistency(processed: Path) -> pd.DataFrame | None:
    """Year-over-year rows with their consistency and plausibility flags (the same words
    the tables, charts and Excel 核对提示 carry); None when they cannot be made (the pages
    are still built, without that flag)."""
    try:
        t = compare.load_tables(processed)
        return compare.yoy_checked(t["metrics"], t["documents"], kind=None)
    except (ValueError, KeyError, FileNotFoundError):
        return None


def build_review(processed_dir: Path | str | None = None, out_dir: Path | str | None = None,
                 generated: str = "") -> Built:
    """Write the review pages of every document in ``processed_dir`` to ``out_dir``
    (default ``reports/review``), all at once: the folder is replaced whole."""
    processed = Path(processed_dir) if processed_dir is not None else config.PROCESSED_DIR
    processed = safeio.current_dir(processed)  # tables and texts of one generation
    out = Path(out_dir) if out_dir is not None else config.REPORTS_DIR / "review"
    documents = read_table(processed, "documents")
    metrics = read_table(processed, "metrics")
    rejected = (read_table(processed, "rejected")
                if (processed / "rejected.csv").exists() or (processed / "rejected.parquet").exists()
                else schema.conform("rejected", pd.DataFrame(columns=schema.columns("rejected"))))
    flags = figure_flags(metrics, documents, _consistency(processed))
    queue = doc_queue(documents, metrics, flags)
    order = list(queue["doc_id"])
    pages: dict[str, Path] = {}
    out.parent.mkdir(parents=True, exist_ok=True)
    staged = safeio.temp_sibling(out)
    staged.mkdir()
    try:
        by_doc = {d: g for d, g in metrics.groupby("doc_id", sort=False)}
        rej_by_doc = {d: g for d, g in rejected.groupby("doc_id", sort=False)}
        empty_m, empty_r = metrics.iloc[0:0], rejected.iloc[0:0]
        docs = documents.set_index("doc_id", drop=False)
        for pos, doc_id in enumerate(order):
            text_path = processed / config.TEXT_DIR_NAME / f"{doc_id}.txt"
            text = text_path.read_text(encoding="utf-8") if text_path.exists() else ""
            mine = by_doc.get(doc_id, empty_m)
            figures = _figures(mine, rej_by_doc.get(doc_id, empty_r), flags.loc[mine.index], text)
            nav = {"prev": page_name(order[pos - 1]) if pos else None,
                   "next": page_name(order[pos + 1]) if pos + 1 < len(order) else None}
            page = render_page(docs.loc[doc_id], text, figures,
                               queue.iloc[pos].to_dict(), nav)
            (staged / page_name(doc_id)).write_text(page, encoding="utf-8")
            pages[doc_id] = out / page_name(doc_id)
        (staged / "index.html").write_text(render_index(queue, documents, generated),
                                           encoding="utf-8")
        safeio.replace_all([(staged, out)])
    except BaseException:
        safeio._remove(staged)
        raise
    return Built(out / "index.html", pages)
