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


def _run_chunk(fn: Callable[[T], R], start: int, chunk: list[T], portable: bool = True) -> list[R]:
    """Worker side: apply ``fn`` to a chunk, naming the failing item on error.

    The note survives pickling (it lives in the exception's ``__dict__``), so the
    caller sees the original exception type with the item named, whichever engine ran it.
    """
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
    it = iter(items)
    start = 0
    while chunk := list(islice(it, size)):
        yield start, chunk
        start += len(chunk)


def _progress_bar(total: int | None, desc: str, progress: bool) -> Any:
    from tqdm import tqdm

    show = progress and (total is None or total >= PROGRESS_MIN_ITEMS)
    return tqdm(
        total=total, desc=desc or None, disable=not show, file=sys.stderr, dynamic_ncols=True
    )


def _preload(fn: Callable[..., Any]) -> list[str]:
    """Modules the forkserver should import once, so forked workers start warm."""
    module = getattr(fn, "__module__", None)
    # "__main__" (the default) imports what the main script imports, including its sys.path set-up.
    return ["__main__"] + ([module] if module and module != "__main__" else [])


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
    for start, chunk in _chunks(items, 1):
        for result in _run_chunk(fn, start, chunk, portable=False):
            bar.update(1)
            yield result


def _iter_process(
    fn: Callable[[T], R], chunks: Iterator[tuple[int, list[T]]], jobs: int, bar: Any
) -> Iterator[R]:
    context = multiprocessing.get_context(start_method())
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(_preload(fn))
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context)
    try:
        yield from _drain_in_order(
            lambda start, chunk: pool.submit(_run_chunk, fn, start, chunk),
            chunks,
            jobs * WINDOW_PER_WORKER,
            bar,
        )
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


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
) -> Iterator[R]:
    with ExitStack() as stack:
        client = _dask_client(stack, jobs, scheduler)
        threads = sum(client.nthreads().values()) or jobs
        yield from _drain_in_order(
            lambda start, chunk: client.submit(_run_chunk, fn, start, chunk, pure=False),
            chunks,
            max(2, threads * WINDOW_PER_WORKER),
            bar,
        )


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
) -> Iterator[R]:
    """Yield ``fn(item)`` for each item, in input order, as soon as each is ready.

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
    return _iter_ordered(fn, items, n_jobs, engine, scheduler, size, total, desc, progress)


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
) -> Iterator[R]:
    bar = _progress_bar(total, desc, progress)
    try:
        if engine == "dask":
            yield from _iter_dask(fn, _chunks(items, size), n_jobs, scheduler, bar)
        elif n_jobs == 1 or (total is not None and total < 2):
            yield from _iter_local(fn, items, bar)
        else:
            yield from _iter_process(fn, _chunks(items, size), n_jobs, bar)
    finally:
        bar.close()


def map_ordered(
    fn: Callable[[T], R],
    items: Iterable[T],
    *,
    jobs: int | None = None,
    engine: str = "process",
    scheduler: str | None = None,
    desc: str = "",
    progress: bool = True,
    chunksize: int | None = None,
) -> list[R]:
    """``[fn(item) for item in items]`` on a process pool or dask, same result and order.

    See :func:`iter_ordered` for the arguments; use that instead when the results
    of the whole corpus would not fit in memory together.
    """
    return list(
        iter_ordered(
            fn,
            items,
            jobs=jobs,
            engine=engine,
            scheduler=scheduler,
            desc=desc,
            progress=progress,
            chunksize=chunksize,
        )
    )
