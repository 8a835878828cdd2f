"""Names say what a thing is, and the cue patterns left in code say what they are for."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from analysis.extract.cues import cues

SRC = Path(__file__).resolve().parents[1] / "src" / "analysis"
FIGURES = SRC / "extract" / "figures.py"
CONSTANT = re.compile(r"_?[A-Z][A-Z0-9_]+")


def _names(tree: ast.AST) -> set[str]:
    found = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.Name):
            found.add(n.id)
        elif isinstance(n, ast.arg):
            found.add(n.arg)
        elif isinstance(n, ast.Attribute):
            found.add(n.attr)
    return found


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=lambda p: p.name)
def test_no_local_name_is_st_it_or_own(path):
    assert not {"st", "it", "own"} & _names(ast.parse(path.read_text(encoding="utf-8")))


def test_every_cue_constant_left_in_figures_says_what_it_is_for():
    source = FIGURES.read_text(encoding="utf-8")
    lines = source.split("\n")
    undocumented = []
    for node in ast.parse(source).body:
        if not (isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
                and CONSTANT.fullmatch(node.targets[0].id)):
            continue
        above = lines[node.lineno - 2].lstrip() if node.lineno > 1 else ""
        inline = "#" in lines[node.end_lineno - 1].encode("utf-8")[node.end_col_offset:].decode()
        if not (above.startswith("#") or inline):
            undocumented.append(node.targets[0].id)
    assert undocumented == []


@pytest.mark.parametrize("cue", ["not_a_noun", "more_before", "about_after", "stock_word",
                                 "measure_noun", "change_to", "comparator", "shared_verb"])
def test_cue_words_moved_out_of_the_code_are_rows_of_cues_csv(cue):
    assert cue in cues()
    assert f'cues()["{cue}"]' in FIGURES.read_text(encoding="utf-8")


def test_moved_cues_read_as_before():
    assert cues()["more_before"].search("超过") and cues()["about_after"].match("左右")
    assert cues()["comparator"].search("占全省") and not cues()["comparator"].search("占全市")
    assert cues()["change_to"].match("提高到") and not cues()["change_to"].match("提高")
