"""Front matter mistakes: a clear message naming file, line and field, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, article

from kbgen.articles import parse_article

GOOD = article("Get a refund", "How to get your money back.")


def kbgen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the real `kbgen` command in `cwd`."""
    return subprocess.run([sys.executable, "-m", "kbgen", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


BAD_FILES = {
    "bad type": (
        "---\ntitle: Refunds\ndescription: Money back.\ntype: guide\n---\nBody\n",
        "docs/billing/refunds.md:4: type: 'guide' is not one of article, tutorial, faq, "
        "troubleshooting",
    ),
    "missing title": (
        "---\ndescription: Money back.\n---\nBody\n",
        "docs/billing/refunds.md:1: title: required",
    ),
    "invalid yaml": (
        "---\ntitle: Refunds\ndescription: [unclosed\n---\nBody\n",
        "docs/billing/refunds.md:3: front matter is not valid YAML (a '[' opened on this line is "
        "never closed)",
    ),
    "an unclosed quote": (
        "---\ntitle: \"Get a refund\ndescription: Money back.\ntags: [refunds]\n---\nBody\n",
        "docs/billing/refunds.md:2: front matter is not valid YAML (a quote opened on this line "
        "is never closed)",
    ),
    "a bracket closed but wrong inside": (
        "---\ntitle: Refunds\ndescription: Money back.\ntags: [a: b: c, d]\n---\nBody\n",
        "docs/billing/refunds.md:4: front matter is not valid YAML (did not find expected ',' or "
        "']')",
    ),
    "not utf-8": (
        b"---\ntitle: Caf\xe9\ndescription: Coffee.\n---\n",
        "docs/billing/refunds.md:2: the file is not UTF-8",
    ),
    "empty file": ("", "docs/billing/refunds.md:1: the file is empty"),
    "bad search boost": (
        "---\ntitle: Refunds\ndescription: Money back.\nsearch:\n  exclude: false\n"
        "  boost: high\n---\nBody\n",
        "docs/billing/refunds.md:6: search.boost: 'high' is not a number above 0",
    ),
    "a date that does not exist": (
        "---\ntitle: Refunds\ndescription: Money back.\nreviewed: 2026-02-30\n---\nBody\n",
        "docs/billing/refunds.md:4: reviewed: '2026-02-30' is not a value YAML can read (day is "
        "out of range for month)",
    ),
    "a value its tag cannot make": (
        "---\ntitle: Refunds\ndescription: Money back.\nms.date: 2026-01-01\n"
        "custom: !!int abc\n---\nBody\n",
        "docs/billing/refunds.md:5: custom: 'abc' is not a value YAML can read",
    ),
    "draft in quotes": (
        "---\ntitle: Refunds\ndescription: Money back.\ndraft: \"false\"\n---\nBody\n",
        "docs/billing/refunds.md:4: draft: 'false' is not true or false; write draft: false "
        "without quotes",
    ),
    "feedback in quotes": (
        "---\ntitle: Refunds\ndescription: Money back.\nfeedback: 'no'\n---\nBody\n",
        "docs/billing/refunds.md:4: feedback: 'no' is not true or false",
    ),
}
# What a normal build does instead of leaving the article out.
FALLBACKS = {"bad type": "(building it as 'article')",
             "bad search boost": "(ranking it as any other)",
             "draft in quotes": "(reading it as false)",
             "feedback in quotes": "(reading it as false)"}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_strict_build_fails_with_a_clear_message(make_kb, case):
    content, expected = BAD_FILES[case]
    kb = make_kb({"billing/refunds.md": content, "billing/invoices.md": GOOD})
    result = kbgen("build", "--strict", cwd=kb)
    assert result.returncode == 1
    assert expected in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_normal_build_warns_and_carries_on(make_kb, case):
    content, expected = BAD_FILES[case]
    kb = make_kb({"billing/refunds.md": content, "billing/invoices.md": GOOD})
    result = kbgen("build", cwd=kb)
    assert result.returncode == 0, result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert (kb / "site/billing/invoices/index.html").is_file()
    built = (kb / "site/billing/refunds/index.html").is_file()
    if case in FALLBACKS:
        assert FALLBACKS[case] in result.stderr
        assert built
    else:
        assert "(the article is left out)" in result.stderr
        assert not built


def test_check_lists_every_problem_and_exits_1(make_kb):
    kb = make_kb({
        "billing/refunds.md": BAD_FILES["bad type"][0],
        "billing/empty.md": "",
        "billing/invoices.md": GOOD + "\nSee [missing](nowhere.md).\n"
                               "[!INCLUDE [terms](../includes/terms.md)]\n"
                               "Write `[!INCLUDE[name](file.md)]` or `[text](other.md)`.\n"
                               "~~~~markdown\n```\n[code](fenced.md)\n~~~~\n"
                               "<!-- Left out for now:\n\n[draft](commented.md)\n-->\n",
    })
    result = kbgen("check", cwd=kb)
    assert result.returncode == 1
    assert "docs/billing/refunds.md:4: type: 'guide'" in result.stdout
    assert "docs/billing/empty.md:1: the file is empty" in result.stdout
    assert "docs/billing/invoices.md:7: link to 'nowhere.md': no such article" in result.stdout
    assert ("docs/billing/invoices.md:8: [!INCLUDE] of '../includes/terms.md': no such file"
            in result.stdout)
    assert "link to '../includes/terms.md'" not in result.stdout
    assert "file.md" not in result.stdout and "other.md" not in result.stdout  # code, as written
    assert "fenced.md" not in result.stdout and "commented.md" not in result.stdout
    assert "Checked 3 articles: 4 problems." in result.stdout


def test_check_decodes_percent_encoded_links_as_the_build_does(make_kb):
    kb = make_kb({
        "billing/my article.md": article("Mine"),
        "billing/café.md": article("Café"),
        "billing/invoices.md": GOOD + "\nSee [mine](my%20article.md), [café](caf%C3%A9.md#top) "
                                      "and [gone](no%20such.md).\n",
    })
    result = kbgen("check", cwd=kb)
    assert result.returncode == 1
    assert "docs/billing/invoices.md:7: link to 'no%20such.md': no such article" in result.stdout
    assert "my%20article.md" not in result.stdout and "caf%C3%A9.md" not in result.stdout
    assert result.stdout.rstrip().endswith("Checked 3 articles: 1 problem.")
    built = kbgen("build", cwd=kb)  # MkDocs finds the same two, and misses the same one
    assert "links to missing articles: 1 in 1 file" in built.stderr
    assert 'href="../my%20article/"' in (kb / "site/billing/invoices/index.html").read_text("utf-8")


def test_check_reads_every_file_mkdocs_builds_as_an_article(make_kb):
    kb = make_kb({"billing/refunds.markdown": BAD_FILES["bad type"][0],
                  "billing/invoices.md": GOOD + "\nSee [refunds](refunds.markdown).\n"})
    result = kbgen("check", cwd=kb)
    assert "docs/billing/refunds.markdown:4: type: 'guide'" in result.stdout
    assert "link to" not in result.stdout
    assert result.stdout.rstrip().endswith("Checked 2 articles: 1 problem.")


def test_an_article_with_an_upper_case_extension_is_named_not_copied(make_kb):
    kb = make_kb({"billing/invoices.md": GOOD, "billing/Guide.MD": article("Guide"),
                  "account/x.Md": article("X"), "includes/Terms.MD": "Terms."})
    expected = ["docs/billing/Guide.MD:1: the extension '.MD' is not lower case, so the file is "
                "not built as an article (MkDocs reads only lower-case extensions as Markdown); "
                "rename it to 'Guide.md'",
                "docs/account/x.Md:1: the extension '.Md' is not lower case"]
    checked = kbgen("check", cwd=kb)
    assert checked.returncode == 1
    assert all(line in checked.stdout for line in expected), checked.stdout
    assert "Terms.MD" not in checked.stdout  # a snippet: included by its path, as written
    assert checked.stdout.rstrip().endswith("Checked 1 article: 2 problems.")
    strict = kbgen("build", "--strict", cwd=kb)
    assert strict.returncode == 1
    assert all(line in strict.stderr for line in expected) and "Traceback" not in strict.stderr
    normal = kbgen("build", cwd=kb)
    assert normal.returncode == 0, normal.stderr
    assert f"{expected[0]} (the file is left out of the site)" in normal.stderr
    assert (kb / "site/billing/invoices/index.html").is_file()
    assert not (kb / "site/billing/Guide.MD").exists() and not (kb / "site/account").exists()


def test_unknown_keys_are_kept_and_defaults_apply():
    data = (b"---\ntitle: Export data\ndescription: To Excel.\nms.topic: article\n"
            b"ms.date: 04/07/2025\nms.search.keywords: excel, export\n---\n# Body\n")
    parsed = parse_article("reports/export.md", data)
    assert parsed.problems == []
    a = parsed.article
    assert a is not None
    assert (a.id, a.category, a.type) == ("reports/export", "reports", "article")
    assert a.meta["ms.topic"] == "article"
    assert a.keywords == ["excel", "export"]
    assert a.updated is not None and a.updated.isoformat() == "2025-04-07"


def test_a_draft_written_unclearly_stays_a_draft_and_feedback_shows():
    head = "---\ntitle: Refunds\ndescription: Money back.\n"
    unclear = parse_article("billing/refunds.md",
                            (head + "draft: maybe\nfeedback: [1]\n---\n").encode())
    assert unclear.article is not None and unclear.article.draft and unclear.article.feedback
    assert [p.line for p in unclear.problems] == [4, 5]
    plain = parse_article("billing/refunds.md", (head + "draft: false\n---\n").encode())
    assert plain.article is not None and not plain.article.draft and not plain.problems


def test_a_title_says_what_is_wrong_with_it():
    def problems(front: str) -> list[str]:
        parsed = parse_article("billing/t.md", f"---\n{front}\ndescription: X.\n---\n".encode())
        return [f"{p.line}: {p.message}" for p in parsed.problems]

    assert problems("title: 1099") == []  # a number is a title too
    assert problems("title: true") == ["2: title: True, not text; write a line such as "
                                       "'title: Get a refund'"]
    assert problems("Title: Refunds")[0].startswith(
        "1: title: required (keys are lower case: found 'Title')")
    assert problems("title:")[0].startswith("2: title: empty")


def test_a_file_that_cannot_be_read_is_named_not_a_traceback(make_kb):
    kb = make_kb({"billing/invoices.md": GOOD})
    (kb / "docs/billing/gone.md").symlink_to(kb / "docs/billing/no-such-file.md")
    (kb / "docs/billing/folder.md").mkdir()
    for command in ("check", "build"):
        result = kbgen(command, cwd=kb)
        output = result.stdout + result.stderr
        assert "docs/billing/gone.md:1: cannot read the file (No such file or directory)" in output
        assert "Traceback" not in output and "folder.md" not in output
    assert (kb / "site/billing/invoices/index.html").is_file()


def test_duplicate_ids_name_both_files(make_kb):
    kb = make_kb({
        "billing/a.md": article("A", id="refunds"),
        "billing/b.md": article("B", id="refunds"),
    })
    result = kbgen("build", "--strict", cwd=kb)
    assert result.returncode == 1
    assert "id: 'refunds' is already used by" in result.stderr


def test_check_finds_the_duplicate_id_the_build_leaves_out(make_kb):
    kb = make_kb({
        "billing/one.md": article("One", id="same-id"),
        "billing/two.md": article("Two", id="same-id"),
        "billing/three.md": article("Three", id="billing/four"),
        "billing/four.md": article("Four"),  # its id is its path: billing/four
    })
    expected = ["docs/billing/two.md:4: id: 'same-id' is already used by docs/billing/one.md; "
                "give this article its own id",
                "docs/billing/three.md:4: id: 'billing/four' is already used by "
                "docs/billing/four.md; give this article its own id"]
    checked = kbgen("check", cwd=kb)
    assert checked.returncode == 1
    assert all(line in checked.stdout for line in expected), checked.stdout
    assert "Checked 4 articles: 2 problems." in checked.stdout
    built = kbgen("build", cwd=kb)
    assert built.returncode == 0, built.stderr
    assert all(f"{line} (the article is left out)" in built.stderr for line in expected)
    assert not (kb / "site/billing/two/index.html").exists()
    assert (kb / "site/billing/one/index.html").is_file()


def test_missing_config_file_is_one_line(tmp_path):
    result = kbgen("build", "-f", "nope.yml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == ("Error: nope.yml: no such file; run 'kbgen init DIR' to start "
                                     "a help center, or pass -f path/to/mkdocs.yml")


def test_markdown_marks_in_a_description_are_left_out():
    data = (b"---\ntitle: Delete workflows\ndescription: Delete a workflow whose steps have a "
            b"**Completed** status; see *Workflows*, `kbgen check` and [the guide](guide.md) "
            b"for VERI*FACTU.\n---\n# Body\n")
    parsed = parse_article("workflows/delete.md", data)
    assert parsed.article is not None
    assert parsed.article.description == (
        "Delete a workflow whose steps have a Completed status; "
        "see Workflows, kbgen check and the guide for VERI*FACTU.")


def test_the_sample_help_center_checks_clean():
    result = kbgen("check", cwd=ROOT)
    assert result.returncode == 0, result.stdout
    assert result.stdout.rstrip().endswith(": 0 problems.")
