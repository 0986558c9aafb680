"""`kbgen check`: front matter and internal links, without building the site."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from kbgen.articles import Problem, is_landing_source, is_snippet, is_toc, parse_article
from kbgen.site.directives import CODE_SPAN, INCLUDE, Verbatim

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
            if "://" not in target and _resolved(src_path, target) not in existing:
                problems.append(Problem(shown_root + src_path, number,
                                        f"link to '{target}': no such article; fix the path"))
    return problems


def _resolved(src_path: str, target: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(src_path), target))


def check_docs(docs_dir: Path, shown_root: str = "") -> tuple[list[Problem], int]:
    """Every problem in the articles under `docs_dir`, and how many articles were checked."""
    sources = sorted(p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*.md"))
    existing = set(sources)
    problems: list[Problem] = []
    count = 0
    for src in sources:
        if is_snippet(src) or is_toc(src):
            continue
        data = (docs_dir / src).read_bytes()
        if not is_landing_source(src):
            count += 1
            problems.extend(parse_article(src, data, shown_as=shown_root + src).problems)
        try:
            problems.extend(_broken_links(src, data.decode("utf-8-sig"), existing, shown_root))
        except UnicodeDecodeError:
            continue
    return problems, count
