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

from kbgen.site.lists import four_space_lists

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

4. Reopen it.

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


def test_lists_written_for_python_markdown_render_as_before():
    text = "1. Step\n\n    More text.\n\n        code\n\n- Item\n    - Nested\n\nAfter.\n"
    assert markdown.markdown(four_space_lists(text)) == markdown.markdown(text)


def test_text_without_lists_is_returned_as_it_is():
    text = "# Title\n\n   Indented paragraph.\n\n```\n1. not a list\n   kept\n```\n"
    assert four_space_lists(text) == text


LINES = st.lists(st.sampled_from([
    "1. Step", "2) Step", "- Item", "* Item", "+ Item", "10. Step", "- - -", "", "", "Text",
    "   Under a step", "  Under an item", "    Four in", "     Five in", "```", "   ```",
    "~~~", "> Quote", "   > [!NOTE]", "      deep", "# Heading", "\tTabbed",
]), max_size=40)


@settings(max_examples=300, deadline=None)
@given(LINES)
def test_only_indentation_ever_changes(lines: list[str]):
    text = "\n".join(lines)
    rewritten = four_space_lists(text)
    assert [line.lstrip(" ") for line in rewritten.split("\n")] == \
        [line.lstrip(" ") for line in text.split("\n")]


def test_an_alert_indented_outside_any_list_is_still_an_alert(make_kb):
    body = "Some text.\n\n  > [!NOTE]\n  > Two spaces in, under a paragraph.\n\nAfter.\n"
    page = html(build(make_kb({"sales/note.md": article("Note", body=body)})), "sales/note")
    assert re.search(r'<div class="admonition note">\s*<p class="admonition-title">Note</p>\s*'
                     r"<p>Two spaces in, under a paragraph.</p>", page)
