"""Service-level targets count working days, skipping England and Wales bank holidays."""

import datetime

import holidays
import pytest

from forms_service.working_days import add_working_days, bank_holidays, easter

D = datetime.date


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        # Published by GOV.UK (bank-holidays.json, England and Wales).
        (
            2024,
            {
                D(2024, 1, 1),
                D(2024, 3, 29),
                D(2024, 4, 1),
                D(2024, 5, 6),
                D(2024, 5, 27),
                D(2024, 8, 26),
                D(2024, 12, 25),
                D(2024, 12, 26),
            },
        ),
        (
            2026,
            {
                D(2026, 1, 1),
                D(2026, 4, 3),
                D(2026, 4, 6),
                D(2026, 5, 4),
                D(2026, 5, 25),
                D(2026, 8, 31),
                D(2026, 12, 25),
                D(2026, 12, 28),
            },
        ),
        (
            2022,
            {
                D(2022, 1, 3),
                D(2022, 4, 15),
                D(2022, 4, 18),
                D(2022, 5, 2),
                D(2022, 6, 2),
                D(2022, 6, 3),
                D(2022, 8, 29),
                D(2022, 9, 19),
                D(2022, 12, 26),
                D(2022, 12, 27),
            },
        ),
        (
            2027,
            {
                D(2027, 1, 1),
                D(2027, 3, 26),
                D(2027, 3, 29),
                D(2027, 5, 3),
                D(2027, 5, 31),
                D(2027, 8, 30),
                D(2027, 12, 27),
                D(2027, 12, 28),
            },
        ),
    ],
)
def test_bank_holidays(year, expected):
    assert bank_holidays(year) == expected


def test_wales_has_englands_bank_holidays():
    # bank_holidays() asks the library for England's list and uses it for Wales too.
    for year in range(2015, 2031):
        wales = holidays.country_holidays("GB", subdiv="WLS", years=year)
        england = holidays.country_holidays("GB", subdiv="ENG", years=year)
        assert dict(wales) == dict(england)


def test_easter():
    assert [easter(y) for y in (2024, 2025, 2026, 2028)] == [
        D(2024, 3, 31),
        D(2025, 4, 20),
        D(2026, 4, 5),
        D(2028, 4, 16),
    ]


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (D(2026, 11, 20), 3, D(2026, 11, 25)),  # Friday: Mon, Tue, Wed
        (D(2026, 12, 23), 3, D(2026, 12, 30)),  # over Christmas (25th, 28th substitute)
        (D(2026, 4, 2), 1, D(2026, 4, 7)),  # Good Friday and Easter Monday skipped
        (D(2026, 11, 21), 1, D(2026, 11, 23)),  # received on a Saturday
    ],
)
def test_add_working_days(start, days, due):
    assert add_working_days(start, days) == due
