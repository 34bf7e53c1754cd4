"""The route through a form for one citizen's answers. No Flask here: it is plain logic.

The route is recomputed from the definition and the saved answers every time. Walking from
the first page, a page whose `when` is false is skipped, an exit page ends the journey, and
the walk stops at the first page not yet answered. Only answers on the route are *live*: an
answer left behind on a branch the citizen moved away from is kept in the draft (so it
comes back if they return to that branch) but counts nowhere else.

A repeat ("add another" group) is walked once per item, then its add-another page. In a
task-list form each section is walked on its own, so tasks can be done in any order that
the conditions allow.

Saved answers (the draft) look like this:
    {page_id: {question_id: answer},
     repeat_id: {"items": [{"key": "k3m9", "pages": {page_id: {question_id: answer}}}],
                 "done": bool}}
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from forms_service.definitions.model import Form, Page, Question, Text
from forms_service.journey.reader import ONLINE, AnswerReader, channel_values, item_label
from forms_service.question_types import Invalid, question_type

SavedAnswers = Mapping[str, Any]

INCOMPLETE, EXITED, COMPLETE = "incomplete", "exit", "complete"
NOT_STARTED, IN_PROGRESS, COMPLETED, CANNOT_START = (
    "not_started",
    "in_progress",
    "completed",
    "cannot_start",
)


@dataclass(frozen=True)
class Step:
    """One place in the journey: a page, a page of one repeat item, or a repeat's
    add-another page ("Do you need to add another visitor?")."""

    page: Page
    repeat: Page | None = None
    item: int | None = None  # 0-based index of the repeat item
    add_another: bool = False  # the repeat's add-another page (`page` is the repeat)

    @property
    def path(self) -> str:
        """The URL path after /<form id>/ (item numbers count from 1, as people do)."""
        if self.repeat is not None and not self.add_another:
            return f"{self.repeat.id}/{self.item + 1}/{self.page.id}"
        return self.page.id

    @property
    def section(self) -> str | None:
        return (self.repeat or self.page).section

    @property
    def asks_questions(self) -> bool:
        """A page of questions (not content, an exit or an add-another page)."""
        return not self.add_another and self.page.kind == "questions"


@dataclass
class Task:
    section: str
    title: Text
    status: str
    steps: list[Step] = field(default_factory=list)
    next_step: Step | None = None
    # A later page of the task needs answers from a task not done yet: not complete.
    waiting: Page | None = None

    @property
    def open(self) -> bool:
        return self.next_step is not None or self.waiting is not None


class Journey(AnswerReader):
    """Where one citizen is in one form, given what they have saved so far."""

    def __init__(
        self,
        form: Form,
        saved: SavedAnswers,
        *,
        today: datetime.date,
        language: str | None = None,
        gettext: Callable[[str], str] = lambda s: s,
        channel: str = ONLINE,
    ):
        language = language if language in form.languages else form.default_language
        super().__init__(
            form,
            {},
            channel_values(form, channel),
            today=today,
            language=language,
            gettext=gettext,
            channel=channel,
        )
        self.answers: dict[str, Any] = {}  # live answers, filled in as the walk goes
        self.values: dict[str, Any] = dict(self.values)
        self.saved = saved
        self.route: list[Step] = []
        self.outcome = COMPLETE
        self.stopped_at: Step | None = None  # first step needing an answer, or the exit
        self.items: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {}
        self.tasks: list[Task] = []
        self.preamble_done = True
        if form.navigation == "task_list":
            self._walk_tasks()
        else:
            self._walk(form.pages)

    # -- walking ---------------------------------------------------------------------------

    def _walk(self, pages: tuple[Page, ...]) -> None:
        for page in pages:
            step = self._visit(page, self.route)
            if step is not None:
                self.outcome = EXITED if step.page.is_exit else INCOMPLETE
                self.stopped_at = step
                return

    def _visit(self, page: Page, route: list[Step]) -> Step | None:
        """Walk one top-level page; return the step where the walk stops, if it does."""
        if page.when is not None and not page.when.evaluate_condition(self.values, self.today):
            return None
        if page.is_repeat:
            return self._visit_repeat(page, route)
        step = Step(page)
        route.append(step)
        if page.is_exit or page.id not in self.saved:
            return step
        self._take(page, self.saved[page.id], self.answers, self.values)
        return None

    def _visit_repeat(self, repeat: Page, route: list[Step]) -> Step | None:
        state = self.saved.get(repeat.id) or {}
        items = state.get("items", [])
        self.answers[repeat.id], self.values[repeat.id] = [], []
        self.items[repeat.id] = []
        for index, item in enumerate(items):
            answers: dict[str, Any] = {}
            values: dict[str, Any] = {}
            for page in repeat.pages:
                env = {**self.values, **values}
                if page.when is not None and not page.when.evaluate_condition(env, self.today):
                    continue
                step = Step(page, repeat, index)
                route.append(step)
                if page.is_exit or page.id not in item.get("pages", {}):
                    return step
                self._take(page, item["pages"][page.id], answers, values)
            self.answers[repeat.id].append(answers)
            self.values[repeat.id].append(values)
            self.items[repeat.id].append((answers, values))
        if not items and repeat.min_items >= 1:
            first = self.new_item_step(repeat)
            route.append(first)
            return first
        add_another = Step(repeat, add_another=True)
        route.append(add_another)
        if not state.get("done") or self.repeat_problems(repeat):
            return add_another
        return None

    def _take(
        self, page: Page, stored: Mapping[str, Any], answers: dict[str, Any], values: dict[str, Any]
    ) -> None:
        for question, parent, option in page.all_questions():
            if parent is not None and not chosen(answers.get(parent.id), option.value):
                continue  # a revealed question whose option is not chosen: discarded
            value = stored.get(question.id)
            if value is None:
                continue
            answers[question.id] = value
            values[question.id] = question_type(question).to_expression(question, value)

    def _walk_tasks(self) -> None:
        """Walk the pages before the first task, then each task (section) on its own."""
        pages = self.form.pages
        first_task = next((i for i, p in enumerate(pages) if p.section), len(pages))
        self._walk(pages[:first_task])
        if self.outcome != COMPLETE:
            self.preamble_done = False
            return
        unknown: set[str] = set()  # questions whose answers are not known yet
        by_section: dict[str, Task] = {}
        for page in pages[first_task:]:
            section = page.section
            task = by_section.get(section) if section else None
            if section and task is None:
                title = self.form.section(section).title
                task = by_section[section] = Task(section, title, NOT_STARTED)
            if task is not None and task.open:
                unknown |= _question_ids(page)
                continue
            if page.when is not None and page.when.names() & unknown:
                unknown |= _question_ids(page)
                if task is not None and not task.steps:
                    task.status, task.next_step = CANNOT_START, Step(page)
                elif task is not None:
                    task.waiting, task.status = page, IN_PROGRESS
                continue
            stop = self._visit(page, task.steps if task else self.route)
            if stop is not None and stop.page.is_exit:
                # The journey ends here, but the tasks done so far stay open to change.
                self.outcome, self.stopped_at = EXITED, stop
                if task is not None:
                    task.next_step, task.status = stop, IN_PROGRESS
                else:
                    self.route.append(stop)
                break
            if stop is not None and task is not None:
                task.next_step = stop
                unknown |= _question_ids(page)
                answered = any(s != stop for s in task.steps)
                task.status = IN_PROGRESS if answered else NOT_STARTED
        for task in by_section.values():
            if not task.open:
                task.status = COMPLETED
            if task.steps or task.status == CANNOT_START:
                self.tasks.append(task)
            self.route.extend(task.steps)
        if self.outcome != EXITED and any(t.status != COMPLETED for t in self.tasks):
            self.outcome = INCOMPLETE

    # -- repeats ---------------------------------------------------------------------------

    def new_item_step(self, repeat: Page) -> Step:
        """The first page of a new item (its `when` judged on an empty item)."""
        index = len(self.saved.get(repeat.id, {}).get("items", []))
        for page in repeat.pages:
            if page.when is None or page.when.evaluate_condition(self.values, self.today):
                return Step(page, repeat, index)
        return Step(repeat.pages[0], repeat, index)

    def item_count(self, repeat: Page) -> int:
        return len(self.saved.get(repeat.id, {}).get("items", []))

    def repeat_problems(self, repeat: Page) -> list[str]:
        """Why the citizen cannot stop adding items yet (min, max and the repeat's rules)."""
        count = self.item_count(repeat)
        problems = []
        if count < repeat.min_items:
            problems.append(
                self.gettext("You must add at least %(min)d %(item)s")
                % {"min": repeat.min_items, "item": self.item_name(repeat)}
            )
        problems += [self.rule_message(rule) for rule in repeat.rules if not self.check(rule)]
        return problems

    def item_scope(self, repeat: Page, index: int) -> AnswerReader:
        """Texts and answers inside one item: its answers over the rest of the form's."""
        answers: dict[str, Any] = {}
        values: dict[str, Any] = {}
        if index < len(self.items.get(repeat.id, [])):
            answers, values = self.items[repeat.id][index]
        elif index < self.item_count(repeat):  # an item not complete yet: what it has so far
            item = self.saved[repeat.id]["items"][index]
            for page in repeat.pages:
                if page.id in item.get("pages", {}):
                    self._take(page, item["pages"][page.id], answers, values)
        return self.inside(answers, values)

    def scope_for(self, step: Step) -> AnswerReader:
        """The reader for a step: inside its item for a repeat item's page."""
        if step.repeat is not None and not step.add_another:
            return self.item_scope(step.repeat, step.item)
        return self

    def first_step_of_item(self, repeat: Page, index: int) -> Step:
        """Where changing an item starts: its first page on the route."""
        for step in self.route:
            if step.repeat is repeat and step.item == index and not step.add_another:
                return step
        return Step(repeat.pages[0], repeat, index)

    def item_label(self, repeat: Page, index: int) -> str:
        """What identifies an item in lists: its name ("Jo Bloggs"), else the text answers
        of its first page that has any, else its first answer (see reader.item_label)."""
        return item_label(repeat, self.item_scope(repeat, index))

    # -- where to go -----------------------------------------------------------------------

    @property
    def next_step(self) -> Step | None:
        """Where the citizen should be: the first step needing an answer, or the exit.

        None when every page is done, or in a task list when the task list is the place.
        """
        if self.form.navigation == "task_list" and self.preamble_done:
            return self.stopped_at if self.outcome == EXITED else None
        return self.stopped_at

    def find(self, path: str) -> Step | None:
        """The step at this URL path, if the citizen may be there now."""
        for step in self._visitable():
            if step.path == path:
                return step
        return None

    def _visitable(self) -> Iterator[Step]:
        yield from self.route
        for task in self.tasks:
            if task.next_step is not None and task.status != CANNOT_START:
                yield task.next_step
        for step in list(self.route):
            repeat = step.page if step.add_another else None
            if repeat is not None and (
                repeat.max_items is None or self.item_count(repeat) < repeat.max_items
            ):
                yield self.new_item_step(repeat)

    def steps_of(self, section: str | None) -> list[Step]:
        """The steps walked one after the other: the whole route, or in a task list, one
        task's steps (or the pages before the first task)."""
        if self.form.navigation != "task_list":
            return self.route
        if section is None:
            return [step for step in self.route if step.section is None]
        task = next((t for t in self.tasks if t.section == section), None)
        return task.steps if task is not None else []

    def previous(self, step: Step) -> Step | None:
        """The step before this one on its route, for the Back link."""
        steps = self.steps_of(step.section)
        paths = [s.path for s in steps]
        index = paths.index(step.path) if step.path in paths else len(paths)
        return steps[index - 1] if index > 0 else None

    def after(self, step: Step) -> Step | None:
        """Where to go once this step is saved: the next step on its route, or None (the end
        of the journey, or of the task)."""
        steps = self.steps_of(step.section)
        paths = [s.path for s in steps]
        if step.path in paths and paths.index(step.path) + 1 < len(paths):
            return steps[paths.index(step.path) + 1]
        if self.form.navigation == "task_list" and self.preamble_done:
            return None
        return self.next_step

    @property
    def is_complete(self) -> bool:
        return self.outcome == COMPLETE

    def invalid_steps(self) -> list[tuple[Step, Question, Invalid]]:
        """Saved answers that no longer pass their checks (a date bound moved with today)."""
        problems = []
        for step in self.route:
            if not step.asks_questions:
                continue
            scope = self.scope_for(step)
            for question, parent, option in step.page.all_questions():
                if parent is not None and not chosen(scope.answers.get(parent.id), option.value):
                    continue
                qtype = question_type(question)
                raw = qtype.to_raw(question, scope.answers.get(question.id))
                try:
                    qtype.clean(question, raw, self.today)
                except Invalid as exc:
                    problems.append((step, question, exc))
        return problems


def _question_ids(page: Page) -> set[str]:
    ids = {q.id for q, _, _ in page.all_questions()}
    for inner in page.pages:
        ids |= {q.id for q, _, _ in inner.all_questions()}
    return ids | ({page.id} if page.is_repeat else set())


def chosen(answer: Any, value: str) -> bool:
    if isinstance(answer, list):
        return value in answer
    return answer == value
