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
# 同一年份、同一期间的同一指标在各地区的数值。数值按指标换算为一个易读单位；
# 排名只在同一行政级别内进行（区县不与地级市同列排名）；说明列注明预计数、约数或非全年数据，
# 核对提示列说明需要核对的数字。

# %%
import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from analysis import compare, params, plots
from analysis import display as show
from analysis.safeio import escape_markdown as escape  # names from reports: never markup or links

# %% tags=["parameters"]
processed_dir = None  # type: str|None  folder with documents.csv and metrics.csv (None: data/processed)
figures_dir = None  # type: str|None  where charts are saved (None: reports/figures)
year = None  # type: int|None  year the figures belong to (None: latest year two regions share)
period: str = "FY"  # FY, H1, Q1-Q3, M1-M5 … ("": every period, each ranked separately)
indicators: list[str] = []  # metric ids ([]: all)
regions: list[str] = []  # region names ([]: all)
admin_levels: list[str] = []  # prefecture, county_city, district, county ([]: all)
flags_file = None  # type: str|None  corpus plausibility flags (the batch writes them; None: judged here on the whole corpus)

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
        "flags_file": flags_file,
    },
    columns=compare.SELECTION_COLUMNS,
)
metrics, documents = run.tables["metrics"], run.tables["documents"]
font = plots.set_style()

# %%
shared_years = {} if run.params["year"] else params.comparison_years(metrics, documents)
chosen_year = run.params["year"] or (max(shared_years) if shared_years else None)
if chosen_year is None:
    raise ValueError("no year in the corpus has an indicator stated by two regions; set `year`")
chosen_period = run.params["period"] or None
period_text = show.code_label("period", chosen_period) if chosen_period else "全部"
display(Markdown(f"**年份：{chosen_year}**；期间：{period_text}"))

# %% [markdown]
# ## 对比表
# 每行一个地区、一个指标，排名在同一行政级别内。

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
flags = compare.corpus_flags(metrics, documents) if run.flags is None else run.flags
long = compare.with_flags(long, flags)
if len(long) <= plots.MAX_TABLE_ROWS:
    display(show.cross_table(long))
else:
    display(Markdown(f"共 {len(long)} 行（地区 × 指标），此处按指标与行政级别汇总；"
                     "逐行的数值、排名与核对提示见 Excel 附录的“城市对比明细”表。"))
    display(show.table(plots.cross_summary(long)))

# %% [markdown]
# ## 指标 × 地区
# 列按行政级别分组；（预计）为预计数，※ 表示该数字有核对提示（见上表）。

# %%
n_regions = long["region"].nunique()
if n_regions <= plots.MAX_PIVOT_REGIONS:
    display(show.pivot_table(long))
else:
    display(Markdown(f"共 {n_regions} 个地区，表格过宽，此处不列出；见 Excel 附录的“城市对比”表。"))

# %% [markdown]
# ## 图表
# 地区最多的几个指标各一张图（两个以上地区才画）；同时保存为 PNG 与 SVG。

# %%
counts = long.groupby("metric_id")["region"].nunique()
drawn = counts[counts >= 2].sort_values(ascending=False, kind="mergesort")
shown_ids = list(drawn.index[: plots.MAX_CROSS_CHARTS])
saved = []
for metric_id in shown_ids:
    fig = plots.cross_city_chart(long, metric_id)
    name = plots.figure_name("cross_city", chosen_year, chosen_period or "all", metric_id)
    files = plots.save_figure(fig, name, run.figures_dir)
    saved += files
    display(plots.saved_image(files))
    plt.close(fig)
said = f"共 {len(shown_ids)} 张图"
rest = [m for m in drawn.index if m not in shown_ids]
if rest:
    names = long.drop_duplicates("metric_id").set_index("metric_id")["metric_name"]
    said += (f"；另有 {len(rest)} 个指标未画图（{'、'.join(str(names.get(m) or m) for m in rest)}），"
             "数值见上表")
display(Markdown(escape(said) + "。"))
