"""Helpers shared by test modules: tables written as a run writes them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.tables import TableSink, commit_moves


def write_frames(out: Path, **frames: pd.DataFrame) -> None:
    """Tables written as a run writes them (documents and metrics are enough here)."""
    out.mkdir(parents=True, exist_ok=True)
    moves = []
    for name, df in frames.items():
        sink = TableSink(name, out)
        sink.add(df)
        moves += sink.close()
    commit_moves(moves)


def write_partitioned(out: Path, documents: pd.DataFrame, metrics: pd.DataFrame) -> None:
    """documents and metrics as the pipeline writes them, datasets included: metrics by
    year and by region (each row's province from its document)."""
    out.mkdir(parents=True, exist_ok=True)
    province = dict(zip(documents["doc_id"], documents["province"], strict=True))
    docs = TableSink("documents", out)
    docs.add(documents)
    mets = TableSink("metrics", out, partition_col="year", by_region=True)
    mets.add(metrics, provinces=[province.get(d) for d in metrics["doc_id"]])
    commit_moves([*docs.close(), *mets.close()])
