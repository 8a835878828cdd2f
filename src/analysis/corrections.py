"""The corrections ledger (``data/corrections.csv``): reviewers' decisions, re-applied
after every extraction.

Why a ledger and not edited outputs: the next run overwrites the outputs, while the
ledger names each decision by its span of the cleaned text (``char_start``,
``char_end``, ``raw``), so it survives re-extraction. When the text moved (re-cleaned,
a paragraph inserted above), the decision follows ``raw`` if it occurs once in its
sentence near the old place; otherwise it is *stale*: not applied, and reported.
A bad row is reported as *invalid*; it never stops the run.

Loading checks each row (:func:`load_ledger`); :func:`apply_corrections` is a pure
function of the extracted metrics, the ledger and the cleaned texts.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from . import schema
from .config import PACKAGE_DATA
from .text import lexicon

LEDGER_COLUMNS = ("doc_id", "char_start", "char_end", "raw", "action", "metric_id", "value",
                  "unit", "year", "period", "kind", "yoy_pct", "qualifier", "level", "reason",
                  "reviewer", "reviewed_at")
FIX_FIELDS = ("metric_id", "value", "unit", "year", "period", "kind", "yoy_pct", "qualifier",
              "level")
ADD_REQUIRED = ("metric_id", "value", "unit", "kind")
REANCHOR_WINDOW = 3000  # characters either side of the old place where raw is looked for
SENTENCE_RE = re.compile(r"[^。！？!?\n]+[。！？!?]?")  # as the extractor splits sentences
PERIODS = frozenset({"FY", "H1", "Q1-Q3"})
PERIOD_RE = re.compile(r"M1-M(?:[1-9]|1[0-2])|(?:19|20)\d\d-(?:19|20)\d\d")
QUALIFIERS = frozenset({">", "<", "~", "range"})
VOCABS = ("action", "status", "review")
REQUIRED_VOCAB = {
    "action": {"confirm", "fix", "reject", "add"},
    "status": {"applied", "re-anchored", "stale", "invalid"},
    "review": {"confirmed", "fixed", "added"},
}
REVIEW_OF = {"confirm": "confirmed", "fix": "fixed", "add": "added"}
YEAR_RANGE = (1949, 2100)


class LedgerError(ValueError):
    """The ledger file as a whole cannot be read (not its rows: those are reported)."""


@cache
def vocabulary() -> dict[str, tuple[str, ...]]:
    """Actions, statuses and review values from ``data/review_vocab.csv``, checked: every
    value the code acts on must be there, nothing else, and the metrics ``review`` enum of
    ``fields.csv`` must agree."""
    path = PACKAGE_DATA / "review_vocab.csv"
    out: dict[str, list[str]] = {v: [] for v in VOCABS}
    with open(path, encoding="utf-8-sig", newline="") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            vocab, value = (row.get("vocab") or "").strip(), (row.get("value") or "").strip()
            if vocab not in out:
                raise ValueError(f"{path} line {line}: unknown vocab {vocab!r}; "
                                 f"expected one of {', '.join(VOCABS)}")
            if not value or value in out[vocab]:
                raise ValueError(f"{path} line {line}: empty or repeated value {value!r}")
            out[vocab].append(value)
    for vocab, needed in REQUIRED_VOCAB.items():
        if set(out[vocab]) != needed:
            raise ValueError(f"{path}: {vocab} values {sorted(out[vocab])} differ from the ones "
                             f"the code handles {sorted(needed)}")
    enum = {f.name: f.enum for f in schema.fields("metrics")}.get("review", ())
    if {e for e in enum if e} != set(out["review"]):
        raise ValueError(f"{path}: review values disagree with fields.csv (metrics.review)")
    return {k: tuple(v) for k, v in out.items()}


@cache
def _indicator_names() -> dict[str, str]:
    from .taxonomy import load_taxonomy  # read only: the ids and names a fix may use

    return {i.metric_id: i.name_zh for i in load_taxonomy()}


# --------------------------------------------------------------------------- loading


@dataclass
class Ledger:
    """Ledger rows as text (``line`` = file line, header is 1) and per-row problems."""

    rows: list[dict[str, str]] = field(default_factory=list)
    path: str = ""

    def for_doc(self, doc_id: str) -> list[dict[str, str]]:
        return [r for r in self.rows if r["doc_id"] == doc_id]

    @property
    def doc_ids(self) -> set[str]:
        return {r["doc_id"] for r in self.rows}


def read_ledger_text(text: str, path: str = "corrections.csv") -> Ledger:
    """Parse ledger text (BOM allowed). Unknown columns are an error of the file; a
    short or bad row is kept, marked with its problem, and reported as invalid."""
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in next(reader, [])]
    if not header:
        return Ledger(path=path)
    unknown = [h for h in header if h not in LEDGER_COLUMNS]
    missing = [c for c in ("doc_id", "action") if c not in header]
    if unknown or missing:
        raise LedgerError(
            f"{path}: " + "; ".join(
                ([f"unknown column(s) {', '.join(unknown)}"] if unknown else [])
                + ([f"missing column(s) {', '.join(missing)}"] if missing else []))
            + f". The columns are: {', '.join(LEDGER_COLUMNS)}")
    ledger = Ledger(path=path)
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        row = {c: "" for c in LEDGER_COLUMNS}
        for h, v in zip(header, cells, strict=False):
            row[h] = v.strip() if h != "raw" else v
        row["line"] = str(line)
        if len(cells) > len(header):
            row["_problem"] = f"{len(cells)} cells for {len(header)} columns"
        ledger.rows.append(row)
    return ledger


def load_ledger(path: Path | str) -> Ledger:
    """Read the ledger file; a missing file is an empty ledger."""
    path = Path(path)
    if not path.is_file():
        return Ledger(path=str(path))
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise LedgerError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    return read_ledger_text(text, str(path))


def ledger_frame(ledger: Ledger) -> pd.DataFrame:
    """The ledger rows as a frame of text columns (for pages and the Excel sheet)."""
    return pd.DataFrame([{c: r.get(c, "") for c in ("line", *LEDGER_COLUMNS)}
                         for r in ledger.rows], columns=["line", *LEDGER_COLUMNS])


def write_ledger(rows: list[dict[str, str]], path: Path | str) -> None:
    """Write ledger rows atomically (UTF-8 with BOM, fixed columns)."""
    from .safeio import atomic_path

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(LEDGER_COLUMNS)
    for r in rows:
        w.writerow([r.get(c, "") or "" for c in LEDGER_COLUMNS])
    with atomic_path(path) as tmp:
        Path(tmp).write_text("\ufeff" + buf.getvalue(), encoding="utf-8", newline="")


# --------------------------------------------------------------------------- checking a row


def _int(text: str) -> int | None:
    return int(text) if re.fullmatch(r"-?\d{1,15}", text) else None  # fits Int64


def _float(text: str) -> float | None:
    try:
        v = float(text)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def check_row(row: Mapping[str, str]) -> tuple[dict[str, object], str]:
    """The typed fields a row sets and, if it is invalid, why (plain words)."""
    vocab = vocabulary()
    if row.get("_problem"):
        return {}, row["_problem"]
    action = row.get("action", "")
    if action not in vocab["action"]:
        return {}, f"unknown action {action!r}; expected one of {', '.join(vocab['action'])}"
    if not row.get("doc_id"):
        return {}, "no doc_id"
    start, end = _int(row.get("char_start", "")), _int(row.get("char_end", ""))
    if start is None or end is None:
        return {}, (f"char_start {row.get('char_start', '')!r} and char_end "
                    f"{row.get('char_end', '')!r} must be whole numbers")
    if not 0 <= start < end:
        return {}, f"span {start}-{end} is empty or negative"
    if not row.get("raw"):
        return {}, "raw (the text of the span) is empty"
    out: dict[str, object] = {"char_start": start, "char_end": end}
    if action in ("fix", "add"):
        for name in FIX_FIELDS:
            text = row.get(name, "")
            if not text:
                continue
            value, problem = _typed(name, text)
            if problem:
                return {}, problem
            out[name] = value
        if action == "add":
            absent = [n for n in ADD_REQUIRED if n not in out]
            if absent:
                return {}, f"add needs {', '.join(absent)}"
        elif not any(n in out for n in FIX_FIELDS):
            return {}, "fix changes nothing: no field given"
    elif action == "confirm" and row.get("metric_id") and row["metric_id"] not in _indicator_names():
        return {}, f"unknown metric_id {row['metric_id']!r}"
    return out, ""


def _typed(name: str, text: str) -> tuple[object, str]:
    if name == "metric_id":
        if text not in _indicator_names():
            return None, f"unknown metric_id {text!r} (see data/indicators.csv)"
        return text, ""
    if name in ("value", "yoy_pct"):
        v = _float(text)
        return (v, "") if v is not None else (None, f"bad {name} {text!r}: not a number")
    if name == "year":
        y = _int(text)
        if y is None or not YEAR_RANGE[0] <= y <= YEAR_RANGE[1]:
            return None, f"bad year {text!r}"
        return y, ""
    if name == "period":
        if text in PERIODS or PERIOD_RE.fullmatch(text):
            return text, ""
        return None, f"bad period {text!r}: FY, H1, Q1-Q3, M1-Mn or YYYY-YYYY"
    if name == "kind":
        kinds = {f.name: f.enum for f in schema.fields("metrics")}["kind"]
        return (text, "") if text in kinds else (None, f"bad kind {text!r}")
    if name == "qualifier":
        return (text, "") if text in QUALIFIERS else (None, f"bad qualifier {text!r}")
    if name == "level":  # of what a count counts (国家级 …), the lexicon's codes
        levels = lexicon.codes("level")
        return (text, "") if text in levels else (
            None, f"bad level {text!r}: one of {', '.join(levels)}")
    return text, ""  # unit: any canonical unit string


# --------------------------------------------------------------------------- anchoring


def sentence_at(text: str, pos: int) -> tuple[int, int]:
    """Bounds of the sentence holding ``pos`` (split as the extractor splits)."""
    for m in SENTENCE_RE.finditer(text):
        if m.start() <= pos < m.end():
            return m.start(), m.end()
        if m.start() > pos:
            break
    return pos, pos


def anchor(text: str, start: int, end: int, raw: str) -> tuple[int | None, str]:
    """Where the span is now: (start, '') in place, (start, 're-anchored …') when moved,
    (None, why) when stale."""
    if text[start:end] == raw:
        return start, ""
    lo, hi = max(0, start - REANCHOR_WINDOW), min(len(text), end + REANCHOR_WINDOW)
    hits = [m.start() for m in re.finditer(re.escape(raw), text[lo:hi])]
    hits = [lo + h for h in hits]
    if not hits:
        where = "beyond the end of the text" if start >= len(text) else "at the span"
        return None, f"{raw!r} is no longer {where} nor within {REANCHOR_WINDOW} characters of it"
    once = []
    for h in hits:
        s, e = sentence_at(text, h)
        if text.count(raw, s, e) == 1:
            once.append(h)
    if len(hits) == 1 and once:
        return hits[0], f"re-anchored from {start} to {hits[0]}"
    return None, (f"{raw!r} occurs {len(hits)} times near the old place; cannot tell which "
                  "one the decision was about")


# --------------------------------------------------------------------------- applying

def apply_corrections(metrics: pd.DataFrame, ledger: Ledger, texts: Mapping[str, str],
                      docs: Mapping[str, Mapping[str, object]] | None = None,
                      ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Apply every ledger row to the metrics of the documents in ``texts``.

    Returns (metrics with ``review`` filled in, rejected figures, log of every ledger
    row with its status). Rows for documents not in ``texts`` are logged invalid.
    ``docs`` gives each document's region, report_year and period (for added figures).
    Pure: nothing is read or written; the same inputs give the same outputs.
    """
    m = schema.conform("metrics", metrics).reset_index(drop=True)
    m["_order"] = range(len(m))
    removed: set[int] = set()
    rejected: list[dict] = []
    added: list[dict] = []
    log: list[dict] = []
    docs = docs or {}
    for row in ledger.rows:
        entry = _log_entry(row)
        typed, problem = check_row(row)
        if problem:
            log.append({**entry, "status": "invalid", "why": problem})
            continue
        doc_id = row["doc_id"]
        if doc_id not in texts:
            log.append({**entry, "status": "invalid",
                        "why": f"no document {doc_id!r} in this run"})
            continue
        text = texts[doc_id]
        start, end, raw = typed["char_start"], typed["char_end"], row["raw"]
        if end > len(text) and text.find(raw) < 0:
            log.append({**entry, "status": "invalid",
                        "why": f"span {start}-{end} is outside the text ({len(text)} characters)"})
            continue
        new_start, note = anchor(text, start, end, raw)
        if new_start is None:
            log.append({**entry, "status": "stale", "why": note})
            continue
        new_end = new_start + len(raw)
        status = "re-anchored" if note else "applied"
        done = {**entry, "anchored_start": new_start, "anchored_end": new_end}
        action = row["action"]
        if action == "add":
            added.append(_added_row(row, typed, text, new_start, new_end, docs.get(doc_id, {})))
            log.append({**done, "status": status, "why": note or "figure added"})
            continue
        at = m.index[(m["doc_id"] == doc_id) & (m["char_start"] == new_start)
                     & (m["char_end"] == new_end)]
        at = [i for i in at if i not in removed]
        if row.get("metric_id") and action != "fix":
            same = [i for i in at if m.at[i, "metric_id"] == row["metric_id"]]
            at = same or at
        if not at:
            log.append({**done, "status": "stale",
                        "why": "no extracted figure at this span any more (the extractor "
                               "changed, or an earlier ledger row rejected it)"})
            continue
        for i in at:
            if action == "reject":
                removed.add(i)
                rejected.append({**m.loc[i].to_dict(), "reason": row.get("reason", ""),
                                 "reviewer": row.get("reviewer", ""),
                                 "reviewed_at": row.get("reviewed_at", ""),
                                 "ledger_line": int(row["line"])})
            else:
                if action == "fix":
                    _fix(m, i, typed)
                m.at[i, "review"] = REVIEW_OF[action]
        what = {"reject": "moved to rejected.csv", "confirm": "confirmed", "fix": "fixed"}[action]
        log.append({**done, "status": status,
                    "why": "; ".join(x for x in (note, f"{len(at)} figure(s) {what}") if x)})
    kept = m.drop(index=sorted(removed))
    if added:
        extra = schema.conform("metrics", pd.DataFrame(added))
        extra["_order"] = len(m) + pd.RangeIndex(len(extra))
        kept = pd.concat([kept, extra], ignore_index=True)
    # Text order (extractor order where spans tie), added figures after extracted ones.
    kept = kept.sort_values(["doc_id", "char_start", "char_end", "_order"], kind="stable")
    kept = kept.drop(columns="_order").reset_index(drop=True)
    out_metrics = schema.conform("metrics", kept)
    out_rejected = schema.conform("rejected", pd.DataFrame(
        rejected, columns=schema.columns("rejected")))
    out_log = schema.conform("corrections_log", pd.DataFrame(
        sorted(log, key=lambda r: r["line"]), columns=schema.columns("corrections_log")))
    return out_metrics, out_rejected, out_log


def _log_entry(row: Mapping[str, str]) -> dict[str, object]:
    """The ledger row as the log keeps it: numbers where the cells hold numbers (a bad
    cell becomes empty there; the ``why`` column quotes it)."""
    entry: dict[str, object] = {c: row.get(c, "") for c in LEDGER_COLUMNS}
    entry["line"] = int(row["line"])
    for c in ("char_start", "char_end", "year"):
        entry[c] = _int(str(entry[c]))
    for c in ("value", "yoy_pct"):
        entry[c] = _float(str(entry[c]))
    return entry


def _fix(m: pd.DataFrame, i: int, typed: Mapping[str, object]) -> None:
    for name in FIX_FIELDS:
        if name in typed:
            m.at[i, name] = typed[name]
    if "metric_id" in typed:
        m.at[i, "metric_name"] = _indicator_names()[typed["metric_id"]]
        m.at[i, "note"] = pd.NA
    if "qualifier" in typed and typed["qualifier"] != "range":
        m.at[i, "value_high"] = float("nan")


def _added_row(row: Mapping[str, str], typed: Mapping[str, object], text: str, start: int,
               end: int, doc: Mapping[str, object]) -> dict:
    s, e = sentence_at(text, start)
    metric_id = typed["metric_id"]
    return {
        "doc_id": row["doc_id"], "region": doc.get("region") or None,
        "year": typed.get("year", doc.get("report_year")),
        "period": typed.get("period", doc.get("period") or None),
        "kind": typed["kind"], "metric_id": metric_id,
        "metric_name": _indicator_names()[metric_id], "indicator": None,
        "value": typed["value"], "value_high": None, "unit": typed["unit"],
        "yoy_pct": typed.get("yoy_pct"), "qualifier": typed.get("qualifier"),
        "raw": row["raw"], "sentence": text[s:e].strip() or row["raw"], "char_start": start,
        "char_end": end, "note": None, "review": "added",
    }


def ledger_summary(log: pd.DataFrame) -> dict[str, int]:
    """Counts per status for the run's closing line."""
    counts = log["status"].value_counts().to_dict() if len(log) else {}
    return {s: int(counts.get(s, 0)) for s in vocabulary()["status"]}


def format_counts(counts: Mapping[str, int]) -> str:
    """'corrections: 5 applied (1 re-anchored), 1 stale, 2 invalid'."""
    applied = counts.get("applied", 0) + counts.get("re-anchored", 0)
    text = f"corrections: {applied} applied"
    if counts.get("re-anchored"):
        text += f" ({counts['re-anchored']} re-anchored)"
    text += f", {counts.get('stale', 0)} stale"
    if counts.get("invalid"):
        text += f", {counts['invalid']} invalid"
    return text


# --------------------------------------------------------------------------- in a run


class LedgerAmend:
    """The ledger as the pipeline's amend step (:class:`analysis.pipeline.Amend`): applied
    to each document as its figures reach the writer, so corrected tables are written and
    moved into place with the others."""

    def __init__(self, ledger: Ledger):
        self.ledger = ledger
        self.by_doc: dict[str, list[dict[str, str]]] = {}
        for row in ledger.rows:
            self.by_doc.setdefault(row["doc_id"], []).append(row)
        self.counts: dict[str, int] = {}

    def wants(self, doc_id: str) -> bool:
        return doc_id in self.by_doc

    def apply(self, doc_id: str, metrics: pd.DataFrame, text: str,
              meta: object | None) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
        docs = {doc_id: {"region": getattr(meta, "region", None),
                         "report_year": getattr(meta, "report_year", None),
                         "period": getattr(meta, "period", None)}}
        kept, rejected, log = apply_corrections(
            metrics, Ledger(self.by_doc.pop(doc_id), self.ledger.path), {doc_id: text}, docs)
        return kept, {"rejected": rejected, "corrections_log": log}

    def finish(self, given: dict[str, list[pd.DataFrame]]) -> dict[str, pd.DataFrame]:
        """Rows for documents the run never saw are invalid; the log in ledger order."""
        logs = list(given.get("corrections_log", []))
        leftover = [row for rows in self.by_doc.values() for row in rows]
        if leftover:
            empty = schema.conform("metrics", pd.DataFrame(columns=schema.columns("metrics")))
            logs.append(apply_corrections(empty, Ledger(leftover), {})[2])
        log = (pd.concat([x for x in logs if len(x)], ignore_index=True)
               if any(len(x) for x in logs) else _empty("corrections_log"))
        log = log.sort_values("line", kind="stable").reset_index(drop=True)
        rejected = [x for x in given.get("rejected", []) if len(x)]
        self.counts = ledger_summary(log)
        return {"rejected": pd.concat(rejected, ignore_index=True) if rejected
                else _empty("rejected"), "corrections_log": log}

    def summary(self) -> dict:
        if not self.ledger.path:
            return {}
        return {"corrections": dict(self.counts), "amend_text": format_counts(self.counts)}


def _empty(table: str) -> pd.DataFrame:
    return schema.conform(table, pd.DataFrame(columns=schema.columns(table)))


def ledger_amend(raw_dir: Path | str | None, given: Path | str | bool | None = None
                 ) -> LedgerAmend | None:
    """The amend step for a run over ``raw_dir``: the ledger given, else
    ``corrections.csv`` beside the raw folder (``data/corrections.csv``) when it exists;
    None with ``given=False`` or no ledger. A ledger given but missing is an error, and
    so is one that cannot be read at all (:class:`LedgerError`)."""
    from . import config

    if given is False:
        return None
    raw = Path(raw_dir) if raw_dir is not None else config.RAW_DIR
    path = Path(given) if given not in (None, True) else raw.resolve().parent / "corrections.csv"
    if not path.is_file():
        if given not in (None, True):
            raise FileNotFoundError(f"corrections ledger {path} does not exist")
        return None
    return LedgerAmend(load_ledger(path))
