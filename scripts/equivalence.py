"""Show that a change leaves the tables byte-identical: extract corpora, compare to a snapshot.

A restructuring or speed change must not move a single figure. This script extracts each
corpus into a folder of its own and compares every CSV table and every cleaned text with
the same files of a snapshot made by another checkout of the code (run the script from
that checkout with ``snapshot``, then from the new one with ``check``)::

    python scripts/equivalence.py snapshot OUT --corpus NAME=DIR ... [--synthetic 500]
    python scripts/equivalence.py check    OUT --against BASE --corpus NAME=DIR ... [--synthetic 500]

``--synthetic N`` adds N reports built by ``bench/run.py``'s synthesiser from the sample
corpus (seeded, so both checkouts build the same texts). Every CSV (the run log too)
and every cleaned text is compared byte for byte.
"""

from __future__ import annotations

import argparse
import filecmp
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TABLES = ("documents.csv", "metrics.csv", "repairs.csv", "run_log.csv")


def synthetic(folder: Path, n_docs: int) -> Path:
    """Build (once) the seeded synthetic corpus with the bench synthesiser of this checkout."""
    if not folder.is_dir() or len(list(folder.glob("*.txt"))) != n_docs:
        sys.path.insert(0, str(HERE.parent / "bench"))
        from run import build_corpus  # bench/run.py

        build_corpus(folder, n_docs, seed=0, doc_kb=16)
    return folder


def extract(corpora: dict[str, Path], out: Path) -> None:
    """Extract every corpus into OUT/NAME with this checkout's package, no cache."""
    src = HERE.parent / "src"
    for name, raw in corpora.items():
        target = out / name
        cmd = [sys.executable, "-m", "analysis.cli", "extract", str(raw), "--out", str(target),
               "--no-cache", "--jobs", "1"]
        env = {"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"}
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if done.returncode not in (0, 1):
            sys.exit(f"extract of {name} failed:\n{done.stderr[-2000:]}")
        print(f"{name}: {done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ''}")


def differences(new: Path, base: Path) -> list[str]:
    """Every table or cleaned text that differs between two extraction folders."""
    out = []
    for name in TABLES:
        a, b = new / name, base / name
        if a.is_file() != b.is_file() or (a.is_file() and not filecmp.cmp(a, b, shallow=False)):
            out.append(str(a))
    texts_a = {p.name for p in (new / "text").glob("*.txt")}
    texts_b = {p.name for p in (base / "text").glob("*.txt")}
    out += [f"{new}/text/{n} (only on one side)" for n in sorted(texts_a ^ texts_b)]
    for n in sorted(texts_a & texts_b):
        if not filecmp.cmp(new / "text" / n, base / "text" / n, shallow=False):
            out.append(f"{new}/text/{n}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=["snapshot", "check"])
    ap.add_argument("out", type=Path)
    ap.add_argument("--corpus", action="append", default=[], help="NAME=DIR")
    ap.add_argument("--synthetic", type=int, default=0)
    ap.add_argument("--against", type=Path, help="the snapshot folder (check mode)")
    a = ap.parse_args(argv)
    corpora = {c.split("=", 1)[0]: Path(c.split("=", 1)[1]) for c in a.corpus}
    if a.synthetic:
        corpora["synthetic"] = synthetic(a.out.parent / f"synthetic-{a.synthetic}", a.synthetic)
    extract(corpora, a.out)
    if a.mode == "snapshot":
        return 0
    if a.against is None:
        sys.exit("check needs --against SNAPSHOT")
    bad = [d for name in corpora for d in differences(a.out / name, a.against / name)]
    for line in bad:
        print("differs:", line)
    print("identical" if not bad else f"{len(bad)} files differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
