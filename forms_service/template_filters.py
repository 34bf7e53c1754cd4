"""Jinja filters for the staff templates: dates in UK time, and GOV.UK component items.

`register(app)` adds them to the application, so templates see them whichever blueprint
renders; their names start with ``app_`` to tell them apart from Jinja's own.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from flask import current_app, request
from flask_babel import get_locale, gettext
from markupsafe import Markup, escape

from forms_service.clock import LONDON
from forms_service.question_types.values import format_date, format_date_and_time
from forms_service.roles import ROLE_LABELS
from forms_service.statuses import RECEIVED, STATUS_LABELS, STATUS_TAG_CLASSES

if TYPE_CHECKING:
    from flask import Flask

    from forms_service.data import StaffUser


def _status_labels() -> dict[str, str]:
    return STATUS_LABELS


def app_datetime(moment: datetime.datetime | None) -> str:
    """'12 March 2024 at 2:05pm' in UK time (GOV.UK style), in the page's language."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return format_date_and_time(moment.astimezone(LONDON), current_language(), gettext)


def app_date(day: datetime.date | None) -> str:
    return format_date(day, locale=current_language()) if day else ""


def app_choice(pair: tuple[str, str], selected: str) -> dict[str, Any]:
    return {
        "value": pair[0],
        "text": gettext(pair[1]) if pair[1] in _status_labels().values() else pair[1],
        "selected": pair[0] == selected,
    }


def app_choice_checked(pair: tuple[str, str], chosen: list[str]) -> dict[str, Any]:
    return {"value": pair[0], "text": pair[1], "checked": pair[0] in chosen}


def app_radio(pair: tuple[str, str], current: str) -> dict[str, Any]:
    return {"value": pair[0], "text": gettext(pair[1]), "checked": pair[0] == current}


def app_person(user: StaffUser, current: int | None) -> dict[str, Any]:
    return {"value": str(user.id), "text": user.name, "selected": user.id == current}


def app_role(role: str, chosen: list[str] | None) -> dict[str, Any]:
    return {"value": role, "text": gettext(ROLE_LABELS[role]), "checked": role in (chosen or [])}


def app_roles(roles: list[str] | None) -> str:
    """A member of staff's roles as people read them: "Caseworker, Assisted digital"."""
    return ", ".join(gettext(ROLE_LABELS.get(role, role)) for role in roles or [])


def app_status_tag(status: str | None) -> dict[str, Any]:
    """The govukTag parameters for a submission's status: its label in its own colour."""
    status = status or RECEIVED
    return {
        "text": gettext(STATUS_LABELS.get(status, status)),
        "classes": STATUS_TAG_CLASSES.get(status, "govuk-tag--grey"),
    }


def answer_row(row: Any) -> dict[str, Any]:
    """A GOV.UK summary list row for one stored answer, its lines kept apart."""
    lines = Markup("<br>").join(escape(line) for line in row.lines)
    return {"key": {"text": row.label}, "value": {"html": lines}}


def app_event_title(event: Any) -> str:
    detail = event.detail or {}
    if event.kind == "received":
        return gettext("Received")
    if event.kind == "status":
        label = _status_labels().get(detail.get("to"), "?")
        return gettext("Status changed to %(status)s", status=gettext(label))
    if event.kind == "assigned":
        store = current_app.extensions["store"]
        user = store.user(detail["to"]) if detail.get("to") else None
        return gettext("Assigned to %(name)s", name=user.name) if user else gettext("Unassigned")
    return gettext("Note added")


FILTERS: dict[str, Callable[..., Any]] = {
    "app_datetime": app_datetime,
    "app_date": app_date,
    "app_choice": app_choice,
    "app_choice_checked": app_choice_checked,
    "app_radio": app_radio,
    "app_person": app_person,
    "app_role": app_role,
    "app_roles": app_roles,
    "app_status_tag": app_status_tag,
    "app_answer_row": answer_row,
    "app_event_title": app_event_title,
}


def current_language() -> str:
    """The language the service's own words are in on this page (Flask-Babel's locale)."""
    return str(get_locale() or "en")


def app_indefinite(noun: str) -> str:
    """'a visitor', 'an attorney' on English pages; Welsh has no indefinite article."""
    if current_language() != "en" or not noun:
        return noun
    sounds_like_a_vowel = noun[0].lower() in "aeio" or (
        noun[0].lower() == "u" and not noun.lower().startswith(("uni", "use", "usu", "ut"))
    )
    return f"{'an' if sounds_like_a_vowel else 'a'} {noun}"


def error_message(text: str | None) -> dict[str, str] | None:
    """A GOV.UK component's errorMessage, with its hidden "Error:" in the page's language."""
    return {"text": text, "visuallyHiddenText": gettext("Error")} if text else None


def url_with_language(code: str) -> str:
    """This page's address with ?lang= set to another language (the language toggle),
    keeping its other parameters (?change=1)."""
    query = request.args.copy()
    query["lang"] = code
    return f"{request.path}?{urlencode(list(query.items(multi=True)))}"


def register(app: Flask) -> None:
    app.add_template_global(current_language)
    app.add_template_global(url_with_language)
    app.add_template_global(error_message)
    app.add_template_filter(app_indefinite, "app_indefinite")
    for name, function in FILTERS.items():
        app.add_template_filter(function, name)
