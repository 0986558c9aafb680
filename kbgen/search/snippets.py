"""A short passage of an article's text around the words a query matched."""

from __future__ import annotations

import math
import re
from collections import Counter

from kbgen.search.analysis import (
    FILLER,
    MAX_LENGTH,
    MIN_LENGTH,
    STOPWORDS,
    TOKEN,
    fold,
    normalize,
    stem,
    terms,
)

SNIPPET_WORDS = 32
SCAN_CHARS = 30_000  # where matched words are looked for: all of a section but a huge one
# What the browser gets of an article's text, for its snippets (the export's article files):
TEXT_BUDGET = 1500  # characters of section text per article
MIN_SECTION_TEXT = 200  # at least, per section
TITLE_WEIGHT = 10  # a title word in a sentence counts ten times a word the section says once
_ENDS = ".!?\u2026\u3002\uff01\uff1f"  # what ends a sentence: . ! ? … and 。！？
_SENTENCE = re.compile(f"[^{_ENDS}]*(?:[{_ENDS}]+|$)\\s*")
LOOK_BACK = 10  # words: a snippet starts at its sentence's start when that is this near
_CLAUSE_ENDS = _ENDS + ":;,"  # a line ending so runs on into the next; others get " · "


def matched_spans(text: str, terms: set[str]) -> list[tuple[int, int]]:
    """Character spans of the words of `text` whose term is one of `terms`."""
    # Stemming changes only a word's ending, never its first letter: words starting otherwise
    # than every term are passed over without being stemmed.
    initials = {term[:1] for term in terms}
    spans = []
    for match in TOKEN.finditer(text):
        # Tokens start with a letter or digit.
        if fold(match.group()[:1].lower())[:1] not in initials:
            continue
        word = normalize(match.group())
        if MIN_LENGTH <= len(word) <= MAX_LENGTH and word not in STOPWORDS and stem(word) in terms:
            spans.append(match.span())
    return spans


def snippet(text: str, terms: set[str], size: int = SNIPPET_WORDS) -> str:
    """About `size` words of `text`, starting where the most distinct matched terms gather."""
    text = text[:SCAN_CHARS]
    tokens = [m.span() for m in TOKEN.finditer(text)]
    if not tokens:
        return text.strip()[:200]
    hits = {span[0] for span in matched_spans(text, terms)}
    flags = [start in hits for start, _ in tokens]
    first, best_count = 0, 0
    for index, flag in enumerate(flags):
        count = sum(flags[index:index + size]) if flag else 0
        if count > best_count:
            first, best_count = _opening(text, tokens, index), count
    last = min(len(tokens), first + size)
    begin = 0 if first == 0 else tokens[first][0]
    end = len(text) if last == len(tokens) else tokens[last - 1][1]
    return ("… " if begin else "") + _flowing(text[begin:end]) + (" …" if end < len(text) else "")


def _opening(text: str, tokens: list[tuple[int, int]], index: int) -> int:
    """Where a snippet around word `index` starts: its sentence's (or line's) first word, if that
    is at most LOOK_BACK words back; else three words back. A line ending in ":" ("Note:")
    introduces the next, so the snippet starts before it."""
    for i in range(index, max(-1, index - LOOK_BACK - 1), -1):
        gap = text[tokens[i - 1][1]:tokens[i][0]] if i else ""
        if i == 0 or any(c in _ENDS for c in gap) or ("\n" in gap and ":" not in gap):
            return i
    return max(0, index - 3)


def _flowing(text: str) -> str:
    """`text` on one line: a line that ends without punctuation (a table cell, a list item, a
    heading) is set off from the next by " · " rather than run into it."""
    out = ""
    for line in filter(None, (" ".join(line.split()) for line in text.split("\n"))):
        if out:
            out += " " if out[-1] in _CLAUSE_ENDS else " · "
        out += line
    return out


def _pieces(text: str, longest: int) -> list[str]:
    """`text` cut into sentences, a sentence longer than `longest` cut again between words."""
    out = []
    for match in _SENTENCE.finditer(text):
        piece = match.group()
        while len(piece) > longest:
            cut = piece.rfind(" ", 0, longest)
            cut = cut + 1 if cut > longest // 2 else longest
            out.append(piece[:cut])
            piece = piece[cut:]
        if piece:
            out.append(piece)
    return out


def _kept_text(text: str, share: int, likely: dict[str, int]) -> str:
    """About `share` characters of `text` for the browser's snippets: of the part snippets.py
    looks at, the sentences that carry the most of the words a search for this article likely
    uses (a word's weight: `likely` of it, 1 for others, more when the text repeats it), each word
    counted once, in the order written, "…" where text was left out. Left-over room goes to the
    other sentences in reading order."""
    if len(text) <= share:
        return text
    pieces = _pieces(text[:SCAN_CHARS], max(40, share // 2))
    found = [terms(piece) for piece in pieces]
    counts = Counter(term for piece_terms in found for term in piece_terms if term not in FILLER)
    weights = {term: (1 + math.log(n)) * likely.get(term, 1) for term, n in counts.items()}
    words = [set(piece_terms) for piece_terms in found]
    chosen: set[int] = set()
    covered: set[str] = set()
    used = 0
    while True:  # the heaviest piece that still fits
        best, best_weight = -1, -1.0
        for i, piece in enumerate(pieces):
            if i in chosen or used + len(piece) > share:
                continue
            # fsum: the same total in any order of the set (a build must not depend on it)
            weight = math.fsum(weights.get(word, 0.0) for word in words[i] - covered)
            weight += i == 0  # the opening sentence, by a little: it sets the context
            if weight > best_weight:
                best, best_weight = i, weight
        if best < 0:
            break
        chosen.add(best)
        covered |= words[best]
        used += len(pieces[best])
    kept, previous = [], -1
    for i in sorted(chosen):
        if i != previous + 1:
            kept.append("… ")
        kept.append(pieces[i])
        previous = i
    ended = previous == len(pieces) - 1 and len(text) <= SCAN_CHARS
    return "".join(kept).strip() + ("" if ended else " …")


def kept_sections(title: str, sections: list[list[str]]) -> list[list[str]]:
    """Each section's text cut to its share of TEXT_BUDGET, keeping the sentences a snippet
    most likely needs: a customer's question mostly uses the title's and headings' words."""
    share = max(MIN_SECTION_TEXT, TEXT_BUDGET // max(1, len(sections)))
    titled = dict.fromkeys(terms(title), 1 + TITLE_WEIGHT)
    out = []
    for anchor, heading, text in sections:
        likely = titled | {word: titled.get(word, 1) + 1 for word in terms(heading)}
        out.append([anchor, heading, _kept_text(text, share, likely)])
    return out
