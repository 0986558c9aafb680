"""The embedded store: one SQLite file in WAL mode, each commit synced to disk before the ack."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from kbgen.errors import StoreError, StoreRefused
from kbgen.feedback.sqlbase import SqlStore

_BUSY_MS = 10_000


class SqliteStore(SqlStore):
    """Votes and searches in a SQLite file, shared safely by the service and `kbgen report`."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path.expanduser().resolve()
        if read_only and not self.path.is_file():
            what = "a folder, not a file" if self.path.is_dir() else "no such file"
            raise StoreError(
                f"{self.path}: {what}; point --db at the feedback database 'kbgen serve' "
                "writes (.kbgen/feedback.db beside the site, unless it was given --db)"
            )
        if not self.path.parent.is_dir():
            raise StoreError(
                f"{self.path.parent}: no such folder for the feedback database; "
                "create it or pass another --db"
            )
        super().__init__(f"SQLite {self.path}", read_only=read_only)

    def _connect(self) -> Any:
        if self.read_only:
            return self._connect_reader()
        conn = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, timeout=_BUSY_MS / 1000
        )
        try:
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if mode != "wal":
                raise StoreError(
                    f"{self.path}: cannot switch the feedback database to WAL mode "
                    f"(it stays in {mode!r}); is its folder writable?"
                )
            # FULL: a commit returns only after the write-ahead log is fsynced.
            conn.execute("PRAGMA synchronous=FULL")
        except BaseException:
            conn.close()
            raise
        return conn

    def _connect_reader(self) -> Any:
        """A connection that cannot write, to a file that must exist; the journal mode is left
        as it is. It opens the file read-write all the same: the last connection to a database in
        WAL mode to close removes its -wal and -shm files, which a read-only one leaves behind."""
        conn = sqlite3.connect(
            f"{self.path.as_uri()}?mode=rw", uri=True, isolation_level=None,
            check_same_thread=False, timeout=_BUSY_MS / 1000,
        )
        conn.execute("PRAGMA query_only = ON")
        return conn

    def _begin(self, conn: Any, *, migrating: bool = False) -> None:
        conn.execute("BEGIN IMMEDIATE")

    def _translate(self, exc: Exception, doing: str) -> StoreError | None:
        if not isinstance(exc, sqlite3.Error):
            return None
        text = str(exc)
        where = f"the feedback database {self.path}"
        if "disk is full" in text or getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
            return StoreError(f"cannot {doing} {where}: the disk is full; free some space")
        if "readonly" in text or "read-only" in text:
            return StoreError(
                f"cannot {doing} {where}: it is read-only; make the file and its "
                "folder writable by the service"
            )
        if "locked" in text or "busy" in text:
            return StoreError(f"cannot {doing} {where}: another process holds it locked")
        if "unable to open" in text:
            return StoreError(f"cannot open {where}: check that it exists and is readable")
        if "not a database" in text or "malformed" in text:
            return StoreError(f"{where} is not a usable SQLite database ({text})")
        if isinstance(exc, sqlite3.DataError):
            return StoreRefused(f"cannot {doing} {where}: {text}")
        return StoreError(f"cannot {doing} {where}: {text}")
