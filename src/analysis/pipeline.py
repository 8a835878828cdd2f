"""The whole extraction, as load / process / save.

load:    discover the files under the raw folder, give them ids, read the manifest;
process: per file (in a process pool or on dask), read → clean → metadata →
         extract, or say in plain words why the file could not be used;
save:    stream validated tables to temporary files, then move them all into place.

Every input file ends up in ``run_log.csv`` with a status (ok, duplicate,
skipped, failed) and a reason. One bad file never stops the others.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

import pandas as pd
import pyarrow as pa

from . import config, safeio
from .cache import ExtractCache, code_fingerprint
from .engine import iter_ordered
from .extract import find_figures
from .ingest import IngestError, discover, file_sha256, load_manifest, read_document
from .metadata import NEEDS_COLUMNS, describe, needs_entry
from .models import DocMeta, Figure, RawDocument, Repair
from .tables import (
    Tables,
    TableSink,
    columns_frame,
    columns_table,
    commit_moves,
    csv_text,
    document_row,
    frame_columns,
    frame_csv_text,
    read_table,
    record_columns,
    rows_table,
)
from .text.document import prepare

log = logging.getLogger(__name__)

META_FIELDS = ("title", "region", "admin_level", "parent_city", "province", "report_year",
               "period", "doc_type", "region_masked")
NEEDS_FILE = "needs_manifest.csv"  # documents whose region, level or year needs a manifest row
CHUNK_DOCS = 200  # documents per written chunk: bounds memory on large corpora
LOG_CHUNK_ROWS = 5000  # run-log rows per written chunk
READ_ONCE_BYTES = 4 * 1024 * 1024  # files up to this size are read into memory once


class Amend(Protocol):
    """A step between extraction and the written tables (the corrections ledger): it
    changes some documents' figures and fills tables of its own (``rejected``,
    ``corrections_log``). Defined here so the pipeline needs no later module."""

    def wants(self, doc_id: str) -> bool: ...

    def apply(self, doc_id: str, metrics: pd.DataFrame, text: str,
              meta: DocMeta | None) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]: ...

    def finish(self, given: dict[str, list[pd.DataFrame]]) -> dict[str, pd.DataFrame]: ...

    def summary(self) -> dict: ...


@dataclass
class Task:
    path: str
    raw_dir: str
    doc_id: str
    overrides: dict = field(default_factory=dict)
    cache_dir: str | None = None
    fingerprint: str | None = None  # of the code and data, computed once per run
    text_dir: str | None = None  # where the worker writes the cleaned text (the run's staging)


@dataclass
class DocResult:
    source_file: str
    doc_id: str
    status: str  # ok | duplicate | skipped | failed
    reason: str = ""
    fmt: str = ""
    encoding: str | None = None
    sha256: str = ""
    text_sha256: str = ""
    meta: DocMeta | None = None
    figures: list[Figure] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    text: str = ""
    cached: bool = False
    n_figures: int = 0  # kept when the figures travel as columns (see ``for_tables``)
    n_mapped: int = 0
    n_chars: int = 0  # kept when the text itself stays behind (written by the worker)
    columns: dict[str, dict[str, list]] | None = None  # table → column → values
    csv_rows: dict[str, str] | None = None  # table → CSV lines of those rows
    needs: dict[str, str] | None = None  # its needs_manifest.csv row, if a field is doubtful


def for_tables(r: DocResult) -> DocResult:
    """The result as the table writer needs it: figures and repairs as columns plus their
    CSV lines, rendered where the document was processed.

    Why: a worker sends this to the writing process much faster than thousands of
    objects, and the writer no longer formats every cell itself.
    """
    if r.status != "ok" or r.columns is not None:
        return r
    return replace(
        r, figures=[], repairs=[], n_chars=len(r.text),
        n_figures=len(r.figures), n_mapped=sum(1 for f in r.figures if f.metric_id),
        columns={"metrics": record_columns("metrics", r.figures),
                 "repairs": record_columns("repairs", r.repairs)},
        csv_rows={"metrics": csv_text("metrics", r.figures),
                  "repairs": csv_text("repairs", r.repairs)},
    )


def apply_overrides(meta: DocMeta, overrides: dict) -> DocMeta:
    """Manifest values win over inferred ones; a new region brings its level and parents."""
    changes = {k: v for k, v in overrides.items() if k in META_FIELDS and v not in (None, "")}
    if not changes:
        return meta
    if "region" in changes and not {"admin_level", "parent_city", "province"} & changes.keys():
        from .gazetteer import lookup

        hits = lookup(str(changes["region"]))
        if len(hits) == 1:
            h = hits[0]
            changes.setdefault("admin_level", h.get("level", ""))
            changes.setdefault("parent_city", h.get("parent_city", ""))
            changes.setdefault("province", h.get("province", ""))
    if "report_year" in changes:
        changes["report_year"] = int(changes["report_year"])
    if "region_masked" in changes:
        changes["region_masked"] = int(changes["region_masked"])
    return replace(meta, **changes)


def _cache_key(sha256: str, overrides: dict, doc_id: str = "") -> str:
    """The file's hash, made specific to its doc_id and manifest values: both are written
    into the cached rows, so a renamed file or an edited manifest is extracted again."""
    extra = json.dumps([doc_id, overrides], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256((sha256 + extra).encode()).hexdigest()


def process_document(doc_id: str, text: str, overrides: dict | None = None,
                     source_file: str = "") -> DocResult:
    """Clean, describe and extract one text already read into memory."""
    raw = RawDocument(doc_id, source_file, "txt", text, "")
    return _process_raw(raw, overrides or {})


def _process_raw(raw, overrides: dict) -> DocResult:
    doc = prepare(raw)
    meta = apply_overrides(describe(doc), overrides)
    needs = needs_entry(doc, meta, raw.source_file,
                        {k for k, v in overrides.items() if v not in (None, "")})
    figures = find_figures(doc, meta)
    status, reason = "ok", ""
    if not doc.text.strip():
        status, reason = "failed", "no text left after removing web page chrome"
    elif not figures:
        reason = "read; no figures found"
    return DocResult(
        source_file=raw.source_file, doc_id=raw.doc_id, status=status, reason=reason,
        fmt=raw.fmt, encoding=raw.encoding, sha256=raw.sha256,
        text_sha256=hashlib.sha256(doc.text.encode("utf-8")).hexdigest(),
        meta=meta, figures=figures, repairs=doc.repairs, text=doc.text, needs=needs,
    )


def process_file(task: Task) -> DocResult:
    """Read one file and extract its figures, in the form the table writer takes
    (:func:`for_tables`); never raises for a bad file.

    Results are cached by file hash, doc_id and manifest values. With ``task.text_dir``
    the worker also writes the cleaned text there and sends no text back: file creation
    is slow on some file systems, and done by the workers it runs in parallel instead
    of in the one process that writes the tables.
    """
    path, raw_dir = Path(task.path), Path(task.raw_dir)
    source = path.relative_to(raw_dir).as_posix() if path.is_relative_to(raw_dir) else path.name
    cache = ExtractCache(task.cache_dir, task.fingerprint) if task.cache_dir else None
    sha = ""
    try:
        size = path.stat().st_size
        # A report-sized file is read once, for its hash and its text; a big one streams.
        data = path.read_bytes() if 0 < size <= READ_ONCE_BYTES else None
        sha = hashlib.sha256(data).hexdigest() if data is not None else file_sha256(path)
        key = _cache_key(sha, task.overrides, task.doc_id)
        hit = cache.get(key) if cache is not None else None
        if isinstance(hit, DocResult):
            result = replace(hit, source_file=source, cached=True)
        else:
            raw = read_document(path, raw_dir, task.doc_id, data=data)
            result = for_tables(_process_raw(raw, task.overrides))
            if cache is not None and result.status == "ok":
                cache.put(key, result)
        if result.status == "ok" and task.text_dir:
            (Path(task.text_dir) / f"{result.doc_id}.txt").write_text(result.text,
                                                                       encoding="utf-8")
            result = replace(result, text="")
        return result
    except IngestError as e:
        return DocResult(source, task.doc_id, e.status, e.reason, sha256=sha,
                         fmt=path.suffix.lower().lstrip("."))
    except MemoryError:
        return DocResult(source, task.doc_id, "failed", "not enough memory to read this file",
                         sha256=sha)
    except Exception as e:  # noqa: BLE001 - one bad file must not stop the run
        log.exception("unexpected error on %s", source)
        return DocResult(source, task.doc_id, "failed",
                         f"internal error while processing ({type(e).__name__}: {e}); "
                         "please report it with this file", sha256=sha)


class _Writer:
    """Streams documents to staged tables and texts; moves everything at the end."""

    def __init__(self, out_dir: Path, amend: Amend | None = None):
        # Arrow's default allocator keeps freed memory for reuse: over a long run that is
        # a hundred MB or more this process never gives back. The system one returns it.
        pa.set_memory_pool(pa.system_memory_pool())
        # The workers keep every core busy: Arrow's own threads in this process only add
        # contention (a third of its CPU time went to them). Restored when the run ends.
        self._arrow_threads = (pa.cpu_count(), pa.io_thread_count())
        pa.set_cpu_count(1)
        pa.set_io_thread_count(1)
        self.out_dir = out_dir
        out_dir.mkdir(parents=True, exist_ok=True)
        safeio.remove_stale_temps(out_dir)  # left by a killed run; restores a swapped-out text/
        self.text_dir = safeio._temp_sibling(out_dir / config.TEXT_DIR_NAME)
        self.text_dir.mkdir()
        self.sinks = {"documents": TableSink("documents", out_dir),
                      "metrics": TableSink("metrics", out_dir, partition_col="year"),
                      "repairs": TableSink("repairs", out_dir),
                      "run_log": TableSink("run_log", out_dir),
                      "rejected": TableSink("rejected", out_dir),
                      "corrections_log": TableSink("corrections_log", out_dir)}
        self.amend = amend
        self.amended: dict[str, list[pd.DataFrame]] = {}  # table → rows the amend step gave
        self.pending: list[DocResult] = []
        self.needs: list[dict[str, str]] = []  # few: one per doubtful document
        self.log_rows: list[dict] = []
        self.n_docs = self.n_figures = self.n_mapped = 0

    def log(self, row: dict) -> None:
        """One run-log row; written in chunks, so a huge corpus's log is not all in memory."""
        self.log_rows.append(row)
        if len(self.log_rows) >= LOG_CHUNK_ROWS:
            self._flush_log()

    def _flush_log(self) -> None:
        if self.log_rows:
            self.sinks["run_log"].add(rows_table("run_log", self.log_rows))
            self.log_rows = []

    def add(self, r: DocResult) -> None:
        r = for_tables(r)
        if r.text:  # else a worker wrote it already
            (self.text_dir / f"{r.doc_id}.txt").write_text(r.text, encoding="utf-8")
        if self.amend is not None and self.amend.wants(r.doc_id):
            r = self._amend(r)
        self.n_docs += 1
        self.n_figures += r.n_figures
        self.n_mapped += r.n_mapped
        if r.needs:
            self.needs.append({**r.needs, "file": r.source_file})
        self.pending.append(r)
        if len(self.pending) >= CHUNK_DOCS:
            self.flush()

    def _amend(self, r: DocResult) -> DocResult:
        """The amend step (the reviewers' decisions) applied to this document's figures."""
        text = r.text or (self.text_dir / f"{r.doc_id}.txt").read_text(encoding="utf-8")
        metrics, extra = self.amend.apply(r.doc_id, columns_frame("metrics", [r.columns["metrics"]]),
                                          text, r.meta)
        for name, rows in extra.items():
            self.amended.setdefault(name, []).append(rows)
        return replace(r, n_figures=len(metrics), n_mapped=int(metrics["metric_id"].notna().sum()),
                       columns={**r.columns, "metrics": frame_columns("metrics", metrics)},
                       csv_rows={**r.csv_rows, "metrics": frame_csv_text("metrics", metrics)})

    def _close_amend(self) -> None:
        """The amend step's own tables (rejected figures, its log), whole, in its order."""
        if self.amend is None:
            return
        for name, rows in self.amend.finish(self.amended).items():
            if len(rows):
                self.sinks[name].add(rows)

    def flush(self) -> None:
        if not self.pending:
            return
        docs = [document_row(r.meta, r.source_file, r.sha256, r.n_chars, r.n_figures,
                             r.n_mapped) for r in self.pending if r.meta]
        self.sinks["documents"].add(rows_table("documents", docs))
        for table in ("metrics", "repairs"):
            self.sinks[table].add(columns_table(table, [r.columns[table] for r in self.pending]),
                                  "".join(r.csv_rows[table] for r in self.pending))
        self.pending = []

    def commit(self) -> None:
        self.flush()
        self._flush_log()
        self._close_amend()
        moves = []
        for sink in self.sinks.values():
            moves += sink.close()
        needs = safeio.temp_sibling(self.out_dir / NEEDS_FILE)
        safeio.csv_writer(pd.DataFrame(self.needs, columns=list(NEEDS_COLUMNS)))(needs)
        moves.append((needs, self.out_dir / NEEDS_FILE))
        commit_moves(moves)
        final = self.out_dir / config.TEXT_DIR_NAME
        old = safeio._temp_sibling(final, kind="old")
        if final.exists():
            os.replace(final, old)
        os.replace(self.text_dir, final)
        shutil.rmtree(old, ignore_errors=True)
        self._restore_threads()

    def _restore_threads(self) -> None:
        pa.set_cpu_count(self._arrow_threads[0])
        pa.set_io_thread_count(self._arrow_threads[1])

    def abort(self) -> None:
        for sink in self.sinks.values():
            sink.abort()
        shutil.rmtree(self.text_dir, ignore_errors=True)
        self._restore_threads()


def _log_row(r: DocResult) -> dict:
    return {"source_file": r.source_file, "doc_id": r.doc_id, "status": r.status,
            "reason": r.reason or ("read" if r.status == "ok" else ""), "fmt": r.fmt,
            "encoding": r.encoding, "n_chars": r.n_chars if r.status == "ok" else None,
            "n_figures": r.n_figures if r.status == "ok" else None,
            "cached": int(r.cached)}


def extract_corpus(raw_dir: Path | str | None = None, out_dir: Path | str | None = None, *,
                   jobs: int | None = None, engine: str = "process", scheduler: str | None = None,
                   progress: bool = True, use_cache: bool = True,
                   amend: Amend | None = None) -> Tables:
    """Extract every report under ``raw_dir`` into tables in ``out_dir`` (and return them).

    ``out_dir=None`` writes to ``data/processed``. The run log lists every file.
    ``amend``: a step applied to each document's figures before they are written (the
    corrections ledger, see :func:`analysis.extract_corpus`), with tables of its own.
    """
    raw = Path(raw_dir or config.RAW_DIR).resolve()
    out = Path(out_dir or config.PROCESSED_DIR).resolve()
    if not raw.is_dir():
        raise FileNotFoundError(f"raw folder {raw} does not exist")
    files = discover(raw)
    manifest = load_manifest(raw, files)
    ids = manifest.doc_ids  # the manifest may rename a file's doc_id
    cache_dir = str(out / ".cache") if use_cache else None
    fingerprint = code_fingerprint() if use_cache else None
    writer = _Writer(out, amend)
    tasks = (Task(str(p), str(raw), ids[p],  # made as the workers ask: a big corpus has many
                  dict(manifest.overrides.get(p.relative_to(raw).as_posix(), {})), cache_dir,
                  fingerprint, str(writer.text_dir))
             for p in files)
    seen_bytes: dict[str, str] = {}
    seen_text: dict[str, str] = {}
    results = iter_ordered(process_file, tasks, jobs=jobs, engine=engine, total=len(files),
                           scheduler=scheduler, desc="extract", progress=progress)
    try:
        for r in results:
            if r.status == "ok":
                first = seen_bytes.get(r.sha256) or seen_text.get(r.text_sha256)
                if first:
                    r = replace(r, status="duplicate", reason=f"same content as {first}; kept that one")
                    (writer.text_dir / f"{r.doc_id}.txt").unlink(missing_ok=True)
                else:
                    seen_bytes[r.sha256] = r.source_file
                    seen_text[r.text_sha256] = r.source_file
                    writer.add(r)
            writer.log(_log_row(r))
        if (raw / "manifest.csv").exists():
            writer.log({"source_file": "manifest.csv", "doc_id": None, "status": "ok",
                        "reason": "manifest applied" + (
                            "; problems: " + " | ".join(manifest.problems)
                            if manifest.problems else ""),
                        "fmt": "csv", "encoding": None, "n_chars": None,
                        "n_figures": None, "cached": 0})
        writer.commit()
    except BaseException:
        results.close()  # stop the workers first: they write into the staging folder
        writer.abort()
        raise
    tables = Tables(out, run_log=read_table(out, "run_log"))
    tables.summary = summarize(tables.run_log, writer.n_docs, writer.n_figures, writer.n_mapped,
                               manifest.problems)
    if amend is not None:
        tables.summary.update(amend.summary())
    tables.summary["needs_manifest"] = [(n["doc_id"], n["missing"]) for n in writer.needs]
    return tables


def summarize(run_log: pd.DataFrame, n_docs: int, n: int, mapped: int,
              manifest_problems: list[str] | None = None) -> dict:
    """Counts for the closing line of a run (kept while streaming, not re-read)."""
    status = run_log["status"].value_counts().to_dict()
    return {
        "files": len(run_log),
        "documents": n_docs,
        "status": {k: int(v) for k, v in status.items()},
        "figures": n,
        "mapped": mapped,
        "share_mapped": round(mapped / n, 4) if n else 0.0,
        "manifest_problems": list(manifest_problems or []),
    }


def format_summary(summary: dict) -> str:
    s = summary["status"]
    parts = [f"{summary['documents']} documents read from {summary['files']} files"]
    for key in ("duplicate", "skipped", "failed"):
        if s.get(key):
            parts.append(f"{s[key]} {key}")
    line = ", ".join(parts)
    line += (f"; {summary['figures']} figures found, {summary['mapped']} "
             f"({summary['share_mapped']:.0%}) mapped to indicators")
    if summary.get("amend_text"):
        line += "; " + summary["amend_text"]
    return line
