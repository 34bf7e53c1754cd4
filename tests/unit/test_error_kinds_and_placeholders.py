"""error_messages: by the name of the key that sets a limit; placeholders for parts of
compound answers, and placeholders that name nothing, at file:line:col."""

from __future__ import annotations

import datetime
import textwrap

import pytest

from forms_service.definitions.loader import DefinitionError, load_form_text
from forms_service.journey.reader import AnswerReader
from forms_service.question_types import Invalid
from forms_service.question_types.messages import error_message

TODAY = datetime.date(2026, 12, 1)


def load(text: str, warnings: list | None = None):
    return load_form_text(textwrap.dedent(text), "form.yaml", warnings)


def problems(text: str) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        load(text)
    return [str(p) for p in caught.value.problems]


def form_with(question: str) -> str:
    return f"""\
    id: kinds
    version: 1
    title: Kinds
    pages:
      - id: only
        questions:
          - {question}
    """


@pytest.mark.parametrize(
    ("question", "alias", "kind", "problem"),
    [
        ("{id: ref, type: text, label: Reference, pattern: '^[A-Z]+$'", "pattern", "invalid", {}),
        ("{id: ref, type: text, label: Reference, max_length: 5", "max_length", "too_long", {}),
        ("{id: ref, type: text, label: Reference, min_length: 2", "min_length", "too_short", {}),
        ("{id: story, type: textarea, label: Story, max_length: 9", "max_length", "too_long", {}),
        ("{id: kids, type: number, label: Children, min: 1", "min", "too_small", {"min": 1}),
        ("{id: kids, type: number, label: Children, max: 9", "max", "too_large", {"max": 9}),
        ("{id: pay, type: money, label: Pay, min: 1", "min", "too_small", {"min": 1}),
        ("{id: pay, type: money, label: Pay, max: 9", "max", "too_large", {"max": 9}),
        ("{id: day, type: date, label: Day, not_before: today", "not_before", "too_early", {}),
        ("{id: day, type: date, label: Day, not_after: today", "not_after", "too_late", {}),
        ("{id: mail, type: email, label: Email, confirm: true", "confirm", "mismatch", {}),
        ("{id: who, type: name, label: Name, max_length: 9", "max_length", "first_too_long", {}),
        (
            "{id: pets, type: checkboxes, label: Pets, options: [a, b, c], min_selected: 2",
            "min_selected",
            "too_few",
            {"min": 2},
        ),
        (
            "{id: pets, type: checkboxes, label: Pets, options: [a, b, c], max_selected: 1",
            "max_selected",
            "too_many",
            {"max": 1},
        ),
    ],
)
def test_an_error_message_named_by_its_limit_is_shown_when_that_limit_fails(
    question, alias, kind, problem
):
    form = load(form_with(question + f", error_messages: {{{alias}: Not like that}}}}"))
    (only,) = form.page("only").questions
    shown = error_message(only, Invalid(kind, **problem), only.label.pick("en"))
    assert shown == "Not like that"


def test_a_limit_the_type_does_not_have_is_a_warning_with_the_right_name():
    warnings: list = []
    text = "{id: day, type: date, label: Day, error_messages: {max: Too late}}"
    load(form_with(text), warnings)
    assert len(warnings) == 1
    assert "error_messages of question 'day' names max:, a limit date questions do not" in str(
        warnings[0]
    )
    assert "not_after" in str(warnings[0])


@pytest.mark.parametrize("order", ["too_long: A, max_length: B", "max_length: B, too_long: A"])
def test_the_limit_and_its_kind_together_loads_and_the_limit_wins(order):
    """The contract does not forbid naming a message both ways: the limit's own name is
    the more specific, so its message is shown, and check says the other never is."""
    text = f"{{id: ref, type: text, label: Ref, max_length: 5, error_messages: {{{order}}}}}"
    warnings: list = []
    form = load(form_with(text), warnings)
    assert form.question("ref").error_messages["too_long"].pick("en") == "B"
    (warning,) = [w for w in warnings if "error_messages" in str(w)]
    assert "too_long: and max_length: set the same message" in str(warning)
    assert "max_length: is shown, too_long: never is" in str(warning)


def test_unknown_kinds_still_suggest_the_nearest():
    text = "{id: ref, type: text, label: Ref, error_messages: {max_lenght: A}}"
    (found,) = problems(form_with(text))
    assert "Unknown key 'max_lenght'" in found and "Did you mean 'max_length'?" in found


# -- placeholders -------------------------------------------------------------------------

PARTS = """\
id: parts
version: 1
title: Parts
pages:
  - id: who
    questions:
      - {id: applicant_name, type: name, label: Your name}
      - {id: home_address, type: address, label: Your address}
      - {id: born, type: date, label: Date of birth}
  - id: next
    title: "{TITLE}"
    questions:
      - {id: phone, type: phone, label: Phone}
"""


def parts_form(title: str):
    return PARTS.replace("{TITLE}", title)


def test_parts_of_compound_answers_are_placeholders():
    form = load(parts_form("Thanks {applicant_name.first}, of {home_address.postcode}"))
    answers = {
        "applicant_name": {"title": "", "first": "Sam", "last": "Jones"},
        "home_address": {"line1": "1 Road", "town": "Leeds", "postcode": "LS1 1AA"},
    }
    reader = AnswerReader(form, answers, today=TODAY, language="en")
    assert reader.text(form.page("next").title) == "Thanks Sam, of LS1 1AA"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "Hello {applicant_name.frist}",
            "form.yaml:11:12: The placeholder {applicant_name.frist}: a name answer has no "
            "part 'frist'. Did you mean 'first'?",
        ),
        (
            "Hello {born.year}",
            "form.yaml:11:12: The placeholder {born.year}: 'born' is a date answer, "
            "which has no parts. Write {born}.",
        ),
        (
            "Hello {applicant_nmae.first}",
            "form.yaml:11:12: The placeholder {applicant_nmae.first} names no question "
            "asked before it. Did you mean 'applicant_name'?",
        ),
        (
            "Hello {applicant_name first}",
            "form.yaml:11:12: '{applicant_name first}' is not a placeholder the service can "
            "fill: write {question_id} or {question_id.part}, with no spaces.",
        ),
    ],
)
def test_a_placeholder_that_names_nothing_is_an_error_where_it_is(title, expected):
    assert problems(parts_form(title)) == [expected]


def test_a_part_hidden_by_the_questions_settings_names_nothing():
    text = parts_form("Hello {applicant_name.title}").replace(
        "label: Your name}", "label: Your name, titles: false}"
    )
    (found,) = problems(text)
    assert "a name answer has no part 'title'" in found


@pytest.mark.parametrize(
    "where",
    [
        "label",
        "error",
        "confirmation",
    ],
)
def test_every_text_that_takes_placeholders_checks_parts(where):
    text = {
        "label": PARTS.replace("label: Phone}", "label: 'Phone for {applicant_name.frist}'}"),
        "error": PARTS.replace(
            "label: Phone}", "label: Phone, error_messages: {required: '{born.day}'}}"
        ),
        "confirmation": PARTS + "confirmation:\n  body: Thanks {home_address.town_name}\n",
    }[where].replace('"{TITLE}"', "Contact")
    (found,) = problems(text)
    assert "has no part" in found or "no parts" in found
