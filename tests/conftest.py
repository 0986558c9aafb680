"""Shared fixtures: a temporary help center built for real, and Chromium for browser tests."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# In CI the property tests draw the same examples every run, so a run that passes with CI=true
# here passes there; elsewhere they draw new ones each run, to find what CI would not.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPORA = SHARED / "corpora"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"

MKDOCS_YML = """\
site_name: Test Help Center
theme:
  name: material
plugins:
  - kbgen{plugin_options}
markdown_extensions:
  - admonition
  - attr_list
  - toc:
      permalink: true
  - pymdownx.details
  - pymdownx.superfences
"""


def article(title: str, description: str = "What this article answers.", body: str = "",
            **meta: object) -> str:
    """Markdown of an article with front matter; extra keyword arguments become front matter."""
    lines = [f"title: {title!r}", f"description: {description!r}"]
    lines += [f"{key}: {value!r}" if isinstance(value, str) else f"{key}: {value}"
              for key, value in meta.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n" + textwrap.dedent(body)


MakeKb = Callable[..., Path]


@pytest.fixture
def make_kb(tmp_path: Path) -> MakeKb:
    """Write a help center into tmp_path: `make_kb(files={"billing/refunds.md": "..."})`."""

    def make(files: dict[str, str | bytes], plugin_options: str = "",
             root: Path | None = None) -> Path:
        base = root or tmp_path / "kb"
        docs = base / "docs"
        docs.mkdir(parents=True, exist_ok=True)
        for rel, content in files.items():
            path = docs / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        options = ":\n" + textwrap.indent(textwrap.dedent(plugin_options), "      ") \
            if plugin_options.strip() else ""
        (base / "mkdocs.yml").write_text(MKDOCS_YML.format(plugin_options=options.rstrip()),
                                         encoding="utf-8")
        return base

    return make


def in_ci() -> bool:
    """CI must run every test: a missing browser or database fails there instead of skipping."""
    return os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        if in_ci():
            pytest.fail("Chromium is not installed at /usr/bin/chromium; 'make test' installs it")
        pytest.skip("Chromium is not installed; run 'make test' to install it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    """A new page in Chromium; the test fails if the page's scripts throw."""
    opened = browser.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    opened.close()
    assert not errors, errors


@pytest.fixture
def artifacts() -> Path:
    """Where tests save screenshots for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="module")
def site(built) -> Iterator[str]:
    """The address of the module's `built` help center, served as a static host would."""
    from site_server import static_server

    with static_server(built.site) as url:
        yield url


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample help center (docs/, which is kbgen's own documentation), built strictly and
    served as a static host would."""
    from site_server import static_server

    from kbgen.build import build_site

    site = tmp_path_factory.mktemp("sample") / "site"
    build_site(ROOT / "mkdocs.yml", strict=True, site_dir=str(site))
    with static_server(site) as url:
        yield url
