"""Built sites for the search tests: the stackfaq corpus and a small help center."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conftest import CORPORA, MKDOCS_YML, article

from kbgen.build import build_site
from kbgen.paths import state_dir
from kbgen.search.document import ArticleDoc, Section

STACKFAQ = CORPORA / "stackfaq"


@dataclass
class BuiltSite:
    """A help center built for real: its mkdocs.yml, site and state directories."""

    config: Path
    site: Path

    @property
    def state(self) -> Path:
        """`.kbgen/` beside the site."""
        return state_dir(self.site)


def build_stackfaq(base: Path) -> BuiltSite:
    """Build the stackfaq corpus (125 FAQ articles) under `base`."""
    base.mkdir(parents=True, exist_ok=True)
    config = base / "mkdocs.yml"
    config.write_text(textwrap.dedent(f"""\
        site_name: StackFAQ
        docs_dir: {STACKFAQ / 'docs'}
        site_dir: {base / 'site'}
        theme:
          name: material
        plugins:
          - kbgen
        """), encoding="utf-8")
    build_site(config)
    return BuiltSite(config, base / "site")


SMALL_KB = {
    "billing/refunds.md": article(
        "Get a refund", "How to get your money back for an order.", type="tutorial",
        tags=["payments"], body="""
        Refunds go back to the card you paid with.

        ## Request a refund {#request}

        Open **Orders**, choose the order and select *Request a refund*.

        ## When the money arrives {#arrival}

        Card refunds take five to ten business days to arrive.
        """),
    "billing/invoices.md": article(
        "Download an invoice", "Where to find invoices for your orders.", type="faq", body="""
        Invoices are PDF files you can download from the order page.

        ## Company details on invoices {#company}

        Add your VAT number under **Settings > Billing** before you order.
        """),
    "billing/payment-failed.md": article(
        "Payment failed", "What to do when a card payment is declined.", type="troubleshooting",
        body="""
        A declined payment usually means the bank stopped it.

        ## Check the card {#card}

        Make sure the card has not expired and the billing address matches.
        """),
    "account/password.md": article(
        "Reset your password", "Set a new password when you forgot the old one.",
        type="tutorial", body="""
        Use the *Forgot password* link on the sign-in page.

        ## Two-factor authentication {#two-factor}

        If you use an authenticator app, keep your recovery codes somewhere safe.
        """),
    "account/delete-account.md": article(
        "Delete your account", "Close your account and erase your data.", type="article",
        queries=["GDPR erasure request"], body="""
        Deleting your account erases your orders, invoices and saved addresses.

        ## Export your data first {#export}

        Download a copy of your orders before you delete the account.
        """),
    "shipping/track-order.md": article(
        "Track an order", "Follow a parcel from the warehouse to your door.", type="faq", body="""
        Every shipped order has a tracking number in the confirmation e-mail.

        ## Parcel is late {#late}

        Parcels can take up to three extra days during holidays.
        """),
}
SYNONYMS_YML = "refund: money back, reimbursement\nparcel: package\n"


def write_kb(base: Path, articles: dict[str, str], synonyms_yml: str | None = None) -> Path:
    """A help center of `articles` (path under docs/: Markdown), with a synonyms file when given;
    returns its mkdocs.yml."""
    docs = base / "docs"
    for rel, content in articles.items():
        path = docs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    options = ""
    if synonyms_yml is not None:
        (base / "synonyms.yml").write_text(synonyms_yml, encoding="utf-8")
        options = ":\n      synonyms: synonyms.yml"
    config = base / "mkdocs.yml"
    config.write_text(MKDOCS_YML.format(plugin_options=options), encoding="utf-8")
    return config


def build_kb(base: Path, articles: dict[str, str], synonyms_yml: str | None = None) -> BuiltSite:
    """Write and build a help center of `articles` under `base` (see `write_kb`)."""
    config = write_kb(base, articles, synonyms_yml)
    build_site(config, site_dir=str(base / "site"))
    return BuiltSite(config, base / "site")


def build_small_kb(base: Path, *, synonyms: bool = True) -> BuiltSite:
    """The six-article help center (`SMALL_KB`, three categories and four types), built under
    `base`, with the writer's synonyms unless `synonyms` is false."""
    return build_kb(base, SMALL_KB, SYNONYMS_YML if synonyms else None)


def refunds_kb(make_kb: Any, synonyms_yml: str) -> Path:
    """Through the `make_kb` fixture: one article about refunds, and this synonyms file."""
    kb: Path = make_kb({"billing/refunds.md": article(
        "Get a refund", body="Ask for a refund within 30 days.\n")},
        plugin_options="synonyms: synonyms.yml")
    (kb / "synonyms.yml").write_text(synonyms_yml, encoding="utf-8")
    return kb


def damage_index(built: BuiltSite, how: str) -> None:
    """Damage the built help center's search index: "cut" cuts its segments short, "garble"
    overwrites its table of contents."""
    folder = built.state / "search"
    if how == "cut":
        for segment in folder.glob("*.seg"):
            segment.write_bytes(segment.read_bytes()[:300])
    else:
        for toc in folder.glob("*.toc"):
            toc.write_bytes(b"not an index")


def article_doc(number: int, text: str = "") -> ArticleDoc:
    """A small article of two sections, numbered `number`, for the indexer alone."""
    return ArticleDoc(
        id=f"a{number}", url=f"a{number}/", title=f"Article {number}",
        description="One sentence.", category="general", category_title="General",
        type="article", type_label="Article",
        sections=[Section("", "", text or f"Text of article {number}."),
                  Section("more", "More", "Details.")],
    )
