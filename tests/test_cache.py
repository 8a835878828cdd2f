"""ExtractCache: hits, misses, corrupt entries, invalidation by data and code changes."""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import pickle
import shutil
import sqlite3
from dataclasses import asdict
from pathlib import Path

import pytest

from analysis import cache as cache_mod
from analysis.cache import ExtractCache, code_fingerprint, default_cache_dir
from analysis.models import Figure

SHA = hashlib.sha256(b"report").hexdigest()


def _figure() -> dict:
    """A figure as the cache holds it: plain data."""
    plain = asdict(Figure(
        doc_id="x01_ningbo_2008",
        metric_id="",
        metric_name="",
        indicator="专利申请量",
        value=1234.0,
        unit="件",
        yoy_pct=-5.0,
        qualifier="",
        year=2008,
        period="FY",
        kind="actual",
        sentence="全年专利申请量1234件",
        char_start=7,
        char_end=12,
        raw="1234件",
    ))
    plain["flags"] = list(plain["flags"])  # msgpack holds sequences as lists
    return plain


def _fake_package(tmp_path: Path) -> Path:
    pkg = tmp_path / "pkg"
    (pkg / "data").mkdir(parents=True)
    (pkg / "data" / "indicators.csv").write_text("metric_id,name\nrd,研发\n", encoding="utf-8")
    (pkg / "data" / "units.csv").write_text("unit\n元\n", encoding="utf-8")
    (pkg / "clean.py").write_text("X = 1\n", encoding="utf-8")
    (pkg / "extract.py").write_text("Y = 1\n", encoding="utf-8")
    return pkg


def test_put_then_get_round_trips_and_counts(tmp_path: Path) -> None:
    cache = ExtractCache(tmp_path / ".cache", fingerprint="f" * 64)
    assert cache.get(SHA) is None
    value = {"doc": "x01", "figures": [_figure()]}
    assert cache.put(SHA, value) is True
    assert cache.get(SHA) == value
    assert (cache.hits, cache.misses) == (1, 1)
    assert cache.db_path == tmp_path / ".cache" / ("f" * 16) / "entries.sqlite"
    assert cache.db_path.is_file()


def test_a_new_fingerprint_misses_and_prune_drops_old_entries(tmp_path: Path) -> None:
    old = ExtractCache(tmp_path, fingerprint="a" * 64)
    old.put(SHA, 1)
    new = ExtractCache(tmp_path, fingerprint="b" * 64)
    assert new.get(SHA) is None
    new.put(SHA, 2)
    assert new.prune() == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b" * 16]
    assert new.get(SHA) == 2


def _raw_put(cache: ExtractCache, key: str, value: bytes) -> None:
    db = sqlite3.connect(cache.db_path)
    with db:
        db.execute("INSERT OR REPLACE INTO entries (key, value) VALUES (?, ?)", (key, value))
    db.close()


def _keys(cache: ExtractCache) -> list[str]:
    db = sqlite3.connect(cache.db_path)
    keys = [k for (k,) in db.execute("SELECT key FROM entries ORDER BY key")]
    db.close()
    return keys


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not a pickle",
        b"\x80\x05\x95",
        b"\x80\x04K\x01.",
    ],  # empty, junk, truncated, wrong shape
)
def test_corrupt_entry_is_a_miss_and_is_deleted(tmp_path: Path, content: bytes) -> None:
    cache = ExtractCache(tmp_path, fingerprint="c" * 64)
    cache.put(SHA, "good")
    _raw_put(cache, SHA, content)
    assert cache.get(SHA) is None
    assert _keys(cache) == []
    assert cache.misses == 1


def test_entry_copied_under_another_hash_is_rejected(tmp_path: Path) -> None:
    cache = ExtractCache(tmp_path, fingerprint="c" * 64)
    cache.put(SHA, "for report")
    other = hashlib.sha256(b"other").hexdigest()
    db = sqlite3.connect(cache.db_path)
    (blob,) = db.execute("SELECT value FROM entries WHERE key = ?", (SHA,)).fetchone()
    db.close()
    _raw_put(cache, other, blob)
    assert cache.get(other) is None
    assert cache.get(SHA) == "for report"


def test_a_damaged_database_is_replaced(tmp_path: Path) -> None:
    cache = ExtractCache(tmp_path, fingerprint="d" * 64)
    cache.db_path.parent.mkdir(parents=True)
    cache.db_path.write_bytes(b"this is not a database" * 100)
    assert cache.get(SHA) is None  # a miss, not an error
    assert cache.put(SHA, 1) is True
    assert cache.get(SHA) == 1


def test_a_deleted_cache_folder_is_noticed_within_one_process(tmp_path: Path) -> None:
    cache = ExtractCache(tmp_path / ".cache", fingerprint="e" * 64)
    cache.put(SHA, 1)
    shutil.rmtree(tmp_path / ".cache")
    fresh = ExtractCache(tmp_path / ".cache", fingerprint="e" * 64)
    assert fresh.get(SHA) is None
    assert fresh.put(SHA, 2) is True and fresh.get(SHA) == 2


@pytest.mark.parametrize("bad", ["../../etc/passwd", "ABC", SHA.upper(), SHA + "0", ""])
def test_key_must_be_a_sha256_hex_digest(tmp_path: Path, bad: str) -> None:
    cache = ExtractCache(tmp_path, fingerprint="c" * 64)
    with pytest.raises(ValueError):
        cache.get(bad)
    with pytest.raises(ValueError):
        cache.put(bad, 1)


class _Boom:
    def __reduce__(self):
        return (os.system, ("touch PLANTED_PICKLE_RAN",))


def test_a_planted_pickle_is_never_executed_and_is_deleted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    cache = ExtractCache(tmp_path / "c", fingerprint="c" * 64)
    cache.put(SHA, "good")
    for blob in (pickle.dumps((SHA, "c" * 64, _Boom())),
                 cache_mod.ENTRY_FORMAT + pickle.dumps((SHA, "c" * 64, _Boom()))):
        _raw_put(cache, SHA, blob)
        assert cache.get(SHA) is None
        assert _keys(cache) == []
    assert not (tmp_path / "PLANTED_PICKLE_RAN").exists()
    assert cache.put(SHA, {"plain": [1, 2.5, None, "文"]}) is True
    assert cache.get(SHA) == {"plain": [1, 2.5, None, "文"]}


def test_an_object_that_is_not_plain_data_is_not_cached(tmp_path: Path) -> None:
    cache = ExtractCache(tmp_path, fingerprint="c" * 64)
    assert cache.put(SHA, _Boom()) is False
    assert cache.get(SHA) is None


def test_unpicklable_value_is_not_cached_and_does_not_raise(tmp_path: Path) -> None:
    cache = ExtractCache(tmp_path, fingerprint="c" * 64)
    assert cache.put(SHA, lambda: 1) is False
    assert cache.get(SHA) is None


def test_unwritable_cache_dir_does_not_raise(tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder should be")
    cache = ExtractCache(blocker, fingerprint="c" * 64)
    assert cache.put(SHA, 1) is False
    assert cache.get(SHA) is None


def test_fingerprint_changes_with_data_code_and_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pkg = _fake_package(tmp_path)
    base = code_fingerprint(pkg)
    assert code_fingerprint(pkg) == base
    assert len(base) == 64

    (pkg / "data" / "indicators.csv").write_text("metric_id,name\nrd,研发经费\n", encoding="utf-8")
    after_taxonomy = code_fingerprint(pkg)
    assert after_taxonomy != base

    (pkg / "data" / "gazetteer.csv").write_text(
        "region\n宁波市\n", encoding="utf-8"
    )  # new data file
    after_new_file = code_fingerprint(pkg)
    assert after_new_file != after_taxonomy

    (pkg / "extract.py").write_text("Y = 2\n", encoding="utf-8")
    after_code = code_fingerprint(pkg)
    assert after_code != after_new_file

    (pkg / "numbers.py").write_text("", encoding="utf-8")  # a module appearing counts too
    after_module = code_fingerprint(pkg)
    assert after_module != after_code

    monkeypatch.setattr(cache_mod, "package_version", lambda: "9.9.9")
    assert code_fingerprint(pkg) != after_module


def test_fingerprint_ignores_unrelated_files(tmp_path: Path) -> None:
    pkg = _fake_package(tmp_path)
    base = code_fingerprint(pkg)
    (pkg / "plots.py").write_text("Z = 1\n", encoding="utf-8")  # not a pipeline module
    (pkg / "data" / "__pycache__").mkdir()
    (pkg / "data" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    (pkg / "data" / ".DS_Store").write_bytes(b"\0")
    assert code_fingerprint(pkg) == base


def test_taxonomy_edit_invalidates_cached_results(tmp_path: Path) -> None:
    pkg = _fake_package(tmp_path)
    cache_dir = tmp_path / "out" / ".cache"
    ExtractCache(cache_dir, fingerprint=code_fingerprint(pkg)).put(SHA, [_figure()])
    assert ExtractCache(cache_dir, fingerprint=code_fingerprint(pkg)).get(SHA) == [_figure()]
    (pkg / "data" / "indicators.csv").write_text("changed\n", encoding="utf-8")
    assert ExtractCache(cache_dir, fingerprint=code_fingerprint(pkg)).get(SHA) is None


def test_defaults(tmp_path: Path) -> None:
    assert default_cache_dir(tmp_path) == tmp_path / ".cache"
    cache = ExtractCache.for_out_dir(tmp_path)
    assert cache.cache_dir == tmp_path / ".cache"
    assert cache.fingerprint == code_fingerprint()
    assert cache_mod.package_version() == importlib.metadata.version("kejiju-analysis")


def test_entries_put_later_wait_for_one_flush_and_a_dead_writer_loses_only_its_own(
        tmp_path: Path) -> None:
    """A worker batches its chunk's entries (one transaction). Until the flush they are
    served from memory; a worker killed first loses only those (misses next run), and
    the database holds whole entries or none."""
    other = hashlib.sha256(b"other report").hexdigest()
    cache = ExtractCache(tmp_path, fingerprint="c" * 64)
    assert cache.put_later(SHA, {"figures": [1, 2]}) is True
    assert cache.get(SHA) == {"figures": [1, 2]}  # waiting, already served
    assert not cache.db_path.exists()  # nothing written yet
    pid = os.fork()
    if pid == 0:  # a worker that dies without flushing, as one killed would
        cache_mod._PENDING.clear()  # the parent's entries are the parent's to write
        ExtractCache(tmp_path, fingerprint="c" * 64).put_later(other, "lost")
        os._exit(0)
    os.waitpid(pid, 0)
    assert cache_mod.flush() == 1
    assert _keys(cache) == [SHA]
    fresh = ExtractCache(tmp_path, fingerprint="c" * 64)
    assert fresh.get(SHA) == {"figures": [1, 2]}
    assert fresh.get(other) is None
    assert cache_mod.flush() == 0


def test_a_full_batch_is_written_without_waiting_for_the_chunk(tmp_path: Path,
                                                               monkeypatch) -> None:
    monkeypatch.setattr(cache_mod, "PENDING_MAX", 3)
    cache = ExtractCache(tmp_path, fingerprint="d" * 64)
    keys = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(4)]
    for i, key in enumerate(keys):
        cache.put_later(key, i)
    assert sorted(_keys(cache)) == sorted(keys[:3])  # the fourth waits
    cache_mod.flush()
    assert sorted(_keys(cache)) == sorted(keys)


def test_a_flush_writes_its_entries_in_one_transaction(tmp_path: Path) -> None:
    """The connection autocommits, so the flush opens the transaction itself: a BEGIN,
    the rows, one COMMIT (not a transaction per row)."""
    cache = ExtractCache(tmp_path, fingerprint="e" * 64)
    keys = [hashlib.sha256(f"r{i}".encode()).hexdigest() for i in range(5)]
    cache.put(keys[0], 0)  # the database exists
    statements: list[str] = []
    cache_mod._connection(cache.db_path, create=True).set_trace_callback(statements.append)
    for i, key in enumerate(keys[1:], start=1):
        cache.put_later(key, i)
    assert cache_mod.flush() == 4
    kinds = [s.split()[0].upper() for s in statements]
    assert kinds == ["BEGIN", *["INSERT"] * 4, "COMMIT"]
    assert sorted(_keys(cache)) == sorted(keys)
