"""Who the citizen's confirmation email may go to: only an address they gave.

That is the answer to an email question of the form itself (not one inside a repeat: an
attorney's or a visitor's address is someone else's), or an address they typed on the
confirmation page (kept sealed with the submission, never in a job's arguments).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from forms_service.definitions.model import Form, Question
from forms_service.question_types import question_type


def email_questions(form: Form, *, top_level_only: bool = False) -> Iterator[Question]:
    """The form's email questions in order (inside repeats too, unless top_level_only)."""
    for page, repeat in form.every_page():
        if top_level_only and repeat is not None:
            continue
        for question, _, _ in page.all_questions():
            if question_type(question).is_email_address:
                yield question


def answered_address(form: Form, answers: Mapping[str, Any]) -> str | None:
    """The citizen's own email address among their answers, if they gave one."""
    for question in email_questions(form, top_level_only=True):
        value = answers.get(question.id)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None
