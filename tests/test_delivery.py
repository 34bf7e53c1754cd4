"""What a submission sets going: the citizen's confirmation email and the team's notice
through a real SMTP server on loopback, webhooks to a real HTTP server on loopback (allowed
by WEBHOOKS_ALLOW_PRIVATE), signed, retried and redelivered, and refused where SSRF lurks."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from forms_service.delivery import jobs_at_submission
from forms_service.delivery.emails import confirmation_email, team_notice
from forms_service.delivery.signing import verify
from forms_service.delivery.webhooks import DeliveryFailed, webhook
from tests.citizen import Citizen

SECRET = "whsec_delivery_test_" + "x" * 24
DEFINITION = """\
id: delivery-test
version: 1
title: {{en: Apply for a test licence, cy: Gwneud cais am drwydded brawf}}
languages: [en, cy]
reference_prefix: DLT
sla_working_days: 3
{extra}
pages:
  - id: name
    questions:
      - {{id: full_name, type: text, label: {{en: Full name, cy: Enw llawn}}}}
  - id: contact
    questions:
      - {{id: email, type: email, optional: true, label: {{en: Email address, cy: Cyfeiriad e-bost}}}}
"""


class Receiver(BaseHTTPRequestHandler):
    """A webhook receiver: keeps each delivery and answers the next planned status."""

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.deliveries.append((dict(self.headers), body))
        status = self.server.statuses.pop(0) if self.server.statuses else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def receiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.deliveries, server.statuses = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def definitions(tmp_path: Path, extra: str) -> Path:
    folder = tmp_path / "definitions"
    folder.mkdir(exist_ok=True)
    (folder / "delivery-test.yaml").write_text(DEFINITION.format(extra=extra), encoding="utf-8")
    return folder


@pytest.fixture
def make_delivery_app(make_app, inbox, tmp_path, monkeypatch):
    monkeypatch.setenv("DELIVERY_TEST_SECRET", SECRET)

    def factory(extra: str, **overrides):
        return make_app(
            definitions(tmp_path, extra),
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=inbox.port,
            SMTP_SECURITY="none",
            **{"WEBHOOKS_ALLOW_PRIVATE": True, **overrides},
        )

    return factory


def submit(app, email: str | None = "jo@example.com", language: str = "en") -> str:
    """A citizen fills the form in and sends it; the reference on their confirmation page."""
    client = app.test_client()
    citizen = Citizen(client)
    form = app.extensions["forms"]["delivery-test"]
    citizen.get(f"/delivery-test/?lang={language}")
    citizen.walk(form, {"full_name": "Jo <Bloggs>", "email": email or ""})
    response = citizen.submit(form)
    assert response.status_code == 302, response.status_code
    page = client.get("/delivery-test/confirmation").get_data(as_text=True)
    return page.split("<strong>", 1)[1].split("</strong>", 1)[0].strip()


def run(app, job, **args):
    """A job as the queue runs it: a plain call inside the application context."""
    with app.app_context():
        job(**args)


def wait_for(condition, seconds: float = 5.0):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


def messages_to(inbox, address: str) -> list:
    return [m for m in inbox.messages if m["To"] == address]


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(("html",)).get_content()


COPY = "confirmation_email: {copy_of_answers: true}"


# -- the citizen's confirmation email -----------------------------------------------------------


def test_a_citizen_who_gave_an_email_gets_one_confirmation_with_their_answers(
    make_delivery_app, inbox
):
    app = make_delivery_app(COPY)
    reference = submit(app, "jo@example.com")
    run(app, confirmation_email, reference=reference)  # again: it is sent once only
    assert wait_for(lambda: messages_to(inbox, "jo@example.com"))
    run(app, confirmation_email, reference=reference)
    [message] = messages_to(inbox, "jo@example.com")
    assert message["Subject"] == f"Apply for a test licence: your reference {reference}"
    text = text_of(message)
    assert f"Your reference number is {reference}." in text
    assert "We will contact you within 3 working days" in text
    assert "Your answers" in text and "Full name:" in text and "Jo <Bloggs>" in text
    html = html_of(message)
    assert "Jo &lt;Bloggs&gt;" in html and "Jo <Bloggs>" not in html  # escaped
    assert '<html lang="en">' in html
    assert len(inbox.messages) == 1  # nobody else: no notify_email on this form


def test_the_confirmation_is_in_welsh_without_answers_by_default(make_delivery_app, inbox):
    app = make_delivery_app("")
    reference = submit(app, "jo@example.com", language="cy")
    run(app, confirmation_email, reference=reference)
    [message] = messages_to(inbox, "jo@example.com")
    assert message["Subject"] == f"Gwneud cais am drwydded brawf: eich cyfeirnod {reference}"
    text = text_of(message)
    assert reference in text and "Jo <Bloggs>" not in text and "Enw llawn" not in text
    assert '<html lang="cy">' in html_of(message)


def test_nothing_is_sent_without_an_address_the_citizen_gave(make_delivery_app, inbox):
    app = make_delivery_app(COPY + "\nnotify_email: team@example.gov.uk")
    reference = submit(app, None)
    run(app, confirmation_email, reference=reference)
    run(app, team_notice, reference=reference)
    assert [m["To"] for m in inbox.messages] == ["team@example.gov.uk"]
    form = app.extensions["forms"]["delivery-test"]
    with app.app_context():
        submission = app.extensions["store"].get_submission(reference)
    assert [name for name, _ in jobs_at_submission(form, submission)] == ["team_notice"]


def test_the_confirmation_page_offers_one_and_says_where_it_went(make_delivery_app, inbox):
    app = make_delivery_app(COPY)
    client = app.test_client()
    citizen = Citizen(client)
    form = app.extensions["forms"]["delivery-test"]
    citizen.walk(form, {"full_name": "Jo <Bloggs>", "email": ""})
    citizen.submit(form)
    page = citizen.get("/delivery-test/confirmation").get_data(as_text=True)
    assert "Get a confirmation email" in page and "We have sent" not in page
    assert "a copy of your answers" in page
    refused = citizen.post("/delivery-test/confirmation", {"email": "not an address"})
    assert refused.status_code == 422
    assert "Enter an email address in the correct format" in refused.get_data(as_text=True)
    assert client.post("/delivery-test/confirmation", data={"email": "a@b.com"}).status_code == 400
    sent = citizen.post("/delivery-test/confirmation", {"email": "jo.given@example.com"})
    assert sent.status_code == 302
    page = citizen.get("/delivery-test/confirmation").get_data(as_text=True)
    assert "We have sent a confirmation email to jo.given@example.com." in page
    assert "Get a confirmation email" not in page
    reference = page.split("<strong>", 1)[1].split("</strong>", 1)[0].strip()
    run(app, confirmation_email, reference=reference, given=1)
    assert wait_for(lambda: messages_to(inbox, "jo.given@example.com"))
    assert [m["To"] for m in inbox.messages] == ["jo.given@example.com"]
    assert "Jo &lt;Bloggs&gt;" in html_of(inbox.messages[0])


def test_the_team_notice_has_the_reference_and_a_link_and_nothing_personal(
    make_delivery_app, inbox
):
    app = make_delivery_app(
        "notify_email: visits-team@example.gov.uk", SERVICE_URL="https://forms.example.gov.uk"
    )
    reference = submit(app, "jo@example.com")
    run(app, team_notice, reference=reference)
    assert wait_for(lambda: messages_to(inbox, "visits-team@example.gov.uk"))
    run(app, team_notice, reference=reference)
    [notice] = messages_to(inbox, "visits-team@example.gov.uk")
    assert notice["Subject"] == f"{reference} received"
    text = text_of(notice)
    assert f"https://forms.example.gov.uk/staff/submissions/{reference}" in text
    for personal in ("Jo", "Bloggs", "jo@example.com"):
        assert personal not in text and personal not in html_of(notice)


def test_job_arguments_hold_no_personal_data(make_delivery_app, receiver):
    url = f"http://127.0.0.1:{receiver.server_port}/hook"
    app = make_delivery_app(
        COPY + "\nnotify_email: team@example.gov.uk\n"
        f"webhooks:\n  - {{url: '{url}', secret_env: DELIVERY_TEST_SECRET}}"
    )
    reference = submit(app, "jo@example.com")
    form = app.extensions["forms"]["delivery-test"]
    with app.app_context():
        submission = app.extensions["store"].get_submission(reference)
    jobs = jobs_at_submission(form, submission)
    assert jobs == [
        ("confirmation_email", {"reference": reference}),
        ("team_notice", {"reference": reference}),
        ("webhook", {"reference": reference, "endpoint": 0}),
    ]
    assert "jo@example.com" not in json.dumps(jobs) and "Bloggs" not in json.dumps(jobs)


# -- webhooks -------------------------------------------------------------------------------------


def hooked_app(make_delivery_app, receiver, **overrides):
    url = f"http://127.0.0.1:{receiver.server_port}/hook?form=delivery-test"
    return make_delivery_app(
        f"webhooks:\n  - {{url: '{url}', secret_env: DELIVERY_TEST_SECRET}}", **overrides
    )


def audited(app, reference: str) -> list:
    store = app.extensions["store"]
    events, _count = store.audit_events(action="webhook_delivery", target=reference)
    return events


def test_a_webhook_gets_the_submission_signed(make_delivery_app, receiver):
    app = hooked_app(make_delivery_app, receiver)
    reference = submit(app, "jo@example.com")
    run(app, webhook, reference=reference, endpoint=0)
    assert wait_for(lambda: receiver.deliveries)
    run(app, webhook, reference=reference, endpoint=0)  # delivered: not sent again
    [(headers, body)] = receiver.deliveries
    assert verify(SECRET, headers["Forms-Signature"], body, now=int(time.time()))
    assert not verify("another secret", headers["Forms-Signature"], body, now=int(time.time()))
    assert headers["Forms-Delivery-Id"] == f"{reference}:0"
    assert headers["Content-Type"] == "application/json"
    sent = json.loads(body)
    assert sent["reference"] == reference
    assert sent["answers"] == {"full_name": "Jo <Bloggs>", "email": "jo@example.com"}
    with app.app_context():
        from forms_service.exports import submission_json

        stored = submission_json(app.extensions["store"].get_submission(reference))
    assert sent == json.loads(json.dumps(stored))  # the API's shape, exactly
    [event] = audited(app, reference)
    assert event.target == reference and event.actor == "system:webhooks"
    assert event.detail["host"] == "127.0.0.1" and event.detail["status"] == 200
    assert "Bloggs" not in json.dumps(event.detail)


def test_a_failed_delivery_raises_and_the_retry_delivers_once(make_delivery_app, receiver):
    app = hooked_app(make_delivery_app, receiver)
    receiver.statuses[:] = [500, 500]  # whichever attempt comes first fails
    reference = submit(app, "jo@example.com")
    # Attempts until one is received: each failure raises, for the queue to retry.
    failures = 0
    while not any(
        status == 200 for status in [e.detail["status"] for e in audited(app, reference)]
    ):
        try:
            run(app, webhook, reference=reference, endpoint=0)
        except DeliveryFailed as failed:
            assert "answered 500" in str(failed)
            failures += 1
        assert failures <= 2
    run(app, webhook, reference=reference, endpoint=0)
    ids = {headers["Forms-Delivery-Id"] for headers, _ in receiver.deliveries}
    assert ids == {f"{reference}:0"} and len(receiver.deliveries) == 3  # 500, 500, 200
    statuses = sorted(e.detail["status"] for e in audited(app, reference))
    assert statuses == [200, 500, 500]


def test_a_private_address_is_refused_unless_allowed(make_delivery_app, receiver):
    app = hooked_app(make_delivery_app, receiver, WEBHOOKS_ALLOW_PRIVATE=False)
    reference = submit(app, "jo@example.com")
    with pytest.raises(DeliveryFailed, match="refused"):
        run(app, webhook, reference=reference, endpoint=0)
    assert receiver.deliveries == []
    assert all(e.detail["status"] is None for e in audited(app, reference))


def test_a_name_resolving_to_a_private_address_is_refused(make_delivery_app, receiver):
    url = f"https://localhost:{receiver.server_port}/hook"
    app = make_delivery_app(
        f"webhooks:\n  - {{url: '{url}', secret_env: DELIVERY_TEST_SECRET}}",
        WEBHOOKS_ALLOW_PRIVATE=False,
    )
    reference = submit(app, "jo@example.com")
    with pytest.raises(DeliveryFailed, match="loopback"):
        run(app, webhook, reference=reference, endpoint=0)
    assert receiver.deliveries == []


def test_staff_redeliver_with_a_new_delivery_id(make_delivery_app, receiver):
    from forms_service.passwords import hash_password
    from tests.staff import PASSWORD, signed_in

    app = hooked_app(make_delivery_app, receiver)
    reference = submit(app, "jo@example.com")
    run(app, webhook, reference=reference, endpoint=0)
    store = app.extensions["store"]
    store.create_user(
        "case@example.com", "Casey Worker", "caseworker", ["delivery-test"], hash_password(PASSWORD)
    )
    staff = signed_in(app, "case@example.com")
    page = staff.get(f"/staff/submissions/{reference}").get_data(as_text=True)
    assert "Other systems" in page and "127.0.0.1" in page
    response = staff.post(
        f"/staff/submissions/{reference}", {"action": "redeliver", "endpoint": "0"}
    )
    assert response.status_code == 302
    assert "will be delivered to 127.0.0.1 again" in staff.get(response.location).get_data(
        as_text=True
    )
    assert (
        staff.post(
            f"/staff/submissions/{reference}", {"action": "redeliver", "endpoint": "7"}
        ).status_code
        == 400
    )
    assert wait_for(lambda: len(receiver.deliveries) >= 2)
    ids = [headers["Forms-Delivery-Id"] for headers, _ in receiver.deliveries]
    assert ids[0] == f"{reference}:0" and ids[1].startswith(f"{reference}:0:")
    assert [e.action for e in store.audit_events()[0]].count("webhook_redeliver") == 1
