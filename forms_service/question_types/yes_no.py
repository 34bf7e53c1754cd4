"""`yes_no`: inline Yes and No radios, stored as true or false."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from forms_service.question_types.answer_types import T
from forms_service.question_types.base import N_, Display, Invalid, QuestionType, Raw, stripped

if TYPE_CHECKING:
    from forms_service.definitions.model import Question


class YesNoType(QuestionType):
    name = "yes_no"
    component = "yes_no"
    messages = {
        "required": N_("Select yes or no"),
        "invalid": N_("Select yes or no"),
        "too_long": N_("Select yes or no"),
    }

    def parse(self, question: Question, raw: Raw, today: datetime.date) -> bool:
        value = stripped(raw.get(""))
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

    paper_boxes = ("yes_box", "no_box")

    def paper_ticks(self, question: Question, value: Any) -> frozenset[str]:
        if value is None:
            return frozenset()
        return frozenset({"yes_box" if value else "no_box"})

    def csv_label(self, question: Question, value: Any, ctx: Display) -> str:
        return "; ".join(self.display(question, value, ctx))

    def example_answer(self, question: Question, today: datetime.date) -> bool:
        """Yes."""
        return True
