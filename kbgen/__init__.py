"""kbgen: turn Markdown help articles into a searchable help center."""

from __future__ import annotations

__version__ = "0.1.0"
