"""A live server on loopback and a plain HTTP visitor, for tests that need the real HTTP
stack (cookies, headers, Host, concurrency) rather than Flask's test client."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from werkzeug.serving import WSGIRequestHandler, make_server

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:  # errors are still logged
        pass


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve an app on a free loopback port for the duration of the block: yields its URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


class Visitor:
    """A browser with JavaScript off, over real HTTP: keeps cookies, posts forms with their
    CSRF token, and does not follow redirects unless asked."""

    def __init__(self, base_url: str, **options: Any) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=30, **options)
        self.csrf: str | None = None

    def get(self, path: str, **options: Any) -> httpx.Response:
        response = self.http.get(path, **options)
        found = (
            CSRF.search(response.text)
            if "html" in response.headers.get("content-type", "")
            else None
        )
        if found:
            self.csrf = found.group(1)
        return response

    def post(self, path: str, data: dict[str, Any] | None = None, **options: Any) -> httpx.Response:
        """POST a form with the CSRF token of the last page seen (the page is fetched first
        when none has been)."""
        if self.csrf is None:
            self.get(path)
        return self.http.post(path, data={"csrf_token": self.csrf, **(data or {})}, **options)

    def close(self) -> None:
        self.http.close()
