"""A stored submission filled into its paper form: every answer found in its own box of the
flattened PDF (read back by position), what has no room on a continuation sheet, and
hostile answers that leave the PDF whole."""

from __future__ import annotations

import datetime
import io
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest
from pypdf import PdfReader
from reportlab.pdfgen import canvas

from forms_service.definitions.loader import load_form_file
from forms_service.paper.filling import NoPaperForm, fill_paper_form
from forms_service.testing.fillable_pdf import FillablePdf
from forms_service.testing.filled_pdf import read_filled

STATIC = Path(__file__).parents[2] / "forms_service" / "static"

FORM = """\
id: paper-fill
version: 1
title: Apply on paper
paper_form:
  file: form.pdf
  fields:
    full_name: {title: "Title", first: "First name", last: "Last name"}
    dob: {day: "DOB day", month: "DOB month", year: "DOB year"}
    visit_date: "Visit date"
    home: "Address"
    fee: {field: "Fee", pound_sign: false}
    savings: "Savings"
    disabled: "Disabled"
    interpreter: {yes_box: "Interpreter yes", no_box: "Interpreter no"}
    kind: "Kind"
    kind_words: "Kind in words"
    needs: {options: {ramp: "Needs ramp", loop: "Needs loop"}}
    story: "Story"
    visitors: {repeat: 2, fields: {visitor_name: "Visitor {n} name"}}
pages:
  - id: about
    title: About you
    questions:
      - {id: full_name, type: name, label: Your name}
      - {id: dob, type: date, label: Date of birth}
      - {id: visit_date, type: date, label: Visit date}
      - {id: home, type: address, label: Address}
  - id: money
    title: Money
    questions:
      - {id: fee, type: money, label: Fee}
      - {id: savings, type: money, label: Savings}
      - {id: disabled, type: yes_no, label: Are you disabled?}
      - {id: interpreter, type: yes_no, label: Do you need an interpreter?}
  - id: visit
    title: Visit
    questions:
      - id: kind
        type: radios
        label: Kind of visit
        options: [{value: social, label: Social visit}, {value: legal, label: Legal visit}]
      - id: kind_words
        type: radios
        label: Kind of visit again
        options: [{value: social, label: Social visit}, {value: legal, label: Legal visit}]
      - id: needs
        type: checkboxes
        label: Needs
        options: [{value: ramp, label: A ramp}, {value: loop, label: A hearing loop}]
      - {id: story, type: textarea, label: What happened}
      - {id: unmapped, type: text, label: Anything else, optional: true}
  - id: visitors
    type: repeat
    item_name: visitor
    max: 5
    pages:
      - id: visitor
        title: Visitor
        questions:
          - {id: visitor_name, type: text, label: Visitor name}
"""

ANSWERS = {
    "full_name": {"title": "Ms", "first": "Zoë", "last": "Ñandú"},
    "dob": "1980-03-05",
    "visit_date": "2026-12-24",
    "home": {"line1": "1 High Street", "town": "Cardiff", "postcode": "CF10 1AA"},
    "fee": 125050,
    "savings": 700,
    "disabled": True,
    "interpreter": False,
    "kind": "legal",
    "kind_words": "social",
    "needs": ["loop"],
    "story": "It happened.\nThen more happened.",
    "visitors": [{"visitor_name": "Ann"}, {"visitor_name": "Bob"}],
}


def blank_pdf() -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out, invariant=1)
    page.drawString(50, 800, "Apply on paper (form AP1)")
    form = page.acroForm
    for x, name in ((50, "Title"), (120, "First name"), (300, "Last name")):
        form.textfield(name=name, x=x, y=750, width=60 if name == "Title" else 170, height=20)
    for x, part in ((50, "day"), (90, "month"), (130, "year")):
        form.textfield(name=f"DOB {part}", x=x, y=700, width=35, height=20, maxlen=4)
    form.textfield(name="Visit date", x=200, y=700, width=100, height=20)
    form.textfield(name="Address", x=50, y=600, width=300, height=80, fieldFlags="multiline")
    form.textfield(name="Fee", x=50, y=560, width=100, height=20)
    form.textfield(name="Savings", x=200, y=560, width=100, height=20)
    form.checkbox(name="Disabled", x=50, y=520, size=12)
    form.checkbox(name="Interpreter yes", x=100, y=520, size=12)
    form.checkbox(name="Interpreter no", x=150, y=520, size=12)
    form.radio(name="Kind", value="social", selected=False, x=50, y=480, size=12)
    form.radio(name="Kind", value="legal", selected=False, x=100, y=480, size=12)
    form.textfield(name="Kind in words", x=150, y=480, width=150, height=20)
    form.checkbox(name="Needs ramp", x=50, y=440, size=12)
    form.checkbox(name="Needs loop", x=100, y=440, size=12)
    form.textfield(
        name="Story", x=50, y=300, width=400, height=120, fieldFlags="multiline", maxlen=5000
    )
    for number in (1, 2):
        form.textfield(name=f"Visitor {number} name", x=50, y=280 - 30 * number, width=200)
    page.save()
    return out.getvalue()


@pytest.fixture(scope="module")
def form(tmp_path_factory):
    folder = tmp_path_factory.mktemp("paper")
    (folder / "form.pdf").write_bytes(blank_pdf())
    (folder / "form.yaml").write_text(FORM)
    return load_form_file(folder / "form.yaml")


def stored(form, answers: dict, language: str = "en") -> SimpleNamespace:
    moment = datetime.datetime(2026, 5, 1, 9, 30, tzinfo=datetime.UTC)
    return SimpleNamespace(
        id=1, reference="APP-7K3M-Q9TX", form_id=form.id, form_version=form.version,
        definition=dict(form.snapshot), answers=answers, language=language, channel="online",
        started_at=moment, submitted_at=moment, status=None, assigned_to=None, due_on=None,
        applicant_name=None, staff_user_id=None, assisted=None,
    )  # fmt: skip


def fill(form, answers: dict) -> bytes:
    return fill_paper_form(
        stored(form, answers),
        form.paper_form.pdf,
        static_folder=STATIC,
        service_name="Forms service",
        gettext=lambda s: s,
        language="en",
    )


def test_every_answer_is_in_its_own_box_of_a_flattened_pdf(form):
    filled = read_filled(fill(form, ANSWERS), form.paper_form.pdf)
    assert filled.fields_left == 0  # flattened: it prints as filled and cannot be edited
    assert filled.pages == 1  # everything fitted: no continuation sheet
    assert filled.texts == {
        "Title": "Ms",
        "First name": "Zoë",
        "Last name": "Ñandú",
        "DOB day": "05",
        "DOB month": "03",
        "DOB year": "1980",
        "Visit date": "24/12/2026",
        "Address": "1 High Street\nCardiff\nCF10 1AA",
        "Fee": "1,250.50",  # the box prints its own £
        "Savings": "£7",
        "Kind in words": "Social visit",
        "Story": "It happened.\nThen more happened.",
        "Visitor 1 name": "Ann",
        "Visitor 2 name": "Bob",
    }
    assert filled.ticked == {
        "Disabled": {"Yes"},
        "Interpreter no": {"Yes"},
        "Kind": {"legal"},
        "Needs loop": {"Yes"},
    }


def test_unanswered_boxes_stay_empty_and_unticked(form):
    filled = read_filled(fill(form, {"disabled": False}), form.paper_form.pdf)
    assert set(filled.texts.values()) == {""}
    assert filled.ticked == {}


def continuation(pdf: bytes, blank: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    pages = len(PdfReader(io.BytesIO(blank)).pages)
    return "\n".join(page.extract_text() for page in reader.pages[pages:])


def test_items_beyond_the_papers_boxes_and_answers_with_no_box_are_continued(form):
    answers = {
        **ANSWERS,
        "visitors": [{"visitor_name": name} for name in ("Ann", "Bob", "Cai", "Dee")],
        "unmapped": "Please call after 5pm",
    }
    pdf = fill(form, answers)
    filled = read_filled(pdf, form.paper_form.pdf)
    assert filled.texts["Visitor 2 name"] == "Bob"
    sheet = continuation(pdf, form.paper_form.pdf)
    assert "Continuation sheet" in sheet and "APP-7K3M-Q9TX" in sheet
    assert "Visitor 3" in sheet and "Cai" in sheet and "Dee" in sheet
    assert "Anything else" in sheet and "Please call after 5pm" in sheet
    assert "Ann" not in sheet and "Bob" not in sheet  # already in their boxes


@pytest.mark.parametrize(
    "hostile",
    [
        "x" * 400,  # far too long for a one-line box
        "مرحبا بالعالم",  # right to left, not in the box's font
        "李小龍",  # no Latin at all
        "Close ) and open ( and \\ backslash \\",  # PDF string syntax
        "BT /F1 99 Tf (owned) Tj ET",  # PDF operators as text
    ],
)
def test_hostile_answers_leave_the_pdf_whole_and_the_answer_readable(form, hostile):
    pdf = fill(form, {**ANSWERS, "visitors": [{"visitor_name": hostile}]})
    filled = read_filled(pdf, form.paper_form.pdf)
    box = filled.texts["Visitor 1 name"]
    if box == "See continuation sheet":
        sheet = continuation(pdf, form.paper_form.pdf)
        assert hostile[:40] in sheet.replace("\n", "") or "[cjk" in sheet
    else:
        assert box == hostile
    assert filled.texts["First name"] == "Zoë"  # the rest is untouched


def test_long_text_in_a_multi_line_box_fits_or_is_continued(form):
    fits = "word " * 120
    filled = read_filled(fill(form, {"story": fits}), form.paper_form.pdf)
    assert filled.texts["Story"].split() == fits.split()  # wrapped, all of it
    too_long = "word " * 2000
    pdf = fill(form, {"story": too_long})
    assert read_filled(pdf, form.paper_form.pdf).texts["Story"] == "See continuation sheet"
    assert "What happened" in continuation(pdf, form.paper_form.pdf)


def test_a_choice_list_shows_the_options_label_not_its_code(tmp_path):
    paper = FillablePdf("Choices")
    options = [("bristol", "HMP Bristol"), ("cardiff", "HMP Cardiff")]
    paper.choice("Prison", "Prison", options)
    paper.choice("Prison list", "Prison again", options, list_box=True)
    paper.text_field("Address", "Address", width=60)
    (tmp_path / "form.pdf").write_bytes(paper.build())
    (tmp_path / "form.yaml").write_text(
        textwrap.dedent(
            """\
            id: choices
            version: 1
            title: Choices
            paper_form:
              file: form.pdf
              fields: {prison: Prison, prison_again: Prison list, home: Address}
            pages:
              - id: a
                title: A
                questions:
                  - {id: prison, type: select, label: Prison, options: prisons}
                  - {id: prison_again, type: select, label: Prison again, options: prisons}
                  - {id: home, type: address, label: Address}
            lists:
              prisons: [{value: bristol, label: HMP Bristol}, {value: cardiff, label: HMP Cardiff}]
            """
        )
    )
    form = load_form_file(tmp_path / "form.yaml")
    home = {"line1": "1 A Street", "town": "Cardiff", "postcode": "CF10 1AA"}
    answers = {"prison": "cardiff", "prison_again": "bristol", "home": home}
    pdf = fill(form, answers)
    filled = read_filled(pdf, form.paper_form.pdf)
    assert filled.texts["Prison"] == "HMP Cardiff"
    assert "HMP Bristol" in filled.texts["Prison list"]
    # An address too long for a narrow one-line box goes on the continuation sheet, whole.
    assert filled.texts["Address"] == "See continuation sheet"
    assert "1 A Street" in continuation(pdf, form.paper_form.pdf)


def test_a_submission_without_a_paper_form_cannot_be_filled(tmp_path):
    (tmp_path / "form.yaml").write_text(
        textwrap.dedent(
            """\
            id: no-paper
            version: 1
            title: No paper
            pages:
              - id: a
                questions: [{id: a, type: text, label: A}]
            """
        )
    )
    form = load_form_file(tmp_path / "form.yaml")
    with pytest.raises(NoPaperForm):
        fill_paper_form(
            stored(form, {"a": "x"}), b"", static_folder=STATIC, service_name="x",
            gettext=lambda s: s, language="en",
        )  # fmt: skip
