"""Web-page chrome: one data file, one checked loader, read by cleaning and the document."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis import clean
from analysis.text import chrome, document, lexicon
from analysis.text.document import prepare_text

DATA = Path(lexicon.__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize("word", ["浏览次数", "打印本页", "小编为大家整理", "关闭窗口"])
def test_chrome_words_are_defined_in_one_data_file(word):
    holders = [p.name for p in sorted(DATA.iterdir())
               if p.suffix in {".csv", ".txt"} and word in p.read_text(encoding="utf-8")]
    assert holders == ["chrome.csv"]


def test_cleaning_and_the_document_read_the_one_loader():
    assert "load_chrome" in vars(clean) and vars(clean)["load_chrome"] is chrome.load_chrome
    assert document.is_chrome is chrome.is_chrome and document.page_date is chrome.page_date
    assert not {"chrome", "pubdate"} & set(lexicon.load_cues(document.CUE_FILE))


def test_a_removed_row_leaves_the_text_and_a_kept_row_only_the_body():
    text = ("某市科技局2020年工作总结\n浏览次数:12 打印本页\n2021-03-05\n"
            "全年专利授权988件。\n某某网 版权所有")
    cleaned = clean.clean_text("d", text)
    # 浏览次数 and 版权所有 rows are removed by cleaning; a bare date is kept in the text
    assert cleaned.text == "某市科技局2020年工作总结\n2021-03-05\n全年专利授权988件。"
    doc = prepare_text("d", cleaned.text)
    assert doc.chrome == ("2021-03-05",)
    assert doc.lines == ("某市科技局2020年工作总结", "全年专利授权988件。")
    assert doc.page_date == (2021, 3)


def test_boilerplate_rows_read_their_whole_pattern():
    """The boilerplate row once lost 免责声明 and 版权所有 to an unquoted comma in ``.{0,10}``."""
    for line in ("免责声明:本文由用户上传", "荆州市绩效考核网 版权所有", "本文由小编精心整理"):
        assert clean.clean_text("d", f"正文。\n{line}").text == "正文。"


def test_each_row_keeps_its_length_limit():
    long_line = "发布日期 " + "很" * 130  # a body line may quote a dateline: longer is content
    assert clean.clean_text("d", f"正文。\n{long_line}").text == f"正文。\n{long_line}"
    editor = "下面是小编为大家整理的" + "字" * 200  # 小编 + boilerplate: any length
    assert clean.clean_text("d", f"正文。\n{editor}").text == "正文。"
    assert {r.max_chars for r in chrome.load_chrome().lines} == {0, 80, 120}


HEADER = "kind,pattern,max_chars,removed,reason\n"
GOOD = ("line,浏览次数,80,yes,counter\nspan,第\\d页,,,page\n"
        'date,"(?P<year>20\\d\\d)-(?P<month>\\d\\d)-(?P<day>\\d\\d)",,,date\n')


@pytest.mark.parametrize("row, reason", [
    ("menu,x,80,yes,r\n", "unknown kind 'menu'"),
    ("line,(x,80,yes,r\n", "pattern does not compile"),
    ("line,x,long,yes,r\n", "max_chars 'long' is not a length"),
    ("line,x,80,maybe,r\n", "removed 'maybe' is not yes or no"),
    ("line,x,80,yes,\n", "empty pattern or reason"),
    ("span,x,80,,r\n", "max_chars and removed are for line rows, not span"),
    ("date,(?P<year>20\\d\\d),,,r\n", "a date row needs the groups year, month and day"),
    ("line,本文由.{0,10}整理,120,yes,r\n", "more fields than the header has columns"),
])
def test_a_bad_row_fails_with_its_file_line_and_reason(tmp_path, row, reason):
    path = tmp_path / "chrome.csv"
    path.write_text(HEADER + row + GOOD, encoding="utf-8")
    with pytest.raises(lexicon.LexiconError, match=rf"chrome.csv, line 2: {reason}"):
        chrome.load_chrome.__wrapped__(path)


def test_the_shipped_file_loads_and_a_good_file_loads(tmp_path):
    path = tmp_path / "chrome.csv"
    path.write_text(HEADER + GOOD, encoding="utf-8")
    rules = chrome.load_chrome.__wrapped__(path)
    assert [r.removed for r in rules.lines] == [True] and rules.span.pattern == r"第\d页"
    assert chrome.load_chrome().removed  # the package's own file
