"""The shared store for several service replicas: PostgreSQL through psycopg 3."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict

from kbgen.errors import StoreError, StoreRefused
from kbgen.feedback.sqlbase import SqlStore

_CONNECT_TIMEOUT_S = 5
# Replicas starting together take turns migrating (any fixed number works; this one spells "kb").
_MIGRATION_LOCK = 0x6B62


class PostgresStore(SqlStore):
    """Votes and searches in PostgreSQL; each commit is durable before it is acknowledged."""

    day_expr = "CAST(FLOOR(created_at / 86400) AS INTEGER)"
    has_table_sql = "SELECT COUNT(to_regclass(?))"

    def __init__(self, url: str, *, read_only: bool = False) -> None:
        self.url = url
        try:
            info = conninfo_to_dict(url)
        except psycopg.Error as exc:
            raise StoreError(
                f"not a PostgreSQL URL ({exc}); use postgresql://user@host/dbname"
            ) from None
        # Never show the password.
        self.where = (
            f"{info.get('host', 'localhost')}:{info.get('port', 5432)}/{info.get('dbname', '')}"
        )
        super().__init__(f"PostgreSQL {self.where}", read_only=read_only)

    def _connect(self) -> Any:
        conn = psycopg.connect(
            self.url, connect_timeout=_CONNECT_TIMEOUT_S, application_name="kbgen"
        )
        if self.read_only:
            try:
                conn.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
                conn.commit()
            except BaseException:
                conn.close()
                raise
        return conn

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s")

    def _begin(self, conn: Any, *, migrating: bool = False) -> None:
        if migrating:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))

    def _translate(self, exc: Exception, doing: str) -> StoreError | None:
        if not isinstance(exc, psycopg.Error):
            return None
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        if isinstance(exc, psycopg.OperationalError):
            return StoreError(
                f"cannot {doing} the PostgreSQL feedback database at {self.where}: {first_line}"
            )
        if isinstance(exc, psycopg.DataError):
            return StoreRefused(f"PostgreSQL feedback database at {self.where}: {first_line}")
        return StoreError(f"PostgreSQL feedback database at {self.where}: {first_line}")
