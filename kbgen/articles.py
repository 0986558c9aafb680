"""Front matter: read it, check it against the schema, and turn each file into an Article."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from mkdocs.utils import is_markdown_file

from kbgen.yaml_lines import Loader, entries, key_lines, nested_line, unreadable_value

ARTICLE_TYPES = ("article", "tutorial", "faq", "troubleshooting")
TYPE_LABELS = {
    "article": "Article",
    "tutorial": "Tutorial",
    "faq": "FAQ",
    "troubleshooting": "Troubleshooting",
}
# Dates some corpora carry under their own names, used for "updated" when `reviewed` is absent.
_UPDATED_KEYS = ("updated", "date", "ms.date", "last_modified")
# What YAML is reading when the front matter ends with it still open.
_UNCLOSED = {"while scanning a quoted scalar": "quote", "while parsing a flow sequence": "'['",
             "while parsing a flow mapping": "'{'"}
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
DEFAULT_CATEGORY = "general"
PLACEHOLDER = "TODO:"  # how `kbgen new` starts a description nobody has written yet


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, located as precisely as we can."""

    path: str
    line: int
    message: str
    fallback: str | None = None
    """What a normal build does instead of leaving the article out (None: it is left out)."""

    @property
    def fatal(self) -> bool:
        """Whether the article cannot be built at all."""
        return self.fallback is None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class Article:
    """A help article as the rest of kbgen sees it, whatever the Markdown looked like."""

    id: str
    src_path: str
    title: str
    description: str
    type: str = "article"
    category: str = DEFAULT_CATEGORY
    tags: list[str] = field(default_factory=list)
    owner: str | None = None
    reviewed: dt.date | None = None
    updated: dt.date | None = None
    related: list[str] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    draft: bool = False
    feedback: bool = True
    search_exclude: bool = False  # front matter `search: {exclude: true}`, as Material reads it
    search_boost: float = 1.0  # `search: {boost: 2}`: its search score is multiplied by this
    revision: str = ""
    url: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    id_line: int = 1  # the line of `id:` in the file (1 when the id is the file's path)

    @property
    def type_label(self) -> str:
        """The reader-facing name of the article's type."""
        return TYPE_LABELS[self.type]


@dataclass
class ParsedFile:
    """The outcome of reading one Markdown file: an article (if usable) and any problems."""

    article: Article | None
    problems: list[Problem]


def split_front_matter(text: str) -> tuple[str | None, str]:
    """Return the raw YAML block (or None) and the Markdown body after it."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return None, text
    return match.group(1) or "", text[match.end() :]


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y", "%Y/%m/%d"):
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
    return None


def _as_list(value: Any) -> list[str] | None:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return [str(v).strip() for v in value if str(v).strip()]
    return None


def default_id(src_path: str) -> str:
    """An article's id when front matter gives none: its path without `.md`."""
    path = PurePosixPath(src_path)
    return str(path.with_suffix("")) if path.name != "index.md" else str(path.parent)


def default_category(src_path: str) -> str:
    """The first folder under docs/, or `general` for files at the top."""
    parts = PurePosixPath(src_path).parts
    return parts[0] if len(parts) > 1 else DEFAULT_CATEGORY


def is_snippet(src_path: str) -> bool:
    """Include snippets and partials are not articles: `includes/` folders and `_name.md` files."""
    parts = src_path.split("/")
    return "includes" in parts[:-1] or parts[-1].startswith("_")


def is_landing_source(src_path: str) -> bool:
    """The home page (`index.md`) or a category's own landing page (`billing/index.md`)."""
    return src_path == "index.md" or (src_path.endswith("/index.md") and src_path.count("/") == 1)


def is_toc(src_path: str) -> bool:
    """A DocFX table of contents (`TOC.md`): kbgen navigates by category instead."""
    return PurePosixPath(src_path).name.lower() == "toc.md"


_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
_CODE = re.compile(r"`([^`]+)`")
_LINK = re.compile(r"(?<!INCLUDE)(?<!!)(?<!INCLUDE )\[(?!!)([^\]]+)\]\([^)\s]*\)")


def plain_text(text: str) -> str:
    """A front matter sentence as readers should see it: one line, without the Markdown marks
    writers slip into it (`**bold**`, `*emphasis*`, `` `code` ``, `[links](url)`), which the
    description shows as text wherever it appears: results, landing pages, meta tags."""
    text = _CODE.sub(r"\1", " ".join(text.split()))
    text = _LINK.sub(r"\1", text)
    return _EMPHASIS.sub(r"\1", _STRONG.sub(r"\2", text))


def misnamed(src_path: str, shown_as: str) -> Problem | None:
    """The problem with an article file whose extension is Markdown's but for its case
    (`Guide.MD`): MkDocs reads only lower-case extensions as Markdown, so it would copy the file
    into the site as it is. None for any other file, and for snippets, which are read by path."""
    if is_markdown_file(src_path) or not is_markdown_file(src_path.lower()) \
            or is_snippet(src_path) or is_toc(src_path):
        return None
    path = PurePosixPath(src_path)
    return Problem(shown_as, 1, f"the extension '{path.suffix}' is not lower case, so the file "
                   "is not built as an article (MkDocs reads only lower-case extensions as "
                   f"Markdown); rename it to '{path.with_suffix(path.suffix.lower()).name}'")


def read_source(path: Path, shown_as: str) -> bytes | Problem:
    """An article file's bytes, or the problem that it cannot be read (a link to a file that is
    gone, a folder named like an article, no permission)."""
    try:
        return path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return Problem(shown_as, 1, f"cannot read the file ({reason}); fix or remove it")


def parse_article(src_path: str, data: bytes, shown_as: str | None = None) -> ParsedFile:
    """Read one file's bytes into an Article, collecting every problem with file and line.

    `src_path` is relative to docs/; problems name the file as `shown_as` (default: src_path).
    """
    problems: list[Problem] = []

    def problem(line: int, message: str, fallback: str | None = None) -> None:
        problems.append(Problem(shown_as or src_path, line, message, fallback))

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problem(line, f"the file is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start});"
                " save it as UTF-8 and build again")
        return ParsedFile(None, problems)
    if not text.strip():
        problem(1, "the file is empty; add front matter with a title and a description, "
                "or delete the file")
        return ParsedFile(None, problems)

    raw, _body = split_front_matter(text)
    if raw is None:
        problem(1, "no front matter; start the file with a '---' block that sets title and "
                "description")
        return ParsedFile(None, problems)
    try:
        meta = yaml.load(raw, Loader=Loader) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        opened = _UNCLOSED.get(getattr(exc, "context", None) or "")
        at_end = mark is not None and mark.index >= len(raw.rstrip())
        if opened and at_end and getattr(exc, "context_mark", None) is not None:
            # YAML notices a quote or bracket left open where the front matter ends: name the
            # line that opened it.
            mark = exc.context_mark  # type: ignore[attr-defined]
            reason = f"a {opened} opened on this line is never closed"
        line = mark.line + 2 if mark is not None else 2
        problem(line, f"front matter is not valid YAML ({reason}); check quoting and indentation")
        return ParsedFile(None, problems)
    except (ValueError, TypeError, OverflowError) as exc:  # a date that does not exist, `!!int x`
        line, key, text = unreadable_value(raw)
        problem(line, f"{key}: {text!r} is not a value YAML can read ({exc}); write a real date "
                "as YYYY-MM-DD, or put the value in quotes to keep it as text")
        return ParsedFile(None, problems)
    if not isinstance(meta, dict):
        problem(2, "front matter must be a mapping of keys to values (key: value)")
        return ParsedFile(None, problems)

    lines = key_lines(raw)

    def at(key: str) -> int:
        return lines.get(key, 1)

    title = _text(meta, "title", "a line such as 'title: Get a refund'", at, problem)
    description = _text(meta, "description", "one sentence that says what the article answers",
                        at, problem)
    if description is not None and description.lstrip().startswith(PLACEHOLDER):
        problem(at("description"), "description: still the placeholder 'kbgen new' wrote; "
                "replace it with one sentence that says what the article answers",
                fallback="publishing it as written")

    kind = meta.get("type", "article")
    if kind not in ARTICLE_TYPES:
        problem(at("type"), f"type: {kind!r} is not one of {', '.join(ARTICLE_TYPES)}",
                fallback="building it as 'article'")
        kind = "article"

    lists: dict[str, list[str]] = {}
    for key in ("tags", "related"):
        value = _as_list(meta.get(key))
        if value is None:
            problem(at(key), f"{key}: must be a list of strings",
                    fallback=f"ignoring {key}")
            value = []
        lists[key] = value
    lists["queries"] = _queries(meta.get("queries"), lambda: entries(raw, "queries"),
                                at("queries"), problem)

    search_exclude, search_boost = _search_settings(
        meta.get("search"), lambda key: nested_line(raw, at("search"), key), problem)

    reviewed = None
    if meta.get("reviewed") is not None:
        reviewed = _as_date(meta["reviewed"])
        if reviewed is None:
            problem(at("reviewed"), f"reviewed: {meta['reviewed']!r} is not a date; write it "
                    "as YYYY-MM-DD", fallback="ignoring reviewed")
    updated = next((d for d in (_as_date(meta.get(k)) for k in _UPDATED_KEYS) if d), None)

    article_id = meta.get("id", default_id(src_path))
    if not isinstance(article_id, (str, int)) or not str(article_id).strip():
        problem(at("id"), "id: must be a non-empty string", fallback="using the file's path")
        article_id = default_id(src_path)
    category = meta.get("category", default_category(src_path))
    if not isinstance(category, str) or not category.strip():
        problem(at("category"), "category: must be a folder-like name",
                fallback="using the first folder")
        category = default_category(src_path)

    if title is None or description is None:
        return ParsedFile(None, problems)
    keywords = _as_list(meta.get("keywords", meta.get("ms.search.keywords"))) or []
    article = Article(
        id=str(article_id).strip().strip("/"),
        src_path=src_path,
        title=title.strip(),
        description=plain_text(description),
        type=kind,
        category=category.strip().strip("/"),
        tags=lists["tags"],
        owner=str(meta["owner"]) if meta.get("owner") else None,
        reviewed=reviewed,
        updated=updated,
        related=lists["related"],
        queries=lists["queries"],
        keywords=keywords,
        draft=_switch(meta.get("draft"), "draft", False, at("draft"), problem),
        feedback=_switch(meta.get("feedback"), "feedback", True, at("feedback"), problem),
        search_exclude=search_exclude,
        search_boost=search_boost,
        revision=hashlib.sha256(data).hexdigest()[:16],
        meta=meta,
        id_line=at("id"),
    )
    return ParsedFile(article, problems)


def drop_duplicate_ids(articles: list[Article],
                       shown_root: str = "") -> tuple[list[Article], list[Problem]]:
    """The articles without those whose id another already has, and a problem for each left out.

    Of articles sharing an id, the one whose path sorts first is kept, so that `kbgen check` and
    the build, which meet the files in different orders, name the same file.
    """
    ordered = sorted(articles, key=lambda a: a.src_path)
    owners: dict[str, Article] = {}
    for article in ordered:
        owners.setdefault(article.id, article)
    problems = [
        Problem(shown_root + article.src_path, article.id_line,
                f"id: {article.id!r} is already used by {shown_root + owners[article.id].src_path}"
                "; give this article its own id")
        for article in ordered if owners[article.id] is not article
    ]
    return [a for a in articles if owners[a.id] is a], problems


def _text(meta: dict[Any, Any], key: str, example: str, at: Callable[[str], int],
          problem: Callable[..., None]) -> str | None:
    """A required text field (`title`, `description`); a number is text too ("1099"). None,
    with the problem said, when it is missing, empty or something else."""
    value = meta.get(key)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and value.strip():
        return value
    if key in meta:
        found = "empty" if value is None or value == "" else f"{value!r}, not text"
        problem(at(key), f"{key}: {found}; write {example}")
    else:
        other = next((k for k in meta if isinstance(k, str) and k.lower() == key), None)
        hint = f" (keys are lower case: found '{other}')" if other else ""
        problem(1, f"{key}: required{hint}; add {example}")
    return None


def _queries(value: Any, written: Callable[[], list[tuple[int, str | None]]], line: int,
             problem: Callable[..., None]) -> list[str]:
    """`queries`: the searches that must find the article, each written as text (or all on one
    line, between commas). An entry YAML reads as something else (`42`, `yes`, `how to: pay`, a
    list) is said with its line and left out: what the writer meant cannot be told from it.
    `written()`: each entry's line, and its text as written when it is a plain value."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, list):
        problem(line, f"queries: {value!r} is not a list of searches; write each on a line of "
                "its own, as '- how do I get a refund'", fallback="ignoring queries")
        return []
    queries = []
    where: list[tuple[int, str | None]] | None = None  # read once, when an entry needs it
    for index, entry in enumerate(value):
        if isinstance(entry, str):
            if entry.strip():
                queries.append(entry.strip())
            continue
        where = written() if where is None else where
        at, text = where[index] if index < len(where) else (line, None)
        problem(at, f"queries: {_not_a_search(entry, text)}", fallback="leaving the entry out")
    return queries


def _not_a_search(entry: Any, text: str | None) -> str:
    """Why a `queries` entry (`text` as written, when a plain value) is not read as the text of
    a search, and what to write instead."""
    shown = repr(text) if text else repr(entry)
    if entry is None:
        found = f"{shown} is read as no value" if text else "an empty entry"
        return f"{found}; write the search after the '-', or remove the line"
    if isinstance(entry, dict):
        return (f"{shown} is read as a mapping, not the text of a search (YAML reads a colon "
                "followed by a space as 'key: value'); put the search in quotes")
    if isinstance(entry, list):
        return (f"{shown} is a list inside the list, not the text of a search; write each "
                "search on a line of its own, as '- how do I get a refund'")
    kind = ("true or false" if isinstance(entry, bool) else "a number"
            if isinstance(entry, (int, float)) else "a date" if isinstance(entry, dt.date)
            else f"a {type(entry).__name__}")
    return (f"{shown} is read as {kind}, not the text of a search; put it in quotes to "
            "search for it")


_FALSE_WORDS = frozenset({"false", "no", "off", "0"})


def _switch(value: Any, key: str, default: bool, line: int, problem: Callable[..., None]) -> bool:
    """A true-or-false field (`draft`, `feedback`): `default` when absent. Written otherwise (in
    quotes, `draft: "false"`), a word that says true or false is read as meant, anything else as
    true (a draft stays out, the widget shows); either way with a warning, so a strict build
    stops on it."""
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    meant = word not in _FALSE_WORDS
    problem(line, f"{key}: {value!r} is not true or false; write {key}: {str(meant).lower()} "
            "without quotes", fallback=f"reading it as {str(meant).lower()}")
    return meant


def _search_settings(value: Any, line_of: Callable[[str], int],
                     problem: Callable[..., None]) -> tuple[bool, float]:
    """`search: {exclude: true}` and `search: {boost: 2}` (Material's own front matter for its
    search, so pages written for it keep their meaning): whether the article is left out of
    search, and what its score is multiplied by. `line_of(key)` is the line of `search.key`."""
    exclude, boost = False, 1.0
    if value is None:
        return exclude, boost
    if not isinstance(value, dict):
        problem(line_of(""), "search: must be settings such as 'search: {boost: 2}' or "
                "'search: {exclude: true}'", fallback="ignoring search")
        return exclude, boost
    for key, setting in value.items():
        if key == "exclude":
            if isinstance(setting, bool):
                exclude = setting
            else:
                problem(line_of(key), f"search.exclude: {setting!r} is not true or false",
                        fallback="keeping the article in search")
        elif key == "boost":
            number = isinstance(setting, (int, float)) and not isinstance(setting, bool)
            if number and math.isfinite(setting) and setting > 0:
                boost = float(setting)
            else:
                problem(line_of(key), f"search.boost: {setting!r} is not a number above 0 (2 "
                        "ranks the article higher, 0.5 lower; 'exclude: true' leaves it out of "
                        "search)", fallback="ranking it as any other")
        else:
            problem(line_of(str(key)), f"search.{key}: not a search setting; kbgen knows "
                    "search.exclude and search.boost", fallback=f"ignoring search.{key}")
    return exclude, boost
