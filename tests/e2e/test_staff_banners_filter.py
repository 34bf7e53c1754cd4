"""A caseworker is told what each action did, and works the MoJ filter, with JavaScript on
and off: axe-core runs on every page (Citizen.follow)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .test_casework import PRISON, insert_submission, sign_in


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_banner_after_a_status_change_and_filter_tags(
    javascript, citizen_at, base_url, make_staff, live_app
):
    reference = insert_submission(live_app, PRISON, {"prisoner_number": "A1234BC"}, "Rhys Banner")
    email = make_staff("caseworker", [PRISON], name="Casey Banner")
    caseworker = citizen_at(base_url, javascript=javascript)
    page = caseworker.page
    caseworker.open("/staff/sign-in")
    sign_in(caseworker, email)

    # The MoJ filter: apply form and status; each shows as a tag that removes it.
    page.get_by_label("Form", exact=True).select_option(label="Book a prison visit")
    page.get_by_label("Status", exact=True).select_option(label="Received")
    caseworker.follow(page.get_by_role("button", name="Apply filters"))
    selected = page.locator(".moj-filter__selected")
    expect(selected.get_by_role("heading", name="Selected filters")).to_be_visible()
    expect(selected.get_by_role("link", name="Remove this filter Received")).to_be_visible()
    caseworker.follow(selected.get_by_role("link", name="Remove this filter Received"))
    expect(page).not_to_have_url(re.compile(r"status="))
    expect(page).to_have_url(re.compile(rf"form={PRISON}"))
    expect(page.get_by_label("Status", exact=True)).to_have_value("")
    caseworker.follow(page.get_by_role("link", name="Clear filters"))
    expect(page.locator(".moj-filter__selected")).to_have_count(0)

    # A reversed date range is refused with the GOV.UK error summary.
    page.get_by_role("group", name="Submitted from").get_by_label("Day").fill("4")
    page.get_by_role("group", name="Submitted from").get_by_label("Month").fill("12")
    page.get_by_role("group", name="Submitted from").get_by_label("Year").fill("2026")
    page.get_by_role("group", name="Submitted to").get_by_label("Day").fill("1")
    page.get_by_role("group", name="Submitted to").get_by_label("Month").fill("12")
    page.get_by_role("group", name="Submitted to").get_by_label("Year").fill("2026")
    caseworker.follow(page.get_by_role("button", name="Apply filters"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Submitted to must be the same as or after 4 December 2026")

    # A status change: the success banner says what it did, once.
    caseworker.open(f"/staff/submissions/{reference}")
    page.get_by_label("Accepted").check()
    caseworker.follow(page.get_by_role("button", name="Save status"))
    banner = page.get_by_role("alert")
    expect(banner).to_contain_text("Status changed to Accepted")
    if javascript:  # govuk-frontend moves focus to it, so it is read out
        expect(banner).to_be_focused()
    expect(page.locator("h1 .govuk-tag--green")).to_have_text("Accepted")
    caseworker.open(f"/staff/submissions/{reference}")
    expect(page.get_by_role("alert")).to_have_count(0)
