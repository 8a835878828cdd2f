"""Warm-up for the process pool's server: importing this module extracts one short made-up
report, so that the data files, cue patterns and phrase caches a worker needs are loaded
once in the forkserver and inherited by every worker it forks.

Why: each pool worker spent about half a second of CPU importing the extraction modules and
loading their data on its first report (``engine`` preloads the modules a worker function's
module names in ``SERVER_PRELOAD``); loaded once in the server, a run of N workers pays it
once instead of N times. Every cache filled here is a pure function of its arguments (a
phrase, a text, a year), so no output depends on whether the warm-up ran.
"""

from __future__ import annotations

from . import taxonomy
from .pipeline import for_tables, process_document

# A short report in the usual words (summary and plan, figures, yoy, a place and its year):
# enough for the cue files, the taxonomy, the gazetteer's year index and the number parser.
SAMPLE = """青岛市科技局2016年工作总结和2017年工作要点

一、2016年工作总结
2016年，全市专利申请量达到5.2万件，同比增长12.5%，其中发明专利申请2.1万件；授权发明专利6275件。
新认定高新技术企业360家，总数达到1346家；技术合同成交额85.6亿元，增长19%。
全社会研发投入占GDP比重达到2.86%，比上年提高0.1个百分点。新增国家级科技企业孵化器3家、众创空间12个。
“十二五”以来，累计引进高层次人才1200人。

二、2017年工作要点
2017年，力争全市高新技术企业总数突破1500家，技术合同成交额达到100亿元以上，每万人发明专利拥有量达到20件。
"""


def warm_up() -> None:
    """Load what a worker's first reports would: the sample's extraction, rjieba's import
    and dictionary (0.1 s: an unmapped phrase needs it), every indicator's patterns
    (compiled on first search: a large run reaches most)."""
    for_tables(process_document("warm-up", SAMPLE))
    taxonomy._tokenizer()
    for indicator in taxonomy.load_taxonomy():
        _ = indicator.require, indicator.exclude


try:
    warm_up()
except Exception:  # noqa: BLE001 - the server must start anyway: workers then load lazily
    pass  # (multiprocessing's forkserver survives only an ImportError of a preload)
