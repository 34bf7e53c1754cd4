"""Definition loading: a good form loads; every kind of author mistake is reported where it is."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from forms_service.definitions.loader import (
    DefinitionError,
    load_definitions,
    load_form_text,
    load_snapshot,
)

GOOD = """\
id: test-form
version: 2
title: Test form
reference_prefix: TST
sections:
  - {id: about, title: About you}
lists:
  colours:
    - {value: red, label: Red}
    - {value: blue, label: Blue}
pages:
  - id: name
    section: about
    questions:
      - {id: full_name, type: text, label: Full name, max_length: 40}
  - id: dob
    section: about
    questions:
      - {id: date_of_birth, type: date, label: Date of birth, not_after: today}
  - id: colour
    when: "age(date_of_birth) >= 18"
    questions:
      - id: colour
        type: radios
        label: Favourite colour?
        options: colours
  - id: too-young
    type: exit
    when: "age(date_of_birth) < 18"
    title: You cannot use this service
    body: You must be 18 or over.
declaration:
  body: I confirm this is true.
confirmation:
  title: Sent
  body: "Your reference is {reference}, {full_name}."
"""


def problems(text: str) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        load_form_text(textwrap.dedent(text), "form.yaml")
    return [str(p) for p in caught.value.problems]


def only_problem(text: str) -> str:
    found = problems(text)
    assert len(found) == 1, found
    return found[0]


def test_a_good_form_loads_into_frozen_objects():
    form = load_form_text(GOOD, "form.yaml")
    assert form.id == "test-form" and form.version == 2
    assert [p.id for p in form.pages] == ["name", "dob", "colour", "too-young"]
    assert form.question("colour").options[1].value == "blue"
    assert form.page_of("date_of_birth").id == "dob"
    assert form.pages[3].is_exit
    assert form.snapshot["pages"][0]["id"] == "name"
    with pytest.raises(AttributeError):
        form.id = "other"  # frozen


def test_the_snapshot_loads_back_to_the_same_form():
    form = load_form_text(GOOD, "form.yaml")
    again = load_snapshot(form.snapshot)
    assert [p.id for p in again.pages] == [p.id for p in form.pages]
    assert [o.value for o in again.question("colour").options] == ["red", "blue"]
    assert again.pages[2].when.source == "age(date_of_birth) >= 18"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("id: x\n  bad: [\n", "form.yaml:2:6: YAML syntax error: mapping values are not allowed"),
        ("id: a\n\tversion: 1\n", "form.yaml:2:1: YAML syntax error"),
        ("", "form.yaml:1:1: The file is empty"),
        (
            'id: a\npages:\n  - {id: p, label: "x" y}\n',
            "form.yaml:3:24: YAML syntax error: expected ',' or '}'",
        ),
        ("- a\n- b\n", "form.yaml:1:1: The form must be a set of 'key: value' lines"),
    ],
)
def test_yaml_syntax_and_shape_errors_have_a_position(text, expected):
    found = only_problem(text)
    assert found.startswith(expected) or expected in found


def test_unknown_key_suggests_the_right_one():
    text = GOOD.replace(
        "{id: full_name, type: text, label: Full name",
        "{id: full_name, type: text, lable: Full name, label: X",
    )
    found = only_problem(text)
    assert found.startswith("form.yaml:15:37: Unknown key 'lable' in question 'full_name'.")
    assert found.endswith("Did you mean 'label'?")


def test_unknown_top_level_key_and_missing_required_keys():
    found = problems("id: a-form\ntitel: Oops\npages: []\n")
    assert "form.yaml:2:1: Unknown key 'titel' in the form. Did you mean 'title'?" in found
    assert any(p.startswith("form.yaml:1:1: The form is missing 'version:'") for p in found)
    assert any(p.startswith("form.yaml:1:1: The form is missing 'title:'") for p in found)
    assert any("Pages must be a list with at least one page" in p for p in found)


def test_a_question_without_a_label_names_the_missing_key():
    text = GOOD.replace(
        "{id: full_name, type: text, label: Full name, max_length: 40}",
        "{id: full_name, type: text}",
    )
    assert "form.yaml:15:9: Question 'full_name' is missing 'label:'" in only_problem(text)


def test_duplicate_page_and_question_ids():
    text = GOOD.replace("- id: dob\n", "- id: name\n").replace(
        "id: date_of_birth,", "id: full_name,"
    )
    found = problems(text)
    assert any(p.startswith("form.yaml:16:9: Page id 'name' is already used") for p in found)
    assert any(
        p.startswith("form.yaml:19:14: Question id 'full_name' is already used on line 15")
        for p in found
    )


def test_duplicate_yaml_keys_are_reported_not_silently_overwritten():
    text = GOOD.replace("version: 2\n", "version: 2\nversion: 3\n")
    assert only_problem(text).startswith("form.yaml:3:1: 'version' appears twice in the form.")


def test_unknown_question_type_suggests_one():
    text = GOOD.replace("type: date,", "type: dates,")
    assert only_problem(text).startswith(
        "form.yaml:19:35: Unknown question type 'dates'. Did you mean 'date'?"
    )


def test_unknown_question_in_a_condition_with_did_you_mean():
    text = GOOD.replace('when: "age(date_of_birth) >= 18"', 'when: "age(date_of_brith) >= 18"')
    found = only_problem(text)
    assert found.startswith("form.yaml:21:16: In this condition:")
    assert "date_of_birth" in found


def test_condition_on_a_question_that_comes_later():
    text = GOOD.replace(
        "  - id: dob\n    section: about\n",
        "  - id: dob\n    section: about\n    when: \"colour == 'red'\"\n",
    )
    found = only_problem(text)
    assert found.startswith(
        "form.yaml:18:12: In this condition: 'colour' is asked later, on page 'colour'"
    )


def test_condition_on_a_question_on_the_same_page():
    text = GOOD.replace('when: "age(date_of_birth) >= 18"', "when: \"colour == 'red'\"")
    assert "'colour' is asked on this same page ('colour')" in only_problem(text)


def test_type_mismatch_in_a_condition():
    text = GOOD.replace('when: "age(date_of_birth) >= 18"', 'when: "age(full_name) >= 18"')
    found = only_problem(text)
    assert found.startswith("form.yaml:21:16: In this condition: age() needs a date")
    assert "'full_name' is text" in found


def test_comparing_with_a_value_that_is_not_an_option():
    text = GOOD.replace(
        '  - id: too-young\n    type: exit\n    when: "age(date_of_birth) < 18"',
        "  - id: too-young\n    type: exit\n    when: \"colour == 'rde'\"",
    )
    found = only_problem(text)
    assert found.startswith(
        "form.yaml:29:22: In this condition: 'rde' is not an option of 'colour'"
    )
    assert "Did you mean 'red'?" in found


def test_condition_syntax_error_points_into_the_expression():
    text = GOOD.replace('when: "age(date_of_birth) >= 18"', 'when: "age(date_of_birth) >= "')
    assert only_problem(text).startswith("form.yaml:21:34: In the condition of page 'colour'")


def test_bad_regular_expression():
    text = GOOD.replace("max_length: 40}", "pattern: '([a-z'}")
    found = only_problem(text)
    assert found.startswith(
        "form.yaml:15:64: Pattern of question 'full_name' is not a valid regular expression"
    )


def test_unknown_list_suggests_the_right_one():
    text = GOOD.replace("options: colours", "options: colors")
    assert only_problem(text).startswith(
        "form.yaml:26:18: Options of question 'colour' names a list 'colors' that is not under lists:. Did you mean 'colours'?"
    )


def test_missing_translation_for_a_declared_language():
    text = GOOD.replace("reference_prefix: TST\n", "reference_prefix: TST\nlanguages: [en, cy]\n")
    found = problems(text)
    assert (
        "form.yaml:3:8: The form title is missing its Welsh translation. Write it as {en: ..., cy: ...}."
        in found
    )
    text = GOOD.replace("title: Test form", "title: {en: Test form}").replace(
        "reference_prefix: TST\n", "reference_prefix: TST\nlanguages: [en, cy]\n"
    )
    assert (
        "form.yaml:3:8: The form title is missing its Welsh text. Add cy: ... to it."
        in problems(text)
    )


def test_a_language_key_that_is_not_declared():
    text = GOOD.replace("title: Test form", "title: {en: Test form, fr: Formulaire}")
    assert only_problem(text).startswith(
        "form.yaml:3:24: 'fr' in the form title is not one of the form's languages (en)"
    )


def test_welsh_under_way_in_an_english_form_is_kept_with_a_warning():
    """Authors translate a form a part at a time: Welsh text before `languages:` lists cy
    loads, is kept, and the form is served in English until every text has Welsh."""
    text = GOOD.replace("title: Test form", "title: {en: Test form, cy: Ffurflen brawf}")
    warnings: list = []
    form = load_form_text(text, "form.yaml", warnings)
    assert list(form.languages) == ["en"]
    assert form.title.pick("cy") == "Ffurflen brawf" and form.title.pick("en") == "Test form"
    (warning,) = warnings
    assert str(warning).startswith(
        "form.yaml:3:8: warning: 1 texts have Welsh (cy), but languages: does not list cy, "
        "so the form is served in English only."
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("id: test-form", "id: Test Form"), "form.yaml:1:5: The form id 'Test Form' is not valid"),
        (
            ("id: test-form", "id: api"),
            "form.yaml:1:5: The form id 'api' is used by the service itself",
        ),
        (
            ("version: 2", "version: 0"),
            "form.yaml:2:10: Version must be a whole number of 1 or more",
        ),
        (("version: 2", "version: two"), "form.yaml:2:10: Version must be a whole number"),
        (
            ("reference_prefix: TST", "reference_prefix: tst1"),
            "form.yaml:4:19: Reference_prefix 'tst1' is not valid",
        ),
        (
            ("- id: dob\n", "- id: check-your-answers\n"),
            "The page id 'check-your-answers' is used by the service",
        ),
        (
            ("- id: dob\n", "- id: feedback\n"),
            "The page id 'feedback' is used by the service",
        ),
        (("id: full_name,", "id: full-name,"), "The question id 'full-name' is not valid"),
        (
            ("id: full_name,", "id: today,"),
            "The question id 'today' is a word of the condition language",
        ),
        (
            ("id: full_name,", "id: csrf_token,"),
            "The question id 'csrf_token' is used by the service itself",
        ),
        (
            (
                "section: about\n    questions:\n      - {id: full_name",
                "section: abuot\n    questions:\n      - {id: full_name",
            ),
            "Section 'abuot' is not in sections:. Did you mean 'about'?",
        ),
        (
            ("max_length: 40}", "max_length: -4}"),
            "Max_length of question 'full_name' must be 1 or more",
        ),
        (
            ("max_length: 40}", "max_length: 40, min_length: 50}"),
            "Min_length of question 'full_name' is more than its max_length",
        ),
        (("not_after: today}", "not_after: tomorrow}"), "Not_after of question 'date_of_birth'"),
        (("type: exit", "type: exits"), "Unknown page type 'exits'. Did you mean 'exit'?"),
    ],
)
def test_value_problems_are_reported(change, expected):
    found = problems(GOOD.replace(*change))
    assert any(expected in p for p in found), found


def test_placeholders_must_name_an_earlier_question():
    text = GOOD.replace("title: You cannot use this service", "title: 'Sorry {colour_name}'")
    found = only_problem(text)
    assert "The placeholder {colour_name} names no question asked before it" in found


def test_a_page_after_an_unconditional_exit_can_never_be_reached():
    text = GOOD.replace('    when: "age(date_of_birth) < 18"\n', "").replace(
        "declaration:",
        "  - id: after\n    questions:\n      - {id: late, type: text, label: Late}\ndeclaration:",
    )
    assert "Page 'after' can never be reached" in only_problem(text)


def test_a_page_with_several_questions_and_no_title_is_a_warning_with_a_default():
    """The contract makes title: optional, so the page loads with a heading chosen for it
    (tests/unit/test_contract_keys.py has the rest of the keys it leaves optional)."""
    text = GOOD.replace(
        "      - {id: full_name, type: text, label: Full name, max_length: 40}\n",
        "      - {id: full_name, type: text, label: Full name, max_length: 40}\n      - {id: nickname, type: text, label: Nickname}\n",
    )
    warnings: list = []
    form = load_form_text(text, "form.yaml", warnings)
    assert form.page("name").title.pick("en") == "About you"
    assert "Page 'name' has 2 questions and no title:" in str(warnings[0])


def test_reveal_only_on_choice_questions_and_not_nested():
    text = GOOD.replace(
        "    - {value: blue, label: Blue}",
        "    - {value: blue, label: Blue, reveal: [{id: shade, type: radios, label: Shade, options: [{value: a, label: A, reveal: [{id: deep, type: text, label: Deep}]}, {value: b, label: B}]}]}",
    )
    assert "A revealed question cannot reveal more questions" in only_problem(text)


def test_every_problem_in_a_file_is_reported_at_once():
    text = (
        GOOD.replace("type: date,", "type: dates,")
        .replace("options: colours", "options: colors")
        .replace("version: 2", "version: 0")
    )
    found = problems(text)
    # The condition on the unreadable date question is not reported a second time.
    assert [p.split(": ")[1].split(" ")[0] for p in found] == ["Version", "Unknown", "Options"]


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path):
    (tmp_path / "good.yaml").write_text(GOOD)
    (tmp_path / "bad.yaml").write_text(
        GOOD.replace("id: test-form", "id: other-form").replace("version: 2", "version: x")
    )
    (tmp_path / "twin.yml").write_text(GOOD)
    (tmp_path / "notes.txt").write_text("not a definition")
    forms, found = load_definitions([tmp_path])
    assert list(forms) == ["test-form"]
    messages = [str(p) for p in found]
    assert any(m.startswith(f"{tmp_path / 'bad.yaml'}:2:10: Version must be") for m in messages)
    assert any("Form id 'test-form' is already used by" in m for m in messages)


def test_the_projects_own_definitions_load():
    root = Path(__file__).resolve().parents[2] / "form_definitions"
    forms, found = load_definitions([root])
    assert found == []
    assert set(forms) == {
        "lasting-power-of-attorney",
        "criminal-injuries-compensation",
        "prison-visit-booking",
    }


def test_text_variants_and_placeholders_resolve():
    text = GOOD.replace(
        "title: You cannot use this service",
        "title:\n      - {when: \"colour == 'red'\", en: 'Sorry {full_name}, red'}\n      - {en: 'Sorry {full_name}'}",
    )
    form = load_form_text(text, "form.yaml")
    title = form.page("too-young").title
    assert title.pick("en", {"colour": "red"}, None) == "Sorry {full_name}, red"
    assert title.pick("en", {"colour": "blue"}, None) == "Sorry {full_name}"
    assert title.placeholders == {"full_name"}


def test_variant_rules_last_without_when_others_with():
    text = GOOD.replace(
        "title: You cannot use this service",
        "title:\n      - {en: First}\n      - {when: \"colour == 'red'\", en: Second}",
    )
    found = problems(text)
    assert any(
        "Only the last variant of the title of page 'too-young' may leave out 'when:'" in p
        for p in found
    )
    assert any(
        "The last variant of the title of page 'too-young' must have no 'when:'" in p for p in found
    )


REPEATS = """\
id: visit
version: 1
title: Visit
navigation: task_list
sections:
  - {id: prisoner, title: Prisoner}
  - {id: visitors, title: Visitors}
pages:
  - id: eligibility
    questions:
      - {id: over_18, type: yes_no, label: Are you 18 or over?}
  - id: prisoner
    section: prisoner
    questions:
      - {id: prisoner_name, type: text, label: Prisoner name}
  - id: visitors
    type: repeat
    section: visitors
    item_name: visitor
    min: 1
    max: 6
    pages:
      - id: visitor-details
        title: "Visitor details"
        questions:
          - {id: visitor_name, type: text, label: Name}
          - {id: visitor_dob, type: date, label: Date of birth}
        rules:
          - check: "visitor_dob <= today"
            message: Date of birth must be in the past
            question: visitor_dob
      - id: visitor-needs
        when: "age(visitor_dob) < 18"
        questions:
          - {id: visitor_guardian, type: text, label: "Who is responsible for {visitor_name}?"}
    rules:
      - check: "count(visitors, age(visitor_dob) >= 18) <= 3"
        message: You can book a maximum of 3 visitors aged 18 or over
  - id: lead
    section: visitors
    when: "any(visitors, age(visitor_dob) >= 18)"
    questions:
      - id: lead_visitor
        type: text
        label: Which visitor leads the visit?
"""


def test_repeats_rules_and_task_lists_load():
    form = load_form_text(REPEATS, "visit.yaml")
    repeat = form.page("visitors")
    assert repeat.is_repeat and (repeat.min_items, repeat.max_items) == (1, 6)
    assert [p.id for p in repeat.pages] == ["visitor-details", "visitor-needs"]
    assert form.repeat_of("visitor_dob") is repeat and form.repeat_of("visitor-needs") is repeat
    assert form.repeat_of("lead_visitor") is None
    assert form.page("visitor-details").rules[0].question == "visitor_dob"
    assert repeat.rules[0].message.pick("en").startswith("You can book a maximum")
    assert form.navigation == "task_list"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("max: 6", "max: 0"), "Max of repeat 'visitors' must be a whole number of 1 or more"),
        (
            ("min: 1\n    max: 6", "min: 3\n    max: 2"),
            "Max of repeat 'visitors' (2) is less than its min (3)",
        ),
        (
            ("question: visitor_dob", "question: visitor_dbo"),
            "Question: 'visitor_dbo' of this rule is not a question of page 'visitor-details'",
        ),
        (
            ('when: "any(visitors, age(visitor_dob) >= 18)"', 'when: "age(visitor_dob) >= 18"'),
            "'visitor_dob' is asked inside the repeat 'visitors', once for each item. Outside it, use count(visitors, ...)",
        ),
        (
            ('when: "age(visitor_dob) < 18"', 'when: "count(visitors) > 1"'),
            "'visitors' is the repeat this is inside",
        ),
        (
            ('when: "age(visitor_dob) < 18"', 'when: "age(visitor_dbo) < 18"'),
            "Did you mean 'visitor_dob'?",
        ),
        (
            (
                'check: "count(visitors, age(visitor_dob) >= 18) <= 3"',
                'check: "count(visitor_name) <= 3"',
            ),
            "'visitor_name' is asked inside the repeat 'visitors'",
        ),
        (
            ('check: "visitor_dob <= today"', "check: \"visitor_guardian == 'x'\""),
            "'visitor_guardian' is asked later, on page 'visitor-needs'",
        ),
        (
            ("  - id: eligibility\n", "  - id: eligibility\n    section: nowhere\n"),
            "Section 'nowhere' is not in sections:",
        ),
        (
            ("    section: visitors\n    when:", "    when:"),
            "Page 'lead' has no section:. In a task list form",
        ),
        (
            (
                "      - id: visitor-details\n",
                "      - id: visitor-details\n        type: repeat\n        item_name: x\n        pages: []\n",
            ),
            "is inside the repeat 'visitors'. A repeat cannot contain another one",
        ),
    ],
)
def test_repeat_rule_and_task_list_problems(change, expected):
    found = problems(REPEATS.replace(*change))
    assert any(expected in p for p in found), found


def test_a_rule_naming_an_unknown_question_points_into_the_check():
    found = only_problem(
        REPEATS.replace('check: "visitor_dob <= today"', 'check: "visitor_dbo <= today"')
    )
    assert found.startswith("form.yaml:29:21: In this condition:")
    assert "visitor_dob" in found


def test_a_repeat_without_max_gets_50_and_a_warning():
    warnings: list = []
    form = load_form_text(REPEATS.replace("    max: 6\n", ""), "visit.yaml", warnings)
    assert form.page("visitors").max_items == 50
    (warning,) = warnings
    assert warning.warning
    assert str(warning).startswith(
        "visit.yaml:16:5: warning: Repeat 'visitors' has no max:, so at most 50 items"
    )
    quiet: list = []
    assert load_form_text(REPEATS, "visit.yaml", quiet).page("visitors").max_items == 6
    assert quiet == []


def test_max_length_is_at_most_ten_thousand():
    text = GOOD.replace("max_length: 40}", "max_length: 10001}")
    assert "Max_length of question 'full_name' must be 10,000 or less" in only_problem(text)
