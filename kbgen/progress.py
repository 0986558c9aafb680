"""A seam between the plugin and whoever shows build progress (the CLI's rich display)."""

from __future__ import annotations

from typing import Protocol


class Reporter(Protocol):
    """Receives build progress: a stage name with its total, then one advance per item."""

    def stage(self, name: str, total: int) -> None: ...

    def advance(self) -> None: ...


class _Silent:
    def stage(self, name: str, total: int) -> None:
        pass

    def advance(self) -> None:
        pass


_reporter: Reporter = _Silent()


def use(reporter: Reporter | None) -> None:
    """Send progress to `reporter` (None: nowhere)."""
    global _reporter
    _reporter = reporter or _Silent()


def current() -> Reporter:
    """The reporter in use."""
    return _reporter
