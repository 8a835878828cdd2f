"""A small processed folder (documents, metrics, texts) for the notebook, params and batch tests.

Figures and sentences are real ones from the sample reports (see tests/fixtures/gold*),
so the notebooks are exercised on the shapes the pipeline produces.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

DOC_COLUMNS = [
    "doc_id", "title", "region", "admin_level", "parent_city", "province", "report_year",
    "period", "doc_type", "region_masked", "region_confidence", "year_confidence",
    "source_file", "sha256", "n_chars",
]  # fmt: skip
METRIC_COLUMNS = [
    "doc_id", "region", "year", "period", "kind", "metric_id", "metric_name", "indicator",
    "value", "unit", "yoy_pct", "qualifier", "sentence", "char_start", "char_end", "raw",
]  # fmt: skip

# doc_id, region, admin_level, parent_city, province, report_year, doc_type
DOCS = [
    ("x04_ningbo_2016", "宁波市", "prefecture", "宁波市", "浙江省", 2016, "summary"),
    ("x05_ningbo_2017", "宁波市", "prefecture", "宁波市", "浙江省", 2017, "summary"),
    ("x09_qingdao_2016", "青岛市", "prefecture", "青岛市", "山东省", 2016, "summary"),
    ("x11_qingdao_2017", "青岛市", "prefecture", "青岛市", "山东省", 2017, "summary"),
    ("001_6f9d41c6c87e66bb", "胶州市", "county_city", "青岛市", "山东省", 2017, "plan"),
]

# doc_id, metric_id, metric_name, value, unit, yoy_pct, year, kind, qualifier, sentence
METRICS = [
    ("x04_ningbo_2016", "invention_patent_grants", "发明专利授权量", 5669, "件", 4.7, 2016, "actual", "", "发明专利授权5669件"),
    ("x04_ningbo_2016", "high_tech_value_added", "高新技术产业增加值", 115366000000, "元", 9.1, 2016, "actual", "", "高新技术产业产值、增加值分别达6317.39亿元、1153.66亿元"),
    ("x05_ningbo_2017", "invention_patent_grants", "发明专利授权量", 5382, "件", None, 2017, "estimate", "", "完成发明专利授权5382件"),
    ("x05_ningbo_2017", "high_tech_value_added", "高新技术产业增加值", 133750000000, "元", 10.4, 2017, "estimate", "", "高新技术产业实现增加值1337.5亿元"),
    ("x05_ningbo_2017", "rd_expenditure", "R&D经费支出", 23150000000, "元", 12, 2017, "estimate", "", "全年研发经费支出231.5亿元"),
    ("x05_ningbo_2017", "rd_intensity", "R&D经费占GDP比重", 2.35, "%", None, 2017, "estimate", "", "占GDP比重2.35%"),
    ("x05_ningbo_2017", "tech_contract_turnover", "技术合同成交额", 8180000000, "元", 66.2, 2017, "estimate", "", "完成技术交易额81.8亿元"),
    ("x09_qingdao_2016", "rd_expenditure", "R&D经费支出", 26370000000, "元", None, 2016, "actual", "", "全社会研发经费(R&D)投入263.7亿元"),
    ("x09_qingdao_2016", "rd_intensity", "R&D经费占GDP比重", 2.84, "%", None, 2016, "actual", "", "占GDP比重2.84%"),
    ("x11_qingdao_2017", "rd_expenditure", "R&D经费支出", 28640000000, "元", None, 2017, "actual", "", "全社会研发经费(R&D)投入286.4亿元"),
    ("x11_qingdao_2017", "rd_intensity", "R&D经费占GDP比重", 2.86, "%", None, 2017, "actual", "", "占GDP比重2.86%"),
    ("x11_qingdao_2017", "tech_contract_turnover", "技术合同成交额", 12666000000, "元", 21.65, 2017, "actual", "", "技术合同交易额达到126.66亿元"),
    ("x11_qingdao_2017", "", "", 691, "家", None, 2017, "actual", "", "全年净增高新技术企业691家"),
    ("001_6f9d41c6c87e66bb", "rd_intensity", "R&D经费占GDP比重", 2.8, "%", None, 2017, "target", "", "研发经费支出占生产总值比重达到2.8%"),
    ("001_6f9d41c6c87e66bb", "tech_contract_turnover", "技术合同成交额", 1000000000, "元", None, 2017, "target", "", "技术合同交易额达到10亿元"),
]  # fmt: skip

TEXTS = {
    "x04_ningbo_2016": "宁波市科技局2016年工作总结。发明专利授权5669件。高新技术产业产值、增加值分别达6317.39亿元、1153.66亿元。深入实施创新驱动发展战略，建设国家自主创新示范区，推进科技成果转化。",
    "x05_ningbo_2017": "宁波市科技局2017年工作总结。全年研发经费支出231.5亿元，占GDP比重2.35%。完成技术交易额81.8亿元。推进甬江科创大走廊建设，加快新材料科技城建设。",
    "x09_qingdao_2016": "青岛市科技局2016年工作总结。全社会研发经费(R&D)投入263.7亿元，占GDP比重2.84%。推进蓝色硅谷建设，发展海洋科技，建设国家海洋实验室。",
    "x11_qingdao_2017": "青岛市科技局2017年工作总结。全社会研发经费(R&D)投入286.4亿元，占GDP比重2.86%。技术合同交易额达到126.66亿元。全年净增高新技术企业691家。推进蓝色硅谷建设，海洋科技创新。",
    "001_6f9d41c6c87e66bb": "胶州市科技局2017年工作要点。研发经费支出占生产总值比重达到2.8%。技术合同交易额达到10亿元。推进科技企业孵化器建设，实施创新驱动发展战略。",
}  # fmt: skip

# What the notebooks should show for the parameters the tests pass.
QINGDAO_RD_2017_YI = "286.4"  # 28,640,000,000 元 in 亿元
QINGDAO_RD_CHANGE_PCT = "8.61"  # (286.4 - 263.7) / 263.7
REGIONS = ["宁波市", "胶州市", "青岛市"]


def documents_frame() -> pd.DataFrame:
    rows = []
    for doc_id, region, level, parent, province, year, doc_type in DOCS:
        text = TEXTS[doc_id]
        rows.append(
            (doc_id, text.split("。")[0], region, level, parent, province, year, "FY", doc_type,
             0, 0.9, 0.9, f"{doc_id}.txt", "0" * 64, len(text))
        )  # fmt: skip
    return pd.DataFrame(rows, columns=DOC_COLUMNS)


def metrics_frame() -> pd.DataFrame:
    regions = {d[0]: d[1] for d in DOCS}
    rows = []
    for doc_id, mid, name, value, unit, yoy, year, kind, qual, sentence in METRICS:
        start = TEXTS[doc_id].find(sentence)
        rows.append(
            (doc_id, regions[doc_id], year, "FY", kind, mid, name, sentence[:8], float(value),
             unit, yoy, qual, sentence, start, start + len(sentence), "")
        )  # fmt: skip
    return pd.DataFrame(rows, columns=METRIC_COLUMNS)


def build_processed(folder: Path) -> Path:
    """Write documents.csv, metrics.csv and text/<doc_id>.txt into ``folder``; return it."""
    folder.mkdir(parents=True, exist_ok=True)
    documents_frame().to_csv(folder / "documents.csv", index=False, encoding="utf-8-sig")
    metrics_frame().to_csv(folder / "metrics.csv", index=False, encoding="utf-8-sig")
    (folder / "text").mkdir(exist_ok=True)
    for doc_id, text in TEXTS.items():
        (folder / "text" / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    return folder
