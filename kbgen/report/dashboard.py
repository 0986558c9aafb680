"""The report as one self-contained HTML page: inline CSS and SVG charts, no script, no CDN."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

from kbgen.feedback.store import SearchGap
from kbgen.report.charts import gap_bars, votes_over_time
from kbgen.report.formats import also, no_votes, period
from kbgen.report.summary import ArticleReport, Report

_CSS = """
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0;
  --bg: #fff; --card: #f6f8fa; --good: #1a7f37; --bad: #cf222e; --accent: #3f51b5; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --line: #3d444d;
  --bg: #0d1117; --card: #151b23; --good: #3fb950; --bad: #f85149; --accent: #8c9eff; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 1.5rem; font: 15px/1.5 system-ui, sans-serif;
  color: var(--fg); background: var(--bg); }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; } h2 { font-size: 1.15rem; margin: 2rem 0 .6rem; }
.muted { color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); gap: .8rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: .5rem;
  padding: .7rem 1rem; }
.card b { display: block; font-size: 1.5rem; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; vertical-align: top; padding: .45rem .5rem;
  border-bottom: 1px solid var(--line); }
th { font-size: .8rem; color: var(--muted); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.bar { display: block; height: .55rem; border-radius: .3rem; background: var(--good); }
.bar-bg { display: inline-block; width: 5rem; height: .55rem; border-radius: .3rem;
  background: var(--bad);
  vertical-align: middle; overflow: hidden; margin-right: .4rem; }
.comment { margin: .2rem 0; padding: .3rem .5rem; background: var(--card);
  border-left: 3px solid var(--line);
  white-space: pre-wrap; overflow-wrap: anywhere; }
.tag { font-size: .75rem; color: var(--muted); }
svg { max-width: 100%; height: auto; } svg text { fill: var(--fg);
  font: 13px system-ui, sans-serif; }
/* On a phone, wide tables and charts scroll sideways in their box, not the page; a chart is no
   narrower than what keeps its labels readable. */
.wide { overflow-x: auto; } .wide table { min-width: 36rem; } .wide svg { min-width: 560px; }
td.comments { min-width: 16rem; }
@media (max-width: 40rem) { body { padding: 1rem .75rem; } }
svg .grid { stroke: var(--line); } svg .good { fill: var(--good); } svg .bad { fill: var(--bad); }
svg .accent { fill: var(--accent); } svg .line { stroke: var(--accent); fill: none;
  stroke-width: 2; }
a { color: var(--accent); }
"""


def _wide(content: str) -> str:
    """A table or chart in a box that scrolls sideways on a narrow screen (none for no content)."""
    return f'<div class="wide" tabindex="0">{content}</div>' if content else ""


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def _when(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _share_cell(a: ArticleReport) -> str:
    return (
        f'<span class="bar-bg" role="img" aria-label="{_pct(a.share)} helpful">'
        f'<span class="bar" style="width:{a.share * 100:.1f}%"></span></span>{_pct(a.share)}'
    )


def _article_link(a: ArticleReport, base_url: str) -> str:
    title = escape(a.title)
    if not base_url or not a.url:
        return title if a.title == a.id else f"{title} <span class='tag'>{escape(a.id)}</span>"
    return f'<a href="{escape(base_url.rstrip("/") + "/" + a.url)}">{title}</a>'


def _comments(a: ArticleReport) -> str:
    return "".join(
        f'<div class="comment"><span class="tag">{"Yes" if c.helpful else "No"}'
        f"{' · ' + escape(c.reason) if c.reason else ''} · {_when(c.at)}</span>\n"
        f"{escape(c.text)}</div>"
        for c in a.comments
    )


def _needs_work(report: Report, base_url: str) -> str:
    if not report.needs_work:
        return "<p class='muted'>No article has a “No” vote in this period.</p>"
    rows = "".join(
        f"<tr><td>{_article_link(a, base_url)}</td><td class='num'>{a.votes}</td>"
        f"<td class='num'>{_pct(1 - a.share)}</td>"
        f"<td class='num'>{_pct(a.unhelpful_lower_bound)}</td>"
        f"<td>{escape(', '.join(f'{r} ({n})' for r, n in a.reasons))}</td>"
        f"<td class='comments'>{_comments(a)}</td></tr>"
        for a in report.needs_work
    )
    return _wide(
        "<table><thead><tr><th>Article</th><th>Votes</th><th>Not helpful</th>"
        "<th>At least (95%)</th><th>Top reasons</th><th>Latest comments</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _all_articles(report: Report, base_url: str) -> str:
    rows = "".join(
        f"<tr><td>{_article_link(a, base_url)}</td><td class='num'>{a.votes}</td>"
        f"<td class='num'>{a.helpful}</td><td>{_share_cell(a)}</td>"
        f"<td class='num'>{_pct(a.lower_bound)}</td></tr>"
        for a in report.articles
    )
    return _wide(
        "<table><thead><tr><th>Article</th><th>Votes</th><th>Helpful</th><th>Share helpful</th>"
        f"<th>Lower bound (95%)</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _also(wordings: list[str]) -> str:
    return f"<br><small class='muted'>{escape(also(wordings, ''))}</small>" if wordings else ""


def _searches(rows: list[SearchGap], none: str, chart: bool = False) -> str:
    if not rows:
        return f"<p class='muted'>{none}</p>"
    cells = "".join(
        f"<tr><td>{escape(g.query)}{_also(g.wordings)}</td>"
        f"<td class='num'>{g.searches}</td>"
        f"<td class='num'>{g.no_result}</td><td class='num'>{g.no_click}</td></tr>"
        for g in rows
    )
    return _wide(gap_bars(rows) if chart else "") + _wide(
        "<table><thead><tr><th>Query</th><th>Searches</th>"
        f"<th>No result</th><th>No click</th></tr></thead><tbody>{cells}</tbody></table>"
    )


def as_html(report: Report, site_name: str = "Help center", base_url: str = "") -> str:
    """The dashboard a writer opens in a browser."""
    share = _pct(report.helpful / report.votes) if report.votes else "–"
    cards = "".join(
        f'<div class="card"><b>{value}</b><span class="muted">{label}</span></div>'
        for value, label in [
            (report.votes, "votes"),
            (share, "found it helpful"),
            (len(report.articles), "articles voted on"),
            (report.searches, "searches logged"),
        ]
    )
    all_articles = (_all_articles(report, base_url) if report.articles
                    else f"<p class='muted'>{no_votes(report)}</p>")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy"
  content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Feedback report · {escape(site_name)}</title><style>{_CSS}</style></head>
<body><main>
<h1>Feedback report · {escape(site_name)}</h1>
<p class="muted">{escape(period(report))} · generated {_when(report.generated)}</p>
<div class="cards">{cards}</div>
<h2>Helpfulness over time</h2>
{_wide(votes_over_time(report.days))}
<h2>Articles most in need of work</h2>
<p class="muted">Ranked by how sure we can be that readers find them unhelpful (the lower bound of
the 95% Wilson interval), so three “No” votes do not outrank three hundred.</p>
{_needs_work(report, base_url)}
<h2>Content gaps</h2>
<p class="muted">What customers searched for and found nothing, or nothing they opened.</p>
{_searches(report.gaps, "No search went unanswered in this period.", chart=True)}
<h2>Top searches</h2>
<p class="muted">What customers searched for most (wordings of the same words count as one).</p>
{_searches(report.top_searches, "No searches logged in this period.")}
<h2>All articles</h2>
{all_articles}
</main></body></html>
"""
