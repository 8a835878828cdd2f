"""Per-file extraction cache, so a re-run only re-extracts the reports that changed.

Why: users re-run the batch every time a few reports arrive. An entry is keyed by
the file's sha256 *and* a fingerprint of everything that shapes the result — the
package version, every data file (taxonomy, units, repairs, gazetteer …) and the
source of the pipeline modules — so editing the taxonomy or the code invalidates
old entries instead of silently serving stale figures. The cache is an
optimisation only: a corrupt or unreadable entry is a miss, and a failed write
is logged, never fatal.

Entries are plain data (msgpack: strings, numbers, lists, maps), never pickles: a
cache folder anyone could write to must not be a way to run code. Each entry starts
with a format tag and carries its key and fingerprint; anything else is deleted and
the file is extracted again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import sqlite3
import sys
from pathlib import Path

import msgpack

from analysis.config import PACKAGE_DIR

log = logging.getLogger(__name__)

DIST_NAME = "kejiju-analysis"
CACHE_DIR_NAME = ".cache"
# Modules whose code decides what a document yields; models too, since entries hold
# its dataclasses' fields.
PIPELINE_MODULES = (
    "clean",
    "extract",
    "metadata",
    "numbers",
    "taxonomy",
    "ingest",
    "gazetteer",
    "patterns",
    "models",
    "pipeline",  # entries hold rows as the writer takes them, rendered by these two
    "tables",
    "safeio",
    "text",  # the prepared document (a package, hashed whole like extract and metadata)
)
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
_FINGERPRINT_LEN = 16  # hex chars of the fingerprint used as a folder name
ENTRY_FORMAT = b"AKC1\n"  # first bytes of every entry: format and version of the encoding
MAX_ENTRY_BYTES = 256 * 1024 * 1024  # bigger results are not cached (SQLite's limit is 1 GB)


def package_version() -> str:
    """Installed distribution version, else ``"0+unknown"`` (a source tree not installed).

    The ``Version:`` of the first ``kejiju_analysis-*.dist-info`` on ``sys.path`` (where
    ``importlib.metadata`` finds it), read directly: importing that module costs a
    one-file run 70 ms. Anything else (an egg, a zip) asks ``importlib.metadata``."""
    prefix = DIST_NAME.replace("-", "_") + "-"
    for entry in sys.path:
        folder = entry or "."
        try:
            found = sorted(n for n in os.listdir(folder)
                           if n.startswith(prefix) and n.endswith(".dist-info"))
        except OSError:
            continue
        if found:
            version = _metadata_version(os.path.join(folder, found[0], "METADATA"))
            if version:
                return version
            break
    import importlib.metadata

    try:
        return importlib.metadata.version(DIST_NAME)
    except importlib.metadata.PackageNotFoundError:
        return "0+unknown"


def _metadata_version(path: str) -> str | None:
    """The ``Version:`` header of a distribution's METADATA file, or None."""
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("Version:"):
                    return line.split(":", 1)[1].strip()
                if not line.strip():  # the headers end at the first blank line
                    return None
    except OSError:
        return None
    return None


def _hash_file(digest: hashlib._Hash, path: Path) -> None:
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)


def _data_files(data_dir: Path) -> list[Path]:
    if not data_dir.is_dir():
        return []
    return sorted(
        p
        for p in data_dir.rglob("*")
        if p.is_file()
        and "__pycache__" not in p.parts
        and not any(part.startswith(".") for part in p.relative_to(data_dir).parts)
    )


def code_fingerprint(package_dir: Path = PACKAGE_DIR) -> str:
    """Hex sha256 of package version, Python version, data files and pipeline sources.

    Any change to these gives a new fingerprint and so a fresh cache.
    """
    digest = hashlib.sha256()
    digest.update(f"version={package_version()}\n".encode())
    digest.update(f"python={sys.version_info[0]}.{sys.version_info[1]}\n".encode())
    data_dir = package_dir / "data"
    for path in _data_files(data_dir):
        digest.update(f"data:{path.relative_to(data_dir).as_posix()}\n".encode())
        _hash_file(digest, path)
    for name in PIPELINE_MODULES:
        source = package_dir / f"{name}.py"
        digest.update(f"module:{name}\n".encode())
        if source.is_file():
            _hash_file(digest, source)
        elif (package_dir / name).is_dir():  # a package: every module in it
            for sub in sorted((package_dir / name).rglob("*.py")):
                digest.update(f"file:{sub.relative_to(package_dir).as_posix()}\n".encode())
                _hash_file(digest, sub)
        else:
            digest.update(b"<missing>")
    return digest.hexdigest()


_CONNECTIONS: dict[tuple[int, Path], tuple[sqlite3.Connection, int]] = {}
# Entries stored with ``put_later``, not yet written: database → key → encoded entry.
# Written in one transaction by :func:`flush` (the engine calls it after each chunk of
# work, and at the latest when the process ends or this many entries wait).
_PENDING: dict[Path, dict[str, bytes]] = {}
PENDING_MAX = 64
_FLUSH_AT_EXIT: list[int] = []  # pids that registered the exit flush


def flush() -> int:
    """Write every entry waiting in this process (one transaction per database); returns
    how many were written. A failed write is logged and the entries dropped (a miss
    next time, never an error): the cache is an optimisation only."""
    written = 0
    while _PENDING:
        path, entries = _PENDING.popitem()
        try:
            db = _connection(path, create=True)
            with db:  # commits, or rolls back on an error
                # One transaction: the connection autocommits (isolation_level=None), so
                # without BEGIN each row was a transaction of its own (30 % slower).
                db.execute("BEGIN")
                db.executemany("INSERT OR REPLACE INTO entries (key, value) VALUES (?, ?)",
                               entries.items())
            written += len(entries)
        except (OSError, sqlite3.Error) as exc:
            log.warning("could not cache %d entries: %s", len(entries), exc)
    return written


def _flush_at_exit() -> None:
    """Flush when this process ends: at exit, and in a pool worker when it is shut down
    (multiprocessing runs its finalizers, not atexit, in a child)."""
    if os.getpid() in _FLUSH_AT_EXIT:
        return
    _FLUSH_AT_EXIT.append(os.getpid())
    import atexit
    from multiprocessing import util

    atexit.register(flush)
    util.Finalize(None, flush, exitpriority=10)


def _connection(path: Path, create: bool) -> sqlite3.Connection | None:
    """This process's connection to the database at ``path`` (None if absent and not
    ``create``). One per process (a forked worker must not reuse its parent's), and
    a new one when the file was deleted or replaced since."""
    key = (os.getpid(), path)
    try:
        inode = os.stat(path).st_ino
    except OSError:
        inode = None
    cached = _CONNECTIONS.pop(key, None)
    if cached is not None:
        if cached[1] == inode:
            _CONNECTIONS[key] = cached
            return cached[0]
        cached[0].close()
    if inode is None:
        if not create:
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=60, isolation_level=None)
    try:
        # Not synced first: with synchronous=FULL (the default) switching a new file to
        # WAL fsyncs it, 15-60 ms of a one-file run (the cache only ever costs a miss).
        db.execute("PRAGMA synchronous=OFF")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value BLOB)")
    except sqlite3.DatabaseError:
        db.close()
        if not create:
            raise
        log.warning("cache database %s is damaged: starting a new one", path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return _connection(path, create)
    _CONNECTIONS[key] = (db, os.stat(path).st_ino)
    return db


def _decode(blob: object) -> object | None:
    """An entry's content, or None when it is not an entry this code wrote."""
    if not isinstance(blob, bytes) or not blob.startswith(ENTRY_FORMAT):
        return None
    try:
        return msgpack.unpackb(blob[len(ENTRY_FORMAT):], raw=False, strict_map_key=True)
    except Exception:  # noqa: BLE001 - truncated or garbage: a miss
        return None


def default_cache_dir(out_dir: str | os.PathLike[str]) -> Path:
    """Where the pipeline keeps the cache for outputs in ``out_dir``."""
    return Path(out_dir) / CACHE_DIR_NAME


class ExtractCache:
    """Per-document results as plain data, one SQLite file per code version:
    ``cache_dir/<fingerprint>/entries.sqlite``, a row per file hash.

    Why one database and not a file per report: creating a file costs the file system
    far more than a row costs SQLite, and a national corpus has 100,000 reports. SQLite
    keeps every write atomic (a killed run leaves whole rows or none) and lets several
    worker processes write at once (WAL journal, waits for the lock). Rows are not
    synced to disk one by one: one lost in a power cut is only a miss.

    ``hits`` and ``misses`` count lookups, so a run can report how much it reused.
    Entries are msgpack, checked when read (format tag, key, fingerprint). SQLite needs working file
    locks: on a cluster whose shared folder lacks them, run with ``--no-cache``.
    """

    DB_NAME = "entries.sqlite"

    def __init__(self, cache_dir: str | os.PathLike[str], fingerprint: str | None = None) -> None:
        self.cache_dir = Path(cache_dir)
        self.fingerprint = fingerprint or code_fingerprint()
        # Computed once: a worker makes a cache object per file, and looks it up twice.
        self.entry_dir = self.cache_dir / self.fingerprint[:_FINGERPRINT_LEN]
        self.db_path = self.entry_dir / self.DB_NAME
        self.hits = 0
        self.misses = 0

    @classmethod
    def for_out_dir(cls, out_dir: str | os.PathLike[str]) -> ExtractCache:
        return cls(default_cache_dir(out_dir))

    @staticmethod
    def _check_key(sha256: str) -> None:
        if not isinstance(sha256, str) or not _SHA256_RE.match(sha256):
            raise ValueError(f"not a sha256 hex digest: {sha256!r}")

    def _db(self, create: bool) -> sqlite3.Connection | None:
        return _connection(self.db_path, create)

    def get(self, sha256: str) -> object | None:
        """The stored result for this file hash and code, or None (corrupt entries deleted)."""
        self._check_key(sha256)
        waiting = _PENDING.get(self.db_path, {}).get(sha256)
        if waiting is not None:
            self.hits += 1
            return msgpack.unpackb(waiting[len(ENTRY_FORMAT):], raw=False)[2]
        try:
            db = self._db(create=False)
            row = None if db is None else db.execute(
                "SELECT value FROM entries WHERE key = ?", (sha256,)).fetchone()
        except sqlite3.Error as exc:
            log.warning("cache unreadable (%s): treated as empty", exc)
            row = None
        if row is None:
            self.misses += 1
            return None
        stored = _decode(row[0])
        if not (
            isinstance(stored, list)
            and len(stored) == 3
            and stored[0] == sha256
            and stored[1] == self.fingerprint
        ):
            log.warning("dropping unreadable or mismatched cache entry %s", sha256[:12])
            self._discard(sha256)
            self.misses += 1
            return None
        self.hits += 1
        return stored[2]

    def _payload(self, sha256: str, obj: object) -> bytes | None:
        payload = ENTRY_FORMAT + msgpack.packb([sha256, self.fingerprint, obj],
                                               use_bin_type=True)
        if len(payload) > MAX_ENTRY_BYTES:
            log.warning("not caching %s: %d bytes is above the entry limit", sha256[:12],
                        len(payload))
            return None
        return payload

    def put_later(self, sha256: str, obj: object) -> bool:
        """As :meth:`put`, but written with the other waiting entries by :func:`flush`.

        Why: a transaction per report costs SQLite a WAL commit each; a worker's chunk
        of reports in one transaction costs one. An entry lost before its flush (the
        worker killed) is only a miss in the next run; SQLite never holds half of one."""
        self._check_key(sha256)
        try:
            payload = self._payload(sha256, obj)
        except (TypeError, ValueError, OverflowError) as exc:
            log.warning("could not cache %s: %s", sha256[:12], exc)
            return False
        if payload is None:
            return False
        _flush_at_exit()
        waiting = _PENDING.setdefault(self.db_path, {})
        waiting[sha256] = payload
        if len(waiting) >= PENDING_MAX:
            flush()
        return True

    def put(self, sha256: str, obj: object) -> bool:
        """Store ``obj`` (plain data: str, int, float, bool, None, bytes, lists and maps);
        returns False (and logs) if it couldn't be written."""
        self._check_key(sha256)
        try:
            payload = self._payload(sha256, obj)
            if payload is None:
                return False
            _PENDING.get(self.db_path, {}).pop(sha256, None)
            db = self._db(create=True)
            with db:
                db.execute("INSERT OR REPLACE INTO entries (key, value) VALUES (?, ?)",
                           (sha256, payload))
        except (OSError, sqlite3.Error, TypeError, ValueError, OverflowError) as exc:
            log.warning("could not cache %s: %s", sha256[:12], exc)
            return False
        return True

    def discard(self, sha256: str) -> None:
        """Delete the entry (e.g. one its reader refused)."""
        self._check_key(sha256)
        _PENDING.get(self.db_path, {}).pop(sha256, None)
        self._discard(sha256)

    def _discard(self, sha256: str) -> None:
        try:
            db = self._db(create=False)
            if db is not None:
                with db:
                    db.execute("DELETE FROM entries WHERE key = ?", (sha256,))
        except sqlite3.Error:
            pass

    def prune(self) -> int:
        """Delete entries made by other code versions; returns how many folders went."""
        if not self.cache_dir.is_dir():
            return 0
        removed = 0
        for child in self.cache_dir.iterdir():
            if child.is_dir() and child.name != self.entry_dir.name:
                shutil.rmtree(child, ignore_errors=True)
                removed += 1
        return removed

