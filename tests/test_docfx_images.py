"""DocFX `:::image` directives: rendered as images in real builds, code left alone, fuzzed."""

from __future__ import annotations

import re
import struct
import zlib

from conftest import article
from hypothesis import given, settings
from hypothesis import strategies as st
from test_build import build, html
from test_directory_urls import broken_links
from test_front_matter import kbgen

from kbgen.site.directives import DirectiveRewriter, KindTally


def png(width: int = 240, height: int = 120, rgb: tuple[int, int, int] = (30, 90, 200)) -> bytes:
    """A real PNG file of one colour."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    rows = (b"\x00" + bytes(rgb) * width) * height
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


IMAGES = {
    "billing/media/invoice.png": png(),
    "billing/media/big.png": png(480, 240),
    "billing/media/pin.png": png(16, 16),
    "billing/media/social analysis.png": png(),
    "billing/media/chart.png": png(rgb=(200, 60, 30)),
}

REFUNDS = '''\
Open the invoice.

:::image type="content" source="media/invoice.png" alt-text="The **Invoice** page":::

Choose the :::image type="icon" source="media/pin.png" border="false"::: icon to pin it.

:::image type="content" source="media/chart.png" alt-text="Chart" link="https://example.com/c":::

:::image type="content" source="media/big.png" alt-text="Closed with six colons"::::::

1. Open the report.

    :::image source="media\\social analysis.png" alt-text="The report" lightbox="media/big.png":::

2. Read the chart.

    :::image type="complex" source="media/chart.png" alt-text="Refunds by month":::
       Refunds rose from **10** in January to 50 in June; see [invoices](invoices.md).
    :::image-end:::

3. Done.

Write `:::image type="content" source="x.png" alt-text="X":::` for an image.

```markdown
:::image type="content" source="media/in-a-fence.png" alt-text="Fenced":::
```
'''


def test_images_render_as_images_resolved_like_any_link(make_kb):
    files = {**IMAGES, "billing/refunds.md": article("Refunds", body=REFUNDS),
             "billing/invoices.md": article("Invoices")}
    site = build(make_kb(files), strict=True)
    page = html(site, "billing/refunds")
    content = page.split('class="md-content"')[1]

    assert '<img alt="The Invoice page" src="../media/invoice.png" />' in content
    assert re.search(r'<p>Choose the <img alt="" src="../media/pin.png" /> icon to pin it.</p>',
                     content)
    assert '<a href="https://example.com/c"><img alt="Chart" src="../media/chart.png" /></a>' \
        in content
    # A writer's slip, as in business-central: the closing colons doubled.
    assert '<p><img alt="Closed with six colons" src="../media/big.png" /></p>' in content
    # In a list item, linked to the picture at full size; the path's backslash and space work.
    assert re.search(r'<li>\s*<p>Open the report.</p>\s*<p><a href="../media/big.png">'
                     r'<img alt="The report" '
                     r'src="../media/social%20analysis.png" /></a></p>', content)
    # The long description, Markdown and links included, in a disclosure below the image.
    assert re.search(
        r'<p><img alt="Refunds by month" src="../media/chart.png" /></p>\s*'
        r'<details class="kb-image-description"><summary>Image description</summary>\s*'
        r'<p>Refunds rose from <strong>10</strong> in January to 50 in June; see '
        r'<a href="../invoices/">invoices</a>.</p>\s*</details>', content)
    assert "<li>\n<p>Done.</p>" in content  # the list goes on after the image
    # Code shows the directive as it is written.
    assert '<code>:::image type="content" source="x.png" alt-text="X":::</code>' in content
    assert ('<code>:::image type="content" source="media/in-a-fence.png" alt-text="Fenced":::\n'
            in content)
    assert "image-end" not in content and 'type="complex"' not in content
    assert broken_links(site, "billing/refunds/index.html", directory_urls=True) == []


def test_images_are_not_counted_as_unknown_directives(make_kb):
    body = (':::image type="content" source="media/invoice.png" alt-text="Invoice":::\n\n'
            ':::image type="content" source="media/missing.png" alt-text="Gone":::\n\n'
            ':::image type="content" alt-text="No source":::\n\n'
            ':::image type="content" source="media/chart.png"\n\n'
            ":::image-end:::\n\n"
            ":::row:::\n    :::column:::\n    Left\n    :::column-end:::\n:::row-end:::\n")
    files = {**IMAGES, **{f"billing/p{i}.md": article(f"Page {i}", body=body) for i in range(2)}}
    kb = make_kb(files)
    result = kbgen("build", cwd=kb)
    assert result.returncode == 0, result.stderr
    warnings = result.stderr
    assert ":::image: " not in warnings
    assert ":::image (without a source): 2 in 2 files" in warnings
    assert ":::image (not closed by ::: on the same line): 2 in 2 files" in warnings
    assert ':::image-end (without :::image type="complex" on a line of its own before it): 2' \
        in warnings
    assert ":::row" not in warnings and ":::column" not in warnings  # layouts render
    assert "links to missing images: 2 in 2 files" in warnings
    page = html(kb / "site", "billing/p0")
    assert '<img alt="Invoice" src="../media/invoice.png" />' in page
    assert kbgen("build", "--strict", cwd=kb).returncode != 0


def test_an_image_in_an_include_and_in_an_alert(make_kb):
    files = {**IMAGES,
             "billing/refunds.md": article("Refunds", body=(
                 "[!INCLUDE[steps](../includes/steps.md)]\n\n"
                 '> [!NOTE]\n> Choose :::image type="icon" source="media/pin.png"::: to pin.\n')),
             "includes/steps.md": ':::image type="content" source="../billing/media/chart.png" '
                                  'alt-text="Steps":::\n'}
    site = build(make_kb(files), strict=True)
    page = html(site, "billing/refunds")
    assert '<img alt="Steps" src="../media/chart.png" />' in page
    assert re.search(r'<div class="admonition note">\s*<p class="admonition-title">Note</p>\s*'
                     r'<p>Choose <img alt="" src="../media/pin.png" /> to pin.</p>', page)


# --- The directive parser on its own: any text, never an exception, code left as written. ---

_LINES = [
    ':::image type="complex" source="media/a b.png" alt-text="A [b] **c**":::',
    "    :::image type='complex' source='x.png':::", ":::image-end:::", "  :::image-end:::",
    ':::image type="content" source="c.png" alt-text="C" lightbox="l.png":::',
    'Choose :::image type="icon" source="i.png"::: now.', ':::image type="content" alt-text="D"',
    "> [!NOTE]", "> Quoted :::image source='q.png':::", "[!INCLUDE[x](inc.md)]",
    "[!INCLUDE[x](none.md)]", "> [!VIDEO v]", ":::row:::", "", "    indented", "text",
    "<!-- kbgen:image-description -->", "`:::image source='code.png':::`",
]
_PIECES = [":::image", ":::", ' type="complex"', ' source="s.png"', "`", "\\", '"', "[!"]
_LINE = st.one_of(
    st.sampled_from(_LINES),
    st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=4)), max_size=6).map("".join),
)
_TEXT = st.lists(_LINE, max_size=12).map(lambda lines: "\n".join(
    "x" + line if re.match(r"^[ \t]*(```|~~~)", line) else line
    for line in "\n".join(lines).split("\n")))


def rewriter() -> tuple[DirectiveRewriter, KindTally]:
    snippets = {"inc.md": ':::image type="complex" source="s.png":::\n```\n:::image-end:::\n'}
    tally = KindTally()
    return DirectiveRewriter(snippets.get, tally), tally


@settings(max_examples=300, deadline=None)
@given(blocks=st.lists(st.tuples(_TEXT, _TEXT), max_size=5))
def test_the_rewriter_never_raises_and_leaves_fenced_code_as_written(blocks):
    markdown = "\n".join(f"{prose}\n```\n{code}\n```" for prose, code in blocks)
    rewrite, tally = rewriter()
    out = rewrite.rewrite(markdown, "page.md")
    position = 0
    for _, code in blocks:
        fenced = f"```\n{code}\n```"
        found = out.find(fenced, position)
        assert found >= 0, (markdown, out)
        position = found + len(fenced)
    assert not any(kind.startswith(":::image:") or kind == ":::image" for kind in tally.files)


# Without "[!": includes are put in place before anything else, as DocFX does, so a value holding
# "[!INCLUDE" is (rightly) reported as an include not written as one. Hypothesis draws the
# strings it finds in kbgen's code, "[!INCLUDE" among them.
_ATTRIBUTE_VALUE = st.text(max_size=20).filter(
    lambda s: not any(c in s for c in '"`\n') and ":::" not in s and "[!" not in s)


@settings(max_examples=200, deadline=None)
@given(source=_ATTRIBUTE_VALUE.filter(str.strip), alt=_ATTRIBUTE_VALUE)
def test_every_image_with_a_source_becomes_one_markdown_image(source, alt):
    rewrite, tally = rewriter()
    out = rewrite.rewrite(f'Look: :::image type="content" source="{source}" alt-text="{alt}":::',
                          "page.md")
    assert out.startswith("Look: ![") and out.endswith(")") and ":::" not in out
    assert " " not in out.split("](")[-1] and not tally.files
