"""Figures from Chinese S&T bureau work reports."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kejiju-analysis")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0+unknown"


def extract_corpus(*args, **kwargs):
    """See :func:`analysis.pipeline.extract_corpus` (imported lazily: it pulls in pandas)."""
    from .pipeline import extract_corpus as run

    return run(*args, **kwargs)


__all__ = ["__version__", "extract_corpus"]
