"""The Whoosh index: what a build writes, incremental updates, and a failed build's safety."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from conftest import CORPORA, article
from search_fixtures import article_doc, build_kb, build_small_kb, damage_index, refunds_kb
from test_front_matter import kbgen

from kbgen.build import build_site
from kbgen.errors import SearchError
from kbgen.search import export as export_module
from kbgen.search import indexer, storage
from kbgen.search.indexer import build_index
from kbgen.search.lexicon import Lexicon
from kbgen.search.searcher import Searcher
from kbgen.search.storage import index_dir, open_index
from kbgen.service.search_api import SearcherHolder


def test_a_build_writes_the_index_beside_the_site_and_the_browser_files_into_it(tmp_path: Path):
    built = build_small_kb(tmp_path)
    assert (built.state / "search").is_dir()
    files = built.site / "assets" / "kbgen" / "search"
    manifest = json.loads((files / "manifest.json").read_text("utf-8"))
    assert manifest["n"] == 6
    assert [c for c, _ in manifest["categories"]] == ["account", "billing", "shipping"]
    assert len(list((files / "d").glob("*.json"))) == 6
    assert list((files / "t").glob("*.json"))
    assert not list(built.state.glob("search.new-*"))
    with Searcher(built.state) as searcher:
        assert {d.id for d in searcher.lexicon.docs} >= {"billing/refunds", "account/password"}
    assert_bundles_hold_their_files(files)
    assert (files / "ranges.bin").read_bytes() == b"0123456789"


def assert_bundles_hold_their_files(folder: Path) -> None:
    """docs.bin and terms.bin (what a browser gets by byte ranges) hold exactly the d/ and t/
    files: each chunk inflates on its own to its file and its number, and so does any run of
    chunks, as search-engine.js inflates them."""
    for name, sub in (("docs", "d"), ("terms", "t")):
        lengths = json.loads((folder / f"{name}.json").read_text())
        data = (folder / f"{name}.bin").read_bytes()
        files = sorted((folder / sub).glob("*.json"), key=lambda f: int(f.stem))
        assert len(lengths["units"]) == len(files) and sum(lengths["units"]) * 64 == len(data)
        lines, start = [], 0
        for k, (units, file) in enumerate(zip(lengths["units"], files, strict=True)):
            chunk = data[start:start + units * lengths["unit"]]
            start += len(chunk)
            text, number = zlib.decompress(chunk + b"\x03\x00", -15).decode().rsplit("\t", 1)
            assert number == f"{k}\n" and json.loads(text) == json.loads(file.read_text()), file
            lines.append(text)
        whole = zlib.decompress(data + b"\x03\x00", -15).decode()
        assert [line.rsplit("\t", 1)[0] for line in whole.split("\n")[:-1]] == lines


# business-central articles whose text kept for the browser depended on the order of a set of
# words, which Python hashes differently in each process: each build wrote other article files.
STEADY = ("expense-management/expense-agent.md", "fa-depreciation-methods.md", "ai-in-bc.md",
          "bi-examples-custom-financial-reports.md")


def test_every_build_of_the_same_articles_writes_the_same_search_files(make_kb):
    docs = CORPORA / "business-central" / "docs"
    kb = make_kb({name: (docs / name).read_text(encoding="utf-8") for name in STEADY})
    builds = []
    for seed in ("1", "2", "3"):
        shutil.rmtree(kb / ".kbgen", ignore_errors=True)
        done = subprocess.run([sys.executable, "-m", "kbgen", "build", "-d", f"site-{seed}"],
                              cwd=kb, capture_output=True, text=True, timeout=120,
                              env=os.environ | {"PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stderr
        search = kb / f"site-{seed}" / "assets" / "kbgen" / "search"
        builds.append({str(path.relative_to(search)): path.read_bytes()
                       for path in sorted(search.rglob("*.json"))})
    assert len(builds[0]) > len(STEADY)
    assert builds[1] == builds[0]
    assert builds[2] == builds[0]


def test_rebuilding_reindexes_only_the_articles_that_changed(tmp_path: Path):
    docs = [article_doc(n) for n in range(5)]
    assert build_index(tmp_path, docs, []).indexed == 5
    assert build_index(tmp_path, docs, []).indexed == 0
    docs[2] = article_doc(2, "Completely new wording about invoices.")
    stats = build_index(tmp_path, docs[:4], [])
    assert (stats.indexed, stats.removed) == (1, 1)
    with Searcher(tmp_path) as searcher:
        assert searcher.search("invoices")["results"][0]["id"] == "a2"
        assert searcher.lexicon.n == 4
        assert not searcher.search("article 4 text")["results"] or all(
            r["id"] != "a4" for r in searcher.search("article 4")["results"])


def test_a_killed_builds_half_written_index_is_removed_by_the_next(tmp_path: Path):
    build_index(tmp_path, [article_doc(1)], [])
    # What a build killed while writing leaves: a copy of the index named after its process.
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    killed = tmp_path / f"search.new-{gone}"
    shutil.copytree(tmp_path / "search", killed)
    alive = tmp_path / f"search.new-{os.getppid()}"  # a build still running: left alone
    alive.mkdir()
    # What turning search off leaves when removing the old index failed halfway (drop_search).
    dropped = [tmp_path / "search.off", tmp_path / "search-export.off"]
    for folder in dropped:
        shutil.copytree(tmp_path / "search", folder)
    build_index(tmp_path, [article_doc(1), article_doc(2)], [])
    assert not killed.exists() and not any(folder.exists() for folder in dropped)
    assert alive.is_dir()


def test_a_failed_build_leaves_the_previous_index_whole(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch):
    build_index(tmp_path, [article_doc(1)], [])

    def explode(*args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(indexer, "_update", explode)
    with pytest.raises(RuntimeError):
        build_index(tmp_path, [article_doc(1), article_doc(2)], [])
    assert not list(tmp_path.glob("search.new-*"))
    with Searcher(tmp_path) as searcher:
        assert [d.id for d in searcher.lexicon.docs] == ["a1"]


def test_an_export_shared_with_a_second_process_writes_the_same_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    built = build_small_kb(tmp_path / "kb")
    monkeypatch.setattr(export_module, "PARALLEL_FROM", 1)  # six articles: share them anyway
    monkeypatch.setattr(export_module.os, "cpu_count", lambda: 2)
    written = []
    for folder in (index_dir(built.state), None):
        ix = open_index(built.state)
        with ix.reader() as reader:
            target = tmp_path / ("shared" if folder else "alone")
            export_module.export(Lexicon(reader), [], target, "stamp", folder)
        ix.close()
        written.append({p.relative_to(target): p.read_bytes() for p in target.rglob("*.json")})
    assert written[0] == written[1] and len(written[0]) > 10


def test_a_missing_index_says_to_build_first(tmp_path: Path):
    with pytest.raises(SearchError, match="run 'kbgen build' first"):
        open_index(tmp_path)


@pytest.mark.parametrize("damage", ["cut", "garble"])
def test_a_damaged_index_says_to_build_again_and_the_build_mends_it(tmp_path: Path, damage: str):
    built = build_small_kb(tmp_path)
    folder = built.state / "search"
    damage_index(built, damage)
    found = kbgen("search", "refund", cwd=built.config.parent)
    assert found.returncode == 1, found.stdout
    assert f"Error: cannot read the search index in {folder}" in found.stderr
    assert "run 'kbgen build' again" in found.stderr and "Traceback" not in found.stderr
    again = kbgen("build", cwd=built.config.parent)
    assert again.returncode == 0, again.stderr
    found = kbgen("search", "refund", "--json", cwd=built.config.parent)
    assert json.loads(found.stdout)["results"][0]["url"].startswith("billing/refunds/")


def test_rebuilding_the_site_after_an_edit_finds_the_new_words(tmp_path: Path):
    built = build_small_kb(tmp_path)
    page = tmp_path / "docs" / "shipping" / "track-order.md"
    page.write_text(page.read_text("utf-8") + "\n## Customs fees {#customs}\n\nImport duty.\n",
                    encoding="utf-8")
    build_site(built.config, site_dir=str(built.site))
    with Searcher(built.state) as searcher:
        top = searcher.search("import duty")["results"][0]
    assert top["url"] == "shipping/track-order/#customs"


def test_a_rebuild_forgets_the_spelling_words_of_the_text_it_replaced(tmp_path: Path):
    # Whoosh only marks a replaced article deleted: its words stayed in the spelling counts.
    others = {f"animals/{name}.md": article(name.title(), body=f"{name.title()} walk on hills.\n")
              for name in ("alpacas", "goats", "sheep")}
    build_kb(tmp_path / "rebuilt", {**others, "animals/llamas.md": article(
        "Llamas", body="The zeppelin carries llamas over the hills.\n")})
    after = {**others, "animals/llamas.md": article("Llamas", body="Llamas walk on hills.\n")}
    rebuilt = build_kb(tmp_path / "rebuilt", after)
    fresh = build_kb(tmp_path / "fresh", after)
    with Searcher(rebuilt.state) as searcher:
        answer = searcher.search("zepelin")
    assert answer["did_you_mean"] is None and answer["total"] == 0
    words = [site / "assets/kbgen/search/v" for site in (rebuilt.site, fresh.site)]
    assert sorted(p.name for p in words[0].iterdir()) == sorted(p.name for p in words[1].iterdir())
    for path in words[0].iterdir():  # the words and how many articles have each, as from scratch
        assert path.read_text() == (words[1] / path.name).read_text(), path.name


def test_a_dirty_build_keeps_the_articles_it_did_not_render(tmp_path: Path):
    # `mkdocs build --dirty` (and `mkdocs serve --dirty`) render only the files changed since the
    # last build: the index kept the edited article alone, and search found nothing else.
    built = build_small_kb(tmp_path)
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "-f", str(built.config),
              "-d", str(built.site)]
    subprocess.run(mkdocs, check=True, capture_output=True)
    with Searcher(built.state) as searcher:
        before = {q: searcher.search(q)["total"] for q in ("refund", "password", "order")}
        articles = len(searcher.lexicon.docs)
    kept = _kept_rows(built.state)
    page = tmp_path / "docs" / "shipping" / "track-order.md"
    page.write_text(page.read_text("utf-8") + "\n## Customs fees {#customs}\n\nImport duty.\n",
                    encoding="utf-8")
    later = page.stat().st_mtime + 10  # newer than its page in the site, as --dirty compares
    os.utime(page, (later, later))
    result = subprocess.run([*mkdocs, "--dirty"], check=True, capture_output=True, text=True)
    assert "not rendered by this build" not in result.stderr
    with Searcher(built.state) as searcher:
        assert len(searcher.lexicon.docs) == articles
        assert {q: searcher.search(q)["total"] for q in before} == before
        top = searcher.search("import duty")["results"][0]
    assert top["url"] == "shipping/track-order/#customs"
    manifest = json.loads((built.site / "assets/kbgen/search/manifest.json").read_text())
    assert manifest["n"] == articles
    # The pages it did not render stay kept for the next build.
    assert kept < _kept_rows(built.state)


def _kept_rows(state: Path) -> set[str]:
    """The keys of what the page cache in `state` keeps."""
    db = sqlite3.connect(state / "pages.sqlite")
    try:
        return {key for (key,) in db.execute("SELECT key FROM converted")}
    finally:
        db.close()


def test_the_python_search_reads_compiled_postings_from_the_export_exactly_as_whoosh_gives_them(
        tmp_path: Path):
    built = build_small_kb(tmp_path)
    with Searcher(built.state) as fast, Searcher(built.state, exported=False) as slow:
        assert fast.lexicon.precompiled is not None and slow.lexicon.precompiled is None
        terms = slow.lexicon.terms()
        assert len(terms) > 50
        for term in terms + ["zzznothing"]:
            assert fast.lexicon.entry(term) == slow.lexicon.compile(term), term
        for query in ["refund", "how do I get my money back", "pasword", '"track an order"',
                      "git hub invoice"]:
            assert fast.search(query) == slow.search(query), query


def test_an_export_from_another_build_is_not_used(tmp_path: Path):
    built = build_small_kb(tmp_path)
    stamp = built.state / "search" / storage.STAMP_FILE
    stamp.write_text("another build", encoding="utf-8")
    with Searcher(built.state) as searcher:
        assert searcher.lexicon.precompiled is None
        assert searcher.search("refund")["results"][0]["id"] == "billing/refunds"


def test_a_bad_synonyms_file_is_named_line_by_line_and_its_good_entries_still_work(make_kb):
    kb = refunds_kb(make_kb, "refund: money back\ncard:\n  nested: x\nthe: a, of\n")
    result = kbgen("build", cwd=kb)
    assert result.returncode == 0, result.stderr
    assert "synonyms.yml:2: write the entry as 'word: synonym, synonym'" in result.stderr
    assert "synonyms.yml:4: 'the' has no synonym search can use" in result.stderr
    assert "Traceback" not in result.stderr
    found = kbgen("search", "money back", "--json", cwd=kb)
    assert json.loads(found.stdout)["results"][0]["title"] == "Get a refund"
    strict = kbgen("build", "--strict", cwd=kb)
    assert strict.returncode != 0 and "synonyms.yml:2:" in strict.stderr

    (kb / "synonyms.yml").write_text("refund: [money back, cash\n", encoding="utf-8")
    broken = kbgen("build", cwd=kb)
    assert broken.returncode == 0, broken.stderr
    assert "synonyms.yml:1: not valid YAML (while parsing a flow sequence;" in broken.stderr
    assert "search goes on without synonyms" in broken.stderr


def test_the_service_can_load_the_largest_entries_ahead_and_answers_the_same(tmp_path: Path):
    built = build_small_kb(tmp_path)
    assert (built.state / "search-export" / "hot.json").is_file()
    assert not (built.site / "assets" / "kbgen" / "search" / "hot.json").exists()
    with Searcher(built.state) as cold, Searcher(built.state) as warm:
        assert warm.warm() > 10
        for query in ["refund", "how do I get my money back", "track order"]:
            assert warm.search(query) == cold.search(query), query
    with Searcher(built.state, exported=False) as whoosh_only:
        assert whoosh_only.warm() == 0


def test_search_goes_on_from_whoosh_when_the_export_disappears_under_it(tmp_path: Path):
    built = build_small_kb(tmp_path)
    with Searcher(built.state) as searcher:
        assert searcher.lexicon.precompiled is not None
        shutil.rmtree(built.state / "search-export" / "t")
        assert searcher.search("refund")["results"][0]["id"] == "billing/refunds"
        assert searcher.lexicon.precompiled is None


GUIDES = {f"guides/g{n}.md": article(
    f"Guide {n} to ledgers", "How the ledger works.",
    body=f"Post entries to the ledger. Guide {n} covers account {n * 7}.\n\n## Closing\n\n"
         "Close the period when every entry is posted.") for n in range(30)}


def _exported(export_dir: Path) -> tuple[dict[str, object], dict[str, object]]:
    """Every entry and every term's phrase positions in an export, from all its shards."""
    entries: dict[str, object] = {}
    positions: dict[str, object] = {}
    for path in (export_dir / "t").glob("*.json"):
        entries.update(json.loads(path.read_text()))
    for path in (export_dir / "p").glob("*.json"):
        positions.update(json.loads(path.read_text()))
    return entries, positions


def _compiled(state: Path, averages: dict[str, float] | None = None
              ) -> tuple[dict[str, object], dict[str, object], dict[str, float]]:
    """What a new export of the index in `state` would hold, with its weights computed from
    `averages` (default: the index's own); and the index's own averages."""
    ix = open_index(state)
    try:
        with ix.reader() as reader:
            lexicon = Lexicon(reader)
            own = dict(lexicon.averages)
            lexicon.averages = averages or own
            entries: dict[str, object] = {}
            positions: dict[str, object] = {}
            for term in lexicon.terms():
                entry = lexicon.compile(term)
                if entry is not None:
                    entries[term] = export_module.encode_entry(entry)
                    found = lexicon.positions(term)
                    if found:
                        positions[term] = json.loads(json.dumps(found))
            return entries, positions, own
    finally:
        ix.close()


def test_an_edited_article_updates_the_export_as_a_new_export_with_its_averages_would(
        tmp_path: Path):
    built = build_kb(tmp_path, GUIDES)
    export_dir = built.state / "search-export"
    reference = json.loads((export_dir / "reference.json").read_text())
    edited = built.config.parent / "docs/guides/g3.md"
    # As an edit mostly is, on a help center of more than 30 articles: words replaced, about as
    # many as there were (else the averages move by more than DRIFT, and the export is new).
    edited.write_text(article(
        "Guide 3 to quokkas", "How the quokka works.",
        body="Feed the quokka twice daily. Guide 3 covers quokka 21.\n\n## Closing\n\n"
             "Close the period when every entry is posted."))
    build_site(built.config)
    entries, positions, averages = _compiled(built.state, reference["averages"])
    # The edit moved the averages, but the export kept the ones its weights were computed with,
    # and holds exactly what a new export with them would: no entry left behind, none missing.
    assert averages != reference["averages"]
    assert json.loads((export_dir / "reference.json").read_text()) == reference
    assert _exported(export_dir) == (entries, positions)
    assert "quokka" in entries and "account" in entries
    assert_bundles_hold_their_files(export_dir)
    # The service's list of the largest entries, to load first, has the new term too.
    hot = json.loads((export_dir / "hot.json").read_text())
    assert len(entries) < 500 and sorted(hot) == sorted(entries)
    manifest = json.loads((export_dir / "manifest.json").read_text())
    assert manifest["stamp"] == storage.read_stamp(built.state)
    with Searcher(built.state) as searcher:
        assert searcher.search("quokka")["results"][0]["id"] == "guides/g3"
        assert all(r["id"] != "guides/g3" for r in searcher.search("account 21")["results"][:1])
    # Edited back: "quokka" is in no article any more, and its entry goes.
    edited.write_text(GUIDES["guides/g3.md"].replace("account 21", "account 21 today"))
    build_site(built.config)
    entries, positions, _ = _compiled(built.state, reference["averages"])
    assert _exported(export_dir) == (entries, positions)
    assert "quokka" not in entries and "todai" in entries
    assert sorted(json.loads((export_dir / "hot.json").read_text())) == sorted(entries)
    manifest = json.loads((export_dir / "manifest.json").read_text())
    # The site has the updated export, and not the file that says how it was made.
    site_files = built.site / "assets/kbgen/search"
    assert json.loads((site_files / "manifest.json").read_text()) == manifest
    assert not (site_files / "reference.json").exists()
    assert_bundles_hold_their_files(site_files)


def test_a_new_article_writes_the_export_anew(tmp_path: Path):
    built = build_kb(tmp_path, GUIDES)
    export_dir = built.state / "search-export"
    (built.config.parent / "docs/guides/new.md").write_text(
        article("A new guide", "Brand new.", body="Quokkas and ledgers."))
    build_site(built.config)
    entries, positions, averages = _compiled(built.state)
    assert json.loads((export_dir / "reference.json").read_text())["averages"] == averages
    assert _exported(export_dir) == (entries, positions)


def test_the_service_opens_the_index_again_when_a_build_replaces_its_export(tmp_path: Path):
    # A build swaps the index in before it writes the export: a searcher opened between the two
    # reads Whoosh, whose weights an export updated in place does not share; once the new export
    # is in, the service must read that.
    built = build_small_kb(tmp_path)
    holder = SearcherHolder(built.state)
    first = holder.get()
    assert holder.get() is first
    export_dir = built.state / "search-export"
    copy = export_dir.with_name("search-export.new")
    shutil.copytree(export_dir, copy)
    shutil.rmtree(export_dir)
    copy.replace(export_dir)  # as `export` swaps its new folder in
    second = holder.get()
    assert second is not first
    assert holder.get() is second
    second.close()


def test_a_damaged_export_is_written_anew_instead_of_updated(tmp_path: Path):
    # The site's search files are hard links to the export kept in .kbgen/: a tool that rewrote a
    # published file in place would damage the kept one too.
    built = build_kb(tmp_path, GUIDES)
    export_dir = built.state / "search-export"
    for shard in (built.site / "assets/kbgen/search/t").glob("*.json"):
        shard.write_text("{", encoding="utf-8")  # through the link
    edited = built.config.parent / "docs/guides/g3.md"
    edited.write_text(GUIDES["guides/g3.md"].replace("account 21", "account 21 today"))
    build_site(built.config)
    entries, positions, averages = _compiled(built.state)
    assert json.loads((export_dir / "reference.json").read_text())["averages"] == averages
    assert _exported(export_dir) == (entries, positions)
