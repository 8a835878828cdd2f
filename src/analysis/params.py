"""Check notebook parameters before any work, so a typo stops with the list of valid values.

Why: papermill only *warns* on a parameter name the notebook does not declare (the
run then silently uses the default), and its command line guesses types (``-p code
0532`` arrives as the int 532). So names are checked against the notebook's own
``parameters`` cell (read with papermill's inspector), values are coerced from the
type declared there (a declared ``str`` never accepts an int, whose leading zeros
are already lost), and regions, indicators, years, periods and admin levels are
checked against what the corpus holds. The batch calls :func:`validate_params`
before executing; each notebook calls :func:`check` in its first cell after the
parameters, so a wrong value typed in Jupyter stops with the same message.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import config
from analysis.safeio import current_dir

# Reading a notebook imports nbformat, which imports jsonschema, which imports
# ``rfc3987_syntax`` when it is installed (it comes with jupyter-events' format extra)
# to check the "iri" string format; that package builds an Earley parser of RFC 3987
# when imported: 2.4 s of CPU in every process and kernel that reads or runs a notebook,
# for a format no notebook schema uses. So, unless jsonschema is already loaded, that
# import fails here (jsonschema then skips its "iri" check) and nothing else changes.
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
NOTEBOOK_SUFFIX = ".py"
# Parameter name → key of compare.valid_values() its values must belong to.
PARAM_DOMAINS = {
    "region": "regions",
    "regions": "regions",
    "indicators": "metric_ids",
    "indicator": "metric_ids",
    "year": "years",
    "years": "years",
    "period": "periods",
    "admin_levels": "admin_levels",
}
DOMAIN_LABELS = {
    "regions": "regions",
    "metric_ids": "indicators (metric ids)",
    "years": "years",
    "periods": "periods",
    "admin_levels": "admin levels",
}
_INT_RE = re.compile(r"^[+-]?\d+$")
_LIST_SPLIT_RE = re.compile(r"[,，、\s]+")


class ParameterError(ValueError):
    """A notebook parameter with a wrong name, type or value."""


@dataclass
class Checked:
    """What a notebook needs after :func:`check`: its validated parameters and the tables."""

    params: dict[str, Any]
    processed_dir: Path
    figures_dir: Path
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    # The corpus plausibility flags of the selection, when the batch passed ``flags_file``
    # (None: judge them on ``tables``, which then hold the whole corpus).
    flags: pd.DataFrame | None = None
    selection: dict[str, list[Any]] = field(default_factory=dict)  # what was read: regions, years


def notebook_path(notebook: str | os.PathLike[str]) -> Path:
    """A notebook given by name (``"yoy"``) or path → its py:percent file."""
    path = Path(notebook)
    if path.suffix in (NOTEBOOK_SUFFIX, ".ipynb") or path.parent != Path("."):
        return path
    return config.NOTEBOOKS_DIR / f"{notebook}{NOTEBOOK_SUFFIX}"


def read_notebook(notebook: str | os.PathLike[str]) -> Any:
    """Read a text notebook with jupytext and pin the kernel to this environment's ``python3``.

    A notebook saved elsewhere may name a conda kernel that does not exist here;
    overriding the kernelspec makes papermill start the venv's own kernel.
    """
    import jupytext

    nb = jupytext.read(notebook_path(notebook))
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    return nb


@lru_cache(maxsize=32)
def _declared(path: str, mtime_ns: int) -> tuple[tuple[str, str, str], ...]:
    import nbformat
    import papermill

    nb = read_notebook(path)
    with tempfile.TemporaryDirectory() as tmp:
        ipynb = Path(tmp) / (Path(path).stem + ".ipynb")
        nbformat.write(nb, ipynb)
        found = papermill.inspect_notebook(str(ipynb))
    return tuple(
        (name, str(info.get("inferred_type_name") or "None"), str(info.get("default") or ""))
        for name, info in found.items()
    )


def declared_parameters(notebook: str | os.PathLike[str]) -> dict[str, str]:
    """Parameter name → declared type (``"str"``, ``"list[str]"``, ``"int|None"`` …) of a notebook."""
    path = notebook_path(notebook)
    if not path.is_file():
        raise FileNotFoundError(f"notebook not found: {path}")
    rows = _declared(str(path), path.stat().st_mtime_ns)
    return {name: type_name.replace(" ", "") for name, type_name, _ in rows}


def _normalise_type(type_name: str) -> tuple[str, bool]:
    """``"int|None"`` → (``"int"``, optional=True); ``"Optional[str]"`` likewise."""
    text = type_name.replace(" ", "")
    optional = False
    if text.startswith("Optional[") and text.endswith("]"):
        text, optional = text[len("Optional[") : -1], True
    parts = [p for p in text.split("|") if p]
    if "None" in parts and len(parts) > 1:
        optional = True
        parts = [p for p in parts if p != "None"]
    return (parts[0] if parts else "None"), optional


def _describe(value: Any) -> str:
    return f"{type(value).__name__} {value!r}"


def _to_int(name: str, value: Any) -> int:
    if isinstance(value, bool):
        raise ParameterError(f"parameter {name!r} must be a whole number, got {_describe(value)}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INT_RE.match(value.strip()):
        return int(value.strip())
    raise ParameterError(f"parameter {name!r} must be a whole number, got {_describe(value)}")


def _to_str(name: str, value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    raise ParameterError(
        f"parameter {name!r} must be text (str), got {_describe(value)}; "
        "papermill's -p option guesses types (-p code 0532 arrives as 532): "
        "pass text with -r, or run through `analysis report`, which passes typed values"
    )


def _to_list(name: str, value: Any, item_type: str) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        items: list[Any] = [v for v in _LIST_SPLIT_RE.split(value.strip()) if v]
    elif isinstance(value, list | tuple | set | frozenset | pd.Index | pd.Series):
        items = list(value)
    else:
        raise ParameterError(f"parameter {name!r} must be a list, got {_describe(value)}")
    if item_type == "int":
        return [_to_int(name, v) for v in items]
    if item_type == "str":
        return [_to_str(name, v) for v in items]
    return items


def coerce(name: str, value: Any, type_name: str) -> Any:
    """``value`` converted to the declared type, or ParameterError saying what was expected."""
    base, optional = _normalise_type(type_name)
    if value is None and (optional or base == "None"):
        return None
    if base == "int":
        return _to_int(name, value)
    if base == "str":
        return _to_str(name, value)
    if base == "float":
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ParameterError(f"parameter {name!r} must be a number, got {_describe(value)}")
        try:
            return float(value)
        except ValueError as exc:
            raise ParameterError(f"parameter {name!r} must be a number, got {value!r}") from exc
    if base == "bool":
        if not isinstance(value, bool):
            raise ParameterError(
                f"parameter {name!r} must be True or False, got {_describe(value)}"
            )
        return value
    if base.startswith("list"):
        item = base[len("list[") : -1] if base.startswith("list[") else ""
        return _to_list(name, value, item)
    return value


def _valid_list(valid: Mapping[str, Any], domain: str) -> list[Any]:
    values = valid.get(domain)
    if values is None:
        return []
    return sorted({v for v in values if pd.notna(v) and v != ""}, key=lambda v: (str(type(v)), v))


def _unknown_message(
    notebook: str, name: str, bad: list[Any], allowed: list[Any], domain: str
) -> str:
    shown = ", ".join(str(v) for v in allowed) or "(none in the corpus)"
    hint = ""
    if len(bad) == 1:
        close = difflib.get_close_matches(str(bad[0]), [str(v) for v in allowed], n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
    wrong = ", ".join(repr(v) for v in bad)
    return (
        f"{notebook}: unknown value for parameter {name!r}: {wrong}{hint}. "
        f"Valid {DOMAIN_LABELS.get(domain, domain)}: {shown}"
    )


def _resolve_one(value: Any, allowed: list[Any], domain: str) -> Any:
    """An allowed value as is; for regions a unique prefix ('宁波' → '宁波市') like compare does."""
    if value in allowed:
        return value
    if domain == "regions" and isinstance(value, str) and value:
        hits = [a for a in allowed if str(a).startswith(value)]
        if len(hits) == 1:
            return hits[0]
    return None


def _check_values(notebook: str, name: str, value: Any, valid: Mapping[str, Any]) -> Any:
    """``value`` with region prefixes resolved, or ParameterError listing the valid values."""
    domain = PARAM_DOMAINS.get(name)
    if domain is None or domain not in valid or value is None or value == "" or value == []:
        return value
    allowed = _valid_list(valid, domain)
    items = value if isinstance(value, list) else [value]
    resolved = [_resolve_one(v, allowed, domain) for v in items]
    bad = [v for v, r in zip(items, resolved, strict=True) if r is None]
    if bad:
        raise ParameterError(_unknown_message(notebook, name, bad, allowed, domain))
    return resolved if isinstance(value, list) else resolved[0]


def validate_against(
    notebook: str, declared: Mapping[str, str], params: Mapping[str, Any], valid: Mapping[str, Any]
) -> dict[str, Any]:
    """Pure core of :func:`validate_params`: names, then types, then values."""
    unknown = [name for name in params if name not in declared]
    if unknown:
        hints = []
        for name in unknown:
            close = difflib.get_close_matches(name, list(declared), n=1)
            hints.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        raise ParameterError(
            f"{notebook}: unknown parameter {', '.join(hints)}. "
            f"Valid parameters: {', '.join(declared)}"
        )
    out = {name: coerce(name, value, declared[name]) for name, value in params.items()}
    return {name: _check_values(notebook, name, value, valid) for name, value in out.items()}


def validate_params(
    notebook: str | os.PathLike[str], params: Mapping[str, Any], valid: Mapping[str, Any]
) -> dict[str, Any]:
    """Validated, type-coerced copy of ``params`` for a notebook, or ParameterError.

    ``valid`` is ``compare.valid_values(...)``: regions, metric_ids, years,
    periods, admin_levels present in the corpus.
    """
    declared = declared_parameters(notebook)
    return validate_against(notebook_path(notebook).stem, declared, params, valid)


def resolve_dirs(
    processed_dir: str | os.PathLike[str] | None, figures_dir: str | os.PathLike[str] | None
) -> tuple[Path, Path]:
    """None → the project's configured folders; relative paths are taken from the project root."""
    processed = Path(processed_dir) if processed_dir else config.PROCESSED_DIR
    figures = Path(figures_dir) if figures_dir else config.FIGURES_DIR
    return (
        processed if processed.is_absolute() else config.ROOT / processed,
        figures if figures.is_absolute() else config.ROOT / figures,
    )


FLAGS_PARAM = "flags_file"  # corpus plausibility flags, written once by the batch


def _selection(typed: Mapping[str, Any], declared: Mapping[str, str]) -> dict[str, list[Any]]:
    """The rows a notebook's parameters ask for: its ``region`` (yoy) or its ``year``
    (cross_city). Only with a flags file: the flags judge a figure against the region's
    other years and its peers, which a selection does not hold."""
    if not typed.get(FLAGS_PARAM) or FLAGS_PARAM not in declared:
        return {}
    out: dict[str, list[Any]] = {}
    if isinstance(typed.get("region"), str) and typed["region"]:
        out["regions"] = [typed["region"]]
    if isinstance(typed.get("year"), int) and not isinstance(typed.get("year"), bool):
        out["years"] = [typed["year"]]
    return out


def _read_flags(path: str, selection: Mapping[str, list[Any]]) -> pd.DataFrame:
    """The flags file's rows for the selection (a filtered Parquet read)."""
    filters = [(col, "in", values) for key, col in (("regions", "region"), ("years", "year"))
               if (values := selection.get(key))]
    try:
        return pd.read_parquet(path, filters=filters or None)
    except (OSError, ValueError) as exc:
        raise FileNotFoundError(f"cannot read the flags file {path}: {exc}") from exc


def check(notebook: str, params: Mapping[str, Any], *,
          columns: dict[str, list[str]] | None = None) -> Checked:
    """Called by a notebook right after its parameters cell: validate, load the tables.

    Reads what the parameters ask for (:func:`_selection`): a region's notebook reads
    that region's metrics rows and reports, a year's that year's, with their flags from
    the batch's flags file; otherwise the whole tables (``columns``: only those, per
    table). Raises ParameterError (listing valid names or values) or FileNotFoundError
    when the processed folder has no tables yet (run ``analysis extract`` first).
    """
    from analysis import compare, tables

    processed, figures = resolve_dirs(params.get("processed_dir"), params.get("figures_dir"))
    if not (processed / "metrics.csv").is_file() and not (processed / "metrics.parquet").is_file():
        raise FileNotFoundError(
            f"no tables in {processed}: run `analysis extract` (or `analysis report`) first, "
            "or set the processed_dir parameter"
        )
    processed = current_dir(processed)  # tables and texts read later: one generation
    try:
        declared = declared_parameters(notebook)
    except FileNotFoundError:  # installed without the notebooks folder: check values only
        declared = {name: "None" for name in params}
    typed = validate_against(notebook, declared, params, {})  # names and types
    selection = _selection(typed, declared)
    if not selection:
        loaded = compare.load_tables(processed, columns=columns, names=("documents", "metrics"))
        asked = any(PARAM_DOMAINS.get(name) and value not in (None, "", [])
                    for name, value in typed.items())  # else nothing to check against the corpus
        valid = compare.valid_values(loaded["metrics"], loaded["documents"]) if asked else {}
        checked = validate_against(notebook, declared, params, valid)
        flags = None
    else:
        regions = [str(r) for r in tables.distinct_values(processed, "documents", "region") if r]
        typed = {**typed, **validate_against(
            notebook, declared, {k: typed[k] for k in ("region",) if k in typed},
            {"regions": regions})}
        if "years" in selection:
            known = tables.corpus_years(processed)
            if typed["year"] not in known:
                raise ParameterError(_unknown_message(notebook, "year", [typed["year"]],
                                                      known, "years"))
        selection = _selection(typed, declared)
        loaded = compare.load_tables(processed, **selection, columns=columns,
                                     names=("documents", "metrics"))
        valid = {**compare.valid_values(loaded["metrics"], loaded["documents"]),
                 "regions": regions}
        checked = validate_against(notebook, declared, typed, valid)
        flags = _read_flags(str(typed[FLAGS_PARAM]), selection)
    checked["processed_dir"], checked["figures_dir"] = str(processed), str(figures)
    return Checked(params=checked, processed_dir=processed, figures_dir=figures, tables=loaded,
                   flags=flags, selection=selection)


# --------------------------------------------------------------------------- empty parameters
# What a parameter left empty means, shared by the notebooks and the batch so both agree.


def series_regions(metrics: pd.DataFrame, documents: pd.DataFrame, min_years: int = 2) -> list[str]:
    """Regions with some indicator reported in ≥ ``min_years`` years, longest series first."""
    from analysis import compare

    pairs = compare.yoy_pairs(metrics, documents, min_years=min_years)
    if pairs.empty:
        return []
    longest = pairs.groupby("region")["n_years"].max().reset_index()
    longest = longest.sort_values(["n_years", "region"], ascending=[False, True], kind="mergesort")
    return [str(r) for r in longest["region"]]


def series_metrics(
    metrics: pd.DataFrame, documents: pd.DataFrame, region: str, min_years: int = 2
) -> list[str]:
    """Indicators of ``region`` reported in ≥ ``min_years`` years (the yoy default): the
    metric ids of ``compare.yoy_pairs`` for that region, counted without its summaries."""
    from analysis import compare

    df = compare._dated_figures(metrics, documents, None)
    df = df[df["region"] == region]
    if df.empty:
        return []
    df = df.assign(period_type=compare._per_value(df["period"], compare.period_type))
    years = df.groupby(["region", "metric_id", "unit", "level", "period_type"])["year"].nunique()
    return sorted({str(k[1]) for k, n in years.items() if n >= min_years})


def comparison_years(
    metrics: pd.DataFrame, documents: pd.DataFrame, min_regions: int = 2
) -> dict[int, str]:
    """Year → period to compare, for years where ≥ ``min_regions`` regions state one indicator.

    The period is FY when that year has a comparable full-year indicator, else the
    period with the most comparable indicators (e.g. H1), so no run compares nothing.
    """
    from analysis import compare

    comp = compare.comparable_metrics(metrics, documents, min_regions=min_regions, lists=False)
    out: dict[int, str] = {}
    for year, group in comp.groupby("year", sort=True):
        periods = group["period"].astype(str)
        out[int(year)] = "FY" if (periods == "FY").any() else str(periods.value_counts().index[0])
    return out
