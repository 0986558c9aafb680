"""Indexing in several processes: begun while pages convert, ended with the build."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import article
from search_fixtures import article_doc, build_small_kb, write_kb

from kbgen.build import build_site
from kbgen.search import parallel
from kbgen.search.indexer import build_index
from kbgen.search.searcher import Searcher
from kbgen.search.storage import index_dir


def test_many_changed_articles_are_indexed_by_two_processes_as_one_would(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)  # five articles: two processes anyway
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    docs = [article_doc(n) for n in range(5)]
    assert build_index(tmp_path, docs, []).indexed == 5
    docs[2] = article_doc(2, "Completely new wording about invoices.")
    stats = build_index(tmp_path, docs[:4], [])  # an update: one replaced, one removed
    assert (stats.indexed, stats.removed) == (1, 1)
    assert not multiprocessing.active_children()
    with Searcher(tmp_path) as searcher:
        assert searcher.search("invoices")["results"][0]["id"] == "a2"
        assert searcher.lexicon.n == 4
        # Their sections too, which the indexing processes work out from each article.
        assert {r["section"] for r in searcher.search("details")["results"]} == {"More"}


def test_indexing_that_fails_on_many_articles_ends_its_processes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    build_index(tmp_path, [article_doc(1)], [])
    docs = [article_doc(n) for n in range(450)]  # enough for two processes
    revisions = [doc.revision() for doc in docs]
    docs[150].tags = [lambda: None]  # type: ignore[list-item]  # the second batch can't be sent
    with pytest.raises(Exception, match="pickle"):
        build_index(tmp_path, docs, [], revisions=revisions)
    assert not multiprocessing.active_children()
    assert not list(tmp_path.glob("search.new-*"))
    with Searcher(tmp_path) as searcher:
        assert [d.id for d in searcher.lexicon.docs] == ["a1"]


def _published(site: Path) -> dict[Path, bytes]:
    folder = site / "assets" / "kbgen" / "search"
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_first_index_begun_while_pages_convert_is_the_one_written_after_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    after = build_small_kb(tmp_path / "after")
    finished: list[object] = []
    finish = parallel.IndexAhead.finish

    def recorded(self: parallel.IndexAhead, *args: object) -> object:
        finished.append(finish(self, *args))  # type: ignore[arg-type]
        return finished[-1]

    monkeypatch.setattr(parallel.IndexAhead, "finish", recorded)
    ended: list[bool] = []  # whether the index was still unfinished when the pages were done
    end = parallel.IndexAhead.end
    monkeypatch.setattr(parallel.IndexAhead, "end",
                        lambda self: (ended.append(not finished), end(self))[1])
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)  # six articles: begin ahead anyway
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    ahead = build_small_kb(tmp_path / "ahead")
    assert finished == [True]  # it was begun, and used
    assert ended == [True]  # and finished by its processes while the pages were laid out
    assert _published(ahead.site) == _published(after.site)
    assert not list(ahead.state.glob("search.new-*")) and not multiprocessing.active_children()
    # A second build has an index to update: nothing is begun ahead of the pages.
    build_site(ahead.config, site_dir=str(ahead.site))
    assert len(finished) == 1
    with Searcher(ahead.state) as searcher:
        assert searcher.search("money back")["results"][0]["id"] == "billing/refunds"


def test_an_index_begun_ahead_is_dropped_when_the_build_ends_with_other_articles(
        tmp_path: Path):
    docs = [article_doc(n) for n in range(150)]  # more than a batch: an indexing process starts
    ahead = parallel.IndexAhead(tmp_path)
    for doc in docs[:149]:
        ahead.add(doc, doc.revision())
    assert multiprocessing.active_children()
    stats = build_index(tmp_path, docs, [], ahead=ahead)  # one more than it was given
    assert (stats.articles, stats.indexed) == (150, 150)
    assert not list(tmp_path.glob("search.new-*")) and not multiprocessing.active_children()
    with Searcher(tmp_path) as searcher:
        assert searcher.lexicon.n == 150


def test_an_article_after_the_end_drops_the_index_begun_ahead(tmp_path: Path):
    docs = [article_doc(n) for n in range(150)]
    ahead = parallel.IndexAhead(tmp_path)
    for doc in docs[:149]:
        ahead.add(doc, doc.revision())
    ahead.end()  # what the plugin's on_env does: the processes write their segments
    ahead.add(docs[149], docs[149].revision())  # too late for them
    assert not multiprocessing.active_children()
    stats = build_index(tmp_path, docs, [], ahead=ahead)
    assert (stats.articles, stats.indexed) == (150, 150)
    with Searcher(tmp_path) as searcher:
        assert searcher.lexicon.n == 150


def test_a_failed_build_ends_the_indexing_it_began(tmp_path: Path):
    ahead = parallel.IndexAhead(tmp_path)
    for n in range(150):
        ahead.add(article_doc(n), article_doc(n).revision())
    assert multiprocessing.active_children()
    ahead.stop()  # what the plugin's on_build_error does, through SearchBuilder.stop
    assert not multiprocessing.active_children()
    assert not list(tmp_path.glob("search.new-*")) and not index_dir(tmp_path).exists()


def test_a_build_that_fails_among_its_pages_ends_the_indexing_it_began(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    articles = {f"general/topic-{n:03}.md": article(f"Topic {n}", body=f"Text about {n}.")
                for n in range(130)}  # pages in alphabetical order: 120 indexed, then the failure
    config = write_kb(tmp_path, articles)
    (tmp_path / "boom.py").write_text(
        "def on_page_markdown(markdown, page, **kwargs):\n"
        "    if page.file.src_uri.endswith('topic-120.md'):\n"
        "        raise RuntimeError('a hook failed')\n", encoding="utf-8")
    config.write_text(config.read_text("utf-8") + "hooks:\n  - boom.py\n", encoding="utf-8")
    started = []
    start = parallel.IndexAhead.start
    monkeypatch.setattr(parallel.IndexAhead, "start", classmethod(
        lambda cls, *args: started.append(start(*args)) or started[-1]))
    with pytest.raises(RuntimeError, match="a hook failed"):
        build_site(config, site_dir=str(tmp_path / "site"))
    assert started and started[0] is not None and started[0].revisions  # it had begun
    assert not multiprocessing.active_children()
    state = tmp_path / ".kbgen"
    assert not list(state.glob("search.new-*")) and not index_dir(state).exists()


_KILLED_BUILD = """
import multiprocessing, os, sys
from pathlib import Path
from kbgen.search import parallel
from kbgen.search.document import ArticleDoc, Section
ahead = parallel.IndexAhead(Path(sys.argv[1]))
for n in range(150):
    doc = ArticleDoc(id=f"a{n}", url=f"a{n}/", title=f"Article {n}", description="One.",
                     category="general", category_title="General", type="article",
                     type_label="Article", sections=[Section("", "", f"Text {n}.")])
    ahead.add(doc, doc.revision())
print(" ".join(str(child.pid) for child in multiprocessing.active_children()), flush=True)
os._exit(1)  # as a build killed outright does: no clean-up at all
"""


def test_indexing_processes_end_when_the_build_is_killed(tmp_path: Path):
    done = subprocess.run([sys.executable, "-c", _KILLED_BUILD, str(tmp_path)],
                          capture_output=True, text=True, timeout=60, check=False)
    children = [int(pid) for pid in done.stdout.split()]
    assert children, done.stderr
    deadline = time.monotonic() + 10
    while any(map(_running, children)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in children if _running(pid)]


def _running(pid: int) -> bool:
    """Whether the process is there and not a zombie (ended, not yet reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def test_two_indexing_processes_give_the_same_answers_as_one(make_kb, tmp_path: Path,
                                                             monkeypatch):
    """A first build of a large help center indexes in two processes; nothing may change."""
    topics = ["refund", "invoice", "password", "parcel", "address", "coupon", "receipt", "login"]
    files = {
        f"{topics[i % 8]}s/article-{i}.md": article(
            f"{topics[i % 8].title()} question {i}", f"About {topics[i % 8]} case {i}.",
            body=f"## Steps\n\nTo fix the {topics[i % 8]} problem number {i}, open settings "
                 f"and choose {topics[(i * 3) % 8]}.\n\n## Details\n\nMore about "
                 f"{topics[(i + 1) % 8]} and case {i * 7}.\n")
        for i in range(160)
    }
    questions = ["how do I get a refund", "reset my password", "where is my parcel",
                 "coupon problem 12", "change the address in settings", "invoice case 35"]

    def build_and_answer(name: str) -> tuple[Path, list[set[tuple[str, float]]]]:
        kb = make_kb(files, root=tmp_path / name)
        build_site(kb / "mkdocs.yml")
        with Searcher(kb / ".kbgen") as searcher:
            return kb, [{(r["url"], round(r["score"], 6)) for r in searcher.search(q)["results"]}
                        for q in questions]

    monkeypatch.setattr(parallel, "PARALLEL_FROM", 10**9)
    _, single = build_and_answer("one")
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    kb, together = build_and_answer("two")
    assert len(list((kb / ".kbgen" / "search").glob("*.seg"))) == 2
    assert all(single), "a question found nothing: the comparison would prove little"
    assert together == single
