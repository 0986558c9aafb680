"""A short passage of an article's text around the words a query matched."""

from __future__ import annotations

from kbgen.search.analysis import MAX_LENGTH, MIN_LENGTH, STOPWORDS, TOKEN, normalize, stem

SNIPPET_WORDS = 32
SCAN_CHARS = 1500  # a long section's snippet comes from its beginning


def matched_spans(text: str, terms: set[str]) -> list[tuple[int, int]]:
    """Character spans of the words of `text` whose term is one of `terms`."""
    # Stemming changes only a word's ending, never its first letter: words starting otherwise
    # than every term are passed over without being stemmed.
    initials = {term[:1] for term in terms}
    spans = []
    for match in TOKEN.finditer(text):
        if match.group()[:1].lower()[:1] not in initials:  # tokens start with a letter or digit
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
            first, best_count = max(0, index - 3), count
    last = min(len(tokens), first + size)
    begin = 0 if first == 0 else tokens[first][0]
    end = len(text) if last == len(tokens) else tokens[last - 1][1]
    passage = " ".join(text[begin:end].split())
    return ("… " if begin else "") + passage + (" …" if end < len(text) else "")
