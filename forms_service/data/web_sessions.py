"""Browser sessions kept on the server: the cookie holds only a random id."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from sqlalchemy import bindparam, delete, select

from forms_service.clock import as_utc, utcnow
from forms_service.data.database import Sessions
from forms_service.data.models import WebSession
from forms_service.data.sealing import AnswerKeys, SealingError, open_value, seal_value


class WebSessions:
    sessions: Sessions
    keys: AnswerKeys

    # Session data is not sealed (it holds ids and flags). Anything a person typed that has
    # to wait in it (a page's input between a failed POST and the page showing its errors)
    # is sealed like answers, bound to the session and to what it is for.
    def seal_for_session(self, session_key: str, purpose: str, value: Any) -> str:
        return seal_value(self.keys, value, _session_ad(session_key, purpose))

    def open_for_session(self, session_key: str, purpose: str, text: str) -> Any:
        """The sealed value, or None when it does not open here (another session, old key)."""
        try:
            return open_value(self.keys, text, _session_ad(session_key, purpose))
        except SealingError:
            return None

    def load_web_session(self, key: str, now: datetime.datetime) -> dict | None:
        with self.sessions.connect() as connection:  # every request: Core, not the ORM
            row = connection.execute(WEB_SESSION, {"key": key}).first()
        if row is None or as_utc(row.expires_at) <= now:
            return None
        return dict(row.data or {})

    def save_web_session(
        self, key: str, data: Mapping[str, Any], expires_at: datetime.datetime
    ) -> None:
        with self.sessions.begin() as db:
            row = db.get(WebSession, key)
            if row is None:
                db.add(
                    WebSession(key=key, data=dict(data), created_at=utcnow(), expires_at=expires_at)
                )
            else:
                row.data = dict(data)
                row.expires_at = expires_at

    def update_web_session(
        self,
        key: str,
        changed: Mapping[str, Any],
        removed: list[str],
        expires_at: datetime.datetime,
        now: datetime.datetime,
    ) -> bool:
        """Merge one request's changes into a live session under a lock; False (and nothing
        written) when the session has ended meanwhile, so it is never brought back."""
        with self.sessions.begin() as db:
            row = db.get(WebSession, key, with_for_update=True)
            if row is None or as_utc(row.expires_at) <= now:
                return False
            data = {**(row.data or {}), **changed}
            for name in removed:
                data.pop(name, None)
            row.data = data
            row.expires_at = expires_at
            return True

    def delete_web_session(self, key: str) -> None:
        with self.sessions.begin() as db:
            db.execute(delete(WebSession).where(WebSession.key == key))


# Built once: building a statement (and its cache key) costs more than running it.
WEB_SESSION = select(WebSession.data, WebSession.expires_at).where(
    WebSession.key == bindparam("key")
)


def _session_ad(session_key: str, purpose: str) -> bytes:
    return f"web_sessions\x00{purpose}\x00{session_key}".encode()
