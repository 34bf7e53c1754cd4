"""Check your answers through the Flask client: summary cards for repeat items, the hidden
text of Change links, compound answers on one row, and the declaration with and without
its tick box."""

from __future__ import annotations

import html as html_lib
import re

import pytest

from forms_service.passwords import hash_password
from tests.citizen import Citizen
from tests.staff import PASSWORD, signed_in
from tests.test_pages import MAIN_ROUTE

PVB = "prison-visit-booking"
CICA = "criminal-injuries-compensation"
AMARA = {"visitor_first_name": "Amara", "visitor_last_name": "Okafor"}


def with_two_visitors(app, citizen: Citizen) -> str:
    """Walk the prison visit form adding two other visitors (Amara Okafor second)."""
    form = app.extensions["forms"][PVB]
    citizen.walk(form, MAIN_ROUTE[PVB], until="visitors")
    for number, names in ((1, {"visitor_first_name": "Tom", "visitor_last_name": "Okafor"}),
                          (2, AMARA)):  # fmt: skip
        assert citizen.post(f"/{PVB}/visitors", {"add_another": "yes"}).status_code == 302
        url = f"/{PVB}/visitors/{number}/other-visitor-details"
        citizen.get(url)
        fields = {
            **names,
            "visitor_dob-day": "3",
            "visitor_dob-month": "4",
            "visitor_dob-year": "2015",
        }
        assert citizen.post(url, fields).status_code == 302
    after = citizen.post(f"/{PVB}/visitors", {"add_another": "no"}).location
    citizen.get(after)
    return citizen.post(after, {"needs_support": "no"}).location


def cards(html: str) -> list[str]:
    return re.findall(r'<div class="govuk-summary-card">.*?</dl>', html, re.S)


def hidden(html: str) -> list[str]:
    """The visually hidden texts of links, as a screen reader reads them after "Change"."""
    return [
        " ".join(html_lib.unescape(t).split())
        for t in re.findall(r'<span class="govuk-visually-hidden">(.*?)</span>', html, re.S)
    ]


def test_each_repeat_item_is_a_summary_card_titled_with_the_item(client, app):
    citizen = Citizen(client)
    check = citizen.get(with_two_visitors(app, citizen)).get_data(as_text=True)
    tom, amara = cards(check)
    title = re.search(r'<h3 class="govuk-summary-card__title">\s*(.*?)\s*</h3>', amara).group(1)
    assert title == "Visitor 2: Amara Okafor"
    assert "Visitor 1: Tom Okafor" in tom
    # The card's actions are the add-another page's: change the item, or remove it, and
    # come back here.
    actions = re.findall(r'<li class="govuk-summary-card__action">\s*<a[^>]*href="([^"]+)"', amara)
    assert actions == [
        f"/{PVB}/visitors/2/other-visitor-details?change=1",
        f"/{PVB}/visitors/2/remove?change=1",
    ]
    # Every link names what it changes, and inside a card, the item.
    assert hidden(amara) == [
        "(Visitor 2: Amara Okafor)",
        "(Visitor 2: Amara Okafor)",
        "first name (Visitor 2: Amara Okafor)",
        "last name (Visitor 2: Amara Okafor)",
        "date of birth (Visitor 2: Amara Okafor)",
    ]
    outside = check[: check.index('<div class="govuk-summary-card">')]
    assert "prisoner&#39;s first name" in outside and "date of birth" in hidden(outside)
    assert "other visitors" in hidden(outside)  # the row leading to the add-another page


def test_removing_an_item_from_its_card_comes_back_to_check_your_answers(client, app):
    citizen = Citizen(client)
    with_two_visitors(app, citizen)
    citizen.get(f"/{PVB}/visitors/1/remove?change=1")
    response = citizen.post(f"/{PVB}/visitors/1/remove?change=1", {"remove": "yes"})
    assert response.location == f"/{PVB}/visitors?change=1"
    response = citizen.post(f"/{PVB}/visitors?change=1", {"add_another": "no"})
    assert response.location == f"/{PVB}/check-your-answers"
    check = citizen.get(response.location).get_data(as_text=True)
    [card] = cards(check)
    assert "Visitor 1: Amara Okafor" in card and "Tom" not in check


def test_a_name_and_an_address_are_one_row_each(client, app):
    form = app.extensions["forms"][CICA]
    citizen = Citizen(client)
    name = {"applicant_name-first": "Siân", "applicant_name-last": "O'Connor-Jones"}
    address = {
        "applicant_address-line1": "Flat 2",
        "applicant_address-line2": "12 Heol y Frenhines",
        "applicant_address-town": "Caerdydd",
        "applicant_address-postcode": "CF10 2BH",
    }
    overrides = {**MAIN_ROUTE[CICA], "applicant_name": name, "applicant_address": address}
    check = citizen.get(citizen.walk(form, overrides)).get_data(as_text=True)
    rows = re.findall(
        r'<dt class="govuk-summary-list__key">\s*(.*?)\s*</dt>\s*'
        r'<dd class="govuk-summary-list__value">\s*(.*?)\s*</dd>',
        check,
        re.S,
    )
    rows = {html_lib.unescape(k): html_lib.unescape(v) for k, v in rows}
    assert rows["What is your name?"] == "Siân O'Connor-Jones"
    assert rows["What is your address?"] == "Flat 2<br>12 Heol y Frenhines<br>Caerdydd<br>CF10 2BH"
    values = set(rows.values())
    assert not {"Siân", "O'Connor-Jones", "Flat 2", "Caerdydd", "CF10 2BH"} & values


def test_without_a_tick_box_in_the_definition_accept_and_send_is_the_agreement(client, app):
    # The prison visit form's declaration has no confirm_label.
    citizen = Citizen(client)
    check = citizen.get(with_two_visitors(app, citizen)).get_data(as_text=True)
    assert 'name="declaration"' not in check and 'type="checkbox"' not in check
    assert "Now send your application" in check
    assert "The information I have given is true to the best of my knowledge" in check
    assert re.search(r"<button[^>]*>\s*Accept and send\s*</button>", check)
    response = citizen.post(f"/{PVB}/check-your-answers", {})
    assert response.location == f"/{PVB}/confirmation"
    assert app.extensions["store"].count_submissions(PVB) == 1


def test_with_a_tick_box_in_the_definition_it_shows_the_definitions_label(client, app):
    form = app.extensions["forms"][CICA]
    citizen = Citizen(client)
    check = citizen.get(citizen.walk(form, MAIN_ROUTE[CICA])).get_data(as_text=True)
    assert 'name="declaration"' in check and "Now send your application" not in check
    assert "I have read and understood the declaration" in check
    refused = citizen.post_with_errors(f"/{CICA}/check-your-answers", {})
    assert "Confirm that you have read and agree" in refused.get_data(as_text=True)
    done = citizen.post(f"/{CICA}/check-your-answers", {"declaration": "yes"})
    assert done.location == f"/{CICA}/confirmation"


@pytest.fixture
def staff_app(make_app):
    app = make_app()
    app.extensions["store"].create_user(
        "al@example.com", "Al Assisted", ["assisted_digital"], [PVB], hash_password(PASSWORD)
    )
    return app


def test_staff_still_tick_their_confirmation_where_citizens_have_no_box(staff_app):
    al = signed_in(staff_app, "al@example.com")
    al.get("/staff/assisted/start")
    started = al.post(
        "/staff/assisted/start", {"form": PVB, "method": "telephone", "name": "Ana Silva"}
    )
    al.base = started.location.removesuffix(f"/{PVB}/")
    form = staff_app.extensions["forms"][PVB]
    no_email = {"visitor_email": {"visitor_email": "", "visitor_email-confirm": ""}}
    stop = al.walk(form, {**MAIN_ROUTE[PVB], **no_email})
    check = al.get(stop).get_data(as_text=True)
    assert 'name="declaration"' in check and "Now send your application" not in check
    assert "I confirm that I read the declaration to the applicant and they agreed to it" in check
    refused = al.post_with_errors(stop, {})
    assert "Confirm the declaration for the applicant" in refused.get_data(as_text=True)
    assert al.post(stop, {"declaration": "yes"}).status_code == 302
