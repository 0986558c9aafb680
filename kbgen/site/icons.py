"""Category icons: Material's icon names, checked against the theme's `.icons` folders."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from kbgen.site.catalog import Category

# `material/credit-card`, `fontawesome/solid/house`: a set, then a name; nothing like `..`.
_NAME = re.compile(r"[\w-]+(?:/[\w-]+)+")
_REFERENCE = "https://squidfunk.github.io/mkdocs-material/reference/icons-emojis/"


def icon_exists(name: str, theme_dirs: Sequence[str]) -> bool:
    """Whether templates can include `.icons/<name>.svg` (Material's, or the site's custom_dir)."""
    return bool(_NAME.fullmatch(name)) and any(
        (Path(folder) / ".icons" / f"{name}.svg").is_file() for folder in theme_dirs)


def _spelled_as_path(name: str, theme_dirs: Sequence[str]) -> str | None:
    """`:material-credit-card:` (the emoji shortcode) as the icon name it stands for, if any."""
    parts = name.strip(":").split("-")
    for slashes in (1, 2):
        candidate = "/".join(parts[:slashes]) + "/" + "-".join(parts[slashes:])
        if len(parts) > slashes and icon_exists(candidate, theme_dirs):
            return candidate
    return None


def drop_unknown_icons(categories: Iterable[Category], theme_dirs: Sequence[str]) -> list[str]:
    """Clear the icon of each category whose icon does not exist; a warning for each."""
    warnings = []
    for category in categories:
        name = category.icon
        if not name or icon_exists(name, theme_dirs):
            continue
        category.icon = None
        meant = _spelled_as_path(name, theme_dirs)
        hint = f"did you mean '{meant}'?" if meant else \
            f"names look like 'material/credit-card', see {_REFERENCE}"
        warnings.append(f"category '{category.id}': icon '{name}' is not a Material icon "
                        f"({hint}); the category is shown without an icon")
    return warnings
