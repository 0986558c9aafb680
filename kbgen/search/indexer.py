"""Building the Whoosh index beside the site: in a new directory, swapped in when complete."""

from __future__ import annotations

import os
import shutil
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index
from whoosh.index import Index, LockError

from kbgen.errors import SearchError
from kbgen.search import parallel
from kbgen.search.analysis import terms
from kbgen.search.document import ArticleDoc, add_documents
from kbgen.search.schema import build_schema
from kbgen.search.storage import DAMAGED, fresh_dir, index_dir, revisions_in, settle, swap


@dataclass
class IndexStats:
    """What one build did to the index."""

    articles: int
    indexed: int
    removed: int
    changed: list[str] = field(default_factory=list)  # ids of the articles indexed or removed


def parse_synonyms(data: object, source: str) -> list[list[list[str]]]:
    """Synonym groups as analysed terms, from YAML such as `refund: money back, reimbursement`."""
    if data is None:
        return []
    if not isinstance(data, dict):
        raise SearchError(f"{source}: synonyms must be a mapping of 'word: synonym, synonym'")
    groups = []
    for key, value in data.items():
        others = value if isinstance(value, list) else str(value or "").split(",")
        members = [str(key), *(str(v) for v in others)]
        group: list[list[str]] = []
        for member in members:
            analysed = terms(member)
            if analysed and analysed not in group:
                group.append(analysed)
        if len(group) > 1:
            groups.append(group)
    return groups


def build_index(state: Path, docs: list[ArticleDoc], synonyms: list[list[list[str]]],
                stamp: str = "", revisions: list[str] | None = None,
                keep: Collection[str] = (), ahead: parallel.IndexAhead | None = None,
                indexed: dict[str, str] | None = None) -> IndexStats:
    """Bring the index up to date with `docs`, re-indexing only articles whose content changed.
    `revisions`, each doc's `revision()`, when the caller has them already. The articles `keep`
    (a build that did not render them: `mkdocs build --dirty`) stay as they are indexed; any
    other article not in `docs` goes. `ahead`, an index begun during the build, is used when it
    holds just these articles. `indexed`, the live index's `indexed_revisions`, when the caller
    read them already."""
    live = index_dir(state)
    state.mkdir(parents=True, exist_ok=True)
    if revisions is None:
        revisions = [doc.revision() for doc in docs]
    if ahead is not None:
        if not keep and ahead.finish(state, docs, revisions, synonyms, stamp):
            return IndexStats(len(docs), len(docs), 0, [doc.id for doc in docs])
        ahead.stop()
    previous = revisions_in(live) if indexed is None else indexed or None
    unchanged = sum(previous.get(doc.id) == revision
                    for doc, revision in zip(docs, revisions, strict=True)) if previous else 0
    if previous is not None and 2 * unchanged < len(docs) and not keep:
        # Most articles changed (a new kbgen's analysis, say): replacing them in a copy of the old
        # index, then merging, costs more than writing a new one.
        previous = None
    try:
        return _build(state, docs, revisions, synonyms, stamp, previous, keep)
    except DAMAGED:
        if previous is None:
            raise
        # The live index read well enough to list its articles, yet not to merge into: write a
        # whole new one, as for a first build.
        return _build(state, docs, revisions, synonyms, stamp, None, keep)


def _build(state: Path, docs: list[ArticleDoc], revisions: list[str],
           synonyms: list[list[list[str]]], stamp: str,
           previous: dict[str, str] | None, keep: Collection[str] = ()) -> IndexStats:
    """A new index beside the live one, from a copy of the live one updated when `previous`
    lists its articles, else from scratch; then swapped in."""
    live = index_dir(state)
    fresh = fresh_dir(state)
    if previous is not None:
        shutil.copytree(live, fresh)
        ix = index.open_dir(str(fresh))
    else:
        fresh.mkdir()
        ix = index.create_in(str(fresh), build_schema())
    try:
        stats = _update(ix, docs, revisions, previous or {}, keep)
        settle(fresh, synonyms, stamp)
    except BaseException as exc:
        ix.close()
        shutil.rmtree(fresh, ignore_errors=True)  # the live index stays as it was
        if isinstance(exc, LockError):
            raise SearchError(f"{fresh}: the search index is locked by another build") from None
        raise
    ix.close()
    swap(fresh, live)
    return stats


def _update(ix: Index, docs: list[ArticleDoc], revisions: list[str],
            indexed: dict[str, str], keep: Collection[str] = ()) -> IndexStats:
    wanted = {doc.id: doc for doc in docs}
    removed = [aid for aid in indexed if aid not in wanted and aid not in keep]
    articles = len(docs) + sum(aid in indexed and aid not in wanted for aid in keep)
    changed = []
    for doc, revision in zip(docs, revisions, strict=True):
        if indexed.get(doc.id) != revision:
            changed.append((doc, revision))
    if not removed and not changed:
        return IndexStats(articles, 0, 0)
    # A large batch (a first build) is indexed by two processes, one segment each: the pages are
    # rendered by then, so the second core would otherwise sit idle.
    apart = len(changed) >= parallel.PARALLEL_FROM and (os.cpu_count() or 1) > 1
    writer = parallel.ParallelWriter(ix) if apart else ix.writer(limitmb=parallel.POOL_MB)
    try:
        for aid in removed:
            writer.delete_by_term("article", aid)
        for doc, revision in changed:
            if doc.id in indexed:
                writer.delete_by_term("article", doc.id)
            if apart:
                writer.add_article(doc, revision)
            else:
                add_documents(writer, doc, revision)
    except BaseException:
        writer.cancel()
        raise
    # Many replaced documents leave many deleted ones behind, which slow every read: merge.
    writer.commit(optimize=len(removed) + len(changed) > len(indexed) // 4)
    return IndexStats(articles, len(changed), len(removed),
                      [doc.id for doc, _ in changed] + removed)
