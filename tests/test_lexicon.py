"""One lexicon: every closed vocabulary defined once, as data, checked when loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.text import lexicon

DATA = Path(lexicon.__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize("word", ["上半年", "前三季度", "工作要点"])
def test_each_vocabulary_word_is_defined_in_one_data_file(word):
    holders = [p.name for p in sorted(DATA.iterdir())
               if p.suffix in {".csv", ".txt"} and word in p.read_text(encoding="utf-8")]
    assert len(holders) == 1, f"{word} is defined in {holders}"


def test_codes_labels_and_readings():
    assert lexicon.codes("kind") == ("actual", "estimate", "target")
    assert lexicon.codes("admin_level") == ("prefecture", "county_city", "district", "county")
    assert lexicon.labels("period")["H1"] == "上半年"
    assert [lexicon.period_of_months(n) for n in (3, 5, 6, 9, 12)] == [
        "M1-M3", "M1-M5", "H1", "Q1-Q3", "FY"]
    assert [lexicon.period_last_month(p) for p in ("H1", "M1-M7", "FY", "2011-2015")] == [
        6, 7, 12, 12]
    assert lexicon.fyp_first_years()["十三五"] == 2016
    assert lexicon.expand("{period.H1}|1-6月") == "(?:上半年)|1-6月"


def test_the_tables_enums_come_from_the_lexicon():
    from analysis import schema

    enums = {(f.table, f.name): f.enum for f in schema.load_fields()}
    assert enums[("metrics", "kind")] == lexicon.codes("kind")
    assert enums[("documents", "admin_level")] == (*lexicon.codes("admin_level"), "")


def write(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "lexicon.csv"
    path.write_text("vocabulary,code,label_zh,pattern,last_month,note\n" + rows, encoding="utf-8")
    return path


@pytest.mark.parametrize("row, reason", [
    ("colour,red,红,,,\n", "unknown vocabulary 'colour'"),
    ("period,H1,,上半年,6,\n", "period H1 has no Chinese label"),
    ("period,H1,上半年,(上半年,6,\n", "pattern does not compile"),
    ("period,H1,上半年,上半年,13,\n", "last_month '13' is not a month"),
    ("period,H1,上半年,上半年{0,2},6,a note\n", "more fields than the header has columns"),
    ("period,H1,上半年\n", "fewer fields than the header has columns"),
    ('period,H1,上半年,"上半年|[“"]",6,a note\n', "',' expected after '\"'"),
])
def test_a_bad_row_fails_with_its_file_line_and_reason(tmp_path, row, reason):
    with pytest.raises(lexicon.LexiconError, match=rf"lexicon.csv, line 2: {reason}"):
        lexicon.load_lexicon.__wrapped__(write(tmp_path, row))


def test_an_unknown_placeholder_is_an_error():
    with pytest.raises(lexicon.LexiconError, match=r"unknown placeholder \{period.H3\}"):
        lexicon.expand("{period.H3}", "cues.csv, line 9")


def test_every_data_file_parses_with_strict_quoting():
    """A stray quote inside a quoted pattern silently cuts the field under csv's default;
    strict parsing turns it into an error, so every data file must pass it."""
    import csv

    for path in sorted(DATA.glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f, strict=True))
        assert len({len(r) for r in rows if r}) == 1, path.name
