"""Save and come back later: the email step, single-use resume links, and new links.

A link carries a random 256-bit token; only its SHA-256 is stored. Opening the link shows
a page with a button, and only pressing it spends the token, so mail scanners that fetch
links cannot use it up. Spending it moves the draft to the browser that pressed it: the
old browser session can no longer write to it.
"""

from __future__ import annotations

import datetime
import logging

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import validate_csrf
from wtforms import ValidationError

from forms_service.clock import utcnow
from forms_service.data import Draft
from forms_service.performance.events import RESUMED
from forms_service.question_types import values as V
from forms_service.sessions import session_key
from forms_service.tokens import hash_secret, new_token
from forms_service.views.common import get_form, store
from forms_service.views.performance_events import note
from forms_service.views.resume_links import (
    LIMITED,
    email_error,
    ip_key,
    known_email,
    limited,
    posted_email,
    send_link,
)
from forms_service.views.session_drafts import load_runner, mark_resumed, url_for_place
from forms_service.views.shown_errors import errors_to_show, show_errors_again

bp = Blueprint("resume", __name__)
SENT_TO = "new-link-sent-to"
log = logging.getLogger(__name__)


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
    error, typed = None, known_email(journey)
    shown = errors_to_show() if request.method == "GET" else None
    if shown is not None:
        typed = shown.get("email", "")
        error = email_error(typed)
    if request.method == "POST":
        typed, email, error = posted_email("save")
        if email is LIMITED:
            return _too_many()
        if not email:
            return show_errors_again()
        # The address is kept sealed in the draft, not in the session row (issue 10), and
        # the email goes from the job queue: a failed send is tried again there.
        expires = send_link(form, draft_id, email)
        session["saved"] = {"form": form.id, "until": expires.isoformat()}
        return redirect(url_for("resume.progress_saved", form_id=form.id))
    return render_template(
        "resume/save.html",
        form=form,
        journey=journey,
        error=error,
        email=typed,
        back=url_for_place(form, runner.landing()),
    )


@bp.get("/saved/<form_id>")
def progress_saved(form_id: str):
    form = get_form(form_id)
    runner, draft_id = load_runner(form)
    journey = runner.journey
    saved = session.get("saved") or {}
    email = store().resume_email(draft_id) if draft_id is not None else None
    if saved.get("form") != form.id or not email:
        return redirect(url_for_place(form, runner.landing()))
    until = V.format_date(datetime.date.fromisoformat(saved["until"]), locale=journey.language)
    return render_template(
        "resume/saved.html",
        form=form,
        journey=journey,
        email=email,
        until=until,
        back=None,
        continue_url=url_for_place(form, runner.landing()),
    )


# -- coming back -------------------------------------------------------------------------------


@bp.route("/resume/<token>", methods=["GET", "POST"])
def resume(token: str):
    if limited(
        (
            ip_key("token"),
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
        g.language = draft.language  # the page in the language the draft was saved in
        return render_template(
            "resume/continue.html",
            form=form,
            journey=None,
            title=form.title.pick(draft.language),
        )
    # The browser gets a new session id with the draft, so an id known before the link was
    # used (a shared computer, a fixed cookie) cannot reach it. The session's other drafts
    # move with it.
    fresh = new_token()
    previous = session.key if session.token is not None else None
    status, draft = store().use_resume_token(
        hash_secret(token), session_key(fresh), now, previous_key=previous
    )
    if status != "ok":
        return _link_problem(status)
    session.rotate(fresh)
    form = current_app.extensions["forms"].get(draft.form_id)
    if form is None:
        return _link_problem("gone")
    session["language"] = draft.language
    runner, _ = load_runner(form)
    mark_resumed(form)
    note(RESUMED)
    return redirect(url_for_place(form, runner.resumed_landing()))


def _link_problem(status: str):
    return render_template("resume/link_problem.html", status=status, journey=None, form=None), (
        404 if status == "unknown" else 410
    )


@bp.route("/resume", methods=["GET", "POST"])
def new_link():
    """Send a new link. The answer never says whether a draft exists for the address."""
    error, typed, sent = None, "", False
    shown = errors_to_show() if request.method == "GET" else None
    if shown is not None:
        typed = shown.get("email", "")
        error = email_error(typed)
    elif request.method == "GET" and SENT_TO in session:
        # After the POST below (post/redirect/get): the address it went to, sealed.
        typed = store().open_for_session(session.key, SENT_TO, session.pop(SENT_TO)) or ""
        sent = bool(typed)
    if request.method == "POST":
        typed, email, error = posted_email("new")
        if email is LIMITED:
            return _too_many()
        if not email:
            return show_errors_again()
        for draft in store().drafts_for_email(email, utcnow()):
            _send_new_link(draft, email)
        session[SENT_TO] = store().seal_for_session(session.key, SENT_TO, email)
        return redirect(url_for("resume.new_link"), code=303)
    return render_template(
        "resume/new_link.html", error=error, email=typed, sent=sent, journey=None, form=None
    )


def _send_new_link(draft: Draft, email: str) -> None:
    form = current_app.extensions["forms"].get(draft.form_id)
    if form is not None:
        send_link(form, draft.id, email)  # queued: the page looks the same either way


# -- session ----------------------------------------------------------------------------------


@bp.post("/session/extend")
def extend_session():
    """Called by the timeout warning's Continue button: any request extends the session."""
    session["extended_at"] = utcnow().isoformat()
    return "", 204


@bp.post("/session/end")
def end_session():
    """Called when the timeout warning's countdown runs out: end the session here too, so
    nothing typed in this browser can be read or changed from it any more. A POST with the
    CSRF token: a link or an image on another site must not end someone's session.

    Exempt from the app-wide CSRF check only so that a session the server has already ended
    (the countdown and the server's clock reach zero together) gets a quiet answer.
    """
    if session.token is None:
        return "", 204  # nothing left to end
    try:
        validate_csrf(request.headers.get("X-CSRFToken") or request.form.get("csrf_token"))
    except ValidationError:
        abort(400)
    session.clear()
    session.rotate()
    return "", 204


@bp.get("/session-ended")
def session_ended():
    """Says the session has ended (by the countdown, or the server after the idle time)."""
    return render_template("resume/session_ended.html", journey=None, form=None)
