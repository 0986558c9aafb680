"""The store's schema, version by version; kbgen creates and upgrades it itself on open.

The statements are plain SQL that SQLite and PostgreSQL both accept. Never edit a released
version: append a new one. `kbgen report` opens a store read-only and never migrates it: it reads an
older version as it stands, so a new version must leave what the report reads working on older ones.
"""

from __future__ import annotations

SCHEMA_TABLE = "CREATE TABLE IF NOT EXISTS kbgen_schema (version INTEGER NOT NULL)"
CURRENT_VERSION_SQL = "SELECT MAX(version) FROM kbgen_schema"
RECORD_VERSION_SQL = "INSERT INTO kbgen_schema (version) VALUES (?)"

VERSIONS: list[list[str]] = [
    # 1: votes (one per client, article and revision) and the search log.
    [
        """CREATE TABLE kbgen_votes (
            article_id TEXT NOT NULL,
            revision TEXT NOT NULL,
            client_hash TEXT NOT NULL,
            helpful BOOLEAN NOT NULL,
            reason TEXT,
            comment TEXT,
            created_at DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (client_hash, article_id, revision)
        )""",
        "CREATE INDEX kbgen_votes_created ON kbgen_votes (created_at)",
        "CREATE INDEX kbgen_votes_article ON kbgen_votes (article_id, created_at)",
        """CREATE TABLE kbgen_searches (
            search_id TEXT PRIMARY KEY,
            query TEXT NOT NULL,
            query_key TEXT NOT NULL,
            result_count INTEGER NOT NULL,
            opened_url TEXT,
            source TEXT NOT NULL,
            created_at DOUBLE PRECISION NOT NULL
        )""",
        "CREATE INDEX kbgen_searches_created ON kbgen_searches (created_at)",
    ],
]


def latest() -> int:
    """The schema version this kbgen writes."""
    return len(VERSIONS)


def pending(current: int) -> list[tuple[int, list[str]]]:
    """The versions after `current`, each with its statements, in order."""
    return [(number, VERSIONS[number - 1]) for number in range(current + 1, latest() + 1)]
