"""The `kbgen` MkDocs plugin: reacts to MkDocs events and hands each step to kbgen's modules."""

from __future__ import annotations

import json
import os
from html import escape
from pathlib import Path
from typing import Any

from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from kbgen import progress
from kbgen.articles import (
    Article,
    ParsedFile,
    Problem,
    drop_duplicate_ids,
    is_landing_source,
    is_snippet,
    is_toc,
    misnamed,
    parse_article,
    plain_text,
    read_source,
)
from kbgen.config import KbgenConfig
from kbgen.errors import KbgenError
from kbgen.paths import MANIFEST_FILE, shown_root, state_dir, theme_dir
from kbgen.search.build import SearchBuilder, drop_search
from kbgen.search.document import PARSER, section_rows
from kbgen.site.catalog import Catalog
from kbgen.site.directives import REWRITER, DirectiveRewriter, KindTally
from kbgen.site.icons import drop_unknown_icons
from kbgen.site.images import describe_images
from kbgen.site.links import BrokenLinkFilter
from kbgen.site.pages import add_landing_pages, landing_of, page_context
from kbgen.site.render_cache import RenderCache
from kbgen.words import counted

log = get_plugin_logger(__name__)

_MATERIAL_SEARCH = ("search", "material/search")


class KbgenPlugin(BasePlugin[KbgenConfig]):
    """Turns a Material for MkDocs site into a help center."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.catalog = Catalog([], {})
        self.problems: list[Problem] = []
        self.tally = KindTally()
        self.rewriter: DirectiveRewriter | None = None
        self.left_out: list[str] = []
        self.link_filter: BrokenLinkFilter | None = None
        self._page_count = 0  # pages to convert and to render
        self._stage: str | None = None  # the stage of the build's progress the pages are in
        self.search = SearchBuilder()
        self.render_cache: RenderCache | None = None
        self._cache_opened = False
        self._rendered: set[str] = set()  # src paths of the articles this build rendered

    @event_priority(100)  # First: Material's search must be switched off before it sets up.
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Check the theme, add the Markdown extensions and theme overrides kbgen needs, switch
        off Material's search, and start the build's state afresh."""
        if not self.config.enabled:
            return None
        if config.theme.name != "material":
            raise PluginError(
                f"kbgen needs the Material theme, but mkdocs.yml sets theme '{config.theme.name}'; "
                "set 'theme: {name: material}'"
            )
        if not self.config.google_fonts:
            config.theme["font"] = False  # System fonts: the site loads nothing from elsewhere.
        # kbgen writes GitHub and DocFX alerts as admonitions (without the extension they would
        # show as "!!! note" and a code block), and DocFX columns as HTML blocks of Markdown;
        # code fenced inside a list's step, as help articles write commands, needs SuperFences
        # (Python-Markdown's own fences shows it as paragraphs of text with the backticks).
        for extension in ("admonition", "md_in_html", "pymdownx.superfences"):
            if extension not in config.markdown_extensions:
                config.markdown_extensions.append(extension)
        # After the user's custom_dir (theirs wins), before Material's own templates.
        position = 1 if config.theme.custom_dir else 0
        config.theme.dirs.insert(position, str(theme_dir() / "overrides"))
        for name in _MATERIAL_SEARCH:
            if name in config.plugins:
                # Its events are already registered: disable it, then hide it from templates.
                config.plugins[name].config.enabled = False
                del config.plugins[name]
        self.problems, self.left_out, self.tally = [], [], KindTally()
        self.link_filter = BrokenLinkFilter(KindTally())
        self.link_filter.install()
        self.search.stop()
        self.search = SearchBuilder()
        self.render_cache, self._cache_opened = None, False
        self._rendered = set()
        return config

    def on_build_error(self, *, error: Exception) -> None:
        """Stop the indexing begun and leave the page cache as the last whole build left it."""
        self.search.stop()
        if self.link_filter is not None:
            self.link_filter.remove()
        if self.render_cache is not None:
            self.render_cache.close(complete=False)
            self.render_cache = None

    @event_priority(50)  # Early: later plugins should see only the articles that will be built.
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        """Read and check every article's front matter; leave out snippets, drafts and articles
        that cannot be built; add the home and category landing pages."""
        if not self.config.enabled:
            return None
        docs_dir = Path(config.docs_dir)
        shown = shown_root(docs_dir, config.config_file_path)

        def read_snippet(path: str) -> str | None:
            try:
                return (docs_dir / path).read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError):
                return None

        self.rewriter = rewriter = DirectiveRewriter(read_snippet, self.tally)
        for file in list(files):
            wrong = None if file.is_documentation_page() or file.inclusion.is_excluded() \
                else misnamed(file.src_uri, shown + file.src_uri)
            if wrong is not None:  # not a raw copy of an article beside the built ones
                log.warning(f"{wrong} (the file is left out of the site)")
                self.left_out.append(file.src_uri)
                files.remove(file)
        articles: list[Article] = []
        pages = [f for f in files.documentation_pages()]
        progress.current().stage("Reading articles", len(pages))
        for file in pages:
            progress.current().advance()
            if is_snippet(file.src_uri):
                files.remove(file)
                continue
            if is_toc(file.src_uri):
                self.tally.add("DocFX TOC.md (navigation is by category)", file.src_uri)
                files.remove(file)
                continue
            if is_landing_source(file.src_uri) or file.generated_by:
                continue
            data = read_source(Path(file.abs_src_path), shown + file.src_uri) \
                if file.abs_src_path else b""
            parsed = (ParsedFile(None, [data]) if isinstance(data, Problem)
                      else parse_article(file.src_uri, data, shown_as=shown + file.src_uri))
            self.problems.extend(parsed.problems)
            article = parsed.article
            if article is None or article.draft:
                files.remove(file)
                if article is None:
                    self.left_out.append(file.src_uri)
                continue
            article.url = file.url
            if "[!" in article.description:  # a DocFX include, as migrated articles have
                article.description = plain_text(rewriter.inline_text(article.description,
                                                                       file.src_uri))
            articles.append(article)
        articles = self._drop_duplicate_ids(articles, files, shown)
        self._report_problems(config)
        self.catalog = Catalog(articles, self.config.categories)
        for warning in drop_unknown_icons(self.catalog.categories.values(), config.theme.dirs):
            log.warning(warning)
        for warning in add_landing_pages(self.catalog, files, config,
                                         self.config.category_page_size):
            log.warning(warning)
        if self.config.search:
            searched = sum(not a.search_exclude for a in self.catalog.articles)
            self.search.start(_state(config), searched)
        self._page_count = len(files.documentation_pages())
        self._stage = None
        return files

    def _drop_duplicate_ids(self, articles: list[Article], files: Files,
                            shown: str) -> list[Article]:
        """Leave out of the site each article whose id another article has."""
        kept, problems = drop_duplicate_ids(articles, shown)
        self.problems.extend(problems)
        built = {a.src_path for a in kept}
        for article in articles:
            if article.src_path not in built:
                self.left_out.append(article.src_path)
                file = files.get_file_from_path(article.src_path)
                if file is not None:
                    files.remove(file)
        return kept

    def _report_problems(self, config: MkDocsConfig) -> None:
        if config.strict and self.problems:
            listing = "\n  ".join(str(p) for p in self.problems)
            found = counted(len(self.problems), "front matter problem")
            raise PluginError(
                f"{found}; strict builds stop on any:\n"
                f"  {listing}"
            )
        for problem in self.problems:
            outcome = problem.fallback or "the article is left out"
            log.warning(f"{problem} ({outcome})")

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation | None:
        """The site's navigation: the home page and each category's landing page."""
        if not self.config.enabled:
            return None
        # The whole-site nav would be rendered into every page; keep home and categories only.
        items: list[Any] = []
        home = files.get_file_from_path("index.md")
        if home is not None and home.page is not None:
            items.append(home.page)
        for category in self.catalog.ordered_categories():
            landing = files.get_file_from_path(category.landing_src)
            if landing is not None and landing.page is not None:
                items.append(landing.page)
        for item in items:
            item.parent = None
        return Navigation(items, list(items))

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Rewrite the alerts, includes and DocFX directives Python-Markdown does not know (kept
        from the last build while unchanged); a landing page gets its template."""
        if not self.config.enabled:
            return None
        self._progress("Converting Markdown")
        if self.config.cache and not self._cache_opened:
            # Here, not in on_files: every plugin has added its files by the first page.
            self._cache_opened = True
            self.render_cache = RenderCache.open(_state(config), config, files)
        if self.render_cache is not None:
            self.render_cache.wrap(page)
        landing = landing_of(page, self.catalog)
        if landing is not None:
            page.meta["template"] = landing.template
        if page.file.generated_by or self.rewriter is None:
            return markdown
        rewriter, src = self.rewriter, page.file.src_uri
        if self.render_cache is None:
            return rewriter.rewrite(markdown, src)
        # Kept from the last build while the files it included are unchanged: rewriting is a
        # sixth of a rebuild whose pages are all kept.
        traced = self.render_cache.memo(
            f"rewrite-{REWRITER}", f"{src}\0{markdown}",
            lambda _: rewriter.rewrite_traced(markdown, src), rewriter.replay)
        return str(traced["markdown"])

    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        """Give the templates kbgen's part of the page: breadcrumbs, category navigation, the
        article's metadata and what its scripts read."""
        if not self.config.enabled:
            return None
        self._progress("Rendering pages")
        description = page.meta.get("description")
        if isinstance(description, str):  # (escaping Markup leaves it as it is)
            # Material writes it into <meta content="..."> as it is: a quote in it ended the
            # attribute. Escaped once here, it is text wherever a template prints it.
            page.meta["description"] = Markup.escape(description)
        kb = page_context(page, self.catalog, dict(self.config), dict(self.config.feedback))
        article = kb.get("article")
        # What kbgen's scripts read from the page (id="kbgen-config").
        kb["client"] = {
            "base": context["base_url"],
            "kind": kb["kind"],
            "page": article.id if article else None,
            "revision": article.revision if article else None,
            "feedback": kb["feedback"],
        }
        context["kbgen"] = kb  # type: ignore[typeddict-unknown-key]
        return context

    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Hand the article's HTML to the search index; describe its images; put its description
        under its title."""
        if not self.config.enabled:
            return None
        html = describe_images(html)
        self._rendered.add(page.file.src_uri)
        article = self.catalog.by_src.get(page.file.src_uri)
        if article is not None and self.config.search and not article.search_exclude:
            rows = None
            if self.render_cache is not None:  # splitting the HTML is a tenth of a rebuild
                rows = self.render_cache.memo(f"sections-{PARSER}", html, section_rows)
            category = self.catalog.categories[article.category]
            self.search.add(article, html, category.title, rows, category.search_boost)
        if article is not None:
            html = _description_after_h1(html, article.description)
        return html

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """Every page is converted: the indexing processes may finish while pages are laid out."""
        if not self.config.enabled:
            return None
        if self.config.search:
            self.search.converted()
        return env

    def _progress(self, stage: str) -> None:
        """One more page through `stage`; the first page of a stage begins it."""
        if self._stage != stage:
            self._stage = stage
            progress.current().stage(stage, self._page_count)
        progress.current().advance()

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Warn once per kind of directive left out and of broken link, record the articles
        built, close the page cache and write the search index."""
        if not self.config.enabled:
            return
        lines = self.tally.summary()
        if lines:
            log.warning(
                "kbgen does not render some directives; they were left out:\n  "
                + "\n  ".join(lines)
            )
        if self.link_filter is not None:
            self.link_filter.remove()
            links = self.link_filter.tally.summary()
            if links:
                log.warning("broken links (fix the paths, or add the files):\n  "
                            + "\n  ".join(links))
        self._write_manifest(config)
        # `mkdocs build --dirty` (and `mkdocs serve --dirty`) render only the files changed since
        # the last build: the others keep their kept pages, and stay in the index as they are.
        unrendered = [a for a in self.catalog.articles if a.src_path not in self._rendered]
        if self.render_cache is not None:
            self.render_cache.close(complete=not unrendered)
            log.debug("pages converted: %d; taken from the last build: %d",
                      self.render_cache.misses, self.render_cache.hits)
            self.render_cache = None
        if self.config.search:
            progress.current().stage("Indexing for search", 1)
            try:
                self.search.finish(_state(config), config.site_dir, self.config.synonyms,
                                   {a.id for a in unrendered if not a.search_exclude})
            except KbgenError as exc:
                raise PluginError(f"Error building the search index: {exc}") from None
            progress.current().advance()
        else:
            drop_search(_state(config))

    def _write_manifest(self, config: MkDocsConfig) -> None:
        """The articles this build produced, for the service and the report."""
        target = _state(config)
        target.mkdir(parents=True, exist_ok=True)
        manifest = {
            "site_name": config.site_name,
            "site_dir": os.path.abspath(config.site_dir),
            "articles": [
                {"id": a.id, "url": a.url, "title": a.title, "type": a.type,
                 "category": a.category, "revision": a.revision, "src_path": a.src_path}
                for a in self.catalog.articles
            ],
            "categories": len(self.catalog.categories),
            "search": bool(self.config.search),
            # The reasons the widget offers after a "No": the service accepts only these.
            "feedback_reasons": list(self.config.feedback.reasons),
            "left_out": self.left_out,
            "problems": [str(p) for p in self.problems],
        }
        tmp = target / f"{MANIFEST_FILE}.tmp"
        tmp.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        tmp.replace(target / MANIFEST_FILE)


def _state(config: MkDocsConfig) -> Path:
    """Where this build keeps its state (see `state_dir`)."""
    return state_dir(config.site_dir, config.config_file_path)


def _description_after_h1(html: str, description: str) -> str:
    """An article that starts with its own `# Heading` gets its description under that heading
    (the template puts title and description above the content only when it has no h1)."""
    start = html.find("<h1")
    end = html.find("</h1>", start)
    if start == -1 or end == -1 or html[:start].strip():
        return html
    end += len("</h1>")
    return f'{html[:end]}\n<p class="kb-description">{escape(description)}</p>{html[end:]}'
