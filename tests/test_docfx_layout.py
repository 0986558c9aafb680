"""DocFX `:::row:::`/`:::column:::` layouts render as columns, as on Microsoft Learn: side by side
on a wide screen, one under the other on a phone. Broken ones are warned about, text kept."""

from __future__ import annotations

import re

import pytest
from conftest import article
from site_server import static_server
from test_build import build, html
from test_docfx_images import png
from test_front_matter import kbgen

# As business-central's bank-how-setup-bank-accounts.md writes it: the list at the margin, the
# image indented eight spaces (a code block, read as plain Markdown).
LAYOUT = """\
The numbers in the description correspond with the numbers in the illustration.

:::row:::
    :::column:::

1. The transactions are exported from the bank account.
2. The data exchange definition maps the information in the file.
3. The payments are imported through the **Payment Reconciliation Journal**.

  :::column-end:::
  :::column span="2":::

        ![Illustration of payments received from the bank.](media/payments-in.png)

  :::column-end:::
:::row-end:::

Text after the columns.
"""


def layout_kb(make_kb, body: str = LAYOUT):
    return make_kb({"billing/bank.md": article("Set up bank accounts", body=body),
                    "billing/media/payments-in.png": png(480, 240)})


def test_rows_and_columns_render_as_columns(make_kb):
    kb = layout_kb(make_kb)
    result = kbgen("build", "--strict", cwd=kb)
    assert result.returncode == 0, result.stderr
    page = html(kb / "site", "billing/bank")
    row = re.search(r'<div class="kb-row">(.*?)</div>\s*<p>Text after the columns.</p>', page,
                    re.S)
    assert row, page
    columns = re.findall(r'<div class="kb-column"( style="[^"]*")?>(.*?)</div>', row.group(1), re.S)
    assert len(columns) == 2
    assert columns[0][1].count("<li>") == 3 and "<strong>Payment Reconciliation" in columns[0][1]
    assert columns[1][0] == ' style="flex-grow: 2"'
    assert '<img alt="Illustration of payments received from the bank."' in columns[1][1]
    assert "<pre>" not in row.group(1) and ":::" not in page
    assert ":::row" not in result.stderr and ":::column" not in result.stderr


def test_a_row_left_open_is_warned_about_and_its_text_kept(make_kb):
    body = ":::row:::\n:::column:::\nLeft side\n:::column-end:::\n\nNo end of the row.\n"
    kb = make_kb({"billing/open.md": article("Open row", body=body)})
    result = kbgen("build", cwd=kb)
    assert result.returncode == 0, result.stderr
    assert ":::row (not a closed row of closed columns): 1 in 1 file" in result.stderr
    page = html(kb / "site", "billing/open")
    assert "Left side" in page and "No end of the row." in page and ":::" not in page
    assert kbgen("build", "--strict", cwd=kb).returncode != 0


def test_a_fenced_example_of_the_syntax_is_left_as_written(make_kb):
    body = "```markdown\n:::row:::\n:::column:::\nLeft\n:::column-end:::\n:::row-end:::\n```\n"
    page = html(build(make_kb({"billing/syntax.md": article("Syntax", body=body)})),
                "billing/syntax")
    assert "kb-row" not in page and page.count(":::column:::") == 1


@pytest.mark.browser
def test_columns_sit_side_by_side_and_stack_on_a_phone(make_kb, browser):
    kb = layout_kb(make_kb)
    build(kb)
    with static_server(kb / "site") as url:
        boxes = {}
        for name, width in (("desktop", 1280), ("phone", 390)):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(url + "billing/bank/")
            page.locator(".kb-column img").wait_for()
            boxes[name] = [page.locator(".kb-column").nth(i).bounding_box() for i in (0, 1)]
            page.close()
    left, right = boxes["desktop"]
    assert right["x"] >= left["x"] + left["width"] and abs(right["y"] - left["y"]) < 5
    assert right["width"] > left["width"]  # span="2"
    top, bottom = boxes["phone"]
    assert bottom["y"] >= top["y"] + top["height"] and abs(bottom["x"] - top["x"]) < 5


def test_a_div_quote_is_its_content_without_the_quote(make_kb):
    # As business-central writes a wide table in a step: DocFX makes the quote a <div>.
    body = ("1. Enter the address.\n\n    > [!div class=\"mx-tdBreakAll\"]\n"
            "    > |Type|Example|\n    > |---|---|\n    > |SOAP|`https://example.com/ws`|\n\n"
            "2. Choose **Send**.\n\n> [!DIV class=\"mx-imgBorder\"]\n> Text in a bordered box.\n")
    kb = make_kb({"billing/wide.md": article("Wide", body=body)})
    result = kbgen("build", cwd=kb)
    assert result.returncode == 0, result.stderr
    content = html(kb / "site", "billing/wide").split("<article", 1)[1]
    assert re.search(r"<li>\s*<p>Enter the address.</p>\s*<table>.*<td>SOAP</td>.*</table>\s*"
                     r"</li>\s*<li>\s*<p>Choose <strong>Send</strong>.</p>", content, re.S)
    assert "<p>Text in a bordered box.</p>" in content
    assert "<blockquote>" not in content and "[!" not in content and "mx-" not in content
    assert "[!DIV]" not in result.stderr
