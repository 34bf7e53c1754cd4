"""`postcode`: a full UK postcode, stored as "SW1A 1AA"."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from forms_service.question_types import values as V
from forms_service.question_types.base import N_, Invalid, QuestionType, Raw

if TYPE_CHECKING:
    from forms_service.definitions.model import Question


class PostcodeType(QuestionType):
    name = "postcode"
    reads_a_value = True
    component = "input"
    input_attrs = {"autocomplete": "postal-code", "spellcheck": False, "width": "10"}
    messages = {
        "required": N_("Enter {name}"),
        "invalid": N_("Enter a full UK postcode"),
        "too_long": N_("Enter a full UK postcode"),
    }
    plain_messages = {"required": N_("Enter a postcode")}

    def parse(self, question: Question, raw: Raw, today: datetime.date) -> str:
        try:
            return V.normalise_postcode(raw.get("", ""))
        except V.InvalidValue:
            raise Invalid("invalid") from None

    def example_answer(self, question: Question, today: datetime.date) -> str:
        return "SW1A 1AA"
