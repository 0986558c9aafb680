"""Where kbgen's files live: the shipped theme, and the state kept beside a built site."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def theme_dir() -> Path:
    """The theme shipped inside the wheel (`kbgen/theme`), or `theme/` in a source checkout."""
    shipped = _PACKAGE / "theme"
    return shipped if shipped.is_dir() else _PACKAGE.parent / "theme"


def state_dir(site_dir: str | Path) -> Path:
    """Beside the site: `.kbgen/` holds the search index, the manifest and the feedback store."""
    return Path(site_dir).resolve().parent / ".kbgen"
