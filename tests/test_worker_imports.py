"""What a run loads: a worker imports neither pandas nor pyarrow, a run without a
corrections ledger neither pandera nor the ledger's module (a small one not pandas either);
batched writes stay whole."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import engine

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
HEAVY = {"pandas", "pyarrow", "pandera", "matplotlib"}


def _extract(raw: Path, out: Path, modules: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "ANALYSIS_WORKER_MODULES": str(modules)}
    return subprocess.run([sys.executable, "-m", "analysis.cli", "extract", str(raw), "--out",
                           str(out), "--no-progress", *extra], env=env, capture_output=True,
                          text=True, timeout=300)


def _sample(tmp_path: Path, n: int) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    for p in sorted(RAW.glob("*.txt"))[:n]:
        shutil.copy(p, raw / p.name)
    return raw


def test_pool_workers_import_neither_pandas_nor_pyarrow(tmp_path: Path) -> None:
    raw = _sample(tmp_path, 4)
    modules = tmp_path / "modules"
    modules.mkdir()
    done = _extract(raw, tmp_path / "out", modules, "--jobs", "2")
    assert done.returncode == 0, done.stderr
    seen = {p.stem: set(json.loads(p.read_text())) for p in modules.glob("*.json")}
    assert len(seen) == 2  # both workers, not this process
    for pid, names in seen.items():
        assert "analysis" in names
        assert not names & HEAVY, (pid, sorted(names & HEAVY))
    assert (tmp_path / "out" / "metrics.parquet").is_file()


def test_one_file_without_a_ledger_imports_neither_pandera_nor_the_corrections(
        tmp_path: Path) -> None:
    """Nor pandas (pyarrow imports it for an array made from a list), pyarrow.dataset,
    importlib.metadata or (for a UTF-8 report) charset-normalizer: each is a tenth of a
    second or more of a one-file run, the last 35 ms."""
    raw = _sample(tmp_path, 1)
    modules = tmp_path / "modules"
    modules.mkdir()
    done = _extract(raw, tmp_path / "out", modules)
    assert done.returncode == 0, done.stderr
    (names,) = [set(json.loads(p.read_text())) for p in modules.glob("*.json")]
    assert "pandera" not in names
    code = ("import sys, analysis.cli as c; c.main(sys.argv[1:]); "
            "print(sorted(m for m in sys.modules if m in "
            "('pandera', 'analysis.corrections', 'analysis.schema', 'pandas', "
            "'pyarrow.dataset', 'importlib.metadata', 'charset_normalizer')))")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    after = subprocess.run([sys.executable, "-c", code, "extract", str(raw), "--out",
                            str(tmp_path / "again"), "--no-progress"], env=env,
                           capture_output=True, text=True, timeout=300)
    assert after.returncode == 0, after.stderr
    assert after.stdout.strip().splitlines()[-1] == "['analysis.schema']"


_CALLS: list[int] = []


def _note() -> None:
    _CALLS.append(1)


def test_after_chunk_callbacks_run_after_each_chunk_of_an_in_process_run() -> None:
    engine.after_chunk(_note)
    engine.after_chunk(_note)  # registered once
    try:
        _CALLS.clear()
        out = list(engine.iter_ordered(abs, range(-40, 0), jobs=1, progress=False))
        assert out == [abs(i) for i in range(-40, 0)]
        n = len(_CALLS)
        assert n == 40 // engine.MAX_CHUNKSIZE + 1  # every MAX_CHUNKSIZE items, and the end
    finally:
        engine._AFTER_CHUNK.remove(_note)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_second_run_after_a_pool_run_finds_every_entry_the_workers_batched(
        tmp_path: Path) -> None:
    raw = _sample(tmp_path, 6)
    modules = tmp_path / "modules"
    modules.mkdir()
    assert _extract(raw, tmp_path / "out", modules, "--jobs", "2").returncode == 0
    done = _extract(raw, tmp_path / "out", modules, "--jobs", "2")
    assert done.returncode == 0, done.stderr
    import csv

    with open(tmp_path / "out" / "run_log.csv", encoding="utf-8-sig") as fh:
        rows = [r for r in csv.DictReader(fh) if r["status"] == "ok"]
    assert rows and all(r["cached"] == "1" for r in rows)
