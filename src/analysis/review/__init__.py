"""Review pages for every figure in its sentence (:mod:`.pages`), the review queue
(:mod:`.queue`) and a local server that writes decisions to the ledger (:mod:`.server`)."""

from .pages import anchor_id, build_review, figure_link, page_name

__all__ = ["anchor_id", "build_review", "figure_link", "page_name"]
