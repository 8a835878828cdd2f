"""Figures from Chinese S&T bureau work reports."""


def __getattr__(name: str) -> str:
    """``__version__``, looked up when asked for: a run need not pay for it at import."""
    if name == "__version__":
        from .cache import package_version

        return package_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def extract_corpus(raw_dir=None, out_dir=None, *, corrections=None, **kwargs):
    """:func:`analysis.pipeline.extract_corpus`, then the corrections ledger applied
    (``corrections``: a ledger file; default ``corrections.csv`` beside the raw folder
    when it exists; ``False``: none). The ledger's module (and pandas with it) is
    imported only when there is a ledger: a run without one starts faster."""
    from pathlib import Path

    from .config import RAW_DIR
    from .pipeline import extract_corpus as run

    default = Path(raw_dir if raw_dir is not None else RAW_DIR).resolve().parent / "corrections.csv"
    amend = None
    if corrections not in (None, True, False) or (corrections is not False and default.is_file()):
        from .corrections import ledger_amend

        amend = ledger_amend(raw_dir, corrections)
    return run(raw_dir, out_dir, amend=amend, **kwargs)


__all__ = ["__version__", "extract_corpus"]
