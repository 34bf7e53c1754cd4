"""A form's journey map in the staff area, in a browser with and without JavaScript: the
picture and the outline pass axe, and the picture can be scrolled from the keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import Citizen
from .test_casework import sign_in

pytestmark = pytest.mark.e2e

PRISON = "prison-visit-booking"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_caseworker_reads_the_journey_map_of_their_form(request, make_staff, javascript):
    person: Citizen = request.getfixturevalue("citizen" if javascript else "citizen_without_js")
    email = make_staff("caseworker", [PRISON])
    person.open("/staff/sign-in")
    sign_in(person, email)  # axe runs on every page reached
    person.follow(person.page.get_by_role("link", name="Forms", exact=True))
    expect(person.heading).to_have_text("Forms")
    person.follow(person.page.get_by_role("link", name=re.compile("^Journey map")))
    expect(person.heading).to_have_text("Book a prison visit")
    picture = person.page.get_by_role("img", name="Journey map: Book a prison visit")
    expect(picture).to_be_visible()
    region = person.page.get_by_role("region", name=re.compile("Journey map picture"))
    region.focus()
    expect(region).to_be_focused()
    outline = person.page.locator(".app-journey-outline")
    expect(outline).to_contain_text("Exit page: the journey ends here")
    expect(outline).to_contain_text("Asked for each visitor:")
