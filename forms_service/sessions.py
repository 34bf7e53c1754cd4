"""Server-side sessions: the cookie carries only a random id; the data stays in the database.

The database key is a SHA-256 of the cookie value, so a copy of the database does not give
anyone a working session. Sessions end after SESSION_IDLE_MINUTES without a request.

A request writes only the keys it changed, merged into the stored session under a lock, so
two tabs (or a double click) cannot undo each other's changes; a request that changes
nothing writes at most once a minute (to keep the session alive). A request never brings
back a session that ended while it ran (signed out, ended in another tab).
"""

from __future__ import annotations

import copy
import datetime
from typing import Any

from flask import Flask, Request, Response, request
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict

from forms_service.clock import utcnow
from forms_service.data import StoreError
from forms_service.tokens import hash_secret, new_token

SEEN = "_seen"  # when the session was last written: the idle timeout runs from here


def session_key(token: str) -> str:
    """The session's database key: the hash of the id in the cookie."""
    return hash_secret(token)


class ServerSession(CallbackDict, SessionMixin):
    def __init__(self, data: dict | None = None, token: str | None = None):
        def on_update(_self: Any) -> None:
            self.modified = True

        super().__init__(data or {}, on_update)
        self.token = token
        self.stored = token is not None  # its row is in the database: update, never insert
        self.loaded = copy.deepcopy(dict(data or {}))  # to find what this request changed
        self.modified = False
        self.expired = False  # a cookie came with the request but its session had ended
        self.replaced_key: str | None = None

    def rotate(self, token: str | None = None) -> None:
        """Give the session a new id (on sign-in), so an id known before cannot be used."""
        if self.token is not None and self.stored:
            self.replaced_key = session_key(self.token)
        self.token = token or new_token()
        self.stored = False
        self.modified = True

    @property
    def key(self) -> str:
        """The session's database key, creating the session id on first use."""
        if self.token is None:
            self.token = new_token()
            self.modified = True
        return session_key(self.token)

    def changes(self) -> tuple[dict[str, Any], list[str]]:
        """The keys this request set (with their values) and the keys it removed."""
        changed = {k: v for k, v in self.items() if k not in self.loaded or self.loaded[k] != v}
        removed = [k for k in self.loaded if k not in self]
        return changed, removed


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

    def save_session(self, app: Flask, session: ServerSession | None, response: Response) -> None:
        if session is None:
            return  # opening it failed (the database down): the 503 page has nothing to keep
        if session.token is None and not session.modified:
            return  # nothing worth a session yet (no form, no CSRF token)
        if not session.modified and request.endpoint in ("static", "assets"):
            return  # fetching a stylesheet is not the citizen doing anything
        now = utcnow()
        idle = app.config["SESSION_IDLE_SECONDS"]
        # Any request keeps the session alive, but a write per page view would queue every
        # request on SQLite's one writer: the last-seen time is written at most every
        # `touch` seconds, and the session kept that much longer, so it never ends before
        # the timeout warning's countdown (which restarts on each page) says it will.
        touch = min(60, idle // 10)
        # The page's countdown starts when the page arrives, a moment after `now`: the
        # session lasts at least GRACE_SECONDS longer, so Continue pressed on the
        # countdown's last second (on a slow phone, a busy server) still finds it.
        expires = now + datetime.timedelta(seconds=idle + max(touch, GRACE_SECONDS))
        store = app.extensions["store"]
        if session.replaced_key:
            store.delete_web_session(session.replaced_key)
            session.replaced_key = None
        if not session.stored:
            store.save_web_session(session.key, {**session, SEEN: now.isoformat()}, expires)
            session.stored = True
        else:
            changed, removed = session.changes()
            if not changed and not removed and not _due(session.loaded.get(SEEN), now, touch):
                return
            changed[SEEN] = now.isoformat()
            if not store.update_web_session(session.key, changed, removed, expires, now):
                return  # it ended while this request ran: it stays ended
        response.set_cookie(
            self.get_cookie_name(app),
            session.token,
            httponly=True,
            secure=app.config["SESSION_COOKIE_SECURE"],
            samesite=app.config["SESSION_COOKIE_SAMESITE"],
            path="/",
        )


GRACE_SECONDS = 5


def _due(seen: str | None, now: datetime.datetime, touch: int) -> bool:
    if seen is None:
        return True
    try:
        return (now - datetime.datetime.fromisoformat(seen)).total_seconds() >= touch
    except (TypeError, ValueError):
        return True
