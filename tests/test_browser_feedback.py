"""The widget in real Chromium against `kbgen serve`: votes stored, reported, kept offline."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from conftest import MakeKb
from feedback_helpers import Service, build_help_center
from playwright.sync_api import expect
from site_server import SiteServer

from kbgen.feedback import open_store
from kbgen.feedback.store import StoredSearch, StoredVote
from kbgen.report.run import write_report

pytestmark = pytest.mark.browser
T = TypeVar("T")
NASTY = '<img src=x onerror="window.pwned=1"><script>window.pwned=1</script> The menu moved'
UNAVAILABLE = "Feedback can't be sent from this copy of the help center."


@pytest.fixture(scope="module")
def help_center(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import make_kb

    make: MakeKb = make_kb.__wrapped__(tmp_path_factory.mktemp("browser"))  # type: ignore[attr-defined]
    return build_help_center(make)


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'feedback.db'}"


@pytest.fixture
def service(help_center: Path, db: str) -> Iterator[Service]:
    with Service(help_center, "--db", db) as running:
        yield running


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    opened = context.new_page()
    yield opened
    context.close()


def wait_for(read: Callable[[], T], ready: Callable[[T], bool], timeout: float = 15.0) -> T:
    """Poll `read` until `ready` says yes (or time is up, returning the last value)."""
    deadline = time.monotonic() + timeout
    value = read()
    while not ready(value) and time.monotonic() < deadline:
        time.sleep(0.1)
        value = read()
    return value


def votes(db: str) -> list[StoredVote]:
    with open_store(db) as store:
        return store.votes()


def searches(db: str) -> list[StoredSearch]:
    with open_store(db) as store:
        return store.searches()


def test_yes_and_no_are_stored_exactly_and_reported(
    page: Any, service: Service, db: str, tmp_path: Path
) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{service.url}/billing/invoices/")
    page.get_by_role("button", name="Yes").click()
    expect(page.locator("[data-kb-thanks]")).to_have_text("Thanks for your feedback!")
    expect(page.get_by_role("status")).to_have_text("Thanks for your feedback!")

    page.goto(f"{service.url}/billing/refunds/")
    page.get_by_role("button", name="No").click()
    page.get_by_label("Out of date").check()
    page.get_by_label("Tell us more (optional)").fill(NASTY)
    assert page.locator("[data-kb-count]").inner_text() == f"{len(NASTY)} / 1000"
    assert page.get_by_role("link", name="Email help@example.com").is_visible()
    assert page.locator(".kb-feedback__related li").count() <= 3
    page.get_by_role("button", name="Send").click()

    stored = wait_for(lambda: votes(db), lambda v: any(x.comment for x in v))
    assert sorted((v.article_id, v.helpful, v.reason, v.comment) for v in stored) == [
        ("billing/invoices", True, None, None),
        ("billing/refunds", False, "Out of date", NASTY),
    ]
    assert page.context.cookies() == [] and page.evaluate("document.cookie") == ""
    assert all(url.startswith(service.url) for url in requests), requests

    report = tmp_path / "report.html"
    write_report(service.root / "mkdocs.yml", db_url=db, since="1d", fmt="html", output=report)
    page.goto(report.as_uri())
    assert page.get_by_text("Get a refund").first.is_visible()
    assert page.get_by_text(NASTY).first.is_visible()  # shown as text, escaped
    assert page.evaluate("window.pwned") is None
    assert page.locator("script, img").count() == 0


def test_the_widget_works_from_the_keyboard(page: Any, service: Service, db: str) -> None:
    page.goto(f"{service.url}/account/password/")
    page.get_by_role("button", name="No").focus()
    page.keyboard.press("Enter")
    assert page.get_by_role("button", name="No").get_attribute("aria-pressed") == "true"
    focused = page.evaluate("document.activeElement.value")
    assert focused == "Didn't answer my question"
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")  # radios move with the arrow keys
    page.keyboard.press("Tab")
    page.keyboard.type("Step 2 does not say where the button is")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    stored = wait_for(lambda: votes(db), lambda v: bool(v) and v[0].comment is not None)
    assert [(v.reason, v.comment) for v in stored] == [
        ("Hard to follow", "Step 2 does not say where the button is")
    ]
    expect(page.locator("[data-kb-thanks]")).to_be_focused()
    page.get_by_role("button", name="Change your answer").click()
    page.get_by_role("button", name="Yes").click()
    stored = wait_for(lambda: votes(db), lambda v: bool(v) and v[0].helpful)
    assert [(v.helpful, v.reason) for v in stored] == [(True, None)]  # replaced, not added


def test_a_vote_waits_while_the_service_is_down(page: Any, service: Service, db: str) -> None:
    page.goto(f"{service.url}/billing/invoices/")
    service.stop()
    page.get_by_role("button", name="Yes").click()
    outbox = wait_for(
        lambda: page.evaluate("localStorage.getItem('kbgen.outbox')"),
        lambda text: text is not None and "billing/invoices" in text,
    )
    assert "billing/invoices" in outbox
    time.sleep(1)
    assert votes(db) == []
    service.start()
    stored = wait_for(lambda: votes(db), bool, timeout=30)  # the widget retries on its own
    assert [(v.article_id, v.helpful) for v in stored] == [("billing/invoices", True)]
    wait_for(lambda: page.evaluate("localStorage.getItem('kbgen.outbox')"), lambda t: t == "{}")
    page.goto(f"{service.url}/account/password/")  # a new page flushes again: nothing to send
    time.sleep(1)
    assert len(votes(db)) == 1


def test_a_reason_the_help_center_no_longer_offers_is_kept_in_the_comment(
    page: Any, service: Service, db: str
) -> None:
    page.goto(f"{service.url}/billing/refunds/")
    page.get_by_role("button", name="No").click()
    # As a page built before the writers renamed a reason would send it.
    page.get_by_label("Out of date").evaluate("radio => { radio.value = 'Outdated'; }")
    page.get_by_label("Out of date").check()
    page.get_by_label("Tell us more (optional)").fill("The screenshots show the old menu")
    page.get_by_role("button", name="Send").click()
    stored = wait_for(lambda: votes(db), lambda v: bool(v) and v[0].comment is not None)
    assert [(v.helpful, v.reason, v.comment) for v in stored] == [
        (False, None, "[Outdated] The screenshots show the old menu")]
    wait_for(lambda: page.evaluate("localStorage.getItem('kbgen.outbox')"), lambda t: t == "{}")


def test_a_page_can_turn_the_widget_off(page: Any, service: Service) -> None:
    page.goto(f"{service.url}/account/delete/")
    assert page.locator("[data-kb-feedback]").count() == 0


def test_searches_are_logged_from_the_browser(page: Any, service: Service, db: str) -> None:
    page.goto(f"{service.url}/billing/invoices/")
    page.evaluate("""() => {
        for (const q of ["can", "cancel", "cancel my plan"]) window.kbgen.logSearch(q, 0);
    }""")
    page.evaluate("window.kbgen.logSearch('refund', 3)")
    page.evaluate("window.kbgen.logSearch('refund', 3, 'billing/refunds/')")
    # Cut to 200 characters, never through one: an emoji is two UTF-16 units.
    page.evaluate("window.kbgen.logSearch('x'.repeat(199) + '\\u{1F389} and more', 0)")
    logged = wait_for(lambda: searches(db), lambda s: len(s) >= 3)
    assert sorted((s.query, s.result_count, s.opened_url) for s in logged) == [
        ("cancel my plan", 0, None),
        ("refund", 3, "billing/refunds/"),
        ("x" * 199 + "\U0001F389", 0, None),
    ]


def test_the_comment_counter_and_its_limit_count_characters(
    page: Any, service: Service, db: str
) -> None:
    page.goto(f"{service.url}/billing/refunds/")
    page.get_by_role("button", name="No").click()
    comment = page.get_by_label("Tell us more (optional)")
    count = page.locator("[data-kb-count]")
    comment.fill("\U0001F389" * 500)  # two UTF-16 units each, one character as the service counts
    expect(count).to_have_text("500 / 1000")
    comment.fill("\U0001F389" * 1001)
    expect(count).to_have_text("1000 / 1000")
    comment.press("End")
    page.keyboard.type("ab")
    assert comment.input_value() == "\U0001F389" * 1000
    page.get_by_role("button", name="Send").click()
    stored = wait_for(lambda: votes(db), lambda v: bool(v) and v[0].comment is not None)
    assert [v.comment for v in stored] == ["\U0001F389" * 1000]


def posts_of(page: Any) -> list[str]:
    """The URLs the page POSTs to from now on (the list grows as it does)."""
    posts: list[str] = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST"
            else None)
    return posts


def later_pages_ask_and_log_nothing(page: Any, host: SiteServer) -> None:
    """On the next page of the session: no widget, no vote kept, no search logged."""
    page.goto(f"{host.url}account/password/")
    expect(page.locator("[data-kb-feedback]")).to_be_hidden()
    assert page.evaluate("window.kbgen.feedback.vote('account/password', null, true)") is False
    box = page.locator("[data-kb-search] [data-kb-search-input]")
    box.click()
    box.fill("password")
    page.locator("#kb-search-results [role=option]").first.click()  # logs the search and the click
    page.wait_for_url(re.compile(r".*\?h=password"))
    time.sleep(2)  # longer than the search box waits before it logs a search
    assert page.evaluate("localStorage.getItem('kbgen.outbox')") in (None, "{}")


# What static hosts answer a POST: None is Python's http.server (501).
@pytest.mark.parametrize("refusal", [None, 404, 405], ids=["501", "404", "405"])
def test_on_a_static_host_the_widget_says_votes_cannot_be_sent(
    page: Any, help_center: Path, refusal: int | None
) -> None:
    posts = posts_of(page)
    with SiteServer(help_center / "site", post_status=refusal) as host:
        page.goto(f"{host.url}billing/invoices/")
        page.get_by_role("button", name="Yes").click()
        widget = page.locator("[data-kb-feedback]")
        expect(page.locator("[data-kb-unavailable]")).to_be_visible()
        expect(page.get_by_role("status")).to_have_text(UNAVAILABLE)  # said, and shown:
        expect(page.locator("[data-kb-unavailable]")).to_have_text(UNAVAILABLE)
        expect(widget).not_to_contain_text("Thanks", use_inner_text=True)
        assert page.evaluate("localStorage.getItem('kbgen.outbox')") == "{}"  # not retried
        assert "billing/invoices" not in page.evaluate("localStorage.getItem('kbgen.votes')")
        assert page.evaluate("sessionStorage.getItem('kbgen.noService')") == "1"
        later_pages_ask_and_log_nothing(page, host)
    assert posts == [f"{host.url}api/feedback"]


def test_on_a_static_host_a_reason_sent_is_told_it_cannot_be(
    page: Any, help_center: Path
) -> None:
    posts = posts_of(page)
    with SiteServer(help_center / "site") as host:
        page.goto(f"{host.url}billing/refunds/")
        page.get_by_role("button", name="No").click()
        page.get_by_label("Hard to follow").check()
        page.get_by_role("button", name="Send").click()
        widget = page.locator("[data-kb-feedback]")
        expect(page.locator("[data-kb-unavailable]")).to_be_visible()
        expect(widget).not_to_contain_text("Thanks", use_inner_text=True)
        expect(page.get_by_role("link", name="Email help@example.com")).to_be_visible()
        assert page.evaluate("localStorage.getItem('kbgen.outbox')") == "{}"
    assert posts == [f"{host.url}api/feedback"]  # the vote; the reason is not sent again


def test_on_a_static_host_a_refused_search_log_is_enough(page: Any, help_center: Path) -> None:
    posts = posts_of(page)
    with SiteServer(help_center / "site", post_status=405) as host:
        page.goto(f"{host.url}billing/refunds/")
        page.evaluate("window.kbgen.logSearch('refund', 3, 'billing/refunds/')")
        page.wait_for_function("sessionStorage.getItem('kbgen.noService') === '1'")
        page.get_by_role("button", name="Yes").click()
        expect(page.locator("[data-kb-unavailable]")).to_be_visible()
        later_pages_ask_and_log_nothing(page, host)
    assert posts == [f"{host.url}api/search-log"]


@pytest.mark.parametrize("failure", [503, 429])
def test_a_vote_waits_while_the_service_fails(page: Any, help_center: Path,
                                               failure: int) -> None:
    with SiteServer(help_center / "site", post_status=failure) as host:
        page.goto(f"{host.url}billing/invoices/")
        page.get_by_role("button", name="Yes").click()
        expect(page.get_by_role("status")).to_have_text("Thanks for your feedback!")
        outbox = wait_for(lambda: page.evaluate("localStorage.getItem('kbgen.outbox')"),
                          lambda text: text is not None and "billing/invoices" in text)
        assert "billing/invoices" in outbox
        assert page.evaluate("sessionStorage.getItem('kbgen.noService')") is None


@pytest.mark.parametrize("look", ["light", "dark", "phone"])
def test_screenshots(browser: Any, service: Service, artifacts: Path, look: str) -> None:
    options: dict[str, Any] = {"viewport": {"width": 1100, "height": 900}}
    if look == "phone":
        options = {
            "viewport": {"width": 375, "height": 740},
            "device_scale_factor": 2,
            "is_mobile": True,
            "has_touch": True,
        }
    context = browser.new_context(color_scheme="dark" if look == "dark" else "light", **options)
    page = context.new_page()
    page.goto(f"{service.url}/billing/refunds/")
    widget = page.locator("[data-kb-feedback]")
    widget.scroll_into_view_if_needed()
    widget.screenshot(path=str(artifacts / f"feedback-{look}-ask.png"))
    page.get_by_role("button", name="No").click()
    page.get_by_label("Hard to follow").check()
    page.get_by_label("Tell us more (optional)").fill("The second step is missing.")
    widget.screenshot(path=str(artifacts / f"feedback-{look}-no.png"))
    if look == "dark":
        background = page.evaluate(
            "getComputedStyle(document.querySelector('.kb-feedback__comment')).backgroundColor"
        )
        assert background != "rgb(255, 255, 255)"
    if look == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        box = widget.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
    context.close()
