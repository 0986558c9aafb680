"""`kbgen init` and `kbgen new`: a new help center, and new articles from templates."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from pathlib import Path

from kbgen.articles import ARTICLE_TYPES, PLACEHOLDER
from kbgen.errors import KbgenError

MKDOCS_YML = """\
site_name: {name}
theme:
  name: material
  features:
    - navigation.top
    - content.code.copy
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      toggle: {{icon: material/brightness-7, name: Switch to dark mode}}
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      toggle: {{icon: material/brightness-4, name: Switch to light mode}}
plugins:
  - kbgen
markdown_extensions:
  - admonition
  - attr_list
  - toc:
      permalink: true
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
"""

_BODIES = {
    "article": """\
Start with the answer in one or two sentences, then the details.

## How it works

Explain the idea a reader needs, in the words they would search for.

## Related settings

- Link to the articles a reader needs next.
""",
    "tutorial": """\
In this tutorial you will {goal}. It takes about 10 minutes.

## Before you start

- What the reader needs first.

## Steps

1. First step, with the exact button or command.
2. Second step.
3. Check that it worked.

## Next steps

- Where to go from here.
""",
    "faq": """\
## Short question as a customer would ask it?

The answer, first sentence first.

## Another question?

Another answer.
""",
    "troubleshooting": """\
## Symptoms

What the reader sees: the exact error message, in a code block if it is text.

## Cause

Why it happens.

## Solution

1. What to do.
2. How to check it is fixed.

> [!TIP]
> If this did not help, tell us with the feedback buttons below.
""",
}

_EXAMPLES = [
    ("getting-started", "Create your account", "tutorial",
     "Sign up, confirm your e-mail address and sign in for the first time."),
    ("getting-started", "What can I do with my account?", "faq",
     "Answers to the first questions new customers ask."),
    ("billing", "How invoices work", "article",
     "When invoices are issued, what they contain and where to find them."),
    ("billing", "A payment was declined", "troubleshooting",
     "Why a card payment can fail and how to fix it."),
]


SLUG_MAX = 80  # characters of a file or folder name made from a title


def slugify(title: str) -> str:
    """`Get a refund?` -> `get-a-refund`; `Crème brûlée` -> `creme-brulee`; other scripts keep
    their letters (`Как вернуть деньги` -> `как-вернуть-деньги`). At most SLUG_MAX characters,
    cut between words."""
    unmarked = "".join(c for c in unicodedata.normalize("NFKD", title)
                       if unicodedata.category(c) != "Mn")
    slug = re.sub(r"[\W_]+", "-", unicodedata.normalize("NFC", unmarked).lower()).strip("-")
    if len(slug) > SLUG_MAX:
        slug = slug[:SLUG_MAX + 1].rsplit("-", 1)[0] if "-" in slug[:SLUG_MAX] else slug[:SLUG_MAX]
    return slug or "article"


def render_article(title: str, kind: str, description: str, today: dt.date) -> str:
    """The Markdown of a new article of `kind`, front matter first."""
    if kind not in ARTICLE_TYPES:
        raise KbgenError(f"type: {kind!r} is not one of {', '.join(ARTICLE_TYPES)}")
    safe_title = title.replace('"', '\\"')
    safe_description = description.replace('"', '\\"')
    body = _BODIES[kind].format(goal=title[0].lower() + title[1:])
    return (
        f'---\ntitle: "{safe_title}"\ndescription: "{safe_description}"\ntype: {kind}\n'
        f"tags: []\nreviewed: {today.isoformat()}\n---\n\n{body}"
    )


def new_article(
    docs_dir: Path, title: str, kind: str, category: str, description: str | None = None
) -> Path:
    """Write a new article from the template of `kind` and return its path."""
    if not title.strip():
        raise KbgenError("the title is empty; give the article a title in quotes")
    target = docs_dir / slugify(category) / f"{slugify(title)}.md"
    if target.exists():
        raise KbgenError(f"{target} already exists; choose another title or edit that file")
    target.parent.mkdir(parents=True, exist_ok=True)
    text = render_article(title, kind, description or f"{PLACEHOLDER} one sentence about {title}.",
                          dt.date.today())
    target.write_text(text, encoding="utf-8")
    return target


def init_site(directory: Path, name: str | None = None) -> list[Path]:
    """Create a new help center in `directory`: mkdocs.yml and an example article of each type."""
    config = directory / "mkdocs.yml"
    examples = [directory / "docs" / slugify(category) / f"{slugify(title)}.md"
                for category, title, _, _ in _EXAMPLES]
    for path in (config, *examples):  # nothing is written unless all of it can be
        if path.exists():
            raise KbgenError(f"{path} already exists; choose an empty directory")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KbgenError(f"cannot create {directory} ({exc.strerror or exc}); choose a folder "
                         "you can write in") from None
    site_name = name or f"{directory.resolve().name.replace('-', ' ').title()} Help Center"
    # A JSON string is a YAML string: a name with ': ', '#' or quotes stays the name.
    config.write_text(MKDOCS_YML.format(name=json.dumps(site_name, ensure_ascii=False)),
                      encoding="utf-8")
    written = [config]
    for category, title, kind, description in _EXAMPLES:
        written.append(new_article(directory / "docs", title, kind, category, description))
    return written
