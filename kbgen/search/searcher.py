"""The Python search API used by `kbgen search` and the service, on the Whoosh index."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from kbgen.articles import ARTICLE_TYPES
from kbgen.errors import FilterError, SearchError
from kbgen.search import ranking, spelling
from kbgen.search.analysis import stem
from kbgen.search.build import EXPORT_DIR
from kbgen.search.export import ExportedPostings
from kbgen.search.lexicon import Lexicon
from kbgen.search.query import Plan, parse_query
from kbgen.search.snippets import snippet
from kbgen.search.storage import open_index, read_stamp, read_synonyms, readable

DEFAULT_LIMIT = 10
MAX_LIMIT = 100


class Searcher:
    """Answers queries from the index kept in a state directory (`.kbgen/` beside the site)."""

    def __init__(self, state: Path, *, exported: bool = True) -> None:
        self._state = state
        self._index = open_index(state)
        with readable(state):
            self._reader = self._index.reader()
            self.lexicon = Lexicon(self._reader)
        self.synonyms = read_synonyms(state)
        # The build's export holds every term's compiled postings; use it when it matches the
        # index (same stamp), else compile from the Whoosh postings as queries come.
        self._postings = None
        if exported:
            self._postings = ExportedPostings.open(state / EXPORT_DIR, read_stamp(state))
        if self._postings is not None:
            self.lexicon.precompiled = self._postings.entry
        self._boosts = ranking.article_boosts(d.meta for d in self.lexicon.docs)
        self._closed = False
        self._categories: list[str] | None = None
        self._lock = threading.Lock()  # Whoosh readers are not safe across threads

    def warm(self) -> int:
        """Load the entries with the most postings now, so that no request waits for them (for
        a long-running service; one term at a time, so requests go between). Returns how many."""
        loaded = 0
        for term in self._postings.hot_terms() if self._postings else []:
            with self._lock, readable(self._state):
                if self._closed:
                    break
                entry = self.lexicon.entry(term)
                if entry is not None:
                    ranking.entry_scores(entry)
                    loaded += 1
        return loaded

    def close(self) -> None:
        """Release the index files."""
        with self._lock:
            self._closed = True
        self._reader.close()
        self._index.close()

    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def categories(self) -> list[str]:
        """The categories that have articles, for filters."""
        if self._categories is None:
            self._categories = sorted({d.meta["category"] for d in self.lexicon.docs})
        return self._categories

    def check_filters(self, category: str | None, type: str | None) -> None:
        """Raise FilterError, naming the choices, for a category or type nothing here has."""
        known = self.categories()
        if category is not None and category not in known:
            raise FilterError(f"category: no category {category!r}; the categories are "
                              f"{', '.join(known)}")
        if type is not None and type not in ARTICLE_TYPES:
            raise FilterError(f"type: no type {type!r}; the types are {', '.join(ARTICLE_TYPES)}")

    def search(self, query: str, *, limit: int = DEFAULT_LIMIT, category: str | None = None,
               type: str | None = None, prefix: bool = False,
               explain: bool = False) -> dict[str, Any]:
        """The best articles for `query`: `{"query", "results", "total", "did_you_mean"}`; with
        `explain`, each result says why it ranks there (`explain`)."""
        if limit < 1 or limit > MAX_LIMIT:
            raise SearchError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
        self.check_filters(category, type)
        plan = parse_query(query, prefix=prefix)
        with readable(self._state):
            with self._lock:
                hits, total, fixes = self._rank(plan, category, type, limit)
            results = [self._result(hit, plan) for hit in hits]
            if explain:
                for result, hit in zip(results, hits, strict=True):
                    result["explain"] = self._explain(hit)
        return {
            "query": query,
            "results": results,
            "total": total,
            "did_you_mean": spelling.did_you_mean(fixes, query),
        }

    def _rank(self, plan: Plan, category: str | None, type: str | None,
              limit: int) -> tuple[list[ranking.Hit], int, dict[str, str]]:
        """The ranked hits, their number, and the fix of each misspelt word."""
        lexicon = self.lexicon
        if not plan.words:
            return [], 0, {}
        entries = {t: lexicon.entry(t) for t in ranking.needed_terms(plan, self.synonyms)}
        corrections: dict[str, list[tuple[str, int]]] = {}
        completions: dict[str, list[str]] = {}
        for word, rarity in spelling.doubtful_words(plan, entries).items():
            corrections[word] = spelling.fuzzy_candidates(word, lexicon.words_like(word), rarity)
        if plan.prefix:  # the last word may be the start of a longer one, known or not
            last = plan.words[-1]
            completions[last] = spelling.prefix_candidates(last, lexicon.words_like(last))
        for found in [*corrections.values()]:
            for other, _ in found:
                entries.setdefault(stem(other), lexicon.entry(stem(other)))
        for found_words in completions.values():
            for other in found_words:
                entries.setdefault(stem(other), lexicon.entry(stem(other)))
        keep = self._filter(category, type)
        for phrase in plan.phrases:
            positions = {stem(w): lexicon.positions(stem(w)) for w in phrase}
            matching = ranking.phrase_docs(phrase, positions)
            if matching:
                keep = matching if keep is None else keep & matching
        clauses = ranking.build_clauses(plan, entries, self.synonyms, corrections, completions)
        hits, total = ranking.rank(clauses, entries, keep, limit, self._boosts)
        return hits, total, spelling.likeliest_corrections(plan, corrections, entries)

    def _explain(self, hit: ranking.Hit) -> dict[str, Any]:
        """How each query word matched `hit` (as itself, a synonym, a compound, a typo's fix or
        a completion) and where in the article; the share of the question it matched; what
        doubled its score; its boost."""
        sections = self.lexicon.docs[hit.doc].meta["sections"]
        words = []
        for word, term, how in hit.why["words"]:
            entry = self.lexicon.entry(term)
            codes = entry.places.get(hit.doc, []) if entry and entry.places else []
            where = []
            for code in codes:
                if code == ranking.TITLE_CODE:
                    where.append("title")
                elif code == ranking.QUERY_CODE:
                    where.append("queries")
                else:
                    number = code >> 1
                    heading = sections[number][1] if number < len(sections) else ""
                    kind = "heading" if code & 1 else "text"
                    where.append(f"{kind} ({heading})" if heading else "intro")
            fields = [name for name in ("title", "queries") if name in where]
            words.append({"word": word, "term": term, "how": how,
                          "in": fields + [w for w in where if w not in fields]})
        return {"words": words, "coverage": round(hit.why["coverage"], 3),
                "doubled": hit.why["doubled"], "boost": hit.why["boost"]}

    def _filter(self, category: str | None, type: str | None) -> set[int] | None:
        if category is None and type is None:
            return None
        return {d.number for d in self.lexicon.docs
                if (category is None or d.meta["category"] == category)
                and (type is None or d.meta["type"] == type)}

    def _result(self, hit: ranking.Hit, plan: Plan) -> dict[str, Any]:
        doc = self.lexicon.docs[hit.doc]
        meta = doc.meta
        sections = meta["sections"]
        anchor, heading, text = (sections[hit.section] if hit.section < len(sections)
                                 else ("", "", ""))
        url = f"{meta['url']}#{anchor}" if anchor else meta["url"]
        return {
            "url": url,
            "title": meta["title"],
            "category": meta["category"],
            "category_title": meta["category_title"],
            "type": meta["type"],
            "type_label": meta["type_label"],
            "section": heading,
            "anchor": anchor,
            "snippet": snippet(text or meta["description"], set(hit.terms)) or meta["description"],
            "score": round(hit.score, 4),
            "id": doc.id,
        }
