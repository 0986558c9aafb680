"""Shared by the search benchmarks: building sites, a gzip static server, Chromium, Pagefind."""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import json
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
_COMPRESSIBLE = (".json", ".js", ".css", ".html", ".pf_meta", ".svg")


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzipped when the browser accepts it (as any CDN or static host does), and
    byte ranges, several in one request (as nginx, Apache and Caddy answer) unless `ranges` is
    off (as Amazon S3 or Python's http.server, which answer one range or none)."""

    ranges = True
    cache: dict[str, bytes] = {}
    pages: dict[str, bytes] = {}  # bench pages served beside the site, by path
    posted: list[bytes] = []  # what bench pages POST back
    protocol_version = "HTTP/1.1"  # keep-alive, as any real static host
    disable_nagle_algorithm = True  # or each response waits 40 ms for a delayed ACK

    def log_message(self, format: str, *args: object) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_POST(self) -> None:
        self.posted.append(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        self.send_response(204)
        self.end_headers()

    def send_head(self):  # type: ignore[no-untyped-def]
        if self.path in self.pages:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(self.pages[self.path])))
            self.end_headers()
            return io.BytesIO(self.pages[self.path])
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if self.ranges and self.headers.get("Range", "").startswith("bytes=") and path.is_file():
            return self._ranges(path)
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not accepts or not path.is_file() or path.suffix not in _COMPRESSIBLE:
            return super().send_head()
        key = str(path)
        if key not in self.cache:
            self.cache[key] = gzip.compress(path.read_bytes(), 6)
        body = self.cache[key]
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


    def _ranges(self, path: Path) -> io.BytesIO:
        """A 206 answer with the requested ranges (`a-b`, inclusive), as multipart/byteranges
        when there are several, uncompressed, as nginx answers."""
        data = path.read_bytes()
        spans = [(int(a), min(int(b), len(data) - 1)) for a, b in
                 (part.strip().split("-") for part in self.headers["Range"][6:].split(","))]
        self.send_response(206)
        if len(spans) == 1:
            (a, b), = spans
            body = data[a:b + 1]
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Range", f"bytes {a}-{b}/{len(data)}")
        else:
            boundary = "kbgenbenchboundary"
            out = io.BytesIO()
            for a, b in spans:
                out.write(f"\r\n--{boundary}\r\nContent-Type: application/octet-stream\r\n"
                          f"Content-Range: bytes {a}-{b}/{len(data)}\r\n\r\n".encode())
                out.write(data[a:b + 1])
            out.write(f"\r\n--{boundary}--\r\n".encode())
            body = out.getvalue()
            self.send_header("Content-Type", f"multipart/byteranges; boundary={boundary}")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def arguments(description: str) -> argparse.ArgumentParser:
    """The options every site-building search benchmark takes: where to build, and reuse."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--work", type=Path, default=Path("/tmp/kbgen-bench"))
    parser.add_argument("--reuse", action="store_true", help="Reuse sites built before.")
    return parser


@contextmanager
def serve(site: Path, ranges: bool = True) -> Iterator[str]:
    """Serve `site` on a free loopback port, gzipping text, answering several byte ranges in one
    request or (`ranges` off) none; yields the base URL."""
    handler = functools.partial(type("Handler", (_Handler,), {"ranges": ranges}),
                                directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def write_config(base: Path, docs: Path, *, kbgen: bool) -> Path:
    """An mkdocs.yml for `docs`: with kbgen, or plain Material with its built-in search."""
    base.mkdir(parents=True, exist_ok=True)
    config = base / "mkdocs.yml"
    if kbgen:
        plugins = "plugins:\n  - kbgen\n"
        theme = "theme:\n  name: material\n  font: false\n"
    else:
        # Material renders the whole navigation into every page (quadratic on 2,000 pages); an
        # empty nav partial keeps the build short and changes nothing in search_index.json.
        overrides = base / "overrides" / "partials"
        overrides.mkdir(parents=True, exist_ok=True)
        (overrides / "nav.html").write_text("", encoding="utf-8")
        plugins = "plugins:\n  - search\n"
        theme = f"theme:\n  name: material\n  font: false\n  custom_dir: {base / 'overrides'}\n"
    config.write_text(textwrap.dedent(f"""\
        site_name: Bench
        docs_dir: {docs}
        site_dir: {base / 'site'}
        """) + theme + plugins, encoding="utf-8")
    return config


def build(config: Path) -> Path:
    """`mkdocs build` (kbgen or plain) into the config's site_dir; returns the site."""
    site = config.parent / "site"
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)],
                   check=True, stderr=subprocess.DEVNULL)
    return site


def pagefind(site: Path) -> Path:
    """Index `site` with Pagefind (from `pip install 'pagefind[bin]'`); returns its bundle."""
    bundle = site / "pagefind"
    shutil.rmtree(bundle, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site), "--glob",
                    "**/*.html"], check=True, stdout=subprocess.DEVNULL)
    return bundle


@contextmanager
def chromium() -> Iterator[object]:
    """Debian's Chromium through Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def undebugged(url: str, page: str, timeout: float = 300) -> object:
    """Run `page` (HTML whose script POSTs JSON back) in Chromium started plainly, with no
    DevTools protocol attached, as a customer's browser runs; returns what the page posted.
    Playwright's instrumentation roughly doubles the cost of each fetch on this machine."""
    path = "/__bench/"
    _Handler.pages[path] = page.encode("utf-8")
    _Handler.posted.clear()
    profile = Path(tempfile.mkdtemp(prefix="kbgen-bench-chromium-"))
    command = [CHROMIUM, "--headless", *CHROMIUM_ARGS, f"--user-data-dir={profile}",
               url.rstrip("/") + path]
    browser = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + timeout
        while not _Handler.posted:
            if time.monotonic() > deadline or browser.poll() is not None:
                raise RuntimeError("the bench page in Chromium posted nothing back")
            time.sleep(0.2)
        return json.loads(_Handler.posted[0])
    finally:
        browser.kill()
        browser.wait()
        shutil.rmtree(profile, ignore_errors=True)


def median(values: list[float]) -> float:
    """The middle value."""
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of `values` fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(share * len(ordered))) - 1))]
