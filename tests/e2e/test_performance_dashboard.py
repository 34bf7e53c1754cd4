"""The performance dashboard in a browser: a service owner opens the prison visit booking's
figures, filters them to assisted digital in Welsh, downloads the CSV, and gets the filter's
errors explained; axe-core on every page, with JavaScript on and off.

The figures come from real journey events written through the store, as the journey's
views write them: a few journeys, not mocks.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import uuid

import pytest
from playwright.sync_api import expect

from .conftest import STAFF_PASSWORD, Citizen

pytestmark = pytest.mark.e2e

PRISON = "prison-visit-booking"


def journey_events(channel: str, language: str, submitted: bool) -> list[dict]:
    """One journey's events: started, a page or two, an error, submitted or not."""
    at = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=2)
    common = {
        "journey": uuid.uuid4().hex,
        "form_id": PRISON,
        "form_version": "1",
        "channel": channel,
        "language": language,
    }
    events = [
        {**common, "at": at, "kind": "started"},
        {**common, "at": at, "kind": "page_shown", "page": "prisoner_details"},
        {
            **common,
            "at": at,
            "kind": "validation_error",
            "page": "prisoner_details",
            "question": "prisoner_number",
            "detail": "invalid",
        },
    ]
    if submitted:
        events.append({**common, "at": at, "kind": "submitted", "value": 11})
    return events


def sign_in(person: Citizen, email: str) -> None:
    person.open("/staff/sign-in")
    person.page.get_by_label("Email address").fill(email)
    person.page.get_by_label("Password").fill(STAFF_PASSWORD)
    person.follow(person.page.get_by_role("button", name="Sign in"))


@pytest.fixture(scope="module")
def journeys(live_app) -> None:
    """Three assisted journeys in Welsh (two submitted) and one online in English, once for
    the module: the live app's database is the whole session's."""
    live_app.extensions["store"].record_events(
        journey_events("assisted", "cy", submitted=True)
        + journey_events("assisted", "cy", submitted=False)
        + journey_events("assisted", "cy", submitted=True)
        + journey_events("online", "en", submitted=True)
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_service_owner_filters_the_figures_and_downloads_them(
    citizen_at, base_url, make_staff, journeys, javascript
):
    owner = citizen_at(base_url, javascript=javascript)
    sign_in(owner, make_staff("performance", name="Sam Owner"))
    expect(owner.page).to_have_url(re.compile(r"/staff/performance/$"))
    expect(owner.heading).to_have_text("All forms")

    page = owner.page
    filters = page.get_by_role("form", name="Filter the figures")
    filters.get_by_label("Form").select_option(label="Book a prison visit")
    filters.get_by_label("Channel").select_option(label="Assisted digital")
    filters.get_by_label("Language").select_option(label="Welsh")
    owner.follow(page.get_by_role("button", name="Apply filters"))
    expect(page).to_have_url(re.compile(rf"/staff/performance/{PRISON}\?.*channel=assisted"))
    expect(owner.heading).to_have_text("Book a prison visit")
    expect(page.locator("#chosen-period")).to_contain_text(
        "Channel: Assisted digital. Language: Welsh."
    )
    # The three assisted Welsh journeys, not the online English one.
    started = page.locator(".govuk-summary-list__row", has_text="Started")
    expect(started.locator(".govuk-summary-list__value")).to_have_text("3")
    submitted = page.locator(".govuk-summary-list__row", has_text="Submitted")
    expect(submitted.locator(".govuk-summary-list__value")).to_have_text("2")
    expect(
        page.get_by_role("img", name=re.compile("Validation errors by question"))
    ).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download all figures (CSV)").click()
    content = download.value.path().read_text(encoding="utf-8-sig")  # a BOM, for Excel
    rows = list(csv.reader(io.StringIO(content)))
    # Every table, each under its caption: the summary counts the three Welsh assisted
    # journeys (two submitted), not the online one.
    assert ["Summary"] in rows
    assert ["Journeys started", "3", ""] in rows, content[:500]
    assert ["Journeys submitted", "2", "3"] in rows

    # A custom period that ends before it starts: the error summary, and axe again.
    filters.get_by_label("Custom").check()
    for name, day in (("Start date", "10"), ("End date", "1")):
        group = filters.get_by_role("group", name=name)
        group.get_by_label("Day").fill(day)
        group.get_by_label("Month").fill("3")
        group.get_by_label("Year").fill("2026")
    owner.follow(page.get_by_role("button", name="Apply filters"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("End date must be the same as or after the start date")
    expect(page).to_have_title(re.compile(r"^Error: Performance: Book a prison visit"))
