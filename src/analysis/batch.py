"""``analysis report``: refresh the tables if stale, run every notebook with papermill, index them.

Why this shape: the notebooks are py:percent text files (read with jupytext), so the
batch converts them in memory and hands papermill a notebook object with typed
parameters (never CLI strings, whose types papermill guesses) after checking the
names against the notebook's own parameters cell (papermill only warns on a typo).
The kernel is pinned to ``python3`` (this environment's ipykernel, which jupyter_client
starts with ``sys.executable``) and runs in a scratch directory, so a notebook saved
with a conda kernel name or run from another folder behaves the same. One failing
notebook is recorded with its parameters and the error's last lines; the rest still run.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from analysis import config, params, safeio
from analysis.safeio import atomic_path, escape_format, write_text

STAMP_NAME = ".report_stamp.json"  # in the processed folder: what the tables were built from
NOTEBOOKS = ("overview", "yoy", "cross_city", "themes")
KERNEL_NAME = "python3"
ERROR_TAIL_LINES = 6
_ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


# --------------------------------------------------------------------------- results


@dataclass
class NotebookRun:
    """One notebook execution: what ran with which parameters, where it went, how it ended."""

    notebook: str
    parameters: dict[str, Any]
    output: Path  # executed .ipynb
    html: Path
    ok: bool = False
    error: str = ""  # last lines of the error, empty when ok
    skipped: bool = False  # inputs unchanged since the last successful run: not re-executed

    @property
    def label(self) -> str:
        shown = {k: v for k, v in self.parameters.items() if k not in PATH_PARAMS}
        args = ", ".join(f"{k}={v!r}" for k, v in shown.items())
        return f"{self.notebook}({args})"


@dataclass
class ReportResult:
    """What ``analysis report`` did; counts for the CLI, details for the index."""

    extracted: bool  # the pipeline ran because the tables were stale
    stale_reason: str
    runs: list[NotebookRun] = field(default_factory=list)
    index: Path | None = None
    appendix: Path | None = None
    appendix_error: str = ""
    review: Path | None = None  # index of the review pages
    review_error: str = ""
    extract_summary: str = ""

    @property
    def n_notebooks(self) -> int:
        return len(self.runs)

    @property
    def n_ok(self) -> int:
        return sum(r.ok for r in self.runs)

    @property
    def n_failed(self) -> int:
        return sum(not r.ok for r in self.runs)

    @property
    def failures(self) -> list[NotebookRun]:
        return [r for r in self.runs if not r.ok]

    def summary(self) -> str:
        skipped = sum(r.skipped for r in self.runs)
        lines = [
            f"notebooks: {self.n_ok} ok, {self.n_failed} failed"
            + (f", {skipped} current (not re-run)" if skipped else "")
            + (" (tables re-extracted: " + self.stale_reason + ")" if self.extracted else "")
        ]
        lines += [f"FAILED {r.label}:\n{r.error}" for r in self.failures]
        if self.appendix_error:
            lines.append(f"appendix failed: {self.appendix_error}")
        if self.review_error:
            lines.append(f"review pages failed: {self.review_error}")
        if self.extract_summary:
            lines.append(f"tables: {self.extract_summary}")
        if self.index is not None:
            lines.append(f"look at: {self.index} (every region, chart and warning)")
            if self.appendix is not None and not self.appendix_error:
                lines.append(f"         {self.appendix} (the Excel appendix)")
        return "\n".join(lines)


PATH_PARAMS = ("processed_dir", "figures_dir", "flags_file")
FLAGS_NAME = ".corpus_flags.parquet"  # in the reports folder: the batch's corpus flags


# --------------------------------------------------------------------------- staleness


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _raw_files(raw_dir: Path) -> list[Path]:
    from analysis.ingest import discover

    files = discover(raw_dir)
    manifest = raw_dir / "manifest.csv"
    return [*files, manifest] if manifest.is_file() else files


def _code_version() -> str:
    from analysis.cache import code_fingerprint

    return code_fingerprint()


def _stat_entry(path: Path) -> dict[str, int]:
    file_stat = path.stat()
    return {"size": file_stat.st_size, "mtime_ns": file_stat.st_mtime_ns}


def input_fingerprint(raw_dir: Path, previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """Per raw file: size, mtime and sha256 (re-hashed only when size or mtime changed)."""
    previous = previous or {}
    out: dict[str, Any] = {}
    for path in _raw_files(raw_dir):
        rel = path.relative_to(raw_dir).as_posix()
        entry = _stat_entry(path)
        old = previous.get(rel)
        same_stat = (
            old and old.get("size") == entry["size"] and old.get("mtime_ns") == entry["mtime_ns"]
        )
        entry["sha256"] = old["sha256"] if same_stat else _sha256(path)
        out[rel] = entry
    return out


def _metrics_file(processed_dir: Path) -> Path:
    return processed_dir / "metrics.csv"


def read_stamp(processed_dir: Path) -> dict[str, Any] | None:
    try:
        return json.loads((processed_dir / STAMP_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_stamp(raw_dir: Path, processed_dir: Path, inputs: dict[str, Any] | None = None) -> None:
    """Record what the current tables were built from (inputs, code, the metrics file itself)."""
    stamp = {
        "raw_dir": str(raw_dir.resolve()),
        "code": _code_version(),
        "inputs": inputs if inputs is not None else input_fingerprint(raw_dir),
        "metrics": _stat_entry(_metrics_file(processed_dir)),
    }
    write_text(
        json.dumps(stamp, ensure_ascii=False, indent=1, sort_keys=True), processed_dir / STAMP_NAME
    )


def stale_reason(raw_dir: Path, processed_dir: Path) -> str:
    """Why the tables must be rebuilt, or ``""`` when they match the raw files and the code.

    With a stamp (written after each build) the inputs are compared by content, so a
    touched but unchanged file does not trigger a rebuild; without one (tables made by
    ``analysis extract``) any raw file newer than metrics.csv does.
    """
    metrics = _metrics_file(processed_dir)
    if not metrics.is_file() or not (processed_dir / "documents.csv").is_file():
        return f"no tables in {processed_dir}"
    ledger = raw_dir.parent / "corrections.csv"  # what `analysis extract` applies by default
    if ledger.is_file() and ledger.stat().st_mtime_ns > metrics.stat().st_mtime_ns:
        return f"the corrections ledger {ledger.name} changed since the tables were built"
    stamp = read_stamp(processed_dir)
    if stamp and stamp.get("metrics") == _stat_entry(metrics):
        if stamp.get("raw_dir") != str(raw_dir.resolve()):
            return f"tables were built from {stamp.get('raw_dir')}"
        if stamp.get("code") != _code_version():
            return "the package (code or rules) changed since the tables were built"
        old = stamp.get("inputs") or {}
        now = input_fingerprint(raw_dir, old)
        added = sorted(set(now) - set(old))
        removed = sorted(set(old) - set(now))
        changed = sorted(k for k in set(now) & set(old) if now[k]["sha256"] != old[k]["sha256"])
        for what, names in (("new", added), ("removed", removed), ("changed", changed)):
            if names:
                return f"{what} raw file(s): {', '.join(names[:5])}" + (
                    " …" if len(names) > 5 else ""
                )
        return ""
    built = metrics.stat().st_mtime_ns
    newer = [
        p.relative_to(raw_dir).as_posix()
        for p in _raw_files(raw_dir)
        if p.stat().st_mtime_ns > built
    ]
    if newer:
        return f"raw file(s) newer than metrics.csv: {', '.join(newer[:5])}"
    return ""


def _extract(
    raw_dir: Path,
    processed_dir: Path,
    jobs: int | None,
    engine: str,
    scheduler: str | None,
    progress: bool,
) -> None:
    from analysis.corrections import ledger_amend
    from analysis.pipeline import extract_corpus

    extract_corpus(raw_dir, out_dir=processed_dir, jobs=jobs, engine=engine,
                   scheduler=scheduler, progress=progress, amend=ledger_amend(raw_dir))


# --------------------------------------------------------------------------- planning


def output_stem(notebook: str, parameters: dict[str, Any]) -> str:
    """``yoy__青岛市``, ``cross_city__2017`` (``__H1`` when not full-year), ``overview``."""
    from analysis.plots import figure_name

    if notebook == "yoy":
        return figure_name(notebook, parameters.get("region", ""))
    if notebook == "cross_city":
        period = parameters.get("period", "FY")
        return figure_name(notebook, parameters.get("year", ""), "" if period == "FY" else period)
    return figure_name(notebook)


def plan_runs(metrics: Any, documents: Any,
              valid: dict[str, Any] | None = None) -> list[tuple[str, dict[str, Any]]]:
    """(notebook, parameters) for the corpus: overview, yoy per region, cross_city per shared
    year, themes — without the folder parameters, which the caller adds. ``valid``: the
    corpus's :func:`compare.valid_values`, when the caller has them already."""
    from analysis import compare

    valid = valid if valid is not None else compare.valid_values(metrics, documents)
    plan: list[tuple[str, dict[str, Any]]] = [("overview", {})]
    plan += [("yoy", {"region": region}) for region in valid["regions"]]
    plan += [
        ("cross_city", {"year": year, "period": period})
        for year, period in params.comparison_years(metrics, documents).items()
    ]
    plan.append(("themes", {}))
    return plan


# --------------------------------------------------------------------------- execution


@dataclass
class NotebookJob:
    """Everything a worker process needs to execute one notebook (picklable)."""

    notebook: str
    parameters: dict[str, Any]
    output: Path
    html: Path


def error_tail(exc: BaseException, lines: int = ERROR_TAIL_LINES) -> str:
    """The last lines of an error: the notebook traceback for papermill errors, else ours."""
    tb = getattr(exc, "traceback", None)
    if tb:
        text = "\n".join(tb)
        text = _ANSI_RE.sub("", text)
    else:
        text = "".join(traceback.format_exception(exc))
    kept = [line for line in text.strip().splitlines() if line.strip()]
    return "\n".join(kept[-lines:])


class _NoAltTextNotice(logging.Filter):
    """Drop nbconvert's per-page 'Alternative text is missing' notice: matplotlib outputs
    carry no alt text, nbconvert fills in a generic one, and each chart's title and
    caption are in the image and the table beside it; any other message passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Alternative text is missing")


CHART_ALT = "图表（标题、图注与来源在图中，数值见页中表格）"
_IMG_NO_ALT_RE = re.compile(r"<img(?![^>]*\balt=)")
_FOCUS_DIV_RE = re.compile(  # nbconvert's tab stops: inputs' wrappers and outputs
    r'<div class="([^"]*\b(?:jp-Cell-inputWrapper|jp-OutputArea-output)\b[^"]*)"')


@lru_cache(maxsize=1)
def _handout_exporter_class() -> type:
    """nbconvert's HTML exporter without its last step, a BeautifulSoup parse of the whole
    page to add alt texts and tab stops (for a region's page with a long table, about a
    second of CPU, as much as drawing a chart); the same two changes are made on the text."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class HandoutExporter(HTMLExporter):  # type: ignore[misc]
        def from_notebook_node(self, nb: Any, resources: Any = None,
                               **kw: Any) -> tuple[str, Any]:
            lang = nb.metadata.get("language_info", {})
            lexer = lang.get("pygments_lexer", lang.get("name", None))
            self.register_filter("highlight_code", self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            page = _IMG_NO_ALT_RE.sub(f'<img alt="{CHART_ALT}"', page)
            return _FOCUS_DIV_RE.sub(r'<div class="\1" tabindex="0"', page), resources

    return HandoutExporter


def _write_html(nb: Any, dest: Path) -> None:
    """The handout page: outputs only (no code, no prompts), tables styled to fit the page."""
    from analysis.display import HANDOUT_CSS

    exporter = _handout_exporter_class()(
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )
    exporter.log.addFilter(_NoAltTextNotice())
    body, _ = exporter.from_notebook_node(nb)
    style = f"<style>{HANDOUT_CSS}</style>"
    body = body.replace("</head>", f"{style}\n</head>", 1)
    write_text(body, dest)


def execute_notebook(job: NotebookJob) -> NotebookRun:
    """Run one notebook with papermill; never raises (the error is kept in the result).

    The executed notebook (with the failing cell marked, on error) and its HTML
    rendering are written atomically to ``job.output`` and ``job.html``.
    """
    import papermill

    def execute(nb: Any, tmp: Path) -> Any:
        with tempfile.TemporaryDirectory(prefix="analysis-nb-") as cwd:
            return papermill.execute_notebook(
                nb,
                escape_format(tmp),  # papermill formats the path with the parameters
                parameters=job.parameters,
                kernel_name=KERNEL_NAME,
                language="python",
                cwd=cwd,
                progress_bar=False,
                log_output=False,
                **kernel_options(),
            )

    return _run_notebook(job, execute)


def _run_notebook(job: NotebookJob, execute: Callable[[Any, Path], Any]) -> NotebookRun:
    """Read the notebook, ``execute`` it into a temp file committed as ``job.output`` (a
    partly executed one too, with its error), then write its HTML; never raises.
    ``execute`` returns the executed notebook (papermill's, as written), so a notebook
    that ran is not read back from disk."""
    import nbformat

    run = NotebookRun(job.notebook, job.parameters, job.output, job.html)
    try:
        nb = params.read_notebook(job.notebook)
        with atomic_path(job.output) as tmp:
            executed = None
            try:
                executed = execute(nb, tmp)
                run.ok = True
            except Exception as exc:  # the partly executed notebook is still written
                run.error = error_tail(exc)
                if not tmp.exists():
                    raise
            if executed is None:
                executed = nbformat.read(tmp, as_version=4)
        _write_html(executed, job.html)
    except Exception as exc:
        run.ok = False
        run.error = run.error or error_tail(exc)
    return run


# --------------------------------------------------------------------------- warm kernels
# Why: starting a kernel and importing pandas, matplotlib, jupytext and the package cost
# 5-9 s per notebook on this machine, more than a region's notebook itself. A batch keeps
# one kernel per worker and runs notebook after notebook in it, each in an emptied
# namespace (``%reset -f``: modules stay imported, variables and figures go); a kernel
# that failed a notebook, died, or ran KERNEL_REUSE notebooks is replaced by a new one.

KERNEL_REUSE = 200  # notebooks per kernel before a fresh one (bounds what a kernel keeps)
# Figures closed first, then the namespace emptied (``%reset`` collects the garbage), then
# what is left (modules, their caches) frozen out of the collector's sight: ``%reset``
# runs two full collections, and over a kernel holding pandas, matplotlib and a CJK font
# they took about a second of CPU per notebook, as did the full collections pandas'
# allocations trigger while a notebook runs. Frozen objects are still freed when their
# last reference goes; only a cycle among them would wait for the kernel's replacement.
_RESET_CODE = (
    "import matplotlib.pyplot as _plt\n_plt.close('all')\ndel _plt\n"
    "get_ipython().run_line_magic('reset', '-f')\n"
    "import gc as _gc\n_gc.freeze()\ndel _gc\n"
    "get_ipython().execution_count = 1\n"
)
WARM_ENGINE = "analysis-warm"
# Imported once when a kernel starts (each notebook imports them again, from memory).
_WARM_UP_CODE = ("import analysis.params\n"  # first: it keeps nbformat's import light
                 "import matplotlib.pyplot, jupytext, papermill, seaborn\n"
                 "import analysis.compare, analysis.display, analysis.params, analysis.plots\n"
                 "import gc\ngc.collect()\ngc.freeze()\ndel gc\n")


class WarmKernel:
    """One kernel kept for a worker thread's notebooks (its own scratch folder as cwd).

    Used from one thread only: its client's sockets belong to that thread's event loop.
    """

    def __init__(self) -> None:
        from jupyter_client import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self._run = run_sync
        self.cwd = tempfile.mkdtemp(prefix="analysis-nb-")
        manager = _ipc_kernel_manager() if os.name == "posix" else AsyncKernelManager
        self.km = manager(kernel_name=KERNEL_NAME)
        if getattr(self.km, "transport", "tcp") == "ipc":  # socket files: absolute, in cwd
            self.km.ip = os.path.join(self.cwd, "kernel-ipc")

        async def start() -> Any:  # the client's sockets are made in this thread's loop
            await self.km.start_kernel(cwd=self.cwd)
            client = self.km.client()
            client.start_channels()
            await client.wait_for_ready(timeout=60)
            return client

        self.kc = run_sync(start)()
        self.used = 0

        self._execute(_WARM_UP_CODE)

    def reset(self) -> None:
        """Empty the namespace before the next notebook; raises if the kernel does not answer."""
        self._execute(_RESET_CODE)

    def _execute(self, code: str) -> None:
        async def go() -> None:
            msg_id = self.kc.execute(code, silent=True, store_history=False)
            while True:
                reply = await self.kc.get_shell_msg(timeout=120)
                if reply["parent_header"].get("msg_id") == msg_id:
                    if reply["content"].get("status") != "ok":
                        raise RuntimeError(f"the batch kernel failed to run {code!r}")
                    return

        self._run(go)()

    def alive(self) -> bool:
        return bool(self._run(self.km.is_alive)())

    def close(self) -> None:
        import shutil

        try:
            self.kc.stop_channels()
            self._run(self.km.shutdown_kernel)(now=False)
        except Exception:  # noqa: BLE001 - a dead kernel has nothing left to shut down
            pass
        shutil.rmtree(self.cwd, ignore_errors=True)


@lru_cache(maxsize=1)
def _register_warm_engine() -> None:
    """A papermill engine that runs the notebook on a :class:`WarmKernel` (papermill's
    own client: parameters, error markers and PapermillExecutionError as usual)."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class WarmEngine(NBClientEngine):
        @classmethod
        def execute_notebook(cls, nb: Any, kernel_name: str, output_path: Any = None,
                             **kwargs: Any) -> Any:
            """Papermill's execution without its saves along the way: its manager writes
            the whole notebook (validated, images included) when it starts and at every
            code cell's start and end, about 20 writes per page. ``papermill.execute_notebook``
            writes the finished notebook (or the failed one, with its error) once anyway;
            an error out of the engine itself (a dead kernel) writes the notebook as far
            as it ran here, as papermill's last save would have."""
            from papermill.iorw import write_ipynb

            try:
                return super().execute_notebook(nb, kernel_name, output_path=None, **kwargs)
            except BaseException:
                if output_path:
                    write_ipynb(nb, output_path)  # the manager ran this very notebook object
                raise

        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False,
                                     stdout_file: Any = None, stderr_file: Any = None,
                                     start_timeout: int = 60, execution_timeout: Any = None,
                                     warm: WarmKernel | None = None, **kwargs: Any) -> Any:
            assert warm is not None
            client = PapermillNotebookClient(
                nb_man, km=warm.km, timeout=execution_timeout, startup_timeout=start_timeout,
                kernel_name=kernel_name, log=logging.getLogger("papermill"),
                log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file)
            client.kc = warm.kc
            return client.execute()

    papermill_engines.register(WARM_ENGINE, WarmEngine)


def execute_warm(job: NotebookJob, warm: WarmKernel) -> NotebookRun:
    """:func:`execute_notebook` on a warm kernel; never raises."""
    import papermill

    _register_warm_engine()

    def execute(nb: Any, tmp: Path) -> Any:
        warm.reset()
        return papermill.execute_notebook(
            nb, escape_format(tmp), parameters=job.parameters, kernel_name=KERNEL_NAME,
            language="python", engine_name=WARM_ENGINE, progress_bar=False,
            log_output=False, warm=warm)

    run = _run_notebook(job, execute)
    warm.used += 1
    return run


def _warm_map(jobs_list: list[NotebookJob], workers: int) -> Iterable[NotebookRun]:
    """Results in plan order, ``workers`` threads each with its :class:`WarmKernel`."""
    import queue
    import threading

    todo: queue.Queue[tuple[int, NotebookJob] | None] = queue.Queue()
    for item in enumerate(jobs_list):
        todo.put(item)
    results: dict[int, NotebookRun] = {}
    done = threading.Condition()

    def work() -> None:
        warm: WarmKernel | None = None
        try:
            while True:
                try:
                    item = todo.get_nowait()
                except queue.Empty:
                    return
                i, job = item
                try:
                    if warm is None:
                        warm = WarmKernel()
                    result = execute_warm(job, warm)
                except Exception as exc:  # the kernel would not start
                    result = NotebookRun(job.notebook, job.parameters, job.output, job.html,
                                         error=error_tail(exc))
                if warm is not None and (not result.ok or warm.used >= KERNEL_REUSE
                                         or not warm.alive()):
                    warm.close()
                    warm = None
                with done:
                    results[i] = result
                    done.notify_all()
        finally:
            if warm is not None:
                warm.close()

    threads = [threading.Thread(target=work, daemon=True) for _ in range(max(1, workers))]
    for t in threads:
        t.start()
    for i in range(len(jobs_list)):
        with done:
            done.wait_for(lambda i=i: i in results)
            result = results.pop(i)
        yield result
    for t in threads:
        t.join()


def _map(
    jobs_list: list[NotebookJob],
    jobs: int | None,
    engine: str,
    scheduler: str | None,
    progress: bool,
) -> Iterable[NotebookRun]:
    """Results in plan order: on warm kernels (one per job) with the process engine, else
    one fresh kernel per notebook on the engine (dask: the notebooks run where its workers are)."""
    from analysis.engine import iter_ordered, resolve_jobs

    if engine == "process":
        return _warm_map(jobs_list, min(resolve_jobs(jobs), max(1, len(jobs_list))))
    return iter_ordered(
        execute_notebook,
        jobs_list,
        jobs=jobs,
        engine=engine,
        scheduler=scheduler,
        progress=False,
        chunksize=1,
    )


def run_notebooks(
    plan: list[tuple[str, dict[str, Any]]],
    reports_dir: Path,
    valid: dict[str, Any],
    jobs: int | None = None,
    engine: str = "process",
    scheduler: str | None = None,
    progress: bool = True,
    force: bool = False,
) -> list[NotebookRun]:
    """Validate every planned run's parameters, then execute the valid ones in parallel.

    A run whose inputs (see :func:`run_key`) are those of its last successful run, with
    both outputs still there, is not executed again (``force`` re-runs everything).
    """
    from tqdm.auto import tqdm

    nb_dir, html_dir = reports_dir / "notebooks", reports_dir / "html"
    keys = read_run_keys(reports_dir)
    wanted_keys: dict[int, str] = {}
    runs: list[NotebookRun | None] = []
    todo: list[tuple[int, NotebookJob]] = []
    for notebook, parameters in plan:
        stem = output_stem(notebook, parameters)
        out, page = nb_dir / f"{stem}.ipynb", html_dir / f"{stem}.html"
        try:
            checked = params.validate_params(notebook, parameters, valid)
        except (ValueError, FileNotFoundError) as exc:
            runs.append(
                NotebookRun(notebook, dict(parameters), out, page, ok=False, error=str(exc))
            )
            continue
        key = run_key(notebook, checked)
        if not force and keys.get(out.stem) == key and out.is_file() and page.is_file():
            runs.append(NotebookRun(notebook, checked, out, page, ok=True, skipped=True))
            continue
        todo.append((len(runs), NotebookJob(notebook, checked, out, page)))
        wanted_keys[len(runs)] = key
        runs.append(None)
    with tqdm(total=len(todo), desc="notebooks", unit="nb", disable=not progress) as bar:
        for (slot, job), result in zip(
            todo, _map([j for _, j in todo], jobs, engine, scheduler, progress), strict=True
        ):
            runs[slot] = result
            bar.set_postfix_str(job.output.stem, refresh=False)
            bar.update(1)
            if result.ok:
                keys[job.output.stem] = wanted_keys[slot]
            else:
                keys.pop(job.output.stem, None)
    if todo:
        write_run_keys(reports_dir, keys)
    return [r for r in runs if r is not None]


# --------------------------------------------------------------------------- what is current
# Why: re-executing every notebook when nothing changed took minutes. A run is current
# when its notebook source, its parameters, the tables it reads and the package (code
# and data files) are those of its last successful run; the keys live beside the
# outputs in reports/.run_keys.json.

RUN_KEYS_NAME = ".run_keys.json"
APPENDIX_KEY = "appendix.xlsx"  # the appendix's key sits beside the notebooks' keys


def _hash_files(digest: Any, paths: Iterable[Path], root: Path) -> None:
    for path in sorted(paths):
        digest.update(f"{path.relative_to(root).as_posix()}\n".encode())
        digest.update(_sha256(path).encode())


def tables_key(processed_dir: str | os.PathLike[str] | None) -> str:
    """Digest of what the notebooks read from a processed folder: the tables and the texts.

    Computed once per folder and state of its files (a batch asks for every run, and the
    tables of a national corpus are gigabytes)."""
    processed = Path(processed_dir) if processed_dir else config.PROCESSED_DIR
    files = [processed / f"{n}.{ext}" for n in ("documents", "metrics", "repairs", "run_log")
             for ext in ("csv", "parquet")]  # fmt: skip
    state = []
    for path in [*files, processed / "text"]:
        try:
            file_stat = path.stat()
        except OSError:
            continue
        state.append((path.name, file_stat.st_size, file_stat.st_mtime_ns, file_stat.st_ino))
    return _tables_key(str(processed.resolve()), tuple(state))


@lru_cache(maxsize=16)
def _tables_key(folder: str, state: tuple) -> str:
    processed = Path(folder)
    digest = hashlib.sha256()
    files = [processed / f"{n}.{ext}" for n in ("documents", "metrics", "repairs", "run_log")
             for ext in ("csv", "parquet")]  # fmt: skip
    _hash_files(digest, [f for f in files if f.is_file()], processed)
    text = processed / "text"
    if text.is_dir():  # names and sizes: texts change only with the tables
        for path in sorted(text.glob("*.txt")):
            digest.update(f"{path.name}:{path.stat().st_size}\n".encode())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def package_key() -> str:
    """Digest of the package version, every module and every data file."""
    from analysis.cache import package_version

    root = Path(__file__).resolve().parent
    digest = hashlib.sha256(f"version={package_version()}\n".encode())
    _hash_files(digest, [*root.glob("*.py"), *(p for p in (root / "data").rglob("*") if p.is_file())],
                root)  # fmt: skip
    return digest.hexdigest()


def run_key(notebook: str, parameters: dict[str, Any]) -> str:
    """Digest of a run's inputs: notebook source, parameters, tables, package."""
    digest = hashlib.sha256()
    digest.update(_sha256(params.notebook_path(notebook)).encode())
    digest.update(json.dumps(parameters, sort_keys=True, ensure_ascii=False, default=str).encode())
    digest.update(tables_key(parameters.get("processed_dir")).encode())
    digest.update(package_key().encode())
    return digest.hexdigest()


def read_run_keys(reports_dir: Path) -> dict[str, str]:
    try:
        data = json.loads((reports_dir / RUN_KEYS_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def write_run_keys(reports_dir: Path, keys: dict[str, str]) -> None:
    reports_dir.mkdir(parents=True, exist_ok=True)
    write_text(json.dumps(keys, ensure_ascii=False, indent=1, sort_keys=True),
               reports_dir / RUN_KEYS_NAME)  # fmt: skip


def kernel_options() -> dict[str, Any]:
    """papermill options that start the kernel on IPC sockets where the platform has them.

    Why: ipykernel ≥ 7 warns on every start that TCP without CurveZMQ keys is
    unencrypted (``[IPKernelApp] WARNING | Kernel is running over TCP without encryption``). The kernel runs on this machine (or on the dask worker that runs the
    notebook), so Unix-domain sockets are the right transport and the warning's cause
    goes away; Windows has no IPC transport and keeps TCP.
    """
    if os.name != "posix":
        return {}
    return {"kernel_manager_class": _ipc_kernel_manager()}


@lru_cache(maxsize=1)
def _ipc_kernel_manager() -> type:
    from jupyter_client import AsyncKernelManager
    from traitlets import CaselessStrEnum

    class IPCKernelManager(AsyncKernelManager):  # type: ignore[misc]
        """The default kernel manager on IPC (Unix socket) transport, quiet at shutdown."""

        transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

        async def _async_interrupt_kernel(self) -> None:
            # jupyter_client sends SIGINT before every shutdown request, in case a cell is
            # still running. papermill shuts down only after every cell has replied, so the
            # signal can only land in the shutdown handler itself, where ipykernel logs
            # "KeyboardInterrupt caught in kernel" (seen on a loaded machine). Interrupts
            # asked for while the kernel runs (a timeout) still go through.
            if self.shutting_down:
                return
            await super()._async_interrupt_kernel()

    return IPCKernelManager


# --------------------------------------------------------------------------- index


def _href(path: Path, base: Path) -> str:
    return quote(os.path.relpath(path, base).replace(os.sep, "/"))


def render_index(
    result: ReportResult,
    reports_dir: Path,
    generated: str,
    documents: Any = None,
    flags: Any = None,
    corrections_log: Any = None,
) -> str:
    """reports/index.html: regions by province and level, their pages, charts and warnings,
    then every notebook run with its parameters and status; all text escaped."""
    from analysis import report_index

    return report_index.render(result, reports_dir, generated, documents, flags,
                               corrections_log)


# --------------------------------------------------------------------------- entry point


def notebook_folders(processed: Path, reports: Path) -> dict[str, str]:
    """The folder parameters of every notebook of a batch: the tables are the generation
    current when the batch starts, so an extract that commits meanwhile cannot hand later
    notebooks another set."""
    return {"processed_dir": str(safeio.current_dir(processed).resolve()),
            "figures_dir": str((reports / "figures").resolve())}


def batch_tables(processed: Path) -> dict[str, Any]:
    """The tables the batch itself reads (plan, corpus flags, index, closing line): every
    table, but of metrics only :data:`compare.FLAG_COLUMNS` (at national scale the
    sentences alone are gigabytes; the notebooks read what they need themselves)."""
    from analysis import compare

    return compare.load_tables(processed, columns={"metrics": compare.FLAG_COLUMNS})


def write_flags(flags: Any, reports: Path) -> Path:
    """The corpus plausibility flags, once per batch, for the notebooks that read only
    their region's or year's rows (a figure is judged against its peers and its own other
    years, which those rows do not hold)."""
    import pandas as pd

    reports.mkdir(parents=True, exist_ok=True)
    path = reports / FLAGS_NAME
    typed = flags.astype({c: pd.StringDtype() for c in flags.columns if c != "year"})
    if "year" in typed.columns:
        typed["year"] = pd.to_numeric(typed["year"], errors="coerce").astype("Int64")
    safeio.write_parquet(typed, path)
    return path.resolve()


def with_folders(plan: list[tuple[str, dict[str, Any]]], folders: dict[str, str],
                 flags_file: Path | None = None) -> list[tuple[str, dict[str, Any]]]:
    """The plan with the folder parameters, and ``flags_file`` for notebooks declaring it."""
    out = []
    for notebook, parameters in plan:
        extra = {}
        if flags_file is not None and "flags_file" in params.declared_parameters(notebook):
            extra["flags_file"] = str(flags_file)
        out.append((notebook, {**folders, **extra, **parameters}))
    return out


def _review_pages(processed_dir: Path, out: Path) -> tuple[Path | None, str]:
    """Write the review pages; return their index, or the error's last lines."""
    try:
        from analysis.review import build_review

        generated = datetime.now().astimezone().isoformat(timespec="seconds")
        return build_review(processed_dir, out, generated=generated).index, ""
    except Exception as exc:
        return None, error_tail(exc)


def _appendix(processed_dir: Path, out: Path) -> str:
    """Write the Excel appendix; return the error's last lines, or '' on success."""
    try:
        from analysis import excel

        excel.write_appendix(processed_dir, out)
    except Exception as exc:
        return error_tail(exc)
    return ""


def _current_appendix(processed: Path, out: Path, reports: Path) -> str:
    """:func:`_appendix` unless the file is there and the tables and package are unchanged."""
    keys = read_run_keys(reports)
    key = hashlib.sha256(f"{tables_key(processed)}{package_key()}".encode()).hexdigest()
    if out.is_file() and keys.get(APPENDIX_KEY) == key:
        return ""
    error = _appendix(processed, out)
    if error:
        keys.pop(APPENDIX_KEY, None)
    else:
        keys[APPENDIX_KEY] = key
    write_run_keys(reports, keys)
    return error


def run_report(
    raw_dir: str | os.PathLike[str] | None = None,
    processed_dir: str | os.PathLike[str] | None = None,
    reports_dir: str | os.PathLike[str] | None = None,
    jobs: int | None = None,
    engine: str = "process",
    scheduler: str | None = None,
    progress: bool = True,
    refresh: bool = False,
) -> ReportResult:
    """Pipeline if stale (or ``refresh``), every notebook, HTML, the Excel appendix, the index."""
    from analysis import compare

    raw = Path(raw_dir) if raw_dir is not None else config.RAW_DIR
    processed = Path(processed_dir) if processed_dir is not None else config.PROCESSED_DIR
    reports = Path(reports_dir) if reports_dir is not None else config.REPORTS_DIR
    reason = "refresh requested" if refresh else stale_reason(raw, processed)
    if reason:
        _extract(raw, processed, jobs, engine, scheduler, progress)
        write_stamp(raw, processed)
    elif read_stamp(processed) is None or read_stamp(processed).get("metrics") != _stat_entry(
        _metrics_file(processed)
    ):
        write_stamp(raw, processed)  # fresh by mtime: record it so later checks compare content
    result = ReportResult(extracted=bool(reason), stale_reason=reason)

    tables = batch_tables(processed)
    metrics, documents = tables["metrics"], tables["documents"]
    valid = compare.valid_values(metrics, documents)
    flags = compare.corpus_flags(metrics, documents)
    folders = notebook_folders(processed, reports)
    plan = with_folders(plan_runs(metrics, documents, valid), folders, write_flags(flags, reports))
    result.runs = run_notebooks(
        plan, reports, valid, jobs=jobs, engine=engine, scheduler=scheduler, progress=progress
    )

    result.review, result.review_error = _review_pages(processed, reports / "review")
    result.appendix = reports / config.APPENDIX_PATH.name
    result.appendix_error = _current_appendix(processed, result.appendix, reports)
    result.index = reports / "index.html"
    generated = datetime.now().astimezone().isoformat(timespec="seconds")
    log = tables.get("corrections_log")
    write_text(render_index(result, reports, generated, documents, flags, log), result.index)
    result.extract_summary = extract_summary(tables)
    return result


def extract_summary(tables: dict[str, Any]) -> str:
    """The extract's closing line, rebuilt from the tables (also when nothing was re-extracted)."""
    from analysis.pipeline import format_summary, summarize

    metrics, documents = tables["metrics"], tables["documents"]
    run_log = tables.get("run_log")
    if run_log is None:
        import pandas as pd

        run_log = pd.DataFrame({"status": ["ok"] * len(documents)})
    mapped = int((metrics["metric_id"].astype(str) != "").sum())
    return format_summary(summarize(run_log, len(documents), len(metrics), mapped))


# --------------------------------------------------------------------------- one notebook by hand
# `analysis run NOTEBOOK -p NAME VALUE … [--out DIR]`: the supported way to run one
# notebook with other parameters. Everything is checked before a kernel starts, and the
# results go to a folder of their own, so a custom run never overwrites the batch's files.


class RunError(ValueError):
    """A notebook or parameter that cannot be run; the message lists the valid choices."""


def parameters_digest(notebook: str, parameters: dict[str, Any]) -> str:
    """Short digest naming a run's folder (same notebook and parameters → same folder)."""
    text = json.dumps([notebook, parameters], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def prepare_run(
    notebook: str,
    pairs: list[tuple[str, str]],
    processed_dir: str | os.PathLike[str] | None = None,
    out_dir: str | os.PathLike[str] | None = None,
) -> NotebookJob:
    """The job for one notebook run, validated against its parameters cell and the corpus.

    Raises RunError (unknown notebook, repeated or unknown parameter, bad value) or
    FileNotFoundError (no tables yet), each saying what would be valid.
    """
    from analysis import compare

    available = sorted(p.stem for p in config.NOTEBOOKS_DIR.glob("*.py"))
    if not params.notebook_path(notebook).is_file():
        raise RunError(f"unknown notebook {notebook!r}. Notebooks: {', '.join(available)}")
    declared = params.declared_parameters(notebook)
    given: dict[str, Any] = {}
    for name, value in pairs:
        if name in PATH_PARAMS:
            raise RunError(
                f"{notebook}: {name} is set by the command (--processed, --out), not with -p"
            )
        if name in given:
            raise RunError(f"{notebook}: parameter {name!r} given twice")
        given[name] = value
    processed = Path(processed_dir) if processed_dir else config.PROCESSED_DIR
    processed = processed if processed.is_absolute() else Path.cwd() / processed
    valid_names = [n for n in declared if n not in PATH_PARAMS]
    unknown = [n for n in given if n not in declared]
    if unknown:  # before reading any table: a typo needs no corpus to be reported
        import difflib

        hints = []
        for name in unknown:
            close = difflib.get_close_matches(name, valid_names, n=1)
            hints.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        raise RunError(
            f"{notebook}: unknown parameter {', '.join(hints)}. "
            f"Valid parameters: {', '.join(valid_names)}"
        )
    if not (processed / "metrics.csv").is_file() and not (processed / "metrics.parquet").is_file():
        raise FileNotFoundError(
            f"no tables in {processed}: run `analysis extract` (or `make report`) first, "
            "or give --processed"
        )
    tables = compare.load_tables(processed, names=("documents", "metrics"),
                                 columns={"metrics": compare.FLAG_COLUMNS})
    valid = compare.valid_values(tables["metrics"], tables["documents"])
    try:
        checked = params.validate_params(notebook, given, valid)
    except params.ParameterError as exc:
        raise RunError(str(exc)) from exc
    stem = output_stem(notebook, checked)
    out = (
        Path(out_dir)
        if out_dir
        else config.REPORTS_DIR / "runs" / f"{notebook}-{parameters_digest(notebook, checked)}"
    )
    out = out.resolve()
    checked = {**checked, "processed_dir": str(processed.resolve()),
               "figures_dir": str(out / "figures")}  # fmt: skip
    return NotebookJob(
        notebook, checked, out / "notebooks" / f"{stem}.ipynb", out / "html" / f"{stem}.html"
    )
