"""The audit log in a browser: sentences, filters as a GET form, date errors, axe-clean,
with JavaScript on and off (`follow` runs axe-core on every page it reaches)."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from .conftest import Citizen
from .test_casework import signed_in


def audit_texts(person: Citizen) -> list[str]:
    return [t.strip() for t in person.page.locator("main table tbody tr").all_inner_texts()]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_an_administrator_filters_the_audit_log(
    staff_browser, citizen_at, base_url, make_staff, javascript
):
    name = f"Priya Shah {uuid.uuid4().hex[:6]}"  # one of a kind in the shared live app
    caseworker_email = make_staff("caseworker", [], name=name)
    caseworker = staff_browser()
    signed_in(caseworker, caseworker_email)
    caseworker.open("/staff/?status=received")  # a second list: written once

    admin = citizen_at(base_url, javascript=javascript)
    signed_in(admin, make_staff("admin", name="Ada Admin"))
    menu = admin.page.get_by_role("navigation", name="Menu")
    admin.follow(menu.get_by_role("link", name="Audit log"))
    expect(admin.heading).to_have_text("Audit log")

    admin.page.get_by_label("Who").select_option(label=name)
    admin.follow(admin.page.get_by_role("button", name="Apply filters"))
    rows = audit_texts(admin)
    assert rows and all(name in row for row in rows), rows
    assert any("Looked at the inbox, filtered by status: Received" in row for row in rows)
    assert any("Signed in" in row for row in rows)
    assert sum("Looked at the inbox" in row for row in rows) == 2

    # A date that does not exist: a GOV.UK error summary linking to the field.
    admin.page.get_by_role("group", name="Date from").get_by_label("Day").fill("31")
    admin.page.get_by_role("group", name="Date from").get_by_label("Month").fill("2")
    admin.page.get_by_role("group", name="Date from").get_by_label("Year").fill("2026")
    admin.follow(admin.page.get_by_role("button", name="Apply filters"))
    summary = admin.page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Date from must be a real date")
    expect(admin.page).to_have_title(re.compile(r"^Error: Audit log"))
    # What was chosen and typed stays.
    expect(admin.page.get_by_label("Who").locator("option:checked")).to_have_text(name)
    expect(admin.page.get_by_role("group", name="Date from").get_by_label("Day")).to_have_value(
        "31"
    )
