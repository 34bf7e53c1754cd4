"""Browser sessions kept on the server: the cookie holds only a random id."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete

from forms_service.clock import as_utc, utcnow
from forms_service.data.database import Sessions
from forms_service.data.models import WebSession


class WebSessions:
    sessions: Sessions

    def load_web_session(self, key: str, now: datetime.datetime) -> dict | None:
        with self.sessions() as db:
            row = db.get(WebSession, key)
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
