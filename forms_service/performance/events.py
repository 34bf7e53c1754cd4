"""The kinds of journey event, and what each one holds.

Every event has: when (`at`), the form's id and version, the channel (online, assisted,
paper), the language, and the journey's random id (not the session key, not the draft's
id). None holds an answer, a name, an address or a reference. Besides those:

    kind             page          question   detail                 value
    started          -             -          -                      -
    page_shown       page id       -          -                      -
    page_saved       page id       -          -                      -
    validation_error page id       question   error kind             -
    saved            page id       -          -                      -
    resumed          -             -          -                      -
    exit_reached     exit page id  -          -                      -
    submitted        -             -          -                      minutes from start
    feedback         -             -          -                      rating 1..5
    decided          -             -          "within" or "late"     working days taken

`page` is the page's id in the definition; a repeat's pages keep their own ids (an item's
number is not kept). Check your answers is CHECK_ANSWERS_PAGE.
"""

from __future__ import annotations

import datetime
from typing import Any

from forms_service.clock import LONDON, as_utc
from forms_service.working_days import working_days_between

STARTED = "started"
PAGE_SHOWN = "page_shown"
PAGE_SAVED = "page_saved"
VALIDATION_ERROR = "validation_error"
SAVED = "saved"
RESUMED = "resumed"
EXIT_REACHED = "exit_reached"
SUBMITTED = "submitted"
FEEDBACK = "feedback"
DECIDED = "decided"
KINDS = (
    STARTED,
    PAGE_SHOWN,
    PAGE_SAVED,
    VALIDATION_ERROR,
    SAVED,
    RESUMED,
    EXIT_REACHED,
    SUBMITTED,
    FEEDBACK,
    DECIDED,
)

# The page id check your answers has in page_shown events (no definition page has it:
# ids are snake_case).
CHECK_ANSWERS_PAGE = "check-your-answers"

ONLINE, ASSISTED, PAPER = "online", "assisted", "paper"
CHANNELS = (ONLINE, ASSISTED, PAPER)

# decided: whether the decision came within the form's sla_working_days.
WITHIN, LATE = "within", "late"

# The GOV.UK satisfaction scale, best first; the value of a feedback event.
RATINGS = {
    5: "Very satisfied",
    4: "Satisfied",
    3: "Neither satisfied or dissatisfied",
    2: "Dissatisfied",
    1: "Very dissatisfied",
}
SATISFIED = (5, 4)


def decision_event(
    *,
    form_id: str,
    form_version: int,
    channel: str,
    language: str,
    submitted_at: datetime.datetime,
    due_on: datetime.date | None,
    decided_at: datetime.datetime,
) -> dict[str, Any]:
    """The `decided` event of a submission decided at `decided_at`: the working days it
    took (London dates, the day of submission not counted, as the due date is set) and
    whether that was by its due date (detail None when the form sets no target)."""
    submitted_on = as_utc(submitted_at).astimezone(LONDON).date()
    decided_on = as_utc(decided_at).astimezone(LONDON).date()
    detail = None if due_on is None else (WITHIN if decided_on <= due_on else LATE)
    return {
        "at": decided_at,
        "form_id": form_id,
        "form_version": form_version,
        "channel": channel,
        "language": language,
        "journey": None,
        "kind": DECIDED,
        "detail": detail,
        "value": working_days_between(submitted_on, decided_on),
    }
