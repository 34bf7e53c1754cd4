"""Journeys that cover a form's routes, for `forms-service test-journeys`. No Flask.

From a loaded form, find sets of saved answers such that, between them, every page with a
`when` is shown on one journey and skipped on another, every exit page is reached, every
repeat is walked with one item and with its most items (capped at MAX_ITEMS_WALKED), and at
least one journey reaches check your answers.

The runner decides where each set of answers leads (nothing here routes by itself). Values
come from each type's example answer and from candidates that may flip a condition: every
option, yes and no, and values around each literal a condition compares the question with
(n-1, n, n+1; the day before, of and after a date; the birthdays around an age). A value is
kept only when the question's type accepts it. The search is a depth-first walk over the
runner, the example answers tried first, bounded by a count of steps and a deadline; goals
it cannot reach are reported, never silently dropped.
"""

from __future__ import annotations

import contextlib
import datetime
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from forms_service.definitions.expressions import (
    Call,
    Compare,
    Expression,
    ExprNode,
    ListLiteral,
    Name,
)
from forms_service.definitions.model import Form, Question
from forms_service.journey.changes import with_answers, with_repeat_done
from forms_service.journey.route import EXITED, Step, chosen
from forms_service.journey.runner import Runner
from forms_service.question_types import Invalid, question_type

MAX_ITEMS_WALKED = 10  # a repeat allowing more is walked with this many items
STEPS_PER_GOAL = 4000  # runner evaluations one goal's search may spend
# Processor time, not time on the clock: on a busy machine (CI runs five test processes on
# two cores) a clock deadline cut searches short, so which routes were found depended on
# the load. Processor time is the work done, the same however busy the machine is.
SECONDS_PER_FORM = 20.0
SECONDS_PER_GOAL = 2.0
_spent = time.process_time

COMPLETE_GOAL = ("complete", "")


@dataclass
class PlannedJourney:
    """One journey: the answers saved at its end, the steps it passes, and why it exists."""

    saved: dict[str, Any]
    steps: list[Step]
    exit_page: str | None  # the exit page it ends on; None: it reaches check your answers
    covers: list[tuple[str, str]] = field(default_factory=list)  # the goals it was kept for

    def items(self, repeat_id: str) -> int:
        return len(self.saved.get(repeat_id, {}).get("items", []))

    def answers_for(self, step: Step) -> dict[str, Any]:
        """The stored answers of one step (a page, or a page of one repeat item)."""
        if step.repeat is None:
            return self.saved.get(step.page.id, {})
        return self.saved[step.repeat.id]["items"][step.item]["pages"].get(step.page.id, {})


@dataclass
class Coverage:
    journeys: list[PlannedJourney]
    unreached: list[str]  # goals no journey reaches, said for people
    notes: list[str]  # what was limited (a repeat's items capped)


def cover(form: Form, today: datetime.date, *, seconds: float = SECONDS_PER_FORM) -> Coverage:
    """Journeys covering the form's routes, and the goals that could not be reached."""
    return _Search(form, today, _spent() + seconds).run()


def describe_goal(form: Form, goal: tuple[str, str]) -> str:
    kind, target = goal
    if kind == "shown":
        return f"could not find answers that show page '{target}'"
    if kind == "skipped":
        return f"could not find answers that skip page '{target}'"
    if kind == "exit":
        return f"could not find answers that reach exit page '{target}'"
    if kind == "items":
        repeat_id, count = target.split(":")
        return f"could not find answers that walk repeat '{repeat_id}' with {count} item(s)"
    return "could not find answers that reach check your answers"


# -- candidate values -------------------------------------------------------------------------


def form_conditions(form: Form) -> Iterator[Expression]:
    for page, _ in form.every_page():
        if page.when is not None:
            yield page.when
        for rule in page.rules:
            yield rule.check


def _nodes(node: ExprNode) -> Iterator[ExprNode]:
    yield node
    for child in node.children():
        yield from _nodes(child)


def _constant(node: ExprNode) -> bool:
    return not any(isinstance(n, Name) for n in _nodes(node))


def _years_ago(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def _date_raw(day: datetime.date) -> dict[str, str]:
    return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}


def _raw_near(subject: ExprNode, value: Any, today: datetime.date) -> list[tuple[str, dict]]:
    """(question id, what to type) for values on both sides of `value`, as seen by
    `subject`: the question itself, or age(), days_since(), len() of it."""
    one = datetime.timedelta(days=1)
    if isinstance(subject, Name):
        qid = subject.name
        if isinstance(value, bool):
            return [(qid, {"": "yes"}), (qid, {"": "no"})]
        if isinstance(value, int | Decimal):
            return [(qid, {"": str(value + d)}) for d in (-1, 0, 1)]
        if isinstance(value, datetime.date):
            return [(qid, _date_raw(value + d * one)) for d in (-1, 0, 1)]
        if isinstance(value, str):
            return [(qid, {"": value}), (qid, {"": [value]})]
        return []
    if isinstance(subject, Call) and subject.args and isinstance(subject.args[0], Name):
        qid = subject.args[0].name
        if not isinstance(value, int | Decimal):
            return []
        n = int(value)
        if subject.function in ("age", "years_since"):
            born = [_years_ago(today, n) + one, _years_ago(today, n), _years_ago(today, n + 1)]
            return [(qid, _date_raw(day)) for day in born if n >= 0]
        if subject.function == "days_since":
            return [(qid, _date_raw(today - (n + d) * one)) for d in (-1, 0, 1)]
        if subject.function == "len":
            return [(qid, {"": "x" * (n + d)}) for d in (-1, 0, 1) if n + d > 0]
    return []


def _literal_raws(form: Form, today: datetime.date) -> dict[str, list[dict]]:
    """What to type in each question to land on both sides of the conditions naming it."""
    found: dict[str, list[dict]] = {}
    for expression in form_conditions(form):
        for node in _nodes(expression.root):
            if not isinstance(node, Compare):
                continue
            for subject, other in ((node.left, node.right), (node.right, node.left)):
                if _constant(subject) or not _constant(other):
                    continue
                try:
                    value = other.evaluate({}, today)
                except (ArithmeticError, TypeError, ValueError):
                    continue
                values = value if isinstance(other, ListLiteral) else [value]
                for one in values:
                    for qid, raw in _raw_near(subject, one, today):
                        found.setdefault(qid, []).append(raw)
    return found


def _option_raws(question: Question) -> list[dict]:
    qtype = question_type(question)
    if qtype.multiple:
        return [{"": [o.value]} for o in question.options]
    return [{"": o.value} for o in question.options]


def _fallback_raws(question: Question) -> Iterator[dict]:
    """Plain texts of the lengths a question allows, tried when its type has no example."""
    low = question.setting("min_length") or 1
    high = question.setting("max_length") or max(low, 12)
    for length in sorted({low, (low + high) // 2, high}):
        for char in "1Aa":
            yield {"": char * length}


# -- the search ---------------------------------------------------------------------------------


class _Dead(Exception):
    """This branch cannot go on: no answers the page accepts, or the time is up."""


class _Search:
    def __init__(self, form: Form, today: datetime.date, deadline: float):
        self.form = form
        self.today = today
        self.deadline = deadline
        self.order = {page.id: i for i, (page, _) in enumerate(form.every_page())}
        literals = _literal_raws(form, today)
        self.named = {name for e in form_conditions(form) for name in e.names()}
        self.candidates: dict[str, list[Any]] = {}
        for page, _ in form.every_page():
            for question, _, _ in page.all_questions():
                self.candidates[question.id] = self._candidates(
                    question, literals.get(question.id, [])
                )
        self.notes: list[str] = []
        self._conditions: dict[tuple[str, str], list[tuple[Expression, bool]]] = {}
        self.caps: dict[str, int] = {}
        for page in form.pages:
            if page.is_repeat:
                most = page.max_items if page.max_items is not None else MAX_ITEMS_WALKED
                self.caps[page.id] = min(most, MAX_ITEMS_WALKED)
                if most > MAX_ITEMS_WALKED:
                    self.notes.append(
                        f"repeat '{page.id}' allows {most} items: walked with at most "
                        f"{MAX_ITEMS_WALKED}"
                    )

    def _candidates(self, question: Question, literal_raws: list[dict]) -> list[Any]:
        """Stored answers to try, the type's example first; None for an optional question
        a condition names (it may test answered())."""
        qtype = question_type(question)
        values: list[Any] = []
        try:
            example = qtype.example_answer(question, self.today)
        except NotImplementedError:
            example = None
        if example is not None:
            values.append(example)
        if question.id in self.named or not values:
            raws = _option_raws(question) + literal_raws
            if qtype.name == "yes_no":
                raws += [{"": "yes"}, {"": "no"}]
            for raw in raws:
                try:
                    value = qtype.clean(question, raw, self.today)
                except (Invalid, ValueError, TypeError, ArithmeticError):
                    continue
                if value is not None and value not in values:
                    values.append(value)
            if question.optional and question.id in self.named:
                values.append(None)
        if not values:  # a pattern the type cannot sample within the length limits
            for raw in _fallback_raws(question):
                try:
                    value = qtype.clean(question, raw, self.today)
                except (Invalid, ValueError, TypeError, ArithmeticError):
                    continue
                if value is not None:
                    return [value]
        return values

    # -- goals ----------------------------------------------------------------------------

    def goals(self) -> list[tuple[str, str]]:
        goals: list[tuple[str, str]] = [COMPLETE_GOAL]
        for page, _ in self.form.every_page():
            if page.is_exit:
                goals.append(("exit", page.id))
            elif page.when is not None:
                goals += [("shown", page.id), ("skipped", page.id)]
            if page.is_exit and page.when is not None:
                goals.append(("skipped", page.id))
            if page.is_repeat:
                counts = sorted({max(1, page.min_items), self.caps[page.id]})
                goals += [("items", f"{page.id}:{n}") for n in counts if n <= self.caps[page.id]]
        return goals

    def covered(self, runner: Runner) -> set[tuple[str, str]]:
        """The goals a finished journey reaches."""
        journey = runner.journey
        done: set[tuple[str, str]] = set()
        exited = journey.outcome == EXITED
        if journey.is_complete:
            done.add(COMPLETE_GOAL)
        end = journey.stopped_at if exited else None
        shown = {step.page.id for step in journey.route}
        if end is not None:
            shown.add(end.page.id)
            done.add(("exit", end.page.id))
        limit = self.order[end.page.id] if end is not None else len(self.order)
        for page, repeat in self.form.every_page():
            if page.id in shown:
                done.add(("shown", page.id))
            elif self.order[page.id] < limit and (repeat is None or journey.item_count(repeat) > 0):
                done.add(("skipped", page.id))
        for repeat_id in self.caps:
            repeat = self.form.page(repeat_id)
            if repeat_id in shown and journey.saved.get(repeat_id, {}).get("done"):
                done.add(("items", f"{repeat_id}:{journey.item_count(repeat)}"))
        return done

    # -- walking ----------------------------------------------------------------------------

    def run(self) -> Coverage:
        goals = self.goals()
        wanted = set(goals)
        reached: set[tuple[str, str]] = set()
        found_all: list[PlannedJourney] = []
        for goal in goals:
            if goal in reached or _spent() > self.deadline:
                continue
            found = self.find(goal)
            if found is None:
                continue
            runner, steps = found
            covers = self.covered(runner) & wanted
            reached |= covers
            end = runner.journey.stopped_at if runner.journey.outcome == EXITED else None
            found_all.append(
                PlannedJourney(
                    dict(runner.journey.saved),
                    steps,
                    end.page.id if end is not None else None,
                    sorted(covers),
                )
            )
        unreached = [describe_goal(self.form, g) for g in goals if g not in reached]
        return Coverage(_fewest(found_all), unreached, self.notes)

    def runner(self, saved: dict[str, Any]) -> Runner:
        return Runner(self.form, saved, today=self.today)

    def find(self, goal: tuple[str, str]) -> tuple[Runner, list[Step]] | None:
        """Depth first from no answers, example answers first; None when not found within
        the budget."""
        budget = STEPS_PER_GOAL
        focus = self.focus(goal)
        deadline = min(self.deadline, _spent() + SECONDS_PER_GOAL)
        stack: list[tuple[dict[str, Any], Step | None, list[Step]]] = [({}, None, [])]
        while stack and budget > 0:
            if _spent() > deadline:
                return None
            saved, pending, steps = stack.pop()
            budget -= 1
            runner = self.runner(saved)
            journey = runner.journey
            if pending is None and (journey.is_complete or journey.outcome == EXITED):
                if goal in self.covered(runner):
                    if journey.outcome == EXITED:
                        steps = [*steps, journey.stopped_at]
                    return runner, steps
                continue
            if self.hopeless(goal, runner):
                continue
            step = pending or self.next_step(runner)
            if step is None:
                continue  # a task list with nothing left that can be started
            children = list(self.choices(focus, runner, step, saved, goal))
            for child_saved, child_pending in reversed(children):
                stack.append((child_saved, child_pending, [*steps, step]))
        return None

    def next_step(self, runner: Runner) -> Step | None:
        return runner.step_to_answer()

    def focus(self, goal: tuple[str, str]) -> set[str]:
        """The questions worth varying for a goal: those its page's condition names and
        those that lead to (or away from) exit pages, with the questions the conditions of
        their own pages name, and so on."""
        wanted: set[str] = set()
        page = self.form.page(goal[1].split(":")[0]) if goal[0] != "complete" else None
        for exit_page, _ in self.form.every_page():
            if exit_page.is_exit and exit_page.when is not None:
                wanted |= exit_page.when.names()
        if page is not None and page.when is not None:
            wanted |= page.when.names()
        if page is not None and (repeat := self.form.repeat_of(page.id)) is not None:
            wanted |= repeat.when.names() if repeat.when is not None else set()
        for repeat in self.form.pages:  # an item may break its repeat's rules
            for rule in repeat.rules if repeat.is_repeat else ():
                wanted |= rule.check.names()
        while True:
            more = set(wanted)
            for name in wanted:
                asked_on = self.form.page_of(name) or self.form.page(name)
                if asked_on is not None and asked_on.when is not None:
                    more |= asked_on.when.names()
                for rule in asked_on.rules if asked_on is not None else ():
                    more |= rule.check.names()
            if more == wanted:
                return wanted
            wanted = more

    def conditions(self, goal: tuple[str, str]) -> list[tuple[Expression, bool]]:
        """The goal page's condition with the way it should go, and the conditions of the
        pages asking the questions it reads (which must be shown), and so on."""
        if goal in self._conditions:
            return self._conditions[goal]
        page = self.form.page(goal[1].split(":")[0]) if goal[0] != "complete" else None
        found: list[tuple[Expression, bool]] = []
        if page is not None and page.when is not None:
            found.append((page.when, goal[0] != "skipped"))
            names, seen = set(page.when.names()), {page.id}
            while names:
                asked_on = self.form.page_of(names.pop()) or None
                if asked_on is None or asked_on.id in seen:
                    continue
                seen.add(asked_on.id)
                if asked_on.when is not None:
                    found.append((asked_on.when, True))
                    names |= asked_on.when.names()
        self._conditions[goal] = found
        return found

    def settled(self, runner: Runner, expression: Expression) -> bool | None:
        """The value of a condition when every answer it reads is final, else None."""
        journey = runner.journey
        for name in expression.names():
            repeat = self.form.page(name)
            if repeat is not None and repeat.is_repeat:
                if not journey.saved.get(name, {}).get("done"):
                    return None
            elif name not in journey.answers or self.form.repeat_of(name) is not None:
                return None
        return expression.evaluate_condition(journey.values, journey.today)

    def hopeless(self, goal: tuple[str, str], runner: Runner) -> bool:
        """Whether the walk has already passed the goal's page without meeting it, or the
        answers its condition reads are given and decide against it."""
        kind, target = goal
        journey = runner.journey
        page = self.form.page(target.split(":")[0])
        if (
            kind in ("shown", "exit", "skipped")
            and page is not None
            and page.when is not None
            and self.form.repeat_of(page.id) is None
        ):
            value = self.settled(runner, page.when)
            if value is not None and value != (kind != "skipped"):
                return True
        route = {step.page.id for step in journey.route if not step.add_another}
        if kind == "skipped" and self.form.repeat_of(target) is None:
            return target in route
        if kind in ("shown", "exit") and self.form.repeat_of(target) is None:
            if target in route:
                return False
            at = self.next_step(runner)
            if at is None:
                return False
            page = at.repeat or at.page
            return self.form.navigation != "task_list" and self.order[page.id] > self.order[target]
        if kind == "items":
            repeat_id, count = target.split(":")
            repeat = self.form.page(repeat_id)
            return journey.item_count(repeat) > int(count)
        return False

    def choices(
        self,
        focus: set[str],
        runner: Runner,
        step: Step,
        saved: dict[str, Any],
        goal: tuple[str, str],
    ) -> Iterator[tuple[dict[str, Any], Step | None]]:
        """The next states: (saved answers, a new item's first step still to answer)."""
        journey = runner.journey
        if step.add_another:
            yield from self._add_another(goal, runner, step, saved)
            return
        if step.page.is_exit:
            return
        scope = journey.scope_for(step)
        seen: list[dict[str, Any]] = []
        for answers in self._page_answers(step, focus):
            if answers in seen or not self._accepted(runner, step, scope, answers):
                continue
            seen.append(answers)
        # The answers that bring the goal's condition nearest first (then the examples).
        seen.sort(key=lambda answers: -self._nearness(goal, runner, step, answers))
        for answers in seen:
            yield with_answers(saved, step, answers), None

    def _nearness(
        self, goal: tuple[str, str], runner: Runner, step: Step, answers: dict[str, Any]
    ) -> int:
        """How many comparisons of the goal page's condition these answers make go the
        goal's way (true to show the page, false to skip it)."""
        conditions = self.conditions(goal)
        if not conditions:
            return 0
        values = dict(runner.journey.scope_for(step).values)
        for question, _, _ in step.page.all_questions():
            if question.id in answers:
                qtype = question_type(question)
                values[question.id] = qtype.to_expression(question, answers[question.id])
        score = 0
        for expression, wanted in conditions:
            for node in _nodes(expression.root):
                if isinstance(node, Compare) or (
                    isinstance(node, Call) and node.function in ("answered", "includes")
                ):
                    with contextlib.suppress(ArithmeticError, TypeError, ValueError):
                        score += bool(node.evaluate(values, self.today)) == wanted
        return score

    def _add_another(
        self, goal: tuple[str, str], runner: Runner, step: Step, saved: dict[str, Any]
    ) -> Iterator[tuple[dict[str, Any], Step | None]]:
        repeat = step.page
        count = runner.journey.item_count(repeat)
        cap = self.caps[repeat.id]
        if goal[0] == "items" and goal[1].split(":")[0] == repeat.id:
            target = int(goal[1].split(":")[1])
            wanted = ["add"] if count < target else ["done"]
        elif count < max(1, repeat.min_items):
            wanted = ["add"]
        else:
            wanted = ["done", "add"] if count < min(cap, max(1, repeat.min_items) + 1) else ["done"]
        for choice in wanted:
            if choice == "add" and count < cap:
                yield saved, runner.new_item(repeat).step
            elif choice == "done":
                done = with_repeat_done(saved, repeat, True)
                if not runner.with_saved(done).journey.repeat_problems(repeat):
                    yield done, None

    def _page_answers(self, step: Step, focus: set[str]) -> Iterator[dict[str, Any]]:
        """The example answers, then the same with one question of the focus changed at a
        time."""
        questions = [q for q, _, _ in step.page.all_questions() if q.id in focus]
        yield self._answers(step, {})
        for question in questions:
            for value in self.candidates.get(question.id, [])[1:]:
                yield self._answers(step, {question.id: value})

    def _answers(self, step: Step, overrides: dict[str, Any]) -> dict[str, Any]:
        answers: dict[str, Any] = {}
        for question, parent, option in step.page.all_questions():
            if parent is not None and not chosen(answers.get(parent.id), option.value):
                continue
            if question.id in overrides:
                value = overrides[question.id]
            else:
                values = self.candidates.get(question.id) or [None]
                value = values[0]
            if value is not None:
                answers[question.id] = value
        # Both or neither (required_with): one left blank leaves its partner blank too.
        for question, _, _ in step.page.all_questions():
            partner = question.required_with
            blank = partner is not None and (question.id not in answers or partner not in answers)
            if blank and any(q.id == partner for q, _, _ in step.page.all_questions()):
                answers.pop(question.id, None)
                answers.pop(partner, None)
        return answers

    def _accepted(self, runner: Runner, step: Step, scope: Any, answers: dict[str, Any]) -> bool:
        """Whether the page would take these answers: every required question answered,
        the page's rules and its repeat's rules hold."""
        for question, parent, option in step.page.all_questions():
            if parent is not None and not chosen(answers.get(parent.id), option.value):
                continue
            if question.id not in answers and not question.optional:
                return False
        for question, _, _ in step.page.all_questions():
            partner = question.required_with
            if partner is None or partner in answers or question.id in answers:
                continue
            if scope.values.get(partner) is not None:  # answered on an earlier page
                return False
        values = {}
        for question, _, _ in step.page.all_questions():
            if question.id in answers:
                qtype = question_type(question)
                values[question.id] = qtype.to_expression(question, answers[question.id])
        if not all(scope.check(rule, values) for rule in step.page.rules):
            return False
        return not runner.rules_broken_by(step, answers)


def _fewest(journeys: list[PlannedJourney]) -> list[PlannedJourney]:
    """Journeys that between them reach every goal any of them reaches, chosen greedily
    (the one reaching most goals not yet reached first): fewer journeys to drive. Each
    keeps, in `covers`, the goals it was chosen for."""
    left = {goal for journey in journeys for goal in journey.covers}
    chosen_ones: list[PlannedJourney] = []
    while left:
        best = max(journeys, key=lambda j: (len(left & set(j.covers)), -len(j.steps)))
        gained = left & set(best.covers)
        left -= gained
        best.covers = sorted(gained)
        chosen_ones.append(best)
    order = {id(journey): i for i, journey in enumerate(journeys)}
    return sorted(chosen_ones, key=lambda j: order[id(j)])
