"""Reading a fillable PDF's fields: each kind, where it is, hierarchical names, what is wrong."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, NameObject

from forms_service.acroform import (
    BUTTON,
    CHECKBOX,
    CHOICE,
    RADIO,
    SIGNATURE,
    TEXT,
    NotAFillablePdf,
    document_title,
    fields_by_name,
    read_fields,
)
from tests.import_pdfs import box, choice, fillable, radio, text, widget, with_fields

PUSH_BUTTON = 1 << 16


def test_each_kind_of_field_with_what_the_importer_and_filler_need():
    pdf = fillable(
        [
            text("First name", 50, 700, tooltip="Your first name", maxlen=40),
            text("Notes", 50, 600, w=300, h=80, fieldFlags="multiline"),
            box("Agree", 50, 550),
            radio("Visit type", "social", 50, 500, selected=True),
            radio("Visit type", "legal", 100, 500),
            choice("Prison", ["bristol", "cardiff"], 50, 450),
            choice("Colour", [("Red", "red"), ("Dark blue", "blue")], 50, 400, listbox=True),
        ]
    )
    fields = fields_by_name(pdf)
    first = fields["First name"]
    assert (first.kind, first.tooltip, first.max_length, first.multiline) == (
        TEXT,
        "Your first name",
        40,
        False,
    )
    assert first.rect == (50.0, 700.0, 200.0, 720.0)
    assert (first.width, first.height, first.font_size) == (150.0, 20.0, 12.0)
    assert fields["Notes"].multiline
    assert (fields["Agree"].kind, fields["Agree"].states) == (CHECKBOX, ("Yes",))
    visit = fields["Visit type"]
    assert (visit.kind, visit.states, visit.widgets) == (RADIO, ("social", "legal"), 2)
    assert visit.rect == (50.0, 500.0, 62.0, 512.0)  # its first widget
    prison = fields["Prison"]
    assert (prison.kind, prison.options, prison.combo) == (CHOICE, ("bristol", "cardiff"), True)
    colour = fields["Colour"]
    assert (colour.options, colour.option_labels, colour.combo) == (
        ("red", "blue"),
        ("Red", "Dark blue"),
        False,
    )
    assert [f.name for f in read_fields(pdf)] == list(fields)  # the order of /Fields


def test_the_page_of_each_field():
    pdf = fillable([text("One", 50, 700)], [], [text("Three", 50, 700), box("Tick", 50, 650)])
    assert {f.name: f.page for f in read_fields(pdf)} == {"One": 0, "Three": 2, "Tick": 2}


def test_hierarchical_names_inherit_the_parents_type_and_tooltip():
    parent = widget("applicant", (0, 0, 0, 0), tooltip="The applicant")
    del parent["/Rect"], parent["/Type"], parent["/Subtype"]
    parent[NameObject("/Kids")] = ArrayObject(
        [
            widget("first", (50, 700, 200, 720), ft=None),
            widget("last", (250, 700, 400, 720), ft=None),
        ]
    )
    pdf = with_fields(fillable([text("Other", 50, 600)]), (0, parent))
    fields = fields_by_name(pdf)
    assert set(fields) == {"Other", "applicant.first", "applicant.last"}
    last = fields["applicant.last"]
    assert (last.kind, last.tooltip, last.page, last.rect) == (
        TEXT,
        "The applicant",
        0,
        (250.0, 700.0, 400.0, 720.0),
    )


def test_signatures_buttons_and_the_flags_that_hide_or_lock_a_box():
    pdf = with_fields(
        fillable([text("Name", 50, 700)]),
        (0, widget("Signature", (50, 100, 250, 140), ft="/Sig")),
        (0, widget("Print", (400, 50, 480, 70), ft="/Btn", flags=PUSH_BUTTON)),
        (0, widget("Total", (50, 300, 150, 320), flags=1)),
        (0, widget("Secret", (50, 250, 150, 270), annotation_flags=2)),
    )
    fields = fields_by_name(pdf)
    assert fields["Signature"].kind == SIGNATURE
    assert fields["Print"].kind == BUTTON
    assert (fields["Total"].read_only, fields["Total"].hidden) == (True, False)
    assert (fields["Secret"].read_only, fields["Secret"].hidden) == (False, True)
    assert (fields["Name"].read_only, fields["Name"].hidden) == (False, False)


def test_the_title_when_the_pdf_has_a_real_one():
    assert document_title(fillable([text("A", 50, 700)], title="Book a  visit")) == "Book a visit"
    assert document_title(fillable([text("A", 50, 700)])) is None  # reportlab's "untitled"


def test_a_pdf_without_a_form_has_no_fields():
    assert read_fields(fillable([])) == []


def test_not_a_pdf_and_encrypted_pdfs_are_refused_in_one_line():
    with pytest.raises(NotAFillablePdf, match="not a PDF"):
        read_fields(b"hello, not a PDF at all")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(fillable([text("A", 50, 700)]))))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(NotAFillablePdf, match="encrypted"):
        read_fields(out.getvalue())
