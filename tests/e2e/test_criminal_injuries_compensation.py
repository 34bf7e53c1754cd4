"""Claim criminal injuries compensation: the main route and every stop page."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from .conftest import require_form, stop_pages

pytestmark = pytest.mark.e2e

FORM = "criminal-injuries-compensation"
DAY = datetime.timedelta(days=1)


def months_before(today: datetime.date, months: int) -> tuple[int, int]:
    """(month, year) of a month-and-year date `months` months before today's month."""
    index = today.year * 12 + today.month - 1 - months
    return index % 12 + 1, index // 12


def test_claim_as_the_victim(citizen, live_app, today):
    """Eligibility questions, then every task from the task list, then check and send."""
    require_form(live_app, FORM)
    citizen.start(FORM)
    citizen.walk(FORM, [
        ("who-for", {"who_for": "myself"}),
        ("over-18", {"is_over_18": True}),
        ("crime-reported", {"crime_reported": True}),
        ("reason-for-applying", {"applying_reason": "victim"}),
        ("applied-before", {"applied_before_for_crime": "no"}),
    ])  # fmt: skip

    citizen.expect_page(FORM, "tasks")
    tasks = citizen.task_statuses()
    assert tasks["Personal details"] == "Not yet started"
    # The crime task needs the date of birth, treatment needs the injuries.
    assert tasks["About the crime"] == "Cannot start yet"
    assert tasks["Treatment"] == "Cannot start yet"
    # Tasks for other people's claims and fatal claims do not apply.
    assert "Applying for someone else" not in tasks
    assert "About the person who died" not in tasks
    waiting = citizen.page.locator(".govuk-task-list__item", has_text="About the crime")
    expect(waiting.get_by_role("link")).to_have_count(0)

    citizen.walk(FORM, [
        ("tasks", "Personal details"),
        ("applicant-name", {"applicant_name": {"title": "Ms", "first": "Rhiannon",
                                               "last": "Evans"}}),
        ("other-names", {"has_other_names": "yes", "other_names": "Rhiannon Price"}),
        ("applicant-dob", {"applicant_dob": datetime.date(1990, 6, 12)}),
        ("applicant-address", {"applicant_address": {"line1": "14 Heol y Deri",
                                                     "town": "Cardiff",
                                                     "postcode": "cf14 6hf"}}),
    ])  # fmt: skip

    # Errors on a question with revealed fields: first nothing chosen, then a bad email
    # in the revealed field, which the summary links to and which stays revealed.
    citizen.expect_page(FORM, "contact-preference")
    citizen.continue_()
    citizen.expect_errors(contact_method=None)
    citizen.answer(contact_method="email", contact_email="rhiannon.example.com")
    citizen.continue_()
    pairs = citizen.expect_errors(contact_email="email address")
    assert pairs[0][1] == "#contact_email"
    expect(citizen.page.locator("#contact_email")).to_be_visible()

    citizen.walk(FORM, [
        ("contact-preference", {"contact_email": "rhiannon@example.com"}),
        # Email chosen: the "other email" page is skipped, the phone page is not.
        ("other-phone", {"applicant_phone": "07700 900 123"}),
    ])  # fmt: skip
    citizen.expect_page(FORM, "tasks")
    tasks = citizen.task_statuses()
    assert tasks["Personal details"] == "Completed"
    assert tasks["About the crime"] == "Not yet started"

    crime_end = months_before(today, 3)
    citizen.walk(FORM, [
        ("tasks", "Residency and nationality"),
        ("british-citizen", {"british_citizen": True}),
        ("tasks", "About the crime"),
        ("crime-frequency", {"crime_frequency": "over-a-period"}),
        ("crime-period", {"crime_start": months_before(today, 9), "crime_end": crime_end}),
        ("crime-country", {"crime_country": "wales"}),
        ("crime-town-and-location", {"crime_town": "Cardiff", "crime_location": "Queen Street"}),
        # Reported more than a month after it stopped: the reason is asked for.
        ("reported-date", {"reported_date": today - 5 * DAY}),
        ("reporting-delay", {"reporting_delay_reason": "I was afraid to tell anyone."}),
        ("police-force", {"police_force": "south-wales"}),
        ("crime-reference", {"crime_reference": "CF/2026/12345"}),
        ("injury-cause", {"injury_cause": ["physical-assault", "other"],
                          "injury_cause_other": "A thrown bottle"}),
        ("crime-description", {}),
        ("tasks", "About the offender"),
        ("offender-name", {"knows_offender_name": "no"}),
        ("offender-contact", {"has_offender_contact": "no"}),
        ("tasks", "About the injuries"),
        ("physical-injuries", {"has_physical_injuries": True}),
        ("injured-body-areas", {"injured_areas": ["head-face-neck", "arms"]}),
        ("head-injuries", {"head_injury_details": "Cut above the left eye, 6 stitches."}),
        ("arm-injuries", {"arm_injury_details": "Broken right wrist."}),
        ("infections", {"infections": "no"}),
        ("pregnancy-loss", {"pregnancy_loss": False}),
        ("mental-injury", {"has_mental_injury": True}),
        ("mental-injury-duration", {"mental_injury_6_weeks": True}),
        ("tasks", "Impact of the injuries"),
        ("working-at-time", {"was_working": True}),
        ("unable-to-work", {"unable_to_work": True}),
        ("unable-to-work-duration", {"unable_to_work_28_weeks": False}),
        ("daily-life", {"daily_life_effect": "I cannot sleep and I have stopped going out."}),
        ("special-expenses", {"has_special_expenses": False}),
        ("tasks", "Treatment"),
        ("physical-treatment", {"physical_treatment": "Stitches and a cast at the hospital."}),
        ("registered-with-gp", {"registered_with_gp": True}),
        ("gp-practice", {"gp_practice_name": "Roath Medical Centre",
                         "gp_address": {"line1": "1 Albany Road", "town": "Cardiff",
                                        "postcode": "CF24 3RP"}}),
        ("seen-dentist", {"seen_dentist": False}),
        ("tasks", "Other compensation"),
        ("applied-to-cica-before", {"applied_to_cica_before": "no"}),
        ("other-compensation", {"other_compensation": "yes"}),
        ("other-compensation-details", {
            "other_compensation_details": "Home insurance claim, paid in full.",
            "other_compensation_amount": "£1,250.50",
        }),
        ("tasks", "Additional information"),
        ("additional-information", {"has_additional_information": "no"}),
    ])  # fmt: skip

    answers = citizen.expect_check_answers(FORM)
    assert answers["What is your name?"] == "Ms Rhiannon Evans"
    assert "CF14 6HF" in answers["What is your address?"]
    assert answers["When did it stop?"] == _month_year(crime_end)
    assert answers["Which police force is investigating the crime?"] == "South Wales Police"
    assert answers["How much is the compensation?"] == "£1,250.50"
    assert "What is your email address?" not in answers
    assert "Were you a close relative of a British citizen when the crime happened?" not in (
        answers
    )
    expect(citizen.page.locator("main")).to_contain_text(
        "By submitting this application you confirm that"
    )
    reference = citizen.accept_and_send(FORM, try_without_ticking=True)
    assert reference.startswith("CICA-")
    expect(citizen.heading).to_have_text("Application submitted")


def _month_year(month_year: tuple[int, int]) -> str:
    return datetime.date(month_year[1], month_year[0], 1).strftime("%B %Y")


MYSELF = ("who-for", {"who_for": "myself"})
UNDER_18 = [MYSELF, ("over-18", {"is_over_18": False})]
ADULT = [MYSELF, ("over-18", {"is_over_18": True})]
NO_ADULT = [*UNDER_18, ("adult-to-apply", {"has_adult_to_apply": False})]

STOP_ROUTES = {
    "ask-adult-to-apply": (
        [*UNDER_18, ("adult-to-apply", {"has_adult_to_apply": True})],
        "Ask someone 18 or over to apply",
    ),
    "application-closed": (
        [*NO_ADULT, ("what-to-do", {"under_18_next_step": "close"})],
        "You have closed this application",
    ),
    "request-call-back": (
        [*NO_ADULT, ("what-to-do", {"under_18_next_step": "call-back"})],
        "Request a call back",
    ),
    "call-us": (
        [*NO_ADULT, ("what-to-do", {"under_18_next_step": "call-us"})],
        "Call us",
    ),
    "not-reported": (
        [*ADULT, ("crime-reported", {"crime_reported": False})],
        "You cannot get compensation",
    ),
    "should-not-apply-again": (
        [
            *ADULT,
            ("crime-reported", {"crime_reported": True}),
            ("reason-for-applying", {"applying_reason": "victim"}),
            ("applied-before", {"applied_before_for_crime": "yes"}),
        ],
        "You should not apply again",
    ),
}


@pytest.mark.parametrize("stop_page", sorted(STOP_ROUTES))
def test_stop_page(citizen, stop_page):
    route, title = STOP_ROUTES[stop_page]
    citizen.start(FORM, first_page="who-for")
    citizen.walk(FORM, route)
    citizen.expect_stop_page(FORM, stop_page, title)
    expect(citizen.back_link).to_have_attribute("href", f"/{FORM}/{route[-1][0]}")


def test_stop_page_injuries_not_eligible(citizen):
    """Applying for another adult: no qualifying injury ends the claim, in their wording.

    With a task list the injuries can be answered before the other tasks.
    """
    citizen.start(FORM, first_page="who-for")
    citizen.walk(FORM, [
        ("who-for", {"who_for": "someone-else"}),
        ("over-18", {"is_over_18": True}),
        ("crime-reported", {"crime_reported": True}),
        ("reason-for-applying", {"applying_reason": "victim"}),
        ("applied-before", {"applied_before_for_crime": "dont-know"}),
        ("tasks", "Applying for someone else"),
        ("relationship-to-victim", {"relationship_to_victim": "Brother"}),
        ("handle-affairs", {"can_handle_affairs": False}),
        ("tasks", "Representative details"),
        ("representative-capacity", {"representative_type": "friend-or-relative"}),
        ("representative-details", {
            "representative_name": {"first": "Gareth", "last": "Morgan"},
            "representative_address": {"line1": "8 Mumbles Road", "town": "Swansea",
                                       "postcode": "SA3 4AA"},
        }),
        ("tasks", "About the injuries"),
        ("physical-injuries", {"has_physical_injuries": False}),
        ("infections", {"infections": "no"}),
        ("pregnancy-loss", {"pregnancy_loss": False}),
        ("mental-injury", {"has_mental_injury": True}),
        ("mental-injury-duration", {"mental_injury_6_weeks": False}),
        ("mental-injury-ongoing", {"mental_injury_ongoing": False}),
    ])  # fmt: skip
    citizen.expect_stop_page(FORM, "injuries-not-eligible", "Their injuries are not eligible")
    expect(citizen.page.locator("main")).to_contain_text("their injuries are not covered")
    # The task list is closed too: it sends the citizen back to the stop page.
    response = citizen.page.request.get(f"/{FORM}/tasks", max_redirects=0)
    assert response.status == 302
    assert response.headers["location"].endswith("/injuries-not-eligible")


def test_every_stop_page_has_a_test(live_app):
    assert stop_pages(live_app, FORM) == {*STOP_ROUTES, "injuries-not-eligible"}
