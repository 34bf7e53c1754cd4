"""How long the service keeps what people send it, and the purge that applies it.

- A draft is kept for the form's `retention_days` after its last save (default 28 days).
- A submission is kept for the form's `submission_retention_days` after its decision (the
  status change to accepted or rejected), or after it was submitted (or last moved on) while
  undecided. Without that key the form's `retention_days` applies, as the contract says;
  a form with neither keeps submissions SUBMISSION_RETENTION_DAYS, a casework year, rather
  than the drafts' 28 days (`forms-service check` warns the author).

`purge` is a plain function over the store, so the daily worker (forms_service.worker), the
`forms-service purge` command or, later, a job queue can run it. No Flask here.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

from forms_service.clock import as_utc
from forms_service.data import Store
from forms_service.data.retention import PURGE_ACTOR
from forms_service.definitions.loader import Problem
from forms_service.definitions.model import Form

DRAFT_RETENTION_DAYS = 28
SUBMISSION_RETENTION_DAYS = 365


def draft_days(form: Form) -> int:
    """How many days a draft is kept after its last save."""
    return form.retention_days or DRAFT_RETENTION_DAYS


def submission_days(definition: Mapping[str, Any]) -> int:
    """How many days a submission is kept after its decision, from a definition as plain
    data (a Form's snapshot, or a stored version of a form no longer loaded)."""
    for key in ("submission_retention_days", "retention_days"):
        days = definition.get(key)
        if isinstance(days, int) and not isinstance(days, bool) and days >= 1:
            return days
    return SUBMISSION_RETENTION_DAYS


def submission_cutoffs(
    store: Store, forms: Mapping[str, Form], now: datetime.datetime
) -> dict[str, datetime.datetime]:
    """For each form with submissions: submissions decided before this moment are past
    their retention. A form not loaded today (its file removed, or broken by an edit)
    keeps the policy of the newest version the service ran, never a shorter default."""
    form_ids = store.submission_form_ids()
    stored = store.newest_definitions([f for f in form_ids if f not in forms])
    cutoffs = {}
    for form_id in form_ids:
        definition = forms[form_id].snapshot if form_id in forms else stored.get(form_id, {})
        cutoffs[form_id] = as_utc(now) - datetime.timedelta(days=submission_days(definition))
    return cutoffs


def purge(
    store: Store,
    forms: Mapping[str, Form],
    now: datetime.datetime,
    *,
    keep_going: Callable[[], bool] = lambda: True,
    events_keep_days: int = 2,
    comment_days: int = 365,
) -> dict[str, int]:
    """Delete everything past its retention at `now`; counts of what went, by kind.

    Submissions go in batches, each in its own transaction with an audit row naming the
    references; then drafts never sent, their resume links, ended sessions and old rate
    limit counters, with one audit row of counts; then the performance events older than
    `events_keep_days` (counted by day already) and the satisfaction comments older than
    `comment_days` (anonymous; the ratings stay as counts). Neither is audited: they are
    not linked to anyone.
    `keep_going` is asked between batches (the worker stops at SIGTERM after the batch in
    hand).
    """
    counts = store.purge_submissions(submission_cutoffs(store, forms, now), keep_going=keep_going)
    others = store.purge(as_utc(now))
    store.audit(PURGE_ACTOR, "retention_purge", "drafts and sessions", None, **others)
    rolled = store.roll_up_events(events_cutoff(now, events_keep_days))
    comments = store.purge_feedback_comments(as_utc(now) - datetime.timedelta(days=comment_days))
    return {
        **counts,
        **others,
        "journey events counted by day": rolled,
        "satisfaction comments": comments,
    }


def events_cutoff(now: datetime.datetime, keep_days: int) -> datetime.datetime:
    """The UTC midnight before which performance events are only kept as daily counts:
    `keep_days` whole days are kept as they happened, today being the first."""
    first_kept = as_utc(now).date() - datetime.timedelta(days=max(keep_days, 1) - 1)
    return datetime.datetime.combine(first_kept, datetime.time(), tzinfo=datetime.UTC)


def retention_warnings(form: Form) -> list[Problem]:
    """What the checker tells an author who said nothing about retention (the form still
    loads: the defaults apply)."""
    if form.retention_days or form.submission_retention_days:
        return []
    return [
        Problem(
            form.source,
            1,
            1,
            f"the form does not say how long to keep what people send. Drafts will "
            f"be deleted {DRAFT_RETENTION_DAYS} days after their last save and submissions "
            f"{SUBMISSION_RETENTION_DAYS} days after their decision. Add retention_days: "
            f"(and submission_retention_days: if casework needs longer) from your "
            f"retention schedule.",
            True,
        )
    ]
