"""Gazetteer: the shipped table, lookups, and place mentions in text."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.gazetteer import find_places, load_gazetteer, load_stopwords, lookup, scan

ROOT = Path(__file__).resolve().parent.parent


def _build_module():
    spec = importlib.util.spec_from_file_location(
        "build_gazetteer", ROOT / "scripts" / "build_gazetteer.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def one(name: str) -> dict[str, str]:
    rows = lookup(name)
    assert len(rows) == 1, rows
    return rows[0]


# ---------------------------------------------------------------- the table itself


def test_table_shape_and_keys():
    g = load_gazetteer()
    assert list(g.columns) == [
        "adcode",
        "name",
        "short_name",
        "level",
        "parent_city",
        "province",
        "aliases",
        "first_year",
        "last_year",
        "key",
    ]
    assert len(g) == 4012  # every unit in use at some time since 2000
    assert g["key"].is_unique  # an adcode is reused when its unit is renamed or moves
    assert g["adcode"].str.fullmatch(r"\d{12}").all()
    today = g[g["last_year"] == ""]
    assert today["adcode"].is_unique
    assert (g["first_year"].astype(int) <= g["last_year"].replace("", "9999").astype(int)).all()
    assert set(g["level"]) == {"province", "prefecture", "county_city", "district", "county"}


def test_every_parent_city_and_province_is_in_the_table():
    g = load_gazetteer()
    below = g[g["level"] != "province"]
    cities = set(g.loc[g["level"] == "prefecture", "name"]) | set(
        below.loc[below["parent_city"] == below["name"], "name"]
    )
    assert set(below["parent_city"]) <= cities
    provinces = set(g.loc[g["level"] == "province", "name"]) | {
        "北京市",
        "天津市",
        "上海市",
        "重庆市",
    }
    assert set(below["province"]) <= provinces


def test_no_placeholder_rows():
    names = set(load_gazetteer()["name"])
    assert not names & {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


@pytest.mark.parametrize(
    ("name", "level", "parent", "province"),
    [
        ("胶州市", "county_city", "青岛市", "山东省"),
        ("市南区", "district", "青岛市", "山东省"),
        ("大连市", "prefecture", "大连市", "辽宁省"),
        ("海淀区", "district", "北京市", "北京市"),
        ("北京市", "prefecture", "北京市", "北京市"),
        ("忠县", "county", "重庆市", "重庆市"),
        ("仙桃市", "county_city", "仙桃市", "湖北省"),
        ("神农架林区", "county", "神农架林区", "湖北省"),
        ("鹿城区", "district", "温州市", "浙江省"),
        ("山东省", "province", "", "山东省"),
    ],
)
def test_hierarchy(name, level, parent, province):
    row = one(name)
    assert (row["level"], row["parent_city"], row["province"]) == (level, parent, province)


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("鹿城区", "鹿城"),
        ("市南区", "市南"),
        ("胶州市", "胶州"),
        ("和县", "和县"),
        ("浦东新区", "浦东"),
        ("本溪满族自治县", "本溪"),
        ("黔东南苗族侗族自治州", "黔东南"),
        ("广西壮族自治区", "广西"),
        ("香港特别行政区", "香港"),
        ("锡林郭勒盟", "锡林郭勒"),
        ("阿克苏地区", "阿克苏"),
    ],
)
def test_short_names(name, short):
    assert one(name)["short_name"] == short


def test_lookup_by_short_name_and_alias():
    assert [r["name"] for r in lookup("胶州")] == ["胶州市"]
    assert one("即墨区")["level"] == "district"  # 即墨市 became a district in 2017
    assert [r["name"] for r in lookup("即墨", 2012)] == ["即墨市"]
    assert [r["name"] for r in lookup("即墨", 2023)] == ["即墨区"]
    assert {r["parent_city"] for r in lookup("市中区")} == {"济南市", "枣庄市", "内江市", "乐山市"}
    assert lookup("不存在的地方") == []
    assert lookup("") == []


# ------------------------------------------------------------------ build script


def _record(code, province, second, name, level, start, end="", status="在用"):
    return {"代码": code, "一级行政区": province, "二级行政区": second, "名称": name,
            "级别": level, "状态": status, "启用时间": start, "变更/弃用时间": end, "新代码": ""}


def test_build_rows_handles_municipalities_direct_units_and_years():
    build = _build_module()
    source = [
        _record("110000", "北京市", "", "北京市", "省级", "1981"),
        _record("110108", "北京市", "直辖", "海淀区", "县级", "1981"),
        _record("420000", "湖北省", "", "湖北省", "省级", "1981"),
        _record("429004", "湖北省", "直辖", "仙桃市", "县级", "1994"),
        _record("370000", "山东省", "", "山东省", "省级", "1981"),
        _record("370200", "山东省", "青岛市", "青岛市", "地级", "1981"),
        _record("370282", "山东省", "青岛市", "即墨市", "县级", "1990", "2017", "弃用"),
        _record("370215", "山东省", "青岛市", "即墨区", "县级", "2017"),
        _record("370281", "山东省", "青岛市", "胶州市", "县级", "1987"),
        _record("370203", "山东省", "青岛市", "台东区", "县级", "1981", "1994", "弃用"),
    ]
    rows = build.build_rows(source, {"370281000000": ["胶州老名"], "370215000000": ["即墨市"]})
    got = {
        r["name"]: (r["short_name"], r["level"], r["parent_city"], r["province"], r["aliases"],
                    r["first_year"], r["last_year"])
        for r in rows
    }
    assert got == {
        "北京市": ("北京", "prefecture", "北京市", "北京市", "", "1981", ""),
        "海淀区": ("海淀", "district", "北京市", "北京市", "", "1981", ""),
        "湖北省": ("湖北", "province", "", "湖北省", "", "1981", ""),
        "仙桃市": ("仙桃", "county_city", "仙桃市", "湖北省", "", "1994", ""),
        "山东省": ("山东", "province", "", "山东省", "", "1981", ""),
        "青岛市": ("青岛", "prefecture", "青岛市", "山东省", "", "1981", ""),
        # an alias that is a record's own official name is dropped: the record has its years
        "即墨市": ("即墨", "county_city", "青岛市", "山东省", "", "1990", "2016"),
        "即墨区": ("即墨", "district", "青岛市", "山东省", "", "2017", ""),
        "胶州市": ("胶州", "county_city", "青岛市", "山东省", "胶州老名", "1987", ""),
    }  # 台东区 was gone before 2000: left out


def test_shipped_table_matches_a_rebuild(tmp_path):
    source = Path("/tmp/areacodes/result.csv")
    if not source.is_file():
        pytest.skip("yescallop/areacodes not cloned to /tmp/areacodes on this machine")
    out = tmp_path / "gazetteer.csv"
    _build_module().main([str(source), "--out", str(out)])
    shipped = ROOT / "src" / "analysis" / "data"
    assert out.read_text(encoding="utf-8") == (shipped / "gazetteer.csv").read_text(encoding="utf-8")
    assert (tmp_path / "gazetteer_words.txt").read_text(encoding="utf-8") == (
        shipped / "gazetteer_words.txt").read_text(encoding="utf-8")


# ------------------------------------------------------------------- find_places


def test_find_places_in_a_report_opening():
    text = "胶州市科技和工业信息化局文件。努力将我市打造成为具有青岛乃至全国影响力的区域特色产业创新中心，胶州市"
    hits = {(h.surface, h.name): h for h in find_places(text)}
    assert set(hits) == {("胶州市", "胶州市"), ("青岛", "青岛市")}
    assert hits[("胶州市", "胶州市")].count == 2
    assert hits[("胶州市", "胶州市")].is_full
    assert not hits[("青岛", "青岛市")].is_full
    assert hits[("青岛", "青岛市")].spans == ((text.index("青岛"), text.index("青岛") + 2),)


def test_municipal_district_names_its_municipality():
    hits = find_places("北京市海淀区")
    assert [(h.name, h.level, h.parent_city) for h in hits] == [
        ("北京市", "prefecture", "北京市"),
        ("海淀区", "district", "北京市"),
    ]


def test_longest_name_wins():
    assert [h.name for h in find_places("市南区科技局")] == ["市南区"]
    assert [h.surface for h in find_places("大连市科学技术局")] == ["大连市"]


def test_common_words_are_not_places():
    # real wording from the sample reports
    assert find_places("加快科技创新平台建设") == []
    assert find_places("规模以上高新技术产品增加值") == []
    assert find_places("中心城市南部") == []
    assert find_places("推进科技惠民") == []
    assert find_places("布局一批重大新型研发机构") == []  # 重大|新型 is not 大新县


def test_ambiguous_name_splits_its_vote():
    hits = find_places("市中区")
    assert len(hits) == 4
    assert {h.n_candidates for h in hits} == {4}


def test_higher_level_wins_a_shared_short_name():
    # 朝阳 shortens 朝阳市 (prefecture) and 朝阳县/朝阳区: the bare name means the city
    assert [(h.name, h.level) for h in find_places("朝阳")] == [("朝阳市", "prefecture")]


def test_every_full_name_is_found_on_its_own():
    stop, _ = load_stopwords()
    for row in load_gazetteer().to_dict("records"):
        if row["name"] in stop:
            continue
        year = int(row["last_year"]) if row["last_year"] else None  # found in its own time
        names = {h.name for h in find_places(f"，{row['name']}，", year)}
        assert row["name"] in names, row


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="青岛市南区胶州大连北京海淀创新平台以上高新技术，。的县", max_size=60))
def test_scan_spans_are_ordered_disjoint_slices(text):
    last_end = 0
    for start, end, surface in scan(text):
        assert text[start:end] == surface
        assert start >= last_end
        last_end = end


def test_place_inside_a_slogan_is_not_a_place():
    text = "全县深入实施“工业强县、科技兴县”战略，振兴县域经济。"
    assert find_places(text) == []
    assert [h.name for h in find_places("兴县科技局召开全县科技工作会议")] == ["兴县"]


def test_plain_word_pingyuan_is_not_pingyuan_county():
    assert find_places("华北平原地区的农业科技示范区") == []
    assert [h.name for h in find_places("平原县科技局")] == ["平原县"]


def test_autonomous_prefecture_short_form():
    hits = find_places("黔东南州科技局召开一季度工作会议")
    assert [(h.name, h.level, h.is_full) for h in hits] == [
        ("黔东南苗族侗族自治州", "prefecture", True)
    ]
    assert [r["name"] for r in lookup("湘西州")] == ["湘西土家族苗族自治州"]


def test_every_autonomous_prefecture_has_its_short_form():
    df = load_gazetteer()
    prefectures = df[df["name"].str.endswith("自治州") & (df["last_year"] == "")]
    assert len(prefectures) == 30
    for row in prefectures.itertuples():
        hits = find_places(f"{row.short_name}州科技局")
        assert [h.name for h in hits] == [row.name]


def test_lake_names_before_bay_or_laboratory_are_not_the_county():
    names = {h.name for h in find_places("建设太湖湾科创带，太湖实验室揭牌启用，洪湖流域治理。")}
    assert names == set()
    assert [h.name for h in find_places("太湖县科技局召开会议")] == ["太湖县"]


# ---------------------------------------------------------------- the automaton scan

# Place names, their short forms, slogans and breaker words, glued by filler text.
_PIECES = ["青岛市", "胶州", "市南区", "温州", "鹿城区", "科技兴县", "创新平台", "大连市",
           "宁波", "吉林", "朝阳", "全市", "新增", "。", "，", "\n", "高新技术企业", "x",
           "即墨", "😀", "示范县", "黔东南州"]


def _position_scan(text: str, year: int | None = None) -> list[tuple[int, int, str]]:
    """The scan tried at every position with every length of the year's names, longest
    first: what the automaton's scan must find."""
    import analysis.gazetteer as gz

    index, lengths = gz._index(year)
    _, breakers = gz.load_stopwords()
    out, i = [], 0
    for pos in range(len(text)):
        if pos < i:
            continue
        for length in lengths:
            surface = text[pos : pos + length]
            if pos + length <= len(text) and surface in index:
                short_only = not any(full for _, full in index[surface])
                accidental = (short_only and gz._straddled(text, pos, pos + length, breakers)
                              ) or gz._inside_word(text, pos, pos + length)
                if not accidental and not gz.in_slogan(text, pos, pos + length):
                    out.append((pos, pos + length, surface))
                    i = pos + length
                break
    return out


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=300), st.sampled_from([None, 2012, 2017]))
def test_automaton_scan_finds_what_a_scan_of_every_position_finds(pieces, year):
    text = "".join(pieces)
    assert scan(text, year) == _position_scan(text, year)


def test_automaton_offsets_are_characters():
    assert scan("😀😀青岛市科技局") == [(2, 5, "青岛市")]
