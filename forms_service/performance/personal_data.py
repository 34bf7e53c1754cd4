"""Whether a free-text comment looks like it holds an email address or a phone number, so
staff are warned before reading or copying it. Pure functions, no Flask.

A guess that errs towards warning: it looks for the shapes of UK numbers (a leading 0 and
10 or 11 digits: 07700 900123, 020 7946 0958, (01632) 960 001) and international ones
(+ or 00, then 8 to 15 digits: +44 7700 900123, +1 202-555-0173), and for email addresses
(also written "name (at) example.com"). Dates, times, amounts, references and case
numbers do not have those shapes.
"""

from __future__ import annotations

import re

EMAIL = re.compile(
    r"[A-Za-z0-9._%+-]+\s*(?:@|\(at\)|\[at\])\s*[A-Za-z0-9-]+(?:\s*(?:\.|\(dot\)|\[dot\])\s*[A-Za-z0-9-]+)*"
    r"\s*(?:\.|\(dot\)|\[dot\])\s*[A-Za-z]{2,}\b",
    re.IGNORECASE,
)
# A UK number: 0, then groups of digits with at most one space, dot or hyphen between
# them (the area code may be in brackets). Not part of a longer run of digits.
UK_PHONE = re.compile(r"(?<![\d+\w])\(?0\d{1,4}\)?(?:[ .-]?\d{2,4}){1,3}(?![\d\w])")
# An international number: + or 00, the country code, then groups of digits ("(0)" after
# the country code, as people write UK numbers for abroad, is allowed).
INTERNATIONAL_PHONE = re.compile(
    r"(?<![\d\w])(?:\+|00)\s?\d{1,3}(?:[ .-]?(?:\(0\)|\(\d{1,4}\)|\d{1,5})){2,6}(?![\d\w])"
)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def has_email(text: str) -> bool:
    return EMAIL.search(text) is not None


def has_phone_number(text: str) -> bool:
    for match in UK_PHONE.finditer(text):
        digits = _digits(match.group(0))
        if len(digits) in (10, 11) and digits[1] in "123578":
            return True
    for match in INTERNATIONAL_PHONE.finditer(text):
        digits = _digits(match.group(0).replace("(0)", ""))
        if match.group(0).startswith("00"):
            digits = digits[2:]
        if 8 <= len(digits) <= 15:
            return True
    return False


def may_hold_personal_data(text: str | None) -> bool:
    """Whether the text looks like it contains an email address or a phone number."""
    return bool(text) and (has_email(text) or has_phone_number(text))
