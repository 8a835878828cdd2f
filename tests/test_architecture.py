"""The import graph follows the data: no module imports a step that comes after it.

ingest → clean → text (the prepared document) → metadata | extract (side by side, neither
importing the other) → tables → pipeline → compare → plots / excel → batch → cli. The
foundation (paths, records, vocabularies, helpers) may be imported by any step. A new
module must be given its place here, so the picture in docs/ARCHITECTURE.md stays true.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "analysis"

FOUNDATION = ("config", "models", "patterns", "safeio", "schema", "numbers", "gazetteer",
              "taxonomy", "text.script", "text.lexicon", "text.chrome", "text.sentences",
              "engine", "cache", "labels")  # labels: code → Chinese label, headers, decimals (data files only)
FLOW = (
    ("ingest",),
    ("clean",),
    ("text", "text.document"),
    ("metadata", "extract"),  # side by side: both read the prepared document
    ("tables", "records"),  # records: a document's rows, made in the workers
    ("pipeline", "warm"),  # warm: the pool server's warm-up, one extraction of a sample
    ("corrections",),
    ("compare", "themes"),
    ("plots", "excel", "review", "display", "flags"),
    ("params", "batch", "report_index"),
    ("cli", ""),  # "" is the package itself: its __init__ offers the whole API
)
SIBLINGS = {"metadata": "extract", "extract": "metadata"}


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(p for p in parts if p != "__init__")


def stage(module: str) -> tuple[int, str]:
    """(rank, family) of a module: its own name or the package it sits in."""
    for name in (module, module.split(".")[0]):
        if name in FOUNDATION:
            return -1, name
        for rank, group in enumerate(FLOW):
            if name in group:
                return rank, name
    raise AssertionError(f"analysis.{module} has no place in the data flow: add it to "
                         "tests/test_architecture.py and docs/ARCHITECTURE.md")


def imports(path: Path) -> set[str]:
    """Modules of the package that ``path`` imports (anywhere in it, functions included)."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            elif node.module and (node.module == "analysis" or node.module.startswith("analysis.")):
                target = node.module.removeprefix("analysis").lstrip(".")
            else:
                continue
            for alias in node.names:  # `from analysis import config` imports the module
                sub = f"{target}.{alias.name}".lstrip(".")
                is_module = (SRC / Path(*sub.split("."))).with_suffix(".py").exists() or (
                    SRC / Path(*sub.split("."))).is_dir()
                found.add(sub if is_module else target)
        elif isinstance(node, ast.Import):
            found |= {a.name.removeprefix("analysis").lstrip(".") for a in node.names
                      if a.name == "analysis" or a.name.startswith("analysis.")}
    return found - {module}


MODULES = sorted(SRC.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[module_name(p) or "analysis" for p in MODULES])
def test_no_module_imports_a_later_step(path):
    module = module_name(path)
    rank, family = stage(module)
    for dep in sorted(imports(path)):
        dep_rank, dep_family = stage(dep)
        if dep_family == family:
            continue  # inside one package
        assert dep_rank <= rank, f"analysis.{module} imports analysis.{dep}, a later step"
        assert SIBLINGS.get(family) != dep_family, (
            f"analysis.{module} imports analysis.{dep}: metadata and extraction read the "
            "prepared document side by side")
