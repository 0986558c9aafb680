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


def _listen(host: str, port: int) -> socket.socket:
    """A socket bound to `host` and `port` (0: any free port), for uvicorn to serve on; binding
    it here lets the address printed be the one served, and a port taken be one clear line."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise KbgenError(f"{host}:{port} is already in use; stop the other server or "
                             "pass --port with a free port") from None
        raise KbgenError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    return sock


def _address(sock: socket.socket) -> str:
    """The address `sock` serves, with the port it really got."""
    host, port = sock.getsockname()[:2]
    return f"http://{f'[{host}]' if sock.family == socket.AF_INET6 else host}:{port}/"


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
    with _listen(host, port) as sock:
        app = create_app(site_dir, db_url=db_url, cors_origins=cors_origins,
                         rate_limit=rate_limit)
        print(f"Serving {site_dir} on {_address(sock)} (Ctrl+C to stop); "
              f"feedback goes to {app.state.store.description}", flush=True)
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
        try:
            server.run(sockets=[sock])
        except KeyboardInterrupt:  # uvicorn stops on Ctrl+C, then raises it again for its caller
            pass
