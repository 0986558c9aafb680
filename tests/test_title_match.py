"""An article whose title holds the whole query comes before articles that only repeat one of its
words, in Python and in Chromium alike (business-central's "customer statement" found
"Customer Statement (report)" 21st, under every article about bank statements)."""

from __future__ import annotations

import pytest
from conftest import article
from search_fixtures import BuiltSite, build_kb

from kbgen.search.searcher import Searcher

STATEMENTS = "\n".join(
    f"## Statement lines {n}\n\nEach statement line is applied to an open entry; "
    "a statement balance must match the statement file." for n in range(4))
ARTICLES = {
    "reports/customer-statement.md": article(
        "Customer statement (report)", "An overview of what a customer owes.",
        body="Print it from the list of customers, or send it by email."),
    "banking/coda.md": article(
        "Apply CODA statements", "Bank statements in the CODA format.",
        body=f"Statements from your bank, for a customer or a vendor.\n\n{STATEMENTS}"),
    "banking/import.md": article(
        "Import bank statements", "Bring statement files in.",
        body=f"Import the statement of each bank account.\n\n{STATEMENTS}"),
}
# "stat" is a word of three articles (not a rare one, that might be a typo), and the start of
# "statement".
ARTICLES |= {f"banking/stat{n}.md": article(f"Payment codes {n}", "Codes for the central bank.",
                                            body="Each payment carries a stat code.")
             for n in range(3)}
# As in business-central, "customer" is in most articles, so it weighs little on its own.
ARTICLES |= {f"customers/c{n}.md": article(f"Customer task {n}", "For a customer.",
                                           body=f"Step {n} for the customer card.")
             for n in range(12)}
# Porter's "reconcile" (reconcil) and "reconciliation" (reconcili) are one term for kbgen
# (analysis.CONFLATE): business-central's "bank reconciliation" found "Reconcile bank accounts" 9th.
ARTICLES |= {
    "banking/reconcile.md": article(
        "Reconcile bank accounts", "Match your books with what the bank says.",
        body="Reconcile each bank account every month."),
    "banking/payments.md": article(
        "Payment reconciliation journal", "Apply incoming payments.",
        body="The journal applies bank transactions to open entries: reconciliation of payments."),
}
# A search the writer listed in an article's `queries` counts as its title does: the article
# answers it, though another repeats its words more.
ARTICLES |= {
    "customers/overdue.md": article(
        "Find overdue invoices", "Invoices past their due date.",
        body="Filter the ledger entries by due date.", queries=["which customers have not paid"]),
    "customers/payment-terms.md": article(
        "Customers' payment terms", "When an invoice is due, and what if it is not paid.",
        body="Customers who have not paid by the due date get a reminder. " * 6
             + "Not every customer has paid on time; paid invoices close."),
}
QUERIES = ["customer statement", "statement", "bank statements", "customer", "statement customer",
           "bank reconciliation", "which customers have not paid", "customers not paid"]
# As the search box sends them while letters are typed: the last word may go on.
TYPED = ["customer stat", "customer st", "bank state"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    return build_kb(tmp_path_factory.mktemp("titles"), ARTICLES)


def python_rankings(built: BuiltSite, typed: bool = False) -> dict[str, list[str]]:
    with Searcher(built.state) as searcher:
        return {q: [r["url"] for r in searcher.search(q, limit=10, prefix=typed)["results"]]
                for q in (TYPED if typed else QUERIES)}


def test_a_title_with_the_whole_query_comes_first(built: BuiltSite):
    found = python_rankings(built)
    assert found["customer statement"][0] == "reports/customer-statement/"
    assert found["statement customer"][0] == "reports/customer-statement/"  # in any order
    assert found["bank statements"][0].startswith("banking/import/")
    # Every title with the one word gets the bonus; then the word's weight decides.
    assert found["statement"][0].startswith("banking/")
    assert found["bank reconciliation"][0] == "banking/reconcile/"


def test_a_search_in_an_articles_queries_finds_it_first(built: BuiltSite):
    found = python_rankings(built)
    assert found["which customers have not paid"][:2] == [
        "customers/overdue/", "customers/payment-terms/"]
    assert found["customers not paid"][0] == "customers/overdue/"  # its words, in its queries


def test_a_word_still_being_typed_goes_on_even_when_it_is_a_word_already(built: BuiltSite):
    # "stat" is a word of this help center, and the start of "statement".
    found = python_rankings(built, typed=True)
    assert found["customer stat"][0] == "reports/customer-statement/"
    assert found["customer st"][0] == "reports/customer-statement/"
    assert found["bank state"][0].startswith("banking/import/")


@pytest.mark.browser
def test_the_browser_ranks_titles_the_same(page, site: str, built: BuiltSite):
    page.goto(site)
    for typed in (False, True):
        in_browser = page.evaluate(
            """async ([queries, prefix]) => {
                 const out = {};
                 for (const q of queries) {
                   out[q] = (await window.kbgen.search(q, {limit: 10, prefix})).map((r) => r.url);
                 }
                 return out;
               }""", [TYPED if typed else QUERIES, typed])
        assert in_browser == python_rankings(built, typed)
