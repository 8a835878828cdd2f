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
