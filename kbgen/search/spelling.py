"""Typos in a query: the known words each may be, the fixes to rank with, and the "did you mean"
to offer. Mirrored by `spelling.js`, as `ranking` is by `search-engine.js`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from kbgen.search.analysis import FILLER, stem
from kbgen.search.query import Plan

if TYPE_CHECKING:
    from kbgen.search.ranking import Entry

FUZZY_CANDIDATES = 3
PREFIX_CANDIDATES = 3
# A word the help center has, but in at most RARE_DOCS articles, may still be a typo (real help
# centers have their own: business-central's one "purchsing" makes "purchse" a word): it is
# corrected, as an unknown word is, to words within the typo allowance that are in at least
# COMMONER times as many articles. It keeps its own matches too.
RARE_DOCS = 2
COMMONER = 20


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance, or `limit + 1` once it is sure to exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        best = current[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
            best = min(best, value)
        if best > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[len(b)], limit + 1)


def max_distance(word: str) -> int:
    """How many typos a word may carry: none when short, two when long."""
    return 0 if len(word) < 4 else 1 if len(word) < 8 else 2


def fuzzy_candidates(word: str, vocabulary: list[tuple[str, int]],
                     rarity: int = 0) -> list[tuple[str, int]]:
    """Known words within the typo allowance: (word, distance), closest and commonest first. For a
    word the help center has in `rarity` articles (see RARE_DOCS), only far commoner words."""
    limit = max_distance(word)
    least = COMMONER * rarity
    found = []
    for other, df in vocabulary:
        if other != word and limit and df >= least:
            distance = edit_distance(word, other, limit)
            if distance <= limit:
                found.append((distance, -df, other))
    found.sort()
    return [(other, distance) for distance, _, other in found[:FUZZY_CANDIDATES]]


def prefix_candidates(word: str, vocabulary: list[tuple[str, int]]) -> list[str]:
    """The commonest known words that start with `word` (for a word still being typed)."""
    found = sorted((-df, other) for other, df in vocabulary
                   if other.startswith(word) and other != word)
    return [other for _, other in found[:PREFIX_CANDIDATES]]


def doubtful_words(plan: Plan, entries: Mapping[str, Entry | None]) -> dict[str, int]:
    """Words of the query that may be typos, with the number of articles that have their term:
    0 for a word not in the index, up to RARE_DOCS for a rare one."""
    found: dict[str, int] = {}
    for word in plan.words:
        entry = entries.get(stem(word))
        count = 0 if entry is None else len(entry.docs)
        if count <= RARE_DOCS:
            found.setdefault(word, count)
    return found


def likeliest_corrections(plan: Plan, corrections: Mapping[str, list[tuple[str, int]]],
                          entries: Mapping[str, Entry | None]) -> dict[str, str]:
    """The correction to suggest for each misspelt word: among the closest candidates, the one
    found in the most articles that contain the query's other words, or the commonest fix of
    another misspelt word ("refnd mony" -> "refund money", though "many" is commoner); the
    commonest candidate when the other words say nothing."""
    def docs(term: str) -> set[int]:
        entry = entries.get(term)
        return set(entry.docs) if entry is not None and term not in FILLER else set()

    known: set[int] = set()
    for word in plan.words:
        known |= docs(stem(word))
    # Each misspelt word's articles through its commonest fix: context for the others.
    commonest = {word: docs(stem(fixes[0][0])) for word, fixes in corrections.items() if fixes}
    chosen = {}
    for word in commonest:
        fixes = corrections[word]
        context = known.union(*(found for other, found in commonest.items() if other != word))
        closest = [other for other, distance in fixes if distance == fixes[0][1]]
        # The first of the closest (the commonest) wins a tie.
        chosen[word] = max(closest, key=lambda other: len(context & docs(stem(other))))
    return chosen


def only_drops_digits(word: str, fix: str) -> bool:
    """Whether `fix` is `word` without its digits: "utf8" searched as "utf", which is how the
    index has "UTF-8" (a lone "8" is too short a word). No typo to offer a fix for."""
    return re.sub(r"\d", "", word) == fix


def did_you_mean(fixes: Mapping[str, str], original: str) -> str | None:
    """The query with each misspelt word replaced by its fix (`likeliest_corrections`), if any
    changed; a fix that only drops a number from its word is searched with, not offered."""
    suggestion = original
    changed = False
    for word, fix in fixes.items():
        if only_drops_digits(word, fix):
            continue
        pattern = re.compile(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", re.IGNORECASE)
        suggestion, count = pattern.subn(fix, suggestion, count=1)
        changed = changed or count > 0
    return suggestion.strip() if changed else None
