"""How long a form takes to fill in, for its start page, when the author does not say."""

from __future__ import annotations

import math

from forms_service.definitions.model import Form, Page, Question

SECONDS_PER_QUESTION = 30
ROUND_TO_MINUTES = 5


def questions_on_longest_route(form: Form) -> int:
    """The questions a citizen may be asked on the longest way through the form.

    Every page whose condition could hold counts (exit pages end the journey and ask
    nothing), each repeat once per item it needs at least (one when it has no minimum),
    and a question's longest conditional reveal. Routes whose conditions exclude each
    other are counted together, so this errs on the long side, as an estimate should."""
    return sum(_page_questions(page) for page in form.pages)


def _page_questions(page: Page) -> int:
    if page.is_exit:
        return 0
    if page.is_repeat:
        per_item = sum(_page_questions(inner) for inner in page.pages)
        return per_item * max(1, page.min_items)
    return sum(_with_reveals(q) for q in page.answerable)


def _with_reveals(question: Question) -> int:
    revealed = [sum(_with_reveals(q) for q in o.reveal) for o in question.options]
    return 1 + max(revealed, default=0)


def estimated_minutes(form: Form) -> int:
    """Half a minute a question on the longest route, rounded up to 5 minutes."""
    seconds = questions_on_longest_route(form) * SECONDS_PER_QUESTION
    minutes = math.ceil(seconds / 60)
    return max(1, math.ceil(minutes / ROUND_TO_MINUTES)) * ROUND_TO_MINUTES
