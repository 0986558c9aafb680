"""The feedback store: votes and the search log, in SQLite or PostgreSQL. The only SQL in kbgen."""

from __future__ import annotations

from kbgen.feedback.store import (
    FeedbackStore,
    SearchEvent,
    Vote,
    default_path,
    default_url,
    open_store,
)

__all__ = ["FeedbackStore", "SearchEvent", "Vote", "default_path", "default_url", "open_store"]
