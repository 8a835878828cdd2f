"""Ingest: every kind of file people drop in data/raw reads back to the right text, or fails with a reason."""

from __future__ import annotations

import hashlib
import struct
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from analysis.config import RAW_DIR
from analysis.ingest import (
    IngestError,
    check_zip,
    discover,
    file_sha256,
    find_duplicates,
    load_manifest,
    make_doc_ids,
    read_document,
)

SAMPLE = RAW_DIR / "000_e62b7b1a346a2fde.txt"
SAMPLE_LINES = SAMPLE.read_text("utf-8").splitlines()
TITLE = SAMPLE_LINES[0]  # 青岛市科技局2013年上半年工作总结
PARAGRAPH = SAMPLE_LINES[3].strip()  # 今年以来,全市科技工作认真贯彻落实…
# A passage of four lines with the report's own line breaks.
PASSAGE = "\n".join(SAMPLE_LINES[:7]) + "\n"
TRADITIONAL = "今年以來，全市科技工作認真貫徹落實市委、市政府關於全面實施創新驅動發展戰略的有關部署，發明專利申請6275件、授權988件。"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def read(tmp_path: Path, name: str, data: bytes):
    return read_document(write(tmp_path, name, data), tmp_path)


def reason_of(tmp_path: Path, name: str, data: bytes) -> tuple[str, str]:
    with pytest.raises(IngestError) as info:
        read(tmp_path, name, data)
    return info.value.status, info.value.reason


# ------------------------------------------------------------ text encodings


@pytest.mark.parametrize(
    ("codec", "expected_encoding"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gb18030", "gb18030"),
        ("gbk", "gb18030"),
        ("gb2312", "gb18030"),
        ("utf-16", "utf-16-le"),  # Python writes a little-endian BOM
        ("utf-16-be", "utf-16-be"),  # no BOM
        ("utf-16-le", "utf-16-le"),  # no BOM
        ("utf-32", "utf-32-le"),
    ],
)
def test_report_passage_round_trips_through_each_encoding(tmp_path, codec, expected_encoding):
    doc = read(tmp_path, "r.txt", PASSAGE.encode(codec))
    assert doc.text == PASSAGE
    assert doc.encoding == expected_encoding
    assert doc.fmt == "txt"


def test_utf16_with_bom_and_crlf(tmp_path):
    data = "\ufeff".encode("utf-16-le") + PASSAGE.replace("\n", "\r\n").encode("utf-16-le")
    doc = read(tmp_path, "r.txt", data)
    assert doc.text == PASSAGE
    assert doc.encoding == "utf-16-le"


def test_big5_traditional_text(tmp_path):
    doc = read(tmp_path, "r.txt", TRADITIONAL.encode("big5"))
    assert doc.text == TRADITIONAL
    assert doc.encoding == "big5"


def test_gbk_and_big5_of_the_same_short_sentence_are_told_apart(tmp_path):
    assert read(tmp_path, "a.txt", PARAGRAPH[:40].encode("gbk")).text == PARAGRAPH[:40]
    assert read(tmp_path, "b.txt", TRADITIONAL[:30].encode("big5")).text == TRADITIONAL[:30]


def test_newlines_normalised(tmp_path):
    doc = read(tmp_path, "r.txt", f"{TITLE}\r\n{PARAGRAPH}\r{PARAGRAPH}\n".encode("gbk"))
    assert doc.text == f"{TITLE}\n{PARAGRAPH}\n{PARAGRAPH}\n"


def test_crlf_split_across_read_chunks_gives_one_newline(tmp_path, monkeypatch):
    import analysis.ingest as ingest

    monkeypatch.setattr(ingest, "CHUNK", 7)  # "\r" and "\n" land in different chunks
    text = "专利申请6275件\r\n授权988件\r\n"
    doc = read(tmp_path, "r.txt", text.encode("utf-8"))
    assert doc.text == "专利申请6275件\n授权988件\n"


def test_gbk_text_longer_than_one_chunk(tmp_path, monkeypatch):
    import analysis.ingest as ingest

    monkeypatch.setattr(ingest, "CHUNK", 1001)  # odd size: chunks end inside 2-byte chars
    monkeypatch.setattr(ingest, "SAMPLE", 4000)
    text = (PASSAGE * 20).encode("gbk")
    assert read(tmp_path, "r.txt", text).text == PASSAGE * 20


def test_the_real_reports_read_as_utf8():
    for path in sorted(RAW_DIR.glob("*.txt")):
        doc = read_document(path, RAW_DIR)
        assert doc.encoding == "utf-8"
        assert doc.text == path.read_text("utf-8").replace("\r\n", "\n")
        assert doc.source_file == path.name
        assert doc.doc_id == path.stem
        assert doc.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_empty_files_fail(tmp_path):
    assert reason_of(tmp_path, "a.txt", b"") == ("failed", "empty file")
    assert reason_of(tmp_path, "b.txt", b" \r\n\t\n") == ("failed", "empty file")
    assert reason_of(tmp_path, "c.txt", b"\xef\xbb\xbf\n") == ("failed", "empty file")
    assert reason_of(tmp_path, "d.html", b"") == ("failed", "empty file")


def test_binary_junk_named_txt_fails(tmp_path):
    junk = bytes(range(256)) * 8
    assert reason_of(tmp_path, "x.txt", junk) == (
        "failed",
        "not text: binary content with a .txt name",
    )


def test_binary_without_nul_bytes_named_txt_fails(tmp_path):
    junk = bytes([1, 2, 3, 4, 5, 6, 0x7F, 0x1B]) * 100
    assert reason_of(tmp_path, "x.txt", junk) == (
        "failed",
        "not text: binary content with a .txt name",
    )


def test_file_above_size_limit_is_refused(tmp_path):
    path = write(tmp_path, "big.txt", ("科" * 6144).encode("utf-8"))
    with pytest.raises(IngestError) as info:
        read_document(path, tmp_path, max_bytes=100)
    assert info.value.status == "failed"
    assert info.value.reason == "file is 18.0 KB, above the 100 bytes size limit"


@given(
    st.text(
        alphabet=st.one_of(
            st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
            st.characters(min_codepoint=0x20, max_codepoint=0x7E),
            st.sampled_from("\n，。、；：“”（）《》"),
        ),
        min_size=1,
        max_size=200,
    ).filter(lambda s: s.strip() != ""),
    st.sampled_from(["utf-8", "gb18030"]),
)
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_cjk_ascii_text_round_trips(tmp_path, text, codec):
    """Any text comes back, unless its GB18030 bytes are also valid UTF-8 of another text
    (閫丮 is b'\\xe9\\x80\\x81M', which is UTF-8 送M): no reader can tell those apart, and
    the plausibility choice for them is tested on its own below."""
    data = text.encode(codec)
    if codec == "gb18030":
        try:
            assume(data.decode("utf-8") == text)
        except UnicodeDecodeError:
            pass
    doc = read(tmp_path, "h.txt", data)
    assert doc.text == text


def test_short_gbk_text_that_is_also_valid_utf8_reads_as_gbk(tmp_path):
    data = "全省实施".encode("gbk")
    assert data.decode("utf-8") == "ȫʡʵʩ"  # strict UTF-8 would accept it
    doc = read(tmp_path, "t.txt", data)
    assert (doc.text, doc.encoding) == ("全省实施", "gb18030")


def test_ascii_text_is_not_taken_for_bomless_utf16(tmp_path):
    doc = read(tmp_path, "t.txt", b"manifest.csv")
    assert (doc.text, doc.encoding) == ("manifest.csv", "utf-8")


def test_crlf_gbk_text_is_decoded_without_extra_full_copies(tmp_path, monkeypatch):
    import sys
    import tracemalloc

    import analysis.ingest as ingest

    monkeypatch.setattr(ingest, "CHUNK", 64 * 1024)
    monkeypatch.setattr(ingest, "SAMPLE", 64 * 1024)
    windows_text = PASSAGE.replace("\n", "\r\n").encode("gbk") * 4000  # about 4 MB
    path = write(tmp_path, "big.txt", windows_text)
    del windows_text
    tracemalloc.start()
    try:
        doc = read_document(path, tmp_path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert doc.text == PASSAGE * 4000
    # decoded pieces + their join (2 copies); bytes + decoded + CRLF-normalised would be ~2.9
    assert peak < 2.4 * sys.getsizeof(doc.text)


# ------------------------------------------------------------ file types and names


def test_unsupported_types_are_skipped(tmp_path):
    assert reason_of(tmp_path, "table.xls", b"\xd0\xcf\x11\xe0") == (
        "skipped",
        "unsupported file type .xls (copy the text into a .txt or .docx file)",
    )
    assert reason_of(tmp_path, "old.DOC", b"\xd0\xcf\x11\xe0") == (
        "skipped",
        "unsupported file type .doc (save it as .docx or .txt)",
    )
    assert reason_of(tmp_path, "pic.png", b"\x89PNG") == (
        "skipped",
        "unsupported file type .png (supported: .txt, .docx, .html, .pdf)",
    )


def test_suffix_is_case_insensitive(tmp_path):
    doc = read(tmp_path, "R.TXT", PASSAGE.encode("gbk"))
    assert doc.text == PASSAGE
    assert doc.doc_id == "R"


def test_names_with_spaces_and_chinese(tmp_path):
    doc = read(tmp_path, "青岛 2013/青岛市科技局 2013年 上半年.txt", PASSAGE.encode("utf-8"))
    assert doc.doc_id == "青岛市科技局 2013年 上半年"
    assert doc.source_file == "青岛 2013/青岛市科技局 2013年 上半年.txt"
    assert doc.text == PASSAGE


def test_discover_sorts_recursively_and_skips_manifest_and_hidden(tmp_path):
    for name in [
        "b.txt",
        "a/z.txt",
        "a/青岛.docx",
        "manifest.csv",
        ".DS_Store",
        ".git/config",
        "~$报告.docx",
        "sub/manifest.csv",
    ]:
        write(tmp_path, name, b"x")
    found = [p.relative_to(tmp_path).as_posix() for p in discover(tmp_path)]
    assert found == ["a/z.txt", "a/青岛.docx", "b.txt", "sub/manifest.csv"]


def test_discover_skips_symlink_out_of_raw_dir(tmp_path):
    outside = write(tmp_path, "outside/secret.txt", b"secret")
    raw = tmp_path / "raw"
    write(raw, "in.txt", b"x")
    (raw / "link.txt").symlink_to(outside)
    assert [p.name for p in discover(raw)] == ["in.txt"]


def test_make_doc_ids_disambiguates_collisions(tmp_path):
    names = ["a.txt", "a.docx", "x/b.txt", "y/b.txt", "c.txt", "A.pdf", "q:1?.txt", "青岛 报告.txt"]
    paths = [tmp_path / n for n in names]
    ids = make_doc_ids(paths, tmp_path)
    by_name = {p.relative_to(tmp_path).as_posix(): ids[p] for p in paths}
    assert by_name == {
        "a.txt": "a_txt",
        "a.docx": "a_docx",
        "A.pdf": "A_pdf",
        "x/b.txt": "b_txt_1",
        "y/b.txt": "b_txt_2",
        "c.txt": "c",
        "q:1?.txt": "q_1_",
        "青岛 报告.txt": "青岛 报告",
    }
    # order of the input does not matter
    assert make_doc_ids(list(reversed(paths)), tmp_path) == ids


def test_make_doc_ids_counter_avoids_existing_ids(tmp_path):
    paths = [tmp_path / n for n in ["x/b.txt", "y/b.txt", "b_txt_1.txt"]]
    ids = make_doc_ids(paths, tmp_path)
    assert sorted(ids.values()) == ["b_txt_1", "b_txt_2", "b_txt_3"]
    assert ids[tmp_path / "b_txt_1.txt"] == "b_txt_1"


def test_file_sha256_and_duplicates(tmp_path):
    a = write(tmp_path, "a.txt", PASSAGE.encode())
    write(tmp_path, "b.txt", PASSAGE.encode())
    assert file_sha256(a) == hashlib.sha256(PASSAGE.encode()).hexdigest()
    hashes = {"b.txt": "1", "a.txt": "1", "c.txt": "2"}
    assert find_duplicates(hashes) == {"b.txt": "a.txt"}


# ------------------------------------------------------------ HTML

GOV_PAGE = f"""<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{TITLE}</title>
<style>.nav {{ color: red }}</style>
<script>var menu = "网站导航脚本";</script>
</head><body>
<div class="nav"><ul>
<li><a href="/">首页</a></li><li><a href="/jg">机构概况</a></li>
<li><a href="/zw">政务公开</a></li><li><a href="/bs">网上办事</a></li>
</ul></div>
<div class="location">当前位置：<a href="/">首页</a> &gt; <a href="/zw">工作总结</a></div>
<div id="article">
<h1>{TITLE}</h1>
<p>{PARAGRAPH}</p>
<p>{SAMPLE_LINES[4].strip()}</p>
<p>{SAMPLE_LINES[5].strip()}</p>
<p>{SAMPLE_LINES[6].strip()}</p>
</div>
<div class="footer">版权所有：青岛市科学技术局 地址：青岛市市南区 联系电话：0532-00000000 鲁ICP备00000000号</div>
</body></html>
"""


def test_gov_html_keeps_article_drops_chrome_and_honours_gbk_meta(tmp_path):
    doc = read(tmp_path, "page.htm", GOV_PAGE.encode("gbk"))
    assert doc.fmt == "html"
    assert doc.encoding == "gb18030"
    lines = doc.text.split("\n")
    assert lines[0] == TITLE
    assert PARAGRAPH in lines
    assert SAMPLE_LINES[6].strip() in lines
    for chrome in ["机构概况", "政务公开", "版权所有", "网站导航脚本", "color: red"]:
        assert chrome not in doc.text


NEWS_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="SiteName" content="某某市人民政府">
<meta name="PubDate" content="2021-07-20 10:05">
<meta name="ContentSource" content="嘉兴市科学技术局">
<title>科技局召开上半年工作推进会</title></head><body>
<div class="nav">首页 部门动态</div>
<div id="article"><h1>科技局召开上半年工作推进会</h1>
<p>近日，市科技局召开上半年工作推进会。会议通报，今年以来全市新认定高新技术企业120家，技术合同成交额15.2亿元，同比增长21%。</p>
<p>会议要求，下半年要紧盯全年目标，力争全年技术合同成交额达到30亿元。</p></div>
<div class="footer">版权所有</div></body></html>"""


def test_html_meta_dateline_dates_and_places_a_news_page(tmp_path):
    from analysis.pipeline import process_document

    doc = read(tmp_path, "news.html", NEWS_PAGE.encode("utf-8"))
    lines = doc.text.split("\n")
    assert lines[:3] == ["科技局召开上半年工作推进会", "发布时间：2021-07-20", "来源：嘉兴市科学技术局"]
    meta = process_document("news", doc.text).meta
    assert (meta.region, meta.report_year, meta.period) == ("嘉兴市", 2021, "H1")
    # the same page without its head says neither where nor when
    bare = process_document("bare", "\n".join(lines[:1] + lines[3:])).meta
    assert (bare.region, bare.report_year) == ("", None)


def test_html_meta_dateline_only_what_the_body_does_not_say(tmp_path):
    page = NEWS_PAGE.replace("<p>近日", "<p>发布时间：2021-07-20 来源：嘉兴市科学技术局</p><p>近日")
    text = read(tmp_path, "news.html", page.encode("utf-8")).text
    assert text.count("2021-07-20") == 1 and text.count("嘉兴市科学技术局") == 1


@pytest.mark.parametrize("date, source", [("", ""), ("明天", " \t "), ("2021-13-02", "x" * 60),
                                          ("2021-02-40", "来源\n" * 20)])
def test_html_meta_unreadable_values_write_no_line(tmp_path, date, source):
    page = NEWS_PAGE.replace('content="2021-07-20 10:05"', f'content="{date}"')
    page = page.replace('content="嘉兴市科学技术局"', f'content="{source}"')
    text = read(tmp_path, "news.html", page.encode("utf-8")).text
    assert "发布时间" not in text and "来源" not in text


def test_html_meta_other_spellings_of_the_date(tmp_path):
    page = NEWS_PAGE.replace('name="PubDate" content="2021-07-20 10:05"',
                             'property="article:published_time" content="2021-07-20T10:05:00+08:00"')
    assert "发布时间：2021-07-20" in read(tmp_path, "news.html", page.encode("utf-8")).text
    page = NEWS_PAGE.replace('name="PubDate" content="2021-07-20 10:05"',
                             'name="publishdate" content="2021年7月20日"')
    assert "发布时间：2021-07-20" in read(tmp_path, "news.html", page.encode("utf-8")).text


def test_html_meta_dateline_rules_in_file_order_and_dates_in_any_writing(tmp_path):
    # publishdate first in the page, PubDate first in the file: PubDate wins
    page = NEWS_PAGE.replace('<meta name="PubDate"', '<meta name="publishdate" content="2024-05-01">'
                                                     '<meta name="PubDate"')
    assert "发布时间：2021-07-20" in read(tmp_path, "a.html", page.encode("utf-8")).text
    compact = NEWS_PAGE.replace('content="2021-07-20 10:05"', 'content="20210720"')
    assert "发布时间：2021-07-20" in read(tmp_path, "b.html", compact.encode("utf-8")).text
    # the body already says the date in its own writing: no second dateline
    said = NEWS_PAGE.replace("<p>近日", "<p>发布日期：2021年7月20日</p><p>近日")
    text = read(tmp_path, "c.html", said.encode("utf-8")).text
    assert "发布时间" not in text and "来源：嘉兴市科学技术局" in text


@pytest.mark.parametrize("row, message", [
    ("PubDate,when,发布时间：{value},r", "writes 'when'"),
    ("PubDate,date,发布时间,r", "exactly one"),
    ("PubDate,date,发布时间：{value},", "empty name or reason"),
])
def test_page_meta_file_is_checked_on_load(tmp_path, row, message):
    from analysis.ingest import load_page_meta
    from analysis.text.lexicon import LexiconError

    path = tmp_path / "page_meta.csv"
    path.write_text("name,writes,line,reason\n" + row + "\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=message) as info:
        load_page_meta(path)
    assert "page_meta.csv" in str(info.value) and "2" in str(info.value)


def test_html_utf8_meta_charset(tmp_path):
    page = GOV_PAGE.replace("charset=gb2312", "charset=utf-8")
    doc = read(tmp_path, "page.html", page.encode("utf-8"))
    assert doc.encoding == "utf-8"
    assert PARAGRAPH in doc.text.split("\n")


def test_html_wrong_meta_falls_back_to_detection(tmp_path):
    doc = read(tmp_path, "page.shtml", GOV_PAGE.encode("utf-8"))  # says gb2312, is UTF-8
    assert doc.encoding == "utf-8"
    assert PARAGRAPH in doc.text.split("\n")


def test_html_table_layout_falls_back_to_largest_block(tmp_path):
    page = f"""<html><head><meta charset="gbk"><title>{TITLE}</title></head><body>
<table><tr><td><a href="/">首页</a> <a href="/a">科技动态</a></td></tr>
<tr><td>{PARAGRAPH}<br>{SAMPLE_LINES[6].strip()}</td></tr>
<tr><td>主办单位：青岛市科学技术局</td></tr></table></body></html>"""
    doc = read(tmp_path, "t.html", page.encode("gbk"))
    lines = doc.text.split("\n")
    assert lines[0] == TITLE
    assert PARAGRAPH in lines
    assert SAMPLE_LINES[6].strip() in lines
    assert "科技动态" not in doc.text


def test_html_when_readability_keeps_too_little_the_largest_block_is_used(tmp_path, monkeypatch):
    import readability

    class ShortSummary:
        def __init__(self, html: str) -> None:
            pass

        def summary(self, html_partial: bool = False) -> str:
            return "<div><p>首页</p></div>"

    monkeypatch.setattr(readability, "Document", ShortSummary)
    doc = read(tmp_path, "page.htm", GOV_PAGE.encode("gbk"))
    lines = doc.text.split("\n")
    assert lines[:3] == [TITLE, PARAGRAPH, SAMPLE_LINES[4].strip()]
    assert lines[-1] == SAMPLE_LINES[6].strip()
    assert "版权所有" not in doc.text
    assert "机构概况" not in doc.text


def test_html_utf8_page_with_stale_gb2312_meta(tmp_path):
    title, body = "今年以来,全市科技工作", "贯彻落实市委、市政府关于"
    page = f'<html><head><meta charset="gb2312"><title>{title}</title></head><body><p>{body}</p></body></html>'
    data = page.encode("utf-8")
    assert "鍏ㄥ競绉戞妧" in data.decode("gb18030")  # the meta alone would give mojibake
    doc = read(tmp_path, "p.html", data)
    assert (doc.text, doc.encoding) == (f"{title}\n{body}", "utf-8")


def test_html_meta_charset_decides_a_page_too_short_to_tell(tmp_path):
    # Without the meta, these Big5 bytes read as plausible GB text (龟琁承…).
    page = '<html><head><meta charset="big5"><title>實施創新</title></head><body><p>認真貫徹落實</p></body></html>'
    doc = read(tmp_path, "p.html", page.encode("big5"))
    assert doc.encoding == "big5"
    assert doc.text == "實施創新\n認真貫徹落實"


# ------------------------------------------------------------ DOCX


def make_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph(TITLE)
    document.add_paragraph(PARAGRAPH)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "发明专利申请"
    table.cell(0, 1).text = "6275件"
    table.cell(1, 0).text = "发明专利授权"
    table.cell(1, 1).text = "988件"
    document.add_paragraph("二、下半年工作思路")
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def test_docx_paragraphs_and_table_in_order(tmp_path):
    path = make_docx(tmp_path / "报告.docx")
    doc = read_document(path, tmp_path)
    assert doc.fmt == "docx"
    assert doc.encoding is None
    assert doc.text == "\n".join(
        [
            TITLE,
            PARAGRAPH,
            "发明专利申请\t6275件",
            "发明专利授权\t988件",
            "二、下半年工作思路",
        ]
    )


def test_docx_merged_cells_appear_once(tmp_path):
    import docx

    document = docx.Document()
    table = document.add_table(rows=1, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = "技术合同成交额"
    table.cell(0, 2).text = "14.21亿元"
    document.save(str(tmp_path / "m.docx"))
    assert read_document(tmp_path / "m.docx", tmp_path).text == "技术合同成交额\t14.21亿元"


def test_old_doc_renamed_docx(tmp_path):
    ole = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504 + "WordDocument".encode("utf-16-le")
    assert reason_of(tmp_path, "old.docx", ole) == (
        "failed",
        "this is an old Word .doc saved with a .docx name; save it as .docx",
    )


def test_encrypted_docx_is_password_protected(tmp_path):
    ole = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le")
    assert reason_of(tmp_path, "secret.docx", ole) == (
        "failed",
        "password-protected .docx (remove the password and save again)",
    )


def test_truncated_docx(tmp_path):
    data = make_docx(tmp_path / "src" / "r.docx").read_bytes()
    assert reason_of(tmp_path, "cut.docx", data[: len(data) // 2]) == (
        "failed",
        "truncated or corrupt .docx (not a valid zip archive)",
    )


def test_docx_that_is_not_a_zip(tmp_path):
    assert reason_of(tmp_path, "text.docx", PASSAGE.encode("utf-8")) == (
        "failed",
        "truncated or corrupt .docx (not a valid zip archive)",
    )


def test_zip_without_word_document(tmp_path):
    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(IngestError) as info:
        read_document(path, tmp_path)
    assert info.value.reason == "not a Word document (the zip holds no Word document parts)"


def _patch_sizes(data: bytes, name: bytes, size: int) -> bytes:
    """Make the zip's local and central headers of ``name`` claim ``size`` uncompressed bytes."""
    out = bytearray(data)
    central = out.find(b"PK\x01\x02")
    while central != -1:
        name_len = struct.unpack_from("<H", out, central + 28)[0]
        if out[central + 46 : central + 46 + name_len] == name:
            struct.pack_into("<I", out, central + 24, size)
            local = struct.unpack_from("<I", out, central + 42)[0]
            struct.pack_into("<I", out, local + 22, size)
        central = out.find(b"PK\x01\x02", central + 4)
    return bytes(out)


def test_zip_bomb_by_claimed_size_is_refused(tmp_path):
    data = make_docx(tmp_path / "src" / "r.docx").read_bytes()
    bomb = _patch_sizes(data, b"word/document.xml", 2_254_857_830)
    assert reason_of(tmp_path, "bomb.docx", bomb) == (
        "failed",
        "archive expands to 2.1 GB, refused as a possible zip bomb",
    )


def test_zip_bomb_by_compression_ratio_is_refused(tmp_path):
    path = make_docx(tmp_path / "bomb.docx")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/media/image1.bin", b"\x00" * (25 * 1024 * 1024))
    with pytest.raises(IngestError) as info:
        check_zip(path)
    assert info.value.reason.startswith("archive expands to 25.")
    assert info.value.reason.endswith(" MB, refused as a possible zip bomb")


# ------------------------------------------------------------ PDF

PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    i = j = 0
    out = bytearray()
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def make_pdf(content: bytes, fonts: str = "", user_password: str | None = None) -> bytes:
    """A minimal one-page PDF; with user_password, RC4-40 encrypted (standard handler, R2)."""
    file_id = bytes(range(16))
    key = None
    encrypt = ""
    if user_password is not None:
        padded_user = (user_password.encode() + PAD)[:32]
        padded_owner = (b"owner-secret" + PAD)[:32]
        owner = rc4(hashlib.md5(padded_owner).digest()[:5], padded_user)
        perms = -4
        key = hashlib.md5(padded_user + owner + struct.pack("<i", perms) + file_id).digest()[:5]
        user = rc4(key, PAD)
        encrypt = (
            f"<< /Filter /Standard /V 1 /R 2 /O <{owner.hex()}> /U <{user.hex()}> /P {perms} >>"
        )
    if key is not None:
        obj_key = hashlib.md5(key + struct.pack("<I", 4)[:3] + b"\x00\x00").digest()[:10]
        content = rc4(obj_key, content)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << {fonts} >> >> /Contents 4 0 R >>".encode(),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    if encrypt:
        objects.append(encrypt.encode())
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    trailer = f"<< /Size {len(objects) + 1} /Root 1 0 R /ID [<{file_id.hex()}> <{file_id.hex()}>]"
    if encrypt:
        trailer += f" /Encrypt {len(objects)} 0 R"
    out += f"trailer\n{trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


HELVETICA = "/F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
# A CJK font the reader needs no file for: Adobe's STSong-Light with a Unicode CMap.
STSONG = (
    "/F2 << /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
    "/DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
    "/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> >>] >>"
)
ASCII_CONTENT = b"BT /F1 14 Tf 72 760 Td (Patent applications 6275) Tj 0 -20 Td (Grants 988) Tj ET"


def test_pdf_text_layer(tmp_path):
    doc = read(tmp_path, "r.pdf", make_pdf(ASCII_CONTENT, HELVETICA))
    assert doc.fmt == "pdf"
    assert doc.text == "Patent applications 6275\nGrants 988"


def test_pdf_chinese_text_layer(tmp_path):
    line = "发明专利申请6275件"
    hexed = line.encode("utf-16-be").hex().upper()
    content = f"BT /F2 14 Tf 72 760 Td <{hexed}> Tj ET".encode()
    doc = read(tmp_path, "r.pdf", make_pdf(content, STSONG))
    assert doc.text == line


def test_pdf_without_text_layer_is_scanned(tmp_path):
    drawing = b"0.5 g 72 500 300 200 re f"
    assert reason_of(tmp_path, "scan.pdf", make_pdf(drawing)) == (
        "failed",
        "scanned PDF with no text layer (no OCR is done)",
    )


def test_password_protected_pdf(tmp_path):
    data = make_pdf(ASCII_CONTENT, HELVETICA, user_password="secret")
    assert reason_of(tmp_path, "locked.pdf", data) == ("failed", "password-protected PDF")


def test_truncated_pdf(tmp_path):
    data = make_pdf(ASCII_CONTENT, HELVETICA)
    assert reason_of(tmp_path, "cut.pdf", data[: len(data) - 30]) == (
        "failed",
        "truncated or corrupt PDF (PDFSyntaxError)",
    )
    assert reason_of(tmp_path, "cut2.pdf", data[:60]) == (
        "failed",
        "truncated or corrupt PDF (PSEOF)",
    )


def test_pdf_name_on_other_bytes(tmp_path):
    assert reason_of(tmp_path, "fake.pdf", PASSAGE.encode("utf-8")) == (
        "failed",
        "not a PDF: the file does not start with %PDF",
    )


# ------------------------------------------------------------ manifest


def make_raw(tmp_path: Path, manifest: str, encoding: str = "utf-8") -> tuple[Path, list[Path]]:
    raw = tmp_path / "raw"
    for name in ["000_e62b7b1a346a2fde.txt", "sub/青岛 2016.txt", "x.docx"]:
        write(raw, name, b"x")
    write(tmp_path, "outside.txt", b"x")
    write(raw, "manifest.csv", manifest.encode(encoding))
    return raw, discover(raw)


def test_manifest_overrides_and_problems(tmp_path):
    manifest = (
        "file,doc_id,region,report_year,period,admin_level,parent_city,colour,note\n"
        "000_e62b7b1a346a2fde.txt,,市南区,2013,H1,district,0532,red,x\n"
        ",青岛 2016,青岛市,20l6,M1-M5,city,,,\n"
        ",nosuch,青岛市,2016,,,,,\n"
        "../outside.txt,,青岛市,2016,,,,,\n"
        "/etc/passwd,,,,,,,,\n"
        "x.docx,,,2015,2011-2015,,,,\n"
    )
    raw, files = make_raw(tmp_path, manifest)
    result = load_manifest(raw, files)
    assert result.overrides == {
        "000_e62b7b1a346a2fde.txt": {
            "region": "市南区",
            "report_year": 2013,
            "period": "H1",
            "admin_level": "district",
            "parent_city": "0532",
        },
        "sub/青岛 2016.txt": {"region": "青岛市", "period": "M1-M5"},
        "x.docx": {"report_year": 2015, "period": "2011-2015"},
    }
    accepted = (
        "file, doc_id, title, region, admin_level, parent_city, province, "
        "report_year, period, doc_type, region_masked"
    )
    assert result.problems == [
        f"manifest.csv: unknown column(s) colour, note ignored; accepted: {accepted}",
        "manifest.csv row 3: admin_level 'city' is not one of county, county_city, district, "
        "prefecture; cell ignored",
        "manifest.csv row 3: report_year '20l6' is not a year 1949-2100; cell ignored",
        "manifest.csv row 4: doc_id 'nosuch' matches no input file; row ignored",
        "manifest.csv row 5: file '../outside.txt' points outside the raw folder; row refused",
        "manifest.csv row 6: file '/etc/passwd' is an absolute path; row refused",
    ]


def test_manifest_gbk_bom_and_symlink_escape(tmp_path):
    manifest = "\ufefffile,title,doc_type,region_masked\nlink.txt,标题,plan,1\nx.docx,科技局工作要点,plan,2\n"
    raw, _ = make_raw(tmp_path, manifest, encoding="utf-8")
    (raw / "link.txt").symlink_to(tmp_path / "outside.txt")
    result = load_manifest(raw, discover(raw))
    assert result.overrides == {"x.docx": {"title": "科技局工作要点", "doc_type": "plan"}}
    assert result.problems == [
        "manifest.csv row 2: file 'link.txt' points outside the raw folder; row refused",
        "manifest.csv row 3: region_masked '2' is not 0 or 1; cell ignored",
    ]
    gbk = "file,title,report_year\nx.docx,科技局工作要点,1948\n"
    raw, files = make_raw(tmp_path / "g", gbk, encoding="gbk")
    result = load_manifest(raw, files)
    assert result.overrides == {"x.docx": {"title": "科技局工作要点"}}
    assert result.problems == [
        "manifest.csv row 2: report_year '1948' is not a year 1949-2100; cell ignored"
    ]


def test_manifest_doc_id_override_and_repeated_rows(tmp_path):
    manifest = (
        "File,doc_id,title\n"
        "x.docx,青岛 2013 上半年,标题一\n"
        "000_e62b7b1a346a2fde.txt,青岛 2016,\n"
        "x.docx,,标题二\n"
        ",,\n"
    )
    raw, files = make_raw(tmp_path, manifest)
    result = load_manifest(raw, files)
    assert result.overrides == {"x.docx": {"title": "标题二"}}
    ids = {p.relative_to(raw).as_posix(): doc_id for p, doc_id in result.doc_ids.items()}
    assert ids["x.docx"] == "青岛 2013 上半年"  # the renamed id is the one the run uses
    assert ids["000_e62b7b1a346a2fde.txt"] == "000_e62b7b1a346a2fde"  # refused: kept
    assert result.problems == [
        "manifest.csv row 3: doc_id '青岛 2016' is already the id of sub/青岛 2016.txt; cell ignored",
        "manifest.csv row 4: x.docx already given in row 2; later values win",
    ]


def test_no_manifest_is_fine(tmp_path):
    write(tmp_path, "a.txt", b"x")
    result = load_manifest(tmp_path, discover(tmp_path))
    assert result.overrides == {}
    assert result.problems == []


def test_html_task_table_is_read_whole_when_readability_keeps_one_row(tmp_path):
    page = """<html><head><title>某市科技局2022年重点任务进展情况</title></head><body>
<p>某市科技局2022年重点任务进展情况一览表</p>
<table><tr><td>序号</td><td>任务目标</td><td>进展情况</td></tr>
<tr><td>1</td><td>新增高新技术企业25家以上，申请发明专利160件以上。</td><td>一季度新增高新技术企业8家，申请发明专利52件。</td></tr>
<tr><td>2</td><td>技术合同成交额达到10亿元。</td><td>一季度技术合同成交额2.1亿元。</td></tr></table>
</body></html>"""
    doc = read(tmp_path, "t.html", page.encode("utf-8"))
    lines = doc.text.split("\n")
    for line in ("某市科技局2022年重点任务进展情况一览表", "序号\t任务目标\t进展情况",
                 "2\t技术合同成交额达到10亿元。",
                 "一季度新增高新技术企业8家，申请发明专利52件。", "一季度技术合同成交额2.1亿元。"):
        assert line in lines, line
