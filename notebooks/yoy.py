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
# # 指标历年变化（同比）
#
# One region's indicators across its reports: the value stated for each year, the
# change computed from two reported years, the growth rate the report itself states,
# and prior-year values implied by a stated rate (hollow markers). A row flagged in
# 核对提示 means the stated rate and the two reported values disagree.
#
# Run by hand in Jupyter (edit the parameters cell) or for every region with
# `analysis report`.

# %%
from html import escape  # region names come from the reports: never render them as markup

import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from analysis import compare, params, plots

# %% tags=["parameters"]
processed_dir = None  # type: str|None  folder with documents.csv and metrics.csv (None: data/processed)
figures_dir = None  # type: str|None  where charts are saved (None: reports/figures)
region: str = ""  # region name, e.g. 青岛市 ("": the region with the longest series)
indicators: list[str] = []  # metric ids ([]: every indicator of the region reported in 2+ years)
years: list[int] = []  # years to show ([]: all)

# %%
run = params.check(
    "yoy",
    {
        "processed_dir": processed_dir,
        "figures_dir": figures_dir,
        "region": region,
        "indicators": indicators,
        "years": years,
    },
)
metrics, documents = run.tables["metrics"], run.tables["documents"]
font = plots.set_style()

# %%
candidates = params.series_regions(metrics, documents)
chosen = run.params["region"] or (candidates[0] if candidates else "")
wanted = run.params["indicators"] or params.series_metrics(metrics, documents, chosen)
display(
    Markdown(
        f"**地区：{escape(chosen) or '（无）'}**；"
        f"指标：{escape(', '.join(wanted)) or '（该地区没有两年以上的指标）'}"
    )
)

# %% [markdown]
# ## 数值表
# Values are in one readable unit per indicator (元 shown as 亿元 or 万元). 期间 is the
# period type: FY figures are only compared with FY figures, H1 with H1.

# %%
table = compare.yoy(
    metrics,
    documents,
    regions=[chosen] if chosen else None,
    metric_ids=wanted or None,
    years=run.params["years"] or None,
    kind=None,
)
if table.empty:
    display(Markdown(f"{escape(chosen) or '语料'} 没有可比较的实际或预计数值（只有目标值，或没有指标）。"))
display(plots.yoy_table(table))

# %% [markdown]
# ## 图表
# One chart per indicator; each is also saved as PNG and SVG in the figures folder.

# %%
saved = []
for metric_id in sorted(set(table["metric_id"])):
    fig = plots.yoy_chart(table, metric_id)
    saved += plots.save_figure(fig, plots.figure_name("yoy", chosen, metric_id), run.figures_dir)
    display(fig)
    plt.close(fig)
print(f"saved {len(saved)} files to {run.figures_dir}")
