"""The author's tools beside a previewed form's pages, for both kinds of preview: a file
(`forms-service preview`, views/preview.py) and a definition uploaded in the staff area
(views/authoring.py). Not a blueprint: each registers these routes on its own
(`register`), beside its form pages, and shows `banner()` on them.

Fill with example answers (journey/examples.py), start again, the PDF the answers would
make (kept nowhere), and what `check` says about the definition (`advice`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, abort, current_app, g, redirect, request, session, url_for
from flask_babel import gettext

from forms_service.clock import utcnow
from forms_service.definitions.loader import Problem
from forms_service.definitions.model import Form
from forms_service.definitions.proofs import prove
from forms_service.journey import START, Place
from forms_service.journey.examples import fill_with_examples
from forms_service.retention import retention_warnings
from forms_service.views.common import get_form, today, unsent_paper_pdf, unsent_pdf
from forms_service.views.session_drafts import (
    PREVIEW_NOTICE,
    author_preview,
    load_runner,
    pages_blueprint,
    save,
    tell_author,
    url_for_place,
)


def advice(form: Form) -> list[Problem]:
    """What `forms-service check` says about a form that loads besides the loader's
    warnings: retention advice and what the solver proves (a page never shown, a form
    nobody can send...). The banner lists them with the warnings."""
    return retention_warnings(form) + prove(form)


def banner() -> dict[str, Any]:
    """What the preview banner shows: the definition previewed, the line saying why the
    example answers stopped (once), the blueprint of the author's tools, and, for a file,
    where the page asks whether the file changed."""
    uploaded = author_preview()
    watched = uploaded.watched if uploaded else current_app.extensions.get("preview")
    if watched is None:
        return {}
    if "preview_notice" not in g:
        g.preview_notice = session.pop(PREVIEW_NOTICE, None) if request.method == "GET" else None
    return {
        "preview": watched,
        "preview_notice": g.preview_notice,
        "preview_tools": pages_blueprint() if uploaded else "preview",
        "preview_revision_url": None if uploaded else url_for("preview.revision"),
        "preview_map_url": (
            url_for("author_form.uploaded_map") if uploaded else url_for("preview.journey_map_page")
        ),
    }


def example_answers(form_id: str):
    """Fill the form with each question's example answer and go to check your answers (or
    to the page where the examples could go no further, saying why)."""
    form = get_form(form_id)
    runner, _ = load_runner(form)
    filled = fill_with_examples(form, today())
    after = save(form, runner, lambda _old: filled.saved)
    if filled.stopped_at is None:
        return redirect(url_for_place(form, after.landing()))
    tell_author(_stopped_because(filled.reason))
    return redirect(url_for_place(form, Place.at(filled.stopped_at)))


def _stopped_because(reason: str) -> str:
    if reason == "exit":
        return gettext("The example answers lead to this exit page whatever is chosen.")
    if reason == "no_example":
        return gettext(
            "The example answers stopped here: a question on this page has settings no "
            "example answer meets (a pattern, say). Answer it yourself to go on."
        )
    if reason == "rules":
        return gettext(
            "The example answers stopped here: adding them would break this page's rules. "
            "Answer it yourself to go on."
        )
    return gettext("The example answers could go no further than this page.")


def start_again(form_id: str):
    """Forget the answers given so far and go back to the start."""
    form = get_form(form_id)
    runner, draft_id = load_runner(form)
    if draft_id is not None:
        save(form, runner, lambda _old: {})
    return redirect(url_for_place(form, START if form.start else runner.with_saved({}).landing()))


@dataclass(frozen=True)
class UnsentAnswers:
    """Answers as the PDF reads a submission, for answers that were never sent."""

    form_id: str
    form_version: int
    definition: dict
    answers: dict
    language: str
    channel: str
    started_at: datetime.datetime
    submitted_at: datetime.datetime = field(default_factory=utcnow)
    id: int = 0
    reference: str = "PREVIEW"
    status: str | None = None
    assigned_to: int | None = None
    due_on: datetime.date | None = None
    applicant_name: str | None = None
    staff_user_id: int | None = None
    assisted: dict | None = None


def answers_pdf(form_id: str):
    """The PDF a caseworker would get for these answers, made now and kept nowhere."""
    form = get_form(form_id)
    answers = _unsent_answers(form)
    if not isinstance(answers, UnsentAnswers):
        return answers
    return _pdf(unsent_pdf(answers), f"{form.id}-preview.pdf")


def paper_pdf(form_id: str):
    """These answers on the form's paper form (its `paper_form`), made now, kept nowhere:
    the author sees their mapping at work."""
    form = get_form(form_id)
    if form.paper_form is None or form.paper_form.pdf is None:
        abort(404)
    answers = _unsent_answers(form)
    if not isinstance(answers, UnsentAnswers):
        return answers
    return _pdf(unsent_paper_pdf(answers, form.paper_form.pdf), f"{form.id}-paper-preview.pdf")


def _pdf(pdf: bytes, name: str):
    response = current_app.response_class(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def _unsent_answers(form: Form):
    """The answers so far as a submission would hold them, or where to go to finish."""
    runner, draft_id = load_runner(form)
    if draft_id is None or not runner.journey.is_complete:
        return redirect(url_for_place(form, runner.landing() if draft_id else START))
    return UnsentAnswers(
        form_id=form.id,
        form_version=form.version,
        definition=dict(form.snapshot),
        answers=runner.journey.answers,
        language=runner.language,
        channel=runner.channel,
        started_at=utcnow(),
        applicant_name=runner.applicant_name() or None,
    )


def register(blueprint: Blueprint) -> None:
    """The author's tools, beside the form's pages of a blueprint that previews."""
    blueprint.add_url_rule(
        "/<form_id>/preview/example-answers", view_func=example_answers, methods=["POST"]
    )
    blueprint.add_url_rule(
        "/<form_id>/preview/start-again", view_func=start_again, methods=["POST"]
    )
    blueprint.add_url_rule("/<form_id>/preview/answers.pdf", view_func=answers_pdf)
    blueprint.add_url_rule("/<form_id>/preview/paper.pdf", view_func=paper_pdf)
