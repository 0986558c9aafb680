"""Lists indented as GitHub and DocFX write them (three spaces under `1. `) keep their steps,
notes and code together, as on GitHub; and the rewrite never changes anything but indentation."""

from __future__ import annotations

import re

import markdown
from conftest import article
from hypothesis import given, settings
from hypothesis import strategies as st
from test_build import build, html
from test_front_matter import kbgen

from kbgen.site.lists import LIST_BREAK, four_space_lists

# As business-central's articles write their steps.
STEPS = """\
1. Open the **Customer Card** page.

   Choose the customer first.

   > [!NOTE]
   > A legacy layout is set in the **Custom Layout Description** field.

   ```text
   Sales Invoice
     Layout 1
   ```

2. Choose **Document Layouts**.
   - Pick a layout
   - Pick a contact
3. Close the page.

  > [!TIP]
  > Two spaces in, as some migrated articles write it: still this step's tip.

4.	Reopen it.

Done.
"""


def test_steps_stay_one_list_with_their_notes_and_code(make_kb):
    kb = make_kb({"sales/layouts.md": article("Document layouts", body=STEPS)})
    result = kbgen("build", "--strict", cwd=kb)
    assert result.returncode == 0, result.stderr
    body = html(kb / "site", "sales/layouts").split("</h1>", 1)[1]
    steps = re.search(r"(<ol>.*</ol>)\s*<p>Done.</p>", body, re.S)
    assert steps, body
    ol = steps.group(1)
    assert ol.count("<ol>") == 1 and ol.count("</ol>") == 1  # numbering never restarts
    assert "<p>Choose the customer first.</p>" in ol
    assert re.search(r'<div class="admonition note">\s*<p class="admonition-title">Note</p>', ol)
    assert "!!!" not in body
    assert re.search(r"Close the page.</p>\s*<div class=\"admonition tip\">", ol)
    assert ol.count("<li>") == 6
    assert "Sales Invoice\n  Layout 1\n" in re.sub(r"<[^>]+>", "", ol)  # code keeps its indent
    assert re.search(r"<li>\s*<p>Choose <strong>Document Layouts</strong>.</p>\s*<ul>", ol)


# Lists with no blank line above them, as CommonMark starts them and business-central writes them.
UNSPACED = """\
**Data sources**
- Job
- Job task

1. Open the **Bank Accounts** page.
2. In the **No.** field, enter an identifier.

   The field differs from the **Bank Account No.** field.
   - One more point
3. Fill in the fields.
4. Close the page.

Released in
2019. This line is prose, as it is to CommonMark.
"""


def test_a_list_right_under_a_paragraph_is_a_list(make_kb):
    kb = make_kb({"finance/banks.md": article("Bank accounts", body=UNSPACED)})
    result = kbgen("build", "--strict", cwd=kb)
    assert result.returncode == 0, result.stderr
    body = html(kb / "site", "finance/banks").split("</h1>", 1)[1]
    assert re.search(r"<p><strong>Data sources</strong></p>\s*<ul>\s*<li>Job</li>\s*"
                     r"<li>Job task</li>\s*</ul>", body)
    steps = re.search(r"<ol>.*</ol>", body, re.S)
    assert steps, body
    ol = steps.group(0)
    assert ol.count("<ol>") == 1 and ol.count("<li>") == 5  # four steps and the nested point
    assert re.search(r"<p>The field differs from the <strong>Bank Account No.</strong> field.</p>"
                     r"\s*<ul>\s*<li>One more point</li>\s*</ul>\s*</li>", ol)
    assert re.search(r"<li>\s*<p>Fill in the fields.</p>\s*</li>", ol)
    assert "<p>Released in\n2019. This line is prose, as it is to CommonMark.</p>" in body


def test_lists_in_alerts_and_included_files_are_read_the_same_way(make_kb):
    body = ("> [!NOTE]\n> Posting works line by line:\n> - Lines that post are kept.\n"
            "> - Lines that fail stay in the journal.\n\n[!INCLUDE[steps](../includes/steps.md)]\n")
    steps = "1. Choose **New**.\n\n    If one template exists, a card opens.\n2. Fill it in.\n"
    kb = make_kb({"sales/post.md": article("Posting", body=body), "includes/steps.md": steps})
    result = kbgen("build", "--strict", cwd=kb)
    assert result.returncode == 0, result.stderr
    body = html(kb / "site", "sales/post").split("</h1>", 1)[1]
    assert re.search(r"<p>Posting works line by line:</p>\s*<ul>\s*<li>Lines that post are kept."
                     r"</li>\s*<li>Lines that fail stay in the journal.</li>\s*</ul>\s*</div>",
                     body)
    steps_html = re.search(r"<ol>.*</ol>", body, re.S)
    assert steps_html and steps_html.group(0).count("<li>") == 2, body
    assert re.search(r"<li>\s*<p>Fill it in.</p>\s*</li>", steps_html.group(0))


def test_an_include_stays_in_the_step_item_or_alert_it_stands_in(make_kb):
    body = ("1. [!INCLUDE[open](../includes/open.md)]\n1. Select the layout.\n\n"
            "- Users get permissions.\n- Groups help.\n"
            "  [!INCLUDE [groups](../includes/groups.md)]\n"
            "- Licenses differ.\n\n> [!NOTE]\n> [!INCLUDE[preview](../includes/preview.md)]\n\n"
            "After.\n")
    kb = make_kb({
        "admin/layouts.md": article("Layouts", body=body),
        "includes/open.md": "Open **Report Layouts**.\n\n   The page lists every layout.",
        "includes/groups.md": "Security groups replace them.\n\n- Assign permissions once.",
        "includes/preview.md": "This is a preview.\n\nIt may change.\n\n```text\nunclosed",
    })
    result = kbgen("build", "--strict", cwd=kb)
    assert result.returncode == 0, result.stderr
    page = html(kb / "site", "admin/layouts").split("</h1>", 1)[1]
    steps = re.search(r"<ol>.*?</ol>", page, re.S)
    assert steps and steps.group(0).count("<li>") == 2, page
    assert re.search(r"<p>The page lists every layout.</p>\s*</li>\s*<li>\s*<p>Select the layout",
                     steps.group(0))
    assert re.search(r"Groups help.\s*Security groups replace them.</p>\s*<ul>\s*"
                     r"<li>Assign permissions once.</li>\s*</ul>\s*</li>\s*<li>\s*"
                     r"<p>Licenses differ", page)
    assert re.search(r'<div class="admonition note">\s*<p class="admonition-title">Note</p>\s*'
                     r"<p>This is a preview.</p>\s*<p>It may change.</p>", page)
    # The include's unclosed code ends with the include: the page goes on after it.
    assert re.search(r"unclosed\s*</code></pre>.*</div>\s*<p>After.</p>", page, re.S)


def test_an_alert_a_space_past_a_wide_steps_text_is_in_the_step(make_kb):
    steps = "".join(f"{n}. Step {n}.\n" for n in range(1, 10))
    body = steps + ("10. Enter the times.\n\n     > [!NOTE]\n     > Setup time is per order.\n\n"
                    "11. Done.\n")
    kb = make_kb({"production/routings.md": article("Routings", body=body)})
    result = kbgen("build", "--strict", cwd=kb)
    assert result.returncode == 0, result.stderr
    page = html(kb / "site", "production/routings")
    assert re.search(r"<p>Enter the times.</p>\s*<div class=\"admonition note\">\s*"
                     r"<p class=\"admonition-title\">Note</p>\s*<p>Setup time is per order.</p>\s*"
                     r"</div>\s*</li>", page)
    assert "!!!" not in page


def test_code_fenced_in_a_step_is_code_without_superfences_in_mkdocs_yml(make_kb):
    # The closing fence three spaces further in than the opening one, as CommonMark allows.
    body = ("1. Open PowerShell.\n2. Run this:\n\n   ```powershell\n   Install-Module Exchange\n"
            "      ```\n\n3. Sign in.\n\n```Copilot prompt\nList common tasks\n```\n")
    kb = make_kb({"admin/smtp.md": article("SMTP", body=body)})
    (kb / "mkdocs.yml").write_text("site_name: Plain\ntheme: {name: material}\nplugins: [kbgen]\n",
                                   encoding="utf-8")
    result = kbgen("build", "--strict", cwd=kb)
    assert result.returncode == 0, result.stderr
    page = html(kb / "site", "admin/smtp")
    assert "```" not in page
    code = re.search(r"<li>\s*<p>Run this:</p>.*?<pre[^>]*>.*?<code[^>]*>(.*?)</code>.*?</li>",
                     page, re.S)
    assert code, page  # a code block in the step, not a code span in a paragraph
    assert re.sub(r"<[^>]+>", "", code.group(1)).strip() == "Install-Module Exchange"
    assert page.count("<li>") >= 3 and "<ol>" in page
    # An info string of several words, as CommonMark allows, still opens a fence.
    assert re.search(r"<pre[^>]*>.*?<code[^>]*>List common tasks\s*</code>", page, re.S), page


def test_lists_written_for_python_markdown_render_as_before():
    text = ("1. Step\n\n    More text.\n\n        code\n\nBetween.\n\n- Item\n    - Nested\n\n"
            "After.\n")
    assert markdown.markdown(four_space_lists(text)) == markdown.markdown(text)


def test_text_without_lists_is_returned_as_it_is():
    text = "# Title\n\n   Indented paragraph.\n\n```\n1. not a list\n   kept\n```\n"
    assert four_space_lists(text) == text


ITEM = re.compile(r"(?:[-*+]|\d+[.)]) ")
TAB_GAP = re.compile(r"^([-*+]|\d+[.)])\t(?=\S)")  # a tab after a marker becomes a space
LINES = st.lists(st.sampled_from([
    "1. Step", "2) Step", "- Item", "* Item", "+ Item", "10. Step", "- - -", "", "", "Text",
    "   Under a step", "  Under an item", "    Four in", "     Five in", "```", "   ```",
    "~~~", "> Quote", "   > [!NOTE]", "      deep", "# Heading", "\tTabbed", "3.\tTabbed step",
]), max_size=40)


@settings(max_examples=300, deadline=None)
@given(LINES)
def test_only_indentation_blank_lines_and_tabs_after_markers_ever_change(lines: list[str]):
    text = "\n".join(lines)
    lines = text.split("\n")
    rewritten = four_space_lists(text).split("\n")
    kept: list[str] = []
    for i, line in enumerate(rewritten):
        added = line.strip() in ("", LIST_BREAK) and len(kept) < len(lines) \
            and lines[len(kept)].strip()
        if added:  # a blank line, or a break between two lists, right before an item
            after = next(x for x in rewritten[i:] if x.strip() not in ("", LIST_BREAK))
            assert ITEM.match(after.lstrip(" ")), rewritten
            continue
        kept.append(line)
    assert len(kept) == len(lines)
    for new, old in zip(kept, lines, strict=True):
        assert new.lstrip(" ") in (old.lstrip(" "), TAB_GAP.sub(r"\1 ", old.lstrip(" ")))


def test_an_alert_indented_outside_any_list_is_still_an_alert(make_kb):
    body = "Some text.\n\n  > [!NOTE]\n  > Two spaces in, under a paragraph.\n\nAfter.\n"
    page = html(build(make_kb({"sales/note.md": article("Note", body=body)})), "sales/note")
    assert re.search(r'<div class="admonition note">\s*<p class="admonition-title">Note</p>\s*'
                     r"<p>Two spaces in, under a paragraph.</p>", page)
