"""Answers picked from options: `radios`, `select` (one value) and `checkboxes` (several)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from forms_service.question_types import keys as K
from forms_service.question_types.answer_types import T
from forms_service.question_types.base import N_, Display, Invalid, QuestionType, Raw, stripped

if TYPE_CHECKING:
    from forms_service.definitions.model import Question


class ChoiceType(QuestionType):
    """Radios and select: one value from the options."""

    name = "radios"
    component = "radios"
    has_options = True
    min_options = 2  # one option is not a choice
    can_reveal = True
    messages = {
        "required": N_("Select {name}"),
        "invalid": N_("Select {name}"),
        "too_long": N_("Select {name}"),
    }
    plain_messages = {
        "required": N_("Select an answer"),
        "invalid": N_("Select an answer"),
        "too_long": N_("Select an answer"),
    }

    def parse(self, question: Question, raw: Raw, today: datetime.date) -> str:
        value = stripped(raw.get(""))
        if question.option(value) is None:  # a tampered or out-of-date value
            raise Invalid("invalid")
        return value

    def expression_type(self, question: Question) -> Any:
        return T.text(options=frozenset(o.value for o in question.options) or None)

    def display(self, question: Question, value: Any, ctx: Display) -> list[str]:
        option = question.option(value) if value is not None else None
        return [ctx.label(option.label)] if option else []

    def paper_ticks(self, question: Question, value: Any) -> frozenset[str]:
        return frozenset() if value is None else frozenset({str(value)})

    def csv_label(self, question: Question, value: Any, ctx: Display) -> str:
        # An option no longer in the definition keeps its stored value rather than vanish.
        return "; ".join(self.display(question, value, ctx)) or self.csv_cell(question, value)

    def example_answer(self, question: Question, today: datetime.date) -> str | None:
        """The first option."""
        return question.options[0].value if question.options else None


class SelectType(ChoiceType):
    name = "select"
    component = "select"
    can_reveal = False


class CheckboxesType(QuestionType):
    name = "checkboxes"
    component = "checkboxes"
    has_options = True
    can_reveal = True
    can_have_exclusive_options = True
    multiple = True
    keys = {"min_selected": K.POSITIVE_INT, "max_selected": K.POSITIVE_INT}
    messages = {
        "required": N_("Select {name}"),
        "invalid": N_("Select {name}"),
        "too_few": N_("Select at least {min} options for {name}"),
        "too_many": N_("Select no more than {max} options for {name}"),
        "exclusive": N_("Select {name}, or select ‘{option}’ on its own"),
        "too_long": N_("Select {name}"),
    }
    plain_messages = {
        "required": N_("Select at least one answer"),
        "invalid": N_("Select at least one answer"),
        "too_few": N_("Select at least {min} answers"),
        "too_many": N_("Select no more than {max} answers"),
        "exclusive": N_("Select answers, or select ‘{option}’ on its own"),
        "too_long": N_("Select at least one answer"),
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

    def csv_label(self, question: Question, value: Any, ctx: Display) -> str:
        return "; ".join(self.display(question, value, ctx)) or self.csv_cell(question, value)

    def paper_ticks(self, question: Question, value: Any) -> frozenset[str]:
        return frozenset(str(v) for v in value or ())

    def example_answer(self, question: Question, today: datetime.date) -> list[str] | None:
        """The first options, as many as min_selected asks (at least one); an exclusive
        option alone when the others are too few. None when no choice is allowed."""
        low = question.setting("min_selected") or 1
        high = question.setting("max_selected")
        if high is not None and high < low:
            return None
        plain = [o.value for o in question.options if not o.exclusive]
        if len(plain) >= low:
            return plain[:low]
        exclusive = [o.value for o in question.options if o.exclusive]
        return exclusive[:1] if exclusive and low == 1 else None


def _selected(raw: Raw) -> list[str]:
    value = raw.get("")
    values = value if isinstance(value, list) else [value] if value else []
    return [v for v in values if v]
