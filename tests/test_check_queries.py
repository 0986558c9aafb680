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


def test_a_query_that_is_not_text_is_named_with_its_line(make_kb):
    kb = make_kb({**ARTICLES, "billing/refunds.md": (
        "---\ntitle: Refund an order\ndescription: Money back.\nqueries:\n  - money back\n"
        "  - 404\n  - yes\n  - how to: refund\n  - [refund, order]\n  -\n---\nRefunds.\n")})
    at = "docs/billing/refunds.md:"
    expected = [
        f"{at}6: queries: '404' is read as a number, not the text of a search; put it in "
        "quotes to search for it",
        f"{at}7: queries: 'yes' is read as true or false, not the text of a search",
        f"{at}8: queries: {{'how to': 'refund'}} is read as a mapping, not the text of a search "
        "(YAML reads a colon followed by a space as 'key: value'); put the search in quotes",
        f"{at}9: queries: ['refund', 'order'] is a list inside the list, not the text of a "
        "search; write each search on a line of its own",
        f"{at}10: queries: an empty entry; write the search after the '-', or remove the line",
    ]
    result = kbgen("check", cwd=kb)
    assert result.returncode == 1
    assert all(line in result.stdout for line in expected), result.stdout
    assert result.stdout.rstrip().endswith("Checked 4 articles: 5 problems.")
    assert kbgen("build", "--strict", cwd=kb).returncode == 1
    built = kbgen("build", cwd=kb)
    assert built.returncode == 0, built.stderr
    assert all(line in built.stderr for line in expected) and "Traceback" not in built.stderr
    assert built.stderr.count("(leaving the entry out)") == 5
    # The text entry is still searched ('money back', and the two of billing/disputes.md).
    assert "Checked 4 articles and 3 queries: " in kbgen("check", "--queries", cwd=kb).stdout
