"""The search step of a build: collect rendered articles, update the index, export it."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from pathlib import Path
from typing import Any

import yaml

from kbgen.errors import SearchError
from kbgen.search import ranking
from kbgen.search.document import ArticleDoc, from_article
from kbgen.search.export import FORMAT, ExportStats, export
from kbgen.search.indexer import IndexStats, build_index, open_index, parse_synonyms
from kbgen.search.lexicon import Lexicon

log = logging.getLogger("mkdocs.plugins.kbgen.search")

EXPORT_DIR = "search-export"
SITE_PATH = Path("assets") / "kbgen" / "search"


def load_synonyms(path: str | Path | None) -> list[list[list[str]]]:
    """Analysed synonym groups from the writer's YAML file (none when no file is named)."""
    if not path:
        return []
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SearchError(f"{path}: cannot read the synonyms file ({exc})") from None
    return parse_synonyms(data, str(path))


class SearchBuilder:
    """Receives each rendered article during a build; `finish` indexes and exports them."""

    def __init__(self) -> None:
        self.docs: list[ArticleDoc] = []

    def add(self, article: Any, html: str, category_title: str) -> None:
        """Take one article with its rendered HTML."""
        self.docs.append(from_article(article, html, category_title))

    def finish(self, state: Path, site_dir: str | Path,
               synonyms_file: str | None) -> tuple[IndexStats, ExportStats | None]:
        """Update the Whoosh index in `state`, then write the browser's files into the site."""
        synonyms = load_synonyms(synonyms_file)
        stamp = _stamp(self.docs, synonyms)
        stats = build_index(state, self.docs, synonyms, stamp)
        cache = state / EXPORT_DIR
        exported = None
        if _cached_stamp(cache) != stamp:
            ix = open_index(state)
            try:
                with ix.reader() as reader:
                    exported = export(Lexicon(reader), synonyms, cache, stamp)
            finally:
                ix.close()
        target = Path(site_dir) / SITE_PATH
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(cache, target)
        return stats, exported


def _stamp(docs: list[ArticleDoc], synonyms: list[list[list[str]]]) -> str:
    settings = [FORMAT, ranking.FIELDS, ranking.params(), synonyms]
    digest = hashlib.sha256(json.dumps(settings).encode())
    for doc in sorted(docs, key=lambda d: d.id):
        digest.update(f"{doc.id}\0{doc.revision()}\0".encode())
    return digest.hexdigest()[:16]


def _cached_stamp(cache: Path) -> str | None:
    try:
        return json.loads((cache / "manifest.json").read_text("utf-8")).get("stamp")
    except (OSError, ValueError):
        return None
