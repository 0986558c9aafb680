"""Links on every kind of page lead to a file of the built site, with or without directory URLs."""

from __future__ import annotations

import html as html_lib
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import article
from test_build import build

_LINK = re.compile(r'\s(?:href|src)="([^"]*)"')
_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)


def with_directory_urls(kb: Path, enabled: bool) -> Path:
    """Set `use_directory_urls` in the help center's mkdocs.yml."""
    config = kb / "mkdocs.yml"
    config.write_text(config.read_text("utf-8") + f"use_directory_urls: {str(enabled).lower()}\n",
                      encoding="utf-8")
    return kb


def broken_links(site: Path, page: str, directory_urls: bool) -> list[str]:
    """The internal links of `page` (a file under `site`) that lead to no file of the site."""
    text = (site / page).read_text("utf-8")
    broken = []
    for raw in _LINK.findall(text):
        link = unquote(html_lib.unescape(raw).split("#")[0].split("?")[0])
        if not link or _EXTERNAL.match(link):
            continue
        target = site / posixpath.normpath(posixpath.join(posixpath.dirname(page), link))
        # A server answers a folder with its index.html; without directory URLs nothing may rely
        # on that, so that the site also works from a file:// URL or a bucket without index files.
        if target.is_file() or (directory_urls and (target / "index.html").is_file()):
            continue
        broken.append(raw)
    return broken


@pytest.mark.parametrize("directory_urls", [False, True])
def test_every_link_of_home_landing_pages_and_articles_leads_to_a_file(make_kb, directory_urls):
    files = {f"billing/b{i}.md": article(f"Billing topic {i}", type="faq" if i < 2 else "article")
             for i in range(7)}
    files["account/password.md"] = article("Reset your password", related=["billing/b1"],
                                           tags=["login"])
    kb = with_directory_urls(make_kb(files, plugin_options="category_page_size: 3\n"
                                                           "sidebar_limit: 4"), directory_urls)
    site = build(kb, strict=True)
    if directory_urls:
        pages = ["index.html", "billing/index.html", "billing/page/2/index.html",
                 "billing/page/3/index.html", "billing/b3/index.html",
                 "account/password/index.html"]
    else:
        pages = ["index.html", "billing/index.html", "billing/page/2/index.html",
                 "billing/page/3/index.html", "billing/b3.html", "account/password.html"]
    for page in pages:
        assert (site / page).is_file(), page
        assert broken_links(site, page, directory_urls) == [], page


def test_landing_links_name_the_html_file_without_directory_urls(make_kb):
    files = {f"billing/b{i}.md": article(f"Billing topic {i}") for i in range(7)}
    kb = with_directory_urls(make_kb(files, plugin_options="category_page_size: 3\n"
                                                           "sidebar_limit: 4"), False)
    site = build(kb, strict=True)
    home = (site / "index.html").read_text("utf-8")
    assert 'href="billing/index.html">See all 7' in home
    assert 'href="billing/b0.html">Billing topic 0</a>' in home
    page2 = (site / "billing/page/2/index.html").read_text("utf-8")
    assert 'href="../3/index.html" rel="next"' in page2
    assert 'href="../../index.html" rel="prev"' in page2
    sidebar = (site / "billing/b3.html").read_text("utf-8")
    assert 'class="md-nav__link kb-nav__more" href="index.html">All 7 articles' in sidebar
