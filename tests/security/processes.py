"""A live server in a process of its own, for attacks that would freeze the test itself: a
regex that never ends holds the GIL, and a start-up that never ends never returns an app."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from werkzeug.serving import make_server

from tests.live import QuietHandler

_FORK = multiprocessing.get_context("fork")


def _serve(build: Callable[[], Any], port: Any) -> None:
    app = build()
    app.extensions["store"].engine.dispose(close=False)  # the parent's connections stay its own
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    port.send(server.server_port)
    server.serve_forever()


@contextmanager
def serving_in_a_process(build: Callable[[], Any], start_within: float = 30) -> Iterator[str]:
    """Serve the app `build()` makes (called in the child) on loopback; yields its URL.
    Fails when the app is not serving within `start_within` seconds."""
    receive, send = _FORK.Pipe(duplex=False)
    process = _FORK.Process(target=_serve, args=(build, send), daemon=True)
    process.start()
    try:
        if not receive.poll(start_within):
            raise AssertionError(f"the service did not start within {start_within} seconds")
        yield f"http://127.0.0.1:{receive.recv()}"
    finally:
        process.kill()  # a worker stuck in a regex cannot be stopped more politely
        process.join(10)
