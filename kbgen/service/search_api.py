"""GET /api/search: the Whoosh index beside the served site, ranked as in the browser."""

from __future__ import annotations

import gc
import os
import threading
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from kbgen.articles import ARTICLE_TYPES
from kbgen.errors import FilterError, SearchError
from kbgen.paths import state_dir
from kbgen.search.build import EXPORT_DIR
from kbgen.search.searcher import DEFAULT_LIMIT, MAX_LIMIT, Searcher
from kbgen.search.storage import index_dir, no_index

MAX_QUERY = 500

_RESULT = {
    "type": "object", "required": ["url", "title", "score"],
    "properties": {name: {"type": "string"} for name in (
        "url", "title", "category", "category_title", "type", "type_label", "section", "anchor",
        "snippet", "id")} | {"score": {"type": "number"}},
}
OPENAPI_PATHS: dict[str, Any] = {"/api/search": {"get": {
    "summary": "Search the help center (the same ranking as the browser)",
    "parameters": [
        {"name": "q", "in": "query", "required": True, "schema": {"type": "string"}},
        {"name": "limit", "in": "query", "schema": {
            "type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}},
        {"name": "category", "in": "query", "schema": {"type": "string"}},
        {"name": "type", "in": "query", "schema": {"type": "string", "enum": list(ARTICLE_TYPES)}},
    ],
    "responses": {
        "200": {"description": "Results, best first.", "content": {"application/json": {"schema": {
            "type": "object", "required": ["results", "total"],
            "properties": {"query": {"type": "string"}, "total": {"type": "integer"},
                           "did_you_mean": {"type": "string", "nullable": True},
                           "results": {"type": "array", "items": _RESULT}}}}}},
        "400": {"description": "A missing or bad parameter.", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Error"}}}},
        "503": {"description": "No search index: the site was not built.", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    },
}}}


def _warm(searcher: Searcher) -> None:
    """Load the largest entries, then keep the index's tables, which live as long as the service,
    out of every garbage collection (which would otherwise pause requests for tens of ms). A
    damaged index is left for the requests to report (503, saying to build again)."""
    try:
        searcher.warm()
    except SearchError:
        return
    gc.freeze()


class SearcherHolder:
    """Opens the index on first use, and again whenever a build has swapped in a new one, or a
    new export of it: a build swaps the index in first, and a searcher opened in between reads
    the postings from Whoosh, whose weights an export updated in place does not share."""

    def __init__(self, state: Path) -> None:
        self.state = state
        self._searcher: Searcher | None = None
        self._key: tuple[int, ...] | None = None
        self._lock = threading.Lock()

    def get(self, *, warm: bool = False) -> Searcher:
        """The searcher for the index on disk now. A newly opened one loads its largest entries
        now with `warm` (at start, before the service takes requests), else in the background."""
        try:
            info = os.stat(index_dir(self.state))
        except OSError:
            raise SearchError(no_index(self.state)) from None
        key: tuple[int, ...] = (info.st_ino, info.st_mtime_ns)
        try:
            exported = os.stat(self.state / EXPORT_DIR)
            key += (exported.st_ino, exported.st_mtime_ns)
        except OSError:
            pass  # no export: the searcher reads Whoosh
        with self._lock:
            if self._searcher is None or key != self._key:
                if self._searcher is not None:
                    self._searcher.close()
                self._searcher, self._key = Searcher(self.state), key
                if warm:
                    _warm(self._searcher)
                else:
                    threading.Thread(target=_warm, args=(self._searcher,), daemon=True).start()
            return self._searcher

    def search(self, query: str, **options: Any) -> dict[str, Any]:
        """Answer `query` from the index on disk now."""
        return self.get().search(query, **options)


def _error(message: str, status: int) -> JSONResponse:
    return JSONResponse({"error": message, "status": status}, status_code=status)


async def search(request: Request) -> JSONResponse:
    """GET /api/search?q=&limit=&category=&type="""
    params = request.query_params
    query = params.get("q", "").strip()
    if not query:
        return _error("q is required: the words to search for", 400)
    if len(query) > MAX_QUERY:
        return _error(f"q is too long (at most {MAX_QUERY} characters)", 400)
    try:
        limit = int(params.get("limit", DEFAULT_LIMIT))
    except ValueError:
        return _error("limit must be a whole number", 400)
    if not 1 <= limit <= MAX_LIMIT:
        return _error(f"limit must be between 1 and {MAX_LIMIT}", 400)
    holder = holder_of(request.app)
    try:
        answer = await run_in_threadpool(
            holder.search, query, limit=limit, category=params.get("category") or None,
            type=params.get("type") or None)
    except FilterError as exc:
        return _error(str(exc), 400)
    except SearchError as exc:
        return _error(str(exc), 503)
    # Logged for the content-gaps report; queued, so the answer does not wait for the disk.
    request.app.state.store.log_search(query, answer["total"], source="api")
    return JSONResponse(answer)


def routes() -> list[Route]:
    """The search routes, for `create_app`."""
    return [Route("/api/search", search, methods=["GET"])]


async def status(app: Starlette) -> dict[str, Any]:
    """Whether the search index can be read, for /api/health."""
    try:
        searcher = await run_in_threadpool(holder_of(app).get)
    except SearchError as exc:
        return {"ok": False, "error": str(exc)}
    return {"ok": True, "articles": len(searcher.lexicon.docs)}


def holder_of(app: Starlette) -> SearcherHolder:
    """The app's searcher holder (made on first use)."""
    state = app.state
    found = getattr(state, "search", None)
    if found is None:
        found = state.search = SearcherHolder(state_dir(state.site_dir))
    return found


def prepare(app: Starlette) -> None:
    """Open the index and load its largest entries before the service takes requests, so that no
    early question waits for them (a site built without search has no index: nothing to do)."""
    try:
        holder_of(app).get(warm=True)
    except SearchError:
        pass
