"""Search on a host that answers byte ranges: the same results from one request of ranges of
docs.bin (and of terms.bin) as from one file a request on a host that answers none."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from search_fixtures import BuiltSite, build_small_kb
from site_server import ranged_server, static_server

pytestmark = pytest.mark.browser

# Questions, a typo, a phrase, a filter-less word most articles have, a word none has.
QUERIES = ["money back for my order", "how do I change my password", "refnud", "order",
           '"reset your password"', "shipping to another country", "invoice pdf", "zebra"]
SEARCHES = """async (queries) => {
    const out = [];
    for (const q of queries) out.push(await window.kbgen.searchDetails(q, {limit: 10}));
    return out;
  }"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    return build_small_kb(tmp_path_factory.mktemp("browser-ranges"))


def searched(browser, url: str) -> tuple[list[object], list[tuple[str, str | None]]]:
    """Every query's full answer on a fresh page of the site at `url`, and the search files the
    page asked for, with the byte ranges it asked for."""
    page = browser.new_page()
    asked: list[tuple[str, str | None]] = []
    page.on("request", lambda r: asked.append((r.url.split("/assets/kbgen/search/")[-1],
                                               r.headers.get("range")))
            if "/assets/kbgen/search/" in r.url else None)
    try:
        page.goto(url + "billing/invoices/")
        page.wait_for_function("window.kbgen && window.kbgen.searchDetails")
        return page.evaluate(SEARCHES, QUERIES), asked
    finally:
        page.close()


def test_a_host_answering_ranges_gives_the_same_results_in_fewer_requests(browser,
                                                                          built: BuiltSite):
    with static_server(built.site) as url:
        plain, plain_asked = searched(browser, url)
    with ranged_server(built.site) as url:
        ranged, ranged_asked = searched(browser, url)
    assert ranged == plain
    assert plain[0]["results"][0]["title"] == "Get a refund"
    # Without ranges: one file an article and a term shard; docs.bin and terms.bin untouched.
    plain_files = {path.split("/")[0] for path, _ in plain_asked}
    assert {"d", "t"} <= plain_files and not plain_files & {"docs.bin", "terms.bin"}
    # With them: no article or term file at all, each search one request of each bundle.
    ranged_files = [path for path, _ in ranged_asked]
    assert not [p for p in ranged_files if p.startswith(("d/", "t/"))], ranged_files
    docs = [rng for path, rng in ranged_asked if path == "docs.bin"]
    assert docs and all(rng and rng.startswith("bytes=") for rng in docs)
    assert 1 <= len(docs) <= len(QUERIES)
    # Several articles in one request, adjacent ones among them (which Starlette merges).
    spans = [[tuple(map(int, part.split("-"))) for part in rng[6:].split(",")] for rng in docs]
    assert max(len(s) for s in spans) >= 4
    assert any(a[1] + 1 == b[0] for s in spans for a, b in zip(s, s[1:], strict=False))


def test_a_bundle_changed_under_the_page_falls_back_to_the_article_files(browser, tmp_path: Path,
                                                                         built: BuiltSite):
    site = tmp_path / "site"
    shutil.copytree(built.site, site)
    with static_server(built.site) as url:
        plain, _ = searched(browser, url)
    with ranged_server(site) as url:
        page = browser.new_page()
        asked: list[str] = []
        page.on("request", lambda r: asked.append(r.url.split("/assets/kbgen/search/")[-1]))
        try:
            page.goto(url + "billing/invoices/")
            page.wait_for_function("window.kbgen && window.kbgen.searchDetails")
            page.evaluate("window.kbgen.search('zebra')")  # loads the lengths of the bundles
            # A deploy replaces docs.bin with one whose articles are elsewhere.
            bundle = site / "assets/kbgen/search/docs.bin"
            bundle.write_bytes(bundle.read_bytes()[64:] + bytes(64))
            answers = page.evaluate(SEARCHES, QUERIES)
        finally:
            page.close()
    assert answers == plain
    assert "docs.bin" in asked and any(path.startswith("d/") for path in asked)
