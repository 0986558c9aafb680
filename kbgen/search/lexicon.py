"""Reading the Whoosh index as the ranking sees it: compiled postings, positions, spelling words."""

from __future__ import annotations

import bisect
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from whoosh.reading import IndexReader

from kbgen.search.ranking import FIELDS, Entry, idf, posting_weight, section_codes
from kbgen.search.schema import PHRASE_FIELDS

_CACHE_SIZE = 4096
SMALL_INDEX = 500  # below this many articles, words seen once still count for spelling


@dataclass
class DocInfo:
    """One article as the search results show it."""

    number: int
    id: str
    meta: dict[str, Any]


class Lexicon:
    """Everything the ranking reads, computed from an open Whoosh reader, cached per term."""

    def __init__(self, reader: IndexReader) -> None:
        self.reader = reader
        self._leaves = list(reader.leaf_readers())
        self._terms: dict[tuple[int, str], set[str]] = {}  # see _field_terms
        articles: list[tuple[str, int, dict[str, Any]]] = []
        sections: list[tuple[str, int, int]] = []
        for docnum, stored in reader.iter_docs():
            if stored["kind"] == "article":
                articles.append((stored["article"], docnum, stored["meta"]))
            else:
                sections.append((stored["article"], docnum, stored["number"]))
        articles.sort()
        self.docs = [DocInfo(i, aid, meta) for i, (aid, _, meta) in enumerate(articles)]
        self.number = {docnum: i for i, (_, docnum, _) in enumerate(articles)}
        self.docnums = [docnum for _, docnum, _ in articles]
        by_id = {aid: i for i, (aid, _, _) in enumerate(articles)}
        self.section_of = {docnum: (by_id[aid], n) for aid, docnum, n in sections if aid in by_id}
        self.n = len(self.docs)
        self.lengths = [
            {name: float(reader.doc_field_length(docnum, name, 0) or 0) for name in FIELDS}
            for _, docnum, _ in articles
        ]
        self.averages = self.own_averages()
        self._entries: OrderedDict[str, Entry | None] = OrderedDict()
        # Where compiled postings come from when not from Whoosh (the build's export of them).
        self.precompiled: Callable[[str], Entry | None] | None = None
        self._vocabulary: dict[str, list[tuple[str, int]]] | None = None
        self._sections: dict[int, list[int]] | None = None  # each article's section docnums

    def own_averages(self) -> dict[str, float]:
        """Each ranked field's average length over the index's articles (what weights divide
        by, unless an export updated in place keeps older ones)."""
        return {name: (sum(lengths[name] for lengths in self.lengths) / self.n if self.n else 1.0)
                for name in FIELDS}

    def _postings(self, field: str, term: str, kind: str = "frequency",
                  at: list[int] | None = None) -> Iterator[tuple[int, Any]]:
        """The term's postings in `field`: all of them, or those at the documents `at` (sorted)
        alone, a skip to each rather than a walk through all of a common word's postings. Read
        segment by segment: Whoosh's matcher over several segments (an index written by two
        processes has two) costs a call more per posting."""
        for number, (leaf, offset) in enumerate(self._leaves):
            if term not in self._field_terms(number, field):
                continue  # a lookup that fails costs as much as one that finds
            if at is not None:
                end = offset + leaf.doc_count_all()
                wanted = [docnum - offset for docnum in at if offset <= docnum < end]
                if not wanted:
                    continue
            matcher = leaf.postings(field, term)
            if at is not None:
                for docnum in wanted:
                    if not matcher.is_active():
                        break
                    matcher.skip_to(docnum)
                    if matcher.is_active() and matcher.id() == docnum:
                        yield offset + docnum, matcher.value_as(kind)
            elif kind == "frequency":
                # A posting's weight is its frequency (no field of the schema has a boost), and
                # reading it spares decoding the positions a frequency is counted from.
                while matcher.is_active():
                    yield offset + matcher.id(), int(matcher.weight())
                    matcher.next()
            else:
                for docnum, value in matcher.items_as(kind):
                    yield offset + docnum, value

    def _field_terms(self, leaf: int, field: str) -> set[str]:
        """The terms of `field` in the `leaf`th segment."""
        found = self._terms.get((leaf, field))
        if found is None:
            found = self._terms[leaf, field] = set(self._leaves[leaf][0].field_terms(field))
        return found

    def _docnums(self, numbers: set[int] | None) -> list[int] | None:
        return None if numbers is None else sorted(self.docnums[n] for n in numbers)

    def entry(self, term: str) -> Entry | None:
        """The term's compiled postings, or None when no article contains it."""
        if term in self._entries:
            self._entries.move_to_end(term)
            return self._entries[term]
        found = None
        if self.precompiled is not None:
            try:
                found = self.precompiled(term)
            except (OSError, ValueError):
                self.precompiled = None  # the export went away (a build replaced it): use Whoosh
        if self.precompiled is None:
            found = self.compile(term)
        self._entries[term] = found
        if len(self._entries) > _CACHE_SIZE:
            self._entries.popitem(last=False)
        return found

    def compile(self, term: str) -> Entry | None:
        """Read the term's postings in every field and fold them into one Entry."""
        postings = self.postings(term)
        if not postings:
            return None
        docs = list(postings)
        return Entry(idf=idf(len(docs), self.n), docs=docs,
                     weights=[postings[d][0] for d in docs],
                     sections=[postings[d][1] for d in docs])

    def postings(self, term: str, numbers: set[int] | None = None
                 ) -> dict[int, tuple[int, list[int]]]:
        """The term's weight and section codes in each article that holds it, by article number
        in order; only in the articles `numbers`, read at those alone, when given."""
        tf: dict[int, dict[str, int]] = {}
        for name in FIELDS:
            for docnum, count in self._postings(name, term, at=self._docnums(numbers)):
                number = self.number.get(docnum)
                if number is not None:
                    tf.setdefault(number, {})[name] = int(count)
        if not tf:
            return {}
        sections = None
        if numbers is not None:
            if self._sections is None:
                self._sections = {}
                for docnum, (number, _) in self.section_of.items():
                    self._sections.setdefault(number, []).append(docnum)
            sections = sorted(docnum for d in tf for docnum in self._sections[d])
        heading: dict[int, list[int]] = {}
        text: dict[int, list[int]] = {}
        for name, target in (("sec_heading", heading), ("sec_text", text)):
            for docnum, _ in self._postings(name, term, at=sections):
                where = self.section_of.get(docnum)
                if where is not None:
                    target.setdefault(where[0], []).append(where[1])
        return {d: (posting_weight(tf[d], self.lengths[d], self.averages),
                    section_codes(heading.get(d, []), text.get(d, []), "title" in tf[d],
                                  "queries" in tf[d]))
                for d in sorted(tf)}

    def positions(self, term: str, numbers: set[int] | None = None) -> dict[int, list[list[int]]]:
        """Where the term stands in each phrase field of each article (of the articles
        `numbers` alone, when given)."""
        found: dict[int, list[list[int]]] = {}
        for index, name in enumerate(PHRASE_FIELDS):
            for docnum, where in self._postings(name, term, "positions", self._docnums(numbers)):
                number = self.number.get(docnum)
                if number is not None:
                    found.setdefault(number, [[] for _ in PHRASE_FIELDS])[index] = list(where)
        return found

    def terms(self) -> list[str]:
        """Every term of the article fields, sorted."""
        found: set[str] = set()
        for name in FIELDS:
            found.update(self.reader.field_terms(name))
        return sorted(found)

    def vocabulary(self) -> dict[str, list[tuple[str, int]]]:
        """Spelling words with their document frequency, grouped by shard key (first letter)."""
        if self._vocabulary is None:
            minimum = 1 if self.n < SMALL_INDEX else 2
            frequencies: dict[str, int] = {}
            for leaf, _ in self._leaves:  # Whoosh's merge of the segments' words costs more
                deleted = sorted(leaf.segment().deleted_docs()) if leaf.has_deletions() else []
                for raw, info in leaf.iter_field("spell"):
                    count = _live_count(leaf, raw, info, deleted)
                    if count:
                        word = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                        frequencies[word] = frequencies.get(word, 0) + count
            groups: dict[str, list[tuple[str, int]]] = {}
            for word in sorted(frequencies):
                if frequencies[word] >= minimum:
                    groups.setdefault(spell_key(word), []).append((word, frequencies[word]))
            self._vocabulary = groups
        return self._vocabulary

    def words_like(self, word: str) -> list[tuple[str, int]]:
        """The spelling words that could correct or complete `word`."""
        return self.vocabulary().get(spell_key(word), [])


def _live_count(leaf: Any, raw: bytes, info: Any, deleted: list[int]) -> int:
    """How many live articles of the segment `leaf` have the spelling word `raw`. Its count takes
    in the articles a rebuild replaced or removed (Whoosh only marks them deleted), so where one
    of those may have the word, the live ones are counted: from the first and last article when
    there are no more (most words), else from the postings (1.2 s for all on business-central)."""
    count = info.doc_frequency()
    first, last = info.min_id(), info.max_id()
    at = bisect.bisect_left(deleted, first)
    if at == len(deleted) or deleted[at] > last:
        return count  # no deleted article within the word's range
    if count <= 2:
        return len({first, last}.difference(deleted))
    return sum(1 for _ in leaf.postings("spell", raw).all_ids())


def spell_key(word: str) -> str:
    """The shard a spelling word lives in: its first letter or digit, else its code point."""
    first = word[:1]
    return first if first.isascii() and first.isalnum() else f"u{ord(first):x}" if first else "_"
