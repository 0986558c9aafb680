"""Inline SVG charts for the dashboard: drawn here, so the page needs no script and no CDN."""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

from kbgen.feedback.store import DayVotes, SearchGap

_EPOCH = date(1970, 1, 1)
WIDTH = 760


def _label(day: int) -> str:
    return (_EPOCH + timedelta(days=day)).strftime("%b %d")


def votes_over_time(days: list[DayVotes], height: int = 240) -> str:
    """Stacked daily bars of helpful and unhelpful votes, with the helpful share as a line."""
    if not days:
        return "<p class='muted'>No votes in this period.</p>"
    first, last = days[0].day, days[-1].day
    by_day = {d.day: d for d in days}
    series = [by_day.get(day, DayVotes(day, 0, 0)) for day in range(first, last + 1)]
    left, right, top, bottom = 40, 40, 16, 36
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    peak = max(d.votes for d in series) or 1
    slot = plot_w / len(series)
    bar_w = max(1.0, slot * 0.7)
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
        f'aria-label="Votes per day: helpful in green, not helpful in red; line: share helpful">'
    ]
    for fraction in (0, 0.5, 1):
        y = top + plot_h * (1 - fraction)
        parts.append(
            f'<line class="grid" x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{round(peak * fraction)}</text>"
            f'<text x="{WIDTH - right + 6}" y="{y + 4:.1f}">{fraction * 100:.0f}%</text>'
        )
    points = []
    for i, d in enumerate(series):
        x = left + i * slot + (slot - bar_w) / 2
        good_h = plot_h * d.helpful / peak
        bad_h = plot_h * (d.votes - d.helpful) / peak
        base = top + plot_h
        title = f"<title>{_label(d.day)}: {d.helpful} helpful, {d.votes - d.helpful} not</title>"
        parts.append(
            f'<g>{title}<rect class="good" x="{x:.1f}" y="{base - good_h:.1f}" '
            f'width="{bar_w:.1f}" height="{good_h:.1f}"/>'
            f'<rect class="bad" x="{x:.1f}" y="{base - good_h - bad_h:.1f}" '
            f'width="{bar_w:.1f}" height="{bad_h:.1f}"/></g>'
        )
        if d.votes:
            points.append(f"{x + bar_w / 2:.1f},{top + plot_h * (1 - d.helpful / d.votes):.1f}")
    if len(points) > 1:
        parts.append(f'<polyline class="line" points="{" ".join(points)}"/>')
    step = max(1, len(series) // 8)
    for i in range(0, len(series), step):
        x = left + i * slot + slot / 2
        parts.append(
            f'<text x="{x:.1f}" y="{height - 14}" text-anchor="middle">'
            f"{_label(series[i].day)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def gap_bars(gaps: list[SearchGap], limit: int = 12) -> str:
    """Horizontal bars: for each query, searches that found nothing and that opened nothing."""
    shown = gaps[:limit]
    if not shown:
        return ""
    label_w, row_h, top = 260, 24, 8
    height = top + row_h * len(shown) + 24
    peak = max(g.no_result + g.no_click for g in shown) or 1
    scale = (WIDTH - label_w - 50) / peak
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
        f'aria-label="Top content gaps: searches with no result (red) or no click (blue)">'
    ]
    for i, g in enumerate(shown):
        y = top + i * row_h
        query = g.query if len(g.query) <= 32 else g.query[:31] + "…"
        none_w, unopened_w = g.no_result * scale, g.no_click * scale
        parts.append(
            f"<g><title>{escape(g.query)}: {g.no_result} with no result, {g.no_click} with no click"
            f'</title><text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{escape(query)}</text>'
            f'<rect class="bad" x="{label_w}" y="{y + 4}" width="{none_w:.1f}" height="14"/>'
            f'<rect class="accent" x="{label_w + none_w:.1f}" y="{y + 4}" width="{unopened_w:.1f}" '
            f'height="14"/><text x="{label_w + none_w + unopened_w + 6:.1f}" y="{y + 15}">'
            f"{g.no_result + g.no_click}</text></g>"
        )
    legend_y = height - 8
    parts.append(
        f'<rect class="bad" x="{label_w}" y="{legend_y - 9}" width="10" height="10"/>'
        f'<text x="{label_w + 14}" y="{legend_y}">no result</text>'
        f'<rect class="accent" x="{label_w + 90}" y="{legend_y - 9}" width="10" height="10"/>'
        f'<text x="{label_w + 104}" y="{legend_y}">results, none opened</text></svg>'
    )
    return "".join(parts)
