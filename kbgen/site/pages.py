"""Generated pages (home, category landings) and the template context each page gets."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from markupsafe import Markup, escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from kbgen.articles import TYPE_LABELS, Article
from kbgen.site.catalog import Catalog, Category
from kbgen.site.pagination import landing_page, page_count

HOME_TEMPLATE = "kbgen-home.html"
CATEGORY_TEMPLATE = "kbgen-category.html"


class Landing(NamedTuple):
    """A page kbgen renders with its own template: the home page or a category's landing page."""

    template: str
    category: Category | None = None
    number: int = 1


def _stub(title: str, template: str) -> str:
    return f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\ntemplate: {template}\n---\n"


def numbered_title(category: Category, number: int, count: int) -> str:
    """The title of a landing page after the first, so each page has its own title."""
    return f"{category.title} – Page {number} of {count}"


def add_landing_pages(catalog: Catalog, files: Files, config: MkDocsConfig,
                      page_size: int) -> list[str]:
    """Add a home page and each category's landing pages, unless the writer wrote their own.

    A category of more than `page_size` articles gets further pages (`billing/page/2/` ...,
    `billing/page/2/index.html` ... without directory URLs).
    Returns one warning for each such page left out because a writer's file has its URL.
    """
    if files.get_file_from_path("index.md") is None:
        files.append(File.generated(config, "index.md", content=_stub("Home", HOME_TEMPLATE)))
    taken = {file.dest_uri: file.src_uri for file in files}
    warnings = []
    for category in catalog.categories.values():
        landing = files.get_file_from_path(category.landing_src)
        if landing is None:
            content = _stub(category.title, CATEGORY_TEMPLATE)
            landing = File.generated(config, category.landing_src, content=content)
            files.append(landing)
        category.urls = {1: landing.url}
        count = page_count(len(category.articles), page_size)
        for number in range(2, count + 1):
            content = _stub(numbered_title(category, number, count), CATEGORY_TEMPLATE)
            file = File.generated(config, category.page_src(number), content=content)
            category.urls[number] = file.url  # the writer's page, when theirs has this URL
            if file.dest_uri in taken:
                warnings.append(
                    f"page {number} of the landing page of category '{category.id}' is left out: "
                    f"'{taken[file.dest_uri]}' has its URL ({file.url}); rename that file")
                continue
            files.append(file)
    return warnings


def landing_of(page: Page, catalog: Catalog) -> Landing | None:
    """Whether `page` is the home page or a page of a category's landing page (and which)."""
    src = page.file.src_uri
    if src == "index.md":
        return Landing(HOME_TEMPLATE)
    if not src.endswith("/index.md"):
        return None
    folder = src[: -len("/index.md")]
    category = catalog.categories.get(folder)
    if category is not None:
        return Landing(CATEGORY_TEMPLATE, category)
    category_id, _, number = folder.rpartition("/page/")
    category = catalog.categories.get(category_id)
    if category is not None and number.isdigit() and page.file.generated_by:
        return Landing(CATEGORY_TEMPLATE, category, int(number))
    return None


def _card(article: Article) -> dict[str, Any]:
    return {
        "title": article.title,
        "url": article.url,
        "description": article.description,
        "type": article.type,
        "type_label": TYPE_LABELS[article.type],
    }


def _sidebar_html(articles: list[Article], current: Article, page_url: str) -> Markup:
    """The items of the list of articles beside `current`, whose page is at `page_url`.

    Written here rather than looped over in the template: it is on every page, and its links
    made by the template's `url` filter were a sixth of laying out a page."""
    up = "../" * page_url.count("/")  # from the page's folder to the site's root
    active, current_page = " md-nav__link--active", ' aria-current="page"'
    items = []
    for article in articles:
        here = article.id == current.id
        items.append(
            f'<li class="md-nav__item"><a class="md-nav__link{active if here else ""}" '
            f'href="{escape(up + article.url)}"{current_page if here else ""}>'
            f'<span class="md-ellipsis">{escape(article.title)}</span></a></li>')
    return Markup("".join(items))


def page_context(
    page: Page, catalog: Catalog, options: dict[str, Any], feedback: dict[str, Any]
) -> dict[str, Any]:
    """Everything kbgen's templates need to render `page`, and nothing about other categories."""
    context: dict[str, Any] = {"type_labels": TYPE_LABELS, "feedback": feedback}
    article = catalog.by_src.get(page.file.src_uri)
    landing = landing_of(page, catalog)
    if article is not None:
        category = catalog.categories[article.category]
        sidebar = catalog.sidebar(article, options["sidebar_limit"])
        context.update(
            kind="article",
            article=article,
            category=category,
            sidebar=sidebar,
            sidebar_html=_sidebar_html(sidebar["articles"], article, page.url),
            related=[_card(a) for a in catalog.related(article)],
            breadcrumbs=[{"title": category.title, "url": category.url}],
        )
    elif landing is not None and landing.category is not None:
        category = landing.category
        listing = landing_page(category, catalog.landing_groups(category), landing.number,
                               options["category_page_size"])
        pagination = listing["pagination"]
        context.update(
            kind="category",
            category=category,
            categories=catalog.ordered_categories(),
            breadcrumbs=[],
            **listing,
        )
        if pagination and pagination["number"] > 1:
            # Help center › Billing › Page 2 of 11: the category's crumb leads to page 1.
            context["breadcrumbs"] = [{"title": category.title, "url": category.url}]
            context["current_crumb"] = f"Page {pagination['number']} of {pagination['count']}"
    elif landing is not None:
        context.update(
            kind="home",
            home_title=options["home_title"],
            categories=[
                {"category": c, "count": len(c.articles), "top": c.top_articles()}
                for c in catalog.ordered_categories()
            ],
        )
    else:
        context["kind"] = "page"
    return context
