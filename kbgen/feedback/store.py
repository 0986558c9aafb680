"""The feedback store's interface: votes and searches go in, summaries come out."""

from __future__ import annotations

import hashlib
import re
import time
import uuid
from abc import ABC, abstractmethod
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from kbgen.errors import StoreError
from kbgen.feedback.masking import mask_personal
from kbgen.feedback.writer import BatchWriter

MAX_COMMENT = 1000
MAX_REASON = 200
MAX_QUERY = 200


@dataclass(frozen=True)
class Vote:
    """One reader's answer to "Was this helpful?" on one revision of one article."""

    page: str
    revision: str
    helpful: bool
    client: str
    reason: str | None = None
    comment: str | None = None
    at: float | None = None


BROWSER = "browser"
"""The source of searches made in the search box, the only ones that report the result opened."""


@dataclass(frozen=True)
class SearchEvent:
    """One search: what was asked, how many results came back, which one was opened."""

    query: str
    result_count: int
    opened_url: str | None = None
    search_id: str | None = None
    source: str = "api"
    at: float | None = None


@dataclass(frozen=True)
class StoredVote:
    """A vote as it is kept: client hashed, comment masked."""

    article_id: str
    revision: str
    client_hash: str
    helpful: bool
    reason: str | None
    comment: str | None
    created_at: float


@dataclass(frozen=True)
class StoredSearch:
    """A search as it is kept: query masked, plus its normalised form for grouping."""

    search_id: str
    query: str
    query_key: str
    result_count: int
    opened_url: str | None
    source: str
    created_at: float


@dataclass(frozen=True)
class ArticleVotes:
    """Vote counts of one article over a period."""

    article_id: str
    votes: int
    helpful: int


@dataclass(frozen=True)
class ReasonCount:
    """How often a reason was given for one article."""

    article_id: str
    reason: str
    count: int


@dataclass(frozen=True)
class DayVotes:
    """Votes cast on one day (UTC), counted from the epoch."""

    day: int
    votes: int
    helpful: int


@dataclass(frozen=True)
class SearchGap:
    """A query customers typed, and how often it found nothing or nothing they opened."""

    query: str
    searches: int
    no_result: int
    no_click: int
    # Other wordings of the same search counted in with it
    # (`kbgen.report.summary.grouped_searches`).
    wordings: list[str] = field(default_factory=list)


def hash_client(client: str) -> str:
    """The pseudonym kept for a browser's random client id; the id itself is never stored."""
    return hashlib.sha256(f"kbgen-client:{client}".encode()).hexdigest()[:32]


def _clean(text: str | None, limit: int) -> str | None:
    if text is None:
        return None
    text = mask_personal(text.strip())[:limit]
    return text or None


def query_key(query: str) -> str:
    """A query's form for grouping: case, spacing and trailing punctuation folded."""
    return re.sub(r"\s+", " ", query.lower()).strip(" ?!.,;:")


class FeedbackStore(ABC):
    """Where votes and searches are kept; each backend supplies the SQL, this class the rules."""

    def __init__(self, description: str) -> None:
        self.description = description
        self._writer = BatchWriter(self._write_batch, name=f"kbgen-store {description}")

    def submit_vote(self, vote: Vote) -> Future[None]:
        """Queue a vote; the future completes once it is durably stored (or fails)."""
        at = vote.at if vote.at is not None else time.time()
        row = (
            vote.page,
            vote.revision,
            hash_client(vote.client),
            bool(vote.helpful),
            _clean(vote.reason, MAX_REASON),
            _clean(vote.comment, MAX_COMMENT),
            at,
        )
        return self._writer.submit(("vote", row))

    def record_vote(self, vote: Vote) -> None:
        """Store a vote, waiting until it is on disk; the same client's later vote replaces it."""
        self.submit_vote(vote).result()

    def log_search(
        self,
        query: str,
        result_count: int,
        opened_url: str | None = None,
        *,
        search_id: str | None = None,
        source: str = "api",
    ) -> Future[None]:
        """Record a search without waiting (safe to call from an async route); returns a future."""
        return self.submit_search(SearchEvent(query, result_count, opened_url, search_id, source))

    def submit_search(self, event: SearchEvent) -> Future[None]:
        """Queue a search event; one with a known `search_id` updates that search (e.g. a click)."""
        masked = _clean(event.query, MAX_QUERY) or ""
        at = event.at if event.at is not None else time.time()
        row = (
            event.search_id or uuid.uuid4().hex,
            masked,
            query_key(masked),
            max(0, int(event.result_count)),
            event.opened_url or None,
            event.source[:20],
            at,
        )
        return self._writer.submit(("search", row))

    def close(self) -> None:
        """Finish pending writes and release connections."""
        self._writer.close()
        self._close_connections()

    def __enter__(self) -> FeedbackStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @abstractmethod
    def _write_batch(self, items: list[tuple[str, tuple[object, ...]]]) -> None:
        """Write queued ("vote" | "search", row) items in one transaction."""

    @abstractmethod
    def _close_connections(self) -> None:
        """Close whatever connections the backend holds."""

    @abstractmethod
    def check(self) -> None:
        """Raise StoreError unless the store can be read."""

    @abstractmethod
    def votes(self, since: float = 0.0) -> list[StoredVote]:
        """Every vote cast since `since` (epoch seconds), oldest first."""

    @abstractmethod
    def searches(self, since: float = 0.0) -> list[StoredSearch]:
        """Every search logged since `since`, oldest first."""

    @abstractmethod
    def article_votes(self, since: float = 0.0) -> list[ArticleVotes]:
        """Votes and helpful votes per article."""

    @abstractmethod
    def reason_counts(self, since: float = 0.0) -> list[ReasonCount]:
        """How often each reason was given, per article, most frequent first."""

    @abstractmethod
    def latest_comments(self, since: float = 0.0, per_article: int = 3) -> list[StoredVote]:
        """The newest votes with a comment, at most `per_article` for each article."""

    @abstractmethod
    def daily_votes(self, since: float = 0.0) -> list[DayVotes]:
        """Votes per day, oldest first."""

    @abstractmethod
    def search_count(self, since: float = 0.0) -> int:
        """How many searches were logged."""

    @abstractmethod
    def search_queries(self, since: float = 0.0) -> list[SearchGap]:
        """Every query searched (as `query_key` folds it), with how often it found nothing or
        nothing opened."""


def default_path(state_dir: Path) -> Path:
    """The embedded store's file beside a built site."""
    return state_dir / "feedback.db"


def default_url(state_dir: Path) -> str:
    """The embedded store beside a built site."""
    return f"sqlite:///{default_path(state_dir).as_posix()}"


def open_store(url: str, *, read_only: bool = False) -> FeedbackStore:
    """Open (creating and migrating) the store at `url`: `sqlite:///path`, a path, or `postgresql://...`.

    `read_only`, for a reader such as the report: nothing is created or migrated, and a URL that
    names no kbgen store (no such file, or a database without kbgen's tables) is a StoreError.
    """
    if url.startswith(("postgresql://", "postgres://")):
        from kbgen.feedback.postgres import PostgresStore

        return PostgresStore(url, read_only=read_only)
    if url.startswith("sqlite:"):
        if not url.startswith("sqlite:///"):
            raise StoreError(
                f"{url}: write SQLite URLs as sqlite:///relative/path.db or "
                "sqlite:////absolute/path.db"
            )
        path = url[len("sqlite:///") :]
    elif "://" in url:
        raise StoreError(
            f"{url.split('://')[0]}://: unknown database; use sqlite:///path.db or "
            "postgresql://user@host/dbname"
        )
    else:
        path = url
    if path in ("", ":memory:") or path.startswith("file:"):
        raise StoreError(f"{url}: the feedback store must be a file, so votes outlive the process")
    from kbgen.feedback.sqlite import SqliteStore

    return SqliteStore(Path(path), read_only=read_only)
