"""Question pages as a citizen sees them: "(optional)", both-or-neither pairs, hints with
real dates and answers normalised as the form says (issue 11, question pages)."""

from __future__ import annotations

import datetime
import html as htmllib
import re

from werkzeug.datastructures import MultiDict

from forms_service.clock import today_in_london
from forms_service.definitions.loader import load_definitions, load_form_text
from forms_service.journey import Runner, Step
from forms_service.question_types.values import format_date
from forms_service.views import form_pages as views
from forms_service.views.question_fields import page_form
from forms_service.views.session_drafts import remember
from tests.citizen import Citizen
from tests.conftest import FORMS_DIR
from tests.prison_visit import FORM, PRISONER

FORMS, _ = load_definitions([FORMS_DIR])
PRISON = FORMS[FORM]
ROUTE = {"prisoner_number": "A1234BC", "prison": "cardiff"}


def error_messages(html: str) -> list[str]:
    found = re.findall(r'govuk-error-message">\s*<span[^>]*>[^<]*</span>([^<]*)', html)
    return [htmllib.unescape(m.strip()) for m in found]


def text_of(html: str) -> str:
    return htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def at_second_choice(app) -> Citizen:
    citizen = Citizen(app.test_client())
    citizen.walk(PRISON, ROUTE, until="visit-second-choice")
    return citizen


def a_visit_date(days: int = 5) -> dict[str, str]:
    day = today_in_london() + datetime.timedelta(days=days)
    return {
        "visit_date_2-day": str(day.day),
        "visit_date_2-month": str(day.month),
        "visit_date_2-year": str(day.year),
    }


def test_optional_questions_say_so_and_required_ones_do_not(app):
    citizen = at_second_choice(app)
    page = text_of(citizen.get(f"/{FORM}/visit-second-choice").get_data(as_text=True))
    assert "Second choice: date (optional)" in page
    assert "Second choice: time (optional)" in page
    first = text_of(citizen.get(f"/{FORM}/visit-first-choice").get_data(as_text=True))
    assert "First choice: date" in first and "(optional)" not in first


def test_an_optional_question_that_is_the_page_heading_says_so(app):
    form = app.extensions["forms"]["criminal-injuries-compensation"]
    page = form.page("crime-description")
    runner = Runner(form, {}, today=datetime.date.today())
    with app.test_request_context(f"/{form.id}/{page.id}"):
        remember(form, runner)
        html = views.render_page(
            form, Step(page), runner, page_form(page, runner.journey, None), False
        )
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert heading and text_of(heading.group(1)).strip().endswith("(optional)"), heading


def test_check_your_answers_keeps_the_plain_label(app):
    citizen = Citizen(app.test_client())
    citizen.walk(PRISON, ROUTE)
    page = text_of(citizen.get(f"/{FORM}/check-your-answers").get_data(as_text=True))
    assert "Second choice: date" in page and "(optional)" not in page


def test_a_date_without_its_time_is_refused_with_the_forms_message(app):
    citizen = at_second_choice(app)
    response = citizen.post_with_errors(f"/{FORM}/visit-second-choice", a_visit_date())
    assert error_messages(response.get_data(as_text=True)) == [
        "Select a time for your second choice"
    ]


def test_a_time_without_its_date_is_refused(app):
    citizen = at_second_choice(app)
    response = citizen.post_with_errors(f"/{FORM}/visit-second-choice", {"visit_time_2": "morning"})
    html = response.get_data(as_text=True)
    assert error_messages(html) == ["Enter a date for your second choice"]
    assert 'href="#visit_date_2-day"' in html


def test_both_or_neither_is_accepted(app):
    citizen = at_second_choice(app)
    neither = citizen.post(f"/{FORM}/visit-second-choice", {})
    assert neither.status_code == 302
    both = citizen.post(
        f"/{FORM}/visit-second-choice", {**a_visit_date(), "visit_time_2": "afternoon"}
    )
    assert both.status_code == 302


def test_relative_date_limits_are_shown_as_real_dates(app):
    citizen = at_second_choice(app)
    page = text_of(citizen.get(f"/{FORM}/visit-first-choice").get_data(as_text=True))
    today = today_in_london()
    first, last = (format_date(today + datetime.timedelta(days=n)) for n in (3, 28))
    # The author's words stay, followed by the real range.
    assert "at least 3 working days from today and within the next 28 days." in page
    assert f"Choose a date between {first} and {last}." in page


def test_a_date_too_soon_names_the_real_first_date(app):
    citizen = at_second_choice(app)
    tomorrow = today_in_london() + datetime.timedelta(days=1)
    response = citizen.post_with_errors(
        f"/{FORM}/visit-first-choice",
        {
            "visit_date_1-day": str(tomorrow.day),
            "visit_date_1-month": str(tomorrow.month),
            "visit_date_1-year": str(tomorrow.year),
            "visit_time_1": "morning",
        },
    )
    first = format_date(today_in_london() + datetime.timedelta(days=3))
    assert error_messages(response.get_data(as_text=True)) == [
        f"Date of your first choice must be {first} or later"
    ]


def test_a_prison_number_typed_in_lower_case_is_stored_in_capitals(app):
    citizen = Citizen(app.test_client())
    citizen.walk(PRISON, {**ROUTE, "prisoner_number": "a1234bc"})
    page = text_of(citizen.get(f"/{FORM}/check-your-answers").get_data(as_text=True))
    assert "A1234BC" in page and "a1234bc" not in page


def test_default_messages_name_the_label_as_a_noun_phrase(app):
    citizen = Citizen(app.test_client())
    citizen.get(f"/{FORM}/prisoner")
    response = citizen.post_with_errors(
        f"/{FORM}/prisoner", {**PRISONER, "prisoner_last_name": "", "prison": ""}
    )
    messages = error_messages(response.get_data(as_text=True))
    assert messages == ["Enter the prisoner's last name", "Select prison name"]


EARLIER_PAIR = """\
id: pair-across-pages
version: 1
title: Pair across pages
pages:
  - id: vehicle
    questions:
      - {id: registration, type: text, label: Vehicle registration, optional: true}
  - id: colour
    questions:
      - id: colour
        type: text
        label: Vehicle colour
        optional: true
        required_with: registration
"""


def test_a_pair_on_an_earlier_page_makes_the_later_question_required(app):
    form = load_form_text(EARLIER_PAIR, "pair.yaml")
    page = form.page("colour")
    for saved, wanted in (
        ({"vehicle": {"registration": "AB12 CDE"}}, ["Enter vehicle colour"]),
        ({"vehicle": {"registration": None}}, []),
    ):
        runner = Runner(form, saved, today=datetime.date.today())
        with app.test_request_context("/"):
            answered = page_form(page, runner.journey, None, MultiDict({"colour": ""}))
            assert answered.validate() is (not wanted)
            assert [e["text"] for e in answered.error_list()] == wanted
