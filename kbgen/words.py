"""Counted nouns for messages: "1 article", "2 articles", "0 categories"."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`count` and the noun, plural unless the count is one (plural defaults to noun + "s")."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"
