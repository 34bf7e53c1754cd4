"""Make and register a lasting power of attorney: the main route through its task list, and
the age warning."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from .conftest import require_form, stop_pages

pytestmark = pytest.mark.e2e

FORM = "lasting-power-of-attorney"


def address(line1: str, town: str, postcode: str) -> dict:
    return {"line1": line1, "town": town, "postcode": postcode, "country": "United Kingdom"}


DONOR = {
    "donor_name": {"title": "Mrs", "first": "Gwendolyn", "last": "Ashworth-Price"},
    "donor_dob": datetime.date(1948, 3, 27),
}


def test_make_a_property_and_financial_lpa(citizen, live_app):
    require_form(live_app, FORM)
    citizen.start(FORM)
    expect(citizen.heading).to_have_text("What type of LPA do you want to make?")
    citizen.walk(FORM, [("lpa-type", {"lpa_type": "property-and-financial"})])

    # The type decides the rest: then a task list, every task to do in any order.
    citizen.expect_page(FORM, "tasks")
    statuses = citizen.task_statuses()
    assert list(statuses) == [
        "Donor details", "When and how the LPA can be used", "Attorneys",
        "Replacement attorneys", "Certificate provider", "People to notify",
        "Preferences and instructions", "Registering the LPA",
        "About your use of this service", "Fee",
    ]  # fmt: skip
    assert set(statuses.values()) == {"Not yet started"}
    citizen.open_task("Donor details")

    # Empty name and date of birth: each error links to the first box to fix.
    citizen.expect_page(FORM, "donor-details")
    citizen.continue_()
    pairs = citizen.expect_errors(donor_name="first name", donor_dob=None)
    hrefs = [href for _, href in pairs]
    assert hrefs[0] == "#donor_name-first"
    assert "#donor_dob-day" in hrefs
    # Half a date: the message says what is missing and the link goes to that box.
    citizen.answer(donor_name=DONOR["donor_name"], donor_dob={"day": "27", "year": "1948"})
    citizen.continue_()
    pairs = citizen.expect_errors(donor_dob="must include a month")
    assert pairs[0][1] == "#donor_dob-month"

    citizen.walk(FORM, [
        ("donor-details", {"donor_dob": DONOR["donor_dob"],
                           "donor_email": "gwen@example.com"}),
        ("donor-address", {"donor_address": address("1 Chapel Row", "Hebden Bridge",
                                                     "HX7 8AB")}),
    ])  # fmt: skip
    # A task done: back to the task list, which says so.
    citizen.expect_page(FORM, "tasks")
    assert citizen.task_statuses()["Donor details"] == "Completed"
    expect(citizen.page.locator("main")).to_contain_text("You have completed 1 of 10 sections.")
    citizen.walk(FORM, [
        ("tasks", "When and how the LPA can be used"),
        ("when-lpa-can-be-used", {"when_lpa_used": "now"}),
    ])  # fmt: skip

    # At least 1 attorney: the first one is asked for straight away.
    citizen.walk(FORM, [
        ("tasks", "Attorneys"),
        ("attorneys/1/attorney-type", {"attorney_type": "person"}),
        ("attorneys/1/attorney-details", {
            "attorney_name": {"first": "Tomasz", "last": "Nowak"},
            "attorney_dob": datetime.date(1975, 8, 15),
            "attorney_address": {"line1": "Flat 3", "line2": "Rue de la Paix 12",
                                 "town": "Lyon", "country": "France"},
        }),
        ("attorneys", {"add_another": True}),
        ("attorneys/2/attorney-type", {"attorney_type": "trust-corporation"}),
        ("attorneys/2/attorney-trust-corporation", {
            "attorney_company_name": "Pennine Trust Company Ltd",
            "attorney_company_number": "01234567",
            "attorney_company_address": address("7 Bank Street", "Bradford", "BD1 1AA"),
        }),
        ("attorneys", {"add_another": False}),
        # Two attorneys: how they act together is asked, and then when replacements step in.
        ("how-attorneys-act", {"how_attorneys_act": "jointly-and-severally"}),
        ("tasks", "Replacement attorneys"),
        ("replacement_attorneys", {"add_another": True}),
        ("replacement_attorneys/1/replacement-attorney-type", {"replacement_type": "person"}),
        ("replacement_attorneys/1/replacement-attorney-details", {
            "replacement_name": {"first": "Ada", "last": "Ashworth"},
            "replacement_dob": datetime.date(1980, 1, 2),
            "replacement_address": address("2 Mill Lane", "Todmorden", "OL14 5AA"),
        }),
        ("replacement_attorneys", {"add_another": False}),
        ("when-replacements-step-in", {"when_replacements_step_in": "last"}),
        ("tasks", "Certificate provider"),
        ("certificate-provider", {
            "certificate_provider_name": {"title": "Dr", "first": "Priya", "last": "Shah"},
            "certificate_provider_address": address("Health Centre", "Halifax", "HX1 1AA"),
        }),
        ("tasks", "People to notify"),
        ("people_to_notify", {"add_another": True}),
        ("people_to_notify/1/person-to-notify", {
            "notify_name": {"first": "Ben", "last": "Ashworth"},
            "notify_address": address("9 Station Road", "Leeds", "LS1 4AP"),
        }),
        ("people_to_notify", {"add_another": False}),
        ("tasks", "Preferences and instructions"),
        ("preferences-and-instructions", {"preferences": "Keep my house if possible."}),
        ("tasks", "Registering the LPA"),
        ("who-is-applying", {"applicant": "attorney"}),
        ("which-attorneys-applying", {"applicant_attorneys": "Tomasz Nowak"}),
        ("correspondent", {"correspondent": "other"}),
        ("correspondent-other", {
            "correspondent_other_kind": "company",
            "correspondent_company": "Calder Valley Solicitors LLP",
            "correspondent_address": address("4 Market Street", "Halifax", "HX1 1PB"),
        }),
        ("correspondent-contact", {"contact_methods": ["post", "email"],
                                   "correspondent_email": "post@calder.example"}),
        ("correspondence-language", {"correspondence_language": "cy"}),
        ("tasks", "About your use of this service"),
        ("who-was-using", {"who_was_using": "other",
                           "who_was_using_other": "A neighbour"}),
        ("tasks", "Fee"),
        ("repeat-application", {"repeat_application": "no"}),
        ("reduced-fee", {"reduced_fee": "benefits"}),
    ])  # fmt: skip

    # The reduced fee needs evidence: an information page, then check your answers.
    citizen.expect_page(FORM, "fee-evidence")
    expect(citizen.heading).to_have_text("Send evidence with the LPA")
    citizen.continue_()

    answers = citizen.expect_check_answers(FORM)
    assert answers["Donor's name"] == "Mrs Gwendolyn Ashworth-Price"
    assert answers["Donor's date of birth"] == "27 March 1948"
    assert answers["Company name"] == "Calder Valley Solicitors LLP"
    assert "Name" not in answers  # the person's name, under the option not chosen
    assert answers["Which language should we write to them in?"] == "Cymraeg"
    assert "France" in answers["Attorney 1: Attorney's address"]
    assert answers["Attorney 2: Company name"] == "Pennine Trust Company Ltd"
    assert answers["Attorneys"] == "2 added"
    assert "Who does the donor want to make decisions about life-sustaining treatment?" not in (
        answers
    )
    # Each attorney is a summary card named after them, and no tick box: "By confirming"
    # is pressing "Accept and send" under the declaration.
    cards = citizen.page.locator("main .govuk-summary-card__title")
    expect(cards).to_have_text(
        ["Attorney 1: Tomasz Nowak", "Attorney 2: Pennine Trust Company Ltd 01234567",
         "Replacement attorney 1: Ada Ashworth", "Person to notify 1: Ben Ashworth"]
    )  # fmt: skip
    expect(citizen.page.get_by_role("heading", name="Now send your application")).to_be_visible()
    expect(citizen.page.locator('input[name="declaration"]')).to_have_count(0)
    reference = citizen.accept_and_send(FORM)
    assert reference.startswith("LPA-")
    expect(citizen.heading).to_have_text("Your LPA is ready to print and sign")


def test_donor_under_18_is_warned_but_can_carry_on(citizen, today):
    """A warning page, not a stop page: health and welfare, with a donor who is 16."""
    citizen.start(FORM, first_page="lpa-type")
    citizen.walk(FORM, [
        ("lpa-type", {"lpa_type": "health-and-welfare"}),
        ("tasks", "Donor details"),
        ("donor-details", {**DONOR,  # 16 years and about a month old
                           "donor_dob": today - datetime.timedelta(days=365 * 16 + 30)}),
        ("donor-address", {"donor_address": address("1 Chapel Row", "Hebden Bridge",
                                                    "HX7 8AB")}),
    ])  # fmt: skip
    citizen.expect_page(FORM, "donor-age-warning")
    expect(citizen.heading).to_have_text("The donor must be at least 18 when they sign")
    expect(citizen.back_link).to_have_attribute("href", f"/{FORM}/donor-address")
    citizen.continue_()
    citizen.expect_page(FORM, "tasks")  # the warning is the task's last page
    assert citizen.task_statuses()["Donor details"] == "Completed"
    citizen.open_task("When and how the LPA can be used")
    citizen.expect_page(FORM, "life-sustaining-treatment")


def test_every_stop_page_has_a_test(live_app):
    assert stop_pages(live_app, FORM) == set()
