"""The ranking formula, written once here and mirrored line for line by `search.js`.

BM25F over the article fields, with each posting's field-weighted, length-normalised frequency
computed at index time (`posting_weight`), so that a query only adds and multiplies numbers read
from the index: Python and JavaScript then compute bit-identical scores.

A query is a list of clauses (one per word); a clause matches through alternatives (the word
itself, its synonyms, a spelling correction, a compound such as "git hub" -> "github"), and the
best alternative counts. Not every clause has to match: the sum is multiplied by
(1 - COORD) + COORD * the matched share of the query, each word counting by its weight times the
idf of its rarest term ("OR with a coordination bonus"). An article whose title holds every word
of the query that the help center has (a word no article holds weighs nothing), or whose
`queries` front matter (searches the writer says it answers) does, scores TITLE_BONUS more.
Quoted phrases must match. Last, a score is multiplied by its article's boost (front matter
`search: {boost: N}`).
"""

from __future__ import annotations

import functools
import heapq
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kbgen.search.analysis import FILLER, stem
from kbgen.search.query import Plan
from kbgen.search.spelling import COMMONER, FUZZY_CANDIDATES, PREFIX_CANDIDATES, RARE_DOCS

K1 = 1.2
# (weight, length normalisation b) of each article field.
FIELDS: dict[str, tuple[float, float]] = {
    "title": (6.0, 0.4),
    "headings": (2.0, 0.5),
    "description": (1.0, 0.5),
    "body": (1.0, 0.75),
    "tags": (3.0, 0.0),
    "keywords": (3.0, 0.3),
    "queries": (6.0, 0.3),
    "category": (1.0, 0.0),
    "type": (0.5, 0.0),
}
FILLER_WEIGHT = 0.4
COORD = 0.3  # how much matching more of the query counts (0: not at all)
# A title that holds all of the query ("customer statement" -> "Customer Statement (report)")
# beats articles that repeat one of its words throughout.
TITLE_BONUS = 1.0  # a title with all of the query counts double
SYNONYM_FACTOR = 0.9
COMPOUND_FACTOR = 1.0
FUZZY_FACTOR = (1.0, 0.8, 0.6)  # by edit distance
PREFIX_FACTOR = 0.8
COMPOUND_MAX = 6  # "git hub": both parts this short or shorter
MAX_SECTIONS = 8  # section references kept per posting
# Among a posting's section codes: the term is in the article's title (section 0, the intro,
# has no heading, so `2 * 0 + 1` is free).
TITLE_CODE = 1
# ... and the term is in the article's `queries` (no section is numbered below 0).
QUERY_CODE = -1
SCALE = 1000  # posting weights are integers in thousandths
IDF_SCALE = 10000


def params() -> dict[str, object]:
    """The constants search.js needs to rank exactly as this module does."""
    return {
        "FILLER_WEIGHT": FILLER_WEIGHT, "COORD": COORD, "SYNONYM_FACTOR": SYNONYM_FACTOR,
        "TITLE_BONUS": TITLE_BONUS, "TITLE_CODE": TITLE_CODE, "QUERY_CODE": QUERY_CODE,
        "COMPOUND_FACTOR": COMPOUND_FACTOR, "FUZZY_FACTOR": list(FUZZY_FACTOR),
        "PREFIX_FACTOR": PREFIX_FACTOR, "FUZZY_CANDIDATES": FUZZY_CANDIDATES,
        "PREFIX_CANDIDATES": PREFIX_CANDIDATES, "COMPOUND_MAX": COMPOUND_MAX, "SCALE": SCALE,
        "RARE_DOCS": RARE_DOCS, "COMMONER": COMMONER,
        "IDF_SCALE": IDF_SCALE,
    }


@dataclass
class Entry:
    """A term's compiled postings: article numbers, weights and the sections it occurs in."""

    idf: int
    docs: list[int]
    weights: list[int]
    sections: list[list[int]]
    scores: dict[int, float] | None = field(default=None, repr=False, compare=False)
    titles: set[int] | None = field(default=None, repr=False, compare=False)  # in the title
    asked: set[int] | None = field(default=None, repr=False, compare=False)  # in the queries
    places: dict[int, list[int]] | None = field(default=None, repr=False, compare=False)


@dataclass
class Alternative:
    """One way a clause can match: a group of terms, scored by their mean, times a factor."""

    terms: list[str]
    factor: float
    how: str = "word"  # how it matches its word: word, synonym, compound, typo or completion


@dataclass
class Clause:
    """One word of the query and the alternatives it may match through."""

    word: str
    weight: float
    alternatives: list[Alternative] = field(default_factory=list)


def posting_weight(tf: Mapping[str, int], lengths: Mapping[str, float],
                   averages: Mapping[str, float]) -> int:
    """A term's weight in one article: BM25 saturated per field, weighted, summed; thousandths."""
    total = 0.0
    for name, count in tf.items():  # in FIELDS' order, as `Lexicon.postings` fills it
        weight, b = FIELDS[name]
        if count:
            average = averages.get(name) or 1.0
            norm = 1 - b + b * lengths.get(name, 0.0) / average
            total += weight * count * (K1 + 1) / (count + K1 * norm)
    return int(round(total * SCALE))


def idf(df: int, n: int) -> int:
    """Inverse document frequency (BM25's, never negative), in ten-thousandths."""
    return int(round(math.log(1 + (n - df + 0.5) / (df + 0.5)) * IDF_SCALE))


def section_codes(heading: Iterable[int], text: Iterable[int], title: bool = False,
                  asked: bool = False) -> list[int]:
    """Sections a term occurs in, as `2 * number + 1` for a heading and `2 * number` for text;
    TITLE_CODE when it is in the title, QUERY_CODE when in the article's `queries`."""
    inheading = set(heading) - {0}
    codes = {2 * s + 1 for s in inheading} | {2 * s for s in text if s not in inheading}
    kept = sorted(codes, key=lambda c: (-(c & 1), c))[:MAX_SECTIONS]
    return sorted(kept + [TITLE_CODE] * title + [QUERY_CODE] * asked)


def compound_terms(plan: Plan) -> list[str | None]:
    """For each pair of neighbouring words, the term of the two written as one ("github")."""
    out: list[str | None] = []
    for left, right in zip(plan.words, plan.words[1:], strict=False):
        short = len(left) <= COMPOUND_MAX and len(right) <= COMPOUND_MAX
        plain = stem(left) not in FILLER and stem(right) not in FILLER
        out.append(stem(left + right) if short and plain else None)
    return out


def synonym_alternatives(terms: list[str], groups: list[list[list[str]]]) -> list[list[list[str]]]:
    """For each query term, the synonyms (as term lists) of any group member found at it."""
    found: list[list[list[str]]] = [[] for _ in terms]
    for group in groups:
        for member in group:
            size = len(member)
            for start in range(len(terms) - size + 1):
                if terms[start:start + size] == member:
                    for position in range(start, start + size):
                        for other in group:
                            if other != member and other not in found[position]:
                                found[position].append(other)
    return found


def needed_terms(plan: Plan, groups: list[list[list[str]]]) -> list[str]:
    """Every term whose postings the first step of a search needs."""
    terms = [stem(w) for w in plan.words]
    needed = list(terms)
    for term in compound_terms(plan):
        if term:
            needed.append(term)
    for alternatives in synonym_alternatives(terms, groups):
        for alternative in alternatives:
            needed.extend(alternative)
    return list(dict.fromkeys(needed))


def build_clauses(
    plan: Plan, entries: Mapping[str, Entry | None], groups: list[list[list[str]]],
    corrections: Mapping[str, list[tuple[str, int]]], completions: Mapping[str, list[str]],
) -> list[Clause]:
    """One clause per query word, with every alternative that may match it."""
    terms = [stem(w) for w in plan.words]
    synonyms = synonym_alternatives(terms, groups)
    compounds = compound_terms(plan)
    only_filler = all(t in FILLER for t in terms)
    clauses = []
    for i, word in enumerate(plan.words):
        weight = FILLER_WEIGHT if terms[i] in FILLER and not only_filler else 1.0
        clause = Clause(word, weight, [Alternative([terms[i]], 1.0)])
        for synonym in synonyms[i]:
            clause.alternatives.append(Alternative(synonym, SYNONYM_FACTOR, "synonym"))
        for compound in (compounds[i - 1] if i > 0 else None, compounds[i] if i < len(compounds)
                         else None):
            if compound and entries.get(compound) is not None:
                clause.alternatives.append(Alternative([compound], COMPOUND_FACTOR, "compound"))
        for other, distance in corrections.get(word, []):
            clause.alternatives.append(Alternative([stem(other)], FUZZY_FACTOR[distance],
                                                   "typo"))
        for other in completions.get(word, []):
            clause.alternatives.append(Alternative([stem(other)], PREFIX_FACTOR, "completion"))
        clauses.append(clause)
    return clauses


def term_score(entry_idf: int, weight: int) -> float:
    """One posting's contribution: the term's idf times its weight in the article."""
    return entry_idf / IDF_SCALE * (weight / SCALE)


@dataclass
class Hit:
    """A ranked article: its number, score, and the terms it matched (with their clause weight)."""

    doc: int
    score: float
    matched: list[tuple[float, str]]
    _entries: Mapping[str, Entry | None] = field(repr=False)
    # Why it ranks where it does (`kbgen search --explain`): each query word's match (word, term,
    # how), the matched share of the query, what doubled its score, and its boost.
    why: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def terms(self) -> list[str]:
        """The index terms through which the article matched."""
        return [term for _, term in self.matched]

    @functools.cached_property
    def section(self) -> int:
        """The section where the matched terms weigh most (headings double); 0 for the top."""
        places: dict[int, float] = {}
        for clause_weight, term in self.matched:
            entry = self._entries[term]
            assert entry is not None and entry.places is not None
            weight = clause_weight * (entry.idf / IDF_SCALE)
            for code in entry.places[self.doc]:
                if code in (TITLE_CODE, QUERY_CODE):
                    continue
                places[code >> 1] = places.get(code >> 1, 0.0) + weight * (1 + (code & 1))
        return min(places, key=lambda s: (-places[s], s)) if places else 0


def entry_scores(entry: Entry) -> dict[int, float]:
    """Each article's score for the term (computed once per cached entry)."""
    if entry.scores is None or entry.places is None:
        entry.scores = {doc: term_score(entry.idf, weight)
                        for doc, weight in zip(entry.docs, entry.weights, strict=True)}
        entry.places = dict(zip(entry.docs, entry.sections, strict=True))
        entry.titles = {doc for doc, codes in entry.places.items() if TITLE_CODE in codes}
        entry.asked = {doc for doc, codes in entry.places.items() if QUERY_CODE in codes}
    return entry.scores


def rank(clauses: list[Clause], entries: Mapping[str, Entry | None],
         keep: Iterable[int] | None = None, limit: int | None = None,
         boosts: Mapping[int, float] | None = None) -> tuple[list[Hit], int]:
    """The best `limit` articles (best first, ties by number) and how many matched at all;
    `boosts` holds the articles whose score is multiplied by other than 1 (`article_boosts`).

    Each article's numbers are added up clause by clause, in the order search.js adds them,
    so both compute bit-identical scores.
    """
    scores = {term: entry_scores(entry) for clause in clauses for alternative
              in clause.alternatives for term in alternative.terms
              if (entry := entries.get(term)) is not None}
    allowed = None if keep is None else set(keep)
    # A clause counts towards coverage by its weight times the idf of its rarest known term.
    importance = []
    for clause in clauses:
        rarest = max((found for a in clause.alternatives for t in a.terms
                      if (found := _idf(entries, t)) is not None), default=0)
        importance.append(clause.weight * rarest / IDF_SCALE)
    total_weight = 0.0
    for value in importance:
        total_weight += value
    totals: dict[int, float] = {}
    matched: dict[int, float] = {}
    titled: dict[int, float] = {}  # the matched share through terms all in the title
    asked: dict[int, float] = {}  # ... all in the article's queries
    choices: list[dict[int, Alternative]] = []  # each clause's chosen alternative, by article
    for index, clause in enumerate(clauses):
        best: dict[int, float] = {}
        chosen: dict[int, Alternative] = {}
        in_title: dict[int, set[int]] = {}  # per alternative (by id): articles with all its terms
        in_queries: dict[int, set[int]] = {}
        for alternative in clause.alternatives:
            in_title[id(alternative)] = _all_in(entries, alternative.terms, "titles")
            in_queries[id(alternative)] = _all_in(entries, alternative.terms, "asked")
            factor, size = alternative.factor, len(alternative.terms)
            if size == 1:
                values = scores.get(alternative.terms[0], {})
            else:
                values = {}
                for term in alternative.terms:
                    for doc, value in scores.get(term, {}).items():
                        values[doc] = values.get(doc, 0.0) + value
            for doc, value in values.items():
                value = value * factor / size
                if value > best.get(doc, 0.0):
                    best[doc] = value
                    chosen[doc] = alternative
        weight, share = clause.weight, importance[index]
        choices.append(chosen)
        for doc, value in best.items():
            if allowed is not None and doc not in allowed:
                continue
            totals[doc] = totals.get(doc, 0.0) + weight * value
            matched[doc] = matched.get(doc, 0.0) + share
            if doc in in_title[id(chosen[doc])]:
                titled[doc] = titled.get(doc, 0.0) + share
            if doc in in_queries[id(chosen[doc])]:
                asked[doc] = asked.get(doc, 0.0) + share
    keep_share = 1 - COORD
    title_factor = 1 + TITLE_BONUS
    ranked = []
    for doc, total in totals.items():
        score = total * (keep_share + COORD * (matched[doc] / total_weight if total_weight
                                               else 0.0))
        # The same additions in the same order: equal exactly when every clause was in the title
        # (or in the queries).
        if titled.get(doc) == total_weight or asked.get(doc) == total_weight:
            score *= title_factor
        if boosts and doc in boosts:
            score *= boosts[doc]
        ranked.append((-score, doc))
    top = sorted(ranked) if limit is None else heapq.nsmallest(limit, ranked)
    hits = []
    for negative, doc in top:
        doubled = ("title" if titled.get(doc) == total_weight else
                   "queries" if asked.get(doc) == total_weight else None)
        through = _matches(doc, clauses, choices, scores)
        why = {"words": [(clause.word, term, how) for clause, term, how in through],
               "coverage": matched[doc] / total_weight if total_weight else 0.0,
               "doubled": doubled, "boost": boosts.get(doc, 1.0) if boosts else 1.0}
        hits.append(Hit(doc, -negative, [(clause.weight, term) for clause, term, _ in through],
                        entries, why))
    return hits, len(ranked)


def article_boosts(metas: Iterable[Mapping[str, object]]) -> dict[int, float]:
    """The articles (by number) whose score is multiplied by other than 1, and by what."""
    found = {}
    for number, meta in enumerate(metas):
        boost = meta.get("boost", 1.0)
        if isinstance(boost, (int, float)) and boost != 1.0:
            found[number] = float(boost)
    return found


def _matches(doc: int, clauses: list[Clause], choices: list[dict[int, Alternative]],
             scores: Mapping[str, Mapping[int, float]]) -> list[tuple[Clause, str, str]]:
    """The terms through which `doc` matched, clause by clause: (clause, term, how it matched
    the clause's word); worked out for the results shown only, not for every article that
    matched."""
    through = []
    for clause, chosen in zip(clauses, choices, strict=True):
        alternative = chosen.get(doc)
        if alternative is None:
            continue
        for term in alternative.terms:
            if doc in scores.get(term, {}):
                through.append((clause, term, alternative.how))
    return through


def _all_in(entries: Mapping[str, Entry | None], terms: list[str], place: str) -> set[int]:
    """The articles that hold every one of `terms` in `place`: "titles" (the title) or "asked"
    (the `queries`), an Entry's set of articles."""
    return set.intersection(*(getattr(entries.get(term), place, None) or set() for term in terms))


def _idf(entries: Mapping[str, Entry | None], term: str) -> int | None:
    entry = entries.get(term)
    return None if entry is None else entry.idf


def phrase_docs(phrase: list[str], positions: Mapping[str, dict[int, list[list[int]]]]) -> set[int]:
    """Articles where the phrase's terms stand next to each other in one field."""
    terms = [stem(w) for w in phrase]
    first = positions.get(terms[0], {})
    found = set()
    for doc, fields in first.items():
        for field_index, starts in enumerate(fields):
            following = []
            for term in terms[1:]:
                doc_fields = positions.get(term, {}).get(doc)
                following.append(set(doc_fields[field_index]) if doc_fields else set())
            if any(all(p + i + 1 in later for i, later in enumerate(following)) for p in starts):
                found.add(doc)
                break
    return found
