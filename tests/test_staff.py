"""The caseworker workspace: sign-in, access control, inbox, workflow, audit."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo

from forms_service.cli import cli
from forms_service.clock import as_utc, utcnow
from forms_service.data import AuditEvent, Submission
from forms_service.passwords import hash_password
from tests.citizen import Citizen
from tests.staff import PASSWORD, add_caseworker_and_admin, signed_in
from tests.test_exports import read_csv
from tests.test_pages import MAIN_ROUTE


@pytest.fixture
def app(make_app):
    app = make_app()
    store = app.extensions["store"]
    add_caseworker_and_admin(store)
    store.create_user(
        "ad@example.com", "Al Assisted", "assisted_digital", [], hash_password(PASSWORD)
    )
    return app


def submit(app, form_id: str) -> str:
    citizen = Citizen(app.test_client())
    form = app.extensions["forms"][form_id]
    citizen.walk(form, MAIN_ROUTE[form_id])
    citizen.submit(form)
    html = citizen.client.get(f"/{form_id}/confirmation").get_data(as_text=True)
    return re.search(r"<strong>([A-Z0-9-]+)</strong>", html).group(1)


def test_every_staff_page_needs_sign_in(app):
    reference = submit(app, "prison-visit-booking")
    client = app.test_client()
    for url in (
        "/staff/",
        f"/staff/submissions/{reference}",
        f"/staff/submissions/{reference}.json",
        f"/staff/submissions/{reference}.pdf",
        "/staff/export.csv",
        "/staff/export-codes.csv",
        "/staff/users",
        "/staff/audit",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/staff/sign-in?next="), url


def test_roles_and_forms_limit_what_staff_see(app):
    prison = submit(app, "prison-visit-booking")
    cica = submit(app, "criminal-injuries-compensation")
    caseworker = signed_in(app, "case@example.com")
    assert caseworker.get(f"/staff/submissions/{prison}").status_code == 200
    for url in (
        f"/staff/submissions/{cica}",
        f"/staff/submissions/{cica}.json",
        f"/staff/submissions/{cica}.pdf",
    ):
        assert caseworker.get(url).status_code == 404, url  # not even its existence
    inbox = caseworker.get("/staff/").get_data(as_text=True)
    assert prison in inbox and cica not in inbox
    assert caseworker.get("/staff/users").status_code == 403
    assert caseworker.get("/staff/audit").status_code == 403
    assisted = signed_in(app, "ad@example.com")
    assert assisted.get("/staff/").status_code == 403
    admin = signed_in(app, "admin@example.com")
    assert cica in admin.get("/staff/").get_data(as_text=True)
    assert admin.get("/staff/users").status_code == 200


def test_sign_in_failures_make_the_account_wait_a_growing_while(make_app):
    app = make_app(STAFF_BACKOFF_SECONDS=30)
    store = app.extensions["store"]
    store.create_user("case@example.com", "Casey", "caseworker", [], hash_password(PASSWORD))
    staff = Citizen(app.test_client())
    staff.get("/staff/sign-in")
    for _ in range(5):
        before = utcnow()
        response = staff.post("/staff/sign-in", {"email": "case@example.com", "password": "wrong"})
        assert response.status_code == 401
        assert "Enter a correct email address and password" in response.get_data(as_text=True)
    # Backing off: the right password is refused with the same message as an unknown email.
    waiting = staff.post("/staff/sign-in", {"email": "case@example.com", "password": PASSWORD})
    unknown = staff.post("/staff/sign-in", {"email": "nobody@example.com", "password": PASSWORD})
    for response in (waiting, unknown):
        assert response.status_code == 401
        assert "Enter a correct email address and password" in response.get_data(as_text=True)
    user = store.user_by_email("case@example.com")
    first = as_utc(user.locked_until) - before
    assert datetime.timedelta(seconds=30) <= first < datetime.timedelta(seconds=35)
    # Once the wait is over, another wrong password doubles it; the right one signs in.
    store.update_user(user.id, locked_until=utcnow() - datetime.timedelta(seconds=1))
    before = utcnow()
    staff.post("/staff/sign-in", {"email": "case@example.com", "password": "wrong"})
    second = as_utc(store.user_by_email("case@example.com").locked_until) - before
    assert datetime.timedelta(seconds=60) <= second < datetime.timedelta(seconds=65)
    store.update_user(user.id, locked_until=utcnow() - datetime.timedelta(seconds=1))
    signed = staff.post("/staff/sign-in", {"email": "case@example.com", "password": PASSWORD})
    assert signed.status_code == 302
    assert store.user_by_email("case@example.com").failed_sign_ins == 0


def test_the_back_off_is_capped(make_app):
    app = make_app(STAFF_MAX_FAILED_SIGN_INS=1, STAFF_BACKOFF_MAX_SECONDS=60)
    store = app.extensions["store"]
    user = store.create_user("cap@example.com", "Cap", "caseworker", [], None)
    for _ in range(12):
        store.record_failed_sign_in(
            user.id, utcnow(), 1, datetime.timedelta(seconds=1), datetime.timedelta(seconds=60)
        )
    wait = as_utc(store.user(user.id).locked_until) - utcnow()
    assert datetime.timedelta(seconds=59) < wait <= datetime.timedelta(seconds=60)


def test_sign_in_rotates_the_session_and_sign_out_ends_it(app):
    staff = Citizen(app.test_client())
    staff.get("/staff/sign-in")
    before = staff.client.get_cookie("forms_session").value
    staff.post("/staff/sign-in", {"email": "case@example.com", "password": PASSWORD})
    after = staff.client.get_cookie("forms_session").value
    assert before != after
    thief = app.test_client()
    thief.set_cookie("forms_session", before)  # a session id known before sign-in
    assert thief.get("/staff/").status_code == 302
    staff.get("/staff/")
    staff.post("/staff/sign-out", {})
    assert staff.client.get("/staff/").status_code == 302


def test_staff_are_signed_out_when_idle(app):
    staff = signed_in(app, "case@example.com")
    assert staff.get("/staff/").status_code == 200
    store = app.extensions["store"]
    from forms_service.data import WebSession

    with store.sessions.begin() as db:
        for row in db.query(WebSession):
            data = dict(row.data)
            if "staff_seen" in data:
                data["staff_seen"] = (utcnow() - datetime.timedelta(minutes=31)).isoformat()
                row.data = data
    assert staff.client.get("/staff/").status_code == 302


def test_inbox_filters_search_and_sorts(app):
    references = [submit(app, "prison-visit-booking") for _ in range(3)]
    store = app.extensions["store"]
    with store.sessions.begin() as db:
        first = db.query(Submission).filter_by(reference=references[0]).one()
        first.applicant_name, first.status = "Zara Quinn", "accepted"
        first.due_on = datetime.date.today() - datetime.timedelta(days=1)
        second = db.query(Submission).filter_by(reference=references[1]).one()
        second.due_on = datetime.date.today() - datetime.timedelta(days=2)
    admin = signed_in(app, "admin@example.com")
    # Names are sealed: the search finds a whole name, whatever its case and spacing...
    # (searches are POSTed: a name must never sit in a URL, an access log or the audit log)
    page = admin.post("/staff/", {"q": "  zara   QUINN "}).get_data(as_text=True)
    assert references[0] in page and references[1] not in page
    # ...and no longer a part of one (the hint says so).
    partial = admin.post("/staff/", {"q": "zara"}).get_data(as_text=True)
    assert references[0] not in partial and "full name" in partial
    found = admin.post("/staff/", {"q": references[1].lower()}).get_data(as_text=True)
    assert references[1] in found
    assert admin.get("/staff/?q=zara+quinn").get_data(as_text=True).count("<tr") > 2  # ignored
    # A search keeps the filters in force, which are in the URL.
    both = admin.post("/staff/?status=accepted", {"q": "Zara Quinn"}).get_data(as_text=True)
    assert references[0] in both
    assert (
        admin.post("/staff/?status=received", {"q": "Zara Quinn"})
        .get_data(as_text=True)
        .count(references[0])
        == 0
    )
    with app.extensions["store"].sessions() as db:
        logged = " ".join(str(e.detail) for e in db.query(AuditEvent).filter_by(action="inbox"))
    assert "zara" not in logged.lower() and "'searched': True" in logged
    accepted = admin.get("/staff/?status=accepted").get_data(as_text=True)
    assert references[0] in accepted and references[2] not in accepted
    overdue = admin.get("/staff/?overdue=1").get_data(as_text=True)
    # Accepted submissions are not overdue, whatever their date.
    assert (
        references[1] in overdue and references[0] not in overdue and references[2] not in overdue
    )
    assert "Overdue" in overdue
    ascending = admin.get("/staff/?sort=reference&order=asc").get_data(as_text=True)
    order = [r for r in re.findall(r">(PVB-[A-Z0-9-]+)<", ascending)]
    assert order == sorted(references)
    assert 'aria-sort="ascending"' in ascending
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    assert "No submissions match" in admin.get(f"/staff/?from={tomorrow}").get_data(as_text=True)


def test_status_workflow_assignment_notes_and_timeline(app):
    reference = submit(app, "prison-visit-booking")
    staff = signed_in(app, "case@example.com")
    page = staff.get(f"/staff/submissions/{reference}").get_data(as_text=True)
    assert "A1234BC" in page and "Received" in page  # the answers, and the timeline
    missing_note = staff.post(
        f"/staff/submissions/{reference}", {"action": "status", "status": "rejected"}
    )
    assert missing_note.status_code == 422 and "Enter a note to say why" in missing_note.get_data(
        as_text=True
    )
    staff.post(f"/staff/submissions/{reference}", {"action": "status", "status": "in_progress"})
    user = app.extensions["store"].user_by_email("case@example.com")
    staff.post(f"/staff/submissions/{reference}", {"action": "assign", "assignee": str(user.id)})
    staff.post(
        f"/staff/submissions/{reference}", {"action": "note", "note": "Called the prison <b>"}
    )
    page = staff.get(f"/staff/submissions/{reference}").get_data(as_text=True)
    assert "Status changed to In progress" in page
    assert "Assigned to Casey Worker" in page
    assert "Called the prison &lt;b&gt;" in page
    mine = staff.get("/staff/?mine=1").get_data(as_text=True)
    assert reference in mine
    stored = app.extensions["store"].get_submission(reference)
    assert (stored.status, stored.assigned_to) == ("in_progress", user.id)


def test_every_access_is_audited_without_answers(app):
    reference = submit(app, "prison-visit-booking")
    staff = signed_in(app, "case@example.com")
    staff.get("/staff/")
    staff.get(f"/staff/submissions/{reference}")
    staff.post(f"/staff/submissions/{reference}", {"action": "status", "status": "accepted"})
    admin = signed_in(app, "admin@example.com")
    log = admin.get("/staff/audit").get_data(as_text=True)
    for sentence in (
        "Signed in",
        f"Viewed submission {reference}",
        f"Status of {reference} changed from Received to Accepted",
        "Looked at the inbox",
    ):
        assert sentence in log, sentence
    assert "Casey Worker" in log and "staff:" not in log  # staff by name, not by id
    events, _ = app.extensions["store"].audit_events()
    everything = " ".join(str((e.actor, e.action, e.target, e.detail)) for e in events)
    assert "A1234BC" not in everything and "Sample answer" not in everything
    assert "case@example.com" in everything
    assert any(e.ip == "127.0.0.1" for e in events)


def test_admins_add_and_deactivate_users(app):
    admin = signed_in(app, "admin@example.com")
    bad = admin.post("/staff/users", {"email": "nope", "name": "", "role": "boss"})
    assert bad.status_code == 422
    response = admin.post(
        "/staff/users",
        {
            "email": "new@example.com",
            "name": "New Person",
            "role": "caseworker",
            "forms": ["prison-visit-booking"],
        },
    )
    assert response.status_code == 302
    user = app.extensions["store"].user_by_email("new@example.com")
    # The admin never chooses the password: the new user sets it from an emailed link.
    assert user.forms == ["prison-visit-booking"] and user.password_hash is None
    app.extensions["store"].update_user(user.id, password_hash=hash_password(PASSWORD))
    admin.post(f"/staff/users/{user.id}/deactivate", {})
    assert not app.extensions["store"].user(user.id).active
    signed_out = Citizen(app.test_client())
    signed_out.get("/staff/sign-in")
    response = signed_out.post("/staff/sign-in", {"email": "new@example.com", "password": PASSWORD})
    assert response.status_code == 401


def test_create_user_from_the_command_line(app):
    runner = CliRunner()
    result = runner.invoke(
        cli,
        [
            "create-user",
            "cli@example.com",
            "--role",
            "caseworker",
            "--forms",
            "prison-visit-booking",
            "--password",
            "another long password",
        ],
        obj=ScriptInfo(create_app=lambda: app),
    )
    assert result.exit_code == 0, result.output
    assert app.extensions["store"].user_by_email("cli@example.com").roles == ["caseworker"]
    bad = runner.invoke(
        cli,
        [
            "create-user",
            "x@example.com",
            "--role",
            "caseworker",
            "--forms",
            "no-such-form",
            "--password",
            "another long password",
        ],
        obj=ScriptInfo(create_app=lambda: app),
    )
    assert bad.exit_code != 0 and "no such form" in bad.output


def test_downloads_pdf_json_and_csv(app):
    reference = submit(app, "prison-visit-booking")
    staff = signed_in(app, "case@example.com")
    pdf = staff.client.get(f"/staff/submissions/{reference}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    data = staff.get(f"/staff/submissions/{reference}.json").get_json()
    assert data["reference"] == reference and data["answers"]["prisoner_number"] == "A1234BC"
    csv = staff.get("/staff/export.csv?status=received").get_data(as_text=True)
    assert csv.startswith("\ufeff") and reference in csv
    _, (row,) = read_csv([staff.get("/staff/export.csv?status=received").get_data(as_text=True)])
    assert (row["Reference"], row["Status"], row["Channel"]) == (reference, "Received", "Online")
    assert row["Prison name"].startswith("HMP ")  # the option's label
    _, (row,) = read_csv([staff.get("/staff/export-codes.csv").get_data(as_text=True)])
    assert (row["reference"], row["status"], row["prisoner_number"]) == (
        reference,
        "received",
        "A1234BC",
    )
    actions = {e.action for e in app.extensions["store"].audit_events()[0]}
    assert {"download_pdf", "download_json", "export_csv"} <= actions


def test_create_api_token_from_the_command_line(app):
    result = CliRunner().invoke(
        cli,
        ["create-api-token", "--name", "Prison system", "--forms", "prison-visit-booking"],
        obj=ScriptInfo(create_app=lambda: app),
    )
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[-1]
    assert len(token) >= 43
    response = app.test_client().get(
        "/api/v1/submissions", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200


def test_a_refused_status_change_keeps_the_choice_and_marks_the_note(app):
    reference = submit(app, "prison-visit-booking")
    staff = signed_in(app, "case@example.com")
    page = staff.get(f"/staff/submissions/{reference}").get_data(as_text=True)
    assert ">None</textarea>" not in page  # an empty note field really is empty
    html = staff.post(
        f"/staff/submissions/{reference}", {"action": "status", "status": "rejected", "note": ""}
    ).get_data(as_text=True)
    assert 'value="rejected" checked' in html
    assert 'id="note-error"' in html
    assert html.count("Prison number") == 1  # each answer once (no repeated rows)


def test_a_member_of_staff_may_hold_several_roles(app):
    admin = signed_in(app, "admin@example.com")
    response = admin.post(
        "/staff/users",
        {
            "email": "both@example.com",
            "name": "Bo Both",
            "role": ["caseworker", "assisted_digital"],
            "forms": ["prison-visit-booking"],
        },
    )
    assert response.status_code == 302
    user = app.extensions["store"].user_by_email("both@example.com")
    assert user.roles == ["caseworker", "assisted_digital"]
    app.extensions["store"].update_user(user.id, password_hash=hash_password(PASSWORD))
    listing = admin.get("/staff/users").get_data(as_text=True)
    assert "Caseworker, Assisted digital" in listing
    # Each role opens what it opens: the caseworker's inbox works for them; an
    # assisted-digital-only user still gets no inbox.
    assert signed_in(app, "both@example.com").get("/staff/").status_code == 200
    assert signed_in(app, "ad@example.com").get("/staff/").status_code == 403
    none = admin.post(
        "/staff/users",
        {"email": "none@example.com", "name": "No Role"},
    )
    assert none.status_code == 422 and "Select a role" in none.get_data(as_text=True)


def test_the_command_line_gives_several_roles(app):
    result = CliRunner().invoke(
        cli,
        ["create-user", "two@example.com", "--role", "caseworker", "--role", "assisted_digital"]
        + ["--password", "another long password"],
        obj=ScriptInfo(create_app=lambda: app),
    )
    assert result.exit_code == 0, result.output
    assert "caseworker and assisted_digital" in result.output
    user = app.extensions["store"].user_by_email("two@example.com")
    assert user.roles == ["caseworker", "assisted_digital"]


def test_the_pdf_cover_line_follows_status_and_assignee_changes(app):
    """The PDF is cached: a new status or assignee must not be served on a stale cover."""
    from pypdf import PdfReader

    reference = submit(app, "prison-visit-booking")
    staff = signed_in(app, "case@example.com")

    def cover() -> str:
        data = staff.client.get(f"/staff/submissions/{reference}.pdf").data
        return " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())

    first = cover()
    assert "Status Received" in first and "Assigned to Unassigned" in first
    assert cover() == first  # served from the cache
    user = app.extensions["store"].user_by_email("case@example.com")
    staff.post(f"/staff/submissions/{reference}", {"action": "status", "status": "in_progress"})
    staff.post(f"/staff/submissions/{reference}", {"action": "assign", "assignee": str(user.id)})
    staff.post(f"/staff/submissions/{reference}", {"action": "note", "note": "Called the prison"})
    again = cover()
    assert "Status In progress" in again and "Assigned to Casey Worker" in again
    assert "Called the prison" not in again  # notes stay out of the PDF


def test_a_welsh_submission_has_a_welsh_pdf_and_an_english_one_for_caseworkers(app):
    from pypdf import PdfReader

    citizen = Citizen(app.test_client())
    citizen.get("/prison-visit-booking/?lang=cy")
    form = app.extensions["forms"]["prison-visit-booking"]
    citizen.walk(form, MAIN_ROUTE["prison-visit-booking"])
    citizen.submit(form)
    html = citizen.client.get("/prison-visit-booking/confirmation").get_data(as_text=True)
    reference = re.search(r"<strong>([A-Z0-9-]+)</strong>", html).group(1)
    staff = signed_in(app, "case@example.com")

    def text(url: str) -> str:
        response = staff.client.get(url)
        assert response.status_code == 200, url
        return " ".join(
            " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages).split()
        )

    page = staff.get(f"/staff/submissions/{reference}").get_data(as_text=True)
    english_link = f"/staff/submissions/{reference}.pdf?language=en"
    assert f'href="{english_link}"' in page and "Download PDF in English" in page
    welsh = text(f"/staff/submissions/{reference}.pdf")
    assert "Trefnu ymweliad â charchar" in welsh and "Tudalen 1 o" in welsh
    assert "Book a prison visit" not in welsh and "Page 1 of" not in welsh
    english = text(english_link)
    assert "Book a prison visit" in english and "Page 1 of" in english
    assert "Trefnu ymweliad" not in english
    assert staff.client.get(f"/staff/submissions/{reference}.pdf?language=fr").status_code == 404
    # An English submission has no second copy to offer.
    english_only = submit(app, "prison-visit-booking")
    page = staff.get(f"/staff/submissions/{english_only}").get_data(as_text=True)
    assert "Download PDF in English" not in page
