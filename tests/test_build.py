"""Real builds of real Markdown: navigation by category, article pages, foreign syntax."""

from __future__ import annotations

import json
import re
import shutil
from html import unescape
from pathlib import Path

import pytest
from conftest import CORPORA, article
from test_front_matter import kbgen

from kbgen import progress
from kbgen.build import build_site
from kbgen.words import counted


def build(kb: Path, strict: bool = False) -> Path:
    build_site(kb / "mkdocs.yml", strict=strict)
    return kb / "site"


def html(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text("utf-8")


def test_home_lists_categories_with_counts_and_a_search_box(make_kb):
    site = build(make_kb({
        "billing/refunds.md": article("Get a refund", type="tutorial"),
        "billing/invoices.md": article("Find an invoice"),
        "account/password.md": article("Reset your password", type="faq"),
    }))
    home = (site / "index.html").read_text("utf-8")
    assert "How can we help?" in home
    assert 'data-kb-search-input' in home
    assert re.search(r'href="billing/">Billing</a></h2>\s*<p class="kb-card__count">2 articles',
                     home)
    assert "1 article</p>" in home
    assert 'href="billing/refunds/">Get a refund</a>' in home


def test_titles_and_descriptions_are_text_wherever_a_page_shows_them(make_kb):
    site = build(make_kb({
        "editing/save.md": "---\ntitle: Press <Enter> to save & exit\ndescription: 'Fix the "
                           '"Payment declined" error.\'\n---\nText.\n',
        "editing/other.md": article("Undo a change"),
    }))
    shown = "Press &lt;Enter&gt; to save &amp; exit"
    article_page = html(site, "editing/save")
    assert f"<h1>{shown}</h1>" in article_page  # the heading
    assert f'<li aria-current="page">{shown}</li>' in article_page  # the breadcrumbs
    meta = re.search(r'<meta name="description" content="([^"]*)">', article_page)
    assert meta and unescape(meta.group(1)) == 'Fix the "Payment declined" error.'
    assert f">{shown}</a>" in html(site, "editing")  # the category's list
    assert f">{shown}</a>" in (site / "index.html").read_text("utf-8")  # the home page card
    assert f">{shown}</span>" in html(site, "editing/other")  # the sidebar beside another


def test_category_page_groups_articles_by_type_with_descriptions(make_kb):
    site = build(make_kb({
        "billing/refunds.md": article("Get a refund", "Money back in 5 days.", type="tutorial"),
        "billing/declined.md": article("Card declined", "Why payments fail.",
                                       type="troubleshooting"),
        "billing/invoices.md": article("Find an invoice", "Where invoices live."),
        "account/password.md": article("Reset your password"),
    }))
    page = html(site, "billing")
    headings = re.findall(r'<h2 id="kb-group-(\w+)">', page)
    assert headings == ["tutorial", "article", "troubleshooting"]
    assert "Money back in 5 days." in page and "Why payments fail." in page
    assert "Reset your password" not in page.split('class="md-content"')[1]


def test_article_shows_type_description_date_breadcrumbs_and_own_category_only(make_kb):
    site = build(make_kb({
        "billing/refunds.md": article("Get a refund", "Money back in 5 days.", type="faq",
                                      reviewed="2026-03-01", body="## Eligibility\n\nText.\n"),
        "billing/invoices.md": article("Find an invoice"),
        "account/password.md": article("Reset your password"),
    }))
    page = html(site, "billing/refunds")
    assert '<span class="kb-badge kb-badge--faq">FAQ</span>' in page
    assert '<p class="kb-description">Money back in 5 days.</p>' in page
    assert 'Reviewed <time datetime="2026-03-01">1 March 2026</time>' in page
    crumbs = re.search(r'<nav class="kb-breadcrumbs".*?</nav>', page, re.S)
    assert crumbs is not None
    assert re.findall(r">([^<>]+)</(?:a|li)>", crumbs.group(0)) == [
        "Help center", "Billing", "Get a refund"]
    nav = re.search(r'<nav class="md-nav md-nav--primary kb-nav".*?</nav>', page, re.S)
    assert nav is not None
    assert "Find an invoice" in nav.group(0)
    assert "Reset your password" not in nav.group(0)
    assert ">Account<" in nav.group(0)  # other categories are listed, not their articles


def test_page_size_does_not_grow_with_other_categories(make_kb, tmp_path):
    small = {f"billing/a{i}.md": article(f"Billing {i}") for i in range(3)}
    large = dict(small)
    large.update({f"account/b{i}.md": article(f"Account topic {i}") for i in range(300)})
    site_small = build(make_kb(small, root=tmp_path / "small"))
    site_large = build(make_kb(large, root=tmp_path / "large"))
    size_small = len(html(site_small, "billing/a1"))
    size_large = len(html(site_large, "billing/a1"))
    # The large site adds one category link to the sidebar and a tab: well under 1 KB.
    assert size_large - size_small < 1000, (size_small, size_large)


def test_large_category_sidebar_is_capped_with_a_link_to_all(make_kb):
    files = {f"billing/a{i:03}.md": article(f"Topic {i:03}") for i in range(100)}
    site = build(make_kb(files, plugin_options="sidebar_limit: 20"))
    page = html(site, "billing/a050")
    nav = re.search(r'<ul class="md-nav__list kb-nav__articles".*?</ul>', page, re.S)
    assert nav is not None
    assert nav.group(0).count('class="md-nav__item"') == 21
    assert "All 100 articles in Billing" in nav.group(0)
    assert 'aria-current="page"' in nav.group(0)


def test_an_article_with_its_own_heading_has_its_description_under_it_as_plain_text(make_kb):
    kb = make_kb({"billing/refunds.md": article(
        "Refunds", "Money <b>back</b> & more", body="# Get your money back\n\nBody text.\n")})
    result = kbgen("build", cwd=kb)
    assert "Built 1 article in 1 category (0 warnings)" in result.stdout
    page = html(kb / "site", "billing/refunds")
    assert page.count("<h1") == 1 and page.count('class="kb-description"') == 1
    assert re.search(r'<h1 id="get-your-money-back">Get your money back(<a [^>]*>&para;</a>)?'
                     r'</h1>\s*'
                     r'<p class="kb-description">Money &lt;b&gt;back&lt;/b&gt; &amp; more</p>\s*'
                     r"<p>Body text.</p>", page)
    landing = html(kb / "site", "billing")
    assert "Money &lt;b&gt;back&lt;/b&gt; &amp; more" in landing


def test_the_summary_counts_the_warnings_about_mkdocs_yml_too(make_kb):
    kb = make_kb({"billing/refunds.md": article("Refunds")}, plugin_options="sidebar_limt: 5")
    result = kbgen("build", cwd=kb)
    assert "option 'sidebar_limt': Unrecognised configuration name" in result.stderr
    assert "Built 1 article in 1 category (1 warning)" in result.stdout


def test_github_alerts_become_admonitions(make_kb):
    body = ("> [!NOTE]\n> Refunds take **5 days**.\n\n> [!WARNING]\n> Not for gift cards.\n\n"
            "> [!IMPORTANT]\n> Keep your receipt.\n\nWrite `> [!TIP]` to make a tip.\n")
    site = build(make_kb({"billing/refunds.md": article("Refunds", body=body)}), strict=True)
    page = html(site, "billing/refunds")
    assert re.search(r'<div class="admonition note">\s*<p class="admonition-title">Note</p>\s*'
                     r"<p>Refunds take <strong>5 days</strong>.</p>", page)
    assert '<div class="admonition warning">' in page
    assert re.search(r'<div class="admonition info">\s*<p class="admonition-title">Important',
                     page)
    assert "<code>&gt; [!TIP]</code>" in page


def test_alerts_are_admonitions_even_when_mkdocs_yml_lists_no_extensions(make_kb):
    kb = make_kb({"billing/refunds.md": article("Refunds", body="> [!TIP]\n> Keep the receipt.\n")})
    config = kb / "mkdocs.yml"
    text = config.read_text("utf-8")
    config.write_text(text[:text.index("markdown_extensions:")], encoding="utf-8")
    page = html(build(kb, strict=True), "billing/refunds")
    assert re.search(r'<div class="admonition tip">\s*<p class="admonition-title">Tip</p>\s*'
                     r"<p>Keep the receipt.</p>", page)
    assert "!!!" not in page


def test_includes_are_resolved_and_unknown_directives_warned_once_per_kind(make_kb):
    body = ("Open [!INCLUDE[prod](../includes/prod.md)] now.\n\n"
            ':::zone target="docs":::\nInside\n:::zone-end:::\n\n'
            "> [!VIDEO https://example.com/v]\n\nText after.\n")
    files = {f"billing/p{i}.md": article(f"Page {i}", body=body) for i in range(3)}
    files["billing/p3.md"] = article(
        "Page 3", "Billing in [!INCLUDE[prod](../includes/prod.md)], **step** by step.",
        body=("See [!VIDEO javascript:alert(1)] here.\n\n"
              "In [!INCLUDE[prod]:(../includes/prod.md)].\n"))
    files["includes/prod.md"] = "Business Central"
    kb = make_kb(files)
    result = kbgen("build", cwd=kb)
    assert result.returncode == 0, result.stderr
    page = html(kb / "site", "billing/p0")
    assert "Open Business Central now." in page
    assert ":::zone" not in page and "[!VIDEO" not in page and "Inside" in page
    assert result.stderr.count(":::zone: 3 in 3 files") == 1
    assert result.stderr.count(":::zone-end: 3 in 3 files") == 1
    # A video becomes a link to it, outside the quote that framed the player; one with no web
    # address is left out and counted.
    assert re.search(r'<p><a href="https://example.com/v">Watch the video</a></p>', page)
    assert "<blockquote>" not in page
    assert "[!VIDEO]: " not in result.stderr
    assert result.stderr.count("[!VIDEO] (without a web address): 1 in 1 file") == 1
    # An include written otherwise (a slip in business-central) shows as written, and is named.
    assert ("[!INCLUDE] (not written [!INCLUDE[name](file.md)], so shown as text): 1 in 1 file "
            "(first in billing/p3.md)") in result.stderr
    assert "Traceback" not in result.stderr
    assert not (kb / "site/includes").exists()
    # An include in a description is put in place too, as plain text.
    described = html(kb / "site", "billing/p3")
    assert '<p class="kb-description">Billing in Business Central, step by step.</p>' in described
    assert "Billing in Business Central, step by step." in html(kb / "site", "billing")


def test_an_include_cycle_is_named_with_its_line_and_its_text_shown_once(make_kb):
    kb = make_kb({
        "billing/a.md": article("A", body="Text of A.\n\n[!INCLUDE[b](../includes/b.md)]\n"),
        "billing/self.md": article("Self", body="Text of self.\n\n[!INCLUDE[me](self.md)]\n"),
        "includes/b.md": "Text of B.\n\n[!INCLUDE[a](../billing/a.md)]\n",
    })
    cycles = ["includes/b.md:3: include cycle: billing/a.md -> includes/b.md -> billing/a.md "
              "(the repeated include is left out; remove the include that leads back)",
              "billing/self.md:8: include cycle: billing/self.md -> billing/self.md"]
    result = kbgen("build", cwd=kb)
    assert result.returncode == 0, result.stderr
    assert all(cycle in result.stderr for cycle in cycles), result.stderr
    assert "file not found" not in result.stderr and "Traceback" not in result.stderr
    a, self_page = html(kb / "site", "billing/a"), html(kb / "site", "billing/self")
    assert (a.count("Text of A."), a.count("Text of B."), self_page.count("Text of self.")) == \
        (1, 1, 1)
    strict = kbgen("build", "--strict", cwd=kb)
    assert strict.returncode == 1 and cycles[0] in strict.stderr


def test_material_search_is_replaced(make_kb):
    kb = make_kb({"billing/refunds.md": article("Refunds")})
    (kb / "mkdocs.yml").write_text((kb / "mkdocs.yml").read_text().replace(
        "plugins:\n", "plugins:\n  - search\n"))
    site = build(kb)
    assert not (site / "search/search_index.json").exists()


def test_cli_build_prints_a_one_line_summary(make_kb):
    kb = make_kb({"billing/refunds.md": article("Refunds"), "account/x.md": article("X")})
    result = kbgen("build", cwd=kb)
    assert result.returncode == 0
    assert re.fullmatch(r"Built 2 articles in 2 categories \(0 warnings\) in \d+\.\d s -> .*site\n",
                        result.stdout)


def test_build_progress_counts_each_stage_of_the_pages(make_kb):
    stages: list[list[object]] = []

    class Recorder:
        def stage(self, name: str, total: int) -> None:
            stages.append([name, total, 0])

        def advance(self) -> None:
            stages[-1][2] += 1  # type: ignore[operator]

    kb = make_kb({f"billing/topic-{n}.md": article(f"Topic {n}") for n in range(3)})
    progress.use(Recorder())
    try:
        build_site(str(kb / "mkdocs.yml"))
    finally:
        progress.use(None)
    pages = 3 + 2  # the articles, the home page and the category's page
    assert stages == [["Reading articles", 3, 3], ["Converting Markdown", pages, pages],
                      ["Rendering pages", pages, pages], ["Indexing for search", 1, 1]]


def test_init_then_new_then_strict_build(tmp_path):
    result = kbgen("init", "acme", "--name", "Acme Help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    kb = tmp_path / "acme"
    result = kbgen("new", "Get a refund", "--type", "tutorial", "--category", "billing",
                   "--description", "Money back for an order.", cwd=kb)
    assert result.returncode == 0, result.stderr
    assert (kb / "docs/billing/get-a-refund.md").is_file()
    result = kbgen("build", "--strict", cwd=kb)
    assert result.returncode == 0, result.stderr
    assert "Built 5 articles in 2 categories (0 warnings)" in result.stdout
    landing = (kb / "site/billing/index.html").read_text()
    assert re.findall(r'<h2 id="kb-group-(\w+)">', landing) == [
        "tutorial", "article", "troubleshooting"]
    for kind in ("tutorial", "faq", "article", "troubleshooting"):
        assert any(f"type: {kind}" in p.read_text() for p in (kb / "docs").rglob("*.md")), kind
    again = kbgen("new", "Get a refund", "--category", "billing", cwd=kb)
    assert again.returncode == 1 and "already exists" in again.stderr


def test_new_writes_where_the_build_reads_and_names_any_title(tmp_path):
    assert kbgen("init", "acme", cwd=tmp_path).returncode == 0
    kb = tmp_path / "acme"
    (kb / "docs").rename(kb / "content")
    config = kb / "mkdocs.yml"
    config.write_text(config.read_text() + "docs_dir: content\n")
    for title in ("Как вернуть деньги", "Crème brûlée recipes", "Refunds " * 60):
        result = kbgen("new", title, "--category", "billing", "--description", "Money back.",
                       cwd=kb)
        assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in (kb / "content/billing").glob("*.md"))
    assert "как-вернуть-деньги.md" in names and "creme-brulee-recipes.md" in names
    assert max(len(name) for name in names) <= 83  # 80 and ".md"
    assert not (kb / "docs").exists()
    result = kbgen("build", "--strict", cwd=kb)
    assert result.returncode == 0, result.stderr
    assert "Built 7 articles" in result.stdout


def test_init_keeps_any_name_and_writes_nothing_it_cannot_finish(tmp_path):
    name = 'Acme: Help #1 "Center"'
    assert kbgen("init", "acme", "--name", name, cwd=tmp_path).returncode == 0
    assert kbgen("build", "--strict", cwd=tmp_path / "acme").returncode == 0
    assert f"<title>Home - {name}</title>" in (tmp_path / "acme/site/index.html").read_text()
    taken = tmp_path / "taken/docs/billing/how-invoices-work.md"
    taken.parent.mkdir(parents=True)
    taken.write_text("mine")
    result = kbgen("init", "taken", cwd=tmp_path)
    assert result.returncode == 1
    assert f"{taken.relative_to(tmp_path)} already exists" in result.stderr
    assert not (tmp_path / "taken/mkdocs.yml").exists() and taken.read_text() == "mine"
    (tmp_path / "afile").write_text("")
    for directory, message in (("afile/sub", "cannot create afile/sub (Not a directory)"),
                               ("", "DIRECTORY is empty")):
        result = kbgen("init", directory, cwd=tmp_path)
        assert result.returncode == 1 and message in result.stderr
        assert "Traceback" not in result.stderr


def test_a_description_left_as_the_placeholder_is_reported_until_written(make_kb):
    kb = make_kb({})
    assert kbgen("new", "Reset your password", "--category", "account", cwd=kb).returncode == 0
    page = kb / "docs/account/reset-your-password.md"
    found = kbgen("check", cwd=kb)
    assert found.returncode == 1
    assert ("docs/account/reset-your-password.md:3: description: still the placeholder "
            "'kbgen new' wrote") in found.stdout + found.stderr
    strict = kbgen("build", "--strict", cwd=kb)
    assert strict.returncode == 1 and "still the placeholder" in strict.stderr
    page.write_text(page.read_text().replace('"TODO: one sentence about Reset your password."',
                                             "Choose a new password when you forgot yours."))
    assert kbgen("check", cwd=kb).returncode == 0
    assert kbgen("build", "--strict", cwd=kb).returncode == 0


@pytest.mark.parametrize("command", ["build", "serve", "check", "init", "new"])
def test_every_command_has_help_with_an_example(command, tmp_path):
    result = kbgen(command, "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "Example:" in result.stdout and f"kbgen {command}" in result.stdout


def test_business_central_slice_builds_with_grouped_warnings(tmp_path):
    """A slice of the real corpus (foreign syntax included) builds without a crash."""
    source = CORPORA / "business-central" / "docs"
    docs = tmp_path / "bc" / "docs"
    shutil.copytree(source / "includes", docs / "includes")
    picked = sorted(source.glob("a*.md"))[:80] + sorted((source / "shopify").glob("*.md"))
    for path in picked:
        target = docs / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    (tmp_path / "bc" / "mkdocs.yml").write_text(
        "site_name: BC\ntheme:\n  name: material\nplugins:\n  - kbgen\n"
        "markdown_extensions:\n  - admonition\n  - tables\n  - toc\n")
    result = kbgen("build", cwd=tmp_path / "bc")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert f"Built {len(picked)} articles in 2 categories" in result.stdout
    # One line per kind, never one line per file; :::image is rendered, its pictures are missing.
    assert ":::image" not in result.stderr
    assert result.stderr.count("links to missing images:") == 1
    assert "contains a link" not in result.stderr
    page = (tmp_path / "bc/site/about-export-data/index.html").read_text("utf-8")
    assert "[!INCLUDE" not in page and "From inside Business Central" in page
    page = (tmp_path / "bc/site/about-locale-language/index.html").read_text("utf-8")
    assert 'choose <img alt="The assist edit icon." src="media/assist-edit-icon.png" />' in page


def test_pages_load_nothing_from_another_origin(make_kb):
    site = build(make_kb({"billing/refunds.md": article("Refunds")}))
    page = html(site, "billing/refunds")
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page.split("<body")[0]), \
        "the head links to another origin"
    assert "fonts.googleapis.com" not in page and "fonts.gstatic.com" not in page


def test_a_disabled_plugin_builds_plain_material(make_kb):
    kb = make_kb({"billing/refunds.md": article("Refunds")})
    assert kbgen("build", cwd=kb).returncode == 0  # an index, before the plugin is turned off
    make_kb({}, plugin_options="enabled: false")
    result = kbgen("build", cwd=kb)
    assert result.returncode == 0, result.stderr
    assert "Built 0 articles in 0 categories" in result.stdout
    assert (kb / "site/billing/refunds/index.html").is_file()
    # Nothing answers from what the plugin wrote while it was on.
    for command in (["search", "refunds"], ["serve", "--port", "0"]):
        result = kbgen(*command, cwd=kb)
        assert result.returncode == 1
        assert "the kbgen plugin is turned off ('enabled: false' under kbgen)" in result.stderr
        assert "Traceback" not in result.stderr


def test_the_commands_that_read_a_build_find_one_written_elsewhere(make_kb):
    kb = make_kb({"billing/refunds.md": article("Get a refund")})
    result = kbgen("build", "-d", "out/site", cwd=kb)
    assert result.returncode == 0, result.stderr
    assert (kb / "out/.kbgen/search").is_dir()  # beside the site, as always
    found = kbgen("search", "refund", "--json", "-d", "out/site", cwd=kb)
    assert found.returncode == 0, found.stderr
    assert [r["url"] for r in json.loads(found.stdout)["results"]] == ["billing/refunds/"]
    reported = kbgen("report", "-d", "out/site", cwd=kb)  # no votes yet: said of that site's store
    assert reported.returncode == 1
    assert f"{kb / 'out/.kbgen/feedback.db'}: no feedback database here yet" in reported.stderr


def test_without_search_there_is_no_search_box(make_kb):
    kb = make_kb({"billing/refunds.md": article("Refunds")}, plugin_options="search: false")
    site = build(kb)
    home = (site / "index.html").read_text("utf-8")
    assert "data-kb-search-input" not in home
    assert not (site / "assets/kbgen/search/manifest.json").exists()


def test_alerts_as_writers_slip_them_in(make_kb):
    body = ("Text.\n\n[!NOTE]\n> The marker on the line above the quote.\n\n"
            "1. Step\n\n   >![!TIP]\n   > A stray exclamation mark.\n\n"
            "<!-- [!IMPORTANT]\n> A comment nobody reads.\n-->\n\n"
            "[!WARNING] No quote at all.\n")
    kb = make_kb({"billing/slips.md": article("Slips", body=body)})
    result = kbgen("build", cwd=kb)
    assert result.returncode == 0, result.stderr
    page = html(kb / "site", "billing/slips")
    assert re.search(r'<div class="admonition note">\s*<p class="admonition-title">Note</p>\s*'
                     r"<p>The marker on the line above the quote.</p>", page)
    assert re.search(r'<div class="admonition tip">\s*<p class="admonition-title">Tip</p>\s*'
                     r"<p>A stray exclamation mark.</p>", page)
    assert "A comment nobody reads." not in page.replace("<!--", "").split("-->")[-1]
    assert "[!" not in page.split("<!--")[0] and "No quote at all." in page
    assert "[!WARNING] (an alert outside a > quote): 1 in 1 file" in result.stderr
    assert "IMPORTANT" not in result.stderr and "[!NOTE]" not in result.stderr


def test_a_comment_across_lines_under_a_step_shows_nothing_of_itself(make_kb):
    # business-central comments out notes this way; Python-Markdown showed them as text.
    body = ("1. Open the page.\n\n    <!--Even if you define templates.\n\n"
            "    > [!NOTE]\n    > An old note.-->\n\n2. Choose a number series.\n\n"
            "<!-- A short comment -->\n\n<!--\n```\nold code\n```\n-->\n")
    page = html(build(make_kb({"billing/numbers.md": article("Numbers", body=body)})),
                "billing/numbers")
    article_html = page.split('<article', 1)[1].split("</article>", 1)[0]
    assert "templates" not in article_html and "An old note" not in article_html
    assert "old code" not in article_html  # a fence in a comment is more of the comment
    assert "-->" not in article_html.replace("<!-- A short comment -->", "")
    assert re.search(r"<ol>\s*<li>\s*<p>Open the page.</p>\s*</li>\s*<li>\s*"
                     r"<p>Choose a number series.</p>", article_html)
    assert "<!-- A short comment -->" in article_html


def test_an_image_whose_alt_text_starts_with_an_exclamation_mark_is_an_image(make_kb):
    body = ("2. Select **Share** ![!Share to other apps action.](media/share.png) > **Teams**.\n\n"
            '[![!Note icon.](media/note.png "The menu.")](media/note.png#lightbox)\n\n'
            "![!Note](media/icon.png)\n")
    kb = make_kb({"billing/share.md": article("Share", body=body)})
    media = kb / "docs/billing/media"
    media.mkdir()
    for name in ("share.png", "note.png", "icon.png"):
        (media / name).write_bytes(b"\x89PNG\r\n\x1a\n")
    result = kbgen("build", cwd=kb)
    assert result.returncode == 0, result.stderr
    page = html(kb / "site", "billing/share")
    assert re.search(r'<img alt="!Share to other apps action." src="[./]*media/share.png"', page)
    assert re.search(r'<img alt="!Note icon." src="[./]*media/note.png"', page)
    assert re.search(r'<img alt="!Note" src="[./]*media/icon.png"', page)
    assert "admonition" not in page.split("<article", 1)[1]
    assert "[!" not in result.stderr


def test_a_comment_across_lines_ends_the_table_or_paragraph_before_it(make_kb):
    body = ("| Option | What it does |\n| --- | --- |\n| **Sync** | Both ways. |\n<!--\n"
            "### Old settings\nGone. -->\n### Sales orders\n\nText.\n\nOne paragraph\n<!-- a\n"
            "comment -->\nand the next.\n")
    kb = make_kb({"billing/sync.md": article("Sync", body=body)})
    page = html(build(kb), "billing/sync")
    content = page.split("<article", 1)[1]
    assert re.search(r"</table>\s*<h3 id=\"sales-orders\">Sales orders", content)
    assert "<p>One paragraph</p>" in content and "<p>and the next.</p>" in content
    assert "Old settings" not in content and "Gone." not in content


@pytest.mark.parametrize("content, message", [
    ("{garbled", "cannot read it (Expecting property name"),
    ('{"pages": 3}', "not the list of articles a build writes"),
])
def test_serve_names_a_damaged_articles_file_and_says_to_build_again(make_kb, content: str,
                                                                     message: str):
    kb = make_kb({"billing/refunds.md": article("Refunds")})
    assert kbgen("build", cwd=kb).returncode == 0
    (kb / ".kbgen" / "articles.json").write_text(content, encoding="utf-8")
    served = kbgen("serve", "--port", "0", cwd=kb)
    assert served.returncode == 1
    assert ".kbgen/articles.json: " + message in served.stderr
    assert "run 'kbgen build' again" in served.stderr and "Traceback" not in served.stderr


def test_counts_in_messages_group_thousands():
    assert counted(2112, "article") == "2,112 articles"
    assert counted(1, "category", "categories") == "1 category"
    assert counted(0, "warning") == "0 warnings"


@pytest.mark.parametrize("feedback, message", [
    ("reasons: [Out of date, Hard to follow, Out of date]",
     "Sub-option 'reasons': reason 3, 'Out of date', repeats reason 1, so readers would see the "
     "same choice twice; remove one of them"),
    ("reasons: [Out of date, ' out of  DATE']", "Sub-option 'reasons': reason 2, ' out of  DATE', "
     "repeats reason 1"),
    ('reasons: [Out of date, ""]', "Sub-option 'reasons': reason 2 is empty, so its radio button "
     "would have no label; write the reason, or remove the entry"),
    ('reasons: ["   "]', "Sub-option 'reasons': reason 1 is empty"),
    ("reasons: [" + "x" * 201 + "]", "Sub-option 'reasons': reason 1 is 201 characters long, and "
     "the feedback service takes at most 200"),
    ('contact: {chat: "javascript:alert(1)"}', "Sub-option 'contact': chat: 'javascript:alert(1)' "
     "is not a web address starting with https:// or http://; write one such as "
     "https://example.com/chat"),
    ("contact: {form: example.com/contact}", "Sub-option 'contact': form: 'example.com/contact' is "
     "not a web address"),
    ('contact: {email: "not an email"}', "Sub-option 'contact': email: 'not an email' is not an "
     "email address (one @, no spaces); write one such as support@example.com"),
    ('contact: {email: "a@b@example.com"}', "Sub-option 'contact': email: 'a@b@example.com' is "
     "not an email address"),
])
def test_a_bad_feedback_option_stops_the_build_naming_it(make_kb, feedback, message):
    kb = make_kb({"billing/refunds.md": article("Refunds")},
                 plugin_options=f"feedback:\n  {feedback}")
    result = kbgen("build", cwd=kb)
    assert result.returncode == 1
    assert f"Plugin 'kbgen' option 'feedback': {message}" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_the_ways_to_reach_a_person_are_links_of_their_kind(make_kb):
    kb = make_kb({"billing/refunds.md": article("Refunds")}, plugin_options="""\
        feedback:
          contact:
            email: help@example.com
            chat: https://chat.example.com/
            emial: help@example.com
        """)
    page = html(build(kb), "billing/refunds")
    assert '<a href="mailto:help@example.com">' in page
    assert '<a href="https://chat.example.com/">Chat with us</a>' in page
    result = kbgen("build", "--strict", cwd=kb)
    assert result.returncode == 1
    assert ("Sub-option 'contact': 'emial' is not a way to reach a person the widget shows (did "
            "you mean 'email'?), so it is ignored; the ways are email, chat, phone, form"
            in result.stderr)
