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
# For each report, the terms that set it apart from the rest of the corpus (TF-IDF over
# jieba words, with a dictionary of policy terms kept whole and stop words removed),
# then which of these themes several regions share and which one region stresses alone.
# Scores are computed against the whole corpus; the regions parameter only filters what
# is shown.

# %%
import matplotlib.pyplot as plt
from IPython.display import Markdown, display

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
# status says whether a term is among the top terms of several regions (shared) or of one.

# %%
shared = themes.shared_terms(top, documents)
display(shared)

# %% [markdown]
# ## 每份报告的特色词

# %%
saved = []
for doc_id in sorted(set(top["doc_id"])):
    fig = plots.themes_chart(top, doc_id)
    saved += plots.save_figure(fig, plots.figure_name("themes", doc_id), run.figures_dir)
    display(fig)
    plt.close(fig)
print(f"saved {len(saved)} files to {run.figures_dir}")
