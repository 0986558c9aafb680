"""Turning articles into pages: navigation by category, generated pages, Markdown directives."""
