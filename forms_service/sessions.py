"""Server-side sessions: the cookie carries only a random id; the data stays in the database.

The database key is a SHA-256 of the cookie value, so a copy of the database does not give
anyone a working session. Sessions end after SESSION_IDLE_MINUTES without a request.
"""

from __future__ import annotations

import datetime
from typing import Any

from flask import Flask, Request, Response, request
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict

from forms_service.clock import utcnow
from forms_service.data import StoreError
from forms_service.tokens import hash_secret, new_token


def session_key(token: str) -> str:
    """The session's database key: the hash of the id in the cookie."""
    return hash_secret(token)


class ServerSession(CallbackDict, SessionMixin):
    def __init__(self, data: dict | None = None, token: str | None = None):
        def on_update(_self: Any) -> None:
            self.modified = True

        super().__init__(data or {}, on_update)
        self.token = token
        self.modified = False
        self.expired = False  # a cookie came with the request but its session had ended
        self.replaced_key: str | None = None

    def rotate(self) -> None:
        """Give the session a new id (on sign-in), so an id known before cannot be used."""
        if self.token is not None:
            self.replaced_key = session_key(self.token)
        self.token = new_token()
        self.modified = True

    @property
    def key(self) -> str:
        """The session's database key, creating the session id on first use."""
        if self.token is None:
            self.token = new_token()
            self.modified = True
        return session_key(self.token)


class DatabaseSessionInterface(SessionInterface):
    def open_session(self, app: Flask, request: Request) -> ServerSession:
        token = request.cookies.get(self.get_cookie_name(app))
        if not token:
            return ServerSession()
        try:
            data = app.extensions["store"].load_web_session(session_key(token), utcnow())
        except StoreError:
            data = None
        if data is None:
            session = ServerSession()
            session.expired = True
            return session
        return ServerSession(data, token)

    def save_session(self, app: Flask, session: ServerSession, response: Response) -> None:
        if session.token is None and not session.modified:
            return  # nothing worth a session yet (no form, no CSRF token)
        if not session.modified and request.endpoint in ("static", "assets"):
            return  # fetching a stylesheet is not the citizen doing anything
        # Every request extends the session, so the timeout warning's countdown (which
        # restarts on each page) never runs ahead of the server.
        now = utcnow()
        data = dict(session)
        data["_seen"] = now.isoformat()
        idle = datetime.timedelta(seconds=app.config["SESSION_IDLE_SECONDS"])
        store = app.extensions["store"]
        if session.replaced_key:
            store.delete_web_session(session.replaced_key)
            session.replaced_key = None
        store.save_web_session(session.key, data, now + idle)
        response.set_cookie(
            self.get_cookie_name(app),
            session.token,
            httponly=True,
            secure=app.config["SESSION_COOKIE_SECURE"],
            samesite=app.config["SESSION_COOKIE_SAMESITE"],
            path="/",
        )
