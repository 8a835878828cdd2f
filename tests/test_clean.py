"""Cleaning: chrome removed, damage mended, every repair auditable at its offset."""

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import clean
from analysis.clean import clean_text

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def _check_offsets(doc):
    for r in doc.repairs:
        assert doc.text[r.offset:r.offset + len(r.after)] == r.after


def test_ocr_damage_repaired_and_recorded():
    doc = clean_text("d", "区科技局2023年H作总结2024年H作思路。全区技术合同成交额超68亿元,增长25机(二)做大")
    assert "2023年工作总结2024年工作思路" in doc.text
    assert "增长25%(二)" in doc.text
    assert {(r.rule, r.before, r.after) for r in doc.repairs} >= {
        ("ocr_gong_zuo", "H", "工"), ("ocr_lost_percent", "机", "%")}
    _check_offsets(doc)


def test_lost_percent_not_invented_before_a_real_word():
    doc = clean_text("d", "产量增长25机器人产业")
    assert doc.text == "产量增长25机器人产业"


def test_rd_entity_damage():
    doc = clean_text("d", "ramp;d经费支出增长9.6%")
    assert doc.text.startswith("R&D经费支出")


def test_web_chrome_lines_removed():
    text = ("青岛市科技局2013年上半年工作总结\n青岛政务网 发布日期 : 2013-07-24\n字体大小: 打印\n"
            "上半年,发明专利申请6275件。\n推荐访问:青岛 工作总结")
    doc = clean_text("d", text)
    assert doc.text == "青岛市科技局2013年上半年工作总结\n上半年,发明专利申请6275件。"
    assert {r.rule for r in doc.repairs} == {"web_chrome"}


def test_page_marker_and_running_header_removed():
    header = "市科学技术局上半年工作总结与下年工作思路"
    text = f"{header} 一、总结。出资设立投资公司,创{header}第2页 新财政科技投入方式。第11页 共11页"
    doc = clean_text("d", text)
    assert "创新财政科技投入方式" in doc.text
    assert "第2页" not in doc.text and "共11页" not in doc.text
    _check_offsets(doc)


def test_pagination_numbers_splitting_words_removed_from_a_real_report():
    doc = clean_text("003", (RAW / "003_91d5ca6791cbf353.txt").read_text(encoding="utf-8"))
    assert "幸福温州”指标14件的目标" in doc.text
    assert "产业开发区建设动员大会" in doc.text
    _check_offsets(doc)


def test_numbered_list_items_are_kept():
    doc = clean_text("004", (RAW / "004_89fc9e69ec4ccf46.txt").read_text(encoding="utf-8"))
    assert "1、人才发展环境全面优化" in doc.text
    assert "6、科技强农惠民成效显著" in doc.text
    assert "小编" not in doc.text


def test_fullwidth_digits_normalised():
    doc = clean_text("d", "技术合同成交额１２．５亿元，增长３０％")
    assert "12.5亿元" in doc.text and "30%" in doc.text


@given(st.text(max_size=300))
def test_never_raises_and_offsets_hold(text):
    _check_offsets(clean_text("d", text))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="12、 \n\t。a", max_size=30))
def test_numbered_lines_are_found_where_the_plain_pattern_finds_them(text):
    plain = re.compile(r"(?:^|\s|\n)(\d{1,3})、(?=\S)")
    got = [(m.span(), m.group(1)) for m in clean._numbered_lines(text)]
    assert got == [(m.span(), m.group(1)) for m in plain.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \n\r\t\u3000a高", max_size=30))
def test_whitespace_is_normalised_as_by_the_plain_patterns(text):
    t = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    t = re.sub(r"[ \t\u3000\xa0\u2002\u2003\u200b]+", " ", t)
    t = re.sub(r" *\n *", "\n", t)
    assert clean._normalise_whitespace(text) == re.sub(r"\n{3,}", "\n\n", t).strip()


def test_a_repair_row_with_an_unquoted_comma_fails_with_file_and_line(tmp_path, monkeypatch):
    import pytest

    from analysis import clean
    from analysis.text.lexicon import LexiconError

    (tmp_path / "repairs.csv").write_text(
        "rule,pattern,replacement,status,reason\nx,a[,，]b,c,reviewed,why\n", encoding="utf-8")
    monkeypatch.setattr(clean, "PACKAGE_DATA", tmp_path)
    with pytest.raises(LexiconError, match="repairs.csv, line 2: more fields"):
        clean.load_repair_rules.__wrapped__()
