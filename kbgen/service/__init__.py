"""The HTTP service: the built site, the search API and the feedback log."""
