"""The journey runner: every navigation decision for one person in one form. No Flask.

Given a definition, the saved answers and a mode, the runner answers the questions a view
asks: which step a URL shows (or where to go instead), what comes after saving a step,
where Back goes, where someone returning lands, whether the form can be submitted. Its
answers are Places, never URLs: the views turn a Place into a URL in one function.

The mode says who is filling the form in, and so the channel that conditions see
(`when: "channel == 'assisted'"`):

    live      a citizen, online                     channel "online"
    assisted  staff on a citizen's behalf           channel "assisted"
    preview   a form author trying a definition     channel "online" (what citizens see)
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from forms_service.definitions.model import Form, Page, Question, Rule, as_filled_by_staff
from forms_service.journey.changes import with_answers, with_repeat_done
from forms_service.journey.reader import ASSISTED, ONLINE
from forms_service.journey.route import CANNOT_START, Journey, SavedAnswers, Step
from forms_service.journey.summary import SectionBlock, answer_sections
from forms_service.question_types import question_type

LIVE, ASSISTED_MODE, PREVIEW = "live", "assisted", "preview"
MODES = {LIVE: ONLINE, ASSISTED_MODE: ASSISTED, PREVIEW: ONLINE}  # mode -> channel


@dataclass(frozen=True)
class Place:
    """Where to send someone: a step of the journey, or one of the form's fixed pages."""

    kind: str  # "step", "check_answers", "task_list", "start", "confirmation"
    step: Step | None = None
    change: bool = False  # came from check your answers: go back there when done
    recheck: bool = False  # show why a saved answer no longer passes

    @classmethod
    def at(cls, step: Step | None, change: bool = False, recheck: bool = False) -> Place:
        """The place of a step; no step means check your answers."""
        if step is None:
            return CHECK_ANSWERS
        return cls("step", step, change, recheck)


CHECK_ANSWERS = Place("check_answers")
TASK_LIST = Place("task_list")
START = Place("start")
CONFIRMATION = Place("confirmation")


class Runner:
    """One person's way through one form, given what they have saved so far."""

    def __init__(
        self,
        form: Form,
        saved: SavedAnswers,
        *,
        today: datetime.date,
        mode: str = LIVE,
        language: str | None = None,
        gettext: Callable[[str], str] = lambda s: s,
    ):
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}: one of {', '.join(MODES)}")
        if mode == ASSISTED_MODE:
            form = as_filled_by_staff(form)  # email questions optional, unless marked
        self.form = form
        self.mode = mode
        self.gettext = gettext
        self.journey = Journey(
            form, saved, today=today, language=language, gettext=gettext, channel=MODES[mode]
        )

    @property
    def channel(self) -> str:
        return self.journey.channel

    @property
    def language(self) -> str:
        return self.journey.language

    def with_saved(self, saved: SavedAnswers) -> Runner:
        """The same person and mode with other saved answers (after a change)."""
        return Runner(
            self.form,  # already the mode's version of the form
            saved,
            today=self.journey.today,
            mode=self.mode,
            language=self.language,
            gettext=self.gettext,
        )

    # -- where to be --------------------------------------------------------------------------

    def landing(self) -> Place:
        """Where someone with nothing else to do on this page should be (also on return)."""
        journey = self.journey
        if journey.next_step is not None:
            return Place.at(journey.next_step)
        if self.form.navigation == "task_list" and not journey.is_complete:
            return TASK_LIST
        return CHECK_ANSWERS

    def resumed_landing(self) -> Place:
        """Where someone coming back to a saved draft lands (a resume link, a member of
        staff reopening an assisted draft): a task-list form's task list once the questions
        before it are answered, so they see what is done and what is left; otherwise the
        first page still to answer (landing)."""
        journey = self.journey
        task_list = self.form.navigation == "task_list" and journey.preamble_done
        if task_list and journey.next_step is None:  # None: not stopped on an exit page
            return TASK_LIST
        return self.landing()

    def step_to_answer(self) -> Step | None:
        """The first step still needing an answer: on the route (an exit page included),
        else the first task's that can be started; None when nothing is left to answer."""
        journey = self.journey
        if journey.next_step is not None:
            return journey.next_step
        for task in journey.tasks:
            if task.next_step is not None and task.status != CANNOT_START:
                return task.next_step
        return None

    def start(self) -> Place:
        """Where the start page's button goes (or where a form with no start page opens)."""
        if self.journey.route:
            if self.form.start is None:
                return self.landing()
            return Place.at(self.journey.route[0])
        return self.landing() if self.form.start is not None else CHECK_ANSWERS

    def open(self, path: str) -> Step | Place:
        """The step at this URL path, or where to go instead when it cannot be shown now."""
        step = self.journey.find(path)
        return step if step is not None else self.landing()

    def after_saving(self, step: Step, change: bool = False) -> Place:
        """Where to go once a step is saved (ask this of the runner made after the save)."""
        journey = self.journey
        if change:
            if journey.is_complete:
                return CHECK_ANSWERS
            task_list = self.form.navigation == "task_list"
            target = journey.after(step) if task_list else journey.next_step
            return Place.at(target, change=True) if target is not None else self.landing()
        target = journey.after(step)
        return Place.at(target) if target is not None else self.landing()

    def back(self, step: Step, change: bool = False) -> Place | None:
        """Where a step's Back link goes; None for the first page of a form with no start."""
        if change:
            return CHECK_ANSWERS
        previous = self.journey.previous(step)
        if previous is not None:
            return Place.at(previous)
        if self.form.navigation == "task_list" and step.section is not None:
            return TASK_LIST
        return START if self.form.start else None

    def exit_cause(self, step: Step) -> tuple[Step, Question] | None:
        """For an exit page, the question whose answer led there and the step it was asked
        on (the last one before it that its condition names), so the page can offer to go
        back and change that answer; None for other pages."""
        page = step.page
        if not page.is_exit or page.when is None:
            return None
        names = page.when.names()
        route = self.journey.route
        before = route[: route.index(step)] if step in route else route
        for earlier in reversed(before):
            for question, _, _ in earlier.page.all_questions():
                if question.id in names:
                    return earlier, question
        return None

    def add_another_back(self, step: Step) -> Place | None:
        previous = self.journey.previous(step)
        return Place.at(previous) if previous is not None else None

    def check_answers_back(self) -> Place | None:
        if self.form.navigation == "task_list":
            return TASK_LIST
        return Place.at(self.journey.route[-1]) if self.journey.route else None

    # -- task list, repeats ---------------------------------------------------------------------

    def task_list_place(self) -> Place | None:
        """None when the task list is the page to show; otherwise where to go instead."""
        journey = self.journey
        if not journey.preamble_done or journey.next_step is not None:
            return self.landing()
        return None

    def task_places(self) -> list[tuple[Any, Place | None]]:
        """Each task with where its link goes (None: it cannot be started yet)."""
        places = []
        for task in self.journey.tasks:
            first = task.steps[0] if task.steps else task.next_step
            target = task.next_step if task.next_step is not None else first
            places.append((task, Place.at(target) if task.status != CANNOT_START else None))
        return places

    def new_item(self, repeat: Page, change: bool = False) -> Place:
        """Where "Yes, add another" goes: the first page of a new item."""
        return Place.at(self.journey.new_item_step(repeat), change=change)

    def change_item(self, repeat: Page, index: int, change: bool = False) -> Place:
        return Place.at(self.journey.first_step_of_item(repeat, index), change=change)

    def add_another_page(self, repeat: Page, change: bool = False) -> Place:
        return Place("step", Step(repeat, add_another=True), change)

    def problems_if_finished(self, repeat: Page) -> list[str]:
        """Why "No, I do not need to add another" cannot be accepted yet (min, rules)."""
        done = self.with_saved(with_repeat_done(self.journey.saved, repeat, True))
        return done.journey.repeat_problems(repeat)

    def rules_broken_by(self, step: Step, answers: Mapping[str, Any]) -> list[Rule]:
        """A repeat's rules that held without this item's answers and break with them (the
        4th adult visitor): the item is refused on its own page."""
        if step.repeat is None or not step.repeat.rules:
            return []
        after = self.with_saved(with_answers(self.journey.saved, step, answers)).journey
        return [
            rule for rule in step.repeat.rules if self.journey.check(rule) and not after.check(rule)
        ]

    # -- check your answers and submitting ------------------------------------------------------

    def submit_blocker(self) -> Place | None:
        """None when the answers can be submitted; otherwise where to go first: the next
        question, or a saved answer that no longer passes (a date bound moved with today)."""
        if not self.journey.is_complete:
            return self.landing()
        stale = self.journey.invalid_steps()
        if stale:
            return Place.at(stale[0][0], change=True, recheck=True)
        return None

    def answer_sections(self) -> list[SectionBlock]:
        """Check your answers: every live answer (and unanswered question) on the route."""
        journey = self.journey
        return answer_sections(journey, journey.route, journey.scope_for)

    def applicant_name(self) -> str:
        """The applicant's name for caseworkers: the form's applicant_name, else its first
        name question's answer."""
        journey = self.journey
        if self.form.applicant_name is not None:
            return " ".join(journey.text(self.form.applicant_name).split())
        for page, _ in self.form.every_page():
            for question in page.answerable:
                if question_type(question).names_a_person and question.id in journey.answers:
                    return " ".join(journey.display(question))
        return ""
