"""Notebook parameters: names from the parameters cell, declared types, values from the corpus."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from notebook_fixtures import build_processed, documents_frame, metrics_frame

from analysis import compare, params

VALID = {
    "regions": ["宁波市", "胶州市", "青岛市"],
    "metric_ids": ["rd_expenditure", "rd_intensity", "tech_contract_turnover"],
    "years": [2016, 2017],
    "periods": ["FY"],
    "admin_levels": ["prefecture", "county_city"],
}
YOY_DECLARED = {
    "processed_dir": "str|None",
    "figures_dir": "str|None",
    "region": "str",
    "indicators": "list[str]",
    "years": "list[int]",
    "flags_file": "str|None",
}


def test_declared_parameters_read_from_the_jupytext_notebook():
    assert params.declared_parameters("yoy") == YOY_DECLARED
    assert params.declared_parameters("cross_city") == {
        "processed_dir": "str|None",
        "figures_dir": "str|None",
        "year": "int|None",
        "period": "str",
        "indicators": "list[str]",
        "regions": "list[str]",
        "admin_levels": "list[str]",
        "flags_file": "str|None",
    }
    assert params.declared_parameters("themes") == {
        "processed_dir": "str|None",
        "figures_dir": "str|None",
        "regions": "list[str]",
        "top_n": "int",
    }
    assert list(params.declared_parameters("overview")) == ["processed_dir", "figures_dir"]


def test_read_notebook_pins_the_python3_kernel():
    nb = params.read_notebook("yoy")
    assert nb.metadata["kernelspec"]["name"] == "python3"
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1


def test_valid_params_are_returned_coerced():
    out = params.validate_params(
        "yoy", {"region": "青岛市", "indicators": ("rd_expenditure",), "years": ["2017"]}, VALID
    )
    assert out == {"region": "青岛市", "indicators": ["rd_expenditure"], "years": [2017]}


def test_misspelt_name_lists_valid_parameters():
    with pytest.raises(params.ParameterError) as err:
        params.validate_params("yoy", {"regoin": "青岛市"}, VALID)
    msg = str(err.value)
    assert "unknown parameter 'regoin' (did you mean 'region'?)" in msg
    assert "Valid parameters: processed_dir, figures_dir, region, indicators, years" in msg


def test_unknown_region_lists_valid_regions():
    with pytest.raises(params.ParameterError) as err:
        params.validate_params("yoy", {"region": "北京市"}, VALID)
    assert str(err.value) == (
        "yoy: unknown value for parameter 'region': '北京市'. Valid regions: 宁波市, 胶州市, 青岛市"
    )


def test_unknown_indicator_year_and_admin_level_list_valid_values():
    with pytest.raises(
        params.ParameterError,
        match="Valid indicators \\(metric ids\\): rd_expenditure, rd_intensity, tech_contract_turnover",
    ):
        params.validate_params("yoy", {"indicators": ["rd_expenditur"]}, VALID)
    with pytest.raises(params.ParameterError, match="Valid years: 2016, 2017"):
        params.validate_params("cross_city", {"year": 2015}, VALID)
    with pytest.raises(params.ParameterError, match="Valid admin levels: county_city, prefecture"):
        params.validate_params("cross_city", {"admin_levels": ["district"]}, VALID)


def test_region_prefix_resolves_like_compare():
    assert params.validate_params("yoy", {"region": "青岛"}, VALID) == {"region": "青岛市"}


def test_int_for_a_str_parameter_is_refused_not_silently_converted():
    """papermill -p code 0532 arrives as 532: the zero is gone, so refuse rather than guess."""
    with pytest.raises(params.ParameterError, match="must be text \\(str\\), got int 532"):
        params.validate_against("nb", {"code": "str"}, {"code": 532}, {})
    assert params.validate_against("nb", {"code": "str"}, {"code": "0532"}, {}) == {"code": "0532"}


def test_cli_strings_are_coerced_from_declared_types():
    declared = {"year": "int|None", "years": "list[int]", "regions": "list[str]", "top_n": "int"}
    out = params.validate_against(
        "nb",
        declared,
        {"year": "2017", "years": "2016,2017", "regions": "青岛市，宁波市", "top_n": "5"},
        VALID,
    )
    assert out == {"year": 2017, "years": [2016, 2017], "regions": ["青岛市", "宁波市"], "top_n": 5}


def test_bool_is_not_a_year():
    with pytest.raises(params.ParameterError, match="whole number"):
        params.validate_against("nb", {"year": "int|None"}, {"year": True}, VALID)


def test_empty_values_mean_all_and_are_not_checked():
    out = params.validate_params("cross_city", {"year": None, "regions": [], "period": ""}, VALID)
    assert out == {"year": None, "regions": [], "period": ""}


@given(
    st.text(min_size=1, max_size=6).filter(
        lambda s: not any(r.startswith(s) for r in VALID["regions"])
    )
)
def test_any_region_not_in_corpus_is_refused_with_the_list(name):
    with pytest.raises(params.ParameterError) as err:
        params.validate_against("yoy", YOY_DECLARED, {"region": name}, VALID)
    assert str(err.value).endswith("Valid regions: 宁波市, 胶州市, 青岛市")


@given(st.integers(min_value=1000, max_value=2100))
def test_year_strings_and_ints_agree(year):
    declared = {"year": "int|None"}
    assert params.validate_against(
        "n", declared, {"year": str(year)}, {}
    ) == params.validate_against("n", declared, {"year": year}, {})


def test_check_loads_tables_and_resolves_folders(tmp_path):
    processed = build_processed(tmp_path / "processed")
    run = params.check(
        "yoy",
        {"processed_dir": str(processed), "figures_dir": str(tmp_path / "f"), "region": "宁波"},
    )
    assert run.params["region"] == "宁波市"
    assert run.processed_dir == processed
    assert run.figures_dir == tmp_path / "f"
    assert len(run.tables["metrics"]) == 15


def test_check_without_tables_says_how_to_make_them(tmp_path):
    with pytest.raises(FileNotFoundError, match="run `analysis extract`"):
        params.check("overview", {"processed_dir": str(tmp_path), "figures_dir": None})


def test_empty_parameter_defaults_from_the_corpus():
    metrics, documents = metrics_frame(), documents_frame()
    assert params.series_regions(metrics, documents) == ["宁波市", "青岛市"]
    assert params.series_metrics(metrics, documents, "青岛市") == ["rd_expenditure", "rd_intensity"]
    assert params.comparison_years(metrics, documents) == {2017: "FY"}
    assert compare.valid_values(metrics, documents)["regions"] == ["宁波市", "胶州市", "青岛市"]
