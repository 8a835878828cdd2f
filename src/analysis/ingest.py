"""Files → text: find the input files, read each to a RawDocument, read manifest.csv.

Input folders are whatever people drop in them: GBK text saved on old Windows
machines, Big5 copies, Word files, saved government web pages, PDFs (some only
scans). Every refusal is an ``IngestError`` whose reason a person can act on;
nothing here guesses silently, and nothing reads an unbounded amount of data.
"""

from __future__ import annotations

import codecs
import copy
import csv
import hashlib
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from itertools import islice
from pathlib import Path, PurePosixPath, PureWindowsPath

from analysis.models import RawDocument
from analysis.text import lexicon

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 200 * MB  # refuse input files above this size
ZIP_MAX_UNCOMPRESSED = 200 * MB  # a .docx expanding beyond this is refused
ZIP_MAX_RATIO = 100  # ... and so is one compressed more than this ...
ZIP_RATIO_MIN_SIZE = 20 * MB  # ... once it expands beyond this
CHUNK = 1 * MB  # read size for hashing and decoding
SAMPLE = 1 * MB  # bytes looked at to choose an encoding
JUNK_SHARE = 0.3  # above this share of control/replacement chars the "text" is binary

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".shtml"}
DOCX_SUFFIXES = {".docx"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED = ".txt, .docx, .html, .pdf"
# What to tell the user for common formats we do not read.
CONVERT_HINTS = {
    ".doc": "save it as .docx or .txt",
    ".wps": "save it as .docx or .txt",
    ".rtf": "save it as .docx or .txt",
    ".odt": "save it as .docx or .txt",
    ".xls": "copy the text into a .txt or .docx file",
    ".xlsx": "copy the text into a .txt or .docx file",
    ".csv": "copy the text into a .txt or .docx file",
    ".mht": "open it in a browser and save it as .html",
    ".mhtml": "open it in a browser and save it as .html",
}

# Encodings a Chinese report without a BOM may be in; gb18030 is a superset of
# GB2312 and GBK, so it stands for all three.
CHINESE_ENCODINGS = ["gb18030", "big5"]
BOMS = [  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
MAGIC_ZIP = b"PK"
MAGIC_OLE = bytes.fromhex("D0CF11E0A1B11AE1")
MAGIC_PDF = b"%PDF"

# manifest.csv: columns and the values SCHEMA.md allows.
MANIFEST_NAME = "manifest.csv"
MANIFEST_KEYS = ("file", "doc_id")
MANIFEST_FIELDS = (
    "title", "region", "admin_level", "parent_city", "province",
    "report_year", "period", "doc_type", "region_masked",
)  # fmt: skip
ADMIN_LEVELS = set(lexicon.codes("admin_level"))
DOC_TYPES = set(lexicon.codes("doc_type"))
PERIODS = set(lexicon.codes("period"))
PERIOD_RE = re.compile(r"M1-M(?:[1-9]|1[0-2])|(?:19|20)\d\d-(?:19|20)\d\d")
YEAR_RANGE = (1949, 2100)

UNSAFE_ID_CHARS = re.compile(r'[/\\:*?"<>|\x00-\x1f]')
CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
BLOCK_TAGS = frozenset("p div td th li article section main body pre blockquote".split())
CHROME_TAGS = ["script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe"]
READABILITY_MIN_SHARE = 0.3
PAGE_META_PATH = Path(__file__).parent / "data" / "page_meta.csv"
PAGE_META_WRITES = ("date", "source")
# a date as year, month, day with separators (2021-07-20, 2021年7月20日, ISO 8601) or without
META_DATE_RE = re.compile(r"(?P<y>(?:19|20)\d\d)\D{1,3}(?P<m>\d{1,2})\D{1,3}(?P<d>\d{1,2})"
                          r"|(?<!\d)(?P<cy>(?:19|20)\d\d)(?P<cm>[01]\d)(?P<cd>[0-3]\d)(?!\d)")
META_SOURCE_MAX = 40  # a longer "source" is a description, not an organ's name


class IngestError(Exception):
    """A file that cannot be read to text; ``status`` is "failed" or "skipped"."""

    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass
class Manifest:
    """Per-file overrides from manifest.csv, keyed by source_file, what was wrong in it,
    and the doc_id of every input file (the manifest may rename one): the one place ids
    are decided."""

    overrides: dict[str, dict[str, object]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    doc_ids: dict[Path, str] = field(default_factory=dict)
    applied: bool = True  # False when the whole file was refused
    encoding: str | None = None


# ---------------------------------------------------------------- discovery


def _relpath(path: Path, raw_dir: Path) -> str:
    try:
        return path.relative_to(raw_dir).as_posix()
    except ValueError:
        try:
            return path.resolve().relative_to(raw_dir.resolve()).as_posix()
        except ValueError:
            return path.name


def _is_inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


def _special_kind(mode: int) -> str | None:
    import stat

    for test, name in ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return None


def _unreadable_entry(path: Path, raw_dir: Path) -> str | None:
    """Why ``path`` (not a folder) is not an input, or None when it is a regular file to read."""
    import errno
    import os

    if path.name.startswith("."):
        return "hidden file (name starts with a dot); not read"
    if path.name.startswith("~$"):
        return "Word lock file (~$…); not read"
    try:
        file_stat = os.stat(path)  # follows links
    except OSError as e:
        if path.is_symlink():
            if e.errno == errno.ELOOP:
                return "symbolic link loop; not read"
            return "broken symbolic link (its target does not exist); not read"
        return f"cannot be looked at ({e.strerror}); not read"
    if path.is_symlink() and not _is_inside(path, raw_dir):
        return "symbolic link to a file outside the raw folder; never read from outside it"
    import stat

    if stat.S_ISDIR(file_stat.st_mode):
        return "symbolic link to a folder; links to folders are not followed"
    kind = _special_kind(file_stat.st_mode)
    if kind:
        return f"not a regular file ({kind}); not read"
    return None


def discover(raw_dir: Path, skipped: list[tuple[str, str]] | None = None) -> list[Path]:
    """Every input file below raw_dir, sorted by relative POSIX path so runs are reproducible.

    Not inputs: the top-level manifest.csv, hidden files and folders (".*", e.g.
    ``..txt``), Word lock files ("~$*"), links to folders, links outside raw_dir
    (never read outside the input), broken links, link loops and special files
    (FIFOs, sockets, devices: reading one could block forever). Each of them except
    the manifest is appended to ``skipped`` as (relative path, reason) when a list
    is given, so the run log names every entry of the folder; a hidden folder is one
    entry, not one per file inside.
    """
    import os

    raw_dir = Path(raw_dir)
    found: list[Path] = []
    refused: list[tuple[str, str]] = []
    for top, dirs, names in os.walk(raw_dir, followlinks=False,
                                    onerror=lambda e: refused.append(
                                        (_relpath(Path(e.filename), raw_dir),
                                         f"folder cannot be listed ({e.strerror}); not read"))):
        here = Path(top)
        for d in list(dirs):
            if d.startswith("."):
                dirs.remove(d)
                refused.append((_relpath(here / d, raw_dir),
                                "hidden folder (name starts with a dot); its files are not read"))
            elif (here / d).is_symlink():
                dirs.remove(d)
                names.append(d)  # judged below as a link
        for name in names:
            path = here / name
            rel = path.relative_to(raw_dir).as_posix()
            if rel == MANIFEST_NAME:
                continue
            why = _unreadable_entry(path, raw_dir)
            if why:
                refused.append((rel, why))
            else:
                found.append(path)
    if skipped is not None:
        skipped.extend(sorted(refused))
    return sorted(found, key=lambda p: p.relative_to(raw_dir).as_posix())


def safe_id(stem: str) -> str:
    """The stem made usable as a file name on any OS; Chinese and inner spaces stay.

    A name in GBK bytes is read as such (:func:`safeio.printable_name`), and an over-long stem is
    cut with a hash of the whole (:func:`safeio.safe_filename`): the id names an output file.
    """
    from analysis.safeio import FILENAME_MAX_BYTES, printable_name, safe_filename

    stem = printable_name(stem)
    cleaned = UNSAFE_ID_CHARS.sub("_", stem).strip().rstrip(".")
    if len(cleaned.encode("utf-8")) > FILENAME_MAX_BYTES:
        cleaned = safe_filename(cleaned)
    return cleaned or "doc"


def make_doc_ids(paths: list[Path], raw_dir: Path) -> dict[Path, str]:
    """doc_id per file: the safe stem; colliding stems get their extension, then a counter.

    Collisions are judged case-insensitively (text/<doc_id>.txt must not clash on
    Windows or macOS) and resolved in relative-path order, so ids never depend on
    the order of ``paths``.
    """
    ordered = sorted(paths, key=lambda p: _relpath(p, raw_dir))
    base = {p: safe_id(p.stem) for p in ordered}
    counts: dict[str, int] = {}
    for p in ordered:
        counts[base[p].casefold()] = counts.get(base[p].casefold(), 0) + 1
    wanted = {}
    for p in ordered:
        ext = p.suffix.lstrip(".").lower()
        clash = counts[base[p].casefold()] > 1
        wanted[p] = f"{base[p]}_{safe_id(ext)}" if clash and ext else base[p]
    wanted_counts: dict[str, int] = {}
    for p in ordered:
        wanted_counts[wanted[p].casefold()] = wanted_counts.get(wanted[p].casefold(), 0) + 1
    ids: dict[Path, str] = {}
    used = {w.casefold() for p, w in wanted.items() if wanted_counts[w.casefold()] == 1}
    for p in ordered:
        doc_id = wanted[p]
        if wanted_counts[doc_id.casefold()] > 1:
            n = 1
            while f"{doc_id}_{n}".casefold() in used:
                n += 1
            doc_id = f"{doc_id}_{n}"
            used.add(doc_id.casefold())
        ids[p] = doc_id
    return ids


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in chunks so big files cost no memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def find_duplicates(hashes: dict[str, str]) -> dict[str, str]:
    """source_file → the first source_file (in sorted order) with the same bytes."""
    first: dict[str, str] = {}
    dupes = {}
    for source in sorted(hashes):
        sha = hashes[source]
        if sha in first:
            dupes[source] = first[sha]
        else:
            first[sha] = source
    return dupes


# ---------------------------------------------------------------- text decoding


def _human_size(n: int) -> str:
    for unit, size in (("GB", 1024**3), ("MB", MB), ("KB", 1024)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} bytes"


def _bom_encoding(head: bytes) -> tuple[str, int] | None:
    for bom, name in BOMS:
        if head.startswith(bom):
            return name, len(bom)
    return None


def _looks_utf16(sample: bytes) -> str | None:
    """UTF-16 LE/BE for BOM-less text whose every other byte is the high byte of CJK or ASCII.

    Chinese UTF-16 text has its high bytes in 0x4E-0x9F (ideographs), 0x00 (ASCII,
    newlines), 0x30 (、。「」) or 0xFF (full-width forms). Requiring some 0x00 high
    bytes (a report has newlines and digits) keeps plain ASCII and GBK text out.
    """
    n = len(sample) // 2 * 2
    if n < 4:
        return None
    likely = set(range(0x4E, 0xA0)) | {0x00, 0x20, 0x30, 0xFF}
    evens, odds = sample[0:n:2], sample[1:n:2]

    def share(highs: bytes) -> float:
        return sum(b in likely for b in highs) / len(highs)

    for name, highs, lows in (("utf-16-le", odds, evens), ("utf-16-be", evens, odds)):
        nul = highs.count(0)
        if nul and nul >= lows.count(0) and share(highs) >= 0.9 and share(highs) > share(lows):
            return name
    return None


_TEXTLIKE_RE = re.compile(
    "[\x20-\x7e\n\r\t\u3400-\u9fff\u3000-\u303f\uff01-\uff5e\u2010-\u2027"
    "\u00b7\u00d7\u00a0\u25cb\u3007]+"
)


def textlike_share(text: str) -> float:
    """Share of CJK, Chinese punctuation and printable ASCII: high for a right guess of encoding."""
    if not text:
        return 0.0
    return 1 - len(_TEXTLIKE_RE.sub("", text)) / len(text)


# Characters that are never text: C0/C1 controls (bar tab and newlines), surrogates,
# private use, the replacement character. Unassigned code points are left to the decoder.
_JUNK_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\ufffd]")


def _junk_share(text: str, limit: int = 200_000) -> float:
    """Share of control, private-use, surrogate and replacement chars in the text's head."""
    text = text[:limit]
    if not text:
        return 0.0
    return len(_JUNK_RE.findall(text)) / len(text)


def _cut_at_newline(sample: bytes) -> bytes:
    """Trim a sample after its last newline so no multi-byte char is cut (0x0A is never a GBK/Big5/UTF-8 trail byte)."""
    cut = sample.rfind(b"\n")
    return sample[: cut + 1] if cut >= len(sample) // 2 else sample


def _decode_sample(sample: bytes, encoding: str, complete: bool) -> str | None:
    """The sample decoded strictly, or None; a char cut at the end of a partial sample is no error."""
    try:
        return codecs.getincrementaldecoder(encoding)().decode(sample, final=complete)
    except UnicodeDecodeError:
        return None


def rank_encodings(sample: bytes, complete: bool = True) -> list[str]:
    """UTF-8 and the Chinese legacy encodings that decode the sample, most plausible first.

    charset-normalizer (restricted to Chinese encodings) proposes candidates; the
    decoded text with the highest share of CJK + printable ASCII wins, ties going
    to UTF-8, then GB (mainland reports far outnumber Big5 ones). Strict UTF-8 is
    not taken on trust: short GBK text can be valid UTF-8 (全 = C8 AB = "ȫ").
    """
    from charset_normalizer import from_bytes  # here: a UTF-8 report never needs it (35 ms)

    decoded: dict[str, str] = {}
    proposed = from_bytes(
        _cut_at_newline(sample), cp_isolation=CHINESE_ENCODINGS, enable_fallback=False
    )
    names = [codecs.lookup(m.encoding).name for m in proposed]
    prior = ["utf-8"] + [codecs.lookup(n).name for n in CHINESE_ENCODINGS]
    for name in dict.fromkeys(prior + names):
        text = _decode_sample(sample, name, complete)
        if text is not None:
            decoded[name] = text
    share = {name: round(textlike_share(text[:100_000]), 2) for name, text in decoded.items()}

    def key(name: str) -> tuple[float, int]:
        return (-share[name], prior.index(name) if name in prior else len(prior))

    return sorted(decoded, key=key)


def _decode_stream(path: Path, encoding: str, skip: int, errors: str = "strict") -> str:
    """Decode a file chunk by chunk into one string with "\\n" newlines; raises on bad bytes if strict."""
    decoder = codecs.getincrementaldecoder(encoding)(errors=errors)
    pieces: list[str] = []
    carry_cr = False
    with open(path, "rb") as fh:
        fh.seek(skip)
        while chunk := fh.read(CHUNK):
            piece = decoder.decode(chunk)
            if carry_cr:
                piece = "\r" + piece
            carry_cr = piece.endswith("\r")
            if carry_cr:
                piece = piece[:-1]
            pieces.append(piece.replace("\r\n", "\n").replace("\r", "\n"))
        tail = decoder.decode(b"", final=True)
        pieces.append((("\r" if carry_cr else "") + tail).replace("\r\n", "\n").replace("\r", "\n"))
    return "".join(pieces)


def _decode_bytes(data: bytes, encoding: str, errors: str = "strict") -> str:
    return data.decode(encoding, errors=errors).replace("\r\n", "\n").replace("\r", "\n")


def _choose_and_decode(
    sample: bytes, complete: bool, decode: Callable[[str, str], str], label: str
) -> tuple[str, str]:
    """Pick the encoding of a BOM-less text and decode it with ``decode(encoding, errors)``.

    BOM-less UTF-16 first when its byte pattern is unmistakable, then the ranked
    candidates. A strict failure after the sample (the head looked fine, the rest
    did not) moves on to the next candidate; with none left, the best guess is
    decoded with replacement characters and the junk check judges the result.
    """
    utf16 = _looks_utf16(sample)
    if b"\x00" in sample and utf16 is None:
        raise IngestError("failed", f"not text: binary content with a {label} name")
    candidates = ([utf16] if utf16 else []) + rank_encodings(sample, complete)
    for enc in candidates:
        try:
            return decode(enc, "strict"), enc
        except UnicodeDecodeError:
            continue
    fallback = candidates[0] if candidates else "gb18030"
    return decode(fallback, "replace"), fallback


def _finish_text(text: str, label: str) -> str:
    if not text or text.isspace():  # no .strip(): that would copy a 50 MB text
        raise IngestError("failed", "empty file")
    if _junk_share(text) > JUNK_SHARE:
        raise IngestError("failed", f"not text: binary content with a {label} name")
    return text


def _clearly_utf8(sample: bytes, complete: bool) -> str | None:
    """The sample decoded, if it is strict UTF-8 with plenty of CJK (GBK bytes almost never
    decode to that); else None."""
    text = _decode_sample(sample, "utf-8", complete)
    if text is None:
        return None
    head = text[:20_000]
    if next(islice(CJK_RE.finditer(head), 31, None), None) is None:  # fewer than 32 CJK
        return None
    return text if textlike_share(head) >= 0.95 else None


def _mostly_utf8(sample: bytes) -> bool:
    """UTF-8 but for a handful of broken bytes: CJK-rich with under 0.1% replacements."""
    text = sample.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    return 0 < bad <= max(2, len(text) // 1000) and len(CJK_RE.findall(text[:20_000])) >= 32


def decode_text_file(path: Path, data: bytes | None = None) -> tuple[str, str]:
    """(text, encoding) of a plain-text file, detected rather than assumed, decoded in chunks.

    ``data``, when given, is the whole file already read: a file that fits in the
    sample is then decoded without opening it again.
    """
    label = path.suffix.lower() or "text"
    if data is not None and len(data) < SAMPLE:
        sample = data
    else:
        with open(path, "rb") as fh:
            sample = fh.read(SAMPLE)
    if not sample.strip():
        raise IngestError("failed", "empty file")
    bom = _bom_encoding(sample)
    if bom:
        enc, skip = bom
        try:
            text = _decode_stream(path, enc, skip)
        except UnicodeDecodeError:
            text = _decode_stream(path, enc, skip, errors="replace")
        return _finish_text(text, label), enc
    complete = len(sample) < SAMPLE
    decoded = _clearly_utf8(sample, complete)
    if decoded is not None:  # the common case; skips charset detection
        if complete:  # the sample is the whole file: it is decoded already
            text = decoded.replace("\r\n", "\n").replace("\r", "\n")
            return _finish_text(text, label), "utf-8"
        try:
            return _finish_text(_decode_stream(path, "utf-8", 0), label), "utf-8"
        except UnicodeDecodeError:
            pass
    if _mostly_utf8(sample):  # a few damaged bytes must not turn a UTF-8 report into mojibake
        text = _finish_text(_decode_stream(path, "utf-8", 0, errors="replace"), label)
        return text, f"utf-8 ({text.count(chr(0xFFFD))} undecodable bytes replaced)"
    text, enc = _choose_and_decode(
        sample, complete, lambda e, errors: _decode_stream(path, e, 0, errors), label
    )
    return _finish_text(text, label), enc


def _is_real_utf8(data: bytes, min_non_ascii: int = 16) -> bool:
    """Valid UTF-8 with enough non-ASCII bytes that it is no accident (全省实施 in GBK is valid UTF-8)."""
    if sum(b >= 0x80 for b in data[:SAMPLE]) < min_non_ascii:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode_bytes(data: bytes, label: str = ".txt", declared: str | None = None) -> tuple[str, str]:
    """(text, encoding) of in-memory bytes; a declared charset (HTML meta) is tried first."""
    bom = _bom_encoding(data)
    if bom:
        enc, skip = bom
        return _decode_bytes(data[skip:], enc, "replace"), enc
    if declared and declared != "utf-8" and _is_real_utf8(data):
        declared = "utf-8"  # a page re-saved as UTF-8 keeps its old meta; GBK is rarely valid UTF-8
    if declared:
        try:
            return _decode_bytes(data, declared), declared
        except (UnicodeDecodeError, LookupError):
            pass
    text, enc = _choose_and_decode(
        data[:SAMPLE], len(data) <= SAMPLE, lambda e, errors: _decode_bytes(data, e, errors), label
    )
    return text, enc


# ---------------------------------------------------------------- HTML

META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
LEGACY_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "x-gbk": "gb18030"}


def _declared_charset(data: bytes) -> str | None:
    m = META_CHARSET.search(data[:8192])
    if not m:
        return None
    label = m.group(1).decode("ascii", "replace").lower()
    label = LEGACY_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _tidy_lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def _cjk_count(text: str) -> int:
    return len(CJK_RE.findall(text))


def _largest_block_text(soup: object) -> str:
    """Text of the block holding the most CJK text outside links: the article of most gov pages."""
    from bs4 import NavigableString

    score: dict[int, int] = {}
    nodes: dict[int, object] = {}
    for s in soup.find_all(string=True):
        if not isinstance(s, NavigableString) or s.find_parent("a") is not None:
            continue
        n = _cjk_count(str(s))
        if not n:
            continue
        block = next((p for p in s.parents if p.name in BLOCK_TAGS), None)
        if block is None:
            continue
        for holder in (block, block.parent if block.name == "p" else None):
            if holder is not None and holder.name in BLOCK_TAGS:
                score[id(holder)] = score.get(id(holder), 0) + n
                nodes[id(holder)] = holder
    if not score:
        return ""
    # the smallest block that holds the most text: prefer a div over <body>
    best = max(score.values())
    winners = [nodes[k] for k, v in score.items() if v >= 0.9 * best]
    winner = min(winners, key=lambda el: len(el.get_text()))
    return _rows_joined(copy.copy(winner)).get_text("\n")


MAX_CELL_CHARS = 30  # a data table's cells are short; a layout table holds whole articles
MAX_ROW_CELLS = 16
_SENTENCE_MARKS = re.compile(r"[，。；;！？]")  # a cell holding a sentence (a task list): one a line


_VALUE_CELL = re.compile(r"[≥>＞约近]?\d[\d,]*(?:\.\d+)?\s*(?:%|％|[^\d\s]{0,4})")
MIN_VALUE_CELLS = 2  # a table of figures has numbers in its cells; a page's info box has dates


def _is_data_table(rows: list[list[str]], min_values: int = MIN_VALUE_CELLS) -> bool:
    """Short cells, none a sentence, some of them numbers: a table of figures, read a row a
    line (a disclosure page's box of 索引号 / 发布机构 / 发布日期 stays a cell a line, so its
    organ keeps a line of its own)."""
    return (not any(len(r) > MAX_ROW_CELLS for r in rows)
            and not any(len(x) > MAX_CELL_CHARS or _SENTENCE_MARKS.search(x) for r in rows for x in r)
            and sum(1 for r in rows for x in r if _VALUE_CELL.fullmatch(x.strip())) >= min_values)


_SERIAL = re.compile(r"\d{1,3}[.、．]?")
MAX_HEAD_CHARS = 12  # a column head: 序号, 任务目标, 进展情况


def _numbered_rows(rows: list[list[str]]) -> bool:
    """A head row of short words, then rows numbered 1, 2, 3 … in the first column: a table
    of tasks whose cells are sentences."""
    head, body = rows[0] if rows else [], rows[1:]
    return (2 <= len(head) <= 8 and all(x and len(x) <= MAX_HEAD_CHARS and not _SENTENCE_MARKS.search(x)
                                        and not re.search(r"\d", x) for x in head)
            and len(body) >= 1 and all(r and _SERIAL.fullmatch(r[0].strip()) for r in body)
            and [int(re.sub(r"\D", "", r[0])) for r in body] == list(range(1, len(body) + 1)))


def table_lines(rows: list[list[str]], min_values: int = MIN_VALUE_CELLS) -> list[str]:
    """A table as lines: a table of figures a row a line (cells apart by tabs); a numbered
    table of sentences with its head row as one line, then each row's cells a line each, its
    number before the first (so the rows stay apart and a page number is not taken for one);
    any other table a cell a line."""
    if _is_data_table(rows, min_values):
        return [row_line(_marked_gaps(cells)) for cells in rows]
    if _numbered_rows(rows):
        out = [row_line(rows[0])]
        for serial, *rest in rows[1:]:
            cells = [" ".join(c.split()) for c in rest]
            out.append(serial.strip() + "\t" + (cells[0] if cells else EMPTY_CELL))
            out.extend(c or EMPTY_CELL for c in cells[1:])
        return out
    return [c.strip() for cells in rows for c in cells if c.strip()]


def _marked_gaps(cells: list[str]) -> list[str]:
    """A row's empty cells after its first filled one as :data:`EMPTY_CELL`, so that the
    cells after a gap stay under their own heads (2022年 empty, 2023年 filled) and a row
    empty at its end still reaches its last column; empty cells before the first filled one
    (a corner, a category cell spanning rows) leave nothing, as before."""
    first = next((i for i, c in enumerate(cells) if c.strip()), len(cells))
    return [c if c.strip() or i < first else EMPTY_CELL for i, c in enumerate(cells)]


def _rows_joined(soup: object) -> object:
    """A data table (no table inside, short cells, none a sentence) or a numbered table of
    tasks as :func:`table_lines` gives it, so that a table keeps its columns (one cell a line
    loses them)."""
    from bs4 import NavigableString

    for table in soup.find_all("table"):
        if table.find("table") is not None:
            continue
        rows = table.find_all("tr")
        cells = [[c.get_text(" ", strip=True) for c in r.find_all(["td", "th"])] for r in rows]
        cells = [r for r in cells if r]
        if not cells or not (_is_data_table(cells) or _numbered_rows(cells)):
            continue  # a layout table, or one of sentences: a cell a line, as the page gives it
        table.replace_with(NavigableString("\n" + "\n".join(table_lines(cells)) + "\n"))
    return soup


def _table_holder(el: object) -> object | None:
    """The block that holds the table ``el`` (a cell, a row or the table) sits in: a table is
    read whole, with the paragraphs beside it."""
    table = el if getattr(el, "name", None) == "table" else el.find_parent("table")
    if table is None:
        return None
    return next((p for p in table.parents if p.name in BLOCK_TAGS and p.name not in ("td", "th")), None)


def _whole_tables(summary: str, soup: object) -> str | None:
    """readability sometimes returns one row or cell of a table (a task list, a table of
    results) as the article: then the text is the block holding that table, so no row is lost."""
    from bs4 import BeautifulSoup

    if not re.search(r"<t[rdh][\s>]", summary) or "<table" in summary:
        return None
    cells = [c.get_text(" ", strip=True) for c in BeautifulSoup(summary, "lxml").find_all(["td", "th"])]
    probe = next((c for c in cells if _cjk_count(c) >= 4), None)
    if probe is None:
        return None
    for table in soup.find_all("table"):
        if any(c.get_text(" ", strip=True) == probe for c in table.find_all(["td", "th"])):
            holder = copy.copy(_table_holder(table) or table)
            for link in holder.find_all("a"):  # a layout table's menus are links, its article is not
                link.decompose()
            return _rows_joined(holder).get_text("\n")
    return None


@cache
def load_page_meta(path: Path = PAGE_META_PATH) -> tuple[tuple[str, str, str], ...]:
    """(meta name in lower case, what it writes, its line template) of ``path``, checked."""
    out = []
    for line, r in lexicon._rows(path, ("name", "writes", "line", "reason")):
        name, writes, template = r["name"].strip(), r["writes"].strip(), r["line"].strip()
        if not name or not r["reason"].strip():
            raise lexicon._fail(path, line, "empty name or reason")
        if writes not in PAGE_META_WRITES:
            raise lexicon._fail(path, line, f"writes {writes!r} is not one of {PAGE_META_WRITES}")
        if template.count("{value}") != 1 or "{" in template.replace("{value}", ""):
            raise lexicon._fail(path, line, f"line {template!r} needs exactly one {{value}}")
        out.append((name.lower(), writes, template))
    return tuple(out)


def _ymd(text: str) -> list[tuple[int, int, int]]:
    """Every (year, month, day) written in ``text`` (2021-07-20, 2021年7月20日, 20210720)."""
    out = []
    for m in META_DATE_RE.finditer(text):
        y, mo, d = (int(g) for g in (m.group("y") or m.group("cy"), m.group("m") or m.group("cm"),
                                      m.group("d") or m.group("cd")))
        if 1 <= mo <= 12 and 1 <= d <= 31:
            out.append((y, mo, d))
    return out


def _meta_value(writes: str, content: str) -> str | None:
    """A meta tag's content as the page line would give it: a date as YYYY-MM-DD, a source
    as its words (one line, not too long); else None."""
    content = " ".join(content.split())
    if writes == "date":
        dates = _ymd(content)
        if not dates:
            return None
        y, m, d = dates[0]
        return f"{y:04d}-{m:02d}-{d:02d}"
    return content if 0 < len(content) <= META_SOURCE_MAX else None


def _said(writes: str, value: str, body: str) -> bool:
    """Whether the body already gives this date (in any writing) or source."""
    if writes == "date":
        return tuple(int(x) for x in value.split("-")) in _ymd(body)
    return value in body


def page_meta_lines(soup: object, body: str) -> list[str]:
    """The page's publication date and source from its <meta> tags, as the dateline lines
    a reader of the page sees (发布时间：…, 来源：…): saved government pages keep them in
    the head while the article body read from them lost the visible dateline. Only what
    the body does not already say; one line per kind, the first row of the file that the
    page has with a readable value winning."""
    tags: dict[str, list[str]] = {}
    for tag in soup.find_all("meta"):
        key = (tag.get("name") or tag.get("property") or "").strip().lower()
        tags.setdefault(key, []).append(str(tag.get("content") or ""))
    found: dict[str, str | None] = {}
    for name, writes, template in load_page_meta():
        if writes in found:
            continue
        for content in tags.get(name, ()):
            value = _meta_value(writes, content)
            if value:
                found[writes] = None if _said(writes, value, body) else template.format(value=value)
                break
    return [line for w in PAGE_META_WRITES if (line := found.get(w))]


def html_to_text(html: str) -> str:
    """Title line, the page's dateline from its meta tags, then the article body:
    navigation, menus, footers and scripts dropped."""
    from bs4 import BeautifulSoup
    from readability import Document

    soup = BeautifulSoup(html, "lxml")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup(CHROME_TAGS):
        tag.decompose()
    page_cjk = _cjk_count(soup.body.get_text("\n") if soup.body else soup.get_text("\n"))
    try:
        summary = Document(html).summary(html_partial=True)
        body = _whole_tables(summary, soup) or _rows_joined(BeautifulSoup(summary, "lxml")).get_text("\n")
    except Exception:  # readability raises bare Exceptions on odd markup
        body = ""
    if _cjk_count(body) < READABILITY_MIN_SHARE * page_cjk:
        fallback = _largest_block_text(soup)
        if _cjk_count(fallback) > _cjk_count(body):
            body = fallback
    lines = _tidy_lines(body)
    if title and lines and lines[0] == title:
        lines = lines[1:]
    dateline = page_meta_lines(soup, "\n".join(lines))
    return "\n".join(([title] if title else []) + dateline + lines)


def read_html(path: Path) -> tuple[str, str]:
    data = path.read_bytes()
    if not data.strip():
        raise IngestError("failed", "empty file")
    html, enc = decode_bytes(data, path.suffix.lower(), declared=_declared_charset(data))
    if _junk_share(html) > JUNK_SHARE:
        raise IngestError("failed", f"not text: binary content with a {path.suffix.lower()} name")
    text = html_to_text(html)
    if not text.strip():
        raise IngestError("failed", "empty file")
    if not CJK_RE.search(text) and not re.search(r"\w", text):
        raise IngestError("failed", "HTML page with no readable text")
    return text, enc


# ---------------------------------------------------------------- DOCX


def _ole_is_encrypted(path: Path) -> bool:
    """An encrypted .docx is an OLE container holding an "EncryptedPackage" stream."""
    needle = "EncryptedPackage".encode("utf-16-le")
    tail = b""
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            if needle in tail + chunk:
                return True
            tail = chunk[-len(needle) :]
    return False


def check_zip(path: Path, label: str = ".docx") -> None:
    """Refuse a zip whose directory promises far more data than is sane (a zip bomb) before inflating it."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise IngestError(
            "failed", f"truncated or corrupt {label} (not a valid zip archive)"
        ) from exc
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if total > ZIP_MAX_UNCOMPRESSED or (
        total > ZIP_RATIO_MIN_SIZE and total / packed > ZIP_MAX_RATIO
    ):
        raise IngestError(
            "failed", f"archive expands to {_human_size(total)}, refused as a possible zip bomb"
        )


_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff（）()%])\s+(?=[\u4e00-\u9fff（）()])")
EMPTY_CELL = "—"  # an empty cell keeps its place: a task table's rows stay apart, a data table's columns under their heads


def row_line(cells: list[str]) -> str:
    """A table row as one line, cells apart by tabs (a reader of indicator tables splits them
    again at blanks): a cell's line breaks and blanks between Chinese characters go, so one cell
    stays one piece. An empty cell leaves nothing (a dash there was read as a phrase or a range
    sign); the table reader reads a row only when its cells add up to the head's."""
    return "\t".join(t for c in cells if (t := _CJK_GAP.sub("", " ".join(c.split()))))


def _docx_text(doc: object) -> str:
    """Paragraphs and table rows in document order; a row's cells joined by tabs, merged cells once."""
    from docx.table import Table

    lines: list[str] = []
    for block in doc.iter_inner_content():
        if isinstance(block, Table):
            rows = []
            for row in block.rows:
                cells, seen = [], set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    cells.append(cell.text)
                rows.append(cells)
            lines.extend(table_lines(rows, min_values=0))  # a document's table is no page frame
        else:
            lines.append(block.text)
    return "\n".join(lines)


def read_docx(path: Path, head: bytes) -> str:
    if head.startswith(MAGIC_OLE):
        if _ole_is_encrypted(path):
            raise IngestError(
                "failed", "password-protected .docx (remove the password and save again)"
            )
        raise IngestError(
            "failed", "this is an old Word .doc saved with a .docx name; save it as .docx"
        )
    if not head.startswith(MAGIC_ZIP):
        raise IngestError("failed", "truncated or corrupt .docx (not a valid zip archive)")
    check_zip(path)
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        doc = docx.Document(str(path))
    except (PackageNotFoundError, KeyError) as exc:  # KeyError: a part the package needs is missing
        raise IngestError(
            "failed", "not a Word document (the zip holds no Word document parts)"
        ) from exc
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise IngestError(
            "failed", f"truncated or corrupt .docx ({exc.__class__.__name__})"
        ) from exc
    except Exception as exc:  # lxml.etree.XMLSyntaxError and kin on damaged parts
        raise IngestError("failed", f"corrupt .docx: {exc.__class__.__name__}") from exc
    text = _docx_text(doc)
    if not text.strip():
        raise IngestError("failed", "empty file")
    return text


# ---------------------------------------------------------------- PDF


def _root_cause(exc: BaseException) -> BaseException:
    """The pdfminer error inside pdfplumber's wrapper (it passes the original as args[0])."""
    while exc.args and isinstance(exc.args[0], BaseException):
        exc = exc.args[0]
    return exc


def _page_text(page: object) -> str:
    """A page's text layer; the page's parsed objects are dropped at once so long PDFs stay small."""
    try:
        return page.extract_text() or ""
    finally:
        page.close()


def read_pdf(path: Path, head: bytes) -> str:
    """The text layer, pages joined by newlines; no OCR, so a scan is refused with that reason."""
    if MAGIC_PDF not in head:
        raise IngestError("failed", "not a PDF: the file does not start with %PDF")
    import pdfplumber

    try:
        with pdfplumber.open(path) as pdf:
            if not pdf.pages:
                raise IngestError("failed", "PDF has no pages (truncated or corrupt)")
            texts = [_page_text(page) for page in pdf.pages]
    except IngestError:
        raise
    except Exception as exc:  # pdfminer raises many unrelated types on damaged files
        from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

        cause = _root_cause(exc)
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise IngestError("failed", "password-protected PDF") from exc
        raise IngestError(
            "failed", f"truncated or corrupt PDF ({cause.__class__.__name__})"
        ) from exc
    text = "\n".join(texts).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise IngestError("failed", "scanned PDF with no text layer (no OCR is done)")
    return text


# ---------------------------------------------------------------- dispatch


def read_document(
    path: Path, raw_dir: Path, doc_id: str | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES,
    data: bytes | None = None, sha256: str | None = None,
) -> RawDocument:
    """Read one input file to text, or raise IngestError saying why not.

    ``data`` is the file's bytes when the caller has read them already (a small file
    is read once, for its hash and its text); ``sha256`` their hash, when the caller
    has it (not computed twice).
    """
    path, raw_dir = Path(path), Path(raw_dir)
    suffix = path.suffix.lower()
    known = TEXT_SUFFIXES | HTML_SUFFIXES | DOCX_SUFFIXES | PDF_SUFFIXES
    if suffix not in known:
        hint = CONVERT_HINTS.get(suffix, f"supported: {SUPPORTED}")
        shown = suffix or "(no extension)"
        raise IngestError("skipped", f"unsupported file type {shown} ({hint})")
    size = path.stat().st_size
    if size == 0:
        raise IngestError("failed", "empty file")
    if size > max_bytes:
        raise IngestError(
            "failed", f"file is {_human_size(size)}, above the {_human_size(max_bytes)} size limit"
        )
    if data is not None:
        head = data[:1024]
    else:
        with open(path, "rb") as fh:
            head = fh.read(1024)
    encoding = None
    if suffix in TEXT_SUFFIXES:
        fmt = "txt"
        text, encoding = decode_text_file(path, data)
    elif suffix in HTML_SUFFIXES:
        fmt = "html"
        text, encoding = read_html(path)
    elif suffix in DOCX_SUFFIXES:
        fmt = "docx"
        text = read_docx(path, head)
    else:
        fmt = "pdf"
        text = read_pdf(path, head)
    return RawDocument(
        doc_id=doc_id or safe_id(path.stem),
        source_file=_relpath(path, raw_dir),
        fmt=fmt,
        text=text,
        sha256=sha256 or (hashlib.sha256(data).hexdigest() if data is not None
                          else file_sha256(path)),
        encoding=encoding,
    )


# ---------------------------------------------------------------- manifest


MANIFEST_MAX_BYTES = 16 * MB  # a manifest is a few KB; more is not a manifest
MANIFEST_MAX_LINE = 4096  # characters of one manifest line (far below csv's 131,072 limit)


def _read_manifest_text(path: Path) -> tuple[str, str, set[int]] | None:
    """(text, encoding, numbers of lines that held a NUL byte), or None when not text.

    UTF-8 (with or without BOM) when the bytes are valid UTF-8, else the Chinese
    encoding charset-normalizer finds most coherent (Big5 is not GBK). NUL bytes are
    removed before decoding and their lines reported by the caller.
    """
    with open(path, "rb") as fh:
        data = fh.read(MANIFEST_MAX_BYTES + 1)
    if len(data) > MANIFEST_MAX_BYTES:
        return None
    nul_lines: set[int] = set()
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        for i, line in enumerate(data.split(b"\n"), start=1):
            if b"\x00" in line:
                nul_lines.add(i)
        data = data.replace(b"\x00", b"")
    bom = _bom_encoding(data)
    if bom:
        try:
            return data[bom[1]:].decode(bom[0]), bom[0], nul_lines
        except UnicodeDecodeError:
            return None
    try:
        return data.decode("utf-8"), "utf-8", nul_lines
    except UnicodeDecodeError:
        pass
    # Judged on the lines that can be rows (an over-long one is refused anyway, and one
    # huge cell of a repeated character defeats the detector), decoded whole.
    sample = b"\n".join(line for line in data.split(b"\n")
                        if len(line) <= 4 * MANIFEST_MAX_LINE)[:SAMPLE]
    from charset_normalizer import from_bytes

    best = from_bytes(sample, cp_isolation=CHINESE_ENCODINGS + ["utf_8"]).best()
    if best is None:
        return None
    encoding = codecs.lookup(best.encoding).name
    return data.decode(encoding, errors="replace"), encoding, nul_lines


def _manifest_rows(text: str, nul_lines: set[int], problems: list[str]):
    """(line number, cells) per manifest line: each line parsed on its own, so an unclosed
    quote costs its own row only; a NUL or an over-long line is reported, not parsed."""
    for line_no, line in enumerate(text.splitlines(), start=1):
        where = f"manifest.csv line {line_no}"
        if line_no in nul_lines or "\x00" in line:
            problems.append(f"{where}: contains a NUL byte; row ignored")
            continue
        if len(line) > MANIFEST_MAX_LINE:
            problems.append(f"{where}: {len(line):,} characters long (at most "
                            f"{MANIFEST_MAX_LINE:,}); row ignored")
            continue
        try:
            rows = list(csv.reader([line], strict=True))
        except csv.Error as e:
            problems.append(f"{where}: not a valid CSV row ({e}: a quote not closed?); "
                            "row ignored")
            continue
        yield line_no, (rows[0] if rows else [])


def _unsafe_file_value(value: str, raw_dir: Path) -> str | None:
    """Why a manifest ``file`` path may not be used, or None when it stays inside raw_dir."""
    if (
        PurePosixPath(value).is_absolute()
        or PureWindowsPath(value).is_absolute()
        or re.match(r"^[A-Za-z]:", value)
    ):
        return "is an absolute path"
    if not _is_inside(raw_dir / value, raw_dir):
        return "points outside the raw folder"
    return None


def _check_value(column: str, value: str) -> tuple[object | None, str | None]:
    """(value to use, problem) for one manifest cell."""
    if column == "report_year":
        lo, hi = YEAR_RANGE
        if re.fullmatch(r"\d{4}", value) and lo <= int(value) <= hi:
            return int(value), None
        return None, f"report_year {value!r} is not a year {lo}-{hi}"
    if column == "region_masked":
        if value in ("0", "1"):
            return int(value), None
        return None, f"region_masked {value!r} is not 0 or 1"
    allowed = {"admin_level": ADMIN_LEVELS, "doc_type": DOC_TYPES, "period": PERIODS}.get(column)
    if allowed is not None and value not in allowed:
        if column == "period" and PERIOD_RE.fullmatch(value):
            return value, None
        extra = ", M1-M<n>, YYYY-YYYY" if column == "period" else ""
        return None, f"{column} {value!r} is not one of {', '.join(sorted(allowed))}{extra}"
    return value, None


def load_manifest(raw_dir: Path, files: list[Path]) -> Manifest:
    """Read raw_dir/manifest.csv (optional) into per-file overrides; bad cells become problems, not crashes.

    All cells are read as text (a code like 0532 stays "0532"); report_year and
    region_masked become ints once validated.
    """
    raw_dir = Path(raw_dir)
    ids = make_doc_ids(files, raw_dir)
    manifest = Manifest(doc_ids=dict(ids))
    path = raw_dir / MANIFEST_NAME
    if not path.is_file():
        return manifest
    read = _read_manifest_text(path)
    if read is None:
        manifest.applied = False
        manifest.problems.append("manifest.csv: not text in UTF-8 or a Chinese encoding "
                                 f"(or above {MANIFEST_MAX_BYTES // MB} MB); ignored")
        return manifest
    text, manifest.encoding, nul_lines = read
    reader = _manifest_rows(text, nul_lines, manifest.problems)
    header = [h.strip().lower() for h in next(reader, (1, []))[1]]
    accepted = MANIFEST_KEYS + MANIFEST_FIELDS
    unknown = [h for h in header if h and h not in accepted]
    if unknown:
        manifest.problems.append(
            f"manifest.csv: unknown column(s) {', '.join(unknown)} ignored; accepted: {', '.join(accepted)}"
        )
    if not any(k in header for k in MANIFEST_KEYS):
        manifest.applied = False
        manifest.problems.append("manifest.csv: needs a 'file' or 'doc_id' column; ignored")
        return manifest
    by_source = {_relpath(p, raw_dir): p for p in files}
    by_id = {doc_id: _relpath(p, raw_dir) for p, doc_id in ids.items()}
    id_of = {source: doc_id for doc_id, source in by_id.items()}  # updated by doc_id overrides
    first_row: dict[str, int] = {}
    for line_no, row in reader:
        cells = {
            h: (row[i].strip() if i < len(row) else "")
            for i, h in enumerate(header)
            if h in accepted
        }
        if not any(cells.values()):
            continue
        where = f"manifest.csv row {line_no}"
        source = _match_row(cells, raw_dir, by_source, by_id, where, manifest.problems)
        if source is None:
            continue
        if source in first_row:
            manifest.problems.append(
                f"{where}: {source} already given in row {first_row[source]}; later values win"
            )
        first_row.setdefault(source, line_no)
        values = manifest.overrides.setdefault(source, {})
        if cells.get("file") and cells.get("doc_id"):
            problem = _rename(source, safe_id(cells["doc_id"]), id_of)
            if problem:
                manifest.problems.append(f"{where}: {problem}; cell ignored")
        for column in MANIFEST_FIELDS:
            value = cells.get(column, "")
            if not value:
                continue
            checked, problem = _check_value(column, value)
            if problem:
                manifest.problems.append(f"{where}: {problem}; cell ignored")
            else:
                values[column] = checked
    manifest.overrides = {k: v for k, v in manifest.overrides.items() if v}
    manifest.doc_ids = {p: id_of[source] for source, p in by_source.items()}
    return manifest


def _rename(source: str, new_id: str, id_of: dict[str, str]) -> str | None:
    """Give ``source`` the doc_id ``new_id`` unless another file has it (ids name output files)."""
    for other, doc_id in id_of.items():
        if other != source and doc_id.casefold() == new_id.casefold():
            return f"doc_id {new_id!r} is already the id of {other}"
    id_of[source] = new_id
    return None


def _match_row(
    cells: dict[str, str],
    raw_dir: Path,
    by_source: dict[str, Path],
    by_id: dict[str, str],
    where: str,
    problems: list[str],
) -> str | None:
    """The source_file a manifest row is about, or None (with a problem noted)."""
    value = cells.get("file", "")
    if value:
        value = value.replace("\\", "/")
        unsafe = _unsafe_file_value(value, raw_dir)
        if unsafe:
            problems.append(f"{where}: file {value!r} {unsafe}; row refused")
            return None
        source = PurePosixPath(*[p for p in PurePosixPath(value).parts if p != "."]).as_posix()
        if source not in by_source:
            problems.append(f"{where}: file {value!r} matches no input file; row ignored")
            return None
        return source
    doc_id = cells.get("doc_id", "")
    if doc_id not in by_id:
        problems.append(f"{where}: doc_id {doc_id!r} matches no input file; row ignored")
        return None
    return by_id[doc_id]
