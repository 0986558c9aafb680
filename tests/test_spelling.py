""""Did you mean" picks the correction the rest of the query supports, in Python and in Chromium
alike; and words that name JavaScript's built-in object members are searched like any other."""

from __future__ import annotations

import pytest
from conftest import article
from search_fixtures import BuiltSite, build_kb

from kbgen.search.searcher import Searcher

# "many" is in three articles and "money" in one: alone, "mony" is most likely "many"; beside
# "refund", the article about refunds says it is "money".
ARTICLES = {
    "billing/refunds.md": article("Get a refund", "Money back for an order.", body="""
        A refund returns the money to your card.
        """),
    "billing/plans.md": article("Plans", "How many seats each plan has.", body="""
        Teams with many members choose the yearly plan.
        """),
    "account/members.md": article("Members", "Invite members to your team.", body="""
        You can invite as many members as your plan allows.
        """),
    "account/constructor.md": article("Page constructor", "Build pages from blocks.", body="""
        The page constructor puts blocks together; see its toString output for debugging.
        """),
}
# Twenty articles say "purchase", one misspells it "purchsing": a word the help center has, in one
# article, yet far likelier a typo of a word in twenty.
ARTICLES |= {f"purchasing/p{n}.md": article(f"Purchase step {n}", "Purchase orders.", body=f"""
        Create purchase order {n} and post the purchase.
        """) for n in range(20)}
ARTICLES["writing/encoding.md"] = article("Save as UTF-8", "Encodings.", body="""
    Save every article as UTF-8, the encoding editors use by default.
    """)
ARTICLES["purchasing/typo.md"] = article("Vendors", "Approve vendors.", body="""
    Before purchsing, approve the vendor.
    """)
QUERIES = ["refnd mony", "mony", "refund mony", "constructor", "the constructor of a page",
           "valueof", "hasownproperty", "tostring", "constructer", "purchse order", "purchse",
           "vendors", "utf8", "utf8 encodng"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    return build_kb(tmp_path_factory.mktemp("spelling"), ARTICLES)


def python_answers(built: BuiltSite) -> dict[str, tuple[object, ...]]:
    with Searcher(built.state) as searcher:
        answers = {}
        for query in QUERIES:
            found = searcher.search(query, limit=10)
            answers[query] = (found["did_you_mean"], found["total"],
                              [r["url"] for r in found["results"]])
        return answers


def test_the_rest_of_the_query_chooses_the_correction(built: BuiltSite):
    answers = python_answers(built)
    assert answers["refund mony"][0] == "refund money"
    assert answers["refnd mony"][0] == "refund money"  # the other word misspelt too
    assert answers["mony"][0] == "many"  # nothing else to go by: the commoner word


def test_a_word_in_one_article_may_still_be_a_typo_of_a_far_commoner_one(built: BuiltSite):
    answers = python_answers(built)
    suggestion, total, urls = answers["purchse order"]
    assert suggestion == "purchase order"
    assert total == 22 and "purchasing/typo/" in urls  # its own match kept; "order" in refunds
    assert answers["purchse"][0] == "purchase"
    assert answers["vendors"][0] is None  # rare, but nothing far commoner is near it


def test_javascript_member_names_are_ordinary_words(built: BuiltSite):
    answers = python_answers(built)
    assert answers["constructor"][2][0] == "account/constructor/"
    assert answers["valueof"][1] == 0


def test_a_number_joined_to_a_word_is_no_typo(built: BuiltSite):
    """"UTF-8" is indexed as "utf" ("8" is too short a word): "utf8" finds it as "utf" does,
    and "did you mean" offers no "utf", which the reader didn't mean."""
    answers = python_answers(built)
    assert answers["utf8"][0] is None
    assert answers["utf8"][2] == ["writing/encoding/"]
    assert answers["utf8 encodng"][0] == "utf8 encoding"  # a real typo beside it is still fixed


@pytest.mark.browser
def test_the_browser_suggests_and_finds_the_same(page, site: str, built: BuiltSite):
    page.goto(site)  # the page fixture fails the test if its scripts throw
    in_browser = page.evaluate(
        """async (queries) => {
             const out = [];
             for (const q of queries) {
               const r = await window.kbgen.searchDetails(q, {limit: 10});
               out.push([r.did_you_mean, r.total, r.results.map(x => x.url)]);
             }
             return out;
           }""", QUERIES)
    expected = python_answers(built)
    assert {q: tuple(a) for q, a in zip(QUERIES, in_browser, strict=True)} == expected
