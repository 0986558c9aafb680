"""`kbgen search`: the table, --json, --queries, limits and filters, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from search_fixtures import BuiltSite, build_small_kb

from kbgen.cli import main


@pytest.fixture(scope="module")
def small_kb(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    return build_small_kb(tmp_path_factory.mktemp("cli-search"))


def run(small_kb: BuiltSite, *args: str) -> str:
    result = CliRunner().invoke(main, ["search", "-f", str(small_kb.config), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_prints_a_table_best_first(small_kb: BuiltSite):
    out = run(small_kb, "how do I get my money back?")
    assert "Get a refund" in out
    assert "billing/refunds/" in out


def test_json_has_site_relative_urls_and_scores(small_kb: BuiltSite):
    answer = json.loads(run(small_kb, "forgot password", "--json"))
    top = answer["results"][0]
    assert top["url"].startswith("account/password/")
    assert top["title"] == "Reset your password"
    assert isinstance(top["score"], float) and answer["total"] >= 1


def test_queries_file_prints_one_json_object_a_line(small_kb: BuiltSite, tmp_path: Path):
    queries = tmp_path / "q.txt"
    queries.write_text("track my parcel\n\ndownload invoice\n", encoding="utf-8")
    lines = run(small_kb, "--queries", str(queries), "--limit", "2").splitlines()
    answers = [json.loads(line) for line in lines]
    assert [a["query"] for a in answers] == ["track my parcel", "download invoice"]
    assert all(len(a["results"]) <= 2 for a in answers)
    assert answers[0]["results"][0]["url"].startswith("shipping/track-order/")
    assert {"url", "title", "score"} <= set(answers[1]["results"][0])


def test_category_and_type_filters(small_kb: BuiltSite):
    faq = json.loads(run(small_kb, "order", "--type", "faq", "--json"))["results"]
    assert faq and all(r["type"] == "faq" for r in faq)
    billing = json.loads(run(small_kb, "order", "--category", "billing", "--json"))["results"]
    assert billing and all(r["category"] == "billing" for r in billing)


def test_the_writers_queries_find_their_article(small_kb: BuiltSite):
    answer = json.loads(run(small_kb, "gdpr erasure", "--json"))
    assert answer["results"][0]["title"] == "Delete your account"


def test_typos_get_a_did_you_mean(small_kb: BuiltSite):
    answer = json.loads(run(small_kb, "pasword reset", "--json"))
    assert answer["did_you_mean"] == "password reset"
    assert answer["results"][0]["title"] == "Reset your password"


def test_a_site_never_built_is_one_clear_line(tmp_path: Path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: X\ntheme: {name: material}\n"
                                         "plugins: [kbgen]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["search", "x", "-f", str(tmp_path / "mkdocs.yml")])
    assert result.exit_code == 1
    assert "run 'kbgen build' first" in result.output
    assert "Traceback" not in result.output


def test_help_has_an_example():
    result = CliRunner().invoke(main, ["search", "--help"])
    assert result.exit_code == 0 and "kbgen search \"" in result.output


def test_a_queries_file_that_is_not_utf8_names_the_line_and_runs_nothing(small_kb: BuiltSite,
                                                                          tmp_path: Path):
    queries = tmp_path / "q.txt"
    queries.write_bytes("track my parcel\nr\xe9sum\xe9\n".encode("latin-1"))
    result = CliRunner().invoke(main, ["search", "-f", str(small_kb.config), "--queries",
                                       str(queries)])
    assert result.exit_code == 1
    assert f"{queries}, line 2: not UTF-8 text (byte 0xe9); save the file as UTF-8" in result.output
    assert "track my parcel" not in result.output and "Traceback" not in result.output


def test_an_unknown_category_lists_the_known_ones(small_kb: BuiltSite):
    result = CliRunner().invoke(main, ["search", "-f", str(small_kb.config), "order",
                                       "--category", "bililng"])
    assert result.exit_code == 1
    assert "no category 'bililng'; the categories are account, billing, shipping" in result.output


def test_explain_says_how_each_word_matched_and_where(small_kb: BuiltSite):
    plain = json.loads(run(small_kb, "reimbursement", "--json"))
    explained = json.loads(run(small_kb, "reimbursement", "--json", "--explain"))
    # The same ranking, with the reasons beside it.
    assert [(r["url"], r["score"]) for r in explained["results"]] == [
        (r["url"], r["score"]) for r in plain["results"]]
    top = explained["results"][0]
    assert top["title"] == "Get a refund"
    assert top["explain"]["words"] == [{
        "word": "reimbursement", "term": "refund", "how": "synonym",
        "in": ["title", "intro", "heading (Request a refund)", "text (When the money arrives)"]}]
    assert top["explain"]["doubled"] == "title" and top["explain"]["coverage"] == 1.0
    typo = json.loads(run(small_kb, "refnud", "--json", "--explain"))["results"][0]["explain"]
    assert typo["words"][0]["how"] == "typo"
    table = run(small_kb, "get a refund", "--explain")
    assert "every word in its title: x2" in table and "100% of the question" in table


def test_what_a_reader_typed_is_printed_as_typed(small_kb: BuiltSite):
    # rich read "[/oops]" as a closing tag and raised, a traceback instead of the answer.
    assert "No articles match 'zzqx [/oops]'" in run(small_kb, "zzqx [/oops]")
    assert "Did you mean: refund [/b]?" in run(small_kb, "refnud [/b]")
