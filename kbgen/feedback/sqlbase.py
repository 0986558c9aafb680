"""The SQL both backends share: upserts, summaries, and migration on open."""

from __future__ import annotations

import contextlib
import threading
from abc import abstractmethod
from collections.abc import Sequence
from typing import Any

from kbgen.errors import StoreError
from kbgen.feedback import migrations
from kbgen.feedback.store import (
    BROWSER,
    ArticleVotes,
    DayVotes,
    FeedbackStore,
    ReasonCount,
    SearchGap,
    StoredSearch,
    StoredVote,
)

_VOTE_COLUMNS = "article_id, revision, client_hash, helpful, reason, comment, created_at"
_SEARCH_COLUMNS = "search_id, query, query_key, result_count, opened_url, source, created_at"
UPSERT_VOTE = f"""
INSERT INTO kbgen_votes ({_VOTE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (client_hash, article_id, revision) DO UPDATE SET
  helpful = excluded.helpful, reason = excluded.reason, comment = excluded.comment,
  created_at = excluded.created_at
"""
UPSERT_SEARCH = f"""
INSERT INTO kbgen_searches ({_SEARCH_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (search_id) DO UPDATE SET
  query = excluded.query, query_key = excluded.query_key, result_count = excluded.result_count,
  opened_url = COALESCE(excluded.opened_url, kbgen_searches.opened_url)
"""
_HELPFUL = "SUM(CASE WHEN helpful THEN 1 ELSE 0 END)"
# Results, none opened: only the search box reports what was opened, so an API search is never one.
_NO_CLICK = f"result_count > 0 AND opened_url IS NULL AND source = '{BROWSER}'"


class SqlStore(FeedbackStore):
    """A FeedbackStore over a DB-API connection; subclasses say how to connect and what failed."""

    day_expr = "CAST(created_at / 86400 AS INTEGER)"
    # 1 if the table named exists (where unqualified names resolve), else 0.
    has_table_sql = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?"

    def __init__(self, description: str, *, read_only: bool = False) -> None:
        self.read_only = read_only
        self._conn_lock = threading.Lock()
        self._conn: Any = None
        self.description = description
        conn = self._guarded("open", self._connect)
        if read_only:
            with contextlib.closing(conn):
                self._guarded("read", self._check_readable, conn)
        else:
            self._guarded("migrate", self._migrate, conn)
            self._conn = conn
        super().__init__(description)

    @abstractmethod
    def _connect(self) -> Any:
        """A new connection, in manual-commit mode."""

    @abstractmethod
    def _translate(self, exc: Exception, doing: str) -> StoreError | None:
        """A StoreError saying what went wrong while `doing`, or None if `exc` is not the DB's."""

    def _sql(self, sql: str) -> str:
        return sql

    def _begin(self, conn: Any, *, migrating: bool = False) -> None:
        """Start a write transaction (drivers that start one implicitly need nothing)."""

    def _guarded(self, doing: str, call: Any, *args: Any) -> Any:
        try:
            return call(*args)
        except StoreError:
            raise
        except Exception as exc:
            error = self._translate(exc, doing)
            if error is None:
                raise
            raise error from None

    def _version(self, conn: Any) -> int:
        return int(conn.execute(self._sql(migrations.CURRENT_VERSION_SQL)).fetchone()[0] or 0)

    def _refuse_newer(self, version: int) -> None:
        if version > migrations.latest():
            raise StoreError(
                f"{self.description}: made by a newer kbgen (schema {version}); "
                "upgrade kbgen to use it"
            )

    def _check_readable(self, conn: Any) -> None:
        """A reader creates and migrates nothing: the store must hold kbgen's tables already,
        of a version this kbgen knows. An older version is read as it is (see `migrations`)."""
        found = conn.execute(self._sql(self.has_table_sql), ("kbgen_schema",)).fetchone()[0]
        version = self._version(conn) if found else 0
        conn.rollback()
        if not version:
            raise StoreError(
                f"{self.description} is not a kbgen feedback database (none of kbgen's tables "
                "are in it); point --db at the feedback database 'kbgen serve' writes"
            )
        self._refuse_newer(version)

    def _migrate(self, conn: Any) -> None:
        def version() -> int:
            conn.execute(self._sql(migrations.SCHEMA_TABLE))
            return self._version(conn)

        current = version()
        conn.commit()
        self._refuse_newer(current)
        if current == migrations.latest():
            return
        self._begin(conn, migrating=True)
        for number, statements in migrations.pending(version()):
            for statement in statements:
                conn.execute(self._sql(statement))
            conn.execute(self._sql(migrations.RECORD_VERSION_SQL), (number,))
        conn.commit()

    def _write_batch(self, items: list[tuple[str, tuple[object, ...]]]) -> None:
        votes = [row for kind, row in items if kind == "vote"]
        searches = [row for kind, row in items if kind == "search"]
        with self._conn_lock:
            try:
                self._guarded("write to", self._write_rows, votes, searches)
            except Exception:
                self._drop_connection()  # the next batch reconnects, e.g. once the disk has room
                raise

    def _write_rows(
        self, votes: list[tuple[object, ...]], searches: list[tuple[object, ...]]
    ) -> None:
        if self._conn is None:
            self._conn = self._connect()
        conn = self._conn
        self._begin(conn)
        cursor = conn.cursor()
        if votes:
            cursor.executemany(self._sql(UPSERT_VOTE), votes)
        if searches:
            cursor.executemany(self._sql(UPSERT_SEARCH), searches)
        conn.commit()

    def _drop_connection(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.rollback()
            with contextlib.suppress(Exception):
                conn.close()

    def _close_connections(self) -> None:
        with self._conn_lock:
            self._drop_connection()

    def _rows(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        def run() -> list[Any]:
            with contextlib.closing(self._connect()) as conn:
                rows = conn.execute(self._sql(sql), tuple(params)).fetchall()
                conn.rollback()
                return list(rows)

        return list(self._guarded("read", run))

    def check(self) -> None:
        self._rows("SELECT COUNT(*) FROM kbgen_schema")

    def votes(self, since: float = 0.0) -> list[StoredVote]:
        rows = self._rows(
            f"SELECT {_VOTE_COLUMNS} FROM kbgen_votes WHERE created_at >= ? ORDER BY created_at",
            (since,),
        )
        return [StoredVote(r[0], r[1], r[2], bool(r[3]), r[4], r[5], r[6]) for r in rows]

    def searches(self, since: float = 0.0) -> list[StoredSearch]:
        rows = self._rows(
            f"SELECT {_SEARCH_COLUMNS} FROM kbgen_searches WHERE created_at >= ? "
            "ORDER BY created_at",
            (since,),
        )
        return [StoredSearch(*r) for r in rows]

    def article_votes(self, since: float = 0.0) -> list[ArticleVotes]:
        rows = self._rows(
            f"SELECT article_id, COUNT(*), {_HELPFUL} FROM kbgen_votes "
            "WHERE created_at >= ? GROUP BY article_id ORDER BY article_id",
            (since,),
        )
        return [ArticleVotes(r[0], int(r[1]), int(r[2])) for r in rows]

    def reason_counts(self, since: float = 0.0) -> list[ReasonCount]:
        rows = self._rows(
            "SELECT article_id, reason, COUNT(*) FROM kbgen_votes "
            "WHERE created_at >= ? AND reason IS NOT NULL AND NOT helpful "
            "GROUP BY article_id, reason ORDER BY COUNT(*) DESC, reason",
            (since,),
        )
        return [ReasonCount(r[0], r[1], int(r[2])) for r in rows]

    def latest_comments(self, since: float = 0.0, per_article: int = 3) -> list[StoredVote]:
        rows = self._rows(
            f"SELECT {_VOTE_COLUMNS} FROM (SELECT *, ROW_NUMBER() OVER ("
            "PARTITION BY article_id ORDER BY created_at DESC) AS n FROM kbgen_votes "
            "WHERE created_at >= ? AND comment IS NOT NULL) AS c WHERE n <= ? "
            "ORDER BY article_id, created_at DESC",
            (since, per_article),
        )
        return [StoredVote(r[0], r[1], r[2], bool(r[3]), r[4], r[5], r[6]) for r in rows]

    def daily_votes(self, since: float = 0.0) -> list[DayVotes]:
        rows = self._rows(
            f"SELECT {self.day_expr} AS day, COUNT(*), {_HELPFUL} FROM kbgen_votes "
            "WHERE created_at >= ? GROUP BY day ORDER BY day",
            (since,),
        )
        return [DayVotes(int(r[0]), int(r[1]), int(r[2])) for r in rows]

    def search_count(self, since: float = 0.0) -> int:
        return int(
            self._rows("SELECT COUNT(*) FROM kbgen_searches WHERE created_at >= ?", (since,))[0][0]
        )

    def search_queries(self, since: float = 0.0) -> list[SearchGap]:
        rows = self._rows(
            "SELECT MIN(query), COUNT(*), "
            "SUM(CASE WHEN result_count = 0 THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN {_NO_CLICK} THEN 1 ELSE 0 END) "
            "FROM kbgen_searches WHERE created_at >= ? AND query_key <> '' GROUP BY query_key",
            (since,),
        )
        return [SearchGap(r[0], int(r[1]), int(r[2]), int(r[3])) for r in rows]
