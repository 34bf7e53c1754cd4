"""The service's jobs by name: what runs them (the queue) looks them up here.

A job is a plain function of JSON-able keyword arguments (a reference, a number; never
personal data: job rows are not sealed), decorated with `@task(name, ...)`. It runs in an
application context (templates, the store, the mailer, the loaded forms are there; there is no
request), and it may run more than once (a worker killed after the effect and before the
queue heard of it): a job with a visible effect records it (`store.record_effect`) and checks
first (`store.effect_done`). Raising fails the attempt: it is tried again after a back-off that
doubles each time (from `first_wait`, at most `max_wait`), until `attempts` (or `retry_for`)
runs out; then it is
left failed, for an administrator to retry from the staff pages.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Function = Callable[..., Any]


@dataclass(frozen=True)
class Task:
    name: str
    function: Function
    attempts: int = 6
    first_wait: datetime.timedelta = datetime.timedelta(seconds=30)
    max_wait: datetime.timedelta = datetime.timedelta(hours=1)

    def wait_before(self, attempt: int) -> datetime.timedelta:
        """The back-off after failed attempt number `attempt` (from 1): doubling, capped."""
        return min(self.first_wait * (2 ** min(attempt - 1, 30)), self.max_wait)

    def gives_up(self, attempt: int) -> bool:
        """True when failed attempt number `attempt` was the last one allowed."""
        return attempt >= self.attempts


def attempts_within(
    period: datetime.timedelta, first_wait: datetime.timedelta, max_wait: datetime.timedelta
) -> int:
    """How many attempts the back-off fits into `period` (webhooks: 24 hours)."""
    probe = Task("", print, 1, first_wait, max_wait)
    attempts, waited = 1, datetime.timedelta(0)
    while waited + probe.wait_before(attempts) <= period:
        waited += probe.wait_before(attempts)
        attempts += 1
    return attempts


TASKS: dict[str, Task] = {}


def task(
    name: str,
    *,
    attempts: int = 6,
    first_wait: datetime.timedelta = datetime.timedelta(seconds=30),
    max_wait: datetime.timedelta = datetime.timedelta(hours=1),
    retry_for: datetime.timedelta | None = None,
) -> Callable[[Function], Function]:
    """Register a job under `name` (kept stable: queued rows name it). `retry_for` (say 24
    hours) sets the attempts to as many as the back-off fits into that period."""
    if retry_for is not None:
        attempts = attempts_within(retry_for, first_wait, max_wait)

    def register(function: Function) -> Function:
        if name in TASKS:
            raise ValueError(f"two jobs are called {name!r}")
        TASKS[name] = Task(name, function, attempts, first_wait, max_wait)
        return function

    return register
