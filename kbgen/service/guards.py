"""What stands before the API's write routes: body limits, per-client rate limits and origins."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY = 16 * 1024
# A client that sends far more than any vote can be is told so after its body is read and dropped,
# up to this much; beyond it the connection is simply closed after the answer.
_DRAIN_LIMIT = 64 * 1024 * 1024


class ApiError(Exception):
    """An API request we refuse: the status and a message for the JSON error body."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def error_response(
    status: int, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    """The API's error shape: `{"error": message, "status": status}`."""
    return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)


async def read_json(request: Request, limit: int = MAX_BODY) -> Any:
    """The request's JSON body, refusing wrong content types, oversized bodies and bad JSON."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise ApiError(415, "send the body as JSON with 'Content-Type: application/json'")
    declared = request.headers.get("content-length", "")
    too_big = declared.isdigit() and int(declared) > limit
    body = bytearray()
    if not too_big:
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                too_big = True
                break
    if too_big:
        await _drain(request)
        raise ApiError(413, f"the body is larger than {limit} bytes")
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError(400, f"the body is not valid JSON: {exc}") from None
    except RecursionError:
        raise ApiError(400, "the body is not valid JSON: nested too deeply") from None


async def _drain(request: Request) -> None:
    """Read and drop the rest of a refused body, so the client can read our answer."""
    seen = 0
    try:
        async for chunk in request.stream():
            seen += len(chunk)
            if seen > _DRAIN_LIMIT:
                return
    except Exception:  # the stream was already consumed or the client went away
        return


class RateLimiter:
    """A token bucket per client address (kept in memory only): `rate` requests a minute."""

    def __init__(self, per_minute: int, *, max_clients: int = 50_000) -> None:
        self.per_minute = per_minute
        self._buckets: dict[str, tuple[float, float]] = {}
        self._max_clients = max_clients

    def retry_after(self, key: str) -> float:
        """0 if the client may go ahead now (taking a token), else seconds until it may."""
        if self.per_minute <= 0:
            return 0.0
        now = time.monotonic()
        capacity = float(self.per_minute)
        tokens, then = self._buckets.get(key, (capacity, now))
        tokens = min(capacity, tokens + (now - then) * capacity / 60.0)
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) * 60.0 / capacity
        if len(self._buckets) >= self._max_clients and key not in self._buckets:
            self._forget_full_buckets(now)
        self._buckets[key] = (tokens - 1.0, now)
        return 0.0

    def _forget_full_buckets(self, now: float) -> None:
        # Clients idle for a minute have a full bucket again: nothing is lost by forgetting them.
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 60.0}
        if len(self._buckets) >= self._max_clients:
            self._buckets.clear()


def allowed_origins(origins: Iterable[str]) -> frozenset[str]:
    """The origins given with --cors-origin, written as browsers send them (no trailing /)."""
    return frozenset(o.rstrip("/") for o in origins)


def is_allowed(origin: str, allowed: frozenset[str]) -> bool:
    """Whether pages from `origin`, another origin than the service's, may call the API."""
    return "*" in allowed or origin in allowed


def is_own(origin: str, host: str) -> bool:
    """Whether `origin` is the service's own: the one the request's Host header names."""
    return urlsplit(origin).netloc == host


class OriginGuard:
    """Refuses /api/ requests from origins not allowed, and answers CORS for those allowed."""

    def __init__(self, app: ASGIApp, origins: Iterable[str] = ()) -> None:
        self.app = app
        self.origins = allowed_origins(origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if origin is None or is_own(origin, headers.get("host", "")):
            await self.app(scope, receive, send)
            return
        if not is_allowed(origin, self.origins):
            message = (
                f"requests from {origin} are not allowed; start the service with "
                f"--cors-origin {origin} if the site is hosted there"
            )
            await error_response(403, message)(scope, receive, send)
            return
        cors = {"access-control-allow-origin": origin, "vary": "Origin"}
        if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
            cors |= {
                "access-control-allow-methods": "GET, POST, OPTIONS",
                "access-control-allow-headers": "Content-Type",
                "access-control-max-age": "600",
            }
            await Response(status_code=204, headers=cors)(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [(k.encode(), v.encode()) for k, v in cors.items()]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_cors)
