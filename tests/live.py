"""A live server on loopback and a plain HTTP visitor, for tests that need the real HTTP
stack (cookies, headers, Host, concurrency) rather than Flask's test client."""

from __future__ import annotations

import re
from typing import Any

import httpx

from forms_service.testing.server import QuietHandler, serving

__all__ = ["CSRF", "QuietHandler", "Visitor", "serving"]  # the package's loopback server

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


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
