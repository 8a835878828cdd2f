"""A corpus of hostile and unlucky inputs, generated (no committed binaries), for issue 12.

``build_hostile(raw)`` writes every class of input the issue lists beside good reports
and returns what each entry must become in the run log.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from analysis.config import ROOT

SAMPLES = sorted((ROOT / "data" / "raw").glob("*.txt"))
GOOD = "ok"
WORD_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SCRIPT_REGION = "[x](javascript:alert(1))市"


def clause(i: int) -> str:
    """One clause of a line-less text; figures differ, so none is a repeat."""
    return f"全市专利申请量{1000 + i}件，同比增长{i % 90}%，研发投入{i}.5亿元，"


def cells(n: int) -> list[str]:
    return [f"研发投入{i}亿元" for i in range(1, n + 1)]


def docx_bytes(rows: list[list[str]], paragraphs: list[str] = ()) -> bytes:
    """A minimal valid .docx: the paragraphs, then one table with these rows."""
    def esc(t: str) -> str:
        return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    body = "".join(f"<w:p><w:r><w:t>{esc(p)}</w:t></w:r></w:p>" for p in paragraphs)
    if rows:
        width = max(len(r) for r in rows)
        grid = "<w:tblGrid>" + "<w:gridCol/>" * width + "</w:tblGrid>"
        trs = "".join("<w:tr>" + "".join(f"<w:tc><w:p><w:r><w:t>{esc(c)}</w:t></w:r></w:p></w:tc>"
                                         for c in r) + "</w:tr>" for r in rows)
        body += f"<w:tbl><w:tblPr/>{grid}{trs}</w:tbl><w:p/>"
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                f'<w:document xmlns:w="{WORD_NS}"><w:body>{body}<w:sectPr/></w:body></w:document>')
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
             'package/2006/content-types"><Default Extension="rels" ContentType="application/'
             'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
             'ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType='
             '"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
             '</Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", rels)
        z.writestr("word/document.xml", document)
    return buf.getvalue()


def text_pdf_bytes(lines: list[str]) -> bytes:
    """A text PDF (embedded CJK TrueType font, so its text layer reads back), one line a page."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    from analysis import plots

    plots.setup_cjk_font()
    buf = io.BytesIO()
    with plt.rc_context({"pdf.fonttype": 42}), PdfPages(buf) as pdf:
        for line in lines:
            fig = plt.figure(figsize=(8.3, 11.7))
            fig.text(0.01, 0.5, line, fontsize=5)
            pdf.savefig(fig)
            plt.close(fig)
    return buf.getvalue()


def one_line_text(n_bytes: int) -> str:
    """A line-less text of about ``n_bytes`` UTF-8 bytes, full of figures."""
    parts, size, i = ["青岛市科学技术局2017年工作总结\n"], 0, 0
    while size < n_bytes:
        i += 1
        parts.append(clause(i))
        size += len(parts[-1].encode("utf-8"))
    return "".join(parts)


def build_hostile(raw: Path) -> dict[str, str]:
    """Write the corpus; returns {source_file as the run log shows it: expected status}.

    Status "ok" for the good reports and for hostile files that must still be read;
    "skipped" for entries that are not inputs (each with a reason).
    """
    raw.mkdir(parents=True, exist_ok=True)
    expected: dict[str, str] = {}

    def put(name: str, data: bytes, status: str) -> Path:
        path = raw / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        expected[name] = status
        return path

    good = [put(p.name, p.read_bytes(), GOOD) for p in SAMPLES[:2]]
    # bounded work: a 135 KB one-line text, a .docx with a 20,000-cell row
    put("one_line_135k.txt", one_line_text(135_000).encode("utf-8"), GOOD)
    put("wide_row.docx", docx_bytes([cells(20_000)], ["宁波市科技局2016年工作总结"]),
        GOOD)
    put("one_line_a_page.pdf", text_pdf_bytes(
        ["".join(clause(p * 30 + i) for i in range(30)) for p in range(40)]), GOOD)
    # names: GBK bytes (an unzipped Chinese-Windows archive), long, formula, math, braces
    gbk_name = os.fsdecode("青岛市报告.txt".encode("gbk"))
    (raw / gbk_name).write_bytes(SAMPLES[2].read_bytes())
    expected["青岛市报告.txt"] = GOOD
    put("市" * 80 + ".txt", SAMPLES[3].read_bytes(), GOOD)
    put("=cmd|' calc'!A0.txt", SAMPLES[4].read_bytes(), GOOD)
    put("$x$_{processed_dir}.txt", SAMPLES[5].read_bytes(), GOOD)
    # entries that are not inputs: each must still be in the run log with a reason
    put("..txt", b"hidden", "skipped")
    put(".hidden/secret.txt", b"x", "skipped")
    expected.pop(".hidden/secret.txt")
    expected[".hidden"] = "skipped"
    outside = raw.parent / "outside_secret.txt"
    outside.write_text("秘密", encoding="utf-8")
    (raw / "outside_link.txt").symlink_to(outside)
    expected["outside_link.txt"] = "skipped"
    (raw / "dangling.txt").symlink_to(raw / "no_such_file.txt")
    expected["dangling.txt"] = "skipped"
    (raw / "loop_a.txt").symlink_to(raw / "loop_b.txt")
    (raw / "loop_b.txt").symlink_to(raw / "loop_a.txt")
    expected["loop_a.txt"] = expected["loop_b.txt"] = "skipped"
    (raw / "sub").mkdir()
    (raw / "dir_link").symlink_to(raw / "sub")
    expected["dir_link"] = "skipped"
    os.mkfifo(raw / "pipe.txt")
    expected["pipe.txt"] = "skipped"
    # a Big5 manifest: a good row, an unclosed quote, a NUL, a 131,072-character cell,
    # a script-like region
    lines = [
        "file,region,report_year",
        f"{good[0].name},高雄市,2016",
        '"unclosed.txt,臺北市,2015',
        f"{good[1].name},{SCRIPT_REGION},2015",
        "nul.txt,臺北\x00市,2015",
        "huge.txt," + "臺" * 131_072 + ",2015",
    ]
    (raw / "manifest.csv").write_bytes(("\n".join(lines) + "\n").encode("big5"))
    return expected
