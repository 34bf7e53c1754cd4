"""The contract keys this project adds for the start and contact pages (`contact:`,
`time_to_complete:`), and the start page's estimate of how long a form takes."""

from __future__ import annotations

import textwrap

import pytest

from forms_service.definitions.loader import DefinitionError, load_definitions, load_form_text
from forms_service.journey.duration import estimated_minutes, questions_on_longest_route
from tests.conftest import FORMS_DIR

HEAD = """\
id: test-form
version: 1
title: {en: Test form, cy: Ffurflen brawf}
languages: [en, cy]
"""
PAGES = """\
pages:
  - id: name
    questions:
      - {id: full_name, type: text, label: {en: Full name, cy: Enw llawn}}
"""


def load(middle: str):
    return load_form_text(HEAD + textwrap.dedent(middle) + PAGES, "form.yaml")


def problems(middle: str) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        load(middle)
    return [str(p) for p in caught.value.problems]


def test_a_contact_block_loads_with_texts_in_every_language():
    form = load("""\
        time_to_complete: {en: about 10 minutes, cy: tua 10 munud}
        contact:
          phone: "+44 (0)306 999 0123"
          hours: {en: "Monday to Friday, 9am to 5pm", cy: "Dydd Llun i ddydd Gwener, 9am i 5pm"}
          email: visits@example.gov.uk
          text: {en: Or write to us., cy: Neu ysgrifennwch atom.}
        """)
    assert form.contact.phone == "+44 (0)306 999 0123"
    assert form.contact.email == "visits@example.gov.uk"
    assert form.contact.hours.pick("cy") == "Dydd Llun i ddydd Gwener, 9am i 5pm"
    assert form.contact.text.pick("en") == "Or write to us."
    assert form.time_to_complete.pick("cy") == "tua 10 munud"


def test_both_keys_are_optional():
    form = load("")
    assert form.contact is None and form.time_to_complete is None


@pytest.mark.parametrize(
    ("middle", "expected"),
    [
        (
            "contact: {phone: ring us, email: a@example.gov.uk}\n",
            "form.yaml:5:18: The contact phone 'ring us' is not valid",
        ),
        (
            "contact: {email: not an address}\n",
            "form.yaml:5:18: The contact email 'not an address' is not valid",
        ),
        ("contact: {fax: '0300'}\n", "form.yaml:5:11: Unknown key 'fax' in contact"),
        (
            "contact: {hours: {en: 9 to 5, cy: 9 i 5}}\n",
            "form.yaml:5:18: Contact hours are the phone line's: add phone: too",
        ),
        ("contact: {}\n", "form.yaml:5:10: Contact needs a way to reach you"),
        (
            "contact: {email: a@example.gov.uk, text: Only English}\n",
            "form.yaml:5:42: The contact text is missing its Welsh translation",
        ),
        ("contact: 0300 123 4567\n", "form.yaml:5:10: Contact must be a set of 'key: value'"),
        (
            "time_to_complete: 10 minutes\n",
            "form.yaml:5:19: Time_to_complete is missing its Welsh translation",
        ),
    ],
)
def test_contact_mistakes_are_reported_where_they_are(middle, expected):
    found = problems(middle)
    assert any(p.startswith(expected) for p in found), found


def test_a_form_cannot_take_the_contact_pages_address():
    with pytest.raises(DefinitionError) as caught:
        load_form_text(HEAD.replace("test-form", "contact") + PAGES, "form.yaml")
    assert str(caught.value.problems[0]).startswith("form.yaml:1:5: The form id 'contact'")


def test_the_estimate_counts_the_longest_route():
    form = load_form_text(
        textwrap.dedent("""\
            id: estimate
            version: 1
            title: Estimate
            pages:
              - id: one
                title: One
                questions:
                  - {id: a, type: text, label: A}
                  - id: b
                    type: radios
                    label: B
                    options:
                      - value: x
                        label: X
                        reveal:
                          - {id: c, type: text, label: C}
                          - {id: d, type: text, label: D}
                      - {value: y, label: Y, reveal: [{id: e, type: text, label: E}]}
              - id: stop
                type: exit
                when: "a == 'no'"
                title: Stop
                body: You cannot go on.
              - id: people
                type: repeat
                item_name: person
                min: 2
                max: 4
                pages:
                  - id: person
                    questions:
                      - {id: person_name, type: text, label: Name}
        """),
        "estimate.yaml",
    )
    # a, b and its longest reveal (c, d), then the repeat's name twice (its minimum).
    assert questions_on_longest_route(form) == 6
    assert estimated_minutes(form) == 5  # 3 minutes, rounded up to 5


def test_the_real_forms_estimates():
    forms, _ = load_definitions([FORMS_DIR])
    assert estimated_minutes(forms["prison-visit-booking"]) == 15
    assert all(estimated_minutes(f) % 5 == 0 for f in forms.values())
