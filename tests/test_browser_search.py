"""Real Chromium on a small built help center: the header search, the home box, window.kbgen."""

from __future__ import annotations

import base64
import json
import random
import re
from pathlib import Path
from urllib.parse import quote_plus

import pytest
from conftest import article
from search_fixtures import BuiltSite, build_kb, build_small_kb
from site_server import SiteServer, static_server
from test_browser_accessibility import axe_violations

from kbgen.search.analysis import normalize, stem
from kbgen.search.searcher import Searcher
from kbgen.search.snippets import snippet

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    return build_small_kb(tmp_path_factory.mktemp("browser-search"))


def open_search(page, site: str, path: str = "billing/invoices/") -> object:
    page.goto(site + path)
    box = page.locator("[data-kb-search] [data-kb-search-input]")
    box.click()
    return box


def type_query(page, site: str, query: str) -> object:
    """Open the header search, type `query` and wait for the results for all of it (results come
    as letters are typed; a link carries the words it was found for in `?h=`); returns the box."""
    box = open_search(page, site)
    box.type(query)
    words = quote_plus(query.strip())
    page.locator(f'#kb-search-results a[data-kb-result][href*="h={words}"]').first.wait_for()
    return box


def test_typing_shows_ranked_results_with_highlights(page, site: str, artifacts: Path):
    type_query(page, site, "money back for my order")
    first = page.locator("#kb-search-results [role=option]").first
    assert "Get a refund" in first.inner_text()
    assert page.locator("#kb-search-results mark").count() > 0
    assert first.locator(".kb-badge").text_content().strip() == "Tutorial"
    page.screenshot(path=str(artifacts / "search-results.png"))


def test_a_filter_narrows_the_results(page, site: str):
    type_query(page, site, "order")
    results = page.locator("#kb-search-results [role=option]")
    before = results.count()
    page.select_option("[data-kb-search] [data-kb-filter=type]", "faq")
    page.wait_for_function(
        "n => document.querySelectorAll('#kb-search-results [role=option]').length < n", arg=before)
    badges = page.locator("#kb-search-results .kb-badge").all_text_contents()
    assert badges and set(badges) == {"FAQ"}


def test_enter_opens_the_first_result_at_the_right_section(page, site: str):
    box = type_query(page, site, "when will the card refund money arrive")
    logged = page.locator("#kb-search-results a[data-kb-result]").first.get_attribute("data-kb-url")
    box.press("Enter")
    page.wait_for_url(re.compile(r".*/billing/refunds/\?h=when\+will\+the\+card\+refund\+money"
                                 r"\+arrive#arrival$"))
    assert logged and logged.endswith("/billing/refunds/#arrival")  # what the search log gets
    # The searched words are marked on the page it opens, as in the results; stop words are not.
    page.locator("mark.kb-hit").first.wait_for()
    marked = {m.lower() for m in page.locator("article mark.kb-hit").all_text_contents()}
    assert {"refund", "arrive"} <= marked, marked
    assert not marked & {"when", "will", "the"}
    assert page.locator("pre mark, code mark, [data-kb-feedback] mark").count() == 0


def test_arrow_keys_choose_a_result(page, site: str):
    box = type_query(page, site, "account")
    box.press("ArrowDown")
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == "kb-search-results-1"
    second = page.locator("#kb-search-results a[data-kb-result]").nth(1).get_attribute("href")
    box.press("Enter")
    page.wait_for_url(second)


def test_on_a_phone_letters_typed_right_after_opening_the_search_are_kept(browser, site: str):
    context = browser.new_context(viewport={"width": 390, "height": 800}, is_mobile=True,
                                  has_touch=True)
    phone = context.new_page()
    phone.goto(site + "billing/invoices/")
    phone.tap("label[for=__search]")
    phone.keyboard.type("refund", delay=20)  # no pause for the overlay to slide in
    box = phone.locator("[data-kb-search] [data-kb-search-input]")
    assert box.input_value() == "refund"
    phone.locator("#kb-search-results [role=option]").first.wait_for()
    context.close()


def test_a_misspelled_query_offers_did_you_mean(page, site: str):
    box = open_search(page, site)
    box.fill("pasword reset")
    suggestion = page.locator("[data-kb-search] [data-kb-suggestion]")
    suggestion.wait_for()
    assert suggestion.inner_text() == "password reset"
    suggestion.click()
    page.locator("#kb-search-results [role=option]").first.wait_for()
    assert box.input_value() == "password reset"


def test_filters_come_once_the_search_files_load_after_a_failure(page, built: BuiltSite):
    with SiteServer(built.site) as host:
        page.goto(host.url + "billing/invoices/")
        host.stop()  # the host is down when the reader opens the search
        box = page.locator("[data-kb-search] [data-kb-search-input]")
        box.click()
        box.fill("refund")
        meta = page.locator("[data-kb-search] [data-kb-search-meta]")
        meta.get_by_text("Search is unavailable").wait_for()
        host.start()
        box.fill("refund order")
        page.locator("#kb-search-results [role=option]").first.wait_for()
        page.locator("[data-kb-search] [data-kb-filter=category]").wait_for()
        page.select_option("[data-kb-search] [data-kb-filter=type]", "faq")
        page.wait_for_function("""() => [...document.querySelectorAll(
            '#kb-search-results .kb-badge')].every((badge) => badge.textContent === 'FAQ')""")


def test_words_no_spelling_word_starts_like_fetch_no_spelling_file(page, site: str,
                                                                   built: BuiltSite):
    files = built.site / "assets/kbgen/search"
    manifest = json.loads((files / "manifest.json").read_text("utf-8"))
    assert manifest["spelling"] == sorted(path.stem for path in (files / "v").glob("*.json"))
    fetched: list[tuple[int, str]] = []
    page.on("response", lambda response: fetched.append((response.status, response.url)))
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    box = open_search(page, site)
    box.fill("привет pasword 世界")
    page.locator("[data-kb-search] [data-kb-suggestion]").wait_for()
    spelling = sorted(url.rsplit("/", 1)[1] for _, url in fetched if "/search/v/" in url)
    assert spelling == ["p.json"]
    assert [url for status, url in fetched if status >= 400] == []
    assert errors == []


def _strongly_changed_pixels(page, before: bytes, after: bytes) -> int:
    """How many pixels of two screenshots of one element differ at 3:1 contrast or more (what
    WCAG asks of a focus indicator against what it replaces)."""
    return page.evaluate("""async ([before, after]) => {
        const pixels = async (data) => {
          const image = await createImageBitmap(await (await fetch(data)).blob());
          const canvas = new OffscreenCanvas(image.width, image.height);
          const context = canvas.getContext("2d");
          context.drawImage(image, 0, 0);
          return context.getImageData(0, 0, image.width, image.height).data;
        };
        const [a, b] = [await pixels(before), await pixels(after)];
        const channel = (c) => (c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        const luminance = (d, i) =>
          0.2126 * channel(d[i]) + 0.7152 * channel(d[i + 1]) + 0.0722 * channel(d[i + 2]);
        let strong = 0;
        for (let i = 0; i < Math.min(a.length, b.length); i += 4) {
          const [x, y] = [luminance(a, i), luminance(b, i)];
          if ((Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05) >= 3) strong++;
        }
        return strong;
      }""", [f"data:image/png;base64,{base64.b64encode(shot).decode()}"
             for shot in (before, after)])


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_result_chosen_with_the_keyboard_stands_out(browser, sample_site: str, scheme: str,
                                                        artifacts: Path):
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page.goto(sample_site + "search/")
    box = page.locator("[data-kb-search] [data-kb-search-input]")
    box.click()
    box.fill("search box")
    result = page.locator("#kb-search-results .kb-search__item").nth(1)
    result.wait_for()
    still = "document.getAnimations().every((a) => a.playState !== 'running')"
    page.wait_for_function(still)
    before = result.screenshot()
    box.press("ArrowDown")
    box.press("ArrowDown")
    assert result.get_attribute("class").split().count("kb-search__item--active") == 1
    page.wait_for_function(still)
    after = result.screenshot()
    height = result.bounding_box()["height"]
    # At least a bar as tall as the result stands out from what was there before.
    assert _strongly_changed_pixels(page, before, after) >= height
    page.locator("[data-kb-search] .md-search__output").screenshot(
        path=str(artifacts / f"search-chosen-{scheme}.png"))
    assert axe_violations(Axe(), page) == []
    page.close()


def test_nothing_found_says_so_and_suggests_categories(page, site: str):
    box = open_search(page, site)
    box.type("xylophone zebra ")
    meta = page.locator("[data-kb-search] [data-kb-search-meta]")
    meta.get_by_text("No articles match").wait_for()
    assert meta.locator("a").count() == 3


def test_the_home_page_box_searches(page, site: str):
    page.goto(site)
    box = page.locator(".kb-hero [data-kb-search-input]")
    box.fill("track parcel")
    first = page.locator("#kb-hero-results [role=option]").first
    first.wait_for()
    assert "Track an order" in first.inner_text()
    box.press("Enter")
    page.wait_for_url("**/shipping/track-order/**")


def test_window_kbgen_search_on_every_kind_of_page(page, site: str):
    for path in ("", "billing/", "account/password/"):
        page.goto(site + path)
        results = page.evaluate("window.kbgen.search('reset password', {limit: 3})")
        assert results[0]["url"].startswith("account/password/")
        assert len(results) <= 3
        assert {"url", "title", "snippet", "score"} <= set(results[0])


SPECIAL_QUERIES = [
    ('"two-factor authentication"', {}),  # a phrase that matches
    ('"authentication two-factor" codes', {}),  # a phrase that does not: plain words
    ("reimbursement", {}),  # the writer's synonym of refund
    ("pakage late", {}),  # a typo, and a synonym (parcel: package)
    ("pass word", {}),  # two words the articles write as one
    ("order", {"category": "billing"}),
    ("order", {"type": "faq"}),
    ("how do I?", {}),  # only stopwords
    ("refu", {"prefix": True}),  # still being typed
    ("привет pasword 世界", {}),  # words no spelling word starts like, and a typo
]


def test_the_browser_ranks_special_queries_exactly_as_python(page, site: str, built: BuiltSite):
    page.goto(site)
    in_browser = page.evaluate(
        """async (cases) => {
             const out = [];
             for (const [q, options] of cases) {
               const r = await window.kbgen.searchDetails(q, {limit: 10, ...options});
               out.push([r.results.map(x => [x.url, x.score, x.snippet]), r.total, r.did_you_mean]);
             }
             return out;
           }""", [list(case) for case in SPECIAL_QUERIES])
    with Searcher(built.state) as searcher:
        for (query, options), (results, total, suggestion) in zip(
                SPECIAL_QUERIES, in_browser, strict=True):
            answer = searcher.search(query, limit=10, **options)
            assert [[r["url"], r["score"], r["snippet"]] for r in answer["results"]] == results, \
                query
            assert (answer["total"], answer["did_you_mean"]) == (total, suggestion), query


def _texts(count: int) -> list[tuple[str, list[str]]]:
    """Section texts of words, punctuation and line breaks (table cells, list items), each with
    the stems a query matched in it."""
    rng = random.Random(7)
    words = ("the refund of an order arrives late; customers' invoices post Dimension Value "
             "Code 108 café über how do I get my money back reminders").split()
    marks = ["", "", "", "", ".", ",", ":", ";", "?", "!", "…", "\n", "\n", ". \n", ":\n"]
    out = []
    for _ in range(count):
        text = " ".join(rng.choice(words) + rng.choice(marks) for _ in range(rng.randint(1, 120)))
        out.append((text, sorted({stem(normalize(w)) for w in rng.sample(words, 3)})))
    return out


def test_the_browser_cuts_and_joins_snippets_exactly_as_python(page, site: str):
    page.goto(site)
    cases = _texts(300)
    in_browser = page.evaluate(
        """async (cases) => {
             const root = new URL("assets/kbgen/", location.href).href;
             const { Engine } = await import(root + "search-engine.js");
             const { snippet } = await import(root + "snippets.js");
             const engine = new Engine(root + "search/");
             await engine.load();
             return cases.map(([text, terms]) => snippet(engine, text, new Set(terms)));
           }""", [list(case) for case in cases])
    for (text, terms), answer in zip(cases, in_browser, strict=True):
        assert answer == snippet(text, set(terms)), text


ACCENTED = {
    "careers/resume.md": article(
        "Update your résumé", "Keep your CV current for recruiters.", body="""
        Open **Profile** and upload a new résumé as a PDF.

        ## Offices {#offices}

        Interviews take place in Zürich or at the Café Müller in São Paulo.
        """),
    "careers/cover-letter.md": article(
        "Write a cover letter", "What recruiters read first.", body="""
        Say why you want the role, in three short paragraphs.
        """),
}


def test_accents_are_optional_in_both_searches(browser, tmp_path: Path):
    built = build_kb(tmp_path, ACCENTED)
    queries = ["resume", "RÉSUMÉ", "résume upload", "zurich interviews", "cafe muller",
               "sao paulo", "Zürich"]
    with Searcher(built.state) as searcher:
        python = [searcher.search(q, limit=10) for q in queries]
    for answer in python:
        assert answer["results"][0]["id"] == "careers/resume", answer["query"]
    with static_server(built.site) as url:
        page = browser.new_page()
        try:
            page.goto(url)
            page.wait_for_function("window.kbgen && window.kbgen.searchDetails")
            in_browser = page.evaluate("""async (queries) => {
                const out = [];
                for (const q of queries) out.push(await window.kbgen.searchDetails(q, {limit: 10}));
                return out;
              }""", queries)
        finally:
            page.close()
    for answer, found in zip(python, in_browser, strict=True):
        assert [(r["url"], r["score"], r["snippet"]) for r in answer["results"]] == \
            [(r["url"], r["score"], r["snippet"]) for r in found["results"]], answer["query"]
    # The accented words are the ones marked, as typed or not.
    assert in_browser[0]["results"][0]["title_html"] == "Update your <mark>résumé</mark>"
    assert "<mark>Zürich</mark>" in in_browser[3]["results"][0]["snippet_html"]
    assert "<mark>Müller</mark>" in in_browser[4]["results"][0]["snippet_html"]
