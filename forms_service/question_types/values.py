"""Parse and normalise what citizens type, and format stored values for display.

Everything here is a pure function of its arguments: no Flask, no WTForms, no clock (callers
pass ``today``). Parsers follow the GOV.UK rule "be generous in what you accept, strict in
what you store": they strip spaces, accept common formats and return one canonical value, or
raise :class:`InvalidValue` whose ``kind`` the caller maps to a GOV.UK error message.

InvalidValue kinds
------------------
``required``
    Nothing was typed (only spaces, or every part of a date blank). Callers normally check
    for a blank answer first; the kind exists so that a parser never returns a blank value.
``invalid``
    The text cannot be read as the expected kind of value: letters or an exponent in a
    number ("abc", "1e5"), wrongly grouped thousands ("1,25"), letters in an amount of money,
    a postcode, National Insurance number, phone number (including extensions such as
    "ext 12") or email address that is not one.
``not_a_whole_number``
    A number question without decimals got a fraction ("12.5", also "12.0").
``too_many_decimals``
    More decimal places than allowed ("12.345" with 2 allowed, "£1.505").
    ``params["decimals"]`` is the number allowed.
``too_small`` / ``too_large``
    A number or amount outside the question's ``min`` / ``max`` (both inclusive).
    ``params["min"]`` / ``params["max"]`` is the bound in the stored unit: the number for
    :func:`parse_number`, pence for :func:`parse_money` (format it with :func:`format_money`).
``negative``
    An amount of money below zero ("-5", "-£5", "£-5").
``missing_day``, ``missing_month``, ``missing_year``
    One part of a date is blank.
``missing_day_and_month``, ``missing_day_and_year``, ``missing_month_and_year``
    Two parts of a date are blank (GOV.UK: "Date of birth must include a day and month").
``not_real_date``
    A part is not a number or a known month name, is out of range (day 32, month 13,
    year 0000), or the day does not exist in that month ("31 2 2024", "29 2 2023").
``year_not_4_digits``
    The year is a number but not 4 digits ("24", "02024").
``too_early`` / ``too_late``
    A real date before ``not_before`` / after ``not_after``. ``params["min"]`` /
    ``params["max"]`` is the bound as a ``date``.
``not_uk``
    A valid phone number outside the UK numbering plan (country code +44) when the
    question has ``uk_only: true``.

For dates, :attr:`InvalidValue.parts` names the inputs to highlight, in page order
("day", "month", "year"); the first is the one the error summary should link to.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal

import phonenumbers
from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.numbers import format_currency, format_decimal
from email_validator import EmailNotValidError, validate_email

__all__ = [
    "InvalidValue",
    "format_date",
    "format_money",
    "format_number",
    "normalise_nino",
    "normalise_postcode",
    "parse_date",
    "parse_email",
    "parse_money",
    "parse_number",
    "parse_phone",
    "resolve_date_bound",
    "shift_date",
]

DATE_PARTS = ("day", "month", "year")


class InvalidValue(ValueError):
    """What a citizen typed cannot be stored; ``kind`` says why (see the module docstring).

    A subclass of ValueError so that generic validation code can catch it, but carrying
    structured data so the page can pick the right GOV.UK message and highlight inputs.
    """

    def __init__(self, kind: str, *, parts: Iterable[str] = (), **params: object) -> None:
        super().__init__(kind)
        self.kind = kind
        self.params: dict[str, object] = dict(params)
        self.parts: tuple[str, ...] = tuple(parts)

    def __repr__(self) -> str:
        return f"InvalidValue({self.kind!r}, parts={self.parts!r}, params={self.params!r})"


# --------------------------------------------------------------------------- numbers and money

# Anything longer is not a number anyone means to type, and int() refuses very long strings.
_MAX_NUMBER_CHARS = 100

# Thousands may be grouped with commas or spaces, but only in groups of three, so that the
# European "12,5" is rejected rather than silently stored as 125.
_NUMBER = re.compile(
    r"(?P<sign>[-+]?)\s*"
    r"(?P<int>[0-9]{1,3}(?:[,\s][0-9]{3})+|[0-9]*)"
    r"(?:\.(?P<frac>[0-9]*))?"
)


def _split_number(raw: str) -> tuple[bool, str, str]:
    """Split typed text into (negative, integer digits, fraction digits) or raise.

    Shared by numbers and money so both accept exactly the same spellings.
    """
    text = raw.strip().replace("\u2212", "-")  # a pasted minus sign is still a minus
    if not text:
        raise InvalidValue("required")
    match = _NUMBER.fullmatch(text) if len(text) <= _MAX_NUMBER_CHARS else None
    if match is None:
        raise InvalidValue("invalid")
    integer = re.sub(r"[,\s]", "", match["int"])
    fraction = match["frac"] or ""
    if not integer and not fraction:
        raise InvalidValue("invalid")
    return match["sign"] == "-", integer or "0", fraction


Bound = int | float | Decimal


def _check_range(value: int | Decimal, minimum: Bound | None, maximum: Bound | None) -> None:
    """Raise too_small / too_large; bounds are inclusive and in the stored unit."""
    if minimum is not None and value < minimum:
        raise InvalidValue("too_small", min=minimum)
    if maximum is not None and value > maximum:
        raise InvalidValue("too_large", max=maximum)


def parse_number(
    raw: str,
    *,
    decimals: int = 0,
    minimum: Bound | None = None,
    maximum: Bound | None = None,
) -> int | Decimal:
    """Read a number such as "1,250", " -3 " or "12.50".

    Returns an int when ``decimals`` is 0, otherwise a Decimal with exactly ``decimals``
    places ("12.5" -> Decimal("12.50")), so that every answer to a question has one shape.
    A fraction longer than allowed is an error even if it ends in zeros: "1.000" may be a
    European thousand, and guessing would store the wrong value.
    """
    negative, integer, fraction = _split_number(raw)
    if len(fraction) > decimals:
        if decimals == 0:
            raise InvalidValue("not_a_whole_number")
        raise InvalidValue("too_many_decimals", decimals=decimals)
    places = fraction.ljust(decimals, "0")
    value = Decimal(f"{integer}.{places}") if decimals else int(integer)
    if negative and value:  # no "-0.00": zero has one spelling
        value = -value
    _check_range(value, minimum, maximum)
    return value


_POUND_SIGN = re.compile(r"(?P<sign>[-+]?)\s*£?\s*(?P<rest>.*)", re.DOTALL)


def _pounds_to_pence(pounds: Bound) -> int:
    """Convert a bound written in pounds (as in a form definition) to pence."""
    return int((Decimal(str(pounds)) * 100).to_integral_value())


def parse_money(
    raw: str,
    *,
    minimum_pounds: Bound | None = None,
    maximum_pounds: Bound | None = None,
) -> int:
    """Read an amount of money and return it in pence, so sums never meet float rounding.

    Accepts "1250", "1,250.50", "£1250.5" (= £1,250.50), "£ 1,250.50", "1250." (= £1,250)
    and ".5" (= 50p). Rejects more than 2 decimal places, negative amounts and any letters
    (including "50p", which is ambiguous next to "£0.50"). Bounds are in pounds because
    that is how the form definition writes them; the error params are in pence.
    """
    text = raw.strip().replace("\u2212", "-")
    if not text:
        raise InvalidValue("required")
    match = _POUND_SIGN.fullmatch(text)
    if match is None or not match["rest"].strip():
        raise InvalidValue("invalid")
    negative, integer, fraction = _split_number(match["sign"] + match["rest"])
    if len(fraction) > 2:
        raise InvalidValue("too_many_decimals", decimals=2)
    pence = int(integer) * 100 + int(fraction.ljust(2, "0"))
    if negative and pence:
        raise InvalidValue("negative")
    _check_range(
        pence,
        None if minimum_pounds is None else _pounds_to_pence(minimum_pounds),
        None if maximum_pounds is None else _pounds_to_pence(maximum_pounds),
    )
    return pence


def format_money(pence: int, locale: str = "en") -> str:
    """Show pence as GOV.UK style pounds in the page's language (Babel): "£1,250.50", and
    "£600" for whole pounds (the GOV.UK style guide says not to add ".00")."""
    pattern = "¤#,##0" if pence % 100 == 0 else "¤#,##0.00"
    amount = Decimal(pence) / 100
    return format_currency(amount, "GBP", format=pattern, locale=locale, currency_digits=False)


def format_number(value: int | Decimal | float, locale: str = "en") -> str:
    """Show a number with grouping ("1,250") in the page's language.

    A Decimal keeps the places it was stored with (Decimal("12.50") -> "12.50"), so that
    a question with ``decimals: 2`` shows every answer the same way.
    """
    if isinstance(value, Decimal) and value.is_finite():
        exponent = value.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        pattern = "#,##0" + ("." + "0" * places if places else "")
        return format_decimal(value, format=pattern, locale=locale)
    return format_decimal(value, locale=locale)


# --------------------------------------------------------------------------- dates


def _month_names() -> dict[str, int]:
    """Month names and abbreviations citizens may type, in English and Welsh."""
    names: dict[str, int] = {"sept": 9}
    for code in ("en", "cy"):
        months = Locale.parse(code).months
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in months[context][width].items():
                    names[name.lower()] = number
    return names


_MONTHS = _month_names()
_FULL_MONTH_NAMES = {name: n for name, n in _MONTHS.items() if len(name) > 4}
_DAY = re.compile(r"0*([0-9]{1,2})(?:st|nd|rd|th)?", re.IGNORECASE)


def _clean(part: str | None) -> str:
    return "".join((part or "").split())


def _read_day(text: str) -> int | None:
    """Day 1-31 with optional leading zeros or ordinal suffix ("03", "3rd")."""
    match = _DAY.fullmatch(text)
    day = int(match[1]) if match else 0
    return day if 1 <= day <= 31 else None


def _read_month(text: str) -> int | None:
    """Month as a number 1-12 or an English or Welsh name, abbreviation or unique prefix."""
    if re.fullmatch(r"[0-9]+", text):
        number = int(text) if len(text) <= 4 else 0
        return number if 1 <= number <= 12 else None
    name = text.lower().rstrip(".")
    if name in _MONTHS:
        return _MONTHS[name]
    if len(name) >= 3:
        found = {n for full, n in _FULL_MONTH_NAMES.items() if full.startswith(name)}
        if len(found) == 1:
            return found.pop()
    return None


def _missing_kind(missing: list[str]) -> str:
    return "missing_" + "_and_".join(missing)


def parse_date(
    day: str | None,
    month: str | None,
    year: str | None,
    *,
    precision: str = "day",
    not_before: date | None = None,
    not_after: date | None = None,
) -> date:
    """Read a GOV.UK three-input date ("31", "March", "2024") into a date.

    Errors follow the GOV.UK date input pattern in its order of priority: blank parts, then
    parts that cannot be a day, month or year, then a year that is not 4 digits, then a day
    the month does not have, then the bounds. With ``precision="month"`` the day input is
    ignored and the 1st of the month is returned; bounds then compare months, so a bound of
    15 March 2024 still allows "March 2024".
    """
    if precision not in ("day", "month"):
        raise ValueError(f"precision must be 'day' or 'month', not {precision!r}")
    names = DATE_PARTS if precision == "day" else DATE_PARTS[1:]
    texts = {"day": _clean(day), "month": _clean(month), "year": _clean(year)}
    missing = [name for name in names if not texts[name]]
    if len(missing) == len(names):
        raise InvalidValue("required", parts=names)
    if missing:
        raise InvalidValue(_missing_kind(missing), parts=missing)

    day_number = _read_day(texts["day"]) if precision == "day" else 1
    month_number = _read_month(texts["month"])
    year_number = int(texts["year"]) if re.fullmatch(r"[0-9]+", texts["year"]) else None
    read = {"day": day_number, "month": month_number, "year": year_number}
    wrong = [name for name in names if read[name] is None]
    if wrong:
        raise InvalidValue("not_real_date", parts=wrong)
    assert day_number and month_number and year_number is not None  # narrowed by `wrong`
    if len(texts["year"]) != 4:
        raise InvalidValue("year_not_4_digits", parts=["year"])
    value = _real_date(year_number, month_number, day_number)
    return _check_date_bounds(value, precision, not_before, not_after)


def _real_date(year: int, month: int, day: int) -> date:
    """Build the date, blaming the day and month when the month is too short for the day."""
    if year < 1:
        raise InvalidValue("not_real_date", parts=["year"])
    if day > calendar.monthrange(year, month)[1]:
        raise InvalidValue("not_real_date", parts=["day", "month"])
    return date(year, month, day)


def _check_date_bounds(
    value: date, precision: str, not_before: date | None, not_after: date | None
) -> date:
    def key(d: date) -> tuple[int, ...]:
        return (d.year, d.month) if precision == "month" else (d.year, d.month, d.day)

    parts = DATE_PARTS if precision == "day" else DATE_PARTS[1:]
    if not_before is not None and key(value) < key(not_before):
        raise InvalidValue("too_early", parts=parts, min=not_before)
    if not_after is not None and key(value) > key(not_after):
        raise InvalidValue("too_late", parts=parts, max=not_after)
    return value


def shift_date(value: date, amount: int, unit: str) -> date:
    """Add ``amount`` days, weeks, months or years (unit d, w, m, y) to a date.

    Months and years keep the day of the month where they can and clamp it where they
    cannot (31 January + 1m = 29 February 2024; 29 February 2024 - 1y = 28 February 2023),
    which is what people mean by "18 years ago". Raises OverflowError outside years 1-9999.
    """
    if unit in ("d", "w"):
        return value + timedelta(days=amount * (7 if unit == "w" else 1))
    if unit not in ("m", "y"):
        raise ValueError(f"unknown date unit {unit!r}: use d, w, m or y")
    months = value.year * 12 + value.month - 1 + amount * (12 if unit == "y" else 1)
    year, month = divmod(months, 12)
    if not 1 <= year <= 9999:
        raise OverflowError("date out of range")
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(value.day, last_day))


_BOUND = re.compile(r"today\s*(?:(?P<op>[-+])\s*(?P<amount>[0-9]+)\s*(?P<unit>[dwmy]))?")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def resolve_date_bound(spec: str | date, today: date) -> date:
    """Turn a definition's ``not_before`` / ``not_after`` into a date.

    ``spec`` is an ISO date ("2024-01-31"), ``today``, or ``today`` plus or minus a whole
    number of d, w, m or y ("today-18y", "today + 28d"). A ``date`` is returned as it is,
    because YAML reads an unquoted 2024-01-31 as a date. Raises ValueError with a sentence a
    form author can act on, so the definition loader can report it with file and line.
    """
    if isinstance(spec, datetime):
        raise ValueError(f"{spec!r} has a time: write just the date, like 2024-01-31")
    if isinstance(spec, date):
        return spec
    if not isinstance(spec, str):
        raise ValueError(
            f"{spec!r} is not a date: write a date like 2024-01-31, or today, today-18y, today+28d"
        )
    text = spec.strip()
    if _ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{spec!r} is not a real date: write it as YYYY-MM-DD") from None
    match = _BOUND.fullmatch(text)
    if match is None:
        raise ValueError(
            f"{spec!r} is not a date: write a date like 2024-01-31, or today, or today with "
            "a number of days, weeks, months or years added or taken away, like today-18y "
            "or today+28d (units d, w, m, y)"
        )
    if not match["op"]:
        return today
    amount = int(match["amount"]) * (-1 if match["op"] == "-" else 1)
    try:
        return shift_date(today, amount, match["unit"])
    except OverflowError:
        raise ValueError(f"{spec!r} is too far from today to be a date") from None


def format_date(value: date | str, *, precision: str = "day", locale: str = "en") -> str:
    """Show a date the GOV.UK way: "12 March 2024", or "March 2024" for month precision.

    Accepts the stored ISO string as well as a date, since answers are stored as strings.
    Month names come from babel so Welsh pages read "12 Mawrth 2024".
    """
    if isinstance(value, str):
        value = date.fromisoformat(value)
    pattern = "LLLL y" if precision == "month" else "d MMMM y"
    return babel_format_date(value, format=pattern, locale=locale)


def format_date_and_time(
    moment: datetime, language: str, gettext: Callable[[str], str] = lambda s: s
) -> str:
    """GOV.UK style, in the language `gettext` translates to: "12 March 2024 at 2:05pm",
    "midday", "midnight"."""
    if (moment.hour, moment.minute) == (12, 0):
        time = gettext("midday")
    elif (moment.hour, moment.minute) == (0, 0):
        time = gettext("midnight")
    else:
        suffix = gettext("am") if moment.hour < 12 else gettext("pm")
        minutes = f":{moment.minute:02d}" if moment.minute else ""  # "2pm", "2:05pm"
        time = f"{moment.hour % 12 or 12}{minutes}{suffix}"
    day = format_date(moment.date(), locale=language)
    return gettext("%(date)s at %(time)s") % {"date": day, "time": time}


# --------------------------------------------------------------------------- identifiers

# UK postcode shape from the government data standard: outward code (A9, A99, AA9, AA99,
# A9A, AA9A) then inward code (9AA); letters that Royal Mail never uses in each position are
# excluded so typing an O for a 0 is caught. GIR 0AA is Girobank's historic code.
_POSTCODE = re.compile(
    r"(?P<out>GIR|[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]"
    r"|[A-HK-Y][0-9][ABEHMNPRVWXY]))(?P<in>[0-9][ABD-HJLNP-UW-Z]{2})"
)


def normalise_postcode(raw: str) -> str:
    """Return a UK postcode in capitals with one space before the inward code: "SW1A 1AA".

    Spacing and case do not matter, because people type "sw1a1aa" and "SW1A  1AA".
    """
    text = "".join(raw.split()).upper()
    if not text:
        raise InvalidValue("required")
    match = _POSTCODE.fullmatch(text)
    if match is None or (match["out"] == "GIR" and match["in"] != "0AA"):
        raise InvalidValue("invalid")
    return f"{match['out']} {match['in']}"


# HMRC never issues D, F, I, U or V as either prefix letter, nor O as the second, nor the
# prefixes below. Q is also unused, but QQ is the GOV.UK example number and must be accepted.
_NINO = re.compile(r"[A-CEGHJ-TW-Z][A-CEGHJ-NP-TW-Z][0-9]{6}[A-D]")
_NINO_UNUSED_PREFIXES = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


def normalise_nino(raw: str) -> str:
    """Return a National Insurance number as "QQ123456C", ignoring spaces, hyphens and case."""
    text = re.sub(r"[\s-]", "", raw).upper()
    if not text:
        raise InvalidValue("required")
    if not _NINO.fullmatch(text) or text[:2] in _NINO_UNUSED_PREFIXES:
        raise InvalidValue("invalid")
    return text


# --------------------------------------------------------------------------- phone and email

_PHONE_CHARACTERS = re.compile(r"[0-9+()\-.\s]+")
# Ofcom's ranges for TV and radio drama: never allocated, so phonenumbers calls them invalid,
# but GOV.UK examples ("07700 900 982") and our tests use them.
_OFCOM_DRAMA = re.compile(r"(?:1632960|7700900)[0-9]{3}")


def parse_phone(raw: str, *, uk_only: bool = False) -> str:
    """Return a phone number in E.164 ("+447700900982"); UK numbers may omit the +44.

    Only digits, spaces, "+", brackets, hyphens and dots are accepted: letters would be a
    vanity number or an extension ("ext 12"), and E.164 has no room for an extension, so
    storing it would silently lose part of the answer. ``uk_only`` accepts any +44 number,
    including Jersey, Guernsey and the Isle of Man, which share the UK numbering plan.
    """
    text = raw.strip()
    if not text:
        raise InvalidValue("required")
    if not _PHONE_CHARACTERS.fullmatch(text):
        raise InvalidValue("invalid")
    try:
        number = phonenumbers.parse(text, "GB")
    except phonenumbers.NumberParseException:
        raise InvalidValue("invalid") from None
    national = str(number.national_number)
    drama = number.country_code == 44 and _OFCOM_DRAMA.fullmatch(national) is not None
    if not (drama or phonenumbers.is_valid_number(number)):
        raise InvalidValue("invalid")
    if uk_only and number.country_code != 44:
        raise InvalidValue("not_uk")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parse_email(raw: str) -> str:
    """Return a checked email address with its domain in lower case.

    The mailbox part keeps its case, because some mail servers treat it as significant.
    Deliverability is not checked: DNS look-ups would make form pages slow and flaky.
    """
    text = raw.strip()
    if not text:
        raise InvalidValue("required")
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        raise InvalidValue("invalid") from None
