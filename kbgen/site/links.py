"""Broken links, grouped: MkDocs warns once per link; kbgen warns once per kind with a count."""

from __future__ import annotations

import logging
import re

from kbgen.site.directives import KindTally

_MISSING = re.compile(
    r"Doc file '(?P<src>[^']+)' contains a link '(?P<link>[^']*)', but the target "
    r"(?:'(?P<target>[^']*)' )?is not found among documentation files"
)
_IMAGE = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")
_MKDOCS_PAGES_LOGGER = "mkdocs.structure.pages"


class BrokenLinkFilter(logging.Filter):
    """Holds back MkDocs' per-link warnings and counts them by kind instead."""

    def __init__(self, tally: KindTally) -> None:
        super().__init__()
        self.tally = tally

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        match = _MISSING.match(record.getMessage())
        if not match:
            return True
        target = (match.group("target") or match.group("link")).lower().split("#")[0]
        kind = ("links to missing images" if target.endswith(_IMAGE)
                else "links to missing articles" if target.endswith(".md")
                else "links to missing files")
        self.tally.add(kind, match.group("src"))
        return False

    def install(self) -> None:
        """Start grouping."""
        logging.getLogger(_MKDOCS_PAGES_LOGGER).addFilter(self)

    def remove(self) -> None:
        """Stop grouping."""
        logging.getLogger(_MKDOCS_PAGES_LOGGER).removeFilter(self)
