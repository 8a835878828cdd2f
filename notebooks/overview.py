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
# The whole corpus at a glance: which reports were read, how many figures each yielded
# and how many of those map to a known indicator, which indicators at least two regions
# state for the same year and period (the ones a cross-city comparison can use), and
# plan targets beside the actual figures the corpus holds for them.

# %%
import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from analysis import compare, params, plots

# %% tags=["parameters"]
processed_dir = None  # type: str|None  folder with documents.csv and metrics.csv (None: data/processed)
figures_dir = None  # type: str|None  where charts are saved (None: reports/figures)

# %%
run = params.check("overview", {"processed_dir": processed_dir, "figures_dir": figures_dir})
metrics, documents = run.tables["metrics"], run.tables["documents"]
font = plots.set_style()

# %% [markdown]
# ## 报告
# One row per report; figures = quantities found, mapped = those matched to an indicator.

# %%
summary = plots.corpus_summary(metrics, documents)
display(summary)
total, mapped = int(summary["figures"].sum()), int(summary["mapped"].sum())
share = f"{mapped / total:.0%}" if total else "n/a"
display(
    Markdown(f"**{len(summary)} 份报告，{total} 个数字，其中 {mapped} 个对应到指标（{share}）。**")
)

# %% [markdown]
# ## 可跨地区比较的指标
# Indicator, year and period groups stated by two or more regions.

# %%
display(compare.comparable_metrics(metrics, documents, min_regions=2))

# %% [markdown]
# ## 目标与实际
# attainment_pct = actual ÷ target × 100; an empty actual means the corpus has no report
# of that year's outcome yet.

# %%
tva = compare.targets_vs_actuals(metrics, documents)
display(tva)
fig = plots.targets_chart(tva)
saved = plots.save_figure(fig, "overview__targets", run.figures_dir)
display(fig)
plt.close(fig)
print(f"saved {len(saved)} files to {run.figures_dir}")
