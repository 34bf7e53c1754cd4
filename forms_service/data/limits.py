"""Rate limits: requests counted per key (an email hash, an IP address) in a time window."""

from __future__ import annotations

import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from forms_service.clock import as_utc, utcnow
from forms_service.data.models import RateLimit


class RateLimits:
    sessions: sessionmaker

    def hit(self, key: str, limit: int, window: datetime.timedelta) -> bool:
        """Count one request for `key`; False when over `limit` in the current window."""
        now = utcnow()
        for _attempt in range(3):
            try:
                with self.sessions.begin() as db:
                    row = db.get(RateLimit, key, with_for_update=True)
                    if row is None:
                        db.add(RateLimit(key=key, window_start=now, count=1))
                        return True
                    if as_utc(row.window_start) + window <= now:
                        row.window_start, row.count = now, 1
                        return True
                    row.count += 1
                    return row.count <= limit
            except IntegrityError:
                continue  # two first requests at once: count again
        return False

    def count(self, key: str, window: datetime.timedelta) -> tuple[int, int]:
        """Count one event for `key`: how many in the current window with this one, and
        when this one starts a new window, how many the window before it had (else 0).
        For summaries: act on the first event of a window, report the last window's total."""
        now = utcnow()
        for _attempt in range(3):
            try:
                with self.sessions.begin() as db:
                    row = db.get(RateLimit, key, with_for_update=True)
                    if row is None:
                        db.add(RateLimit(key=key, window_start=now, count=1))
                        return 1, 0
                    if as_utc(row.window_start) + window <= now:
                        before = row.count
                        row.window_start, row.count = now, 1
                        return 1, before
                    row.count += 1
                    return row.count, 0
            except IntegrityError:
                continue  # two first events at once: count again
        return 2**31, 0  # cannot count: treat as over any limit
