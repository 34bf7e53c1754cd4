"""How every caseworker output (web view, PDF, CSV) reads one stored submission.

A submission carries the definition it was filled against (a snapshot) and only the
answers on the citizen's live route, so this module never looks at the live YAML and never
walks the route again: it lists what was stored, in the order of the form, grouped by
section, with labels and answers as people read them. The result is plain text; whoever
renders it escapes it. No Flask here, so the PDF and batch exports can use it anywhere.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Protocol

from forms_service.definitions.loader import load_snapshot
from forms_service.definitions.model import Form
from forms_service.journey.reader import ONLINE, AnswerReader
from forms_service.journey.summary import (
    AnswerRow,
    ItemBlock,
    RepeatRow,
    SectionBlock,
    answer_sections,
    stored_reader_for,
    stored_steps,
)

__all__ = ["AnswerRow", "ItemBlock", "SectionBlock", "StoredSubmission", "read_submission"]


class StoredSubmission(Protocol):
    """What the caseworker outputs read of a stored submission (store.Submission has it)."""

    id: int
    reference: str
    form_id: str
    form_version: int
    definition: dict
    answers: dict
    language: str
    channel: str
    started_at: datetime.datetime
    submitted_at: datetime.datetime
    status: str | None
    assigned_to: int | None
    due_on: datetime.date | None
    applicant_name: str | None
    staff_user_id: int | None  # assisted digital: who entered the answers, and how
    assisted: dict | None


def read_submission(
    definition: dict,
    answers: dict,
    language: str,
    gettext: Callable[[str], str] = lambda s: s,
    *,
    today: datetime.date | None = None,
    channel: str = ONLINE,
) -> tuple[Form, list[SectionBlock]]:
    """The form of a submission's snapshot and its answers as sections of rows.

    `today` is the date that text variants and placeholders are judged on (pass the
    submission date, so that a later reading shows what the citizen saw).
    """
    form = load_snapshot(definition)
    if language not in form.languages:
        language = form.default_language
    reader = AnswerReader(
        form,
        answers,
        today=today or datetime.date.today(),
        language=language,
        gettext=gettext,
        channel=channel,
    )
    sections = answer_sections(
        reader, stored_steps(form, answers), stored_reader_for(reader), answered_only=True
    )
    none = [gettext("None")]
    for section in sections:
        # A repeat is shown by its items; one with no items says "None".
        section.entries[:] = [
            AnswerRow(e.repeat.id, e.label, none) if isinstance(e, RepeatRow) else e
            for e in section.entries
            if not isinstance(e, RepeatRow) or e.count == 0
        ]
    return form, sections
