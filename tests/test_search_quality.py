"""Search quality on real paraphrased questions (stackfaq), and browser/CLI agreement."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from search_fixtures import STACKFAQ, BuiltSite, build_stackfaq
from site_server import ranged_server, static_server

from kbgen.cli import main
from kbgen.search.evaluation import read_judgements, score

MIN_NDCG = 0.85
MIN_AGREEMENT = 0.95


@pytest.fixture(scope="session")
def stackfaq(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    return build_stackfaq(tmp_path_factory.mktemp("stackfaq"))


@pytest.fixture(scope="session")
def judgements() -> list[tuple[str, str]]:
    return read_judgements(STACKFAQ / "queries-dev.tsv")


@pytest.fixture(scope="session")
def cli_rankings(stackfaq: BuiltSite, judgements: list[tuple[str, str]],
                 tmp_path_factory: pytest.TempPathFactory) -> list[list[str]]:
    """`kbgen search --queries` over every dev question, as a user would run it."""
    queries = tmp_path_factory.mktemp("queries") / "queries.txt"
    queries.write_text("".join(f"{q}\n" for q, _ in judgements), encoding="utf-8")
    result = CliRunner().invoke(main, ["search", "-f", str(stackfaq.config), "--queries",
                                       str(queries), "--limit", "10"])
    assert result.exit_code == 0, result.output
    answers = [json.loads(line) for line in result.output.splitlines()]
    assert [a["query"] for a in answers] == [q for q, _ in judgements]
    return [[r["url"] for r in a["results"]] for a in answers]


def test_cli_search_finds_the_answer_to_real_questions(cli_rankings: list[list[str]],
                                                       judgements: list[tuple[str, str]]):
    scores = score(zip(cli_rankings, (wanted for _, wanted in judgements), strict=False))
    print(scores.line("kbgen (CLI)"))
    assert scores.ndcg >= MIN_NDCG, scores.line("kbgen (CLI)")


def test_the_issue_example_with_a_synonym(tmp_path: Path):
    """'cross out' is the writer's synonym of 'strikethrough'; 'git hub' is read as 'github'."""
    (tmp_path / "synonyms.yml").write_text("strikethrough: cross out\n", encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text(f"site_name: S\ndocs_dir: {STACKFAQ / 'docs'}\n"
                      f"site_dir: {tmp_path / 'site'}\n"
                      "theme: {name: material}\n"
                      "plugins:\n  - kbgen:\n      synonyms: synonyms.yml\n",
                      encoding="utf-8")
    from kbgen.build import build_site

    build_site(config)
    result = CliRunner().invoke(main, ["search", "-f", str(config), "--json",
                                       "how can I cross out my text on git hub?"])
    top = json.loads(result.output)["results"][0]
    assert top["title"] == "Strikethrough with GitHub Markdown"


@pytest.fixture(scope="session", params=["ranges", "no ranges"])
def stackfaq_url(stackfaq: BuiltSite, request: pytest.FixtureRequest) -> Iterator[str]:
    """The site on a host answering byte ranges (the browser fetches pieces of docs.bin and
    terms.bin) and on one answering none (one file a request)."""
    with (ranged_server if request.param == "ranges" else static_server)(stackfaq.site) as url:
        yield url


@pytest.mark.browser
def test_browser_and_cli_agree(browser, stackfaq_url: str, cli_rankings: list[list[str]],
                               judgements: list[tuple[str, str]]):
    page = browser.new_page()
    try:
        page.goto(stackfaq_url)
        page.wait_for_function("window.kbgen && window.kbgen.search")
        in_browser = page.evaluate(
            """async (queries) => {
                 const out = [];
                 for (const q of queries) {
                   out.push((await window.kbgen.search(q, {limit: 10})).map(r => r.url));
                 }
                 return out;
               }""", [q for q, _ in judgements])
    finally:
        page.close()
    same = sum(b == c for b, c in zip(in_browser, cli_rankings, strict=False))
    assert same / len(judgements) >= MIN_AGREEMENT, f"{same} of {len(judgements)} agree"
    scores = score(zip(in_browser, (wanted for _, wanted in judgements), strict=False))
    assert scores.ndcg >= MIN_NDCG, scores.line("kbgen (browser)")
