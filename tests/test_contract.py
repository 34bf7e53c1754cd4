"""Definitions written to the contract alone, through the Flask client: keys left out get
the service's defaults, error message kinds by the name of their limit, placeholders for
parts of compound answers."""

from __future__ import annotations

import re
import textwrap

import pytest

from tests.citizen import Citizen

DEFAULTS = """\
id: contract-defaults
version: 1
title: Apply for a thing
pages:
  - id: eligible
    questions:
      - {id: over_18, type: yes_no, label: Are you 18 or over?}
  - id: too-young
    type: exit
    when: "over_18 == false"
    body: You must be 18 or over to apply.
  - id: children
    type: repeat
    max: 3
    pages:
      - id: child
        questions:
          - {id: child_name, type: text, label: Name of child}
"""


@pytest.fixture
def citizen(make_app, tmp_path):
    def start(definition: str) -> Citizen:
        (tmp_path / "forms").mkdir(exist_ok=True)
        (tmp_path / "forms" / "form.yaml").write_text(textwrap.dedent(definition))
        app = make_app(definitions=tmp_path / "forms")
        return Citizen(app.test_client())

    return start


def heading(response) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", response.get_data(as_text=True), re.S)
    return re.sub(r"<[^>]+>|\s+", " ", found.group(1)).strip()


def test_an_exit_page_without_title_says_the_service_cannot_be_used(citizen):
    person = citizen(DEFAULTS)
    response = person.post("/contract-defaults/eligible", {"over_18": "no"})
    page = person.get(response.headers["Location"])
    assert heading(page) == "You cannot use this service"
    assert "You must be 18 or over to apply." in page.get_data(as_text=True)


def test_a_repeat_without_item_name_calls_its_items_item(citizen):
    person = citizen(DEFAULTS)
    response = person.post("/contract-defaults/eligible", {"over_18": "yes"})
    add_another = response.headers["Location"]
    assert heading(person.get(add_another)) == "Add item details"
    response = person.post(add_another, {"add_another": "yes"})
    item_page = person.get(response.headers["Location"])
    assert "Item 1" in item_page.get_data(as_text=True)
    response = person.post(response.headers["Location"], {"child_name": "Sam"})
    page = person.get(response.headers["Location"]).get_data(as_text=True)
    assert "Do you need to add another item?" in page


LIMITS = """\
id: contract-limits
version: 1
title: Apply for a thing
pages:
  - id: details
    title: Your details
    questions:
      - id: reference
        type: text
        label: Reference
        pattern: "^[A-Z]{2}[0-9]{3}$"
        error_messages: {pattern: Enter a reference like AB123}
      - id: children
        type: number
        label: Number of children
        max: 9
        error_messages: {max: "You can apply for up to {max} children"}
      - id: moved_on
        type: date
        label: Date you moved
        not_after: today
        error_messages: {not_after: The date you moved cannot be in the future}
      - id: pets
        type: checkboxes
        label: Pets
        options: [Cat, Dog, Fish]
        max_selected: 1
        error_messages: {max_selected: Choose your main pet only}
      - id: contact_email
        type: email
        label: Email address
        confirm: true
        error_messages: {confirm: Type the same email address in both boxes}
"""


def test_error_messages_named_by_their_limit_are_shown_when_it_fails(citizen):
    person = citizen(LIMITS)
    page = person.post_with_errors(
        "/contract-limits/details",
        {
            "reference": "ab-1",
            "children": "12",
            "moved_on-day": "1",
            "moved_on-month": "1",
            "moved_on-year": "2999",
            "pets": ["Cat", "Dog"],
            "contact_email": "sam@example.com",
            "contact_email-confirm": "sem@example.com",
        },
    ).get_data(as_text=True)
    for message in (
        "Enter a reference like AB123",
        "You can apply for up to 9 children",
        "The date you moved cannot be in the future",
        "Choose your main pet only",
        "Type the same email address in both boxes",
    ):
        assert page.count(message) == 2, message  # in the summary and at the question


PARTS = """\
id: contract-parts
version: 1
title: Apply for a thing
pages:
  - id: name
    questions:
      - {id: applicant_name, type: name, label: Your name}
  - id: address
    title: "Where do you live, {applicant_name.first}?"
    questions:
      - {id: home_address, type: address, label: Address}
  - id: contact
    questions:
      - id: phone
        type: phone
        label: "Phone number for {home_address.postcode}"
        error_messages: {required: "Enter a phone number, {applicant_name.first}"}
confirmation:
  title: "Thank you, {applicant_name.first}"
"""
NAME = {"applicant_name-first": "Sam", "applicant_name-last": "O'Neill"}
ADDRESS = {"home_address-line1": "1 Road", "home_address-town": "Leeds"}


def test_parts_of_compound_answers_fill_headings_labels_errors_and_summary(citizen):
    person = citizen(PARTS)
    response = person.post("/contract-parts/name", {**NAME, "applicant_name-title": ""})
    page = person.get(response.headers["Location"])
    assert heading(page) == "Where do you live, Sam?"
    response = person.post(
        "/contract-parts/address", {**ADDRESS, "home_address-postcode": "ls1 1aa"}
    )
    text = person.post_with_errors("/contract-parts/contact", {"phone": ""})
    text = text.get_data(as_text=True)
    assert "Enter a phone number, Sam" in text
    assert "Phone number for LS1 1AA" in text
    assert "{" not in text.split("<main", 1)[1].split("</main>")[0]
    response = person.post("/contract-parts/contact", {"phone": "07700 900982"})
    summary = person.get(response.headers["Location"]).get_data(as_text=True)
    assert "Phone number for LS1 1AA" in summary
    response = person.post(response.headers["Location"], {})
    done = person.get(response.headers["Location"]).get_data(as_text=True)
    assert "Thank you, Sam" in done


def test_a_part_of_an_answer_is_escaped(citizen):
    person = citizen(PARTS)
    name = {"applicant_name-first": "<b>Sam</b>", "applicant_name-last": "Jones"}
    response = person.post("/contract-parts/name", name)
    page = person.get(response.headers["Location"]).get_data(as_text=True)
    assert "Where do you live, &lt;b&gt;Sam&lt;/b&gt;?" in page
