"""A Welsh speaker books a prison visit in Welsh, in the browser, with axe on every page:
errors shown in Welsh, a change of language half-way that loses nothing typed, save and
come back from a Welsh email in another browser, a Welsh confirmation and a Welsh PDF, while
a caseworker can still have the PDF in English. Every page is <html lang="cy"> (the
Citizen checks each one) except the English ones visited on purpose.
"""

from __future__ import annotations

import datetime
import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from .conftest import require_form
from .test_prison_visit_booking import DAY, NO_OTHER_VISITORS, contact, prisoner

pytestmark = pytest.mark.e2e

FORM = "prison-visit-booking"
ENGLISH_UI = ("Continue", "There is a problem", "Enter ", "Back", "Change", "Save and come back")


def no_english(text: str, where: str) -> None:
    found = [words for words in ENGLISH_UI if words in text]
    assert not found, f"English on {where}: {found}"


def pdf_text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_welsh_speaker_books_a_visit_in_welsh(citizen_at, mail_server, mail_app, inbox, today):
    require_form(mail_app, FORM)
    email = f"sian.{today:%Y%m%d}.{id(today) % 10_000}@example.com"
    citizen = citizen_at(mail_server)
    citizen.language = "cy"
    citizen.open(f"/{FORM}/?lang=cy")
    expect(citizen.heading).to_have_text("Trefnu ymweliad â charchar")
    expect(citizen.page.locator(".app-language-switcher [aria-current]")).to_have_text("Cymraeg")
    switch = citizen.page.locator('.app-language-switcher a[hreflang="en"]')
    expect(switch).to_have_attribute("lang", "en")
    citizen.follow(citizen.page.get_by_role("button", name="Dechrau nawr"))

    # Nothing answered: the error summary and messages are Welsh, whole sentences.
    citizen.expect_page(FORM, "prisoner")
    citizen.continue_()
    pairs = citizen.expect_errors(
        prisoner_first_name="enw cyntaf y carcharor",
        prisoner_last_name=None, prisoner_dob=None, prisoner_number=None, prison=None,
    )  # fmt: skip
    no_english(citizen.page.locator("main").inner_text(), "the first page with errors")
    assert all(not text.startswith("Enter") for text, _ in pairs)
    citizen.walk(FORM, [
        ("prisoner", prisoner()),
        ("visit-first-choice", {"visit_date_1": today + DAY * 6, "visit_time_1": "morning"}),
        ("visit-second-choice", {}),
    ])  # fmt: skip

    # Half-way, the citizen types their name, then changes to English before sending it:
    # the page comes back in English with what they typed, and back in Welsh again.
    citizen.expect_page(FORM, "visitor-details")
    citizen.answer(lead_visitor_first_name="Siân", lead_visitor_last_name="Evans")
    citizen.language = "en"
    citizen.follow(citizen.page.locator('.app-language-switcher a[hreflang="en"]'))
    citizen.expect_page(FORM, "visitor-details")
    expect(citizen.page.locator('[name="lead_visitor_first_name"]')).to_have_value("Siân")
    expect(citizen.page.locator('[name="lead_visitor_last_name"]')).to_have_value("Evans")
    expect(citizen.page.get_by_role("button", name="Continue", exact=True)).to_be_visible()
    expect(citizen.page.locator(".govuk-error-summary")).to_have_count(0)  # not checked yet
    citizen.language = "cy"
    citizen.follow(citizen.page.locator('.app-language-switcher a[hreflang="cy"]'))
    expect(citizen.page.locator('[name="lead_visitor_first_name"]')).to_have_value("Siân")
    citizen.walk(FORM, [("visitor-details", {"lead_visitor_dob": datetime.date(1990, 11, 3)})])

    # Save and come back later: the pages and the email are Welsh.
    citizen.expect_page(FORM, "visitor-contact")
    citizen.answer({**contact(), "visitor_email": email, "visitor_email-confirm": email})
    citizen.follow(citizen.page.get_by_role("button", name="Cadw a dod yn ôl yn nes ymlaen"))
    no_english(citizen.page.locator("main").inner_text(), "the save page")
    citizen.page.locator('input[name="email"]').fill(email)
    citizen.follow(citizen.page.locator("form .govuk-button"))
    expect(citizen.page.locator("main")).to_contain_text(email)
    message = inbox.last_to(email)
    body = message.get_body(("plain",)).get_content()
    assert "Trefnu ymweliad â charchar" in message["Subject"]
    no_english(message["Subject"] + body, "the resume email")
    assert re.search(
        r"\d{1,2} (Ionawr|Chwefror|Mawrth|Ebrill|Mai|Mehefin|Gorffennaf|Awst|Medi|Hydref|Tachwedd|Rhagfyr) \d{4}",
        body,
    )
    link = re.search(r"https?://[^/\s]+(/resume/\S+)", body)[1]
    assert link.endswith("?lang=cy")

    # Another browser (in English until the link says otherwise) resumes in Welsh.
    again = citizen_at(mail_server)
    again.language = "cy"
    again.open(link)
    no_english(again.page.locator("main").inner_text(), "the resume page")
    again.follow(again.page.locator("main form .govuk-button"))
    again.expect_page(FORM, "visitors")
    again.walk(FORM, [
        NO_OTHER_VISITORS,
        ("additional-support", {"needs_support": "no"}),
    ])  # fmt: skip
    expect(again.page).to_have_url(re.compile(rf"/{FORM}/check-your-answers$"))
    check = again.page.locator("main").inner_text()
    no_english(check, "check your answers")
    assert "28 Ebrill 1988" in check and "Siân" in check
    reference = again.accept_and_send(FORM)
    confirmation = again.page.locator("main").inner_text()
    assert reference in confirmation
    no_english(confirmation, "the confirmation page")

    # The PDF is Welsh (service words and form words); a caseworker can have it in English.
    from forms_service.views.common import make_pdf, store

    with mail_app.test_request_context():
        submission = store().get_submission(reference)
        assert submission.language == "cy"
        welsh = pdf_text(make_pdf(submission))
        english = pdf_text(make_pdf(submission, "en"))
    assert "Trefnu ymweliad â charchar" in welsh and "Book a prison visit" not in welsh
    assert "Tudalen 1 o" in welsh and "Page 1 of" not in welsh
    assert "28 Ebrill 1988" in welsh and "Siân" in welsh
    assert "Book a prison visit" in english and "28 April 1988" in english
    assert "Siân" in english  # answers as given
