"""Book a prison visit: the main route, the stop page, JavaScript off, and Change links."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from .conftest import require_form, stop_pages

pytestmark = pytest.mark.e2e

FORM = "prison-visit-booking"
DAY = datetime.timedelta(days=1)


def prisoner() -> dict:
    return {
        "prisoner_first_name": "Dafydd",
        "prisoner_last_name": "O'Connor-Jones",
        "prisoner_dob": datetime.date(1988, 4, 28),
        "prisoner_number": "A1234BC",
        "prison": "cardiff",
    }


def lead_visitor() -> dict:
    return {  # by label, as a person reads the page; the date by field name
        "First name": "Siân",
        "Last name": "O'Connor-Jones",
        "lead_visitor_dob": datetime.date(1990, 11, 3),
    }


def other_visitor(first: str, dob: datetime.date) -> dict:
    return {"visitor_first_name": first, "visitor_last_name": "Jones", "visitor_dob": dob}


NO_OTHER_VISITORS = ("visitors", {"add_another": False})


def contact() -> dict:
    return {
        "visitor_email": "sian@example.com",
        "visitor_email-confirm": "sian@example.com",
        "visitor_phone": "07700 900 982",
    }


def test_book_a_visit(citizen, live_app, today):
    """Start page, every page (with errors on the first), check answers, declaration, sent."""
    require_form(live_app, FORM)
    citizen.start(FORM)

    # Nothing filled in: the GOV.UK error summary, linked to every field, and axe on it.
    citizen.expect_page(FORM, "prisoner")
    expect(citizen.heading).to_have_text("Who are you visiting?")
    citizen.continue_()
    citizen.expect_errors(
        prisoner_first_name="Enter the prisoner's first name",
        prisoner_last_name=None,
        prisoner_dob=None,
        prisoner_number="Enter a prison number",
        prison=None,
    )
    # What was typed stays after an error; the wrong prison number is explained.
    citizen.answer(prisoner(), prisoner_number="12345")
    citizen.continue_()
    citizen.expect_errors(prisoner_number="7 characters starting with a letter")
    expect(citizen.page.locator('[name="prisoner_first_name"]')).to_have_value("Dafydd")
    citizen.answer(prisoner_number="A1234BC")
    citizen.continue_()

    # A date too soon is refused against today's date; then a date in the window is taken.
    citizen.expect_page(FORM, "visit-first-choice")
    citizen.answer(visit_date_1=today + DAY, visit_time_1="morning")
    citizen.continue_()
    citizen.expect_errors(visit_date_1="Date of your first choice must be")
    citizen.walk(FORM, [
        ("visit-first-choice", {"visit_date_1": today + DAY * 7}),
        ("visit-second-choice", {"visit_date_2": today + DAY * 10,
                                 "visit_time_2": "afternoon"}),
        ("visit-third-choice", {}),  # optional: left blank
        ("visitor-details", lead_visitor()),
        ("visitor-contact", contact()),
        # Other visitors: two more adults, then a third one is refused on its own page.
        ("visitors", {"add_another": True}),
        ("visitors/1/other-visitor-details", other_visitor("Rhys", datetime.date(1985, 1, 9))),
        ("visitors", {"add_another": True}),
        ("visitors/2/other-visitor-details", other_visitor("Carys", datetime.date(1992, 2, 2))),
        ("visitors", {"add_another": True}),
        ("visitors/3/other-visitor-details", other_visitor("Huw", datetime.date(1960, 3, 3))),
    ])  # fmt: skip
    citizen.expect_errors(visitor_dob="maximum of 3 visitors over the age of 18")
    citizen.walk(FORM, [
        ("visitors/3/other-visitor-details", {"visitor_dob": today - DAY * (365 * 8)}),
    ])  # fmt: skip
    citizen.expect_page(FORM, "visitors")
    expect(citizen.page.locator(".govuk-summary-list__row")).to_have_count(3)
    # Remove the second visitor (after a "are you sure?" page): the child moves up.
    citizen.follow(citizen.page.get_by_role("link", name="Remove Visitor 2", exact=True))
    citizen.expect_page(FORM, "visitors/2/remove")
    citizen.continue_()
    citizen.expect_errors(remove="Select yes if you want to remove this visitor")
    citizen.walk(FORM, [("visitors/2/remove", {"remove": True})])
    citizen.expect_page(FORM, "visitors")
    expect(citizen.page.locator(".govuk-summary-list__row")).to_have_count(2)
    citizen.walk(FORM, [
        NO_OTHER_VISITORS,
        ("additional-support", {"needs_support": "yes",
                                "support_details": "Step-free access, please"}),
    ])  # fmt: skip

    answers = citizen.expect_check_answers(FORM)
    assert answers["Prisoner's last name"] == "O'Connor-Jones"
    assert answers["Prisoner's date of birth"] == "28 April 1988"
    assert answers["Prison name"] == "HMP Cardiff"
    assert answers["First choice: time"] == "Morning, 9:30am to 11:30am"
    assert answers["Third choice: date"] == "Not answered"
    assert answers["Details of the support you need"] == "Step-free access, please"
    assert answers["Email address"] == "sian@example.com"
    assert answers["Other visitors"] == "2 added"
    assert answers["Visitor 1: First name"] == "Rhys"
    assert answers["Visitor 2: First name"] == "Huw"
    # Each visitor is a summary card named after them; no tick box under the declaration:
    # "Accept and send" is the agreement.
    cards = citizen.page.locator("main .govuk-summary-card__title")
    expect(cards).to_have_text(["Visitor 1: Rhys Jones", "Visitor 2: Huw Jones"])
    expect(citizen.page.get_by_role("heading", name="Now send your application")).to_be_visible()
    expect(citizen.page.locator('input[name="declaration"]')).to_have_count(0)

    reference = citizen.accept_and_send(FORM)
    assert reference.startswith("PVB-")
    expect(citizen.heading).to_have_text("Visit request sent")
    expect(citizen.page.locator("main")).to_contain_text(f"Your reference number is {reference}")


@pytest.mark.parametrize("prison", ["parc", "thameside"])  # private: they book themselves
def test_stop_page_prison_unavailable(citizen, prison):
    citizen.start(FORM, first_page="prisoner")
    citizen.walk(FORM, [("prisoner", {**prisoner(), "prison": prison})])
    citizen.expect_stop_page(FORM, "prison-unavailable", "This prison is not available")
    expect(citizen.page.locator("main")).to_contain_text("Contact the prison directly")
    expect(citizen.back_link).to_have_attribute("href", f"/{FORM}/prisoner")
    # The link in the page goes back to the question that led here: choosing a prison
    # that takes bookings here carries on with the booking.
    citizen.follow(citizen.page.get_by_role("link", name="Change prison name", exact=True))
    citizen.expect_page(FORM, "prisoner")
    citizen.walk(FORM, [("prisoner", {"prison": "bristol"})])
    citizen.expect_page(FORM, "visit-first-choice")


def test_the_prison_list_finds_a_prison_by_its_name_in_either_language(citizen):
    """Closed prisons are gone; a Welsh prison has its Welsh name, found by either name."""
    citizen.language = "cy"
    citizen.open(f"/{FORM}/prisoner?lang=cy")
    select = citizen.page.locator('select[name="prison"]')
    expect(select.locator('option[value="holloway"]')).to_have_count(0)
    expect(select.locator('option[value="cardiff"]')).to_have_text("CEF Caerdydd")
    combobox = citizen.page.locator('input[id="prison"][role="combobox"]')
    expect(combobox).to_have_css("font-family", '"GDS Transport", arial, sans-serif')
    combobox.fill("cardiff")
    suggestion = citizen.page.get_by_role("option", name="CEF Caerdydd", exact=True)
    expect(suggestion).to_be_visible()
    suggestion.click()
    expect(select).to_have_value("cardiff")
    # In English, the Welsh name finds it too.
    citizen.language = "en"
    citizen.open(f"/{FORM}/prisoner?lang=en")
    combobox.fill("Abertawe")
    expect(citizen.page.get_by_role("option", name="HMP Swansea", exact=True)).to_be_visible()
    # No prison chosen: an error on the question, and the autocomplete has the error border.
    citizen.open(f"/{FORM}/prisoner?lang=en")
    citizen.continue_()
    expect(citizen.page.locator(".govuk-error-summary")).to_be_visible()
    expect(combobox).to_have_css("border-top-color", "rgb(202, 53, 53)")


def test_every_stop_page_has_a_test(live_app):
    assert stop_pages(live_app, FORM) == {"prison-unavailable"}


def test_book_a_visit_without_javascript(citizen_without_js, today):
    citizen = citizen_without_js
    citizen.start(FORM)
    citizen.expect_page(FORM, "prisoner")
    citizen.continue_()
    citizen.expect_errors(
        prisoner_first_name=None, prisoner_last_name=None, prisoner_dob=None,
        prisoner_number=None, prison=None,
    )  # fmt: skip
    # The prison is a plain <select> without JavaScript.
    expect(citizen.page.locator('select[name="prison"]')).to_be_visible()
    citizen.walk(FORM, [
        ("prisoner", prisoner()),
        ("visit-first-choice", {"visit_date_1": today + DAY * 5,
                                "Evening, 6pm to 8pm": True}),
        ("visit-second-choice", {}),  # no second choice: the third is not asked
        ("visitor-details", lead_visitor()),
        ("visitor-contact", contact()),
        ("visitors", {"add_another": True}),
        ("visitors/1/other-visitor-details", other_visitor("Nia", today - DAY * 365 * 5)),
        NO_OTHER_VISITORS,
        ("additional-support", {"needs_support": "no"}),
    ])  # fmt: skip
    answers = citizen.expect_check_answers(FORM)
    assert answers["Prison name"] == "HMP Cardiff"
    assert "Third choice: date" not in answers
    reference = citizen.accept_and_send(FORM)
    assert reference.startswith("PVB-")


def to_check_your_answers(citizen, today: datetime.date) -> dict[str, str]:
    """A short route to check your answers: one choice of date, one other visitor."""
    citizen.start(FORM, first_page="prisoner")
    citizen.walk(FORM, [
        ("prisoner", prisoner()),
        ("visit-first-choice", {"visit_date_1": today + DAY * 6,
                                "visit_time_1": "morning"}),
        ("visit-second-choice", {}),
        ("visitor-details", lead_visitor()),
        ("visitor-contact", contact()),
        ("visitors", {"add_another": True}),
        ("visitors/1/other-visitor-details", other_visitor("Nia", today - DAY * 365 * 5)),
        NO_OTHER_VISITORS,
        ("additional-support", {"needs_support": "yes", "support_details": "Hearing loop"}),
    ])  # fmt: skip
    return citizen.expect_check_answers(FORM)


def test_change_links_return_to_check_your_answers(citizen, today):
    before = to_check_your_answers(citizen, today)
    assert before["Prison number"] == "A1234BC"

    # A plain change: the page shows the saved answer, Back goes to check your answers,
    # and Continue comes back to it.
    citizen.change("Prison number")
    citizen.expect_page(FORM, "prisoner")
    field = citizen.page.locator('[name="prisoner_number"]')
    expect(field).to_have_value("A1234BC")
    expect(citizen.back_link).to_have_attribute("href", f"/{FORM}/check-your-answers")
    # An error on the way keeps the citizen in "change" mode.
    citizen.answer(prisoner_number="")
    citizen.continue_()
    citizen.expect_errors(prisoner_number="Enter a prison number")
    expect(citizen.back_link).to_have_attribute("href", f"/{FORM}/check-your-answers")
    citizen.answer(prisoner_number="Z9876XY")
    citizen.continue_()
    after = citizen.expect_check_answers(FORM)
    assert after["Prison number"] == "Z9876XY"
    assert {k: v for k, v in after.items() if k != "Prison number"} == {
        k: v for k, v in before.items() if k != "Prison number"
    }

    # A change that opens a page not asked before goes there first, then back.
    citizen.change("Second choice: date")
    citizen.expect_page(FORM, "visit-second-choice")
    citizen.answer(visit_date_2=today + DAY * 12, visit_time_2="evening")
    citizen.continue_()
    citizen.expect_page(FORM, "visit-third-choice")
    citizen.continue_()
    after = citizen.expect_check_answers(FORM)
    assert after["Second choice: time"] == "Evening, 6pm to 8pm"
    assert after["Third choice: date"] == "Not answered"

    # A change that closes a revealed question drops its answer.
    citizen.change("Do you need any additional support for your visit?")
    citizen.answer(needs_support="no")
    citizen.continue_()
    after = citizen.expect_check_answers(FORM)
    assert after["Do you need any additional support for your visit?"] == "No"
    assert "Details of the support you need" not in after

    reference = citizen.accept_and_send(FORM)
    assert reference.startswith("PVB-")


def test_removing_a_visitor_from_check_your_answers_returns_there(citizen, today):
    to_check_your_answers(citizen, today)
    # Change opens the add-another page; a visitor removed there is gone from check your
    # answers, and the citizen is back there.
    citizen.change("Other visitors")
    citizen.expect_page(FORM, "visitors")
    citizen.follow(citizen.page.get_by_role("link", name="Remove Visitor 1", exact=True))
    citizen.expect_page(FORM, "visitors/1/remove")
    expect(citizen.heading).to_contain_text("Are you sure you want to remove visitor 1?")
    citizen.walk(FORM, [("visitors/1/remove", {"remove": True})])
    citizen.expect_page(FORM, "visitors")
    expect(citizen.page.locator("main")).to_contain_text("You have not added any yet.")
    citizen.walk(FORM, [NO_OTHER_VISITORS])
    assert citizen.page.url.endswith(f"/{FORM}/check-your-answers"), citizen.page.url
    after = citizen.expect_check_answers(FORM)
    assert after["Other visitors"] == "None added"
    assert "Visitor 1: First name" not in after


def test_welsh_pages(citizen):
    """The form in Welsh: the page language is Welsh and the pages pass axe, errors included."""
    citizen.language = "cy"
    citizen.open(f"/{FORM}/?lang=cy")
    expect(citizen.page.locator("html")).to_have_attribute("lang", "cy")
    expect(citizen.heading).to_have_text("Trefnu ymweliad â charchar")
    citizen.follow(citizen.page.locator(".govuk-button--start"))
    citizen.expect_page(FORM, "prisoner")
    expect(citizen.heading).to_have_text("Â phwy ydych chi am ymweld?")
    citizen.follow(citizen.page.locator("form .govuk-button:not(.govuk-button--secondary)"))
    expect(citizen.page.locator(".govuk-error-summary")).to_be_visible()
    expect(citizen.page.locator("html")).to_have_attribute("lang", "cy")
    # The author's Welsh error message is used.
    expect(citizen.page.locator(".govuk-error-summary")).to_contain_text("Rhowch rif carchar.")


def test_welsh_service_text(citizen):
    citizen.language = "cy"
    citizen.open(f"/{FORM}/prisoner?lang=cy")
    citizen.follow(citizen.page.locator("form .govuk-button:not(.govuk-button--secondary)"))
    page = citizen.page
    assert page.title().startswith("Gwall: ")
    expect(page.locator(".govuk-error-summary__title")).to_have_text("Mae problem wedi codi")
    expect(page.locator("form .govuk-button:not(.govuk-button--secondary)")).to_have_text("Parhau")
    expect(page.locator("form .govuk-button--secondary")).to_have_text(
        "Cadw a dod yn ôl yn nes ymlaen"
    )
    expect(citizen.back_link).to_have_text("Yn ôl")
    expect(page.locator(".govuk-error-summary")).not_to_contain_text("Enter ")
