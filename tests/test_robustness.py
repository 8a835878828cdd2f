"""Robustness of the whole extraction (issue 4): fuzzing, a folder of bad files,
interrupted runs, idempotent re-runs.

Why: real report folders are messy and users stop runs halfway; every input must
be processed or reported with a reason, and the tables must never be a half-written
mix. Tests against modules that may not exist yet are skipped via importorskip.
"""

from __future__ import annotations

import io
import math
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import safeio
from analysis.config import ROOT
from analysis.models import CleanDocument, DocMeta, RawDocument

SAMPLES = ROOT / "data" / "raw"
SAMPLE_FILES = sorted(SAMPLES.glob("*.txt"))
STATUSES = {"ok", "duplicate", "skipped", "failed"}
TABLE_COLUMNS = {
    "documents.csv": [
        "doc_id", "title", "region", "admin_level", "parent_city", "province", "report_year",
        "period", "doc_type", "region_masked", "region_confidence", "year_confidence",
        "source_file", "sha256", "n_chars",
    ],
    "metrics.csv": [
        "doc_id", "region", "year", "period", "kind", "metric_id", "metric_name", "indicator",
        "value", "unit", "yoy_pct", "qualifier", "sentence", "char_start", "char_end", "raw",
    ],
    "run_log.csv": ["source_file", "doc_id", "status", "reason", "n_chars", "n_figures"],
}  # fmt: skip
COMPARED_TABLES = ("documents.csv", "metrics.csv")
CLI = [sys.executable, "-c", "import sys; from analysis.cli import main; sys.exit(main())"]


# ============================================================ helpers


def _pipeline():
    return pytest.importorskip("analysis.pipeline")


def _cli_available() -> None:
    pytest.importorskip("analysis.pipeline")
    cli = pytest.importorskip("analysis.cli")
    if not hasattr(cli, "main"):
        pytest.skip("analysis.cli.main not written yet")


def run_cli(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT, check=False
    )


def read_table(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / name, encoding="utf-8-sig", dtype=str, keep_default_na=False)


def run_log_by_file(out: Path) -> dict[str, dict[str, str]]:
    log = read_table(out, "run_log.csv")
    return {row["source_file"]: row for row in log.to_dict("records")}


def inputs_under(raw: Path) -> set[str]:
    """Every file a user put in the folder, as run_log names it (manifest and hidden aside)."""
    return {
        p.relative_to(raw).as_posix()
        for p in raw.rglob("*")
        if p.is_file()
        and p.name != "manifest.csv"
        and not any(part.startswith(".") for part in p.relative_to(raw).parts)
    }


def assert_every_input_logged(out: Path, raw: Path) -> dict[str, dict[str, str]]:
    rows = run_log_by_file(out)
    missing = inputs_under(raw) - set(rows)
    assert not missing, f"inputs missing from run_log: {sorted(missing)[:10]}"
    for source, row in rows.items():
        assert row["status"] in STATUSES, (source, row["status"])
        if row["status"] != "ok":
            assert row["reason"].strip(), f"{source}: {row['status']} without a reason"
        # The pipeline turns unexpected exceptions into this reason: a crash in disguise.
        assert "internal error" not in row["reason"], f"{source}: {row['reason']}"
    return rows


def assert_tables_complete(out: Path) -> None:
    """Every table present parses and has all its columns: never a half-written file."""
    for name, columns in TABLE_COLUMNS.items():
        path = out / name
        if path.exists():
            missing = set(columns) - set(read_table(out, name).columns)
            assert not missing, f"{name} lacks {sorted(missing)}"


def visible_leftovers(out: Path) -> list[str]:
    """Temporaries a reader could mistake for tables (hidden temps are fine)."""
    bad = []
    for p in out.rglob("*"):
        rel = p.relative_to(out)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if "tmp" in p.name.lower() or p.name.endswith((".part", ".partial", "~")):
            bad.append(rel.as_posix())
    return bad


def snapshot(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in TABLE_COLUMNS if (out / name).exists()}


def _encodable(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="ignore")


def _sample_text(stem: str) -> str:
    return (SAMPLES / f"{stem}.txt").read_text(encoding="utf-8")


# ============================================================ property tests

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
NUMERIC = st.sampled_from(
    list("0123456789０１２３４５６７８９〇零一二三四五六七八九十百千万亿%％.,，、。．：;；*xX-+~～")
)
TOKENS = st.sampled_from(
    [
        "全年", "同比增长", "增长", "下降", "约", "超过", "近", "达到", "累计", "亿元", "万元",
        "元", "万", "亿", "%", "％", "个百分点", "件", "家", "项", "个", "人次", "平方米",
        "万平方米", "1,234.5万元", "１２３４", "*5万元", "20xx万元", "二〇二一年", "2021年",
        "上半年", "1-5月", "专利申请量", "研发经费支出", "高新技术企业", "技术合同成交额",
        "R&D", "占GDP比重", "\n", " ", "（", "）", "。", "，", "、", "——",
    ]
)  # fmt: skip
NUMBERS = st.one_of(
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(places=3, allow_nan=False, allow_infinity=False).map(str),
)
REPORT_LIKE = st.lists(st.one_of(TOKENS, NUMBERS, st.text(CJK, max_size=4)), max_size=40).map(
    "".join
)
ANY_TEXT = st.one_of(
    st.text(st.one_of(CJK, NUMERIC), max_size=200),
    st.text(max_size=200),
    REPORT_LIKE,
)
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def clean_mod():
    return pytest.importorskip("analysis.clean")


@pytest.fixture(scope="module")
def numbers_mod():
    return pytest.importorskip("analysis.numbers")


@pytest.fixture(scope="module")
def extract_mod():
    return pytest.importorskip("analysis.extract")


@pytest.fixture(scope="module")
def metadata_mod():
    return pytest.importorskip("analysis.metadata")


def _raw(text: str) -> RawDocument:
    return RawDocument(doc_id="fuzz", source_file="fuzz.txt", fmt="txt", text=text, sha256="0" * 64)


@FUZZ
@given(ANY_TEXT)
def test_cleaner_never_raises(clean_mod, text: str) -> None:
    doc = clean_mod.clean_document(_raw(text))
    assert isinstance(doc, CleanDocument)
    assert isinstance(doc.text, str)
    for repair in doc.repairs:
        assert 0 <= repair.offset <= len(doc.text)


@FUZZ
@given(ANY_TEXT)
def test_number_parser_never_raises(numbers_mod, text: str) -> None:
    quantity = numbers_mod.parse_quantity(text)
    value = numbers_mod.parse_number(text)
    assert value is None or isinstance(value, int | float)
    if quantity is not None:
        assert isinstance(quantity.value, int | float)


def _check_figures(text: str, figures: list) -> None:
    for fig in figures:
        assert 0 <= fig.char_start <= fig.char_end <= len(text), (fig.char_start, fig.char_end)
        assert isinstance(fig.value, int | float) and math.isfinite(fig.value), fig.value
        assert fig.kind in {"actual", "estimate", "target"}


@FUZZ
@given(ANY_TEXT)
def test_extractor_never_raises_and_offsets_are_inside_the_text(extract_mod, text: str) -> None:
    _check_figures(text, extract_mod.extract_figures("fuzz", text, DocMeta(doc_id="fuzz")))


@FUZZ
@given(ANY_TEXT)
def test_clean_then_extract_never_raises(clean_mod, extract_mod, text: str) -> None:
    meta = DocMeta(doc_id="fuzz", region="宁波市", report_year=2021, period="FY")
    cleaned = clean_mod.clean_document(_raw(text)).text
    _check_figures(cleaned, extract_mod.extract_figures("fuzz", cleaned, meta))


@FUZZ
@given(ANY_TEXT)
def test_metadata_never_raises(metadata_mod, text: str) -> None:
    meta = metadata_mod.infer_metadata("fuzz", text)
    assert isinstance(meta, DocMeta)


def test_extractor_offsets_on_every_sample_report(clean_mod, extract_mod, metadata_mod) -> None:
    for path in SAMPLE_FILES:
        text = clean_mod.clean_document(_raw(path.read_text(encoding="utf-8"))).text
        meta = metadata_mod.infer_metadata(path.stem, text)
        _check_figures(text, extract_mod.extract_figures(path.stem, text, meta))


# ============================================================ corpus mutation


def _mutate(data: bytes, rng: random.Random, donors: list[bytes]) -> bytes:
    """Apply 1-3 random damages of the kinds real downloads suffer."""

    def delete(b: bytes) -> bytes:
        i = rng.randrange(len(b) + 1)
        return b[:i] + b[i + rng.randint(1, 300) :]

    def insert(b: bytes) -> bytes:
        i = rng.randrange(len(b) + 1)
        donor = rng.choice(donors)
        j = rng.randrange(len(donor) + 1)
        piece = rng.choice([rng.randbytes(rng.randint(1, 64)), donor[j : j + rng.randint(1, 400)]])
        return b[:i] + piece + b[i:]

    def swap(b: bytes) -> bytes:
        if len(b) < 2:
            return b
        arr = bytearray(b)
        for _ in range(rng.randint(1, 20)):
            i, j = rng.randrange(len(arr)), rng.randrange(len(arr))
            arr[i], arr[j] = arr[j], arr[i]
        return bytes(arr)

    def utf8_read_as_gbk(b: bytes) -> bytes:
        i = rng.randrange(len(b) + 1)
        j = min(len(b), i + rng.randint(50, 5000))
        return b[:i] + b[i:j].decode("gbk", errors="replace").encode("utf-8") + b[j:]

    def whole_file_other_encoding(b: bytes) -> bytes:
        enc = rng.choice(["gb18030", "big5", "utf-16", "utf-16-le", "utf-8-sig"])
        return b.decode("utf-8", errors="replace").encode(enc, errors="ignore")

    def mixed_encodings(b: bytes) -> bytes:
        i = rng.randrange(len(b) + 1)
        return b[:i] + b[i:].decode("utf-8", errors="ignore").encode("gb18030", errors="ignore")

    def truncate(b: bytes) -> bytes:
        return b[: rng.randrange(len(b) + 1)]

    def control_chars(b: bytes) -> bytes:
        arr = bytearray(b)
        for _ in range(rng.randint(1, 30)):
            arr.insert(rng.randrange(len(arr) + 1), rng.choice([0, 0x0B, 0x0C, 0x1B, 0x7F, 0x0D]))
        return bytes(arr)

    def line_endings(b: bytes) -> bytes:
        return b.replace(b"\n", rng.choice([b"\r\n", b"\r", b"\n\n\n", b"\xe2\x80\xa8"]))

    def repeat(b: bytes) -> bytes:
        i = rng.randrange(len(b) + 1)
        return b[:i] + b[i : i + rng.randint(1, 2000)] * rng.randint(2, 20) + b[i:]

    kinds: list[Callable[[bytes], bytes]] = [
        delete, insert, swap, utf8_read_as_gbk, whole_file_other_encoding, mixed_encodings,
        truncate, control_chars, line_endings, repeat,
    ]  # fmt: skip
    for kind in rng.sample(kinds, rng.randint(1, 3)):
        data = kind(data)
    return data


BATCHES = 10
PER_BATCH = 50  # 10 x 50 = 500 mutated files, one extract_corpus run per batch


@pytest.mark.slow
def test_mutated_corpus_never_crashes_and_every_file_is_logged(tmp_path: Path) -> None:
    pipeline = _pipeline()
    donors = [p.read_bytes() for p in SAMPLE_FILES]
    rng = random.Random(20240404)
    for batch in range(BATCHES):
        raw = tmp_path / f"raw{batch}"
        raw.mkdir()
        for k in range(PER_BATCH):
            i = rng.randrange(len(SAMPLE_FILES))
            suffix = ".html" if rng.random() < 0.1 else ".txt"
            name = f"m{batch:02d}_{k:02d}_{SAMPLE_FILES[i].stem}{suffix}"
            (raw / name).write_bytes(_mutate(donors[i], rng, donors))
        out = tmp_path / f"out{batch}"
        tables = pipeline.extract_corpus(raw, out, jobs=1, progress=False)
        logged = dict(zip(tables.run_log["source_file"], tables.run_log["status"], strict=True))
        assert set(logged) == inputs_under(raw), f"batch {batch}"
        assert set(logged.values()) <= STATUSES
        assert_every_input_logged(out, raw)
        assert_tables_complete(out)
        n_chars = dict(zip(tables.documents["doc_id"], tables.documents["n_chars"], strict=True))
        assert set(tables.metrics["doc_id"]) <= set(n_chars)
        for row in tables.metrics[["doc_id", "char_start", "char_end"]].itertuples():
            assert 0 <= row.char_start <= row.char_end <= n_chars[row.doc_id], row
        shutil.rmtree(raw)
        shutil.rmtree(out)


# ============================================================ damaged encodings

TITLE = "宁波2008年科技工作总结"  # first line of x01_ningbo_2008.txt


def test_report_with_a_stray_nul_byte_is_still_read(tmp_path: Path) -> None:
    ingest = pytest.importorskip("analysis.ingest")
    text = _sample_text("x01_ningbo_2008")
    path = tmp_path / "nul.txt"
    path.write_bytes((text[:50] + "\x00" + text[50:]).encode())
    assert ingest.read_document(path, tmp_path).text.startswith(TITLE)


def test_report_with_one_damaged_utf8_byte_is_still_read_as_utf8(tmp_path: Path) -> None:
    ingest = pytest.importorskip("analysis.ingest")
    data = _sample_text("x01_ningbo_2008").encode()
    cut = data.index("技".encode()) + 1  # drop the middle byte of one character
    path = tmp_path / "damaged.txt"
    path.write_bytes(data[:cut] + data[cut + 1 :])
    assert ingest.read_document(path, tmp_path).text.startswith("宁波2008年科")


# ============================================================ folder of bad files


def _docx_bytes(text: str) -> bytes:
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _zip_bomb_docx() -> bytes:
    """A tiny .docx whose document.xml inflates to 64 MB (ratio ~1000:1)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            block = b" " * (1 << 20)
            for _ in range(64):
                fh.write(block)
    return buf.getvalue()


def _image_only_pdf() -> bytes:
    """A 'scan': one page holding a picture and no text layer."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig = plt.figure(figsize=(2, 2))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.imshow(np.random.default_rng(0).random((32, 32)), cmap="gray")
    ax.axis("off")
    buf = io.BytesIO()
    fig.savefig(buf, format="pdf")
    plt.close(fig)
    return buf.getvalue()


OLE = bytes.fromhex("D0CF11E0A1B11AE1")

# source_file -> what the run should say about it
GOOD = "ok"
BAD = {"failed", "skipped"}


def build_messy_folder(raw: Path) -> dict[str, set[str]]:
    """The 17 sample reports plus the kinds of bad input issue 4 lists."""
    import opencc

    for path in SAMPLE_FILES:
        shutil.copy(path, raw / path.name)
    expected: dict[str, set[str]] = {p.name: {GOOD} for p in SAMPLE_FILES}
    rng = random.Random(4)

    def put(name: str, data: bytes, statuses: set[str]) -> None:
        path = raw / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        expected[name] = statuses

    put("empty.txt", b"", BAD)
    put("whitespace_only.txt", b"  \n\n\t \r\n", BAD)
    put("binary_junk.txt", rng.randbytes(8192), BAD)
    # Good text in other encodings: different excerpts of the long reports, so no
    # file repeats another's text.
    long_ = [_sample_text(p.stem) for p in SAMPLE_FILES if not p.stem.startswith("x")]
    put("gbk_report.txt", _encodable(long_[0][:1500], "gbk"), {GOOD})
    put("gb18030_report.txt", _encodable(long_[1][:1500] + "（𠀀）", "gb18030"), {GOOD})
    big5 = opencc.OpenCC("s2t").convert(long_[2][:1500])
    put("big5_report.txt", _encodable(big5, "big5"), {GOOD})
    put("utf16_report.txt", long_[3][:1500].encode("utf-16"), {GOOD})
    put("utf16le_nobom.txt", long_[4][:1500].encode("utf-16-le"), {GOOD})
    docx_bytes = _docx_bytes(long_[0][1500:3000])
    put("truncated.docx", docx_bytes[: len(docx_bytes) * 6 // 10], BAD)
    put("good_report.docx", _docx_bytes(long_[3][1500:3000]), {GOOD})
    page = "".join(f"<p>{line}</p>" for line in long_[4][1500:3000].splitlines())
    html = (
        f'<html><head><meta charset="gbk"></head><body><nav>首页 | 通知</nav>{page}</body></html>'
    )
    put("saved_page.html", html.encode("gbk", errors="ignore"), {GOOD})
    encrypted = (
        OLE + rng.randbytes(512) + "EncryptedPackage".encode("utf-16-le") + rng.randbytes(512)
    )
    put("password.docx", encrypted, BAD)
    put("old_word_renamed.docx", OLE + rng.randbytes(4096), BAD)
    put("scanned.pdf", _image_only_pdf(), BAD)
    put("truncated.pdf", _image_only_pdf()[:300], BAD)
    put("statistics.xls", OLE + rng.randbytes(2048), BAD)
    put("README", b"notes about this folder\n", BAD)
    put("zip_bomb.docx", _zip_bomb_docx(), BAD)
    # The same bytes as x02 under another name, sorting after it: x02 stays ok.
    put("zz_copy_of_x02.txt", (SAMPLES / "x02_ningbo_2014.txt").read_bytes(), {"duplicate"})
    put("宁波 科技 工作总结（摘录）.txt", long_[1][1500:3000].encode(), {GOOD})
    put("2017 青岛/上半年 工作.txt", long_[2][1500:3000].encode(), {GOOD})
    (raw / "manifest.csv").write_text(
        "file,doc_id,report_year,colour\n"
        "x01_ningbo_2008.txt,,20x8,red\n"
        ",no_such_doc,2015,blue\n"
        "../../etc/passwd,,2015,\n",
        encoding="utf-8",
    )
    return expected


@pytest.fixture(scope="module")
def messy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, set[str]]]:
    raw = tmp_path_factory.mktemp("messy") / "raw"
    raw.mkdir()
    return raw, build_messy_folder(raw)


@pytest.mark.slow
def test_messy_folder_runs_to_completion_and_logs_each_bad_file(
    messy: tuple[Path, dict[str, set[str]]], tmp_path: Path
) -> None:
    _cli_available()
    raw, expected = messy
    out = tmp_path / "out"
    done = run_cli("extract", str(raw), "--out", str(out), "--jobs", "1")
    assert done.returncode == 0, done.stderr[-3000:]
    rows = assert_every_input_logged(out, raw)
    assert set(rows) - {"manifest.csv"} == set(expected)
    wrong = {
        name: (rows[name]["status"], rows[name]["reason"])
        for name, statuses in expected.items()
        if rows[name]["status"] not in statuses
    }
    assert not wrong, wrong
    assert_tables_complete(out)

    documents = read_table(out, "documents.csv")
    metrics = read_table(out, "metrics.csv")
    ok_ids = {
        row["doc_id"] for name, row in rows.items() if row["status"] == "ok" and name in expected
    }
    assert ok_ids == set(documents["doc_id"])
    assert set(metrics["doc_id"]) <= ok_ids
    for path in SAMPLE_FILES:
        assert rows[path.name]["doc_id"] in ok_ids

    # The manifest's problems are reported, and its path never escapes the folder.
    log_text = (out / "run_log.csv").read_text(encoding="utf-8-sig")
    for token in ("20x8", "no_such_doc", "colour", "etc/passwd"):
        assert token in log_text, f"manifest problem {token!r} not in run_log"
    assert "root:" not in log_text


@pytest.mark.slow
def test_bad_files_do_not_change_the_good_files_tables(
    messy: tuple[Path, dict[str, set[str]]], tmp_path: Path
) -> None:
    pipeline = _pipeline()
    raw, _ = messy
    clean = tmp_path / "clean"
    clean.mkdir()
    for path in SAMPLE_FILES:
        shutil.copy(path, clean / path.name)
    shutil.copy(raw / "manifest.csv", clean / "manifest.csv")
    alone = pipeline.extract_corpus(clean, tmp_path / "out_clean", jobs=1, progress=False)
    mixed = pipeline.extract_corpus(raw, tmp_path / "out_mixed", jobs=1, progress=False)
    ids = set(alone.documents["doc_id"])
    keep = mixed.metrics[mixed.metrics["doc_id"].isin(ids)].reset_index(drop=True)
    pd.testing.assert_frame_equal(keep, alone.metrics.reset_index(drop=True))


@pytest.mark.slow
def test_strict_mode_fails_on_bad_files_but_still_writes(
    messy: tuple[Path, dict[str, set[str]]], tmp_path: Path
) -> None:
    _cli_available()
    raw, _ = messy
    out = tmp_path / "out"
    done = run_cli("extract", str(raw), "--out", str(out), "--jobs", "1", "--strict")
    assert done.returncode != 0
    assert (out / "run_log.csv").exists()


@pytest.mark.slow
def test_nothing_usable_is_an_error(tmp_path: Path) -> None:
    _cli_available()
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "empty.txt").write_bytes(b"")
    (raw / "junk.txt").write_bytes(random.Random(0).randbytes(4096))
    done = run_cli("extract", str(raw), "--out", str(tmp_path / "out"))
    assert done.returncode != 0
    assert set(run_log_by_file(tmp_path / "out")) == {"empty.txt", "junk.txt"}


# ============================================================ interruption


N_COPIES = 18  # 17 samples x 18 = 306 distinct files


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("big") / "raw"
    raw.mkdir()
    for path in SAMPLE_FILES:
        text = path.read_text(encoding="utf-8")
        for i in range(N_COPIES):
            # A distinct trailing line (no digits: adds no figure) keeps copies apart.
            tag = "".join(chr(0x4E00 + (i * 37 + k) % 20000) for k in range(3))
            (raw / f"{path.stem}_c{i:02d}.txt").write_text(f"{text}\n附注{tag}\n", encoding="utf-8")
    return raw


@pytest.fixture(scope="module")
def big_reference(big_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    _cli_available()
    out = tmp_path_factory.mktemp("big_ref") / "out"
    done = run_cli("extract", str(big_corpus), "--out", str(out), "--jobs", "1")
    assert done.returncode == 0, done.stderr[-3000:]
    return snapshot(out)


def _start_and_interrupt(raw: Path, out: Path, sig: signal.Signals, log: Path) -> int:
    """Start `analysis extract`, wait for its first output (or 3 s), send ``sig``, reap it."""
    with open(log, "wb") as fh:
        proc = subprocess.Popen(
            [*CLI, "extract", str(raw), "--out", str(out), "--jobs", "1"],
            stdout=fh,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            start_new_session=True,
        )
    try:
        waited = 0.0
        while proc.poll() is None and log.stat().st_size == 0 and waited < 60:
            time.sleep(0.1)
            waited += 0.1
        time.sleep(1.0)  # let it get into the corpus
        if proc.poll() is None:
            proc.send_signal(sig)
        return proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_interrupted_run_leaves_previous_or_complete_tables(
    sig: signal.Signals, big_corpus: Path, big_reference: dict[str, bytes], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    first = run_cli("extract", str(SAMPLES), "--out", str(out), "--jobs", "1")
    assert first.returncode == 0, first.stderr[-3000:]
    previous = snapshot(out)
    assert set(previous) == set(TABLE_COLUMNS)

    code = _start_and_interrupt(big_corpus, out, sig, tmp_path / "log.txt")
    after = snapshot(out)
    for name in COMPARED_TABLES:  # each table is the old one or the new one, whole
        assert after[name] in (previous[name], big_reference[name]), f"{name} after {sig.name}"
    if code != 0:
        assert set(after) == set(previous)
    assert_tables_complete(out)
    assert visible_leftovers(out) == []
    if sig == signal.SIGINT:  # Python cleaned up: not even hidden temps
        temps = [p.name for p in out.rglob("*") if safeio.is_temp_name(p.name)]
        assert temps == []

    again = run_cli("extract", str(big_corpus), "--out", str(out), "--jobs", "1")
    assert again.returncode == 0, again.stderr[-3000:]
    rerun = snapshot(out)
    for name in COMPARED_TABLES:
        assert rerun[name] == big_reference[name], f"{name} differs from an uninterrupted run"
    cols = ["source_file", "doc_id", "status", "n_chars", "n_figures"]
    pd.testing.assert_frame_equal(
        read_table(out, "run_log.csv")[cols],
        pd.read_csv(io.BytesIO(big_reference["run_log.csv"]), encoding="utf-8-sig", dtype=str,
                    keep_default_na=False)[cols],
    )  # fmt: skip
    assert visible_leftovers(out) == []


# ============================================================ idempotence and cache


def _cache_files(out: Path) -> dict[str, str]:
    """Cache entries: file hash → digest of the stored row (one SQLite file per code version)."""
    import hashlib
    import sqlite3

    rows = {}
    for db_path in (out / ".cache").rglob("entries.sqlite"):
        db = sqlite3.connect(db_path)
        for key, value in db.execute("SELECT key, value FROM entries"):
            rows[key] = hashlib.sha256(value).hexdigest()
        db.close()
    return rows


@pytest.mark.slow
def test_rerun_is_byte_identical_and_served_from_cache(tmp_path: Path) -> None:
    pipeline = _pipeline()
    out = tmp_path / "out"
    first = pipeline.extract_corpus(SAMPLES, out, jobs=1, progress=False)
    bytes1 = snapshot(out)
    cached = _cache_files(out)
    assert len(first.documents), "no documents"
    assert len(cached) == len(first.documents), "cache has no entry per document"

    second = pipeline.extract_corpus(SAMPLES, out, jobs=1, progress=False)
    bytes2 = snapshot(out)
    for name in COMPARED_TABLES:
        assert bytes2[name] == bytes1[name], name
    pd.testing.assert_frame_equal(second.metrics, first.metrics)
    assert _cache_files(out) == cached  # hits: nothing re-extracted, nothing rewritten
    if "cached" in second.run_log.columns:
        ok = second.run_log[second.run_log["status"] == "ok"]
        assert ok["cached"].astype(int).tolist() == [1] * len(ok)
        assert first.run_log["cached"].astype(int).sum() == 0

    fresh = tmp_path / "fresh"  # no cache: the cached run must equal an uncached one
    pipeline.extract_corpus(SAMPLES, fresh, jobs=1, progress=False)
    for name in COMPARED_TABLES:
        assert snapshot(fresh)[name] == bytes1[name], name


@pytest.mark.slow
def test_corrupt_cache_entries_are_re_extracted(tmp_path: Path) -> None:
    pipeline = _pipeline()
    out = tmp_path / "out"
    pipeline.extract_corpus(SAMPLES, out, jobs=1, progress=False)
    reference = snapshot(out)
    import sqlite3

    (db_path,) = list((out / ".cache").rglob("entries.sqlite"))
    db = sqlite3.connect(db_path)
    keys = [k for (k,) in db.execute("SELECT key FROM entries ORDER BY key")]
    assert keys
    with db:
        for i, key in enumerate(keys):
            db.execute("UPDATE entries SET value = ? WHERE key = ?",
                       (b"" if i % 2 else b"garbage", key))
    db.close()
    pipeline.extract_corpus(SAMPLES, out, jobs=1, progress=False)
    for name in COMPARED_TABLES:
        assert snapshot(out)[name] == reference[name], name


def test_a_renamed_file_is_not_served_under_its_old_id(tmp_path: Path) -> None:
    pipeline = _pipeline()
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SAMPLE_FILES[0], raw / "report_a.txt")
    out = tmp_path / "out"
    pipeline.extract_corpus(raw, out, jobs=1, progress=False)
    (raw / "report_a.txt").rename(raw / "report_b.txt")
    second = pipeline.extract_corpus(raw, out, jobs=1, progress=False)
    assert set(second.metrics["doc_id"]) == {"report_b"}
    assert second.run_log["cached"].astype(int).tolist() == [0]
    text = (out / "text" / "report_b.txt").read_text(encoding="utf-8")
    for row in second.metrics.itertuples():
        assert text[row.char_start:row.char_end] == row.raw
