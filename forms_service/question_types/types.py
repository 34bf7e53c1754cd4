"""The question-type registry: one class per type in the contract, one table of them.

A type knows its extra definition keys, the inputs it reads, how to turn what was typed into
the stored answer (and back), the answer's type in conditions, and how to show it to people.
Nothing here imports Flask or WTForms: the journey engine and the PDF use it too. Rendering
lives in forms_service.views.question_fields, keyed by each type's `component`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

import phonenumbers

from forms_service.definitions.expressions import T
from forms_service.question_types import keys as K
from forms_service.question_types import values as V

if TYPE_CHECKING:
    from forms_service.definitions.model import Question, Text

Raw = dict[str, Any]  # what was typed: part name -> string (or list of strings for checkboxes)

ERROR_KINDS = (
    "required",
    "invalid",
    "too_long",
    "too_short",
    "too_small",
    "too_large",
    "too_early",
    "too_late",
    "too_few",
    "too_many",
    "mismatch",
)


def N_(message: str) -> str:
    """Mark a message for translation; gettext runs when it is shown (see fields.py)."""
    return message


class Invalid(Exception):
    """An answer that cannot be accepted: `kind` picks the message, `parts` the inputs to mark."""

    def __init__(
        self, kind: str, parts: tuple[str, ...] = (), message: str | None = None, **params: Any
    ):
        super().__init__(kind)
        self.kind = kind
        self.parts = parts
        self.params = params
        self.message = message  # an exact default message for this problem, if any
        # Further problems in other parts of the same answer (compound answers report all).
        self.more: list[Invalid] = []


@dataclass(frozen=True)
class Display:
    """What showing an answer needs: the language, a text picker and gettext."""

    language: str = "en"
    pick: Callable[[Text], str] | None = None
    gettext: Callable[[str], str] = lambda s: s

    def label(self, text: Text) -> str:
        return self.pick(text) if self.pick else text.pick(self.language)


class QuestionType:
    name: ClassVar[str]
    component: ClassVar[str]
    keys: ClassVar[Mapping[str, K.Key]] = {}
    parts: ClassVar[tuple[str, ...]] = ("",)  # input names: "" is the id, "day" is id-day
    has_options: ClassVar[bool] = False
    allows_reveal: ClassVar[bool] = False
    multiple: ClassVar[bool] = False  # reads a list of values for one name (checkboxes)
    # How the input is shown: html type, inputmode, autocomplete, width, prefix.
    input_attrs: ClassVar[Mapping[str, Any]] = {}
    hint: ClassVar[str | None] = None  # GOV.UK's suggested hint when the author gives none
    # Default messages. {name} is the question's label in a sentence.
    messages: ClassVar[Mapping[str, str]] = {
        "required": N_("Enter {name}"),
        "invalid": N_("Enter {name} in the correct format"),
    }

    def input_parts(self, question: Question) -> tuple[str, ...]:
        return self.parts

    def default_hint(self, question: Question) -> str | None:
        return self.hint

    def clean(self, question: Question, raw: Raw, today: datetime.date) -> Any:
        """Turn what was typed into the stored answer; None for an empty optional answer."""
        if self.is_empty(question, raw):
            if question.optional:
                return None
            raise Invalid("required", self.required_parts(question))
        return self.parse(question, raw, today)

    def is_empty(self, question: Question, raw: Raw) -> bool:
        return not any(_strip(raw.get(part)) for part in self.input_parts(question))

    def required_parts(self, question: Question) -> tuple[str, ...]:
        return self.input_parts(question)[:1]

    def parse(self, question: Question, raw: Raw, today: datetime.date) -> Any:
        return _strip(raw.get(""))

    def to_raw(self, question: Question, value: Any) -> Raw:
        """What to put back in the inputs for a stored answer."""
        return {"": "" if value is None else str(value)}

    def expression_type(self, question: Question) -> Any:
        return T.TEXT

    def to_expression(self, question: Question, value: Any) -> Any:
        return value

    def display(self, question: Question, value: Any, ctx: Display) -> list[str]:
        """The answer for people, as lines (check your answers, PDF, placeholders)."""
        return [] if value in (None, "", []) else [str(value)]


def _strip(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    return value


def _length_checks(question: Question, value: str, default_max: int) -> str:
    maximum = question.setting("max_length", default_max)
    minimum = question.setting("min_length")
    if len(value) > maximum:
        raise Invalid("too_long", max=maximum)
    if minimum and len(value) < minimum:
        raise Invalid("too_short", min=minimum)
    return value


class TextType(QuestionType):
    name = "text"
    component = "input"
    keys = {
        "max_length": K.POSITIVE_INT,
        "min_length": K.NON_NEGATIVE_INT,
        "pattern": K.REGEX,
        "width": K.WIDTH,
        "autocomplete": K.AUTOCOMPLETE,
    }
    messages = {
        **QuestionType.messages,
        "too_long": N_("{Name} must be {max} characters or less"),
        "too_short": N_("{Name} must be {min} characters or more"),
    }

    def parse(self, question: Question, raw: Raw, today: datetime.date) -> str:
        value = _length_checks(question, _strip(raw.get("")), 500)
        pattern = question.setting("pattern")
        if pattern and not re.fullmatch(pattern, value):
            raise Invalid("invalid")
        return value


class TextareaType(TextType):
    name = "textarea"
    component = "character_count"
    keys = {"max_length": K.POSITIVE_INT, "min_length": K.NON_NEGATIVE_INT}

    def parse(self, question: Question, raw: Raw, today: datetime.date) -> str:
        # Browsers send CRLF; count what the citizen sees, as the character count does.
        value = _strip(raw.get("")).replace("\r\n", "\n")
        return _length_checks(question, value, 5000)

    def display(self, question: Question, value: Any, ctx: Display) -> list[str]:
        return value.splitlines() if value else []


class NumberType(QuestionType):
    name = "number"
    component = "input"
    keys = {
        "min": K.NUMBER,
        "max": K.NUMBER,
        "decimals": K.NON_NEGATIVE_INT,
        "suffix": K.TEXT,
        "width": K.WIDTH,
    }
    input_attrs = {"inputmode": "decimal", "spellcheck": False, "width": "10"}
    messages = {
        "required": N_("Enter {name}"),
        "invalid": N_("{Name} must be a number"),
        "not_a_whole_number": N_("{Name} must be a whole number"),
        "too_many_decimals": N_("{Name} must have {decimals} decimal places or fewer"),
        "too_small": N_("{Name} must be {min} or more"),
        "too_large": N_("{Name} must be {max} or less"),
    }

    def parse(self, question: Question, raw: Raw, today: datetime.date) -> int | Decimal:
        decimals = question.setting("decimals", 0)
        try:
            value = V.parse_number(raw.get("", ""), decimals=decimals)
        except V.InvalidValue as exc:
            raise Invalid(exc.kind, decimals=decimals) from None
        _range_check(question, value, value)
        return value

    def to_raw(self, question: Question, value: Any) -> Raw:
        return {"": "" if value is None else str(value)}

    def expression_type(self, question: Question) -> Any:
        return T.NUMBER

    def to_expression(self, question: Question, value: Any) -> Any:
        return None if value is None else Decimal(str(value))

    def display(self, question: Question, value: Any, ctx: Display) -> list[str]:
        if value is None:
            return []
        shown = V.format_number(Decimal(str(value)), locale=ctx.language)
        suffix = question.setting("suffix")
        return [f"{shown} {ctx.label(suffix)}" if suffix else shown]


def _range_check(question: Question, value: Any, pounds: Any, money: bool = False) -> None:
    low, high = question.setting("min"), question.setting("max")
    show = (lambda n: V.format_money(int(Decimal(str(n)) * 100))) if money else str
    if low is not None and pounds < Decimal(str(low)):
        raise Invalid("too_small", min=show(low), max=show(high) if high is not None else "")
    if high is not None and pounds > Decimal(str(high)):
        raise Invalid("too_large", max=show(high), min=show(low) if low is not None else "")


class MoneyType(QuestionType):
    name = "money"
    component = "input"
    keys = {"min": K.NUMBER, "max": K.NUMBER, "width": K.WIDTH}
    input_attrs = {"inputmode": "decimal", "spellcheck": False, "width": "10", "prefix": "£"}
    messages = {
        "required": N_("Enter {name}"),
        "invalid": N_("{Name} must be an amount of money, like 600 or 1,250.50"),
        "too_many_decimals": N_("{Name} must be in pounds and pence, like 193.54"),
        "negative": N_("{Name} must be 0 or more"),
        "too_small": N_("{Name} must be {min} or more"),
        "too_large": N_("{Name} must be {max} or less"),
    }

    def parse(self, question: Question, raw: Raw, today: datetime.date) -> int:
        try:
            pence = V.parse_money(raw.get("", ""))
        except V.InvalidValue as exc:
            raise Invalid(exc.kind) from None
        _range_check(question, pence, Decimal(pence) / 100, money=True)
        return pence

    def to_raw(self, question: Question, value: Any) -> Raw:
        if value is None:
            return {"": ""}
        pounds, pence = divmod(int(value), 100)
        return {"": f"{pounds}.{pence:02d}" if pence else str(pounds)}

    def expression_type(self, question: Question) -> Any:
        return T.NUMBER

    def to_expression(self, question: Question, value: Any) -> Any:
        return None if value is None else Decimal(int(value)) / 100

    def display(self, question: Question, value: Any, ctx: Display) -> list[str]:
        return [] if value is None else [V.format_money(int(value))]


class DateType(QuestionType):
    name = "date"
    component = "date"
    keys = {
        "not_before": K.DATE_BOUND,
        "not_after": K.DATE_BOUND,
        "precision": K.Key("choice", choices=("day", "month")),
        "autocomplete": K.Key("choice", choices=("bday", "off")),
    }
    messages = {
        "required": N_("Enter {name}"),
        "invalid": N_("{Name} must be a real date"),
        "not_real_date": N_("{Name} must be a real date"),
        "missing_day": N_("{Name} must include a day"),
        "missing_month": N_("{Name} must include a month"),
        "missing_year": N_("{Name} must include a year"),
        "missing_day_and_month": N_("{Name} must include a day and month"),
        "missing_day_and_year": N_("{Name} must include a day and year"),
        "missing_month_and_year": N_("{Name} must include a month and year"),
        "year_not_4_digits": N_("Year must include 4 numbers"),
        "too_early": N_("{Name} must be the same as or after {date}"),
        "too_late": N_("{Name} must be the same as or before {date}"),
    }

    def input_parts(self, question: Question) -> tuple[str, ...]:
        if question.setting("precision") == "month":
            return ("month", "year")
        return ("day", "month", "year")

    def required_parts(self, question: Question) -> tuple[str, ...]:
        return self.input_parts(question)

    def default_hint(self, question: Question) -> str | None:
        if question.setting("precision") == "month":
            return N_("For example, 3 2007")
        return N_("For example, 27 3 2007")

    def parse(self, question: Question, raw: Raw, today: datetime.date) -> str:
        precision = question.setting("precision", "day")
        try:
            value = V.parse_date(
                raw.get("day", ""), raw.get("month", ""), raw.get("year", ""), precision=precision
            )
        except V.InvalidValue as exc:
            raise Invalid(exc.kind, tuple(exc.parts or self.input_parts(question))) from None
        self._bounds(question, value, today)
        return value.isoformat()

    def _bounds(self, question: Question, value: datetime.date, today: datetime.date) -> None:
        parts = self.input_parts(question)
        not_before = question.setting("not_before")
        not_after = question.setting("not_after")
        if not_before is not None:
            bound = V.resolve_date_bound(not_before, today)
            if value < bound:
                kind_message = _relative_message(not_before, "early")
                raise Invalid("too_early", parts, kind_message, date=bound)
        if not_after is not None:
            bound = V.resolve_date_bound(not_after, today)
            if value > bound:
                raise Invalid("too_late", parts, _relative_message(not_after, "late"), date=bound)

    def to_raw(self, question: Question, value: Any) -> Raw:
        if not value:
            return dict.fromkeys(self.input_parts(question), "")
        day = datetime.date.fromisoformat(value)
        return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}

    def expression_type(self, question: Question) -> Any:
        return T.DATE

    def to_expression(self, question: Question, value: Any) -> Any:
        return datetime.date.fromisoformat(value) if value else None

    def display(self, question: Question, value: Any, ctx: Display) -> list[str]:
        if not value:
            return []
        precision = question.setting("precision", "day")
        day = datetime.date.fromisoformat(value)
        return [V.format_date(day, precision=precision, locale=ctx.language)]


def _relative_message(spec: str, side: str) -> str | None:
    """GOV.UK wording for the common relative bounds ('must be in the past')."""
    if spec == "today":
        return (
            N_("{Name} must be today or in the past")
            if side == "late"
            else N_("{Name} must be today or in the future")
        )
    if spec in ("today-1d", "yesterday") and side == "late":
        return N_("{Name} must be in the past")
    if spec == "today+1d" and side == "early":
        return N_("{Name} must be in the future")
    return None


class ChoiceType(QuestionType):
    """Radios and select: one value from the options."""

    name = "radios"
    component = "radios"
    has_options = True
    allows_reveal = True
    messages = {"required": N_("Select {name}"), "invalid": N_("Select {name}")}

    def parse(self, question: Question, raw: Raw, today: datetime.date) -> str:
        value = _strip(raw.get(""))
        if question.option(value) is None:  # a tampered or out-of-date value
            raise Invalid("invalid")
        return value

    def expression_type(self, question: Question) -> Any:
        return T.text(options=frozenset(o.value for o in question.options) or None)

    def display(self, question: Question, value: Any, ctx: Display) -> list[str]:
        option = question.option(value) if value is not None else None
        return [ctx.label(option.label)] if option else []


class SelectType(ChoiceType):
    name = "select"
    component = "select"
    allows_reveal = False


class CheckboxesType(QuestionType):
    name = "checkboxes"
    component = "checkboxes"
    has_options = True
    allows_reveal = True
    multiple = True
    keys = {"min_selected": K.POSITIVE_INT, "max_selected": K.POSITIVE_INT}
    messages = {
        "required": N_("Select {name}"),
        "invalid": N_("Select {name}"),
        "too_few": N_("Select at least {min} options for {name}"),
        "too_many": N_("Select no more than {max} options for {name}"),
        "exclusive": N_("Select {name}, or select ‘{option}’ on its own"),
    }

    def is_empty(self, question: Question, raw: Raw) -> bool:
        return not _selected(raw)

    def parse(self, question: Question, raw: Raw, today: datetime.date) -> list[str]:
        chosen = _selected(raw)
        known = [o.value for o in question.options]
        if any(value not in known for value in chosen):
            raise Invalid("invalid")
        chosen = [value for value in known if value in chosen]  # keep the options' order
        exclusive = [o for o in question.options if o.exclusive and o.value in chosen]
        if exclusive and len(chosen) > 1:
            raise Invalid("exclusive", option=exclusive[0].label)
        low, high = question.setting("min_selected"), question.setting("max_selected")
        if low and len(chosen) < low:
            raise Invalid("too_few", min=low)
        if high and len(chosen) > high:
            raise Invalid("too_many", max=high)
        return chosen

    def to_raw(self, question: Question, value: Any) -> Raw:
        return {"": list(value or [])}

    def expression_type(self, question: Question) -> Any:
        return T.list(options=frozenset(o.value for o in question.options) or None)

    def display(self, question: Question, value: Any, ctx: Display) -> list[str]:
        chosen = value or []
        return [ctx.label(o.label) for o in question.options if o.value in chosen]


def _selected(raw: Raw) -> list[str]:
    value = raw.get("")
    values = value if isinstance(value, list) else [value] if value else []
    return [v for v in values if v]


class YesNoType(QuestionType):
    name = "yes_no"
    component = "yes_no"
    messages = {"required": N_("Select yes or no"), "invalid": N_("Select yes or no")}

    def parse(self, question: Question, raw: Raw, today: datetime.date) -> bool:
        value = _strip(raw.get(""))
        if value not in ("yes", "no"):
            raise Invalid("invalid")
        return value == "yes"

    def to_raw(self, question: Question, value: Any) -> Raw:
        return {"": "" if value is None else ("yes" if value else "no")}

    def expression_type(self, question: Question) -> Any:
        return T.BOOL

    def display(self, question: Question, value: Any, ctx: Display) -> list[str]:
        if value is None:
            return []
        return [ctx.gettext("Yes") if value else ctx.gettext("No")]


class EmailType(QuestionType):
    name = "email"
    component = "input"
    keys = {"confirm": K.BOOL, "max_length": K.POSITIVE_INT, "width": K.WIDTH}
    input_attrs = {"type": "email", "autocomplete": "email", "spellcheck": False}
    messages = {
        "required": N_("Enter {name}"),
        "invalid": N_("Enter an email address in the correct format, like name@example.com"),
        "too_long": N_("{Name} must be {max} characters or less"),
        "mismatch": N_("The email addresses do not match. Enter the same email address twice"),
        "confirm_required": N_("Confirm your email address"),
    }

    def input_parts(self, question: Question) -> tuple[str, ...]:
        return ("", "confirm") if question.setting("confirm") else ("",)

    def parse(self, question: Question, raw: Raw, today: datetime.date) -> str:
        typed = _strip(raw.get(""))
        if not typed:
            raise Invalid("required", ("",))
        _length_checks(question, typed, 256)
        try:
            value = V.parse_email(typed)
        except V.InvalidValue:
            raise Invalid("invalid", ("",)) from None
        if question.setting("confirm"):
            again = _strip(raw.get("confirm"))
            if not again:
                raise Invalid("confirm_required", ("confirm",))
            if again.lower() != typed.lower():
                raise Invalid("mismatch", ("confirm",))
        return value

    def to_raw(self, question: Question, value: Any) -> Raw:
        text = value or ""
        return {"": text, "confirm": text} if question.setting("confirm") else {"": text}


class PhoneType(QuestionType):
    name = "phone"
    component = "input"
    keys = {"uk_only": K.BOOL, "width": K.WIDTH}
    input_attrs = {"type": "tel", "autocomplete": "tel", "width": "20"}
    messages = {
        "required": N_("Enter {name}"),
        "invalid": N_(
            "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
        ),
        "not_uk": N_("Enter a UK telephone number, like 01632 960 001 or 07700 900 982"),
    }

    def parse(self, question: Question, raw: Raw, today: datetime.date) -> str:
        try:
            return V.parse_phone(raw.get("", ""), uk_only=bool(question.setting("uk_only")))
        except V.InvalidValue as exc:
            raise Invalid(exc.kind) from None

    def to_raw(self, question: Question, value: Any) -> Raw:
        return {"": _phone_display(value) if value else ""}

    def display(self, question: Question, value: Any, ctx: Display) -> list[str]:
        return [_phone_display(value)] if value else []


def _phone_display(value: str) -> str:
    number = phonenumbers.parse(value, "GB")
    style = phonenumbers.PhoneNumberFormat
    fmt = style.NATIONAL if number.country_code == 44 else style.INTERNATIONAL
    return phonenumbers.format_number(number, fmt)


class PostcodeType(QuestionType):
    name = "postcode"
    component = "input"
    input_attrs = {"autocomplete": "postal-code", "spellcheck": False, "width": "10"}
    messages = {"required": N_("Enter {name}"), "invalid": N_("Enter a full UK postcode")}

    def parse(self, question: Question, raw: Raw, today: datetime.date) -> str:
        try:
            return V.normalise_postcode(raw.get("", ""))
        except V.InvalidValue:
            raise Invalid("invalid") from None


class NinoType(QuestionType):
    name = "national_insurance_number"
    component = "input"
    input_attrs = {"spellcheck": False, "width": "10"}
    hint = N_(
        "It’s on your National Insurance card, benefit letter, payslip or P60. "
        "For example, ‘QQ 12 34 56 C’."
    )
    messages = {
        "required": N_("Enter {name}"),
        "invalid": N_(
            "Enter a National Insurance number in the correct format, like QQ 12 34 56 C"
        ),
    }

    def parse(self, question: Question, raw: Raw, today: datetime.date) -> str:
        try:
            return V.normalise_nino(raw.get("", ""))
        except V.InvalidValue:
            raise Invalid("invalid") from None


class CompoundType(QuestionType):
    """Answers made of named parts (address, name), stored as a mapping."""

    component = "compound"
    part_messages: ClassVar[Mapping[str, str]] = {}
    optional_parts: ClassVar[frozenset[str]] = frozenset()
    # part -> (label, autocomplete token, width)
    part_labels: ClassVar[Mapping[str, tuple[str, str, str]]] = {}
    default_max = 100

    def required_parts(self, question: Question) -> tuple[str, ...]:
        return tuple(p for p in self.input_parts(question) if p not in self.optional(question))

    def optional(self, question: Question) -> frozenset[str]:
        return self.optional_parts

    def clean(self, question: Question, raw: Raw, today: datetime.date) -> Any:
        # Even when every part is empty, say which parts are needed (GOV.UK address pattern).
        if self.is_empty(question, raw) and question.optional:
            return None
        return self.parse(question, raw, today)

    def parse(self, question: Question, raw: Raw, today: datetime.date) -> dict[str, str]:
        value = {part: _strip(raw.get(part)) or "" for part in self.input_parts(question)}
        maximum = question.setting("max_length", self.default_max)
        problems = []
        for part in self.input_parts(question):
            if part not in self.optional(question) and not value[part]:
                problems.append(Invalid(f"{part}_required", (part,)))
            elif len(value[part]) > maximum:
                problems.append(Invalid(f"{part}_too_long", (part,), max=maximum))
        if problems:
            problems[0].more = problems[1:]
            raise problems[0]
        return self.normalise(question, value)

    def normalise(self, question: Question, value: dict[str, str]) -> dict[str, str]:
        return value

    def to_raw(self, question: Question, value: Any) -> Raw:
        return dict(value or {})

    def expression_type(self, question: Question) -> Any:
        return T.mapping(dict.fromkeys(self.input_parts(question), T.TEXT))


class AddressType(CompoundType):
    name = "address"
    parts = ("line1", "line2", "town", "county", "postcode")
    optional_parts = frozenset({"line2", "county"})
    part_labels = {
        "line1": (N_("Address line 1"), "address-line1", ""),
        "line2": (N_("Address line 2"), "address-line2", ""),
        "town": (N_("Town or city"), "address-level2", "two-thirds"),
        "county": (N_("County"), "address-level1", "two-thirds"),
        "postcode": (N_("Postcode"), "postal-code", "govuk-input--width-10"),
        "country": (N_("Country"), "country-name", "two-thirds"),
    }
    keys = {"international": K.BOOL, "max_length": K.POSITIVE_INT}
    messages = {
        "required": N_("Enter {name}"),
        "line1_required": N_("Enter address line 1, typically the building and street"),
        "town_required": N_("Enter town or city"),
        "postcode_required": N_("Enter postcode"),
        "country_required": N_("Enter country"),
        "postcode_invalid": N_("Enter a full UK postcode"),
        "line1_too_long": N_("Address line 1 must be {max} characters or less"),
        "line2_too_long": N_("Address line 2 must be {max} characters or less"),
        "town_too_long": N_("Town or city must be {max} characters or less"),
        "county_too_long": N_("County must be {max} characters or less"),
        "postcode_too_long": N_("Enter a full UK postcode"),
        "country_too_long": N_("Country must be {max} characters or less"),
    }

    def input_parts(self, question: Question) -> tuple[str, ...]:
        return self.parts + (("country",) if question.setting("international") else ())

    def optional(self, question: Question) -> frozenset[str]:
        if question.setting("international"):
            return self.optional_parts | {"postcode"}
        return self.optional_parts

    def normalise(self, question: Question, value: dict[str, str]) -> dict[str, str]:
        if value.get("postcode") and not question.setting("international"):
            try:
                value["postcode"] = V.normalise_postcode(value["postcode"])
            except V.InvalidValue:
                raise Invalid("postcode_invalid", ("postcode",)) from None
        return value

    def display(self, question: Question, value: Any, ctx: Display) -> list[str]:
        return [line for line in (value or {}).values() if line]


class NameType(CompoundType):
    name = "name"
    parts = ("title", "first", "last")
    optional_parts = frozenset({"title"})
    part_labels = {
        "title": (N_("Title"), "honorific-prefix", "govuk-input--width-5"),
        "first": (N_("First name"), "given-name", ""),
        "last": (N_("Last name"), "family-name", ""),
    }
    keys = {"titles": K.BOOL, "max_length": K.POSITIVE_INT}
    messages = {
        "required": N_("Enter {name}"),
        "first_required": N_("Enter first name"),
        "last_required": N_("Enter last name"),
        "title_too_long": N_("Title must be {max} characters or less"),
        "first_too_long": N_("First name must be {max} characters or less"),
        "last_too_long": N_("Last name must be {max} characters or less"),
    }

    def input_parts(self, question: Question) -> tuple[str, ...]:
        return self.parts if question.setting("titles", True) else ("first", "last")

    def display(self, question: Question, value: Any, ctx: Display) -> list[str]:
        shown = " ".join(v for v in (value or {}).values() if v)
        return [shown] if shown else []


class ContentType(QuestionType):
    """Guidance between questions: no input, no answer."""

    name = "content"
    component = "content"
    parts = ()

    def clean(self, question: Question, raw: Raw, today: datetime.date) -> Any:
        return None


REGISTRY: dict[str, QuestionType] = {
    t.name: t
    for t in (
        TextType(),
        TextareaType(),
        NumberType(),
        MoneyType(),
        DateType(),
        ChoiceType(),
        CheckboxesType(),
        SelectType(),
        YesNoType(),
        EmailType(),
        PhoneType(),
        PostcodeType(),
        AddressType(),
        NameType(),
        NinoType(),
        ContentType(),
    )
}


def question_type(question: Question) -> QuestionType:
    return REGISTRY[question.type]
