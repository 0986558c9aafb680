"""What the feedback says: helpfulness per article with a confidence bound, and content gaps."""

from __future__ import annotations

import json
import math
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kbgen.errors import KbgenError
from kbgen.feedback.store import DayVotes, FeedbackStore, SearchGap, query_key
from kbgen.paths import MANIFEST_FILE
from kbgen.search.analysis import FILLER, terms

_UNITS = {"h": 3600, "d": 86400, "w": 7 * 86400}
# A date is read as midnight UTC: where clocks run ahead of UTC (by up to 14 hours), today's date
# starts before UTC's, and is not in the future.
_AHEAD_OF_UTC = 14 * 3600
NEEDS_WORK = 10


def wilson_lower(successes: int, total: int, z: float = 1.96) -> float:
    """The lower bound of the 95% Wilson interval: 3 of 3 ranks below 290 of 300."""
    if total <= 0:
        return 0.0
    p = successes / total
    centre = p + z * z / (2 * total)
    spread = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total))
    return max(0.0, (centre - spread) / (1 + z * z / total))


def parse_since(text: str, now: float | None = None) -> float:
    """`30d`, `12h`, `2w`, `all` or an ISO date, as epoch seconds."""
    now = time.time() if now is None else now
    text = text.strip().lower()
    if text in ("all", "0"):
        return 0.0
    match = re.fullmatch(r"(\d+)\s*([hdw])", text)
    if match:  # a span reaching back past 1970 is all there is
        return max(0.0, now - int(match.group(1)) * _UNITS[match.group(2)])
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise KbgenError(
            f"--since {text!r}: use a span such as 30d, 12h or 2w, a date such as "
            "2025-01-31, or 'all'"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if moment.timestamp() > now + _AHEAD_OF_UTC:
        today = datetime.fromtimestamp(now, UTC).date().isoformat()
        raise KbgenError(
            f"--since {text!r} is in the future, so there is nothing to report yet; give a date "
            f"up to today ({today}), a span such as 30d, or 'all'"
        )
    return max(0.0, moment.timestamp())


@dataclass
class Comment:
    """One reader's words, masked before they were stored."""

    helpful: bool
    reason: str | None
    text: str
    at: float


@dataclass
class ArticleReport:
    """How one article fares with readers."""

    id: str
    title: str
    url: str
    votes: int
    helpful: int
    share: float
    lower_bound: float
    unhelpful_lower_bound: float
    reasons: list[tuple[str, int]] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)


@dataclass
class Report:
    """Everything `kbgen report` shows, in every format."""

    since: float
    generated: float
    votes: int
    helpful: int
    articles: list[ArticleReport]
    needs_work: list[ArticleReport]
    days: list[DayVotes]
    gaps: list[SearchGap]
    searches: int
    # The most frequent searches, each with its other wordings (as `gaps` counts them).
    top_searches: list[SearchGap] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        from dataclasses import asdict

        return asdict(self)


def wording_key(query: str) -> str:
    """What a search asks for, whatever its wording: its terms (stemmed, without stopwords and
    the filler of questions), sorted. "Gift cards?", "gift card" and "how do I get a gift card"
    share one; a query of no such words keeps its own (`query_key`)."""
    found = sorted({term for term in terms(query) if term not in FILLER})
    return " ".join(found) if found else query_key(query)


def grouped_searches(rows: list[SearchGap]) -> list[SearchGap]:
    """`rows` (one a wording) added up by `wording_key`, each shown in its most searched wording
    with the others in `wordings`; the most searched first."""
    groups: dict[str, list[SearchGap]] = defaultdict(list)
    for row in rows:
        groups[wording_key(row.query)].append(row)
    merged = []
    for members in groups.values():
        members.sort(key=lambda g: (-g.searches, len(g.query), g.query))
        merged.append(SearchGap(
            members[0].query, sum(g.searches for g in members),
            sum(g.no_result for g in members), sum(g.no_click for g in members),
            [g.query for g in members[1:]]))
    merged.sort(key=lambda g: (-g.searches, g.query))
    return merged


def content_gaps(searches: list[SearchGap], limit: int) -> list[SearchGap]:
    """Of `grouped_searches`, the `limit` that failed most often: found nothing, or nothing
    opened."""
    failed = [g for g in searches if g.no_result + g.no_click > 0]
    failed.sort(key=lambda g: (-(g.no_result + g.no_click), -g.searches, g.query))
    return failed[:limit]


def load_titles(state_dir: Path) -> dict[str, dict[str, str]]:
    """Article titles and URLs from the last build's manifest (empty if there is none)."""
    try:
        manifest = json.loads((state_dir / MANIFEST_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return {a["id"]: {"title": a["title"], "url": a["url"]} for a in manifest.get("articles", [])}


def build_report(
    store: FeedbackStore,
    since: float = 0.0,
    titles: dict[str, dict[str, str]] | None = None,
    gaps: int = 20,
) -> Report:
    """Read the store and summarise it; `gaps` is how many content gaps, and top searches, to
    list."""
    titles = titles or {}
    reasons: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for count in store.reason_counts(since):
        reasons[count.article_id].append((count.reason, count.count))
    comments: dict[str, list[Comment]] = defaultdict(list)
    for vote in store.latest_comments(since):
        comments[vote.article_id].append(
            Comment(vote.helpful, vote.reason, vote.comment or "", vote.created_at)
        )
    articles = []
    for row in store.article_votes(since):
        known = titles.get(row.article_id, {})
        articles.append(
            ArticleReport(
                id=row.article_id,
                title=known.get("title", row.article_id),
                url=known.get("url", ""),
                votes=row.votes,
                helpful=row.helpful,
                share=row.helpful / row.votes,
                lower_bound=wilson_lower(row.helpful, row.votes),
                unhelpful_lower_bound=wilson_lower(row.votes - row.helpful, row.votes),
                reasons=reasons[row.article_id][:3],
                comments=comments[row.article_id],
            )
        )
    articles.sort(key=lambda a: (-a.votes, a.id))
    failing = [a for a in articles if a.helpful < a.votes]
    needs_work = sorted(failing, key=lambda a: (-a.unhelpful_lower_bound, -a.votes, a.id))
    searches = grouped_searches(store.search_queries(since))
    return Report(
        since=since,
        generated=time.time(),
        votes=sum(a.votes for a in articles),
        helpful=sum(a.helpful for a in articles),
        articles=articles,
        needs_work=needs_work[:NEEDS_WORK],
        days=store.daily_votes(since),
        gaps=content_gaps(searches, gaps),
        top_searches=searches[:gaps],
        searches=store.search_count(since),
    )
