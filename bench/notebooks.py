"""Notebooks at national scale: notebooks per minute over large tables, and the overview.

    python bench/synth_tables.py /tmp/t100k            # tables of 100,000 reports (once)
    python bench/notebooks.py /tmp/t100k [--notebooks 40] [--jobs 2]

Times, on one processed folder: the batch's set-up (the tables it reads, the corpus
flags of the whole corpus, the plan), the first N planned region notebooks (yoy) through
``batch.run_notebooks`` with one worker and with ``--jobs`` (warm kernels, HTML pages
included), and the overview notebook alone (a fresh kernel, start-up included). Wall and
CPU seconds (this process and its kernels), the machine's cores and load before and
after each part: the machine is shared, so wall time also counts other programs.
``bench/run.py`` calls :func:`stage` on the tables its end-to-end run wrote.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the notebooks' kernels)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def stage(processed: Path, jobs: int = 2, limit: int = 40, overview: bool = True,
          quick_flags: bool = False) -> dict:
    """The figures above as a dict (``bench/run.py``'s ``notebooks`` stage).

    ``quick_flags``: the corpus flags are judged on the timed regions' rows only and the
    plan is the first regions by name (for a quick look; the flags of the whole corpus
    are timed otherwise, as the batch computes them).
    """
    from analysis import batch, compare, tables

    out: dict[str, Any] = {"status": "ok", "cores": os.cpu_count(), "load_before": _load()}
    reports = Path(tempfile.mkdtemp(prefix="kejiju-bench-nb-"))
    try:
        start, cpu = time.perf_counter(), _cpu()
        folders = batch.notebook_folders(processed, reports)
        if quick_flags:
            regions = [str(r) for r in tables.distinct_values(
                batch.safeio.current_dir(processed), "documents", "region") if r]
            chosen = regions[:limit]
            part = compare.load_tables(processed, regions=chosen, names=("documents", "metrics"),
                                       columns={"metrics": compare.FLAG_COLUMNS})
            flags = batch.write_flags(compare.corpus_flags(part["metrics"], part["documents"]),
                                      reports)
            valid = {"regions": regions}
            plan = batch.with_folders([("overview", {})] + [("yoy", {"region": r})
                                                             for r in chosen], folders, flags)
            out["flags"] = f"judged on the {len(chosen)} timed regions only"
        else:
            loaded = batch.batch_tables(processed)
            metrics, documents = loaded["metrics"], loaded["documents"]
            out["metric_rows"], out["documents"] = len(metrics), len(documents)
            out["read"] = {"seconds": round(time.perf_counter() - start, 1),
                           "cpu_seconds": round(_cpu() - cpu, 1)}
            valid = compare.valid_values(metrics, documents)
            f_start, f_cpu = time.perf_counter(), _cpu()
            flags_frame = compare.corpus_flags(metrics, documents)
            out["corpus_flags"] = {"seconds": round(time.perf_counter() - f_start, 1),
                                   "cpu_seconds": round(_cpu() - f_cpu, 1),
                                   "flags": len(flags_frame), "load_after": _load()}
            flags = batch.write_flags(flags_frame, reports)
            plan = batch.with_folders(batch.plan_runs(metrics, documents, valid), folders, flags)
            del loaded, metrics, documents, flags_frame
        out["setup_seconds"] = round(time.perf_counter() - start, 1)
        out["setup_cpu_seconds"] = round(_cpu() - cpu, 1)
        out["planned"] = len(plan)
        regional = [run for run in plan if run[0] == "yoy"][:limit]
        for label, n_jobs in (("jobs_1", 1), ("jobs_all", jobs)):
            start, cpu = time.perf_counter(), _cpu()
            runs = batch.run_notebooks(regional, reports / label, valid, jobs=n_jobs,
                                       progress=False, force=True)
            seconds = time.perf_counter() - start
            failed = [r for r in runs if not r.ok]
            out[label] = {"jobs": n_jobs, "notebooks": len(runs), "failed": len(failed),
                          "seconds": round(seconds, 1), "cpu_seconds": round(_cpu() - cpu, 1),
                          "notebooks_per_min": round(len(runs) / seconds * 60, 1),
                          "load_after": _load()}
            if failed:
                out[label]["error"] = failed[0].error[-400:]
        if overview:
            nb = reports / "overview"
            job = batch.NotebookJob("overview", plan[0][1], nb / "overview.ipynb",
                                    nb / "overview.html")
            start, cpu = time.perf_counter(), _cpu()
            run = batch.execute_notebook(job)
            out["overview"] = {"ok": run.ok, "seconds": round(time.perf_counter() - start, 1),
                               "cpu_seconds": round(_cpu() - cpu, 1),
                               "load_after": _load(), **({} if run.ok else
                                                         {"error": run.error[-400:]})}
    finally:
        shutil.rmtree(reports, ignore_errors=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("processed", type=Path)
    parser.add_argument("--notebooks", type=int, default=40, help="region notebooks to time")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-overview", action="store_true")
    parser.add_argument("--quick-flags", action="store_true",
                        help="judge the corpus flags on the timed regions only (see stage)")
    parser.add_argument("--save", action="store_true",
                        help="write bench/results/notebooks-<UTC stamp>.json and notebooks-latest.json")
    args = parser.parse_args(argv)
    result = stage(args.processed, args.jobs, args.notebooks, not args.no_overview,
                   args.quick_flags)
    result["arguments"] = {"processed": str(args.processed), "notebooks": args.notebooks,
                           "jobs": args.jobs, "quick_flags": args.quick_flags}
    text = json.dumps(result, ensure_ascii=False, indent=1)
    print(text)
    if args.save:
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        for name in (f"notebooks-{stamp}.json", "notebooks-latest.json"):
            (ROOT / "bench" / "results" / name).write_text(text + "\n", encoding="utf-8")
    for label in ("jobs_1", "jobs_all"):
        if label in result:
            r = result[label]
            met = r["notebooks_per_min"] >= 30
            print(f"{r['notebooks']} region notebooks, {r['jobs']} worker(s): "
                  f"{r['notebooks_per_min']} per minute (goal ≥ 30 on 2 cores: "
                  f"{'met' if met else 'not met'}), load {r['load_after']}")
    if "overview" in result:
        o = result["overview"]
        print(f"overview: {o['seconds']} s (goal < 60 s: "
              f"{'met' if o['ok'] and o['seconds'] < 60 else 'not met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
