"""Free text: `text` (one line) and `textarea` (a paragraph)."""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING, Any

from forms_service.question_types import keys as K
from forms_service.question_types.base import (
    N_,
    Display,
    Invalid,
    QuestionType,
    Raw,
    check_length,
    stripped,
)

if TYPE_CHECKING:
    from forms_service.definitions.model import Question


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
        value = check_length(question, stripped(raw.get("")), 500)
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
        value = stripped(raw.get("")).replace("\r\n", "\n")
        return check_length(question, value, 5000)

    def display(self, question: Question, value: Any, ctx: Display) -> list[str]:
        return value.splitlines() if value else []
