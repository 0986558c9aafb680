"""Indexing in two more processes: Whoosh's parallel writer, taught to take whole articles and to
end cleanly, and a first index begun while the build still converts pages."""

from __future__ import annotations

import os
import pickle
import shutil
import signal
import threading
import time
from pathlib import Path

from whoosh import index
from whoosh.index import Index, LockError
from whoosh.multiproc import MpWriter, SubWriterTask

from kbgen.search.document import ArticleDoc, add_documents
from kbgen.search.schema import build_schema
from kbgen.search.storage import DAMAGED, fresh_dir, index_dir, settle, swap

PARALLEL_FROM = 400
"""How many changed articles make indexing worth a second process."""

POOL_MB = 1024
"""Whoosh's estimate of postings held in memory per process before it spills them to disk. A spill
pickles every posting one by one and merges the runs back, which made indexing 2.3 times slower
per article at 6,000 articles; 1,024 holds about 10,000 articles' postings (split over two
processes) in memory, at a peak of about 0.5 GB per process for 6,000 articles."""


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
                    add_documents(self.writer, *args)
                else:
                    self.writer.add_document(**args)
        storage.delete_file(filename)


class ParallelWriter(MpWriter):  # type: ignore[misc]
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
        self.fresh = fresh_dir(state)
        self.fresh.mkdir(parents=True)
        self.ix = index.create_in(str(self.fresh), build_schema())
        self.writer: ParallelWriter | None = ParallelWriter(self.ix)
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
        except (*DAMAGED, LockError, ValueError):
            return None  # the build indexes after the pages, as it would have

    def add(self, doc: ArticleDoc, revision: str) -> None:
        """Hand one converted article to the indexing processes."""
        if self.complete:
            self.stop()  # an article after the end: the build indexes after the pages
        if self.writer is None:
            return
        try:
            self.writer.add_article(doc, revision)
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
               synonyms: list[list[list[str]]], stamp: str) -> bool:
        """Commit and swap in the index, when it holds exactly `docs` at `revisions` and there
        is still no index in `state`; else drop it. Whether it was swapped in."""
        wanted = {doc.id: revision for doc, revision in zip(docs, revisions, strict=True)}
        live = index_dir(state)
        if self.writer is None or wanted != self.revisions or index.exists_in(str(live)):
            self.stop()
            return False
        try:
            self.writer.commit(optimize=True)  # as a first build after the pages merges
            self.writer = None
            settle(self.fresh, synonyms, stamp)
            self.ix.close()
            swap(self.fresh, live)
        except (*DAMAGED, ValueError):
            self.stop()
            return False
        return True

    def stop(self) -> None:
        """End the indexing processes and remove what they wrote."""
        if self.writer is not None:
            self.writer.cancel()
            self.writer = None
        if self.fresh.exists():
            self.ix.close()
            shutil.rmtree(self.fresh, ignore_errors=True)
