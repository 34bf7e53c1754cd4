"""The citizen's journey: start page, question pages, check your answers, confirmation."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

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
from flask_babel import gettext

from forms_service.definitions.model import Form, Page
from forms_service.forms.fields import page_form, render_field, render_markdown_text
from forms_service.journey import Journey
from forms_service.store import Store, new_reference

bp = Blueprint("citizen", __name__)
LONDON = ZoneInfo("Europe/London")


def today() -> datetime.date:
    fixed = current_app.config.get("FIXED_TODAY")
    return fixed or datetime.datetime.now(LONDON).date()


def store() -> Store:
    return current_app.extensions["store"]


def get_form(form_id: str) -> Form:
    form = current_app.extensions["forms"].get(form_id)
    if form is None:
        abort(404)
    return form


def load_journey(form: Form) -> tuple[Journey, dict[str, Any], int | None]:
    """The citizen's journey through this form, from the draft saved for their session."""
    draft = None
    if session.token is not None:
        draft = store().find_draft(session.key, form.id)
    saved = dict(draft.answers or {}) if draft else {}
    journey = Journey(form, saved, today=today(), language=session.get("language"), gettext=gettext)
    g.language = journey.language
    return journey, saved, draft.id if draft else None


def page_url(form: Form, page: Page | None, change: bool = False) -> str:
    if page is None:
        return url_for("citizen.check_answers", form_id=form.id)
    return url_for(
        "citizen.question_page", form_id=form.id, page_id=page.id, change="1" if change else None
    )


@bp.get("/")
def index():
    forms = sorted(current_app.extensions["forms"].values(), key=lambda f: f.title.pick("en"))
    problems = []
    if current_app.config["ENV_NAME"] != "production":
        problems = current_app.extensions["definition_problems"]
    return render_template("index.html", forms=forms, problems=problems)


@bp.get("/<form_id>/")
def start(form_id: str):
    form = get_form(form_id)
    journey, _, _ = load_journey(form)
    if form.start is None:
        return redirect(page_url(form, journey.route[0] if journey.route else None))
    return render_template(
        "journey/start.html",
        form=form,
        journey=journey,
        body=render_markdown_text(journey, form.start),
        first=page_url(form, form.pages[0]),
    )


@bp.route("/<form_id>/<page_id>", methods=["GET", "POST"])
def question_page(form_id: str, page_id: str):
    form = get_form(form_id)
    page = form.page(page_id)
    if page is None:
        abort(404)
    journey, saved, _ = load_journey(form)
    if not journey.can_visit(page.id):
        # Not reachable with these answers (yet): go to where the citizen should be.
        return redirect(page_url(form, journey.next_page))
    change = request.args.get("change") == "1"
    formdata = request.form if request.method == "POST" else None
    page_form_ = page_form(page, journey, saved.get(page.id), formdata)
    if request.method == "POST" and not page.is_exit:
        if page_form_.validate():
            draft = store().save_page(
                session.key, form.id, form.version, journey.language, page.id, page_form_.answers()
            )
            after = Journey(form, draft.answers, today=journey.today, language=journey.language)
            target = after.next_page if change else after.after(page.id)
            return redirect(page_url(form, target, change=change and target is not None))
        return render_page(form, page, journey, page_form_, change), 422
    if request.args.get("recheck") == "1":
        # Sent back from check your answers: a saved answer no longer passes (a date bound
        # moved with today). Show why, with what was saved.
        page_form_.validate()
    return render_page(form, page, journey, page_form_, change)


def render_page(form: Form, page: Page, journey: Journey, page_form_: Any, change: bool) -> str:
    previous = journey.previous(page.id)
    if change:
        back = url_for("citizen.check_answers", form_id=form.id)
    elif previous is not None:
        back = page_url(form, previous)
    else:
        back = url_for("citizen.start", form_id=form.id) if form.start else None
    heading_question = page.heading_question
    fields = [
        render_markdown_text(journey, q.body)
        if q.type == "content"
        else render_field(page_form_[q.id], page_form_, heading=q is heading_question)
        for q in page.questions
    ]
    section = form.section(page.section)
    return render_template(
        "journey/page.html",
        form=form,
        page=page,
        journey=journey,
        page_form=page_form_,
        fields=fields,
        errors=page_form_.error_list(),
        back=back,
        change=change,
        heading=None
        if heading_question
        else journey.text(page.title or (page.answerable[0].label if page.answerable else None)),
        body=render_markdown_text(journey, page.body) if page.body else None,
        caption=journey.text(section.title) if section else None,
        label_hidden=heading_question is None and page.title is None,
    )


@bp.route("/<form_id>/check-your-answers", methods=["GET", "POST"])
def check_answers(form_id: str):
    form = get_form(form_id)
    journey, _, draft_id = load_journey(form)
    if draft_id is None and request.method == "POST":
        done = session.get("submitted", {}).get(form.id)
        if done:  # a second click on Submit after the first one went through
            return redirect(url_for("citizen.confirmation", form_id=form.id))
    if not journey.is_complete or draft_id is None:
        return redirect(page_url(form, journey.next_page or form.pages[0]))
    error = None
    if request.method == "POST":
        stale = journey.invalid_pages()
        if stale:
            page, _question, _exc = stale[0]
            return redirect(page_url(form, page, change=True) + "&recheck=1")
        if form.declaration is None or request.form.get("declaration") == "yes":
            return _submit(form, journey, draft_id)
        error = gettext("Confirm that you have read and agree with the declaration")
    return render_template(
        "journey/check.html",
        form=form,
        journey=journey,
        summary=journey.summary(),
        back=page_url(form, journey.route[-1]) if journey.route else None,
        error=error,
        declaration=render_markdown_text(journey, form.declaration.body)
        if form.declaration
        else None,
    ), (422 if error else 200)


def _submit(form: Form, journey: Journey, draft_id: int):
    prefix = form.reference_prefix or "".join(w[0] for w in form.id.split("-"))[:4].upper()
    if len(prefix) < 2:
        prefix = "REF"

    def build(draft: Any) -> dict[str, Any]:
        return {
            "form_id": form.id,
            "form_version": form.version,
            "definition": form.snapshot,
            "answers": journey.answers,
            "language": journey.language,
            "channel": "online",
        }

    submission = store().submit(draft_id, make_reference=lambda: new_reference(prefix), build=build)
    session["submitted"] = {**session.get("submitted", {}), form.id: submission.reference}
    return redirect(url_for("citizen.confirmation", form_id=form.id))


@bp.get("/<form_id>/confirmation")
def confirmation(form_id: str):
    form = get_form(form_id)
    reference = session.get("submitted", {}).get(form.id)
    if not reference:
        return redirect(url_for("citizen.start", form_id=form.id))
    journey = Journey(form, {}, today=today(), language=session.get("language"))
    g.language = journey.language
    confirmation = form.confirmation
    title = journey.text(confirmation.title, reference=reference) if confirmation else None
    body = None
    if confirmation and confirmation.body:
        body = render_markdown_text(journey, confirmation.body)
        body = body.replace("{reference}", reference)
    return render_template(
        "journey/confirmation.html",
        form=form,
        journey=journey,
        reference=reference,
        title=title,
        body=body,
    )
