"""The feedback routes: votes and search-log events, checked, rate-limited and stored."""

from __future__ import annotations

import asyncio
import contextlib
import re
import uuid
from collections.abc import AsyncIterator, Iterable
from concurrent.futures import Future
from typing import Any
from urllib.parse import SplitResult, unquote, urlsplit

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from kbgen.errors import StoreError, StoreRefused
from kbgen.feedback.store import (
    BROWSER,
    MAX_COMMENT,
    MAX_QUERY,
    MAX_REASON,
    FeedbackStore,
    SearchEvent,
    Vote,
)
from kbgen.service.guards import (
    ApiError,
    RateLimiter,
    allowed_origins,
    error_response,
    is_allowed,
    is_own,
    read_json,
)
from kbgen.service.validation import first_error

DEFAULT_RATE_LIMIT = 60
"""Write requests a minute that one client address may make to each route (0: no limit)."""
_ID_PATTERN = "^[A-Za-z0-9_-]{8,100}$"
# What a value breaking the pattern is told (`x-rule`: an OpenAPI extension, which the
# description publishes with the pattern).
_ID_RULE = "must be 8 to 100 letters (A-Z, a-z), digits, '-' or '_'"
# A section's anchor as a browser writes it in a URL: printable ASCII, the rest percent-encoded.
_FRAGMENT = re.compile(r"[!#-;=?-_a-~]*")

VOTE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["page", "helpful"],
    "additionalProperties": False,
    "properties": {
        "page": {
            "type": "string",
            "minLength": 1,
            "maxLength": 500,
            "description": (
                "The article: its id (billing/refunds), as the feedback widget sends it, or its "
                "URL on the site's origin (this service's, or one allowed with --cors-origin), "
                "such as https://help.example.com/billing/refunds/, or site-relative "
                "(billing/refunds/); a query or an anchor in the URL is ignored. Anything else "
                "is refused (422)."
            ),
        },
        "helpful": {"type": "boolean"},
        "revision": {
            "type": "string",
            "nullable": True,
            "pattern": "^[0-9a-f]{1,64}$",
            "x-rule": "must be 1 to 64 hexadecimal digits (0-9, a-f)",
            "description": "The revision the reader saw (default: the current one).",
        },
        "reason": {"type": "string", "nullable": True, "maxLength": MAX_REASON},
        "comment": {"type": "string", "nullable": True, "maxLength": MAX_COMMENT},
        "client": {
            "type": "string",
            "nullable": True,
            "pattern": _ID_PATTERN,
            "x-rule": _ID_RULE,
            "description": "The browser's random id; stored only hashed.",
        },
    },
}
SEARCH_LOG_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["query", "results"],
    "additionalProperties": False,
    "properties": {
        "query": {
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_QUERY,
            "pattern": "\\S",
            "x-rule": "must not be blank: send the words searched",
            "description": "The words searched: not empty, nor only spaces.",
        },
        "results": {"type": "integer", "minimum": 0, "maximum": 1_000_000},
        "opened": {
            "type": "string",
            "nullable": True,
            "maxLength": 500,
            "description": (
                "The result the reader opened, null if none: the URL of an article of this help "
                "center as the search box links to it, on the site's origin (this service's, or "
                "one allowed with --cors-origin), such as https://help.example.com/billing/"
                "refunds/#a-section, or site-relative (billing/refunds/). Anything else is "
                "refused (422). It is stored site-relative."
            ),
        },
        "search_id": {
            "type": "string",
            "nullable": True,
            "pattern": _ID_PATTERN,
            "x-rule": _ID_RULE,
            "description": "Repeat it to update the same search, e.g. with a click.",
        },
    },
}


class FeedbackApi:
    """The state the routes share: the store, the built articles and the rate limiter."""

    def __init__(
        self,
        store: FeedbackStore,
        manifest: dict[str, Any],
        rate_limit: int,
        origins: Iterable[str] = (),
    ) -> None:
        self.store = store
        # By id, and by URL (`_located` reads a URL): an id is looked up first, so it wins over
        # a URL that happens to look the same.
        self.ids = {a["id"]: a for a in manifest["articles"]}
        self.urls = {unquote(a["url"]): a for a in manifest["articles"]}
        self.example = manifest["articles"][0]["url"] if manifest["articles"] else ""
        self.origins = allowed_origins(origins)
        reasons = manifest.get("feedback_reasons")  # absent from a build by an older kbgen
        self.reasons: list[str] | None = list(reasons) if isinstance(reasons, list) else None
        self.limiter = RateLimiter(rate_limit)

    def check_rate(self, request: Request, route: str) -> None:
        """Refuse a client address that is over its budget for `route`."""
        address = request.client.host if request.client else "unknown"
        wait = self.limiter.retry_after(f"{route} {address}")
        if wait:
            seconds = max(1, int(wait + 0.999))
            raise ApiError(
                429, f"too many requests; try again in {seconds} s", {"Retry-After": str(seconds)}
            )

    def article(self, page: str, request: Request) -> dict[str, Any]:
        """The built article a `page` value names: its id, or its URL on the site (a query and
        an anchor, which name no other article, are ignored)."""
        article = self.ids.get(page)
        if article is None:
            located = self._located(page, request)
            article = located[0] if located else None
        if article is None:
            raise ApiError(422, f"body.page {page[:100]!r} is not an article of this site; send "
                                f"the article's id, or its URL on the site, such as "
                                f"'{request.base_url}{self.example}' or '{self.example}'")
        return article

    def opened(self, value: str | None, request: Request) -> str | None:
        """The result a search opened (null: none), as the site links it. The search box sends
        the result's address on the site, which may be served from a folder (`/help/...`)."""
        if value is None:
            return None
        located = self._located(value, request)
        if located is not None:
            article, parts = located
            if not parts.query and _FRAGMENT.fullmatch(parts.fragment):
                return article["url"] + (f"#{parts.fragment}" if parts.fragment else "")
        raise ApiError(422, "body.opened must be null or the URL of an article of this help "
                            f"center, such as '{request.base_url}{self.example}' or "
                            f"'{self.example}' (got {value[:100]!r})")

    def _located(self, url: str, request: Request) -> tuple[dict[str, Any], SplitResult] | None:
        """The article a URL on the site leads to, and the URL's parts; None when the URL is
        of another site, or leads to no article."""
        try:
            parts = urlsplit(url)
        except ValueError:  # such as 'http://[' (an IPv6 address left open)
            return None
        if not self._on_site(parts.scheme, parts.netloc, request):
            return None
        article = self._article_at(parts.path)
        return None if article is None else (article, parts)

    def _on_site(self, scheme: str, netloc: str, request: Request) -> bool:
        """Whether an address is site-relative, or on the site's origin: this service's, or one
        whose pages may call it."""
        if not scheme and not netloc:
            return True
        origin = f"{scheme}://{netloc}"
        own = is_own(origin, request.headers.get("host", ""))
        return scheme in ("http", "https") and (own or is_allowed(origin, self.origins))

    def _article_at(self, path: str) -> dict[str, Any] | None:
        segments = unquote(path).split("/")
        for start in range(len(segments)):
            found = self.urls.get("/".join(segments[start:]))
            if found is not None:
                return found
        return None

    def vote(self, data: Any, request: Request) -> Vote:
        """The vote a checked request body asks for."""
        _check(data, VOTE_SCHEMA)
        article = self.article(data["page"], request)
        reason = data.get("reason")
        if reason is not None and self.reasons is not None and reason not in self.reasons:
            offered = ", ".join(f'"{r}"' for r in self.reasons) or "none"
            raise ApiError(422, f'reason "{reason[:100]}" is not one this help center offers '
                                f"({offered}); send one of them, or null")
        return Vote(
            page=article["id"],
            revision=data.get("revision") or article["revision"],
            helpful=data["helpful"],
            client=data.get("client") or uuid.uuid4().hex,
            reason=reason,
            comment=data.get("comment"),
        )


def _check(data: Any, schema: dict[str, Any]) -> None:
    problem = first_error(data, schema)
    if problem:
        raise ApiError(422, problem)


def _store_failed(exc: StoreError) -> JSONResponse:
    """What the client hears when the store did not take its write: try again later (503), or
    never, when the database refused the data itself (422)."""
    if isinstance(exc, StoreRefused):
        return error_response(422, str(exc))
    return error_response(503, str(exc), {"Retry-After": "30"})


async def _stored(future: Future[None]) -> None:
    await asyncio.wrap_future(future)


async def post_feedback(request: Request) -> JSONResponse:
    """Record a vote: one per client, article and revision; a later one replaces it."""
    api: FeedbackApi = request.app.state.feedback
    try:
        api.check_rate(request, "feedback")
        vote = api.vote(await read_json(request), request)
        await _stored(api.store.submit_vote(vote))
    except ApiError as exc:
        return error_response(exc.status, exc.message, exc.headers)
    except StoreError as exc:
        return _store_failed(exc)
    return JSONResponse(
        {"stored": True, "page": vote.page, "revision": vote.revision, "helpful": vote.helpful}
    )


async def post_search_log(request: Request) -> JSONResponse:
    """Record a search made in the browser: query, result count, and the result opened."""
    api: FeedbackApi = request.app.state.feedback
    try:
        api.check_rate(request, "search-log")
        data = await read_json(request)
        _check(data, SEARCH_LOG_SCHEMA)
        event = SearchEvent(
            data["query"],
            data["results"],
            api.opened(data.get("opened"), request),
            data.get("search_id"),
            source=BROWSER,
        )
        await _stored(api.store.submit_search(event))
    except ApiError as exc:
        return error_response(exc.status, exc.message, exc.headers)
    except StoreError as exc:
        return _store_failed(exc)
    return JSONResponse({"logged": True})


def routes() -> list[Route]:
    """The feedback routes, for `create_app`."""
    return [
        Route("/api/feedback", post_feedback, methods=["POST"]),
        Route("/api/search-log", post_search_log, methods=["POST"]),
    ]


async def status(app: Starlette) -> dict[str, Any]:
    """Whether the store answers, for /api/health."""
    try:
        await run_in_threadpool(app.state.feedback.store.check)
    except StoreError as exc:
        return {"ok": False, "error": str(exc)}
    return {"ok": True, "store": app.state.feedback.store.description.split(" ")[0]}


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    """Close the store (writing what is queued) when the server stops."""
    try:
        yield
    finally:
        app.state.feedback.store.close()
