"""The job queue: jobs written with what causes them, run after the commit, retried with a
doubling back-off, left failed for an administrator, never run twice to visible effect.

Runs on SQLite (the in-process runner) and, in the PostgreSQL pass, on procrastinate.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text

from forms_service.clock import utcnow
from forms_service.data import StoredPdf, Submission
from forms_service.jobs.registry import TASKS, attempts_within, task
from forms_service.jobs.tasks import RENDER_PDFS, RESUME_LINK
from tests.citizen import Citizen
from tests.prison_visit import FORM, PRISONER
from tests.staff import add_caseworker_and_admin, signed_in
from tests.test_pages import MAIN_ROUTE

FLAKY = "test_flaky"
RUNS: list[dict] = []


@task(FLAKY, attempts=3, first_wait=datetime.timedelta(seconds=30))
def flaky(label: str, fail_times: int) -> None:
    """Fails its first `fail_times` runs, then succeeds (a mail server back up)."""
    RUNS.append({"label": label})
    if sum(1 for run in RUNS if run["label"] == label) <= fail_times:
        raise ConnectionRefusedError("smtp down: jo@example.com")  # a message never logged


@pytest.fixture(autouse=True)
def _forget_runs():
    RUNS.clear()


def submit_prison_visit(app) -> Submission:
    """A real submission through the pages, on the form's main route."""
    form = app.extensions["forms"][FORM]
    citizen = Citizen(app.test_client())
    citizen.walk(form, MAIN_ROUTE[FORM])
    assert citizen.submit(form).status_code == 302
    store = app.extensions["store"]
    with store.sessions() as db:
        return db.scalars(select(Submission).order_by(Submission.id.desc())).first()


def sign_in_as(app, role: str) -> Citizen:
    if app.extensions["store"].user_by_email("admin@example.com") is None:
        add_caseworker_and_admin(app.extensions["store"])
    return signed_in(app, "admin@example.com" if role == "admin" else "case@example.com")


def stored_pdf(app, submission: Submission) -> StoredPdf | None:
    with app.extensions["store"].sessions() as db:
        return db.get(StoredPdf, submission.id)


def test_the_pdf_is_made_when_the_submission_arrives(make_app):
    app = make_app(PDFS_AT_SUBMISSION=True, JOBS_RUNNER="off")
    store = app.extensions["store"]
    submission = submit_prison_visit(app)
    assert stored_pdf(app, submission) is None
    # Written with the submission: its PDF, and the confirmation email to the address the
    # visitor gave (forms_service.delivery).
    assert store.queued_job_count() == 2
    app.extensions["jobs"].run_pending()  # what a worker does
    assert store.queued_job_count() == 0
    assert stored_pdf(app, submission) is not None
    # The caseworker's download is that stored copy.
    staff = sign_in_as(app, "caseworker")
    response = staff.client.get(f"/staff/submissions/{submission.reference}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_a_job_is_queued_only_if_what_causes_it_commits(app):
    store = app.extensions["store"]
    with pytest.raises(RuntimeError), store.sessions.begin() as db:
        store.queue_jobs(db, [(FLAKY, {"label": "rolled back", "fail_times": 0})])
        raise RuntimeError("the submission could not be stored")
    assert store.queued_job_count() == 0
    store.defer(FLAKY, label="kept", fail_times=0)
    app.extensions["jobs"].run_pending()
    assert [run["label"] for run in RUNS] == ["kept"]


def test_a_failed_job_waits_twice_as_long_each_time_then_waits_for_an_admin(make_app, caplog):
    if make_app().extensions["store"].on_postgresql:
        pytest.skip("procrastinate's own retries: test_procrastinate_retries_with_our_back_off")
    app = make_app(JOBS_RUNNER="off")
    store, queue = app.extensions["store"], app.extensions["jobs"]
    caplog.set_level(logging.WARNING)
    store.defer(FLAKY, label="a", fail_times=5)
    start = utcnow()
    assert queue.run_pending(start) == 1
    due = store.next_job_due()
    assert datetime.timedelta(seconds=29) < due - start < datetime.timedelta(seconds=32)
    assert queue.run_pending(start) == 0  # not yet due
    assert queue.run_pending(due) == 1
    due2 = store.next_job_due()
    assert datetime.timedelta(seconds=59) < due2 - utcnow() < datetime.timedelta(seconds=62)
    assert queue.run_pending(due2) == 1  # the third and last attempt
    assert store.next_job_due() is None
    [failed] = store.failed_jobs()
    assert (failed.task, failed.attempts, failed.last_error) == (
        FLAKY,
        3,
        "ConnectionRefusedError",
    )
    assert "jo@example.com" not in caplog.text and "ConnectionRefusedError" in caplog.text


def test_an_administrator_retries_a_failed_job_from_the_staff_pages(make_app):
    app = make_app(JOBS_RUNNER="off")
    store, queue = app.extensions["store"], app.extensions["jobs"]
    store.defer(FLAKY, label="b", fail_times=3)
    _exhaust(app)
    [failed] = store.failed_jobs()
    caseworker = sign_in_as(app, "caseworker")
    assert caseworker.get("/staff/jobs/").status_code == 403
    admin = sign_in_as(app, "admin")
    page = admin.get("/staff/jobs/")
    assert page.status_code == 200
    assert "Failed jobs" in page.text and f"job {failed.id}" in page.text
    retried = admin.post(f"/staff/jobs/{failed.id}/retry", {})
    assert retried.status_code == 303
    assert "The job will be tried again shortly." in admin.get("/staff/jobs/").text
    queue.run_pending()
    assert store.failed_jobs() == []
    assert [run["label"] for run in RUNS].count("b") == 4
    assert admin.post(f"/staff/jobs/{failed.id}/retry", {}).status_code == 404
    audit = admin.get("/staff/audit").text
    assert f"Retried failed job {failed.id}" in audit


def _exhaust(app) -> None:
    """Run the queue until nothing is left to try (moving past each back-off)."""
    store, queue = app.extensions["store"], app.extensions["jobs"]
    if store.on_postgresql:
        for _ in range(TASKS[FLAKY].attempts):
            with store.sessions.begin() as db:  # past each back-off
                db.execute(text("UPDATE procrastinate_jobs SET scheduled_at = NULL"))
            queue.run_pending()
        return
    while (due := store.next_job_due()) is not None:
        queue.run_pending(due)


def test_the_save_and_return_email_goes_from_the_queue_once(make_app, inbox):
    app = make_app(
        JOBS_RUNNER="off", SMTP_HOST="127.0.0.1", SMTP_PORT=inbox.port, SMTP_SECURITY="none"
    )
    queue = app.extensions["jobs"]
    citizen = Citizen(app.test_client())
    citizen.get(f"/{FORM}/prisoner")
    citizen.post(f"/{FORM}/prisoner", {**PRISONER, "action": "save"})
    citizen.get(f"/save/{FORM}")
    response = citizen.post(f"/save/{FORM}", {"email": "jo@example.com"})
    assert response.headers["Location"] == f"/saved/{FORM}"  # answered without waiting
    assert inbox.messages == []
    [job] = _queued(app)
    assert job["task"] == RESUME_LINK and "jo@example.com" not in repr(job)
    queue.run_pending()
    assert len(inbox.messages) == 1
    # The same job again (a worker killed before the queue heard it finish) sends nothing.
    with app.app_context():
        TASKS[RESUME_LINK].function(**job["args"])
    assert len(inbox.messages) == 1


def _queued(app) -> list[dict]:
    """The jobs waiting, as {task, args}: procrastinate's table or SQLite's."""
    store = app.extensions["store"]
    with store.sessions() as db:
        if store.on_postgresql:
            sql = "SELECT task_name, args FROM procrastinate_jobs WHERE status = 'todo'"
        else:
            sql = "SELECT task, args FROM queued_jobs WHERE status = 'todo'"
        rows = db.execute(text(sql)).all()
    return [{"task": task_, "args": args if isinstance(args, dict) else json.loads(args)}
            for task_, args in rows]  # fmt: skip


def test_the_thread_runs_a_job_soon_after_the_commit(make_app):
    if make_app().extensions["store"].on_postgresql:
        pytest.skip("on PostgreSQL web processes only queue: workers run the jobs")
    app = make_app(JOBS_RUNNER="thread")
    queue = app.extensions["jobs"]
    try:
        app.extensions["store"].defer(FLAKY, label="threaded", fail_times=0)
        deadline = time.monotonic() + 20
        while not RUNS and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [run["label"] for run in RUNS] == ["threaded"]
    finally:
        queue.stop()


def test_a_job_a_killed_process_was_running_runs_again(make_app):
    if make_app().extensions["store"].on_postgresql:
        pytest.skip("procrastinate's stalled workers: covered by make loadtest")
    app = make_app(JOBS_RUNNER="off")
    store, queue = app.extensions["store"], app.extensions["jobs"]
    store.defer(FLAKY, label="stalled", fail_times=0)
    assert store.claim_job(utcnow()) is not None  # taken, then the process was killed
    assert queue.run_pending() == 0
    assert store.release_stalled_jobs(utcnow() + datetime.timedelta(minutes=3)) == 1
    assert queue.run_pending() == 1 and len(RUNS) == 1


def test_the_runner_purges_when_it_starts_then_daily(make_app, caplog):
    if make_app().extensions["store"].on_postgresql:
        pytest.skip("PostgreSQL's purge is procrastinate's periodic job")
    app = make_app(JOBS_RUNNER="off")
    queue = app.extensions["jobs"]
    caplog.set_level(logging.INFO, logger="forms_service.jobs")
    queue._purge_if_due()
    assert "purge done" in caplog.text
    wait = queue._next_purge - utcnow()
    assert datetime.timedelta(hours=23) < wait <= datetime.timedelta(days=1)


def test_webhook_retries_fit_in_a_day():
    assert (
        attempts_within(
            datetime.timedelta(hours=24), datetime.timedelta(minutes=1), datetime.timedelta(hours=1)
        )
        == 29
    )  # 1, 2, 4 ... 32 minutes, then hourly


def test_the_pdf_job_is_named_in_the_queue_after_a_submission(make_app):
    app = make_app(PDFS_AT_SUBMISSION=True, JOBS_RUNNER="off")
    submission = submit_prison_visit(app)
    queued = _queued(app)
    assert {"task": RENDER_PDFS, "args": {"reference": submission.reference}} in queued
    # and the confirmation email to the address the visitor gave (forms_service.delivery)
    assert {"task": "confirmation_email", "args": {"reference": submission.reference}} in queued
    assert len(queued) == 2


def test_the_worker_process_runs_queued_jobs_and_stops_on_sigterm(make_app, tmp_path):
    """`forms-service worker` (the Procfile's worker:) as a real process, on the test's
    database: procrastinate on PostgreSQL, the same loop in the foreground on SQLite."""
    app = make_app(PDFS_AT_SUBMISSION=True, JOBS_RUNNER="off")
    submission = submit_prison_visit(app)
    env = {
        **os.environ,
        "FORMS_SERVICE_ENV": "test",
        "SECRET_KEY": app.config["SECRET_KEY"],
        "DATABASE_URL": app.config["DATABASE_URL"],
        "FORMS_INSTANCE_PATH": str(app.instance_path),  # its answer keys
        "FORMS_DEFINITIONS_DIR": str(app.config["FORMS_DEFINITIONS_DIR"]),
        "PYTHONPATH": str(Path(__file__).parent.parent),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "forms_service.cli", "worker", "--concurrency", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while stored_pdf(app, submission) is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert stored_pdf(app, submission) is not None
    finally:
        worker.send_signal(signal.SIGTERM)
        output = worker.communicate(timeout=30)[0]
    assert worker.returncode == 0, output
    # Done, and gone from the queue (only the worker's own periodic jobs may wait there).
    assert [job for job in _queued(app) if job["task"] == RENDER_PDFS] == []
