"""The query parser and the analyzer: properties (hypothesis), and parity with search.js."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from search_fixtures import STACKFAQ, BuiltSite, build_small_kb
from site_server import static_server

from kbgen.search import spelling
from kbgen.search.analysis import MAX_LENGTH, MIN_LENGTH, STOPWORDS, stem, terms, words
from kbgen.search.query import parse_query

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)
pieces = ["refund", "money", '"', " ", "back", "the", "Git", "hub", "don't", "é", "42", "?", ",",
          "“", "”"]
queries = st.lists(st.sampled_from(pieces), max_size=30).map("".join)


@given(text)
def test_words_are_lowercase_bounded_and_never_stopwords(value: str):
    for word in words(value):
        assert word == word.lower()
        assert MIN_LENGTH <= len(word) <= MAX_LENGTH
        assert word not in STOPWORDS
        assert "'" not in word


@given(text)
def test_terms_are_the_stems_of_the_words(value: str):
    assert terms(value) == [stem(w) for w in words(value)]


@pytest.mark.parametrize("verb, noun", [
    ("notify", "notifications"), ("apply", "application"), ("reconcile", "reconciliation"),
    ("subscribe", "subscription"), ("modified", "modification"), ("verify", "verification"),
    ("describe", "description"), ("classify", "classifications"),
])
def test_a_verb_and_the_noun_made_from_it_share_a_term(verb: str, noun: str):
    # Porter alone keeps each pair apart (notifi / notif); a customer asks with one, the article
    # is written with the other.
    assert stem(verb) == stem(noun)


@pytest.mark.parametrize("one, other", [
    ("reply", "replicate"), ("comply", "complicated"), ("gif", "gifi"), ("stats", "station"),
    ("script", "scribe"), ("specify", "specific"), ("wifi", "wif"),
])
def test_words_of_different_meaning_keep_their_own_terms(one: str, other: str):
    assert stem(one) != stem(other)


@given(st.one_of(text, queries))
def test_any_query_parses_into_its_words_and_closed_phrases(value: str):
    plan = parse_query(value)
    assert plan.words == words(value.replace('"', " ").replace("“", " ").replace("”", " "))
    for phrase in plan.phrases:
        assert len(phrase) >= 2
        assert all(word in plan.words for word in phrase)


def test_quotes_make_phrases_only_when_closed():
    assert parse_query('"money back" card').phrases == [["money", "back"]]
    assert parse_query('"money back card').phrases == []
    assert parse_query("“cross out” text").phrases == [["cross", "out"]]


@given(st.text(alphabet="abcdef", max_size=8), st.text(alphabet="abcdef", max_size=8))
@settings(max_examples=300)
def test_edit_distance_is_symmetric_and_bounded(a: str, b: str):
    distance = spelling.edit_distance(a, b, 2)
    assert distance == spelling.edit_distance(b, a, 2)
    assert (distance == 0) == (a == b)
    assert distance <= 3


def test_edit_distance_counts_a_transposition_as_one():
    assert spelling.edit_distance("recieve", "receive", 2) == 1
    assert spelling.edit_distance("pasword", "password", 2) == 1


@pytest.fixture(scope="module")
def small_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    built: BuiltSite = build_small_kb(tmp_path_factory.mktemp("analysis"))
    with static_server(built.site) as url:
        yield url


@pytest.mark.browser
def test_search_js_analyses_text_exactly_as_python(browser, small_site: str):
    """Porter stems and tokens of every word of the stackfaq corpus, in Chromium and in Python."""
    corpus = "\n".join(p.read_text("utf-8") for p in sorted((STACKFAQ / "docs").rglob("*.md")))
    vocabulary = sorted(set(words(corpus)))
    samples = ["GitHub's don't “quoted” e-mail naïve café 2023 über-cool x y ÅNGSTRÖM"] + \
        [corpus[i:i + 400] for i in range(0, len(corpus), 40_000)]
    page = browser.new_page()
    try:
        page.goto(small_site)
        page.wait_for_function("window.kbgen && window.kbgen.search")
        stems, tokens = page.evaluate(
            """async ([vocabulary, samples]) => {
                 const {stem} = await import('./assets/kbgen/porter.js');
                 const {Engine} = await import('./assets/kbgen/search-engine.js');
                 const engine = new Engine(new URL('assets/kbgen/search/', location.href).href);
                 await engine.load();
                 return [vocabulary.map(stem), samples.map(s => engine.words(s))];
               }""", [vocabulary, samples])
    finally:
        page.close()
    assert len(vocabulary) > 4000
    mismatches = [(w, js, stem(w)) for w, js in zip(vocabulary, stems, strict=True)
                  if js != stem(w)]
    assert not mismatches, mismatches[:20]
    assert tokens == [words(s) for s in samples]
