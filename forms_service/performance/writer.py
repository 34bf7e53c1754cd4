"""Journey events written in batches: a page only hands its events to this process's
writer (microseconds), and a thread writes what has gathered once a second in one
statement, so counting costs a page nothing it can notice and the database one insert a
second per process rather than one a request.

A process killed outright loses at most the last second of counts (never an answer: the
answers are saved in the page's own transaction); a process that exits normally writes
what it holds first. With `seconds` 0 each request's events are written at once (tests).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from collections.abc import Callable, Sequence
from typing import Any

log = logging.getLogger(__name__)

Events = Sequence[dict[str, Any]]
MAX_HELD = 5000  # write early when this many are waiting


class EventWriter:
    def __init__(self, record: Callable[[Events], None], seconds: float):
        self._record = record
        self.seconds = seconds
        self._held: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopped = False
        self._pid: int | None = None  # the process the thread runs in (a fork has none)
        self._thread: threading.Thread | None = None
        if seconds > 0:
            atexit.register(self.stop)

    def add(self, events: Events) -> None:
        if self.seconds <= 0:
            self._write(list(events))
            return
        with self._lock:
            self._held.extend(events)
            many = len(self._held) >= MAX_HELD
            if self._pid != os.getpid():
                self._start()
        if many:
            self._wake.set()

    def _start(self) -> None:
        self._pid = os.getpid()
        self._thread = threading.Thread(target=self._run, name="journey-events", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stopped:
            self._wake.wait(self.seconds)
            self._wake.clear()
            self.flush()

    def flush(self) -> None:
        """Write what is held now (the thread does this every `seconds`)."""
        with self._lock:
            batch, self._held = self._held, []
        self._write(batch)

    def _write(self, batch: list[dict[str, Any]]) -> None:
        if not batch:
            return
        try:
            self._record(batch)
        except Exception as exc:  # noqa: BLE001 - counts must never cost a citizen a page
            log.warning("performance events not written: %s", type(exc).__name__)

    def stop(self) -> None:
        """Write what is held and stop the thread (at exit, and when an app is disposed)."""
        self._stopped = True
        self._wake.set()
        if self._thread is not None and self._pid == os.getpid():
            self._thread.join(timeout=5)
        self.flush()
