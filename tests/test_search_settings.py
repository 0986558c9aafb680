"""Material's own search front matter, `search: {boost: N}` and `search: {exclude: true}`, in
`kbgen search` and in the browser alike: a page written for Material's search keeps its meaning."""

from __future__ import annotations

import pytest
from conftest import article
from search_fixtures import BuiltSite, build_kb
from site_server import static_server

from kbgen.articles import parse_article
from kbgen.search.searcher import Searcher

BODY = "Export the ledger to a spreadsheet once a month."
ARTICLES = {
    "ledger/export-csv.md": article("Export the ledger as CSV", "A spreadsheet of the ledger.",
                                    body=BODY),
    "ledger/export-excel.md": article("Export the ledger to Excel", "A spreadsheet of the ledger.",
                                      body=BODY),
    # Boosted: in Material's front matter, `search: {boost: 2}`.
    "ledger/export-pdf.md": "---\ntitle: Export the ledger as PDF\ndescription: A spreadsheet "
                            "of the ledger.\nsearch:\n  boost: 3\n---\n\n" + BODY,
    "ledger/old-export.md": "---\ntitle: Export the ledger from the legacy screens\n"
                            "description: Before 2020.\nsearch:\n  exclude: true\n---\n\n"
                            + BODY + " Export export.",
    "ledger/archive.md": "---\ntitle: Ledger export archive\ndescription: Old exports.\n"
                         "search: {boost: 0.01}\n---\n\n" + BODY,
}
QUERIES = ["export the ledger", "ledger spreadsheet", "legacy screens", "archive"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    return build_kb(tmp_path_factory.mktemp("settings"), ARTICLES)


def python_rankings(built: BuiltSite) -> dict[str, list[str]]:
    with Searcher(built.state) as searcher:
        return {q: [r["url"] for r in searcher.search(q, limit=10)["results"]] for q in QUERIES}


def test_a_boosted_article_comes_first_and_a_lowered_one_last(built: BuiltSite):
    found = python_rankings(built)
    assert found["export the ledger"][0] == "ledger/export-pdf/"
    assert found["export the ledger"][-1] == "ledger/archive/"
    assert found["ledger spreadsheet"][0] == "ledger/export-pdf/"
    assert found["archive"] == ["ledger/archive/"]  # lowered, but still found


def test_an_excluded_article_is_published_but_never_found(built: BuiltSite):
    found = python_rankings(built)
    assert not any("old-export" in url for urls in found.values() for url in urls)
    assert found["legacy screens"] == []
    assert (built.site / "ledger/old-export/index.html").is_file()


@pytest.mark.browser
def test_the_browser_boosts_and_excludes_the_same(page, built: BuiltSite):
    with static_server(built.site) as url:
        page.goto(url)
        page.wait_for_function("window.kbgen && window.kbgen.search")
        in_browser = page.evaluate(
            """async (queries) => {
                 const out = {};
                 for (const q of queries) {
                   out[q] = (await window.kbgen.search(q, {limit: 10})).map((r) => r.url);
                 }
                 return out;
               }""", QUERIES)
    assert in_browser == python_rankings(built)


def test_settings_are_read_as_material_writes_them():
    def settings(front: str) -> tuple[bool, float, list[str]]:
        data = f"---\ntitle: T\ndescription: D.\n{front}---\nBody\n".encode()
        parsed = parse_article("a/b.md", data)
        assert parsed.article is not None
        return (parsed.article.search_exclude, parsed.article.search_boost,
                [str(p) for p in parsed.problems])

    assert settings("") == (False, 1.0, [])
    assert settings("search:\n  boost: 2\n") == (False, 2.0, [])
    assert settings("search: {exclude: true}\n") == (True, 1.0, [])
    exclude, boost, problems = settings("search:\n  boost: 0\n  colour: red\n")
    assert (exclude, boost) == (False, 1.0)
    assert problems == [
        "a/b.md:5: search.boost: 0 is not a number above 0 (2 ranks the article higher, 0.5 "
        "lower; 'exclude: true' leaves it out of search)",
        "a/b.md:6: search.colour: not a search setting; kbgen knows search.exclude and "
        "search.boost"]
    assert settings("search: yes\n")[2] == [
        "a/b.md:4: search: must be settings such as 'search: {boost: 2}' or "
        "'search: {exclude: true}'"]
