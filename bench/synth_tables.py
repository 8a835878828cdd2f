"""Tables of a national corpus's size, made up, for timing the notebooks at that scale.

    python bench/synth_tables.py OUT [--docs 100000] [--regions 3000] [--figures 45] [--seed 0]

Why: the notebook goals are set for the tables of 100,000 reports (about 3,000 places,
millions of figures); extracting that many reports to get them takes minutes and the
real-text corpus is another helper's. These tables have the shape the pipeline writes
(same writer, same generation folder, same datasets): real places from the gazetteer
with their province and level, reports over 15 years, indicators from the taxonomy with
series that grow year on year (so yoy, cross-city and target comparisons find pairs),
unmapped figures beside them, sentences of realistic length. The values are invented.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from analysis import config, safeio  # noqa: E402
from analysis.tables import TableSink, rows_table  # noqa: E402

YEARS = list(range(2010, 2025))
FILLER = [
    "深入实施创新驱动发展战略", "加快建设区域科技创新中心", "推进科技成果转移转化",
    "强化企业创新主体地位", "优化创新创业生态", "完善科技金融服务体系", "深化科技体制改革",
    "加强基础研究和应用基础研究", "推动产学研深度融合", "培育壮大高新技术产业",
]
UNMAPPED = [("科技型中小企业", "家"), ("众创空间", "个"), ("科技项目", "项"), ("科技特派员", "人"),
            ("专项资金", "元"), ("技术交易活动", "场"), ("孵化面积", "平方米"), ("培训", "人次")]


def load_regions(n: int, rng: random.Random) -> list[dict[str, str]]:
    with open(config.PACKAGE_DATA / "gazetteer.csv", encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.DictReader(fh)
                if not r["last_year"] and r["level"] in ("prefecture", "county_city", "district",
                                                         "county")]
    rng.shuffle(rows)
    return rows[:n]


def load_indicators() -> list[tuple[str, str, str]]:
    with open(config.PACKAGE_DATA / "indicators.csv", encoding="utf-8-sig", newline="") as fh:
        return [(r["metric_id"], r["name_zh"], r["unit"]) for r in csv.DictReader(fh)]


def write(out: Path, n_docs: int, n_regions: int, per_doc: int, seed: int) -> dict:
    rng = random.Random(seed)
    regions = load_regions(n_regions, rng)
    indicators = load_indicators()
    base = {(r["name"], m): rng.uniform(1, 1000) * (1e8 if u == "元" else 1)
            for r in regions for m, _, u in indicators}
    with safeio.output_lock(out):
        gen = safeio.new_generation(out)
        (gen / config.TEXT_DIR_NAME).mkdir()
        sinks = {"documents": TableSink("documents", gen),
                 "metrics": TableSink("metrics", gen, partition_col="year", by_region=True),
                 "repairs": TableSink("repairs", gen), "run_log": TableSink("run_log", gen)}
        docs, log, mets, provinces = [], [], [], []
        n_rows = 0
        for i in range(n_docs):
            place = regions[i % len(regions)]
            region, year = place["name"], YEARS[(i // len(regions)) % len(YEARS)]
            plan = rng.random() < 0.3
            period = "H1" if not plan and rng.random() < 0.1 else "FY"
            doc_id = f"s{i:06d}"
            docs.append({"doc_id": doc_id, "title": f"{region}科技局{year}年工作{'要点' if plan else '总结'}",
                         "region": region, "admin_level": place["level"],
                         "parent_city": place["parent_city"], "province": place["province"],
                         "report_year": year, "period": period,
                         "doc_type": "plan" if plan else "summary", "region_masked": 0,
                         "region_confidence": 0.9, "year_confidence": 0.9,
                         "source_file": f"{doc_id}.txt", "sha256": f"{i:064x}",
                         "n_chars": 15000, "n_figures": per_doc, "share_mapped": 0.3})
            log.append({"source_file": f"{doc_id}.txt", "doc_id": doc_id, "status": "ok",
                        "reason": "read", "fmt": "txt", "encoding": "utf-8", "n_chars": 15000,
                        "n_figures": per_doc, "cached": 0})
            at = 0
            for _ in range(per_doc):
                mapped = rng.random() < 0.3
                kind = "target" if plan else ("estimate" if rng.random() < 0.15 else "actual")
                fig_year = year + 1 if plan else year
                if mapped:
                    mid, name, unit = rng.choice(indicators)
                    value = round(base[(region, mid)] * 1.08 ** (fig_year - 2010)
                                  * rng.uniform(0.97, 1.03), 2)
                    phrase = name
                else:
                    mid = name = None
                    phrase, unit = rng.choice(UNMAPPED)
                    value = float(rng.randint(1, 5000))
                yoy = round(rng.uniform(-5, 30), 1) if rng.random() < 0.4 else None
                raw = f"{value:g}{unit}"
                sentence = (f"{rng.choice(FILLER)}，{fig_year}年{phrase}达到{raw}"
                            + (f"，同比增长{yoy}%" if yoy is not None else "")
                            + f"，{rng.choice(FILLER)}，{rng.choice(FILLER)}。")
                mets.append({"doc_id": doc_id, "region": region, "year": fig_year,
                             "period": period, "kind": kind, "metric_id": mid,
                             "metric_name": name, "indicator": phrase, "value": value,
                             "value_high": None, "unit": unit, "yoy_pct": yoy, "qualifier": None,
                             "raw": raw, "sentence": sentence, "char_start": at,
                             "char_end": at + len(raw), "note": None, "level": None,
                             "review": None})
                provinces.append(place["province"])
                at += len(sentence)
            if len(docs) >= 1000 or i == n_docs - 1:
                sinks["documents"].add(rows_table("documents", docs))
                sinks["run_log"].add(rows_table("run_log", log))
                sinks["metrics"].add(rows_table("metrics", mets), provinces=provinces)
                n_rows += len(mets)
                docs, log, mets, provinces = [], [], [], []
        moves = []
        for sink in sinks.values():
            moves += sink.close()
        for tmp, dest in moves:
            safeio._swap_into_place(tmp, dest)
        names = sorted(dest.name for _, dest in moves) + [config.TEXT_DIR_NAME]
        safeio.switch_generation(out, gen, names)
    return {"documents": n_docs, "regions": len(regions), "metrics": n_rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--regions", type=int, default=3000)
    parser.add_argument("--figures", type=int, default=45, help="figures per report")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    made = write(args.out, args.docs, args.regions, args.figures, args.seed)
    print(f"{made} written to {args.out} in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
