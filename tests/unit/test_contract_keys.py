"""The contract is the law: a key it does not mark "required" may be left out.

Each case below leaves out one key that ../shared/form-definition-format.md lists without
"required". The definition must load; where the service needs something in its place it
chooses a default and says so as a warning at file:line:col, never as an error.
"""

from __future__ import annotations

import textwrap

import pytest

from forms_service.definitions.loader import DefinitionError, load_form_text

HEAD = """\
id: keys-form
version: 1
title: Apply for a thing
"""
ONE_PAGE = """\
pages:
  - id: name
    questions:
      - {id: full_name, type: text, label: Full name}
"""


def load(body: str, head: str = HEAD):
    warnings: list = []
    form = load_form_text(head + textwrap.dedent(body), "form.yaml", warnings)
    return form, [str(w) for w in warnings]


def test_a_page_of_several_questions_without_title_gets_its_sections_title():
    form, warnings = load(
        """\
        sections:
          - {id: about, title: About you}
        pages:
          - id: details
            section: about
            questions:
              - {id: first_name, type: text, label: First name}
              - {id: last_name, type: text, label: Last name}
        """
    )
    assert form.page("details").title.pick("en") == "About you"
    assert warnings == [
        "form.yaml:7:5: warning: Page 'details' has 2 questions and no title:, so its "
        "heading is its section's title ('About you'). Add title: with what the page is about."
    ]


def test_a_page_of_several_questions_outside_a_section_gets_the_forms_title():
    form, warnings = load(
        """\
        pages:
          - id: details
            questions:
              - {id: first_name, type: text, label: First name}
              - {id: last_name, type: text, label: Last name}
        """
    )
    assert form.page("details").title.pick("en") == "Apply for a thing"
    assert "the form's title ('Apply for a thing')" in warnings[0]


def test_a_page_of_guidance_only_without_title_loads():
    form, warnings = load(
        """\
        pages:
          - id: about
            questions:
              - {id: about_text, type: content, body: Read this first.}
        """
    )
    assert form.page("about").title.pick("en") == "Apply for a thing"
    assert "has only guidance and no title:" in warnings[0]


def test_a_page_without_questions_is_a_content_page():
    form, warnings = load(
        """\
        pages:
          - id: before-you-start
            title: Before you start
            body: You need your passport.
          - id: name
            questions:
              - {id: full_name, type: text, label: Full name}
        """
    )
    assert form.page("before-you-start").kind == "content"
    assert "has no questions:, so it is shown as a content page" in warnings[0]


@pytest.mark.parametrize("kind", ["exit", "content"])
def test_exit_and_content_pages_without_title_load(kind):
    form, warnings = load(
        f"""\
        pages:
          - id: first
            type: {kind}
            body: Some words.
        """
    )
    page = form.page("first")
    if kind == "exit":
        assert page.title is None  # the page view says "You cannot use this service"
        assert "'You cannot use this service'" in warnings[0]
    else:
        assert page.title.pick("en") == "Apply for a thing"
        assert "is a content page and no title:" in warnings[0]


def test_a_repeat_without_item_name_loads_and_is_called_item():
    form, warnings = load(
        """\
        pages:
          - id: children
            type: repeat
            max: 3
            pages:
              - id: child
                questions:
                  - {id: child_name, type: text, label: Name}
        """
    )
    assert form.page("children").item_name is None
    assert "has no item_name:, so its items are called 'item'" in warnings[0]


def test_a_repeat_without_pages_is_left_out_with_a_warning():
    form, warnings = load(
        """\
        pages:
          - id: children
            type: repeat
            item_name: child
            max: 3
          - id: name
            questions:
              - {id: full_name, type: text, label: Full name}
        """
    )
    assert form.page("children") is None
    assert "has no pages:, so it asks nothing" in warnings[0]


def test_a_rule_without_message_uses_the_services_message():
    form, warnings = load(
        """\
        pages:
          - id: ages
            title: Ages
            questions:
              - {id: low, type: number, label: Lowest}
              - {id: high, type: number, label: Highest}
            rules:
              - {check: "low <= high", question: high}
        """
    )
    (rule,) = form.page("ages").rules
    assert rule.message is None
    assert "has no message:" in warnings[0]


def test_a_rule_without_check_is_left_out():
    form, warnings = load(
        """\
        pages:
          - id: ages
            questions:
              - {id: low, type: number, label: Lowest}
            rules:
              - {message: Check this}
        """
    )
    assert form.page("ages").rules == ()
    assert "has no check:" in warnings[0]


def test_a_section_without_title_is_named_from_its_id():
    form, warnings = load(
        """\
        sections:
          - {id: your-details}
        pages:
          - id: name
            section: your-details
            questions:
              - {id: full_name, type: text, label: Full name}
        """
    )
    assert form.section("your-details").title.pick("en") == "Your details"
    assert "Section 'your-details' has no title:" in warnings[0]


def test_a_section_without_id_is_left_out():
    form, warnings = load("sections:\n  - {title: About you}\n" + ONE_PAGE)
    assert form.sections == ()
    assert "This section has no id:" in warnings[0]


def test_an_option_without_label_shows_its_value():
    form, warnings = load(
        """\
        pages:
          - id: colour
            questions:
              - id: colour
                type: radios
                label: Colour?
                options:
                  - {value: red}
                  - {value: blue, label: Blue}
        """
    )
    red = form.question("colour").option("red")
    assert red.label.pick("en") == "red"
    assert "The option 'red' of question 'colour' has no label:" in warnings[0]


def test_options_without_values_store_their_labels():
    form, warnings = load(
        """\
        lists:
          towns: [Bristol, Cardiff]
        pages:
          - id: colour
            title: Colour and town
            questions:
              - id: colour
                type: checkboxes
                label: Colours
                options:
                  - {label: Red}
                  - Blue
              - {id: town, type: select, label: Town, options: towns}
        """
    )
    colour = form.question("colour")
    assert [o.value for o in colour.options] == ["Red", "Blue"]
    assert [o.value for o in form.question("town").options] == ["Bristol", "Cardiff"]
    assert warnings == []


def test_an_option_with_translated_label_still_needs_a_value():
    with pytest.raises(DefinitionError) as caught:
        load(
            """\
            pages:
              - id: colour
                questions:
                  - id: colour
                    type: radios
                    label: Colour?
                    options: [{label: {en: Red}}, {value: b, label: Blue}]
            """
        )
    assert "but no value:" in str(caught.value)


def test_start_without_body_means_no_start_page():
    form, warnings = load("start: {}\n" + ONE_PAGE)
    assert form.start is None
    assert "start has no body:" in warnings[0]


def test_declaration_without_body_keeps_its_tick_box():
    form, warnings = load(
        ONE_PAGE + "declaration:\n  confirm_label: I confirm the answers are true\n"
    )
    assert form.declaration.body is None
    assert form.declaration.confirm_label.pick("en") == "I confirm the answers are true"
    assert "declaration has no body:" in warnings[0]


def test_confirmation_without_title_uses_the_services_heading():
    form, warnings = load(ONE_PAGE + "confirmation:\n  body: We will write to you.\n")
    assert form.confirmation.title is None
    assert form.confirmation.body.pick("en") == "We will write to you."
    assert "confirmation has no title:" in warnings[0]


def test_guidance_without_body_loads_with_a_warning():
    form, warnings = load(
        """\
        pages:
          - id: name
            title: Your name
            questions:
              - {id: note, type: content}
              - {id: full_name, type: text, label: Full name}
        """
    )
    assert form.question("full_name") is not None
    assert "The content question 'note' has no body:" in warnings[0]


def test_keys_the_contract_requires_are_still_required():
    with pytest.raises(DefinitionError) as caught:
        load(
            """\
            pages:
              - id: name
                questions:
                  - {id: full_name, type: text}
                  - {id: colour, type: radios, label: Colour}
            """,
            head="id: keys-form\n",
        )
    text = str(caught.value)
    assert "missing 'version:'" in text and "missing 'title:'" in text
    assert "missing 'label:'" in text
    assert "missing 'options:'" in text  # radios cannot be answered without options
