"""`kbgen report`: helpfulness with a confidence bound, content gaps, and every output format."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from click.testing import CliRunner, Result
from test_browser_accessibility import axe_violations
from test_feedback_store import fresh_schema_url

from kbgen.cli import main
from kbgen.errors import KbgenError
from kbgen.feedback import Vote, migrations, open_store
from kbgen.feedback.store import BROWSER
from kbgen.report import build_report, parse_since, render, wilson_lower

DAY = 86400.0


def test_three_votes_do_not_outrank_three_hundred() -> None:
    assert wilson_lower(3, 3) < wilson_lower(290, 300)
    assert wilson_lower(0, 0) == 0.0
    assert 0.0 < wilson_lower(1, 2) < 0.5


def test_since_accepts_spans_dates_and_all() -> None:
    now = 1_800_000_000.0
    assert parse_since("30d", now) == now - 30 * DAY
    assert parse_since("12h", now) == now - 12 * 3600
    assert parse_since("all", now) == 0.0
    assert parse_since("2024-01-31", now) == 1706659200.0
    # Back past 1970 is all there is (a date before it had no year to print, and crashed).
    assert parse_since("1000000d", now) == parse_since("0001-01-01", now) == 0.0
    with pytest.raises(KbgenError, match="--since"):
        parse_since("last week", now)


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'feedback.db'}"
    now = time.time()
    with open_store(url) as store:
        for i in range(300):  # popular, mostly fine
            store.submit_vote(
                Vote(
                    "popular",
                    "r1",
                    i % 10 != 0,
                    f"client-p{i:04d}",
                    None if i % 10 else "Out of date",
                    at=now - (i % 5) * DAY,
                )
            )
        for i in range(3):  # three readers, all unhappy
            store.submit_vote(Vote("small", "r1", False, f"client-s{i:04d}", "Hard to follow"))
        for i in range(40):  # many readers, mostly unhappy
            store.submit_vote(
                Vote(
                    "broken",
                    "r1",
                    i % 4 == 0,
                    f"client-b{i:04d}",
                    None if i % 4 == 0 else "Something is wrong",
                    f"<script>alert({i})</script> mail me a{i}@example.com",
                )
            )
        store.record_vote(Vote("old", "r1", False, "client-o0001", at=now - 90 * DAY))
        for query, results, opened in [
            ("cancel plan", 0, None),
            ("Cancel plan", 0, None),
            ("refund", 3, None),
            ("refund", 3, "billing/refunds/"),
        ]:
            store.log_search(query, results, opened, source=BROWSER).result()
    return url


def test_report_ranks_articles_and_finds_gaps(db: str) -> None:
    with open_store(db) as store:
        report = build_report(
            store, time.time() - 30 * DAY, {"broken": {"title": "Broken", "url": "b/"}}
        )
    assert [a.id for a in report.articles] == ["popular", "broken", "small"]
    assert [a.id for a in report.needs_work][:2] == ["broken", "small"]
    broken = report.articles[1]
    assert broken.title == "Broken" and broken.reasons == [("Something is wrong", 30)]
    assert len(broken.comments) == 3 and "[email]" in broken.comments[0].text
    assert report.votes == 343 and sum(d.votes for d in report.days) == 343
    assert [(g.query.lower(), g.no_result, g.no_click) for g in report.gaps] == [
        ("cancel plan", 2, 0),
        ("refund", 0, 1),
    ]


def test_wordings_of_one_search_count_as_one_in_gaps_and_top_searches(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'feedback.db'}"
    with open_store(url) as store:
        for query, results, opened in [
            ("gift cards", 0, None), ("gift cards", 0, None), ("Gift card?", 0, None),
            ("how do I get a gift card", 0, None), ("gift card balance", 0, None),
            ("get my money back", 4, None), ("how can i get my money back", 4, None),
            ("money back", 4, "billing/refunds/"),
            ("how to", 0, None), ("how to", 0, None),
            *[("invoice", 2, "billing/invoices/")] * 5,
        ]:
            store.log_search(query, results, opened, source=BROWSER).result()
        report = build_report(store, 0.0, gaps=3)
    # What customers search for most, found or not, counted the same way.
    assert [(g.query, g.searches) for g in report.top_searches] == [
        ("invoice", 5), ("gift cards", 4), ("money back", 3)]
    # Each wording apart, "gift cards" (2) would tie with "how to", and the money-back question
    # would be two rows below it (its searches that found what they wanted not counted in);
    # "gift card balance" asks for something more. A wording of filler alone stays as it is.
    assert [(g.query, g.searches, g.no_result, g.no_click, g.wordings) for g in report.gaps] == [
        ("gift cards", 4, 4, 0, ["Gift card?", "how do I get a gift card"]),
        ("money back", 3, 0, 2, ["get my money back", "how can i get my money back"]),
        ("how to", 2, 2, 0, []),
    ]
    table = render(report, "table")
    assert "(also: Gift card?, how do I get a gift card)" in table
    assert table.index("Content gaps") < table.index("Top searches") < table.index("invoice")
    assert json.loads(render(report, "json"))["gaps"][0]["wordings"] == [
        "Gift card?", "how do I get a gift card"]
    html = render(report, "html")
    assert "(also: Gift card?, how do I get a gift card)" in html
    assert html.index("<h2>Top searches</h2>") < html.index("<td>invoice</td>")


def test_every_format(db: str) -> None:
    with open_store(db) as store:
        report = build_report(store, 0.0)
    table = render(report, "table")
    assert "Articles most in need of work" in table and "[email]" in table
    data = json.loads(render(report, "json"))
    assert data["votes"] == 344 and data["needs_work"][0]["id"] == "broken"
    # Times as ISO 8601 in UTC and days as dates, as people and tools read them.
    assert data["since"] is None
    generated = datetime.fromisoformat(data["generated"])
    assert data["generated"].endswith("Z") and abs(generated.timestamp() - time.time()) < 600
    today = datetime.now(UTC).date()
    assert [d["day"] for d in data["days"]][-5:] == [
        (today - timedelta(days=n)).isoformat() for n in range(4, -1, -1)]
    comment = data["needs_work"][0]["comments"][0]
    assert comment["at"][:10] == today.isoformat() and comment["at"].endswith("Z")
    with open_store(db) as store:
        dated = json.loads(render(build_report(store, time.time() - 7 * DAY), "json"))
    assert datetime.fromisoformat(dated["since"]).date() == today - timedelta(days=7)
    rows = list(csv.DictReader(io.StringIO(render(report, "csv"))))
    assert {r["id"] for r in rows} == {"popular", "broken", "small", "old"}
    # A comment a spreadsheet would run as a formula is text there.
    with open_store(db) as store:
        store.submit_vote(Vote("small", "r1", False, "client-f0001", "Hard to follow",
                               '=HYPERLINK("http://evil.example","click")')).result()
        formula = build_report(store, 0.0)
    small = next(r for r in csv.DictReader(io.StringIO(render(formula, "csv")))
                 if r["id"] == "small")
    assert small["latest_comment"].startswith("'=HYPERLINK(")
    html = render(report, "html", site_name="<Acme>")
    assert "<script>alert" not in html and "&lt;script&gt;alert(" in html
    assert "&lt;Acme&gt;" in html and html.count("<svg") == 2
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_html_report_passes_axe(db: str, browser, tmp_path: Path, scheme: str) -> None:
    with open_store(db) as store:
        report = build_report(store, 0.0)
    dashboard = tmp_path / "report.html"
    dashboard.write_text(render(report, "html", site_name="Acme"), encoding="utf-8")
    page = browser.new_page(color_scheme=scheme)
    page.goto(dashboard.as_uri())
    assert axe_violations(Axe(), page) == []
    page.close()


def test_cli_report_writes_html_and_errors_are_one_line(db: str, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        main,
        [
            "report",
            "--db",
            db,
            "--since",
            "all",
            "--format",
            "html",
            "-o",
            str(out),
            "-f",
            str(tmp_path / "none.yml"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("<!DOCTYPE html>")
    result = CliRunner().invoke(
        main, ["report", "--db", str(tmp_path / "nope.db"), "-f", str(tmp_path / "none.yml")]
    )
    assert result.exit_code == 1 and result.output == (
        f"Error: {tmp_path / 'nope.db'}: no such file; point --db at the feedback database "
        "'kbgen serve' writes (.kbgen/feedback.db beside the site, unless it was given --db)\n")
    assert not (tmp_path / "nope.db").exists()
    result = CliRunner().invoke(main, ["report", "--help"])
    assert "Example:" in result.output and "--since" in result.output


def _report(db: str, tmp_path: Path, *options: str) -> Result:
    return CliRunner().invoke(
        main, ["report", "--db", db, "-f", str(tmp_path / "none.yml"), *options])


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir()}


@pytest.mark.parametrize("tables", [["CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)",
                                     "INSERT INTO customers (name) VALUES ('Ada')"], []])
def test_report_on_a_database_that_is_not_kbgen_s_leaves_it_as_it_was(
    tmp_path: Path, tables: list[str]
) -> None:
    other = tmp_path / "data" / "app.db"
    other.parent.mkdir()
    with contextlib.closing(sqlite3.connect(other)) as conn:  # another app's, or an empty file
        for statement in tables:
            conn.execute(statement)
        conn.commit()
    before = _files(other.parent)
    for db in (str(other), f"sqlite:///{other}"):
        result = _report(db, tmp_path)
        assert result.exit_code == 1 and result.output == (
            f"Error: SQLite {other} is not a kbgen feedback database (none of kbgen's tables "
            "are in it); point --db at the feedback database 'kbgen serve' writes\n")
    assert _files(other.parent) == before


def test_report_reads_an_older_schema_without_migrating_it(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = Path(db.removeprefix("sqlite:///")).parent
    before = _files(folder)
    # As a later kbgen, whose schema has one more version, meets this database.
    monkeypatch.setattr(migrations, "VERSIONS",
                        [*migrations.VERSIONS, ["CREATE TABLE kbgen_later (x INTEGER)"]])
    result = _report(db, tmp_path, "--since", "all", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["votes"] == 344
    assert _files(folder) == before


@pytest.mark.postgres
def test_report_on_postgresql_creates_no_tables(tmp_path: Path) -> None:
    import psycopg

    empty = fresh_schema_url()
    result = _report(empty, tmp_path)
    assert result.exit_code == 1 and "is not a kbgen feedback database" in result.output
    with psycopg.connect(empty) as conn:
        assert conn.execute("SELECT to_regclass('kbgen_schema')").fetchone() == (None,)
    filled = fresh_schema_url()
    with open_store(filled) as store:
        store.record_vote(Vote("billing/refunds", "r1", True, "client-0001"))
    result = _report(filled, tmp_path, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["votes"] == 1


def test_a_report_of_no_votes_says_so(tmp_path: Path) -> None:
    empty = f"sqlite:///{tmp_path / 'feedback.db'}"
    with open_store(empty):
        pass  # a store 'kbgen serve' made, that no reader has voted in yet
    result = _report(empty, tmp_path, "--since", "all")
    assert result.exit_code == 0, result.output
    assert result.output == "Feedback all time: 0 votes; 0 searches logged\nNo votes yet.\n"
    result = _report(empty, tmp_path, "--since", "2024-01-31")
    assert result.output.splitlines()[-1] == "No votes since 2024-01-31."
    html = _report(empty, tmp_path, "--since", "2024-01-31", "--format", "html").output
    assert "<p class='muted'>No votes since 2024-01-31.</p>" in html


def test_since_a_date_in_the_future_is_a_clear_error(db: str, tmp_path: Path) -> None:
    now = 1_700_000_000.0  # 2023-11-14
    with pytest.raises(KbgenError, match=r"--since '2023-11-16' is in the future"):
        parse_since("2023-11-16", now)
    assert parse_since("2023-11-15", now) == 1_700_006_400.0  # today, where clocks run ahead
    later = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 400 * DAY))
    result = _report(db, tmp_path, "--since", later)
    today = time.strftime("%Y-%m-%d", time.gmtime())
    assert result.exit_code == 1 and result.output == (
        f"Error: --since '{later}' is in the future, so there is nothing to report yet; give a "
        f"date up to today ({today}), a span such as 30d, or 'all'\n")


def test_a_long_comment_is_cut_in_the_table_only(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'feedback.db'}"
    comment = ("The steps do not match what I see on the screen at all. " * 18)[:999] + "."
    assert len(comment) == 1000 and comment.endswith(" on the screen.")
    with open_store(url) as store:
        store.submit_vote(Vote("billing/refunds", "r1", False, "client-l0001", None, comment))
    table = _report(url, tmp_path, "--since", "all").output
    needs_work = table[:table.index("All articles")].splitlines()
    assert len(needs_work) < 12, table  # not a line of the terminal for each 60 characters
    shown = " ".join(line.split("│")[-2].strip() for line in needs_work
                     if line.startswith("│"))
    assert shown.endswith(" match what I…") and len(shown) <= 200, shown
    assert comment.startswith(shown.removesuffix("…"))
    assert json.loads(_report(url, tmp_path, "--format", "json").output)[
        "articles"][0]["comments"][0]["text"] == comment
    [csv_row] = csv.DictReader(io.StringIO(_report(url, tmp_path, "--format", "csv").output))
    assert csv_row["latest_comment"] == comment
    assert comment in _report(url, tmp_path, "--format", "html").output


@pytest.mark.browser
def test_the_html_report_fits_a_phone_and_its_charts_stay_readable(db: str, browser,
                                                                  tmp_path: Path) -> None:
    with open_store(db) as store:
        report = build_report(store, 0.0)
    dashboard = tmp_path / "report.html"
    dashboard.write_text(render(report, "html", site_name="Acme"), encoding="utf-8")
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        page.goto(dashboard.as_uri())
        # The page doesn't scroll sideways; the wide tables scroll in their own box.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.evaluate("""() => [...document.querySelectorAll('.wide')]
            .some(box => box.scrollWidth > box.clientWidth)""")
        # Chart labels are drawn at 10 px or more on the screen.
        sizes = page.evaluate("""() => [...document.querySelectorAll('svg text')]
            .map(t => t.getBoundingClientRect().height)""")
        assert sizes and min(sizes) >= 10, sizes
        page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
    finally:
        page.close()
