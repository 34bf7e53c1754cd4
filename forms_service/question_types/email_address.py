"""`email`: an email address, optionally typed twice to confirm it."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from forms_service.question_types import keys as K
from forms_service.question_types import values as V
from forms_service.question_types.base import N_, Invalid, QuestionType, Raw, check_length, stripped

if TYPE_CHECKING:
    from forms_service.definitions.model import Question


class EmailType(QuestionType):
    name = "email"
    reads_a_value = True
    component = "input"
    is_email_address = True
    keys = {
        "confirm": K.BOOL,
        "max_length": K.MAX_LENGTH,
        "width": K.WIDTH,
        # Assisted digital: ask for it even when staff fill the form in (see
        # definitions.model.as_filled_by_staff).
        "required_when_assisted": K.BOOL,
    }
    input_attrs = {"type": "email", "autocomplete": "email", "spellcheck": False}
    messages = {
        "required": N_("Enter {name}"),
        "invalid": N_("Enter an email address in the correct format, like name@example.com"),
        "too_long": N_("{Name} must be {max} characters or less"),
        "mismatch": N_("The email addresses do not match. Enter the same email address twice"),
        "confirm_required": N_("Confirm your email address"),
    }
    plain_messages = {
        "required": N_("Enter an email address"),
        "too_long": N_("The email address must be {max} characters or less"),
    }

    def input_parts(self, question: Question) -> tuple[str, ...]:
        return ("", "confirm") if question.setting("confirm") else ("",)

    def parse(self, question: Question, raw: Raw, today: datetime.date) -> str:
        typed = stripped(raw.get(""))
        if not typed:
            raise Invalid("required", ("",))
        check_length(question, typed, 256)
        try:
            value = V.parse_email(typed)
        except V.InvalidValue:
            raise Invalid("invalid", ("",)) from None
        if question.setting("confirm"):
            again = stripped(raw.get("confirm"))
            if not again:
                raise Invalid("confirm_required", ("confirm",))
            if again.lower() != typed.lower():
                raise Invalid("mismatch", ("confirm",))
        return value

    def to_raw(self, question: Question, value: Any) -> Raw:
        text = value or ""
        return {"": text, "confirm": text} if question.setting("confirm") else {"": text}

    def example_answer(self, question: Question, today: datetime.date) -> str | None:
        """name@example.com (a domain reserved for examples); None if max_length is shorter."""
        fits = len(_EXAMPLE) <= question.setting("max_length", 256)
        return _EXAMPLE if fits else None


_EXAMPLE = "name@example.com"
