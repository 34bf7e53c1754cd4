"""The one summary builder: answers as sections of rows, in the order they were asked.

Check your answers (from a journey's route), the caseworker's submission page and the PDF
(from a stored submission) all list answers with this function; each then lays the rows
out its own way (GOV.UK summary lists with Change links, a web page, a tagged PDF). The
result is plain text: whoever renders it escapes it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from forms_service.definitions.model import Form, Page, Question
from forms_service.journey.reader import AnswerReader, capital, item_label
from forms_service.journey.route import Step, chosen


@dataclass(frozen=True)
class AnswerRow:
    """One answer: its question's label and the answer as lines ("Not answered": none)."""

    question_id: str
    label: str
    lines: list[str]
    question: Question | None = field(default=None, compare=False, repr=False)
    step: Step | None = field(default=None, compare=False, repr=False)  # where it was asked


@dataclass(frozen=True)
class ItemBlock:
    """One repeat item's answers under a heading that names it: "Attorney 2: Jo Bloggs"
    (just "Attorney 2" when nothing identifies it yet)."""

    heading: str
    rows: list[AnswerRow]
    repeat: Page | None = field(default=None, compare=False, repr=False)
    index: int = field(default=0, compare=False, repr=False)
    name: str = field(default="", compare=False, repr=False)  # "Attorney 2"


@dataclass(frozen=True)
class RepeatRow:
    """A repeat as a whole, before its items: its label and how many items it has."""

    repeat: Page
    label: str
    count: int


@dataclass(frozen=True)
class SectionBlock:
    title: str | None
    entries: list[AnswerRow | ItemBlock | RepeatRow]


def answer_sections(
    reader: AnswerReader,
    steps: Iterable[Step],
    reader_for: Callable[[Step], AnswerReader],
    *,
    answered_only: bool = False,
) -> list[SectionBlock]:
    """The answers given on these steps, grouped by section in the order of the steps.

    `reader_for(step)` reads a step's answers (inside its item for a repeat item's page).
    Each repeat gets a RepeatRow where it first appears, then one ItemBlock per item.
    Unanswered questions are rows with no lines, unless `answered_only`.
    """
    sections: list[SectionBlock] = []
    current: object = object()
    items: dict[tuple[str, int], ItemBlock] = {}
    repeats_seen: set[str] = set()
    for step in steps:
        if not step.add_another and not step.asks_questions:
            continue  # content and exit pages have nothing to show
        if step.section != current:
            current = step.section
            section = reader.form.section(step.section)
            sections.append(SectionBlock(reader.text(section.title) if section else None, []))
        entries = sections[-1].entries
        repeat = step.page if step.add_another else step.repeat
        if repeat is not None and repeat.id not in repeats_seen:
            repeats_seen.add(repeat.id)
            entries.append(_repeat_row(reader, repeat))
        if step.add_another:
            continue
        rows: list[AnswerRow] = entries  # type: ignore[assignment]
        if step.repeat is not None:
            key = (step.repeat.id, step.item)
            if key not in items:
                items[key] = _item_block(reader_for(step), step.repeat, step.item)
                entries.append(items[key])
            rows = items[key].rows
        rows.extend(_rows(reader_for(step), step, answered_only))
    if answered_only:
        sections = [section for section in sections if section.entries]
    return sections


def _rows(reader: AnswerReader, step: Step, answered_only: bool) -> Iterator[AnswerRow]:
    for question, parent, option in step.page.all_questions():
        if parent is not None and not chosen(reader.answers.get(parent.id), option.value):
            continue
        if answered_only and reader.answers.get(question.id) is None:
            continue
        label = reader.text(question.label)
        yield AnswerRow(question.id, label, reader.display(question), question, step)


def _repeat_row(reader: AnswerReader, repeat: Page) -> RepeatRow:
    label = reader.text(repeat.title) if repeat.title else capital(reader.item_name(repeat))
    return RepeatRow(repeat, label, len(reader.answers.get(repeat.id) or []))


def _item_block(reader: AnswerReader, repeat: Page, index: int) -> ItemBlock:
    """An item's block, read inside the item (`reader`): its number and what identifies it."""
    item = capital(reader.item_name(repeat))
    name = reader.gettext("%(item)s %(number)d") % {"item": item, "number": index + 1}
    label = item_label(repeat, reader)
    heading = reader.gettext("%(name)s: %(label)s") % {"name": name, "label": label}
    return ItemBlock(heading if label else name, [], repeat, index, name)


def stored_steps(form: Form, answers: Mapping[str, Any]) -> Iterator[Step]:
    """The steps a stored submission's answers were given on, in the order of the form.

    A submission stores only the answers on the citizen's route, so a page with an answer
    was on it, and a repeat with a list (even an empty one) was too.
    """
    for page in form.pages:
        if page.is_repeat:
            items = answers.get(page.id)
            if not isinstance(items, list):
                continue  # the repeat was not on the citizen's route
            for index, item in enumerate(items):
                asked = [p for p in page.pages if p.kind == "questions"]
                answered = [p for p in asked if _answers_page(p, item)] or asked[:1]
                yield from (Step(p, page, index) for p in answered)
            yield Step(page, add_another=True)
        elif page.kind == "questions" and _answers_page(page, answers):
            yield Step(page)


def stored_reader_for(reader: AnswerReader) -> Callable[[Step], AnswerReader]:
    """Reading a stored submission's step: inside its item for a repeat item's page."""

    def reader_for(step: Step) -> AnswerReader:
        if step.repeat is None:
            return reader
        return reader.inside(reader.answers[step.repeat.id][step.item])

    return reader_for


def _answers_page(page: Page, answers: Mapping[str, Any]) -> bool:
    return any(answers.get(q.id) is not None for q, _, _ in page.all_questions())
