"""Build ``src/analysis/data/gazetteer.csv`` from the yearly division codes of ``yescallop/areacodes``.

Why a script: the gazetteer is derived data; keeping the derivation here lets anyone
rebuild or audit it from the upstream file instead of trusting a hand-edited CSV.

Get the source (CC0 1.0; the data are the Ministry of Civil Affairs' yearly lists of
county-level-and-above division codes, 1981 to the present, one record per code, name
and parent with the years it was in use)::

    git clone https://github.com/yescallop/areacodes /tmp/areacodes
    python scripts/build_gazetteer.py /tmp/areacodes/result.csv

The input has columns ``代码,一级行政区,二级行政区,名称,级别,状态,启用时间,变更/弃用时间,新代码``;
a record is in use from 启用时间 (inclusive) to 变更/弃用时间 (exclusive), each year's
list being the state on 31 December. Records no longer in use by ``--since`` are left out.
The output keeps the 12-digit adcode, adds ``first_year`` and ``last_year`` (inclusive,
empty while in use) and puts the four municipalities at prefecture level. County-level
units directly under a province (仙桃市) are their own ``parent_city``; those under a
municipality hang under it. Aliases (informal or alternative names) come from
``gazetteer_aliases.csv``; an alias that is some record's official name is dropped, the
record itself carries it with its years.
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

# The 56 ethnic groups (and 各族, for 各族自治县): names that sit between a place name and
# 自治州/自治县 (黔东南苗族侗族自治州 → 黔东南).
ETHNIC = tuple(
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 "
    "哈尼族 哈萨克族 傣族 黎族 傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 "
    "柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族 仡佬族 锡伯族 阿昌族 普米族 "
    "塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 独龙族 "
    "鄂伦春族 赫哲族 门巴族 珞巴族 基诺族 各族".split()
)
SINCE = 2000  # records out of use before this year are left out (no report of the genre)


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


def county_level(name: str) -> str:
    """county_city for 县级市, district for 市辖区, county for 县/旗/林区/特区."""
    if name.endswith("市"):
        return "county_city"
    if name.endswith("区") and not name.endswith(("林区", "特区")):
        return "district"
    return "county"


def read_aliases(path: Path) -> dict[str, list[str]]:
    """adcode → aliases, from the hand-curated list."""
    aliases: dict[str, list[str]] = {}
    if not path.is_file():
        return aliases
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            aliases.setdefault(row["adcode"], []).append(row["alias"])
    return aliases


def _years(row: dict[str, str]) -> tuple[int, int | None]:
    """(first year in use, last year in use or None while in use)."""
    end = row["变更/弃用时间"].strip()
    return int(row["启用时间"]), (int(end) - 1 if end else None)


def build_rows(
    source_rows: list[dict[str, str]],
    aliases: dict[str, list[str]],
    ethnic: tuple[str, ...] = ETHNIC,
    since: int = SINCE,
) -> list[dict]:
    """Turn the yearly records into rows with level, parent city, province and years."""
    kept = [r for r in source_rows if r["名称"] not in PLACEHOLDERS]
    kept = [r for r in kept if (_years(r)[1] or since) >= since]
    official = {r["名称"] for r in kept}
    out: list[dict] = []
    for r in sorted(kept, key=lambda r: (r["代码"], _years(r)[0])):
        code, name, province = r["代码"], r["名称"], r["一级行政区"]
        pp = code[:2]
        first, last = _years(r)
        if r["级别"] == "省级":
            if pp in MUNICIPALITIES:
                level, parent, short = "prefecture", name, strip_suffix(name, ("市",))
            else:
                level, parent, short = "province", "", strip_suffix(name, PROVINCE_SUFFIXES)
        elif r["级别"] == "地级":
            level, parent = "prefecture", name
            short = strip_suffix(name, PREFECTURE_SUFFIXES, ethnic)
        else:
            second = r["二级行政区"]
            if pp in MUNICIPALITIES:
                parent = province
            elif second in ("直辖", "") or second in PLACEHOLDERS:
                parent = name  # county-level unit directly under the province
            else:
                parent = second
            level, short = county_level(name), strip_suffix(name, COUNTY_SUFFIXES, ethnic)
        own = [a for a in aliases.get(code + "000000", []) if a not in official]
        out.append(
            {
                "adcode": code + "000000",
                "name": name,
                "short_name": short,
                "level": level,
                "parent_city": parent,
                "province": province,
                "aliases": "|".join(own) if last is None else "",
                "first_year": str(first),
                "last_year": "" if last is None else str(last),
            }
        )
    return out


WORD_MIN_FREQ = 100  # jieba frequency from which a two-character word is a common word


def word_heads(rows: list[dict]) -> list[str]:
    """Common two-character words (jieba's dictionary, frequency ≥ WORD_MIN_FREQ) whose
    second character is the stem of a one-character-stem name (示范 for 范县): the
    gazetteer scan does not read such a name at the end of such a word (示范县)."""
    import jieba

    stems = {r["name"][0] for r in rows if len(r["name"]) == 2 and r["name"][1] in "县区市旗"}
    words: set[str] = set()
    with jieba.get_dict_file() as raw:
        for line in raw.read().decode("utf-8").splitlines():
            parts = line.split(" ", 2)
            if len(parts[0]) == 2 and parts[0][1] in stems and int(parts[1]) >= WORD_MIN_FREQ:
                words.add(parts[0])
    return sorted(words)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("result_csv", type=Path, help="result.csv of yescallop/areacodes")
    parser.add_argument("--since", type=int, default=SINCE, help="oldest year kept")
    parser.add_argument("--aliases", type=Path, default=DATA_DIR / "gazetteer_aliases.csv")
    parser.add_argument("--out", type=Path, default=DATA_DIR / "gazetteer.csv")
    args = parser.parse_args(argv)
    with args.result_csv.open(encoding="utf-8-sig") as fh:
        source = [r for r in csv.DictReader(fh) if r.get("代码")]
    rows = build_rows(source, read_aliases(args.aliases), ETHNIC, args.since)
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {args.out}")
    words = word_heads(rows)
    header = ("# Generated by scripts/build_gazetteer.py from jieba's dictionary (MIT): common\n"
              "# two-character words whose second character opens a one-character-stem place\n"
              "# name (示范 → 范县). A name right after such a word's first character is not read.\n")
    (args.out.parent / "gazetteer_words.txt").write_text(header + "\n".join(words) + "\n",
                                                        encoding="utf-8")
    print(f"wrote {len(words)} words to {args.out.parent / 'gazetteer_words.txt'}")


if __name__ == "__main__":
    main()
