"""Question types (forms_service.question_types): example answers, per-type facts, CSV cells."""

from __future__ import annotations

import datetime
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from forms_service.definitions.loader import load_definitions
from forms_service.definitions.model import Option, Question, Text
from forms_service.question_types import ERROR_KINDS, REGISTRY, csv_cell, question_type
from forms_service.question_types.text import pattern_example

FORMS = Path(__file__).resolve().parents[2] / "form_definitions"
TODAY = datetime.date(2026, 3, 18)


def _question(type_name: str, **settings: Any) -> Question:
    qtype = REGISTRY[type_name]
    options: tuple[Option, ...] = ()
    if qtype.has_options:
        options = tuple(
            Option(value, Text.plain(value.title()), exclusive=value == "none")
            for value in settings.pop("options", ("red", "green", "blue"))
        )
    return Question(
        id="q",
        type=type_name,
        label=Text.plain("Question"),
        options=options,
        body=Text.plain("Guidance") if not qtype.takes_answer else None,
        settings=settings,
    )


def _round_trip(question: Question, example: Any) -> Any:
    qtype = question_type(question)
    return qtype.clean(question, qtype.to_raw(question, example), TODAY)


def _real_questions() -> list[Question]:
    forms, problems = load_definitions([FORMS])
    assert not problems and len(forms) == 3
    found = []
    for form in forms.values():
        for page, _ in form.every_page():
            found += [q for q in page.questions if not question_type(q).takes_answer]
            found += [question for question, _, _ in page.all_questions()]
    return found


REAL = _real_questions()


@pytest.mark.parametrize("question", REAL, ids=[f"{q.type}:{q.id}" for q in REAL])
def test_example_answer_of_every_question_in_the_real_forms_is_accepted(question: Question):
    example = question_type(question).example_answer(question, TODAY)
    if question_type(question).takes_answer:
        assert example is not None
    assert _round_trip(question, example) == example


def test_the_real_forms_cover_all_but_three_types():
    """The three they do not use are covered by the default-settings test below."""
    unused = {"number", "postcode", "national_insurance_number"}
    assert {q.type for q in REAL} == set(REGISTRY) - unused


@pytest.mark.parametrize("type_name", list(REGISTRY))
def test_example_answer_of_every_type_with_default_settings_is_accepted(type_name: str):
    question = _question(type_name)
    example = REGISTRY[type_name].example_answer(question, TODAY)
    assert (example is None) == (type_name == "content")
    assert _round_trip(question, example) == example


@pytest.mark.parametrize(
    ("type_name", "settings", "expected"),
    [
        ("text", {"max_length": 7}, "Example"),
        ("text", {"max_length": 8}, "Examplex"),  # never ends in a space, which is stripped
        ("text", {"min_length": 20}, "Example answerxxxxxx"),
        ("text", {"pattern": "[A-Z]{2}[0-9]{6}"}, "AA000000"),
        ("text", {"pattern": r"(?:PVB|CIC)-\d{4}"}, "PVB-0000"),
        ("text", {"pattern": "Ex.*"}, "Example answer"),  # the usual example when it fits
        ("text", {"pattern": "[^x]+"}, None),  # too clever to sample: documented None
        ("text", {"pattern": "[0-9]{10}", "max_length": 5}, None),
        ("textarea", {"min_length": 3, "max_length": 5}, "Examp"),
        ("number", {}, 42),
        ("number", {"min": 100}, 100),
        ("number", {"max": 9.5}, 9),
        ("number", {"min": 0.5, "max": 0.9, "decimals": 1}, Decimal("0.9")),
        ("number", {"min": 0.2, "max": 0.8}, None),  # no whole number in between
        ("number", {"decimals": 2}, Decimal("42.00")),
        ("money", {}, 125050),
        ("money", {"max": 100}, 10000),
        ("money", {"min": 2000.005}, 200001),
        ("date", {}, "2026-03-18"),
        ("date", {"not_after": "today-18y"}, "2008-03-18"),
        ("date", {"not_before": "today+3d", "not_after": "today+28d"}, "2026-03-21"),
        ("date", {"precision": "month", "not_after": "today"}, "2026-03-01"),
        ("date", {"precision": "month", "not_before": "today"}, "2026-04-01"),
        (
            "date",
            {"precision": "month", "not_before": "2026-03-05", "not_after": "2026-03-25"},
            None,
        ),
        ("date", {"not_before": "2030-01-01"}, "2030-01-01"),
        ("radios", {}, "red"),
        ("select", {}, "red"),
        ("checkboxes", {}, ["red"]),
        ("checkboxes", {"min_selected": 2, "max_selected": 2}, ["red", "green"]),
        ("checkboxes", {"min_selected": 4}, None),
        ("checkboxes", {"options": ("none",)}, ["none"]),
        ("yes_no", {}, True),
        ("email", {"confirm": True}, "name@example.com"),
        ("email", {"max_length": 10}, None),
        ("phone", {"uk_only": True}, "+447700900982"),
        ("postcode", {}, "SW1A 1AA"),
        ("national_insurance_number", {}, "QQ123456C"),
        ("name", {"titles": False}, {"first": "Sam", "last": "Example"}),
        ("name", {"max_length": 3}, {"title": "Ms", "first": "Sam", "last": "Exa"}),
        (
            "address",
            {"international": True},
            {
                "line1": "1 Example Street",
                "line2": "",
                "town": "London",
                "county": "",
                "postcode": "SW1A 1AA",
                "country": "United Kingdom",
            },
        ),
        ("address", {"max_length": 6}, None),  # the postcode cannot be cut short
    ],
)
def test_example_answer_honours_the_settings(type_name: str, settings: dict, expected: Any):
    question = _question(type_name, **settings)
    example = REGISTRY[type_name].example_answer(question, TODAY)
    assert example == expected
    if example is not None:
        assert _round_trip(question, example) == example


def test_pattern_example_reads_the_pattern_as_re_does():
    assert pattern_example("[a-c]+@x\\.org") == "a@x.org"
    assert pattern_example("(yes|no)") == "yes"
    assert pattern_example("[^a]") is None
    assert pattern_example("(") is None


@pytest.mark.parametrize(
    ("attribute", "types"),
    [
        ("takes_answer", set(REGISTRY) - {"content"}),
        ("names_a_person", {"name"}),
        ("labels_an_item", {"text"}),
        ("is_email_address", {"email"}),
        ("can_reveal", {"radios", "checkboxes"}),
        ("can_have_exclusive_options", {"checkboxes"}),
        ("has_options", {"radios", "select", "checkboxes"}),
    ],
)
def test_what_each_type_says_about_itself(attribute: str, types: set[str]):
    assert {name for name, qtype in REGISTRY.items() if getattr(qtype, attribute)} == types


def test_every_type_accepts_the_same_error_message_kinds():
    assert all(qtype.error_kinds == ERROR_KINDS for qtype in REGISTRY.values())
    assert REGISTRY["radios"].min_options == REGISTRY["select"].min_options == 2
    assert REGISTRY["checkboxes"].min_options == 1


@pytest.mark.parametrize(
    ("type_name", "value", "cell"),
    [
        ("money", 125050, "1250.50"),
        ("money", 7, "0.07"),
        ("money", "oops", "oops"),
        ("number", 125050, "125050"),
        ("number", 2.5, "2.5"),
        ("yes_no", False, "no"),
        ("checkboxes", ["red", "blue"], "red; blue"),
        ("text", None, ""),
    ],
)
def test_csv_cell(type_name: str, value: Any, cell: str):
    question = _question(type_name)
    assert question_type(question).csv_cell(question, value) == cell


def test_csv_cell_of_a_value_with_no_question():
    assert csv_cell(True) == "yes"
    assert csv_cell([1.5, None, "a"]) == "1.5; ; a"
    assert csv_cell(1e-7) == "0.0000001"


def test_question_types_import_nothing_from_the_layers_above():
    """Dependencies run one way: types <- definitions <- journey <- views."""
    code = (
        "import sys, forms_service.question_types; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'wtforms') "
        "or m.startswith(('forms_service.definitions', 'forms_service.journey', "
        "'forms_service.views'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_patterns_read_classes_as_python_does_but_run_in_linear_time():
    from forms_service.question_types.patterns import fullmatch

    assert fullmatch(r"[\w ]+", "Siân Ŵ") and fullmatch(r"\d+", "١٢٣")
    assert fullmatch(r"\s", "\xa0") and not fullmatch(r"\S", " ")
    assert fullmatch(r"[]a]+", "]a") and fullmatch(r"a\Z", "a")
    assert not fullmatch(r"^[^<>]*$", "a<b")
    started = time.monotonic()
    assert not fullmatch("(a+)+$", "a" * 100_000 + "!")
    assert time.monotonic() - started < 0.5


@pytest.mark.parametrize(
    ("type_name", "settings", "raw", "kind"),
    [
        ("text", {}, {"": "x" * 1_001}, "too_long"),
        ("text", {"max_length": 2_000}, {"": "x" * 2_001}, "too_long"),
        ("textarea", {}, {"": "x" * 10_001}, "too_long"),
        ("number", {}, {"": "1" * 1_001}, "too_long"),
        (
            "address",
            {},
            {"line1": "x" * 1_001, "town": "T", "postcode": "SW1A 1AA"},
            "line1_too_long",
        ),
        ("checkboxes", {}, {"": ["red"] * 4}, "invalid"),
    ],
)
def test_input_too_large_to_keep_even_as_typed_is_refused(type_name, settings, raw, kind):
    from forms_service.question_types import Invalid

    question = _question(type_name, **settings)
    qtype = question_type(question)
    with pytest.raises(Invalid) as caught:
        qtype.check_raw(question, {**dict.fromkeys(qtype.input_parts(question), ""), **raw})
    assert caught.value.kind == kind


@pytest.mark.parametrize(
    ("type_name", "raw"),
    [
        ("text", {"": "x" * 1_000}),
        ("textarea", {"": "x" * 10_000}),
        ("checkboxes", {"": ["red", "green", "blue"]}),
    ],
)
def test_input_within_the_limits_may_be_kept_as_typed(type_name, raw):
    question = _question(type_name)
    question_type(question).check_raw(question, raw)
