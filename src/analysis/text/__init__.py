"""The text of one report, prepared once for every step that reads it.

``script`` (Chinese script helpers), ``lexicon`` (every closed vocabulary, as data),
``chrome`` (web-page and print chrome, ``data/chrome.csv``, read by cleaning too) and
``document`` (the prepared :class:`~analysis.text.document.Document`). Metadata and
extraction both read a ``Document``; neither rebuilds any part of it.
"""
