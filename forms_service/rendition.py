"""How every caseworker output (web view, PDF, CSV) reads one stored submission.

A submission carries the definition it was filled against (a snapshot) and only the
answers on the citizen's live route, so this module never looks at the live YAML and never
walks the route again: it lists what was stored, in the order of the form, grouped by
section, with labels and answers as people read them. The result is plain text; whoever
renders it escapes it. No Flask here, so the PDF and batch exports can use it anywhere.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from forms_service.definitions.loader import load_snapshot
from forms_service.definitions.model import PLACEHOLDER, Form, Page, Question, Text
from forms_service.question_types import Display, question_type


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


@dataclass(frozen=True)
class AnswerRow:
    question_id: str
    label: str
    lines: list[str]


@dataclass(frozen=True)
class ItemBlock:
    heading: str  # "Attorney 2"
    rows: list[AnswerRow]


@dataclass(frozen=True)
class SectionBlock:
    title: str | None
    entries: list[AnswerRow | ItemBlock]


class _Reader:
    """Texts and answers as seen from the whole form, or from inside one repeat item."""

    def __init__(
        self,
        form: Form,
        language: str,
        gettext: Callable[[str], str],
        today: datetime.date,
        answers: Mapping[str, Any],
        values: Mapping[str, Any],
    ):
        self.form, self.language, self.gettext, self.today = form, language, gettext, today
        self.answers, self.values = answers, values

    def inside(self, item: Mapping[str, Any]) -> _Reader:
        """Inside a repeat item its own answers hide the rest of the form's (as in the
        journey), so `{attorney_name}` and `when: attorney_type == ...` mean this item's."""
        return _Reader(
            self.form,
            self.language,
            self.gettext,
            self.today,
            {**self.answers, **item},
            {**self.values, **_expression_values(self.form, item)},
        )

    def pick(self, text: Text | None) -> str:
        return "" if text is None else text.pick(self.language, self.values, self.today)

    def text(self, text: Text | None) -> str:
        """A text with {question_id} placeholders filled with the answers as shown."""

        def replace(match: Any) -> str:
            question = self.form.question(match.group(1))
            return match.group(0) if question is None else ", ".join(self.display(question))

        return PLACEHOLDER.sub(replace, self.pick(text))

    def display(self, question: Question) -> list[str]:
        ctx = Display(self.language, self.pick, self.gettext)
        return question_type(question).display(question, self.answers.get(question.id), ctx)

    def rows(self, page: Page) -> list[AnswerRow]:
        """The answered questions of a page, revealed ones under their parent."""
        return [
            AnswerRow(question.id, self.text(question.label), self.display(question))
            for question, _, _ in page.all_questions()
            if self.answers.get(question.id) is not None
        ]


def read_submission(
    definition: dict,
    answers: dict,
    language: str,
    gettext: Callable[[str], str] = lambda s: s,
    *,
    today: datetime.date | None = None,
) -> tuple[Form, list[SectionBlock]]:
    """The form of a submission's snapshot and its answers as sections of rows.

    `today` is the date that text variants and placeholders are judged on (pass the
    submission date, so that a later reading shows what the citizen saw).
    """
    form = load_snapshot(definition)
    if language not in form.languages:
        language = form.default_language
    reader = _Reader(
        form,
        language,
        gettext,
        today or datetime.date.today(),
        answers,
        _expression_values(form, answers),
    )
    blocks: list[tuple[str | None, list[AnswerRow | ItemBlock]]] = []
    for page in form.pages:
        entries = _page_entries(reader, page)
        if not entries:
            continue
        if blocks and blocks[-1][0] == page.section:
            blocks[-1][1].extend(entries)
        else:
            blocks.append((page.section, entries))
    return form, [
        SectionBlock(reader.text(section.title) if section else None, entries)
        for section, entries in ((form.section(sid), entries) for sid, entries in blocks)
    ]


def _page_entries(reader: _Reader, page: Page) -> list[AnswerRow | ItemBlock]:
    if not page.is_repeat:
        return [*reader.rows(page)] if page.kind == "questions" else []
    items = reader.answers.get(page.id)
    if items is None:
        return []  # the repeat was not on the citizen's route
    name = _capital(reader.pick(page.item_name))
    if not items:
        label = reader.text(page.title) if page.title else name
        return [AnswerRow(page.id, label, [reader.gettext("None")])]
    blocks: list[AnswerRow | ItemBlock] = []
    for number, item in enumerate(items, start=1):
        inside = reader.inside(item)
        heading = reader.gettext("%(item)s %(number)d") % {"item": name, "number": number}
        blocks.append(ItemBlock(heading, [row for p in page.pages for row in inside.rows(p)]))
    return blocks


def _expression_values(form: Form, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Answers as conditions see them (money in pounds, dates as dates, repeats as lists)."""
    values: dict[str, Any] = {}
    for key, value in answers.items():
        question = form.question(key)
        if question is not None:
            values[key] = question_type(question).to_expression(question, value)
        elif isinstance(value, list) and (page := form.page(key)) and page.is_repeat:
            values[key] = [_expression_values(form, item) for item in value]
    return values


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
