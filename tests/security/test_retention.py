"""Issue 10 item 3: nothing personal outlives its retention.

A citizen submits over real HTTP, a caseworker opens the PDF, decides and writes a note;
once the form's retention has passed the purge leaves nothing of it in the database (read
directly, not through the service) but an audit row saying what went. And the moment a
draft becomes a submission, the draft row stops holding the answers.
"""

from __future__ import annotations

import datetime
import json

import pytest
from sqlalchemy import create_engine, text

from forms_service.clock import utcnow
from forms_service.passwords import hash_password

CANARY = "Canary Quentin-Zebedee"
PASSWORD = "correct horse battery staple"

FORM = """\
id: retained
version: 1
title: Tell us something
reference_prefix: RET
retention_days: 30
pages:
  - id: about
    title: About you
    questions:
      - {id: full_name, type: text, label: What is your name?}
      - {id: story, type: textarea, label: What happened?}
declaration:
  body: The information I have given is true.
applicant_name: "{full_name}"
"""


@pytest.fixture
def served(live, tmp_path):
    folder = tmp_path / "definitions"
    folder.mkdir()
    (folder / "retained.yaml").write_text(FORM)
    url, app = live(definitions=folder)
    app.extensions["store"].create_user(
        "case@example.com", "Casey Worker", "caseworker", ["retained"], hash_password(PASSWORD)
    )
    database = create_engine(app.config["DATABASE_URL"])
    yield url, app, database
    database.dispose()


def submit(visitor, url: str) -> str:
    """A citizen fills the form in and sends it; returns the reference they are shown."""
    citizen = visitor(url)
    assert citizen.get("/retained/about").status_code == 200
    saved = citizen.post("/retained/about", {"full_name": CANARY, "story": CANARY + " story"})
    assert saved.status_code == 302, saved.text[:300]
    citizen.get("/retained/check-your-answers")
    sent = citizen.post("/retained/check-your-answers", {"declaration": "yes"})
    assert sent.status_code == 302, sent.text[:300]
    page = citizen.get("/retained/confirmation").text
    reference = page.split("<strong>")[1].split("</strong>")[0]
    assert reference.startswith("RET-")
    return reference


def rows(database, sql: str, **params) -> list:
    with database.connect() as connection:
        return list(connection.execute(text(sql), params))


def test_right_after_submitting_the_draft_holds_no_answers(served, visitor):
    url, _app, database = served
    reference = submit(visitor, url)
    (draft_id,) = rows(
        database, "SELECT draft_id FROM submissions WHERE reference = :r", r=reference
    )[0]
    draft = rows(database, "SELECT * FROM drafts WHERE id = :d", d=draft_id)
    assert len(draft) == 1  # the row stays: it stops a second submission of the same draft
    row = draft[0]._mapping
    assert CANARY not in " ".join(str(value) for value in row.values())
    emails = [name for name in list(row) if name.startswith("resume_email")]
    assert emails and all(row[name] is None for name in emails)


def test_after_retention_the_submission_pdf_notes_and_draft_are_gone(served, visitor):
    from forms_service.retention import purge

    url, app, database = served
    reference = submit(visitor, url)
    caseworker = visitor(url)
    caseworker.get("/staff/sign-in")
    signed_in = caseworker.post(
        "/staff/sign-in", {"email": "case@example.com", "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    page = f"/staff/submissions/{reference}"
    assert caseworker.get(page + ".pdf").status_code == 200
    caseworker.get(page)
    caseworker.post(page, {"action": "note", "note": f"Spoke to {CANARY}"})
    caseworker.get(page)
    caseworker.post(page, {"action": "status", "status": "accepted"})
    (submission_id, draft_id), *_ = rows(
        database, "SELECT id, draft_id FROM submissions WHERE reference = :r", r=reference
    )
    assert rows(database, "SELECT 1 FROM stored_pdfs WHERE submission_id = :s", s=submission_id)
    assert (
        len(
            rows(
                database,
                "SELECT 1 FROM submission_events WHERE submission_id = :s",
                s=submission_id,
            )
        )
        >= 3
    )

    store, forms = app.extensions["store"], app.extensions["forms"]
    # Still within the 30 days after the decision: kept.
    purge(store, forms, utcnow() + datetime.timedelta(days=29))
    assert rows(database, "SELECT 1 FROM submissions WHERE id = :s", s=submission_id)

    counts = purge(store, forms, utcnow() + datetime.timedelta(days=31))
    assert counts["submissions"] == 1
    for sql in (
        "SELECT * FROM submissions WHERE id = :s",
        "SELECT * FROM stored_pdfs WHERE submission_id = :s",
        "SELECT * FROM submission_events WHERE submission_id = :s",
    ):
        assert rows(database, sql, s=submission_id) == [], sql
    assert rows(database, "SELECT * FROM drafts WHERE id = :d", d=draft_id) == []
    assert rows(database, "SELECT * FROM resume_tokens WHERE draft_id = :d", d=draft_id) == []
    everything = " ".join(
        str(tuple(row))
        for table in ("submissions", "stored_pdfs", "submission_events", "drafts", "audit_events")
        for row in rows(database, f"SELECT * FROM {table}")  # noqa: S608 (fixed names)
    )
    assert CANARY not in everything

    audits = rows(
        database,
        "SELECT actor, action, target, detail FROM audit_events WHERE actor = 'system:purge'",
    )
    details = [_json(a.detail) for a in audits]
    [purged] = [d for d in details if reference in d.get("references", [])]
    assert purged["form"] == "retained"
    assert (purged["submissions"], purged["stored PDFs"]) == (1, 1)
    assert purged["submission_ids"] == [submission_id]


def _json(value) -> dict:
    """A JSON column read directly: text on SQLite, already decoded on PostgreSQL."""
    return json.loads(value) if isinstance(value, str) else value
