"""The faster matching machinery of issue 15 gives what the code it replaced gave.

Each fast path is compared with a plain reference (``re`` itself, the whole per-year
index built from scratch, OpenCC's conversion) on made-up sentences with exact
expected values and on generated texts. Nothing here is timed.
"""

from __future__ import annotations

import random
import re
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from re_checks import assert_searches_as_re

from analysis import gazetteer, patterns
from analysis.metadata import region as region_mod
from analysis.metadata.cues import count_cues, cues_in, first_cue, load_cues
from analysis.text import chrome, lexicon
from analysis.text.document import CUE_FILE

ROOT = Path(__file__).resolve().parents[1]

# ----------------------------------------------------------------- the per-year index


def _reference_index(year: int | None) -> dict:
    """The per-year index as it was built before: every surface read for that year."""
    index = {}
    for surface, every in gazetteer._table().items():
        cands = gazetteer.of_the_time(every, year)
        if not cands:
            continue
        full = [c for c in cands if c[1]] or cands
        top = max(gazetteer.LEVEL_RANK[r["level"]] for r, _ in full)
        index[surface] = tuple(c for c in full if gazetteer.LEVEL_RANK[c[0]["level"]] == top)
    return index


def test_a_year_index_made_from_its_neighbour_is_the_whole_index(monkeypatch) -> None:
    monkeypatch.setattr(gazetteer, "_BUILT", {})  # this test's own chain of years
    years = [2015, 2016, 1995, 2024, 2008, 2040, 1949, 2011]
    for year in years:
        assert gazetteer._year_index(year) == _reference_index(year), year
    assert sorted(gazetteer._BUILT) == sorted(years)


def test_a_renamed_unit_is_read_by_the_name_of_the_year() -> None:
    # 即墨 is 即墨市 until 2016 and 即墨区 from 2017 (a full name is read in any year);
    # the years asked in one process, each index made from another's.
    text = "即墨的企业来自即墨区"
    names = {y: [(h.name, h.surface) for h in gazetteer.find_places(text, y)]
             for y in (2023, 2012, 2017, 2016)}
    assert names[2012] == names[2016] == [("即墨市", "即墨"), ("即墨区", "即墨区")]
    assert names[2017] == names[2023] == [("即墨区", "即墨"), ("即墨区", "即墨区")]


def _reference_members(year: int | None) -> dict[str, tuple[str, ...]]:
    by_code: dict[str, list] = {}
    for row in region_mod._units().values():
        if row["name"] != row["parent_city"]:
            by_code.setdefault(row["adcode"], []).append((row, True))
    out: dict[str, list[str]] = {}
    for rows in by_code.values():
        for row, _ in gazetteer.of_the_time(rows, year):
            if year is None or gazetteer.in_use(row, year):
                out.setdefault(row["parent_city"], []).append(row["key"])
    return {k: tuple(v) for k, v in out.items()}


def test_members_of_a_city_are_those_of_the_whole_scan() -> None:
    for year in (None, 1980, 2005, 2012, 2017, 2023, 2050):
        got, want = region_mod._members(year), _reference_members(year)
        assert got == want and list(got) == list(want), year


# ----------------------------------------------------------------- cue look-ups

_ALPHABET = "全市我区县本旗居占列首位第一唯*＊×Xx某科技局市委年月，。\n 2015增长"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=400))
def test_search_and_findall_of_a_prechecked_pattern_are_those_of_re(text: str) -> None:
    for cues in load_cues().values():
        for cue in cues:
            raw = re.compile(cue.regex.pattern, cue.regex.flags)
            for pos in (0, 3):
                got, want = cue.regex.search(text, pos), raw.search(text, pos)
                assert (got and got.span()) == (want and want.span())
                assert cue.regex.findall(text, pos) == raw.findall(text, pos)


def test_cue_counts_and_first_cues_on_made_up_sentences() -> None:
    body = "全市新增高企120家。我市科技局组织申报，居全市首位。全区唯一。"
    # 全市 and 我市 (which takes the 市 of 市科技局); 居全市首位 ranks, it does not speak
    assert count_cues("level_word", body, "city") == 2
    assert count_cues("level_word", body, "district") == 0  # 全区唯一 ranks, it does not speak
    assert count_cues("mask", "XX市科技局和**县") == 2
    assert count_cues("mask", "一个不含遮盖的句子") == 0
    found = first_cue("mask_organ", "关于某市科技局的通知")
    assert found is not None and found[0].group() == "某市科技"
    assert first_cue("mask_organ", "青岛市科技局") is None


def test_required_words() -> None:
    assert patterns.required_words(r"(?:推进会|部署会)[^。]{0,40}?(?:确保|力争)") == (
        {"推进会", "部署会"}, {"确保", "力争"})
    assert patterns.required_words(r"(?<![居占列])全区(?!唯一)|我区|区委") == ({"全区", "我区", "区委"},)
    assert patterns.required_words(r"[、]|等(?:地|城市)") == ({"、", "等"},)
    assert patterns.required_words(r"(?:学习)?十七大(?:会议)+精神") == ({"十七大"}, {"会议"}, {"精神"})
    assert patterns.required_words(r"(?=十七大)\w+|x?") == ()  # a look-ahead or an empty match: none
    assert patterns.required_words(r"(?i)abc") == ()
    assert patterns.required_words(r"a(?i:bc)d") == ({"a"}, {"d"})  # (?i:bc) may be BC


# the words of every cue, and characters around them, for texts that keep some cues
_CUE_WORDS = sorted({w for cue in lexicon._screen(CUE_FILE).clauses.values()
                     for sets in cue for multi, chars in sets for w in [*multi, *chars]})


def _assert_left_out_cues_do_not_match(text: str) -> None:
    for kind, cues in load_cues().items():
        kept = cues_in(kind, text)
        for cue in cues:
            if cue not in kept:
                assert re.compile(cue.regex.pattern, cue.regex.flags).search(text) is None, (
                    kind, cue.regex.pattern)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_CUE_WORDS) | st.text(alphabet=_ALPHABET, max_size=12),
                min_size=30, max_size=120))
def test_a_cue_left_out_for_a_text_has_no_match_in_it(pieces: list[str]) -> None:
    _assert_left_out_cues_do_not_match("".join(pieces))


def test_a_cue_left_out_for_a_report_has_no_match_in_it() -> None:
    for path in sorted((ROOT / "data" / "raw").glob("*.txt"))[:8]:
        text = path.read_text(encoding="utf-8")
        _assert_left_out_cues_do_not_match(text)
        assert len(text) > lexicon.SCREEN_FROM


def test_a_short_text_keeps_every_cue() -> None:
    assert cues_in("congress", "贯彻十八大精神") == load_cues()["congress"]
    assert cues_in("congress", "贯彻十八大精神" + "。" * 300) == load_cues()["congress"][2:3]


def test_a_pattern_without_its_literal_is_not_searched() -> None:
    wrapped = patterns.prechecked(re.compile(r"(?:学习|贯彻)[^。]{0,8}十七大精神"))
    assert wrapped.search("学习贯彻党的十八大精神") is None
    assert wrapped.findall("学习贯彻党的十八大精神") == []
    assert wrapped.search("认真学习十七大精神").span() == (2, 9)
    assert wrapped.findall("学习十七大精神。贯彻十七大精神") == ["学习十七大精神", "贯彻十七大精神"]


# ----------------------------------------------------------------- chrome lines

_LINES = ["发布日期：2023-05-06", "浏览次数：120", "2023年5月6日 09:41", " • ", "|",
          "全市新增高企120家，同比增长12%。", "本文由小编整理", "附件：工作总结.docx",
          "小编为大家整理了全年的工作总结" * 10, "供大家参考"]


def _searched(rule: chrome.LineRule, line: str) -> bool:
    """A chrome rule as it was applied: its length limit, then a search of the line."""
    return (rule.max_chars == 0 or len(line) <= rule.max_chars) and bool(rule.regex.search(line))


def test_a_chrome_line_is_judged_as_by_every_rule() -> None:
    rules = chrome.load_chrome().lines
    for line in _LINES + [random.Random(i).choice(_LINES)[:i] for i in range(40)]:
        want = any(_searched(rule, line.strip()) for rule in rules)
        assert chrome.is_chrome(line) is want
        assert chrome.is_chrome(line) is want  # the cached verdict
    assert [chrome.is_chrome(x) for x in _LINES[:6]] == [True, True, True, True, True, False]


_LINE_ALPHABET = "2023年5月6日 09:41-/.•·|小编为大家整理供参考本文由免责声明发布日期浏览次数docx\n "


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_LINE_ALPHABET, max_size=150))
def test_an_anchored_rule_matched_at_the_start_is_the_rule_searched(line: str) -> None:
    for rule in chrome.load_chrome().lines:
        assert rule.matches(line) is _searched(rule, line)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=_LINE_ALPHABET, max_size=60), max_size=12).map("\n".join))
def test_a_text_is_split_as_by_every_rule_on_every_line(text: str) -> None:
    rules = chrome.load_chrome().lines
    body, found = [], []
    for line in text.splitlines():
        if line.strip():
            is_chrome = any(_searched(rule, line.strip()) for rule in rules)
            (found if is_chrome else body).append(line.strip())
    assert chrome.split_chrome(text) == (body, found)


def test_cleaning_removes_the_lines_every_removed_rule_finds() -> None:
    from analysis.clean import _chrome_line_edits

    text = "全市新增高企120家。\n小编为大家整理了工作总结\n发布日期：2023-05-06\n供大家参考"
    assert [text[a:b] for a, b, _ in _chrome_line_edits(text)] == [
        "小编为大家整理了工作总结\n", "发布日期：2023-05-06\n", "供大家参考"]
    assert _chrome_line_edits("全市新增高企120家。\n同比增长12%") == []


def test_context_free() -> None:
    assert patterns.context_free(r"发布日期|浏览次数|本文由.{0,10}整理")
    assert not patterns.context_free(r"^\s*\d{4}", re.M)
    assert not patterns.context_free(r"(?<![a-z])ramp;d")
    assert not patterns.context_free(r"(?:docx?|pdf)\s*$")
    assert not patterns.context_free(r"(?:a|(?=b)c)+")


def test_line_anchored() -> None:
    assert patterns.line_anchored(r"^\s*[•·|]+\s*$", re.M)
    assert patterns.line_anchored(r"\Afoo")
    assert not patterns.line_anchored(r"foo|^bar", re.M)  # one branch may start anywhere
    assert not patterns.line_anchored(r"(?:^a|b)", re.M)
    assert not patterns.line_anchored(r"发布日期")


def test_gazetteer_records_are_the_frame_rows() -> None:
    frame = gazetteer.load_gazetteer()
    assert list(gazetteer.records()) == frame.to_dict("records")
    units = {r["key"]: r for r in frame[frame["level"] != "province"].to_dict("records")}
    assert list(region_mod._units().items()) == list(units.items())


def test_a_pattern_ignoring_case_needs_its_caseless_characters() -> None:
    assert patterns.required_literal(r"(?i)(?<![a-z])(?P<fix>ramp;d)(?![a-z])") == ";"
    assert patterns.required_literal(r"(?i)abc") is None  # every letter has two cases
    assert patterns.required_literal(r"(?i)科技ab局") == "科技"
    rd = patterns.prechecked(re.compile(r"(?i)(?<![a-z])(?P<fix>ramp;d)(?![a-z])"))
    assert [m.span() for m in rd.finditer("R&D与RAMP;D、ramp;d和xramp;d")] == [(4, 10), (11, 17)]
    assert rd.search("R&D经费投入") is None


def test_a_surface_read_alone_is_its_entry_in_the_whole_index() -> None:
    for year in (None, 2009, 2017, 2023):
        index, _ = gazetteer._index(year)
        for surface in gazetteer._table():
            assert gazetteer._entry_of(surface, year) == index.get(surface), (surface, year)
    assert gazetteer._entry_of("不是地名的字", 2015) is None


# ----------------------------------------------------------------- listed values, chrome lines

_LIST_PIECES = ["29.92", "、", "30", "亿元", "\n", "，", "增长", "家", "12.5", "、\n", "x"]


def _listed_reference(sent: str, q) -> list:
    """listed_before as it was: the list pattern searched for every quantity."""
    from analysis import numbers

    m = numbers._BARE_LIST.search(sent, max(0, q.start - 80), q.start)
    lead = numbers._LEADING_NUMBER.match(q.raw)
    if m is None or lead is None or q.qualifier == "range" or float(lead.group()) == 0:
        return []
    scale = Decimal(repr(q.value)) / Decimal(lead.group())
    return [q._replace(value=float(Decimal(x.group()) * scale), raw=x.group(), start=x.start(),
                       end=x.end(), qualifier="", value_high=None)
            for x in numbers._BARE_NUMBER.finditer(sent, m.start(), m.end())]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_LIST_PIECES), max_size=14))
def test_listed_values_are_found_where_the_list_pattern_finds_them(pieces: list[str]) -> None:
    from analysis import numbers

    sent = "".join(pieces)
    for x in numbers.quantity_regex().finditer(sent):
        q = numbers.quantity_from_match(x)
        if q is not None:
            assert numbers.listed_before(sent, q) == _listed_reference(sent, q)


def test_listed_values_share_the_unit_after_them() -> None:
    from analysis import numbers

    sent = "分别为29.92、29.64、\n33.57亿元"
    q = next(q for x in numbers.quantity_regex().finditer(sent)
             if (q := numbers.quantity_from_match(x)) is not None and q.raw.startswith("33"))
    assert [v.value for v in numbers.listed_before(sent, q)] == [2992000000.0, 2964000000.0]


def test_a_remembered_chrome_line_gets_the_answer_of_its_rules() -> None:
    text = "发布日期：2023-01-05\n全市新增高企120家。\n2023年04月06日07:56\n阅读次数：12"
    first = chrome.split_chrome(text)
    assert first == (["全市新增高企120家。"], ["发布日期：2023-01-05", "2023年04月06日07:56",
                                          "阅读次数：12"])
    assert chrome.split_chrome(text) == first
    # the same line in a text where fewer rules may match is tried with those rules
    rules = chrome.possible_rules("全市新增高企120家。", chrome.load_chrome().lines)
    assert chrome.split_chrome("全市新增高企120家。") == (
        ["全市新增高企120家。"] if not any(r.matches("全市新增高企120家。") for r in rules)
        else [], [])


# ----------------------------------------------------------------- first characters found by str.find

_FILLER = "科技创新工作取得新进展，高新技术企业数量稳步增长。\n"


def _every_pattern() -> list:
    from analysis.clean import load_repair_rules
    from analysis.extract.cues import cues

    found = [c.regex for kind in load_cues().values() for c in kind]
    found += [r.pattern for r in load_repair_rules()] + list(cues().values())
    found += [r.regex for r in chrome.load_chrome().lines]
    return [p for p in found if isinstance(p, patterns.Prechecked)]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=_ALPHABET + "【】附件H作(ā)第页.%", max_size=60),
       st.integers(0, 40), st.sampled_from([(0, 2**62), (-5, 2**62), (7, 300), (290, 2**62)]))
def test_a_long_text_is_searched_as_by_re(tail: str, copies: int, window: tuple[int, int]) -> None:
    text = _FILLER * copies + tail + _FILLER * 3  # long: the str.find path (and without the
    pos, endpos = window                            # rare first characters, most of the time)
    for wrapped in _every_pattern():
        assert_searches_as_re(wrapped, text, pos, endpos)


def test_a_rare_first_character_absent_from_a_long_text_means_no_match() -> None:
    wrapped = patterns.prechecked(re.compile(r"(?<=[\u4e00-\u9fff])[*＊](?=[\u4e00-\u9fff])"))
    assert isinstance(wrapped, patterns.Prechecked) and wrapped.firsts == ("*", "＊")
    long = _FILLER * 20
    assert wrapped.search(long) is None and wrapped.findall(long) == []
    assert wrapped.search(long + "依托*经济").span() == (len(long) + 2, len(long) + 3)
    assert wrapped.findall(long + "依托*经济", -3) == ["*"]


def test_a_common_first_character_hands_the_rest_to_re() -> None:
    raw = re.compile(r"(?<![居占])(?:全市|市委)(?!唯一)")
    wrapped = patterns.prechecked(raw)
    assert isinstance(wrapped, patterns.Prechecked) and wrapped.firsts == ("全", "市")
    for text in ("全市" * 40 + "市委" * 30 + "居全市唯一" * 20 + "全市",
                 "市" * 70 + "全市唯一" + "市委",
                 "全" * 60 + "市委" + _FILLER * 10):
        for pos in (0, 5, 61):
            assert [m.span() for m in wrapped.finditer(text, pos)] == [
                m.span() for m in raw.finditer(text, pos)]
            assert wrapped.findall(text, pos) == raw.findall(text, pos)


def test_a_pattern_ignoring_case_starts_with_either_case_of_its_first_letter() -> None:
    assert patterns.first_chars(r"(?i)(?<![a-z])ramp;d", re.I) == {"r", "R"}
    assert patterns.first_chars(r"(?i)[ab]c", re.I) == {"a", "b", "A", "B"}
    # i, k and s have more cases (ı İ, the Kelvin sign, ſ); a Chinese character: not followed
    assert patterns.first_chars(r"(?i)kg", re.I) is None
    assert patterns.first_chars(r"(?i)sci", re.I) is None
    assert patterns.first_chars(r"(?i)科技", re.I) is None
    rd = patterns.prechecked(re.compile(r"(?i)(?<![a-z])(?P<fix>ramp;d)(?![a-z])"))
    long = _FILLER * 20 + "R&D与RAMP;D、ramp;d和xramp;d;"
    assert [m.start() - len(_FILLER) * 20 for m in rd.finditer(long)] == [4, 11]
    assert rd.search(_FILLER * 20 + ";") is None


# ----------------------------------------------------------------- slogans around a place


def test_required_chars() -> None:
    assert patterns.required_chars(r"(?:科技|工业)(?:兴|强|立)(?:县|市)") == {"科", "工"}
    assert patterns.required_chars(r"(?:科技|工业|人才)(?:兴|强)") == {"兴", "强"}
    assert patterns.required_chars(r"振兴县|[\u4e00-\u9fff]湖(?:湾|流域)") == {"振", "湖"}
    assert patterns.required_chars(r"(?<=湖)a?") is None  # look-arounds and options promise nothing
    assert patterns.required_chars(r"x|\d+") is None  # one alternative holds no known character
    assert patterns.required_chars(r"(?i)abc") is None


def _in_slogan_reference(text: str, start: int, end: int) -> bool:
    slogans = gazetteer.load_slogans()
    lo, hi = max(start - gazetteer.SLOGAN_REACH, 0), end + gazetteer.SLOGAN_REACH
    return any(m.start() < end and m.end() > start for m in slogans.finditer(text, lo, hi))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="科技兴县振湖湾流域工业强市青岛即墨创新平台，。a", max_size=80),
       st.integers(0, 80), st.integers(1, 4))
def test_a_place_is_in_a_slogan_as_the_slogans_say(text: str, start: int, size: int) -> None:
    assert gazetteer.in_slogan(text, start, start + size) == _in_slogan_reference(
        text, start, start + size)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="增长提高25.机乐器%H作&amp;nbsp;(ā)科技，。\n", max_size=120))
def test_a_repair_rule_skipped_for_its_missing_characters_changes_nothing(text: str) -> None:
    from unittest import mock

    from analysis import clean

    fast = clean.clean_text("d", text)
    with mock.patch.object(clean, "required_chars", lambda *_: None):
        plain = clean.clean_text("d", text)
    assert fast == plain
