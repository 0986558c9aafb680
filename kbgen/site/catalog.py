"""Navigation by category: the home page, one landing page per category, and the sidebar.

Every page's navigation is computed from its own category only, so a page's size does not grow
with the number of articles elsewhere in the help center.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kbgen.articles import ARTICLE_TYPES, TYPE_LABELS, Article

# Tutorials first on landing pages: a reader new to a topic wants the guided path.
_TYPE_ORDER = ("tutorial", "article", "faq", "troubleshooting")
_TYPE_HEADINGS = {
    "tutorial": "Tutorials",
    "article": "Articles",
    "faq": "Frequently asked questions",
    "troubleshooting": "Troubleshooting",
}


def humanize(slug: str) -> str:
    """`getting-started` -> `Getting started`; `LocalFunctionality` stays readable."""
    text = slug.replace("-", " ").replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else slug


@dataclass
class Category:
    """A folder of articles with its landing page."""

    id: str
    title: str
    description: str = ""
    icon: str | None = None
    search_boost: float = 1.0  # multiplies its articles' search scores (`search_boost:`)
    articles: list[Article] = field(default_factory=list)
    # URL of each page of the landing page, by number, as MkDocs names the page's file; set
    # when the pages are added, since `use_directory_urls` decides them (`billing/page/2/` or
    # `billing/page/2/index.html`).
    urls: dict[int, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """The landing page's site-relative URL (its first page, when it has several)."""
        return self.page_url(1)

    @property
    def landing_src(self) -> str:
        """Where the landing page pretends to live under docs/."""
        return self.page_src(1)

    def page_url(self, number: int) -> str:
        """The site-relative URL of page `number` of the landing page."""
        return self.urls[number]

    def page_src(self, number: int) -> str:
        """Where page `number` of the landing page pretends to live under docs/."""
        return f"{self.id}/index.md" if number == 1 else f"{self.id}/page/{number}/index.md"

    def top_articles(self, count: int = 5) -> list[Article]:
        """The most useful articles to show first: tutorials and FAQs, then the rest by title."""
        rank = {kind: i for i, kind in enumerate(("tutorial", "faq", "article", "troubleshooting"))}
        return sorted(self.articles, key=lambda a: (rank[a.type], a.title.lower()))[:count]

    def groups(self) -> list[dict[str, Any]]:
        """The landing page's sections: articles grouped by type, each sorted by title."""
        by_type: dict[str, list[Article]] = {kind: [] for kind in ARTICLE_TYPES}
        for article in self.articles:
            by_type[article.type].append(article)
        return [
            {"type": kind, "heading": _TYPE_HEADINGS[kind],
             "articles": sorted(by_type[kind], key=lambda a: a.title.lower())}
            for kind in _TYPE_ORDER if by_type[kind]
        ]


class Catalog:
    """All publishable articles, indexed by id, source path and category."""

    def __init__(self, articles: list[Article], category_config: dict[str, Any]) -> None:
        self.articles = sorted(articles, key=lambda a: (a.category, a.title.lower()))
        self.by_id = {a.id: a for a in self.articles}
        self.by_src = {a.src_path: a for a in self.articles}
        self.categories: dict[str, Category] = {}
        self._order = {name: i for i, name in enumerate(category_config)}
        self._sorted: dict[str, tuple[list[Article], dict[str, int]]] = {}
        self._groups: dict[str, list[dict[str, Any]]] = {}
        self._tagged: dict[str, dict[str, list[Article]]] = {}
        for article in self.articles:
            if article.category not in self.categories:
                conf = category_config.get(article.category) or {}
                self.categories[article.category] = Category(
                    id=article.category,
                    title=conf.get("title") or humanize(article.category),
                    description=conf.get("description") or "",
                    icon=conf.get("icon"),
                    search_boost=conf.get("search_boost") or 1.0,
                )
            self.categories[article.category].articles.append(article)
            for tag in article.tags:
                self._tagged.setdefault(article.category, {}).setdefault(tag, []).append(article)

    def ordered_categories(self) -> list[Category]:
        """Categories in the order the config lists them, then alphabetically."""
        unlisted = len(self._order)
        return sorted(self.categories.values(),
                      key=lambda c: (self._order.get(c.id, unlisted), c.title.lower()))

    def _by_title(self, category: Category) -> tuple[list[Article], dict[str, int]]:
        """The category's articles sorted by title, and each one's position: computed once."""
        if category.id not in self._sorted:
            members = sorted(category.articles, key=lambda a: a.title.lower())
            self._sorted[category.id] = (members, {a.id: i for i, a in enumerate(members)})
        return self._sorted[category.id]

    def landing_groups(self, category: Category) -> list[dict[str, Any]]:
        """The category's articles grouped by type for its landing page: computed once."""
        if category.id not in self._groups:
            self._groups[category.id] = category.groups()
        return self._groups[category.id]

    def sidebar(self, article: Article, limit: int) -> dict[str, Any]:
        """The articles listed beside `article`: its category's, centred on it when too many."""
        category = self.categories[article.category]
        members, position = self._by_title(category)
        if len(members) <= limit:
            return {"category": category, "articles": members, "truncated": False}
        index = position[article.id]
        start = max(0, min(index - limit // 2, len(members) - limit))
        return {"category": category, "articles": members[start:start + limit],
                "truncated": True, "total": len(members)}

    def related(self, article: Article, count: int = 3) -> list[Article]:
        """Up to `count` related articles: those front matter names, then ones sharing a tag."""
        chosen = [self.by_id[i] for i in article.related if i in self.by_id and i != article.id]
        tagged = self._tagged.get(article.category, {})
        for tag in article.tags:
            if len(chosen) >= count:
                break
            chosen.extend(a for a in tagged.get(tag, ()) if a is not article and a not in chosen)
        return chosen[:count]


def type_labels() -> dict[str, str]:
    """Article type names for templates."""
    return dict(TYPE_LABELS)
