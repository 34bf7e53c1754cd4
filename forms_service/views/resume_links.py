"""Resume links: making one for a draft and emailing it, with the rate limits on asking.

Shared by save and come back later (views/resume.py) and by staff handing an assisted
draft to the citizen (views/assisted.py).
"""

from __future__ import annotations

import datetime
from typing import Any

from flask import current_app, render_template, request, session, url_for
from flask_babel import force_locale, gettext

from forms_service.clock import utcnow
from forms_service.definitions.model import Form
from forms_service.delivery.recipients import email_questions
from forms_service.mailer import Email
from forms_service.question_types import values as V
from forms_service.tokens import hash_secret, new_token
from forms_service.views.common import store
from forms_service.views.session_drafts import retention

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
    """Make a new link for the draft (older unused ones stop working) and email it."""
    token = new_token()
    expires = utcnow() + datetime.timedelta(days=retention(form))
    store().issue_resume_token(draft_id, hash_secret(token), expires)
    # From the configured address only: a forged Host header must not steer the link.
    chosen = session.get("language")
    language = chosen if chosen in form.languages else form.default_language
    # The link opens in the citizen's language, in whichever browser they use.
    link = current_app.config["SERVICE_URL"] + url_for("resume.resume", token=token, lang=language)
    title = form.title.pick(language)
    until = V.format_date(expires.date(), locale=language)
    context = {"title": title, "link": link, "until": until, "language": language}
    with force_locale(language):  # the citizen's language, whatever page sent it
        email_ = Email(
            to=email,
            subject=gettext("Continue your application: %(title)s", title=title),
            text=render_template("emails/resume.txt", **context),
            html=render_template("emails/resume.html", **context),
        )
    current_app.extensions["mailer"].send(email_)
    return expires.date()
