"""The pages the law and the Service Standard require, linked from every page's footer:
accessibility statement, privacy notices, cookies and contact (service-wide, and per form).

A form's own notices live under /privacy/<form id> and /contact/<form id>: `privacy` and
`contact` are reserved form ids, so these paths can never shadow a form or one of its
pages (a page id such as `contact` stays free for authors).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from flask import Blueprint, current_app, render_template
from flask_babel import format_date

from forms_service.definitions.model import PLACEHOLDER, Form
from forms_service.retention import draft_days, submission_days
from forms_service.template_filters import current_language
from forms_service.views.common import get_form
from forms_service.views.service_info import (
    contact_details,
    language_for,
    organisation,
    template_globals,
)

bp = Blueprint("info", __name__)
bp.app_context_processor(template_globals)
ICO_URL = "https://ico.org.uk/make-a-complaint/"
ICO_ADDRESS = (
    "Information Commissioner's Office",
    "Wycliffe House",
    "Water Lane",
    "Wilmslow",
    "Cheshire",
    "SK9 5AF",
)


def _forms() -> list[Form]:
    return sorted(current_app.extensions["forms"].values(), key=lambda f: f.title.pick("en"))


@bp.get("/accessibility")
def accessibility():
    reviewed = datetime.date.fromisoformat(current_app.config["ACCESSIBILITY_STATEMENT_DATE"])
    return render_template(
        "info/accessibility.html",
        page_language=current_language(),
        organisation=organisation(None, current_language()),
        contact=contact_details(None, current_language()),
        reviewed=format_date(reviewed, "d MMMM y"),
    )


@bp.get("/cookies")
def cookies():
    config = current_app.config
    return render_template(
        "info/cookies.html",
        page_language=current_language(),
        cookie_name=config["SESSION_COOKIE_NAME"],
        idle_minutes=config["SESSION_IDLE_MINUTES"],
        staff_idle_minutes=config["STAFF_IDLE_MINUTES"],
    )


@bp.get("/contact")
def contact():
    return render_template(
        "info/contact.html",
        page_language=current_language(),
        contact=contact_details(None, current_language()),
        forms=[(f, contact_details(f, language_for(f))) for f in _forms() if f.contact],
        for_form=None,
    )


@bp.get("/contact/<form_id>")
def form_contact(form_id: str):
    form = get_form(form_id)
    language = language_for(form)
    return render_template(
        "info/contact.html",
        page_language=current_language(),
        contact=contact_details(form, language),
        for_form=form,
        form_title=form.title.pick(language),
        footer_form=form,
    )


@bp.get("/privacy")
def privacy():
    return render_template(
        "info/privacy.html",
        page_language=current_language(),
        organisation=organisation(None, current_language()),
        contact=contact_details(None, current_language()),
        forms=[(f, f.title.pick(language_for(f))) for f in _forms()],
        for_form=None,
        ico_url=ICO_URL,
        ico_address=ICO_ADDRESS,
    )


@bp.get("/privacy/<form_id>")
def form_privacy(form_id: str):
    form = get_form(form_id)
    language = language_for(form)
    return render_template(
        "info/privacy.html",
        page_language=current_language(),
        organisation=organisation(form, language),
        contact=contact_details(form, language),
        for_form=form,
        form_title=form.title.pick(language),
        collected=what_is_collected(form, language),
        draft_days=draft_days(form),
        submission_days=submission_days(form.snapshot),
        ico_url=ICO_URL,
        ico_address=ICO_ADDRESS,
        footer_form=form,
    )


def what_is_collected(form: Form, language: str) -> list[dict[str, Any]]:
    """The questions a form may ask, by section (or together when it has none): the
    privacy notice's "what we collect", always true to the definition being served."""
    groups: dict[str | None, dict[str, Any]] = {}
    for page, repeat in form.every_page():
        if page.is_repeat:
            continue
        section = form.section(page.section or (repeat.section if repeat else None))
        group = groups.setdefault(
            section.id if section else None,
            {"title": section.title.pick(language) if section else None, "items": []},
        )
        for question, _, _ in page.all_questions():
            label = _plain(question.label.pick(language) if question.label else question.id)
            if repeat is not None and repeat.item_name is not None:
                label = f"{label} ({repeat.item_name.pick(language)})"
            if label not in group["items"]:
                group["items"].append(label)
    return [g for g in groups.values() if g["items"]]


def _plain(label: str) -> str:
    # Placeholders stand for answers, which a notice written for everyone cannot know.
    return re.sub(r"\s+", " ", PLACEHOLDER.sub("…", label)).strip()
