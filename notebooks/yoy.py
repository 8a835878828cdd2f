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
# 一个地区各指标历年的数值：报告所述同比、由两年数值计算的变化率，以及由所述增速推算的上年值（空心点）。
# 三角为预计数，叉号为目标值；缺少年份处不连线；五年合计等非年度数字单独成图。
# 核对提示说明数值与所述增速不符、与本地区其他年份或同级地区相差悬殊、同比超出常见范围或两年口径不同。
#
# 在 Jupyter 中修改参数单元格运行，或用 `analysis run yoy -p region 宁波市`。

# %%
import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from analysis import compare, params, plots
from analysis import display as show
from analysis.safeio import escape_markdown as escape  # names from reports: never markup or links

# %% tags=["parameters"]
processed_dir = None  # type: str|None  folder with documents.csv and metrics.csv (None: data/processed)
figures_dir = None  # type: str|None  where charts are saved (None: reports/figures)
region: str = ""  # region name, e.g. 青岛市 ("": the region with the longest series)
indicators: list[str] = []  # metric ids ([]: every indicator of the region reported in 2+ years)
years: list[int] = []  # years to show ([]: all)
flags_file = None  # type: str|None  corpus plausibility flags (the batch writes them; None: judged here on the whole corpus)

# %%
run = params.check(
    "yoy",
    {
        "processed_dir": processed_dir,
        "figures_dir": figures_dir,
        "region": region,
        "indicators": indicators,
        "years": years,
        "flags_file": flags_file,
    },
    columns=compare.SELECTION_COLUMNS,
)
metrics, documents = run.tables["metrics"], run.tables["documents"]
font = plots.set_style()

# %%
candidates = [] if run.params["region"] else params.series_regions(metrics, documents)
chosen = run.params["region"] or (candidates[0] if candidates else "")
wanted = run.params["indicators"] or params.series_metrics(metrics, documents, chosen)
names = sorted(set(metrics.loc[metrics["metric_id"].isin(wanted), "metric_name"]))
display(
    Markdown(
        f"**地区：{escape(chosen) or '（无）'}**；"
        f"指标：{escape('、'.join(names)) or '（该地区没有两年以上的指标）'}"
    )
)

# %% [markdown]
# ## 数值表
# 金额以亿元或万元显示；期间类型相同的数字才互相比较（全年对全年，上半年对上半年）。

# %%
selection = dict(
    regions=[chosen] if chosen else None,
    metric_ids=wanted or None,
    years=run.params["years"] or None,
)
table = compare.yoy_checked(metrics, documents, flags=run.flags, kind=None, **selection)
targets = compare.yoy(metrics, documents, kind="target", **selection)
if table.empty:
    display(Markdown(f"{escape(chosen) or '语料'} 没有可比较的实际或预计数值（只有目标值，或没有指标）。"))
display(show.yoy_table(table))

# %% [markdown]
# ## 图表
# 最需要的序列（全年数据优先、年份多的优先、核心指标优先）各一张图，同时保存为 PNG 与 SVG；
# 其后的序列画在一张一览图中；再多的只列出名称。所有数值都在上表。

# %%
series = plots.ranked_series(table)
full = series[: plots.MAX_CHARTS]
glance = series[plots.MAX_CHARTS : plots.MAX_CHARTS + plots.MAX_PANELS]
left_out = series[plots.MAX_CHARTS + plots.MAX_PANELS :]
saved = []
for metric_id, level, period_type in full:
    fig = plots.yoy_chart(plots.series_rows(table, metric_id, level), metric_id, period_type,
                          targets=plots.series_rows(targets, metric_id, level))
    suffix = "" if period_type == "FY" else period_type
    files = plots.save_figure(fig, plots.figure_name("yoy", chosen, metric_id, level, suffix),
                              run.figures_dir)
    saved += files
    display(plots.saved_image(files))
    plt.close(fig)
if glance:
    fig = plots.small_multiples(table, glance)
    files = plots.save_png(fig, plots.figure_name("yoy", chosen, "一览"), run.figures_dir)
    saved += files
    display(plots.saved_image(files, dpi=plots.GLANCE_DPI))
    plt.close(fig)
if not series:
    display(Markdown("没有两年以上的数据，不画历年变化图。"))
else:
    said = f"共 {len(series)} 条两年以上的序列：{len(full)} 张单独的图"
    said += f"，{len(glance)} 条在一览图中" if glance else ""
    if left_out:
        names = "、".join(plots.series_titles(table, left_out))
        said += f"；另有 {len(left_out)} 条未画图（{names}），数值见上表"
    display(Markdown(escape(said) + "。"))
