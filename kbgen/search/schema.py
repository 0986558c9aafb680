"""The one Whoosh schema: an article document and one document per section of it."""

from __future__ import annotations

from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from kbgen.search.analysis import analyzer

# Article fields ranked together (BM25F); section fields choose where in an article to land.
ARTICLE_FIELDS = ("title", "headings", "description", "body", "tags", "keywords", "queries",
                  "category", "type")
SECTION_FIELDS = ("sec_heading", "sec_text")
PHRASE_FIELDS = ("title", "headings", "body", "queries")


def build_schema() -> Schema:
    """Fields of both kinds of document; `kind` tells them apart."""
    stemmed = analyzer(stemming=True)
    return Schema(
        key=ID(unique=True, stored=True),  # "a:<article id>" or "s:<article id>:<n>"
        kind=ID(stored=True),  # "article" | "section"
        article=ID(stored=True),  # the article's id, on both kinds
        revision=ID(stored=True),  # hash of everything indexed for the article
        number=NUMERIC(stored=True),  # a section's position in its article (0: the intro)
        meta=STORED,  # url, title, category, type, description, section anchors and text
        title=TEXT(analyzer=stemmed, phrase=True),
        headings=TEXT(analyzer=stemmed, phrase=True),
        description=TEXT(analyzer=stemmed, phrase=False),
        body=TEXT(analyzer=stemmed, phrase=True),
        tags=TEXT(analyzer=stemmed, phrase=False),
        keywords=TEXT(analyzer=stemmed, phrase=False),
        queries=TEXT(analyzer=stemmed, phrase=True),
        category=TEXT(analyzer=stemmed, phrase=False),
        type=TEXT(analyzer=stemmed, phrase=False),
        sec_heading=TEXT(analyzer=stemmed, phrase=False),
        sec_text=TEXT(analyzer=stemmed, phrase=False),
        # Unstemmed words for spelling ("did you mean") and typo expansion.
        spell=TEXT(analyzer=analyzer(stemming=False), phrase=False),
    )
