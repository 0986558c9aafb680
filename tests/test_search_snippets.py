"""The sections and snippet text the index keeps for each article."""

from __future__ import annotations

import json
from pathlib import Path

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from search_fixtures import build_kb

from kbgen.search.document import html_sections
from kbgen.search.searcher import Searcher
from kbgen.search.snippets import MIN_SECTION_TEXT, TEXT_BUDGET, kept_sections, snippet


def test_sections_come_from_the_rendered_headings_with_their_anchors():
    html = ('<h1 id="t">Title<a class="headerlink" href="#t">¶</a></h1><p>Intro.</p>'
            '<h2 id="request">Request a refund<a class="headerlink" href="#request">¶</a></h2>'
            '<p>Open <b>Orders</b>.</p><script>ignored()</script><h3 id="x">Deeper</h3><p>Text</p>')
    sections = html_sections(html)
    assert [(s.anchor, s.heading) for s in sections] == [
        ("", ""), ("request", "Request a refund"), ("x", "Deeper")]
    assert sections[1].text == "Open Orders."
    assert "ignored" not in " ".join(s.text for s in sections)


def test_a_wrapped_line_goes_on_and_a_table_cell_is_set_off_in_a_snippet():
    html = ("<p>Set the <b>Posting Date</b>\nfield before you post\nthe journal.</p>"
            "<table><tr><th>Field</th><th>Description</th></tr>"
            "<tr><td>Posting Date</td><td>The date the entry is posted on.</td></tr></table>")
    (section,) = html_sections(html)
    assert section.text == ("Set the Posting Date field before you post the journal.\n"
                            "Field\nDescription\nPosting Date\nThe date the entry is posted on.")
    assert snippet(section.text, {"post"}) == (
        "Set the Posting Date field before you post the journal. Field · Description · "
        "Posting Date · The date the entry is posted on.")


def test_an_admonition_title_introduces_its_text():
    html = ('<div class="admonition note"><p class="admonition-title">Note</p>'
            "<p>Don't create VAT periods by hand.</p></div>"
            '<div class="admonition tip"><p class="admonition-title">Why?</p><p>Speed.</p></div>')
    (section,) = html_sections(html)
    assert snippet(section.text, {"vat"}) == "Note: Don't create VAT periods by hand. Why? Speed."


@pytest.mark.parametrize("alternate", [True, False])
def test_each_content_tab_label_introduces_its_own_tab(alternate: bool):
    # Material's markup puts a set's labels together before the tabs; run together they read
    # "LinuxmacOSWindows", and no label stood next to its command.
    source = ('=== "Linux"\n\n    Run `ss -ltnp`.\n\n=== "macOS"\n\n    Run `lsof -nP`.\n\n'
              '=== "Windows"\n\n    === "PowerShell"\n\n        Run `Get-NetTCPConnection`.\n\n'
              '    === "cmd"\n\n        Run `netstat -ano`.\n\nThen stop it.\n')
    html = markdown.markdown(source, extensions=["pymdownx.tabbed", "pymdownx.superfences"],
                             extension_configs={"pymdownx.tabbed": {"alternate_style": alternate}})
    assert ("tabbed-labels" in html) is alternate
    (section,) = html_sections(html)
    assert section.text == ("Linux:\nRun ss -ltnp.\nmacOS:\nRun lsof -nP.\nWindows:\n"
                            "PowerShell:\nRun Get-NetTCPConnection.\ncmd:\nRun netstat -ano.\n"
                            "Then stop it.")
    assert snippet(section.text, {"lsof"}) == (
        "… macOS: Run lsof -nP. Windows: PowerShell: Run Get-NetTCPConnection. cmd: Run "
        "netstat -ano. Then stop it.")


def test_a_snippet_starts_at_its_sentence_when_that_is_near():
    text = ("Opening words. " * 20 + "Customers who pay late get a reminder. "
            + "Closing words follow here. " * 20)
    assert snippet(text, {"remind"}, size=12) == (
        "… Customers who pay late get a reminder. Closing words follow here. Closing …")
    far = "Opening words. " * 20 + " ".join(["word"] * 30) + " reminder " + "end " * 30
    assert snippet(far, {"remind"}, size=8).startswith("… word word word reminder end")


def test_terminal_table_borders_are_not_text():
    html = ("<h2 id='out'>Output</h2><pre><code>┏━━━━━━━┳━━━━━━━┓\n┃ Title ┃ Score ┃\n"
            "┡━━━━━━━╇━━━━━━━┩\n│ Refunds │ 4.2 │\n└───────┴───────┘</code></pre>")
    assert html_sections(html)[1].text == "Title Score\nRefunds 4.2"


def _long_section_article() -> str:
    filler = " ".join(f"Step {n} of the checklist covers the quarterly review meeting agenda."
                      for n in range(1, 5))
    sections = "\n\n".join(f"## Part {n}\n\nShort notes about part {n}." for n in range(1, 8))
    return ("---\ntitle: Cross out text with strikethrough\ndescription: Mark words as removed.\n"
            f"---\n\nIntro.\n\n## Formatting\n\n{filler} Wrap the words in two tildes for "
            f"strikethrough. {filler}\n\n{sections}\n")


def test_the_browser_keeps_the_sentences_of_a_long_section_that_carry_the_title_words(
        tmp_path: Path):
    built = build_kb(tmp_path, {"guides/strike.md": _long_section_article()})
    files = built.site / "assets" / "kbgen" / "search" / "d"
    (kept,) = [json.loads(p.read_text("utf-8")) for p in files.glob("*.json")]
    formatting = next(text for anchor, _, text in kept["s"] if anchor == "formatting")
    # Nine sections share the article's text budget; the sentence a search for the title finds
    # is kept, though it comes after more than a share of other text.
    assert "Wrap the words in two tildes for strikethrough." in formatting
    assert len(formatting) <= MIN_SECTION_TEXT + 4
    assert "… Wrap" in formatting and formatting.endswith(" …")  # where text was left out
    with Searcher(built.state) as searcher:
        (found,) = searcher.search("strikethrough")["results"]
    assert "strikethrough" in found["snippet"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=120), min_size=1, max_size=12),
       st.integers(min_value=1, max_value=12))
def test_the_text_kept_for_the_browser_is_pieces_of_the_section_in_order_within_its_share(
        sentences: list[str], count: int):
    text = " ".join(sentences)
    sections = [[f"s{n}", f"Heading {n}", text] for n in range(count)]
    share = max(MIN_SECTION_TEXT, TEXT_BUDGET // count)
    for (_, _, original), (_, _, kept) in zip(sections, kept_sections("A title", sections),
                                              strict=True):
        if len(original) <= share:
            assert kept == original
            continue
        assert len(kept) <= share + 4
        at = 0
        for piece in kept.split("…"):
            piece = piece.strip()
            found = original.find(piece, at)
            assert found >= 0, (piece, original)
            at = found + len(piece)


def test_the_service_finds_the_matched_words_late_in_a_long_section():
    # `kbgen search` and the service have a section's whole text: a word 400 words in is shown,
    # not the section's first words.
    text = " ".join(f"filler{n % 50} words here." for n in range(400)) + " The zeppelin lands."
    assert "zeppelin" in snippet(text, {"zeppelin"})
