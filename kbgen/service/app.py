"""The Starlette app: the built site plus kbgen's JSON API, composed from route modules."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from kbgen.errors import KbgenError
from kbgen.feedback import default_url, open_store
from kbgen.paths import MANIFEST_FILE, state_dir
from kbgen.service import feedback_api, openapi, search_api
from kbgen.service.guards import OriginGuard

_ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def load_manifest(site_dir: Path) -> dict[str, Any]:
    """The articles the last build produced (written by the plugin beside the site)."""
    path = state_dir(site_dir) / MANIFEST_FILE
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise KbgenError(f"{path}: not found; run 'kbgen build' before 'kbgen serve'") from None
    except (OSError, ValueError) as exc:
        raise KbgenError(f"{path}: cannot read it ({exc}); run 'kbgen build' again to write "
                         "it anew") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("articles"), list):
        raise KbgenError(f"{path}: not the list of articles a build writes; run 'kbgen build' "
                         "again to write it anew")
    return manifest


async def health(request: Request) -> JSONResponse:
    """Liveness and what is being served."""
    manifest = request.app.state.manifest
    return JSONResponse({"status": "ok", "articles": len(manifest["articles"]),
                         "feedback": await feedback_api.status(request.app),
                         "search": await search_api.status(request.app)})


async def json_error(request: Request, exc: Exception) -> JSONResponse:
    """Errors under /api are JSON with a message, never an HTML page or a traceback."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) else "internal error"
    return JSONResponse({"error": detail, "status": status}, status_code=status)


async def http_error(request: Request, exc: Exception) -> Response:
    """JSON under /api (405, 404 ...); the plain default elsewhere."""
    assert isinstance(exc, HTTPException)
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": exc.detail, "status": exc.status_code},
                            status_code=exc.status_code, headers=exc.headers)
    return PlainTextResponse(exc.detail, status_code=exc.status_code, headers=exc.headers)


async def api_not_found(request: Request) -> JSONResponse:
    """An /api path no route answers: JSON, not the site's 404 page (405 for a wrong method)."""
    path = request.url.path
    for route in request.app.router.routes:
        if isinstance(route, Route) and route.methods and route.path_regex.match(path) \
                and route.endpoint is not api_not_found:
            allow = ", ".join(sorted(route.methods))
            return JSONResponse({"error": f"{path} answers {allow}", "status": 405},
                                status_code=405, headers={"Allow": allow})
    return JSONResponse({"error": f"no API at {path}; /api/openapi.json lists what there is",
                         "status": 404}, status_code=404)


@contextlib.asynccontextmanager
async def _lifespan(app: Starlette) -> AsyncIterator[None]:
    """At start, the search index opened and warmed; at the end, the feedback store closed."""
    await run_in_threadpool(search_api.prepare, app)
    async with feedback_api.lifespan(app):
        yield


def create_app(
    site_dir: str | Path,
    *,
    db_url: str | None = None,
    cors_origins: Sequence[str] = (),
    rate_limit: int = feedback_api.DEFAULT_RATE_LIMIT,
) -> Starlette:
    """The service for the site built into `site_dir`, storing feedback at `db_url`."""
    site = Path(site_dir).resolve()
    if not (site / "index.html").is_file():
        raise KbgenError(f"{site}: no built site here; run 'kbgen build' first")
    manifest = load_manifest(site)
    routes: list[Any] = [Route("/api/health", health, methods=["GET"])]
    routes += feedback_api.routes()
    routes += search_api.routes()
    routes.append(Route("/api/openapi.json", openapi.serve_document, methods=["GET"]))
    routes.append(Route("/api/{path:path}", api_not_found, methods=_ALL_METHODS))
    routes.append(Route("/api", api_not_found, methods=_ALL_METHODS))
    routes.append(Mount("/", app=StaticFiles(directory=site, html=True), name="site"))
    store = open_store(db_url or default_url(state_dir(site)))
    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error, 500: json_error},
                    middleware=[Middleware(OriginGuard, origins=cors_origins),
                                # Search files and pages travel compressed, as from a CDN.
                                Middleware(GZipMiddleware, minimum_size=1024)],
                    lifespan=_lifespan)
    app.state.feedback = feedback_api.FeedbackApi(store, manifest, rate_limit, cors_origins)
    app.state.store = store
    app.state.openapi = openapi.document(search_api.OPENAPI_PATHS)
    app.state.site_dir = site
    app.state.manifest = manifest
    return app
