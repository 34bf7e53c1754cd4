"""The required pages, reached as an assessor would: from the footer of a question page,
each checked by axe-core; and the confirmation page's print link, with JavaScript on and off."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.live import serving

FOOTER_PAGES = {
    "Accessibility statement": ("/accessibility", "Accessibility statement for"),
    "Contact": ("/contact/prison-visit-booking", "Contact us"),
    "Cookies": ("/cookies", "Cookies"),
    "Privacy": ("/privacy/prison-visit-booking", "Privacy notice"),
}
SHORT_FORM = """\
id: print-test
version: 1
title: Tell us your name
organisation: Test Agency
sla_working_days: 5
contact: {phone: 0306 999 0777, hours: "Monday to Friday, 9am to 5pm"}
pages:
  - id: name
    questions:
      - {id: full_name, type: text, label: What is your full name?}
declaration:
  body: The information I have given is true.
"""


def test_every_required_page_is_linked_from_a_question_pages_footer(citizen):
    citizen.start("prison-visit-booking", "prisoner")
    banner = citizen.page.locator(".govuk-phase-banner")
    expect(banner).to_contain_text("This is a new service")
    expect(banner.get_by_role("link")).to_have_attribute("href", "/contact#feedback")
    for name, (path, heading) in FOOTER_PAGES.items():
        footer = citizen.page.locator("footer")
        citizen.follow(footer.get_by_role("link", name=name, exact=True))
        expect(citizen.page).to_have_url(re.compile(re.escape(path) + "$"))
        expect(citizen.heading).to_contain_text(heading)
        citizen.start("prison-visit-booking", "prisoner")


def test_the_feedback_section_and_the_service_wide_pages(citizen):
    citizen.open("/")
    citizen.follow(citizen.page.locator("footer").get_by_role("link", name="Privacy"))
    expect(citizen.page).to_have_url(re.compile(r"/privacy$"))
    citizen.follow(citizen.page.locator("footer").get_by_role("link", name="Contact"))
    expect(citizen.page.locator("#feedback")).to_have_text("Give feedback about this service")


@pytest.fixture(scope="module")
def print_server(make_live_app, tmp_path_factory) -> Iterator[str]:
    folder: Path = tmp_path_factory.mktemp("print-forms")
    (folder / "print-test.yaml").write_text(SHORT_FORM)
    with serving(make_live_app(FORMS_DEFINITIONS_DIR=folder)) as url:
        yield url


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_confirmation_page_prints(citizen_at, print_server, javascript):
    citizen = citizen_at(print_server, javascript=javascript)
    citizen.start("print-test")
    citizen.answer(full_name="Amara Okafor")
    citizen.continue_()
    citizen.accept_and_send("print-test")
    page = citizen.page
    expect(page.get_by_role("heading", name="What happens next")).to_be_visible()
    expect(page.get_by_text("We will contact you within 5 working days")).to_be_visible()
    expect(page.get_by_text("0306 999 0777")).to_be_visible()
    print_button = page.get_by_role("button", name="Print this page")
    instead = page.get_by_text("use your browser’s print option")
    if javascript:
        expect(instead).to_be_hidden()
        page.evaluate("window.print = () => { window.printed = true; }")
        print_button.click()
        assert page.evaluate("window.printed === true")
    else:
        expect(print_button).to_be_hidden()
        expect(instead).to_be_visible()
    page.emulate_media(media="print")
    for chrome in (".govuk-header", ".govuk-footer", ".govuk-phase-banner"):
        expect(page.locator(chrome)).to_be_hidden()
    expect(page.locator(".govuk-panel__title")).to_have_css("color", "rgb(11, 12, 12)")
    expect(page.locator(".govuk-panel__body strong")).to_be_visible()
