"""`content`: guidance between questions; it takes no answer."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from forms_service.question_types.base import QuestionType, Raw

if TYPE_CHECKING:
    from forms_service.definitions.model import Question


class ContentType(QuestionType):
    """Guidance between questions: no input, no answer."""

    name = "content"
    component = "content"
    parts = ()
    takes_answer = False

    def clean(self, question: Question, raw: Raw, today: datetime.date) -> Any:
        return None

    def example_answer(self, question: Question, today: datetime.date) -> None:
        """Nothing: guidance takes no answer."""
        return None
