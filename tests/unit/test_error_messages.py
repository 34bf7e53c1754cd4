"""Default error messages per type and kind (GOV.UK wording), hints with real dates,
transform: and required_with: in definitions. No Flask."""

from __future__ import annotations

import datetime
import re
import textwrap
from typing import Any

import pytest

from forms_service.definitions.loader import DefinitionError, load_form_text
from forms_service.definitions.model import Option, Question, Text
from forms_service.question_types import REGISTRY, Invalid, question_type
from forms_service.question_types.messages import default_template, error_message, noun_phrase

TODAY = datetime.date(2026, 12, 1)


def _question(type_name: str, label: str = "Date of birth", **settings: Any) -> Question:
    qtype = REGISTRY[type_name]
    options: tuple[Option, ...] = ()
    if qtype.has_options:
        options = tuple(
            Option(value, Text.plain(value.title()), exclusive=value == "none")
            for value in ("red", "green", "none")
        )
    messages = settings.pop("error_messages", {})
    return Question(
        id="q",
        type=type_name,
        label=Text.plain(label),
        options=options,
        settings=settings,
        error_messages={kind: Text.plain(text) for kind, text in messages.items()},
    )


def message(question: Question, raw: dict[str, Any], language: str = "en") -> str:
    qtype = question_type(question)
    raw = {**dict.fromkeys(qtype.input_parts(question), ""), **raw}
    with pytest.raises(Invalid) as caught:
        qtype.check_raw(question, raw)
        qtype.clean(question, raw, TODAY)
    label = question.label.pick(language)
    return error_message(question, caught.value, label, language=language)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Prisoner's last name", "the prisoner's last name"),
        ("Attorney’s date of birth", "the attorney’s date of birth"),
        ("Date of birth", "date of birth"),
        ("Your address", "your address"),
        ("NHS number", "NHS number"),
        ("First choice: date", "date of first choice"),
        ("What is your name?", None),
        ("Select the reason you're applying", None),
        ("Tell us what happened", None),
    ],
)
def test_a_label_is_used_as_a_noun_phrase_only_when_it_reads_as_one(label, expected):
    assert noun_phrase(label) == expected


def test_a_welsh_label_keeps_its_own_words():
    assert noun_phrase("Dyddiad geni'r carcharor", "cy") == "dyddiad geni'r carcharor"
    assert noun_phrase("Dewis cyntaf: dyddiad", "cy") == "dewis cyntaf: dyddiad"


@pytest.mark.parametrize(
    ("type_name", "label", "settings", "raw", "expected"),
    [
        # text
        ("text", "Prisoner's last name", {}, {}, "Enter the prisoner's last name"),
        ("text", "What is your name?", {}, {}, "Enter your answer"),
        ("text", "Last name", {"max_length": 5}, {"": "abcdef"}, "Last name must be 5 characters or less"),
        ("text", "Last name", {"min_length": 3}, {"": "ab"}, "Last name must be 3 characters or more"),
        ("text", "Where?", {"min_length": 3}, {"": "ab"}, "Your answer must be 3 characters or more"),
        ("text", "Prison number", {"pattern": "^[A-Z]$"}, {"": "1"}, "Enter prison number in the correct format"),
        ("text", "Last name", {}, {"": "x" * 1001}, "Last name must be 500 characters or less"),
        ("textarea", "Details", {"max_length": 10}, {"": "x" * 11}, "Details must be 10 characters or less"),
        ("textarea", "What happened?", {}, {}, "Enter your answer"),
        # date
        ("date", "Date of birth", {}, {}, "Enter date of birth"),
        ("date", "When did it start?", {}, {}, "Enter a date"),
        ("date", "Date of birth", {}, {"day": "31", "month": "2", "year": "2000"}, "Date of birth must be a real date"),
        ("date", "Date of birth", {}, {"day": "3", "year": "2000"}, "Date of birth must include a month"),
        ("date", "When did it start?", {}, {"day": "3", "year": "2000"}, "The date must include a month"),
        ("date", "Date of birth", {}, {"day": "3", "month": "4", "year": "20"}, "Year must include 4 numbers"),
        ("date", "First choice: date", {"not_before": "today+3d"}, {"day": "1", "month": "12", "year": "2026"}, "Date of first choice must be 4 December 2026 or later"),
        ("date", "When?", {"not_after": "today+28d"}, {"day": "1", "month": "1", "year": "2027"}, "The date must be 29 December 2026 or earlier"),
        ("date", "Date of birth", {"not_after": "today"}, {"day": "2", "month": "12", "year": "2026"}, "Date of birth must be today or in the past"),
        ("date", "Date of birth", {"not_after": "today-1d"}, {"day": "1", "month": "12", "year": "2026"}, "Date of birth must be in the past"),
        ("date", "Start date", {"not_before": "today"}, {"day": "30", "month": "11", "year": "2026"}, "Start date must be today or in the future"),
        ("date", "When does it start?", {"not_before": "today+1d"}, {"day": "1", "month": "12", "year": "2026"}, "The date must be in the future"),
        # number and money
        ("number", "Number of children", {}, {}, "Enter number of children"),
        ("number", "How many?", {}, {}, "Enter a number"),
        ("number", "Number of children", {}, {"": "lots"}, "Number of children must be a number"),
        ("number", "Number of children", {}, {"": "1.5"}, "Number of children must be a whole number"),
        ("number", "Weight", {"decimals": 1}, {"": "1.55"}, "Weight must have 1 decimal places or fewer"),
        ("number", "Number of children", {"max": 20}, {"": "21"}, "Number of children must be 20 or less"),
        ("number", "Distance", {"min": 1000}, {"": "3"}, "Distance must be 1,000 or more"),
        ("number", "How many?", {"max": 20}, {"": "21"}, "Your answer must be 20 or less"),
        ("money", "Total cost", {}, {}, "Enter total cost"),
        ("money", "How much?", {}, {}, "Enter an amount of money"),
        ("money", "Total cost", {}, {"": "lots"}, "Total cost must be an amount of money, like 600 or 1,250.50"),
        ("money", "Total cost", {"max": 5000}, {"": "6000"}, "Total cost must be £5,000 or less"),
        ("money", "How much?", {"min": 10}, {"": "5"}, "The amount must be £10 or more"),
        ("money", "How much?", {}, {"": "1.234"}, "The amount must be in pounds and pence, like 193.54"),
        # choices
        ("radios", "Prison name", {}, {}, "Select prison name"),
        ("radios", "Who are you applying for?", {}, {}, "Select an answer"),
        ("select", "Prison name", {}, {"": "nowhere"}, "Select prison name"),
        ("checkboxes", "What led to your injuries?", {}, {}, "Select at least one answer"),
        ("checkboxes", "Parts of the body", {"min_selected": 2}, {"": ["red"]}, "Select at least 2 options for parts of the body"),
        ("checkboxes", "Which?", {"max_selected": 1}, {"": ["red", "green"]}, "Select no more than 1 answers"),
        ("checkboxes", "Which?", {}, {"": ["red", "none"]}, "Select answers, or select ‘None’ on its own"),
        ("yes_no", "Are you 18 or over?", {}, {}, "Select yes or no"),
        # identifiers
        ("email", "Email address", {}, {}, "Enter email address"),
        ("email", "What is your email address?", {}, {}, "Enter an email address"),
        ("email", "Email address", {}, {"": "nope"}, "Enter an email address in the correct format, like name@example.com"),
        ("email", "Email address", {"confirm": True}, {"": "a@example.com", "confirm": "b@example.com"}, "The email addresses do not match. Enter the same email address twice"),
        ("phone", "What is your phone number?", {}, {}, "Enter a telephone number"),
        ("phone", "Phone number", {}, {"": "12"}, "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"),
        ("phone", "Phone number", {"uk_only": True}, {"": "+33 1 23 45 67 89"}, "Enter a UK telephone number, like 01632 960 001 or 07700 900 982"),
        ("postcode", "What is your postcode?", {}, {}, "Enter a postcode"),
        ("postcode", "Postcode", {}, {"": "nowhere"}, "Enter a full UK postcode"),
        ("national_insurance_number", "What is your National Insurance number?", {}, {}, "Enter a National Insurance number"),
        ("national_insurance_number", "National Insurance number", {}, {}, "Enter National Insurance number"),
        ("national_insurance_number", "National Insurance number", {}, {"": "12"}, "Enter a National Insurance number in the correct format, like QQ 12 34 56 C"),
        # compound: each part says which
        ("address", "Your address", {}, {"line1": "1 Street"}, "Enter town or city"),
        ("address", "Your address", {}, {"line1": "x" * 1001, "town": "T", "postcode": "SW1A 1AA"}, "Address line 1 must be 100 characters or less"),
        ("address", "Your address", {}, {"line1": "1 Street", "town": "T", "postcode": "nowhere"}, "Enter a full UK postcode"),
        ("name", "What is your name?", {}, {"last": "Okafor"}, "Enter first name"),
    ],
)  # fmt: skip
def test_default_messages_follow_the_gov_uk_wording(type_name, label, settings, raw, expected):
    assert message(_question(type_name, label, **settings), raw) == expected


@pytest.mark.parametrize("type_name", sorted(set(REGISTRY) - {"content"}))
def test_a_question_label_never_gets_a_message_naming_a_label(type_name):
    """Every message a type can give has a plain form when the label is a question."""
    qtype = REGISTRY[type_name]
    question = _question(type_name, "What is it?")
    for kind in {*qtype.messages, "required", "invalid", "too_long"}:
        template = default_template(question, Invalid(kind), plain=True)
        assert not re.search(r"\{[Nn]ame\}", template), (type_name, kind, template)


def test_the_authors_message_wins_and_may_show_the_limit():
    question = _question(
        "date",
        "First choice: date",
        not_before="today+3d",
        error_messages={
            "required": "Enter a date for your first choice",
            "too_early": "Date of your first choice must be {date} or later",
            "invalid": "Enter a real date for your first choice",
        },
    )
    assert message(question, {}) == "Enter a date for your first choice"
    assert message(question, {"day": "1", "month": "12", "year": "2026"}) == (
        "Date of your first choice must be 4 December 2026 or later"
    )
    assert message(question, {"day": "1", "year": "2026"}) == (
        "Enter a real date for your first choice"
    )


def test_dates_in_messages_are_in_the_pages_language():
    question = _question("date", "Dyddiad", not_before="today+3d")
    assert message(question, {"day": "1", "month": "12", "year": "2026"}, "cy") == (
        "Dyddiad must be 4 Rhagfyr 2026 or later"  # the sentence itself comes from gettext
    )


# -- hints with the real dates -----------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (
            {"not_before": "today+3d", "not_after": "today+28d"},
            ("between", {"start": datetime.date(2026, 12, 4), "end": datetime.date(2026, 12, 29)}),
        ),
        ({"not_before": "today + 2w"}, ("from", {"start": datetime.date(2026, 12, 15)})),
        ({"not_after": "today+1m", "not_before": "today"}, ("until", {"end": datetime.date(2027, 1, 1)})),
        ({"not_before": "today-120y", "not_after": "today-1d"}, None),
        ({"not_after": "today-18y"}, None),
        ({"not_after": "today"}, None),
        ({"not_before": "2026-01-01"}, None),
    ],
)  # fmt: skip
def test_relative_limits_get_a_hint_with_the_real_dates(settings, expected):
    qtype = REGISTRY["date"]
    found = qtype.limits_hint(_question("date", **settings), TODAY)
    if expected is None:
        assert found is None
    else:
        kind, dates = expected
        assert found == (qtype.hints[kind], dates)


# -- transform: ---------------------------------------------------------------------------


def test_transform_uppercase_is_applied_before_the_pattern_and_stored():
    question = _question(
        "text", "Prison number", transform="uppercase", pattern="^[A-Z][0-9]{4}[A-Z]{2}$"
    )
    assert question_type(question).clean(question, {"": " a1234bc "}, TODAY) == "A1234BC"
    assert question_type(question).example_answer(question, TODAY) == "A0000AA"


def test_transform_lowercase():
    question = _question("text", "Username", transform="lowercase")
    assert question_type(question).clean(question, {"": "Sam.Example"}, TODAY) == "sam.example"


# -- the definition keys ----------------------------------------------------------------

PAIRS = """\
id: pairs
version: 1
title: Pairs
pages:
  - id: first
    title: First
    questions:
      - {{id: early, type: text, label: Early, optional: true}}
      - {{id: date_2, type: date, label: Second date, optional: true}}
      - {{id: time_2, type: radios, label: Second time, optional: true, required_with: {pair}, options: [{{value: am, label: AM}}, {{value: pm, label: PM}}]}}
  - id: second
    title: Second
    questions:
      - {{id: later, type: text, label: Later, optional: true}}
      - {{id: must, type: text, label: Must}}
      - {{id: ref, type: text, label: Reference, transform: {transform}}}
"""  # noqa: E501


def _problems(pair: str, transform: str = "uppercase") -> list[str]:
    text = PAIRS.format(pair=pair, transform=transform)
    try:
        load_form_text(textwrap.dedent(text), "form.yaml")
    except DefinitionError as exc:
        return [str(p) for p in exc.problems]
    return []


def test_required_with_naming_a_question_on_the_same_or_an_earlier_page_loads():
    assert _problems("date_2") == []
    assert _problems("early") == []
    form = load_form_text(PAIRS.format(pair="date_2", transform="uppercase"), "form.yaml")
    assert form.question("time_2").required_with == "date_2"
    assert form.question("ref").setting("transform") == "uppercase"


@pytest.mark.parametrize(
    ("pair", "wanted"),
    [
        (
            "dat_2",
            r"form.yaml:10:\d+: In question 'time_2', required_with: 'dat_2' names no question .*date_2",
        ),
        ("later", r"form.yaml:10:\d+: .*'later' is asked later, on page 'second'"),
        ("time_2", r"form.yaml:10:\d+: .* names the question itself"),
        ("must", r"form.yaml:10:\d+: .*'must' is asked later"),
    ],
)
def test_required_with_refuses_unknown_later_and_own_ids(pair, wanted):
    problems = _problems(pair)
    assert any(re.match(wanted, p) for p in problems), problems


def test_required_with_pairs_only_optional_questions():
    text = PAIRS.replace(
        "{{id: early, type: text, label: Early, optional: true}}",
        "{{id: early, type: text, label: Early}}",
    )
    problems = [str(p) for p in _load_problems(text.format(pair="early", transform="uppercase"))]
    assert any("question 'early' has no optional: true" in p for p in problems), problems


def _load_problems(text: str) -> list[Any]:
    with pytest.raises(DefinitionError) as caught:
        load_form_text(text, "form.yaml")
    return caught.value.problems


def test_transform_refuses_an_unknown_value_where_it_is():
    problems = _problems("date_2", transform="capitals")
    assert any(
        re.match(
            r"form.yaml:16:\d+: Transform of question 'ref' must be one of uppercase, lowercase", p
        )
        for p in problems
    ), problems
