"""The plugin's options, as a typed MkDocs config class."""

from __future__ import annotations

import difflib
import re
from urllib.parse import urlsplit

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError

from kbgen.feedback.store import MAX_REASON


class PositiveInt(c.Type[int]):
    """A whole number of at least 1 (YAML's `true` is not one, though Python's bool is an int)."""

    def __init__(self, default: int) -> None:
        super().__init__(int, default=default)

    def run_validation(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValidationError(
                f"Expected a whole number of at least 1, such as {self.default}, "
                f"but received: {value!r}")
        return value


class PositiveNumber(c.Type[float]):
    """A number above 0 (`true` is not one)."""

    def __init__(self, example: float) -> None:
        super().__init__((int, float))
        self.example = example

    def run_validation(self, value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0 \
                or value == float("inf"):
            raise ValidationError(
                f"Expected a number above 0, such as {self.example}, but received: {value!r}")
        return float(value)


def _closest(key: object, known: list[str]) -> str:
    """` (did you mean 'title'?)` for a key written for one of `known`, else nothing."""
    close = difflib.get_close_matches(str(key), known, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


class Reasons(c.ListOfItems[str]):
    """`reasons:`, the reasons offered after a "No": each a label of its own, since each is a
    radio button the reader picks and the report counts."""

    def __init__(self, default: list[str]) -> None:
        super().__init__(c.Type(str), default=default)

    def run_validation(self, value: object) -> list[str]:
        reasons = super().run_validation(value)
        seen: dict[str, int] = {}
        for number, reason in enumerate(reasons, start=1):
            if not reason.strip():
                raise ValidationError(
                    f"reason {number} is empty, so its radio button would have no label; write "
                    "the reason, or remove the entry")
            if len(reason) > MAX_REASON:
                raise ValidationError(
                    f"reason {number} is {len(reason)} characters long, and the feedback service "
                    f"takes at most {MAX_REASON}; shorten it: {reason[:40]!r}...")
            key = " ".join(reason.split()).casefold()
            if key in seen:
                raise ValidationError(
                    f"reason {number}, {reason!r}, repeats reason {seen[key]}, so readers would "
                    "see the same choice twice; remove one of them")
            seen[key] = number
        return reasons


_CONTACT_EXAMPLES = {
    "email": "support@example.com",
    "chat": "https://example.com/chat",
    "phone": '"+1 555 010 0100"',
    "form": "https://example.com/contact",
}
_CONTACT_WANTED = {
    "email": "an email address (one @, no spaces)",
    "chat": "a web address starting with https:// or http://",
    "phone": "a phone number",
    "form": "a web address starting with https:// or http://",
}
# An address as a mail link needs it: one @, something either side, no spaces.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")


class Contact(c.Type[dict[str, object]]):
    """`contact:`, the ways to reach a person, as the widget links them: `email` must be an
    address and `chat` and `form` web addresses, so that no link goes to a script or nowhere; a
    key that is none of them is a warning (a strict build fails on it)."""

    def __init__(self) -> None:
        super().__init__(dict, default={})

    def run_validation(self, value: object) -> dict[str, object]:
        contact: dict[str, object] = super().run_validation(value)
        for key, setting in contact.items():
            if key not in _CONTACT_EXAMPLES:
                self.warnings.append(
                    f"'{key}' is not a way to reach a person the widget shows"
                    f"{_closest(key, list(_CONTACT_EXAMPLES))}, so it is "
                    f"ignored; the ways are {', '.join(_CONTACT_EXAMPLES)}")
            elif setting is not None and not _valid_contact(key, setting):
                raise ValidationError(
                    f"{key}: {setting!r} is not {_CONTACT_WANTED[key]}; write one such as "
                    f"{_CONTACT_EXAMPLES[key]}")
        return contact


def _valid_contact(key: str, setting: object) -> bool:
    if key == "phone":
        return isinstance(setting, (str, int)) and not isinstance(setting, bool)
    if not isinstance(setting, str):
        return False
    if key == "email":
        return _EMAIL.fullmatch(setting) is not None
    try:
        parts = urlsplit(setting)
    except ValueError:  # such as 'http://[' (an IPv6 address left open)
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in setting


class CategoryConfig(base.Config):
    """How one category folder is shown."""

    title = c.Optional(c.Type(str))
    """Display name; default: the folder name, humanized."""
    description = c.Optional(c.Type(str))
    """One line shown on the home page and the category's landing page."""
    icon = c.Optional(c.Type(str))
    """A Material icon name such as `material/credit-card`, shown with the category's title."""
    search_boost = c.Optional(PositiveNumber(example=0.7))
    """Multiplies the search score of every article in the category (with the article's own
    `search: {boost: N}`): below 1 ranks them lower, above 1 higher; default 1."""


class Categories(c.DictOfItems[CategoryConfig]):
    """`categories:`, each folder's settings; a key that is none of them is a warning that names
    the key and the category (a strict build fails on it)."""

    def __init__(self) -> None:
        super().__init__(c.SubConfig(CategoryConfig), default={})

    def run_validation(self, value: object) -> dict[str, CategoryConfig]:
        # MkDocs 1.6 resets the warnings list a DictOfItems shares with its items' option before
        # validating, so an item's "Unrecognised configuration name" never reached the user: the
        # items warn into a list of their own here, and an unknown key is said below, naming
        # the category.
        item_warnings: list[str] = []
        self.option_type.warnings = item_warnings
        categories = super().run_validation(value)
        self.option_type.reset_warnings()
        self.warnings.extend(w for w in item_warnings if "Unrecognised configuration" not in w)
        settings = [name for name, _ in CategoryConfig._schema]
        for name, category in categories.items():
            for key in sorted(category.keys() - set(settings), key=str):
                self.warnings.append(
                    f"category '{name}': '{key}' is not a category setting"
                    f"{_closest(key, settings)}, so it is "
                    f"ignored; the settings are {', '.join(settings[:-1])} and {settings[-1]}")
        return categories


class FeedbackConfig(base.Config):
    """The "Was this helpful?" widget."""

    enabled = c.Type(bool, default=True)
    """Show the widget on articles (a page can still turn it off with `feedback: false`)."""
    service_url = c.Type(str, default="")
    """Where the feedback service runs; empty means the site's own origin."""
    question = c.Type(str, default="Was this helpful?")
    """The question the widget asks."""
    yes = c.Type(str, default="Yes")
    """Label of the positive answer."""
    no = c.Type(str, default="No")
    """Label of the negative answer."""
    thanks = c.Type(str, default="Thanks for your feedback!")
    """Shown after a vote."""
    change = c.Type(str, default="Change your answer")
    """The button that reopens the question after a vote."""
    reason_prompt = c.Type(str, default="What went wrong?")
    """The question above the reasons, after a "No"."""
    comment_label = c.Type(str, default="Tell us more (optional)")
    """The label of the comment box."""
    send = c.Type(str, default="Send")
    """The button that sends the reason and comment."""
    help_heading = c.Type(str, default="Still need help?")
    """The heading above the ways to reach a person and the related articles."""
    reasons = Reasons(
        default=[
            "Didn't answer my question", "Hard to follow", "Out of date", "Something is wrong",
        ],
    )
    """Reasons offered after a "No"; each different, none empty."""
    contact = Contact()
    """Ways to reach a person: `email` (an address), `chat` and `form` (http or https URLs),
    `phone` (a number)."""


class KbgenConfig(base.Config):
    """Options of the `kbgen` plugin under `plugins:` in mkdocs.yml."""

    enabled = c.Type(bool, default=True)
    """Turn the plugin off without removing it."""
    home_title = c.Type(str, default="How can we help?")
    """The heading above the search box on the home page."""
    categories = Categories()
    """Titles, descriptions and icons of category folders."""
    sidebar_limit = PositiveInt(default=60)
    """Most articles listed beside an article; large categories link to their landing page."""
    category_page_size = PositiveInt(default=100)
    """Most articles on one page of a category's landing page; larger categories get more pages."""
    synonyms = c.Optional(c.File(exists=True))
    """A YAML file of synonyms (`refund: money back, reimbursement`), used by both searches."""
    google_fonts = c.Type(bool, default=False)
    """Load Material's fonts from Google; off by default, so pages load nothing from elsewhere."""
    search = c.Type(bool, default=True)
    """Build the search index and the browser search."""
    feedback = c.SubConfig(FeedbackConfig)
    """The "Was this helpful?" widget."""
    cache = c.Type(bool, default=True)
    """Keep converted pages in `.kbgen/pages.sqlite` and convert again only the pages that changed
    (false: convert every page every build)."""
