"""The route through a form for one citizen's answers. No Flask here: it is plain logic.

The route is recomputed from the definition and the saved answers every time. Walking from
the first page, a page whose `when` is false is skipped, an exit page ends the journey, and
the walk stops at the first page not yet answered. Only answers on the route are *live*: an
answer left behind on a branch the citizen moved away from is kept in the draft (so it
comes back if they return to that branch) but counts nowhere else.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from forms_service.definitions.model import PLACEHOLDER, Form, Page, Question, Text
from forms_service.forms.types import Display, Invalid, question_type

SavedAnswers = Mapping[str, Mapping[str, Any]]  # page id -> question id -> stored answer

INCOMPLETE, EXITED, COMPLETE = "incomplete", "exit", "complete"


@dataclass(frozen=True)
class SummaryRow:
    question: Question
    page: Page
    lines: list[str]


@dataclass
class SummarySection:
    title: Text | None
    rows: list[SummaryRow] = field(default_factory=list)


class Journey:
    """Where one citizen is in one form, given what they have saved so far."""

    def __init__(
        self,
        form: Form,
        saved: SavedAnswers,
        *,
        today: datetime.date,
        language: str | None = None,
        gettext: Callable[[str], str] = lambda s: s,
    ):
        self.form = form
        self.saved = saved
        self.today = today
        self.language = language if language in form.languages else form.default_language
        self.gettext = gettext
        self.route: list[Page] = []
        self.answers: dict[str, Any] = {}  # live answers in storage shape
        self.values: dict[str, Any] = {}  # live answers as conditions see them
        self.outcome = COMPLETE
        self._walk()

    def _walk(self) -> None:
        for page in self.form.pages:
            if page.when is not None and not page.when.evaluate_condition(self.values, self.today):
                continue
            self.route.append(page)
            if page.is_exit:
                self.outcome = EXITED
                return
            if page.id not in self.saved:
                self.outcome = INCOMPLETE
                return
            self._take_answers(page)

    def _take_answers(self, page: Page) -> None:
        stored = self.saved.get(page.id, {})
        for question, parent, option in page.all_questions():
            if parent is not None and not _chosen(self.answers.get(parent.id), option.value):
                continue  # a revealed question whose option is not chosen: discarded
            value = stored.get(question.id)
            if value is None:
                continue
            self.answers[question.id] = value
            self.values[question.id] = question_type(question).to_expression(question, value)

    # -- where to go -----------------------------------------------------------------------

    @property
    def next_page(self) -> Page | None:
        """The first page still needing an answer (or the exit page reached)."""
        return self.route[-1] if self.outcome != COMPLETE else None

    def can_visit(self, page_id: str) -> bool:
        return any(p.id == page_id for p in self.route)

    def previous(self, page_id: str) -> Page | None:
        """The page before this one on the route, for the Back link."""
        ids = [p.id for p in self.route]
        index = ids.index(page_id) if page_id in ids else len(ids)
        return self.route[index - 1] if index > 0 else None

    def after(self, page_id: str) -> Page | None:
        """Where to go once this page is saved: the next page on the route, or None for the end."""
        ids = [p.id for p in self.route]
        if page_id in ids and ids.index(page_id) + 1 < len(ids):
            return self.route[ids.index(page_id) + 1]
        return self.next_page

    @property
    def is_complete(self) -> bool:
        return self.outcome == COMPLETE

    def invalid_pages(self) -> list[tuple[Page, Question, Invalid]]:
        """Saved answers that no longer pass their checks (a date bound moved with today)."""
        problems = []
        for page in self.route:
            for question, parent, option in page.all_questions():
                if parent is not None and not _chosen(self.answers.get(parent.id), option.value):
                    continue
                qtype = question_type(question)
                raw = qtype.to_raw(question, self.answers.get(question.id))
                try:
                    qtype.clean(question, raw, self.today)
                except Invalid as exc:
                    problems.append((page, question, exc))
        return problems

    # -- texts -----------------------------------------------------------------------------

    def pick(self, text: Text | None) -> str:
        """The text in the citizen's language and variant, placeholders not yet filled."""
        if text is None:
            return ""
        return text.pick(self.language, self.values, self.today)

    def fill(
        self,
        template: str,
        escape: Callable[[str], str] = str,
        extra: Mapping[str, str] | None = None,
    ) -> str:
        """Put answers into {question_id} placeholders, each passed through `escape`."""

        def replace(match: Any) -> str:
            name = match.group(1)
            if extra and name in extra:
                return escape(extra[name])
            question = self.form.question(name)
            if question is None:
                return match.group(0)
            return escape(", ".join(self.display(question)))

        return PLACEHOLDER.sub(replace, template)

    def text(self, text: Text | None, **extra: str) -> str:
        return self.fill(self.pick(text), extra=extra)

    def display(self, question: Question) -> list[str]:
        value = self.answers.get(question.id)
        ctx = Display(self.language, self.pick, self.gettext)
        return question_type(question).display(question, value, ctx)

    # -- check your answers ----------------------------------------------------------------

    def summary(self) -> list[SummarySection]:
        """Live answers grouped by section in the order they were asked."""
        sections: list[SummarySection] = []
        current_id: object = object()
        for page, question in self._answered_questions():
            if page.section != current_id:
                current_id = page.section
                section = self.form.section(page.section)
                sections.append(SummarySection(section.title if section else None))
            sections[-1].rows.append(SummaryRow(question, page, self.display(question)))
        return sections

    def _answered_questions(self) -> Iterator[tuple[Page, Question]]:
        for page in self.route:
            if page.kind != "questions":
                continue
            for question, parent, option in page.all_questions():
                if parent is None or _chosen(self.answers.get(parent.id), option.value):
                    yield page, question


def _chosen(answer: Any, value: str) -> bool:
    if isinstance(answer, list):
        return value in answer
    return answer == value
