"""Masking of personal data in free text: no e-mail address or phone number reaches the store."""

from __future__ import annotations

import re

EMAIL_MASK = "[email]"
PHONE_MASK = "[phone]"

# Generous on purpose: a missed address is a leak, an over-eager mask only costs a word.
_EMAIL = re.compile(
    r"[\w.!#$%&'*+/=?^`{|}~-]+"  # local part (RFC 5322 atoms, dots)
    r"\s*(?:@|\(at\)|\[at\])\s*"
    r"[\w-]+(?:\s*(?:\.|\(dot\)|\[dot\])\s*[\w-]+)+",
    re.IGNORECASE,
)
# A run of digits with the separators phone numbers are written with; counted afterwards.
_NUMBER_RUN = re.compile(r"(?<![\w])(?:\+|\(\+?)?\d(?:[().\-/ \u00a0]{0,3}\d)*\)?(?![\w@])")
_DAY, _MONTH, _YEAR = r"(?:0?[1-9]|[12]\d|3[01])", r"(?:0?[1-9]|1[0-2])", r"(?:19|20)?\d\d"
# Dates and times look like short phone numbers; they are kept when they are plausible ones.
_DATE_OR_TIME = re.compile(
    rf"(?:19|20)\d\d[-/.]{_MONTH}[-/.]{_DAY}"
    rf"|{_DAY}[-/.]{_MONTH}[-/.]{_YEAR}|{_MONTH}[-/.]{_DAY}[-/.]{_YEAR}"
    r"|\d{1,2}[.:]\d{2}"
)
_MIN_PHONE_DIGITS = 7


def looks_like_date(text: str) -> bool:
    """Whether a run of digits reads as a date or a time of day (and so is kept)."""
    return _DATE_OR_TIME.fullmatch(text) is not None


def _mask_number(match: re.Match[str]) -> str:
    run = match.group(0)
    if looks_like_date(run.strip("()")):
        return run
    digits = sum(ch.isdigit() for ch in run)
    return PHONE_MASK if digits >= _MIN_PHONE_DIGITS else run


def mask_personal(text: str) -> str:
    """`text` with e-mail addresses and phone (and other long) numbers replaced by placeholders."""
    masked = _EMAIL.sub(EMAIL_MASK, text)
    return _NUMBER_RUN.sub(_mask_number, masked)
