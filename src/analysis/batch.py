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
import html
import json
import os
import re
import tempfile
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from analysis import config, params
from analysis.safeio import atomic_path, write_text

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
        lines = [
            f"notebooks: {self.n_ok} ok, {self.n_failed} failed"
            + (" (tables re-extracted: " + self.stale_reason + ")" if self.extracted else "")
        ]
        lines += [f"FAILED {r.label}:\n{r.error}" for r in self.failures]
        if self.appendix_error:
            lines.append(f"appendix failed: {self.appendix_error}")
        if self.review_error:
            lines.append(f"review pages failed: {self.review_error}")
        return "\n".join(lines)


PATH_PARAMS = ("processed_dir", "figures_dir")


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
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


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


def plan_runs(metrics: Any, documents: Any) -> list[tuple[str, dict[str, Any]]]:
    """(notebook, parameters) for the corpus: overview, yoy per region, cross_city per shared
    year, themes — without the folder parameters, which the caller adds."""
    from analysis import compare

    valid = compare.valid_values(metrics, documents)
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


def _write_html(nb: Any, dest: Path) -> None:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(exclude_input=False)
    body, _ = exporter.from_notebook_node(nb)
    write_text(body, dest)


def execute_notebook(job: NotebookJob) -> NotebookRun:
    """Run one notebook with papermill; never raises (the error is kept in the result).

    The executed notebook (with the failing cell marked, on error) and its HTML
    rendering are written atomically to ``job.output`` and ``job.html``.
    """
    import nbformat
    import papermill

    run = NotebookRun(job.notebook, job.parameters, job.output, job.html)
    try:
        nb = params.read_notebook(job.notebook)
        executed = None
        with (
            tempfile.TemporaryDirectory(prefix="analysis-nb-") as cwd,
            atomic_path(job.output) as tmp,
        ):
            try:
                papermill.execute_notebook(
                    nb,
                    str(tmp),
                    parameters=job.parameters,
                    kernel_name=KERNEL_NAME,
                    language="python",
                    cwd=cwd,
                    progress_bar=False,
                    log_output=False,
                )
                run.ok = True
            except Exception as exc:  # the partly executed notebook is still written
                run.error = error_tail(exc)
                if not tmp.exists():
                    raise
            executed = nbformat.read(tmp, as_version=4)
        _write_html(executed, job.html)
    except Exception as exc:
        run.ok = False
        run.error = run.error or error_tail(exc)
    return run


def _map(
    jobs_list: list[NotebookJob],
    jobs: int | None,
    engine: str,
    scheduler: str | None,
    progress: bool,
) -> Iterable[NotebookRun]:
    """Results in plan order: one after another with one job, else on the engine."""
    from analysis.engine import iter_ordered

    if jobs == 1:
        return map(execute_notebook, jobs_list)
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
) -> list[NotebookRun]:
    """Validate every planned run's parameters, then execute the valid ones in parallel."""
    from tqdm.auto import tqdm

    nb_dir, html_dir = reports_dir / "notebooks", reports_dir / "html"
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
        todo.append((len(runs), NotebookJob(notebook, checked, out, page)))
        runs.append(None)
    with tqdm(total=len(todo), desc="notebooks", unit="nb", disable=not progress) as bar:
        for (slot, job), result in zip(
            todo, _map([j for _, j in todo], jobs, engine, scheduler, progress), strict=True
        ):
            runs[slot] = result
            bar.set_postfix_str(job.output.stem, refresh=False)
            bar.update(1)
    return [r for r in runs if r is not None]


# --------------------------------------------------------------------------- index


def _href(path: Path, base: Path) -> str:
    return quote(os.path.relpath(path, base).replace(os.sep, "/"))


def render_index(result: ReportResult, reports_dir: Path, generated: str) -> str:
    """reports/index.html: every notebook with its parameters, status and links; all text escaped."""
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
        status = "ok" if run.ok else f"<b>失败 failed</b><pre>{esc(run.error)}</pre>"
        rows.append(
            f"<tr><td>{esc(run.notebook)}</td><td>{esc(params_text)}</td>"
            f"<td>{' · '.join(links) or '—'}</td><td>{status}</td></tr>"
        )
    appendix = ""
    if result.appendix is not None and result.appendix.exists():
        appendix = f'<p>Excel 附表 appendix: <a href="{esc(_href(result.appendix, reports_dir))}">{esc(result.appendix.name)}</a></p>'
    elif result.appendix_error:
        appendix = (
            f"<p>Excel 附表生成失败 appendix failed: <pre>{esc(result.appendix_error)}</pre></p>"
        )
    review = ""
    if result.review is not None and result.review.exists():
        review = (f'<p>审核页面 review pages (每个数字在原文中高亮): '
                  f'<a href="{esc(_href(result.review, reports_dir))}">{esc(result.review.parent.name)}/</a></p>')
    elif result.review_error:
        review = f"<p>审核页面生成失败 review pages failed: <pre>{esc(result.review_error)}</pre></p>"
    figures = reports_dir / "figures"
    figure_link = (
        f'<p>图表 figures: <a href="{esc(_href(figures, reports_dir))}/">{esc(figures.name)}/</a></p>'
        if figures.is_dir()
        else ""
    )
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        "<title>科技局工作报告分析 Reports</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top}pre{white-space:pre-wrap;margin:0}</style>"
        "</head><body>\n<h1>科技局工作报告分析 Reports</h1>\n"
        f"<p>生成时间 generated: {esc(generated)} · {result.n_ok} ok, {result.n_failed} failed</p>\n"
        f"{appendix}{review}{figure_link}\n"
        "<table><tr><th>笔记本 notebook</th><th>参数 parameters</th><th>链接 links</th><th>状态 status</th></tr>\n"
        + "\n".join(rows)
        + "\n</table>\n</body></html>\n"
    )


# --------------------------------------------------------------------------- entry point


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

    tables = compare.load_tables(processed)
    metrics, documents = tables["metrics"], tables["documents"]
    valid = compare.valid_values(metrics, documents)
    folders = {
        "processed_dir": str(processed.resolve()),
        "figures_dir": str((reports / "figures").resolve()),
    }
    plan = [(nb, {**folders, **p}) for nb, p in plan_runs(metrics, documents)]
    result.runs = run_notebooks(
        plan, reports, valid, jobs=jobs, engine=engine, scheduler=scheduler, progress=progress
    )

    result.review, result.review_error = _review_pages(processed, reports / "review")
    result.appendix = reports / config.APPENDIX_PATH.name
    result.appendix_error = _appendix(processed, result.appendix)
    result.index = reports / "index.html"
    generated = datetime.now().astimezone().isoformat(timespec="seconds")
    write_text(render_index(result, reports, generated), result.index)
    return result
