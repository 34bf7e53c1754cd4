"""Parsing and formatting of what citizens type (forms_service.question_types.values)."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from forms_service.question_types.values import (
    InvalidValue,
    format_date,
    format_money,
    format_number,
    normalise_nino,
    normalise_postcode,
    parse_date,
    parse_email,
    parse_money,
    parse_number,
    parse_phone,
    resolve_date_bound,
    shift_date,
)


def invalid(call, *args, **kwargs) -> InvalidValue:
    """Run a parser that must refuse its input and return the error for inspection."""
    with pytest.raises(InvalidValue) as caught:
        call(*args, **kwargs)
    return caught.value


# --------------------------------------------------------------------------- InvalidValue


def test_invalid_value_carries_kind_params_and_parts():
    error = InvalidValue("too_small", parts=["day"], min=3)
    assert (error.kind, error.params, error.parts) == ("too_small", {"min": 3}, ("day",))
    assert isinstance(error, ValueError)
    assert "too_small" in repr(error)


def test_invalid_value_defaults_to_no_parts_and_no_params():
    error = InvalidValue("invalid")
    assert (error.params, error.parts) == ({}, ())


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", 12),
        (" 12 ", 12),
        ("1,250", 1250),
        ("1,250,000", 1250000),
        ("1 250", 1250),
        ("-3", -3),
        ("- 3", -3),
        ("+3", 3),
        ("\u22124", -4),
        ("0", 0),
        ("-0", 0),
        ("007", 7),
        ("12.", 12),
    ],
)
def test_parse_number_whole(raw, expected):
    value = parse_number(raw)
    assert value == expected
    assert type(value) is int


@pytest.mark.parametrize(
    ("raw", "decimals", "expected"),
    [
        ("12.50", 2, "12.50"),
        ("12.5", 2, "12.50"),
        ("12", 2, "12.00"),
        ("1,250.75", 2, "1250.75"),
        (".5", 1, "0.5"),
        ("-3.125", 3, "-3.125"),
        ("-0.0", 1, "0.0"),
    ],
)
def test_parse_number_decimal_has_exactly_the_allowed_places(raw, decimals, expected):
    value = parse_number(raw, decimals=decimals)
    assert isinstance(value, Decimal)
    assert str(value) == expected


@pytest.mark.parametrize(
    ("raw", "decimals", "kind"),
    [
        ("", 0, "required"),
        ("   ", 0, "required"),
        ("abc", 0, "invalid"),
        ("1e5", 0, "invalid"),
        ("12abc", 0, "invalid"),
        ("1,25", 0, "invalid"),
        ("12,5", 1, "invalid"),
        ("1,2500", 0, "invalid"),
        (",250", 0, "invalid"),
        ("1..5", 2, "invalid"),
        ("--3", 0, "invalid"),
        ("-", 0, "invalid"),
        (".", 2, "invalid"),
        ("\u0661\u0662", 0, "invalid"),  # Arabic-Indic digits
        ("\uff11\uff12", 0, "invalid"),  # full-width digits
        ("9" * 200, 0, "invalid"),
        ("12.5", 0, "not_a_whole_number"),
        ("12.0", 0, "not_a_whole_number"),
        (".5", 0, "not_a_whole_number"),
        ("12.345", 2, "too_many_decimals"),
        ("1.000", 2, "too_many_decimals"),
    ],
)
def test_parse_number_rejects(raw, decimals, kind):
    assert invalid(parse_number, raw, decimals=decimals).kind == kind


def test_too_many_decimals_says_how_many_are_allowed():
    assert invalid(parse_number, "12.345", decimals=2).params == {"decimals": 2}


@pytest.mark.parametrize(
    ("raw", "kwargs", "kind", "params"),
    [
        ("4", {"minimum": 5}, "too_small", {"min": 5}),
        ("11", {"maximum": 10}, "too_large", {"max": 10}),
        ("-1", {"minimum": 0, "maximum": 10}, "too_small", {"min": 0}),
        ("10.01", {"decimals": 2, "maximum": Decimal("10")}, "too_large", {"max": Decimal(10)}),
    ],
)
def test_parse_number_bounds(raw, kwargs, kind, params):
    error = invalid(parse_number, raw, **kwargs)
    assert (error.kind, error.params) == (kind, params)


@pytest.mark.parametrize("raw", ["5", "10", "7"])
def test_parse_number_bounds_are_inclusive(raw):
    assert parse_number(raw, minimum=5, maximum=10) == int(raw)


# --------------------------------------------------------------------------- money


@pytest.mark.parametrize(
    ("raw", "pence"),
    [
        ("1250", 125000),
        ("1,250.50", 125050),
        ("£1,250.5", 125050),
        ("£1250.5", 125050),
        ("£ 1,250.50", 125050),
        (" £1250 ", 125000),
        ("1250.", 125000),
        (".5", 50),
        ("0.05", 5),
        ("£0", 0),
        ("-0", 0),
        ("1 250", 125000),
        ("+£5", 500),
    ],
)
def test_parse_money(raw, pence):
    value = parse_money(raw)
    assert value == pence
    assert type(value) is int


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("", "required"),
        ("  ", "required"),
        ("£", "invalid"),
        ("-£", "invalid"),
        ("abc", "invalid"),
        ("£12abc", "invalid"),
        ("50p", "invalid"),
        ("1250 GBP", "invalid"),
        ("£1.5k", "invalid"),
        ("1,25", "invalid"),
        ("£1e5", "invalid"),
        ("£5£", "invalid"),
        ("£1.505", "too_many_decimals"),
        ("1,250.500", "too_many_decimals"),
        ("-5", "negative"),
        ("-£5", "negative"),
        ("£-5", "negative"),
        ("\u2212£0.01", "negative"),
    ],
)
def test_parse_money_rejects(raw, kind):
    assert invalid(parse_money, raw).kind == kind


def test_parse_money_too_many_decimals_params():
    assert invalid(parse_money, "1.234").params == {"decimals": 2}


@pytest.mark.parametrize(
    ("raw", "kwargs", "kind", "params"),
    [
        ("£9.99", {"minimum_pounds": 10}, "too_small", {"min": 1000}),
        ("16,000.01", {"maximum_pounds": 16000}, "too_large", {"max": 1600000}),
        ("0.49", {"minimum_pounds": 0.5}, "too_small", {"min": 50}),
        ("3", {"maximum_pounds": Decimal("2.5")}, "too_large", {"max": 250}),
    ],
)
def test_parse_money_bounds_are_pounds_and_params_are_pence(raw, kwargs, kind, params):
    error = invalid(parse_money, raw, **kwargs)
    assert (error.kind, error.params) == (kind, params)


def test_parse_money_bounds_are_inclusive():
    assert parse_money("£16,000", minimum_pounds=10, maximum_pounds=16000) == 1600000


@pytest.mark.parametrize(
    ("pence", "text"),
    [
        (125050, "£1,250.50"),
        (125005, "£1,250.05"),
        (60000, "£600"),
        (125000, "£1,250"),
        (0, "£0"),
        (5, "£0.05"),
        (50, "£0.50"),
        (123456789, "£1,234,567.89"),
        (-500, "-£5"),
    ],
)
def test_format_money(pence, text):
    assert format_money(pence) == text


@pytest.mark.parametrize("raw", ["£1,250.50", "1250.5", "£600", ".05"])
def test_money_round_trips(raw):
    assert parse_money(format_money(parse_money(raw))) == parse_money(raw)


@pytest.mark.parametrize(
    ("value", "locale", "text"),
    [
        (1234567, "en", "1,234,567"),
        (1234567, "cy", "1,234,567"),
        (-42, "en", "-42"),
        (Decimal("1250.50"), "en", "1,250.50"),
        (Decimal("12.00"), "en", "12.00"),
        (Decimal("-3.125"), "cy", "-3.125"),
        (2.5, "en", "2.5"),
    ],
)
def test_format_number(value, locale, text):
    assert format_number(value, locale) == text


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("day", "month", "year", "expected"),
    [
        ("12", "3", "2024", date(2024, 3, 12)),
        ("01", "03", "2024", date(2024, 3, 1)),
        (" 1 ", " 3 ", " 2024 ", date(2024, 3, 1)),
        ("29", "2", "2024", date(2024, 2, 29)),
        ("31", "12", "1999", date(1999, 12, 31)),
        ("12", "March", "2024", date(2024, 3, 12)),
        ("12", "march", "2024", date(2024, 3, 12)),
        ("12", "MAR", "2024", date(2024, 3, 12)),
        ("12", "Mar.", "2024", date(2024, 3, 12)),
        ("12", "sept", "2024", date(2024, 9, 12)),
        ("12", "Sep", "2024", date(2024, 9, 12)),
        ("12", "Febr", "2024", date(2024, 2, 12)),
        ("12", "Mawrth", "2024", date(2024, 3, 12)),  # Welsh
        ("12", "Rhag", "2024", date(2024, 12, 12)),
        ("3rd", "May", "2024", date(2024, 5, 3)),
        ("21st", "6", "2024", date(2024, 6, 21)),
        ("1", "1", "0001", date(1, 1, 1)),
    ],
)
def test_parse_date(day, month, year, expected):
    assert parse_date(day, month, year) == expected


@pytest.mark.parametrize(
    ("day", "month", "year", "kind", "parts"),
    [
        ("", "", "", "required", ("day", "month", "year")),
        (" ", None, "", "required", ("day", "month", "year")),
        ("", "3", "2024", "missing_day", ("day",)),
        ("12", "", "2024", "missing_month", ("month",)),
        ("12", "3", "", "missing_year", ("year",)),
        ("", "", "2024", "missing_day_and_month", ("day", "month")),
        ("", "3", "", "missing_day_and_year", ("day", "year")),
        ("12", "", "", "missing_month_and_year", ("month", "year")),
        ("", "13", "24", "missing_day", ("day",)),  # blank parts come first
        ("31", "2", "2024", "not_real_date", ("day", "month")),
        ("29", "2", "2023", "not_real_date", ("day", "month")),
        ("31", "4", "2024", "not_real_date", ("day", "month")),
        ("32", "3", "2024", "not_real_date", ("day",)),
        ("0", "3", "2024", "not_real_date", ("day",)),
        ("12", "13", "2024", "not_real_date", ("month",)),
        ("12", "0", "2024", "not_real_date", ("month",)),
        ("12", "Marchember", "2024", "not_real_date", ("month",)),
        ("12", "ma", "2024", "not_real_date", ("month",)),
        ("32", "13", "2024", "not_real_date", ("day", "month")),
        ("x", "3", "abcd", "not_real_date", ("day", "year")),
        ("1.5", "3", "2024", "not_real_date", ("day",)),
        ("12", "3", "20 24x", "not_real_date", ("year",)),
        ("12", "3", "-2024", "not_real_date", ("year",)),
        ("1", "3", "0000", "not_real_date", ("year",)),
        ("12", "3", "24", "year_not_4_digits", ("year",)),
        ("12", "3", "02024", "year_not_4_digits", ("year",)),
        ("31", "2", "24", "year_not_4_digits", ("year",)),
        ("32", "3", "24", "not_real_date", ("day",)),
    ],
)
def test_parse_date_rejects(day, month, year, kind, parts):
    error = invalid(parse_date, day, month, year)
    assert (error.kind, error.parts) == (kind, parts)


def test_parse_date_month_precision_stores_the_first():
    assert parse_date(None, "March", "2024", precision="month") == date(2024, 3, 1)
    assert parse_date("31", "2", "2024", precision="month") == date(2024, 2, 1)


@pytest.mark.parametrize(
    ("month", "year", "kind", "parts"),
    [
        ("", "", "required", ("month", "year")),
        ("", "2024", "missing_month", ("month",)),
        ("3", "", "missing_year", ("year",)),
        ("13", "2024", "not_real_date", ("month",)),
        ("3", "24", "year_not_4_digits", ("year",)),
    ],
)
def test_parse_date_month_precision_rejects(month, year, kind, parts):
    error = invalid(parse_date, "", month, year, precision="month")
    assert (error.kind, error.parts) == (kind, parts)


def test_parse_date_rejects_unknown_precision():
    with pytest.raises(ValueError, match="precision"):
        parse_date("1", "1", "2024", precision="week")


@pytest.mark.parametrize(
    ("day", "kwargs", "kind", "params"),
    [
        ("14", {"not_before": date(2024, 3, 15)}, "too_early", {"min": date(2024, 3, 15)}),
        ("16", {"not_after": date(2024, 3, 15)}, "too_late", {"max": date(2024, 3, 15)}),
    ],
)
def test_parse_date_bounds(day, kwargs, kind, params):
    error = invalid(parse_date, day, "3", "2024", **kwargs)
    assert (error.kind, error.params, error.parts) == (kind, params, ("day", "month", "year"))


def test_parse_date_bounds_are_inclusive():
    bound = date(2024, 3, 15)
    assert parse_date("15", "3", "2024", not_before=bound, not_after=bound) == bound


def test_parse_date_month_precision_compares_months():
    bound = date(2024, 3, 15)
    assert parse_date("", "3", "2024", precision="month", not_before=bound) == date(2024, 3, 1)
    error = invalid(parse_date, "", "2", "2024", precision="month", not_before=bound)
    assert (error.kind, error.parts) == ("too_early", ("month", "year"))
    error = invalid(parse_date, "", "4", "2024", precision="month", not_after=bound)
    assert error.kind == "too_late"


@pytest.mark.parametrize(
    ("value", "precision", "locale", "text"),
    [
        (date(2024, 3, 12), "day", "en", "12 March 2024"),
        (date(2024, 3, 2), "day", "en", "2 March 2024"),
        (date(2024, 3, 12), "day", "cy", "12 Mawrth 2024"),
        (date(2024, 3, 12), "month", "en", "March 2024"),
        (date(2024, 3, 1), "month", "cy", "Mawrth 2024"),
        ("2024-12-25", "day", "en", "25 December 2024"),
        ("2024-01-01", "day", "cy", "1 Ionawr 2024"),
    ],
)
def test_format_date(value, precision, locale, text):
    assert format_date(value, precision=precision, locale=locale) == text


# --------------------------------------------------------------------------- date bounds

TODAY = date(2024, 2, 29)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("2024-01-31", date(2024, 1, 31)),
        (" 2024-01-31 ", date(2024, 1, 31)),
        (date(2020, 5, 1), date(2020, 5, 1)),
        ("today", TODAY),
        ("today-18y", date(2006, 2, 28)),
        ("today - 18y", date(2006, 2, 28)),
        ("today+28d", date(2024, 3, 28)),
        ("today-1d", date(2024, 2, 28)),
        ("today+2w", date(2024, 3, 14)),
        ("today-1y", date(2023, 2, 28)),
        ("today+4y", date(2028, 2, 29)),
        ("today+1m", date(2024, 3, 29)),
        ("today-12m", date(2023, 2, 28)),
        ("today+0d", TODAY),
    ],
)
def test_resolve_date_bound(spec, expected):
    assert resolve_date_bound(spec, TODAY) == expected


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "yesterday",
        "today-18",
        "today-y",
        "today-18x",
        "today*2d",
        "today-1y+2d",
        "2024-02-30",
        "2024-1-31",
        "31/01/2024",
        "20240131",
        "Today",
        "today+99999y",
        42,
        None,
        datetime(2024, 1, 31, 12, 0),
    ],
)
def test_resolve_date_bound_rejects_with_a_helpful_message(spec):
    with pytest.raises(ValueError) as caught:
        resolve_date_bound(spec, TODAY)
    assert not isinstance(caught.value, InvalidValue)
    assert repr(spec) in str(caught.value)


def test_resolve_date_bound_message_shows_the_accepted_forms():
    with pytest.raises(ValueError, match=r"2024-01-31.*today-18y"):
        resolve_date_bound("next week", TODAY)


@pytest.mark.parametrize(
    ("start", "amount", "unit", "expected"),
    [
        (date(2024, 1, 31), 1, "m", date(2024, 2, 29)),
        (date(2023, 1, 31), 1, "m", date(2023, 2, 28)),
        (date(2024, 3, 31), -1, "m", date(2024, 2, 29)),
        (date(2024, 12, 15), 1, "m", date(2025, 1, 15)),
        (date(2024, 1, 15), -1, "m", date(2023, 12, 15)),
        (date(2024, 2, 29), -1, "y", date(2023, 2, 28)),
        (date(2024, 2, 29), 1, "w", date(2024, 3, 7)),
        (date(2024, 2, 29), -60, "d", date(2023, 12, 31)),
    ],
)
def test_shift_date(start, amount, unit, expected):
    assert shift_date(start, amount, unit) == expected


def test_shift_date_rejects_unknown_unit_and_overflow():
    with pytest.raises(ValueError, match="unit"):
        shift_date(TODAY, 1, "h")
    with pytest.raises(OverflowError):
        shift_date(TODAY, 8000, "y")


# --------------------------------------------------------------------------- postcodes


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("SW1A 1AA", "SW1A 1AA"),
        ("sw1a1aa", "SW1A 1AA"),
        (" sw1a  1aa ", "SW1A 1AA"),
        ("S W 1 A 1 A A", "SW1A 1AA"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("W1A 0AX", "W1A 0AX"),
        ("M1 1AE", "M1 1AE"),
        ("B33 8TH", "B33 8TH"),
        ("CR2 6XH", "CR2 6XH"),
        ("DN55 1PT", "DN55 1PT"),
        ("CF10 1EP", "CF10 1EP"),
        ("BT1 5GS", "BT1 5GS"),
        ("GIR 0AA", "GIR 0AA"),
        ("gir0aa", "GIR 0AA"),
        ("sw1a\u00a01aa", "SW1A 1AA"),
    ],
)
def test_normalise_postcode(raw, expected):
    assert normalise_postcode(raw) == expected


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("", "required"),
        ("   ", "required"),
        ("SW1A", "invalid"),
        ("1AA", "invalid"),
        ("SW1A 1A", "invalid"),
        ("SW1A 1AAA", "invalid"),
        ("SWIA 1AA", "invalid"),
        ("SW1A 1CA", "invalid"),
        ("SW1A IAA", "invalid"),
        ("QA1 1AA", "invalid"),
        ("12345", "invalid"),
        ("GIR 1AA", "invalid"),
        ("SW1A-1AA", "invalid"),
        ("<script>", "invalid"),
    ],
)
def test_normalise_postcode_rejects(raw, kind):
    assert invalid(normalise_postcode, raw).kind == kind


# --------------------------------------------------------------------------- NI numbers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("QQ 12 34 56 C", "QQ123456C"),
        ("QQ123456C", "QQ123456C"),
        ("qq123456c", "QQ123456C"),
        (" qq 123 456 c ", "QQ123456C"),
        ("QQ-12-34-56-C", "QQ123456C"),
        ("AB123456A", "AB123456A"),
        ("JZ123456D", "JZ123456D"),
        ("OA123456B", "OA123456B"),
    ],
)
def test_normalise_nino(raw, expected):
    assert normalise_nino(raw) == expected


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("", "required"),
        (" - ", "required"),
        ("QQ123456", "invalid"),
        ("QQ123456E", "invalid"),
        ("QQ12345C", "invalid"),
        ("QQ1234567C", "invalid"),
        ("Q1234567C", "invalid"),
        ("123456789", "invalid"),
        *[(f"{prefix}123456C", "invalid") for prefix in ["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"]],
        *[(f"{letter}A123456C", "invalid") for letter in "DFIUV"],
        *[(f"A{letter}123456C", "invalid") for letter in "DFIUVO"],
    ],
)
def test_normalise_nino_rejects(raw, kind):
    assert invalid(normalise_nino, raw).kind == kind


# --------------------------------------------------------------------------- phone numbers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("07700 900 982", "+447700900982"),
        ("07700900982", "+447700900982"),
        ("+44 7700 900982", "+447700900982"),
        ("+44 (0)7700 900982", "+447700900982"),
        ("0044 7700 900982", "+447700900982"),
        ("07700-900-982", "+447700900982"),
        ("01632 960 001", "+441632960001"),
        ("(020) 7946 0000", "+442079460000"),
        ("020.7946.0000", "+442079460000"),
        ("+33 1 23 45 67 89", "+33123456789"),
        ("+1 202 555 0143", "+12025550143"),
        ("01534 123456", "+441534123456"),  # Jersey shares +44
    ],
)
def test_parse_phone(raw, expected):
    assert parse_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("", "required"),
        ("  ", "required"),
        ("abc", "invalid"),
        ("999", "invalid"),
        ("0800 FLOWERS", "invalid"),
        ("07700 900982 ext 12", "invalid"),
        ("07700 900982 x12", "invalid"),
        ("07700 90098", "invalid"),
        ("+44 1632 960000 12", "invalid"),
        ("+999 1234 5678", "invalid"),
        ("1" * 300, "invalid"),
    ],
)
def test_parse_phone_rejects(raw, kind):
    assert invalid(parse_phone, raw).kind == kind


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("07700 900 982", "+447700900982"), ("+44 20 7946 0000", "+442079460000")],
)
def test_parse_phone_uk_only_accepts_uk_numbers(raw, expected):
    assert parse_phone(raw, uk_only=True) == expected


@pytest.mark.parametrize("raw", ["+33 1 23 45 67 89", "+1 202 555 0143", "00353 1 234 5678"])
def test_parse_phone_uk_only_rejects_other_countries(raw):
    assert invalid(parse_phone, raw, uk_only=True).kind == "not_uk"


# --------------------------------------------------------------------------- email


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("name@example.com", "name@example.com"),
        ("  name@example.com  ", "name@example.com"),
        ("Name@Example.COM", "Name@example.com"),
        ("first.last+tag@sub.example.co.uk", "first.last+tag@sub.example.co.uk"),
        ("user@m\u00fcnchen.de", "user@m\u00fcnchen.de"),
    ],
)
def test_parse_email(raw, expected):
    assert parse_email(raw) == expected


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("", "required"),
        ("   ", "required"),
        ("name", "invalid"),
        ("name@", "invalid"),
        ("@example.com", "invalid"),
        ("name@example", "invalid"),
        ("a..b@example.com", "invalid"),
        ("name @example.com", "invalid"),
        ("Name <name@example.com>", "invalid"),
        ("name@example.com, other@example.com", "invalid"),
        ("<script>@example.com", "invalid"),
    ],
)
def test_parse_email_rejects(raw, kind):
    assert invalid(parse_email, raw).kind == kind
