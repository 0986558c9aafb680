"""Latency of GET /api/search on `kbgen serve` over loopback, on the business-central site.

Starts the real service on the site built by bench/search_bytes.py, sends every question once to
warm it, then each of them again several times, and prints p50/p95/p99.

    .venv/bin/python bench/search_api.py [--site-config /tmp/kbgen-bench/bc-kbgen/mkdocs.yml]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from search_bytes import FIRST_QUERY, LATER_QUERIES, TYPED_QUERIES
from search_common import median, percentile

KBGEN = Path(sys.executable).parent / "kbgen"
ROUNDS = 5


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-config", type=Path,
                        default=Path("/tmp/kbgen-bench/bc-kbgen/mkdocs.yml"))
    args = parser.parse_args()
    port = _free_port()
    launched = time.perf_counter()
    server = subprocess.Popen([str(KBGEN), "serve", "-f", str(args.site_config), "--port",
                               str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              env={**os.environ, "PYTHONUNBUFFERED": "1"})
    url = f"http://127.0.0.1:{port}/api/search"
    queries = [FIRST_QUERY, *LATER_QUERIES, *TYPED_QUERIES]
    try:
        with httpx.Client(timeout=30) as client:
            deadline = time.monotonic() + 30
            while True:
                try:
                    client.get(f"http://127.0.0.1:{port}/api/health")
                    ready = (time.perf_counter() - launched) * 1000
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("kbgen serve did not start") from None
                    time.sleep(0.2)
            start = time.perf_counter()
            client.get(url, params={"q": FIRST_QUERY})
            opening = (time.perf_counter() - start) * 1000
            cold = []
            for query in queries[1:]:
                start = time.perf_counter()
                client.get(url, params={"q": query, "limit": 10}).raise_for_status()
                cold.append((time.perf_counter() - start) * 1000)
            warm = []
            for _ in range(ROUNDS):
                for query in queries:
                    start = time.perf_counter()
                    client.get(url, params={"q": query, "limit": 10}).raise_for_status()
                    warm.append((time.perf_counter() - start) * 1000)
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"GET /api/search on business-central over loopback ({len(queries)} questions):")
    print(f"  service start until it answers (opens and warms the index): {ready:.0f} ms")
    print(f"  first request: {opening:.0f} ms")
    print(f"  each question's first time: p50 {median(cold):.1f} ms, "
          f"p95 {percentile(cold, 0.95):.1f} ms")
    print(f"  {len(warm)} requests after that: p50 {median(warm):.1f} ms, "
          f"p95 {percentile(warm, 0.95):.1f} ms, p99 {percentile(warm, 0.99):.1f} ms")


if __name__ == "__main__":
    main()
