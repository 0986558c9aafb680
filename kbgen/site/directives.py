"""Markdown that Python-Markdown does not know: GitHub alerts, DocFX includes, and the rest.

`[!INCLUDE[...](file.md)]` is replaced by the file's text first, when it exists, so the other
passes (lists as CommonMark reads them, `kbgen.site.lists`, then the rest) see the page whole.
Alerts become Material admonitions; DocFX `:::image` directives become Markdown images (see
`kbgen.site.images`); DocFX `:::row:::`/`:::column:::` layouts become side-by-side columns (HTML
blocks whose content is Markdown, through `md_in_html`); `[!VIDEO https://...]` becomes a link to
the video (no player from another site is embedded); any other directive (`:::zone`, a layout
that is not closed) is left out and tallied, so the build can warn once per kind with a count
instead of once per file.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import textwrap
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kbgen.articles import split_front_matter
from kbgen.site.blocks import (
    ALERTS,
    FENCE,
    LAYOUT,
    Verbatim,
    alert_block,
    column_body,
    div_block,
    layout_ends,
    layout_html,
    without_long_comments,
)
from kbgen.site.images import described_image, image_attributes, image_markdown
from kbgen.site.lists import four_space_lists, text_column
from kbgen.words import counted

INCLUDE = re.compile(r"\[!INCLUDE\s*\[[^\]]*\]\((?P<path>[^)\s]+)\)\]", re.I)
_ANY_INCLUDE = re.compile(r"\[!INCLUDE\b", re.I)
_MALFORMED_INCLUDE = "[!INCLUDE] (not written [!INCLUDE[name](file.md)], so shown as text)"
# Not the text of an image or link that starts with "!" (`![!Share icon](share.png)`).
_BANG_DIRECTIVE = re.compile(r"\[!(?P<kind>[A-Za-z]+)(?:[ \t](?P<argument>[^\]\n]*))?\](?!\()")
# `> [!VIDEO https://...]` alone on its line (DocFX embeds a player): a link to the video.
_VIDEO_LINE = re.compile(
    r"^(?P<indent>[ \t]*)>?[ \t]*\[!VIDEO[ \t]+(?P<url>[^\]\s]+)[ \t]*\][ \t]*$", re.I)
_VIDEO_URL = re.compile(r"https?://[^\s()<>\"'\\]+")
_VIDEO_LINK = "Watch the video"
_COLON_DIRECTIVE = re.compile(r"^[ \t]*:::(?P<kind>[a-z][a-z-]*)\b.*$", re.I)
_COLON_INLINE = re.compile(r":::(?P<kind>[a-z][a-z-]*)\b[^\n]*?:::+", re.I)  # `::::::` slips too
_COMPLEX_IMAGE = re.compile(r"^(?P<indent>[ \t]*):::image\b(?P<attributes>(?:(?!:::).)*):::[ \t]*$",
                            re.I)
_IMAGE_END = re.compile(r"^[ \t]*:::image-end:::[ \t]*$", re.I)
CODE_SPAN = re.compile(r"(`+[^`]*`+)")
# A fence's info string of several plain words ("```Prompt example"): CommonMark takes the first
# for the language and ignores the rest; SuperFences does not see a fence there at all.
_INFO_WORDS = re.compile(r"^(?P<opening>[ \t]*(?:`{3,}|~{3,})[ \t]*[\w+#.-]+)[ \t]+[\w ]+$")
_LEAD = re.compile(r"[ \t]*(?:>[ \t]?)*")
_MAX_INCLUDE_DEPTH = 4  # includes within includes, as deep as this
_TOO_DEEP = f"[!INCLUDE] (nested more than {_MAX_INCLUDE_DEPTH} deep, so left out)"
# Image directives kbgen renders, except when they are incomplete: say what is missing.
_COLON_LABELS = {
    "image": ":::image (without a source)",
    "image-end": ':::image-end (without :::image type="complex" on a line of its own before it)',
}
_UNCLOSED_IMAGE = ":::image (not closed by ::: on the same line)"

ReadFile = Callable[[str], "str | None"]
Trace = dict[str, Any]  # {"reads": {path: digest}, "tallied": [[kind, src_path], ...]}

# Changes with the code that rewrites a page (this module, its blocks, the list pass, the images,
# and the front matter an include drops): a rewrite kept by an earlier build (`rewrite_traced`) is
# found under a key that holds it.
REWRITER = hashlib.sha256(b"".join(
    (Path(__file__).parent / name).read_bytes()
    for name in ("directives.py", "blocks.py", "lists.py", "images.py", "../articles.py")
)).hexdigest()[:12]



@dataclass
class KindTally:
    """Things the build met, counted by kind across all files, to warn once per kind."""

    occurrences: Counter[str] = field(default_factory=Counter)
    files: dict[str, set[str]] = field(default_factory=dict)

    def add(self, kind: str, src_path: str) -> None:
        """Count one unrendered directive of `kind` in `src_path`."""
        self.occurrences[kind] += 1
        self.files.setdefault(kind, set()).add(src_path)

    def summary(self) -> list[str]:
        """One line per kind, most frequent first."""
        lines = []
        for kind, count in self.occurrences.most_common():
            files = sorted(self.files[kind])
            example = files[0] + (f" and {len(files) - 1} more" if len(files) > 1 else "")
            lines.append(f"{kind}: {count} in {counted(len(files), 'file')} (first in {example})")
        return lines


def _video_link(url: str) -> str | None:
    """A Markdown link to a video's player, or None when `url` is not a plain web address."""
    return f"[{_VIDEO_LINK}]({url})" if _VIDEO_URL.fullmatch(url) else None


def _outside_code_spans(line: str, change: Callable[[str], str]) -> str:
    """`line` with `change` applied to its text but not to its code spans, which show syntax
    as it is written."""
    if "`" not in line:
        return change(line)
    parts = CODE_SPAN.split(line)
    return "".join(part if i % 2 else change(part) for i, part in enumerate(parts))


def _continuation(line: str) -> str:
    """What starts a line that goes on in `line`'s block: its indent and quote marks, and under a
    list item's marker, the spaces to its text (`kbgen.site.lists` moves those to four)."""
    lead = _LEAD.match(line).group(0)  # type: ignore[union-attr]
    column = text_column(line[len(lead):])
    return lead + " " * column if column else lead


class DirectiveRewriter:
    """Rewrites one page's Markdown; shares an include cache and a tally across pages."""

    def __init__(self, read_file: ReadFile, tally: KindTally) -> None:
        self._read_file = read_file
        self._tally = tally
        self._cache: dict[str, str | None] = {}
        self._offsets: dict[str, int] = {}  # lines of each file in `_cache` before its text
        self._digests: dict[str, str | None] = {}  # of the texts in `_cache` (`_digest`)
        self._trace: Trace | None = None

    def _include_text(self, path: str) -> str | None:
        if self._trace is not None:
            self._trace["reads"][path] = self._digest(path)
        return self._load(path)

    def _load(self, path: str) -> str | None:
        """An include's text without its front matter (None when there is no such file), read
        once a build."""
        if path not in self._cache:
            raw = self._read_file(path)
            text = None
            if raw is not None:
                body = split_front_matter(raw)[1]
                text = body.lstrip("\n")
                self._offsets[path] = raw[:len(raw) - len(text)].count("\n")
                text = text.rstrip("\n")
            self._cache[path] = text
        return self._cache[path]

    def _digest(self, path: str) -> str | None:
        """The digest of an include's text, as traces hold it, worked out once a build: many
        pages include the same file."""
        if path not in self._digests:
            text = self._load(path)
            # With the lines before it: a message names a line of the file (an include cycle).
            self._digests[path] = None if text is None else hashlib.sha256(
                f"{self._offsets[path]}\n{text}".encode()).hexdigest()[:16]
        return self._digests[path]

    def _line(self, path: str, index: int) -> int:
        """The line in the file `path` of line `index` (from 0) of its text as included."""
        self._include_text(path)  # a trace depends on it now: the line moves with front matter
        return self._offsets.get(path, 0) + index + 1

    def _count(self, kind: str, src_path: str) -> None:
        self._tally.add(kind, src_path)
        if self._trace is not None:
            self._trace["tallied"].append([kind, src_path])

    def rewrite_traced(self, markdown: str, src_path: str) -> dict[str, Any]:
        """`rewrite`, with what it depended on besides `markdown` and what it counted:
        `{"markdown": ..., "reads": {include: digest}, "tallied": [[kind, file], ...]}`, which
        `replay` takes back in a later build."""
        trace: Trace = {"reads": {}, "tallied": []}
        self._trace = trace
        try:
            rewritten = self.rewrite(markdown, src_path)
        finally:
            self._trace = None
        return {"markdown": rewritten, **trace}

    def replay(self, traced: dict[str, Any]) -> bool:
        """Whether a `rewrite_traced` of an earlier build still holds (every file it included
        reads the same now); if so, count again what it counted."""
        reads = traced.get("reads")
        if not isinstance(reads, dict) or not isinstance(traced.get("markdown"), str):
            return False
        if any(self._digest(path) != digest for path, digest in reads.items()):
            return False
        for kind, src_path in traced.get("tallied", []):
            self._tally.add(kind, src_path)
        return True

    def _included(self, line: str, number: int | None, chain: tuple[str, ...]) -> str:
        """`line` (line `number` from 0 of the text of `chain[-1]`, the file it is in; None when
        a description) with its includes replaced by their files' text; the lines after the
        first go on in the include's block (the list item or quote it stands in). `chain`: the
        page, then each file included on the way to this one."""
        src_path = chain[-1]

        def include(match: re.Match[str]) -> str:
            target = posixpath.normpath(
                posixpath.join(posixpath.dirname(src_path), match.group("path"))
            )
            if target in chain:  # it would include itself again, without end
                where = (f"{src_path}:{self._line(src_path, number)}" if number is not None
                         else f"{src_path} (its description)")
                loop = " -> ".join((*chain[chain.index(target):], target))
                self._count(f"{where}: include cycle: {loop} (the repeated include is left "
                            "out; remove the include that leads back)", chain[0])
                return ""
            too_deep = len(chain) > _MAX_INCLUDE_DEPTH
            text = None if too_deep else self._include_text(target)
            if text is None:
                self._count(_TOO_DEEP if too_deep else "[!INCLUDE] (file not found)", src_path)
                return ""
            lines = self._expand(text, (*chain, target)).strip("\n").split("\n")
            # An included file is a document of its own: code or a comment it leaves open ends
            # with it, instead of taking in the page after it.
            verbatim = Verbatim()
            for included in lines:
                verbatim.holds(included)
            lines += [verbatim.fence] if verbatim.fence else ["-->"] if verbatim.comment else []
            first, *rest = lines
            prefix = _continuation(line)
            blank = prefix.rstrip() if ">" in prefix else ""
            return "\n".join([first, *(prefix + x if x.strip() else blank for x in rest)])

        def expand(text: str) -> str:
            if len(_ANY_INCLUDE.findall(text)) > len(INCLUDE.findall(text)):
                self._count(_MALFORMED_INCLUDE, src_path)
            return INCLUDE.sub(include, text)

        return _outside_code_spans(line, expand)

    def _expand(self, markdown: str, chain: tuple[str, ...], lines: bool = True) -> str:
        """`markdown`, the text of the file `chain[-1]` (a description when not `lines`), with
        every include in place, as DocFX reads it, before any other pass."""
        if "[!" not in markdown:
            return markdown
        verbatim = Verbatim()
        return "\n".join(line if verbatim.holds(line) or "[!" not in line
                         else self._included(line, index if lines else None, chain)
                         for index, line in enumerate(markdown.split("\n")))

    def _inline(self, line: str, src_path: str) -> str:
        def drop_bang(match: re.Match[str]) -> str:
            kind = match.group("kind").upper()
            if kind == "VIDEO" and (link := _video_link((match.group("argument") or "").strip())):
                return link
            where = " (an alert outside a > quote)" if kind.lower() in ALERTS else ""
            where = " (without a web address)" if kind == "VIDEO" else where
            self._count(f"[!{kind}]{where}", src_path)
            return ""

        def colon(match: re.Match[str]) -> str:
            kind = match.group("kind").lower()
            image = image_markdown(image_attributes(match.group(0))) if kind == "image" else None
            if image is not None:
                return image
            self._count(_COLON_LABELS.get(kind, f":::{kind}"), src_path)
            return ""

        def rewrite_text(text: str) -> str:
            text = _COLON_INLINE.sub(colon, text)
            return _BANG_DIRECTIVE.sub(drop_bang, text) if "[!" in text else text

        return _outside_code_spans(line, rewrite_text)

    def _complex_image(self, lines: list[str], start: int,
                       src_path: str) -> tuple[list[str], int] | None:
        """A `type="complex"` image at `start` with its long description, up to `:::image-end:::`.

        Returns the Markdown lines and the index of the line after the end, or None when the
        line is no such image or its end is not found before a code fence.
        """
        match = _COMPLEX_IMAGE.match(lines[start])
        if not match:
            return None
        attributes = image_attributes(match.group("attributes"))
        if attributes.get("type", "").lower() != "complex":
            return None
        end = start + 1
        while end < len(lines) and not _IMAGE_END.match(lines[end]):
            if FENCE.match(lines[end]):
                return None
            end += 1
        if end == len(lines):
            return None
        image = image_markdown(attributes)
        if image is None:
            self._count(_COLON_LABELS["image"], src_path)
        description = textwrap.dedent("\n".join(lines[start + 1:end]))
        description = self._lines(description, src_path).strip("\n")
        return described_image(match.group("indent"), image or "",
                               description.split("\n")), end + 1

    def _layout(self, lines: list[str], src_path: str) -> list[str]:
        """A whole `:::row:::` ... `:::row-end:::`, checked by `layout_ends`, as HTML blocks."""
        out = layout_html(lines[0])
        body: list[str] = []
        for line in lines[1:]:
            if LAYOUT.match(line):
                if body:
                    markdown = "\n".join(column_body(body))
                    out.extend(self._lines(markdown, src_path).split("\n"))
                    body = []
                out.extend(layout_html(line))
            else:
                body.append(line)
        return out

    def inline_text(self, text: str, src_path: str) -> str:
        """A line of front matter (a description) with its includes in place, kept on one line."""
        return " ".join(self._expand(text, (src_path,), lines=False).split())

    def rewrite(self, markdown: str, src_path: str) -> str:
        """Return a page's `markdown` with includes in place, lists as CommonMark reads them
        (`kbgen.site.lists`), and alerts and foreign directives handled."""
        expanded = without_long_comments(self._expand(markdown, (src_path,)))
        return self._lines(four_space_lists(expanded), src_path)

    def _lines(self, markdown: str, src_path: str) -> str:
        lines = markdown.split("\n")
        out: list[str] = []
        verbatim = Verbatim()
        i = 0
        while i < len(lines):
            line = lines[i]
            if verbatim.holds(line):
                out.append(_INFO_WORDS.sub(r"\g<opening>", line) if verbatim.opened else line)
                i += 1
                continue
            if "[!" in line:
                block = alert_block(lines, i) or div_block(lines, i)
                if block:
                    converted, i = block
                    out.extend(self._inline(x, src_path) for x in converted)
                    continue
                video = _VIDEO_LINE.match(line)
                link = video and _video_link(video.group("url"))
                if video and link:  # the quote around it only framed the player
                    out.extend(["", video.group("indent") + link, ""])
                    i += 1
                    continue
            if ":::row" in line and LAYOUT.match(line):
                end = layout_ends(lines, i)
                if end is not None:
                    out.extend(self._layout(lines[i:end + 1], src_path))
                    i = end + 1
                    continue
                self._count(":::row (not a closed row of closed columns)", src_path)
                i += 1
                continue
            if ":::image" in line:
                image = self._complex_image(lines, i, src_path)
                if image:
                    converted, i = image
                    out.extend(converted)
                    continue
            colon = _COLON_DIRECTIVE.match(line)
            if colon and not _COLON_INLINE.search(line):
                kind = colon.group("kind").lower()
                self._count(_UNCLOSED_IMAGE if kind == "image" else f":::{kind}", src_path)
                i += 1
                continue
            if "[!" in line or ":::" in line:
                line = self._inline(line, src_path)
            out.append(line)
            i += 1
        return "\n".join(out)
