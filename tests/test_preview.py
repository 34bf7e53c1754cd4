"""`forms-service preview`: one definition file served to its author, read again whenever it
is saved, with example answers, the PDF, and nothing kept in the service's database."""

from __future__ import annotations

import re
import shutil
import socket

import pytest
from click.testing import CliRunner

from forms_service.cli import cli, preview_settings
from forms_service.testing.fillable_pdf import FillablePdf
from forms_service.testing.filled_pdf import read_filled

from .citizen import Citizen
from .conftest import FORMS_DIR, ROOT, copy_definition

# Preview keeps nothing: the CLI's preview has a throwaway SQLite database of its own.
pytestmark = pytest.mark.same_on_every_database

PRISON = FORMS_DIR / "prison-visit-booking.yaml"
CONTRACT = ROOT / "tests" / "fixtures" / "contract"
CODE = re.compile(r"<code>([^<]*)</code>")


@pytest.fixture
def author(make_app, tmp_path):
    """An author previewing their own copy of the prison visit form: (file, citizen, app)."""
    path = copy_definition("prison-visit-booking", tmp_path, "my-form.yaml")
    app = make_app(PREVIEW_DEFINITION=path, FORMS_DEFINITIONS_DIR=tmp_path / "none")
    return path, Citizen(app.test_client()), app


def fill(citizen: Citizen, form_id: str) -> object:
    citizen.get(f"/{form_id}/", follow_redirects=True)  # the page's CSRF token
    return citizen.post(f"/{form_id}/preview/example-answers", {})


def test_every_page_says_it_is_a_preview_and_names_the_file(author):
    path, citizen, app = author
    assert citizen.get("/").headers["Location"] == "/prison-visit-booking/"
    for url in ("/prison-visit-booking/", "/prison-visit-booking/prisoner"):
        page = citizen.get(url, follow_redirects=True).get_data(as_text=True)
        assert "Preview: answers are not kept" in page
        assert str(path) in page
        assert "Fill with example answers" in page
    assert list(app.extensions["forms"]) == ["prison-visit-booking"]  # only the file previewed


def test_example_answers_reach_check_your_answers_and_the_pdf(author):
    path, citizen, app = author
    response = fill(citizen, "prison-visit-booking")
    assert response.headers["Location"] == "/prison-visit-booking/check-your-answers"
    check = citizen.get("/prison-visit-booking/check-your-answers").get_data(as_text=True)
    assert "govuk-summary-list__key" in check
    assert "/prison-visit-booking/preview/answers.pdf" in check
    pdf = citizen.client.get("/prison-visit-booking/preview/answers.pdf")
    assert pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert pdf.headers["Cache-Control"] == "no-store"


def test_the_answers_can_be_seen_on_the_paper_form(author):
    path, citizen, app = author
    fill(citizen, "prison-visit-booking")
    check = citizen.get("/prison-visit-booking/check-your-answers").get_data(as_text=True)
    assert "Download these answers on the paper form" in check
    pdf = citizen.client.get("/prison-visit-booking/preview/paper.pdf")
    assert pdf.mimetype == "application/pdf"
    blank = (path.parent / "paper" / "prison-visit-booking.pdf").read_bytes()
    filled = read_filled(pdf.data, blank)
    assert filled.fields_left == 0
    form = app.extensions["forms"]["prison-visit-booking"]
    assert form.paper_form.box("prisoner_first_name").pdf_field == "Prisoner first name"
    assert filled.texts["Prisoner first name"]  # the example answer, in its box
    assert filled.texts["Prisoner DOB year"].isdigit()


def test_the_pdf_waits_for_a_complete_form(author):
    path, citizen, app = author
    citizen.get("/prison-visit-booking/")
    response = citizen.client.get("/prison-visit-booking/preview/answers.pdf")
    assert response.status_code == 302
    assert response.headers["Location"] == "/prison-visit-booking/"


def test_examples_stop_where_no_example_fits_and_say_why(make_app, tmp_path):
    path = tmp_path / "form.yaml"
    path.write_text(
        "id: codes\nversion: 1\ntitle: Codes\npages:\n"
        "  - id: name\n    questions:\n      - {id: full_name, type: text, label: Name}\n"
        "  - id: code\n    questions:\n      - id: secret\n        type: text\n"
        '        label: Code\n        pattern: "^[^a-z]+$"\n',
        "utf-8",
    )
    app = make_app(PREVIEW_DEFINITION=path, FORMS_DEFINITIONS_DIR=tmp_path / "none")
    citizen = Citizen(app.test_client())
    response = fill(citizen, "codes")
    assert response.headers["Location"] == "/codes/code"  # a pattern with a negated class
    page = citizen.get("/codes/code").get_data(as_text=True)
    assert "Answer it yourself to go on" in page
    again = citizen.get("/codes/code").get_data(as_text=True)
    assert "Answer it yourself to go on" not in again  # said once


def test_the_file_is_read_again_when_it_is_saved(author):
    path, citizen, app = author
    fill(citizen, "prison-visit-booking")
    before = citizen.get("/prison-visit-booking/check-your-answers").get_data(as_text=True)
    assert "Prisoner’s first name" in before or "first name" in before
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Book a prison visit", "Book a visit to a prison"), "utf-8")
    after = citizen.get("/prison-visit-booking/check-your-answers").get_data(as_text=True)
    assert "Book a visit to a prison" in after
    assert "govuk-summary-list__key" in after  # the answers survived the new reading


def test_saving_the_paper_pdf_is_a_new_reading_too(author):
    path, citizen, app = author
    pdf = path.parent / "paper" / "prison-visit-booking.pdf"
    good = pdf.read_bytes()
    assert citizen.get("/preview/revision").json == {"revision": 1}
    pdf.write_bytes(FillablePdf("No boxes yet").build())
    page = citizen.get("/prison-visit-booking/prisoner").get_data(as_text=True)
    assert "has no form fields to fill" in page
    assert citizen.get("/preview/revision").json == {"revision": 2}
    pdf.write_bytes(good)  # fixed in the PDF alone: the definition is unchanged
    assert citizen.get("/preview/revision").json == {"revision": 3}
    fixed = citizen.get("/prison-visit-booking/", follow_redirects=True).get_data(as_text=True)
    assert "has no form fields to fill" not in fixed


def test_a_broken_file_shows_its_problems_until_it_is_fixed(author):
    path, citizen, app = author
    good = path.read_text(encoding="utf-8")
    assert "\ntitle:" in good
    path.write_text(good.replace("\ntitle:", "\ntitel:", 1), "utf-8")
    page = citizen.get("/prison-visit-booking/prisoner")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "The definition has problems" in text
    problems = [p.replace("&#39;", "'") for p in CODE.findall(text)]
    assert any(
        re.match(rf"{re.escape(str(path))}:\d+:\d+: Unknown key 'titel'", p) for p in problems
    )
    assert citizen.get("/preview/revision").json == {"revision": 2}
    path.write_text(good, "utf-8")
    assert citizen.get("/preview/revision").json == {"revision": 3}
    fixed = citizen.get("/prison-visit-booking/", follow_redirects=True).get_data(as_text=True)
    assert "The definition has problems" not in fixed and "Start now" in fixed


def test_a_missing_file_is_a_problem_not_a_crash(author):
    path, citizen, app = author
    path.unlink()
    text = citizen.get("/prison-visit-booking/").get_data(as_text=True)
    assert f"{path}:1:1: cannot read the file" in text


def test_warnings_are_listed_in_the_banner(make_app, tmp_path):
    path = tmp_path / "court-recording-request.yaml"
    shutil.copy(CONTRACT / "court-recording-request.yaml", path)  # a page with no title:
    app = make_app(PREVIEW_DEFINITION=path, FORMS_DEFINITIONS_DIR=tmp_path / "none")
    client = app.test_client()
    page = client.get("/court-recording-request/", follow_redirects=True).get_data(as_text=True)
    assert "What check found in the definition (1)" in page
    [warning] = CODE.findall(page)
    assert warning.startswith(f"{path}:55:5: warning: Page &#39;what-you-need&#39; has 2 questions")


def test_what_the_solver_proves_is_in_the_banner_too(make_app, tmp_path):
    path = tmp_path / "form.yaml"
    path.write_text(
        "id: proved\nversion: 1\ntitle: Proved\nretention_days: 30\n"
        "submission_retention_days: 365\npages:\n"
        "  - id: age\n    questions:\n      - {id: years, type: number, label: Age}\n"
        '  - id: too-young\n    type: exit\n    when: "years < 18"\n    title: Too young\n'
        '  - id: guardian\n    when: "years < 16"\n'
        "    questions:\n      - {id: guardian_name, type: text, label: Guardian}\n",
        "utf-8",
    )
    app = make_app(PREVIEW_DEFINITION=path, FORMS_DEFINITIONS_DIR=tmp_path / "none")
    page = app.test_client().get("/proved/", follow_redirects=True).get_data(as_text=True)
    [finding] = [code.replace("&#39;", "'") for code in CODE.findall(page)]
    assert finding.startswith(f"{path}:15:")
    assert "Page 'guardian' can never be shown" in finding


def test_start_again_forgets_the_answers(author):
    path, citizen, app = author
    fill(citizen, "prison-visit-booking")
    response = citizen.post("/prison-visit-booking/preview/start-again", {})
    assert response.headers["Location"] == "/prison-visit-booking/"
    again = citizen.get("/prison-visit-booking/check-your-answers")
    assert again.headers["Location"] != "/prison-visit-booking/check-your-answers"


def test_preview_posts_need_the_csrf_token(author):
    path, citizen, app = author
    citizen.get("/prison-visit-booking/")
    response = citizen.client.post("/prison-visit-booking/preview/example-answers", data={})
    assert response.status_code == 400


def test_the_service_has_no_preview_routes(client):
    assert client.get("/preview/revision").status_code == 404
    assert client.post("/prison-visit-booking/preview/example-answers").status_code in (400, 404)


def test_preview_settings_never_use_the_service_database(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://real-database/forms")
    monkeypatch.setenv("SMTP_HOST", "smtp.example.gov.uk")
    settings = preview_settings(PRISON, tmp_path)
    from forms_service.config import load_config

    config = load_config(**settings)
    assert config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'preview.db'}"
    assert config["SMTP_HOST"] == ""  # emails go to the preview's outbox
    assert config["SESSION_COOKIE_NAME"] == "forms_preview_session"


def test_cli_preview_of_a_missing_file_is_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["preview", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "nope.yaml: no such file" in result.output
    assert "Traceback" not in result.output


def test_cli_preview_on_a_port_in_use_is_one_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["preview", str(PRISON), "--port", str(port)])
    assert result.exit_code == 1, result.output
    assert f"Port {port} is in use" in result.output
    assert "Traceback" not in result.output


def test_the_journey_map_of_the_file_is_a_click_away(author):
    path, citizen, app = author
    page = citizen.get("/prison-visit-booking/", follow_redirects=True).get_data(as_text=True)
    assert 'href="/preview/map"' in page and "See its journey map" in page
    drawn = citizen.get("/preview/map").get_data(as_text=True)
    assert "<svg" in drawn and "Exit page: the journey ends here" in drawn
    assert 'href="/prison-visit-booking/"' in drawn  # back to the form
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("This prison is not available", "Prison not on the list"), "utf-8")
    assert "Prison not on the list" in citizen.get("/preview/map").get_data(as_text=True)
