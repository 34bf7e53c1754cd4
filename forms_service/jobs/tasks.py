"""The service's own jobs: a submission's PDFs made at submission, the email with a
"continue your application" link, and the daily retention purge.

(Emails and webhooks about a submission are forms_service.delivery's.) Each runs in an
application context and may run twice: see registry.py.
"""

from __future__ import annotations

import datetime
import logging

from flask import current_app, render_template, url_for
from flask_babel import force_locale, gettext

from forms_service.clock import utcnow
from forms_service.data import Store
from forms_service.documents import has_paper_form, make_paper_pdf, make_pdf
from forms_service.jobs.registry import task
from forms_service.mailer import Email
from forms_service.question_types import values as V
from forms_service.retention import draft_days
from forms_service.retention import purge as purge_expired
from forms_service.tokens import hash_secret, new_token

log = logging.getLogger(__name__)

RENDER_PDFS = "render_pdfs"
RESUME_LINK = "resume_link"
PURGE = "purge"


def _store() -> Store:
    return current_app.extensions["store"]


@task(RENDER_PDFS, attempts=4, first_wait=datetime.timedelta(minutes=1))
def render_pdfs(reference: str) -> None:
    """Make and store the submission's PDF (and its paper form, if it has one) now, so a
    caseworker's first download is instant rather than a second or more of rendering."""
    submission = _store().get_submission(reference)
    if submission is None:
        return  # purged (or never committed): nothing to make
    make_pdf(submission)  # stored in the cache by the same code a download runs
    if has_paper_form(submission):
        make_paper_pdf(submission)


def link_expires(form) -> datetime.datetime:
    """When a link made now stops working: the draft's retention period from now."""
    return utcnow() + datetime.timedelta(days=draft_days(form))


@task(RESUME_LINK, attempts=5, first_wait=datetime.timedelta(seconds=30))
def resume_link(draft_id: int, language: str, request_id: str) -> None:
    """Email a new "continue your application" link to the address kept (sealed) on the
    draft; older unused links stop working. `request_id` is the asking's: a second run of
    the same job sends nothing more."""
    store = _store()
    done = f"{RESUME_LINK}:{request_id}"
    if store.effect_done(done):
        return
    draft = store.unsent_draft(draft_id)
    email = draft.resume_email if draft is not None else None
    form = current_app.extensions["forms"].get(draft.form_id) if draft is not None else None
    if draft is None or not email or form is None:
        return  # sent, deleted or its form gone since: no link to give
    language = language if language in form.languages else form.default_language
    token = new_token()
    expires = link_expires(form)
    store.issue_resume_token(draft_id, hash_secret(token), expires)
    # From the configured address only: no request, so no Host header to trust anyway.
    with current_app.test_request_context("/"):
        path = url_for("resume.resume", token=token, lang=language)
    link = current_app.config["SERVICE_URL"] + path
    title = form.title.pick(language)
    until = V.format_date(expires.date(), locale=language)
    context = {"title": title, "link": link, "until": until, "language": language}
    with force_locale(language):  # the citizen's language, whatever page asked
        message = Email(
            to=email,
            subject=gettext("Continue your application: %(title)s", title=title),
            text=render_template("emails/resume.txt", **context),
            html=render_template("emails/resume.html", **context),
        )
    current_app.extensions["mailer"].send(message)
    store.record_effect(done)


@task(PURGE, attempts=3, first_wait=datetime.timedelta(minutes=10))
def purge() -> None:
    """Delete what is past its retention (forms_service.retention), audited there."""
    counts = purge_expired(
        _store(),
        current_app.extensions["forms"],
        utcnow(),
        events_keep_days=current_app.config["EVENTS_KEEP_DAYS"],
        comment_days=current_app.config["FEEDBACK_COMMENT_DAYS"],
    )
    log.info("purge done: %s", ", ".join(f"{k}: {v}" for k, v in counts.items()))
