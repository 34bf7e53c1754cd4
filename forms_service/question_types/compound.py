"""Answers made of named parts, each its own input, stored as a mapping (address, name)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from forms_service.question_types.answer_types import T
from forms_service.question_types.base import Invalid, QuestionType, Raw, stripped

if TYPE_CHECKING:
    from forms_service.definitions.model import Question


class CompoundType(QuestionType):
    """Answers made of named parts (address, name), stored as a mapping."""

    component = "compound"
    part_messages: ClassVar[Mapping[str, str]] = {}
    optional_parts: ClassVar[frozenset[str]] = frozenset()
    # part -> (label, autocomplete token, width)
    part_labels: ClassVar[Mapping[str, tuple[str, str, str]]] = {}
    examples: ClassVar[Mapping[str, str]] = {}  # part -> its text in example answers
    default_max = 100

    def check_raw(self, question: Question, raw: Raw) -> None:
        """As for any type, with a part's own message ("Town or city must be ...")."""
        try:
            super().check_raw(question, raw)
        except Invalid as exc:
            if exc.kind != "too_long" or len(exc.parts) != 1:
                raise
            part = exc.parts[0]
            maximum = question.setting("max_length", self.default_max)
            raise Invalid(f"{part}_too_long", exc.parts, max=maximum) from None

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
        value = {part: stripped(raw.get(part)) or "" for part in self.input_parts(question)}
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

    def part_shown(self, question: Question, value: Any, part: str) -> str:
        return str((value or {}).get(part) or "")

    def to_raw(self, question: Question, value: Any) -> Raw:
        return dict(value or {})

    def expression_type(self, question: Question) -> Any:
        return T.mapping(dict.fromkeys(self.input_parts(question), T.TEXT))

    def example_answer(self, question: Question, today: datetime.date) -> dict[str, str] | None:
        """Each input part's example, cut to max_length; None when a cut part is no longer
        valid (a postcode) or a required part has no example."""
        maximum = question.setting("max_length", self.default_max)
        value = {}
        for part in self.input_parts(question):
            value[part] = self.examples.get(part, "")[:maximum].rstrip()
            if not value[part] and part not in self.optional(question):
                return None
        try:
            return self.normalise(question, value)
        except Invalid:
            return None
