"""Running the service under uvicorn, with a clear message when the port is taken."""

from __future__ import annotations

import errno
import socket
from collections.abc import Sequence
from pathlib import Path

import uvicorn

from kbgen.errors import KbgenError
from kbgen.service.app import create_app
from kbgen.service.feedback_api import DEFAULT_RATE_LIMIT


def _check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise KbgenError(f"{host}:{port} is already in use; stop the other server or "
                                 "pass --port with a free port") from None
            raise KbgenError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def run(
    site_dir: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    db_url: str | None = None,
    cors_origins: Sequence[str] = (),
    rate_limit: int = DEFAULT_RATE_LIMIT,
) -> None:
    """Serve `site_dir` and the API until interrupted."""
    _check_port(host, port)
    app = create_app(site_dir, db_url=db_url, cors_origins=cors_origins, rate_limit=rate_limit)
    print(f"Serving {site_dir} on http://{host}:{port}/ (Ctrl+C to stop); "
          f"feedback goes to {app.state.store.description}", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
