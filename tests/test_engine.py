"""map_ordered / iter_ordered: same results, same order, whatever the engine."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import engine
from analysis.engine import iter_ordered, map_ordered

# Real figures from the sample reports, as items a worker might get.
SENTENCES = [
    "争取国家、省科技经费9亿元,同比增长30%",
    "科技担保贷款8600万元,拉动银行贷款2.65亿元",
    "发明专利申请6275件、授权988件,同比分别增长139%、37%",
    "全市孵化器开工248万平米,提前完成全年开工建设任务",
]


def n_chars(text: str) -> int:
    return len(text)


def square(x: int) -> int:
    return x * x


def slow_first(x: int) -> int:
    """Early items sleep longest, so later items finish first."""
    time.sleep(0.05 * max(0, 4 - x))
    return x


def fail_on_three(x: int) -> int:
    if x == 3:
        raise ValueError("bad figure")
    return x


def test_jobs_1_equals_plain_map() -> None:
    assert map_ordered(n_chars, SENTENCES, jobs=1) == [21, 25, 33, 26]


def test_jobs_2_equals_plain_map() -> None:
    items = list(range(50))
    assert map_ordered(square, items, jobs=2, progress=False) == [x * x for x in items]


def test_jobs_2_sentences() -> None:
    assert map_ordered(n_chars, SENTENCES * 10, jobs=2, chunksize=3) == [21, 25, 33, 26] * 10


def test_order_kept_when_later_items_finish_first() -> None:
    assert map_ordered(slow_first, range(8), jobs=2, chunksize=1) == list(range(8))


def test_iter_ordered_streams_a_generator() -> None:
    gen = (x for x in range(30))
    out = iter_ordered(square, gen, jobs=2, chunksize=4, progress=False, total=30)
    assert next(out) == 0
    assert list(out) == [x * x for x in range(1, 30)]


def test_empty_and_single_item() -> None:
    assert map_ordered(square, [], jobs=2) == []
    assert map_ordered(square, [7], jobs=2) == [49]


@pytest.mark.parametrize("jobs", [1, 2])
def test_exception_propagates_with_item_named(jobs: int) -> None:
    with pytest.raises(ValueError, match="bad figure") as info:
        map_ordered(fail_on_three, range(6), jobs=jobs, chunksize=2)
    assert info.value.__notes__ == ["fail_on_three failed on item 3: 3"]


def test_unknown_engine_lists_valid_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown engine 'spark'; valid engines: process, dask"):
        iter_ordered(square, [1, 2], engine="spark")


def test_bad_jobs_and_chunksize() -> None:
    with pytest.raises(ValueError, match="jobs must be a positive"):
        map_ordered(square, [1, 2], jobs=-1)
    with pytest.raises(ValueError, match="chunksize must be at least 1"):
        map_ordered(square, [1, 2], chunksize=0)


def test_resolve_jobs_defaults_to_cores() -> None:
    assert engine.resolve_jobs(None) == engine.cpu_count()
    assert engine.resolve_jobs(0) == engine.cpu_count()
    assert engine.resolve_jobs(3) == 3


def test_default_chunksize() -> None:
    assert engine.default_chunksize(10_000, 2) == 32
    assert engine.default_chunksize(20, 2) == 3
    assert engine.default_chunksize(1, 4) == 1
    assert engine.default_chunksize(None, 2) == 8


def test_start_method_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(engine.START_METHOD_ENV, "spawn")
    assert engine.start_method() == "spawn"
    monkeypatch.setenv(engine.START_METHOD_ENV, "teleport")
    with pytest.raises(ValueError, match="ANALYSIS_MP_START='teleport'"):
        engine.start_method()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(-1000, 1000), max_size=40), st.integers(1, 7))
def test_chunks_cover_items_in_order(items: list[int], size: int) -> None:
    chunks = list(engine._chunks(items, size))
    assert [x for _, chunk in chunks for x in chunk] == items
    assert [start for start, _ in chunks] == list(range(0, len(items), size))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(-1000, 1000), max_size=40))
def test_local_engine_is_plain_map(items: list[int]) -> None:
    assert map_ordered(square, items, jobs=1, progress=False) == [x * x for x in items]


@pytest.mark.slow
def test_dask_local_cluster_equals_plain_map() -> None:
    pytest.importorskip("dask.distributed")
    items = list(range(40))
    assert map_ordered(square, items, engine="dask", jobs=2, progress=False) == [
        x * x for x in items
    ]
    assert map_ordered(slow_first, range(8), engine="dask", jobs=2, chunksize=1) == list(range(8))


@pytest.mark.slow
def test_dask_exception_names_item() -> None:
    pytest.importorskip("dask.distributed")
    with pytest.raises(ValueError, match="bad figure") as info:
        map_ordered(fail_on_three, range(6), engine="dask", jobs=2, chunksize=2)
    assert "fail_on_three failed on item 3: 3" in info.value.__notes__


class StubbornError(Exception):
    """An exception that cannot be rebuilt from its args (pickling fails on load)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")


def fail_stubborn(x: int) -> int:
    if x == 2:
        raise StubbornError("a.txt", "zip bomb")
    return x


def test_unpicklable_exception_becomes_task_error() -> None:
    with pytest.raises(engine.TaskError, match=r"StubbornError: a.txt: zip bomb") as info:
        map_ordered(fail_stubborn, range(4), jobs=2, chunksize=1)
    assert info.value.__notes__ == ["fail_stubborn failed on item 2: 2"]


def test_unpicklable_exception_kept_in_process() -> None:
    with pytest.raises(StubbornError, match="a.txt: zip bomb"):
        map_ordered(fail_stubborn, range(4), jobs=1)


def test_iter_ordered_keeps_a_bounded_window() -> None:
    pulled: list[int] = []

    def source() -> Iterator[int]:
        for x in range(1000):
            pulled.append(x)
            yield x

    out = iter_ordered(square, source(), jobs=2, chunksize=4, progress=False)
    assert next(out) == 0
    # 2 workers x 2 chunks in flight x 4 items, plus the chunk sent when the first came back
    assert len(pulled) == 20
    out.close()
