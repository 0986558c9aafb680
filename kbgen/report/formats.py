"""The report as a terminal table, JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from rich.console import Console
from rich.table import Table
from rich.text import Text

from kbgen.report.summary import Report
from kbgen.words import counted


def _day(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d")


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def also(wordings: list[str], before: str, shown: int = 3) -> str:
    """`(also: gift card, giftcards and 2 more)`, the other wordings of a search; "" if none."""
    if not wordings:
        return ""
    more = len(wordings) - shown
    listed = ", ".join(wordings[:shown]) + (f" and {more} more" if more > 0 else "")
    return f"{before}(also: {listed})"


def period(report: Report) -> str:
    """`since 2025-01-01` or `all time`."""
    return f"since {_day(report.since)}" if report.since else "all time"


def no_votes(report: Report) -> str:
    """`No votes yet.`, or `No votes since 2025-01-01.` for a report of a period."""
    return f"No votes since {_day(report.since)}." if report.since else "No votes yet."


COMMENT_SHOWN = 200  # characters of a comment a terminal table shows


def _shortened(text: str, limit: int = COMMENT_SHOWN) -> str:
    """A comment as one line of at most `limit` characters, cut with "…": a long one would fill
    the terminal, a line at a time in a narrow column. The other formats keep it whole."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    space = cut.rfind(" ", limit // 2)  # at a word's end, unless the words are very long
    return (cut[:space] if space > 0 else cut).rstrip() + "…"


def _moment(epoch: float) -> str:
    """ISO 8601 in UTC, to the second: `2025-01-31T09:30:00Z`."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def as_json(report: Report) -> str:
    """Everything, for scripts; times in ISO 8601 (UTC) and days as dates, as people and most
    tools read them (`since` is null for a report of all time)."""
    data = report.as_dict()
    data["since"] = _moment(report.since) if report.since else None
    data["generated"] = _moment(report.generated)
    for day in data["days"]:
        day["day"] = _day(day["day"] * 86400)
    for articles in (data["articles"], data["needs_work"]):
        for article in articles:
            for comment in article["comments"]:
                comment["at"] = _moment(comment["at"])
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _cell(text: str) -> str:
    """Text a spreadsheet shows as text: a reader's comment starting "=HYPERLINK(" or "+1" is
    not a formula to run (OWASP's CSV injection), so it gets a leading apostrophe."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def as_csv(report: Report) -> str:
    """One row per article, for spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "id",
            "title",
            "url",
            "votes",
            "helpful",
            "share_helpful",
            "lower_bound",
            "top_reasons",
            "latest_comment",
        ]
    )
    for a in report.articles:
        reasons = "; ".join(f"{r} ({n})" for r, n in a.reasons)
        comment = _cell(a.comments[0].text) if a.comments else ""
        writer.writerow(
            [
                _cell(a.id),
                _cell(a.title),
                a.url,
                a.votes,
                a.helpful,
                f"{a.share:.3f}",
                f"{a.lower_bound:.3f}",
                reasons,
                comment,
            ]
        )
    return out.getvalue()


def as_table(report: Report, width: int = 120) -> str:
    """Readable tables for a terminal."""
    console = Console(
        file=io.StringIO(),
        width=width,
        color_system=None,
        markup=False,
        highlight=False,
        emoji=False,
    )
    share = f", {_pct(report.helpful / report.votes)} helpful" if report.votes else ""
    console.print(
        f"Feedback {period(report)}: {counted(report.votes, 'vote')}{share}; "
        f"{counted(report.searches, 'search', 'searches')} logged"
    )
    if report.needs_work:
        table = Table(title="Articles most in need of work", title_justify="left")
        for column in ("Article", "Votes", "Not helpful", "Top reasons", "Latest comment"):
            table.add_column(column, overflow="fold")
        for a in report.needs_work:
            table.add_row(
                a.title,
                str(a.votes),
                _pct(1 - a.share),
                ", ".join(f"{r} ({n})" for r, n in a.reasons),
                _shortened(a.comments[0].text) if a.comments else "",
            )
        console.print(table)
    if report.articles:
        table = Table(title="All articles", title_justify="left")
        for column in ("Article", "Votes", "Helpful", "Share", "Lower bound"):
            table.add_column(column, overflow="fold")
        for a in report.articles:
            table.add_row(a.title, str(a.votes), str(a.helpful), _pct(a.share),
                          _pct(a.lower_bound))
        console.print(table)
    else:
        console.print(no_votes(report))
    for title, rows in (("Content gaps: searches with no result or no click", report.gaps),
                        ("Top searches", report.top_searches)):
        if not rows:
            continue
        table = Table(title=title, title_justify="left")
        for column in ("Query", "Searches", "No result", "No click"):
            table.add_column(column, overflow="fold")
        for g in rows:
            query = Text(g.query) + Text(also(g.wordings, "\n"), style="dim")
            table.add_row(query, str(g.searches), str(g.no_result), str(g.no_click))
        console.print(table)
    output = console.file
    assert isinstance(output, io.StringIO)
    return output.getvalue()
