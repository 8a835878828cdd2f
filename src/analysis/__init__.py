"""Figures from Chinese S&T bureau work reports."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kejiju-analysis")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0+unknown"


def extract_corpus(raw_dir=None, out_dir=None, *, corrections=None, **kwargs):
    """:func:`analysis.pipeline.extract_corpus`, then the corrections ledger applied
    (``corrections``: a ledger file; default ``corrections.csv`` beside the raw folder
    when it exists; ``False``: none). Imported lazily: it pulls in pandas."""
    from .corrections import ledger_amend
    from .pipeline import extract_corpus as run

    return run(raw_dir, out_dir, amend=ledger_amend(raw_dir, corrections), **kwargs)


__all__ = ["__version__", "extract_corpus"]
