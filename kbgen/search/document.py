"""What gets indexed for an article: its front matter and the text of its rendered sections."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from kbgen.search.analysis import SIGNATURE, terms
from kbgen.search.schema import ARTICLE_FIELDS
from kbgen.search.snippets import kept_sections

_SECTION_TAGS = {"h2", "h3"}
# Box-drawing and block characters (terminal tables in code samples): no words, and noise in a
# snippet.
_DRAWING = re.compile(r"[\u2500-\u259f]+")
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SKIP_TAGS = {"script", "style", "template", "svg"}
_BLOCK_TAGS = {"p", "div", "li", "tr", "td", "th", "pre", "br", "blockquote", "dd", "dt",
               "table", "ul", "ol", "section", "details", "summary", "figcaption"}


@dataclass
class Section:
    """A stretch of an article under one heading (the first one, the intro, has none)."""

    anchor: str
    heading: str
    text: str


@dataclass
class ArticleDoc:
    """An article ready to index: metadata plus sections of plain text."""

    id: str
    url: str
    title: str
    description: str
    category: str
    category_title: str
    type: str
    type_label: str
    tags: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    boost: float = 1.0  # what its score is multiplied by (front matter `search: {boost: N}`)

    @property
    def headings(self) -> str:
        """All section headings, one a line."""
        return "\n".join(s.heading for s in self.sections if s.heading)

    @property
    def body(self) -> str:
        """All section text."""
        return "\n".join(s.text for s in self.sections)

    def revision(self) -> str:
        """A hash of everything indexed, so an unchanged article is not re-indexed."""
        data = json.dumps([SIGNATURE, asdict(self)], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(data.encode("utf-8")).hexdigest()[:20]


class _SectionParser(HTMLParser):
    """Splits rendered article HTML at h2/h3 headings, keeping their ids as anchors."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[Section] = [Section("", "", "")]
        self._text: list[str] = []
        self._heading: list[str] | None = None
        self._heading_tag = ""
        self._anchor = ""
        self._skip = 0
        self._headerlink = 0
        self._pre = 0  # inside <pre>, where a line break is one; elsewhere it is a space
        # Where the text of an admonition's title ("Note") starts, while inside it: the title
        # introduces the admonition's text.
        self._callout: int | None = None
        # Content tabs (pymdownx.tabbed): Material puts all of a set's labels ("Linux", "macOS")
        # together before the tabs' contents, so each label is kept here and written before
        # the content it names ("Linux: ss -ltnp ..."), not run together ("LinuxmacOS").
        self._label: list[str] | None = None
        self._in_labels = 0
        self._tab_labels: list[list[str]] = []  # a list a set, inner sets last

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "pre":
            self._pre += 1
        classes = (attributes.get("class") or "").split()
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag == "label" and (attributes.get("for") or "").startswith("__tabbed"):
            self._label = []
        elif tag == "div" and "tabbed-labels" in classes:
            self._in_labels += 1
            self._tab_labels.append([])
        elif tag == "div" and "tabbed-block" in classes:
            if self._tab_labels:
                self._introduce(self._tab_labels[-1].pop(0))
                if not self._tab_labels[-1]:
                    self._tab_labels.pop()
        elif tag == "a" and "headerlink" in (attributes.get("class") or ""):
            self._headerlink += 1
        elif tag in _HEADING_TAGS and self._heading is None:
            self._heading, self._heading_tag = [], tag
            self._anchor = attributes.get("id") or ""
        elif tag in _BLOCK_TAGS:
            self._text.append("\n")
            titled = tag == "p" and "admonition-title" in (attributes.get("class") or "")
            self._callout = len(self._text) if titled else None

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self._pre = max(0, self._pre - 1)
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag == "label" and self._label is not None:
            label = _squash("".join(self._label)).replace("\n", " ")
            self._label = None
            if self._in_labels and self._tab_labels:
                self._tab_labels[-1].append(label)
            else:  # the older markup: each label right before its tab's content
                self._introduce(label)
        elif tag == "div" and self._in_labels:  # the labels' div holds labels alone
            self._in_labels -= 1
            if not self._tab_labels[-1]:
                self._tab_labels.pop()
        elif tag == "a" and self._headerlink:
            self._headerlink -= 1
        elif tag == self._heading_tag and self._heading is not None:
            heading = _squash("".join(self._heading))
            self._heading, self._heading_tag = None, ""
            if tag in _SECTION_TAGS:
                self._close()
                self.sections.append(Section(self._anchor, heading, ""))
            elif tag != "h1":
                self._text.append(f"\n{heading}\n")
        elif tag in _BLOCK_TAGS:
            if self._callout is not None and "".join(
                    self._text[self._callout:]).rstrip()[-1:].isalnum():
                self._text.append(":")  # "Note: Don't ..." in a snippet
            self._callout = None
            self._text.append("\n")

    def handle_data(self, data: str) -> None:
        if self._skip or self._headerlink:
            return
        if not self._pre:  # a line the writer wrapped goes on in the same paragraph
            data = data.replace("\r", " ").replace("\n", " ")
        if self._label is not None:
            self._label.append(data)
        else:
            (self._heading if self._heading is not None else self._text).append(data)

    def _introduce(self, label: str) -> None:
        """A tab's label on a line of its own before its content, ending in ":" so that a
        snippet runs it on into what follows."""
        if label:
            self._text.append(f"\n{label}{':' if label[-1].isalnum() else ''}\n")

    def _close(self) -> None:
        self.sections[-1].text = _squash("".join(self._text))
        self._text = []

    def result(self) -> list[Section]:
        self._close()
        return [s for i, s in enumerate(self.sections) if i == 0 or s.heading or s.text]


def _squash(text: str) -> str:
    text = _DRAWING.sub(" ", text)
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def html_sections(html: str) -> list[Section]:
    """The sections of a rendered article: the intro, then one per h2/h3 heading."""
    parser = _SectionParser()
    parser.feed(html)
    parser.close()
    return parser.result()


# Changes with this module's code: sections kept from an earlier build (`section_rows`) are
# found under a key that holds it.
PARSER = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


def section_rows(html: str) -> list[list[str]]:
    """`html_sections` as [anchor, heading, text] rows, which a cache can keep as JSON."""
    return [[s.anchor, s.heading, s.text] for s in html_sections(html)]


def from_article(article: Any, html: str, category_title: str,
                 rows: list[list[str]] | None = None, category_boost: float = 1.0) -> ArticleDoc:
    """An ArticleDoc from kbgen's Article record and the page's rendered HTML (whose sections
    are `rows`, when a cache has them); its boost is the article's times its category's."""
    return ArticleDoc(
        id=article.id, url=article.url, title=article.title, description=article.description,
        category=article.category, category_title=category_title, type=article.type,
        type_label=article.type_label, tags=list(article.tags), keywords=list(article.keywords),
        queries=list(article.queries),
        sections=html_sections(html) if rows is None else [Section(*row) for row in rows],
        boost=article.search_boost * category_boost,
    )


def article_fields(doc: ArticleDoc, revision: str) -> dict[str, object]:
    """The fields of the article's own document in the index."""
    sections = [[s.anchor, s.heading, s.text] for s in doc.sections]
    meta = {
        "url": doc.url, "title": doc.title, "description": doc.description,
        "category": doc.category, "category_title": doc.category_title,
        "type": doc.type, "type_label": doc.type_label, "boost": doc.boost,
        "sections": sections,
        "kept": kept_sections(doc.title, sections),  # what the browser gets, for its snippets
    }
    spell = "\n".join([doc.title, doc.headings, doc.description, " ".join(doc.tags),
                       " ".join(doc.keywords), doc.body])
    return {
        "key": f"a:{doc.id}", "kind": "article", "article": doc.id, "revision": revision,
        "meta": meta, "title": doc.title, "headings": doc.headings,
        "description": doc.description, "body": doc.body, "tags": "\n".join(doc.tags),
        "keywords": "\n".join(doc.keywords), "queries": "\n".join(doc.queries),
        "category": doc.category_title, "type": doc.type_label, "spell": spell,
    }


def article_terms(doc: ArticleDoc) -> set[str]:
    """The terms the article's ranked fields give the index (as the export's entries hold them)."""
    fields = article_fields(doc, "")
    found: set[str] = set()
    for name in ARTICLE_FIELDS:
        found.update(terms(str(fields[name])))
    return found


def add_documents(writer: Any, doc: ArticleDoc, revision: str) -> None:
    """Add to a Whoosh writer the article's document and one document for each of its
    sections."""
    writer.add_document(**article_fields(doc, revision))
    for number, section in enumerate(doc.sections):
        writer.add_document(
            key=f"s:{doc.id}:{number}", kind="section", article=doc.id, revision=revision,
            number=number, sec_heading=section.heading, sec_text=section.text,
        )
