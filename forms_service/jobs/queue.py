"""Running the jobs: procrastinate on PostgreSQL, a runner inside the process on SQLite.

PostgreSQL (production): a job is a row of procrastinate's `procrastinate_jobs`, written on
the connection of the transaction that causes it (`Store.queue_jobs`), so the submission and
its jobs commit together. Workers are separate processes (`forms-service worker`, the
Procfile's `worker:`), any number on any machine; each takes a job with a row lock, retries a
failed one after a doubling back-off (jobs/registry.py), and leaves one that used up its
attempts `failed`, for an administrator to retry (/staff/jobs). The daily purge is a
procrastinate periodic job: one run a day whatever the number of workers.

SQLite (the embedded default): a job is a `queued_jobs` row, written the same way. A thread
of each web process runs it right after the commit (and any left by a killed process when it
starts), with the same back-off and the same `failed` state, and runs the daily purge;
`forms-service worker` runs the same loop in the foreground. Nothing else to start.

JOBS_RUNNER: "thread" (the default: SQLite's thread; on PostgreSQL the web process only
queues), "inline" (run the jobs a transaction queued right after its commit, in the same
thread: the tests' setting, so a test sees the email its request caused) or "off" (only
queue them: workers or a test run them).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import logging
import os
import signal
import threading
from typing import Any

from flask import Flask

from forms_service.clock import utcnow
from forms_service.data import Store
from forms_service.jobs.registry import TASKS, Task
from forms_service.worker import next_run

log = logging.getLogger(__name__)

RUNNERS = ("thread", "inline", "off")
# A job a killed process was running is due again after this long (SQLite). Jobs take
# seconds (an SMTP send times out after 10, a webhook after 15), so two minutes is dead.
STALLED_AFTER = datetime.timedelta(minutes=2)
# PostgreSQL: a worker whose connection died starts again after this long.
RESTART_SECONDS = 3.0
# PostgreSQL: a worker silent this long (no heartbeat) is gone; its jobs run again.
STALLED_HEARTBEAT = 60.0
# The runner thread looks for jobs due (retries) at least this often.
POLL_SECONDS = 5.0
PURGE = "purge"


def _load_tasks() -> None:
    """Import the modules whose `@task`s make up the service's jobs."""
    from forms_service import delivery  # noqa: F401  confirmation, team notice, webhooks
    from forms_service.jobs import tasks  # noqa: F401  PDFs, resume links, the purge


def run_task(app: Flask, name: str, args: dict[str, Any]) -> None:
    """Run one job in an application context; raise what it raises."""
    job = TASKS.get(name)
    if job is None:
        raise LookupError(f"no job is called {name!r}")
    with app.app_context():
        job.function(**args)


class LocalQueue:
    """SQLite's runner: a thread of this process (started after gunicorn forks)."""

    def __init__(self, app: Flask, store: Store, runner: str, purge_hour: int | None) -> None:
        self.app, self.store, self.runner, self.purge_hour = app, store, runner, purge_hour
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._next_purge: datetime.datetime | None = None
        self._next_release: datetime.datetime | None = None
        store.job_listeners.append(self.kick)

    def kick(self) -> None:
        """A transaction queued jobs and committed."""
        if self.runner == "inline":
            self.run_pending()
        elif self.runner == "thread":
            self.ensure_started()
            self._wake.set()

    def ensure_started(self) -> None:
        """Start this process's thread (again after a fork: threads do not survive one)."""
        if self.runner != "thread" or self._pid == os.getpid():
            return
        self._pid = os.getpid()
        self._stop.clear()
        self._thread = threading.Thread(target=self.loop, name="forms-jobs", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)

    def loop(self) -> None:
        """Run due jobs and the daily purge until stopped; the database being down only
        delays them."""
        failing = False
        while not self._stop.is_set():
            try:
                self._release_stalled_if_due()
                self.run_pending()
                self._purge_if_due()
                due = self.store.next_job_due()
            except Exception as exc:  # noqa: BLE001 (the thread outlives a failed round)
                if not failing:  # once an outage, not every few seconds of it
                    log.error("job runner: %s; trying again shortly", type(exc).__name__)
                failing, due = True, None
            else:
                if failing:
                    log.warning("job runner: working again")
                failing = False
            wait = POLL_SECONDS
            if due is not None:
                wait = min(wait, max(0.0, (due - utcnow()).total_seconds()))
            self._wake.wait(wait)
            self._wake.clear()

    def run_pending(self, now: datetime.datetime | None = None) -> int:
        """Run every job due now (or at `now`), one at a time; how many ran."""
        count = 0
        while (job := self.store.claim_job(now or utcnow())) is not None:
            count += 1
            try:
                run_task(self.app, job.task, job.args)
            except Exception as exc:  # noqa: BLE001 (a failed job is retried, not fatal)
                task_ = TASKS.get(job.task)
                retry_at = None
                if task_ is not None and not task_.gives_up(job.attempts):
                    retry_at = utcnow() + task_.wait_before(job.attempts)
                _log_failure(job.task, job.attempts, exc, retry_at is not None)
                self.store.job_failed(job.id, type(exc).__name__, retry_at)
            else:
                self.store.job_succeeded(job.id)
        return count

    def _release_stalled_if_due(self) -> None:
        """Put back a dead process's jobs, once a minute: each look is a write transaction,
        and SQLite has one writer at a time (the page saves)."""
        now = utcnow()
        if self._next_release is None or now >= self._next_release:
            self.store.release_stalled_jobs(now - STALLED_AFTER)
            self._next_release = now + datetime.timedelta(minutes=1)

    def _purge_if_due(self) -> None:
        now = utcnow()
        if self._next_purge is None:  # the first round after start: purge now
            self._next_purge = now
        if now >= self._next_purge:
            run_task(self.app, PURGE, {})
            self._next_purge = next_run(now, self.purge_hour)


class PostgresQueue:
    """PostgreSQL's queue: procrastinate. Web processes queue; workers run."""

    def __init__(self, app: Flask, store: Store, runner: str, purge_hour: int | None) -> None:
        import procrastinate

        self.app, self.store, self.runner = app, store, runner
        url = store.engine.url.set(drivername="postgresql")
        self.procrastinate = procrastinate.App(
            connector=procrastinate.PsycopgConnector(
                conninfo=url.render_as_string(hide_password=False)
            )
        )
        self.purge_hour = purge_hour
        for job in TASKS.values():
            self._register(job)
        store.defer_on = self.defer_on
        store.job_listeners.append(self.kick)

    def _register(self, job: Task) -> None:
        app = self.app

        def run(**args: Any) -> None:
            run_task(app, job.name, args)

        self.procrastinate.task(name=job.name, retry=_backoff(job), pass_context=False)(run)

    def _purge_daily(self, timestamp: int) -> None:
        run_task(self.app, PURGE, {})

    def defer_on(self, connection: Any, name: str, args: dict[str, Any]) -> None:
        self.procrastinate.configure_task(name, connection=connection).defer(**args)

    def kick(self) -> None:
        if self.runner == "inline":
            self.run_pending()

    def run_pending(self) -> int:
        """Run the jobs due now and return how many went (the tests' inline runner;
        `forms-service worker` runs `work` instead)."""
        before = self.store.queued_job_count()
        self.procrastinate.run_worker(
            wait=False,
            install_signal_handlers=False,
            listen_notify=False,
            concurrency=1,
            delete_jobs="successful",
        )
        return before - self.store.queued_job_count()

    def work(self, concurrency: int = 2) -> None:
        """The worker process: run jobs until SIGTERM or Ctrl-C (the job in hand is
        finished first), and the purge once a day whatever the number of workers (at
        PURGE_HOUR, UTC: procrastinate's schedule; default 2)."""
        hour = 2 if self.purge_hour is None else self.purge_hour
        self.procrastinate.periodic(cron=f"0 {hour} * * *", periodic_id="daily")(
            self.procrastinate.task(name="purge_daily", pass_context=False)(self._purge_daily)
        )
        # A worker killed outright (kill -9, a lost machine) stops its heartbeat: each
        # minute, its jobs are put back in the queue (procrastinate's recipe for them).
        self.procrastinate.periodic(cron="* * * * *", periodic_id="stalled")(
            self.procrastinate.task(
                name="retry_stalled_jobs", queueing_lock="retry_stalled_jobs", pass_context=False
            )(self._retry_stalled_jobs)
        )
        asyncio.run(self._work(concurrency))

    async def _retry_stalled_jobs(self, timestamp: int) -> None:
        manager = self.procrastinate.job_manager
        for job in await manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_HEARTBEAT):
            log.warning("job %s (%s) was running on a worker that stopped: queued again",
                        job.id, job.task_name)  # fmt: skip
            await manager.retry_job(job)

    async def _work(self, concurrency: int) -> None:
        """Run procrastinate's worker until SIGTERM or Ctrl-C, starting it again whenever it
        stops or fails on its own: a PostgreSQL restart (its connections gone) must not
        leave the queue without workers."""
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        while not stop.is_set():
            try:
                async with self.procrastinate.open_async():
                    await self._run_until(stop, concurrency)
            except Exception as exc:  # noqa: BLE001 (the database away: try again)
                log.error("worker: %s; starting again shortly", type(exc).__name__)
            if not stop.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), RESTART_SECONDS)
        log.info("worker stopped")

    async def _run_until(self, stop: asyncio.Event, concurrency: int) -> None:
        # Done jobs go (their effects are recorded); failed ones stay for /staff/jobs.
        worker = asyncio.create_task(
            self.procrastinate.run_worker_async(
                concurrency=concurrency, delete_jobs="successful", install_signal_handlers=False
            )
        )
        stopping = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({worker, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if worker in done:
            stopping.cancel()
            worker.result()  # raises what stopped it
            log.warning("worker: stopped by itself; starting again")
            return
        worker.cancel()  # procrastinate finishes the jobs in hand first
        with contextlib.suppress(asyncio.CancelledError):
            await worker

    def ensure_started(self) -> None:
        """Web processes on PostgreSQL run no jobs: workers do."""

    def stop(self) -> None:
        """Nothing runs here to stop (workers stop on SIGTERM)."""


def _backoff(job: Task) -> Any:
    """procrastinate's retry strategy from our registry's policy."""
    from procrastinate.retry import BaseRetryStrategy, RetryDecision

    class Backoff(BaseRetryStrategy):
        def get_retry_decision(self, *, exception: BaseException, job: Any) -> Any:
            attempt = job.attempts + 1  # procrastinate counts the attempts before this one
            retrying = not policy.gives_up(attempt)
            _log_failure(policy.name, attempt, exception, retrying)
            if not retrying:
                return None
            return RetryDecision(retry_in={"seconds": policy.wait_before(attempt).total_seconds()})

    policy = job
    return Backoff()


def _log_failure(name: str, attempt: int, exc: BaseException, retrying: bool) -> None:
    # The type only: an error's text can hold what the job was sending.
    then = "will try again" if retrying else "gave up: failed, an administrator can retry it"
    log.warning("job %s attempt %d failed (%s); %s", name, attempt, type(exc).__name__, then)


Queue = LocalQueue | PostgresQueue


def init_app(app: Flask) -> Queue:
    """Set up the queue for the app's database (app.extensions["jobs"])."""
    _load_tasks()
    runner = str(app.config.get("JOBS_RUNNER") or "thread").strip().lower()
    if runner not in RUNNERS:
        raise ValueError(f"JOBS_RUNNER must be one of {', '.join(RUNNERS)}, not {runner!r}")
    store: Store = app.extensions["store"]
    purge_hour = purge_hour_setting(app.config.get("PURGE_HOUR"))
    kind = PostgresQueue if store.on_postgresql else LocalQueue
    queue = kind(app, store, runner, purge_hour)
    app.extensions["jobs"] = queue
    app.before_request(queue.ensure_started)
    return queue


def purge_hour_setting(value: Any) -> int | None:
    text = str(value or "").strip()
    if not text:
        return None
    if not text.isdigit() or not 0 <= int(text) <= 23:
        raise ValueError(f"PURGE_HOUR must be an hour from 0 to 23, not {text!r}")
    return int(text)
