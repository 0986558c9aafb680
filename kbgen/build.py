"""`kbgen build` as a plain function: load the MkDocs config, build, and summarise."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, ConfigurationError, PluginError

from kbgen.errors import ConfigError, KbgenError
from kbgen.words import counted


@dataclass
class BuildSummary:
    """What a build produced, for the one-line summary."""

    articles: int
    categories: int
    warnings: int
    seconds: float
    site_dir: str

    def line(self) -> str:
        """`Built 28 articles in 6 categories (0 warnings) in 1.2 s -> site/`."""
        return (
            f"Built {counted(self.articles, 'article')} in "
            f"{counted(self.categories, 'category', 'categories')} "
            f"({counted(self.warnings, 'warning')}) "
            f"in {self.seconds:.1f} s -> {self.site_dir}"
        )


class _WarningCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def load(config_file: str | Path = "mkdocs.yml", **overrides: object) -> MkDocsConfig:
    """Load mkdocs.yml, translating MkDocs' errors into a KbgenError naming the file."""
    path = Path(config_file)
    if not path.is_file():
        raise ConfigError(f"{path}: no such file; run 'kbgen init DIR' to start a help center, "
                          "or pass -f path/to/mkdocs.yml")
    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        return load_config(str(path), **clean)  # type: ignore[arg-type]
    except (ConfigurationError, Abort) as exc:
        raise ConfigError(f"{path}: {exc}") from None


def _require_plugin(config: MkDocsConfig, config_file: str | Path) -> None:
    if "kbgen" not in config.plugins:
        raise ConfigError(f"{config_file}: the kbgen plugin is not enabled; add '- kbgen' "
                          "under 'plugins:'")


def load_help_center(config_file: str | Path = "mkdocs.yml",
                     site_dir: str | None = None) -> MkDocsConfig:
    """`load`, for the commands that read what the last build wrote beside the site (search,
    serve): kbgen must be on, or they would answer from an index it no longer keeps."""
    config = load(config_file, site_dir=site_dir)
    _require_plugin(config, config_file)
    if not config.plugins["kbgen"].config.enabled:
        raise ConfigError(f"{config_file}: the kbgen plugin is turned off ('enabled: false' under "
                          "kbgen); remove that line and run 'kbgen build' again")
    return config


def build_site(
    config_file: str | Path = "mkdocs.yml", *, strict: bool = False, site_dir: str | None = None
) -> BuildSummary:
    """Build the help center described by `config_file` and say what came out."""
    counter = _WarningCounter()  # from loading on: mkdocs.yml's own warnings count too
    logger = logging.getLogger("mkdocs")
    logger.addHandler(counter)
    start = time.monotonic()
    try:
        config = load(config_file, strict=strict, site_dir=site_dir)
        _require_plugin(config, config_file)
        mkdocs_build(config)
    except PluginError as exc:
        raise KbgenError(str(exc)) from None
    except Abort:
        # MkDocs has already logged the reason; say what happened in one line.
        raise KbgenError("the build failed; the messages above say why") from None
    finally:
        logger.removeHandler(counter)
    seconds = time.monotonic() - start
    catalog = config.plugins["kbgen"].catalog  # type: ignore[attr-defined]
    return BuildSummary(
        articles=len(catalog.articles),
        categories=len(catalog.categories),
        warnings=counter.count,
        seconds=seconds,
        site_dir=config.site_dir,
    )
