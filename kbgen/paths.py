"""Where kbgen's files live: the shipped theme, and the state kept beside a built site."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def theme_dir() -> Path:
    """The theme shipped inside the wheel (`kbgen/theme`), or `theme/` in a source checkout."""
    shipped = _PACKAGE / "theme"
    return shipped if shipped.is_dir() else _PACKAGE.parent / "theme"


def state_dir(site_dir: str | Path) -> Path:
    """Beside the site: `.kbgen/` holds the search index, the manifest and the feedback store."""
    return Path(site_dir).resolve().parent / ".kbgen"


def shown_root(docs_dir: str | Path, config_file: str | Path | None) -> str:
    """How writers see docs/ from mkdocs.yml's folder (`docs/`), to name files in messages."""
    config_dir = Path(config_file or ".").resolve().parent
    return os.path.relpath(Path(docs_dir).resolve(), config_dir).replace(os.sep, "/") + "/"
