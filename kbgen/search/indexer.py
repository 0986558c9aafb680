"""Building the Whoosh index beside the site: in a new directory, swapped in when complete."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import signal
import struct
import threading
import time
import zlib
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index
from whoosh.index import EmptyIndexError, Index, LockError
from whoosh.multiproc import MpWriter, SubWriterTask

from kbgen.errors import SearchError
from kbgen.search.analysis import terms
from kbgen.search.document import ArticleDoc
from kbgen.search.schema import ARTICLE_FIELDS, build_schema
from kbgen.search.snippets import kept_sections

INDEX_DIR = "search"
SYNONYMS_FILE = "synonyms.json"
STAMP_FILE = "stamp"  # the articles and settings indexed, as the export's manifest names them


@dataclass
class IndexStats:
    """What one build did to the index."""

    articles: int
    indexed: int
    removed: int
    changed: list[str] = field(default_factory=list)  # ids of the articles indexed or removed


def index_dir(state: Path) -> Path:
    """Where the live index is kept inside the state directory (`.kbgen/search`)."""
    return state / INDEX_DIR


def _revisions(path: Path) -> dict[str, str] | None:
    """The revision of each article in the index at `path`; None when there is none there, or one
    of another schema, or one that cannot be read: the build then writes one from scratch."""
    try:
        if not index.exists_in(str(path)):
            return None
        existing = index.open_dir(str(path))
    except (*_DAMAGED, ValueError):
        return None
    try:
        if existing.schema.names() != build_schema().names():
            return None
        with existing.searcher() as searcher:
            return {stored["article"]: stored["revision"]
                    for stored in searcher.documents(kind="article")}
    except (*_DAMAGED, ValueError):
        return None
    finally:
        existing.close()


def _article_fields(doc: ArticleDoc, revision: str) -> dict[str, object]:
    sections = [[s.anchor, s.heading, s.text] for s in doc.sections]
    meta = {
        "url": doc.url, "title": doc.title, "description": doc.description,
        "category": doc.category, "category_title": doc.category_title,
        "type": doc.type, "type_label": doc.type_label, "boost": doc.boost,
        "sections": sections,
        "kept": kept_sections(doc.title, sections),  # what the browser gets, for its snippets
    }
    spell = "\n".join([doc.title, doc.headings, doc.description, " ".join(doc.tags),
                       " ".join(doc.keywords), doc.body])
    return {
        "key": f"a:{doc.id}", "kind": "article", "article": doc.id, "revision": revision,
        "meta": meta, "title": doc.title, "headings": doc.headings,
        "description": doc.description, "body": doc.body, "tags": "\n".join(doc.tags),
        "keywords": "\n".join(doc.keywords), "queries": "\n".join(doc.queries),
        "category": doc.category_title, "type": doc.type_label, "spell": spell,
    }


def article_terms(doc: ArticleDoc) -> set[str]:
    """The terms the article's ranked fields give the index (as the export's entries hold them)."""
    fields = _article_fields(doc, "")
    found: set[str] = set()
    for name in ARTICLE_FIELDS:
        found.update(terms(str(fields[name])))
    return found


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


PARALLEL_FROM = 400
"""How many changed articles make indexing worth a second process."""

POOL_MB = 1024
"""Whoosh's estimate of postings held in memory per process before it spills them to disk. A spill
pickles every posting one by one and merges the runs back, which made indexing 2.3 times slower
per article at 6,000 articles; 1,024 holds about 10,000 articles' postings (split over two
processes) in memory, at a peak of about 0.5 GB per process for 6,000 articles."""


def indexed_revisions(state: Path) -> dict[str, str]:
    """The revision of each article in the index in `state` (none when it has no readable one)."""
    return _revisions(index_dir(state)) or {}


def build_index(state: Path, docs: list[ArticleDoc], synonyms: list[list[list[str]]],
                stamp: str = "", revisions: list[str] | None = None,
                keep: Collection[str] = (), ahead: IndexAhead | None = None,
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
        done = None if keep else ahead.finish(state, docs, revisions, synonyms, stamp)
        if done is not None:
            return done
        ahead.stop()
    previous = _revisions(live) if indexed is None else indexed or None
    unchanged = sum(previous.get(doc.id) == revision
                    for doc, revision in zip(docs, revisions, strict=True)) if previous else 0
    if previous is not None and 2 * unchanged < len(docs) and not keep:
        # Most articles changed (a new kbgen's analysis, say): replacing them in a copy of the old
        # index, then merging, costs more than writing a new one.
        previous = None
    try:
        return _build(state, docs, revisions, synonyms, stamp, previous, keep)
    except _DAMAGED:
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
    fresh = _fresh_dir(state)
    if previous is not None:
        shutil.copytree(live, fresh)
        ix = index.open_dir(str(fresh))
    else:
        fresh.mkdir()
        ix = index.create_in(str(fresh), build_schema())
    try:
        stats = _update(ix, docs, revisions, previous or {}, keep)
        _settle(fresh, synonyms, stamp)
    except BaseException as exc:
        ix.close()
        shutil.rmtree(fresh, ignore_errors=True)  # the live index stays as it was
        if isinstance(exc, LockError):
            raise SearchError(f"{fresh}: the search index is locked by another build") from None
        raise
    ix.close()
    _swap(fresh, live)
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
    parallel = len(changed) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1
    writer = _ParallelWriter(ix) if parallel else ix.writer(limitmb=POOL_MB)
    try:
        for aid in removed:
            writer.delete_by_term("article", aid)
        for doc, revision in changed:
            if doc.id in indexed:
                writer.delete_by_term("article", doc.id)
            _add(writer, doc, revision)
    except BaseException:
        writer.cancel()
        raise
    # Many replaced documents leave many deleted ones behind, which slow every read: merge.
    writer.commit(optimize=len(removed) + len(changed) > len(indexed) // 4)
    return IndexStats(articles, len(changed), len(removed),
                      [doc.id for doc, _ in changed] + removed)


def _add(writer: Any, doc: ArticleDoc, revision: str) -> None:
    """The article's document and one document for each of its sections."""
    if isinstance(writer, _ParallelWriter):
        writer.add_article(doc, revision)
        return
    writer.add_document(**_article_fields(doc, revision))
    for number, section in enumerate(doc.sections):
        writer.add_document(
            key=f"s:{doc.id}:{number}", kind="section", article=doc.id, revision=revision,
            number=number, sec_heading=section.heading, sec_text=section.text,
        )


_ARTICLE = 1  # a job file's entry that is an article (Whoosh's own: 0, a document's fields)


class _ArticleTask(SubWriterTask):  # type: ignore[misc]
    """One of Whoosh's indexing processes, which also takes whole articles: it works out their
    documents' fields itself, so the build's own process hands them on and goes on. It leaves
    Ctrl-C to the build (which ends it, with no traceback of its own), and ends when the build's
    process is gone however that went (killed, say), instead of waiting for work for ever."""

    def run(self) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        parent = os.getppid()

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(1)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
        super().run()

    def _process_file(self, filename: str, doc_count: int) -> None:
        storage = self.writer.temp_storage()
        with storage.open_file(filename).raw_file() as f:
            for _ in range(doc_count):
                code, args = pickle.load(f)
                if code == _ARTICLE:
                    _add(self.writer, *args)
                else:
                    self.writer.add_document(**args)
        storage.delete_file(filename)


class _ParallelWriter(MpWriter):  # type: ignore[misc]
    """Whoosh's writer that indexes in two more processes, one segment each. Its processes are
    daemons, so a build that stops before the commit (an error, Ctrl-C) does not wait on them
    for ever; and `cancel` ends them, where Whoosh's only tells its own copy of them."""

    def __init__(self, ix: Index) -> None:
        super().__init__(ix, procs=2, limitmb=POOL_MB, multisegment=True)

    def add_article(self, doc: ArticleDoc, revision: str) -> None:
        """The article and its sections, indexed by one of the processes."""
        self.docbuffer.append((_ARTICLE, (doc, revision)))
        if len(self.docbuffer) >= self.batchsize:
            self._enqueue()
        self._added_sub = True

    def end_input(self) -> None:
        """No more articles: the processes write their segments while this one goes on (the
        commit then waits for them). Whoosh's commit sends each process its end again; the
        processes have gone by then, and the spare ends stay unread in the queue."""
        if self.docbuffer:
            self._enqueue()
        for _ in self.tasks:
            self.jobqueue.put(None)

    def _new_task(self) -> SubWriterTask:
        task = _ArticleTask(self.storage, self.indexname, self.jobqueue, self.resultqueue,
                            self.subargs, self.multisegment)
        task.daemon = True
        self.tasks.append(task)
        task.start()
        return task

    def cancel(self) -> None:
        """End the processes, and this writer unless a commit (that failed) closed it."""
        for task in self.tasks:
            task.terminate()
            task.join()
        self.tasks.clear()
        if not self.is_closed:
            super().cancel()


class IndexAhead:
    """A first index, written while the build still converts pages. With no index to update (a
    first build, a clean clone in CI) every article is indexed; each is handed to Whoosh's
    indexing processes as its page is converted, so they use the second core while this one
    converts Markdown, instead of starting once every page is done. `build_index` then commits
    it, if it holds exactly the build's articles; else it is dropped, and the index is built as
    usual."""

    def __init__(self, state: Path) -> None:
        self.fresh = _fresh_dir(state)
        self.fresh.mkdir(parents=True)
        self.ix = index.create_in(str(self.fresh), build_schema())
        self.writer: _ParallelWriter | None = _ParallelWriter(self.ix)
        self.revisions: dict[str, str] = {}
        self.complete = False  # every article is in (`end`)

    @classmethod
    def start(cls, state: Path, articles: int) -> IndexAhead | None:
        """Begin, when `articles` are enough for a second process and there is no index in
        `state` to update."""
        if articles < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
            return None
        try:
            if index.exists_in(str(index_dir(state))):
                return None
            state.mkdir(parents=True, exist_ok=True)
            return cls(state)
        except (*_DAMAGED, LockError, ValueError):
            return None  # the build indexes after the pages, as it would have

    def add(self, doc: ArticleDoc, revision: str) -> None:
        """Hand one converted article to the indexing processes."""
        if self.complete:
            self.stop()  # an article after the end: the build indexes after the pages
        if self.writer is None:
            return
        try:
            _add(self.writer, doc, revision)
            self.revisions[doc.id] = revision
        except (OSError, ValueError):  # a full disk, say: the build indexes after the pages
            self.stop()

    def end(self) -> None:
        """Every article is in: the processes finish the index while the build lays out its
        pages."""
        if self.writer is None or self.complete:
            return
        self.complete = True
        try:
            self.writer.end_input()
        except (OSError, ValueError):
            self.stop()

    def finish(self, state: Path, docs: list[ArticleDoc], revisions: list[str],
               synonyms: list[list[list[str]]], stamp: str) -> IndexStats | None:
        """Commit and swap in the index, when it holds exactly `docs` at `revisions` and there
        is still no index in `state`; else None, having dropped it."""
        wanted = {doc.id: revision for doc, revision in zip(docs, revisions, strict=True)}
        live = index_dir(state)
        if self.writer is None or wanted != self.revisions or index.exists_in(str(live)):
            self.stop()
            return None
        try:
            self.writer.commit(optimize=True)  # as a first build after the pages merges
            self.writer = None
            _settle(self.fresh, synonyms, stamp)
            self.ix.close()
            _swap(self.fresh, live)
        except (*_DAMAGED, ValueError):
            self.stop()
            return None
        return IndexStats(len(docs), len(docs), 0, list(wanted))

    def stop(self) -> None:
        """End the indexing processes and remove what they wrote."""
        if self.writer is not None:
            self.writer.cancel()
            self.writer = None
        if self.fresh.exists():
            self.ix.close()
            shutil.rmtree(self.fresh, ignore_errors=True)


def _fresh_dir(state: Path) -> Path:
    """Where this build writes its new index (none there yet), after removing the half-written
    ones of killed builds."""
    _sweep(state)
    fresh = state / f"{INDEX_DIR}.new-{os.getpid()}"
    shutil.rmtree(fresh, ignore_errors=True)
    return fresh


def _settle(fresh: Path, synonyms: list[list[list[str]]], stamp: str) -> None:
    """Write beside the new index what it was built with: the synonyms and the stamp."""
    (fresh / SYNONYMS_FILE).write_text(json.dumps(synonyms), encoding="utf-8")
    (fresh / STAMP_FILE).write_text(stamp, encoding="utf-8")


def _sweep(state: Path) -> None:
    """Remove the half-written indexes of builds that were killed (their process is gone): each
    is a whole copy of the index."""
    for path in [*state.glob(f"{INDEX_DIR}.new-*"), *state.glob(f"{INDEX_DIR}.old-*")]:
        pid = path.name.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and not _running(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process, say
        return True
    return True


def _swap(fresh: Path, live: Path) -> None:
    """Replace the live index by the complete new one; the old one goes only afterwards."""
    old = live.with_name(f"{INDEX_DIR}.old-{os.getpid()}")
    if live.exists():
        os.replace(live, old)
    os.replace(fresh, live)
    shutil.rmtree(old, ignore_errors=True)


# What reading a damaged index raises: a cut-off file (EOFError, struct.error), a garbled one
# (pickle, zlib, or Whoosh's own IndexError), a missing or unreadable one.
_DAMAGED = (EmptyIndexError, index.IndexError, OSError, EOFError, struct.error,
            pickle.UnpicklingError, zlib.error)


@contextmanager
def readable(state: Path) -> Iterator[None]:
    """Turn what a damaged index raises, while reading it, into a SearchError that says how to
    mend it (a new build writes a whole new index)."""
    try:
        yield
    except _DAMAGED as exc:
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise SearchError(f"cannot read the search index in {index_dir(state)} ({reason}); "
                          "run 'kbgen build' again to write a new one") from None


def open_index(state: Path) -> Index:
    """The live index, or a SearchError saying to build first."""
    path = index_dir(state)
    with readable(state):
        if not index.exists_in(str(path)):
            raise SearchError(f"no search index in {path}; run 'kbgen build' first")
        return index.open_dir(str(path))


def read_synonyms(state: Path) -> list[list[list[str]]]:
    """The analysed synonym groups the last build used."""
    try:
        return json.loads((index_dir(state) / SYNONYMS_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return []


def read_stamp(state: Path) -> str:
    """The stamp the last build gave the index ("" when it has none)."""
    try:
        return (index_dir(state) / STAMP_FILE).read_text("utf-8").strip()
    except OSError:
        return ""
