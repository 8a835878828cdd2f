"""Command line: ``analysis extract | excel | review | report | run``."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from . import config


def _add_engine_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--jobs", type=int, default=None,
                   help="worker processes (default: every core of this machine)")
    p.add_argument("--engine", choices=["process", "dask"], default="process",
                   help="process pool on this machine, or a dask.distributed cluster")
    p.add_argument("--scheduler", default=None,
                   help="dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: a local cluster)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="analysis", description=__doc__)
    sub = ap.add_subparsers(dest="command", required=True)

    ex = sub.add_parser("extract", help="reports in RAW_DIR → tables in --out")
    ex.add_argument("raw_dir", nargs="?", type=Path, default=config.RAW_DIR)
    ex.add_argument("--out", type=Path, default=config.PROCESSED_DIR)
    ex.add_argument("--strict", action="store_true",
                    help="exit non-zero when any file was skipped or failed")
    ex.add_argument("--no-cache", action="store_true", help="re-extract every file")
    ex.add_argument("--corrections", type=Path, default=None, metavar="FILE",
                    help="corrections ledger to apply (default: corrections.csv beside RAW_DIR, "
                         "i.e. data/corrections.csv, when it exists)")
    ex.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                    help="when another run writes to --out, wait this long for it (default: stop)")
    _add_engine_args(ex)

    xl = sub.add_parser("excel", help="the Excel appendix from the tables")
    xl.add_argument("--processed", type=Path, default=config.PROCESSED_DIR)
    xl.add_argument("--out", type=Path, default=config.APPENDIX_PATH)

    rv = sub.add_parser("review", help="review pages: every figure highlighted in its report")
    rv.add_argument("--processed", type=Path, default=config.PROCESSED_DIR)
    rv.add_argument("--out", type=Path, default=config.REPORTS_DIR / "review")
    rv.add_argument("--raw", type=Path, default=config.RAW_DIR,
                    help="raw folder: its manifest.csv takes document fixes")
    rv.add_argument("--corrections", type=Path, default=None, metavar="FILE",
                    help="ledger the server writes (default: corrections.csv beside --raw)")
    rv.add_argument("--serve", action="store_true",
                    help="serve the pages on 127.0.0.1 and write each decision to the ledger")
    rv.add_argument("--port", type=int, default=8765, help="port for --serve (default 8765)")

    rp = sub.add_parser("report", help="tables if stale, every notebook, HTML, Excel appendix")
    rp.add_argument("--raw", type=Path, default=config.RAW_DIR)
    rp.add_argument("--processed", type=Path, default=config.PROCESSED_DIR)
    rp.add_argument("--reports", type=Path, default=config.REPORTS_DIR)
    rp.add_argument("--refresh", action="store_true", help="re-extract even if the tables are fresh")
    _add_engine_args(rp)

    rn = sub.add_parser("run", help="one notebook with parameters, into a folder of its own")
    rn.add_argument("notebook", help="overview, yoy, cross_city or themes")
    rn.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                    metavar=("NAME", "VALUE"), help="a notebook parameter (repeatable); "
                    "lists as a,b,c")
    rn.add_argument("--processed", type=Path, default=config.PROCESSED_DIR)
    rn.add_argument("--out", type=Path, default=None,
                    help="output folder (default: reports/runs/<notebook>-<parameters digest>/)")
    return ap


def write_fault(out: Path, e: OSError) -> str:
    """One line for a failed write into ``out``: what happened and what to do."""
    import errno

    unchanged = "the previous outputs there are unchanged"
    if e.errno == errno.ENOSPC or e.errno == errno.EDQUOT:
        return (f"no space left on the device holding {out}: free some space or choose "
                f"another --out; {unchanged}")
    if e.errno == errno.EROFS:
        return f"{out} is on a read-only file system: choose another --out; {unchanged}"
    if e.errno in (errno.EACCES, errno.EPERM):
        return (f"no permission to write in {out} ({e.filename or out}): fix its permissions "
                f"or choose another --out; {unchanged}")
    return f"cannot write to {out} ({e.strerror or e}): choose another --out; {unchanged}"


def _stopped(command: str, e: Exception, out: Path) -> int:
    """Say why ``analysis COMMAND`` stopped and return its exit code: 3 when another run
    holds the output, 4 when writing into ``out`` failed, 2 for a missing input (the raw
    folder, a ledger named on the command line) or a ledger that cannot be read."""
    from .safeio import OutputBusy

    if isinstance(e, OutputBusy):
        code, why = 3, str(e)
    elif isinstance(e, OSError) and not isinstance(e, FileNotFoundError):
        code, why = 4, write_fault(out, e)
    else:
        code, why = 2, str(e)
    print(f"analysis {command}: {why}", file=sys.stderr)
    return code


def _ledger_error(e: Exception) -> bool:
    """True for the corrections ledger's error; only a run that read a ledger imported
    its module (and pandas), so one without asks for neither."""
    module = sys.modules.get(f"{__package__}.corrections")
    return module is not None and isinstance(e, module.LedgerError)


def _extract(a: argparse.Namespace) -> int:
    import gc

    if _OWN_PROCESS:
        from .engine import GC_THRESHOLDS

        # The workers' garbage collection (engine.tune_gc) here too, from before the
        # imports: Python's default collected the young objects of the imports and the
        # loaded data files every 700 allocations, about 0.1 s of a one-file run.
        gc.set_threshold(*GC_THRESHOLDS)
        # No OpenBLAS thread pool, here and in the workers (they inherit the environment):
        # extraction does no linear algebra, but numpy's import (text.script, tables) starts
        # a BLAS thread that spins for a while, about 0.07 s of CPU per process.
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from . import extract_corpus
    from .pipeline import format_summary
    from .safeio import OutputBusy

    if _OWN_PROCESS:
        gc.freeze()  # what the imports made stays: never walked again

    try:
        tables = extract_corpus(a.raw_dir, a.out, jobs=a.jobs, engine=a.engine,
                                scheduler=a.scheduler, progress=not a.no_progress,
                                use_cache=not a.no_cache, corrections=a.corrections,
                                lock_wait=a.wait)
    except (OutputBusy, OSError) as e:
        return _stopped("extract", e, a.out)
    except Exception as e:
        if _ledger_error(e):
            return _stopped("extract", e, a.out)
        raise
    summary = tables.summary
    print(format_summary(summary))
    bad = summary["problems"]  # (status, file, reason) of each failed or skipped file
    for status, source_file, reason in bad:
        print(f"  {status}: {source_file}: {reason}", file=sys.stderr)
    for problem in summary["manifest_problems"]:
        print(f"  manifest: {problem}", file=sys.stderr)
    if "corrections" in summary:
        log = tables.corrections_log
        for row in log[log["status"].isin(["stale", "invalid"])].itertuples():
            print(f"  corrections line {row.line}: {row.status}: {row.why}", file=sys.stderr)
    print(f"tables written to {a.out}")
    needs = summary.get("needs_manifest", [])
    if needs:
        print(f"{len(needs)} document(s) need a manifest row (region, level or year empty or "
              f"unsure): fill in {a.out}/needs_manifest.csv and save it as manifest.csv "
              "in the raw folder")
        for doc_id, missing in needs:
            print(f"  {doc_id}: {missing}")
    if summary["documents"] == 0:
        print("analysis extract: no usable report was found", file=sys.stderr)
        return 1
    if a.strict and len(bad):
        return 1
    return 0


def _excel(a: argparse.Namespace) -> int:
    from .excel import write_appendix

    try:
        path = write_appendix(a.processed, a.out)
    except FileNotFoundError as e:
        print(f"analysis excel: {e}", file=sys.stderr)
        return 2
    print(f"appendix written to {path}")
    return 0


def _review(a: argparse.Namespace) -> int:
    from datetime import datetime

    from .review import build_review

    generated = datetime.now().astimezone().isoformat(timespec="seconds")
    try:
        built = build_review(a.processed, a.out, generated=generated)
    except FileNotFoundError as e:
        print(f"analysis review: {e}; run `analysis extract` first", file=sys.stderr)
        return 2
    print(f"review pages for {len(built.pages)} documents written to {a.out}")
    if not a.serve:
        print(f"open {built.index} in a browser")
        return 0
    from .review.server import ReviewStore, make_server

    ledger = a.corrections or a.raw.parent / "corrections.csv"
    store = ReviewStore(a.processed, ledger, a.raw / "manifest.csv")
    try:
        server = make_server(a.out, store, a.port)
    except OSError as e:
        print(f"analysis review: cannot listen on 127.0.0.1:{a.port} ({e.strerror}); "
              "try another --port", file=sys.stderr)
        return 2
    port = server.server_address[1]
    print(f"serving on http://127.0.0.1:{port}/index.html — decisions go to {ledger}, "
          f"document fixes to {a.raw / 'manifest.csv'}; Ctrl-C stops", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def _report(a: argparse.Namespace) -> int:
    from .batch import run_report
    from .safeio import OutputBusy

    try:
        result = run_report(a.raw, a.processed, a.reports, jobs=a.jobs, engine=a.engine,
                            scheduler=a.scheduler, progress=not a.no_progress,
                            refresh=a.refresh)
    except (OutputBusy, OSError) as e:
        where = Path(e.filename) if getattr(e, "filename", None) else a.processed
        return _stopped("report", e, where)
    print(result.summary())
    return 0 if result.n_failed == 0 else 1


def _run(a: argparse.Namespace) -> int:
    from .batch import RunError, execute_notebook, prepare_run

    try:
        job = prepare_run(a.notebook, [tuple(p) for p in a.parameter], a.processed, a.out)
    except (RunError, FileNotFoundError) as e:
        print(f"analysis run: {e}", file=sys.stderr)
        return 2
    result = execute_notebook(job)
    if not result.ok:
        print(f"analysis run: {result.label} failed:\n{result.error}", file=sys.stderr)
        return 1
    print(f"{result.label}: ok\n  page:     {job.html}\n  notebook: {job.output}\n"
          f"  charts:   {job.parameters['figures_dir']}")
    return 0


# True when main() runs as the program (no argv given: the console script, ``python -m``),
# not called by another program (tests): only then does it tune the process's garbage
# collection.
_OWN_PROCESS = False


def main(argv: list[str] | None = None) -> int:
    global _OWN_PROCESS
    _OWN_PROCESS = argv is None
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    a = _parser().parse_args(argv)
    try:
        return {"extract": _extract, "excel": _excel, "review": _review,
                "report": _report, "run": _run}[a.command](a)
    except BrokenPipeError:  # output piped into `head`: the work is done, stop quietly
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
