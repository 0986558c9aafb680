"""Where things are in an article's front matter: the line of each key and list entry, for
messages that name it. `raw` is the YAML between the `---` lines; the file's line 2 is its first."""

from __future__ import annotations

import re

import yaml

try:
    from yaml import CSafeLoader as Loader
except ImportError:  # pragma: no cover - pure-Python PyYAML
    from yaml import SafeLoader as Loader  # type: ignore[assignment]


def key_lines(raw: str) -> dict[str, int]:
    """Map each top-level key to its line number in the file (front matter starts on line 2)."""
    lines: dict[str, int] = {}
    for number, line in enumerate(raw.splitlines(), start=2):
        match = re.match(r"^([A-Za-z0-9_.\-]+)\s*:", line)
        if match:
            lines.setdefault(match.group(1), number)
    return lines


def _front_matter_node(raw: str) -> yaml.Node | None:
    """The front matter as YAML nodes, which know their lines (None when YAML cannot read it)."""
    loader = Loader(raw)
    try:
        return loader.get_single_node()
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()


def _top_level(raw: str) -> list[tuple[yaml.Node, yaml.Node]]:
    """The front matter's key and value nodes, in the order written."""
    node = _front_matter_node(raw)
    return list(node.value) if isinstance(node, yaml.MappingNode) else []


def unreadable_value(raw: str) -> tuple[int, str, str]:
    """The line, key and text of the first front matter value that YAML parses but cannot turn
    into a value (a date that does not exist, `!!int abc`)."""
    constructor = Loader("")
    try:
        for key, value in _top_level(raw):
            try:
                constructor.construct_object(value, deep=True)
            except (ValueError, TypeError, OverflowError):
                return value.start_mark.line + 2, str(key.value), str(value.value)
    except yaml.YAMLError:
        pass
    finally:
        constructor.dispose()
    return 2, "front matter", raw.strip()[:60]


def entries(raw: str, key: str) -> list[tuple[int, str | None]]:
    """The line of each entry of the list under the top-level `key` (YAML keeps the last `key`
    written), and its text as written when it is a plain value (`yes`, `1.10`); none when the
    value is not a list."""
    found: list[tuple[int, str | None]] = []
    for name, value in _top_level(raw):
        if name.value == key:
            found = [(item.start_mark.line + 2,
                      item.value if isinstance(item, yaml.ScalarNode) else None)
                     for item in value.value] if isinstance(value, yaml.SequenceNode) else []
    return found


def nested_line(raw: str, parent: int, key: str) -> int:
    """The line of `key:` among the indented lines under the top-level key on line `parent`
    (`parent` itself when written inline, as `search: {boost: 2}`, or when `key` is "")."""
    for number, line in enumerate(raw.splitlines()[parent - 1:], start=parent + 1):
        if not key or not line.startswith((" ", "\t")):
            break
        if re.match(rf"\s+{re.escape(key)}\s*:", line):
            return number
    return parent
