"""The prison list of the prison visit form: no closed prisons, Welsh names, each option's
name in the other language for the autocomplete, and the exit page's way back."""

from __future__ import annotations

import html as html_lib
import re

from tests.citizen import Citizen
from tests.prison_visit import FORM, PRISONER

CLOSED = ("holloway", "kennet", "reading", "shrewsbury")


def options(html: str) -> dict[str, tuple[str, str]]:
    """The prison select's options: {value: (text, data-other-names)}."""
    select = re.search(r'<select[^>]*name="prison".*?</select>', html, re.S).group(0)
    found = {}
    for attrs, text in re.findall(r"<option([^>]*)>([^<]*)</option>", select):
        value = re.search(r'value="([^"]*)"', attrs).group(1)
        other = re.search(r'data-other-names="([^"]*)"', attrs)
        found[value] = (html_lib.unescape(text), html_lib.unescape(other.group(1) if other else ""))
    return found


def test_closed_prisons_are_not_offered_and_cannot_be_sent(client, app):
    citizen = Citizen(client)
    page = options(citizen.get(f"/{FORM}/prisoner").get_data(as_text=True))
    assert not set(CLOSED) & set(page)
    assert page["parc"] == ("HMP Parc", "CEF Parc")  # private prisons stay
    response = citizen.post_with_errors(f"/{FORM}/prisoner", {**PRISONER, "prison": "holloway"})
    assert "Select prison name" in response.get_data(as_text=True)


def test_welsh_prisons_have_welsh_names_and_each_name_is_there_for_the_other_language(client):
    citizen = Citizen(client)
    welsh = options(citizen.get(f"/{FORM}/prisoner?lang=cy").get_data(as_text=True))
    assert welsh["cardiff"] == ("CEF Caerdydd", "HMP Cardiff")
    assert welsh["swansea"] == ("CEF Abertawe", "HMP Swansea")
    assert welsh["usk"] == ("CEF Brynbuga", "HMP Usk")
    assert welsh["berwyn"] == ("CEF Berwyn", "HMP Berwyn")
    assert welsh["bristol"] == ("CEF Bristol", "HMP Bristol")
    english = options(citizen.get(f"/{FORM}/prisoner?lang=en").get_data(as_text=True))
    assert english["cardiff"] == ("HMP Cardiff", "CEF Caerdydd")
    assert all(text.startswith("HMP ") for value, (text, _) in english.items() if value)


def test_the_exit_page_links_back_to_the_prison_question(client):
    citizen = Citizen(client)
    citizen.get(f"/{FORM}/prisoner")
    response = citizen.post(f"/{FORM}/prisoner", {**PRISONER, "prison": "thameside"})
    assert response.location == f"/{FORM}/prison-unavailable"
    page = citizen.get(response.location).get_data(as_text=True)
    assert "Contact the prison directly to book your visit" in page
    assert "This prison has closed" not in page
    back = re.search(r'<a href="([^"]+)" class="govuk-back-link"', page)
    assert back and back.group(1) == f"/{FORM}/prisoner"
    link = re.search(r'<a class="govuk-link" href="([^"]+)">Change prison name</a>', page)
    assert link and link.group(1) == f"/{FORM}/prisoner#prison"
    # Choosing a prison that takes bookings here goes on with the booking.
    response = citizen.post(f"/{FORM}/prisoner", {**PRISONER, "prison": "bristol"})
    assert response.location == f"/{FORM}/visit-first-choice"
