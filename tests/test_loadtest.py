"""make loadtest's pieces that do not need locust (forms_service/testing/load.py), on a real
journey through the Flask client: the figures read back from the database are 0 when every
acknowledged answer and shown reference is stored, and count each one that is not."""

from __future__ import annotations

from collections import Counter
from email.message import EmailMessage
from pathlib import Path

from forms_service.clock import today_in_london
from forms_service.journey.routes_cover import cover
from forms_service.sessions import session_key
from forms_service.testing import load
from forms_service.testing.journeys import FlaskAgent
from tests.conftest import copy_definition

FORM = "prison-visit-booking"


def walk(app, record: load.JourneyRecord, longest: bool = True) -> load.RecordingDriver:
    form = app.extensions["forms"][FORM]
    plans = [p for p in cover(form, today_in_london()).journeys if p.exit_page is None]
    plan = max(plans, key=lambda p: len(p.steps)) if longest else plans[0]
    agent = FlaskAgent(app)
    driver = load.RecordingDriver(form, agent, today_in_london(), record)
    driver.tried_empty = {page.id for page, _ in form.every_page()}
    driver.walk(plan, [])
    record.cookie = agent.client.get_cookie("forms_session").value
    return driver


def text_answer(record: load.JourneyRecord) -> tuple[str, str]:
    """A page and question whose acknowledged answer is plain text."""
    for path, (step, answers) in record.acknowledged.items():
        for question, _, _ in step.page.all_questions():
            if question.type == "text" and question.id in answers:
                return path, question.id
    raise AssertionError("no text answer acknowledged")


def test_figures_count_what_a_sent_journey_lost(make_app, tmp_path):
    app = make_app(PDFS_AT_SUBMISSION=True)  # the job runs inline, as the request ends
    told = load.Told()
    record = told.start(FORM)
    walk(app, record)
    store = app.extensions["store"]
    assert record.reference and len(record.acknowledged) >= 10
    assert any(step.repeat is not None for step, _ in record.acknowledged.values())
    figures = load.figures(store, [FORM], told)
    assert figures == dict.fromkeys(figures, 0)
    jobs = load.job_figures(store, tmp_path / "outbox", told)
    assert jobs == dict.fromkeys(jobs, 0)
    record.saved_to = "nobody@example.com"  # saved for later, but no email came
    assert load.job_figures(store, tmp_path / "outbox", told)[load.RESUME_LOST] == 1

    # An acknowledged answer the submission does not hold.
    path, question_id = text_answer(record)
    step, answers = record.acknowledged[path]
    record.acknowledged[path] = (step, {**answers, question_id: "Not what was stored"})
    assert load.figures(store, [FORM], told)[load.ACKNOWLEDGED_LOST] == 1
    record.acknowledged[path] = (step, answers)

    # A reference shown to a client but not stored, and a stored one no client saw.
    told.start(FORM).reference = "PVB-2222-3333"
    assert load.figures(store, [FORM], told)[load.CONFIRMED_LOST] == 1
    record.reference = None
    assert load.figures(store, [FORM], told)[load.UNSEEN] == 1


def test_a_draft_in_progress_is_read_page_by_page(app):
    told = load.Told()
    record = told.start(FORM)
    driver = walk(app, record, longest=False)
    # The same answers again in a new session, stopped before sending: a draft.
    draft = told.start(FORM)
    agent = FlaskAgent(app)
    path, (step, answers) = next(iter(record.acknowledged.items()))
    driver.agent = agent
    driver.token = None
    driver.open(f"/{FORM}/{path}")
    driver.follow(driver.post(f"/{FORM}/{path}", driver.fields(step, answers)), f"/{FORM}/{path}")
    draft.acknowledged = {path: driver.record.acknowledged[path]}
    draft.cookie = agent.client.get_cookie("forms_session").value
    store = app.extensions["store"]
    assert store.find_draft(session_key(draft.cookie), FORM) is not None
    assert load.figures(store, [FORM], told)[load.ACKNOWLEDGED_LOST] == 0
    question_id = next(iter(answers))
    draft.acknowledged[path] = (step, {**answers, question_id: "Changed"})
    assert load.figures(store, [FORM], told)[load.ACKNOWLEDGED_LOST] == 1
    # This app makes no PDF at submission: the sent one has none, and no job for it waits.
    assert load.job_figures(store, Path(app.instance_path) / "outbox", told)[load.NO_PDF] == 1


def test_outbox_resume_links_and_duplicate_emails(tmp_path):
    def write(name: str, to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["To"], message["Subject"] = to, subject
        message.set_content(body)
        (tmp_path / name).write_bytes(message.as_bytes())

    token = "a" * 43
    write("1.eml", "someone@example.com", "Your saved form", f"Go to http://x/resume/{'b' * 43}")
    write("2.eml", "someone@example.com", "Your saved form", f"Go to http://x/resume/{token}")
    write("3.eml", "team@example.gov.uk", "PVB-2222-3333 received", "Open it in the inbox")
    write("4.eml", "team@example.gov.uk", "PVB-2222-3333 received", "Open it in the inbox")
    write("5.eml", "me@example.com", "Application sent", "Your reference is PVB-2222-3333")
    assert load.resume_link(tmp_path, "Someone@example.com") == f"/resume/{token}"
    assert load.resume_link(tmp_path, "nobody@example.com") is None
    counts = load.emails_per_reference(tmp_path)
    assert counts == {
        ("PVB-2222-3333", "team@example.gov.uk"): 2,
        ("PVB-2222-3333", "me@example.com"): 1,
    }


def test_webhook_and_notice_figures_count_a_delivery_lost_or_doubled(
    make_app, tmp_path, monkeypatch
):
    """A real receiver on loopback: each submission delivered once, signed, its team
    notice emailed once; a missing or second delivery counts."""
    receiver = load.HookReceiver("s3cret", fail_share=0.0)
    monkeypatch.setenv("LOADTEST_WEBHOOK_SECRET", "s3cret")
    folder = tmp_path / "forms"
    path = copy_definition(FORM, folder)
    with path.open("a", encoding="utf-8") as file:
        file.write(
            f"\nnotify_email: team@example.gov.uk\nwebhooks:\n"
            f"  - url: http://127.0.0.1:{receiver.port}/hook\n"
            "    secret_env: LOADTEST_WEBHOOK_SECRET\n"
        )
    try:
        app = make_app(folder, WEBHOOKS_ALLOW_PRIVATE=True)
        record = load.Told().start(FORM)
        walk(app, record, longest=False)
        store, outbox = app.extensions["store"], tmp_path / "outbox"
        figures = load.webhook_figures(
            store, [FORM], receiver.accepted, outbox, "team@example.gov.uk"
        )
        assert figures == dict.fromkeys(figures, 0)
        assert list(receiver.accepted) == [f"{record.reference}:0"]
        assert receiver.bad_signatures == 0
        doubled = receiver.accepted + Counter({f"{record.reference}:0:1": 1})
        again = load.webhook_figures(store, [FORM], doubled, outbox, "team@example.gov.uk")
        assert again[load.WEBHOOK_TWICE] == 1
        lost = load.webhook_figures(
            store, [FORM], Counter(), tmp_path / "none", "team@example.gov.uk"
        )
        assert (lost[load.NO_WEBHOOK], lost[load.NO_NOTICE]) == (1, 1)
    finally:
        receiver.close()
