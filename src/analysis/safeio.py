"""Atomic, deterministic writes and escaping of report text for CSV, Excel and HTML.

Why: users re-run the batch and sometimes stop it halfway; the tables they hand
out must be either the previous complete set or the new one, never a half-written
file. Every writer here writes to a hidden temporary sibling (same directory, so
the final ``os.replace`` is atomic on one filesystem), fsyncs it, then moves it
into place. Report text is untrusted: a cell starting with ``=`` would run as a
formula in Excel, so string cells are escaped before they reach a CSV or sheet.
"""

from __future__ import annotations

import html
import os
import re
import secrets
import shutil
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported where frames are written: a worker needs none
    import pandas as pd

# OWASP "CSV Injection": cells starting with these are formulas in spreadsheet apps.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Hidden temp names: ".<name>.<8 hex>.tmp<suffix>" (suffix kept so writers that pick
# a format by extension, e.g. pandas.ExcelWriter, still work) and ".<name>.<8 hex>.old"
# for a directory being swapped out.
_TEMP_RE = re.compile(r"^\.(?P<name>.+)\.[0-9a-f]{8}\.(?:tmp(?:\.[^.]*)?|old)$")

Writer = Callable[[Path], None]
COMMON_METADATA = "_common_metadata"


def _temp_sibling(path: Path, kind: str = "tmp") -> Path:
    token = secrets.token_hex(4)
    suffix = path.suffix if kind == "tmp" else ""
    return path.with_name(f".{path.name}.{token}.{kind}{suffix}")


def temp_sibling(path: str | os.PathLike[str]) -> Path:
    """A fresh hidden temp name beside ``path`` (for writers that stream to a file
    and move it in later with :func:`replace_all`)."""
    return _temp_sibling(Path(path))


def is_temp_name(name: str) -> bool:
    """True for names this module uses for temporaries, so callers can skip them."""
    return _TEMP_RE.match(name) is not None


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


SYNCFS_MIN_FILES = 64  # a folder with more files is flushed with one syncfs(2), not each


def _syncfs(path: Path) -> bool:
    """Flush every written file of the file system holding ``path`` with one call
    (Linux ``syncfs``); False where that is not available or fails (then fsync each).

    Why: a run's generation holds a cleaned text per report; fsyncing 100,000 files one
    by one took 2.5 ms each in the one writing process, longer than extracting them.
    """
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        syncfs = libc.syncfs
    except (OSError, AttributeError):
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        return syncfs(fd) == 0
    finally:
        os.close(fd)


def _fsync_tree(path: Path) -> None:
    if path.is_dir():
        files = [child for child in sorted(path.rglob("*")) if child.is_file()]
        if len(files) > SYNCFS_MIN_FILES and _syncfs(path):
            return
        for child in files:
            _fsync_file(child)
    else:
        _fsync_file(path)


def _fsync_dir(directory: Path) -> None:
    """Persist a rename (POSIX); silently skipped where directories can't be opened."""
    with suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with suppress(FileNotFoundError):
            path.unlink()


def _swap_into_place(tmp: Path, dest: Path) -> None:
    """Move a finished temp file or directory to ``dest``.

    A file is replaced in one atomic rename. A directory can't be, so the old one
    is renamed away first, then the new one in, then the old one deleted: readers
    see the old complete dataset, briefly nothing, or the new complete one.
    """
    if not tmp.exists():
        raise FileNotFoundError(f"writer did not create {tmp.name} for {dest}")
    if tmp.is_dir():
        old = None
        if dest.exists():
            old = _temp_sibling(dest, "old")
            os.replace(dest, old)
        os.replace(tmp, dest)
        if old is not None:
            _remove(old)
    else:
        if dest.is_dir():
            raise IsADirectoryError(f"cannot replace directory {dest} with a file")
        os.replace(tmp, dest)
    _fsync_dir(dest.parent)


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temp path beside ``path``; on success move it into place, else delete it.

    The caller writes a file (or a directory) at the yielded path. Cleanup runs on
    any exception including KeyboardInterrupt, so a stopped run leaves ``path`` as it was.
    """
    dest = Path(path)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp_sibling(dest)
    try:
        yield tmp
        _fsync_tree(tmp)
        _swap_into_place(tmp, dest)
    except BaseException:
        _remove(tmp)
        raise


def escape_formula(value: object) -> object:
    """Prefix ``'`` to a string that a spreadsheet would read as a formula; others unchanged.

    A carriage return then becomes a line break: pandas' CSV writer quotes a cell holding
    ``\n`` but not one holding a lone ``\r``, which a reader then takes for a row's end, so
    ``'\r=…`` would read back as a cell opening with ``=``. Only ``str`` values are touched:
    a numeric -5.0 stays a number.
    """
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_PREFIXES):
        value = "'" + value
    return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value


def _needs_escape(series: pd.Series) -> bool:
    values = series.dropna()
    if values.empty:
        return False
    if values.dtype != object:  # a string dtype: one vectorised test for the whole column
        return bool((values.str.startswith(FORMULA_PREFIXES) | values.str.contains("\r", regex=False))
                    .fillna(False).any())
    return bool(values.map(lambda v: isinstance(v, str) and (v.startswith(FORMULA_PREFIXES) or "\r" in v)).any())


def escape_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``df`` with every string cell passed through :func:`escape_formula`.

    Numeric, boolean and datetime columns are left as they are; for Excel writers too.
    """
    import pandas as pd

    out = df
    for col in df.columns:
        series = df[col]
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype(object)
        elif not (pd.api.types.is_string_dtype(series.dtype) or series.dtype == object):
            continue
        if not _needs_escape(series):
            continue
        if out is df:
            out = df.copy()
        out[col] = series.map(escape_formula, na_action="ignore")
    return out


def _to_csv(df: pd.DataFrame, path: Path) -> None:
    escape_frame(df).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")


def _to_parquet(df: pd.DataFrame, path: Path) -> None:
    df.to_parquet(path, engine="pyarrow", index=False)


def _to_parquet_dataset(df: pd.DataFrame, directory: Path, partition_cols: list[str]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df, preserve_index=False)
    # A fixed basename (default is a random uuid) keeps re-runs byte-identical.
    pq.write_to_dataset(
        table,
        directory,
        partition_cols=partition_cols,
        basename_template="part-{i}.parquet",
        existing_data_behavior="overwrite_or_ignore",
    )
    # The full schema (partition columns included) lets read_parquet_dataset restore
    # dtypes; plain pandas.read_parquet can't unify a null ("__HIVE_DEFAULT_PARTITION__")
    # partition with the others.
    pq.write_metadata(table.schema, directory / COMMON_METADATA)


def csv_writer(df: pd.DataFrame) -> Writer:
    """A writer for :func:`write_many`: ``df`` as escaped UTF-8-with-BOM CSV."""
    return lambda path: _to_csv(df, path)


def parquet_writer(df: pd.DataFrame) -> Writer:
    """A writer for :func:`write_many`: ``df`` as one Parquet file."""
    return lambda path: _to_parquet(df, path)


def parquet_dataset_writer(df: pd.DataFrame, partition_cols: list[str] | None = None) -> Writer:
    """A writer for :func:`write_many`: ``df`` as a hive-partitioned Parquet directory."""
    cols = list(partition_cols) if partition_cols is not None else ["year"]
    return lambda path: _to_parquet_dataset(df, path, cols)


def text_writer(text: str) -> Writer:
    """A writer for :func:`write_many`: ``text`` as UTF-8, newlines kept as given."""
    return lambda path: path.write_bytes(text.encode("utf-8"))


def write_csv(df: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write ``df`` atomically as CSV: UTF-8 with BOM (Excel opens it right), ``\\n``, no index,
    formula-like strings escaped."""
    with atomic_path(path) as tmp:
        _to_csv(df, tmp)


def write_parquet(df: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write ``df`` atomically as a Parquet file (pyarrow, no index)."""
    with atomic_path(path) as tmp:
        _to_parquet(df, tmp)


def write_parquet_dataset(
    df: pd.DataFrame, directory: str | os.PathLike[str], partition_cols: list[str] | None = None
) -> None:
    """Write a partitioned Parquet dataset to a temp directory, then swap it in whole."""
    with atomic_path(directory) as tmp:
        parquet_dataset_writer(df, partition_cols)(tmp)


def read_parquet_dataset(directory: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a dataset written by :func:`write_parquet_dataset`, with its original dtypes.

    Rows come back grouped by partition (in directory order), not in the written order.
    """
    import pyarrow as pa
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    root = Path(directory)
    schema = pq.read_schema(root / COMMON_METADATA)
    keys = sorted({p.name.split("=", 1)[0] for p in root.rglob("*=*") if p.is_dir()})
    fields = [schema.field(k) for k in schema.names if k in keys]
    dataset = ds.dataset(
        root,
        schema=schema,
        format="parquet",
        partitioning=ds.partitioning(pa.schema(fields), flavor="hive"),
        ignore_prefixes=["_", "."],
    )
    return dataset.to_table().to_pandas()


def write_text(text: str, path: str | os.PathLike[str]) -> None:
    """Write ``text`` atomically as UTF-8."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(text.encode("utf-8"))


def write_many(mapping: Mapping[Path, Writer]) -> None:
    """Write every output to a temp first, then move them all into place together.

    If any writer fails (or the run is interrupted while writing), no destination is
    touched. The final renames are quick but not one transaction: a SIGKILL between
    two of them can still leave a mix, which the next run overwrites.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for dest, writer in mapping.items():
            dest = Path(dest)
            dest.parent.mkdir(parents=True, exist_ok=True)
            tmp = _temp_sibling(dest)
            staged.append((tmp, dest))
            writer(tmp)
            _fsync_tree(tmp)
        for tmp, dest in staged:
            _swap_into_place(tmp, dest)
    except BaseException:
        for tmp, _ in staged:
            _remove(tmp)
        raise


def replace_all(staged: list[tuple[Path, Path]]) -> None:
    """fsync each finished temp, then move each onto its destination, in order.

    For callers that streamed outputs to :func:`temp_sibling` paths themselves; on
    failure the temps not yet moved are deleted.
    """
    try:
        for tmp, _ in staged:
            _fsync_tree(Path(tmp))
        for tmp, dest in staged:
            _swap_into_place(Path(tmp), Path(dest))
    except BaseException:
        for tmp, _ in staged:
            _remove(Path(tmp))
        raise


def remove_stale_temps(directory: str | os.PathLike[str]) -> list[Path]:
    """Delete temporaries a killed run left in ``directory`` (not recursive); return them.

    A swapped-out ``.old`` directory whose destination is missing (killed between the
    two renames) is moved back instead, so the previous dataset is restored.
    Don't call it while another run writes to the same directory.
    """
    root = Path(directory)
    if not root.is_dir():
        return []
    removed: list[Path] = []
    for entry in sorted(root.iterdir()):
        match = _TEMP_RE.match(entry.name)
        if match is None:
            continue
        dest = root / match["name"]
        if entry.name.endswith(".old") and not dest.exists():
            os.replace(entry, dest)
            continue
        _remove(entry)
        removed.append(entry)
    return removed


def escape_html(text: str) -> str:
    """Escape report text for HTML (``&<>"'``), so it shows as text and never as markup."""
    return html.escape(text, quote=True)


# ---------------------------------------------------------------- names and text from reports
# Region names, doc_ids and file names come from reports and manifests: they are made
# into file names by one function, and escaped for the place their text goes.

FILENAME_MAX_BYTES = 120  # UTF-8 bytes of a stem: leaves room for suffixes under NAME_MAX (255)
_NAME_HASH_LEN = 8  # hex chars of sha256(full name) appended when a name had to change
_RESERVED_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"COM{i}" for i in range(1, 10)] + [f"LPT{i}" for i in range(1, 10)]
)


def _cut_utf8(text: str, max_bytes: int) -> str:
    """The longest prefix of ``text`` whose UTF-8 form fits ``max_bytes`` (no split character)."""
    return text.encode("utf-8")[:max_bytes].decode("utf-8", errors="ignore")


def safe_filename(name: object, max_bytes: int = FILENAME_MAX_BYTES) -> str:
    """``name`` (a region, doc_id, file name …) as one path component safe on every OS.

    Reserved characters (``/\\:*?"<>|``, controls) become ``_``; leading dots and trailing
    dots and spaces go; Windows device names get ``_``; lone surrogates (undecodable
    bytes of a file name) become U+FFFD; the result fits ``max_bytes`` of UTF-8. A name
    that had to change gets ``~`` and a short hash of the full original, so ``甲/乙市``
    and ``甲:乙市`` never write the same file. A name that is already safe is unchanged.
    """
    import hashlib

    original = str(name)
    text = original.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    text = _RESERVED_CHARS.sub("_", text).lstrip(".").rstrip(". ")
    if text.split(".", 1)[0].upper() in _WINDOWS_RESERVED:
        text = "_" + text
    if text == original and len(text.encode("utf-8")) <= max_bytes and text:
        return text
    digest = hashlib.sha256(original.encode("utf-8", "surrogatepass")).hexdigest()[:_NAME_HASH_LEN]
    room = max(1, max_bytes - _NAME_HASH_LEN - 1)
    return f"{_cut_utf8(text, room).rstrip('. ')}~{digest}".lstrip("~") or digest


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:])")


def escape_markdown(text: object) -> str:
    """Report text for a Markdown cell: shown as written, never a link, image or markup.

    HTML-escaped first (Markdown lets raw HTML through), then every Markdown
    punctuation is backslash-escaped, so ``[x](javascript:alert(1))市`` stays text.
    """
    escaped = html.escape(str(text), quote=True)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", escaped)


def escape_mathtext(text: object) -> str:
    """Report text for a matplotlib label: ``$`` escaped, so ``$…$`` is not math text."""
    return str(text).replace("$", r"\$")


def escape_format(text: object) -> str:
    """Text that a caller passes through ``str.format`` (papermill formats its paths with
    the parameters): braces doubled, so ``{processed_dir}市`` stays as written."""
    return str(text).replace("{", "{{").replace("}", "}}")


def printable_name(name: str) -> str:
    """A file name as text that can be written anywhere (CSV, logs, JSON).

    A name that is not UTF-8 (unzipping a Chinese-Windows archive gives GBK bytes)
    reaches Python with lone surrogates, which no UTF-8 writer accepts: its bytes are
    read as GB18030 when they are valid in it, else bad bytes become U+FFFD.
    """
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        pass
    data = os.fsencode(name) if "\x00" not in name else name.encode("utf-8", "surrogateescape")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", "replace")


# ---------------------------------------------------------------- one run per folder, one switch
# An output folder holds generations: ``.generations/g-…/`` each a complete set of
# outputs, ``.current`` a symbolic link naming the current one, and every output name
# (``documents.csv``, ``text`` …) a fixed link ``<name> -> .current/<name>``. A run writes
# a new generation beside the current one and switches ``.current`` with one atomic
# rename: a reader sees the old set or the new one, never a mix. Readers that open
# several files resolve the generation once with :func:`current_dir`.

GENERATIONS_DIR = ".generations"
CURRENT_LINK = ".current"
LOCK_NAME = ".lock"


def current_dir(processed: str | os.PathLike[str]) -> Path:
    """The folder holding the current generation of outputs in ``processed``.

    ``processed`` itself for a folder written before generations (or by hand), so
    every reader can call this first, whatever wrote the folder.
    """
    root = Path(processed)
    link = root / CURRENT_LINK
    try:
        target = root / os.readlink(link)
    except OSError:
        return root
    return target if target.is_dir() else root


def new_generation(out_dir: Path) -> Path:
    """A fresh, empty generation folder (not yet current) to write a run's outputs into."""
    from datetime import UTC, datetime

    gens = out_dir / GENERATIONS_DIR
    gens.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%f")  # names sort by age
    gen = gens / f"g-{stamp}-{secrets.token_hex(4)}"
    gen.mkdir()
    return gen


def switch_generation(out_dir: Path, gen: Path, names: list[str]) -> None:
    """Make ``gen`` the current generation of ``out_dir`` (one atomic rename), then make
    sure each of ``names`` is the fixed link into ``.current`` and delete generations
    other than these two (the previous one stays for readers still on it).

    Call with the folder's lock held (:func:`output_lock`). A folder written before
    generations has real files under ``names``: they are replaced by the links here,
    once, after the switch (a reader using :func:`current_dir` never sees a mix).
    """
    _fsync_tree(gen)
    _fsync_dir(gen)
    previous = current_dir(out_dir)
    link = out_dir / CURRENT_LINK
    tmp = _temp_sibling(link)
    os.symlink(os.path.relpath(gen, out_dir), tmp)
    os.replace(tmp, link)  # the commit
    _fsync_dir(out_dir)
    for name in names:
        dest = out_dir / name
        wanted = f"{CURRENT_LINK}/{name}"
        if dest.is_symlink() and os.readlink(dest) == wanted:
            continue
        tmp = _temp_sibling(dest)
        os.symlink(wanted, tmp)
        if dest.is_dir() and not dest.is_symlink():
            old = _temp_sibling(dest, "old")
            os.replace(dest, old)
            os.replace(tmp, dest)
            _remove(old)
        else:
            os.replace(tmp, dest)
    _fsync_dir(out_dir)
    for old in (out_dir / GENERATIONS_DIR).iterdir():
        if old.name not in (gen.name, previous.name):
            _remove(old)


def drop_unfinished_generations(out_dir: Path) -> list[Path]:
    """Delete the generation folders a killed run left: those newer than the current one
    (all of them when none is current). Call with the lock held."""
    gens = out_dir / GENERATIONS_DIR
    if not gens.is_dir():
        return []
    current = current_dir(out_dir)
    newest_kept = current.name if current.parent == gens else ""
    dropped = [p for p in gens.iterdir() if p.name > newest_kept]
    for p in dropped:
        _remove(p)
    return dropped


class OutputBusy(RuntimeError):
    """Another live run holds the output folder's lock."""


def _lock_holder(path: Path) -> dict:
    import json

    try:
        return json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}


@contextmanager
def output_lock(out_dir: str | os.PathLike[str], wait: float = 0.0) -> Iterator[Path]:
    """Hold ``out_dir/.lock`` while a run writes there; one run per output folder.

    The lock is an ``flock`` on the file, so the kernel releases it when the holder dies
    in any way: a lock left by a killed run is simply taken over. The file names the
    holder (pid, host, start time) for the message a second run gets. The second run
    waits up to ``wait`` seconds, then raises :class:`OutputBusy`; it touches nothing of
    the first run's.
    """
    import fcntl
    import json
    import socket
    import time

    root = Path(out_dir)
    root.mkdir(parents=True, exist_ok=True)
    path = root / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    who = _lock_holder(path)
                    raise OutputBusy(
                        f"{root} is being written by another run (pid {who.get('pid', '?')} "
                        f"on {who.get('host', '?')}, started {who.get('started', '?')}): wait "
                        "for it to finish, or give this run another output folder"
                    ) from None
                time.sleep(0.2)
        info = {"pid": os.getpid(), "host": socket.gethostname(),
                "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
        yield path
    finally:
        os.close(fd)  # releases the flock
