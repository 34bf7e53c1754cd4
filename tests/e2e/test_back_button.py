"""The browser's Back button after a mistake lands on a page, never on "Confirm Form
Resubmission" (ERR_CACHE_MISS): a POST with errors redirects to the page, which shows them
(forms_service/views/shown_errors.py)."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from .conftest import Citizen, require_form
from .test_prison_visit_booking import contact, lead_visitor, other_visitor, prisoner

pytestmark = pytest.mark.e2e

FORM = "prison-visit-booking"
DAY = datetime.timedelta(days=1)


def browser_back(citizen: Citizen, page_id: str) -> None:
    """Press the browser's Back button (not the page's Back link): a real page arrives."""
    response = citizen.page.go_back()
    citizen.arrived(response)  # not an error page, axe-clean, one <h1>
    citizen.expect_page(FORM, page_id)
    assert not citizen.page.title().startswith("Error:"), "errors are shown once, not again"


def mistake_corrected_then_back(citizen: Citizen) -> None:
    citizen.start(FORM, "prisoner")
    citizen.answer(prisoner(), prisoner_number="12345")
    citizen.continue_()
    citizen.expect_page(FORM, "prisoner")  # the same address, now a GET showing the errors
    citizen.expect_errors(prisoner_number="7 characters starting with a letter")
    # What was typed is still there, the mistake included, ready to correct.
    expect(citizen.page.locator('[name="prisoner_first_name"]')).to_have_value("Dafydd")
    expect(citizen.page.locator('[name="prisoner_number"]')).to_have_value("12345")
    citizen.answer(prisoner_number="A1234BC")
    citizen.continue_()
    citizen.expect_page(FORM, "visit-first-choice")

    browser_back(citizen, "prisoner")
    expect(citizen.heading).to_have_text("Who are you visiting?")
    expect(citizen.page.locator('[name="prisoner_number"]')).to_have_value("A1234BC")
    # Forward again, then on from where the citizen was.
    citizen.arrived(citizen.page.go_forward())
    citizen.expect_page(FORM, "visit-first-choice")


def test_back_after_a_corrected_mistake_lands_on_the_page(citizen, live_app):
    require_form(live_app, FORM)
    mistake_corrected_then_back(citizen)


def test_back_after_a_corrected_mistake_without_javascript(citizen_without_js, live_app):
    require_form(live_app, FORM)
    mistake_corrected_then_back(citizen_without_js)


def test_back_after_a_mistake_on_the_add_another_and_remove_pages(citizen, live_app, today):
    require_form(live_app, FORM)
    citizen.start(FORM, "prisoner")
    citizen.walk(FORM, [
        ("prisoner", prisoner()),
        ("visit-first-choice", {"visit_date_1": today + DAY * 6, "visit_time_1": "morning"}),
        ("visit-second-choice", {}),
        ("visitor-details", lead_visitor()),
        ("visitor-contact", contact()),
        ("visitors", {"add_another": True}),
        ("visitors/1/other-visitor-details", other_visitor("Nia", today - DAY * 365 * 5)),
    ])  # fmt: skip
    citizen.expect_page(FORM, "visitors")
    citizen.continue_()  # neither yes nor no
    citizen.expect_errors(add_another="Select yes if you need to add another")
    # Remove the visitor, forgetting to answer first.
    citizen.follow(citizen.page.get_by_role("link", name="Remove Visitor 1", exact=True))
    citizen.continue_()
    citizen.expect_errors(remove="Select yes if you want to remove this visitor")
    citizen.walk(FORM, [("visitors/1/remove", {"remove": False})])
    citizen.expect_page(FORM, "visitors")
    citizen.walk(FORM, [("visitors", {"add_another": False})])
    citizen.expect_page(FORM, "additional-support")

    browser_back(citizen, "visitors")
    browser_back(citizen, "visitors/1/remove")
    browser_back(citizen, "visitors/1/remove")
    browser_back(citizen, "visitors")
