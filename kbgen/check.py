"""`kbgen check`: front matter and internal links, without building the site; and, with
`--queries`, that each article's `queries` find it in the last build's search index."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote

from mkdocs.utils import is_markdown_file

from kbgen.articles import (
    Article,
    Problem,
    drop_duplicate_ids,
    is_landing_source,
    is_snippet,
    is_toc,
    misnamed,
    parse_article,
    read_source,
)
from kbgen.site.blocks import Verbatim
from kbgen.site.directives import CODE_SPAN, INCLUDE

_LINK = re.compile(r"\]\((?P<target>[^)\s#?]+\.md)(?:#[^)\s]*)?(?:\s+\"[^\"]*\")?\)")


def _broken_links(src_path: str, text: str, existing: set[str], shown_root: str) -> list[Problem]:
    problems = []
    verbatim = Verbatim()  # code and comments, which the build leaves as written
    for number, line in enumerate(text.splitlines(), start=1):
        if verbatim.holds(line):
            continue
        line = CODE_SPAN.sub("", line)  # code shows the syntax; the build leaves it as written
        for match in INCLUDE.finditer(line):
            target = match.group("path")
            if _resolved(src_path, target) not in existing:
                problems.append(Problem(shown_root + src_path, number,
                                        f"[!INCLUDE] of '{target}': no such file; fix the path "
                                        "or add the file"))
        for match in _LINK.finditer(INCLUDE.sub("", line)):
            target = match.group("target")
            # Decoded as MkDocs does: `my%20article.md` is `my article.md`.
            if "://" not in target and _resolved(src_path, unquote(target)) not in existing:
                problems.append(Problem(shown_root + src_path, number,
                                        f"link to '{target}': no such article; fix the path"))
    return problems


def _resolved(src_path: str, target: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(src_path), target))


class Checked(NamedTuple):
    """An article file as `check_docs` read it."""

    src: str
    text: str  # its text (undecodable bytes replaced)
    article: Article | None  # None when its problems leave it out


def check_docs(docs_dir: Path, shown_root: str = "") -> tuple[list[Problem], list[Checked]]:
    """Every problem in the articles under `docs_dir`, and the articles checked."""
    files = sorted(p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*")
                   if not p.is_dir())
    sources = [src for src in files if is_markdown_file(src)]  # as MkDocs builds: .markdown too
    existing = set(sources)
    problems = [wrong for src in files if (wrong := misnamed(src, shown_root + src))]
    checked = []
    for src in sources:
        if is_snippet(src) or is_toc(src):
            continue
        data = read_source(docs_dir / src, shown_root + src)
        if isinstance(data, Problem):
            problems.append(data)
            continue
        if not is_landing_source(src):
            parsed = parse_article(src, data, shown_as=shown_root + src)
            problems.extend(parsed.problems)
            checked.append(Checked(src, data.decode("utf-8-sig", errors="replace"),
                                   parsed.article))
        try:
            problems.extend(_broken_links(src, data.decode("utf-8-sig"), existing, shown_root))
        except UnicodeDecodeError:
            continue
    # As the build does: of articles sharing an id, all but one are left out (drafts are not built).
    published = [c.article for c in checked if c.article is not None and not c.article.draft]
    problems.extend(drop_duplicate_ids(published, shown_root)[1])
    return problems, checked


QUERY_RANK = 3  # an article's own `queries` must find it among this many first results


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _query_line(text: str, query: str) -> int:
    """The line of `query` in the front matter of `text` (its `queries:` line, or 1, if not
    found as written)."""
    lines = text.splitlines()
    key = next((i for i, line in enumerate(lines) if line.startswith("queries")), None)
    for number, line in enumerate(lines[key or 0:], start=(key or 0) + 1):
        if line.strip() in ("---", "..."):
            if number > 1:
                break
        elif query in line:
            return number
    return (key + 1) if key is not None else 1


def check_queries(checked: list[Checked], searcher: Any,
                  shown_root: str = "") -> tuple[list[Problem], int]:
    """The `checked` articles' `queries` searched as a reader would: a problem for each that does
    not find its article among the first QUERY_RANK results. Returns them and how many queries
    were searched."""
    problems: list[Problem] = []
    searched = 0
    for src, text, article in checked:
        if article is None or article.draft or article.search_exclude or not article.queries:
            continue
        for query in article.queries:
            searched += 1
            results = searcher.search(query, limit=100)["results"]
            ids = [r["id"] for r in results]
            rank = ids.index(article.id) + 1 if article.id in ids else None
            if rank is not None and rank <= QUERY_RANK:
                continue
            found = (f"finds this article {_ordinal(rank)}" if rank is not None
                     else "does not find this article")
            first = f"; first is '{results[0]['title']}' ({results[0]['url']})" if results else ""
            problems.append(Problem(
                shown_root + src, _query_line(text, query),
                f"queries: {query!r} {found} (it must be among the first {QUERY_RANK}){first}. "
                "Use the reader's words in the title or a heading, or add a synonym; if the "
                "article was just written, build first"))
    return problems, searched
