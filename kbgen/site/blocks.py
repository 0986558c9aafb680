"""The blocks of a page that span lines and that Python-Markdown does not read as DocFX and
GitHub writers mean them: alerts and DocFX `[!div]` quotes, code and comments (which every pass
leaves as written), and DocFX `:::row:::`/`:::column:::` layouts. `kbgen.site.directives` turns
them into Markdown and HTML that Material shows.
"""

from __future__ import annotations

import re
import textwrap

from kbgen.site.lists import four_space_lists

ALERTS = {
    "note": ("note", None),
    "tip": ("tip", None),
    "important": ("info", "Important"),
    "warning": ("warning", None),
    "caution": ("danger", "Caution"),
}
# `> [!NOTE]`; also as some writers slip: `>![!NOTE]`, and `[!NOTE]` on the line above the quote.
_ALERT_START = re.compile(
    r"^(?P<indent>[ \t]*)(?P<quote>>?)[ \t]*!?\[!(?P<kind>[A-Za-z]+)\](?!\()[ \t]*(?P<rest>.*)$")
_DIV_START = re.compile(r"^(?P<indent>[ \t]*)>[ \t]*\[!div\b[^\]\n]*\][ \t]*$", re.I)
_QUOTE_LINE = re.compile(r"^(?P<indent>[ \t]*)>[ \t]?(?P<text>.*)$")
FENCE = re.compile(r"^[ \t]*(```|~~~)")
LAYOUT = re.compile(
    r"^[ \t]*:::(?P<kind>row-end|row|column-end|column)\b(?P<attributes>(?:(?!:::).)*):::[ \t]*$",
    re.I)
_SPAN = re.compile(r"""\bspan\s*=\s*["']?(?P<span>[1-9])\b""", re.I)
_LIST_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])[ \t]")


def alert_block(lines: list[str], start: int) -> tuple[list[str], int] | None:
    """Turn a `> [!NOTE]` blockquote starting at `start` into an admonition."""
    match = _ALERT_START.match(lines[start])
    if not match or match.group("kind").lower() not in ALERTS:
        return None
    indent = match.group("indent")
    if not match.group("quote"):  # `[!NOTE]` alone, right above a quote at the same indent
        below = _QUOTE_LINE.match(lines[start + 1]) if start + 1 < len(lines) else None
        if match.group("rest").strip() or not below or below.group("indent") != indent:
            return None
    kind, title = ALERTS[match.group("kind").lower()]
    quoted, end = _quoted(lines, start + 1, indent)
    body = ([match.group("rest")] if match.group("rest").strip() else []) + quoted
    # One to three spaces in is not inside a list (`kbgen.site.lists` moved those to four), and
    # an admonition must start at the margin; five to seven in is the item's content a space or
    # so further (`10. ` takes four), where Python-Markdown would not see an admonition at all.
    indent = " " * (len(indent.expandtabs(4)) // 4 * 4)
    head = f'{indent}!!! {kind}' + (f' "{title}"' if title else "")
    body = four_space_lists("\n".join(body)).split("\n")
    out = ["", head, ""] + [f"{indent}    {text}" if text.strip() else "" for text in body] + [""]
    return out, end


def div_block(lines: list[str], start: int) -> tuple[list[str], int] | None:
    """A DocFX `> [!div class="..."]` quote at `start`: its content, out of the quote (DocFX
    makes the quote a `<div>` with the class, styling of its own site that kbgen leaves out)."""
    match = _DIV_START.match(lines[start])
    if not match:
        return None
    indent = match.group("indent")
    body, end = _quoted(lines, start + 1, indent)
    return ["", *(f"{indent}{text}" if text.strip() else "" for text in body), ""], end


def _quoted(lines: list[str], start: int, indent: str) -> tuple[list[str], int]:
    """The text of the `>` lines at `indent` from `start` on, up to the first line that is not
    one or that starts an alert; and the index of that line."""
    body = []
    end = start
    while end < len(lines):
        quoted = _QUOTE_LINE.match(lines[end])
        if not quoted or quoted.group("indent") != indent or _ALERT_START.match(lines[end]):
            break
        body.append(quoted.group("text"))
        end += 1
    return body, end



class Verbatim:
    """Code (fenced) and HTML comments, which every pass leaves as written: code shows syntax as
    it is, and a comment is nobody's content."""

    def __init__(self) -> None:
        self.fence: str | None = None
        self.comment = False
        self.opened = False  # the last line held opened a fence

    def holds(self, line: str) -> bool:
        """Whether `line` is code, a fence or a comment (given the lines before it)."""
        if self.comment:  # a fence in a comment is more of the comment
            self.comment = "-->" not in line
            self.opened = False
            return True
        in_code = self.fence
        self.fence = _fence_after(line, self.fence)
        self.opened = bool(self.fence and not in_code)
        if in_code or self.fence:
            return True
        if line.lstrip().startswith("<!--"):
            self.comment = "-->" not in line[line.find("<!--") + 4:]
            return True
        return False


def without_long_comments(markdown: str) -> str:
    """`markdown` without the HTML comments that span lines. CommonMark ends such a comment only
    at its `-->`, across blank lines and inside list items; Python-Markdown shows one indented
    under a step, or holding a blank line, as text, "<!--" and all. A comment is nobody's content,
    so it is left out, for a blank line that ends the block before it as the comment did (text
    after its `-->` stays); a one-line comment stays as written."""
    out: list[str] = []
    comment: list[str] = []
    verbatim = Verbatim()
    for line in markdown.split("\n"):
        code = verbatim.fence
        if not verbatim.holds(line) or code or verbatim.fence:
            out.append(line)
            continue
        comment.append(line)
        if verbatim.comment:
            continue  # not closed yet
        if len(comment) == 1:
            out.append(line)
        else:  # a blank line in its place: the comment ended the block before it
            out.append("")
            after = line[line.find("-->") + 3:]
            if after.strip():
                out.append(comment[0][:len(comment[0]) - len(comment[0].lstrip())] + after.strip())
        comment = []
    return "\n".join(out + comment)  # a comment never closed stays as written



def _fence_after(line: str, fence: str | None) -> str | None:
    """The code fence open after `line` (its marker), given the one open before it."""
    match = FENCE.match(line)
    if not match:
        return fence
    return None if fence == match.group(1) else (fence or match.group(1))


def layout_ends(lines: list[str], start: int) -> int | None:
    """The index of the `:::row-end:::` closing the row at `start`, if the row holds only
    columns, each closed, and no code fence cuts through it; else None."""
    column = False
    fence: str | None = None
    for index in range(start + 1, len(lines)):
        fence = _fence_after(lines[index], fence)
        if fence:
            continue
        match = LAYOUT.match(lines[index])
        kind = match.group("kind").lower() if match else None
        if kind is None:
            if not column and lines[index].strip():
                return None  # text between columns: no layout DocFX would render either
        elif kind == "row-end":
            return None if column else index
        elif kind == "row" or (kind == "column") == column:
            return None  # a row in a row, a column in a column, or an end without a start
        else:
            column = kind == "column"
    return None


def column_body(body: list[str]) -> list[str]:
    """A column's Markdown, moved to the left margin. DocFX writers indent a column's content to
    show its nesting; as written, four spaces would make it a code block. Each paragraph is
    dedented by its first line's indent, until a list starts: after it, indentation may be the
    list's own continuation and is kept."""
    out: list[str] = []
    cut, fence, list_seen, block_start = 0, None, False, True
    for line in textwrap.dedent("\n".join(body)).split("\n"):
        if not line.strip() and not fence:
            out.append("")
            block_start = True
            continue
        indent = len(line) - len(line.lstrip())
        if block_start:
            cut = 0 if list_seen else indent
            block_start = False
        line = line[cut:] if not line[:cut].strip() else line.lstrip()
        in_code = fence
        fence = _fence_after(line, fence)
        if not in_code and not fence and _LIST_ITEM.match(line):
            list_seen = True
        out.append(line)
    return out


def layout_html(line: str) -> list[str]:
    """The HTML that a layout line (`:::column span="2":::`, ...) opens or closes."""
    match = LAYOUT.match(line)
    assert match is not None
    kind = match.group("kind").lower()
    if kind.endswith("-end"):
        return ["", "</div>", ""]
    if kind == "row":
        return ["", '<div class="kb-row" markdown="1">', ""]
    span = _SPAN.search(match.group("attributes"))
    grow = f' style="flex-grow: {span.group("span")}"' if span else ""
    return ["", f'<div class="kb-column" markdown="1"{grow}>', ""]
