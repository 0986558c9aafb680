"""The API's OpenAPI description, assembled from what each route module declares."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from kbgen import __version__
from kbgen.service.feedback_api import SEARCH_LOG_SCHEMA, VOTE_SCHEMA

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error", "status"],
    "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
}


def error(description: str) -> dict[str, Any]:
    """An error response: JSON with a message and the status."""
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def ok(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    """A JSON success response."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _write(summary: str, schema_name: str, answer: dict[str, Any]) -> dict[str, Any]:
    return {
        "post": {
            "summary": summary,
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}
                },
            },
            "responses": {
                "200": answer,
                "400": error("The body is not valid JSON."),
                "403": error("The request comes from an origin the service does not allow."),
                "413": error("The body is too large."),
                "415": error("The body is not sent as application/json."),
                "422": error("The body does not match the schema, or names an unknown page."),
                "429": error("Too many requests from this client; retry later."),
                "503": error("The feedback store cannot be written; retry later."),
            },
        }
    }


FEEDBACK_PATHS: dict[str, Any] = {
    "/api/feedback": _write(
        "Record a vote on an article",
        "Vote",
        ok(
            "Stored.",
            {
                "type": "object",
                "required": ["stored", "page", "revision", "helpful"],
                "properties": {
                    "stored": {"type": "boolean"},
                    "page": {"type": "string"},
                    "revision": {"type": "string"},
                    "helpful": {"type": "boolean"},
                },
            },
        ),
    ),
    "/api/search-log": _write(
        "Record a search made in the browser",
        "SearchLog",
        ok(
            "Logged.",
            {
                "type": "object",
                "required": ["logged"],
                "properties": {"logged": {"type": "boolean"}},
            },
        ),
    ),
}
_PART = {"type": "object", "required": ["ok"], "properties": {
    "ok": {"type": "boolean"}, "error": {"type": "string"}}}
SERVICE_PATHS: dict[str, Any] = {
    "/api/health": {
        "get": {
            "summary": "Whether the service, its feedback store and its search index are up",
            "responses": {
                "200": ok(
                    "Up; `feedback` and `search` each say `ok` or give the `error`.",
                    {
                        "type": "object",
                        "required": ["status", "articles", "feedback", "search"],
                        "properties": {
                            "status": {"type": "string"},
                            "articles": {"type": "integer"},
                            "feedback": _PART,
                            "search": _PART,
                        },
                    },
                )
            },
        }
    },
    "/api/openapi.json": {
        "get": {
            "summary": "This description",
            "responses": {"200": ok("The OpenAPI document.", {"type": "object"})},
        }
    },
}
SCHEMAS: dict[str, Any] = {
    "Error": ERROR_SCHEMA,
    "Vote": VOTE_SCHEMA,
    "SearchLog": SEARCH_LOG_SCHEMA,
}


def document(*path_groups: dict[str, Any], schemas: dict[str, Any] | None = None) -> dict[str, Any]:
    """The OpenAPI 3.0 document for the given paths (each route module brings its own)."""
    paths: dict[str, Any] = {}
    for group in (SERVICE_PATHS, FEEDBACK_PATHS, *path_groups):
        paths.update(group)
    return {
        "openapi": "3.0.3",
        "info": {"title": "kbgen help-center service", "version": __version__},
        "paths": paths,
        "components": {"schemas": {**SCHEMAS, **(schemas or {})}},
    }


async def serve_document(request: Request) -> JSONResponse:
    """GET /api/openapi.json."""
    return JSONResponse(request.app.state.openapi)
