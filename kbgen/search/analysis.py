"""Text analysis shared by the index, the Python ranking and (in JavaScript) the browser.

Kept deliberately simple so `search.js` reproduces it exactly: Unicode letters and digits as
tokens (apostrophes inside words dropped), lowercase, accents off, stopwords out, Porter stemming,
then a few endings that bring a verb and the noun made from it together (`CONFLATE`).
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterator

from whoosh.analysis import Token, Tokenizer
from whoosh.lang.porter import stem as porter_stem

# Letters and digits (not "_"); "don't" and "GitHub's" are one token each.
TOKEN = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
MIN_LENGTH = 2
MAX_LENGTH = 40

# Removed at index and at query time: they carry no meaning in a help article or a question.
STOPWORDS = frozenset("""
a about above against am an and any are as at be because been being
below between both but by could did do does doing during each few for from further had has
have having he her here hers herself him himself his how i if in into is it its itself just me
my myself nor of on or our ours ourselves own
she should so some such than that the their theirs them themselves then there these they this
those through to too until very was we were what when where which while who whom why
will with would you your yours yourself yourselves can cant dont doesnt didnt isnt im ive id
youre whats hows wont shall might must may also still please thanks thank anyone someone
somebody anybody
""".split())

# Kept in the index but weighed down in a query: the filler of questions ("is it possible to").
FILLER_WORDS = """
possible way ways want wanted need needed like would know tell help able trying try tried
somehow thing things something anything get got make made go going question problem issue
best better good simple easy quick quickly easiest easier fastest faster simplest doable
feasible efficiently efficient particular specific certain exactly actually really basically
everything anything everyone people person option options method methods
"""


# Changes whenever analysis changes, or what is stored of an article (the text kept for the
# browser's snippets), so a build re-indexes every article.
SIGNATURE = hashlib.sha256(" ".join(sorted(STOPWORDS)).encode() + b"|analysis-4").hexdigest()[:12]


def fold(word: str) -> str:
    """`word` without its accents: "résumé" is "resume", "Zürich" "Zurich" (canonical
    decomposition, then the combining marks dropped), as `fold` in shared.js. A customer types
    without them as often as with, on a phone most of all."""
    if word.isascii():
        return word
    return "".join(c for c in unicodedata.normalize("NFD", word)
                   if unicodedata.category(c) != "Mn")


def normalize(word: str) -> str:
    """A raw token as the index sees it before stemming: lowercase, apostrophes dropped, accents
    off."""
    return fold(word.lower().replace("'", "").replace("\u2019", ""))


def words(text: str) -> list[str]:
    """The normalized words of `text` that are not stopwords, in order (no stemming)."""
    out = []
    for token in TOKEN.findall(text):  # `normalize`, spelt out: this is the build's inner loop
        word = token.lower()
        if "'" in word or "\u2019" in word:
            word = word.replace("'", "").replace("\u2019", "")
        if not word.isascii():
            word = fold(word)
        if MIN_LENGTH <= len(word) <= MAX_LENGTH and word not in STOPWORDS:
            out.append(word)
    return out


# Porter keeps some verbs apart from the nouns made from them: "notify" is notifi but
# "notification" notif, "apply" appli but "application" applic, "reconcile" reconcil but
# "reconciliation" reconcili, "subscribe" subscrib but "subscription" subscript; a customer asks
# with one and the article is written with the other. Each pattern (of a Porter stem's end, with
# the least there must be before it) and its replacement; the first that matches applies. Chosen
# on the vocabulary of the corpora in ../shared so as to join no words that mean different things:
# "wifi" and "gifi" stay, "specify" stays apart from "specific", "reply" from "replicate".
CONFLATE = ((r"(?<=..[^c])ifi$", "if"), (r"applic$", "appli"), (r"(?<=..)cili$", "cil"),
            (r"(?<=.)script$", "scrib"))
_CONFLATE = tuple((re.compile(pattern), replacement) for pattern, replacement in CONFLATE)


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Porter stem (Whoosh's implementation; porter.js reproduces both steps), then `CONFLATE`."""
    found = porter_stem(word)
    for pattern, replacement in _CONFLATE:
        joined, count = pattern.subn(replacement, found, count=1)
        if count:
            return joined
    return found


def terms(text: str) -> list[str]:
    """The index terms of `text`: words, stemmed."""
    return [stem(w) for w in words(text)]


class KbTokenizer(Tokenizer):
    """Whoosh tokenizer yielding the same words as `words()`, stemmed unless `stemming` is off."""

    def __init__(self, stemming: bool = True) -> None:
        self.stemming = stemming

    def __eq__(self, other: object) -> bool:
        return isinstance(other, KbTokenizer) and other.stemming == self.stemming

    def __call__(  # type: ignore[override]
        self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
        removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
        mode: str = "", **kwargs: object,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, word in enumerate(words(value), start=start_pos):
            token.text = stem(word) if self.stemming else word
            token.original = token.text
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = pos
            yield token


def analyzer(stemming: bool = True) -> KbTokenizer:
    """The Whoosh analyzer for kbgen's text fields."""
    return KbTokenizer(stemming)


FILLER = frozenset(stem(w) for w in FILLER_WORDS.split())
