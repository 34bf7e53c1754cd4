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

import contextlib
import copy
import datetime
import secrets
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from forms_service.definitions.model import PLACEHOLDER, Form, Page, Question, Rule, Text
from forms_service.question_types import Display, Invalid, question_type

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
    """One place in the journey: a page, a page of one repeat item, or a repeat's summary."""

    page: Page
    repeat: Page | None = None
    item: int | None = None  # 0-based index of the repeat item
    summary: bool = False  # the repeat's "add another" page

    @property
    def path(self) -> str:
        """The URL path after /<form id>/ (item numbers count from 1, as people do)."""
        if self.repeat is not None and not self.summary:
            return f"{self.repeat.id}/{self.item + 1}/{self.page.id}"
        return self.page.id

    @property
    def section(self) -> str | None:
        return (self.repeat or self.page).section


@dataclass(frozen=True)
class SummaryRow:
    question: Question
    step: Step
    lines: list[str]

    @property
    def page(self) -> Page:
        return self.step.page


@dataclass
class SummaryItem:
    """One repeat item on check your answers: "Visitor 2" and its rows."""

    repeat: Page
    index: int
    rows: list[SummaryRow] = field(default_factory=list)


@dataclass
class SummarySection:
    title: Text | None
    rows: list[SummaryRow | SummaryItem | Step] = field(default_factory=list)


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


class Scope:
    """Texts and answers as seen from one place: the whole form, or inside one repeat item."""

    def __init__(
        self,
        form: Form,
        *,
        today: datetime.date,
        language: str,
        gettext: Callable[[str], str],
        answers: dict[str, Any],
        values: dict[str, Any],
    ):
        self.form = form
        self.today = today
        self.language = language
        self.gettext = gettext
        self.answers = answers  # live answers in storage shape
        self.values = values  # live answers as conditions see them

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

    def display(self, question: Question, value: Any = None) -> list[str]:
        if value is None:
            value = self.answers.get(question.id)
        ctx = Display(self.language, self.pick, self.gettext)
        return question_type(question).display(question, value, ctx)

    def check(self, rule: Rule, extra_values: Mapping[str, Any] | None = None) -> bool:
        values = {**self.values, **(extra_values or {})}
        return rule.check.evaluate_condition(values, self.today)


class Journey(Scope):
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
        language = language if language in form.languages else form.default_language
        super().__init__(
            form, today=today, language=language, gettext=gettext, answers={}, values={}
        )
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
        summary = Step(repeat, summary=True)
        route.append(summary)
        if not state.get("done") or self.repeat_problems(repeat):
            return summary
        return None

    def _take(
        self, page: Page, stored: Mapping[str, Any], answers: dict[str, Any], values: dict[str, Any]
    ) -> None:
        for question, parent, option in page.all_questions():
            if parent is not None and not _chosen(answers.get(parent.id), option.value):
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
                % {"min": repeat.min_items, "item": self.pick(repeat.item_name)}
            )
        problems += [self.text(rule.message) for rule in repeat.rules if not self.check(rule)]
        return problems

    def item_scope(self, repeat: Page, index: int) -> Scope:
        """Texts and answers inside one item: its answers over the rest of the form's."""
        answers, values = {}, {}
        if index < len(self.items.get(repeat.id, [])):
            answers, values = self.items[repeat.id][index]
        elif index < self.item_count(repeat):  # an item not complete yet: what it has so far
            item = self.saved[repeat.id]["items"][index]
            for page in repeat.pages:
                if page.id in item.get("pages", {}):
                    self._take(page, item["pages"][page.id], answers, values)
        return Scope(
            self.form,
            today=self.today,
            language=self.language,
            gettext=self.gettext,
            answers={**self.answers, **answers},
            values={**self.values, **values},
        )

    def scope_for(self, step: Step) -> Scope:
        if step.repeat is not None and not step.summary:
            return self.item_scope(step.repeat, step.item)
        return self

    def item_label(self, repeat: Page, index: int) -> str:
        """What identifies an item in lists: its name ("Jo Bloggs"), else the text answers
        of its first page that has any, else its first answer."""
        scope = self.item_scope(repeat, index)
        answered = [
            (page, question)
            for page in repeat.pages
            for question in page.answerable
            if question.id in scope.answers
        ]
        for _, question in answered:
            if question_type(question).names_a_person:
                return " ".join(scope.display(question))
        texts = [(p, q) for p, q in answered if question_type(q).labels_an_item]
        if texts:
            first_page = texts[0][0]
            return " ".join(scope.display(q)[0] for p, q in texts[:2] if p is first_page)
        return next((scope.display(q)[0] for _, q in answered if scope.display(q)), "")

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
            repeat = step.page if step.summary else None
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
            if step.summary or step.page.kind != "questions":
                continue
            scope = self.scope_for(step)
            for question, parent, option in step.page.all_questions():
                if parent is not None and not _chosen(scope.answers.get(parent.id), option.value):
                    continue
                qtype = question_type(question)
                raw = qtype.to_raw(question, scope.answers.get(question.id))
                try:
                    qtype.clean(question, raw, self.today)
                except Invalid as exc:
                    problems.append((step, question, exc))
        return problems

    # -- check your answers ----------------------------------------------------------------

    def summary(self) -> list[SummarySection]:
        """Live answers grouped by section in the order asked; repeats as numbered items."""
        sections: list[SummarySection] = []
        current: object = object()
        items: dict[tuple[str, int], SummaryItem] = {}
        for step in self.route:
            if not step.summary and step.page.kind != "questions":
                continue  # content and exit pages have nothing to show
            if step.section != current:
                current = step.section
                section = self.form.section(step.section)
                sections.append(SummarySection(section.title if section else None))
            rows = sections[-1].rows
            if step.summary:
                if not self.items.get(step.page.id):
                    rows.append(step)  # a repeat with no items: "None added", with Change
                continue
            target: list = rows
            if step.repeat is not None:
                key = (step.repeat.id, step.item)
                if key not in items:
                    items[key] = SummaryItem(step.repeat, step.item)
                    rows.append(items[key])
                target = items[key].rows
            scope = self.scope_for(step)
            for question, parent, option in step.page.all_questions():
                if parent is None or _chosen(scope.answers.get(parent.id), option.value):
                    target.append(SummaryRow(question, step, scope.display(question)))
        return sections


# -- changing the saved answers (pure: each returns a new dict) ---------------------------------


RAW = "_raw"  # what was typed on pages saved with "Save and come back later", not yet valid


def with_answers(saved: SavedAnswers, step: Step, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The saved answers with one step's answers saved (a new item is added at the end)."""
    new = copy.deepcopy(dict(saved))
    new.get(RAW, {}).pop(step.path, None)  # valid now: what was typed is no longer needed
    if step.repeat is None:
        new[step.page.id] = dict(answers)
        return new
    state = new.setdefault(step.repeat.id, {"items": [], "done": False})
    items = state.setdefault("items", [])
    if step.item >= len(items):
        items.append({"key": secrets.token_hex(4), "pages": {}})
        state["done"] = False  # a new item: ask "add another?" again
    items[step.item]["pages"][step.page.id] = dict(answers)
    return new


def with_typed(saved: SavedAnswers, step: Step, typed: Mapping[str, list[str]]) -> dict[str, Any]:
    """Keep what was typed on a page exactly as typed, to be checked when it is continued."""
    new = copy.deepcopy(dict(saved))
    new.setdefault(RAW, {})[step.path] = {key: list(values) for key, values in typed.items()}
    return new


def typed_on(saved: SavedAnswers, step: Step) -> dict[str, list[str]] | None:
    return saved.get(RAW, {}).get(step.path)


def migrate(form: Form, saved: SavedAnswers, today: datetime.date) -> dict[str, Any]:
    """Answers saved against another version of the form, fitted to this one.

    An answer is kept when its question still exists and the answer still passes that
    question's checks (same kind of answer, an option that still exists). A page keeps its
    answers only when every question it now asks is answered; otherwise what is kept is put
    back in its inputs as typed, so the citizen is routed there and sees it filled in.
    """
    new: dict[str, Any] = {}
    flat = _flatten(value for key, value in saved.items() if key != RAW)
    for page in form.pages:
        if page.is_repeat:
            old = saved.get(page.id)
            if isinstance(old, dict) and isinstance(old.get("items"), list):
                new[page.id] = _migrate_repeat(page, old, today, new)
            continue
        _migrate_page(page, Step(page), flat, page.id in saved, today, new, new)
    # What was typed but not yet valid stays, for pages that still exist, to be checked when
    # the citizen continues (it was never an answer, so nothing to re-check here).
    for path, typed in (saved.get(RAW) or {}).items():
        if form.page(path.rsplit("/", 1)[-1]) is not None:
            new.setdefault(RAW, {}).setdefault(path, typed)
    return new


def _migrate_repeat(
    repeat: Page, old: dict, today: datetime.date, root: dict[str, Any]
) -> dict[str, Any]:
    items = []
    for index, item in enumerate(old["items"]):
        flat = _flatten(item.get("pages", {}).values())
        pages: dict[str, Any] = {}
        for page in repeat.pages:
            step = Step(page, repeat, index)
            _migrate_page(page, step, flat, page.id in item.get("pages", {}), today, pages, root)
        items.append({"key": item.get("key") or secrets.token_hex(4), "pages": pages})
    return {"items": items, "done": bool(old.get("done"))}


def _migrate_page(
    page: Page,
    step: Step,
    flat: dict[str, Any],
    was_saved: bool,
    today: datetime.date,
    into: dict[str, Any],
    root: dict[str, Any],
) -> None:
    kept, typed, complete = {}, {}, True
    for question, parent, option in page.all_questions():
        if parent is not None and not _chosen(kept.get(parent.id), option.value):
            continue
        value = flat.get(question.id)
        qtype = question_type(question)
        if value is not None:
            # An answer no longer valid for this question is dropped: it is asked again.
            with contextlib.suppress(Invalid):
                kept[question.id] = qtype.clean(question, qtype.to_raw(question, value), today)
        if question.id in kept:
            for part, raw in qtype.to_raw(question, kept[question.id]).items():
                name = f"{question.id}-{part}" if part else question.id
                typed[name] = raw if isinstance(raw, list) else [raw]
        elif not question.optional:
            complete = False
    if complete and (was_saved or kept):
        into[page.id] = kept
    elif typed:
        root.setdefault(RAW, {})[step.path] = typed


def _flatten(pages: Any) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for answers in pages:
        if isinstance(answers, dict) and "items" not in answers:
            flat.update(answers)
    return flat


def without_item(
    saved: SavedAnswers,
    repeat: Page,
    index: int,
    form: Form | None = None,
    today: datetime.date | None = None,
) -> dict[str, Any]:
    """The saved answers with one item removed.

    Given the form, answers to pages that were asked only because of that item (the route
    leaves them once it is gone) are forgotten too, so adding another item later asks them
    again instead of bringing back answers about someone who was removed.
    """
    new = copy.deepcopy(dict(saved))
    items = new.get(repeat.id, {}).get("items", [])
    if 0 <= index < len(items):
        del items[index]
    if form is not None and today is not None:
        before = {step.page.id for step in Journey(form, saved, today=today).route}
        after = {step.page.id for step in Journey(form, new, today=today).route}
        for page_id in before - after:
            if form.repeat_of(page_id) is None:
                new.pop(page_id, None)
                new.get(RAW, {}).pop(page_id, None)
    return new


def with_repeat_done(saved: SavedAnswers, repeat: Page, done: bool) -> dict[str, Any]:
    new = copy.deepcopy(dict(saved))
    new.setdefault(repeat.id, {"items": []})["done"] = done
    return new


def _question_ids(page: Page) -> set[str]:
    ids = {q.id for q, _, _ in page.all_questions()}
    for inner in page.pages:
        ids |= {q.id for q, _, _ in inner.all_questions()}
    return ids | ({page.id} if page.is_repeat else set())


def _chosen(answer: Any, value: str) -> bool:
    if isinstance(answer, list):
        return value in answer
    return answer == value
