"""The `paper_form` block: checked against the form's questions and against the PDF's real
fields (made by reportlab), every mistake at file:line:col with how to fix it."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

import pytest
from reportlab.pdfgen import canvas

from forms_service.definitions.loader import (
    DefinitionError,
    load_form_file,
    load_form_text,
    load_snapshot,
)

FORM = """\
id: paper-test
version: 1
title: Paper test
paper_form:
  file: paper/form.pdf
  fields:
{fields}
pages:
  - id: about
    title: About you
    questions:
      - {{id: first, type: text, label: First name}}
      - {{id: dob, type: date, label: Date of birth}}
      - {{id: disabled, type: yes_no, label: Are you disabled?}}
      - id: kind
        type: radios
        label: Kind of visit
        options: [{{value: social, label: Social}}, {{value: legal, label: Legal}}]
  - id: visitors
    type: repeat
    item_name: visitor
    max: 4
    pages:
      - id: visitor
        title: Visitor
        questions:
          - {{id: visitor_name, type: text, label: Name}}
"""
FIELDS = """\
    first: "First name"
    dob: {day: "DOB day", month: "DOB month", year: "DOB year"}
    disabled: "Disabled"
    kind: "Kind"
    visitors: {repeat: 2, fields: {visitor_name: "Visitor {n} name"}}
"""


def fillable_pdf() -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out, invariant=1)
    page.drawString(50, 750, "Paper test form")  # reportlab needs the page drawn on
    form = page.acroForm
    form.textfield(name="First name", x=50, y=700, width=200, height=20)
    for number, part in enumerate(("day", "month", "year")):
        form.textfield(name=f"DOB {part}", x=50 + 40 * number, y=650, width=35, height=20)
    form.checkbox(name="Disabled", x=50, y=600, size=12)
    form.radio(name="Kind", value="social", selected=False, x=50, y=550, size=12)
    form.radio(name="Kind", value="legal", selected=False, x=80, y=550, size=12)
    for number in (1, 2):
        form.textfield(name=f"Visitor {number} name", x=50, y=500 - 30 * number, width=200)
    page.save()
    return out.getvalue()


def write(tmp_path: Path, fields: str = FIELDS, pdf: bytes | None = None) -> Path:
    (tmp_path / "paper").mkdir(exist_ok=True)
    (tmp_path / "paper" / "form.pdf").write_bytes(fillable_pdf() if pdf is None else pdf)
    path = tmp_path / "form.yaml"
    path.write_text(FORM.format(fields=textwrap.indent(textwrap.dedent(fields), "    ")))
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        load_form_file(path)
    return [str(problem) for problem in caught.value.problems]


def test_a_mapping_that_fits_the_pdf_loads_and_its_snapshot_pins_the_pdf(tmp_path):
    warnings: list = []
    form = load_form_file(write(tmp_path), warnings)
    paper = form.paper_form
    assert paper.file == "paper/form.pdf"
    assert paper.pdf == (tmp_path / "paper" / "form.pdf").read_bytes()
    assert len(paper.sha256) == 64
    assert form.snapshot["paper_form"]["sha256"] == paper.sha256
    assert paper.box("dob").parts == {"day": "DOB day", "month": "DOB month", "year": "DOB year"}
    assert paper.repeat("visitors").items == 2
    assert not [w for w in warnings if "paper" in str(w)]
    # A submission's snapshot is read back without the folder: same boxes, same hash.
    again = load_snapshot(dict(form.snapshot)).paper_form
    assert again.sha256 == paper.sha256 and again.pdf is None
    assert [b.pdf_field for b in again.boxes] == [b.pdf_field for b in paper.boxes]


def test_a_field_the_pdf_does_not_have_is_an_error_where_it_is_named(tmp_path):
    path = write(tmp_path, FIELDS.replace('"First name"', '"Frist name"'))
    assert problems(path) == [
        f"{path}:7:12: The paper_form box of 'first': the PDF has no field 'Frist name'. "
        "Did you mean 'First name'?"
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('first: "First name"', 'first: "Disabled"'), "only a yes/no question can tick"),
        (('kind: "Kind"', 'kind: "First name"'), None),  # options onto text: the label
        (('disabled: "Disabled"', 'disabled: "Kind"'), "only a question with options"),
        (('first: "First name"', 'first: "Kind"'), "only a question with options"),
    ],
)
def test_each_box_must_be_of_a_kind_that_can_hold_its_answer(tmp_path, change, message):
    path = write(tmp_path, FIELDS.replace(*change))
    if message is None:
        load_form_file(path)
    else:
        assert message in problems(path)[0]


def test_a_radio_group_needs_a_button_for_every_option(tmp_path):
    out = io.BytesIO()
    page = canvas.Canvas(out, invariant=1)
    page.drawString(50, 750, "Paper test form")
    page.acroForm.radio(name="Kind", value="social", selected=False, x=50, y=550, size=12)
    page.acroForm.radio(name="Kind", value="other", selected=False, x=80, y=550, size=12)
    page.acroForm.textfield(name="First name", x=50, y=700)
    page.save()
    path = write(tmp_path, 'kind: "Kind"\n', out.getvalue())
    assert problems(path) == [
        f"{path}:7:11: The paper_form box of 'kind': 'Kind' is a radio group; it has no value "
        "for the option(s) legal (its values are social, other). Give the PDF's buttons the option "
        "values."
    ]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ('nobody: "First name"\n', "Unknown key 'nobody' in the fields of paper_form"),
        ('visitor_name: "Visitor 1 name"\n', "Unknown key 'visitor_name'"),
        ('visitors: {repeat: 2, fields: {visitor_name: "Visitor name"}}\n', "has no {n}"),
        ('dob: {day: "DOB day", field: "First name"}\n', "gives field: and day:"),
        ("dob: {hour: x}\n", "Unknown key 'hour'"),
        ("kind: {options: {social: Disabled, other: Disabled}}\n", "Unknown key 'other'"),
        ("visitors: {repeat: 0, fields: {}}\n", "must be a whole number of 1 or more"),
    ],
)
def test_mistakes_in_the_mapping_itself(tmp_path, fields, expected):
    found = problems(write(tmp_path, fields))
    assert any(expected in p for p in found), found


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        ("paper/missing.pdf", "does not exist"),
        ("../form.pdf", "must be a path inside the definitions folder"),
        ("/etc/form.pdf", "must be a path inside the definitions folder"),
        ("paper/form.txt", "must be a PDF"),
    ],
)
def test_the_file_must_be_a_pdf_inside_the_folder(tmp_path, file, expected):
    path = write(tmp_path)
    path.write_text(path.read_text().replace("paper/form.pdf", file))
    found = problems(path)
    assert expected in found[0] and found[0].startswith(f"{path}:5:9: ")


def test_a_file_that_is_not_a_pdf_or_has_no_fields_says_so(tmp_path):
    assert "is not a PDF that can be read" in problems(write(tmp_path, pdf=b"hello"))[0]
    out = io.BytesIO()
    plain = canvas.Canvas(out, invariant=1)
    plain.drawString(50, 700, "No boxes here")
    plain.save()
    assert "has no form fields to fill" in problems(write(tmp_path, pdf=out.getvalue()))[0]


def test_questions_with_no_box_are_listed_in_one_warning(tmp_path):
    warnings: list = []
    load_form_file(write(tmp_path, 'first: "First name"\n'), warnings)
    (warning,) = [str(w) for w in warnings if "no box" in str(w)]
    assert "4 question(s) have no box on the paper form: dob, disabled, kind, visitor_name" in (
        warning
    )
    assert ":7:5: warning:" in warning


def test_without_its_folder_the_pdf_is_not_checked_and_the_author_is_told():
    warnings: list = []
    text = FORM.format(fields=textwrap.indent(FIELDS, "    "))
    form = load_form_text(text, "upload.yaml", warnings)
    assert form.paper_form.sha256 is None
    assert any("not checked against its PDF" in str(w) for w in warnings)


def test_check_exits_1_on_a_field_the_pdf_does_not_have(tmp_path):
    from click.testing import CliRunner

    from forms_service.cli import cli

    path = write(tmp_path, FIELDS.replace('"Disabled"', '"Disabld"'))
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 1
    assert (
        f"{path}:9:15: The paper_form box of 'disabled': the PDF has no field 'Disabld'. "
        "Did you mean 'Disabled'?"
    ) in result.output.splitlines()
