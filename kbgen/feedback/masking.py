"""Masking of personal data in free text: e-mail addresses and phone numbers never reach the store."""

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
_DATE_OR_TIME = re.compile(
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{1,2}[.:]\d{2}"
)
_MIN_PHONE_DIGITS = 7


def _mask_number(match: re.Match[str]) -> str:
    run = match.group(0)
    if _DATE_OR_TIME.fullmatch(run.strip("()")):
        return run
    digits = sum(ch.isdigit() for ch in run)
    return PHONE_MASK if digits >= _MIN_PHONE_DIGITS else run


def mask_personal(text: str) -> str:
    """`text` with e-mail addresses and phone (and other long) numbers replaced by placeholders."""
    masked = _EMAIL.sub(EMAIL_MASK, text)
    return _NUMBER_RUN.sub(_mask_number, masked)
