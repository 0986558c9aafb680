"""The Starlette app: the built site plus kbgen's JSON API, composed from route modules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from kbgen.errors import KbgenError
from kbgen.paths import state_dir


def load_manifest(site_dir: Path) -> dict[str, Any]:
    """The articles the last build produced (written by the plugin beside the site)."""
    path = state_dir(site_dir) / "articles.json"
    try:
        return json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise KbgenError(f"{path}: not found; run 'kbgen build' before 'kbgen serve'") from None


async def health(request: Request) -> JSONResponse:
    """Liveness and what is being served."""
    manifest = request.app.state.manifest
    return JSONResponse({"status": "ok", "articles": len(manifest["articles"])})


async def json_error(request: Request, exc: Exception) -> JSONResponse:
    """Errors under /api are JSON with a message, never an HTML page or a traceback."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) else "internal error"
    return JSONResponse({"error": detail, "status": status}, status_code=status)


def create_app(site_dir: str | Path) -> Starlette:
    """The service for the site built into `site_dir`."""
    site = Path(site_dir).resolve()
    if not (site / "index.html").is_file():
        raise KbgenError(f"{site}: no built site here; run 'kbgen build' first")
    manifest = load_manifest(site)
    routes: list[Any] = [Route("/api/health", health, methods=["GET"])]
    routes.append(Mount("/", app=StaticFiles(directory=site, html=True), name="site"))
    app = Starlette(routes=routes, exception_handlers={500: json_error})
    app.state.site_dir = site
    app.state.manifest = manifest
    return app
