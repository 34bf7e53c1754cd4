"""The bare baseline: a minimal Flask app serving the same GOV.UK pages as the real one.

It has what any Flask + GOV.UK Frontend form page needs and nothing of forms_service's own
machinery: the same Jinja loaders and settings, Flask-WTF CSRF protection with Flask's
default signed-cookie session, one template (bench/templates/baseline_page.html) that calls
the same GOV.UK macros with fixed parameters, and a POST handler that validates one field
with WTForms and redirects. There is no definition, journey, database, translation or
security-header work; that difference is what the app/baseline ratios in bench/run.py show.

The parameters below copy the ones forms_service builds for the first two question pages of
prison-visit-booking (`prisoner` and `visit-first-choice`); the option lists are read from
the definition's YAML. bench/run.py checks the HTML is the same as the app's before timing.
"""

from __future__ import annotations

import datetime
import re
import secrets
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from flask import Flask, redirect, render_template, request
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from markupsafe import Markup, escape
from werkzeug.wrappers import Response
from wtforms import StringField
from wtforms.validators import DataRequired, Length

import forms_service

BENCH_DIR = Path(__file__).resolve().parent
FORM_ID = "prison-visit-booking"
SERVICE_NAME = "Book a prison visit"
DATE_PARTS = (
    ("day", "Day", "govuk-input--width-2"),
    ("month", "Month", "govuk-input--width-2"),
    ("year", "Year", "govuk-input--width-4"),
)

Params = dict[str, Any]


class OneFieldForm(FlaskForm):
    """What the bare app validates on POST: the CSRF token and one text field."""

    prisoner_first_name = StringField(validators=[DataRequired(), Length(max=30)])


def create_baseline_app(definition: Path, secret_key: str) -> Flask:
    """A bare Flask app rendering the two pages of `definition` the benchmark requests."""
    pages = _pages(yaml.safe_load(definition.read_text(encoding="utf-8")))
    app = Flask(
        "bench_baseline",
        root_path=str(BENCH_DIR),
        static_folder=str(Path(forms_service.__file__).parent / "static"),
    )
    app.config.update(SECRET_KEY=secret_key, WTF_CSRF_TIME_LIMIT=None)
    # The app's loaders, with the baseline's own template folder in front.
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(BENCH_DIR / "templates"),
            PackageLoader("forms_service"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    CSRFProtect(app)

    @app.route("/<form_id>/<page_id>", methods=["GET", "POST"])
    def page(form_id: str, page_id: str) -> str | Response | tuple[str, int]:
        params = pages[page_id]
        if request.method == "POST":
            form = OneFieldForm()
            if form.validate_on_submit():
                return redirect(params["next"])
            return _render(params), 422
        return _render(params)

    return app


def _render(page: Params) -> str:
    return render_template("baseline_page.html", page=page, nonce=secrets.token_urlsafe(16))


def _options(items: list[dict[str, Any]]) -> list[tuple[str, str, str | None]]:
    """(value, English label, Welsh label when it differs: the autocomplete finds it too)."""
    found = []
    for item in items:
        english, welsh = item["label"]["en"], item["label"].get("cy")
        found.append((item["value"], english, welsh if welsh and welsh != english else None))
    return found


# The accessible autocomplete's words, which the app gives the select in the page's language.
AUTOCOMPLETE_WORDS = {
    "data-no-results": "No results found",
    "data-query-too-short": "Type in {n} or more characters for results",
    "data-selected-option": "{option} {number} of {count} is highlighted",
    "data-one-result": "1 result is available.",
    "data-results": "{count} results are available.",
    "data-assistive-hint": "When autocomplete results are available use up and down arrows to "
    "review and Enter to select. Touch device users, explore by touch or with swipe gestures.",
}


def _input(name: str, label: str, hint: str | None = None) -> Params:
    params: Params = {
        "id": name,
        "name": name,
        "value": "",
        "classes": "",
        "type": "text",
        "label": {"text": label, "classes": "govuk-label--s"},
    }
    if hint is not None:
        params["hint"] = {"text": hint}
    return {"macro": "input", "params": params}


def _dates_hint(hint: str, question: dict[str, Any]) -> Markup:
    """The hint followed by the real dates of `today+Nd` limits, as the app shows them
    (worked out once, when the baseline is made, on London's today)."""
    today = datetime.datetime.now(ZoneInfo("Europe/London")).date()
    start, end = (
        today + datetime.timedelta(days=int(re.fullmatch(r"today\+(\d+)d", question[key])[1]))
        for key in ("not_before", "not_after")
    )
    shown = f"Choose a date between {start:%-d %B %Y} and {end:%-d %B %Y}."
    return Markup("<br>").join((escape(hint), escape(shown)))


def _question(definition: dict[str, Any], question_id: str) -> dict[str, Any]:
    for page in definition["pages"]:
        for question in page.get("questions", ()):
            if question["id"] == question_id:
                return question
    raise LookupError(question_id)


def _date(name: str, legend: str, hint: str | Markup) -> Params:
    items = [
        {"name": part, "label": label, "classes": classes, "value": ""}
        for part, label, classes in DATE_PARTS
    ]
    return {
        "macro": "date",
        "params": {
            "id": name,
            "namePrefix": name,
            "hint": {"html": hint} if isinstance(hint, Markup) else {"text": hint},
            "errorMessage": None,
            "fieldset": {"legend": {"text": legend, "classes": "govuk-fieldset__legend--s"}},
            "items": items,
        },
    }


def _pages(definition: dict[str, Any]) -> dict[str, Params]:
    lists = definition["lists"]
    prisons = [{"value": "", "text": "Select an option", "selected": True}]
    prisons += [
        {
            "value": v,
            "text": t,
            "selected": False,
            "attributes": {"data-other-names": other} if other else {},
        }
        for v, t, other in _options(lists["prisons"])
    ]
    times = [
        {"value": v, "text": t, "checked": False} for v, t, _other in _options(lists["visit_times"])
    ]
    base = f"/{FORM_ID}/"
    return {
        "prisoner": {
            "title": "Who are you visiting?",
            "caption": "Prisoner details",
            "service_name": SERVICE_NAME,
            "form_id": FORM_ID,
            "service_url": base,
            "back": base,
            "next": f"{base}visit-first-choice",
            "fields": [
                _input("prisoner_first_name", "Prisoner's first name"),
                _input("prisoner_last_name", "Prisoner's last name"),
                _date("prisoner_dob", "Prisoner's date of birth", "For example, 28 4 1996"),
                _input("prisoner_number", "Prison number", "For example, A1234BC"),
                {
                    "macro": "select",
                    "params": {
                        "id": "prison",
                        "name": "prison",
                        "hint": None,
                        "errorMessage": None,
                        "label": {"text": "Prison name", "classes": "govuk-label--s"},
                        "items": prisons,
                        "attributes": {"data-module": "app-autocomplete", **AUTOCOMPLETE_WORDS},
                    },
                },
            ],
        },
        "visit-first-choice": {
            "title": "When do you want to visit?",
            "caption": "Visit dates and times",
            "service_name": SERVICE_NAME,
            "form_id": FORM_ID,
            "service_url": base,
            "back": f"{base}prisoner",
            "next": f"{base}visit-second-choice",
            "fields": [
                _date(
                    "visit_date_1",
                    "First choice: date",
                    _dates_hint(
                        "Choose a date at least 3 working days from today and within the next "
                        "28 days.",
                        _question(definition, "visit_date_1"),
                    ),
                ),
                {
                    "macro": "radios",
                    "params": {
                        "idPrefix": "visit_time_1",
                        "name": "visit_time_1",
                        "errorMessage": None,
                        "fieldset": {
                            "legend": {
                                "text": "First choice: time",
                                "classes": "govuk-fieldset__legend--s",
                            }
                        },
                        "hint": {
                            "text": "Visiting times vary between prisons. The prison will "
                            "offer the nearest time it has."
                        },
                        "items": times,
                    },
                },
            ],
        },
    }
