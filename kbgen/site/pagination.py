"""A category's landing page split into numbered pages of at most `size` articles each.

Page 1 lives at the category's URL (`billing/`), the next ones at `billing/page/2/` and so on
(`billing/index.html`, `billing/page/2/index.html` without directory URLs).
Every page lists a bounded number of articles and links to a bounded number of other pages, so a
landing page's size does not grow with the size of its category.
"""

from __future__ import annotations

from typing import Any

from kbgen.site.catalog import Category

# Neighbours of the current page linked by number; the first and last pages are always linked.
_WINDOW = 2


def page_count(total: int, size: int) -> int:
    """How many pages `total` articles take at `size` a page (an empty category still has one)."""
    return max(1, -(-total // size))


def slice_groups(groups: list[dict[str, Any]], start: int, stop: int) -> list[dict[str, Any]]:
    """Articles `start` to `stop` of the grouped list, each under its type's heading.

    A heading keeps the number of articles of its type in the whole category.
    """
    sliced = []
    offset = 0
    for group in groups:
        articles = group["articles"]
        low, high = max(start - offset, 0), min(stop - offset, len(articles))
        if low < high:
            sliced.append({**group, "articles": articles[low:high], "total": len(articles)})
        offset += len(articles)
    return sliced


def page_numbers(current: int, count: int) -> list[int | None]:
    """Pages to link by number: the first, the last and the current one's neighbours.

    `None` marks a gap of two or more pages; a gap of one page shows that page instead.
    """
    shown = {1, count, *range(current - _WINDOW, current + _WINDOW + 1)}
    numbers: list[int | None] = []
    previous = 0
    for number in sorted(n for n in shown if 1 <= n <= count):
        if number - previous == 2:
            numbers.append(number - 1)
        elif number - previous > 2:
            numbers.append(None)
        numbers.append(number)
        previous = number
    return numbers


def landing_page(category: Category, groups: list[dict[str, Any]], number: int,
                 size: int) -> dict[str, Any]:
    """The template context of page `number` of `category`'s landing page."""
    total = sum(len(g["articles"]) for g in groups)
    count = page_count(total, size)
    start = (number - 1) * size
    stop = min(start + size, total)
    if count == 1:
        return {"groups": slice_groups(groups, 0, total), "pagination": None}

    def link(n: int) -> dict[str, Any]:
        return {"number": n, "url": category.page_url(n), "current": n == number}

    return {
        "groups": slice_groups(groups, start, stop),
        "pagination": {
            "number": number,
            "count": count,
            "first": start + 1,
            "last": stop,
            "total": total,
            "previous": link(number - 1) if number > 1 else None,
            "next": link(number + 1) if number < count else None,
            "pages": [link(n) if n is not None else None for n in page_numbers(number, count)],
        },
    }
