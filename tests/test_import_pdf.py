"""`forms-service import-pdf`: a fillable PDF becomes a draft that `check` passes, that the
service runs end to end to a stored submission, and whose paper_form maps every answer back
to a field of the same PDF."""

from __future__ import annotations

import io
import shutil

import pytest
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter

from forms_service.acroform import CHECKBOX, fields_by_name
from forms_service.cli import cli
from forms_service.passwords import hash_password
from forms_service.testing.filled_pdf import read_filled
from tests.staff import PASSWORD, signed_in

from .import_pdfs import box, choice, fillable, radio, text, widget, with_fields
from .test_contract_fixtures import Reader, submitted

# An author's tool: what it makes does not depend on the database engine.
pytestmark = pytest.mark.same_on_every_database


def paper_form() -> bytes:
    """Two pages of a visit booking form, with a field of each kind and a signature."""
    return with_fields(
        fillable(
            [
                text("Prisoner first name", 50, 760, tooltip="Prisoner's first name"),
                text("Prisoner last name", 300, 760),
                text("DOB day", 50, 720, w=30),
                text("DOB month", 90, 720, w=30),
                text("DOB year", 130, 720, w=50),
                text("Prisoner number", 300, 720, maxlen=7),
                radio("Prison", "bristol", 50, 680, selected=True),
                radio("Prison", "cardiff", 120, 680),
                text("Email", 50, 640),
                text("Phone", 300, 640),
                text("Postcode", 50, 600),
                text("NI number", 300, 600),
            ],
            [
                box("Disability", 50, 760, tooltip="Do you have a disability?"),
                box("Interpreter yes", 50, 720),
                box("Interpreter no", 100, 720),
                box("Needs wheelchair", 50, 680),
                box("Needs hearing loop", 150, 680),
                choice(
                    "Visit type", [("Social visit", "social"), ("Legal visit", "legal")], 50, 640
                ),
                text("Fee", 300, 640),
                text("Anything else", 50, 500, w=400, h=100, fieldFlags="multiline"),
                *(
                    box
                    for n, y in ((1, 300), (2, 250))
                    for box in (
                        text(f"Visitor {n} name", 50, y),
                        text(f"Visitor {n} DOB day", 250, y, w=30),
                        text(f"Visitor {n} DOB month", 290, y, w=30),
                        text(f"Visitor {n} DOB year", 330, y, w=50),
                    )
                ),
            ],
            title="Book a prison visit (paper)",
        ),
        (1, widget("Signature", (50, 100, 250, 140), ft="/Sig")),
        (1, widget("Print this form", (400, 50, 500, 70), ft="/Btn", flags=1 << 16)),
    )


def imported(tmp_path):
    """The PDF in a definitions folder and the draft written beside it by the command."""
    folder = tmp_path / "definitions"
    (folder / "paper").mkdir(parents=True)
    pdf = folder / "paper" / "visit-booking.pdf"
    pdf.write_bytes(paper_form())
    result = CliRunner().invoke(cli, ["import-pdf", str(pdf), "-o", str(folder / "visit.yaml")])
    assert result.exit_code == 0, result.output
    return folder, result


def test_the_draft_passes_check_runs_to_a_submission_and_maps_every_answer(make_app, tmp_path):
    folder, result = imported(tmp_path)
    assert result.stdout == ""
    assert "visit-booking.pdf: 29 field(s) read, 17 question(s) made on 5 page(s)" in (
        result.stderr
    )
    assert '"Print this form": a push button' in result.stderr
    draft = (folder / "visit.yaml").read_text()
    assert 'file: "paper/visit-booking.pdf"' in draft
    checked = CliRunner().invoke(cli, ["check", str(folder / "visit.yaml")])
    assert checked.exit_code == 0, checked.output
    assert "1 form(s) ok, 0 problem(s)" in checked.output, checked.output

    app = make_app(definitions=folder)
    form = app.extensions["forms"]["visit-booking"]
    assert form.title.pick("en") == "Book a prison visit (paper)"
    assert form.declaration is not None  # from the signature
    citizen = Reader(app.test_client())
    citizen.more["visitors"] = 1  # "yes" to "add a visitor?" once
    # The box holds 7 characters, so the draft asks for at most 7.
    assert citizen.walk(form, {"prisoner_number": "A1234BC"}).endswith("/check-your-answers")
    answers = submitted(app, citizen, form)

    pdf_fields = fields_by_name((folder / "paper" / "visit-booking.pdf").read_bytes())
    asked = {q.id for page in form.pages if not page.is_repeat for q, _, _ in page.all_questions()}
    asked |= {page.id for page in form.pages if page.is_repeat}
    assert set(answers) == asked
    for question_id in answers:
        if question_id == "visitors":
            continue
        paper_box = form.paper_form.box(question_id)
        assert paper_box is not None, f"{question_id} has no box on the paper form"
        for _, name in paper_box.field_names():
            assert name in pdf_fields, name
    visitors = form.paper_form.repeat("visitors")
    assert visitors.items == 2
    (item,) = answers["visitors"]
    assert {box.question for box in visitors.boxes} == set(item) == {"visitor_name", "visitor_dob"}
    for paper_box in visitors.boxes:
        for number in (1, 2):
            for _, name in paper_box.field_names(number):
                assert name in pdf_fields, name
    interpreter = form.paper_form.box("interpreter")
    assert pdf_fields[interpreter.parts["yes_box"]].kind == CHECKBOX
    assert form.paper_form.box("dob").parts == {
        "day": "DOB day",
        "month": "DOB month",
        "year": "DOB year",
    }
    assert answers["prison"] in pdf_fields["Prison"].states
    assert answers["visit_type"] in pdf_fields["Visit type"].options
    assert set(answers["needs"]) <= set(form.paper_form.box("needs").options)


def test_round_trip_import_submit_fill_back_and_find_every_answer_in_its_box(make_app, tmp_path):
    """The issue's round trip: the imported draft runs, a citizen submits, and the
    caseworker's paper-form download has each answer in the box it came from."""
    folder, _ = imported(tmp_path)
    app = make_app(definitions=folder)
    form = app.extensions["forms"]["visit-booking"]
    citizen = Reader(app.test_client())
    citizen.more["visitors"] = 1
    given = {
        "prisoner_first_name": "Zoë (O'Brien) \\",
        "prisoner_number": "A1234BC",
        "anything_else": "Please call\nafter 5pm",
    }
    citizen.walk(form, given)
    answers = submitted(app, citizen, form)
    store = app.extensions["store"]
    (stored,) = store.find_submissions(forms=[form.id], offset=0, limit=5)[0]
    store.create_user("case@example.com", "Casey", "caseworker", [form.id], hash_password(PASSWORD))
    download = signed_in(app, "case@example.com").client.get(
        f"/staff/submissions/{stored.reference}/paper.pdf"
    )
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    blank = (folder / "paper" / "visit-booking.pdf").read_bytes()
    filled = read_filled(download.data, blank)
    assert filled.fields_left == 0
    assert filled.texts["Prisoner first name"] == "Zoë (O'Brien) \\"
    assert filled.texts["Prisoner number"] == "A1234BC"
    assert filled.texts["Anything else"] == "Please call\nafter 5pm"
    day, month, year = (answers["dob"][8:], answers["dob"][5:7], answers["dob"][:4])
    assert [filled.texts[f"DOB {p}"] for p in ("day", "month", "year")] == [day, month, year]
    assert filled.texts["Email"] == answers["email"]
    assert filled.ticked["Prison"] == {answers["prison"]}
    needs = form.paper_form.box("needs").options
    assert {n for n, box in needs.items() if box in filled.ticked} == set(answers["needs"])
    (item,) = answers["visitors"]
    assert filled.texts["Visitor 1 name"] == item["visitor_name"]
    assert filled.texts["Visitor 2 name"] == ""  # one visitor: the second boxes stay empty


def test_without_o_the_yaml_goes_to_stdout_and_the_summary_to_stderr(tmp_path, monkeypatch):
    (tmp_path / "paper").mkdir()
    (tmp_path / "paper" / "form.pdf").write_bytes(paper_form())
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["import-pdf", "paper/form.pdf"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Drafted by forms-service import-pdf from form.pdf.")
    assert 'file: "paper/form.pdf"' in result.stdout  # as given
    assert "field(s) read" in result.stderr and "field(s) read" not in result.stdout
    # A path `check` would refuse (absolute, or out of the folder): the file name, and why.
    outside = CliRunner().invoke(cli, ["import-pdf", str(tmp_path / "paper" / "form.pdf")])
    assert 'file: "form.pdf"' in outside.stdout
    assert "copy" in outside.stderr


def one_error(result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()  # (sys.exit's message: stderr when run)
    assert len(lines) == 1, result.output
    return lines[0]


def test_mistakes_are_one_line_and_exit_1(tmp_path):
    runner = CliRunner()
    not_pdf = tmp_path / "notes.pdf"
    not_pdf.write_text("just some text")
    assert "this is not a PDF that can be read" in one_error(
        runner.invoke(cli, ["import-pdf", str(not_pdf)])
    )
    assert "cannot read" in one_error(runner.invoke(cli, ["import-pdf", str(tmp_path / "x.pdf")]))

    empty = tmp_path / "empty.pdf"
    empty.write_bytes(fillable([]))
    assert "the PDF has no form fields" in one_error(runner.invoke(cli, ["import-pdf", str(empty)]))

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(paper_form())))
    writer.encrypt("secret")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as out:
        writer.write(out)
    assert "encrypted" in one_error(runner.invoke(cli, ["import-pdf", str(locked)]))

    pdf = tmp_path / "form.pdf"
    pdf.write_bytes(paper_form())
    existing = tmp_path / "draft.yaml"
    existing.write_text("mine")
    assert "already exists: give --force" in one_error(
        runner.invoke(cli, ["import-pdf", str(pdf), "-o", str(existing)])
    )
    assert existing.read_text() == "mine"
    forced = runner.invoke(cli, ["import-pdf", str(pdf), "-o", str(existing), "--force"])
    assert forced.exit_code == 0 and existing.read_text().startswith("# Drafted")
    missing_folder = tmp_path / "no" / "such" / "draft.yaml"
    assert "cannot write" in one_error(
        runner.invoke(cli, ["import-pdf", str(pdf), "-o", str(missing_folder)])
    )


def test_a_pdf_outside_the_drafts_folder_is_named_by_its_file_name(tmp_path):
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(paper_form())
    (tmp_path / "drafts").mkdir()
    target = tmp_path / "drafts" / "draft.yaml"
    result = CliRunner().invoke(cli, ["import-pdf", str(pdf), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert 'file: "paper.pdf"' in target.read_text()
    assert "copy" in result.stderr and "beside the draft" in result.stderr
    shutil.copy(pdf, tmp_path / "drafts")
    checked = CliRunner().invoke(cli, ["check", str(target)])
    assert checked.exit_code == 0, checked.output
