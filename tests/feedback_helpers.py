"""A small help center built for real, and `kbgen serve` running it, for the feedback tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from conftest import MakeKb, article

from kbgen.build import build_site

KBGEN = Path(sys.executable).parent / "kbgen"

ARTICLES = {
    "billing/refunds.md": article(
        "Get a refund",
        "How to get your money back for an order.",
        body="## Ask for a refund\n\nOpen **Orders**, pick the order and choose *Refund*.\n",
        related=["billing/invoices", "account/password"],
    ),
    "billing/invoices.md": article(
        "Download an invoice",
        "Where invoices are and how to download them.",
        body="Invoices are under **Billing > Invoices**.\n",
    ),
    "billing/payment-declined.md": article(
        "A payment was declined",
        "What to do when a card payment fails.",
        type="troubleshooting",
        body="Check the card's expiry date.\n",
    ),
    "account/password.md": article(
        "Reset your password",
        "Get back into your account.",
        type="tutorial",
        body="1. Open the sign-in page.\n2. Choose *Forgot password*.\n",
    ),
    "account/delete.md": article(
        "Delete your account",
        "Close your account for good.",
        feedback=False,
        body="Write to us to delete your account.\n",
    ),
}
PLUGIN_OPTIONS = """\
feedback:
  contact:
    email: help@example.com
    chat: https://chat.example.com/
    phone: +1 555 0100
"""

THEME = """\
  name: material
  font: false
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
"""


def build_help_center(make_kb: MakeKb, plugin_options: str = PLUGIN_OPTIONS) -> Path:
    """Write and build the test help center; returns the folder holding its mkdocs.yml."""
    root = make_kb(files=ARTICLES, plugin_options=plugin_options)
    config = root / "mkdocs.yml"
    # Material fetches Google Fonts by default; the site must load nothing from another origin.
    config.write_text(config.read_text().replace("  name: material\n", THEME))
    build_site(config)
    return root


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Service:
    """`kbgen serve` in a subprocess on 127.0.0.1; it can be stopped and started again."""

    def __init__(self, root: Path, *args: str, port: int | None = None) -> None:
        self.root = root
        self.args = list(args)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = root / f"serve-{self.port}.log"

    def start(self, timeout: float = 20.0) -> Service:
        """Start the server and wait until /api/health answers."""
        command = [
            str(KBGEN),
            "serve",
            "-f",
            str(self.root / "mkdocs.yml"),
            "--port",
            str(self.port),
            *self.args,
        ]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, stdout=log, stderr=log, env={**os.environ, "PYTHONUNBUFFERED": "1"}
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"kbgen serve exited: {self.log.read_text()}")
            try:
                if httpx.get(f"{self.url}/api/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"kbgen serve did not answer in {timeout} s: {self.log.read_text()}")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop the server (SIGTERM lets it finish its writes; SIGKILL does not)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self) -> Service:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
