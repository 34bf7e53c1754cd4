"""Assisted digital through the Flask client: staff fill in a form for a citizen."""

from __future__ import annotations

import re

import pytest

from forms_service.delivery.emails import confirmation_email
from forms_service.passwords import hash_password
from tests.citizen import Citizen
from tests.staff import PASSWORD, lands_on, second_factor, signed_in
from tests.test_pages import MAIN_ROUTE

PVB = "prison-visit-booking"
NO_EMAIL = {"visitor_email": {"visitor_email": "", "visitor_email-confirm": ""}}


@pytest.fixture
def app(make_app):
    app = make_app()
    store = app.extensions["store"]
    for email, name, roles in (
        ("al@example.com", "Al Assisted", ["assisted_digital"]),
        ("bo@example.com", "Bo Assisted", ["assisted_digital"]),
        ("case@example.com", "Casey Worker", ["caseworker"]),
        ("both@example.com", "Cam Both", ["caseworker", "assisted_digital"]),
        ("admin@example.com", "Ada Admin", ["admin"]),
    ):
        store.create_user(email, name, roles, [PVB], hash_password(PASSWORD))
    return app


def start(staff: Citizen, method: str = "telephone", name: str = "Ana Silva", **more) -> str:
    """Start the prison visit form for someone; the path where its pages are."""
    staff.get("/staff/assisted/start")
    response = staff.post(
        "/staff/assisted/start", {"form": PVB, "method": method, "name": name, **more}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    found = re.fullmatch(
        r"(/staff/assisted/[A-Za-z0-9_-]+)/prison-visit-booking/", response.location
    )
    assert found, response.location
    staff.base = found.group(1)
    return staff.base


def test_assisted_pages_need_a_member_of_staff_with_the_role(app):
    anyone = app.test_client()
    for url in ("/staff/assisted/", "/staff/assisted/start"):
        assert anyone.get(url).status_code == 302  # to sign in
        assert signed_in(app, "case@example.com").get(url).status_code == 403
        assert signed_in(app, "al@example.com").get(url).status_code == 200
        assert signed_in(app, "both@example.com").get(url).status_code == 200
    # Someone who only helps citizens lands on their drafts, not the caseworkers' inbox.
    assert lands_on(app, "al@example.com") == "/staff/assisted/"


def test_starting_needs_the_form_the_method_and_the_name(app):
    al = signed_in(app, "al@example.com")
    al.get("/staff/assisted/start")
    response = al.post("/staff/assisted/start", {"method": "other"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in (
        "Select the form",
        "Enter how you are helping",
        "Enter the name of the person you are helping",
    ):
        assert message in html
    assert app.extensions["store"].assisted_drafts(None) == []


def test_a_member_of_staff_submits_a_form_for_someone_with_no_email(app):
    al = signed_in(app, "al@example.com")
    base = start(al)
    form = app.extensions["forms"][PVB]
    first = al.get(f"{base}/{PVB}/prisoner").get_data(as_text=True)
    assert "You are completing Book a prison visit for Ana Silva, by telephone" in first
    assert "End and save" in first and "Save and come back later" not in first
    assert "app-timeout-dialog" not in first
    stop = al.walk(form, {**MAIN_ROUTE[PVB], **NO_EMAIL})
    assert stop == f"{base}/{PVB}/check-your-answers"
    check = al.get(stop).get_data(as_text=True)
    assert "I confirm that I read the declaration to the applicant and they agreed to it" in check
    response = al.submit(form)
    assert response.status_code == 302
    reference = response.location.rsplit("/", 1)[-1]
    assert response.location == f"/staff/assisted/submitted/{reference}"
    page = al.get(response.location).get_data(as_text=True)
    assert reference in page and "Completed by Al Assisted on behalf of the applicant" in page
    store = app.extensions["store"]
    submission = store.get_submission(reference)
    al_user = store.user_by_email("al@example.com")
    assert submission.channel == "assisted" and submission.staff_user_id == al_user.id
    assert submission.assisted["citizen_name"] == "Ana Silva"
    assert submission.assisted["method"] == "telephone"
    assert "visitor_email" not in submission.answers
    [received] = store.events(submission.id)
    assert received.actor == f"staff:{al_user.id} al@example.com"
    actions = [e.action for e in store.audit_events()[0]]
    assert "assisted_started" in actions and "assisted_submitted" in actions
    # The draft is gone from "my drafts", and its pages from the staff URL; the form is in
    # the list of forms Al sent, and not in Bo's.
    assert store.assisted_drafts(al_user.id) == []
    assert reference in al.get("/staff/assisted/").get_data(as_text=True)
    bo = signed_in(app, "bo@example.com")
    assert reference not in bo.get("/staff/assisted/").get_data(as_text=True)
    assert bo.get(f"/staff/assisted/submitted/{reference}").status_code == 404
    assert al.get(f"{base}/{PVB}/prisoner").status_code == 404


def test_a_citizen_with_no_email_still_must_give_one_online(app):
    citizen = Citizen(app.test_client())
    form = app.extensions["forms"][PVB]
    with pytest.raises(AssertionError, match="visitor-contact refused"):
        citizen.walk(form, {**MAIN_ROUTE[PVB], **NO_EMAIL})


def test_a_paper_form_keyed_in_shows_the_paper_declaration_and_is_marked_paper(app):
    al = signed_in(app, "al@example.com")
    start(al, method="paper", name="Jo Post")
    form = app.extensions["forms"][PVB]
    stop = al.walk(form, MAIN_ROUTE[PVB])
    check = al.get(stop).get_data(as_text=True)
    assert "copied from the paper form the applicant signed" in check
    reference = al.submit(form).location.rsplit("/", 1)[-1]
    assert app.extensions["store"].get_submission(reference).channel == "paper"


def test_an_assisted_draft_is_reachable_only_by_its_member_of_staff(app):
    al = signed_in(app, "al@example.com")
    base = start(al)
    url = f"{base}/{PVB}/prisoner"
    assert al.get(url).status_code == 200
    assert app.test_client().get(url).status_code == 302  # a citizen's browser: sign in
    assert signed_in(app, "bo@example.com").get(url).status_code == 404
    assert signed_in(app, "case@example.com").get(url).status_code == 403
    assert signed_in(app, "admin@example.com").get(url).status_code == 200
    # The reference names only this draft, and only for this form.
    assert al.get(f"{base}/lasting-power-of-attorney/donor-details").status_code == 404
    # A citizen's own draft is not the assisted one.
    citizen = Citizen(app.test_client())
    citizen.get(f"/{PVB}/prisoner")
    assert "Ana Silva" not in citizen.get(f"/{PVB}/prisoner").get_data(as_text=True)


def test_end_and_save_then_carry_on_from_my_drafts_on_another_device(app):
    al = signed_in(app, "al@example.com")
    base = start(al, method="face_to_face", name="Ana Silva")
    form = app.extensions["forms"][PVB]
    al.walk(form, MAIN_ROUTE[PVB], until="visit-first-choice")
    response = al.post(f"{base}/{PVB}/visit-first-choice", {"action": "save"})
    assert response.location == "/staff/assisted/saved"
    mine = al.get(al.get(response.location).location).get_data(as_text=True)
    assert "Your answers are saved" in mine and "Ana Silva" in mine and "Face to face" in mine
    # Another browser, after signing in again: continue from the list.
    again = signed_in(app, "al@example.com")
    listing = again.get("/staff/assisted/").get_data(as_text=True)
    link = re.search(r'href="(/staff/assisted/[^"/]+/continue)"', listing).group(1)
    assert link == f"{base}/continue"
    assert again.get(link).location == f"{base}/{PVB}/visit-first-choice"
    page = again.get(f"{base}/{PVB}/visit-first-choice").get_data(as_text=True)
    assert "You have saved answers" in page  # once: not after a reload
    again_page = again.get(f"{base}/{PVB}/visit-first-choice").get_data(as_text=True)
    assert "You have saved answers" not in again_page
    # Bo does not see Al's draft; an admin sees everyone's.
    assert "Ana Silva" not in signed_in(app, "bo@example.com").get("/staff/assisted/").get_data(
        as_text=True
    )
    assert "Ana Silva" in signed_in(app, "admin@example.com").get("/staff/assisted/").get_data(
        as_text=True
    )


def test_a_timed_out_member_of_staff_returns_to_the_page_after_signing_in(app):
    al = signed_in(app, "al@example.com")
    base = start(al)
    url = f"{base}/{PVB}/prisoner"
    with al.client.session_transaction() as session:
        session["staff_seen"] = "2000-01-01T00:00:00+00:00"
    response = al.get(url)
    assert response.status_code == 302 and "/staff/sign-in?next=" in response.location
    al.get(response.location)
    back = al.client.post(
        response.location,
        data={"csrf_token": al.token, "email": "al@example.com", "password": PASSWORD},
    )
    assert second_factor(app, al, "al@example.com", back) == url


def test_handing_over_lets_the_citizen_finish_and_the_record_keeps_both_parts(make_app, inbox):
    app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=inbox.port, SMTP_SECURITY="none")
    app.extensions["store"].create_user(
        "al@example.com", "Al Assisted", "assisted_digital", [], hash_password(PASSWORD)
    )
    al = signed_in(app, "al@example.com")
    base = start(al)
    form = app.extensions["forms"][PVB]
    al.walk(form, MAIN_ROUTE[PVB], until="visit-first-choice")
    page = al.get(f"{base}/hand-over")
    assert page.status_code == 200 and "Ana Silva" in page.get_data(as_text=True)
    bad = al.post(f"{base}/hand-over", {"email": "not an address"})
    assert bad.status_code == 422
    assert inbox.messages == []
    sent = al.post(f"{base}/hand-over", {"email": "ana@example.com"})
    assert sent.location == "/staff/assisted/?sent=1"
    [message] = inbox.messages
    assert message["To"] == "ana@example.com"
    store = app.extensions["store"]
    assert "assisted_handed_over" in [e.action for e in store.audit_events()[0]]

    ana = Citizen(app.test_client())
    link = inbox.last_link()
    ana.get(link)
    assert ana.post(link, {}).location == f"/{PVB}/visit-first-choice"
    assert al.get(f"{base}/{PVB}/prisoner").status_code == 404  # no longer the staff's
    assert ana.walk(form, MAIN_ROUTE[PVB]).endswith("/check-your-answers")
    reference = re.search(
        r"<strong>([A-Z0-9-]+)</strong>",
        ana.client.get(ana.submit(form).location).get_data(as_text=True),
    ).group(1)
    submission = store.get_submission(reference)
    assert submission.channel == "online"  # the citizen sent it themselves
    assert submission.staff_user_id == store.user_by_email("al@example.com").id
    assert submission.assisted["citizen_name"] == "Ana Silva"
    assert submission.assisted["handed_over_at"]


def test_the_reference_is_emailed_only_to_an_address_the_applicant_gives(make_app, inbox):
    app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=inbox.port, SMTP_SECURITY="none")
    app.extensions["store"].create_user(
        "al@example.com", "Al Assisted", "assisted_digital", [], hash_password(PASSWORD)
    )
    al = signed_in(app, "al@example.com")
    start(al)
    form = app.extensions["forms"][PVB]
    al.walk(form, {**MAIN_ROUTE[PVB], **NO_EMAIL})
    page_url = al.submit(form).location
    page = al.get(page_url).get_data(as_text=True)
    assert 'name="email"' in page and 'value=""' in page  # no address was given: none offered
    assert inbox.messages == []  # nothing is sent unless the applicant asks for it
    assert al.post(page_url, {"email": "nope"}).status_code == 422
    sent = al.post(page_url, {"email": "ana@example.com"})
    assert sent.location == page_url + "?sent=1"
    reference = page_url.rsplit("/", 1)[-1]
    # Queued by reference (the address waits sealed with the submission), then sent by the
    # "confirmation_email" job: run here as the queue runs it, once whatever ran it first.
    with app.app_context():
        confirmation_email(reference=reference, given=1)
    [message] = inbox.messages
    assert message["To"] == "ana@example.com" and reference in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    # The prison visit form asks for a copy of the answers (confirmation_email: in its
    # definition): the page says so before the member of staff sends it.
    assert reference in text and "A1234BC" in text
    assert "a copy of their answers" in page
