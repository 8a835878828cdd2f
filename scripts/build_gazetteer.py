"""Build ``src/analysis/data/gazetteer.csv`` from the adcode table shipped in the ``cpca`` wheel.

Why a script: the gazetteer is derived data; keeping the derivation here lets anyone
rebuild or audit it from the upstream file instead of trusting a hand-edited CSV.

Get the source (MIT licence, cpca 0.5.5)::

    pip download --no-deps cpca==0.5.5 -d /tmp/dl
    unzip /tmp/dl/cpca-0.5.5-py3-none-any.whl -d /tmp/dl/cpca
    python scripts/build_gazetteer.py /tmp/dl/cpca/cpca/resources/adcodes.csv

The input has columns ``adcode,name,longitude,latitude`` with 12-digit codes
``PPCCDD000000``. The hierarchy is read from the code: ``PP0000`` province,
``PPCC00`` prefecture, ``PPCCDD`` county level. Placeholder rows (市辖区, 县,
省直辖县级行政区划) are dropped; their children hang directly under the municipality
(北京/天津/上海/重庆) or, for county-level units directly under a province (仙桃市,
五指山市…), under themselves. Aliases (renames) come from ``gazetteer_aliases.csv``.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "src" / "analysis" / "data"

MUNICIPALITIES = {"11", "12", "31", "50"}
PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}

# Suffixes stripped to get the short name, longest first within each level.
PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")
PREFECTURE_SUFFIXES = ("自治州", "地区", "盟", "市")
COUNTY_SUFFIXES = ("自治县", "自治旗", "新区", "林区", "特区", "区", "县", "市", "旗")
MIN_SHORT = 2

# Ethnic-group names that sit between a place name and 自治州/自治县 (苗族侗族自治州) are
# read from cpca's 56_nations.csv, next to adcodes.csv; 各族 is added for 各族自治县.
EXTRA_ETHNIC = ("各族",)


def strip_suffix(name: str, suffixes: tuple[str, ...], ethnic: tuple[str, ...] = ()) -> str:
    """Drop the first matching administrative suffix, keeping at least two characters."""
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= MIN_SHORT:
            stem = name[: -len(suffix)]
            return strip_ethnic(stem, ethnic) if "自治" in suffix else stem
    return name


def strip_ethnic(stem: str, ethnic: tuple[str, ...]) -> str:
    """Remove trailing ethnic-group names (黔东南苗族侗族 → 黔东南)."""
    changed = True
    while changed:
        changed = False
        for token in sorted(ethnic, key=len, reverse=True):
            if stem.endswith(token) and len(stem) - len(token) >= MIN_SHORT:
                stem = stem[: -len(token)]
                changed = True
                break
    return stem


def read_ethnic(path: Path) -> tuple[str, ...]:
    """Names of the 56 ethnic groups (汉族, 蒙古族 …) plus 各族."""
    names = path.read_text(encoding="utf-8").split() if path.is_file() else []
    return tuple(names) + EXTRA_ETHNIC


def county_level(name: str) -> str:
    """county_city for 县级市, district for 市辖区, county for 县/旗/林区/特区."""
    if name.endswith("市"):
        return "county_city"
    if name.endswith("区") and not name.endswith(("林区", "特区")):
        return "district"
    return "county"


def read_aliases(path: Path) -> dict[str, list[str]]:
    """adcode → aliases, from the hand-curated rename list."""
    aliases: dict[str, list[str]] = {}
    if not path.is_file():
        return aliases
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            aliases.setdefault(row["adcode"], []).append(row["alias"])
    return aliases


def build_rows(
    source_rows: list[dict[str, str]],
    aliases: dict[str, list[str]],
    ethnic: tuple[str, ...] = EXTRA_ETHNIC,
) -> list[dict]:
    """Turn the flat adcode table into rows with level, parent city and province."""
    names = {r["adcode"][:6]: r["name"] for r in source_rows}
    out: list[dict] = []
    for code12 in sorted(names):
        name = names[code12]
        pp, cc, dd = code12[:2], code12[2:4], code12[4:6]
        province = names.get(pp + "0000", "")
        if name in PLACEHOLDERS:
            continue
        if cc == "00":
            if pp in MUNICIPALITIES:
                level, parent, short = "prefecture", name, strip_suffix(name, ("市",))
            else:
                level, parent, short = "province", "", strip_suffix(name, PROVINCE_SUFFIXES)
        elif dd == "00":
            level, parent, short = (
                "prefecture",
                name,
                strip_suffix(name, PREFECTURE_SUFFIXES, ethnic),
            )
        else:
            prefecture = names.get(pp + cc + "00", "")
            if pp in MUNICIPALITIES:
                parent = province
            elif prefecture in PLACEHOLDERS or not prefecture:
                parent = name  # county-level unit directly under the province
            else:
                parent = prefecture
            level, short = county_level(name), strip_suffix(name, COUNTY_SUFFIXES, ethnic)
        out.append(
            {
                "adcode": code12 + "000000",
                "name": name,
                "short_name": short,
                "level": level,
                "parent_city": parent,
                "province": province,
                "aliases": "|".join(aliases.get(code12 + "000000", [])),
            }
        )
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("adcodes_csv", type=Path, help="cpca/resources/adcodes.csv")
    parser.add_argument("--aliases", type=Path, default=DATA_DIR / "gazetteer_aliases.csv")
    parser.add_argument("--out", type=Path, default=DATA_DIR / "gazetteer.csv")
    args = parser.parse_args(argv)
    with args.adcodes_csv.open(encoding="utf-8") as fh:
        source = [r for r in csv.DictReader(fh) if r.get("adcode")]
    ethnic = read_ethnic(args.adcodes_csv.parent / "56_nations.csv")
    rows = build_rows(source, read_aliases(args.aliases), ethnic)
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {args.out}")


if __name__ == "__main__":
    main()
