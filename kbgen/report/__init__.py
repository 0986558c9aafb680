"""`kbgen report`: what readers say about the articles, and what they search for and miss."""

from __future__ import annotations

from kbgen.report.dashboard import as_html
from kbgen.report.formats import as_csv, as_json, as_table
from kbgen.report.summary import Report, build_report, load_titles, parse_since, wilson_lower

FORMATS = ("table", "json", "csv", "html")


def render(report: Report, fmt: str, *, site_name: str = "Help center", base_url: str = "") -> str:
    """The report in one of FORMATS."""
    if fmt == "json":
        return as_json(report)
    if fmt == "csv":
        return as_csv(report)
    if fmt == "html":
        return as_html(report, site_name, base_url)
    return as_table(report)


__all__ = [
    "FORMATS",
    "Report",
    "build_report",
    "load_titles",
    "parse_since",
    "render",
    "wilson_lower",
]
