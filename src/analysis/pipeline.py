"""The whole extraction, as load / process / save.

load:    discover the files under the raw folder, give them ids, read the manifest;
process: per file (in a process pool or on dask), read → clean → metadata →
         extract, or say in plain words why the file could not be used;
save:    stream validated tables to temporary files, then move them all into place.

Every input file ends up in ``run_log.csv`` with a status (ok, duplicate,
skipped, failed) and a reason. One bad file never stops the others.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from . import cache as extract_cache
from . import config, safeio
from .cache import ExtractCache, code_fingerprint
from .engine import after_chunk, iter_ordered
from .extract import find_figures
from .ingest import IngestError, discover, file_sha256, load_manifest, read_document
from .metadata import NEEDS_COLUMNS, describe, needs_entry
from .models import DocMeta, Figure, RawDocument, Repair
from .records import document_row, plain_fields, table_rows
from .safeio import printable_name
from .text.document import prepare

if TYPE_CHECKING:  # the writing process imports them (a worker needs neither)
    import pandas as pd

    from .tables import Tables

log = logging.getLogger(__name__)
# what the process pool's server imports before it forks workers (engine._preload): the
# extraction's modules and data, loaded once and inherited instead of once per worker
SERVER_PRELOAD = ("analysis.warm",)
after_chunk(extract_cache.flush)  # a worker stores a chunk's cache entries in one transaction

META_FIELDS = ("title", "region", "admin_level", "parent_city", "province", "report_year",
               "period", "doc_type", "region_masked")
NEEDS_FILE = "needs_manifest.csv"  # documents whose region, level or year needs a manifest row
CHUNK_DOCS = 200  # documents per written chunk: bounds memory on large corpora
LOG_CHUNK_ROWS = 5000  # run-log rows per written chunk
READ_ONCE_BYTES = 4 * 1024 * 1024  # files up to this size are read into memory once
# Bounded output per input: a figure row keeps at most this many characters of its
# sentence (a window around the figure when the sentence is longer; "…" marks a cut),
# and one file gives at most this many figures and repairs and this many CSV bytes.
# A real report has a few hundred figures in sentences of a few hundred characters.
SENTENCE_MAX_CHARS = 400
MAX_FIGURES_PER_FILE = 20_000
MAX_REPAIRS_PER_FILE = 20_000
MAX_ROWS_BYTES_PER_FILE = 64 * 1024 * 1024
FILE_TIMEOUT_S = 600.0  # a file that takes longer is logged failed and its worker restarted
# With this variable naming a file, a run adds up the seconds of each stage of each
# document in this process and writes them there as JSON at the end (bench/run.py's
# per-stage profile, run with --jobs 1 so that every stage runs in this process).
STAGE_TIMES_ENV = "ANALYSIS_STAGE_TIMES"
_STAGE_TIMES: dict[str, float] | None = {} if os.environ.get(STAGE_TIMES_ENV) else None
# The same stages' CPU seconds (this process), written under "cpu": on a shared machine
# wall seconds also count the time other programs had the core.
_STAGE_CPU: dict[str, float] = {}
# With this variable naming a folder, each process that runs process_file writes there
# (``<pid>.json``) the modules it has imported: the tests check that a worker imports
# neither pandas nor pyarrow.
WORKER_MODULES_ENV = "ANALYSIS_WORKER_MODULES"


@contextmanager
def _stage(name: str):
    """Adds the block's seconds to stage ``name`` when stage times are kept (else free)."""
    if _STAGE_TIMES is None:
        yield
        return
    start, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        _STAGE_TIMES[name] = _STAGE_TIMES.get(name, 0.0) + time.perf_counter() - start
        _STAGE_CPU[name] = _STAGE_CPU.get(name, 0.0) + time.process_time() - cpu


def _write_stage_times() -> None:
    path = os.environ.get(STAGE_TIMES_ENV)
    if _STAGE_TIMES is not None and path:
        Path(path).write_text(json.dumps({**_STAGE_TIMES, "cpu": _STAGE_CPU}, indent=1),
                              encoding="utf-8")


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
    cached: dict | None = None  # the cache entry, looked up by the writer (dask: see process_plain)
    # False when the run began without a cache database for this code: every look-up
    # would miss (a fresh output folder), so none is made; entries are still stored.
    lookup: bool = True


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


def sentence_window(sentence: str, start: int, end: int,
                    max_chars: int = SENTENCE_MAX_CHARS) -> str:
    """``sentence`` if it has at most ``max_chars`` characters, else the ``max_chars``
    around ``sentence[start:end]`` (the figure), with "…" where it was cut.

    Why: a line-less text can be one sentence of a million characters with thousands of
    figures; a copy of it in every row made output grow with the square of the input.
    """
    if len(sentence) <= max_chars:
        return sentence
    start = min(max(0, start), len(sentence))
    end = min(max(start, end), len(sentence))
    lo = max(0, start - max(0, max_chars - (end - start)) // 2)
    hi = min(len(sentence), lo + max_chars)
    lo = max(0, hi - max_chars)
    return ("…" if lo else "") + sentence[lo:hi] + ("…" if hi < len(sentence) else "")


def cap_sentences(figures: list[Figure], text: str,
                  max_chars: int = SENTENCE_MAX_CHARS) -> list[Figure]:
    """The figures with each stored sentence cut to :func:`sentence_window`.

    The figure's place in its sentence comes from its offsets in ``text``: the sentence
    is found once per distinct sentence, near the first figure in it (linear time).
    """
    starts: dict[int, int] = {}
    out = []
    for f in figures:
        s = f.sentence
        if len(s) <= max_chars:
            out.append(f)
            continue
        key = id(s)
        if key not in starts:
            lo = max(0, f.char_end - len(s))
            found = text.find(s, lo, f.char_start + len(s)) if text else -1
            starts[key] = found
        s0 = starts[key]
        if s0 < 0:  # not a slice of the text: keep its start
            window = sentence_window(s, 0, 0, max_chars)
        else:
            window = sentence_window(s, f.char_start - s0, f.char_end - s0, max_chars)
        out.append(replace(f, sentence=window))
    return out


def _limit(items: list, limit: int, what: str, notes: list[str]) -> list:
    if len(items) <= limit:
        return items
    notes.append(f"truncated: only the first {limit:,} of {len(items):,} {what} kept "
                 "(per-file limit)")
    return items[:limit]


def for_tables(r: DocResult) -> DocResult:
    """The result as the table writer needs it: figures and repairs as columns plus their
    CSV lines, rendered where the document was processed.

    Why: a worker sends this to the writing process much faster than thousands of
    objects, and the writer no longer formats every cell itself. Here each input's
    output is bounded: sentences cut to a window around each figure, at most
    :data:`MAX_FIGURES_PER_FILE` figures and :data:`MAX_REPAIRS_PER_FILE` repairs
    (the reason says "truncated"), at most :data:`MAX_ROWS_BYTES_PER_FILE` of rows
    (else the file fails, with the reason).
    """
    if r.status != "ok" or r.columns is not None:
        return r
    notes: list[str] = []
    figures = cap_sentences(_limit(r.figures, MAX_FIGURES_PER_FILE, "figures", notes), r.text)
    repairs = _limit(r.repairs, MAX_REPAIRS_PER_FILE, "repairs", notes)
    (metric_cols, metric_csv), (repair_cols, repair_csv) = (
        table_rows("metrics", figures), table_rows("repairs", repairs))
    csv_rows = {"metrics": metric_csv, "repairs": repair_csv}
    size = sum(len(v) for v in csv_rows.values())
    if size > MAX_ROWS_BYTES_PER_FILE:
        return replace(r, status="failed", figures=[], repairs=[], text="", reason=(
            f"its {len(figures):,} figures would take {size / 2**20:.0f} MB of table rows, "
            f"above the per-file limit of {MAX_ROWS_BYTES_PER_FILE / 2**20:.0f} MB"))
    reason = "; ".join(([r.reason] if r.reason else []) + notes)
    return replace(
        r, figures=[], repairs=[], n_chars=len(r.text), reason=reason,
        n_figures=len(figures), n_mapped=sum(1 for f in figures if f.metric_id),
        columns={"metrics": metric_cols, "repairs": repair_cols},
        csv_rows=csv_rows,
    )


_PLAIN_FIELDS = {"source_file": str, "doc_id": str, "status": str, "reason": str, "fmt": str,
                 "encoding": (str, type(None)), "sha256": str, "text_sha256": str, "text": str,
                 "cached": bool, "n_figures": int, "n_mapped": int, "n_chars": int,
                 "needs": (dict, type(None))}


def result_to_plain(r: DocResult) -> dict:
    """A result (as :func:`for_tables` gives it) as plain data: what the cache stores and
    what a dask worker sends back, so neither needs pickle."""
    r = for_tables(r)
    plain = {k: getattr(r, k) for k in _PLAIN_FIELDS}
    plain.update(meta=plain_fields(r.meta) if r.meta else None, columns=r.columns,
                 csv_rows=r.csv_rows)
    return plain


def result_from_plain(plain: object) -> DocResult:
    """The inverse of :func:`result_to_plain`, checking every field's type and the columns'
    names and lengths; raises ValueError for anything else (never runs code)."""
    from .schema import columns as table_columns

    if not isinstance(plain, dict) or set(plain) != set(_PLAIN_FIELDS) | {"meta", "columns",
                                                                         "csv_rows"}:
        raise ValueError("not a stored result")
    for k, t in _PLAIN_FIELDS.items():
        if not isinstance(plain[k], t):
            raise ValueError(f"field {k} has the wrong type")
    meta = plain["meta"]
    if meta is not None:
        names = {f.name for f in fields(DocMeta)}
        if not isinstance(meta, dict) or not set(meta) <= names or "doc_id" not in meta:
            raise ValueError("bad meta")
        meta = DocMeta(**meta)
    cols, rows = plain["columns"], plain["csv_rows"]
    if cols is not None or rows is not None:
        if not (isinstance(cols, dict) and isinstance(rows, dict)
                and set(cols) == set(rows) == {"metrics", "repairs"}):
            raise ValueError("bad columns")
        for table, part in cols.items():
            if not isinstance(part, dict) or list(part) != table_columns(table) \
                    or not all(isinstance(v, list) for v in part.values()) \
                    or len({len(v) for v in part.values()}) > 1 \
                    or not isinstance(rows[table], str):
                raise ValueError(f"bad {table} columns")
    return DocResult(**{k: plain[k] for k in _PLAIN_FIELDS}, meta=meta, columns=cols,
                     csv_rows=rows)


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
    with _stage("clean"):
        doc = prepare(raw)
    if _STAGE_TIMES is not None:  # the document's lazy parts, else built by their first reader
        with _stage("document"):
            _ = doc.shadow, doc.lines, doc.body, doc.sentences, doc.page_date
    with _stage("metadata"):
        meta = apply_overrides(describe(doc), overrides)
        needs = needs_entry(doc, meta, raw.source_file,
                            {k for k, v in overrides.items() if v not in (None, "")})
    with _stage("extract"):
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
    source = printable_name(path.relative_to(raw_dir).as_posix()
                            if path.is_relative_to(raw_dir) else path.name)
    cache = _task_cache(task.cache_dir, task.fingerprint) if task.cache_dir else None
    sha = ""
    try:
        with _stage("read"):
            size = path.stat().st_size
            # A report-sized file is read once, for its hash and its text; a big one streams.
            data = path.read_bytes() if 0 < size <= READ_ONCE_BYTES else None
            sha = hashlib.sha256(data).hexdigest() if data is not None else file_sha256(path)
        key = _cache_key(sha, task.overrides, task.doc_id)
        result = None
        with _stage("cache"):
            hit = task.cached if task.cached is not None else (
                cache.get(key) if cache is not None and task.lookup else None)
        if hit is not None:
            try:
                result = replace(result_from_plain(hit), source_file=source, cached=True)
            except (ValueError, TypeError):  # not an entry this code wrote: extract again
                log.warning("cache entry for %s is not a valid result: extracting again", source)
                if cache is not None:
                    cache.discard(key)
        if result is None:
            with _stage("read"):
                raw = read_document(path, raw_dir, task.doc_id, data=data, sha256=sha)
                if (shown := printable_name(raw.source_file)) != raw.source_file:
                    raw = replace(raw, source_file=shown)
            result = _process_raw(raw, task.overrides)
            with _stage("rows"):
                result = for_tables(result)
            if cache is not None and result.status == "ok":
                with _stage("cache"):
                    cache.put_later(key, result_to_plain(result))
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
    if result.status == "ok" and task.text_dir:
        # Outside the try: a failed write is the output folder's fault (full, read-only),
        # not this file's, and stops the run (the previous outputs stay).
        with _stage("write_text"):  # a str path: pathlib's parsing cost as much as the write
            write_text_file(os.path.join(task.text_dir, f"{result.doc_id}.txt"), result.text)
        result = replace(result, text="")
    _note_modules()
    return result


@lru_cache(maxsize=4)
def _task_cache(cache_dir: str, fingerprint: str | None) -> ExtractCache:
    """One cache object per worker and output folder, not one per file (its paths are
    made once; a file's entry waits in the module's batch either way)."""
    return ExtractCache(cache_dir, fingerprint)


def write_text_file(path: str | os.PathLike[str], text: str) -> None:
    """``text`` as UTF-8 in a new file ``path`` (in the run's unfinished generation: no
    reader sees it before the switch, so no temporary and rename per file), with two
    system calls rather than a text stream: one per report of a national corpus."""
    data = text.encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def _note_modules() -> None:
    folder = os.environ.get(WORKER_MODULES_ENV)
    if folder:
        import sys

        names = sorted({m.split(".")[0] for m in list(sys.modules)})
        Path(folder, f"{os.getpid()}.json").write_text(json.dumps(names), encoding="utf-8")


class _Writer:
    """Streams documents to tables and texts in a new generation folder of ``out_dir``
    (:func:`safeio.new_generation`); ``commit`` makes it current with one rename."""

    def __init__(self, out_dir: Path, amend: Amend | None = None):
        import pyarrow as pa

        from .tables import TableSink

        # Arrow's default allocator keeps freed memory for reuse: over a long run that is
        # a hundred MB or more this process never gives back. The system one returns it.
        pa.set_memory_pool(pa.system_memory_pool())
        # The workers keep every core busy: Arrow's own threads in this process only add
        # contention (a third of its CPU time went to them). Restored when the run ends.
        self._arrow_threads = (pa.cpu_count(), pa.io_thread_count())
        pa.set_cpu_count(1)
        pa.set_io_thread_count(1)
        self.out_dir = out_dir
        self.gen = safeio.new_generation(out_dir)
        self.text_dir = self.gen / config.TEXT_DIR_NAME
        self.text_dir.mkdir()
        self.sinks = {name: TableSink(name, self.gen, partition_col="year" if name == "metrics"
                                      else None, by_region=name == "metrics")
                      for name in ("documents", "metrics", "repairs", "run_log", "rejected",
                                   "corrections_log")}
        self.amend = amend
        self.amended: dict[str, list[pd.DataFrame]] = {}  # table → rows the amend step gave
        self.pending: list[DocResult] = []
        # needs_manifest.csv streams to its temporary (half the reports of a corpus with
        # masked places may be listed, each with its candidates in words); kept here: the
        # (doc_id, missing) of each, for the closing lines.
        self.needs_tmp = safeio.temp_sibling(self.gen / NEEDS_FILE)
        self._needs_file = open(self.needs_tmp, "w", encoding="utf-8-sig", newline="")  # noqa: SIM115
        self._needs_csv = csv.writer(self._needs_file, lineterminator="\n")
        self._needs_csv.writerow(NEEDS_COLUMNS)
        self.needs: list[tuple[str, str]] = []
        self.log_rows: list[dict] = []
        self.status: dict[str, int] = {}  # run-log rows by status
        self.problems: list[tuple[str, str, str]] = []  # (status, file, reason): failed, skipped
        self.n_docs = self.n_figures = self.n_mapped = 0

    def log(self, row: dict) -> None:
        """One run-log row; written in chunks, so a huge corpus's log is not all in memory."""
        self.log_rows.append(row)
        self.status[row["status"]] = self.status.get(row["status"], 0) + 1
        if row["status"] in ("failed", "skipped"):
            self.problems.append((row["status"], row["source_file"], row["reason"]))
        if len(self.log_rows) >= LOG_CHUNK_ROWS:
            self._flush_log()

    def _flush_log(self) -> None:
        from .tables import rows_table

        if self.log_rows:
            self.sinks["run_log"].add(rows_table("run_log", self.log_rows))
            self.log_rows = []

    def add(self, r: DocResult) -> None:
        r = for_tables(r)
        if r.text:  # else a worker wrote it already
            write_text_file(self.text_dir / f"{r.doc_id}.txt", r.text)
        if self.amend is not None and self.amend.wants(r.doc_id):
            r = self._amend(r)
        self.n_docs += 1
        self.n_figures += r.n_figures
        self.n_mapped += r.n_mapped
        if r.needs:
            row = {**r.needs, "file": r.source_file}
            self._needs_csv.writerow([safeio.escape_formula(row.get(c)) for c in NEEDS_COLUMNS])
            self.needs.append((row["doc_id"], row["missing"]))
        self.pending.append(replace(r, text="") if r.text else r)  # a worker sent none
        if len(self.pending) >= CHUNK_DOCS:
            with _stage("write_tables"):
                self.flush()

    def _amend(self, r: DocResult) -> DocResult:
        """The amend step (the reviewers' decisions) applied to this document's figures."""
        from .tables import columns_frame, frame_columns, frame_csv_text

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
        from .tables import columns_table, rows_table

        if not self.pending:
            return
        docs = [document_row(r.meta, r.source_file, r.sha256, r.n_chars, r.n_figures,
                             r.n_mapped) for r in self.pending if r.meta]
        self.sinks["documents"].add(rows_table("documents", docs))
        for table in ("metrics", "repairs"):
            self.sinks[table].add(columns_table(table, [r.columns[table] for r in self.pending]),
                                  "".join(r.csv_rows[table] for r in self.pending),
                                  **({"provinces": _row_provinces(self.pending)}
                                     if table == "metrics" else {}))
        self.pending = []

    def commit(self) -> None:
        """Finish every table inside the generation, then switch to it (the one rename
        readers can see); the fixed links ``documents.csv`` … ``text`` follow it."""
        from .tables import commit_moves

        self.flush()
        self._flush_log()
        self._close_amend()
        moves = []
        for sink in self.sinks.values():
            moves += sink.close()
        self._needs_file.close()
        moves.append((self.needs_tmp, self.gen / NEEDS_FILE))
        commit_moves(moves)  # inside the generation: nobody reads it yet
        names = sorted(dest.name for _, dest in moves) + [config.TEXT_DIR_NAME]
        safeio.switch_generation(self.out_dir, self.gen, names)
        self._restore_threads()

    def _restore_threads(self) -> None:
        import pyarrow as pa

        pa.set_cpu_count(self._arrow_threads[0])
        pa.set_io_thread_count(self._arrow_threads[1])

    def abort(self) -> None:
        for sink in self.sinks.values():
            sink.abort()
        self._needs_file.close()
        shutil.rmtree(self.gen, ignore_errors=True)
        self._restore_threads()


def _row_provinces(results: list[DocResult]) -> list[str | None]:
    """Each metrics row's document province, for the region dataset (see tables.TableSink)."""
    out: list[str | None] = []
    for r in results:
        n = len(r.columns["metrics"]["doc_id"])
        out += [(r.meta.province or None) if r.meta else None] * n
    return out


def _log_row(r: DocResult) -> dict:
    return {"source_file": r.source_file, "doc_id": r.doc_id, "status": r.status,
            "reason": r.reason or ("read" if r.status == "ok" else ""), "fmt": r.fmt,
            "encoding": r.encoding, "n_chars": r.n_chars if r.status == "ok" else None,
            "n_figures": r.n_figures if r.status == "ok" else None,
            "cached": int(r.cached)}


def extract_corpus(raw_dir: Path | str | None = None, out_dir: Path | str | None = None, *,
                   jobs: int | None = None, engine: str = "process", scheduler: str | None = None,
                   progress: bool = True, use_cache: bool = True,
                   amend: Amend | None = None, lock_wait: float = 0.0) -> Tables:
    """Extract every report under ``raw_dir`` into tables in ``out_dir`` (and return them).

    ``out_dir=None`` writes to ``data/processed``. The run log lists every file and
    every entry of the folder that is not one.
    ``amend``: a step applied to each document's figures before they are written (the
    corrections ledger, see :func:`analysis.extract_corpus`), with tables of its own.
    One run at a time writes to a folder: another one waits ``lock_wait`` seconds, then
    raises :class:`safeio.OutputBusy`. The outputs appear all at once (a new
    generation, see :mod:`safeio`), so a killed run leaves the previous set as it was.
    """
    from .tables import Tables

    raw = Path(raw_dir or config.RAW_DIR).resolve()
    out = Path(out_dir or config.PROCESSED_DIR).resolve()
    if not raw.is_dir():
        raise FileNotFoundError(f"raw folder {raw} does not exist")
    refused: list[tuple[str, str]] = []
    files = discover(raw, refused)
    manifest = load_manifest(raw, files)
    ids = manifest.doc_ids  # the manifest may rename a file's doc_id
    with safeio.output_lock(out, wait=lock_wait):
        # Only now, with the folder ours: what a killed run left is removed.
        safeio.drop_unfinished_generations(out)
        safeio.remove_stale_temps(out)
        writer = _Writer(out, amend)
        try:
            _run(raw, files, ids, manifest, refused, writer, jobs=jobs, engine=engine,
                 scheduler=scheduler, progress=progress, use_cache=use_cache)
        except BaseException:
            writer.abort()
            raise
    tables = Tables(writer.gen)  # each table read when first asked for
    tables.summary = summary_of(writer.status, writer.n_docs, writer.n_figures, writer.n_mapped,
                                manifest.problems)
    tables.summary["problems"] = writer.problems
    if amend is not None:
        tables.summary.update(amend.summary())
    tables.summary["needs_manifest"] = list(writer.needs)
    return tables


def _lost(task: Task, reason: str) -> DocResult:
    """The result of a file whose worker died or timed out on it."""
    source = printable_name(Path(task.path).relative_to(task.raw_dir).as_posix())
    return DocResult(source, task.doc_id, "failed", reason,
                     fmt=Path(task.path).suffix.lower().lstrip("."))


def process_plain(task: Task) -> bytes:
    """:func:`process_file` for a worker on another machine: the result as msgpack of
    plain data (no pickle of report data crosses the network), the text sent back
    instead of written (the output folder need not be shared)."""
    import msgpack

    return msgpack.packb(result_to_plain(process_file(task)), use_bin_type=True)


def _from_worker(blob: object) -> DocResult:
    import msgpack

    if isinstance(blob, DocResult):  # _lost, made here
        return blob
    return result_from_plain(msgpack.unpackb(blob, raw=False))


def _run(raw: Path, files: list[Path], ids: dict[Path, str], manifest, refused, writer: _Writer,
         *, jobs, engine, scheduler, progress, use_cache) -> None:
    out = writer.out_dir
    cache_dir = str(out / ".cache") if use_cache else None
    fingerprint = code_fingerprint() if use_cache else None
    remote = engine == "dask"
    cache = ExtractCache(cache_dir, fingerprint) if cache_dir else None
    lookup = cache is not None and cache.db_path.exists()
    raw_s, text_dir = str(raw), str(writer.text_dir)

    def task(p: Path) -> Task:
        # Without a manifest no file's relative name is needed (pathlib: 1 % of a run).
        overrides = dict(manifest.overrides.get(p.relative_to(raw).as_posix(), {})) \
            if manifest.overrides else {}
        if not remote:
            return Task(str(p), raw_s, ids[p], overrides, cache_dir, fingerprint,
                        text_dir, lookup=lookup)
        # dask: the workers never touch the output folder; this process looks the file
        # up in the cache (it sends the entry along) and writes texts and entries.
        hit = None
        if cache is not None and lookup:
            try:
                hit = cache.get(_cache_key(file_sha256(p), overrides, ids[p]))
            except OSError:
                hit = None
        return Task(str(p), str(raw), ids[p], overrides, cached=hit)

    tasks = (task(p) for p in files)  # made as the workers ask: a big corpus has many
    seen_bytes: dict[str, str] = {}
    seen_text: dict[str, str] = {}
    results = iter_ordered(process_plain if remote else process_file, tasks, jobs=jobs,
                           engine=engine, total=len(files), scheduler=scheduler, desc="extract",
                           progress=progress, on_lost=_lost, timeout=FILE_TIMEOUT_S)
    try:
        for r in results:
            if remote:
                r = _from_worker(r)
                if cache is not None and r.status == "ok" and not r.cached:
                    cache.put_later(_cache_key(r.sha256, manifest.overrides.get(r.source_file, {}),
                                               r.doc_id), result_to_plain(r))
            if r.status == "ok":
                first = seen_bytes.get(r.sha256) or seen_text.get(r.text_sha256)
                if first:
                    r = replace(r, status="duplicate", reason=f"same content as {first}; kept that one")
                    (writer.text_dir / f"{r.doc_id}.txt").unlink(missing_ok=True)
                else:
                    seen_bytes[r.sha256] = r.source_file
                    seen_text[r.text_sha256] = r.source_file
                    writer.add(r)
            with _stage("write_tables"):
                writer.log(_log_row(r))
        for rel, why in refused:
            writer.log({"source_file": printable_name(rel), "doc_id": None, "status": "skipped",
                        "reason": why, "fmt": Path(rel).suffix.lower().lstrip("."),
                        "encoding": None, "n_chars": None, "n_figures": None, "cached": 0})
        manifest_path = raw / "manifest.csv"
        if manifest_path.is_dir() and not manifest_path.is_symlink():
            writer.log({"source_file": "manifest.csv", "doc_id": None, "status": "failed",
                        "reason": "manifest.csv is a folder, not a CSV file; no manifest applied",
                        "fmt": "csv", "encoding": None, "n_chars": None, "n_figures": None,
                        "cached": 0})
        elif manifest_path.exists() or manifest_path.is_symlink():
            writer.log({"source_file": "manifest.csv", "doc_id": None,
                        "status": "ok" if manifest.applied else "failed",
                        "reason": ("manifest applied" if manifest.applied else
                                   "manifest not applied") + (
                            "; problems: " + " | ".join(manifest.problems)
                            if manifest.problems else ""),
                        "fmt": "csv", "encoding": manifest.encoding, "n_chars": None,
                        "n_figures": None, "cached": 0})
        with _stage("commit"):
            writer.commit()
    finally:
        results.close()  # stop the workers first: they write into the staging folder
        extract_cache.flush()  # what this process batched (dask: the entries it stores)
    _write_stage_times()


def summarize(run_log: pd.DataFrame, n_docs: int, n: int, mapped: int,
              manifest_problems: list[str] | None = None) -> dict:
    """Counts for the closing line of a run, from its run log."""
    return summary_of(run_log["status"].value_counts().to_dict(), n_docs, n, mapped,
                      manifest_problems)


def summary_of(status: dict[str, int], n_docs: int, n: int, mapped: int,
               manifest_problems: list[str] | None = None) -> dict:
    """Counts for the closing line of a run (kept while streaming: the log is not re-read)."""
    return {
        "files": sum(status.values()),
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
