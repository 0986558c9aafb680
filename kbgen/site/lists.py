"""List indentation as GitHub and DocFX read it, rewritten the way Python-Markdown reads it.

CommonMark (GitHub, DocFX, most editors' previews) puts a list item's content at the column of the
text after its marker: three spaces under `1. `, two under `- `. Python-Markdown wants four. Read
as written, a step's second paragraph, note or screenshot indented three spaces ends the list (the
next step restarts at 1) and an alert in it shows as `!!! note` over a code block. This pass moves
lines indented less than four spaces inside a list item to four; lines already four or more in,
as Python-Markdown sites write them, keep their indentation relative to the item. Writers mean a
line indented past the marker to belong to the item, even short of the text's column (two spaces
under `1. `, as GitHub would not read it): it does here. Fenced code moves with its fence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ITEM = re.compile(r"^(?P<indent> *)(?P<marker>[-*+]|\d{1,9}[.)])(?P<gap> {1,4})(?=\S)")
_ANY_ITEM = re.compile(_ITEM.pattern, re.M)  # to pass over a page without lists at once
_FENCE = re.compile(r"^ *(?P<marker>`{3,}|~{3,})")
_STEP = 4  # Python-Markdown's indentation of a list item's content


@dataclass
class _Item:
    start: int  # the marker's column as written
    moved: int  # the marker's column after the move
    written: int  # the content's column as written (CommonMark)

    def column(self, indent: int) -> int:
        """Where a line of this item indented `indent` goes. Lines already four or more spaces
        in from the marker, as Python-Markdown wants them, keep their offset from it; lines at the
        CommonMark content column (or between the two) go to the marker's column plus four."""
        if indent >= self.start + _STEP:
            return self.moved + indent - self.start
        return self.moved + _STEP


_RULE = re.compile(r"^ *([-*_])(?: *\1){2,} *$")  # "- - -" is a thematic break, not an item


def four_space_lists(markdown: str) -> str:
    """`markdown` with list content indented as Python-Markdown expects (see the module)."""
    if not _ANY_ITEM.search(markdown):
        return markdown
    out: list[str] = []
    stack: list[_Item] = []  # the open items, innermost last
    fence: tuple[str, int] | None = None  # an open code fence: its marker, and its lines' shift
    blank_before = False
    for line in markdown.split("\n"):
        if fence:
            out.append(_shift(line, fence[1]))
            stripped = line.strip()
            if stripped.startswith(fence[0]) and not stripped.strip(fence[0][0]):
                fence = None
            continue
        if not line.strip():
            out.append(line)
            blank_before = True
            continue
        indent = len(line) - len(line.lstrip(" "))
        item = None if _RULE.match(line) else _ITEM.match(line)
        if item or blank_before:
            while stack and indent <= stack[-1].start:
                stack.pop()  # the line is not inside this item
        if stack and indent > stack[-1].start:
            moved = stack[-1].column(indent)
        else:
            moved = indent  # outside any list, or a lazy continuation line: as written
        new = " " * moved + line[indent:]
        if item:
            written = indent + len(item.group("marker")) + len(item.group("gap"))
            stack.append(_Item(indent, moved, written))
        else:
            opened = _FENCE.match(new)
            if opened:
                fence = (opened.group("marker"), moved - indent)
        out.append(new)
        blank_before = False
    return "\n".join(out)


def _shift(line: str, shift: int) -> str:
    """A line of fenced code moved as its fence was (never losing anything but spaces)."""
    if not line.strip() or shift == 0:
        return line
    if shift > 0:
        return " " * shift + line
    removable = len(line) - len(line.lstrip(" "))
    return line[min(-shift, removable):]
