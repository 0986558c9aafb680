"""Reading a query: its words (stopwords out, unstemmed) and its quoted phrases."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kbgen.search.analysis import words

_QUOTES = re.compile(r"[\"\u201c\u201d\u201e]")


@dataclass
class Plan:
    """A parsed query: all its words in order, and the phrases among them that must match."""

    words: list[str] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)
    prefix: bool = False  # the last word may be unfinished (search as you type)


def parse_query(text: str, *, prefix: bool = False) -> Plan:
    """Split `text` at double quotes: closed quoted parts of two words or more are phrases."""
    plan = Plan(prefix=prefix)
    parts = _QUOTES.split(text)
    for index, part in enumerate(parts):
        found = words(part)
        plan.words.extend(found)
        closed = index % 2 == 1 and index < len(parts) - 1
        if closed and len(found) > 1:
            plan.phrases.append(found)
    if prefix and text.rstrip() != text:
        plan.prefix = False  # a trailing space: the last word is finished
    return plan
