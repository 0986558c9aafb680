"""Real Chromium on the real sample help center, checked with axe-core (WCAG 2 A and AA and
axe's best practices): pages, the feedback form and the search box, light and dark, desktop and
phone."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

VIEWS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def axe_violations(axe: Axe, page: object) -> list[str]:
    """What axe finds wrong on the page as it is now, a line per rule, naming a few elements."""
    # Colours are read once the page is still: a search box opening is a transition.
    page.wait_for_function(  # type: ignore[attr-defined]
        "document.getAnimations().every((a) => a.playState !== 'running')")
    found = axe.run(page).response["violations"]
    return [f"{v['impact']} {v['id']}: {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
            f" ({v['nodes'][0]['failureSummary'].splitlines()[-1].strip()})"
            for v in found]


def _open_search(page: object, view: str) -> object:
    """The header's search box, opened as a reader opens it on this screen."""
    if view == "phone":
        page.click("label[for=__search]")  # type: ignore[attr-defined]
    box = page.locator("[data-kb-search] [data-kb-search-input]")  # type: ignore[attr-defined]
    box.click()
    return box


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("view", list(VIEWS))
def test_pages_feedback_and_search_pass_axe(browser, sample_site: str, view: str, scheme: str):
    axe = Axe()
    page = browser.new_page(viewport=VIEWS[view], color_scheme=scheme)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    found: dict[str, list[str]] = {}

    page.goto(sample_site)
    found["home"] = axe_violations(axe, page)
    page.locator(".kb-hero [data-kb-search-input]").fill("publish from ci")
    page.locator("#kb-hero-results [role=option]").first.wait_for()
    found["home page search"] = axe_violations(axe, page)
    page.goto(sample_site + "feedback/")
    found["category"] = axe_violations(axe, page)
    page.goto(sample_site + "feedback/faq/")
    found["article"] = axe_violations(axe, page)
    page.get_by_role("button", name="No").click()
    page.get_by_label("Tell us more (optional)").wait_for()
    found["feedback form"] = axe_violations(axe, page)

    box = _open_search(page, view)
    box.fill("serch feedbak")
    page.locator("[data-kb-search] [data-kb-suggestion]").wait_for()
    page.locator("#kb-search-results [role=option]").first.wait_for()
    found["search with did you mean"] = axe_violations(axe, page)
    box.fill("xylophone zebra")
    meta = page.locator("[data-kb-search] [data-kb-search-meta]")
    meta.get_by_text("No articles match").wait_for()
    found["search that finds nothing"] = axe_violations(axe, page)
    page.close()

    problems = {where: lines for where, lines in found.items() if lines}
    assert not problems, "\n".join(f"{where}: {line}" for where, lines in problems.items()
                                    for line in lines)
    assert not errors, errors
