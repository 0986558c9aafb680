"""Load test of `kbgen serve` on SQLite over loopback, then a crash test.

Run 1: several concurrent clients send votes for a while; prints votes per second and p50/p99.
Run 2: the same load, and the server is killed with SIGKILL in the middle; every vote that was
acknowledged with a 2xx must be in the database. Exits non-zero if one is lost.

    .venv/bin/python bench/feedback_load.py [--clients 16] [--seconds 10] [--votes 30000]

Traffic goes to 127.0.0.1 only, and every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from kbgen.build import build_site
from kbgen.feedback import open_store
from kbgen.feedback.store import hash_client
from kbgen.scaffold import init_site

KBGEN = Path(sys.executable).parent / "kbgen"
HOST = "127.0.0.1"


@dataclass
class Load:
    """What one load run saw."""

    latencies: list[float] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)
    failures: int = 0
    sent: int = 0
    seconds: float = 0.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def start_server(root: Path, db: Path, port: int) -> subprocess.Popen[bytes]:
    command = [
        str(KBGEN),
        "serve",
        "-f",
        str(root / "mkdocs.yml"),
        "--port",
        str(port),
        "--db",
        f"sqlite:///{db}",
        "--rate-limit",
        "0",
    ]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://{HOST}:{port}/api/health", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit(
        f"kbgen serve did not start: {server.stderr.read().decode() if server.stderr else ''}"
    )


async def _client(port: int, pages: list[str], load: Load, budget: int, stop_at: float) -> None:
    try:
        reader, writer = await asyncio.open_connection(HOST, port)
    except OSError:
        load.failures += 1
        return
    try:
        while load.sent < budget and time.monotonic() < stop_at:
            load.sent += 1
            client = uuid.uuid4().hex
            body = json.dumps(
                {
                    "page": pages[load.sent % len(pages)],
                    "helpful": load.sent % 4 != 0,
                    "reason": None if load.sent % 4 else "Hard to follow",
                    "client": client,
                }
            ).encode()
            request = (
                f"POST /api/feedback HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
            ).encode() + body
            start = time.perf_counter()
            writer.write(request)
            status_line = await reader.readline()
            if not status_line:
                raise ConnectionResetError("the server closed the connection")
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            status = int(status_line.split()[1]) if status_line else 0
            if 200 <= status < 300:
                load.latencies.append(time.perf_counter() - start)
                load.acknowledged.append(client)
            else:
                load.failures += 1
    except (OSError, asyncio.IncompleteReadError, IndexError, ValueError):
        load.failures += 1  # the server went away (run 2 kills it on purpose)
    finally:
        writer.close()


async def run_load(
    port: int,
    pages: list[str],
    clients: int,
    seconds: float,
    votes: int,
    kill: subprocess.Popen[bytes] | None = None,
) -> Load:
    """`clients` connections send votes until `votes` are sent or `seconds` pass."""
    load = Load()
    start = time.monotonic()
    tasks = [
        asyncio.create_task(_client(port, pages, load, votes, start + seconds))
        for _ in range(clients)
    ]
    if kill is not None:
        await asyncio.sleep(seconds / 2)
        kill.send_signal(signal.SIGKILL)
    await asyncio.gather(*tasks)
    load.seconds = time.monotonic() - start
    return load


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent connections")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each run")
    parser.add_argument("--votes", type=int, default=30_000, help="most votes a run sends")
    args = parser.parse_args()
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)  # writes to the killed server
    with tempfile.TemporaryDirectory(prefix="kbgen-bench-") as tmp:
        root = Path(tmp) / "kb"
        init_site(root, "Bench Help Center")
        build_site(root / "mkdocs.yml")
        manifest = json.loads((root / ".kbgen" / "articles.json").read_text())
        pages = [a["id"] for a in manifest["articles"]]

        db, port = Path(tmp) / "run1.db", free_port()
        server = start_server(root, db, port)
        try:
            load = asyncio.run(run_load(port, pages, args.clients, args.seconds, args.votes))
        finally:
            server.terminate()
            server.wait(timeout=30)
        rate = len(load.latencies) / load.seconds
        print(
            f"run 1: {len(load.latencies)} votes from {args.clients} clients in "
            f"{load.seconds:.1f} s: {rate:,.0f} votes/s; latency p50 "
            f"{percentile(load.latencies, 0.5) * 1000:.1f} ms, p99 "
            f"{percentile(load.latencies, 0.99) * 1000:.1f} ms, mean "
            f"{statistics.fmean(load.latencies or [0]) * 1000:.1f} ms; failures {load.failures}"
        )

        db, port = Path(tmp) / "run2.db", free_port()
        server = start_server(root, db, port)
        load = asyncio.run(run_load(port, pages, args.clients, 4.0, args.votes, kill=server))
        server.wait(timeout=30)
        with open_store(f"sqlite:///{db}") as store:
            stored_hashes = {v.client_hash for v in store.votes()}
        acknowledged = {hash_client(c) for c in load.acknowledged}
        kept = len(acknowledged & stored_hashes)
        lost = len(acknowledged) - kept
        print(
            f"run 2 (SIGKILL after 2 s): acknowledged {len(acknowledged)}, stored {kept}, "
            f"lost {lost} ({len(stored_hashes) - kept} more stored but never acknowledged)"
        )
        return 1 if lost or not acknowledged else 0


if __name__ == "__main__":
    sys.exit(main())
