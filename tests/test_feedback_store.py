"""The feedback store, the same tests against a real SQLite file and a real PostgreSQL server."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import in_ci

from kbgen.errors import StoreError
from kbgen.feedback import Vote, migrations, open_store
from kbgen.feedback.store import BROWSER, FeedbackStore, hash_client

POSTGRES_URL = os.environ.get("KBGEN_TEST_POSTGRES_URL")


def postgres_url() -> str:
    """The test server's URL; skips (fails in CI) when there is none."""
    if not POSTGRES_URL:
        if in_ci():
            pytest.fail("KBGEN_TEST_POSTGRES_URL is not set: .ci/start-postgres did not run")
        pytest.skip("no PostgreSQL: run 'make test' (or .ci/start-postgres) to start one")
    return POSTGRES_URL


def fresh_schema_url() -> str:
    """A PostgreSQL URL whose tables live in a new, empty schema of the test database."""
    import psycopg

    base = postgres_url()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of an empty store of each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'feedback.db'}"
    return fresh_schema_url()


@pytest.fixture
def store(store_url: str) -> Iterator[FeedbackStore]:
    """A fresh store, closed after the test."""
    with open_store(store_url) as opened:
        yield opened


def test_a_vote_is_stored_with_what_it_says(store: FeedbackStore) -> None:
    store.record_vote(
        Vote(
            "billing/refunds",
            "abc123",
            False,
            "client-0001",
            "Out of date",
            "The screenshots show the old menu",
        )
    )
    [vote] = store.votes()
    assert (vote.article_id, vote.revision, vote.helpful) == ("billing/refunds", "abc123", False)
    assert (vote.reason, vote.comment) == ("Out of date", "The screenshots show the old menu")
    assert vote.client_hash == hash_client("client-0001") != "client-0001"
    assert abs(vote.created_at - time.time()) < 60


def test_a_changed_mind_replaces_the_earlier_vote(store: FeedbackStore) -> None:
    store.record_vote(Vote("a", "r1", True, "client-0001"))
    store.record_vote(Vote("a", "r1", False, "client-0001", "Hard to follow"))
    store.record_vote(Vote("a", "r2", True, "client-0001"))  # a new revision is a new question
    store.record_vote(Vote("a", "r1", True, "client-0002"))
    votes = sorted((v.revision, v.client_hash, v.helpful, v.reason) for v in store.votes())
    assert votes == sorted(
        [
            ("r1", hash_client("client-0001"), False, "Hard to follow"),
            ("r2", hash_client("client-0001"), True, None),
            ("r1", hash_client("client-0002"), True, None),
        ]
    )


def test_personal_data_is_masked_before_it_is_written(store: FeedbackStore, store_url: str) -> None:
    store.record_vote(
        Vote(
            "a",
            "r1",
            False,
            "client-0001",
            None,
            "Mail me at jane.doe@example.com or call +1 (555) 123-4567",
        )
    )
    store.log_search("refund for jane.doe@example.com", 0).result()
    [vote] = store.votes()
    assert vote.comment == "Mail me at [email] or call [phone]"
    assert store.searches()[0].query == "refund for [email]"
    if store_url.startswith("sqlite"):
        raw = Path(store_url.removeprefix("sqlite:///")).read_bytes()
        wal = Path(store_url.removeprefix("sqlite:///") + "-wal")
        raw += wal.read_bytes() if wal.exists() else b""
        assert b"jane.doe" not in raw and b"123-4567" not in raw and b"client-0001" not in raw


def test_sql_metacharacters_are_data(store: FeedbackStore) -> None:
    nasty = "x'); DROP TABLE kbgen_votes; -- \" % _ \\ ?"
    store.record_vote(Vote(nasty, nasty[:20], False, "client-0001", nasty, nasty))
    store.log_search(nasty, 0).result()
    [vote] = store.votes()
    assert vote.article_id == nasty and vote.comment == nasty
    assert store.searches()[0].query == nasty


def test_concurrent_votes_are_all_kept(store: FeedbackStore) -> None:
    def cast(worker: int) -> None:
        for i in range(25):
            store.record_vote(Vote(f"article-{i % 5}", "r1", i % 3 != 0, f"client-{worker}-{i}"))

    threads = [threading.Thread(target=cast, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store.votes()) == 200
    assert sum(a.votes for a in store.article_votes()) == 200


def test_a_vote_the_database_cannot_take_fails_alone(store: FeedbackStore) -> None:
    # Written together in one transaction, one vote no encoding can carry (half an emoji) used
    # to fail every vote that came with it.
    futures = [store.submit_vote(Vote("article", "r1", False, f"client-{i:02d}",
                                      comment="a\ud800b" if i in (5, 12) else f"vote {i}"))
               for i in range(20)]
    failed = []
    for i, future in enumerate(futures):
        try:
            future.result(timeout=30)
        except Exception:
            failed.append(i)
    assert failed == [5, 12]
    assert sorted(v.comment or "" for v in store.votes()) == sorted(
        f"vote {i}" for i in range(20) if i not in (5, 12))


def test_summaries(store: FeedbackStore) -> None:
    day = 86400.0
    now = time.time()
    for i, (helpful, reason) in enumerate(
        [(True, None), (False, "Out of date"), (False, "Out of date"), (False, "Hard to follow")]
    ):
        store.submit_vote(
            Vote(
                "a",
                "r1",
                helpful,
                f"client-000{i}",
                reason,
                f"comment {i}" if i else None,
                at=now - i * day,
            )
        ).result()
    store.record_vote(Vote("b", "r1", True, "client-0009", at=now - 40 * day))
    assert [(a.article_id, a.votes, a.helpful) for a in store.article_votes()] == [
        ("a", 4, 1),
        ("b", 1, 1),
    ]
    assert [(a.article_id, a.votes) for a in store.article_votes(since=now - 10 * day)] == [
        ("a", 4)
    ]
    assert [(r.reason, r.count) for r in store.reason_counts()] == [
        ("Out of date", 2),
        ("Hard to follow", 1),
    ]
    comments = store.latest_comments(per_article=2)
    assert [c.comment for c in comments] == ["comment 1", "comment 2"]
    days = store.daily_votes(since=now - 10 * day)
    assert sum(d.votes for d in days) == 4 and len(days) == 4
    assert days[-1].day == int(now // day)


def test_search_log_and_content_gaps(store: FeedbackStore) -> None:
    for query in ["cancel subscription", "Cancel  subscription?", "cancel subscription"]:
        store.log_search(query, 0).result()
    store.log_search("refund", 4, search_id="search-0001", source=BROWSER).result()
    store.log_search("refund", 4, "billing/refunds/", search_id="search-0001",
                     source=BROWSER).result()
    store.log_search("invoice", 2, source=BROWSER).result()
    # GET /api/search cannot know what was opened: not a search with no click.
    store.log_search("invoice", 2, source="api").result()
    store.log_search("shipping", 5, source="api").result()
    queries = sorted(store.search_queries(), key=lambda g: g.query.lower())
    assert [(g.query.lower(), g.searches, g.no_result, g.no_click) for g in queries] == [
        ("cancel  subscription?", 3, 3, 0),
        ("invoice", 2, 0, 1),
        ("refund", 1, 0, 0),
        ("shipping", 1, 0, 0),
    ]
    assert store.search_count() == 7
    opened = [s for s in store.searches() if s.search_id == "search-0001"]
    assert [s.opened_url for s in opened] == ["billing/refunds/"]


def test_reopening_keeps_votes_and_does_not_migrate_twice(store_url: str) -> None:
    with open_store(store_url) as first:
        first.record_vote(Vote("a", "r1", True, "client-0001"))
    with open_store(store_url) as second:
        assert len(second.votes()) == 1


def test_a_reader_creates_and_migrates_nothing(store_url: str, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such file|is not a kbgen feedback database"):
        open_store(store_url, read_only=True)
    assert not (tmp_path / "feedback.db").exists()
    with open_store(store_url) as writer:
        writer.record_vote(Vote("a", "r1", True, "client-0001"))
    with open_store(store_url, read_only=True) as reader:
        assert [v.article_id for v in reader.votes()] == ["a"]
        with pytest.raises(StoreError):
            reader.record_vote(Vote("b", "r1", True, "client-0001"))
    with open_store(store_url, read_only=True) as reader:
        assert len(reader.votes()) == 1


def test_a_store_of_a_newer_kbgen_is_refused(store_url: str) -> None:
    with open_store(store_url) as store:
        conn = store._connect()  # type: ignore[attr-defined]
        conn.execute(f"INSERT INTO kbgen_schema (version) VALUES ({migrations.latest() + 1})")
        conn.commit()
        conn.close()
    for read_only in (False, True):
        newer = rf"made by a newer kbgen \(schema {migrations.latest() + 1}\); upgrade kbgen"
        with pytest.raises(StoreError, match=newer):
            open_store(store_url, read_only=read_only)


def test_a_bad_url_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="unknown database"):
        open_store("mysql://db/kb")
    with pytest.raises(StoreError, match="no such folder"):
        open_store(f"sqlite:///{tmp_path}/missing/feedback.db")
    with pytest.raises(StoreError, match="must be a file"):
        open_store("sqlite:///:memory:")


def test_sqlite_is_in_wal_mode_and_syncs_each_commit(tmp_path: Path) -> None:
    path = tmp_path / "feedback.db"
    with open_store(f"sqlite:///{path}") as store:
        store.record_vote(Vote("a", "r1", True, "client-0001"))
        conn = store._connect()  # type: ignore[attr-defined]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        conn.close()
    assert sqlite3.connect(path).execute("SELECT COUNT(*) FROM kbgen_votes").fetchone()[0] == 1


@pytest.mark.postgres
def test_postgres_unreachable_is_a_clear_error() -> None:
    postgres_url()
    with pytest.raises(
        StoreError, match="cannot open the PostgreSQL feedback database at 127.0.0.1:1/"
    ):
        open_store("postgresql://kbgen:secret@127.0.0.1:1/nothing")
