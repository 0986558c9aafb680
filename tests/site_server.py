"""A real HTTP server on 127.0.0.1 serving a built site, for browser tests."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def static_server(site_dir: Path) -> Iterator[str]:
    """Serve `site_dir` on a free loopback port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class SiteServer:
    """A static host for `site_dir` on 127.0.0.1 that can be stopped and started again on the same
    port, as a host goes down and comes back. POST answers `post_status` (404, 405 ...), or 501
    as Python's http.server does when it is None."""

    def __init__(self, site_dir: Path, post_status: int | None = None) -> None:
        handler: type[_QuietHandler] = _QuietHandler
        if post_status is not None:

            class _Refusing(_QuietHandler):
                def do_POST(self) -> None:
                    self.send_error(post_status)

            handler = _Refusing
        self._handler = functools.partial(handler, directory=str(site_dir))
        self._server: http.server.ThreadingHTTPServer | None = None
        self.port = 0

    @property
    def url(self) -> str:
        """The site's base URL (the port stays the same across restarts)."""
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> SiteServer:
        """Listen (again) on the server's port, or a free one the first time."""
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), self._handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop answering: connections to the port are refused until `start`."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextmanager
def ranged_server(site_dir: Path) -> Iterator[str]:
    """Serve `site_dir` on a free loopback port with Starlette's StaticFiles on uvicorn, as
    `kbgen serve` does: it answers several byte ranges in one request (multipart/byteranges),
    as nginx, Apache and Caddy do, and merges adjacent ones. Yields the base URL."""
    import socket
    import time

    import uvicorn
    from starlette.applications import Starlette
    from starlette.routing import Mount
    from starlette.staticfiles import StaticFiles

    app = Starlette(routes=[Mount("/", app=StaticFiles(directory=site_dir, html=True))])
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/"
    finally:
        server.should_exit = True
        thread.join()
        listener.close()
