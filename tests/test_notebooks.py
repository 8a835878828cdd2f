"""Every notebook runs under papermill with non-default parameters on a small processed folder."""

from __future__ import annotations

import nbformat
import papermill
import pytest
from notebook_fixtures import QINGDAO_RD_2017_YI, QINGDAO_RD_CHANGE_PCT, build_processed

from analysis import batch, compare, params

pytestmark = pytest.mark.slow

NON_DEFAULT = [
    ("yoy", {"region": "青岛市", "indicators": ["rd_expenditure"], "years": [2016, 2017]}),
    (
        "cross_city",
        {
            "year": 2017,
            "period": "FY",
            "indicators": ["rd_expenditure", "rd_intensity"],
            "regions": ["宁波市", "青岛市"],
            "admin_levels": ["prefecture"],
        },
    ),
    ("themes", {"regions": ["青岛市"], "top_n": 4}),
    ("overview", {}),
]


def _outputs(path) -> str:
    """All text a reader sees in an executed notebook (streams, plain text, HTML tables)."""
    nb = nbformat.read(path, as_version=4)
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(str(out.get("text", "")))
            data = out.get("data", {})
            parts += [str(data.get(k, "")) for k in ("text/plain", "text/html", "text/markdown")]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    root = tmp_path_factory.mktemp("nb")
    processed = build_processed(root / "processed")
    tables = compare.load_tables(processed)
    valid = compare.valid_values(tables["metrics"], tables["documents"])
    folders = {"processed_dir": str(processed), "figures_dir": str(root / "reports" / "figures")}
    plan = [(nb, {**folders, **p}) for nb, p in NON_DEFAULT]
    plan.append(("yoy", {**folders, "regoin": "青岛市"}))  # misspelt name
    runs = batch.run_notebooks(plan, root / "reports", valid, jobs=1, progress=False)
    return root, processed, {(r.notebook, r.output.stem): r for r in runs}


def test_every_notebook_ran(executed):
    _, _, runs = executed
    ok = sorted(stem for (_, stem), r in runs.items() if r.ok)
    assert ok == ["cross_city__2017", "overview", "themes", "yoy__青岛市"], {
        k: r.error for k, r in runs.items()
    }


def test_yoy_shows_the_known_values_and_saves_its_chart(executed):
    root, _, runs = executed
    text = _outputs(runs[("yoy", "yoy__青岛市")].output)
    assert QINGDAO_RD_2017_YI in text and QINGDAO_RD_CHANGE_PCT in text
    figures = root / "reports" / "figures"
    assert (figures / "yoy__青岛市__rd_expenditure.png").is_file()
    assert (figures / "yoy__青岛市__rd_expenditure.svg").is_file()
    assert (root / "reports" / "html" / "yoy__青岛市.html").is_file()


def test_cross_city_ranks_within_admin_level_and_saves_charts(executed):
    root, _, runs = executed
    text = _outputs(runs[("cross_city", "cross_city__2017")].output)
    assert "286.4" in text and "231.5" in text  # Qingdao and Ningbo R&D, 亿元
    assert "胶州市" not in text  # filtered out by regions and admin_levels
    names = sorted(p.name for p in (root / "reports" / "figures").glob("cross_city__*.png"))
    assert names == [
        "cross_city__2017__FY__rd_expenditure.png",
        "cross_city__2017__FY__rd_intensity.png",
    ]


def test_themes_shows_only_the_chosen_region(executed):
    root, _, runs = executed
    text = _outputs(runs[("themes", "themes")].output)
    assert "2 份报告，每份前 4 个特色词" in text
    assert "实验室" in text  # top term of Qingdao 2016 (国家海洋实验室)
    assert "甬江" not in text  # Ningbo's terms are scored but not shown
    names = sorted(p.name for p in (root / "reports" / "figures").glob("themes__*.png"))
    assert names == ["themes__x09_qingdao_2016.png", "themes__x11_qingdao_2017.png"]


def test_overview_counts_and_targets(executed):
    root, _, runs = executed
    text = _outputs(runs[("overview", "overview")].output)
    assert "5 份报告，15 个数字，其中 14 个对应到指标（93%）" in text
    assert "语料中没有对应的实际数" in text  # 胶州市's targets have no outcome yet
    assert (root / "reports" / "figures" / "overview__targets.png").is_file()


def test_misspelt_parameter_name_stops_before_running(executed):
    _, _, runs = executed
    run = runs[("yoy", "yoy")]
    assert not run.ok and not run.output.exists()
    assert "unknown parameter 'regoin' (did you mean 'region'?)" in run.error
    assert "Valid parameters: processed_dir, figures_dir, region, indicators, years" in run.error


def test_unknown_region_stops_inside_the_notebook(executed, tmp_path):
    """Run directly with papermill (as a user would), skipping the batch's pre-check."""
    _, processed, _ = executed
    nb = params.read_notebook("yoy")
    with pytest.raises(papermill.PapermillExecutionError) as err:
        papermill.execute_notebook(
            nb,
            str(tmp_path / "out.ipynb"),
            parameters={"processed_dir": str(processed), "region": "北京市"},
            kernel_name="python3",
            cwd=str(tmp_path),
            progress_bar=False,
        )
    assert err.value.ename == "ParameterError"
    assert err.value.evalue == (
        "yoy: unknown value for parameter 'region': '北京市'. Valid regions: 宁波市, 胶州市, 青岛市"
    )


def _tables_text(page: str) -> str:
    import re

    tables = re.findall(r"<table.*?</table>", page, flags=re.S)
    return "\n".join(re.sub(r"<[^>]+>", " ", t) for t in tables)


def test_handout_pages_have_no_code_and_clean_tables(executed):
    import re

    root, _, runs = executed
    pages = sorted((root / "reports" / "html").glob("*.html"))
    assert len(pages) == 4
    for path in pages:
        page = path.read_text(encoding="utf-8")
        body = page[page.index("<body") :]
        assert "jp-InputPrompt" not in body and "jp-CodeMirrorEditor" not in body, path.name
        assert "params.check" not in body and "import " not in body, path.name
        assert "processed_dir" not in body, path.name  # the injected parameters are not shown
        tables = _tables_text(body)
        assert tables.strip(), path.name
        for bad in ("NaN", "<NA>", "&lt;NA&gt;", "None", "True", "False"):
            assert bad not in tables, (path.name, bad)
        assert not re.search(r"\de[+-]\d", tables), path.name
        assert "table.handout" in page  # the page's table style
    yoy = _tables_text((root / "reports" / "html" / "yoy__青岛市.html").read_text(encoding="utf-8"))
    assert "R&amp;D经费支出" in yoy and "286.40" in yoy and "亿元" in yoy and "实际" in yoy
    assert "rd_expenditure" not in yoy.split("文档编号")[0]  # indicator names, not codes
