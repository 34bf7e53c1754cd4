"""Reading a stored submission for caseworkers: sections, rows, repeat items, variants."""

from __future__ import annotations

import datetime
import subprocess
import sys

from forms_service.definitions.loader import load_form_text
from forms_service.rendition import AnswerRow, ItemBlock, SectionBlock, read_submission

TODAY = datetime.date(2026, 3, 12)

FORM = load_form_text(
    """\
id: claim
version: 4
title: {en: Claim, cy: Hawlio}
languages: [en, cy]
sections:
  - {id: you, title: {en: About you, cy: Amdanoch chi}}
  - {id: people, title: {en: Other people, cy: Pobl eraill}}
pages:
  - id: about-you
    section: you
    title: {en: About you, cy: Amdanoch chi}
    questions:
      - {id: full_name, type: name, label: {en: Your name, cy: Eich enw}}
      - {id: dob, type: date, label: {en: Date of birth, cy: Dyddiad geni}}
      - id: home
        type: address
        label: {en: Home address, cy: Cyfeiriad cartref}
      - id: nickname
        type: text
        optional: true
        label: {en: Nickname, cy: Llysenw}
  - id: money
    section: you
    title: {en: Money and help, cy: Arian a help}
    questions:
      - {id: savings, type: money, label: {en: Savings, cy: Cynilion}}
      - id: help
        type: checkboxes
        label: {en: "What help do you need, {full_name}?", cy: "Pa help sydd ei angen, {full_name}?"}
        options:
          - {value: ramp, label: {en: A ramp, cy: Ramp}}
          - value: interpreter
            label: {en: An interpreter, cy: Cyfieithydd}
            reveal: [{id: interpreter_language, type: text, label: {en: Language, cy: Iaith}}]
          - {value: hearing-loop, label: {en: A hearing loop, cy: Dolen sain}}
  - id: intro
    type: content
    title: {en: Other people, cy: Pobl eraill}
    body: {en: Tell us about them., cy: Dywedwch wrthym amdanyn nhw.}
  - id: visitors
    type: repeat
    section: people
    item_name: {en: visitor, cy: ymwelydd}
    title: {en: Visitors, cy: Ymwelwyr}
    pages:
      - id: visitor-name
        questions:
          - {id: visitor_name, type: text, label: {en: Name, cy: Enw}}
      - id: visitor-age
        questions:
          - {id: visitor_adult, type: yes_no, label: {en: "Is {visitor_name} 18 or over?", cy: "Ydy {visitor_name} yn 18 oed neu'n hŷn?"}}
  - id: notes
    section: people
    questions:
      - id: notes
        type: textarea
        label:
          - {when: "count(visitors) >= 2 and savings >= 1000", en: Notes about the visitors, cy: Nodiadau am yr ymwelwyr}
          - {en: Notes about the visitor, cy: Nodiadau am yr ymwelydd}
  - id: helpers
    type: repeat
    item_name: {en: helper, cy: cynorthwyydd}
    pages:
      - id: helper
        questions:
          - {id: helper_name, type: text, label: {en: Helper, cy: Cynorthwyydd}}
""",
    "x.yaml",
)

ANSWERS = {
    "full_name": {"title": "Ms", "first": "Zoë", "last": "Ñandú"},
    "dob": "1980-03-02",
    "home": {"line1": "1 High St", "line2": "", "town": "Cardiff", "county": "",
             "postcode": "CF10 1AA"},
    "savings": 125050,
    "help": ["ramp", "interpreter"],
    "interpreter_language": "Welsh",
    "visitors": [
        {"visitor_name": "Sam", "visitor_adult": True},
        {"visitor_name": "Alex", "visitor_adult": False},
    ],
    "notes": "First line\nSecond line",
    "helpers": [],
}  # fmt: skip


def read(answers=ANSWERS, language="en"):
    return read_submission(dict(FORM.snapshot), answers, language, today=TODAY)


def test_sections_rows_and_items_in_the_order_of_the_form():
    form, blocks = read()
    assert form.id == "claim" and form.version == 4
    assert [b.title for b in blocks] == ["About you", "Other people", None]
    about, people, other = blocks
    assert about.entries == [
        AnswerRow("full_name", "Your name", ["Ms Zoë Ñandú"]),
        AnswerRow("dob", "Date of birth", ["2 March 1980"]),
        AnswerRow("home", "Home address", ["1 High St", "Cardiff", "CF10 1AA"]),
        AnswerRow("savings", "Savings", ["£1,250.50"]),
        AnswerRow("help", "What help do you need, Ms Zoë Ñandú?", ["A ramp", "An interpreter"]),
        AnswerRow("interpreter_language", "Language", ["Welsh"]),
    ]
    assert people.entries == [
        ItemBlock(
            "Visitor 1: Sam",
            [AnswerRow("visitor_name", "Name", ["Sam"]),
             AnswerRow("visitor_adult", "Is Sam 18 or over?", ["Yes"])],
        ),
        ItemBlock(
            "Visitor 2: Alex",
            [AnswerRow("visitor_name", "Name", ["Alex"]),
             AnswerRow("visitor_adult", "Is Alex 18 or over?", ["No"])],
        ),
        AnswerRow("notes", "Notes about the visitors", ["First line", "Second line"]),
    ]  # fmt: skip
    assert other == SectionBlock(None, [AnswerRow("helpers", "Helper", ["None"])])


def test_text_variants_see_answers_as_conditions_do():
    # Money is compared in pounds and the repeat is counted: 999.99 pounds is below 1000.
    answers = {**ANSWERS, "savings": 99999}
    _, blocks = read(answers)
    assert blocks[1].entries[-1].label == "Notes about the visitor"
    one_visitor = {**ANSWERS, "visitors": ANSWERS["visitors"][:1]}
    _, blocks = read(one_visitor)
    assert blocks[1].entries[-1].label == "Notes about the visitor"


def test_unanswered_questions_and_skipped_repeats_are_left_out():
    answers = {"full_name": ANSWERS["full_name"], "savings": 600_00}
    _, blocks = read(answers)
    assert blocks == [
        SectionBlock(
            "About you",
            [AnswerRow("full_name", "Your name", ["Ms Zoë Ñandú"]),
             AnswerRow("savings", "Savings", ["£600"])],
        )
    ]  # fmt: skip


def test_welsh_labels_dates_and_item_names():
    _, blocks = read(language="cy")
    assert [b.title for b in blocks] == ["Amdanoch chi", "Pobl eraill", None]
    assert blocks[0].entries[1] == AnswerRow("dob", "Dyddiad geni", ["2 Mawrth 1980"])
    assert [e.heading for e in blocks[1].entries[:2]] == ["Ymwelydd 1: Sam", "Ymwelydd 2: Alex"]
    assert blocks[1].entries[0].rows[1].label == "Ydy Sam yn 18 oed neu'n hŷn?"
    assert blocks[2].entries == [AnswerRow("helpers", "Cynorthwyydd", ["None"])]


def test_an_unknown_language_falls_back_to_the_first_language_of_the_form():
    _, blocks = read(language="fr")
    assert blocks[0].title == "About you"


def test_service_words_go_through_gettext():
    words = {
        "None": "Dim",
        "%(item)s %(number)d": "%(item)s rhif %(number)d",
        "%(name)s: %(label)s": "%(name)s (%(label)s)",
    }
    _, blocks = read_submission(dict(FORM.snapshot), ANSWERS, "en", words.get, today=TODAY)
    assert blocks[1].entries[0].heading == "Visitor rhif 1 (Sam)"
    assert blocks[2].entries[0].lines == ["Dim"]


def test_answers_are_plain_text_not_html():
    answers = {"full_name": {"title": "", "first": "<b>Bo</b>", "last": "&amp;"}}
    _, blocks = read(answers)
    assert blocks[0].entries[0].lines == ["<b>Bo</b> &amp;"]


def test_the_rendition_does_not_import_flask():
    code = "import sys, forms_service.rendition; print('flask' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
