"""Coming back to a saved draft: where the resume link lands, and the "You have saved
answers" banner there, shown once."""

from __future__ import annotations

import pytest

from tests.citizen import Citizen
from tests.prison_visit import FORM as PVB
from tests.prison_visit import PRISONER

LPA = "lasting-power-of-attorney"
BANNER = "You have saved answers"


@pytest.fixture
def app(make_app, inbox):
    return make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=inbox.port, SMTP_SECURITY="none")


def save_for_later(citizen: Citizen, form_id: str, url: str, fields: dict) -> None:
    citizen.get(url)
    response = citizen.post(url, {**fields, "action": "save"})
    assert response.location == f"/save/{form_id}"
    citizen.get(response.location)
    response = citizen.post(f"/save/{form_id}", {"email": "jo@example.com"})
    assert response.location == f"/saved/{form_id}"


def come_back(app, inbox) -> tuple[Citizen, str]:
    """A new browser opens the emailed link and continues: (that browser, where it lands)."""
    returning = Citizen(app.test_client())
    link = inbox.last_link()
    returning.get(link)
    return returning, returning.post(link, {}).location


def test_a_linear_form_lands_on_the_first_page_still_to_answer_with_a_banner_once(app, inbox):
    citizen = Citizen(app.test_client())
    citizen.get(f"/{PVB}/prisoner")
    assert citizen.post(f"/{PVB}/prisoner", PRISONER).status_code == 302
    save_for_later(citizen, PVB, f"/{PVB}/visit-first-choice", {})
    returning, landing = come_back(app, inbox)
    assert landing == f"/{PVB}/visit-first-choice"
    page = returning.get(landing).get_data(as_text=True)
    assert BANNER in page and "govuk-notification-banner" in page
    assert "We have kept the answers you gave. Continue from where you left off." in page
    # Once only: a reload, or the next page, does not show it again.
    assert BANNER not in returning.get(landing).get_data(as_text=True)
    assert BANNER not in returning.get(f"/{PVB}/prisoner").get_data(as_text=True)
    # Someone who never left sees no banner.
    assert BANNER not in Citizen(app.test_client()).get(f"/{PVB}/prisoner").get_data(as_text=True)


def test_a_task_list_form_lands_on_the_task_list_with_a_banner_once(app, inbox):
    citizen = Citizen(app.test_client())
    citizen.get(f"/{LPA}/lpa-type")
    response = citizen.post(f"/{LPA}/lpa-type", {"lpa_type": "health-and-welfare"})
    assert response.location == f"/{LPA}/tasks"
    # Half-way through the donor's details.
    typed = {"donor_name-first": "Gwen", "donor_name-last": "Ashworth"}
    save_for_later(citizen, LPA, f"/{LPA}/donor-details", typed)
    returning, landing = come_back(app, inbox)
    assert landing == f"/{LPA}/tasks"
    page = returning.get(landing).get_data(as_text=True)
    assert BANNER in page and "Donor details" in page
    assert BANNER not in returning.get(landing).get_data(as_text=True)


def test_a_draft_with_every_task_done_still_lands_on_the_task_list(app, inbox):
    form = app.extensions["forms"][LPA]
    citizen = Citizen(app.test_client())
    assert citizen.walk(form, {"case_number": "123456789012"}).endswith("/check-your-answers")
    # Saved from a page reached from check your answers.
    save_for_later(citizen, LPA, f"/{LPA}/preferences-and-instructions?change=1", {})
    returning, landing = come_back(app, inbox)
    assert landing == f"/{LPA}/tasks"
    page = returning.get(landing).get_data(as_text=True)
    assert BANNER in page and "You have completed 10 of 10 sections." in page
