"""The job queue's rows: queuing a job in the transaction that causes it, the effects jobs
record (done once), SQLite's queue table, and the failed jobs an administrator retries.

On PostgreSQL the queue is procrastinate's (forms_service.jobs.queue sets `defer_on` to put a
job on the driver connection of the transaction in hand, so the job and what caused it
commit or roll back together). On SQLite a job is a `queued_jobs` row written the same way;
after the commit, `job_listeners` are told (the web process's runner thread wakes).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, event, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from forms_service.clock import as_utc, utcnow
from forms_service.data.database import Sessions
from forms_service.data.models import JobEffect, QueuedJob

TODO, DOING, FAILED = "todo", "doing", "failed"

# (task, args) queued with what caused it.
JobRequest = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class FailedJob:
    """A job that used up its attempts, for the staff page that retries it."""

    id: int
    task: str
    args: dict[str, Any]
    attempts: int
    failed_at: datetime.datetime | None
    last_error: str | None


class Jobs:
    sessions: Sessions
    engine: Engine

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # PostgreSQL: put one job on a psycopg connection (set by the queue at start-up).
        self.defer_on: Callable[[Any, str, dict[str, Any]], None] | None = None
        # Called after a commit that queued jobs (SQLite's runner thread wakes; the tests'
        # inline runner runs them).
        self.job_listeners: list[Callable[[], None]] = []

    @property
    def on_postgresql(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    # -- queuing ---------------------------------------------------------------------------

    def queue_jobs(self, db: Session, jobs: list[JobRequest]) -> None:
        """Queue jobs in the transaction `db` is in: they exist if and only if it commits."""
        if not jobs:
            return
        if self.on_postgresql:
            if self.defer_on is None:
                raise RuntimeError("the job queue is not set up (forms_service.jobs.queue)")
            connection = db.connection().connection.driver_connection
            for task, args in jobs:
                self.defer_on(connection, task, args)
        else:
            now = utcnow()
            for task, args in jobs:
                db.add(
                    QueuedJob(
                        task=task,
                        args=args,
                        status=TODO,
                        attempts=0,
                        run_after=now,
                        created_at=now,
                    )
                )
        if self.job_listeners:
            event.listen(db, "after_commit", self._tell_listeners, once=True)

    def _tell_listeners(self, _session: Session) -> None:
        for listener in self.job_listeners:
            listener()

    def defer(self, task: str, **args: Any) -> None:
        """Queue one job in a transaction of its own."""
        with self.sessions.begin() as db:
            self.queue_jobs(db, [(task, args)])

    # -- effects ---------------------------------------------------------------------------

    def effect_done(self, key: str) -> bool:
        with self.sessions() as db:
            return db.get(JobEffect, key) is not None

    def record_effect(self, key: str, submission_id: int | None = None) -> None:
        """Record that the effect `key` happened; a second record of it changes nothing."""
        try:
            with self.sessions.begin() as db:
                db.add(JobEffect(key=key, submission_id=submission_id, done_at=utcnow()))
        except IntegrityError:
            pass  # done twice at the same moment: once is recorded, which is what counts

    def effects_of(self, submission_id: int) -> list[str]:
        with self.sessions() as db:
            return list(
                db.scalars(
                    select(JobEffect.key)
                    .where(JobEffect.submission_id == submission_id)
                    .order_by(JobEffect.done_at)
                )
            )

    # -- SQLite's queue --------------------------------------------------------------------

    def claim_job(self, now: datetime.datetime) -> QueuedJob | None:
        """Take the oldest due job (the write lock makes it this process's alone)."""
        with self.sessions.begin() as db:
            job = db.scalars(
                select(QueuedJob)
                .where(QueuedJob.status == TODO, QueuedJob.run_after <= now)
                .order_by(QueuedJob.run_after, QueuedJob.id)
                .limit(1)
            ).first()
            if job is not None:
                job.status, job.started_at = DOING, now
                job.attempts += 1
            return job

    def job_succeeded(self, job_id: int) -> None:
        with self.sessions.begin() as db:
            db.execute(delete(QueuedJob).where(QueuedJob.id == job_id))

    def job_failed(self, job_id: int, error: str, retry_at: datetime.datetime | None) -> None:
        """Try again at `retry_at`, or (None) leave it failed for an administrator."""
        with self.sessions.begin() as db:
            db.execute(
                update(QueuedJob)
                .where(QueuedJob.id == job_id)
                .values(
                    status=TODO if retry_at else FAILED,
                    run_after=retry_at or utcnow(),
                    last_error=error[:200],
                )
            )

    def release_stalled_jobs(self, started_before: datetime.datetime) -> int:
        """Jobs a killed process was running: due again now (their effects say what was
        already done)."""
        with self.sessions.begin() as db:
            result = db.execute(
                update(QueuedJob)
                .where(QueuedJob.status == DOING, QueuedJob.started_at < started_before)
                .values(status=TODO, run_after=utcnow())
            )
            return result.rowcount or 0

    def next_job_due(self) -> datetime.datetime | None:
        with self.sessions() as db:
            due = db.scalars(
                select(QueuedJob.run_after)
                .where(QueuedJob.status == TODO)
                .order_by(QueuedJob.run_after)
                .limit(1)
            ).first()
            return as_utc(due) if due is not None else None

    # -- failed jobs, on either database -----------------------------------------------------

    def failed_jobs(self, limit: int = 200) -> list[FailedJob]:
        with self.sessions() as db:
            if self.on_postgresql:
                rows = db.execute(
                    text(
                        "SELECT j.id, j.task_name, j.args, j.attempts,"
                        " (SELECT max(e.at) FROM procrastinate_events e"
                        "  WHERE e.job_id = j.id AND e.type = 'failed') AS failed_at"
                        " FROM procrastinate_jobs j WHERE j.status = 'failed'"
                        " ORDER BY j.id DESC LIMIT :limit"
                    ),
                    {"limit": limit},
                )
                return [FailedJob(*row, last_error=None) for row in rows]
            jobs = db.scalars(
                select(QueuedJob)
                .where(QueuedJob.status == FAILED)
                .order_by(QueuedJob.id.desc())
                .limit(limit)
            )
            return [
                FailedJob(j.id, j.task, j.args, j.attempts, as_utc(j.run_after), j.last_error)
                for j in jobs
            ]

    def retry_failed_job(self, job_id: int) -> bool:
        """Put a failed job back in the queue with its attempts anew; False if it is not
        (or no longer) failed."""
        with self.sessions.begin() as db:
            if self.on_postgresql:
                result = db.execute(
                    text(
                        "UPDATE procrastinate_jobs SET status = 'todo', attempts = 0,"
                        " scheduled_at = NULL WHERE id = :id AND status = 'failed'"
                    ),
                    {"id": job_id},
                )
            else:
                result = db.execute(
                    update(QueuedJob)
                    .where(QueuedJob.id == job_id, QueuedJob.status == FAILED)
                    .values(status=TODO, attempts=0, run_after=utcnow())
                )
            retried = bool(result.rowcount)
        if retried:
            self._tell_listeners(db)
        return retried

    def queued_job_count(self) -> int:
        """Jobs waiting or running (SQLite's table; on PostgreSQL, procrastinate's)."""
        with self.sessions() as db:
            if self.on_postgresql:
                sql = "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')"
                return int(db.execute(text(sql)).scalar_one())
            count = select(func.count()).select_from(QueuedJob).where(QueuedJob.status != FAILED)
            return int(db.execute(count).scalar_one())
