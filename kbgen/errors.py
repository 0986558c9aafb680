"""The one error tree: every mistake a user can make surfaces as a KbgenError."""

from __future__ import annotations


class KbgenError(Exception):
    """A problem the user can fix; its message says what and how."""


class FrontMatterError(KbgenError):
    """An article's front matter is missing, malformed or has a bad value."""


class ConfigError(KbgenError):
    """The site or plugin configuration is wrong."""


class SearchError(KbgenError):
    """The search index is missing, locked or unreadable."""


class FilterError(SearchError):
    """A search filter names a category or type the help center does not have."""


class StoreError(KbgenError):
    """The feedback store cannot be reached or written."""


class StoreRefused(StoreError):
    """The feedback store refused what was written (its data, not the store, is at fault)."""
