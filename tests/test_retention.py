"""Retention: submissions are deleted the form's retention after their decision (or after
submission while undecided) with their PDFs, timelines and drafts; the purge is audited,
safe to run twice at once, and run daily by the worker. Time travel through `now`."""

from __future__ import annotations

import datetime
import os
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import MetaData, func, insert, select, update

from forms_service.cli import cli
from forms_service.clock import utcnow
from forms_service.data import AuditEvent, Draft, Store, StoredPdf, Submission, SubmissionEvent
from forms_service.data.schema import drop_everything, upgrade
from forms_service.retention import purge
from tests.citizen import Citizen

DAY = datetime.timedelta(days=1)


def form_yaml(form_id: str, keys: str) -> str:
    return f"""\
id: {form_id}
version: 1
title: A form
{keys}
pages:
  - id: about
    questions:
      - {{id: full_name, type: text, label: What is your name?}}
applicant_name: "{{full_name}}"
"""


@pytest.fixture
def definitions(tmp_path) -> Path:
    folder = tmp_path / "definitions"
    folder.mkdir()
    (folder / "short.yaml").write_text(form_yaml("short", "retention_days: 30"))
    (folder / "casework.yaml").write_text(
        form_yaml("casework", "retention_days: 30\nsubmission_retention_days: 400")
    )
    (folder / "unsaid.yaml").write_text(form_yaml("unsaid", ""))
    return folder


@pytest.fixture
def app(make_app, definitions):
    return make_app(definitions=definitions)


def send(app, form_id: str, name: str = "Jo Bloggs") -> Submission:
    citizen = Citizen(app.test_client())
    citizen.get(f"/{form_id}/about")
    assert citizen.post(f"/{form_id}/about", {"full_name": name}).status_code == 302
    citizen.get(f"/{form_id}/check-your-answers")
    assert citizen.post(f"/{form_id}/check-your-answers", {}).status_code == 302
    store = app.extensions["store"]
    with store.sessions() as db:
        return db.scalars(select(Submission).order_by(Submission.id.desc())).first()


def run_purge(app, days: float) -> dict[str, int]:
    return purge(app.extensions["store"], app.extensions["forms"], utcnow() + days * DAY)


def exists(app, submission: Submission) -> bool:
    return app.extensions["store"].get_submission(submission.reference) is not None


def test_the_draft_keeps_nothing_once_it_is_a_submission(app):
    citizen = Citizen(app.test_client())
    citizen.post("/short/about", {"full_name": "Jo Bloggs"})
    store = app.extensions["store"]
    with store.sessions() as db:
        draft_id = db.scalar(select(Draft.id))
    store.set_resume_email(draft_id, "jo@example.com")
    citizen.get("/short/check-your-answers")
    citizen.post("/short/check-your-answers", {})
    with store.sessions() as db:
        draft = db.get(Draft, draft_id)
    assert draft.submitted_at is not None
    assert (draft.answers, draft.resume_email) == ({}, None)
    submission = store.submission_for_draft(draft_id)
    assert submission.answers == {"full_name": "Jo Bloggs"}
    # The row stays so the same draft cannot be sent twice: a second Submit finds it.
    again = citizen.post("/short/check-your-answers", {})
    assert again.status_code == 302 and store.count_submissions("short") == 1


def test_undecided_submissions_are_kept_the_retention_after_submission(app):
    submission = send(app, "short")
    assert run_purge(app, 29)["submissions"] == 0 and exists(app, submission)
    assert run_purge(app, 31)["submissions"] == 1 and not exists(app, submission)


def test_decided_submissions_are_kept_the_retention_after_the_decision(app):
    store = app.extensions["store"]
    submission = send(app, "short")
    _backdate(store, submission, submitted_days_ago=200)
    store.change_status(submission.id, "accepted", "", None, "Casey")
    assert store.get_submission(submission.reference).decided_at is not None
    # 200 days after submission but decided today: kept for the 30 days after the decision.
    assert run_purge(app, 0)["submissions"] == 0
    assert run_purge(app, 29)["submissions"] == 0 and exists(app, submission)
    assert run_purge(app, 31)["submissions"] == 1 and not exists(app, submission)


def test_a_reopened_decision_restarts_the_clock(app):
    store = app.extensions["store"]
    submission = send(app, "short")
    store.change_status(submission.id, "rejected", "No visiting order", None, "Casey")
    _backdate(store, submission, submitted_days_ago=100, decided_days_ago=40)
    # Reopened: no decision, and while a caseworker has it the clock runs from that change.
    store.change_status(submission.id, "in_progress", "", None, "Casey")
    assert store.get_submission(submission.reference).decided_at is None
    assert run_purge(app, 0)["submissions"] == 0
    # Decided again: 30 days from this decision, not the first one 40 days ago.
    store.change_status(submission.id, "accepted", "", None, "Casey")
    decided = store.get_submission(submission.reference).decided_at
    assert decided is not None and utcnow() - _aware(decided) < datetime.timedelta(minutes=1)
    assert run_purge(app, 29)["submissions"] == 0 and exists(app, submission)
    assert run_purge(app, 31)["submissions"] == 1


def test_a_form_can_keep_submissions_longer_than_drafts(app):
    store = app.extensions["store"]
    submission = send(app, "casework")
    Citizen(app.test_client()).post("/casework/about", {"full_name": "Half Way"})
    counts = run_purge(app, 31)
    assert (counts["drafts"], counts["submissions"]) == (1, 0)  # the draft never sent went
    assert exists(app, submission)
    store.change_status(submission.id, "accepted", "", None, "Casey")
    assert run_purge(app, 399)["submissions"] == 0
    assert run_purge(app, 401)["submissions"] == 1


def test_a_form_that_says_nothing_keeps_submissions_a_year(app):
    submission = send(app, "unsaid")
    assert run_purge(app, 364)["submissions"] == 0
    assert run_purge(app, 366)["submissions"] == 1 and not exists(app, submission)


def test_a_form_not_loaded_today_keeps_its_last_policy(make_app, definitions):
    first = make_app(definitions=definitions)
    submission = send(first, "casework")
    (definitions / "casework.yaml").write_text("id: casework\nversion: [broken\n")
    app = make_app(definitions=definitions)  # the same database, the form left out
    assert "casework" not in app.extensions["forms"]
    assert run_purge(app, 31)["submissions"] == 0  # not the 30 days of drafts, nor a default
    assert run_purge(app, 401)["submissions"] == 1 and not exists(app, submission)


def test_the_purge_takes_the_pdf_timeline_draft_and_links_and_audits_it(app):
    store = app.extensions["store"]
    submission = send(app, "short", name="Priya Canary")
    store.store_pdf(submission.id, "hash", b"%PDF fake")
    store.add_note(submission.id, "Called Priya Canary", None, "Casey")
    keep = send(app, "casework")
    counts = run_purge(app, 31)
    assert counts == {
        "submissions": 1,
        "stored PDFs": 1,
        "stored paper forms": 0,  # tests/test_paper_download.py purges one
        "submission events": 2,  # received, the note
        "submitted drafts": 1,
        "drafts": 0,
        "resume links": 0,
        "sessions": counts["sessions"],
        "rate limit counters": counts["rate limit counters"],
        # The two journeys' events, 31 days on: only their daily counts are kept.
        "journey events counted by day": 10,
        "satisfaction comments": 0,
    }
    with store.sessions() as db:
        assert db.get(StoredPdf, submission.id) is None
        assert (
            db.scalar(select(func.count()).where(SubmissionEvent.submission_id == submission.id))
            == 0
        )
        assert db.get(Draft, submission.draft_id) is None
        audits = db.scalars(select(AuditEvent).where(AuditEvent.actor == "system:purge")).all()
    assert exists(app, keep)
    [purged] = [a for a in audits if a.target == "short"]
    assert purged.action == "retention_purge"
    assert purged.detail["references"] == [submission.reference]
    assert purged.detail["submission_ids"] == [submission.id]
    assert purged.detail["submissions"] == 1 and purged.detail["stored PDFs"] == 1
    assert "Priya" not in str([(a.target, a.detail) for a in audits])
    assert any(a.target == "drafts and sessions" for a in audits)


def test_two_purges_at_once_delete_each_submission_once(app):
    store = app.extensions["store"]
    sent = [send(app, "short", name=f"Person {n}") for n in range(12)]
    store.change_status(sent[0].id, "accepted", "", None, "Casey")
    results, errors = [], []
    later = utcnow() + 31 * DAY

    def one_purge() -> None:
        try:
            results.append(store.purge_submissions({"short": later - 30 * DAY}, batch_size=3))
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=one_purge) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(r["submissions"] for r in results) == 12
    assert store.count_submissions("short") == 0
    with store.sessions() as db:
        audits = db.scalars(select(AuditEvent).where(AuditEvent.target == "short")).all()
    references = [ref for a in audits for ref in a.detail["references"]]
    assert sorted(references) == sorted(s.reference for s in sent)  # each once


def test_purge_on_demand_prints_counts(app):
    send(app, "short")
    result = CliRunner().invoke(cli, ["purge"], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    assert "submissions: 0" in result.output and "drafts: 0" in result.output


def test_the_checker_warns_when_a_form_says_nothing_about_retention(definitions):
    result = CliRunner().invoke(cli, ["check", str(definitions)])
    assert result.exit_code == 0, result.output
    [warning] = [line for line in result.output.splitlines() if "warning: the form" in line]
    assert warning.startswith(f"{definitions / 'unsaid.yaml'}:1:1: warning:")


def _aware(moment: datetime.datetime) -> datetime.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def _backdate(
    store, submission: Submission, submitted_days_ago: int, decided_days_ago: int | None = None
) -> None:
    """Move a submission and its timeline into the past (as if sent that long ago)."""
    now = utcnow()
    with store.sessions.begin() as db:
        db.execute(
            update(Submission)
            .where(Submission.id == submission.id)
            .values(submitted_at=now - submitted_days_ago * DAY)
        )
        if decided_days_ago is not None:
            db.execute(
                update(Submission)
                .where(Submission.id == submission.id)
                .values(decided_at=now - decided_days_ago * DAY)
            )
        db.execute(
            update(SubmissionEvent)
            .where(SubmissionEvent.submission_id == submission.id)
            .values(at=now - (decided_days_ago or submitted_days_ago) * DAY)
        )


def test_the_migration_dates_past_decisions_and_empties_submitted_drafts(tmp_path):
    """0006 on a database in use: a case decided before decided_at existed gets the time
    of its last status change; a draft already sent stops holding the answers."""
    store = Store(os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'old.db'}")
    drop_everything(store.engine)
    upgrade(store.engine, "0003")
    old = MetaData()
    old.reflect(store.engine)
    sent, decided = datetime.datetime(2026, 1, 5, 9), datetime.datetime(2026, 2, 1, 16, 30)
    draft = {
        "session_key": "k" * 64, "form_id": "short", "form_version": 1, "language": "en",
        "created_at": sent, "updated_at": sent, "expires_at": sent,
    }  # fmt: skip
    with store.engine.begin() as db:
        db.execute(
            insert(old.tables["drafts"]),
            [
                {**draft, "id": 1, "answers": {"full_name": "Jo"}, "submitted_at": sent,
                 "resume_email": "jo@example.com", "assisted": {"citizen_name": "Jo"}},
                {**draft, "id": 2, "answers": {"full_name": "Al"}, "submitted_at": None,
                 "resume_email": None, "assisted": None},
            ],
        )  # fmt: skip
        submission = {
            "form_id": "short", "form_version": 1, "definition": {}, "answers": {},
            "language": "en", "channel": "online", "started_at": sent, "submitted_at": sent,
        }  # fmt: skip
        db.execute(
            insert(old.tables["submissions"]),
            [
                {**submission, "id": 1, "reference": "SH-AAAA-AAAA", "draft_id": 1,
                 "status": "accepted"},
                {**submission, "id": 2, "reference": "SH-BBBB-BBBB", "draft_id": 2,
                 "status": "in_progress"},
            ],
        )  # fmt: skip
        event = {"actor": "Casey", "detail": {}}
        db.execute(
            insert(old.tables["submission_events"]),
            [
                {**event, "submission_id": 1, "at": sent, "kind": "received"},
                {**event, "submission_id": 1, "at": decided, "kind": "status"},
                {**event, "submission_id": 2, "at": decided, "kind": "status"},
            ],
        )
    upgrade(store.engine)
    with store.sessions() as db:
        first, second = db.get(Submission, 1), db.get(Submission, 2)
        drafts = {d.id: d for d in db.scalars(select(Draft))}
    assert first.decided_at.replace(tzinfo=None) == decided.replace(tzinfo=None)
    assert second.decided_at is None
    assert (drafts[1].answers, drafts[1].resume_email, drafts[1].assisted) == ({}, None, None)
    assert drafts[2].answers == {"full_name": "Al"}  # still being filled in: kept
    store.engine.dispose()
