"""Where kbgen's files live: the shipped theme, and the state kept beside a built site."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
MANIFEST_FILE = "articles.json"  # in the state folder: the articles the last build produced


def theme_dir() -> Path:
    """The theme shipped inside the wheel (`kbgen/theme`), or `theme/` in a source checkout."""
    shipped = _PACKAGE / "theme"
    return shipped if shipped.is_dir() else _PACKAGE.parent / "theme"


def state_dir(site_dir: str | Path, config_file: str | Path | None = None) -> Path:
    """Beside the site: `.kbgen/` holds the search index, the manifest and the feedback store.
    For the site `mkdocs serve` builds into a new temporary folder each time, `.kbgen/preview/`
    beside `config_file` (beside the temporary folder, it would be one for every project)."""
    site = Path(site_dir).resolve()
    if config_file is not None and is_preview(site):
        return Path(config_file).resolve().parent / ".kbgen" / "preview"
    return site.parent / ".kbgen"


def is_preview(site: Path) -> bool:
    """Whether `site` is a folder `mkdocs serve` made to build into (`/tmp/mkdocs_...`)."""
    return site.name.startswith("mkdocs_") and site.parent == Path(tempfile.gettempdir()).resolve()


def shown_root(docs_dir: str | Path, config_file: str | Path | None) -> str:
    """How writers see docs/ from mkdocs.yml's folder (`docs/`), to name files in messages."""
    config_dir = Path(config_file or ".").resolve().parent
    return os.path.relpath(Path(docs_dir).resolve(), config_dir).replace(os.sep, "/") + "/"
