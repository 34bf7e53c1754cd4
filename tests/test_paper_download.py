"""Download as the paper form: a submission filled into the paper PDF its form replaces, for
caseworkers (the submission page) and other systems (the API and its JSON), cached, sealed,
purged with the submission, and always filled into the PDF its answers were mapped to."""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from sqlalchemy import select

from forms_service.app import blank_paper_pdfs
from forms_service.clock import utcnow
from forms_service.data import PaperPdf, StoredPaperPdf
from forms_service.exports import paper_content_hash, submission_json
from forms_service.paper import filling
from forms_service.passwords import hash_password
from tests.citizen import Citizen
from tests.staff import PASSWORD, signed_in
from tests.test_api import assert_matches_openapi, auth

FORM = "paper-visit"
DEFINITION = """\
id: paper-visit
version: 1
title: Book a visit on paper
reference_prefix: PPV
retention_days: 28
submission_retention_days: 365
pages:
  - id: about
    title: About you
    questions:
      - {id: full_name, type: text, label: Your full name}
      - {id: dob, type: date, label: Your date of birth, not_after: today}
  - id: choices
    title: Your visit
    questions:
      - {id: disabled, type: yes_no, label: Do you have a disability?}
      - id: visit_type
        type: radios
        label: What kind of visit is it?
        options: [{value: social, label: Social}, {value: legal, label: Legal}]
  - id: visitors
    type: repeat
    title: Visitors
    item_name: visitor
    max: 3
    pages:
      - id: visitor
        title: Visitor
        questions:
          - {id: visitor_name, type: text, label: Visitor's name}
paper_form:
  file: paper/visit.pdf
  fields:
    full_name: "Full name"
    dob: {day: "DOB day", month: "DOB month", year: "DOB year"}
    disabled: "Disability"
    visit_type: "Visit type"
    visitors: {repeat: 2, fields: {visitor_name: "Visitor {n} name"}}
"""
# The same kind of form with no paper form.
PLAIN = """\
id: plain-visit
version: 1
title: Book a visit
reference_prefix: PLV
retention_days: 28
submission_retention_days: 365
pages:
  - id: about
    questions:
      - {id: full_name, type: text, label: Your full name}
"""
ANSWERS = {
    "full_name": "Ada Lovelace",
    "dob": {"dob-day": "10", "dob-month": "12", "dob-year": "1985"},
    "disabled": "yes",
    "visit_type": "legal",
    "visitor_name": "Charles Babbage",
    "visitors:add_another": "yes",  # to the most the form takes: 3, one more than the boxes
}


def paper_pdf(edition: str = "Edition 1") -> bytes:
    """A fillable paper form made by a real producer: text boxes, a date in three boxes, a
    check box, a radio group and boxes for two visitors. `edition` is printed on it."""
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.drawString(72, 800, f"Visit booking form. {edition}")
    boxes = page.acroForm
    boxes.textfield(name="Full name", tooltip="Full name", x=72, y=740, width=300, height=20)
    for number, part in enumerate(("day", "month", "year")):
        boxes.textfield(name=f"DOB {part}", x=72 + 45 * number, y=700, width=40, height=20)
    boxes.checkbox(name="Disability", x=72, y=660, size=14)
    for number, value in enumerate(("social", "legal")):
        boxes.radio(name="Visit type", value=value, selected=False, x=72 + 40 * number, y=620)
    for number in (1, 2):
        boxes.textfield(name=f"Visitor {number} name", x=72, y=580 - 30 * number, width=300)
    page.save()
    return out.getvalue()


@pytest.fixture
def definitions(tmp_path) -> Path:
    folder = tmp_path / "definitions"
    (folder / "paper").mkdir(parents=True)
    (folder / "paper" / "visit.pdf").write_bytes(paper_pdf())
    (folder / f"{FORM}.yaml").write_text(DEFINITION)
    (folder / "plain-visit.yaml").write_text(PLAIN)
    return folder


@pytest.fixture
def app(make_app, definitions):
    app = make_app(definitions=definitions)
    assert app.extensions["definition_problems"] == []
    # Start-up recorded the blank PDF; on PostgreSQL the test's first app empties the tables
    # after its start-up, so it is recorded again as start-up does.
    app.extensions["store"].record_paper_pdfs(blank_paper_pdfs(app.extensions["forms"].values()))
    store = app.extensions["store"]
    store.create_user("case@example.com", "Casey Worker", "caseworker", [FORM, "plain-visit"],
                      hash_password(PASSWORD))  # fmt: skip
    store.create_user("other@example.com", "Otto Other", "caseworker", ["prison-visit-booking"],
                      hash_password(PASSWORD))  # fmt: skip
    return app


def submit(app, form_id: str = FORM, answers: dict | None = None) -> str:
    """A citizen's submission through the real pages; its reference."""
    form = app.extensions["forms"][form_id]
    citizen = Citizen(app.test_client())
    citizen.walk(form, ANSWERS if answers is None else answers)
    assert citizen.submit(form).status_code == 302
    html = citizen.get(f"/{form_id}/confirmation").get_data(as_text=True)
    return re.search(r"<strong>([A-Z0-9-]+)</strong>", html).group(1)


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def fillings(monkeypatch) -> list[str]:
    """The references the real filler fills (to tell a filling from a cached copy)."""
    filled: list[str] = []
    real = filling.fill_paper_form

    def counted(submission, *args, **kwargs):
        filled.append(submission.reference)
        return real(submission, *args, **kwargs)

    monkeypatch.setattr(filling, "fill_paper_form", counted)
    return filled


# -- caseworkers -----------------------------------------------------------------------------


def test_the_caseworker_downloads_the_answers_on_the_paper_form_once_filled(app, fillings):
    reference = submit(app)
    caseworker = signed_in(app, "case@example.com")
    page = caseworker.get(f"/staff/submissions/{reference}").get_data(as_text=True)
    link = f'href="/staff/submissions/{reference}/paper.pdf"'
    assert link in page
    assert "Download as the paper form (PDF)" in page

    response = caseworker.client.get(f"/staff/submissions/{reference}/paper.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF-")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{reference}-paper-form.pdf"'
    )
    reader = PdfReader(io.BytesIO(response.data))
    paper, continuation = (page.extract_text() for page in reader.pages)
    assert "Edition 1" in paper  # the paper form itself, not the service's PDF
    for answer in ("Ada Lovelace", "10", "12", "1985"):
        assert answer in paper.splitlines(), answer
    # Two visitors in the paper's two sets of boxes, the third on the continuation sheet.
    assert paper.count("Charles Babbage") == 2
    assert "Charles Babbage" in continuation and "Visitor 3" in continuation
    assert not reader.get_fields()  # flattened: nobody edits the answers by accident
    assert fillings == [reference]

    again = caseworker.client.get(f"/staff/submissions/{reference}/paper.pdf")
    assert again.data == response.data
    assert fillings == [reference]  # from the cache
    store = app.extensions["store"]
    submission = store.get_submission(reference)
    assert store.stored_paper_pdf(submission.id, paper_content_hash(submission, "paper-1")) == (
        response.data
    )
    rows, _ = store.audit_events(limit=50)
    downloads = [r for r in rows if r.action == "download_paper_pdf"]
    assert [(r.target, r.actor) for r in downloads] == [(reference, downloads[0].actor)] * 2


def test_a_status_change_does_not_fill_the_paper_form_again(app, fillings):
    """The paper form prints no status or assignee: its cached copy stays current."""
    reference = submit(app)
    caseworker = signed_in(app, "case@example.com")
    caseworker.client.get(f"/staff/submissions/{reference}/paper.pdf")
    store = app.extensions["store"]
    store.change_status(store.get_submission(reference).id, "accepted", "", None, "Casey")
    assert caseworker.client.get(f"/staff/submissions/{reference}/paper.pdf").status_code == 200
    assert fillings == [reference]


def test_no_link_and_not_found_for_a_form_without_a_paper_form(app):
    reference = submit(app, "plain-visit", {"full_name": "Ada Lovelace"})
    caseworker = signed_in(app, "case@example.com")
    page = caseworker.get(f"/staff/submissions/{reference}").get_data(as_text=True)
    assert "paper.pdf" not in page and "paper form" not in page
    assert caseworker.client.get(f"/staff/submissions/{reference}/paper.pdf").status_code == 404


def test_a_caseworker_without_the_form_cannot_download_it(app, fillings):
    reference = submit(app)
    other = signed_in(app, "other@example.com")
    assert other.client.get(f"/staff/submissions/{reference}.pdf").status_code == 404
    assert other.client.get(f"/staff/submissions/{reference}/paper.pdf").status_code == 404
    assert fillings == []
    anonymous = app.test_client()
    response = anonymous.get(f"/staff/submissions/{reference}/paper.pdf")
    assert response.status_code == 302 and "/staff/sign-in" in response.headers["Location"]


# -- the PDF its answers were mapped to ------------------------------------------------------


def test_an_old_submission_keeps_its_paper_form_when_the_file_changes_or_goes(
    make_app, app, definitions
):
    store = app.extensions["store"]
    old = submit(app)
    # The paper form is revised (and moved about): the next start-up runs the new one.
    (definitions / "paper" / "visit.pdf").write_bytes(paper_pdf("Edition 2"))
    revised = make_app(definitions=definitions)  # the same database
    assert revised.extensions["definition_problems"] == []
    new = submit(revised)
    with store.sessions() as db:
        assert len(db.scalars(select(PaperPdf.sha256)).all()) == 2
    caseworker = signed_in(revised, "case@example.com")
    old_text = text_of(caseworker.client.get(f"/staff/submissions/{old}/paper.pdf").data)
    new_text = text_of(caseworker.client.get(f"/staff/submissions/{new}/paper.pdf").data)
    assert "Edition 1" in old_text and "Edition 2" not in old_text
    assert "Edition 2" in new_text and "Ada Lovelace" in new_text

    # The form is withdrawn and its PDF deleted: its submissions still fill.
    (definitions / f"{FORM}.yaml").unlink()
    (definitions / "paper" / "visit.pdf").unlink()
    gone = make_app(definitions=definitions)
    assert FORM not in gone.extensions["forms"]
    caseworker = signed_in(gone, "case@example.com")
    response = caseworker.client.get(f"/staff/submissions/{old}/paper.pdf")
    assert response.status_code == 200 and "Edition 1" in text_of(response.data)


def test_a_blank_pdf_is_recorded_once(app, make_app, definitions):
    store = app.extensions["store"]
    make_app(definitions=definitions)  # started again: nothing new to record
    with store.sessions() as db:
        [row] = db.scalars(select(PaperPdf)).all()
    assert row.file == "paper/visit.pdf"
    assert row.pdf == (definitions / "paper" / "visit.pdf").read_bytes()
    form = app.extensions["forms"][FORM]
    assert row.sha256 == form.paper_form.sha256 == form.snapshot["paper_form"]["sha256"]


# -- retention and sealing -------------------------------------------------------------------


def test_the_purge_deletes_the_filled_paper_form_with_its_submission(app):
    reference = submit(app)
    caseworker = signed_in(app, "case@example.com")
    assert caseworker.client.get(f"/staff/submissions/{reference}/paper.pdf").status_code == 200
    store = app.extensions["store"]
    submission_id = store.get_submission(reference).id
    with store.sessions() as db:
        row = db.get(StoredPaperPdf, submission_id)
        assert b"Lovelace" not in (row.pdf_sealed or b"")  # sealed, like the PDF
    counts = store.purge_submissions({FORM: utcnow() + datetime.timedelta(days=1)})
    assert counts["submissions"] == 1 and counts["stored paper forms"] == 1
    with store.sessions() as db:
        assert db.get(StoredPaperPdf, submission_id) is None
        assert db.scalars(select(PaperPdf)).all()  # the blank form is not personal data
    assert caseworker.client.get(f"/staff/submissions/{reference}/paper.pdf").status_code == 404


# -- the API ---------------------------------------------------------------------------------


@pytest.fixture
def token(app) -> str:
    return app.extensions["store"].issue_api_token("Casework system", [FORM, "plain-visit"])


@pytest.fixture
def document(app) -> dict:
    return app.test_client().get("/api/v1/openapi.json").get_json()


def test_the_api_gives_the_paper_form_and_says_which_submissions_have_one(
    app, token, document, fillings
):
    client = app.test_client()
    reference = submit(app)
    path = "/submissions/{reference}/paper.pdf"
    response = client.get(f"/api/v1/submissions/{reference}/paper.pdf", headers=auth(token))
    assert response.status_code == 200
    assert_matches_openapi(document, path, "get", response)
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{reference}-paper-form.pdf"'
    )
    assert "Ada Lovelace" in text_of(response.data)
    # The caseworker's download is the same cached copy.
    caseworker = signed_in(app, "case@example.com")
    assert caseworker.client.get(f"/staff/submissions/{reference}/paper.pdf").data == response.data
    assert fillings == [reference]

    found = client.get(f"/api/v1/submissions/{reference}", headers=auth(token))
    assert_matches_openapi(document, "/submissions/{reference}", "get", found)
    assert found.get_json()["paper_form"] is True
    staff_json = caseworker.client.get(f"/staff/submissions/{reference}.json").get_json()
    assert staff_json["paper_form"] is True

    plain = submit(app, "plain-visit", {"full_name": "Ada Lovelace"})
    listed = client.get("/api/v1/submissions", headers=auth(token))
    assert_matches_openapi(document, "/submissions", "get", listed)
    flags = {s["reference"]: s["paper_form"] for s in listed.get_json()["data"]}
    assert flags == {reference: True, plain: False}
    missing = client.get(f"/api/v1/submissions/{plain}/paper.pdf", headers=auth(token))
    assert missing.status_code == 404
    assert_matches_openapi(document, path, "get", missing)
    assert missing.get_json()["error"] == "no_paper_form"

    rows, _ = app.extensions["store"].audit_events(limit=100)
    paper = [(r.target, r.detail.get("outcome")) for r in rows if r.action == "api.paper_pdf"]
    assert sorted(paper, key=str) == sorted([(reference, None), (plain, "no_paper_form")], key=str)


def test_the_api_keeps_its_token_rules_for_the_paper_form(app, document, fillings):
    store = app.extensions["store"]
    reference = submit(app)
    client = app.test_client()
    url = f"/api/v1/submissions/{reference}/paper.pdf"
    path = "/submissions/{reference}/paper.pdf"
    unauthorised = client.get(url)
    assert unauthorised.status_code == 401
    assert_matches_openapi(document, path, "get", unauthorised)
    another = store.issue_api_token("Prison system", ["prison-visit-booking"])
    hidden = client.get(url, headers=auth(another))
    made_up = client.get("/api/v1/submissions/PPV-ZZZZ-ZZZZ/paper.pdf", headers=auth(another))
    assert hidden.status_code == made_up.status_code == 404
    assert hidden.get_json() == made_up.get_json()
    assert hidden.get_json()["error"] == "not_found"  # not told apart from a made-up one
    assert_matches_openapi(document, path, "get", hidden)
    assert fillings == []


def test_submission_json_says_whether_there_is_a_paper_form(app):
    store = app.extensions["store"]
    with_paper = store.get_submission(submit(app))
    without = store.get_submission(submit(app, "plain-visit", {"full_name": "Ada Lovelace"}))
    assert submission_json(with_paper)["paper_form"] is True
    assert submission_json(without)["paper_form"] is False


def test_a_blank_pdf_start_up_could_not_record_is_recorded_when_first_used(app, definitions):
    """Start-up tolerates a database it cannot write (init-db not yet run): the paper form
    still works, and is kept from its first use on."""
    store = app.extensions["store"]
    reference = submit(app)
    with store.sessions.begin() as db:
        db.query(PaperPdf).delete()
    caseworker = signed_in(app, "case@example.com")
    page = caseworker.get(f"/staff/submissions/{reference}").get_data(as_text=True)
    assert f"/staff/submissions/{reference}/paper.pdf" in page
    response = caseworker.client.get(f"/staff/submissions/{reference}/paper.pdf")
    assert response.status_code == 200 and "Edition 1" in text_of(response.data)
    with store.sessions() as db:
        [row] = db.scalars(select(PaperPdf)).all()
    assert row.pdf == (definitions / "paper" / "visit.pdf").read_bytes()
