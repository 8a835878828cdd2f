# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 工作主题
#
# 每份报告区别于其他报告的特色词（jieba 分词后的 TF-IDF，政策术语整体保留，去除停用词），
# 以及哪些主题为多地共有、哪些为一地独有。权重对整个语料计算；地区参数只筛选显示内容。

# %%
import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from analysis import display as show
from analysis import params, plots, themes

# %% tags=["parameters"]
processed_dir = None  # type: str|None  folder with documents.csv, metrics.csv and text/ (None: data/processed)
figures_dir = None  # type: str|None  where charts are saved (None: reports/figures)
regions: list[str] = []  # region names ([]: all)
top_n: int = 15  # characteristic terms per report

# %%
run = params.check(
    "themes",
    {
        "processed_dir": processed_dir,
        "figures_dir": figures_dir,
        "regions": regions,
        "top_n": top_n,
    },
)
documents = run.tables["documents"]
font = plots.set_style()

# %%
texts = themes.load_texts(run.processed_dir)
top = themes.top_terms(texts, top_n=run.params["top_n"])
top = top.merge(documents[["doc_id", "region", "report_year"]], on="doc_id", how="left")
if run.params["regions"]:
    top = top[top["region"].isin(run.params["regions"])]
display(Markdown(f"{top['doc_id'].nunique()} 份报告，每份前 {run.params['top_n']} 个特色词。"))

# %% [markdown]
# ## 共同主题与独有主题
# 类别说明该词是多个地区的特色词（多地共有）还是一个地区的（一地独有）。

# %%
shared = themes.shared_terms(top, documents)
display(show.table(shared))

# %% [markdown]
# ## 每份报告的特色词

# %%
saved = []
for doc_id in sorted(set(top["doc_id"])):
    fig = plots.themes_chart(top, doc_id)
    saved += plots.save_figure(fig, plots.figure_name("themes", doc_id), run.figures_dir)
    display(fig)
    plt.close(fig)
display(Markdown(f"共 {len(saved) // 2} 张图。"))
