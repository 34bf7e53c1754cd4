"""Assisted digital in a browser: a member of staff fills a form in for someone.

The product owner's "done when": an assisted-digital officer takes a phone call and submits
a complete prison visit request on the caller's behalf in one sitting, and a caseworker can
tell at a glance that it was assisted, by whom and how. Every page goes through axe-core,
with and without errors shown.
"""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from .test_casework import download, sign_in
from .test_prison_visit_booking import (
    DAY,
    FORM,
    NO_OTHER_VISITORS,
    lead_visitor,
    other_visitor,
    prisoner,
)

pytestmark = pytest.mark.e2e
NO_EMAIL = {"visitor_email": "", "visitor_email-confirm": "", "visitor_phone": "07700 900 982"}


def start_for_someone(person, method: str, name: str) -> None:
    """From the drafts page: start the prison visit form for someone."""
    person.follow(person.page.get_by_role("button", name="Start a form for someone"))
    expect(person.heading).to_have_text("Start a form for someone")
    person.page.get_by_label("Book a prison visit").check()
    person.page.locator(f'input[name="method"][value="{method}"]').check()
    person.page.get_by_label("What is the name of the person you are helping?").fill(name)
    person.follow(person.page.get_by_role("button", name="Start"))


def answer_prison_visit(person, today, contact: dict) -> None:
    person.walk(FORM, [
        ("prisoner", prisoner()),
        ("visit-first-choice", {"visit_date_1": today + DAY * 6, "visit_time_1": "morning"}),
        ("visit-second-choice", {}),
        ("visitor-details", lead_visitor()),
        ("visitor-contact", contact),
        ("visitors", {"add_another": True}),
        ("visitors/1/other-visitor-details", other_visitor("Nia", today - DAY * 365 * 5)),
        NO_OTHER_VISITORS,
        ("additional-support", {"needs_support": "no"}),
    ])  # fmt: skip


def test_a_phone_call_becomes_a_prison_visit_request(make_staff, staff_browser, today):
    officer = staff_browser()
    email = make_staff("assisted_digital", name="Al Assisted")
    officer.open("/staff/sign-in")
    sign_in(officer, email)
    expect(officer.heading).to_have_text("Forms you are filling in for someone")

    # Starting without the method and the name is refused with GOV.UK errors.
    officer.follow(officer.page.get_by_role("button", name="Start a form for someone"))
    officer.follow(officer.page.get_by_role("button", name="Start"))
    officer.expect_errors(
        form="Select the form",
        method="Select how you are helping",
        name="Enter the name of the person you are helping",
    )
    officer.open("/staff/assisted/")
    start_for_someone(officer, "telephone", "Ana Silva")

    banner = officer.page.locator(".app-assisted-banner")
    expect(banner).to_contain_text(
        "You are completing Book a prison visit for Ana Silva, by telephone"
    )
    expect(officer.page.get_by_role("button", name="End and save")).to_be_visible()
    answer_prison_visit(officer, today, NO_EMAIL)  # the caller has no email address
    officer.expect_check_answers(FORM)
    send = officer.page.get_by_role("button", name="Accept and send")
    officer.follow(send)  # without confirming the declaration first
    officer.expect_errors(declaration="Confirm the declaration for the applicant")
    officer.page.get_by_label(
        "I confirm that I read the declaration to the applicant and they agreed to it"
    ).check()
    officer.follow(send)
    expect(officer.heading).to_have_text("Form sent")
    reference = officer.page.locator(".govuk-panel__body strong").inner_text().strip()
    expect(officer.page.locator("main")).to_contain_text(
        "Completed by Al Assisted on behalf of the applicant (telephone)"
    )
    assert re.fullmatch(r"PVB-[A-Z0-9]{4}-[A-Z0-9]{4}", reference)

    # A caseworker tells at a glance that it was assisted, by whom and how.
    caseworker = staff_browser()
    caseworker.open("/staff/sign-in")
    sign_in(caseworker, make_staff("caseworker", [FORM]))
    row = caseworker.page.locator("tbody tr", has_text=reference)
    expect(row).to_contain_text("Assisted")
    caseworker.follow(row.get_by_role("link", name=reference))
    record = "Completed by Al Assisted on behalf of the applicant (telephone)"
    expect(caseworker.page.locator("main")).to_contain_text(record)
    expect(caseworker.page.locator("main")).to_contain_text("Ana Silva")
    _, pdf = download(caseworker, "Download PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Al Assisted" in " ".join(text.split())


def test_save_half_way_and_finish_on_another_browser(make_staff, staff_browser, today):
    email = make_staff("assisted_digital", name="Al Assisted")
    first = staff_browser()
    first.open("/staff/sign-in")
    sign_in(first, email)
    start_for_someone(first, "face_to_face", "Ben Okafor")
    first.walk(FORM, [("prisoner", prisoner())])
    first.expect_page(FORM, "visit-first-choice")
    first.follow(first.page.get_by_role("button", name="End and save"))
    expect(first.page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your answers are saved"
    )
    first.follow(first.page.get_by_role("button", name="Sign out"))

    second = staff_browser()  # a fresh browser: nothing shared with the first
    second.open("/staff/sign-in")
    sign_in(second, email)
    row = second.page.locator("tbody tr", has_text="Ben Okafor")
    expect(row).to_contain_text("Face to face")
    second.follow(row.get_by_role("link", name="Continue"))
    second.expect_page(FORM, "visit-first-choice")
    second.walk(FORM, [
        ("visit-first-choice", {"visit_date_1": today + DAY * 7, "visit_time_1": "afternoon"}),
        ("visit-second-choice", {}),
        ("visitor-details", lead_visitor()),
        ("visitor-contact", NO_EMAIL),
        ("visitors", {"add_another": False}),
        ("additional-support", {"needs_support": "no"}),
    ])  # fmt: skip
    second.expect_check_answers(FORM)
    second.page.locator('input[name="declaration"]').check()
    second.follow(second.page.get_by_role("button", name="Accept and send"))
    expect(second.heading).to_have_text("Form sent")
    # It leaves the drafts, and is listed with the forms sent for someone.
    second.open("/staff/assisted/")
    drafts = second.page.locator("table", has_text="Your drafts")
    expect(drafts).to_have_count(0)
    sent = second.page.locator("table", has_text="Forms you sent for someone")
    expect(sent).to_contain_text("Ben Okafor")


def test_a_paper_form_keyed_in_shows_the_paper_declaration(make_staff, staff_browser, today):
    clerk = staff_browser()
    email = make_staff("assisted_digital", name="Pat Post")
    clerk.open("/staff/sign-in")
    sign_in(clerk, email)
    start_for_someone(clerk, "paper", "Jo Letter")
    expect(clerk.page.locator(".app-assisted-banner")).to_contain_text(
        "from a paper form received by post"
    )
    answer_prison_visit(clerk, today, NO_EMAIL)
    clerk.expect_check_answers(FORM)
    expect(clerk.page.locator("main")).to_contain_text(
        "I confirm that these answers are copied from the paper form the applicant signed"
    )
