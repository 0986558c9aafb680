"""E-mail addresses and phone numbers never survive masking; ordinary text does."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kbgen.feedback.masking import EMAIL_MASK, PHONE_MASK, looks_like_date, mask_personal

# Words around the personal data: letters, spaces and punctuation, never digits or "@".
prose = st.text(st.characters(categories=["L", "Zs", "P"], exclude_characters="@#&"), max_size=60)
separators = st.sampled_from([" ", "-", ".", "", " - "])


@st.composite
def phone_numbers(draw: st.DrawFn) -> str:
    """Phone numbers as people write them: +CC, (area), groups with spaces, dashes or dots."""
    prefix = draw(st.sampled_from(["", "+", "00", "0"]))
    groups = draw(st.lists(st.text("0123456789", min_size=2, max_size=4), min_size=3, max_size=5))
    sep = draw(separators)
    number = sep.join(groups)
    if draw(st.booleans()):
        number = f"({groups[0]}) " + sep.join(groups[1:])
    digits = sum(c.isdigit() for c in number)
    if digits < 7:
        number += "0" * (7 - digits)
    assume(not looks_like_date(prefix + number))  # 12-11-2024 is kept, and documented so
    return prefix + number


@given(before=prose, email=st.emails(), after=prose)
@settings(max_examples=300, deadline=None)
def test_any_email_address_is_masked(before: str, email: str, after: str) -> None:
    masked = mask_personal(f"{before} {email} {after}")
    assert EMAIL_MASK in masked
    assert "@" not in masked


@given(before=prose, phone=phone_numbers(), after=prose)
@settings(max_examples=300, deadline=None)
def test_any_phone_number_is_masked(before: str, phone: str, after: str) -> None:
    masked = mask_personal(f"{before} {phone} {after}")
    assert PHONE_MASK in masked
    assert not re.search(r"\d", masked), masked


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_masking_is_idempotent_and_leaves_no_long_number(text: str) -> None:
    once = mask_personal(text)
    assert mask_personal(once) == once
    digits_in_runs = re.findall(r"\+?\d(?:[ ().\-/]{0,3}\d){6,}", once)
    assert all(re.fullmatch(r"[\d./-]+|\d{1,2}[.:]\d{2}", run) for run in digits_in_runs), once


@given(prose)
def test_text_without_digits_or_at_signs_is_unchanged(text: str) -> None:
    assert mask_personal(text) == text


@pytest.mark.parametrize(
    "kept",
    [
        "Updated on 2024-01-15 at 10:30",
        "Version 1.2.3 fixed it",
        "Order #12345 is late",
        "Step 3 of 4",
        "It costs 1,299.00 EUR",
        "See 15.01.2024",
    ],
)
def test_dates_versions_and_short_numbers_are_kept(kept: str) -> None:
    assert mask_personal(kept) == kept


def test_a_long_comment_is_masked_quickly() -> None:
    import time

    text = ("1 2 " * 250) + ("a@" * 250) + ("+" * 300)
    start = time.perf_counter()
    mask_personal(text)
    assert time.perf_counter() - start < 0.5
