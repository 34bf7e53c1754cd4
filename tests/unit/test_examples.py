"""journey/examples.py: a form filled in with example answers (preview's one-click fill)."""

from __future__ import annotations

import datetime
import textwrap
from pathlib import Path

import pytest

from forms_service.definitions.loader import load_definitions, load_form_text
from forms_service.journey import Journey
from forms_service.journey.examples import fill_with_examples

ROOT = Path(__file__).resolve().parents[2]
TODAY = datetime.date(2026, 12, 1)
FILES = sorted((ROOT / "form_definitions").glob("*.yaml")) + sorted(
    (ROOT / "tests" / "fixtures" / "contract").glob("*.yaml")
)
FORMS, _ = load_definitions(FILES, [])


@pytest.mark.parametrize("form_id", sorted(FORMS))
def test_examples_reach_check_your_answers_or_say_where_they_stop(form_id: str):
    form = FORMS[form_id]
    filled = fill_with_examples(form, TODAY)
    journey = Journey(form, filled.saved, today=TODAY)
    assert filled.reason == "" and filled.stopped_at is None
    assert journey.is_complete
    assert not journey.invalid_steps()  # every example passes its question's checks


def form(body: str):
    head = "id: example-form\nversion: 1\ntitle: Apply for a thing\n"
    return load_form_text(head + textwrap.dedent(body), "form.yaml", [])


def test_an_example_that_leads_to_an_exit_is_swapped_for_another_choice():
    exits_on_yes = form(
        """\
        pages:
          - id: over-18
            questions:
              - {id: adult, type: yes_no, label: Are you 18 or over?}
          - id: too-old
            when: adult
            type: exit
            title: You cannot use this service
          - id: name
            questions:
              - {id: full_name, type: text, label: Full name}
        """
    )
    filled = fill_with_examples(exits_on_yes, TODAY)
    assert filled.reason == ""
    assert filled.saved["over-18"] == {"adult": False}
    assert filled.saved["name"]["full_name"]


def test_a_question_no_example_fits_is_where_the_examples_stop():
    lookahead = form(
        """\
        pages:
          - id: name
            questions:
              - {id: full_name, type: text, label: Full name}
          - id: code
            questions:
              - {id: secret, type: text, label: Code, pattern: "^[^a-z]+$"}
        """
    )
    filled = fill_with_examples(lookahead, TODAY)
    assert (filled.reason, filled.stopped_at.path) == ("no_example", "code")
    assert filled.saved["name"]["full_name"]


def test_an_exit_no_choice_avoids_is_where_the_examples_stop():
    always_exits = form(
        """\
        pages:
          - id: age
            questions:
              - {id: years, type: number, label: How old are you?}
          - id: stop
            when: years >= 0
            type: exit
            title: You cannot use this service
        """
    )
    filled = fill_with_examples(always_exits, TODAY)
    assert filled.reason == "exit" and filled.stopped_at.page.id == "stop"


def test_a_repeat_gets_as_many_items_as_its_minimum():
    two_at_least = form(
        """\
        pages:
          - id: children
            type: repeat
            min: 2
            max: 5
            item_name: child
            pages:
              - id: child
                questions:
                  - {id: child_name, type: text, label: Name}
        """
    )
    filled = fill_with_examples(two_at_least, TODAY)
    assert filled.reason == ""
    assert len(filled.saved["children"]["items"]) == 2 and filled.saved["children"]["done"]
