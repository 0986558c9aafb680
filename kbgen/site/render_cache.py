"""Pages converted by an earlier build, kept in `.kbgen/pages.sqlite`: a page whose Markdown,
links and settings are all as they were is not converted again. Converting Markdown is about
half of a rebuild (business-central's 2,112 articles: 52 of 105 s under a profiler).

What a conversion depends on, and so what the key holds: the page's Markdown after every plugin's
`on_page_markdown`, its own path and URL, the path and URL of every file in the site (links are
resolved and checked against them), the Markdown settings in mkdocs.yml, the installed packages'
versions, and how much MkDocs logs. What it produces, and so what is kept: the HTML, the table of
contents, the title and anchors MkDocs reads from it, and the messages it logged, which a page
taken from the cache logs again (a broken link warns, and fails a strict build, every time).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, get_toc

from kbgen import __version__

CACHE_FILE = "pages.sqlite"
FORMAT = 2
# Kept pages a complete build did not use are forgotten when they were made with the same settings
# (an older version of a page), else when no build has used them for this long: `mkdocs build`
# (which logs more than `kbgen build`, so keeps other messages) and `kbgen build` each keep theirs.
KEEP_UNUSED_DAYS = 7
# Markdown extensions that read files of their own while converting (snippets, includes): a page
# then depends on more than its Markdown, so a site that uses one is converted anew every build.
READS_FILES = ("pymdownx.snippets", "markdown_include.include", "mdx_include")

log = logging.getLogger("mkdocs.plugins.kbgen.cache")
Logged = list[tuple[str, int, str]]


class RenderCache:
    """Converts pages, or takes them from the last builds' conversions."""

    def __init__(self, db: sqlite3.Connection, settings: str) -> None:
        self._db = db
        self._settings = settings
        self._used: set[str] = set()
        self._start = time.time()
        self._writable = True
        self.hits = 0
        self.misses = 0

    @classmethod
    def open(cls, state: Path, config: MkDocsConfig, files: Files) -> RenderCache | None:
        """The cache in `state` for this build's settings and files; None when the site's
        Markdown extensions read files of their own, or the cache cannot be opened."""
        names = [str(e) for e in config.markdown_extensions]
        if any(name in READS_FILES for name in names):
            return None
        site = sorted((f.src_uri, f.dest_uri, f.url, str(f.inclusion)) for f in files)
        packages = sorted((d.metadata["Name"] or "", d.version) for d in metadata.distributions())
        settings = json.dumps([
            FORMAT, __version__, packages, names, config.mdx_configs,
            config.use_directory_urls, str(config.validation), site,
            logging.getLogger("mkdocs").getEffectiveLevel(),
        ], default=_named, sort_keys=True)
        path = state / CACHE_FILE
        try:
            state.mkdir(parents=True, exist_ok=True)
            db = _connect(path)
        except sqlite3.DatabaseError:  # not a database (any more): start a new one
            try:
                path.unlink()
                db = _connect(path)
            except (OSError, sqlite3.Error) as exc:
                log.info("not keeping converted pages in %s (%s)", path, exc)
                return None
        except (OSError, sqlite3.Error) as exc:
            log.info("not keeping converted pages in %s (%s)", path, exc)
            return None
        return cls(db, hashlib.sha256(settings.encode()).hexdigest())

    def wrap(self, page: Page) -> None:
        """Make MkDocs' `page.render(config, files)` go through the cache."""
        page.render = functools.partial(self.render, page)  # type: ignore[method-assign]

    def render(self, page: Page, config: MkDocsConfig, files: Files) -> None:
        """Page.render, from the cache when the page converts to what it did before."""
        markdown = page.markdown or ""
        key = hashlib.sha256("\0".join([self._settings, page.file.src_uri, page.file.dest_uri,
                                        page.file.url, markdown]).encode()).hexdigest()
        self._used.add(key)
        kept = self._read(key)
        if kept is not None:
            self.hits += 1
            _restore(page, kept, files)
            return
        self.misses += 1
        with _logged() as logged:
            Page.render(page, config, files)
        self._write(key, _kept(page, logged), self._settings)

    def memo(self, kind: str, text: str, compute: Callable[[str], Any],
             holds: Callable[[Any], bool] | None = None) -> Any:
        """`compute(text)` (JSON of lists, strings and numbers), from the cache when the last
        builds computed it for the same `text` (and `holds(value)`, when given, says it still
        does); `kind` names the computation and its version."""
        key = hashlib.sha256(f"{kind}\0{text}".encode()).hexdigest()
        self._used.add(key)
        kept = self._read(key)
        if kept is not None and (holds is None or holds(kept["value"])):
            return kept["value"]
        value = compute(text)
        self._write(key, {"value": value})
        return value

    def close(self, complete: bool) -> None:
        """Save; after a complete build, forget the pages it did not use."""
        try:
            if complete and self._writable:
                self._db.execute("CREATE TEMP TABLE used (key TEXT PRIMARY KEY)")
                self._db.executemany("INSERT INTO used VALUES (?)", ((k,) for k in self._used))
                self._db.execute("UPDATE converted SET used = ? WHERE key IN (SELECT key FROM "
                                 "used)", (self._start,))
                self._db.execute(
                    "DELETE FROM converted WHERE key NOT IN (SELECT key FROM used) AND "
                    "(settings = ? OR used < ?)",
                    (self._settings, self._start - KEEP_UNUSED_DAYS * 86400))
            self._db.commit()
        except sqlite3.Error as exc:
            log.info("could not save converted pages (%s)", exc)
        finally:
            self._db.close()

    def _read(self, key: str) -> dict[str, Any] | None:
        try:
            row = self._db.execute("SELECT data FROM converted WHERE key = ?",
                                   (key,)).fetchone()
            return json.loads(zlib.decompress(row[0])) if row else None
        except (sqlite3.Error, zlib.error, ValueError):
            return None  # a damaged entry is converted anew

    def _write(self, key: str, kept: dict[str, Any], settings: str = "") -> None:
        if not self._writable:
            return
        data = zlib.compress(json.dumps(kept).encode("utf-8"), 1)
        try:
            self._db.execute("INSERT OR REPLACE INTO converted VALUES (?, ?, ?, ?)",
                             (key, settings, self._start, data))
        except sqlite3.Error as exc:
            # Another build of the same site holds the file, say: don't wait on every page.
            self._writable = False
            log.info("not keeping converted pages this build (%s)", exc)


def _named(value: object) -> str:
    """A setting that is not JSON by what it is, not where it is in memory: mkdocs.yml names
    functions (`format: !!python/name:pymdownx.superfences.fence_code_format`), whose repr holds
    an address that differs every build."""
    name = getattr(value, "__qualname__", None)
    if name is not None:
        return f"{getattr(value, '__module__', '')}.{name}"
    return re.sub(r" at 0x[0-9a-fA-F]+", "", repr(value))


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=2)
    try:
        db.execute("DROP TABLE IF EXISTS pages")  # FORMAT 1's, without settings and last use
        db.execute("CREATE TABLE IF NOT EXISTS converted (key TEXT PRIMARY KEY, "
                   "settings TEXT, used REAL, data BLOB)")
    except sqlite3.Error:
        db.close()
        raise
    return db


@contextmanager
def _logged() -> Iterator[Logged]:
    """Every message any logger handles meanwhile, before filters hold any back (kbgen's
    broken-link filter counts them instead)."""
    logged: Logged = []
    handle = logging.Logger.handle

    def recording(logger: logging.Logger, record: logging.LogRecord) -> None:
        logged.append((record.name, record.levelno, record.getMessage()))
        handle(logger, record)

    logging.Logger.handle = recording  # type: ignore[method-assign,assignment]
    try:
        yield logged
    finally:
        logging.Logger.handle = handle  # type: ignore[method-assign]


def _tokens(items: list[AnchorLink]) -> list[dict[str, Any]]:
    return [{"name": a.title, "id": a.id, "level": a.level, "children": _tokens(a.children)}
            for a in items]


def _kept(page: Page, logged: Logged) -> dict[str, Any]:
    links = page.links_to_anchors
    return {
        "content": page.content,
        "toc": _tokens(list(page.toc)),
        "title": page._title_from_render,
        "anchors": list(page.present_anchor_ids or ()),
        "links": None if links is None else {f.src_uri: a for f, a in links.items()},
        "logged": logged,
    }


def _restore(page: Page, kept: dict[str, Any], files: Files) -> None:
    page.content = kept["content"]
    page.toc = get_toc(kept["toc"])
    page._title_from_render = kept["title"]
    page.present_anchor_ids = set(kept["anchors"])
    if kept["links"] is not None:
        page.links_to_anchors = {}
        for src, anchors in kept["links"].items():
            target = files.get_file_from_path(src)
            if target is not None:
                page.links_to_anchors[target] = anchors
    for name, level, message in kept["logged"]:
        logging.getLogger(name).log(level, "%s", message)
