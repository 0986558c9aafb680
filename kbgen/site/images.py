"""DocFX `:::image` directives as Markdown images, which MkDocs resolves like any other image.

`:::image type="content" source="media/a.png" alt-text="The A page":::` becomes
`![The A page](media/a.png)`, linked to its `link`, or to its `lightbox` (the picture at full
size), when it has one; `type="icon"` stays in its line like any inline image. The long
description of a `type="complex"` image, up to `:::image-end:::`, stays below the image between
two comments, so that its Markdown is rendered and its links are checked like the rest of the
page; `describe_images` then turns it into a `<details>` disclosure in the page's HTML.
"""

from __future__ import annotations

import re
from urllib.parse import quote

_ATTRIBUTE = re.compile(
    r"""(?P<name>[A-Za-z][\w-]*)\s*=\s*(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)')"""
)
# Emphasis and code marks say nothing to a screen reader; brackets would end the alt text.
_ALT_MARKUP = re.compile(r"\*\*|__|`")
_ALT_ESCAPE = re.compile(r"([\\\[\]])")
# What may stay as it is in a link target; spaces, parentheses and `<>` are %-encoded.
_URL_SAFE = "/:#?&=%~@!$'*+,;"
DESCRIPTION_START = "<!-- kbgen:image-description -->"
DESCRIPTION_END = "<!-- /kbgen:image-description -->"
_START_HTML = re.compile(r"(?:<p>)?" + re.escape(DESCRIPTION_START) + r"(?:</p>)?")
_END_HTML = re.compile(r"(?:<p>)?" + re.escape(DESCRIPTION_END) + r"(?:</p>)?")
_DETAILS = '<details class="kb-image-description"><summary>Image description</summary>'


def image_attributes(text: str) -> dict[str, str]:
    """The `name="value"` pairs of a directive, names in lower case."""
    return {m.group("name").lower(): m.group("double") if m.group("double") is not None
            else m.group("single") for m in _ATTRIBUTE.finditer(text)}


def _alt(text: str) -> str:
    return _ALT_ESCAPE.sub(r"\\\1", " ".join(_ALT_MARKUP.sub("", text).split()))


def _target(path: str) -> str:
    return quote(path.strip().replace("\\", "/"), safe=_URL_SAFE)


def image_markdown(attributes: dict[str, str]) -> str | None:
    """The Markdown image an `:::image` directive stands for, or None when it has no source."""
    source = attributes.get("source", "").strip()
    if not source:
        return None
    image = f"![{_alt(attributes.get('alt-text', ''))}]({_target(source)})"
    link = (attributes.get("link") or attributes.get("lightbox") or "").strip()
    return f"[{image}]({_target(link)})" if link else image


def described_image(indent: str, image: str, description: list[str]) -> list[str]:
    """Markdown lines of an image followed by its long description, all indented by `indent`."""
    lines = ["", f"{indent}{image}", ""]
    if any(line.strip() for line in description):
        body = [f"{indent}{line}" if line.strip() else "" for line in description]
        lines += [f"{indent}{DESCRIPTION_START}", "", *body, "", f"{indent}{DESCRIPTION_END}", ""]
    return lines


def describe_images(html: str) -> str:
    """Wrap the long descriptions of complex images in `<details>` disclosures."""
    if DESCRIPTION_START not in html:
        return html
    starts, ends = _START_HTML.findall(html), _END_HTML.findall(html)
    if len(starts) != len(ends):  # A writer's own copy of a marker: leave the page as it is.
        return html
    return _END_HTML.sub("</details>", _START_HTML.sub(_DETAILS, html))
