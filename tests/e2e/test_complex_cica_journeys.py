"""Claims for criminal injuries compensation made for someone else or after a death,
through the task list: the longest journeys, in a file of their own so that the suite's
processes share them out. Axe runs on every page (the `citizen` fixture).
"""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from .conftest import require_form
from .test_complex_journeys import CICA, DAY, not_reachable, submitted_answers, uk_address

pytestmark = pytest.mark.e2e


# -- criminal injuries compensation ----------------------------------------------------------
def test_cica_claim_for_someone_else_through_the_task_list(citizen, live_app, today):
    """An adult victim's claim made by their sister: "they" wording, tasks in any order
    the conditions allow, and the task statuses as they change."""
    require_form(live_app, CICA)
    page = citizen.page
    citizen.start(CICA, first_page="who-for")
    citizen.walk(CICA, [("who-for", {"who_for": "someone-else"})])
    expect(citizen.heading).to_have_text("Are they 18 or over?")
    citizen.walk(CICA, [("over-18", {"is_over_18": True}),
                        ("crime-reported", {"crime_reported": True})])  # fmt: skip
    expect(page.get_by_label("They were the victim of a violent crime")).to_have_count(1)
    citizen.walk(CICA, [("reason-for-applying", {"applying_reason": "victim"})])
    expect(citizen.heading).to_have_text(
        "Have they applied before for injuries related to this crime?"
    )
    citizen.walk(CICA, [("applied-before", {"applied_before_for_crime": "no"})])

    citizen.expect_page(CICA, "tasks")
    tasks = citizen.task_statuses()
    assert list(tasks) == [
        "Personal details", "Residency and nationality", "Applying for someone else",
        "Representative details", "About the crime", "About the offender",
        "About the injuries", "Impact of the injuries", "Treatment", "Other compensation",
        "Additional information",
    ]  # fmt: skip
    assert tasks["About the crime"] == "Cannot start yet"  # needs their date of birth
    assert tasks["Treatment"] == "Cannot start yet"  # needs their injuries
    assert {tasks[t] for t in tasks if t not in ("About the crime", "Treatment")} == {
        "Not yet started"
    }

    # The injuries first (the 7th task): in their wording.
    citizen.open_task("About the injuries")
    citizen.expect_page(CICA, "physical-injuries")
    expect(citizen.heading).to_have_text("Do they have physical injuries as a result of the crime?")
    citizen.walk(CICA, [
        ("physical-injuries", {"has_physical_injuries": False}),
        ("infections", {"infections": "not-sure"}),
        ("pregnancy-loss", {"pregnancy_loss": False}),
        ("mental-injury", {"has_mental_injury": True}),
    ])  # fmt: skip
    expect(citizen.heading).to_have_text("Has their mental injury lasted 6 weeks or more?")
    citizen.walk(CICA, [("mental-injury-duration", {"mental_injury_6_weeks": True})])
    tasks = citizen.task_statuses()
    assert tasks["About the injuries"] == "Completed"
    assert tasks["Treatment"] == "Not yet started"  # the injuries are known now
    assert tasks["About the crime"] == "Cannot start yet"

    # Personal details, half done: "In progress" on the task list.
    citizen.open_task("Personal details")
    expect(citizen.heading).to_have_text("What is their name?")
    citizen.walk(CICA, [
        ("applicant-name", {"applicant_name": {"first": "Megan", "last": "Rees"}}),
    ])  # fmt: skip
    citizen.expect_page(CICA, "other-names")
    expect(citizen.heading).to_have_text("Have they ever been known by any other names?")
    citizen.open(f"/{CICA}/tasks")
    tasks = citizen.task_statuses()
    assert tasks["Personal details"] == "In progress"
    assert tasks["About the crime"] == "Cannot start yet"
    # The task carries on where it was left.
    citizen.open_task("Personal details")
    citizen.walk(CICA, [("other-names", {"has_other_names": "no"})])
    expect(citizen.heading).to_have_text("What is their date of birth?")
    citizen.walk(CICA, [("applicant-dob", {"applicant_dob": datetime.date(1979, 2, 14)})])
    expect(page.locator("main")).to_contain_text("What is their address?")
    citizen.walk(CICA, [
        ("applicant-address", {"applicant_address": uk_address("5 Heol Las", "Swansea",
                                                             "SA1 1AA")}),
    ])  # fmt: skip
    # The contact questions are about the person applying, not the victim.
    expect(page.locator("main")).to_contain_text(
        "We'll contact you about the application, not them."
    )
    citizen.walk(CICA, [
        ("contact-preference", {"contact_method": "post"}),
        ("other-email", {"applicant_email": "gwen.rees@example.com"}),
        ("other-phone", {}),
    ])  # fmt: skip
    tasks = citizen.task_statuses()
    assert tasks["Personal details"] == "Completed"
    assert tasks["About the crime"] == "Not yet started"  # the date of birth is known now

    crime_date = today - DAY * 60
    citizen.walk(CICA, [
        # Treatment before the crime: it only needed the injuries.
        ("tasks", "Treatment"),
        ("registered-with-gp", {"registered_with_gp": False}),
        ("tasks", "Applying for someone else"),
        ("relationship-to-victim", {"relationship_to_victim": "Sister"}),
        ("handle-affairs", {"can_handle_affairs": True}),
        ("tasks", "Representative details"),
        ("representative-capacity", {"representative_type": "friend-or-relative"}),
        ("representative-details", {
            "representative_name": {"first": "Gwen", "last": "Rees"},
            "representative_address": uk_address("9 Ffordd y Mor", "Swansea", "SA2 2BB"),
        }),
        ("tasks", "About the crime"),
        ("crime-frequency", {"crime_frequency": "once"}),
        ("crime-date", {"crime_date": crime_date}),
        ("crime-country", {"crime_country": "wales"}),
        ("crime-town-and-location", {"crime_town": "Swansea", "crime_location": "Wind Street"}),
        ("reported-date", {"reported_date": crime_date + DAY}),  # soon enough: no delay
        ("police-force", {"police_force": "south-wales"}),
        ("crime-reference", {"crime_reference": "SW/2026/777"}),
    ])  # fmt: skip
    expect(page.locator("main")).to_contain_text("What led to their injuries?")
    citizen.walk(CICA, [
        ("injury-cause", {"injury_cause": ["physical-assault"]}),
        ("crime-description", {}),
        ("tasks", "Residency and nationality"),
        ("british-citizen", {"british_citizen": True}),
        ("tasks", "About the offender"),
        ("offender-name", {"knows_offender_name": "no"}),
        ("offender-contact", {"has_offender_contact": "no"}),
        ("tasks", "Impact of the injuries"),
        ("working-at-time", {"was_working": False}),
        ("unable-to-work", {"unable_to_work": False}),
        ("daily-life", {"daily_life_effect": "She no longer goes out alone."}),
        ("special-expenses", {"has_special_expenses": False}),
        ("tasks", "Other compensation"),
        ("applied-to-cica-before", {"applied_to_cica_before": "no"}),
        ("other-compensation", {"other_compensation": "no"}),
        ("no-other-compensation", {"no_other_compensation_reason": "The offender was not found."}),
    ])  # fmt: skip
    tasks = citizen.task_statuses()
    assert {t: s for t, s in tasks.items() if s != "Completed"} == {
        "Additional information": "Not yet started"
    }
    citizen.walk(CICA, [
        ("tasks", "Additional information"),
        ("additional-information", {"has_additional_information": "no"}),
    ])  # fmt: skip

    answers = citizen.expect_check_answers(CICA)
    for question, shown in {
        "Are they 18 or over?": "Yes",
        "What is their name?": "Megan Rees",
        "Have they ever been known by any other names?": "No",
        "Do they have physical injuries as a result of the crime?": "No",
        "Has their mental injury lasted 6 weeks or more?": "Yes",
        "Were they a British citizen when the crime happened?": "Yes",
        "Are they registered with a GP practice?": "No",
        "What is your relationship to them?": "Sister",
        "Your name": "Gwen Rees",
    }.items():
        assert answers.get(question) == shown, (question, answers.get(question))
    assert "What is your name?" not in answers
    assert "Do you have physical injuries as a result of the crime?" not in answers
    expect(page.locator("main")).to_contain_text("You are applying on behalf of the applicant.")
    reference = citizen.accept_and_send(CICA)
    stored = submitted_answers(live_app, reference)
    assert stored["who_for"] == "someone-else"
    assert stored["relationship_to_victim"] == "Sister"


def test_cica_fatal_full_claim(citizen, live_app, today):
    """Someone died: the "About the person who died" task appears, the injured victim's
    tasks (injuries, their impact, treatment) do not, and the claim can be sent."""
    citizen.start(CICA, first_page="who-for")
    citizen.walk(CICA, [
        ("who-for", {"who_for": "myself"}),
        ("over-18", {"is_over_18": True}),
        ("crime-reported", {"crime_reported": True}),
        ("reason-for-applying", {"applying_reason": "someone-died"}),
        ("claim-type", {"fatal_claim_type": "full-claim"}),
        ("applied-before", {"applied_before_for_crime": "dont-know"}),
    ])  # fmt: skip
    citizen.expect_page(CICA, "tasks")
    tasks = citizen.task_statuses()
    assert list(tasks) == [
        "Personal details", "Residency and nationality", "About the person who died",
        "About the crime", "About the offender", "Other compensation",
        "Additional information",
    ]  # fmt: skip
    assert tasks["About the person who died"] == "Not yet started"
    for absent in ("About the injuries", "Impact of the injuries", "Treatment"):
        assert absent not in tasks
    task_list = citizen.page.locator(".govuk-task-list")
    expect(task_list.get_by_role("link")).to_have_count(6)  # all but "About the crime"
    for page_id in ("physical-injuries", "working-at-time", "registered-with-gp"):
        not_reachable(citizen, CICA, page_id)

    death = today - DAY * 100
    citizen.walk(CICA, [
        ("tasks", "About the person who died"),
        ("relationship-to-deceased", {"relationship_to_deceased": "spouse-or-civil-partner"}),
        ("living-with-deceased", {"lived_with_deceased": True}),
        ("living-together-duration", {"lived_together_2_years": True}),
        ("deceased-details", {
            "deceased_name": {"first": "Alun", "last": "Morgan"},
            "deceased_dob": datetime.date(1958, 7, 1),
            "deceased_date_of_death": death,
        }),
        ("deceased-address", {"deceased_address": uk_address("2 Stryd Fawr", "Bala", "LL23 7AA")}),
        ("funeral-cost", {"funeral_cost": "4,850"}),
        ("tasks", "Personal details"),
        ("applicant-name", {"applicant_name": {"first": "Eira", "last": "Morgan"}}),
        ("other-names", {"has_other_names": "no"}),
        ("applicant-dob", {"applicant_dob": datetime.date(1960, 9, 9)}),
        ("applicant-address", {"applicant_address": uk_address("2 Stryd Fawr", "Bala",
                                                             "LL23 7AA")}),
        ("contact-preference", {"contact_method": "email",
                                "contact_email": "eira@example.com"}),
        ("other-phone", {}),
        ("tasks", "Residency and nationality"),
        ("british-citizen", {"british_citizen": True}),
        ("tasks", "About the crime"),
        ("crime-frequency", {"crime_frequency": "once"}),
        ("crime-date", {"crime_date": death - DAY * 2}),
        ("crime-country", {"crime_country": "england"}),
        ("crime-town-and-location", {"crime_town": "Chester", "crime_location": "Bridge Street"}),
        ("reported-date", {"reported_date": death - DAY * 2}),
        ("police-force", {"police_force": "cheshire"}),
        ("crime-reference", {"crime_reference": "CH/2026/42"}),
    ])  # fmt: skip
    expect(citizen.page.locator("main")).to_contain_text("What led to the death?")
    citizen.walk(CICA, [
        ("injury-cause", {"injury_cause": ["physical-assault"]}),
        ("crime-description", {}),
        ("tasks", "About the offender"),
        ("offender-name", {"knows_offender_name": "yes", "offender_name": "J Smith"}),
        ("offender-contact", {"has_offender_contact": "no"}),
        ("tasks", "Other compensation"),
        ("applied-to-cica-before", {"applied_to_cica_before": "no"}),
        ("other-compensation", {"other_compensation": "no"}),
        ("no-other-compensation", {"no_other_compensation_reason": "Not yet."}),
        ("tasks", "Additional information"),
        ("additional-information", {"has_additional_information": "no"}),
    ])  # fmt: skip

    answers = citizen.expect_check_answers(CICA)
    assert answers["What do you want to claim?"] == "Full claim"
    assert answers["Their name"] == "Alun Morgan"
    assert answers["Date of death"] == death.strftime("%-d %B %Y")
    assert answers["What is the total cost of the funeral?"] == "£4,850"
    for absent in (
        "Do you have physical injuries as a result of the crime?",
        "Were you working when the crime happened?",
        "Are you registered with a GP practice?",
    ):
        assert absent not in answers
    expect(citizen.page.locator("main")).to_contain_text(
        "You are applying because someone died as a result of a crime."
    )
    reference = citizen.accept_and_send(CICA)
    stored = submitted_answers(live_app, reference)
    assert stored["applying_reason"] == "someone-died"
    assert "has_physical_injuries" not in stored
