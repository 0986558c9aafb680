"""The plugin's options, as a typed MkDocs config class."""

from __future__ import annotations

import difflib

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError


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
                close = difflib.get_close_matches(str(key), settings, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self.warnings.append(
                    f"category '{name}': '{key}' is not a category setting{hint}, so it is "
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
    reasons = c.ListOfItems(
        c.Type(str),
        default=[
            "Didn't answer my question", "Hard to follow", "Out of date", "Something is wrong",
        ],
    )
    """Reasons offered after a "No"."""
    contact = c.Type(dict, default={})
    """Ways to reach a person: keys `email`, `chat`, `phone`, `form` (URLs or numbers)."""


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
