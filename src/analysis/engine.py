"""Apply one function to many items on a process pool or a dask cluster, in input order.

Extraction and the notebook batch are embarrassingly parallel, but the tables they
feed must not depend on how many workers ran or which finished first: every
function here returns (or yields) results in the order of the input items, so
``--jobs 1``, ``--jobs N`` and ``--engine dask`` give identical tables.

Work is sent in chunks with a bounded number of chunks in flight, so a corpus of
100,000 documents never has more than a few hundred results in memory at once
(:func:`iter_ordered` streams them to the caller, e.g. to write tables in chunks).

Process pools use the ``forkserver`` start method where the platform has it:
``fork`` copies a parent that may already run threads (tqdm's monitor, BLAS pools,
dask's event loop), which can deadlock a child; ``forkserver`` forks from a clean,
single-threaded server that has pre-imported the function's module, so workers
start almost as fast as with ``fork`` and far faster than with ``spawn``.
Set ``ANALYSIS_MP_START`` (fork | forkserver | spawn) to override.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import pickle
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sized
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack
from itertools import islice
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

ENGINES = ("process", "dask")
PROGRESS_MIN_ITEMS = 20  # below this a progress bar is noise
MAX_CHUNKSIZE = 32  # keeps results of one chunk small and the load balanced
CHUNKS_PER_WORKER = 4  # for load balancing when items differ in cost
WINDOW_PER_WORKER = 2  # chunks in flight per worker: workers never idle, memory bounded
START_METHOD_ENV = "ANALYSIS_MP_START"
EXIT_CODE_POLLS, EXIT_CODE_POLL_S = 20, 0.05  # up to 1 s for a dead worker's exit code to show
GC_THRESHOLDS = (10_000, 50, 100)  # young collections ten times rarer than Python's 700


_AFTER_CHUNK: list[Callable[[], object]] = []


def after_chunk(callback: Callable[[], object]) -> None:
    """Have ``callback`` run in this process after each chunk of items (and after the
    last item of an in-process run): where a worker writes what it batched for the
    chunk (the extraction cache). Registered once, however often it is asked."""
    if callback not in _AFTER_CHUNK:
        _AFTER_CHUNK.append(callback)


def _chunk_done() -> None:
    for callback in _AFTER_CHUNK:
        callback()


def tune_gc() -> None:
    """Fewer, cheaper garbage collections for a process that extracts many documents.

    Why: extraction allocates many small objects, few of them in cycles, and Python's
    default thresholds collect the youngest generation every 700 allocations, walking
    what the imports and the loaded data files left too. Freezing those (``gc.freeze``)
    and collecting young objects less often cut about a tenth of a worker's CPU time;
    results are unchanged (collection only frees unreachable cycles).
    """
    import gc

    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def cpu_count() -> int:
    """Cores this process may run on (affinity-aware, so a taskset or container limit counts)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        pass
    try:
        import psutil

        return max(1, len(psutil.Process().cpu_affinity() or []) or psutil.cpu_count() or 1)
    except (ImportError, AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def resolve_jobs(jobs: int | None) -> int:
    """Number of workers: ``None`` or ``0`` means every core; negative is an error."""
    if jobs is None or jobs == 0:
        return cpu_count()
    if jobs < 0:
        raise ValueError(
            f"jobs must be a positive number of workers (or None for all cores), got {jobs}"
        )
    return int(jobs)


def start_method() -> str:
    """Multiprocessing start method for the process engine (see module docstring)."""
    available = multiprocessing.get_all_start_methods()
    wanted = os.environ.get(START_METHOD_ENV, "").strip()
    if wanted:
        if wanted not in available:
            raise ValueError(
                f"{START_METHOD_ENV}={wanted!r}: this platform offers {', '.join(available)}"
            )
        return wanted
    return "forkserver" if "forkserver" in available else "spawn"


def default_chunksize(n_items: int | None, jobs: int) -> int:
    """Items per task: enough to amortise pickling, small enough to balance the load."""
    if n_items is None:
        return 8
    return max(1, min(MAX_CHUNKSIZE, math.ceil(n_items / (jobs * CHUNKS_PER_WORKER))))


def _describe(item: Any, limit: int = 120) -> str:
    text = repr(item)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _fn_name(fn: Callable[..., Any]) -> str:
    return getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or repr(fn)


class TaskError(RuntimeError):
    """Stands in for a worker's exception that cannot travel back to the caller."""


def _portable(exc: Exception) -> Exception:
    """``exc`` if it survives pickling, else a :class:`TaskError` carrying its text and notes.

    An exception whose ``__init__`` cannot be re-run from its ``args`` would
    otherwise break the whole pool ("result has failed to un-pickle").
    """
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        stand_in = TaskError(f"{type(exc).__name__}: {exc}")
        for note in getattr(exc, "__notes__", []):
            stand_in.add_note(note)
        return stand_in


def _run_chunk(fn: Callable[[T], R], start: int, chunk: list[T], portable: bool = True,
               done: bool = True) -> list[R]:
    """Worker side: apply ``fn`` to a chunk, naming the failing item on error; then the
    :func:`after_chunk` callbacks (unless ``done`` is False: the caller runs them).

    The note survives pickling (it lives in the exception's ``__dict__``), so the
    caller sees the original exception type with the item named, whichever engine ran it.
    """
    try:
        return _apply(fn, start, chunk, portable)
    finally:
        if done:
            _chunk_done()


def _apply(fn: Callable[[T], R], start: int, chunk: list[T], portable: bool) -> list[R]:
    out: list[R] = []
    for offset, item in enumerate(chunk):
        try:
            out.append(fn(item))
        except Exception as exc:
            exc.add_note(f"{_fn_name(fn)} failed on item {start + offset}: {_describe(item)}")
            if not portable:
                raise
            sent = _portable(exc)
            if sent is exc:
                raise
            raise sent from None
    return out


def _chunks(items: Iterable[T], size: int) -> Iterator[tuple[int, list[T]]]:
    rest = iter(items)
    start = 0
    while chunk := list(islice(rest, size)):
        yield start, chunk
        start += len(chunk)


class _NoBar:
    """What a hidden progress bar does: nothing (and tqdm is not imported for it)."""

    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def _progress_bar(total: int | None, desc: str, progress: bool) -> Any:
    show = progress and (total is None or total >= PROGRESS_MIN_ITEMS)
    if not show:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(
        total=total, desc=desc or None, disable=not show, file=sys.stderr, dynamic_ncols=True
    )


def _preload(fn: Callable[..., Any]) -> list[str]:
    """Modules the forkserver imports before it forks the workers: what the main script
    imports, with its sys.path set-up ("__main__", the default), and the modules the
    function's own module names in ``SERVER_PRELOAD`` (extraction: a warm-up that loads
    its data once, inherited by every worker). Any other module a worker imports when
    its first task names it.

    Why not every function's module: a module that imports pandas, pyarrow or pandera
    (130 MB) would be held for the whole run in a process that does no work, on top of
    the workers' own copies. Extraction's worker modules import none of them (about
    80 MB with their data loaded), and loading them once in the server instead of once
    per worker saves about half a second of CPU per worker.
    """
    module = sys.modules.get(getattr(fn, "__module__", "") or "")
    return ["__main__", *getattr(module, "SERVER_PRELOAD", ())]


def _drain_in_order(
    submit: Callable[[int, list[T]], Future[list[R]] | Any],
    chunks: Iterator[tuple[int, list[T]]],
    window: int,
    bar: Any,
) -> Iterator[R]:
    """Keep ``window`` chunks in flight and yield their results in input order."""
    pending: deque[Any] = deque(submit(start, chunk) for start, chunk in islice(chunks, window))
    while pending:
        results = pending.popleft().result()
        for start, chunk in islice(chunks, 1):
            pending.append(submit(start, chunk))
        for result in results:
            bar.update(1)
            yield result


def _iter_local(fn: Callable[[T], R], items: Iterable[T], bar: Any) -> Iterator[R]:
    try:
        for start, chunk in _chunks(items, 1):
            for result in _run_chunk(fn, start, chunk, portable=False, done=False):
                bar.update(1)
                yield result
            if (start + 1) % MAX_CHUNKSIZE == 0:
                _chunk_done()
    finally:
        _chunk_done()


def _death_reason(exitcodes: list[int | None]) -> str:
    """Plain words for how a worker process ended."""
    import signal

    codes = [c for c in exitcodes if c not in (None, 0)]
    if not codes:
        return "its worker process died"
    code = codes[0]
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        hint = " (most likely out of memory)" if -code == signal.SIGKILL else ""
        return f"its worker process was killed by {name}{hint}"
    return f"its worker process exited with code {code}"


class _Pool:
    """A process pool that can be killed and made again (a dead worker breaks the whole
    ``ProcessPoolExecutor``)."""

    def __init__(self, fn: Callable[..., Any], jobs: int) -> None:
        self.fn, self.jobs = fn, jobs
        context = multiprocessing.get_context(start_method())
        if context.get_start_method() == "forkserver":
            context.set_forkserver_preload(_preload(fn))
        self.context = context
        self.procs: list[Any] = []
        self.pool = self._new(jobs)

    def _new(self, jobs: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=jobs, mp_context=self.context,
                                   initializer=tune_gc)

    def exitcodes(self) -> list[int | None]:
        """Exit codes of the workers seen when the pool was warmed (the executor forgets
        a broken pool's processes), else of those it still knows."""
        procs = self.procs or list((getattr(self.pool, "_processes", None) or {}).values())
        for p in procs:
            with _suppress_os_error():
                p.join(timeout=2)
            for _ in range(EXIT_CODE_POLLS):
                # the executor's own thread may be reaping the same dead worker: its exit code
                # shows a moment later (without it the reason would say only "died")
                if p.exitcode is not None:
                    break
                time.sleep(EXIT_CODE_POLL_S)
        return [p.exitcode for p in procs]

    def kill(self) -> None:
        """Kill every worker (a hung one too) and drop the pool."""
        for p in list((getattr(self.pool, "_processes", None) or {}).values()):
            with _suppress_os_error():
                p.kill()
        self.pool.shutdown(wait=True, cancel_futures=True)

    def restart(self, jobs: int | None = None, warm: bool = False) -> None:
        """A fresh pool; ``warm`` waits until its worker runs, so a time limit measured
        next counts the item's work, not the worker's start."""
        self.kill()
        self.procs = []
        self.pool = self._new(jobs or self.jobs)
        if warm:  # ``fn`` travels too: its module is imported before any time is measured
            self.pool.submit(_noop, self.fn).result()
            self.procs = list((getattr(self.pool, "_processes", None) or {}).values())

    def shutdown(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def _noop(*_: Any) -> None:
    return None


def _suppress_os_error():
    from contextlib import suppress

    return suppress(OSError, ValueError, AttributeError)


def _iter_process(
    fn: Callable[[T], R], chunks: Iterator[tuple[int, list[T]]], jobs: int, bar: Any,
    on_lost: Callable[[T, str], R] | None = None, timeout: float | None = None,
) -> Iterator[R]:
    """Results in input order; with ``on_lost``, a worker that dies (or a file that takes
    longer than ``timeout`` seconds) costs only its own item.

    When the pool breaks, every chunk in flight is suspect: the pool is made again and
    those items are re-run one at a time on a single worker, so the one that breaks it
    again is known and given ``on_lost(item, reason)``; the others are processed.
    """
    from concurrent.futures import TimeoutError as FutureTimeout
    from concurrent.futures.process import BrokenProcessPool

    pool = _Pool(fn, jobs)
    window = jobs * WINDOW_PER_WORKER
    pending: deque[tuple[int, list[T], Any]] = deque()

    def submit(start: int, chunk: list[T]) -> None:
        pending.append((start, chunk, pool.pool.submit(_run_chunk, fn, start, chunk)))

    def isolated(items: list[tuple[int, T]]) -> Iterator[R]:
        """Each item alone on a fresh single-worker pool: a crash or hang is its own."""
        pool.restart(1, warm=True)
        for start, item in items:
            fut = pool.pool.submit(_run_chunk, fn, start, [item])
            try:
                yield fut.result(timeout=timeout)[0]
            except BrokenProcessPool:
                reason = _death_reason(pool.exitcodes())
                pool.restart(1, warm=True)
                yield on_lost(item, reason + "; the other files were processed")
            except FutureTimeout:
                pool.restart(1, warm=True)
                yield on_lost(item, f"took longer than the per-file limit of {timeout:.0f} s; "
                                    "stopped (the other files were processed)")
        pool.restart(jobs)

    try:
        for start, chunk in islice(chunks, window):
            submit(start, chunk)
        while pending:
            start, chunk, fut = pending.popleft()
            try:
                limit = None if timeout is None else timeout * len(chunk)
                results = fut.result(timeout=limit)
            except (BrokenProcessPool, FutureTimeout):
                if on_lost is None:
                    raise
                suspects = [(start, chunk)] + [(s, c) for s, c, _ in pending]
                pending.clear()
                pool.kill()
                items = [(s + i, item) for s, c in suspects for i, item in enumerate(c)]
                for result in isolated(items):
                    bar.update(1)
                    yield result
                for s, c in islice(chunks, window):
                    submit(s, c)
                continue
            for s, c in islice(chunks, 1):
                submit(s, c)
            for result in results:
                bar.update(1)
                yield result
    finally:
        pool.shutdown()


def _dask_client(stack: ExitStack, jobs: int, scheduler: str | None) -> Any:
    """A dask client on ``scheduler``, or on a local cluster we start (and close)."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        raise ImportError(
            "engine='dask' needs dask.distributed: pip install kejiju-analysis[dask]"
        ) from exc
    if scheduler:
        return stack.enter_context(Client(scheduler))
    cluster = stack.enter_context(
        LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None)
    )
    return stack.enter_context(Client(cluster))


def _iter_dask(
    fn: Callable[[T], R],
    chunks: Iterator[tuple[int, list[T]]],
    jobs: int,
    scheduler: str | None,
    bar: Any,
    on_lost: Callable[[T, str], R] | None = None,
    timeout: float | None = None,
) -> Iterator[R]:
    """As :func:`_iter_process` on a dask cluster. Dask itself re-runs the tasks of a
    worker that died elsewhere; a chunk whose workers keep dying (``KilledWorker``) or
    that runs past the time limit is re-run item by item, and an item that fails that
    way alone gets ``on_lost(item, reason)``."""
    from concurrent.futures import TimeoutError as FutureTimeout

    try:
        from distributed.scheduler import KilledWorker
    except ImportError:  # pragma: no cover - checked by _dask_client
        KilledWorker = RuntimeError  # noqa: N806

    with ExitStack() as stack:
        client = _dask_client(stack, jobs, scheduler)
        threads = sum(client.nthreads().values()) or jobs
        window = max(2, threads * WINDOW_PER_WORKER)

        def one(start: int, item: T) -> R:
            fut = client.submit(_run_chunk, fn, start, [item], pure=False)
            try:
                return fut.result(timeout=timeout)[0]
            except KilledWorker:
                return on_lost(item, "the workers that ran it died (killed or out of memory); "
                                     "the other files were processed")
            except (FutureTimeout, TimeoutError):
                fut.cancel()
                return on_lost(item, f"took longer than the per-file limit of {timeout:.0f} s; "
                                     "the other files were processed")

        pending: deque[tuple[int, list[T], Any]] = deque()

        def submit(start: int, chunk: list[T]) -> None:
            pending.append((start, chunk,
                            client.submit(_run_chunk, fn, start, chunk, pure=False)))

        for start, chunk in islice(chunks, window):
            submit(start, chunk)
        while pending:
            start, chunk, fut = pending.popleft()
            try:
                limit = None if timeout is None else timeout * len(chunk)
                results = fut.result(timeout=limit)
            except (KilledWorker, FutureTimeout, TimeoutError):
                if on_lost is None:
                    raise
                fut.cancel()
                results = [one(start + i, item) for i, item in enumerate(chunk)]
            for s, c in islice(chunks, 1):
                submit(s, c)
            for result in results:
                bar.update(1)
                yield result


def iter_ordered(
    fn: Callable[[T], R],
    items: Iterable[T],
    *,
    jobs: int | None = None,
    engine: str = "process",
    scheduler: str | None = None,
    desc: str = "",
    progress: bool = True,
    chunksize: int | None = None,
    total: int | None = None,
    on_lost: Callable[[T, str], R] | None = None,
    timeout: float | None = None,
) -> Iterator[R]:
    """Yield ``fn(item)`` for each item, in input order, as soon as each is ready.

    With ``on_lost``, an item whose worker process dies (killed, out of memory) or that
    runs longer than ``timeout`` seconds yields ``on_lost(item, reason)`` instead, and
    the pool is made again for the others (process and dask engines; ``jobs=1`` runs
    in this process, where neither can be caught).

    ``fn`` must be a picklable top-level function. ``items`` may be a generator
    (pass ``total`` for the progress bar); only a bounded window of chunks is in
    flight, so memory stays flat whatever the corpus size. An exception in ``fn``
    propagates with a note naming the item; the remaining work is cancelled.
    ``jobs=1`` (or fewer than two items) runs in this process without a pool.
    For ``engine="dask"``, ``scheduler`` is a ``dask.distributed`` address
    (e.g. ``tcp://10.0.0.5:8786``); without one a local cluster of ``jobs``
    single-threaded worker processes is started and closed afterwards.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; valid engines: {', '.join(ENGINES)}")
    if chunksize is not None and chunksize < 1:
        raise ValueError(f"chunksize must be at least 1, got {chunksize}")
    if total is None and isinstance(items, Sized):
        total = len(items)
    n_jobs = resolve_jobs(jobs)
    if total is not None and engine == "process":
        n_jobs = max(1, min(n_jobs, total))
    size = chunksize or default_chunksize(total, n_jobs)
    # Arguments are checked above, when called; the work starts on the first next().
    return _iter_ordered(fn, items, n_jobs, engine, scheduler, size, total, desc, progress,
                         on_lost, timeout)


def _iter_ordered(
    fn: Callable[[T], R],
    items: Iterable[T],
    n_jobs: int,
    engine: str,
    scheduler: str | None,
    size: int,
    total: int | None,
    desc: str,
    progress: bool,
    on_lost: Callable[[T, str], R] | None = None,
    timeout: float | None = None,
) -> Iterator[R]:
    bar = _progress_bar(total, desc, progress)
    try:
        if engine == "dask":
            yield from _iter_dask(fn, _chunks(items, size), n_jobs, scheduler, bar, on_lost,
                                  timeout)
        elif n_jobs == 1 or (total is not None and total < 2):
            yield from _iter_local(fn, items, bar)
        else:
            yield from _iter_process(fn, _chunks(items, size), n_jobs, bar, on_lost, timeout)
    finally:
        bar.close()


def map_ordered(fn: Callable[[T], R], items: Iterable[T], **options: Any) -> list[R]:
    """``[fn(item) for item in items]`` on a process pool or dask, same result and order.

    Takes the keyword arguments of :func:`iter_ordered` (``jobs``, ``engine``,
    ``chunksize`` …); use that instead when the results of the whole corpus would not fit
    in memory together.
    """
    return list(iter_ordered(fn, items, **options))
