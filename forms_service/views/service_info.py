"""Who runs a form and how to reach them, and the links every page's footer carries.

Shared by the required pages (views/info.py), the start and confirmation pages
(views/form_pages.py) and the base template, so a form's contact details are worked out
in one place: the form's own `organisation:` and `contact:`, else the service's settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, session, url_for
from flask_babel import gettext, ngettext
from markupsafe import Markup

from forms_service.definitions.model import Form
from forms_service.documents import setting
from forms_service.markdown import render_markdown
from forms_service.template_filters import current_language

CALL_CHARGES_URL = "https://www.gov.uk/call-charges"


@dataclass(frozen=True)
class ContactDetails:
    organisation: str
    phone: str | None
    hours: str | None
    email: str | None
    text: Markup | None
    call_charges: str = CALL_CHARGES_URL
    page: str = ""  # the full contact page


def language_for(form: Form | None) -> str:
    """The language the citizen chose, if the form has it; else the form's first one."""
    chosen = session.get("language")
    if form is None:
        return chosen if chosen in ("en", "cy") else "en"
    return chosen if chosen in form.languages else form.default_language


def service_name() -> str:
    """The service's name in the page's language (pages that belong to no one form)."""
    return setting("SERVICE_NAME", current_language())


def organisation(form: Form | None, language: str) -> str:
    if form is not None and form.organisation is not None:
        return form.organisation.pick(language)
    return setting("SERVICE_ORGANISATION", language)


def contact_details(form: Form | None, language: str) -> ContactDetails:
    """The form's `contact:` block, or the service-wide SERVICE_CONTACT_* settings."""
    page = url_for("info.form_contact", form_id=form.id) if form else url_for("info.contact")
    who = organisation(form, language)
    if form is not None and form.contact is not None:
        contact = form.contact
        return ContactDetails(
            organisation=who,
            phone=contact.phone,
            hours=contact.hours.pick(language) if contact.hours else None,
            email=contact.email,
            text=render_markdown(contact.text.pick(language)) if contact.text else None,
            page=page,
        )
    config = current_app.config
    return ContactDetails(
        organisation=who,
        phone=config["SERVICE_CONTACT_PHONE"] or None,
        hours=setting("SERVICE_CONTACT_HOURS", language) or None,
        email=config["SERVICE_CONTACT_EMAIL"] or None,
        text=None,
        page=page,
    )


def feedback_url() -> str:
    """Where "give your feedback" goes: FEEDBACK_URL (a survey), else the contact page."""
    return current_app.config["FEEDBACK_URL"] or url_for("info.contact", _anchor="feedback")


def footer_links(form: Any = None) -> list[dict[str, str]]:
    """The GOV.UK footer's support links: the form's own privacy notice and contact page
    on its pages, the service's everywhere else."""
    form = form if isinstance(form, Form) else None
    privacy = url_for("info.form_privacy", form_id=form.id) if form else url_for("info.privacy")
    contact = url_for("info.form_contact", form_id=form.id) if form else url_for("info.contact")
    return [
        {"href": url_for("info.accessibility"), "text": gettext("Accessibility statement")},
        {"href": contact, "text": gettext("Contact")},
        {"href": url_for("info.cookies"), "text": gettext("Cookies")},
        {"href": privacy, "text": gettext("Privacy")},
    ]


def template_globals() -> dict[str, Any]:
    return {
        "footer_links": footer_links,
        "feedback_url": feedback_url,
        "service_name": service_name,
    }


def duration_words(minutes: int) -> str:
    """ "25 minutes", "1 hour 15 minutes": how long a form takes, for people."""
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(num)d hour", "%(num)d hours", hours))
    if minutes or not hours:
        parts.append(ngettext("%(num)d minute", "%(num)d minutes", minutes))
    return " ".join(parts)
