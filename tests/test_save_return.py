"""Save and come back later, resume links, rate limits, form versions, purge."""

from __future__ import annotations

import datetime
import email
import logging
import re
from email import policy
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo

from forms_service.cli import cli
from forms_service.clock import utcnow
from forms_service.data import Draft, ResumeToken
from tests.citizen import Citizen
from tests.conftest import LINK, copy_definition, without_paper_form
from tests.prison_visit import FORM, PRISONER


@pytest.fixture
def app(make_app, inbox):
    return make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=inbox.port, SMTP_SECURITY="none")


def save_half_way(citizen: Citizen) -> None:
    citizen.get(f"/{FORM}/prisoner")
    response = citizen.post(f"/{FORM}/prisoner", {**PRISONER, "action": "save"})
    assert response.headers["Location"] == f"/save/{FORM}"
    # The next page, saved incomplete and invalid: kept as typed, checked later.
    response = citizen.post(
        f"/{FORM}/visit-first-choice",
        {"visit_date_1-day": "45", "visit_date_1-month": "13", "action": "save"},
    )
    assert response.headers["Location"] == f"/save/{FORM}"


def test_save_and_resume_in_another_browser(app, inbox, caplog):
    caplog.set_level(logging.DEBUG)
    first = Citizen(app.test_client())
    save_half_way(first)
    page = first.get(f"/save/{FORM}").get_data(as_text=True)
    assert "Save your progress" in page
    response = first.post(f"/save/{FORM}", {"email": "jo@example.com"})
    assert response.headers["Location"] == f"/saved/{FORM}"
    saved = first.get(f"/saved/{FORM}").get_data(as_text=True)
    assert "Your progress has been saved" in saved and "jo@example.com" in saved
    keep_until = (datetime.date.today() + datetime.timedelta(days=90)).strftime("%-d %B %Y")
    assert keep_until in saved  # the prison form keeps drafts for 90 days

    [message] = inbox.messages
    assert message["To"] == "jo@example.com"
    assert "Book a prison visit" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert keep_until in text and "Sam" not in text and "A1234BC" not in text + html
    link = inbox.last_link()
    token = link.rsplit("/", 1)[1]
    assert len(token) >= 43  # 256 random bits
    ours = [r for r in caplog.records if not r.name.startswith("mail.log")]  # not the test server
    assert ours and token not in "\n".join(r.getMessage() for r in ours)

    second = Citizen(app.test_client())
    continue_page = second.get(link)
    assert (
        continue_page.status_code == 200
        and "Continue your application" in continue_page.get_data(as_text=True)
    )
    response = second.post(link, {})
    assert response.headers["Location"] == f"/{FORM}/visit-first-choice"
    page = second.get(f"/{FORM}/visit-first-choice").get_data(as_text=True)
    assert 'value="45"' in page and 'value="13"' in page  # what was typed, kept as typed
    assert 'value="Sam"' in second.get(f"/{FORM}/prisoner").get_data(as_text=True)

    # The first browser can no longer reach or change the draft.
    assert first.get(f"/{FORM}/visit-first-choice").headers["Location"] == f"/{FORM}/prisoner"
    assert 'value="Sam"' not in first.get(f"/{FORM}/prisoner").get_data(as_text=True)

    used = Citizen(app.test_client()).get(link)
    assert used.status_code == 410 and "already been used" in used.get_data(as_text=True)
    # A gunicorn or werkzeug access log line for the link is written without its token.
    caplog.clear()
    access = logging.getLogger("gunicorn.access")
    access.info('%(h)s "%(r)s" %(s)s', {"h": "127.0.0.1", "r": f"GET {link} HTTP/1.1", "s": "200"})
    logging.getLogger("werkzeug").info('"GET %s HTTP/1.1" 200 -', link)
    assert len(caplog.records) == 2 and token not in caplog.text
    assert "/resume/[redacted]" in caplog.text


def test_save_prefills_an_email_the_form_already_has(app):
    citizen = Citizen(app.test_client())
    citizen.walk(
        app.extensions["forms"][FORM],
        {"prisoner_number": "A1234BC", "prison": "cardiff"},
        until="additional-support",
    )
    citizen.post(f"/{FORM}/additional-support", {"action": "save"})
    page = citizen.get(f"/save/{FORM}").get_data(as_text=True)
    assert 'value="citizen@example.com"' in page


def test_wrong_and_expired_links(app, inbox):
    assert Citizen(app.test_client()).get("/resume/not-a-real-token").status_code == 404
    citizen = Citizen(app.test_client())
    save_half_way(citizen)
    citizen.post(f"/save/{FORM}", {"email": "jo@example.com"})
    link = inbox.last_link()
    with app.extensions["store"].sessions.begin() as db:
        for token in db.query(ResumeToken):
            token.expires_at = utcnow() - datetime.timedelta(seconds=1)
    response = Citizen(app.test_client()).get(link)
    assert response.status_code == 410 and "This link has expired" in response.get_data(
        as_text=True
    )
    someone = Citizen(app.test_client())
    someone.get("/resume")  # a page with a form, for a CSRF token
    assert someone.post(link, {}).status_code == 410


def test_a_new_link_never_says_whether_a_draft_exists(app, inbox):
    citizen = Citizen(app.test_client())
    save_half_way(citizen)
    citizen.post(f"/save/{FORM}", {"email": "jo@example.com"})
    old_link = inbox.last_link()
    stranger = Citizen(app.test_client())
    stranger.get("/resume")
    unknown = stranger.post("/resume", {"email": "nobody@example.com"}).get_data(as_text=True)
    known = stranger.post("/resume", {"email": "JO@example.com"}).get_data(as_text=True)
    strip = lambda html: re.sub(r'[A-Za-z.]+@example\.com|(value|nonce)="[^"]+"', "", html)  # noqa: E731
    assert strip(unknown) == strip(known)
    assert len(inbox.messages) == 2  # only the real draft got a new link
    new_link = inbox.last_link()
    assert new_link != old_link
    assert Citizen(app.test_client()).get(old_link).status_code == 410  # older links stop working
    assert Citizen(app.test_client()).get(new_link).status_code == 200


def test_guessing_tokens_is_rate_limited(make_app, inbox):
    app = make_app(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=inbox.port,
        SMTP_SECURITY="none",
        RESUME_TOKEN_ATTEMPTS_PER_IP=5,
    )
    client = app.test_client()
    statuses = [client.get(f"/resume/guess-{n}").status_code for n in range(8)]
    assert statuses[:5] == [404] * 5 and statuses[5:] == [429] * 3
    # The limit is per address: another client address is not blocked.
    other = client.get("/resume/guess-x", environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert other.status_code == 404


def test_link_requests_are_rate_limited_per_address(make_app, inbox):
    app = make_app(
        SMTP_HOST="127.0.0.1", SMTP_PORT=inbox.port, SMTP_SECURITY="none", RESUME_LINKS_PER_EMAIL=2
    )
    citizen = Citizen(app.test_client())
    citizen.get("/resume")
    codes = [citizen.post("/resume", {"email": "jo@example.com"}).status_code for _ in range(3)]
    assert codes == [303, 303, 429]  # sent twice (then "Check your email"), then refused
    assert "Check your email" in citizen.get("/resume").get_data(as_text=True)


def test_without_smtp_the_email_goes_to_the_outbox(make_app, tmp_path):
    app = make_app()  # no SMTP_HOST: the embedded default
    citizen = Citizen(app.test_client())
    save_half_way(citizen)
    citizen.post(f"/save/{FORM}", {"email": "jo@example.com"})
    [eml] = list((Path(app.instance_path) / "outbox").glob("*.eml"))
    message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert LINK.search(message.get_body(("plain",)).get_content())


def test_the_cookie_cannot_be_used_to_read_another_persons_draft(app):
    owner = Citizen(app.test_client())
    owner.post(f"/{FORM}/prisoner", PRISONER)
    intruder = app.test_client()
    intruder.set_cookie("forms_session", "guessed-or-stolen-draft-id-1")
    page = intruder.get(f"/{FORM}/prisoner").get_data(as_text=True)
    assert 'value="Sam"' not in page
    with app.extensions["store"].sessions() as db:
        draft = db.query(Draft).one()
    # Even the draft's own database key is not a cookie value: the key is a hash of it.
    intruder.set_cookie("forms_session", draft.session_key)
    assert 'value="Sam"' not in intruder.get(f"/{FORM}/prisoner").get_data(as_text=True)


def test_purge_deletes_drafts_past_their_retention(app):
    citizen = Citizen(app.test_client())
    citizen.post(f"/{FORM}/prisoner", PRISONER)
    store = app.extensions["store"]
    assert store.purge(utcnow())["drafts"] == 0
    counts = store.purge(utcnow() + datetime.timedelta(days=91))
    assert counts["drafts"] == 1
    result = CliRunner().invoke(cli, ["purge"], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0 and "drafts: 0" in result.output


def test_a_new_form_version_keeps_compatible_answers(make_app, tmp_path):
    folder = tmp_path / "v1"
    # This test changes questions the paper form maps: its paper_form is not what it is about.
    source = without_paper_form(copy_definition(FORM, folder).read_text())
    (folder / f"{FORM}.yaml").write_text(source)
    app = make_app(definitions=folder)
    citizen = Citizen(app.test_client())
    form = app.extensions["forms"][FORM]
    citizen.walk(form, {"prisoner_number": "A1234BC", "prison": "cardiff"}, until="visitor-contact")

    # The next version: the prison number question is gone, a question is added to the first
    # page, and the Cardiff prison option is renamed.
    bumped = f"version: {form.version + 1}"
    changed = (
        source.replace(f"version: {form.version}", bumped)
        .replace("value: cardiff,", "value: hmp-cardiff,")
        .replace(
            "      - id: prisoner_number\n",
            "      - id: prisoner_middle_name\n"
            "        type: text\n        optional: true\n"
            "        label: {en: Middle name, cy: Enw canol}\n"
            "      - id: prisoner_ref\n",
            1,
        )
    )
    assert changed.count(bumped) == 1
    (folder / f"{FORM}.yaml").write_text(changed)
    new_app = make_app(definitions=folder, DATABASE_URL=app.config["DATABASE_URL"])
    moved = Citizen(new_app.test_client())
    moved.client._cookies = citizen.client._cookies  # the same browser, after the deploy
    response = moved.get(f"/{FORM}/visitor-contact")
    assert response.headers["Location"] == f"/{FORM}/prisoner"  # the page that needs answers
    page = moved.get(f"/{FORM}/prisoner").get_data(as_text=True)
    assert "This form has changed since you started" in page
    assert 'value="Sample answer"' in page  # the prisoner's name was kept
    assert 'value="A1234BC"' not in page  # a different question now


def test_an_ended_session_says_so_and_extend_needs_csrf(app):
    from forms_service.data import WebSession

    citizen = Citizen(app.test_client())
    citizen.post(f"/{FORM}/prisoner", PRISONER)
    assert citizen.client.post("/session/extend").status_code == 400  # no CSRF token
    assert (
        citizen.client.post("/session/extend", headers={"X-CSRFToken": citizen.token}).status_code
        == 204
    )
    with app.extensions["store"].sessions.begin() as db:
        for row in db.query(WebSession):
            row.expires_at = utcnow() - datetime.timedelta(seconds=1)
    response = citizen.client.get(f"/{FORM}/visit-first-choice")
    assert response.headers["Location"] == "/session-ended"
    page = citizen.client.get("/session-ended").get_data(as_text=True)
    assert "Your session has ended" in page and "60 minutes" in page
    # The draft is kept (until its retention ends); only this browser lost its way back.
    with app.extensions["store"].sessions() as db:
        assert db.query(Draft).count() == 1
