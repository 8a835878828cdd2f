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
# # 语料总览
#
# 整个语料一览：读入了哪些报告，每份报告找到多少数字、其中多少对应到已知指标；
# 哪些指标在同一年份、同一期间有两个以上地区的数字（可跨地区比较）；规划目标与实际数对照。

# %%
import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from analysis import compare, params, plots
from analysis import display as show

# %% tags=["parameters"]
processed_dir = None  # type: str|None  folder with documents.csv and metrics.csv (None: data/processed)
figures_dir = None  # type: str|None  where charts are saved (None: reports/figures)

# %%
run = params.check("overview", {"processed_dir": processed_dir, "figures_dir": figures_dir},
                   columns=compare.CORPUS_COLUMNS)
metrics, documents = run.tables["metrics"], run.tables["documents"]
font = plots.set_style()

# %% [markdown]
# ## 报告
# 每份报告一行；数字个数为找到的数量，对应到指标为能归入已知指标的数量。

# %%
summary = plots.corpus_summary(metrics, documents)
display(show.table(summary))
total, mapped = int(summary["figures"].sum()), int(summary["mapped"].sum())
share = f"{mapped / total:.0%}" if total else "n/a"
display(
    Markdown(f"**{len(summary)} 份报告，{total} 个数字，其中 {mapped} 个对应到指标（{share}）。**")
)

# %% [markdown]
# ## 可跨地区比较的指标
# 同一指标、年份、期间有两个以上地区的数字。

# %%
display(show.table(compare.comparable_metrics(metrics, documents, min_regions=2)))

# %% [markdown]
# ## 目标与实际
# 完成率 = 实际值 ÷ 目标值 × 100；实际值为空表示语料中还没有该年的实际数。

# %%
tva = compare.targets_vs_actuals(metrics, documents)
display(show.table(tva))
fig = plots.targets_chart(tva)
saved = plots.save_figure(fig, "overview__targets", run.figures_dir)
display(fig)
plt.close(fig)
