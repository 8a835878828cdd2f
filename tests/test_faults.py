"""Faults (issue 12): a worker that dies or hangs, two runs on one folder, a kill at every
rename of the commit, read-only and full output folders.

Why: no single input, crash or second run may cost the other files or the previous
outputs; each fault ends in plain words and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from analysis import engine, pipeline, safeio
from analysis.config import ROOT

SAMPLES = sorted((ROOT / "data" / "raw").glob("*.txt"))
CLI = [sys.executable, "-c", "import sys; from analysis.cli import main; sys.exit(main())"]
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}


def die_on_three(x: int) -> int:
    if x == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return x * 10


def hang_on_two(x: int) -> int:
    if x == 2:
        time.sleep(60)
    return x * 10


def _lost(item: int, reason: str) -> str:
    return f"lost {item}: {reason}"


def test_a_killed_worker_loses_its_item_only() -> None:
    out = list(engine.iter_ordered(die_on_three, range(8), jobs=2, chunksize=3,
                                   progress=False, on_lost=_lost))
    assert out[:3] == [0, 10, 20] and out[4:] == [40, 50, 60, 70]
    # the broken pool reports the worker's end as SIGKILL, or (when the executor has
    # already reaped it) as its exit code: either way that item alone is lost, in words
    assert out[3].startswith(("lost 3: its worker process was killed by SIGKILL",
                              "lost 3: its worker process exited with code"))


def test_a_hung_item_times_out_and_the_others_finish() -> None:
    out = list(engine.iter_ordered(hang_on_two, range(5), jobs=2, chunksize=1,
                                   progress=False, on_lost=_lost, timeout=8))
    assert out[:2] == [0, 10] and out[3:] == [30, 40]
    assert out[2].startswith("lost 2: took longer than the per-file limit of 8 s")


def test_without_on_lost_a_dead_worker_still_raises() -> None:
    from concurrent.futures.process import BrokenProcessPool

    with pytest.raises(BrokenProcessPool):
        list(engine.iter_ordered(die_on_three, range(5), jobs=2, progress=False))


@pytest.mark.slow
def test_dask_a_killed_worker_loses_its_item_only() -> None:
    pytest.importorskip("dask.distributed")
    import dask

    # dask retries a task whose worker died (3 times by default, each on a restarted
    # worker); one death is enough to see the chunk split and the item alone lost.
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        out = list(engine.iter_ordered(die_on_three, range(6), engine="dask", jobs=2,
                                       chunksize=2, progress=False, on_lost=_lost))
    assert out[:3] == [0, 10, 20] and out[4:] == [40, 50]
    assert out[3].startswith("lost 3: the workers that ran it died")


def test_dask_results_cross_as_plain_data(tmp_path) -> None:
    """What a dask worker sends back is msgpack bytes that decode to the same result."""
    raw = tmp_path / "raw"
    _corpus(raw, 1)
    path = next(raw.iterdir())
    task = pipeline.Task(str(path), str(raw), path.stem)
    blob = pipeline.process_plain(task)
    assert isinstance(blob, bytes) and b"\x80\x04" not in blob[:2]
    direct = pipeline.process_file(task)
    assert pipeline._from_worker(blob) == direct
    with pytest.raises(ValueError):
        pipeline.result_from_plain({"status": "ok"})


_real_process_file = pipeline.process_file


def killing_process_file(task: pipeline.Task) -> pipeline.DocResult:
    if Path(task.path).name == "kill_me.txt":
        os.kill(os.getpid(), signal.SIGKILL)
    return _real_process_file(task)


def _corpus(raw: Path, n: int = 2) -> list[str]:
    raw.mkdir(parents=True, exist_ok=True)
    names = []
    for src in SAMPLES[:n]:
        shutil.copy(src, raw / src.name)
        names.append(src.name)
    return names


@pytest.mark.slow
def test_a_worker_killed_on_one_file_costs_that_file_only(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(engine.START_METHOD_ENV, "fork")  # the workers see the patched function
    monkeypatch.setattr(pipeline, "process_file", killing_process_file)
    raw = tmp_path / "raw"
    good = _corpus(raw, 3)
    shutil.copy(SAMPLES[3], raw / "kill_me.txt")
    tables = pipeline.extract_corpus(raw, tmp_path / "out", jobs=2, progress=False,
                                     use_cache=False)
    log = tables.run_log.set_index("source_file")
    assert set(log.index) == set(good) | {"kill_me.txt"}
    assert (log.loc[good, "status"] == "ok").all()
    assert log.loc["kill_me.txt", "status"] == "failed"
    assert "killed by SIGKILL" in log.loc["kill_me.txt", "reason"]


# ------------------------------------------------------------------ one run per folder


def _hold_lock(out: Path) -> subprocess.Popen:
    """A process that holds the folder's lock (as a run does) and stages a file."""
    code = ("import sys, time; from pathlib import Path; from analysis import safeio\n"
            "with safeio.output_lock(sys.argv[1]):\n"
            "    g = safeio.new_generation(Path(sys.argv[1])); (g / 'staged').write_text('x')\n"
            "    print(g, flush=True); time.sleep(120)\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(out)], env=ENV,
                            stdout=subprocess.PIPE, text=True)
    proc.staged = Path(proc.stdout.readline().strip()) / "staged"  # type: ignore[attr-defined]
    return proc


@pytest.mark.slow
def test_a_second_run_stops_in_words_and_leaves_the_first_runs_files(tmp_path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    _corpus(raw)
    holder = _hold_lock(out)
    try:
        done = subprocess.run([*CLI, "extract", str(raw), "--out", str(out), "--no-progress"],
                              env=ENV, capture_output=True, text=True, timeout=300)
        assert done.returncode == 3
        assert "Traceback" not in done.stderr
        assert f"is being written by another run (pid {holder.pid} on" in done.stderr
        assert holder.staged.read_text() == "x"  # type: ignore[attr-defined]
    finally:
        holder.kill()
        holder.wait()
    # the holder died without letting go: its lock is stale and simply taken over
    tables = pipeline.extract_corpus(raw, out, jobs=1, progress=False)
    assert set(tables.run_log["status"]) == {"ok"}
    assert not holder.staged.exists()  # type: ignore[attr-defined]  # a dead run's staging


@pytest.mark.slow
def test_two_concurrent_runs_never_mix_or_destroy_each_other(tmp_path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    names = _corpus(raw, 3)
    cmd = [*CLI, "extract", str(raw), "--out", str(out), "--no-progress", "--jobs", "1"]
    procs = [subprocess.Popen(cmd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    for code, err in results:
        assert "Traceback" not in err
        assert code == 0 or (code == 3 and "being written by another run" in err)
    assert any(code == 0 for code, _ in results)
    current = safeio.current_dir(out)
    log = pd.read_csv(current / "run_log.csv", encoding="utf-8-sig")
    assert sorted(log["source_file"]) == sorted(names)
    assert sorted(p.stem for p in (current / "text").iterdir()) == sorted(log["doc_id"])


# ------------------------------------------------------------------ all-or-nothing commit

# One interpreter imports and warms the pipeline once (a run on a scratch copy) and forks
# a run per line of input, killed at its n-th rename: each run is still a process of its
# own that dies mid-commit, without paying the imports again for each of the thirty-odd
# renames.
KILL_AT_RENAME = """
import os, shutil, signal, sys, traceback
from analysis import pipeline
scratch = sys.argv[3]
shutil.copytree(sys.argv[1], os.path.join(scratch, "raw"))
pipeline.extract_corpus(os.path.join(scratch, "raw"), os.path.join(scratch, "out"), jobs=1,
                        progress=False, use_cache=False)
for line in sys.stdin:
    n, calls = int(line), [0]
    pid = os.fork()
    if pid == 0:
        try:
            real_replace, real_rename = os.replace, os.rename
            def counting(real):
                def wrapper(*a, **k):
                    calls[0] += 1
                    if calls[0] == n:
                        os.kill(os.getpid(), signal.SIGKILL)
                    return real(*a, **k)
                return wrapper
            os.replace, os.rename = counting(real_replace), counting(real_rename)
            pipeline.extract_corpus(sys.argv[1], sys.argv[2], jobs=1, progress=False,
                                    use_cache=False)
            print("FINISHED", calls[0], flush=True)
        except BaseException:
            traceback.print_exc()
            sys.stderr.flush()
            os._exit(1)
        os._exit(0)
    print("EXIT", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), flush=True)
"""


def _state(out: Path) -> tuple[list[str], list[str], list[str], list[str]]:
    """(run-log files, document ids, text files, the same ids read through the fixed
    links): one generation's view, which must agree with itself."""
    current = safeio.current_dir(out)
    log = pd.read_csv(current / "run_log.csv", encoding="utf-8-sig")
    docs = pd.read_parquet(current / "documents.parquet")
    linked = pd.read_csv(out / "documents.csv", encoding="utf-8-sig")
    return (sorted(log["source_file"]), sorted(docs["doc_id"]),
            sorted(p.stem for p in (current / "text").iterdir()), sorted(linked["doc_id"]))


@pytest.mark.slow
def test_a_kill_at_any_rename_leaves_the_old_set_or_the_new_one(tmp_path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    _corpus(raw, 2)
    pipeline.extract_corpus(raw, out, jobs=1, progress=False, use_cache=False)
    old = _state(out)
    shutil.copy(SAMPLES[2], raw / SAMPLES[2].name)
    n, finished = 1, False
    errors = tmp_path / "stderr.txt"
    with open(errors, "w") as err:
        runs = subprocess.Popen([sys.executable, "-c", KILL_AT_RENAME, str(raw), str(out),
                                 str(tmp_path / "warm-up")],
                                env=ENV, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=err, text=True)
    watchdog = threading.Timer(600, runs.kill)
    watchdog.start()
    try:
        while not finished:
            runs.stdin.write(f"{n}\n")
            runs.stdin.flush()
            lines = [runs.stdout.readline()]
            while lines[-1] and not lines[-1].startswith("EXIT"):
                lines.append(runs.stdout.readline())
            finished = any(line.startswith("FINISHED") for line in lines)
            returncode = int(lines[-1].split()[1]) if lines[-1] else None
            assert finished or returncode == -signal.SIGKILL, errors.read_text()
            state = _state(out)
            assert state[0] == [Path(s).name for s in state[0]]
            assert state[1] == state[2] == state[3], (n, state)
            assert state[1] in (old[1], sorted(old[1] + [SAMPLES[2].stem])), (n, state)
            n += 1
    finally:
        watchdog.cancel()
        runs.stdin.close()
        runs.wait(timeout=60)
    assert _state(out)[1] == sorted(old[1] + [SAMPLES[2].stem])
    assert n > 2  # the kill did hit renames before the run could finish


# ------------------------------------------------------------------ faults in words


def _mount_tmpfs(where: Path, size: str) -> None:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("needs root to mount a small tmpfs")
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True)
    if done.returncode:
        pytest.skip("cannot mount a tmpfs here")


@pytest.fixture
def small_disk(tmp_path):
    where = tmp_path / "disk"
    _mount_tmpfs(where, "1m")
    yield where
    subprocess.run(["umount", "-l", str(where)], check=False)


def _extract(raw: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, "extract", str(raw), "--out", str(out), "--no-progress",
                           "--jobs", "1", "--no-cache"],
                          env=ENV, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_a_full_disk_is_one_line_and_the_old_outputs_stay(tmp_path, small_disk) -> None:
    raw, out = tmp_path / "raw", small_disk / "out"
    _corpus(raw, 1)
    assert _extract(raw, out).returncode == 0
    before = (out / "documents.csv").read_bytes()
    big = raw / "big.txt"
    big.write_text(SAMPLES[1].read_text(encoding="utf-8") * 40, encoding="utf-8")
    done = _extract(raw, out)
    assert done.returncode == 4, done.stderr
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("analysis extract:")]
    assert len(lines) == 1 and "no space left" in lines[0].lower() and str(out) in lines[0]
    assert (out / "documents.csv").read_bytes() == before
    assert len(list((out / ".generations").iterdir())) == 1  # the failed one removed


@pytest.mark.slow
def test_a_read_only_output_folder_is_one_line(tmp_path, small_disk) -> None:
    raw, out = tmp_path / "raw", small_disk / "out"
    _corpus(raw, 1)
    assert _extract(raw, out).returncode == 0
    before = (out / "documents.csv").read_bytes()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    done = _extract(raw, out)
    assert done.returncode == 4, done.stderr
    assert "Traceback" not in done.stderr
    (line,) = [x for x in done.stderr.splitlines() if x.startswith("analysis extract:")]
    assert "read-only" in line.lower() and str(out) in line
    assert (out / "documents.csv").read_bytes() == before


def test_a_folder_without_permission_is_one_line(tmp_path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root may write anywhere")
    raw, out = tmp_path / "raw", tmp_path / "out"
    _corpus(raw, 1)
    out.mkdir()
    out.chmod(0o500)
    try:
        done = _extract(raw, out)
    finally:
        out.chmod(0o700)
    assert done.returncode == 4 and "Traceback" not in done.stderr
    assert "permission" in done.stderr.lower()


def test_a_folder_written_before_generations_is_taken_over(tmp_path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    names = _corpus(raw, 1)
    out.mkdir()
    (out / "documents.csv").write_text("old", encoding="utf-8")
    (out / "text").mkdir()
    (out / "text" / "old.txt").write_text("old", encoding="utf-8")
    (out / ".report_stamp.json").write_text("{}", encoding="utf-8")  # not ours: stays
    pipeline.extract_corpus(raw, out, jobs=1, progress=False, use_cache=False)
    assert (out / "documents.csv").is_symlink() and (out / "text").is_symlink()
    assert sorted(p.name for p in (out / "text").iterdir()) == [Path(names[0]).stem + ".txt"]
    assert (out / ".report_stamp.json").read_text(encoding="utf-8") == "{}"
    assert [p.name for p in out.iterdir() if p.name.startswith(".text")] == []


def test_the_lock_names_its_holder_and_a_waiting_run_gives_up_in_words(tmp_path) -> None:
    with safeio.output_lock(tmp_path) as lock:
        info = lock.read_text(encoding="utf-8")
        assert f'"pid": {os.getpid()}' in info
        with pytest.raises(safeio.OutputBusy, match=f"pid {os.getpid()} on"):
            with safeio.output_lock(tmp_path, wait=0.3):
                pass
    with safeio.output_lock(tmp_path):  # released: free again
        pass
