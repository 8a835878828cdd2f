#!/usr/bin/env python
"""Extraction and batch benchmark on a synthetic corpus (issue 5); see bench/README.md.

    python bench/run.py --docs 10000 [--seed 0] [--jobs N] [--skip-notebooks]

Builds N reports by recombining paragraphs of data/raw/*.txt with new figures,
places and years (deterministic for a seed), then times on the same text:
(a) the floor, one compiled regex pass for number+unit spans; (b) our
``extract_figures`` alone, single process; (c) ``analysis extract`` end to end
on all cores; (d) the peer ``jionlp`` money extractor; (e) the papermill batch.
Stages whose code is missing are skipped with a message. Results are printed
and written to bench/results/<timestamp>.json and bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import inspect
import json
import os
import platform
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
SRC = ROOT / "src"
if SRC.is_dir() and str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))  # run from a fresh clone without installing

RAW_DIR = ROOT / "data" / "raw"
GAZETTEER = SRC / "analysis" / "data" / "gazetteer.csv"
RESULTS_DIR = BENCH_DIR / "results"
MB = 1_000_000

# Goals from issue 5 (for the benchmark, not tests).
GOAL_EXTRACT_MBPS_PER_CORE = 5.0
GOAL_MAX_SLOWDOWN_VS_FLOOR = 25.0
GOAL_E2E_DOCS = 10_000
GOAL_E2E_SECONDS = 60.0
GOAL_E2E_CORES = 2
GOAL_PEAK_RSS_MB = 1000.0

FALLBACK_PLACES = [
    "青岛市", "宁波市", "温州市", "大连市", "厦门市", "济南市", "杭州市", "苏州市",
    "无锡市", "合肥市", "成都市", "武汉市", "长沙市", "西安市", "郑州市", "南京市",
]  # fmt: skip

# The floor: number (Arabic, decimal, or Chinese numerals) + optional 万/亿 + a unit.
FLOOR_RE = re.compile(
    r"(?:\d+(?:[.,]\d+)*|[零〇一二两三四五六七八九十百千]+)\s*[万亿]*\s*"
    r"(?:平方米|平米|亩|元|美元|件|家|项|个百分点|百分点|个|人次|人|名|场|期|台|套|所|倍|%|％)"
)
YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
DIGITS_RE = re.compile(r"\d+")
SENTENCE_END = "。;;!!?"


# --------------------------------------------------------------------------- corpus


@dataclass
class Paragraph:
    text: str
    base_year: int | None  # the year of the report it came from, to shift years coherently


def _first_year(text: str) -> int | None:
    match = YEAR_RE.search(text[:400]) or YEAR_RE.search(text)
    return int(match.group()) if match else None


def load_paragraphs(raw_dir: Path) -> list[Paragraph]:
    """Body paragraphs of the sample reports (page chrome and headings dropped)."""
    paragraphs = []
    for path in sorted(raw_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        base = _first_year(text)
        for line in text.splitlines():
            line = line.strip()
            if len(line) >= 30 and any(ch in line for ch in SENTENCE_END + ",,"):
                paragraphs.append(Paragraph(line, base))
    if not paragraphs:
        raise SystemExit(f"no usable paragraphs in {raw_dir}/*.txt")
    return paragraphs


def load_places(gazetteer: Path) -> list[tuple[str, str]]:
    """(full name, short name) of prefecture-level places to write into the reports."""
    if gazetteer.is_file():
        with gazetteer.open(encoding="utf-8-sig", newline="") as handle:
            rows = [
                (row["name"], row.get("short_name") or row["name"])
                for row in csv.DictReader(handle)
                if row.get("level") == "prefecture" and row.get("name")
            ]
        if rows:
            return rows
    return [(name, name.removesuffix("市")) for name in FALLBACK_PLACES]


def place_pattern(places: list[tuple[str, str]]) -> re.Pattern[str]:
    """Any full or short place name (short names of two characters or more), longest first."""
    names = {full for full, _ in places} | {short for _, short in places if len(short) >= 2}
    return re.compile("|".join(sorted(map(re.escape, names), key=len, reverse=True)))


@dataclass
class Synthesizer:
    paragraphs: list[Paragraph]
    places: list[tuple[str, str]]
    seed: int
    target_bytes: int
    fulls: set[str] = field(init=False)
    pattern: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        self.fulls = {full for full, _ in self.places}
        self.pattern = place_pattern(self.places)

    def document(self, index: int) -> tuple[str, str]:
        """(doc_id, text) of synthetic report ``index``; the same for the same seed."""
        rng = random.Random(f"{self.seed}:{index}")
        full, short = rng.choice(self.places)
        year = rng.randint(2008, 2024)
        half = rng.random() < 0.3
        kind = rng.choice(["工作总结", "工作总结和下一年工作要点", "工作要点"])
        title = f"{full}科技局{year}年{'上半年' if half else ''}{kind}"
        parts, size = [title], len(title.encode())
        while size < self.target_bytes:
            para = rng.choice(self.paragraphs)
            text = self._vary(para, rng, year, full, short)
            parts.append("  " + text)
            size += len(text.encode()) + 3
        return f"syn_{index:06d}", "\n".join(parts) + "\n"

    def _vary(self, para: Paragraph, rng: random.Random, year: int, full: str, short: str) -> str:
        def new_year(match: re.Match[str]) -> str:
            shift = int(match.group()) - para.base_year if para.base_year else 0
            return str(year + max(-10, min(10, shift)))

        def new_digits(match: re.Match[str]) -> str:
            digits = match.group()
            if YEAR_RE.fullmatch(digits):
                return new_year(match)
            first = str(rng.randint(1, 9)) if len(digits) > 1 else str(rng.randint(0, 9))
            return first + "".join(str(rng.randint(0, 9)) for _ in digits[1:])

        def new_place(match: re.Match[str]) -> str:
            return full if match.group() in self.fulls else short

        return self.pattern.sub(new_place, DIGITS_RE.sub(new_digits, para.text))


@dataclass
class Corpus:
    folder: Path
    doc_ids: list[str]
    n_bytes: int
    sources: list[str] = field(default_factory=list)  # real mode: the reports copied

    def texts(self, limit: int | None = None) -> Iterator[tuple[str, str]]:
        for doc_id in self.doc_ids[:limit]:
            yield doc_id, (self.folder / f"{doc_id}.txt").read_text(encoding="utf-8")


def build_corpus(folder: Path, n_docs: int, seed: int, doc_kb: float) -> Corpus:
    synth = Synthesizer(load_paragraphs(RAW_DIR), load_places(GAZETTEER), seed, int(doc_kb * 1000))
    return write_corpus(folder, n_docs, synth.document)


def write_corpus(folder: Path, n_docs: int, document: Callable[[int], tuple[str, str]]) -> Corpus:
    """Write reports 0 … n_docs-1 of a synthesizer (``document(index)`` → id, text)."""
    folder.mkdir(parents=True, exist_ok=True)
    doc_ids, n_bytes = [], 0
    for index in range(n_docs):
        doc_id, text = document(index)
        data = text.encode("utf-8")
        (folder / f"{doc_id}.txt").write_bytes(data)
        doc_ids.append(doc_id)
        n_bytes += len(data)
    return Corpus(folder, doc_ids, n_bytes)


# --------------------------------------------------------------------------- real-text corpus
#
# Issue 15: whole real reports, each copy with new figures, years and places, so that
# no cache of documents or phrases built on one copy answers for the next.

STOPWORDS = SRC / "analysis" / "data" / "gazetteer_stopwords.txt"
REAL_SOURCES = ("raw", "texts")
DATE_NEIGHBOURS = "-:/／．.："  # a digit run touching these is part of a date or a time
DATE_UNITS = "月日号时分秒"
REAL_YEARS = (2008, 2024)  # a copy's report year is drawn from this range
REAL_RE = re.compile(r"\d+")


@dataclass
class Source:
    """One real report, cut into literal text, digit runs and place names once, so that a
    copy is only the segments joined with new values (fast for 100,000 copies)."""

    name: str
    segments: list[tuple[str, str]]  # (kind, text): lit | digits | year | date | place
    base_year: int | None
    n_bytes: int


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def load_real_texts(raw_dir: Path, texts_dir: Path | None) -> list[tuple[str, str]]:
    """(label, text) of every .txt report of the sample corpus and of ``texts_dir``."""
    out = []
    for label, folder in zip(REAL_SOURCES, (raw_dir, texts_dir), strict=True):
        if folder is None:
            continue
        if not folder.is_dir():
            raise SystemExit(f"--texts {folder}: not a folder")
        for path in sorted(folder.glob("*.txt")):
            text = _read_text(path)
            if text.strip():
                out.append((f"{label}/{path.name}", text))
    if not out:
        raise SystemExit(f"no .txt reports in {raw_dir}")
    return out


@dataclass
class PlaceIndex:
    """Gazetteer surface forms (full names and short names of two characters or more, not
    common words) → (level, unit number, is full name); and the units of each level."""

    surfaces: dict[str, tuple[str, int, bool]]
    units: list[tuple[str, str]]  # unit number → (full, short)
    by_level: dict[str, list[int]]
    max_len: int

    @classmethod
    def load(cls) -> PlaceIndex:
        stop = set()
        if STOPWORDS.is_file():
            stop = {w.strip() for w in STOPWORDS.read_text(encoding="utf-8").splitlines()
                    if w.strip() and not w.startswith("#")}
        surfaces: dict[str, tuple[str, int, bool]] = {}
        units: list[tuple[str, str]] = []
        by_level: dict[str, list[int]] = {}
        seen: set[str] = set()
        with GAZETTEER.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                full, short, level = row["name"], row.get("short_name") or "", row["level"]
                if not full or full in seen or level == "province":
                    continue  # provinces stay: a copy keeps its province's words coherent
                seen.add(full)
                unit = len(units)
                units.append((full, short if len(short) >= 2 and short not in stop else full))
                by_level.setdefault(level, []).append(unit)
                surfaces.setdefault(full, (level, unit, True))
                if len(short) >= 2 and short not in stop and short != full:
                    surfaces.setdefault(short, (level, unit, False))
        return cls(surfaces, units, by_level, max(map(len, surfaces)))

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """Leftmost-longest place mentions: (start, end, surface)."""
        out, i, n = [], 0, len(text)
        lengths = range(min(self.max_len, n), 1, -1)
        while i < n:
            for length in lengths:
                if text[i:i + length] in self.surfaces:
                    out.append((i, i + length, text[i:i + length]))
                    i += length
                    break
            else:
                i += 1
        return out


def cut_source(name: str, text: str, places: PlaceIndex) -> Source:
    """A real report as segments: what a copy varies and what it keeps."""
    segments: list[tuple[str, str]] = []
    pos = 0
    marks = [(m.start(), m.end(), "num") for m in REAL_RE.finditer(text)]
    marks += [(s, e, "place") for s, e, _ in places.spans(text)]
    marks.sort()
    for start, end, what in marks:
        if start < pos:
            continue  # a digit inside a place name: none in the gazetteer, kept safe
        segments.append(("lit", text[pos:start]))
        token = text[start:end]
        if what == "place":
            segments.append(("place", token))
        elif len(token) == 4 and YEAR_RE.fullmatch(token):
            segments.append(("year", token))
        elif (text[end:end + 1] in DATE_UNITS or text[end:end + 1] in DATE_NEIGHBOURS
              or text[start - 1:start] in DATE_NEIGHBOURS) and len(token) <= 2:
            segments.append(("date", token))  # 3月, 07-15, 09:41: kept, a date stays a date
        else:
            segments.append(("digits", token))
        pos = end
    segments.append(("lit", text[pos:]))
    return Source(name, [s for s in segments if s[1]], _first_year(text),
                  len(text.encode("utf-8")))


@dataclass
class RealSynthesizer:
    """Copies of whole real reports: copy ``i`` is source ``i mod n`` with every figure's
    digits drawn anew (same length, so magnitudes stay), every year shifted by one offset
    (the copy's report year drawn from :data:`REAL_YEARS`), and every place replaced by a
    random unit of the same level (the same unit for all its mentions, full and short)."""

    sources: list[Source]
    places: PlaceIndex
    seed: int

    def document(self, index: int) -> tuple[str, str]:
        rng = random.Random(f"real:{self.seed}:{index}")
        src = self.sources[index % len(self.sources)]
        shift = (rng.randint(*REAL_YEARS) - src.base_year) if src.base_year else \
            rng.randint(-5, 5)
        new_unit: dict[int, int] = {}
        parts = []
        for kind, token in src.segments:
            if kind == "digits":
                first = str(rng.randint(1, 9)) if len(token) > 1 else str(rng.randint(0, 9))
                parts.append(first + "".join(str(rng.randint(0, 9)) for _ in token[1:]))
            elif kind == "year":
                parts.append(str(int(token) + shift))
            elif kind == "place":
                level, unit, is_full = self.places.surfaces[token]
                if unit not in new_unit:
                    new_unit[unit] = rng.choice(self.places.by_level[level])
                full, short = self.places.units[new_unit[unit]]
                parts.append(full if is_full else short)
            else:
                parts.append(token)
        return f"real_{index:06d}", "".join(parts)


def build_real_corpus(folder: Path, n_docs: int, seed: int, texts_dir: Path | None) -> Corpus:
    """``n_docs`` varied copies of the real reports (sample corpus + ``texts_dir``)."""
    places = PlaceIndex.load()
    sources = [cut_source(name, text, places) for name, text in load_real_texts(RAW_DIR, texts_dir)]
    synth = RealSynthesizer(sources, places, seed)
    corpus = write_corpus(folder, n_docs, synth.document)
    corpus.sources = [s.name for s in sources]
    return corpus


# --------------------------------------------------------------------------- memory


def _tree_memory(pid: int, pss: bool = False, cpu: dict[int, float] | None = None
                 ) -> tuple[int, int]:
    """(summed RSS, summed PSS) of a process and its descendants; PSS 0 unless asked.

    RSS counts a page shared by several processes (libraries, what a forked worker
    inherited) once per process; PSS splits it between them, so its sum is the memory
    the tree really takes. Both are reported; the goal is judged on RSS.
    """
    import psutil

    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0, 0
    rss = pss_total = 0
    for p in procs:
        try:
            if cpu is not None:  # CPU seconds so far (the last sample before a process ends)
                times = p.cpu_times()
                cpu[p.pid] = max(cpu.get(p.pid, 0.0), times.user + times.system)
            if pss:
                info = p.memory_full_info()
                pss_total += getattr(info, "pss", 0)
                rss += info.rss
            else:
                rss += p.memory_info().rss
        except psutil.Error:
            pass
    return rss, pss_total


PSS_EVERY = 20  # RSS samples per PSS sample


class PeakRSS:
    """Highest summed RSS (and PSS, with ``pss=True``) of a process and its descendants,
    sampled every 50 ms."""

    def __init__(self, pid: int | None = None, interval: float = 0.05, pss: bool = False) -> None:
        self.pid = pid or os.getpid()
        self.interval = interval
        self.pss = pss
        self.peak = 0
        self.peak_pss = 0
        self.cpu: dict[int, float] = {}  # pid → CPU seconds (user + system) last seen
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        tick = 0
        while not self._stop.is_set():
            # PSS needs the kernel to walk every page table: sampled once a second only,
            # so the sampling does not slow the run it measures (RSS every interval).
            rss, pss = _tree_memory(self.pid, self.pss and tick % PSS_EVERY == 0, self.cpu)
            self.peak = max(self.peak, rss)
            self.peak_pss = max(self.peak_pss, pss)
            tick += 1
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakRSS:
        try:
            import psutil  # noqa: F401
        except ImportError:
            return self
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    @property
    def mb(self) -> float | None:
        return round(self.peak / MB, 1) if self.peak else None

    @property
    def pss_mb(self) -> float | None:
        return round(self.peak_pss / MB, 1) if self.peak_pss else None

    @property
    def cpu_seconds(self) -> float | None:
        """CPU seconds of the whole tree (sampled: a process's last 50 ms may be missed)."""
        return round(sum(self.cpu.values()), 2) if self.cpu else None


def maxrss_mb(who: int) -> float:
    """ru_maxrss (KiB on Linux, bytes on macOS) as MB: the largest single process."""
    value = resource.getrusage(who).ru_maxrss
    return round(value / MB if sys.platform == "darwin" else value * 1024 / MB, 1)


# --------------------------------------------------------------------------- stages


@dataclass
class Timed:
    """Per-document seconds and figure counts of one in-memory stage."""

    seconds: list[float] = field(default_factory=list)
    figures: list[int] = field(default_factory=list)
    peak_rss_mb: float | None = None  # of the bench process during the stage
    cpu_seconds: float = 0.0  # CPU time of this process over the timed calls


def time_per_doc(
    corpus: Corpus,
    prepare: Callable[[str, str], Any],
    run: Callable[[str, str, Any], int],
    limit: int | None = None,
) -> Timed:
    """Time ``run`` per document; ``prepare`` (reading, metadata) stays outside the clock."""
    timed = Timed()
    with PeakRSS() as peak:
        for doc_id, text in corpus.texts(limit):
            context = prepare(doc_id, text)
            cpu, start = time.process_time(), time.perf_counter()
            n = run(doc_id, text, context)
            timed.seconds.append(time.perf_counter() - start)
            timed.cpu_seconds += time.process_time() - cpu
            timed.figures.append(n)
    timed.peak_rss_mb = peak.mb
    return timed


def summarise(timed: Timed, doc_bytes: list[int], extra: dict[str, Any] | None = None) -> dict:
    n = len(timed.seconds)
    seconds, n_bytes = sum(timed.seconds), sum(doc_bytes[:n])
    return {
        "status": "ok",
        "docs": n,
        "mb": round(n_bytes / MB, 3),
        "seconds": round(seconds, 3),
        "mb_per_s": round(n_bytes / MB / seconds, 3) if seconds else None,
        "docs_per_s": round(n / seconds, 1) if seconds else None,
        "figures": sum(timed.figures),
        "peak_rss_mb": timed.peak_rss_mb,
        "cpu_seconds": round(timed.cpu_seconds, 3),
        "mb_per_cpu_s": round(n_bytes / MB / timed.cpu_seconds, 3) if timed.cpu_seconds else None,
        **(extra or {}),
    }


def floor_count(text: str) -> int:
    return sum(1 for _ in FLOOR_RE.finditer(text))


def stage_floor(corpus: Corpus, doc_bytes: list[int]) -> tuple[dict, Timed]:
    timed = time_per_doc(corpus, lambda d, t: None, lambda d, t, c: floor_count(t))
    return summarise(timed, doc_bytes, {"pattern": FLOOR_RE.pattern}), timed


def _import(module: str, *names: str) -> list[Any] | str:
    """The named attributes of a module, or why they cannot be had."""
    try:
        mod = importlib.import_module(module)
    except Exception as exc:  # a half-written module may raise anything on import
        return f"{module} not importable ({type(exc).__name__}: {exc})"
    missing = [name for name in names if not hasattr(mod, name)]
    if missing:
        return f"{module} has no {', '.join(missing)} yet"
    return [getattr(mod, name) for name in names]


def stage_extract(corpus: Corpus, doc_bytes: list[int]) -> tuple[dict, Timed | None]:
    found = _import("analysis.extract", "extract_figures")
    meta = _import("analysis.metadata", "infer_metadata")
    for why in (found, meta):
        if isinstance(why, str):
            return {"status": "skipped", "reason": why}, None
    (extract_figures,), (infer_metadata,) = found, meta
    try:
        timed = time_per_doc(
            corpus,
            lambda doc_id, text: infer_metadata(doc_id, text),
            lambda doc_id, text, meta: len(extract_figures(doc_id, text, meta)),
        )
    except Exception as exc:
        return {"status": "failed", "reason": f"{type(exc).__name__}: {exc}"}, None
    return summarise(timed, doc_bytes), timed


def _cli_command() -> list[str]:
    exe = shutil.which("analysis", path=str(Path(sys.executable).parent))
    if exe:
        return [exe]
    return [sys.executable, "-c", "import sys; from analysis.cli import main; sys.exit(main())"]


def count_csv_rows(path: Path) -> int | None:
    if not path.is_file():
        return None
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return max(0, sum(1 for _ in csv.reader(handle)) - 1)


def stage_cli(corpus: Corpus, out_dir: Path, jobs: int | None, engine: str) -> dict:
    found = _import("analysis.cli", "main")
    if isinstance(found, str):
        return {"status": "skipped", "reason": found}
    cmd = [*_cli_command(), "extract", str(corpus.folder), "--out", str(out_dir)]
    cmd += ["--engine", engine] + (["--jobs", str(jobs)] if jobs else [])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")])),
    }
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with PeakRSS(proc.pid, pss=True) as peak:
        stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - start
    result: dict[str, Any] = {"command": " ".join(cmd), "seconds": round(seconds, 3)}
    if proc.returncode != 0:
        tail = (stderr or stdout).strip().splitlines()[-5:]
        return {
            **result,
            "status": "failed",
            "reason": f"exit {proc.returncode}: " + " | ".join(tail),
        }
    return {
        **result,
        "status": "ok",
        "docs": len(corpus.doc_ids),
        "mb": round(corpus.n_bytes / MB, 3),
        "mb_per_s": round(corpus.n_bytes / MB / seconds, 3),
        "docs_per_s": round(len(corpus.doc_ids) / seconds, 1),
        "figures": count_csv_rows(out_dir / "metrics.csv"),
        "peak_rss_mb": peak.mb,  # the CLI and all its workers together
        "peak_pss_mb": peak.pss_mb,  # the same, shared pages split between processes
        "cpu_s": peak.cpu_seconds,  # of the CLI and its workers: steadier than wall on a busy machine
        "cpu_ms_per_doc": round(peak.cpu_seconds / len(corpus.doc_ids) * 1000, 3)
        if peak.cpu_seconds else None,
        "max_single_process_rss_mb": maxrss_mb(resource.RUSAGE_CHILDREN),
    }


def _peer() -> Callable[..., list] | str:
    try:
        with redirect_stdout(sys.stderr):  # jionlp prints a banner on import
            import jionlp
    except ImportError:
        return "jionlp not installed (pip install kejiju-analysis[bench])"
    fn = getattr(jionlp, "extract_money", None) or getattr(
        getattr(jionlp, "ner", None), "extract_money", None
    )
    return fn if fn else "this jionlp has no extract_money"


def stage_peer(
    corpus: Corpus, doc_bytes: list[int], limit: int | None
) -> tuple[dict, Timed | None]:
    peer = _peer()
    if isinstance(peer, str):
        return {"status": "skipped", "reason": peer}, None
    peer("预热:争取经费9亿元")  # its dictionaries load lazily on the first call
    timed = time_per_doc(
        corpus, lambda d, t: None, lambda d, t, c: len(peer(t, with_parsing=True)), limit=limit
    )
    return summarise(
        timed, doc_bytes, {"function": "jionlp.extract_money(text, with_parsing=True)"}
    ), timed


def stage_notebooks(raw: Path, processed: Path, jobs: int, engine: str, limit: int) -> dict:
    """Notebooks per minute with one worker and with all, if ``analysis.batch`` is ready.

    A national corpus plans a notebook per place; the first ``limit`` planned runs
    are timed through ``batch.run_notebooks`` (the batch without the appendix and
    index), else the whole ``run_report`` is timed.
    """
    from notebooks import stage  # bench/notebooks.py: warm kernels, flags file, overview

    return stage(processed, jobs, limit)
    found = _import("analysis.batch", "run_report")
    if isinstance(found, str):
        return {"status": "skipped", "reason": found}
    batch = importlib.import_module("analysis.batch")
    out: dict[str, Any] = {"status": "ok"}
    for label, n_jobs in (("jobs_1", 1), ("jobs_all", jobs)):
        reports = Path(tempfile.mkdtemp(prefix="kejiju-bench-reports-"))
        start = time.perf_counter()
        try:
            if all(hasattr(batch, n) for n in ("plan_runs", "run_notebooks")):
                how, n = (
                    "run_notebooks",
                    len(_run_planned(batch, processed, reports, n_jobs, engine, limit)),
                )
            else:
                how, n = "run_report", _run_whole(batch, raw, processed, reports, n_jobs, engine)
        except Exception as exc:
            return {**out, "status": "failed", "reason": f"{label}: {type(exc).__name__}: {exc}"}
        finally:
            shutil.rmtree(reports, ignore_errors=True)
        seconds = time.perf_counter() - start
        out[label] = {
            "via": how,
            "jobs": n_jobs,
            "notebooks": n,
            "seconds": round(seconds, 2),
            "notebooks_per_min": round(n / seconds * 60, 2) if n and seconds else None,
        }
    return out


def _run_planned(
    batch: Any, processed: Path, reports: Path, jobs: int, engine: str, limit: int
) -> list:
    from analysis import compare

    tables = compare.load_tables(processed)
    metrics, documents = tables["metrics"], tables["documents"]
    folders = {
        "processed_dir": str(processed.resolve()),
        "figures_dir": str((reports / "figures").resolve()),
    }
    plan = [(nb, {**folders, **p}) for nb, p in batch.plan_runs(metrics, documents)][:limit]
    valid = compare.valid_values(metrics, documents)
    runs = batch.run_notebooks(plan, reports, valid, jobs=jobs, engine=engine, progress=False)
    failed = [r for r in runs if not getattr(r, "ok", True)]
    if failed:
        raise RuntimeError(f"{len(failed)} notebooks failed, e.g. {failed[0].error[-300:]}")
    return runs


def _run_whole(
    batch: Any, raw: Path, processed: Path, reports: Path, jobs: int, engine: str
) -> int:
    params = inspect.signature(batch.run_report).parameters
    wanted = {
        "raw_dir": raw,
        "processed_dir": processed,
        "reports_dir": reports,
        "jobs": jobs,
        "engine": engine,
        "progress": False,
    }
    result = batch.run_report(**{k: v for k, v in wanted.items() if k in params})
    return getattr(result, "n_notebooks", None) or sum(1 for _ in reports.rglob("*.ipynb"))


# --------------------------------------------------------------------------- report


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


def goals(results: dict, cores: int) -> list[dict]:
    floor, ext, e2e, peer = (results["stages"][k] for k in ("floor", "extract", "e2e", "peer"))
    out = []

    def goal(name: str, value: Any, met: bool | None, note: str = "") -> None:
        verdict = "n/a" if met is None else ("met" if met else "not met")
        out.append({"goal": name, "value": value, "verdict": verdict, "note": note})

    ok = ext.get("status") == "ok"
    goal(
        f"extract single-process >= {GOAL_EXTRACT_MBPS_PER_CORE} MB/s per core",
        ext.get("mb_per_s"),
        ext["mb_per_s"] >= GOAL_EXTRACT_MBPS_PER_CORE if ok else None,
    )
    slowdown = ratio(floor.get("mb_per_s"), ext.get("mb_per_s"))
    goal(
        f"extract no more than {GOAL_MAX_SLOWDOWN_VS_FLOOR:g}x slower than the floor",
        slowdown,
        slowdown <= GOAL_MAX_SLOWDOWN_VS_FLOOR if slowdown else None,
    )
    if e2e.get("status") == "ok":
        # Judged only on a full-size run: start-up costs make small runs project badly.
        full = e2e["docs"] >= GOAL_E2E_DOCS
        projected = e2e["seconds"] * GOAL_E2E_DOCS / e2e["docs"]
        note = f"{cores} cores" + (
            "" if full else f"; projected linearly from {e2e['docs']} docs, judged at --docs 10000"
        )
        note += (
            "" if cores == GOAL_E2E_CORES else f"; the goal is stated for {GOAL_E2E_CORES} cores"
        )
        goal(
            f"end to end on {GOAL_E2E_DOCS:,} reports < {GOAL_E2E_SECONDS:g} s",
            round(projected, 1),
            projected < GOAL_E2E_SECONDS if full else None,
            note,
        )
        peak = e2e.get("peak_rss_mb")
        goal(
            f"peak memory (end to end, all processes) < {GOAL_PEAK_RSS_MB:g} MB",
            peak,
            peak < GOAL_PEAK_RSS_MB if peak else None,
            f"summed RSS; summed PSS (shared pages counted once) {e2e.get('peak_pss_mb')} MB",
        )
    else:
        goal(
            f"end to end on {GOAL_E2E_DOCS:,} reports < {GOAL_E2E_SECONDS:g} s",
            None,
            None,
            e2e.get("reason", ""),
        )
        goal(
            f"peak memory (end to end, all processes) < {GOAL_PEAK_RSS_MB:g} MB",
            None,
            None,
            e2e.get("reason", ""),
        )
    same = results.get("extract_on_peer_text", {}).get("mb_per_s")
    goal(
        "faster than the peer (jionlp.extract_money) on the same text",
        ratio(same, peer.get("mb_per_s")),
        same > peer["mb_per_s"] if same and peer.get("mb_per_s") else None,
        "ratio = our MB/s / peer MB/s on the peer's documents",
    )
    return out


def print_report(results: dict) -> None:
    print(
        f"\n== corpus: {results['corpus']['docs']:,} docs, {results['corpus']['mb']:.1f} MB "
        f"(seed {results['corpus']['seed']}), {results['machine']['cores']} cores =="
    )
    header = f"{'stage':<10}{'status':<9}{'docs':>8}{'MB/s':>9}{'docs/s':>10}{'figures':>10}{'x floor':>9}{'x peer':>8}{'peak MB':>9}"
    print(header)
    for name, stage in results["stages"].items():
        if name == "notebooks":
            continue
        if stage.get("status") != "ok":
            print(f"{name:<10}{stage.get('status', '?'):<9}  {stage.get('reason', '')}")
            continue
        print(
            f"{name:<10}{'ok':<9}{stage['docs']:>8}{stage['mb_per_s'] or 0:>9.2f}{stage['docs_per_s'] or 0:>10.1f}"
            f"{stage['figures'] if stage['figures'] is not None else '-':>10}"
            f"{_fmt(stage.get('vs_floor')):>9}{_fmt(stage.get('vs_peer')):>8}{_fmt(stage.get('peak_rss_mb')):>9}"
        )
    nb = results["stages"]["notebooks"]
    if nb.get("status") == "ok":
        for label in ("jobs_1", "jobs_all"):
            run = nb[label]
            print(
                f"notebooks {label}: {run['notebooks']} in {run['seconds']} s = {run['notebooks_per_min']} per minute"
            )
    else:
        print(f"notebooks {nb.get('status')}: {nb.get('reason', '')}")
    print(f"bench process peak RSS (incl. in-memory stages): {results['bench_peak_rss_mb']} MB")
    e2e = results["stages"].get("e2e", {})
    if e2e.get("peak_pss_mb"):
        print(f"end to end, all processes: peak summed RSS {e2e.get('peak_rss_mb')} MB, "
              f"peak summed PSS {e2e['peak_pss_mb']} MB (shared pages counted once)")
    print("\n== goals (issue 5) ==")
    for g in results["goals"]:
        note = f"  ({g['note']})" if g["note"] else ""
        print(f"[{g['verdict']:>7}] {g['goal']}: {g['value']}{note}")


def _fmt(value: Any) -> str:
    return "-" if value is None else f"{value:g}"


def add_ratios(stages: dict) -> None:
    """Speed of each stage relative to the floor and to the peer (>1 = faster than them)."""
    floor, peer = stages["floor"].get("mb_per_s"), stages["peer"].get("mb_per_s")
    for stage in stages.values():
        if stage.get("status") == "ok" and stage.get("mb_per_s"):
            stage["vs_floor"] = ratio(stage["mb_per_s"], floor)
            stage["vs_peer"] = ratio(stage["mb_per_s"], peer)


def write_results(results: dict, prefix: str = "") -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    text = json.dumps(results, ensure_ascii=False, indent=2)
    path = RESULTS_DIR / f"{prefix}{stamp}.json"
    path.write_text(text, encoding="utf-8")
    (RESULTS_DIR / f"{prefix}latest.json").write_text(text, encoding="utf-8")
    return path


@contextmanager
def step(message: str) -> Iterator[None]:
    print(f"-- {message} ...", file=sys.stderr, flush=True)
    start = time.perf_counter()
    yield
    print(f"   done in {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)


def profile_extract(corpus: Corpus, limit: int) -> str | None:
    """pyinstrument text profile of extract_figures over the first ``limit`` docs."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        return None
    found = _import("analysis.extract", "extract_figures")
    meta = _import("analysis.metadata", "infer_metadata")
    if isinstance(found, str) or isinstance(meta, str):
        return None
    docs = [(d, t, meta[0](d, t)) for d, t in corpus.texts(limit)]
    profiler = Profiler(interval=0.0005)
    with profiler:
        for doc_id, text, doc_meta in docs:
            found[0](doc_id, text, doc_meta)
    return profiler.output_text(unicode=True, color=False, show_all=False)


# --------------------------------------------------------------------------- real-text mode

# Goals of issue 15, judged on the real-text corpus.
REAL_GOAL_EXTRACT_MBPS = 8.0
REAL_GOAL_MAX_VS_FLOOR = 12.0
REAL_GOAL_E2E_DOCS = 100_000
REAL_GOAL_E2E_SECONDS = 240.0
REAL_GOAL_STARTUP_S = 1.5
COLD_DOCS = 300  # reports timed with every phrase cache emptied before each
PROFILE_DOCS = 2000  # reports of the per-stage run (--jobs 1, stage times kept)
STARTUP_FILE = "x08_qingdao_2012.txt"  # the smallest sample report
STAGE_ORDER = ("read", "cache", "clean", "document", "metadata", "extract", "rows",
               "write_text", "write_tables", "commit")


def phrase_caches() -> dict[str, Any]:
    """Every ``functools.lru_cache`` of the package that is keyed by text (a bounded cache
    of 256 entries or more: the phrase, sentence and numeral caches), by qualified name.
    Unbounded ``@cache`` functions load data files once and are not counted."""
    out = {}
    for name, module in list(sys.modules.items()):
        if not name.startswith("analysis") or module is None:
            continue
        for attr, fn in list(vars(module).items()):
            info = getattr(fn, "cache_info", None)
            if callable(info) and getattr(fn, "__module__", None) == name:
                maxsize = info().maxsize
                if maxsize is not None and maxsize >= 256:
                    out[f"{name}.{attr}"] = fn
    return out


def cache_rates(caches: dict[str, Any], before: dict[str, tuple[int, int]]) -> dict:
    """Hits and misses of each phrase cache since ``before``, and the overall hit rate."""
    per, hits, misses = {}, 0, 0
    for name, fn in caches.items():
        info = fn.cache_info()
        h0, m0 = before.get(name, (0, 0))
        h, m = info.hits - h0, info.misses - m0
        if h or m:
            per[name] = {"hits": h, "misses": m, "hit_rate": round(h / (h + m), 3)}
        hits, misses = hits + h, misses + m
    return {"hits": hits, "misses": misses,
            "hit_rate": round(hits / (hits + misses), 3) if hits + misses else None,
            "per_cache": per}


def _snapshot(caches: dict[str, Any]) -> dict[str, tuple[int, int]]:
    return {n: (f.cache_info().hits, f.cache_info().misses) for n, f in caches.items()}


def stage_real_extract(corpus: Corpus, doc_bytes: list[int], limit: int | None = None
                       ) -> tuple[dict, dict]:
    """Extraction alone: ``for_tables(process_document(doc_id, text))`` per report, the text
    already in memory, with the garbage collector tuned as in a worker. That is everything a worker computes for a file — cleaning, the
    prepared document, metadata (and its needs_manifest entry), figures, their table rows —
    without reading the file, hashing it, the cache and writing. Returns (stage, caches)."""
    try:
        from analysis.engine import tune_gc
        from analysis.pipeline import for_tables, process_document
    except Exception as exc:  # noqa: BLE001
        return {"status": "skipped", "reason": f"{type(exc).__name__}: {exc}"}, {}
    warm_doc = corpus.folder / f"{corpus.doc_ids[0]}.txt"
    for_tables(process_document("warm-up", warm_doc.read_text(encoding="utf-8")))  # data loaded
    tune_gc()  # as every worker does (engine.tune_gc)
    caches = phrase_caches()
    before = _snapshot(caches)

    def run(doc_id: str, text: str, _: Any) -> int:
        return for_tables(process_document(doc_id, text)).n_figures

    timed = time_per_doc(corpus, lambda d, t: None, run, limit=limit)
    stage = summarise(timed, doc_bytes, {
        "what": "for_tables(pipeline.process_document(doc_id, text)): clean, prepared "
                "document, metadata + needs entry, figures, table rows; no file reading, "
                "hashing, cache or writing",
    })
    stage["ms_per_doc"] = round(stage["seconds"] / stage["docs"] * 1000, 3)
    stage["cpu_ms_per_doc"] = round(stage["cpu_seconds"] / stage["docs"] * 1000, 3)
    rates = cache_rates(caches, before)
    # Cold: every phrase cache emptied before each report, as if each were the first.
    cold = Timed()
    for doc_id, text in corpus.texts(COLD_DOCS):
        for fn in caches.values():
            fn.cache_clear()
        cpu, start = time.process_time(), time.perf_counter()
        cold.figures.append(run(doc_id, text, None))
        cold.seconds.append(time.perf_counter() - start)
        cold.cpu_seconds += time.process_time() - cpu
    cold_stage = summarise(cold, doc_bytes)
    stage["cold"] = {k: cold_stage[k] for k in ("docs", "mb", "seconds", "mb_per_s",
                                                "cpu_seconds", "mb_per_cpu_s")}
    stage["cold"]["cpu_ms_per_doc"] = round(cold.cpu_seconds / cold_stage["docs"] * 1000, 3)
    return stage, rates


def stage_startup(out_root: Path, runs: int = 5) -> dict:
    """``analysis extract`` on one small real report into a new folder: wall seconds of
    each run, interpreter start-up and imports included.

    The timed runs read compiled bytecode, as an installed package does: a first,
    untimed run writes it to a folder of its own (``PYTHONPYCACHEPREFIX``), even where
    ``PYTHONDONTWRITEBYTECODE`` is set (a fresh clone under it compiled every module
    in every run, about 0.2 s); that run's wall is reported as ``first_run_s``."""
    src = RAW_DIR / STARTUP_FILE
    if not src.is_file():
        return {"status": "skipped", "reason": f"{src} missing"}
    raw = out_root / "startup-raw"
    raw.mkdir(parents=True, exist_ok=True)
    shutil.copy(src, raw / src.name)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(SRC), os.environ.get("PYTHONPATH")])),
        "PYTHONPYCACHEPREFIX": str(out_root / "startup-bytecode")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cmd = [*_cli_command(), "extract", str(raw), "--out", str(out_root / "startup-first"),
           "--no-progress"]
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    first = round(time.perf_counter() - start, 3)
    if done.returncode != 0:
        return {"status": "failed", "reason": done.stderr.strip()[-300:]}
    walls, cpus = [], []
    for i in range(runs):
        cmd = [*_cli_command(), "extract", str(raw), "--out", str(out_root / f"startup-{i}"),
               "--no-progress"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
        walls.append(round(time.perf_counter() - start, 3))
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 3))
        if done.returncode != 0:
            return {"status": "failed", "reason": done.stderr.strip()[-300:]}
    return {"status": "ok", "file": STARTUP_FILE, "bytes": src.stat().st_size,
            "first_run_s": first, "runs_s": walls, "cpu_s": cpus, "seconds": min(walls),
            "median_s": sorted(walls)[len(walls) // 2], "min_cpu_s": min(cpus)}


def stage_profile(corpus: Corpus, out_root: Path, limit: int) -> dict:
    """Per-stage seconds of ``analysis extract --jobs 1`` on the first ``limit`` reports
    (``ANALYSIS_STAGE_TIMES``: the pipeline adds up each stage in its one process); the
    rest of the wall time is start-up (interpreter, imports, data files) and set-up."""
    raw = out_root / "profile-raw"
    raw.mkdir(parents=True, exist_ok=True)
    n_bytes = 0
    for doc_id in corpus.doc_ids[:limit]:
        target = raw / f"{doc_id}.txt"
        os.link(corpus.folder / f"{doc_id}.txt", target) if hasattr(os, "link") else \
            shutil.copy(corpus.folder / f"{doc_id}.txt", target)
        n_bytes += target.stat().st_size
    times = out_root / "stage-times.json"
    env = {**os.environ, "ANALYSIS_STAGE_TIMES": str(times), "PYTHONPATH": os.pathsep.join(
        filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))}
    cmd = [*_cli_command(), "extract", str(raw), "--out", str(out_root / "profile-out"),
           "--jobs", "1", "--no-progress"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_total = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if done.returncode != 0 or not times.is_file():
        return {"status": "failed", "reason": (done.stderr or "no stage times").strip()[-300:]}
    stages = json.loads(times.read_text(encoding="utf-8"))
    cpu = stages.pop("cpu", {})  # each stage's CPU seconds (older code: none)
    ordered = {k: round(stages.pop(k), 3) for k in STAGE_ORDER if k in stages}
    ordered.update({k: round(v, 3) for k, v in stages.items()})
    ordered["start-up and set-up"] = round(wall - sum(ordered.values()), 3)
    cpu_of = {k: round(cpu[k], 3) for k in ordered if k in cpu}
    if cpu_of:
        cpu_of["start-up and set-up"] = round(cpu_total - sum(cpu_of.values()), 3)
    n = min(limit, len(corpus.doc_ids))
    return {"status": "ok", "docs": n, "mb": round(n_bytes / MB, 3), "wall_s": round(wall, 3),
            "cpu_s": round(cpu_total, 3), "seconds": ordered,
            "ms_per_doc": {k: round(v / n * 1000, 3) for k, v in ordered.items()},
            "cpu_ms_per_doc": {k: round(v / n * 1000, 3) for k, v in cpu_of.items()},
            "share": {k: round(v / wall, 3) for k, v in ordered.items()}}


def run_log_counts(out_dir: Path) -> dict:
    """Statuses and cache hits of an end-to-end run's log (a document cache must not help)."""
    path = out_dir / "run_log.csv"
    if not path.is_file():
        return {}
    status: dict[str, int] = {}
    cached = 0
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            status[row["status"]] = status.get(row["status"], 0) + 1
            cached += row.get("cached") in ("1", "True", "true")
    return {"status": status, "cached": cached}


def real_goals(stages: dict, cores: int) -> list[dict]:
    floor, ext, e2e, up = (stages.get(k, {}) for k in ("floor", "extract", "e2e", "startup"))
    out = []

    def goal(name: str, value: Any, met: bool | None, note: str = "") -> None:
        verdict = "n/a" if met is None else ("met" if met else "not met")
        out.append({"goal": name, "value": value, "verdict": verdict, "note": note})

    ok = ext.get("status") == "ok"
    # Per core = per CPU second of the one process: on a shared machine wall time also
    # counts the time other programs had the core (both are stored).
    goal(f"extraction >= {REAL_GOAL_EXTRACT_MBPS:g} MB/s per core", ext.get("mb_per_cpu_s"),
         ext["mb_per_cpu_s"] >= REAL_GOAL_EXTRACT_MBPS if ok else None,
         f"MB per CPU second; {ext.get('cpu_ms_per_doc')} ms CPU per report; wall "
         f"{ext.get('mb_per_s')} MB/s; cold phrase caches: "
         f"{ext.get('cold', {}).get('mb_per_cpu_s')} MB/s" if ok else ext.get("reason", ""))
    slowdown = ratio(floor.get("mb_per_cpu_s"), ext.get("mb_per_cpu_s"))
    goal(f"extraction no more than {REAL_GOAL_MAX_VS_FLOOR:g}x the floor", slowdown,
         slowdown <= REAL_GOAL_MAX_VS_FLOOR if slowdown else None,
         f"floor {floor.get('mb_per_cpu_s')} MB per CPU s in the same run")
    if e2e.get("status") == "ok":
        full = e2e["docs"] >= REAL_GOAL_E2E_DOCS
        projected = e2e["seconds"] * REAL_GOAL_E2E_DOCS / e2e["docs"]
        note = (f"{cores} cores; {e2e['docs_per_s']} reports/s; {e2e.get('cpu_ms_per_doc')} ms "
                f"CPU per report over all processes") + (
            "" if full else f"; projected linearly from {e2e['docs']:,} reports, judged at "
                            f"--docs {REAL_GOAL_E2E_DOCS}")
        goal(f"end to end on {REAL_GOAL_E2E_DOCS:,} real reports < {REAL_GOAL_E2E_SECONDS:g} s",
             round(projected, 1), projected < REAL_GOAL_E2E_SECONDS if full else None, note)
        peak = e2e.get("peak_rss_mb")
        goal(f"peak memory (end to end, all processes) < {GOAL_PEAK_RSS_MB:g} MB", peak,
             peak < GOAL_PEAK_RSS_MB if peak else None,
             f"summed RSS; summed PSS {e2e.get('peak_pss_mb')} MB")
    else:
        for name in ("end to end", "peak memory"):
            goal(name, None, None, e2e.get("reason", ""))
    goal(f"analysis extract on one small file < {REAL_GOAL_STARTUP_S:g} s", up.get("seconds"),
         up["seconds"] < REAL_GOAL_STARTUP_S if up.get("status") == "ok" else None,
         f"wall of each run {up.get('runs_s')} (median {up.get('median_s')}), CPU "
         f"{up.get('cpu_s')}; first run, compiling bytecode: {up.get('first_run_s')}"
         if up.get("status") == "ok" else up.get("reason", ""))
    return out


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def real_markdown(results: dict) -> str:
    """The short markdown summary stored beside the JSON."""
    st, c = results["stages"], results["corpus"]
    floor, ext, e2e, up = st["floor"], st["extract"], st["e2e"], st["startup"]
    lines = [
        f"# Real-text benchmark, {results['when']}",
        "",
        f"{c['docs']:,} reports, {c['mb']} MB (copies of {c['sources']} real reports, seed "
        f"{c['seed']}); {results['machine']['cores']} cores; load average before "
        f"{results['load_before']}, after {results['load_after']}.",
        "",
        "| docs | MB | floor MB/s | extract MB/s/core | × floor | extract ms/report | e2e wall s "
        "| reports/s | e2e CPU ms/report | start-up s | peak MB (summed RSS) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        f"| {c['docs']:,} | {c['mb']} | {floor.get('mb_per_cpu_s')} | "
        f"{ext.get('mb_per_cpu_s')} | {ratio(floor.get('mb_per_cpu_s'), ext.get('mb_per_cpu_s'))}"
        f" | {ext.get('cpu_ms_per_doc')} | {e2e.get('seconds')} | {e2e.get('docs_per_s')} | "
        f"{e2e.get('cpu_ms_per_doc')} | {up.get('seconds')} | {e2e.get('peak_rss_mb')} |",
        "",
        f"MB/s are per CPU second of one process (floor and extraction: "
        f"{ext.get('docs'):,} reports; wall-clock: floor {floor.get('mb_per_s')}, extraction "
        f"{ext.get('mb_per_s')} MB/s). Extraction alone = {ext.get('what')}. End to end = "
        f"`analysis extract --jobs {results['jobs']}` on all {c['docs']:,} reports, wall time "
        f"including start-up; its CPU summed over the CLI and its workers: "
        f"{e2e.get('cpu_s')} s.",
        "",
        f"Extraction with every phrase cache emptied before each report "
        f"({ext.get('cold', {}).get('docs')} reports): "
        f"{ext.get('cold', {}).get('mb_per_cpu_s')} MB per CPU s "
        f"({ext.get('cold', {}).get('cpu_ms_per_doc')} ms per report). Phrase-cache hit rate over "
        f"the warm run: {results['phrase_caches'].get('hit_rate')}; document cache hits in "
        f"the end-to-end run: {e2e.get('run_log', {}).get('cached')}; "
        f"distinct texts: {c['distinct_texts']:,} of {c['docs']:,}.",
        "",
        "## Goals (issue 15)",
        "",
    ]
    lines += [f"- **{g['verdict']}** {g['goal']}: {g['value']}"
              + (f" ({g['note']})" if g["note"] else "") for g in results["goals"]]
    prof = st.get("profile", {})
    if prof.get("status") == "ok":
        cpu = prof.get("cpu_ms_per_doc", {})
        lines += ["", f"## Per-stage profile (`--jobs 1`, {prof['docs']:,} reports, "
                      f"{prof['wall_s']} s wall, {prof.get('cpu_s', '?')} s CPU)", "",
                  "| stage | s | ms/report | CPU ms/report | share |", "|---|---|---|---|---|"]
        lines += [f"| {k} | {v} | {prof['ms_per_doc'][k]} | {cpu.get(k, '')} | "
                  f"{prof['share'][k]:.0%} |" for k, v in prof["seconds"].items()]
    return "\n".join(lines) + "\n"


def print_real(results: dict) -> None:
    print()
    print(real_markdown(results))


def clean_up(work: Path, keep: bool) -> None:
    """Delete a run's temporary corpus and outputs, or say where they were kept (--keep)."""
    if keep:
        print(f"kept: {work}", file=sys.stderr)
    else:
        shutil.rmtree(work, ignore_errors=True)


def main_real(args: argparse.Namespace) -> int:
    """``--real``: the issue-15 benchmark on copies of real reports (see bench/README.md)."""
    from analysis.engine import cpu_count, resolve_jobs

    cores, jobs = cpu_count(), resolve_jobs(args.jobs)
    load_before = load_average()
    work = Path(tempfile.mkdtemp(prefix="kejiju-bench-real-"))
    try:
        with step(f"building {args.docs:,} real-text reports in {work}"):
            corpus = build_real_corpus(work / "raw", args.docs, args.seed, args.texts)
            doc_bytes = [(corpus.folder / f"{d}.txt").stat().st_size for d in corpus.doc_ids]
            import hashlib

            distinct = len({hashlib.sha256((corpus.folder / f"{d}.txt").read_bytes()).digest()
                            for d in corpus.doc_ids})
        stages: dict[str, dict] = {}
        with step("(a) floor: one regex pass"):
            stages["floor"], _ = stage_floor(corpus, doc_bytes)
        with step("(b) extraction alone, single process"):
            stages["extract"], rates = stage_real_extract(corpus, doc_bytes,
                                                          args.extract_docs or None)
        with step("(c) start-up: analysis extract on one small file"):
            stages["startup"] = stage_startup(work)
        with step(f"(d) analysis extract end to end, {jobs} workers"):
            stages["e2e"] = stage_cli(corpus, work / "processed", args.jobs or jobs, "process")
            if stages["e2e"].get("status") == "ok":
                stages["e2e"]["run_log"] = run_log_counts(work / "processed")
        n_profile = min(args.docs, args.profile or PROFILE_DOCS)
        with step(f"(e) per-stage profile, --jobs 1, {n_profile:,} reports"):
            stages["profile"] = stage_profile(corpus, work, n_profile)
        stages["floor"]["vs_floor"] = 1.0
        results: dict[str, Any] = {
            "mode": "real",
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"cores": cores, "platform": platform.platform(),
                        "python": platform.python_version(),
                        "cpu": platform.processor() or platform.machine()},
            "jobs": args.jobs or jobs,
            "load_before": load_before,
            "load_after": load_average(),
            "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
            "corpus": {"docs": len(corpus.doc_ids), "mb": round(corpus.n_bytes / MB, 3),
                       "seed": args.seed, "sources": len(corpus.sources),
                       "distinct_texts": distinct,
                       "texts_dir": str(args.texts) if args.texts else None},
            "stages": stages,
            "phrase_caches": rates,
            "bench_peak_rss_mb": maxrss_mb(resource.RUSAGE_SELF),
        }
        results["goals"] = real_goals(stages, cores)
        path = write_results(results, prefix="real-")
        (path.with_suffix(".md")).write_text(real_markdown(results), encoding="utf-8")
        (RESULTS_DIR / "real-latest.md").write_text(real_markdown(results), encoding="utf-8")
        print_real(results)
        print(f"written: {path}, {path.with_suffix('.md')} and {RESULTS_DIR}/real-latest.*")
    finally:
        clean_up(work, args.keep)
    return 0


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=10_000, help="reports to build")
    parser.add_argument("--real", action="store_true",
                        help="issue 15: copies of whole real reports (data/raw + --texts), "
                             "figures, years and places varied")
    parser.add_argument("--texts", type=Path, default=None, metavar="DIR",
                        help="--real: more real .txt reports to copy (never put in the repo)")
    parser.add_argument("--extract-docs", type=int, default=20_000, metavar="N",
                        help="--real: time extraction alone on the first N reports "
                             "(0: all; default 20,000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--doc-kb",
        type=float,
        default=15.0,
        help="mean report size in kB (1.5 GB / 100,000 reports)",
    )
    parser.add_argument(
        "--jobs", type=int, default=None, help="workers for end to end (default: all cores)"
    )
    parser.add_argument("--engine", default="process", choices=["process", "dask"])
    parser.add_argument(
        "--peer-docs", type=int, default=None, help="run the peer on the first N docs only"
    )
    parser.add_argument("--skip-notebooks", action="store_true")
    parser.add_argument(
        "--notebooks", type=int, default=8, metavar="N", help="planned notebook runs to time"
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="profile extract on N docs (pyinstrument); --real: reports of the per-stage run",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the corpus and outputs (path printed)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.real:
        return main_real(args)
    from analysis.engine import cpu_count, resolve_jobs

    cores, jobs = cpu_count(), resolve_jobs(args.jobs)
    work = Path(tempfile.mkdtemp(prefix="kejiju-bench-"))
    try:
        with step(f"building {args.docs:,} synthetic reports in {work}"):
            corpus = build_corpus(work / "raw", args.docs, args.seed, args.doc_kb)
            doc_bytes = [(corpus.folder / f"{d}.txt").stat().st_size for d in corpus.doc_ids]
        stages: dict[str, dict] = {}
        with step("(a) floor: one regex pass"):
            stages["floor"], _ = stage_floor(corpus, doc_bytes)
        with step("(b) extract_figures, single process"):
            stages["extract"], ext_timed = stage_extract(corpus, doc_bytes)
        with step(f"(c) analysis extract end to end, {jobs} workers, engine {args.engine}"):
            stages["e2e"] = stage_cli(corpus, work / "processed", args.jobs or jobs, args.engine)
        with step("(d) peer: jionlp.extract_money"):
            stages["peer"], peer_timed = stage_peer(corpus, doc_bytes, args.peer_docs)
        if args.skip_notebooks:
            stages["notebooks"] = {"status": "skipped", "reason": "--skip-notebooks"}
        elif stages["e2e"].get("status") != "ok":
            stages["notebooks"] = {"status": "skipped", "reason": "needs the end-to-end tables"}
        else:
            with step("(e) papermill batch, 1 worker and all"):
                stages["notebooks"] = stage_notebooks(
                    corpus.folder, work / "processed", jobs, args.engine, args.notebooks
                )
        add_ratios(stages)
        results: dict[str, Any] = {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {
                "cores": cores,
                "platform": platform.platform(),
                "python": platform.python_version(),
                "cpu": platform.processor() or platform.machine(),
            },
            "args": vars(args),
            "corpus": {
                "docs": len(corpus.doc_ids),
                "mb": round(corpus.n_bytes / MB, 3),
                "seed": args.seed,
            },
            "stages": stages,
        }
        if ext_timed and peer_timed:
            n = len(peer_timed.seconds)
            same = Timed(ext_timed.seconds[:n], ext_timed.figures[:n])
            results["extract_on_peer_text"] = summarise(same, doc_bytes)
        results["bench_peak_rss_mb"] = maxrss_mb(resource.RUSAGE_SELF)
        results["goals"] = goals(results, cores)
        if args.profile:
            with step(f"profiling extract_figures on {args.profile} docs"):
                profile = profile_extract(corpus, args.profile)
            if profile:
                results["profile_top"] = profile.splitlines()[:60]
        path = write_results(results)
        print_report(results)
        if results.get("profile_top"):
            print("\n== profile (pyinstrument, extract_figures) ==")
            print("\n".join(results["profile_top"]))
        print(f"\nwritten: {path} and {RESULTS_DIR / 'latest.json'}")
    finally:
        clean_up(work, args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
