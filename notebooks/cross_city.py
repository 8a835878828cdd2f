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
# # 城市对比
#
# The same indicator across regions for one year and period. Values are shown in one
# readable unit per indicator; the rank is only among regions of the same admin level
# (a district is never ranked against whole cities), and the note column says when a
# figure is an estimate, a bound, or a part-year figure.

# %%
import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from analysis import compare, params, plots

# %% tags=["parameters"]
processed_dir = None  # type: str|None  folder with documents.csv and metrics.csv (None: data/processed)
figures_dir = None  # type: str|None  where charts are saved (None: reports/figures)
year = None  # type: int|None  year the figures belong to (None: latest year two regions share)
period: str = "FY"  # FY, H1, Q1-Q3, M1-M5 … ("": every period, each ranked separately)
indicators: list[str] = []  # metric ids ([]: all)
regions: list[str] = []  # region names ([]: all)
admin_levels: list[str] = []  # prefecture, county_city, district, county ([]: all)

# %%
run = params.check(
    "cross_city",
    {
        "processed_dir": processed_dir,
        "figures_dir": figures_dir,
        "year": year,
        "period": period,
        "indicators": indicators,
        "regions": regions,
        "admin_levels": admin_levels,
    },
)
metrics, documents = run.tables["metrics"], run.tables["documents"]
font = plots.set_style()

# %%
shared_years = params.comparison_years(metrics, documents)
chosen_year = run.params["year"] or (max(shared_years) if shared_years else None)
if chosen_year is None:
    raise ValueError("no year in the corpus has an indicator stated by two regions; set `year`")
chosen_period = run.params["period"] or None
display(Markdown(f"**年份：{chosen_year}**；期间：{chosen_period or '全部'}"))

# %% [markdown]
# ## 对比表（长表）
# One row per region and indicator, with the rank within its admin level.

# %%
long = compare.cross_city(
    metrics,
    documents,
    year=chosen_year,
    period=chosen_period,
    metric_ids=run.params["indicators"] or None,
    regions=run.params["regions"] or None,
    admin_levels=run.params["admin_levels"] or None,
    kind=None,
)
display(long.drop(columns=["value", "unit"]))

# %% [markdown]
# ## 指标 × 地区
# Columns are grouped by admin level.

# %%
display(compare.cross_city_pivot(long))

# %% [markdown]
# ## 图表
# One chart per indicator stated by two or more regions; also saved as PNG and SVG.

# %%
counts = long.groupby("metric_id")["region"].nunique()
saved = []
for metric_id in counts[counts >= 2].index:
    fig = plots.cross_city_chart(long, metric_id)
    name = plots.figure_name("cross_city", chosen_year, chosen_period or "all", metric_id)
    saved += plots.save_figure(fig, name, run.figures_dir)
    display(fig)
    plt.close(fig)
print(f"saved {len(saved)} files to {run.figures_dir}")
