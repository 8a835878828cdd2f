"""Every path the project uses, in one place (cookiecutter-data-science style).

Paths are resolved from the project root (the folder holding ``pyproject.toml``)
when the package runs from a checkout, else from the current directory, so the
CLI and the notebooks agree on where data lives whatever directory they start in.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PACKAGE_DATA = PACKAGE_DIR / "data"


def _find_root() -> Path:
    env = os.environ.get("ANALYSIS_ROOT")
    if env:
        return Path(env).resolve()
    for candidate in (PACKAGE_DIR.parent.parent, Path.cwd()):
        if (candidate / "pyproject.toml").is_file():
            return candidate
    return Path.cwd()


ROOT = _find_root()
RAW_DIR = ROOT / "data" / "raw"
PROCESSED_DIR = ROOT / "data" / "processed"
TEXT_DIR_NAME = "text"  # cleaned texts go to PROCESSED_DIR / "text"
NOTEBOOKS_DIR = ROOT / "notebooks"
REPORTS_DIR = ROOT / "reports"
FIGURES_DIR = REPORTS_DIR / "figures"
APPENDIX_PATH = REPORTS_DIR / "appendix.xlsx"
