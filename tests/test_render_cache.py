"""Pages kept from the last build (`.kbgen/pages.sqlite`): a rebuild writes the same site, converts
again only what changed, and still reports (and, when strict, fails on) every broken link."""

from __future__ import annotations

import json
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
import zlib
from pathlib import Path

from conftest import article

from kbgen.site.render_cache import CACHE_FILE

ARTICLES = {
    "billing/refunds.md": article(
        "Get a refund", "How to get your money back.",
        body="""
        # Get a refund

        Ask within 30 days. See [update your card](update-card.md#steps) first.

        ## Before you ask {#before}

        !!! note "Keep the receipt"
            You need the order number.

        ## Steps

        1. Open **Orders**.
        2. Choose *Refund*.

        ```bash
        kbgen search "refund"
        ```
        """),
    "billing/update-card.md": article(
        "Update your card", "Replace the card we charge.",
        body="## Steps {#steps}\n\nOpen **Billing**, then **Card**. "
             "Back to [refunds](refunds.md).\n"),
    "account/close.md": article(
        "Close your account", "Leave for good.",
        body="Read [the export guide](export.md) first, and [refunds](../billing/refunds.md).\n"),
}
MARK = "<!-- kept from the last build -->"


def kbgen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the real `kbgen` command in `cwd`."""
    return subprocess.run([sys.executable, "-m", "kbgen", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def built(kb: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = kbgen("build", *args, cwd=kb)
    assert result.returncode == 0, result.stderr
    return result


def pages(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file()}


def mark_kept_pages(kb: Path) -> int:
    """Add MARK to the HTML of every page the cache holds; how many it holds."""
    db = sqlite3.connect(kb / ".kbgen" / CACHE_FILE)
    marked = 0
    for key, data in db.execute("SELECT key, data FROM converted").fetchall():
        kept = json.loads(zlib.decompress(data))
        if "content" in kept:
            kept["content"] += MARK
            db.execute("UPDATE converted SET data = ? WHERE key = ?",
                       (zlib.compress(json.dumps(kept).encode()), key))
            marked += 1
    db.commit()
    db.close()
    return marked


def test_a_rebuild_writes_the_same_site(make_kb):
    kb = make_kb(ARTICLES)
    first = built(kb)
    before = pages(kb / "site")
    again = built(kb)
    assert pages(kb / "site") == before
    # The broken link is reported by both builds, though the second converted nothing.
    assert "links to missing articles: 1 in 1 file" in first.stderr
    assert "links to missing articles: 1 in 1 file" in again.stderr


def test_only_the_edited_article_is_converted_again(make_kb):
    kb = make_kb(ARTICLES)
    built(kb)
    assert mark_kept_pages(kb) >= len(ARTICLES)
    refunds = kb / "docs/billing/refunds.md"
    refunds.write_text(refunds.read_text().replace("30 days", "60 days"), encoding="utf-8")
    built(kb)
    assert MARK in (kb / "site/billing/update-card/index.html").read_text()
    assert MARK in (kb / "site/account/close/index.html").read_text()
    edited = (kb / "site/billing/refunds/index.html").read_text()
    assert MARK not in edited
    assert "60 days" in edited


def test_a_page_is_rewritten_again_when_a_file_it_includes_changes(make_kb):
    # DocFX includes are put in place before conversion, and that rewrite is kept too: it must
    # not outlive the included files, nor forget what it reported.
    kb = make_kb({
        "billing/fees.md": article(
            "Fees", "What we charge.",
            body="Read this.\n\n[!INCLUDE [fee](../includes/fee.md)]\n\n"
                 "[!INCLUDE [later](../includes/later.md)]\n"),
        "includes/fee.md": "A fee of 5 EUR applies.\n",
    })
    page = kb / "site/billing/fees/index.html"
    missing = "[!INCLUDE] (file not found): 1 in 1 file"
    first = built(kb)
    assert "5 EUR" in page.read_text() and missing in first.stderr
    before = pages(kb / "site")
    again = built(kb)
    assert pages(kb / "site") == before and missing in again.stderr
    (kb / "docs/includes/fee.md").write_text("A fee of 7 EUR applies.\n", encoding="utf-8")
    built(kb)
    assert "7 EUR" in page.read_text() and "5 EUR" not in page.read_text()
    (kb / "docs/includes/later.md").write_text("Now written.\n", encoding="utf-8")
    mended = built(kb)
    assert "Now written." in page.read_text() and missing not in mended.stderr


def test_a_build_that_logs_more_keeps_its_own_pages_beside_the_others(make_kb):
    # `kbgen build -v` (and `mkdocs build`) log more than `kbgen build`, so they keep the pages
    # with other messages; neither may make the other convert everything again.
    kb = make_kb(ARTICLES)
    built(kb)
    assert mark_kept_pages(kb) >= len(ARTICLES)
    verbose = built(kb, "-v")
    assert "taken from the last build: 0" in verbose.stderr
    built(kb)
    assert MARK in (kb / "site/account/close/index.html").read_text()
    again = built(kb, "-v")
    assert "pages converted: 0" in again.stderr


def test_settings_that_name_a_function_still_find_the_kept_pages(make_kb):
    # As Material's documentation sets up Mermaid diagrams: the function's repr holds an address
    # that differs every build.
    kb = make_kb(ARTICLES)
    config = kb / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - pymdownx.superfences\n", """\
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
"""), encoding="utf-8")
    built(kb)
    assert mark_kept_pages(kb) >= len(ARTICLES)
    built(kb)
    assert MARK in (kb / "site/account/close/index.html").read_text()


def test_a_strict_build_fails_on_a_broken_link_every_time(make_kb):
    kb = make_kb(ARTICLES)
    built(kb)
    for _ in range(2):
        result = kbgen("build", "--strict", cwd=kb)
        assert result.returncode == 1
        assert "links to missing articles: 1 in 1 file" in result.stderr
        assert "Traceback" not in result.stderr


def test_a_new_file_mends_a_link_in_an_unchanged_article(make_kb):
    kb = make_kb(ARTICLES)
    built(kb)
    (kb / "docs/account/export.md").write_text(article("Export your data", "Take it with you."),
                                               encoding="utf-8")
    result = built(kb)
    assert "links to missing" not in result.stderr
    assert 'href="../export/"' in (kb / "site/account/close/index.html").read_text()


def test_nothing_is_kept_when_the_cache_is_off_or_extensions_read_files(make_kb, tmp_path):
    kb = make_kb(ARTICLES, plugin_options="cache: false")
    built(kb)
    assert not (kb / ".kbgen" / CACHE_FILE).exists()
    # pymdownx.snippets reads files of its own while converting: a page depends on more than its
    # Markdown, so nothing is kept.
    kb = make_kb(ARTICLES, root=tmp_path / "snippets")
    config = kb / "mkdocs.yml"
    config.write_text(config.read_text() + "  - pymdownx.snippets\n", encoding="utf-8")
    built(kb)
    assert not (kb / ".kbgen" / CACHE_FILE).exists()


def test_a_damaged_cache_is_converted_anew(make_kb):
    kb = make_kb(ARTICLES)
    built(kb)
    before = pages(kb / "site")
    (kb / ".kbgen" / CACHE_FILE).write_bytes(b"not a database")
    result = built(kb)
    assert "Traceback" not in result.stderr
    assert pages(kb / "site") == before
    # A new cache took its place, and serves the next build.
    assert mark_kept_pages(kb) >= len(ARTICLES)
    shutil.rmtree(kb / "site")
    built(kb)
    assert MARK in (kb / "site/account/close/index.html").read_text()


def test_a_build_beside_another_writing_the_cache_waits_once_and_carries_on(make_kb):
    kb = make_kb(ARTICLES)
    built(kb)
    (kb / "docs/billing/refunds.md").write_text(article("Get a refund", "Money back."),
                                                encoding="utf-8")
    other = sqlite3.connect(kb / ".kbgen" / CACHE_FILE)
    other.execute("BEGIN IMMEDIATE")  # as another build of the same site, mid-write
    try:
        result = built(kb, "-v")
    finally:
        other.rollback()
        other.close()
    assert result.stderr.count("not keeping converted pages this build") == 1
    assert "Money back." in (kb / "site/billing/refunds/index.html").read_text()


def test_mkdocs_serve_keeps_its_state_beside_mkdocs_yml(make_kb):
    # `mkdocs serve` builds into a new /tmp/mkdocs_... folder each time: state beside that would
    # be one /tmp/.kbgen for every project previewed on the machine.
    kb = make_kb(ARTICLES)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
                              cwd=kb, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    preview = kb / ".kbgen" / "preview"
    try:
        deadline = time.monotonic() + 120
        while True:  # it serves once the first build is done
            assert server.poll() is None and time.monotonic() < deadline, "mkdocs serve stopped"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/billing/refunds/") as page:
                    assert "Get a refund" in page.read().decode()
                    break
            except OSError:
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)
    listed = json.loads((preview / "articles.json").read_text())["articles"]
    assert "billing/refunds" in [a["id"] for a in listed]
    assert (preview / CACHE_FILE).is_file() and (preview / "search").is_dir()
    assert not (kb / ".kbgen" / "articles.json").exists()  # the built site's state is apart
