"""Assisted digital: staff fill in a form on a citizen's behalf (telephone, face to face, a
paper form received by post), and every record says who, for whom and how.

Two blueprints: "assisted" for the staff pages around a journey (my drafts, start, end and
save, the reference after submitting), and "assisted_form", which serves the same form pages
as citizens get (views/form_pages.py) under /staff/assisted/<reference>/, for the draft that
reference names. A draft belongs to the member of staff who started it; no citizen cookie
reaches it and they reach no citizen's draft.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext

from forms_service.assisted import METHOD_LABELS, OTHER, completed_by, helping
from forms_service.delivery import ask_for_confirmation_email
from forms_service.performance.events import RESUMED
from forms_service.roles import ADMIN, ASSISTED_DIGITAL
from forms_service.views import form_pages
from forms_service.views.common import get_form, store
from forms_service.views.performance_events import note
from forms_service.views.resume_links import (
    LIMITED,
    email_questions,
    known_email,
    posted_email,
    send_link,
)
from forms_service.views.session_drafts import (
    AssistedDraft,
    load_runner,
    mark_resumed,
    retention,
    url_for_place,
)
from forms_service.views.staff_access import audit, current_staff, staff_required

bp = Blueprint("assisted", __name__, url_prefix="/staff/assisted")
form_bp = Blueprint("assisted_form", __name__, url_prefix="/staff/assisted/<reference>")
form_pages.register(form_bp)
MAX_NAME, MAX_NOTE = 200, 500
log = logging.getLogger(__name__)


@bp.get("/")
@staff_required(ASSISTED_DIGITAL, ADMIN)
def drafts():
    """My drafts: forms being filled in for someone, to carry on with (admins see all)."""
    staff: Any = g.staff
    rows = store().assisted_drafts(None if staff.is_admin else staff.id)
    forms = current_app.extensions["forms"]
    audit("assisted_drafts")
    return render_template(
        "assisted/drafts.html",
        rows=[
            {
                "draft": draft,
                "form": forms.get(draft.form_id),
                "method": gettext(METHOD_LABELS.get(draft.assisted.get("method"), "")),
                "reference": draft.session_key.split(":", 1)[1],
            }
            for draft in rows
        ],
        sent_forms=store().submissions_entered_by(None if staff.is_admin else staff.id),
        titles={form_id: form.title.pick("en") for form_id, form in forms.items()},
        everyone=staff.is_admin,
        ended=request.args.get("ended") == "1",
        sent=request.args.get("sent") == "1",
    )


@bp.route("/start", methods=["GET", "POST"])
@staff_required(ASSISTED_DIGITAL, ADMIN)
def start():
    """Start a form for someone: which form, how they are helping, and who for."""
    forms = current_app.extensions["forms"]
    typed = {k: request.form.get(k, "").strip() for k in ("form", "method", "note", "name")}
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        errors = _start_problems(typed, forms)
        if not errors:
            form = forms[typed["form"]]
            how = {
                "staff_name": g.staff.name,
                "citizen_name": typed["name"],
                "method": typed["method"],
                "note": typed["note"] if typed["method"] == OTHER else "",
            }
            reference, draft = store().start_assisted_draft(
                form.id,
                form.version,
                form.default_language,
                g.staff.id,
                how,
                retention_days=retention(form),
            )
            audit("assisted_started", form.id, draft_id=draft.id, method=typed["method"])
            return redirect(url_for("assisted_form.start", reference=reference, form_id=form.id))
    return render_template(
        "assisted/start.html",
        form_items=[
            {"value": f.id, "text": f.title.pick("en"), "checked": f.id == typed["form"]}
            for f in sorted(forms.values(), key=lambda f: f.title.pick("en"))
        ],
        methods=METHOD_LABELS,
        typed=typed,
        errors=errors,
    ), (422 if errors else 200)


def _start_problems(typed: dict[str, str], forms: dict) -> list[dict[str, str]]:
    errors = []
    if typed["form"] not in forms:
        errors.append({"text": gettext("Select the form"), "href": "#form"})
    if typed["method"] not in METHOD_LABELS:
        errors.append({"text": gettext("Select how you are helping"), "href": "#method"})
    elif typed["method"] == OTHER and not typed["note"]:
        errors.append({"text": gettext("Enter how you are helping"), "href": "#note"})
    elif len(typed["note"]) > MAX_NOTE:
        errors.append(
            {"text": gettext("How you are helping must be 500 characters or less"), "href": "#note"}
        )
    if not typed["name"]:
        errors.append(
            {"text": gettext("Enter the name of the person you are helping"), "href": "#name"}
        )
    elif len(typed["name"]) > MAX_NAME:
        errors.append({"text": gettext("Name must be 200 characters or less"), "href": "#name"})
    return errors


@bp.get("/saved")
@staff_required(ASSISTED_DIGITAL, ADMIN)
def end_and_save():
    """Where "End and save" lands: the answers are kept in the member of staff's drafts."""
    audit("assisted_saved")
    return redirect(url_for("assisted.drafts", ended="1"))


@bp.route("/submitted/<reference>", methods=["GET", "POST"])
@staff_required(ASSISTED_DIGITAL, ADMIN)
def submitted(reference: str):
    """The reference to read out to the applicant, or email to an address they give."""
    submission = store().get_submission(reference)
    staff: Any = g.staff
    if submission is None or (submission.staff_user_id != staff.id and not staff.is_admin):
        abort(404)
    form = get_form(submission.form_id)
    title = form.title.pick(form.default_language)
    typed, error = _email_answer(form, submission.answers), None
    if request.method == "POST":
        typed, email, error = posted_email("confirmation")
        if email is LIMITED:
            return render_template("resume/too_many.html"), 429
        if email:
            # Queued, by reference: the address waits sealed with the submission, and the
            # email goes in the applicant's language, not the member of staff's.
            ask_for_confirmation_email(submission, email)
            audit("assisted_confirmation_sent", reference)
            return redirect(url_for("assisted.submitted", reference=reference, sent="1"))
    return render_template(
        "assisted/submitted.html",
        submission=submission,
        form_title=title,
        record=completed_by(submission.assisted or {}, gettext),
        email=typed,
        error=error,
        sent=request.args.get("sent") == "1",
        copy_of_answers=form.confirmation_email.copy_of_answers,
    ), (422 if error else 200)


def _email_answer(form: Any, answers: dict) -> str:
    """An email address the applicant gave in their answers, to offer (never to assume)."""
    for question in email_questions(form):
        if isinstance(answers.get(question.id), str):
            return answers[question.id]
    return ""


# -- the form pages, for the draft a reference names --------------------------------------------


@form_bp.url_value_preprocessor
def _take_reference(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    g.assisted_reference = (values or {}).pop("reference", None)


@form_bp.url_defaults
def _give_reference(endpoint: str, values: dict[str, Any]) -> None:
    if "reference" not in values and g.get("assisted_reference"):
        values["reference"] = g.assisted_reference


@form_bp.before_request
def _assisted_draft():
    """Only the member of staff who started the draft (or an admin) fills it in."""
    staff = current_staff()
    if staff is None:
        return redirect(url_for("staff.sign_in", next=request.full_path))
    if not staff.has_role(ASSISTED_DIGITAL, ADMIN):
        abort(403)
    g.staff = staff
    draft = store().assisted_draft(g.assisted_reference or "")
    if draft is None or (draft.staff_user_id != staff.id and not staff.is_admin):
        abort(404)
    g.assisted = AssistedDraft(g.assisted_reference, draft, staff)
    form = get_form(draft.form_id)
    g.assisted_banner = helping(form.title.pick(form.default_language), draft.assisted, gettext)
    return None


@form_bp.get("/continue")
def continue_draft():
    """Carry on with a draft from "my drafts": the task list of a task-list form, else the
    first page still to answer, with a "You have saved answers" banner there once."""
    form = get_form(g.assisted.draft.form_id)
    runner, _ = load_runner(form)
    mark_resumed(form)
    note(RESUMED)
    return redirect(url_for_place(form, runner.resumed_landing()))


@form_bp.route("/hand-over", methods=["GET", "POST"])
def hand_over():
    """Send the citizen a link to finish the form alone: once they open it, the draft is
    theirs (the record keeps who started it). Sent only to the address they give."""
    helping: AssistedDraft = g.assisted
    form = get_form(helping.draft.form_id)
    runner, _ = load_runner(form)
    error, typed = None, known_email(runner.journey)
    if request.method == "POST":
        typed, email, error = posted_email("hand_over")
        if email is LIMITED:
            return render_template("resume/too_many.html"), 429
        if email:
            send_link(form, helping.draft.id, email)  # queued; a failed send is retried
            audit("assisted_handed_over", form.id, draft_id=helping.draft.id)
            return redirect(url_for("assisted.drafts", sent="1"))
    return render_template(
        "assisted/hand_over.html",
        email=typed,
        error=error,
        name=helping.draft.assisted.get("citizen_name", ""),
        back=url_for_place(form, runner.landing()),
    ), (422 if error else 200)
