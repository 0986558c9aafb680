"""Search: the Whoosh index of articles and sections, its ranking, and its export for the browser.

This package is the only place that imports Whoosh.
"""
