"""Personal data sealed at rest, through the store and the command line: what callers see,
ciphertexts that cannot be moved between rows, and rotating the keys.

Runs on SQLite and, in the PostgreSQL pass, on PostgreSQL (TEST_DATABASE_URL).
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import select, text, update

from forms_service.cli import cli
from forms_service.data import (
    Draft,
    FeedbackComment,
    StaffUser,
    StoredPaperPdf,
    StoredPdf,
    Submission,
    SubmissionEvent,
)
from forms_service.data.sealing import SealingError, new_key_setting, wrapped_by
from tests.assisted import submit_assisted
from tests.test_staff import PASSWORD, submit

OLD, NEW = new_key_setting("old"), new_key_setting("new")
INDEX = new_key_setting("index")


@pytest.fixture
def keyed_app(make_app):
    """An app whose answers are sealed under the key `old`."""
    app = make_app(ANSWERS_KEYS=OLD, ANSWERS_INDEX_KEY=INDEX)
    from forms_service.passwords import hash_password

    app.extensions["store"].create_user(
        "ad@example.com", "Al Assisted", "admin", [], hash_password(PASSWORD)
    )
    return app


def raw(store, sql: str, **params):
    with store.engine.connect() as connection:
        return connection.execute(text(sql), params).all()


def test_callers_read_plain_values_and_the_database_holds_ciphertext(keyed_app):
    store = keyed_app.extensions["store"]
    reference = submit(keyed_app, "prison-visit-booking")
    submission = store.get_submission(reference)
    assert submission.answers["prisoner_number"] == "A1234BC"
    store.add_note(submission.id, "Canary note", None, "staff:1")
    store.store_pdf(submission.id, "h" * 64, b"%PDF-canary")
    [(answers, name, key)] = raw(
        store,
        "SELECT answers_sealed, applicant_name_sealed, data_key FROM submissions WHERE id = :id",
        id=submission.id,
    )
    assert b"A1234BC" not in answers and answers[0] == 1 and wrapped_by(key) == "old"
    assert [e.note for e in store.events(submission.id) if e.kind == "note"] == ["Canary note"]
    assert store.stored_pdf(submission.id, "h" * 64) == b"%PDF-canary"
    [(pdf,)] = raw(store, "SELECT pdf_sealed FROM stored_pdfs")
    assert not pdf.startswith(b"%PDF")
    # The submission filled into its paper form holds the answers too.
    store.store_paper_pdf(submission.id, "p" * 64, b"%PDF-paper-canary")
    assert store.stored_paper_pdf(submission.id, "p" * 64) == b"%PDF-paper-canary"
    assert store.stored_paper_pdf(submission.id, "q" * 64) is None  # made from other answers
    [(paper,)] = raw(store, "SELECT pdf_sealed FROM stored_paper_pdfs")
    assert b"canary" not in paper and paper[0] == 1


def test_a_ciphertext_copied_into_another_row_or_column_does_not_open(keyed_app):
    store = keyed_app.extensions["store"]
    first = submit_assisted(keyed_app, "ad@example.com", citizen_name="Ana")
    second = submit_assisted(keyed_app, "ad@example.com", citizen_name="Bo")
    with store.sessions.begin() as db:  # someone with database access swaps the names
        db.execute(
            update(Submission)
            .where(Submission.id == second.id)
            .values(applicant_name_sealed=first.applicant_name_sealed)
        )
    with pytest.raises(SealingError):
        _ = store.get_submission(second.reference).applicant_name
    with store.sessions.begin() as db:  # the row's own data key too: the row id is bound in
        db.execute(
            update(Submission)
            .where(Submission.id == second.id)
            .values(
                data_key=first.data_key,
                applicant_name_sealed=first.applicant_name_sealed,
            )
        )
    with pytest.raises(SealingError):
        _ = store.get_submission(second.reference).applicant_name
    with store.sessions.begin() as db:  # another column of the same row
        db.execute(
            update(Submission)
            .where(Submission.id == first.id)
            .values(applicant_name_sealed=first.assisted_sealed)
        )
    with pytest.raises(SealingError):
        _ = store.get_submission(first.reference).applicant_name
    assert store.get_submission(first.reference).assisted["citizen_name"] == "Ana"


def test_save_and_return_finds_drafts_by_the_blind_index_of_the_email(keyed_app):
    store = keyed_app.extensions["store"]
    draft = store.update_draft("s" * 64, "prison-visit-booking", 1, "en", lambda a: {"x": 1})
    store.set_resume_email(draft.id, "Zoe.Canary@Example.org")
    now = datetime.datetime.now(datetime.UTC)
    [found] = store.drafts_for_email("zoe.canary@example.org", now)
    assert found.id == draft.id and found.resume_email == "zoe.canary@example.org"
    assert found.answers == {"x": 1}
    [(sealed, index)] = raw(store, "SELECT resume_email_sealed, resume_email_index FROM drafts")
    assert b"canary" not in sealed.lower() and len(index) == 64


def rotate(app, *args: str):
    return CliRunner().invoke(cli, ["rotate-keys", *args], obj=ScriptInfo(create_app=lambda: app))


def test_rotate_keys_rewraps_every_record_in_batches_and_resumes(keyed_app, make_app):
    store = keyed_app.extensions["store"]
    references = [submit(keyed_app, "prison-visit-booking") for _ in range(3)]
    first = store.get_submission(references[0])
    store.add_note(first.id, "Canary note", None, "staff:1")
    store.store_pdf(first.id, "h" * 64, b"%PDF-canary")
    store.store_paper_pdf(first.id, "p" * 64, b"%PDF-paper-canary")
    feedback = {"form_id": "prison-visit-booking", "form_version": 1, "channel": "online",
                "language": "en", "value": 4}  # fmt: skip
    store.give_feedback(feedback, "Canary comment")
    answers_before = raw(store, "SELECT id, answers_sealed FROM submissions ORDER BY id")

    rotated = make_app(ANSWERS_KEYS=f"{NEW},{OLD}", ANSWERS_INDEX_KEY=INDEX)
    new_store = rotated.extensions["store"]
    # A record under a key nobody has any more stops the run, with one line saying where...
    with new_store.sessions.begin() as db:
        lost = db.scalars(select(Draft).order_by(Draft.id.desc())).first()
        db.execute(
            update(Draft).where(Draft.id == lost.id).values(data_key=b"\x01\x04gone" + b"\x00" * 60)
        )
    stopped = rotate(rotated, "--batch", "1")
    assert stopped.exit_code == 1
    assert stopped.output.strip().splitlines()[-1] == (
        f"Error: drafts row {lost.id}: the data key is wrapped by key 'gone', not in ANSWERS_KEYS"
    )
    # ...after the batches before it were committed: the next run skips those rows.
    done = [wrapped_by(k) for (k,) in raw(store, "SELECT data_key FROM drafts ORDER BY id")]
    assert done[:-1] == ["new"] * (len(done) - 1)
    with new_store.sessions.begin() as db:
        db.execute(update(Draft).where(Draft.id == lost.id).values(data_key=None))
    lost_count = len(done) - 1

    result = rotate(rotated, "--batch", "2")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"drafts: 0 re-wrapped, {lost_count} already under the first key",
        "staff_users: 0 re-wrapped, 0 already under the first key",
        "submission_events: 1 re-wrapped, 0 already under the first key",
        "stored_pdfs: 1 re-wrapped, 0 already under the first key",
        "stored_paper_pdfs: 1 re-wrapped, 0 already under the first key",
        "submissions: 3 re-wrapped, 0 already under the first key",
        "feedback_comments: 1 re-wrapped, 0 already under the first key",
        "Done: 7 data key(s) re-wrapped; every record is under key 'new'.",
    ]
    again = rotate(rotated, "--batch", "2")
    assert "Done: 0 data key(s) re-wrapped" in again.output
    # The answers were not re-encrypted: only the wrapping of their keys changed.
    assert raw(store, "SELECT id, answers_sealed FROM submissions ORDER BY id") == answers_before

    # With the old key gone, everything still opens.
    only_new = make_app(ANSWERS_KEYS=NEW, ANSWERS_INDEX_KEY=INDEX).extensions["store"]
    submission = only_new.get_submission(references[0])
    assert submission.answers["prisoner_number"] == "A1234BC"
    assert [e.note for e in only_new.events(submission.id) if e.kind == "note"] == ["Canary note"]
    assert only_new.stored_pdf(submission.id, "h" * 64) == b"%PDF-canary"
    assert only_new.stored_paper_pdf(submission.id, "p" * 64) == b"%PDF-paper-canary"
    day = datetime.date.today()
    [comment] = only_new.feedback_comments(None, day - datetime.timedelta(days=1), day, 5, 0)[0]
    assert comment.comment == "Canary comment"
    found, total = only_new.find_submissions(forms=None, query=submission.applicant_name.upper())
    assert total == 3 and submission.reference in [s.reference for s in found]


def test_rotate_keys_refuses_a_missing_or_bad_key_in_one_line(tmp_path):
    env = {
        **os.environ,
        "FORMS_SERVICE_ENV": "production",
        "SERVICE_URL": "https://forms.example.gov.uk",
        "SECRET_KEY": "s" * 40,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'forms.db'}",
        "PYTHONPATH": os.getcwd(),
    }
    env.pop("ANSWERS_KEYS", None)
    command = [sys.executable, "-m", "forms_service.cli", "rotate-keys"]
    missing = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert missing.returncode == 1
    assert missing.stderr.startswith("forms-service: ANSWERS_KEYS is not set.")
    assert len(missing.stderr.strip().splitlines()) == 1
    bad = subprocess.run(
        command,
        env={**env, "ANSWERS_KEYS": "k1:short", "ANSWERS_INDEX_KEY": INDEX},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 1 and len(bad.stderr.strip().splitlines()) == 1
    assert "ANSWERS_KEYS key 'k1' must be 32 random bytes in base64" in bad.stderr


def test_every_sealed_model_is_rotated():
    from forms_service.data.sealing import SealedRecord

    assert set(SealedRecord.__subclasses__()) == {
        Draft,
        Submission,
        SubmissionEvent,
        StoredPdf,
        StoredPaperPdf,
        StaffUser,
        FeedbackComment,
    }


def test_a_page_save_seals_as_the_orm_does_and_a_row_without_a_key_gets_one(keyed_app):
    # Pages save drafts with Core statements (data/drafts.py), sealing explicitly: what
    # they write must open through the ORM's sealed fields, and a copy fails elsewhere.
    store = keyed_app.extensions["store"]
    form_id = "prison-visit-booking"
    created = store.update_draft("p" * 64, form_id, 1, "en", lambda a: {"first": 1})
    saved = store.update_draft("p" * 64, form_id, 1, "cy", lambda a: {**a, "second": "Ann"})
    assert saved.id == created.id and saved.answers == {"first": 1, "second": "Ann"}
    draft = store.find_draft("p" * 64, form_id)
    assert draft.answers == {"first": 1, "second": "Ann"} and draft.language == "cy"
    assert store.open_draft("p" * 64, form_id).answers == draft.answers
    [(sealed, key)] = raw(store, "SELECT answers_sealed, data_key FROM drafts")
    assert b"Ann" not in sealed and wrapped_by(key) == "old"

    other = store.update_draft("q" * 64, form_id, 1, "en", lambda a: {"x": 1})
    with store.sessions.begin() as db:  # another draft's ciphertext in this row
        db.execute(update(Draft).where(Draft.id == other.id).values(answers_sealed=sealed))
    with pytest.raises(SealingError):
        store.open_draft("q" * 64, form_id)

    with store.sessions.begin() as db:  # a row with no data key and no answers yet
        db.execute(
            update(Draft).where(Draft.id == created.id).values(data_key=None, answers_sealed=None)
        )
    assert store.open_draft("p" * 64, form_id).answers == {}
    store.update_draft("p" * 64, form_id, 1, "en", lambda a: {**a, "third": 3})
    assert store.find_draft("p" * 64, form_id).answers == {"third": 3}
