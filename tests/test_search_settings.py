"""Material's own search front matter, `search: {boost: N}` and `search: {exclude: true}`, in
`kbgen search` and in the browser alike: a page written for Material's search keeps its meaning."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import MKDOCS_YML, article
from search_fixtures import BuiltSite, build_kb, refunds_kb, write_kb
from site_server import static_server
from test_front_matter import kbgen

from kbgen.articles import parse_article
from kbgen.build import build_site
from kbgen.cli import main
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


# The same article, general and for one country: a category of country variants can be ranked
# below the general articles without editing each one (business-central's LocalFunctionality).
VARIANTS = {
    "general/print-reports.md": article(
        "Run and print reports in Business Central", "Print any report.",
        body="Choose the report, set its filters, then print the report or save it."),
    "local/print-vat-reports.md": article(
        "Print VAT reports [GB]", "Print the VAT reports of the United Kingdom.",
        body="Print the VAT report. Print the day book report."),
}


def _variants(base, options: str) -> BuiltSite:
    config = write_kb(base, VARIANTS)
    config.write_text(MKDOCS_YML.format(plugin_options=options), encoding="utf-8")
    build_site(config, site_dir=str(base / "site"))
    return BuiltSite(config, base / "site")


@pytest.mark.browser
def test_a_category_search_boost_ranks_all_its_articles_lower(tmp_path, page):
    plain = _variants(tmp_path / "plain", "")
    lowered = _variants(tmp_path / "lowered", ":\n      categories:\n        local:\n"
                                              "          search_boost: 0.5")
    query = "how do I print a report"
    with Searcher(plain.state) as searcher:
        assert [r["url"] for r in searcher.search(query)["results"]] == [
            "local/print-vat-reports/", "general/print-reports/"]
    with Searcher(lowered.state) as searcher:
        assert [r["url"] for r in searcher.search(query)["results"]] == [
            "general/print-reports/", "local/print-vat-reports/"]
    with static_server(lowered.site) as url:
        page.goto(url)
        page.wait_for_function("window.kbgen && window.kbgen.search")
        found = page.evaluate("async (q) => (await window.kbgen.search(q)).map((r) => r.url)",
                              query)
    assert found == ["general/print-reports/", "local/print-vat-reports/"]


def test_a_bad_category_search_boost_names_the_option(tmp_path):
    config = write_kb(tmp_path, VARIANTS)
    config.write_text(MKDOCS_YML.format(
        plugin_options=":\n      categories:\n        local:\n          search_boost: high"),
        encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "-f", str(config)])
    assert result.exit_code != 0
    assert "search_boost" in result.output and "Expected a number above 0" in result.output
    assert "Traceback" not in result.output


def test_turning_search_off_leaves_no_index_to_answer_from(make_kb):
    files = {"billing/invoices.md": article("Find an invoice"),
             "billing/refunds.md": article("Get a refund")}
    kb = make_kb(files)
    build_site(kb / "mkdocs.yml")
    (kb / "docs/billing/invoices.md").unlink()
    make_kb({}, plugin_options="search: false")
    build_site(kb / "mkdocs.yml")
    result = CliRunner().invoke(main, ["search", "invoice", "-f", str(kb / "mkdocs.yml")])
    assert result.exit_code == 1
    assert "search is off for this help center ('search: false'" in result.output
    assert not (kb / ".kbgen/search").exists() and not (kb / ".kbgen/search-export").exists()


def test_a_term_written_twice_in_the_synonyms_file_is_named_with_both_lines(make_kb):
    kb = refunds_kb(make_kb, "refund: money back\nparcel: package\nrefund: reimbursement\n")
    expected = ("synonyms.yml:3: 'refund' is already a term on line 1, whose synonyms are not "
                "used; put all of its synonyms on one line")
    result = kbgen("build", cwd=kb)
    assert result.returncode == 0, result.stderr
    assert expected in result.stderr and "Traceback" not in result.stderr
    # As YAML reads it, the later line is the one used.
    found = kbgen("search", "reimbursement", "--json", cwd=kb)
    assert [r["title"] for r in json.loads(found.stdout)["results"]] == ["Get a refund"]
    assert json.loads(kbgen("search", "money back", "--json", cwd=kb).stdout)["results"] == []
    strict = kbgen("build", "--strict", cwd=kb)
    assert strict.returncode == 1 and expected in strict.stderr
