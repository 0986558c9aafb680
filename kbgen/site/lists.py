"""List indentation as GitHub and DocFX read it, rewritten the way Python-Markdown reads it.

CommonMark (GitHub, DocFX, most editors' previews) puts a list item's content at the column of the
text after its marker: three spaces under `1. `, two under `- `. Python-Markdown wants four. Read
as written, a step's second paragraph, note or screenshot indented three spaces ends the list (the
next step restarts at 1) and an alert in it shows as `!!! note` over a code block. This pass moves
lines indented less than four spaces inside a list item to four; lines already four or more in,
as Python-Markdown sites write them, keep their indentation relative to the item. Writers mean a
line indented past the marker to belong to the item, even short of the text's column (two spaces
under `1. `, as GitHub would not read it): it does here. Fenced code moves with its fence, and its
closing fence lines up under the opening one.

CommonMark also lets a list start right under a paragraph (`**Steps**` then `- Open the page`), and
a step follow its previous step's indented paragraph with no blank line between; Python-Markdown
reads both as more of the paragraph. This pass puts a blank line there, where CommonMark would start
the list or the item: always before a bullet or a `1.`, and before another number only when it is
indented less than the paragraph (a number at the paragraph's own indent, such as a year starting a
wrapped line, is prose to CommonMark too). Not where an item of the same list has come earlier in
the same block, which Python-Markdown already reads as a list (a blank line would only loosen it).

A bullet list and a numbered list one after the other are two lists to CommonMark; Python-Markdown
makes one list of them (the steps get bullets, or the bullets numbers). An empty HTML comment
between them keeps them apart. A tab after a list marker, which Python-Markdown does not take for a
list item, becomes a space.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ITEM = re.compile(r"^(?P<indent> *)(?P<marker>[-*+]|\d{1,9}[.)])(?P<gap> {1,4}|\t)(?=\S)")
_ANY_ITEM = re.compile(_ITEM.pattern, re.M)  # to pass over a page without lists at once
_FENCE = re.compile(r"^ *(?P<marker>`{3,}|~{3,})")
_STEP = 4  # Python-Markdown's indentation of a list item's content
LIST_BREAK = "<!-- -->"  # between two lists, which Python-Markdown would otherwise make one
_NOT_PROSE = ("#", ">", "<", "|", "!!!", "???", ":::", "[!")  # lines that start other blocks


@dataclass
class _Item:
    start: int  # the marker's column as written
    moved: int  # the marker's column after the move
    written: int  # the content's column as written (CommonMark)
    bullet: bool  # a `-`, `*` or `+` item, not a numbered one

    def column(self, indent: int) -> int:
        """Where a line of this item indented `indent` goes. Lines already four or more spaces
        in from the marker, as Python-Markdown wants them, keep their offset from it; lines at the
        CommonMark content column (or between the two) go to the marker's column plus four."""
        if indent >= self.start + _STEP:
            return self.moved + indent - self.start
        return self.moved + _STEP


_RULE = re.compile(r"^ *([-*_])(?: *\1){2,} *$")  # "- - -" is a thematic break, not an item


def text_column(line: str) -> int | None:
    """The column of a list item's text, as CommonMark reads it (three under `1. `, two under
    `- `), or None when `line` is no list item."""
    item = None if _RULE.match(line) else _ITEM.match(line)
    return len(item.group(0).expandtabs(4)) if item else None


def four_space_lists(markdown: str) -> str:
    """`markdown` with list content indented as Python-Markdown expects (see the module)."""
    if not _ANY_ITEM.search(markdown):
        return markdown
    out: list[str] = []
    stack: list[_Item] = []  # the open items, innermost last
    # An open code fence: its marker, its lines' shift, and its column after the move.
    fence: tuple[str, int, int] | None = None
    blank_before = False
    block = _Block()
    for line in markdown.split("\n"):
        if fence:
            stripped = line.strip()
            if stripped.startswith(fence[0]) and not stripped.strip(fence[0][0]):
                # The closing fence goes under the opening one: CommonMark lets it stand up to
                # three spaces further in, SuperFences does not see it there.
                out.append(" " * fence[2] + stripped)
                fence = None
            else:
                out.append(_shift(line, fence[1]))
            continue
        if not line.strip():
            out.append(line)
            blank_before = True
            block = _Block()
            continue
        indent = len(line) - len(line.lstrip(" "))
        item = None if _RULE.match(line) else _ITEM.match(line)
        sibling = None
        if item or blank_before:
            while stack and indent <= stack[-1].start:
                ended = stack.pop()  # the line is not inside this item
                sibling = ended if ended.start == indent else sibling
        if stack and indent > stack[-1].start:
            moved = stack[-1].column(indent)
        else:
            moved = indent  # outside any list, or a lazy continuation line: as written
        new = " " * moved + line[indent:]
        if item and item.group("gap") == "\t":  # Python-Markdown wants a space after the marker
            new = " " * moved + item.group("marker") + " " + line[item.end():]
        if item:
            bullet = item.group("marker")[0] in "-*+"
            if sibling and sibling.bullet != bullet:
                out += ["", " " * moved + LIST_BREAK, ""]  # a new list, as CommonMark reads it
                block = _Block()
            elif block.needs_blank(item, indent, moved):
                out.append("")
                block = _Block()
            block.items.add((indent, bullet))
            written = len(item.group(0).expandtabs(4))
            stack.append(_Item(indent, moved, written, bullet))
            block.prose = None
        else:
            opened = _FENCE.match(new)
            if opened:
                fence = (opened.group("marker"), moved - indent, moved)
            prose = not opened and not line[indent:].startswith(_NOT_PROSE)
            block.prose = indent if prose else None
        if block.first is None:
            block.first = moved
        out.append(new)
        blank_before = False
    return "\n".join(out)


@dataclass
class _Block:
    """The lines since the last blank one, as far as a list item among them cares."""

    first: int | None = None  # the first line's indent, as moved
    prose: int | None = None  # the indent of the line before, when it was paragraph text
    items: set[tuple[int, bool]] = field(default_factory=set)  # indent, bullet: items so far

    def needs_blank(self, item: re.Match[str], indent: int, moved: int) -> bool:
        """Whether Python-Markdown needs a blank line before `item` to read it as CommonMark
        does: as an item, not as more of the block above."""
        if self.first is not None and self.first > moved:
            return True  # a deeper item's paragraph or list would take this item in
        marker = item.group("marker")
        bullet = marker[0] in "-*+"
        if self.prose is None or (indent, bullet) in self.items:
            return False
        return bullet or marker[:-1] == "1" or indent < self.prose


def _shift(line: str, shift: int) -> str:
    """A line of fenced code moved as its fence was (never losing anything but spaces)."""
    if not line.strip() or shift == 0:
        return line
    if shift > 0:
        return " " * shift + line
    removable = len(line) - len(line.lstrip(" "))
    return line[min(-shift, removable):]
