"""The GOV.UK feedback page after the confirmation page, in a browser with axe-core on every
page (its errors too), with JavaScript on and off: the rating is required, the comment's
character count, and the thank-you page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.live import serving

DEFINITION = """\
id: feedback-test
version: 1
title: Apply for a test licence
pages:
  - id: name
    questions:
      - {id: full_name, type: text, label: Full name}
declaration:
  body: The information I have given is true.
"""


@pytest.fixture(scope="module")
def server(make_live_app, tmp_path_factory):
    folder = tmp_path_factory.mktemp("feedback-definitions")
    (folder / "feedback-test.yaml").write_text(DEFINITION, encoding="utf-8")
    with serving(make_live_app(FORMS_DEFINITIONS_DIR=folder)) as url:
        yield url


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_citizen_rates_the_service_after_sending_a_form(citizen_at, server, javascript):
    citizen = citizen_at(server, javascript=javascript)
    citizen.start("feedback-test")
    citizen.walk("feedback-test", [("name", {"full_name": "Jo Bloggs"})])
    citizen.accept_and_send("feedback-test")
    page = citizen.page
    citizen.follow(page.get_by_role("link", name="What did you think of this service?"))
    expect(page).to_have_url(f"{server}/feedback-test/feedback")
    expect(citizen.heading).to_have_text("Give feedback on Apply for a test licence")
    send = page.get_by_role("button", name="Send feedback")
    citizen.follow(send)
    citizen.expect_errors(rating="Select how you felt about the service")
    comment = page.get_by_label("How could we improve this service? (optional)")
    comment.fill("x" * 1201)
    if javascript:  # the character count says so as they type
        expect(page.get_by_text("You have 1 character too many").first).to_be_visible()
    page.get_by_label("Satisfied", exact=True).check()
    citizen.follow(page.get_by_role("button", name="Send feedback"))
    citizen.expect_errors(
        comment="How could we improve this service must be 1,200 characters or fewer"
    )
    expect(page.get_by_label("Satisfied", exact=True)).to_be_checked()
    page.get_by_label("How could we improve this service? (optional)").fill(
        "Clear questions.\nThank you."
    )
    citizen.follow(page.get_by_role("button", name="Send feedback"))
    expect(citizen.heading).to_have_text("Thank you for your feedback")
    expect(page.get_by_role("link", name="Go back to Apply for a test licence")).to_be_visible()
