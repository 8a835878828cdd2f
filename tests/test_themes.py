"""Tests for analysis.themes on two real paragraphs of the sample reports."""

from __future__ import annotations

import jieba
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import themes

# 000 (青岛 2013 H1), section 三(三)
QINGDAO_FINANCE = (
    "(三)深化科技与金融结合。设立科技金融专项资金,组建5个市区两级财政与社会资金共建贷款风险准备金池,"
    "总金额达6000万元。投资1亿元成立科技金融专营机构——青岛高创科技融资担保公司,开发知识产权组合质押、"
    "天使投资组合担保等5个科技金融专营产品。搭建科技金融超市和企业家俱乐部,初步形成科技金融服务体系,"
    "全方位服务科技企业融资发展。"
)
# x03 (宁波 2015), first item
NINGBO_MAKERSPACE = (
    "一是创新创业生态环境更加优化。出台了《宁波市创新攻坚年活动实施方案》、《关于培育发展众创空间促进大众创新创业的"
    "实施意见(试行)》等政策文件,全年备案授牌牌了47家众创空间和创客服务中心,以留学归来的人员、连续创业者、大学生"
    "以及科技人员等为主体的“大众创业、万众创新”氛围日益活跃。"
)
TEXTS = {"000_e62b7b1a346a2fde": QINGDAO_FINANCE, "x03_ningbo_2015": NINGBO_MAKERSPACE}


@pytest.fixture(scope="module", autouse=True)
def _policy_terms_only(tmp_path_factory):
    """Tokenize without the taxonomy's wordings, so expected tokens don't depend on it."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(themes, "INDICATORS_FILE", tmp_path_factory.mktemp("none") / "indicators.csv")
        _clear_caches()
        yield
    _clear_caches()


def _clear_caches() -> None:
    themes.custom_terms.cache_clear()
    themes.place_names.cache_clear()
    themes._tokenizer.cache_clear()


DOCUMENTS = pd.DataFrame(
    {"doc_id": ["000_e62b7b1a346a2fde", "x03_ningbo_2015"], "region": ["青岛市", "宁波市"]}
)


def test_tokenize_keeps_policy_terms_whole():
    tokens = themes.tokenize(NINGBO_MAKERSPACE)
    for term in ("众创空间", "创新创业", "大众创业", "万众创新", "科技人员"):
        assert term in tokens
    assert "科技金融" in themes.tokenize(QINGDAO_FINANCE)
    assert "科技型中小企业" in themes.tokenize("新增省科技型中小企业2213家")


def test_tokenize_drops_numbers_stopwords_places_and_single_characters():
    tokens = themes.tokenize(
        "确保年技术合同交易登记额达到32亿元,同比增长30%。全市积极推进,进一步加强工作。"
    )
    assert tokens == ["技术合同", "交易", "登记"]
    assert "宁波市" not in themes.tokenize(NINGBO_MAKERSPACE)
    assert themes.tokenize("XX市科技局 2012年") == []
    assert all(len(t) >= 2 for t in themes.tokenize(QINGDAO_FINANCE))


def test_tokenize_reads_traditional_script_as_simplified():
    assert "科技型中小微企业" in themes.tokenize("科技型中小微企業總數突破1萬家")


def test_indicator_wordings_join_the_dictionary(tmp_path, monkeypatch):
    path = tmp_path / "indicators.csv"
    path.write_text("metric_id,wordings\nx,技术合同交易登记额|技术合同成交额\n", encoding="utf-8")
    monkeypatch.setattr(themes, "INDICATORS_FILE", path)
    _clear_caches()
    try:
        assert "技术合同交易登记额" in themes.tokenize("确保年技术合同交易登记额达到32亿元")
    finally:
        monkeypatch.undo()
        _clear_caches()


def test_global_jieba_not_modified():
    themes.tokenize(QINGDAO_FINANCE)
    assert jieba.dt.FREQ.get("科技型中小企业") != themes.USER_WORD_FREQ


def test_top_terms_two_paragraphs():
    top = themes.top_terms(TEXTS, top_n=2)
    assert top.columns.tolist() == ["doc_id", "term", "score", "rank"]
    assert top[["doc_id", "term", "rank"]].values.tolist() == [
        ["000_e62b7b1a346a2fde", "科技金融", 1],
        ["000_e62b7b1a346a2fde", "科技", 2],
        ["x03_ningbo_2015", "众创空间", 1],
        ["x03_ningbo_2015", "创新创业", 2],
    ]
    assert top.equals(themes.top_terms(TEXTS, top_n=2))  # deterministic


def test_top_terms_edge_cases():
    assert themes.top_terms({}).empty
    assert themes.top_terms({"a": "，。 2017"}).empty
    with pytest.raises(ValueError):
        themes.top_terms(TEXTS, top_n=0)


def test_shared_terms():
    top = pd.DataFrame(
        {
            "doc_id": ["000_e62b7b1a346a2fde", "x03_ningbo_2015", "x03_ningbo_2015", "x04"],
            "term": ["科技金融", "科技金融", "众创空间", "众创空间"],
            "score": [0.4, 0.2, 0.3, 0.1],
            "rank": [1, 2, 1, 1],
        }
    )
    docs = pd.concat([DOCUMENTS, pd.DataFrame({"doc_id": ["x04"], "region": ["宁波市"]})])
    out = themes.shared_terms(top, docs)
    assert out[["term", "n_regions", "regions", "status", "n_docs"]].values.tolist() == [
        ["科技金融", 2, "宁波市、青岛市", "shared", 2],
        ["众创空间", 1, "宁波市", "alone", 2],
    ]
    assert out["mean_score"].tolist() == pytest.approx([0.3, 0.2])


def test_load_texts(tmp_path):
    (tmp_path / "text").mkdir()
    (tmp_path / "text" / "b.txt").write_text("乙", encoding="utf-8")
    (tmp_path / "text" / "a.txt").write_text("甲", encoding="utf-8")
    assert themes.load_texts(tmp_path) == {"a": "甲", "b": "乙"}
    with pytest.raises(FileNotFoundError, match="analysis extract"):
        themes.load_texts(tmp_path / "missing")


@settings(max_examples=30, deadline=None)
@given(st.text(max_size=60))
def test_tokens_never_numbers_or_stopwords(text):
    for token in themes.tokenize(text):
        assert len(token) >= 2
        assert token not in themes.stopwords()
        assert not any(ch.isdigit() for ch in token)
