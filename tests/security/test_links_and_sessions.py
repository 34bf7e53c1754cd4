"""Items 1 and 7: links built from the configured address only, and sessions that end only
when the citizen (or the clock) ends them, and stay ended."""

from __future__ import annotations

import pytest
from flask import request

from forms_service.clock import utcnow
from forms_service.sessions import session_key
from tests.conftest import LINK
from tests.prison_visit import FORM, PRISONER

SERVICE = "https://forms.example.gov.uk"


@pytest.fixture
def mail_live(live, inbox):
    def factory(**config):
        return live(SMTP_HOST="127.0.0.1", SMTP_PORT=inbox.port, SMTP_SECURITY="none", **config)

    return factory


def half_way(citizen) -> None:
    citizen.get(f"/{FORM}/prisoner")
    response = citizen.post(f"/{FORM}/prisoner", {**PRISONER, "action": "save"})
    assert response.headers["location"] == f"/save/{FORM}"


def test_a_forged_host_header_cannot_steer_the_emailed_link(mail_live, visitor, inbox):
    url, _app = mail_live(SERVICE_URL=SERVICE)
    attacker = visitor(url)
    half_way(attacker)
    forged = attacker.post(
        f"/save/{FORM}", {"email": "victim@example.com"}, headers={"Host": "evil.example"}
    )
    assert forged.status_code == 400
    assert inbox.messages == []  # no email, and the victim's real link is untouched
    assert attacker.post(f"/save/{FORM}", {"email": "victim@example.com"}).status_code == 302
    body = inbox.messages[-1].get_body(("plain",)).get_content()
    assert f"{SERVICE}/resume/" in body
    assert "127.0.0.1" not in body


def test_production_pins_https_and_a_host_only_cookie(live, visitor):
    keys = {"ANSWERS_KEYS": "k1:" + "A" * 43 + "=", "ANSWERS_INDEX_KEY": "B" * 43 + "="}
    url, _app = live(ENV_NAME="production", SERVICE_URL=SERVICE, **keys)
    citizen = visitor(url, headers={"Host": "forms.example.gov.uk"})
    page = citizen.get(f"/{FORM}/prisoner")
    assert page.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    cookie = page.headers["set-cookie"]
    assert cookie.startswith("__Host-forms_session=")
    assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie
    assert citizen.get("/", headers={"Host": "127.0.0.1"}).status_code == 400


def test_visiting_the_session_ended_page_does_not_end_a_session(live, visitor):
    url, _app = live()
    citizen = visitor(url)
    half_way(citizen)
    assert citizen.get("/session-ended").status_code == 200
    page = citizen.get(f"/{FORM}/prisoner")
    assert 'value="A1234BC"' in page.text  # the answers are still there


def test_a_session_ends_only_by_a_post_with_its_csrf_token(live, visitor):
    url, _app = live()
    citizen = visitor(url)
    half_way(citizen)
    forged = citizen.http.post("/session/end")  # another site's form or image: no token
    assert forged.status_code == 400
    assert 'value="A1234BC"' in citizen.get(f"/{FORM}/prisoner").text
    assert citizen.post("/session/end").status_code == 204
    assert 'value="A1234BC"' not in citizen.get(f"/{FORM}/prisoner").text


def test_a_resume_link_gives_the_browser_a_new_session_id(mail_live, visitor, inbox):
    url, _app = mail_live()
    citizen = visitor(url)
    half_way(citizen)
    citizen.post(f"/save/{FORM}", {"email": "jo@example.com"})
    link = LINK.search(inbox.messages[-1].get_body(("plain",)).get_content()).group(1)
    # Someone who knew (or planted) this browser's session id before the link was used...
    planted = visitor(url)
    planted.http.cookies = dict(citizen.http.cookies)
    citizen.get(link)
    assert citizen.post(link).headers["location"].startswith(f"/{FORM}/")
    assert citizen.http.cookies["forms_session"] != planted.http.cookies["forms_session"]
    assert 'value="A1234BC"' in citizen.get(f"/{FORM}/prisoner").text
    # ...cannot reach the draft through it.
    assert 'value="A1234BC"' not in planted.get(f"/{FORM}/prisoner").text


def test_a_request_racing_a_sign_out_does_not_bring_the_session_back(app):
    """A slow request that loaded the session before it ended must not write it back."""
    client = app.test_client()
    client.get(f"/{FORM}/prisoner")  # a session exists
    cookie = client.get_cookie("forms_session").value
    interface, store = app.session_interface, app.extensions["store"]
    with app.test_request_context(
        f"/{FORM}/prisoner", headers={"Cookie": f"forms_session={cookie}"}
    ):
        slow = interface.open_session(app, request)
        assert slow.token == cookie
        store.delete_web_session(slow.key)  # ended meanwhile (signed out, another tab)
        slow["language"] = "cy"  # the slow request changes something, then finishes
        response = app.response_class()
        interface.save_session(app, slow, response)
    assert store.load_web_session(slow.key, utcnow()) is None
    assert "set-cookie" not in response.headers


def test_reading_pages_does_not_write_the_session_each_time(live, visitor):
    """Every GET used to write the session row: on SQLite all traffic queued on one lock."""
    url, app = live()
    citizen = visitor(url)
    half_way(citizen)
    store = app.extensions["store"]
    key = session_key(citizen.http.cookies["forms_session"])
    seen = store.load_web_session(key, utcnow())["_seen"]
    for _ in range(3):
        assert citizen.get(f"/{FORM}/prisoner").status_code == 200
    assert store.load_web_session(key, utcnow())["_seen"] == seen
