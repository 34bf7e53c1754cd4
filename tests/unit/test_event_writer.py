"""The batched writer of journey events (forms_service/performance/writer.py)."""

from __future__ import annotations

import logging
import threading
import time

from forms_service.performance.writer import EventWriter


class Recorder:
    """Keeps what it is given, as the store would, and says when something arrived."""

    def __init__(self, fail: bool = False):
        self.batches: list[list[dict]] = []
        self.arrived = threading.Event()
        self.fail = fail

    def __call__(self, events):
        if self.fail:
            raise RuntimeError("database gone")
        self.batches.append(list(events))
        self.arrived.set()


def test_with_no_batching_each_request_is_written_at_once():
    recorder = Recorder()
    writer = EventWriter(recorder, 0)
    writer.add([{"kind": "started"}])
    writer.add([{"kind": "page_shown"}, {"kind": "page_saved"}])
    assert recorder.batches == [
        [{"kind": "started"}],
        [{"kind": "page_shown"}, {"kind": "page_saved"}],
    ]


def test_batched_events_are_written_together_by_the_thread():
    recorder = Recorder()
    writer = EventWriter(recorder, 0.2)
    writer.add([{"n": 1}])
    writer.add([{"n": 2}])
    assert recorder.batches == []  # the page did not wait for the database
    assert recorder.arrived.wait(5)
    time.sleep(0.05)
    assert recorder.batches == [[{"n": 1}, {"n": 2}]]
    writer.stop()


def test_what_is_held_is_written_when_the_writer_stops():
    recorder = Recorder()
    writer = EventWriter(recorder, 3600)
    writer.add([{"n": 1}])
    writer.stop()
    assert recorder.batches == [[{"n": 1}]]


def test_a_failed_write_is_logged_by_its_type_only(caplog):
    caplog.set_level(logging.WARNING)
    writer = EventWriter(Recorder(fail=True), 0)
    writer.add([{"kind": "started", "page": "secret-page"}])
    assert "performance events not written: RuntimeError" in caplog.text
    assert "database gone" not in caplog.text and "secret-page" not in caplog.text
