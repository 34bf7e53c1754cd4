"""Save and come back later: the email step, single-use resume links, and new links.

A link carries a random 256-bit token; only its SHA-256 is stored. Opening the link shows
a page with a button, and only pressing it spends the token, so mail scanners that fetch
links cannot use it up. Spending it moves the draft to the browser that pressed it: the
old browser session can no longer write to it.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext

from forms_service.clock import utcnow
from forms_service.data import Draft
from forms_service.definitions.model import Form
from forms_service.mailer import Email, MailError
from forms_service.question_types import question_type
from forms_service.question_types import values as V
from forms_service.tokens import hash_secret, new_token
from forms_service.views.common import get_form, store
from forms_service.views.session_drafts import load_runner, retention, url_for_place

bp = Blueprint("resume", __name__)
log = logging.getLogger(__name__)
HOUR = datetime.timedelta(hours=1)


def _limited(*keys: tuple[str, int, datetime.timedelta]) -> bool:
    """True when any of these counters is over its limit (each request counts once)."""
    results = [store().hit(key, limit, window) for key, limit, window in keys]
    return not all(results)


def _ip_key(kind: str) -> str:
    return f"{kind}:ip:{request.remote_addr or 'unknown'}"


def _email_key(kind: str, email: str) -> str:
    return f"{kind}:email:{hash_secret(email.lower())}"


_LIMITED = "rate limited"  # a sentinel: the address or IP asked for too many links


def _posted_email(kind: str) -> tuple[str, str | None, str | None]:
    """What was typed, the address if valid (or _LIMITED), and the error message if not."""
    typed = request.form.get("email", "").strip()
    try:
        email = V.parse_email(typed)
    except V.InvalidValue:
        return (
            typed,
            None,
            gettext("Enter an email address in the correct format, like name@example.com"),
        )
    if _limited(
        (_email_key(kind, email), current_app.config["RESUME_LINKS_PER_EMAIL"], HOUR),
        (_ip_key(kind), current_app.config["RESUME_LINKS_PER_IP"], HOUR),
    ):
        return typed, _LIMITED, None
    return typed, email, None


def _too_many():
    return render_template("resume/too_many.html"), 429


# -- saving ------------------------------------------------------------------------------------


@bp.route("/save/<form_id>", methods=["GET", "POST"])
def save_progress(form_id: str):
    """Ask where to send the link (prefilled with an email address the form already has)."""
    form = get_form(form_id)
    if not form.save_and_return:
        abort(404)
    runner, draft_id = load_runner(form)
    journey = runner.journey
    if draft_id is None:
        return redirect(url_for_place(form, runner.landing()))
    error, typed = None, _known_email(journey)
    if request.method == "POST":
        typed, email, error = _posted_email("save")
        if email is _LIMITED:
            return _too_many()
        if email:
            store().set_resume_email(draft_id, email)
            try:
                expires = _send_link(form, draft_id, email)
            except MailError:
                log.exception("could not send a resume link")
                error = gettext("Sorry, we could not send the email. Try again later.")
            else:
                session["saved"] = {"form": form.id, "email": email, "until": expires.isoformat()}
                return redirect(url_for("resume.progress_saved", form_id=form.id))
    return render_template(
        "resume/save.html",
        form=form,
        journey=journey,
        error=error,
        email=typed,
        back=url_for_place(form, runner.landing()),
    ), (422 if error else 200)


def _known_email(journey: Any) -> str:
    for question in _email_questions(journey.form):
        value = journey.answers.get(question.id)
        if value:
            return value
    return ""


def _email_questions(form: Form):
    for page, _ in form.every_page():
        for question, _, _ in page.all_questions():
            if question_type(question).is_email_address:
                yield question


def _send_link(form: Form, draft_id: int, email: str) -> datetime.date:
    """Make a new link for the draft (older unused ones stop working) and email it."""
    token = new_token()
    expires = utcnow() + datetime.timedelta(days=retention(form))
    store().issue_resume_token(draft_id, hash_secret(token), expires)
    link = url_for("resume.resume", token=token, _external=True)
    language = session.get("language") if session.get("language") in form.languages else None
    title = form.title.pick(language or form.default_language)
    until = V.format_date(expires.date(), locale=language or "en")
    context = {"title": title, "link": link, "until": until}
    current_app.extensions["mailer"].send(
        Email(
            to=email,
            subject=gettext("Continue your application: %(title)s", title=title),
            text=render_template("emails/resume.txt", **context),
            html=render_template("emails/resume.html", **context),
        )
    )
    return expires.date()


@bp.get("/saved/<form_id>")
def progress_saved(form_id: str):
    form = get_form(form_id)
    runner, _ = load_runner(form)
    journey = runner.journey
    saved = session.get("saved") or {}
    if saved.get("form") != form.id:
        return redirect(url_for_place(form, runner.landing()))
    until = V.format_date(datetime.date.fromisoformat(saved["until"]), locale=journey.language)
    return render_template(
        "resume/saved.html",
        form=form,
        journey=journey,
        email=saved["email"],
        until=until,
        back=None,
        continue_url=url_for_place(form, runner.landing()),
    )


# -- coming back -------------------------------------------------------------------------------


@bp.route("/resume/<token>", methods=["GET", "POST"])
def resume(token: str):
    if _limited(
        (
            _ip_key("token"),
            current_app.config["RESUME_TOKEN_ATTEMPTS_PER_IP"],
            datetime.timedelta(minutes=10),
        )
    ):
        return _too_many()
    now = utcnow()
    if request.method == "GET":
        status, draft = store().resume_token_status(hash_secret(token), now)
        if status != "ok":
            return _link_problem(status)
        form = current_app.extensions["forms"].get(draft.form_id)
        if form is None:
            return _link_problem("gone")
        return render_template(
            "resume/continue.html",
            form=form,
            journey=None,
            title=form.title.pick(form.default_language),
        )
    status, draft = store().use_resume_token(hash_secret(token), session.key, now)
    if status != "ok":
        return _link_problem(status)
    form = current_app.extensions["forms"].get(draft.form_id)
    if form is None:
        return _link_problem("gone")
    session["language"] = draft.language
    runner, _ = load_runner(form)
    return redirect(url_for_place(form, runner.landing()))


def _link_problem(status: str):
    return render_template("resume/link_problem.html", status=status, journey=None, form=None), (
        404 if status == "unknown" else 410
    )


@bp.route("/resume", methods=["GET", "POST"])
def new_link():
    """Send a new link. The answer never says whether a draft exists for the address."""
    error, typed, sent = None, "", False
    if request.method == "POST":
        typed, email, error = _posted_email("new")
        if email is _LIMITED:
            return _too_many()
        if email:
            for draft in store().drafts_for_email(email, utcnow()):
                _send_new_link(draft, email)
            sent = True
    return render_template(
        "resume/new_link.html", error=error, email=typed, sent=sent, journey=None, form=None
    ), (422 if error else 200)


def _send_new_link(draft: Draft, email: str) -> None:
    form = current_app.extensions["forms"].get(draft.form_id)
    if form is None:
        return
    try:
        _send_link(form, draft.id, email)
    except MailError:
        # The page must look the same either way, so the failure is only logged.
        log.exception("could not send a new resume link")


# -- session ----------------------------------------------------------------------------------


@bp.post("/session/extend")
def extend_session():
    """Called by the timeout warning's Continue button: any request extends the session."""
    session["extended_at"] = utcnow().isoformat()
    return "", 204


@bp.get("/session-ended")
def session_ended():
    """The countdown ran out (or the server ended an idle session): end it here too, so
    nothing typed in this browser can be read or changed from it any more."""
    if session.token is not None:
        session.clear()
        session.rotate()
    return render_template("resume/session_ended.html", journey=None, form=None)
