"""Real Chromium on the real sample help center: categories, sidebar, breadcrumbs."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import article
from site_server import static_server

from kbgen.build import build_site

pytestmark = pytest.mark.browser


def test_category_page_then_article(browser, sample_site, artifacts: Path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(sample_site)
    page.screenshot(path=str(artifacts / "home.png"))
    page.get_by_role("link", name="Building and publishing", exact=True).first.click()
    page.wait_for_url("**/publishing/")
    assert page.locator("article h1").inner_text() == "Building and publishing"
    assert page.locator("#kb-group-tutorial").is_visible()
    page.screenshot(path=str(artifacts / "category.png"))

    page.locator(".kb-list a", has_text="Publish your help center from CI").click()
    page.wait_for_url("**/publishing/publish-from-ci/")
    crumbs = page.locator(".kb-breadcrumbs li").all_inner_texts()
    assert [c.strip("› ").strip() for c in crumbs] == [
        "Help center", "Building and publishing", "Publish your help center from CI"]
    assert page.locator(".kb-badge").first.inner_text().lower() == "tutorial"

    sidebar = page.locator(".kb-nav__articles")
    titles = sidebar.locator("a").all_inner_texts()
    assert "Publish your help center from CI" in titles
    assert sidebar.locator('a[aria-current="page"]').inner_text().strip() == \
        "Publish your help center from CI"
    assert not any("synonyms" in t.lower() for t in titles)  # another category's article
    page.screenshot(path=str(artifacts / "article.png"), full_page=True)

    page.locator(".kb-breadcrumbs a", has_text="Building and publishing").click()
    page.wait_for_url("**/publishing/")
    page.close()


def test_phone_width_shows_the_drawer_navigation(browser, sample_site, artifacts: Path):
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    page.goto(sample_site + "search/set-up-synonyms/")
    page.locator('.md-header label.md-header__button[for="__drawer"]').click()
    drawer_links = page.locator(".kb-nav__articles a")
    drawer_links.first.wait_for(state="visible")
    assert drawer_links.count() >= 3
    page.wait_for_timeout(400)  # let the drawer finish sliding in
    page.screenshot(path=str(artifacts / "article-phone-drawer.png"))
    page.close()


def test_next_page_of_a_large_category(browser, make_kb, artifacts: Path):
    files = {f"billing/b{i:02}.md": article(f"Billing topic {i:02}", f"About billing {i:02}.")
             for i in range(25)}
    kb = make_kb(files, plugin_options="category_page_size: 10\ncategories:\n"
                                       "  billing: {icon: material/credit-card}")
    build_site(kb / "mkdocs.yml", strict=True)
    with static_server(kb / "site") as url:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url + "billing/")
        pagination = page.get_by_role("navigation", name="Pagination")
        assert pagination.locator('[aria-current="page"]').inner_text() == "1"
        pagination.get_by_role("link", name="Next").click()
        page.wait_for_url("**/billing/page/2/")
        assert page.locator("article h1").inner_text() == "Billing\nPage 2 of 3"
        assert page.title().startswith("Billing – Page 2 of 3")
        assert page.locator(".kb-list a").first.inner_text() == "Billing topic 10"
        assert pagination.locator('[aria-current="page"]').inner_text() == "2"
        page.screenshot(path=str(artifacts / "category-page-2.png"), full_page=True)
        page.close()

        phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
        phone.goto(url + "billing/page/2/")
        phone.get_by_role("navigation", name="Pagination").scroll_into_view_if_needed()
        phone.wait_for_timeout(400)  # let the header finish switching to the page title
        phone.screenshot(path=str(artifacts / "category-page-2-phone.png"))
        phone.get_by_role("link", name="Previous").click()
        phone.wait_for_url("**/billing/")
        phone.close()
