"""`name`: a person's name as title (optional), first and last name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from forms_service.question_types import keys as K
from forms_service.question_types.base import N_, Display
from forms_service.question_types.compound import CompoundType

if TYPE_CHECKING:
    from forms_service.definitions.model import Question


class NameType(CompoundType):
    name = "name"
    parts = ("title", "first", "last")
    optional_parts = frozenset({"title"})
    part_labels = {
        "title": (N_("Title"), "honorific-prefix", "govuk-input--width-5"),
        "first": (N_("First name"), "given-name", ""),
        "last": (N_("Last name"), "family-name", ""),
    }
    keys = {"titles": K.BOOL, "max_length": K.MAX_LENGTH}
    names_a_person = True
    examples = {"title": "Ms", "first": "Sam", "last": "Example"}
    messages = {
        "required": N_("Enter {name}"),
        "first_required": N_("Enter first name"),
        "last_required": N_("Enter last name"),
        "title_too_long": N_("Title must be {max} characters or less"),
        "first_too_long": N_("First name must be {max} characters or less"),
        "last_too_long": N_("Last name must be {max} characters or less"),
        "invalid": N_("Enter {name} in the correct format"),
    }
    plain_messages = {
        "required": N_("Enter a name"),
        "invalid": N_("Enter the name in the correct format"),
    }

    def input_parts(self, question: Question) -> tuple[str, ...]:
        return self.parts if question.setting("titles", True) else ("first", "last")

    def display(self, question: Question, value: Any, ctx: Display) -> list[str]:
        shown = " ".join(v for v in (value or {}).values() if v)
        return [shown] if shown else []
