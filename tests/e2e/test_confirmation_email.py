"""The confirmation page's "Get a confirmation email", in a browser with axe-core on every
page (its error too), with JavaScript on and off, and the email it queues."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import smtp_config
from tests.live import serving

DEFINITION = """\
id: confirmation-email-test
version: 1
title: Apply for a test licence
sla_working_days: 3
confirmation_email: {copy_of_answers: true}
pages:
  - id: name
    questions:
      - {id: full_name, type: text, label: Full name}
  - id: contact
    questions:
      - {id: email, type: email, optional: true, label: Email address}
declaration:
  body: The information I have given is true.
"""


@pytest.fixture(scope="module")
def server(make_live_app, inbox, tmp_path_factory):
    folder = tmp_path_factory.mktemp("confirmation-email-definitions")
    (folder / "confirmation-email-test.yaml").write_text(DEFINITION, encoding="utf-8")
    app = make_live_app(FORMS_DEFINITIONS_DIR=folder, **smtp_config(inbox))
    with serving(app) as url:
        yield url


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_citizen_without_an_email_answer_asks_for_a_confirmation(
    citizen_at, server, inbox, javascript
):
    citizen = citizen_at(server, javascript=javascript)
    address = f"jo-{uuid.uuid4().hex[:8]}@example.com"
    citizen.start("confirmation-email-test")
    citizen.walk(
        "confirmation-email-test",
        [("name", {"full_name": "Jo <Bloggs>"}), ("contact", {"email": ""})],
    )
    reference = citizen.accept_and_send("confirmation-email-test")
    page = citizen.page
    expect(page.get_by_role("heading", name="Get a confirmation email")).to_be_visible()
    send = page.get_by_role("button", name="Send confirmation email")
    page.get_by_label("Email address").fill("not an address")
    citizen.follow(send)
    citizen.expect_errors(email="Enter an email address in the correct format")
    page.get_by_label("Email address").fill(address)
    citizen.follow(page.get_by_role("button", name="Send confirmation email"))
    expect(page.get_by_text(f"We have sent a confirmation email to {address}.")).to_be_visible()
    expect(page.get_by_role("heading", name="Get a confirmation email")).to_have_count(0)
    message = inbox.last_to(address, timeout=15)
    assert reference in message["Subject"]
    assert "Jo &lt;Bloggs&gt;" in message.get_body(("html",)).get_content()
