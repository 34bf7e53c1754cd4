"""What a submission sets going once it is stored: the citizen's confirmation email, the
team's notice, the webhooks. Each is a job (jobs/registry.py); importing this package
registers them, and the submit path asks `jobs_at_submission` which to queue.

    recipients.py  which address the citizen gave (never one they did not)
    emails.py      the "confirmation_email" and "team_notice" jobs
    webhooks.py    the "webhook" job; signing.py, addresses.py (SSRF), http.py under it
"""

from __future__ import annotations

from typing import Any

from flask import current_app

from forms_service.definitions.model import Form
from forms_service.delivery import emails, webhooks
from forms_service.delivery.recipients import answered_address

Job = tuple[str, dict[str, Any]]

__all__ = [
    "ask_for_confirmation_email",
    "confirmation_sent_to",
    "emails",
    "jobs_at_submission",
    "webhooks",
]


def jobs_at_submission(form: Form, submission: Any) -> list[Job]:
    """The jobs a new submission causes, by reference only (job rows are not sealed).

    Decided from the form and the submission in memory: no database, so it fits in the
    submission's own transaction. A confirmation email goes only to an address the citizen
    gave as an answer, and only when they filled the form in themselves: for a form filled
    in by staff, the member of staff offers it (views/assisted.py)."""
    reference = submission.reference
    jobs: list[Job] = []
    if _answered_to(form, submission):
        jobs.append(("confirmation_email", {"reference": reference}))
    if form.notify_email:
        jobs.append(("team_notice", {"reference": reference}))
    jobs.extend(
        ("webhook", {"reference": reference, "endpoint": index})
        for index in range(len(form.webhooks))
    )
    return jobs


def _answered_to(form: Form, submission: Any) -> str | None:
    if submission.channel != "online":
        return None
    return answered_address(form, submission.answers or {})


def confirmation_sent_to(form: Form, submission: Any) -> str | None:
    """The address a confirmation email of this submission is queued to, if any: the one
    they typed on the confirmation page last, else the one they answered with."""
    if getattr(submission, "confirmation_requests", 0):
        return submission.confirmation_address
    return _answered_to(form, submission)


def ask_for_confirmation_email(submission: Any, address: str) -> None:
    """Keep the address (sealed, with the submission) and queue the email, in one
    transaction, by reference and request number: the address never goes into the queue."""
    reference = submission.reference
    current_app.extensions["store"].give_confirmation_address(
        submission.id,
        address,
        lambda number: ("confirmation_email", {"reference": reference, "given": number}),
    )
