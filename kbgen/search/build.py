"""The search step of a build: collect rendered articles, update the index, export it."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from collections.abc import Collection
from pathlib import Path
from typing import Any

import yaml

from kbgen.search import ranking
from kbgen.search.document import ArticleDoc, article_terms, from_article
from kbgen.search.export import (
    FORMAT,
    UNPUBLISHED,
    ExportStats,
    export,
    link_or_copy,
    read_manifest,
)
from kbgen.search.indexer import IndexStats, build_index, parse_synonyms
from kbgen.search.lexicon import Lexicon
from kbgen.search.parallel import IndexAhead
from kbgen.search.storage import index_dir, indexed_revisions, open_index, read_stamp

log = logging.getLogger("mkdocs.plugins.kbgen.search")

EXPORT_DIR = "search-export"
SITE_PATH = Path("assets") / "kbgen" / "search"


def load_synonyms(path: str | Path | None) -> tuple[list[list[list[str]]], list[str]]:
    """Analysed synonym groups from the writer's YAML file (none when no file is named), and the
    problems found in it: `file:line: what is wrong`. The entries with problems are left out."""
    if not path:
        return [], []
    shown = _shown(Path(path))
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [f"{shown}: cannot read the synonyms file ({exc}); search goes on without it"]
    try:
        root = yaml.compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.context_mark or exc.problem_mark  # where the broken construct starts
        where = f"{shown}:{mark.line + 1}" if mark else shown
        what = "; ".join(part for part in (exc.context, exc.problem) if part)
        return [], [f"{where}: not valid YAML ({what}); "
                    "search goes on without synonyms until it is fixed"]
    except yaml.YAMLError as exc:
        return [], [f"{shown}: not valid YAML ({exc}); search goes on without synonyms"]
    if root is None:
        return [], []
    if not isinstance(root, yaml.MappingNode):
        return [], [f"{shown}:{root.start_mark.line + 1}: synonyms must be lines such as "
                    "'refund: money back, reimbursement'; search goes on without them"]
    entries: dict[str, object] = {}
    problems = []
    lines: dict[str, int] = {}  # the line of each term, to name a term written twice
    for key, value in root.value:
        line = f"{shown}:{key.start_mark.line + 1}"
        word = key.value if isinstance(key, yaml.ScalarNode) else None
        if word and word in lines:
            # As YAML reads a mapping, the later line wins; said, since the earlier is lost.
            problems.append(f"{line}: '{word}' is already a term on line {lines[word]}, whose "
                            "synonyms are not used; put all of its synonyms on one line")
            entries.pop(word, None)
        if word:
            lines[word] = key.start_mark.line + 1
        if isinstance(value, yaml.ScalarNode):
            others: object = value.value
        elif isinstance(value, yaml.SequenceNode) and all(
                isinstance(item, yaml.ScalarNode) for item in value.value):
            others = [item.value for item in value.value]
        else:
            others = None
        if not word or others is None:
            problems.append(f"{line}: write the entry as 'word: synonym, synonym' or a list of "
                            "words; it is left out")
            continue
        if not parse_synonyms({word: others}, shown):
            problems.append(f"{line}: '{word}' has no synonym search can use (each side needs a "
                            "word that is not a common word such as 'the'); it is left out")
            continue
        entries[word] = others
    return parse_synonyms(entries, shown), problems


def drop_search(state: Path) -> None:
    """Remove the index and its export (a build with `search: false`): `kbgen search` and the
    service must not answer from an index of articles the help center no longer has."""
    for folder in (index_dir(state), state / EXPORT_DIR):
        if folder.exists():
            gone = folder.with_name(folder.name + ".off")
            shutil.rmtree(gone, ignore_errors=True)
            folder.replace(gone)  # out of readers' way at once, then removed
            shutil.rmtree(gone, ignore_errors=True)


def _shown(path: Path) -> str:
    """The path as the writer would type it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class SearchBuilder:
    """Receives each rendered article during a build; `finish` indexes and exports them."""

    def __init__(self) -> None:
        self.docs: list[ArticleDoc] = []
        self.revisions: list[str] = []  # each doc's revision(), which hashes its whole text
        self.ahead: IndexAhead | None = None

    def start(self, state: Path, articles: int) -> None:
        """Before the pages are converted: begin a first index now, if there is none in `state`
        to update and `articles` are many (see IndexAhead)."""
        self.stop()
        self.ahead = IndexAhead.start(state, articles)

    def add(self, article: Any, html: str, category_title: str,
            rows: list[list[str]] | None = None, category_boost: float = 1.0) -> None:
        """Take one article with its rendered HTML (and its sections' rows, when known);
        `category_boost` multiplies its own search boost."""
        doc = from_article(article, html, category_title, rows, category_boost)
        self.docs.append(doc)
        self.revisions.append(doc.revision())
        if self.ahead is not None:
            self.ahead.add(doc, self.revisions[-1])

    def converted(self) -> None:
        """Every page is converted: the index begun ahead, if any, is finished meanwhile."""
        if self.ahead is not None:
            self.ahead.end()

    def stop(self) -> None:
        """A build that failed: end the index begun ahead, if any."""
        if self.ahead is not None:
            self.ahead.stop()
            self.ahead = None

    def finish(self, state: Path, site_dir: str | Path, synonyms_file: str | None,
               unrendered: Collection[str] = ()) -> tuple[IndexStats, ExportStats | None]:
        """Update the Whoosh index in `state`, then write the browser's files into the site.
        `unrendered`: the ids of articles this build did not render (`mkdocs build --dirty`
        renders only the files changed since the last build); they stay as last indexed."""
        synonyms, problems = load_synonyms(synonyms_file)
        for problem in problems:
            log.warning(problem)
        revisions = self.revisions
        kept: dict[str, str] = {}
        indexed = None
        if unrendered:
            indexed = indexed_revisions(state)
            kept = {aid: indexed[aid] for aid in unrendered if aid in indexed}
            if len(kept) < len(unrendered):
                log.warning("search: %d articles were not rendered by this build and are not in "
                            "the index yet; build without --dirty to search them",
                            len(unrendered) - len(kept))
        pairs = [*zip((d.id for d in self.docs), revisions, strict=True), *kept.items()]
        stamp = _stamp(pairs, synonyms)
        before = read_stamp(state)
        ahead, self.ahead = self.ahead, None
        stats = build_index(state, self.docs, synonyms, stamp, revisions, keep=kept, ahead=ahead,
                            indexed=indexed)
        cache = state / EXPORT_DIR
        exported = None
        exported_stamp = read_manifest(cache).get("stamp")
        if exported_stamp != stamp:
            # The export can be updated for this build's changes only if it matched the index
            # they were made to (a build that stopped between the two leaves it behind).
            changed, changed_terms = None, None
            if before and exported_stamp == before:
                changed = stats.changed
                ids = set(changed)
                changed_terms = set().union(*(article_terms(d) for d in self.docs if d.id in ids))
            ix = open_index(state)
            try:
                with ix.reader() as reader:
                    exported = export(Lexicon(reader), synonyms, cache, stamp,
                                      index_dir(state), changed, changed_terms)
            finally:
                ix.close()
        target = Path(site_dir) / SITE_PATH
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(cache, target, ignore=shutil.ignore_patterns(*UNPUBLISHED),
                        copy_function=link_or_copy)
        return stats, exported


def _stamp(articles: list[tuple[str, str]], synonyms: list[list[list[str]]]) -> str:
    """What the index and export of these (id, revision) articles are made of, as a short hash."""
    settings = [FORMAT, ranking.FIELDS, ranking.params(), synonyms]
    digest = hashlib.sha256(json.dumps(settings).encode())
    for doc_id, revision in sorted(articles):
        digest.update(f"{doc_id}\0{revision}\0".encode())
    return digest.hexdigest()[:16]

