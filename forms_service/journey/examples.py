"""A form filled in with each question type's example answer, as far as the examples go.

Preview's "Fill with example answers" uses it so a form author sees check your answers and
the PDF in seconds. The walk follows the route the examples lead to (the first option of
each choice, say): it stops at check your answers, at an exit page, or at the first page
the examples cannot answer (an example that breaks a repeat's rules, a question type with
no example for its settings), and says which.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from forms_service.definitions.model import Form
from forms_service.journey.changes import with_answers, with_repeat_done
from forms_service.journey.route import COMPLETE, Journey, SavedAnswers, Step, chosen
from forms_service.journey.runner import PREVIEW, Runner
from forms_service.question_types import question_type
from forms_service.question_types.answer_types import T

MAX_STEPS = 1000  # a guard: a form needs far fewer steps than this to reach its end


@dataclass(frozen=True)
class Filled:
    """The answers the walk saved, and where and why it stopped (no step: at the end)."""

    saved: SavedAnswers
    stopped_at: Step | None = None
    reason: str = ""  # "exit", "no_example", "rules", "stuck"; "" when complete


def fill_with_examples(form: Form, today: datetime.date) -> Filled:
    """Answer every page on the route with example answers, from no answers at all.

    An example that leads to an exit page is swapped for another option of the question
    that led there (the next option, "no" for "yes"), so the walk reaches check your
    answers where some choice does; an exit no choice avoids is where it stops."""
    avoid: set[tuple[str, str]] = set()
    while True:
        filled = _walk(form, today, avoid)
        if filled.reason != "exit" or filled.stopped_at is None:
            return filled
        cause = Runner(form, filled.saved, today=today, mode=PREVIEW).exit_cause(filled.stopped_at)
        if cause is None or len(_choices(cause[1])) < 2:
            return filled
        question = cause[1]
        taken = _find_answer(filled.saved, question.id)
        if (question.id, repr(taken)) in avoid or len(avoid) > MAX_RETRIES:
            return filled
        avoid.add((question.id, repr(taken)))


MAX_RETRIES = 50


def _find_answer(saved: Any, question_id: str) -> Any:
    """The saved answer to a question, on a page or in a repeat item (the last one)."""
    found = None
    for value in saved.values() if isinstance(saved, dict) else ():
        if isinstance(value, dict) and "items" in value:
            for item in value["items"]:
                found = _find_answer(item.get("pages", {}), question_id) or found
        elif isinstance(value, dict) and question_id in value:
            found = value[question_id]
    return found


def _choices(question: Any) -> list[Any]:
    """The answers a choice question can take, as stored: each option (a list of one for
    a type that takes several), or true and false (yes/no); none for other questions."""
    qtype = question_type(question)
    if question.options:
        return [[o.value] if qtype.multiple else o.value for o in question.options]
    if qtype.takes_answer and qtype.expression_type(question) == T.BOOL:
        return [True, False]
    return []


def _walk(form: Form, today: datetime.date, avoid: set[tuple[str, str]]) -> Filled:
    saved: SavedAnswers = {}
    for _ in range(MAX_STEPS):
        runner = Runner(form, saved, today=today, mode=PREVIEW)  # what a citizen sees
        journey, step = runner.journey, runner.step_to_answer()
        if step is None:
            complete = journey.outcome == COMPLETE
            return Filled(
                saved, None if complete else journey.stopped_at, "" if complete else "stuck"
            )
        if step.page.is_exit:
            return Filled(saved, step, "exit")
        after = _answered(journey, step, avoid)
        if after is None:
            return Filled(saved, step, "no_example")
        if after == saved:
            return Filled(saved, step, "rules" if step.add_another else "stuck")
        saved = after
    return Filled(saved, None, "stuck")


def _answered(journey: Journey, step: Step, avoid: set[tuple[str, str]]) -> SavedAnswers | None:
    """The saved answers with this step answered; None when a question has no example."""
    saved = journey.saved
    if step.add_another:  # enough items? stop adding; otherwise add one more
        repeat = step.page
        done = with_repeat_done(saved, repeat, True)
        problems = Journey(journey.form, done, today=journey.today, channel=journey.channel)
        if not problems.repeat_problems(repeat):
            return done
        if journey.item_count(repeat) >= (repeat.max_items or MAX_STEPS):
            return saved  # the rules cannot be met by adding items: stuck here
        return _answered(journey, journey.new_item_step(repeat), avoid)
    answers = page_examples(step, journey.today, avoid)
    if answers is None:
        return None
    after = with_answers(saved, step, answers)
    runner = Runner(journey.form, saved, today=journey.today, mode=PREVIEW)
    if runner.rules_broken_by(step, answers):
        return saved  # this example item would break the repeat's rules
    return after


def page_examples(
    step: Step, today: datetime.date, avoid: set[tuple[str, str]] = frozenset()
) -> dict[str, Any] | None:
    """Example answers to the questions of one page (revealed ones under chosen options);
    None when a question that must be answered has no example for its settings. A choice
    in `avoid` (question id, repr of the answer) is swapped for the next one not in it."""
    answers: dict[str, Any] = {}
    for question, parent, option in step.page.all_questions():
        if parent is not None and not chosen(answers.get(parent.id), option.value):
            continue
        example = question_type(question).example_answer(question, today)
        if (question.id, repr(example)) in avoid:
            others = [c for c in _choices(question) if (question.id, repr(c)) not in avoid]
            example = others[0] if others else example
        if example is None:
            if not question.optional:
                return None
            continue
        answers[question.id] = example
    return answers
