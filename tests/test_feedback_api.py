"""The feedback API over real HTTP: `kbgen serve` on 127.0.0.1, a real SQLite file behind it."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import MakeKb, in_ci
from feedback_helpers import KBGEN, Service, build_help_center

from kbgen.feedback import open_store
from kbgen.feedback.store import StoredVote, hash_client


@pytest.fixture(scope="module")
def help_center(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test help center, built once for this module."""
    from conftest import make_kb

    make: MakeKb = make_kb.__wrapped__(tmp_path_factory.mktemp("api"))  # type: ignore[attr-defined]
    return build_help_center(make)


@pytest.fixture(scope="module")
def service(help_center: Path) -> Iterator[Service]:
    """The service, with a rate limit high enough for the whole module."""
    with Service(help_center, "--rate-limit", "100000") as running:
        yield running


def stored_votes(root: Path, db: Path | None = None) -> list[StoredVote]:
    """What the store holds, read through kbgen's own store while the service runs."""
    with open_store(f"sqlite:///{db or root / '.kbgen' / 'feedback.db'}") as store:
        return store.votes()


def vote(service: Service, **body: object) -> httpx.Response:
    return httpx.post(f"{service.url}/api/feedback", json=body, timeout=10)


def test_a_vote_is_stored(service: Service, help_center: Path) -> None:
    response = vote(service, page="billing/invoices", helpful=True, client="api-client-1")
    assert response.status_code == 200, response.text
    assert response.json()["page"] == "billing/invoices"
    [stored] = [
        v for v in stored_votes(help_center) if v.client_hash == hash_client("api-client-1")
    ]
    assert stored.helpful is True and stored.article_id == "billing/invoices"
    assert len(stored.revision) == 16  # the current revision, taken from the build


def test_a_page_can_be_named_by_its_url(service: Service) -> None:
    for page in ["account/password/", "/account/password/", f"{service.url}/account/password/"]:
        response = vote(service, page=page, helpful=False, client="api-client-2")
        assert response.status_code == 200 and response.json()["page"] == "account/password"


def test_a_page_named_by_its_url_must_be_on_this_site(service: Service) -> None:
    for page in [f"{service.url}/account/password/#reset", f"{service.url}/account/password/?x=1",
                 "account/password/?utm=mail#reset", "/help/account/password/"]:
        response = vote(service, page=page, helpful=False, client="api-client-4")
        assert response.status_code == 200, (page, response.text)
        assert response.json()["page"] == "account/password"
    for page in ["https://evil.com/account/password/", "javascript:alert(1)", "http://[",
                 "//evil.com/account/password/", f"{service.url}/no/such/article/"]:
        response = vote(service, page=page, helpful=False, client="api-client-4")
        assert response.status_code == 422, page
        assert response.json()["error"].startswith(
            f"body.page {page!r} is not an article of this site; send the article's id, or its "
            f"URL on the site, such as '{service.url}/"), response.text


@pytest.mark.parametrize(
    "body, message",
    [
        ({"query": "", "results": 0}, "body.query must not be empty"),
        ({"query": "   ", "results": 0}, "body.query must not be blank: send the words searched"),
        ({"query": "\t\n", "results": 0}, "body.query must not be blank: send the words searched"),
        ({"query": "refund", "results": 0, "search_id": "short"},
         "body.search_id must be 8 to 100 letters (A-Z, a-z), digits, '-' or '_'"),
    ],
)
def test_bad_search_logs_are_refused_with_a_reason(
    service: Service, body: dict[str, object], message: str
) -> None:
    response = httpx.post(f"{service.url}/api/search-log", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == message


@pytest.mark.parametrize(
    "body, status, message",
    [
        ({"page": "no/such/article", "helpful": True}, 422, "not an article of this site"),
        ({"page": "billing/invoices", "helpful": "yes"}, 422, "helpful must be a boolean"),
        ({"page": 42, "helpful": True}, 422, "page must be a string"),
        ({"helpful": True}, 422, "page is required"),
        ({"page": "billing/invoices", "helpful": True, "comment": "x" * 1001}, 422, "at most 1000"),
        ({"page": "billing/invoices", "helpful": True, "extra": 1}, 422, "not a known field"),
        ({"page": "billing/invoices", "helpful": True, "client": "bad id!"}, 422,
         "body.client must be 8 to 100 letters (A-Z, a-z), digits, '-' or '_'"),
        ({"page": "billing/invoices", "helpful": True, "revision": "v2"}, 422,
         "body.revision must be 1 to 64 hexadecimal digits (0-9, a-f)"),
        ([1, 2, 3], 422, "must be an object"),
        # No database stores these, and one of them used to fail every vote written with it.
        ({"page": "billing/invoices", "helpful": False, "comment": "a\ud800b"}, 422,
         "body.comment holds a character that is not text"),
        ({"page": "billing/invoices", "helpful": False, "comment": "a\x00b"}, 422, "not text"),
        ({"page": "billing/invoices", "helpful": False, "reason": "Outdated"}, 422,
         'reason "Outdated" is not one this help center offers ("Didn\'t answer my question", '),
    ],
)
def test_bad_votes_are_refused_with_a_reason(
    service: Service, body: object, status: int, message: str
) -> None:
    # JSON as browsers send it: "\ud800" escaped (httpx's own encoding cannot carry it).
    response = httpx.post(f"{service.url}/api/feedback", content=json.dumps(body),
                          headers={"Content-Type": "application/json"})
    assert response.status_code == status
    assert message in response.json()["error"]


def test_invalid_json_and_wrong_content_type(service: Service) -> None:
    url = f"{service.url}/api/feedback"
    response = httpx.post(url, content=b'{"page": ', headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and "not valid JSON" in response.json()["error"]
    response = httpx.post(url, content=b"\xff\xfe", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    response = httpx.post(url, content=b'{"page": "a", "helpful": true}')
    assert response.status_code == 415


def test_a_10_mb_body_gets_413_and_the_service_goes_on(service: Service) -> None:
    big = b'{"page": "' + b"a" * (10 * 1024 * 1024) + b'", "helpful": true}'
    response = httpx.post(
        f"{service.url}/api/feedback",
        content=big,
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 413
    assert vote(service, page="billing/invoices", helpful=True).status_code == 200


def test_html_and_sql_in_comments_are_kept_as_text(service: Service, help_center: Path) -> None:
    comment = "<script>alert(1)</script> '); DROP TABLE kbgen_votes; --"
    assert (
        vote(
            service, page="billing/refunds", helpful=False, comment=comment, client="api-client-3"
        ).status_code
        == 200
    )
    stored = [v for v in stored_votes(help_center) if v.client_hash == hash_client("api-client-3")]
    assert stored[0].comment == comment


def test_api_errors_are_json(service: Service) -> None:
    response = httpx.get(f"{service.url}/api/feedback")
    assert response.status_code == 405 and response.json()["status"] == 405
    for path in ("/api/nothing-here", "/api", "/api/"):
        response = httpx.get(f"{service.url}{path}")
        assert response.status_code == 404, path
        assert response.json()["error"] == \
            f"no API at {path}; /api/openapi.json lists what there is"


def test_health_and_openapi(service: Service) -> None:
    health = httpx.get(f"{service.url}/api/health").json()
    assert health["status"] == "ok" and health["feedback"]["ok"] is True
    assert health["search"] == {"ok": True, "articles": health["articles"]}
    document = httpx.get(f"{service.url}/api/openapi.json").json()
    assert {"/api/feedback", "/api/search-log", "/api/health"} <= set(document["paths"])


def test_search_log(service: Service, help_center: Path) -> None:
    url = f"{service.url}/api/search-log"
    assert httpx.post(url, json={"query": "cancel my plan", "results": 0}).status_code == 200
    assert httpx.post(url, json={"query": "x", "results": -1}).status_code == 422
    with open_store(f"sqlite:///{help_center / '.kbgen' / 'feedback.db'}") as store:
        assert [s.query for s in store.searches() if s.source == "browser"] == ["cancel my plan"]


def test_the_search_log_keeps_only_a_result_of_this_help_center_as_opened(
    service: Service, help_center: Path
) -> None:
    url = f"{service.url}/api/search-log"
    # What the search box sends: the result's address on the site, a section's anchor and all.
    opened = {
        "search-opened-01": f"{service.url}/billing/refunds/#ask-for-a-refund",
        "search-opened-02": "billing/invoices/",  # window.kbgen.logSearch, given a result's url
    }
    for search_id, address in opened.items():
        body = {"query": "refund", "results": 2, "opened": address, "search_id": search_id}
        response = httpx.post(url, json=body)
        assert response.status_code == 200, response.text
    for address in [
        "javascript:alert(1)",
        "<script>alert(1)</script>",
        "https://evil.example/billing/refunds/",
        f"{service.url}/no/such/article/",
        f"{service.url}/",
        f"{service.url}/billing/refunds/?utm=mail",
        "",
    ]:
        response = httpx.post(url, json={"query": "refund", "results": 2, "opened": address})
        assert response.status_code == 422, address
        message = response.json()["error"]
        assert message.startswith("body.opened must be null or the URL of an article of this "
                                  f"help center, such as '{service.url}/"), message
    with open_store(f"sqlite:///{help_center / '.kbgen' / 'feedback.db'}") as store:
        stored = {s.search_id: s.opened_url for s in store.searches() if s.search_id in opened}
    # Kept site-relative, as the site links it: the origin it was served from is not kept.
    assert stored == {"search-opened-01": "billing/refunds/#ask-for-a-refund",
                      "search-opened-02": "billing/invoices/"}


def test_other_origins_are_refused(service: Service) -> None:
    response = httpx.post(
        f"{service.url}/api/feedback",
        headers={"Origin": "https://evil.example"},
        json={"page": "billing/invoices", "helpful": True},
    )
    assert response.status_code == 403 and "--cors-origin" in response.json()["error"]
    same = httpx.post(
        f"{service.url}/api/feedback",
        headers={"Origin": service.url},
        json={"page": "billing/invoices", "helpful": True},
    )
    assert same.status_code == 200


def test_an_allowed_origin_gets_cors_headers(help_center: Path) -> None:
    origin = "https://help.example.com"
    with Service(help_center, "--cors-origin", origin) as service:
        url = f"{service.url}/api/feedback"
        preflight = httpx.options(
            url, headers={"Origin": origin, "Access-Control-Request-Method": "POST"}
        )
        assert preflight.status_code == 204
        assert preflight.headers["access-control-allow-origin"] == origin
        response = httpx.post(
            url, headers={"Origin": origin}, json={"page": "billing/invoices", "helpful": True}
        )
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == origin
        # The site hosted there logs the results its readers open at their address there.
        search = {"query": "refund", "results": 1, "opened": f"{origin}/help/billing/refunds/"}
        logged = httpx.post(f"{service.url}/api/search-log", headers={"Origin": origin},
                            json=search)
        assert logged.status_code == 200, logged.text


def test_a_flood_from_one_client_gets_429(help_center: Path) -> None:
    with Service(help_center, "--rate-limit", "5") as service:
        codes = [vote(service, page="billing/invoices", helpful=True).status_code for _ in range(8)]
        assert codes[:5] == [200] * 5 and codes[5:] == [429] * 3
        response = vote(service, page="billing/invoices", helpful=True)
        assert int(response.headers["retry-after"]) >= 1


def test_serve_on_any_free_port_prints_the_port_it_got_and_stops_on_ctrl_c(
    help_center: Path, tmp_path: Path
) -> None:
    log = tmp_path / "serve.log"
    command = [str(KBGEN), "serve", "-f", str(help_center / "mkdocs.yml"), "--port", "0"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                   env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        found = None
        deadline = time.monotonic() + 20
        while found is None and time.monotonic() < deadline and process.poll() is None:
            found = re.search(r"on (http://127\.0\.0\.1:(\d+)/) \(Ctrl\+C to stop\)",
                              log.read_text())
            time.sleep(0.05)
        assert found and found[2] != "0", log.read_text()
        health = None
        while health is None and time.monotonic() < deadline:
            with contextlib.suppress(httpx.TransportError):
                health = httpx.get(f"{found[1]}api/health", timeout=2)
            time.sleep(0.05)
        assert health is not None and health.json()["status"] == "ok"
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert "Traceback" not in log.read_text() and "Aborted" not in log.read_text()


def _need_root(what: str) -> None:
    if os.geteuid() != 0:
        if in_ci():
            pytest.fail(f"{what} needs root in CI")
        pytest.skip(f"{what} needs root")


@contextlib.contextmanager
def small_disk(where: Path, size: str = "1m") -> Iterator[Path]:
    """A tiny tmpfs, so the disk can really fill up."""
    _need_root("mounting a small tmpfs")
    where.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_a_full_disk_gets_503_and_the_service_recovers(help_center: Path, tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk") as disk:
        db = disk / "feedback.db"
        with Service(help_center, "--db", f"sqlite:///{db}") as service:
            assert vote(service, page="billing/invoices", helpful=True).status_code == 200
            filler = disk / "filler"
            with filler.open("wb") as out, contextlib.suppress(OSError):
                while True:
                    out.write(b"\0" * 65536)
                    out.flush()
            response = vote(
                service,
                page="billing/refunds",
                helpful=False,
                comment="x" * 900,
                client="full-disk-client",
            )
            assert response.status_code == 503
            assert "disk is full" in response.json()["error"]
            assert httpx.get(f"{service.url}/billing/refunds/").status_code == 200
            filler.unlink()
            assert (
                vote(
                    service, page="billing/refunds", helpful=False, client="full-disk-client"
                ).status_code
                == 200
            )
        assert len(stored_votes(help_center, db)) == 2


def test_a_read_only_database_gets_503_and_recovers(help_center: Path, tmp_path: Path) -> None:
    _need_root("chattr +i")
    db = tmp_path / "feedback.db"
    with open_store(f"sqlite:///{db}"):
        pass
    subprocess.run(["chattr", "+i", str(db)], check=True)
    try:
        with Service(help_center, "--db", f"sqlite:///{db}") as service:
            response = vote(service, page="billing/invoices", helpful=True)
            assert response.status_code == 503
            assert "read-only" in response.json()["error"]
            assert httpx.get(f"{service.url}/api/health").status_code == 200
            subprocess.run(["chattr", "-i", str(db)], check=True)
            assert vote(service, page="billing/invoices", helpful=True).status_code == 200
    finally:
        subprocess.run(["chattr", "-i", str(db)], check=False)
