"""Category landing pages: split into pages of `category_page_size` articles, and their icons."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import material
import pytest
from conftest import article
from test_build import build, html
from test_front_matter import kbgen

from kbgen.site.pagination import page_numbers


def billing(count: int) -> dict[str, str]:
    """`count` billing articles: the first four tutorials, the last four FAQs, the rest articles."""
    def kind(i: int) -> str:
        return "tutorial" if i < 4 else "faq" if i >= count - 4 else "article"
    return {f"billing/b{i:03}.md": article(f"Billing topic {i:03}", f"About billing {i:03}.",
                                           type=kind(i))
            for i in range(count)}


def listed(page: str) -> list[str]:
    """Titles of the articles a landing page lists, in order."""
    return re.findall(r'<li><a href="[^"]*">(Billing topic \d+)</a><p>', page)


def pagination(page: str) -> str:
    found = re.search(r'<nav class="kb-pagination" aria-label="Pagination">.*?</nav>', page, re.S)
    assert found is not None, "no pagination"
    return found.group(0)


def target(site: Path, url: str, href: str) -> Path:
    """The file a link on the page at `url` leads to."""
    return site / posixpath.normpath(posixpath.join(url, href)) / "index.html"


def test_a_large_category_is_split_into_linked_pages(make_kb):
    site = build(make_kb({**billing(25), "account/password.md": article("Reset your password")},
                         plugin_options="category_page_size: 10"), strict=True)
    # Tutorials first, then articles, then FAQs, as on a single landing page.
    expected = [f"Billing topic {i:03}" for i in range(25)]
    urls = ["billing/", "billing/page/2/", "billing/page/3/"]
    pages = [html(site, url) for url in urls]
    assert [listed(p) for p in pages] == [expected[:10], expected[10:20], expected[20:]]
    assert not (site / "billing/page/4").exists()

    for number, (url, page) in enumerate(zip(urls, pages, strict=True), start=1):
        nav = pagination(page)
        hrefs = re.findall(r'href="([^"]+)"', nav)
        assert hrefs and all(target(site, url, h).is_file() for h in hrefs), hrefs
        current = re.findall(r'href="([^"]+)" aria-label="Page (\d+)" aria-current="page"', nav)
        assert [(target(site, url, h), int(n)) for h, n in current] == \
            [(site / url / "index.html", number)]
        assert ('rel="prev"' in nav) == (number > 1)
        assert ('rel="next"' in nav) == (number < 3)
        assert f"Articles {(number - 1) * 10 + 1}–{min(number * 10, 25)} of 25" in page

    next_href = re.search(r'href="([^"]+)" rel="next"', pagination(pages[1]))
    assert next_href and target(site, urls[1], next_href.group(1)) == site / urls[2] / "index.html"
    # Type headings repeat on the pages they continue on, with the type's total.
    assert re.findall(r'<h2 id="kb-group-(\w+)">', pages[0]) == ["tutorial", "article"]
    assert re.findall(r'<h2 id="kb-group-(\w+)">', pages[2]) == ["article", "faq"]
    assert 'Articles <span class="kb-group__count">17</span>' in pages[2]

    titles = [title for p in pages for title in re.findall(r"<title>(.*?)</title>", p)]
    assert titles == ["Billing - Test Help Center", "Billing – Page 2 of 3 - Test Help Center",
                      "Billing – Page 3 of 3 - Test Help Center"]
    assert re.search(r"<h1[^>]*>Billing <span[^>]*>Page 2 of 3</span></h1>", pages[1])


def test_breadcrumbs_sidebar_and_home_lead_to_the_first_page(make_kb):
    site = build(make_kb(billing(25), plugin_options="category_page_size: 10\nsidebar_limit: 5"))
    crumbs = re.search(r'<nav class="kb-breadcrumbs".*?</nav>', html(site, "billing/page/3"), re.S)
    assert crumbs is not None
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', crumbs.group(0)) == [
        ("../../..", "Help center"), ("../../", "Billing")]
    assert '<li aria-current="page">Page 3 of 3</li>' in crumbs.group(0)

    sidebar = html(site, "billing/b012")
    assert '<a class="md-nav__link kb-nav__more" href="../">All 25 articles in Billing' in sidebar
    home = (site / "index.html").read_text("utf-8")
    assert re.search(r'href="billing/">Billing</a></h2>\s*<p class="kb-card__count">25 articles',
                     home)
    assert 'href="billing/">See all 25' in home


def test_a_small_category_looks_as_before(make_kb):
    site = build(make_kb(billing(10), plugin_options="category_page_size: 10"), strict=True)
    page = html(site, "billing")
    assert len(listed(page)) == 10
    assert "kb-pagination" not in page
    assert '<h1 class="kb-category-title">Billing</h1>' in page
    assert '<li aria-current="page">Billing</li>' in page
    assert not (site / "billing/page").exists()


def test_a_landing_page_does_not_grow_with_its_category(make_kb, tmp_path):
    sizes = {}
    for count in (30, 300):
        site = build(make_kb(billing(count), plugin_options="category_page_size: 20",
                             root=tmp_path / str(count)))
        landings = [site / "billing/index.html", *site.glob("billing/page/*/index.html")]
        assert len(landings) == -(-count // 20)
        sizes[count] = max(len(p.read_text("utf-8")) for p in landings)
    # The same 20 articles a page; only a few more page links and longer numbers.
    assert sizes[300] - sizes[30] < 3000, sizes


def test_the_writers_text_stays_on_the_first_page(make_kb):
    files = {**billing(15), "billing/index.md": "Start with **the tutorials**.\n"}
    site = build(make_kb(files, plugin_options="category_page_size: 10"), strict=True)
    assert "<strong>the tutorials</strong>" in html(site, "billing")
    assert "the tutorials" not in html(site, "billing/page/2")
    assert listed(html(site, "billing/page/2")) == [f"Billing topic {i:03}" for i in range(10, 15)]


def test_a_writers_file_at_a_page_url_is_kept_with_a_warning(make_kb):
    files = {**billing(25), "billing/page/2.md": article("Pages of billing")}
    kb = make_kb(files, plugin_options="category_page_size: 10")
    result = kbgen("build", cwd=kb)
    assert result.returncode == 0, result.stderr
    assert ("page 2 of the landing page of category 'billing' is left out: "
            "'billing/page/2.md' has its URL (billing/page/2/)") in result.stderr
    assert "Pages of billing" in html(kb / "site", "billing/page/2")
    assert kbgen("build", "--strict", cwd=kb).returncode != 0


@pytest.mark.parametrize("option, value", [
    ("category_page_size", "0"), ("category_page_size", "-5"), ("category_page_size", "many"),
    ("category_page_size", "true"), ("sidebar_limit", "0"),
])
def test_a_bad_page_size_stops_the_build_naming_the_option(make_kb, option, value):
    kb = make_kb(billing(3), plugin_options=f"{option}: {value}")
    result = kbgen("build", "--strict", cwd=kb)
    assert result.returncode != 0
    assert f"option '{option}': Expected a whole number of at least 1" in result.stderr
    assert "Traceback" not in result.stderr


def test_page_numbers_link_the_ends_and_the_neighbours():
    assert page_numbers(1, 1) == [1]
    assert page_numbers(1, 3) == [1, 2, 3]
    assert page_numbers(1, 11) == [1, 2, 3, None, 11]
    assert page_numbers(4, 11) == [1, 2, 3, 4, 5, 6, None, 11]  # a gap of one shows the page
    assert page_numbers(6, 11) == [1, None, 4, 5, 6, 7, 8, None, 11]
    assert page_numbers(11, 11) == [1, None, 9, 10, 11]


ICONS = """\
categories:
  billing:
    icon: material/credit-card
  account:
    icon: {account}
"""
CARD_ICON = (Path(material.__file__).parent / "templates/.icons/material/credit-card.svg") \
    .read_text("utf-8").strip()


def test_category_icons_show_on_the_home_page_and_the_landing_page(make_kb):
    files = {**billing(2), "account/password.md": article("Reset your password")}
    site = build(make_kb(files, plugin_options=ICONS.format(account="material/account")),
                 strict=True)
    home = (site / "index.html").read_text("utf-8")
    assert ('<h2><a href="billing/"><span class="kb-icon" aria-hidden="true">'
            f"{CARD_ICON}</span>Billing</a></h2>") in home
    assert '<h2><a href="account/"><span class="kb-icon"' in home
    landing = html(site, "billing")
    assert ('<h1 class="kb-category-title"><span class="kb-icon" aria-hidden="true">'
            f"{CARD_ICON}</span>Billing</h1>") in landing


def test_an_unknown_icon_is_a_warning_naming_category_and_icon(make_kb):
    files = {**billing(2), "account/password.md": article("Reset your password")}
    kb = make_kb(files, plugin_options=ICONS.format(account="':material-acount:'"))
    result = kbgen("build", cwd=kb)
    assert result.returncode == 0, result.stderr
    assert ("category 'account': icon ':material-acount:' is not a Material icon "
            "(names look like 'material/credit-card'") in result.stderr
    assert '<h2><a href="account/">Account</a></h2>' in (kb / "site/index.html").read_text()
    assert "kb-icon" not in html(kb / "site", "account")

    (kb / "mkdocs.yml").write_text((kb / "mkdocs.yml").read_text().replace("acount", "account"))
    result = kbgen("build", "--strict", cwd=kb)
    assert result.returncode != 0
    assert "icon ':material-account:' is not a Material icon (did you mean 'material/account'?)" \
        in result.stderr


def test_a_misspelled_category_setting_is_named_with_the_closest_one(make_kb):
    kb = make_kb({"billing/refunds.md": article("Get a refund"),
                  "account/password.md": article("Reset your password")},
                 plugin_options="categories:\n  billing:\n    titel: Money\n"
                                "    description: Invoices and refunds.\n"
                                "  account:\n    colour: red\n")
    settings = "so it is ignored; the settings are title, description, icon and search_boost"
    misspelled = f"category 'billing': 'titel' is not a category setting (did you mean " \
                 f"'title'?), {settings}"
    unknown = f"category 'account': 'colour' is not a category setting, {settings}"
    strict = kbgen("build", "--strict", cwd=kb)
    assert strict.returncode == 1
    assert misspelled in strict.stderr and unknown in strict.stderr
    assert "Traceback" not in strict.stderr
    normal = kbgen("build", cwd=kb)
    assert normal.returncode == 0, normal.stderr
    assert misspelled in normal.stderr and unknown in normal.stderr
    landing = html(kb / "site", "billing")
    assert "Invoices and refunds." in landing and "Money" not in landing
