"""Pre-checks for cue patterns: the first characters a match can start with."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from re_checks import assert_searches_as_re

from analysis import patterns
from analysis.metadata import load_cues


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("去年", "去"),
        (r"(?<![比较同与对])去年(?!以来)", "去"),  # look-arounds consume nothing
        (r"[*＊×]+\s*(?:市|县)|(?:[Xx]{2}|某)(?:市|县)", "*Xx×某＊"),
        (r"(?:较|比)?\s*(20\d\d)年", None),  # may start with \s: unknown
        (r"^\s*\d{4}", None),
        (r"a?", None),  # can match empty
        (r"(?:全|我)?(?:新增|认定)", "全我新认"),  # an optional head adds to what follows
    ],
)
def test_first_chars(pattern, expected):
    chars = patterns.first_chars(pattern)
    assert (None if chars is None else "".join(sorted(chars))) == (
        None if expected is None else "".join(sorted(expected))
    )


_ALPHABET = "*＊×Xx某市县区去年比较2015年今年全我新增十三五七八学习贯彻大精神下半一步规划工作，。\n a"


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=_ALPHABET, min_size=0, max_size=600))
def test_prechecked_cues_give_exactly_the_pattern_results(text):
    for cues in load_cues().values():
        for cue in cues:
            raw = re.compile(cue.regex.pattern, cue.regex.flags)
            assert cue.regex.findall(text) == raw.findall(text)
            got, want = cue.regex.search(text), raw.search(text)
            assert (got and got.span()) == (want and want.span())


_CLEAN_ALPHABET = "H作工(shù)技术.%%增长25机R&Dramp;d年月2019，。\n 高企·|"


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=_CLEAN_ALPHABET, min_size=200, max_size=900))
def test_prechecked_repair_rules_edit_exactly_like_the_pattern(text):
    from analysis.clean import load_repair_rules
    from analysis.text.chrome import load_chrome

    span = load_chrome().span
    for pattern in [r.pattern for r in load_repair_rules()] + [span]:
        raw = re.compile(pattern.pattern, pattern.flags)
        assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in raw.finditer(text)]
        assert pattern.sub("<>", text) == raw.sub("<>", text)
        assert pattern.sub("", text, count=1) == raw.sub("", text, count=1)


def test_many_candidates_hand_over_to_re():
    raw = re.compile(r"(?<=[\u4e00-\u9fff])\.(?=%)")
    pattern = patterns.prechecked(raw)
    text = "增长." * (patterns.MAX_PROBES * 3) + "增长.%" + "x" * 300
    assert [m.start() for m in pattern.finditer(text)] == [text.index(".%")]
    assert pattern.findall(text) == raw.findall(text) == ["."]


@pytest.mark.parametrize(
    ("pattern", "skips"),
    [
        ("去年", True),  # a literal prefix
        ("全市|我市|市委", True),  # an alternation of literals
        (r"(?:学习|贯彻)[^。]{0,8}十七大", True),
        (r"[*＊×]\s*市", True),  # a character class
        (r"[*＊×]+\s*市", False),  # a repeated class: re does not look inside the repeat
        (r"(?<![比较])去年", False),  # a look-behind first: re tries every position
        (r"^【[^】]{0,16}】", True),  # ^ without re.M is the text's start
        (r"a?", False),
        (r"\A(?:一、)?20\d\d年", True),  # anchored at the start: re makes one try
    ],
)
def test_re_skips_ahead(pattern, skips):
    assert patterns.re_skips_ahead(pattern) is skips


def test_a_line_start_is_not_a_text_start():
    assert patterns.re_skips_ahead(r"^【[^】]{0,16}】", re.MULTILINE) is False


def test_prechecked_leaves_patterns_re_already_skips_through():
    """A pre-check would only add a second scan to a pattern ``re`` itself skips through."""
    plain = re.compile("[全我]市")
    assert patterns.prechecked(plain) is plain
    assert isinstance(patterns.prechecked(re.compile(r"(?<![比较])去年")), patterns.Prechecked)


@pytest.mark.parametrize(
    ("pattern", "needle"),
    [
        (r"(?:学习|贯彻|落实)[^。；;\n]{0,8}十七大(?:会议)?精神", "十七大"),
        (r"(?P<year>20\d\d)\s*年度", "20"),  # inside a group, still in every match
        (r"(?:明年|下一年)\s*(?:将|要)", None),  # an alternation promises no one literal
        (r"(?:科技)?工作要点", "工作要点"),  # an optional head does not count
        (r"x(?:ab)+y", "ab"),
    ],
)
def test_required_literal(pattern, needle):
    assert patterns.required_literal(pattern) == needle


def test_a_text_without_the_required_literal_is_not_scanned():
    pattern = patterns.prechecked(re.compile(r"(?:学习|贯彻)[^。]{0,8}十七大精神"))
    assert isinstance(pattern, patterns.Prechecked) and pattern.needle == "十七大精神"
    assert pattern.search("学习贯彻党的十八大精神") is None
    assert pattern.search("认真学习十七大精神").group() == "学习十七大精神"
    assert pattern.search("认真学习十七大精神", 0, 6) is None  # endpos cuts the literal


_FINDER_PATTERNS = [
    r"(?<![居占列])全市(?!唯一|首位)|我市|市委|本市",  # a look-behind first: one finder
    r"(?:增长|下降)了?\d+(?:\.\d+)?(?P<fix>[机乐])(?!器)|\d+(?:\.\d+)?(?P<fix2>[机乐])(?=增速)",
    r"(?:(?<=[\u4e00-\u9fff\d])|^)(?P<fix>H)作",  # a group of look-arounds first
    r"(?<!年均)(?:增幅|增速)|(?:比|较)上年增长|(?:已|共)完成",  # [比较] spread into 比, 较
    r"[*＊×]+\s*(?:市|县)|(?:[Xx]{2}|某)(?:市|县)",
    r"(?<!\d)1\s*[-—至]\s*(?P<month>\d{1,2})\s*月",
]
_FINDER_ALPHABET = "全市我委本居占列唯一首位增长下降了12.3机乐器速H作年均幅比较上已共完成*＊×Xx某县-—至月 \n"


@pytest.mark.parametrize("pattern", _FINDER_PATTERNS)
def test_patterns_re_crawls_through_get_finders(pattern):
    assert not patterns.re_skips_ahead(pattern, re.M)
    assert patterns.finders(pattern, re.M)


@settings(max_examples=120, deadline=None)
@given(st.text(alphabet=_FINDER_ALPHABET, min_size=patterns.SHORT_TEXT + 1, max_size=900),
       st.integers(0, 40))
def test_finders_give_exactly_the_pattern_matches(text, pos):
    """Only where a finder matches is the pattern tried: every match of re's own scan is
    found, with its groups, from any start position."""
    for pattern in _FINDER_PATTERNS:
        raw = re.compile(pattern, re.M)
        wrapped = patterns.prechecked(raw)
        assert isinstance(wrapped, patterns.Prechecked)
        wrapped._uses = patterns.FINDERS_AFTER  # past its first long texts: finders in use
        assert wrapped._finder_list()
        assert ([(m.span(), m.groups()) for m in wrapped.finditer(text, pos)]
                == [(m.span(), m.groups()) for m in raw.finditer(text, pos)])
        assert wrapped.findall(text) == raw.findall(text)
        got, want = wrapped.search(text, pos), raw.search(text, pos)
        assert (got and got.span()) == (want and want.span())


@pytest.mark.parametrize("pattern", [
    r"(?=(a))\1b",  # a back-reference to a group a dropped look-ahead sets
    r"a?",  # matches empty
    "全市|我市",  # re skips ahead by itself
])
def test_no_finders_where_they_could_miss_or_gain_nothing(pattern):
    assert patterns.finders(pattern) is None


@pytest.mark.parametrize(("pattern", "starts"), [
    (r"小编为大家整理|供大家参考|本文由.{0,10}整理", ("小编为大家整理", "供大家参考", "本文由")),
    (r"(?<!年均)(?:增幅|提速)|同比增长", ("增幅", "提速", "同比增长")),
    (r"(?:增幅|增速)|同比增长", None),  # re reads 增幅|增速 as 增[幅速]: one character
    (r"(?:到|至)20\d\d年", ("到20", "至20")),  # [到至] read one character at a time
    (r"(?:到|至)\s*20\d\d年", None),  # one-character openings: found everywhere
    (r"(?i)abc|def", None),  # case ignored: a literal may be written otherwise
    ("全市", None),  # no alternation: the required literal already says it
])
def test_literal_starts(pattern, starts):
    assert patterns.literal_starts(pattern) == starts


def test_a_long_text_without_any_opening_literal_is_not_scanned():
    raw = re.compile(r"小编为大家整理|供大家参考|本文由.{0,10}整理")
    wrapped = patterns.prechecked(raw)
    assert isinstance(wrapped, patterns.Prechecked)
    text = "本市本年" * 100
    assert wrapped.search(text) is None and wrapped.findall(text) == []
    text += "本文由小编整理。"
    assert wrapped.search(text).group() == raw.search(text).group() == "本文由小编整理"
    assert wrapped.search(text, 0, len(text) - 3) is None  # endpos cuts the match


# ----------------------------------------------------------------- gates for short strings

_GATE_ALPHABET = ("提高到至增长比上年同期去年十三五末以来全市我区科技局高新区企业国家级指标"
                  "目标任务力争确保预计达到突破关口步伐速度2023年1-6月，,；：。(（)） 5家亿元%")


def _gated_cues() -> list:
    from analysis.extract import periods
    from analysis.extract.cues import cues

    found = list(cues().values()) + [periods.PERIOD_CUES, periods.RECENT_YEARS,
                                     periods.SINCE_YEAR]
    return [p for p in found if isinstance(p, patterns.Gated)]


def test_the_figure_cues_re_crawls_through_are_gated():
    names = {p.pattern for p in _gated_cues()}
    from analysis.extract.cues import cues

    assert cues()["change_to"].pattern in names and cues()["target_verb"].pattern in names
    assert not isinstance(cues()["subset"], patterns.Gated)  # 其中: re skips to it itself
    assert cues()["change_to"].match("提高到") and not cues()["change_to"].search("提高")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_GATE_ALPHABET, max_size=40), st.integers(-3, 45), st.integers(-2, 50))
def test_gated_cues_give_exactly_the_pattern_results(text, pos, endpos):
    for wrapped in _gated_cues():
        raw = wrapped.regex
        got, want = wrapped.search(text, pos, endpos), raw.search(text, pos, endpos)
        assert (got and (got.span(), got.groups())) == (want and (want.span(), want.groups()))
        assert [m.span() for m in wrapped.finditer(text, pos, endpos)] == [
            m.span() for m in raw.finditer(text, pos, endpos)]
        assert wrapped.findall(text, pos, endpos) == raw.findall(text, pos, endpos)
        assert wrapped.sub("<>", text) == raw.sub("<>", text)
        assert wrapped.sub("", text, count=1) == raw.sub("", text, count=1)
        assert wrapped.split(text) == raw.split(text)
        got, want = wrapped.match(text, max(pos, 0)), raw.match(text, max(pos, 0))
        assert (got and got.span()) == (want and want.span())


@pytest.mark.parametrize("pattern", [
    r"(?<![提上下])(?:提高|增加)(?:到|至)",  # a look-behind first: re crawls
    r"(?:大幅|稳步)?(?:提高|增加)(?:到|至)|(?<![提上下])[增升降]至",
    r"^[^，。；]{0,16}?(?:高新区|开发区)(?!建设)",  # anchored: one long try
    r"(?:^|[，,；;])\s*(?:去年|上年)(?:底|末)?",
    r"(?m)^\s*(?:一是|二是)",
])
def test_a_gated_pattern_searches_as_re(pattern):
    raw = re.compile(pattern)
    wrapped = patterns.gated(raw)
    assert isinstance(wrapped, patterns.Gated)
    for text in ("", "提高", "大幅提高到", "上增至", "下增至15%", "园区高新区新增", "全市，高新区建设",
                 "，去年底", "x\n一是", "收入增加至3亿元，稳步提高到", "一是\n二是"):
        for pos in (0, 1, 3):
            got, want = wrapped.search(text, pos), raw.search(text, pos)
            assert (got and got.span()) == (want and want.span())
            assert wrapped.findall(text, pos) == raw.findall(text, pos)


def test_patterns_re_skips_through_or_without_gates_stay_plain():
    for pattern in (r"其中", r"[从由](?!事)", r"(?i)ab?c|d", r".*"):
        raw = re.compile(pattern)
        assert patterns.gated(raw) is raw


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=_GATE_ALPHABET, max_size=60), st.integers(0, 30),
       st.sampled_from([(0, 2**62), (-5, 2**62), (7, 300), (290, 2**62), (100, 700)]))
def test_gated_cues_search_a_long_text_as_re(tail, copies, window):
    text = "科技创新工作取得新进展，高新技术企业数量稳步增长。\n" * copies + tail + "全市。" * 90
    pos, endpos = window
    for wrapped in _gated_cues():
        assert_searches_as_re(wrapped, text, pos, endpos)


def test_a_negative_start_on_a_long_text_is_the_start_as_for_re():
    text = "指标" + "全市。" * 90  # long enough for the pre-checked path
    for pattern in (r"(?:主要|核心|关键|重点)?指标", r"[从由]\d+"):
        raw = re.compile(pattern)
        for wrapped in (patterns.gated(raw), patterns.Prechecked(raw)):
            if wrapped is raw:
                continue  # no gate: re itself
            assert_searches_as_re(wrapped, text, -5, 2**62)
            assert_searches_as_re(wrapped, text, 0, -3)
