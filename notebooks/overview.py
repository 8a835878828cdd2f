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
# 语料大时各表按省份、行政级别或指标汇总，逐条的明细见 Excel 附录。

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
mapped_rows = metrics[metrics["metric_id"].notna() & (metrics["metric_id"] != "")]
font = plots.set_style()
detail = plots.MAX_TABLE_ROWS

# %% [markdown]
# ## 报告
# 按省份与行政级别汇总：报告份数、报告年度、找到的数字个数与对应到已知指标的数量。

# %%
summary = plots.corpus_summary(metrics, documents)
total, mapped = int(summary["figures"].sum()), int(summary["mapped"].sum())
share = f"{mapped / total:.0%}" if total else "n/a"
display(
    Markdown(f"**{len(summary)} 份报告，{total} 个数字，其中 {mapped} 个对应到指标（{share}）。**")
)
display(show.table(plots.summary_by_group(summary)))
if len(summary) <= detail:
    display(Markdown("每份报告一行："))
    display(show.table(summary))
else:
    display(Markdown(f"每份报告一行的表共 {len(summary)} 行，此处不列出，"
                     "见 Excel 附录的“文档”表。"))

# %% [markdown]
# ## 可跨地区比较的指标
# 同一指标、年份、期间有两个以上地区的数字。

# %%
comparable = compare.comparable_metrics(mapped_rows, documents, min_regions=2, lists=False)
if len(comparable) <= detail:  # the detail, with each group's regions
    comparable = compare.comparable_metrics(mapped_rows, documents, min_regions=2)
    shown = comparable.assign(regions=comparable["regions"].map(plots.short_names))
    display(show.table(shown))
else:
    display(Markdown(f"共 {len(comparable)} 组（指标 × 年份 × 期间）；下表为每组的地区数，"
                     "各地区的数值见各年份的城市对比页。"))
    display(show.Table(plots.comparable_by_year(comparable)))

# %% [markdown]
# ## 目标与实际
# 完成率 = 实际值 ÷ 目标值 × 100；实际值为空表示语料中还没有该年的实际数。
# 目标值只与同一地区、指标、单位、年份与期间的实际数（无实际数时为预计数）对照。

# %%
tva = compare.targets_vs_actuals(mapped_rows, documents, notes=False)
display(show.table(plots.targets_summary(tva)))
if len(tva) <= detail:  # the detail, with each target's notes
    display(show.table(compare.targets_vs_actuals(mapped_rows, documents)))
else:
    display(Markdown(f"逐条的目标共 {len(tva)} 个，此处只列汇总（逐条见 Excel 附录的“目标完成”表）；"
                     "图中为完成率最低与最高的两端。"))
fig = plots.targets_chart(tva)
saved = plots.save_figure(fig, "overview__targets", run.figures_dir)
display(plots.saved_image(saved))
plt.close(fig)
