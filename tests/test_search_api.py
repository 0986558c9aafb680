"""GET /api/search on a real `kbgen serve` over loopback: the same answers as the CLI."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from feedback_helpers import Service
from search_fixtures import BuiltSite, build_small_kb, damage_index

from kbgen.search.searcher import Searcher


@pytest.fixture(scope="module")
def small_kb(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    return build_small_kb(tmp_path_factory.mktemp("api-search"))


@pytest.fixture(scope="module")
def service(small_kb: BuiltSite) -> Iterator[str]:
    with Service(small_kb.config.parent) as running:
        yield running.url


def test_search_answers_results_and_total(service: str):
    answer = httpx.get(f"{service}/api/search", params={"q": "how do I get my money back"}).json()
    assert answer["results"][0]["url"].startswith("billing/refunds/")
    assert answer["total"] >= 1
    assert {"url", "title", "snippet", "score", "category", "type"} <= set(answer["results"][0])


def test_the_same_ranking_as_the_cli(service: str, small_kb: BuiltSite):
    queries = ["refund card", "parcel late", "delete account data", "invoice VAT number"]
    with Searcher(small_kb.state) as searcher:
        for query in queries:
            api = httpx.get(f"{service}/api/search", params={"q": query, "limit": 5}).json()
            assert api["results"] == searcher.search(query, limit=5)["results"]


def test_limit_category_and_type(service: str):
    answer = httpx.get(f"{service}/api/search", params={"q": "order", "limit": 1}).json()
    assert len(answer["results"]) == 1 and answer["total"] > 1
    faq = httpx.get(f"{service}/api/search", params={"q": "order", "type": "faq"}).json()
    assert faq["results"] and all(r["type"] == "faq" for r in faq["results"])


def test_synonyms_from_the_writers_file(service: str):
    answer = httpx.get(f"{service}/api/search", params={"q": "reimbursement"}).json()
    assert answer["results"][0]["title"] == "Get a refund"


@pytest.mark.parametrize("params, message", [
    ({}, "q is required"),
    ({"q": "   "}, "q is required"),
    ({"q": "x", "limit": "ten"}, "whole number"),
    ({"q": "x", "limit": "0"}, "between 1 and 100"),
    ({"q": "x" * 600}, "too long"),
    ({"q": "order", "category": "bilhttps"}, "no category 'bilhttps'; the categories are account, "
                                             "billing, shipping"),
    ({"q": "order", "type": "guide"}, "no type 'guide'; the types are article, tutorial, faq"),
])
def test_bad_parameters_are_json_400s(service: str, params: dict[str, str], message: str):
    response = httpx.get(f"{service}/api/search", params=params)
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_openapi_describes_search(service: str):
    document = httpx.get(f"{service}/api/openapi.json").json()
    assert "get" in document["paths"]["/api/search"]


def test_search_files_and_pages_are_served_compressed(service: str):
    base = service.rstrip("/")
    manifest = httpx.get(base + "/assets/kbgen/search/manifest.json",
                         headers={"Accept-Encoding": "gzip"})
    assert manifest.status_code == 200
    page = httpx.get(base + "/", headers={"Accept-Encoding": "gzip"})
    assert page.headers.get("content-encoding") == "gzip"
    assert "<html" in page.text


def test_searches_are_logged_for_the_content_gaps_report(service: str, small_kb: BuiltSite):
    from kbgen.feedback import open_store

    query = "zebra migration paperwork"
    answer = httpx.get(service.rstrip("/") + "/api/search", params={"q": query}).json()
    database = small_kb.config.parent / ".kbgen" / "feedback.db"
    for _ in range(50):  # the log is written by the service's writer thread, just after the answer
        with open_store(f"sqlite:///{database}") as store:
            logged = [s for s in store.searches() if s.query == query]
        if logged:
            break
        time.sleep(0.1)
    assert [(s.source, s.result_count) for s in logged] == [("api", answer["total"])]


def test_a_damaged_index_is_a_503_and_health_says_what_to_do(tmp_path):
    built = build_small_kb(tmp_path)
    damage_index(built, "garble")
    with Service(built.config.parent) as running:
        answer = httpx.get(f"{running.url}/api/search", params={"q": "refund"})
        assert answer.status_code == 503
        assert "cannot read the search index" in answer.json()["error"]
        health = httpx.get(f"{running.url}/api/health").json()
        assert health["search"]["ok"] is False
        assert "run 'kbgen build' again" in health["search"]["error"]
        assert health["feedback"]["ok"] is True  # pages and votes go on
        log = running.log.read_text()
    assert "Traceback" not in log, log
