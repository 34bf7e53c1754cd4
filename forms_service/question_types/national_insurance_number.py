"""`national_insurance_number`: stored as "QQ123456C"."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from forms_service.question_types import values as V
from forms_service.question_types.base import N_, Invalid, QuestionType, Raw

if TYPE_CHECKING:
    from forms_service.definitions.model import Question


class NinoType(QuestionType):
    name = "national_insurance_number"
    reads_a_value = True
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
        "too_long": N_(
            "Enter a National Insurance number in the correct format, like QQ 12 34 56 C"
        ),
    }
    plain_messages = {"required": N_("Enter a National Insurance number")}

    def parse(self, question: Question, raw: Raw, today: datetime.date) -> str:
        try:
            return V.normalise_nino(raw.get("", ""))
        except V.InvalidValue:
            raise Invalid("invalid") from None

    def example_answer(self, question: Question, today: datetime.date) -> str:
        """GOV.UK's example number; the QQ prefix is never issued."""
        return "QQ123456C"
