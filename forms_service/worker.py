"""The background worker: runs the daily jobs (today, the retention purge) in a loop of its
own process (`forms-service worker`, the Procfile's `worker:`), sleeping in between.

The jobs are plain functions it calls, so they can move to a job queue later. No Flask here.
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Callable
from zoneinfo import ZoneInfo

from forms_service.clock import LONDON, utcnow

log = logging.getLogger(__name__)

DAY = datetime.timedelta(days=1)
# After a failed run (the database was down, say), try again this much later.
RETRY_AFTER = datetime.timedelta(hours=1)


def next_run(
    after: datetime.datetime, hour: int | None, zone: ZoneInfo = LONDON
) -> datetime.datetime:
    """When the daily job runs next: 24 hours after `after`, or at the next `hour`:00 in
    England and Wales (a wall-clock hour, so it stays 3am across the clock changes)."""
    if hour is None:
        return after + DAY
    local = after.astimezone(zone)
    at = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if at <= local:
        at = (local + DAY).replace(hour=hour, minute=0, second=0, microsecond=0)
    return at.astimezone(datetime.UTC)


class Worker:
    """Runs `job` at start and then on the schedule until `stop` is set.

    `wait(seconds)` sleeps and returns True when the worker should stop (default: waiting
    on `stop`, which a signal handler sets); `clock` gives now. Both are injectable so a
    test can run one iteration without waiting a day.
    """

    def __init__(
        self,
        job: Callable[[], dict[str, int]],
        *,
        hour: int | None = None,
        stop: threading.Event | None = None,
        wait: Callable[[float], bool] | None = None,
        clock: Callable[[], datetime.datetime] = utcnow,
        name: str = "purge",
    ) -> None:
        self.job, self.hour, self.clock, self.name = job, hour, clock, name
        self.stop = stop or threading.Event()
        self.wait = wait or self.stop.wait

    def run(self) -> None:
        log.info("worker started: %s %s", self.name, self._schedule())
        while not self.stop.is_set():
            started = self.clock()
            due = next_run(started, self.hour) if self.run_once() else started + RETRY_AFTER
            seconds = max(0.0, (due - self.clock()).total_seconds())
            log.info("next %s at %s", self.name, due.isoformat(timespec="minutes"))
            if self.wait(seconds):
                break
        log.info("worker stopped")

    def run_once(self) -> bool:
        """Run the job; log what it counted (never what it touched). False if it failed."""
        try:
            counts = self.job()
        except Exception as exc:  # noqa: BLE001 (the worker outlives a failed run)
            # The type only: a database error's text can hold the values it was given.
            log.error("%s failed (%s); trying again later", self.name, type(exc).__name__)
            return False
        log.info("%s done: %s", self.name, ", ".join(f"{k}: {v}" for k, v in counts.items()))
        return True

    def _schedule(self) -> str:
        return "every 24 hours" if self.hour is None else f"daily at {self.hour:02d}:00 London"
