"""``analysis review --serve``: the review pages on 127.0.0.1, each decision written to
the ledger (or a document fix to ``manifest.csv``) at once and atomically, so a reviewer
can stop at any time and lose nothing.

Why the standard library: one reviewer, one machine, a handful of requests a minute.
Only 127.0.0.1 is bound; a request must carry the ``X-Review`` header (a page of another
site cannot send it without a CORS preflight this server never grants) and a local
``Host`` (against DNS rebinding). Every decision is checked against the cleaned text
before it is written: ``raw`` must be the text of its span.
"""

from __future__ import annotations

import csv
import io
import json
import threading
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from .. import config, corrections
from ..safeio import atomic_path

MAX_BODY = 64 * 1024
MANIFEST_COLUMNS = ("region", "report_year", "period", "doc_type")
DOC_TYPES = ("summary", "plan", "summary+plan")


class ReviewStore:
    """The ledger and the manifest, read and rewritten whole under one lock."""

    def __init__(self, processed: Path, ledger: Path, manifest: Path):
        self.processed, self.ledger, self.manifest = processed, ledger, manifest
        self.lock = threading.Lock()

    def text(self, doc_id: str) -> str | None:
        if "/" in doc_id or "\\" in doc_id or doc_id.startswith("."):
            return None
        path = self.processed / config.TEXT_DIR_NAME / f"{doc_id}.txt"
        return path.read_text(encoding="utf-8") if path.is_file() else None

    def decisions(self, doc_id: str | None = None) -> list[dict[str, str]]:
        rows = corrections.load_ledger(self.ledger).rows
        return [{c: r.get(c, "") for c in corrections.LEDGER_COLUMNS} for r in rows
                if doc_id is None or r["doc_id"] == doc_id]

    def decide(self, row: dict[str, object]) -> dict[str, object]:
        """Check one decision and write it; a later decision on the same span (an added
        figure: same span and metric_id) replaces the earlier one."""
        clean = {c: "" if row.get(c) is None else str(row.get(c)).strip() for c in
                 corrections.LEDGER_COLUMNS}
        clean["raw"] = "" if row.get("raw") is None else str(row["raw"])
        typed, problem = corrections.check_row(clean)
        if problem:
            raise ValueError(problem)
        text = self.text(clean["doc_id"])
        if text is None:
            raise ValueError(f"no cleaned text for document {clean['doc_id']!r}")
        if text[typed["char_start"]:typed["char_end"]] != clean["raw"]:
            raise ValueError("raw is not the text of its span in the current cleaned text")
        with self.lock:
            rows = self.decisions()
            key = _key(clean)
            kept = [r for r in rows if _key(r) != key]
            kept.append(clean)
            corrections.write_ledger(kept, self.ledger)
        return {"ok": True, "replaced": len(rows) - len(kept) + 1, "rows": len(kept)}

    def fix_document(self, row: dict[str, object]) -> dict[str, object]:
        """Write document-level values to manifest.csv (keyed by doc_id, or by file when
        the manifest has only a file column)."""
        doc_id = str(row.get("doc_id") or "")
        if self.text(doc_id) is None:
            raise ValueError(f"unknown document {doc_id!r}")
        values = {k: str(row[k]).strip() for k in MANIFEST_COLUMNS if row.get(k)}
        if not values:
            raise ValueError("no document field given")
        if "report_year" in values:
            typed, problem = corrections._typed("year", values["report_year"])
            if problem:
                raise ValueError(problem.replace("year", "report_year"))
        if "period" in values:
            _, problem = corrections._typed("period", values["period"])
            if problem:
                raise ValueError(problem)
        if "doc_type" in values and values["doc_type"] not in DOC_TYPES:
            raise ValueError(f"doc_type {values['doc_type']!r} is not one of {', '.join(DOC_TYPES)}")
        with self.lock:
            header, rows = _read_manifest(self.manifest)
            key_col = "doc_id" if "doc_id" in header or "file" not in header else "file"
            key = doc_id if key_col == "doc_id" else self._source_file(doc_id)
            for col in (key_col, *values):
                if col not in header:
                    header.append(col)
            target = next((r for r in rows if r.get(key_col, "").strip() == key), None)
            if target is None:
                target = {key_col: key}
                rows.append(target)
            target.update(values)
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\n")
            w.writerow(header)
            for r in rows:
                w.writerow([r.get(h, "") for h in header])
            with atomic_path(self.manifest) as tmp:
                Path(tmp).write_text("\ufeff" + buf.getvalue(), encoding="utf-8", newline="")
        return {"ok": True, "manifest": str(self.manifest)}

    def _source_file(self, doc_id: str) -> str:
        from ..tables import read_table

        docs = read_table(self.processed, "documents")
        hit = docs.loc[docs["doc_id"] == doc_id, "source_file"]
        return str(hit.iloc[0]) if len(hit) else doc_id


def _key(r: dict[str, str]) -> tuple[str, ...]:
    return (r.get("doc_id", ""), r.get("char_start", ""), r.get("char_end", ""),
            "add:" + r.get("metric_id", "") if r.get("action") == "add" else "")


def _read_manifest(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    if not path.is_file():
        return [], []
    text = path.read_bytes().decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    rows = [dict(zip(header, cells, strict=False)) for cells in reader if any(cells)]
    return header, rows


class _Handler(SimpleHTTPRequestHandler):
    store: ReviewStore
    port: int

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass  # quiet: the reviewer's terminal shows the start line only

    def _local(self) -> bool:
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
        return host in ("127.0.0.1", "localhost")

    def _json(self, status: int, data: object) -> None:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        if not self._local():
            return self._json(HTTPStatus.FORBIDDEN, {"error": "local requests only"})
        url = urlsplit(self.path)
        if url.path == "/api/decisions":
            if self.headers.get("X-Review") != "1":
                return self._json(HTTPStatus.FORBIDDEN, {"error": "X-Review header missing"})
            doc = parse_qs(url.query).get("doc_id", [None])[0]
            return self._json(HTTPStatus.OK, self.store.decisions(doc))
        return super().do_GET()

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        if not self._local() or self.headers.get("X-Review") != "1":
            return self._json(HTTPStatus.FORBIDDEN, {"error": "local review pages only"})
        length = int(self.headers.get("Content-Length") or 0)
        if not 0 < length <= MAX_BODY:
            return self._json(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"error": "body size"})
        try:
            data = json.loads(self.rfile.read(length).decode("utf-8"))
            if not isinstance(data, dict):
                raise ValueError("expected a JSON object")
            path = urlsplit(self.path).path
            if path == "/api/decision":
                return self._json(HTTPStatus.OK, self.store.decide(data))
            if path == "/api/manifest":
                return self._json(HTTPStatus.OK, self.store.fix_document(data))
            return self._json(HTTPStatus.NOT_FOUND, {"error": "unknown endpoint"})
        except (ValueError, UnicodeDecodeError) as e:
            return self._json(HTTPStatus.BAD_REQUEST, {"error": str(e)})


def make_server(pages: Path, store: ReviewStore, port: int = 8765) -> ThreadingHTTPServer:
    """A server for ``pages`` on 127.0.0.1:``port`` (0: any free port)."""
    handler = type("ReviewHandler", (_Handler,), {"store": store})
    server = ThreadingHTTPServer(("127.0.0.1", port), partial(handler, directory=str(pages)))
    server.daemon_threads = True
    return server
