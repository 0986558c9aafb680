"""Generated pages (home, category landings) and the template context each page gets."""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from kbgen.articles import TYPE_LABELS, Article
from kbgen.site.catalog import Catalog, Category

HOME_TEMPLATE = "kbgen-home.html"
CATEGORY_TEMPLATE = "kbgen-category.html"


def _stub(title: str, template: str) -> str:
    quoted = title.replace('"', '\\"')
    return f'---\ntitle: "{quoted}"\ntemplate: {template}\n---\n'


def add_landing_pages(catalog: Catalog, files: Files, config: MkDocsConfig) -> None:
    """Add a home page and one landing page per category, unless the writer wrote their own."""
    if files.get_file_from_path("index.md") is None:
        files.append(File.generated(config, "index.md", content=_stub("Home", HOME_TEMPLATE)))
    for category in catalog.categories.values():
        if files.get_file_from_path(category.landing_src) is None:
            content = _stub(category.title, CATEGORY_TEMPLATE)
            files.append(File.generated(config, category.landing_src, content=content))


def landing_of(page: Page, catalog: Catalog) -> tuple[str, Category | None] | None:
    """Whether `page` is the home page or a category's landing page (and which)."""
    src = page.file.src_uri
    if src == "index.md":
        return HOME_TEMPLATE, None
    if src.endswith("/index.md"):
        category = catalog.categories.get(src[: -len("/index.md")])
        if category is not None:
            return CATEGORY_TEMPLATE, category
    return None


def _card(article: Article) -> dict[str, Any]:
    return {
        "title": article.title,
        "url": article.url,
        "description": article.description,
        "type": article.type,
        "type_label": TYPE_LABELS[article.type],
    }


def page_context(
    page: Page, catalog: Catalog, options: dict[str, Any], feedback: dict[str, Any]
) -> dict[str, Any]:
    """Everything kbgen's templates need to render `page`, and nothing about other categories."""
    context: dict[str, Any] = {"type_labels": TYPE_LABELS, "feedback": feedback}
    article = catalog.by_src.get(page.file.src_uri)
    landing = landing_of(page, catalog)
    if article is not None:
        category = catalog.categories[article.category]
        context.update(
            kind="article",
            article=article,
            category=category,
            sidebar=catalog.sidebar(article, options["sidebar_limit"]),
            related=[_card(a) for a in catalog.related(article)],
            breadcrumbs=[{"title": category.title, "url": category.url}],
        )
    elif landing is not None and landing[1] is not None:
        category = landing[1]
        context.update(
            kind="category",
            category=category,
            groups=category.groups(),
            categories=catalog.ordered_categories(),
            breadcrumbs=[],
        )
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
