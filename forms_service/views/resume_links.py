"""Resume links: making one for a draft and emailing it, with the rate limits on asking.

Shared by save and come back later (views/resume.py) and by staff handing an assisted
draft to the citizen (views/assisted.py).
"""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from flask import current_app, request, session
from flask_babel import gettext

from forms_service.definitions.model import Form
from forms_service.delivery.recipients import email_questions
from forms_service.jobs.tasks import RESUME_LINK, link_expires
from forms_service.question_types import values as V
from forms_service.tokens import hash_secret
from forms_service.views.common import store

HOUR = datetime.timedelta(hours=1)


def limited(*keys: tuple[str, int, datetime.timedelta]) -> bool:
    """True when any of these counters is over its limit (each request counts once)."""
    results = [store().hit(key, limit, window) for key, limit, window in keys]
    return not all(results)


def ip_key(kind: str) -> str:
    return f"{kind}:ip:{request.remote_addr or 'unknown'}"


def email_key(kind: str, email: str) -> str:
    return f"{kind}:email:{hash_secret(email.lower())}"


LIMITED = "rate limited"  # a sentinel: the address or IP asked for too many links


def email_error(typed: str) -> str | None:
    """The error message for an address that is not one, else None."""
    try:
        V.parse_email(typed)
    except V.InvalidValue:
        return gettext("Enter an email address in the correct format, like name@example.com")
    return None


def posted_email(kind: str) -> tuple[str, str | None, str | None]:
    """What was typed, the address if valid (or LIMITED), and the error message if not."""
    typed = request.form.get("email", "").strip()
    error = email_error(typed)
    if error is not None:
        return typed, None, error
    email = V.parse_email(typed)
    if limited(
        (email_key(kind, email), current_app.config["RESUME_LINKS_PER_EMAIL"], HOUR),
        (ip_key(kind), current_app.config["RESUME_LINKS_PER_IP"], HOUR),
    ):
        return typed, LIMITED, None
    return typed, email, None


def known_email(journey: Any) -> str:
    for question in email_questions(journey.form):
        value = journey.answers.get(question.id)
        if value:
            return value
    return ""


def send_link(form: Form, draft_id: int, email: str) -> datetime.date:
    """Keep the address (sealed, on the draft) and queue the email with a new link, in one
    transaction: the page answers at once, and a failed send is tried again (jobs/tasks.py).
    Returns the day the link will stop working."""
    chosen = session.get("language")
    language = chosen if chosen in form.languages else form.default_language
    job = {"draft_id": draft_id, "language": language, "request_id": secrets.token_hex(8)}
    store().set_resume_email(draft_id, email, jobs=[(RESUME_LINK, job)])
    return link_expires(form).date()
