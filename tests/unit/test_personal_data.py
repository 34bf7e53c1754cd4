"""The guess at whether a satisfaction comment holds an email address or a phone number
(staff are warned before they read it): the shapes people write, and things that are not."""

from __future__ import annotations

import pytest

from forms_service.performance.personal_data import (
    has_email,
    has_phone_number,
    may_hold_personal_data,
)

EMAILS = [
    "jo.bloggs@example.com",
    "Write to JO_BLOGGS+forms@Example.co.uk please",
    "my email is jo (at) example (dot) com",
    "jo[at]example.org",
]
PHONES = [
    "07700 900123",
    "call 07700900123 after 5",
    "07700-900-123",
    "020 7946 0958",
    "(01632) 960 001",
    "0300 123 4567",
    "0117 496 0123",
    "+44 7700 900123",
    "+447700900123",
    "+44 (0)20 7946 0958",
    "+1 202-555-0173",
    "0033 1 23 45 67 89",
    "+353 1 234 5678",
    "text me on 07700 900123, or 07700 900456",
]
NEITHER = [
    "The dates page was confusing",
    "I visited on 12/03/2024 and 01/02/2025",
    "from 2024-03-12 to 2024-04-01",
    "12 March 2024",
    "my reference is PVB-7K3M-Q9TX",
    "prisoner number A1234BC",
    "case number 123456789012",
    "it cost £1,200.50 in 2023",
    "open 10:30 to 11:45",
    "NI number QQ 12 34 56 C",
    "took 3 working days, version 2.1.0",
    "the 2019-2020 tax year",
    "thanks @team for the help",
    "between 01.02.2024 and 03.04.2024",
    "0.5 mg twice a day",
    "",
]


@pytest.mark.parametrize("text", EMAILS)
def test_email_addresses_are_found(text):
    assert has_email(text) and may_hold_personal_data(text)


@pytest.mark.parametrize("text", PHONES)
def test_phone_numbers_are_found(text):
    assert has_phone_number(text) and may_hold_personal_data(text)


@pytest.mark.parametrize("text", NEITHER)
def test_dates_references_and_amounts_are_not(text):
    assert not has_email(text)
    assert not has_phone_number(text)
    assert not may_hold_personal_data(text)


def test_nothing_is_nothing():
    assert may_hold_personal_data(None) is False
