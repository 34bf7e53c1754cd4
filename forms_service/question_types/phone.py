"""`phone`: a telephone number, stored in E.164 ("+447700900982")."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

import phonenumbers

from forms_service.question_types import keys as K
from forms_service.question_types import values as V
from forms_service.question_types.base import N_, Display, Invalid, QuestionType, Raw

if TYPE_CHECKING:
    from forms_service.definitions.model import Question


class PhoneType(QuestionType):
    name = "phone"
    reads_a_value = True
    component = "input"
    keys = {"uk_only": K.BOOL, "width": K.WIDTH}
    input_attrs = {"type": "tel", "autocomplete": "tel", "width": "20"}
    messages = {
        "required": N_("Enter {name}"),
        "invalid": N_(
            "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
        ),
        "not_uk": N_("Enter a UK telephone number, like 01632 960 001 or 07700 900 982"),
        "too_long": N_(
            "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
        ),
    }
    plain_messages = {"required": N_("Enter a telephone number")}

    def parse(self, question: Question, raw: Raw, today: datetime.date) -> str:
        try:
            return V.parse_phone(raw.get("", ""), uk_only=bool(question.setting("uk_only")))
        except V.InvalidValue as exc:
            raise Invalid(exc.kind) from None

    def to_raw(self, question: Question, value: Any) -> Raw:
        return {"": _phone_display(value) if value else ""}

    def display(self, question: Question, value: Any, ctx: Display) -> list[str]:
        return [_phone_display(value)] if value else []

    def example_answer(self, question: Question, today: datetime.date) -> str:
        """A UK mobile number from Ofcom's range for drama, never allocated to anyone."""
        return "+447700900982"


def _phone_display(value: str) -> str:
    number = phonenumbers.parse(value, "GB")
    style = phonenumbers.PhoneNumberFormat
    fmt = style.NATIONAL if number.country_code == 44 else style.INTERNATIONAL
    return phonenumbers.format_number(number, fmt)
