"""The `kbgen` command: parses options, calls the library, prints results. Nothing more."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any, BinaryIO

import click
from rich.console import Console
from rich.logging import RichHandler
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from kbgen import __version__, progress
from kbgen.errors import FilterError, KbgenError
from kbgen.words import counted

console = Console(stderr=True)
DB_OPTION = click.option(
    "--db", default=None, metavar="URL",
    help="Feedback store: sqlite:///relative.db, sqlite:////absolute.db or postgresql://... "
         "(default: .kbgen/feedback.db beside the site).",
)
CONFIG_OPTION = click.option(
    "-f", "--config-file", default="mkdocs.yml", show_default=True,
    type=click.Path(dir_okay=False), help="The help center's mkdocs.yml.",
)
# The commands that read what a build wrote find it beside the site, wherever `build -d` put it.
BUILT_SITE_OPTION = click.option(
    "-d", "--site-dir", default=None,
    help="The site 'kbgen build -d' wrote, if not mkdocs.yml's (default: site/).",
)


class _RichReporter:
    """Shows build stages as rich progress bars on a terminal."""

    def __init__(self, bar: Progress) -> None:
        self._bar = bar
        self._task: TaskID | None = None

    def stage(self, name: str, total: int) -> None:
        if self._task is not None:
            self._bar.update(self._task, completed=self._bar.tasks[self._task].total)
        self._task = self._bar.add_task(name, total=total)

    def advance(self) -> None:
        if self._task is not None:
            self._bar.advance(self._task)


def _setup_logging(verbose: bool) -> None:
    handler: logging.Handler
    if console.is_terminal:
        handler = RichHandler(console=console, show_time=False, show_path=False, markup=False)
        handler.setFormatter(logging.Formatter("%(message)s"))
    else:  # Logs in CI and in files: one unwrapped line per message.
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-8s %(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.DEBUG if verbose else logging.WARNING)
    logger.propagate = False


def fail(error: Exception) -> None:
    """Print one clear line (or a short list) and exit non-zero: never a traceback."""
    raise click.ClickException(str(error))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kbgen")
def main() -> None:
    """kbgen turns Markdown help articles into a searchable help center.

    \b
    Example:
      kbgen init my-help-center && cd my-help-center && kbgen build && kbgen serve
    """


@main.command()
@CONFIG_OPTION
@click.option("--strict", is_flag=True, help="Fail on any warning or front matter problem.")
@click.option("-d", "--site-dir", default=None, help="Where to write the site (default: site/).")
@click.option("-v", "--verbose", is_flag=True, help="Show MkDocs' informational messages too.")
def build(config_file: str, strict: bool, site_dir: str | None, verbose: bool) -> None:
    """Build the help center into a static site.

    \b
    Example:
      kbgen build --strict -f mkdocs.yml
    """
    from kbgen.build import build_site

    _setup_logging(verbose)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True,
                  disable=not console.is_terminal) as bar:
        progress.use(_RichReporter(bar))
        try:
            summary = build_site(config_file, strict=strict, site_dir=site_dir)
        except KbgenError as exc:
            fail(exc)
        finally:
            progress.use(None)
    click.echo(summary.line())


@main.command()
@CONFIG_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free one).")
@click.option("--build/--no-build", "rebuild", default=False,
              help="Build the site first (default: serve what is built).")
@BUILT_SITE_OPTION
@DB_OPTION
@click.option("--cors-origin", "cors_origins", multiple=True, metavar="ORIGIN",
              help="Another origin whose pages may call the API (repeatable), e.g. "
                   "https://help.example.com when the site is hosted apart from the service.")
@click.option("--rate-limit", default=None, type=click.IntRange(min=0),
              help="Votes (and search-log events) a minute per client address; 0: no limit "
                   "[default: 60].")
def serve(config_file: str, host: str, port: int, rebuild: bool, site_dir: str | None,
          db: str | None, cors_origins: tuple[str, ...], rate_limit: int | None) -> None:
    """Serve the built help center and its API on http://127.0.0.1:8000.

    Votes go to a SQLite file beside the site (.kbgen/feedback.db) unless --db says otherwise.

    \b
    Example:
      kbgen build && kbgen serve --port 8000
      kbgen serve --db postgresql://kb@db.internal/help --cors-origin https://help.example.com
    """
    from kbgen.build import build_site, load_help_center
    from kbgen.service.feedback_api import DEFAULT_RATE_LIMIT
    from kbgen.service.run import run

    _setup_logging(False)
    try:
        if rebuild:
            click.echo(build_site(config_file, site_dir=site_dir).line())
        config = load_help_center(config_file, site_dir=site_dir)
        run(config.site_dir, host=host, port=port, db_url=db, cors_origins=cors_origins,
            rate_limit=DEFAULT_RATE_LIMIT if rate_limit is None else rate_limit)
    except KbgenError as exc:
        fail(exc)


@main.command()
@CONFIG_OPTION
@click.option("--queries", "with_queries", is_flag=True,
              help="Also search each article's `queries` in the last build's index: each must "
                   "find its article among the first 3 results.")
def check(config_file: str, with_queries: bool) -> None:
    """Check every article's front matter without building; exit 1 on any problem.

    \b
    Example:
      kbgen check -f mkdocs.yml
      kbgen build && kbgen check --queries
    """
    from kbgen.build import load
    from kbgen.check import check_docs, check_queries
    from kbgen.paths import shown_root, state_dir

    try:
        config = load(config_file)
        docs_dir = Path(config.docs_dir)
        shown = shown_root(docs_dir, config.config_file_path)
        problems, checked = check_docs(docs_dir, shown)
        searched = 0
        if with_queries:
            from kbgen.search.searcher import Searcher

            with Searcher(state_dir(config.site_dir, config.config_file_path)) as searcher:
                found, searched = check_queries(checked, searcher, shown)
            problems += found
    except KbgenError as exc:
        fail(exc)
    for problem in problems:
        click.echo(str(problem))
    what = counted(len(checked), "article")
    if with_queries:
        what += f" and {counted(searched, 'query', 'queries')}"
    click.echo(f"Checked {what}: {counted(len(problems), 'problem')}.")
    if problems:
        sys.exit(1)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--name", default=None, help="The help center's name (default: from DIRECTORY).")
def init(directory: str, name: str | None) -> None:
    """Start a new help center in DIRECTORY, with an example article of each type.

    \b
    Example:
      kbgen init acme-help --name "Acme Help Center"
    """
    from kbgen.scaffold import init_site

    try:
        if not directory.strip():
            raise KbgenError("DIRECTORY is empty; name the folder to create: kbgen init help")
        written = init_site(Path(directory), name)
    except KbgenError as exc:
        fail(exc)
    for path in written:
        click.echo(f"created {path}")
    click.echo(f"Next: cd {directory} && kbgen build && kbgen serve")


@main.command()
@click.argument("title")
@click.option("--type", "kind", default="article", show_default=True,
              type=click.Choice(["article", "tutorial", "faq", "troubleshooting"]),
              help="The article's type; each has its own template.")
@click.option("--category", default="general", show_default=True,
              help="The category folder under docs/.")
@click.option("--description", default=None, help="One sentence for results and meta tags.")
@click.option("--docs-dir", default=None, type=click.Path(file_okay=False),
              help="The docs folder (default: mkdocs.yml's docs_dir, else docs/).")
@CONFIG_OPTION
def new(title: str, kind: str, category: str, description: str | None, docs_dir: str | None,
        config_file: str) -> None:
    """Write a new article from the template of its type.

    \b
    Example:
      kbgen new "Get a refund" --type tutorial --category billing
    """
    from kbgen.build import load
    from kbgen.scaffold import new_article

    try:
        if docs_dir is None:  # where the build reads articles from, when there is a mkdocs.yml
            found = Path(config_file).is_file()
            docs_dir = os.path.relpath(load(config_file).docs_dir) if found else "docs"
        path = new_article(Path(docs_dir), title, kind, category, description)
    except KbgenError as exc:
        fail(exc)
    click.echo(f"created {path}")


@main.command()
@CONFIG_OPTION
@BUILT_SITE_OPTION
@DB_OPTION
@click.option("--since", default="30d", show_default=True,
              help="Period: a span (30d, 12h, 2w), a date (2025-01-31) or 'all'.")
@click.option("--format", "fmt", default="table", show_default=True,
              type=click.Choice(["table", "json", "csv", "html"]),
              help="table for a terminal, json or csv for scripts, html for a dashboard.")
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False),
              help="Write to FILE instead of standard output.")
def report(config_file: str, site_dir: str | None, db: str | None, since: str, fmt: str,
           output: str | None) -> None:
    """Report helpfulness per article, the articles most in need of work, content gaps and
    top searches.

    \b
    Example:
      kbgen report --since 30d
      kbgen report --format html -o feedback.html && xdg-open feedback.html
    """
    from kbgen.report.run import write_report

    try:
        text = write_report(config_file, site_dir=site_dir, db_url=db, since=since, fmt=fmt,
                            output=output)
    except KbgenError as exc:
        fail(exc)
    if output is None:
        click.echo(text, nl=False)
    else:
        click.echo(f"wrote {output}", err=True)


@main.command()
@click.argument("query", required=False)
@CONFIG_OPTION
@BUILT_SITE_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@click.option("--queries", "queries_file", type=click.File("rb"), default=None,
              help="Run every query in FILE (one a line); print one JSON object a line.")
@click.option("-n", "--limit", default=10, show_default=True, type=click.IntRange(1, 100),
              help="How many results to show.")
@click.option("--category", default=None, help="Only articles of this category (its folder name).")
@click.option("--type", "kind", default=None,
              type=click.Choice(["article", "tutorial", "faq", "troubleshooting"]),
              help="Only articles of this type.")
@click.option("--explain", is_flag=True,
              help="Say why each result ranks where it does: how each word matched, and where.")
def search(query: str | None, config_file: str, site_dir: str | None, as_json: bool,
           queries_file: BinaryIO | None, limit: int, category: str | None, kind: str | None,
           explain: bool) -> None:
    """Search the built help center, ranked exactly as its search box ranks.

    \b
    Examples:
      kbgen search "how do I get my money back?"
      kbgen search refund --type faq --json
      kbgen search "cancel my plan" --explain
      kbgen search --queries questions.txt > answers.jsonl
    """
    import json

    from kbgen.build import load_help_center
    from kbgen.paths import state_dir
    from kbgen.search.searcher import Searcher

    if not query and queries_file is None:
        fail(KbgenError("give a QUERY, or --queries FILE with one query a line"))
    try:
        queries = _read_queries(queries_file) if queries_file is not None else None
        config = load_help_center(config_file, site_dir=site_dir)
        with Searcher(state_dir(config.site_dir)) as searcher:
            try:
                searcher.check_filters(category, kind)
            except FilterError as exc:
                raise KbgenError(f"--{exc}") from None

            def ask(text: str) -> dict[str, Any]:
                return searcher.search(text, limit=limit, category=category, type=kind,
                                       explain=explain)

            if queries is not None:
                for text in queries:
                    click.echo(json.dumps(ask(text), ensure_ascii=False))
                return
            answer = ask(query or "")
    except KbgenError as exc:
        fail(exc)
    if as_json:
        click.echo(json.dumps(answer, ensure_ascii=False, indent=1))
        return
    _print_results(answer)


def _read_queries(source: BinaryIO) -> list[str]:
    """The queries in a --queries file, one a line, blank lines skipped; all read before any is
    run, so a file that is not text stops the run before it prints anything."""
    queries = []
    for number, raw in enumerate(source, start=1):
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise KbgenError(f"{source.name}, line {number}: not UTF-8 text (byte "
                             f"0x{raw[exc.start]:02x}); save the file as UTF-8") from None
        if line.strip():
            queries.append(line.rstrip("\r\n"))
    return queries


def _print_results(answer: dict[str, object]) -> None:
    from rich.table import Table
    from rich.text import Text

    # What readers typed is printed as text, never read as rich's markup ("[/b]" raised).
    out = Console(markup=False, highlight=False)
    if not out.is_terminal:  # Piped or logged: wide enough that URLs stay on one line.
        out = Console(width=160, markup=False, highlight=False)
    if answer.get("did_you_mean"):
        out.print(Text.assemble("Did you mean: ", (str(answer["did_you_mean"]), "bold"), "?"))
    results, total = answer["results"], answer["total"]
    assert isinstance(results, list) and isinstance(total, int)
    if not results:
        out.print(f"No articles match {answer['query']!r}. Try fewer or other words.")
        return
    table = Table(title=counted(total, "matching article"), title_justify="left")
    # Long URLs (business-central's run past 100 characters) fold onto more lines rather than
    # squeeze the title into a column a few letters wide; category and type go under the title.
    table.add_column("#", justify="right")
    table.add_column("Title", min_width=24, ratio=1, overflow="fold")
    table.add_column("Score", justify="right")
    table.add_column("URL", min_width=24, ratio=1, overflow="fold")
    for rank, result in enumerate(results, start=1):
        title = Text(result["title"])
        title.append(f"\n{result['category_title']} · {result['type_label']}", style="dim")
        if "explain" in result:
            title.append(f"\n{_explained(result['explain'])}", style="italic")
        table.add_row(str(rank), title, f"{result['score']:.2f}", Text(result["url"]))
    out.print(table)


def _explained(why: dict[str, Any]) -> str:
    """`refund: title, queries, text (Steps) · money back: synonym, body · all in the title: x2`."""
    parts = []
    for match in why["words"]:
        how = "" if match["how"] == "word" else f" as {match['how']} {match['term']!r}"
        parts.append(f"{match['word']}{how}: {', '.join(match['in']) or 'description or tags'}")
    share = f"{why['coverage']:.0%} of the question"
    extras = [share]
    if why["doubled"]:
        extras.append(f"every word in its {why['doubled']}: x2")
    if why["boost"] != 1:
        extras.append(f"boost x{why['boost']:g}")
    return " · ".join(parts + extras)
