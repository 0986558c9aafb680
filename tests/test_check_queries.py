"""`kbgen check --queries`: each article's `queries` (searches that must find it) searched in the
last build's index, as a reader would; a miss is named with its file, line and rank."""

from __future__ import annotations

from conftest import article
from test_front_matter import kbgen

ARTICLES = {
    "billing/refunds.md": article(
        "Refund an order", "How to get your money back.",
        body="To refund an order, open the order and choose Refund.\n",
        queries=["money back", "refund my order"]),
    "billing/refund-status.md": article(
        "Check the refund status of an order", "Where your money is.",
        body="A refunded order shows its refund status.\n"),
    "billing/refund-card.md": article(
        "Refund an order paid by card", "Card refunds.",
        body="We refund the order to the card it was paid with.\n"),
    "billing/disputes.md": article(
        "Dispute a charge", "When a charge on your card is wrong.",
        body="Tell us about the charge before your bank does.\n",
        # A search the writer expects to find this article, which three others answer better.
        queries=["dispute a charge", "refund order"]),
}


def test_a_query_that_does_not_find_its_article_first_is_named(make_kb):
    kb = make_kb(ARTICLES)
    assert kbgen("build", cwd=kb).returncode == 0
    result = kbgen("check", "--queries", cwd=kb)
    assert result.returncode == 1, result.stdout
    lines = result.stdout.splitlines()
    assert lines[-1] == "Checked 4 articles and 4 queries: 1 problem."
    (problem,) = lines[:-1]
    # Line 4: the queries line of billing/disputes.md's front matter.
    assert problem.startswith("docs/billing/disputes.md:4: queries: 'refund order' finds this "
                              "article 4th (it must be among the first 3); first is '")
    assert "Use the reader's words in the title or a heading" in problem
    assert "Traceback" not in result.stderr


def test_queries_that_find_their_articles_pass_and_check_alone_does_not_search(make_kb):
    fine = dict(ARTICLES)
    fine["billing/disputes.md"] = article("Dispute a charge", "A wrong charge.",
                                          body="Tell us first.\n", queries=["dispute a charge"])
    kb = make_kb(fine)
    # Not built yet: the plain check needs no index; --queries says to build first.
    assert kbgen("check", cwd=kb).stdout.rstrip().endswith("Checked 4 articles: 0 problems.")
    unbuilt = kbgen("check", "--queries", cwd=kb)
    assert unbuilt.returncode != 0 and "kbgen build" in unbuilt.stdout + unbuilt.stderr
    assert "Traceback" not in unbuilt.stderr
    assert kbgen("build", cwd=kb).returncode == 0
    result = kbgen("check", "--queries", cwd=kb)
    assert result.returncode == 0, result.stdout
    assert result.stdout.rstrip() == "Checked 4 articles and 3 queries: 0 problems."
